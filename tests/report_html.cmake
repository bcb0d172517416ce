# Tests for the HTML digest (reports/digest_html.c, reports/svg.c): a cmocka
# unit test with hand-built digests and a golden file, and the rendered
# document checked by xmllint and by headless Chromium.
ds_unit_test(test_digest_html LIBS dsreports dsanalyze)

# Writes a fixture's HTML for the browser test and the README screenshot.
add_executable(write_fixture_html reports/write_fixture_html.c)
target_include_directories(write_fixture_html PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/unit ${DS_SRC}/reports)
target_link_libraries(write_fixture_html PRIVATE dsreports dsanalyze dscommon)

add_test(NAME reports/html_render COMMAND sh
  ${CMAKE_CURRENT_SOURCE_DIR}/reports/test_html_render.sh
  $<TARGET_FILE:write_fixture_html>)
set_tests_properties(reports/html_render PROPERTIES LABELS reports
  TIMEOUT 300)
