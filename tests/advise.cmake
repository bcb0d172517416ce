# Tests for `dmarcsift advise`: the readiness judgement and what-if
# (analyze/readiness.c), and its text and JSON renderers.  The renderers
# are built from their sources so the test names exactly what it covers.
ds_unit_test(test_readiness
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/sources_group.c LIBS dsanalyze)
ds_unit_test(test_advise_render
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/sources_group.c
  ${DS_SRC}/reports/advise_text.c ${DS_SRC}/reports/advise_json.c
  ${DS_SRC}/reports/present.c ${DS_SRC}/reports/digest_outline.c
  LIBS dsanalyze)

# test_advise_render compares its JSON byte for byte with these golden
# files; jq, a parser of its own, checks that they are JSON with the keys
# and types scripts rely on.
find_program(DS_JQ jq)
if(DS_JQ)
  set(ds_advise_data ${CMAKE_CURRENT_SOURCE_DIR}/data/advise)
  add_test(NAME unit/advise_json_jq COMMAND ${DS_JQ} -e -s
    -f ${ds_advise_data}/schema.jq ${ds_advise_data}/notready.json
    ${ds_advise_data}/last.json ${ds_advise_data}/nodata.json)
  set_tests_properties(unit/advise_json_jq PROPERTIES LABELS unit TIMEOUT 60)
else()
  message(WARNING "jq not found: unit/advise_json_jq not added")
endif()
