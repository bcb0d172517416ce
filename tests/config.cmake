# Tests for the config area: the settings table, file syntax, precedence,
# masking and secrets (unit), and `dmarcsift config` as a user runs it (cli).
ds_unit_test(test_config)

add_test(NAME cli/config COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_config.sh
  $<TARGET_FILE:dmarcsift>)
set_tests_properties(cli/config PROPERTIES LABELS cli TIMEOUT 120)
