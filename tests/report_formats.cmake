# Tests for the weekly summary's text, Markdown, JSON and CSV renderers
# (reports/digest_*.c) on hand-made digests: golden files, hostile strings,
# CSV read back; and the JSON's documented shape checked with jq.
#
#   ctest -R digest_formats
#   DS_UPDATE_GOLDEN=1 ctest -R unit/test_digest_formats   # rewrite goldens
ds_unit_test(test_digest_formats LIBS dsreports dsanalyze)
# The presentation every format shares (reports/present.c).
ds_unit_test(test_present LIBS dsreports)
ds_unit_test(test_sources_text LIBS dsreports dsanalyze)

add_test(NAME reports/digest_formats COMMAND sh
  ${CMAKE_CURRENT_SOURCE_DIR}/reports/test_formats.sh
  $<TARGET_FILE:test_digest_formats>)
set_tests_properties(reports/digest_formats PROPERTIES LABELS unit
  TIMEOUT 120)

# report and advise --what-if on the demo's reports: a sender of several
# addresses is one row with its sums, its addresses below with their own.
add_test(NAME reports/senders COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run sh ${CMAKE_CURRENT_SOURCE_DIR}/reports/test_report_senders.sh
  $<TARGET_FILE:dmarcsift> ${DS_SRC}/scripts/sample-reports)
set_tests_properties(reports/senders PROPERTIES LABELS db TIMEOUT 120
  SKIP_RETURN_CODE 77)

# What a stranger's reports can make long stays short: report names 32
# reporters of a domain at most and counts the rest (a flood of made-up
# org_names), a large one gone silent among those kept; a source lists 20
# DKIM and 20 SPF domains at most.
add_test(NAME reports/floods COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run sh ${CMAKE_CURRENT_SOURCE_DIR}/reports/test_report_floods.sh
  $<TARGET_FILE:dmarcsift>)
set_tests_properties(reports/floods PROPERTIES LABELS db TIMEOUT 120)

# report's SMTP TLS section and failure reports' line on stored reports,
# its "tls" the object of `tls --json` (issue 16).
add_test(NAME reports/tls COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run sh ${CMAKE_CURRENT_SOURCE_DIR}/reports/test_report_tls.sh
  $<TARGET_FILE:dmarcsift> ${DS_SRC}/scripts/sample-reports
  ${CMAKE_CURRENT_SOURCE_DIR}/data/tlsrpt
  ${CMAKE_CURRENT_SOURCE_DIR}/data/failrpt)
set_tests_properties(reports/tls PROPERTIES LABELS db TIMEOUT 300)
