# Tests for the config area: the settings table, file syntax, precedence,
# masking and secrets (unit), and `dmarcsift config` as a user runs it (cli).
ds_unit_test(test_config)
# The input limits as rows of the settings table.
ds_unit_test(test_settings)

add_test(NAME cli/config COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_config.sh
  $<TARGET_FILE:dmarcsift>)
set_tests_properties(cli/config PROPERTIES LABELS cli TIMEOUT 120)

# The input limits as settings: from the file, under --limit, at ingest and
# reparse, against a real PostgreSQL.
add_test(NAME db/limits_config COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  sh ${CMAKE_CURRENT_SOURCE_DIR}/db/test_limits_config.sh $<TARGET_FILE:dmarcsift>
  ${CMAKE_CURRENT_SOURCE_DIR}/data/samples)
set_tests_properties(db/limits_config PROPERTIES LABELS db TIMEOUT 300)

# The README's tables of settings and limits against the binary's table.
add_test(NAME cli/settings_readme COMMAND sh
  ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_settings_readme.sh
  $<TARGET_FILE:dmarcsift> ${DS_SRC}/README.md)
set_tests_properties(cli/settings_readme PROPERTIES LABELS cli TIMEOUT 60)
