# Tests for the analyze area: organizational domains and alignment (with the
# system's Public Suffix List), verdicts and causes, the services list.
ds_unit_test(test_orgdomain LIBS dsanalyze)
ds_unit_test(test_verdict LIBS dsanalyze)
ds_unit_test(test_services LIBS dsanalyze)
