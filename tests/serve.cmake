# The pages of serve rendered from hand-made structs (reports/web_*.c),
# and base64 (common/base64.c: a CSP hash, Basic credentials).
ds_unit_test(test_web_render LIBS dsreports dsanalyze)
ds_unit_test(test_base64)
# The trusted proxies of serve and the client one names (httpd_proxy.c).
ds_unit_test(test_httpd_proxy LIBS dshttpd)
# The Host names serve answers without a login of its own: the
# loopback's and serve_hosts (cli/serve_host.c; cli/ is a program, so the
# file is compiled in).
ds_unit_test(test_serve_host SOURCES ${DS_SRC}/cli/serve_host.c)
target_include_directories(test_serve_host PRIVATE ${DS_SRC}/cli)
# The answers of serve's costly pages kept per snapshot (cli/serve_cache.c).
ds_unit_test(test_serve_cache SOURCES ${DS_SRC}/cli/serve_cache.c)
target_include_directories(test_serve_cache PRIVATE ${DS_SRC}/cli)

# dmarcsift serve (issue 14): the real binary as the read-only role against
# a real PostgreSQL, asked with curl (status codes, security headers,
# bounds, the numbers of /api/ against the CLI's --json, hostile strings
# shown as text, the login, where it may listen).
add_test(NAME db/serve COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  sh ${CMAKE_CURRENT_SOURCE_DIR}/serve/test_serve.sh $<TARGET_FILE:dmarcsift>
  ${CMAKE_CURRENT_SOURCE_DIR}/data/samples ${DS_SRC}/sql)
set_tests_properties(db/serve PROPERTIES LABELS "db;serve" TIMEOUT 300)

# dmarcsift serve in headless Chromium (tests/serve/test_browser.py, with
# Selenium): clicks through the pages, the CLI's numbers, no console
# error, hostile strings as text, the login.  Screenshots at desktop and
# phone widths are kept in the build tree, test-output/browser.  It skips
# without the browser (77), except in CI, where it fails.
add_test(NAME db/serve_browser COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run sh ${CMAKE_CURRENT_SOURCE_DIR}/serve/test_browser.sh
  $<TARGET_FILE:dmarcsift> ${CMAKE_CURRENT_SOURCE_DIR}/data/samples
  ${DS_SRC}/sql ${CMAKE_BINARY_DIR}/test-output/browser)
set_tests_properties(db/serve_browser PROPERTIES LABELS "db;serve;browser"
  TIMEOUT 300 SKIP_RETURN_CODE 77)

# dmarcsift serve behind a reverse proxy and with TLS of its own (issue 14):
# the user a trusted proxy names, the client it forwards (the login limit
# counts it), HTTPS with a CA made in the test, the key's mode.
add_test(NAME db/serve_proxy COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run sh ${CMAKE_CURRENT_SOURCE_DIR}/serve/test_proxy.sh
  $<TARGET_FILE:dmarcsift> ${CMAKE_CURRENT_SOURCE_DIR}/data/samples
  ${DS_SRC}/sql)
set_tests_properties(db/serve_proxy PROPERTIES LABELS "db;serve" TIMEOUT 300)
