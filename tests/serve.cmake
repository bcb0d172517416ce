# The pages of serve rendered from hand-made structs (reports/web_*.c),
# and base64 (common/base64.c: a CSP hash, Basic credentials).
ds_unit_test(test_web_render LIBS dsreports dsanalyze)
ds_unit_test(test_base64)

# dmarcsift serve (issue 14): the real binary as the read-only role against
# a real PostgreSQL, asked with curl (status codes, security headers,
# bounds, the numbers of /api/ against the CLI's --json, hostile strings
# shown as text, the login, where it may listen).
add_test(NAME db/serve COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  sh ${CMAKE_CURRENT_SOURCE_DIR}/serve/test_serve.sh $<TARGET_FILE:dmarcsift>
  ${CMAKE_CURRENT_SOURCE_DIR}/data/samples ${DS_SRC}/sql)
set_tests_properties(db/serve PROPERTIES LABELS "db;serve" TIMEOUT 300)
