# Metrics (issue 19): the Prometheus text format from hand-made structs,
# hostile label values escaped (reports/prom.c, reports/metrics_prom.c).
ds_unit_test(test_prom LIBS dsreports)
target_include_directories(test_prom PRIVATE ${DS_SRC}/analyze)
