# Metrics (issue 19): the Prometheus text format from hand-made structs,
# hostile label values escaped (reports/prom.c, reports/metrics_prom.c).
ds_unit_test(test_prom LIBS dsreports dsanalyze)
target_include_directories(test_prom PRIVATE ${DS_SRC}/analyze)

# dmarcsift metrics against a real PostgreSQL: the values by hand and by
# SQL, the file for node_exporter, and promtool reading it (a failure in
# CI when missing).
add_test(NAME db/metrics COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  sh ${CMAKE_CURRENT_SOURCE_DIR}/db/test_metrics.sh $<TARGET_FILE:dmarcsift>
  ${CMAKE_CURRENT_SOURCE_DIR}/data/samples)
set_tests_properties(db/metrics PROPERTIES LABELS db TIMEOUT 300)
