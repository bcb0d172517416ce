# Tests for the weekly summary's text, Markdown, JSON and CSV renderers
# (reports/digest_*.c) on hand-made digests: golden files, hostile strings,
# CSV read back; and the JSON's documented shape checked with jq.
#
#   ctest -R digest_formats
#   DS_UPDATE_GOLDEN=1 ctest -R unit/test_digest_formats   # rewrite goldens
ds_unit_test(test_digest_formats LIBS dsreports dsanalyze)

add_test(NAME reports/digest_formats COMMAND sh
  ${CMAKE_CURRENT_SOURCE_DIR}/reports/test_formats.sh
  $<TARGET_FILE:test_digest_formats>)
set_tests_properties(reports/digest_formats PROPERTIES LABELS unit
  TIMEOUT 120)
