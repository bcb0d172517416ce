# Tests for DNS: analyze/resolve.c (c-ares), analyze/dnscheck.c and
# `dmarcsift check`, against a real dnsmasq that tests/harness/dnsmasq starts
# on loopback with the records of tests/dns/zone.conf; the parsers alone,
# with no server.
#
#   ctest -L dns

# ds_dns_test(NAME [SERVER]): tests/dns/NAME.c linked with dsanalyze; with
# SERVER it runs under the harness.
function(ds_dns_test name)
  cmake_parse_arguments(T "SERVER" "" "" ${ARGN})
  add_executable(${name} dns/${name}.c)
  target_link_libraries(${name} PRIVATE dsanalyze dscommon PkgConfig::CMOCKA)
  # Expectation tables leave trailing fields out on purpose.
  target_compile_options(${name} PRIVATE -Wno-missing-field-initializers)
  if(T_SERVER)
    add_test(NAME dns/${name} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/dnsmasq
      run --zone ${CMAKE_CURRENT_SOURCE_DIR}/dns/zone.conf $<TARGET_FILE:${name}>)
    set_tests_properties(dns/${name} PROPERTIES LABELS dns TIMEOUT 300)
  else()
    add_test(NAME dns/${name} COMMAND ${name})
    set_tests_properties(dns/${name} PROPERTIES LABELS "dns;unit" TIMEOUT 120)
  endif()
endfunction()

ds_dns_test(test_dnscheck_parse)
ds_dns_test(test_dnscheck_mailin)
ds_dns_test(test_resolve SERVER)
ds_dns_test(test_dnscheck SERVER)

# dmarcsift check: the real binary, a real dnsmasq and a real PostgreSQL
# holding the reports the script writes.
add_test(NAME dns/check COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/dnsmasq run
  --zone ${CMAKE_CURRENT_SOURCE_DIR}/dns/zone.conf
  sh ${CMAKE_CURRENT_SOURCE_DIR}/dns/test_check.sh $<TARGET_FILE:dmarcsift>)
set_tests_properties(dns/check PROPERTIES LABELS "dns;db" TIMEOUT 300)

# analyze/rdns.c: the reverse-DNS cache, against a real dnsmasq and a real
# PostgreSQL (the schema from the migrations, reports written by the test).
add_executable(test_rdns dns/test_rdns.c)
target_link_libraries(test_rdns PRIVATE dsanalyze dsdb dscommon
  PkgConfig::CMOCKA)
add_test(NAME dns/test_rdns COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/dnsmasq run
  --zone ${CMAKE_CURRENT_SOURCE_DIR}/dns/zone.conf $<TARGET_FILE:test_rdns>)
set_tests_properties(dns/test_rdns PROPERTIES LABELS "dns;db" TIMEOUT 300)

# analyze/asn.c: the parsers of IP-to-ASN answers, hostile ones included,
# with no server.
ds_dns_test(test_asn_parse)

# analyze/asn.c and source_name(): the network and owner of source
# addresses, against a real dnsmasq and a real PostgreSQL.
add_executable(test_asn dns/test_asn.c)
target_link_libraries(test_asn PRIVATE dsanalyze dsdb dscommon
  PkgConfig::CMOCKA)
add_test(NAME dns/test_asn COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/dnsmasq run
  --zone ${CMAKE_CURRENT_SOURCE_DIR}/dns/zone.conf $<TARGET_FILE:test_asn>)
set_tests_properties(dns/test_asn PROPERTIES LABELS "dns;db" TIMEOUT 300)

# The same through the real binary: `dmarcsift sources` online, --offline
# and with the server gone.
add_test(NAME dns/names COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/dnsmasq run
  --zone ${CMAKE_CURRENT_SOURCE_DIR}/dns/zone.conf
  sh ${CMAKE_CURRENT_SOURCE_DIR}/dns/test_names.sh $<TARGET_FILE:dmarcsift>)
set_tests_properties(dns/names PROPERTIES LABELS "dns;db" TIMEOUT 300)

# dmarcsift check of mail sent to a domain (TLS reporting, MTA-STS, DANE):
# the real binary, a real dnsmasq, an HTTPS server the script starts with
# a CA of its own, and a real PostgreSQL for the check it keeps.
add_test(NAME dns/check_sts COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/harness/pg run
  ${CMAKE_CURRENT_SOURCE_DIR}/harness/dnsmasq run
  --zone ${CMAKE_CURRENT_SOURCE_DIR}/dns/zone_sts.conf
  sh ${CMAKE_CURRENT_SOURCE_DIR}/dns/test_check_sts.sh $<TARGET_FILE:dmarcsift>)
set_tests_properties(dns/check_sts PROPERTIES LABELS "dns;db" TIMEOUT 300)
