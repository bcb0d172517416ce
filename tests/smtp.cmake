# Tests for common/mailout.c: the message alone (unit), and sending it
# through a real aiosmtpd that tests/harness/smtp starts on loopback (see
# tests/harness/README.md).
#
#   ctest -L smtp
add_executable(test_mailout smtp/test_mailout.c)
target_link_libraries(test_mailout PRIVATE dsmail dscommon PkgConfig::CMOCKA)
# Message tables leave trailing fields out on purpose.
target_compile_options(test_mailout PRIVATE -Wno-missing-field-initializers)
target_compile_definitions(test_mailout PRIVATE
  DS_SMTP_TESTDIR="${CMAKE_CURRENT_SOURCE_DIR}/smtp")

add_test(NAME smtp/build COMMAND test_mailout build)
set_tests_properties(smtp/build PROPERTIES LABELS "smtp;unit" TIMEOUT 300)

add_test(NAME smtp/send COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/smtp
  run $<TARGET_FILE:test_mailout> send)
# No SKIP_RETURN_CODE: under the harness a missing server is a failure.
set_tests_properties(smtp/send PROPERTIES LABELS smtp TIMEOUT 300)
