# Tests for the imap area: ingest/imap.c against a real Dovecot started on
# loopback by tests/harness/dovecot (see tests/harness/README.md).
add_executable(test_imap imap/test_imap.c ${DS_SRC}/ingest/imap.c
  ${DS_SRC}/ingest/imap_resp.c)
target_include_directories(test_imap PRIVATE ${DS_SRC}/ingest)
target_link_libraries(test_imap PRIVATE dscommon dsurl PkgConfig::LIBCURL
  PkgConfig::CMOCKA)
target_compile_definitions(test_imap PRIVATE
  DS_CORPUS="${DS_CORPUS}" DS_TESTDATA="${CMAKE_CURRENT_SOURCE_DIR}/data")
add_test(NAME imap/client COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/dovecot
  run $<TARGET_FILE:test_imap>)
set_tests_properties(imap/client PROPERTIES LABELS imap TIMEOUT 300)

# dmarcsift ingest --imap: the real binary, a real Dovecot, a real PostgreSQL.
add_test(NAME imap/ingest COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/dovecot run
  sh ${CMAKE_CURRENT_SOURCE_DIR}/mailbox/test_mailbox.sh
  $<TARGET_FILE:dmarcsift> $<TARGET_FILE:bench_gen> ${DS_CORPUS}
  $<TARGET_FILE:test_hostile> ${CMAKE_CURRENT_SOURCE_DIR}/harness)
set_tests_properties(imap/ingest PROPERTIES LABELS imap TIMEOUT 600)

# Runs after one that died in a move, and one server under two names.
add_test(NAME imap/ingest-again COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run ${CMAKE_CURRENT_SOURCE_DIR}/harness/dovecot run
  sh ${CMAKE_CURRENT_SOURCE_DIR}/imap/test_ingest_again.sh
  $<TARGET_FILE:dmarcsift> ${DS_CORPUS} ${CMAKE_CURRENT_SOURCE_DIR}/harness)
set_tests_properties(imap/ingest-again PROPERTIES LABELS imap TIMEOUT 300)

# OAuth 2.0 built in: each grant, the cache, renewal, the device flow and
# the endpoint's refusals, against Dovecot asking tests/harness/idp.
add_test(NAME imap/oauth2 COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/idp run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/dovecot run --oauth2
  sh ${CMAKE_CURRENT_SOURCE_DIR}/imap/test_oauth2.sh
  $<TARGET_FILE:dmarcsift> ${DS_CORPUS} ${CMAKE_CURRENT_SOURCE_DIR}/harness)
set_tests_properties(imap/oauth2 PROPERTIES LABELS imap TIMEOUT 300)

# The OAuth2 pieces that need no server: JSON, the cache, the JWT (checked
# with libcrypto).
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET libcrypto)
add_executable(test_oauth2_parts imap/test_oauth2_parts.c)
target_link_libraries(test_oauth2_parts PRIVATE dsingest dscommon
  PkgConfig::LIBCRYPTO PkgConfig::CMOCKA)
add_test(NAME unit/test_oauth2_parts COMMAND test_oauth2_parts)
set_tests_properties(unit/test_oauth2_parts PROPERTIES LABELS unit TIMEOUT 60)

# Several mailboxes in one configuration: the [mailbox NAME] sections.
add_executable(test_mailbox_config imap/test_mailbox_config.c)
target_link_libraries(test_mailbox_config PRIVATE dscommon PkgConfig::CMOCKA)
add_test(NAME unit/test_mailbox_config COMMAND test_mailbox_config)
set_tests_properties(unit/test_mailbox_config PROPERTIES LABELS unit
  TIMEOUT 60)

# Several mailboxes in one run: three users of one Dovecot.
add_test(NAME imap/mailboxes COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run ${CMAKE_CURRENT_SOURCE_DIR}/harness/dovecot run
  sh ${CMAKE_CURRENT_SOURCE_DIR}/imap/test_mailboxes.sh
  $<TARGET_FILE:dmarcsift> ${DS_CORPUS} ${CMAKE_CURRENT_SOURCE_DIR}/harness)
set_tests_properties(imap/mailboxes PROPERTIES LABELS imap TIMEOUT 300)

# ingest --imap --watch: IDLE, polling, a server restart, a refused login,
# SIGTERM in the middle of a batch, a watcher per mailbox.
add_test(NAME imap/watch COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run ${CMAKE_CURRENT_SOURCE_DIR}/harness/dovecot run
  sh ${CMAKE_CURRENT_SOURCE_DIR}/imap/test_watch.sh
  $<TARGET_FILE:dmarcsift> ${DS_CORPUS} ${CMAKE_CURRENT_SOURCE_DIR}/harness)
set_tests_properties(imap/watch PROPERTIES LABELS imap TIMEOUT 300)

# What imap_resp reads of IDLE, with no server.
add_executable(test_imap_idle imap/test_imap_idle.c
  ${DS_SRC}/ingest/imap_resp.c)
target_include_directories(test_imap_idle PRIVATE ${DS_SRC}/ingest)
target_link_libraries(test_imap_idle PRIVATE dscommon PkgConfig::CMOCKA)
add_test(NAME unit/test_imap_idle COMMAND test_imap_idle)
set_tests_properties(unit/test_imap_idle PROPERTIES LABELS unit TIMEOUT 60)

# ingest --watch with an OAuth2 grant: a fresh token at each new login.
add_test(NAME imap/watch-oauth2 COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg
  run ${CMAKE_CURRENT_SOURCE_DIR}/harness/idp run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/dovecot run --oauth2
  sh ${CMAKE_CURRENT_SOURCE_DIR}/imap/test_watch_oauth2.sh
  $<TARGET_FILE:dmarcsift> ${DS_CORPUS} ${CMAKE_CURRENT_SOURCE_DIR}/harness)
set_tests_properties(imap/watch-oauth2 PROPERTIES LABELS imap TIMEOUT 300)
