#!/bin/sh
# More senders than a list shows (issue 13): sources, report and their
# lists are cut to the top in SQL, and what was left out is counted
# exactly.  One domain, topn.test; every number here is worked out by hand.
#
# This period (the 7 days 2026-03-04 to 2026-03-10), one google.com report
# on 2026-03-10: 192.0.2.10 sends 10000 messages that pass, and 103
# spoofers 198.51.100.N send N messages each, none passing (103 senders,
# 1 + ... + 103 = 5356 failing messages).  The period before (2026-02-25
# to 03-03), on 2026-02-26: 203.0.113.N sends N failing messages for
# N = 1..12, none of them seen since.
#
#   sources: 100 senders shown (SOURCES_TOP), 198.51.100.103 down to .4;
#            and 3 more senders (.3, .2, .1: 6 messages)
#   report:  spoofing_sources: .103 to .94 (DIGEST_TOP 10), 93 more;
#            new_sources: the same ten, 94 more (the 93 and 192.0.2.10);
#            stopped_sources: 203.0.113.12 to .3, 2 more
# usage: test_topn.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql, jq.
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
need psql jq
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/gen.sh"
newdb topn
export DMARCSIFT_NOW=2026-03-11T08:00:00Z
mkdir "$tmp/in"

set -- "192.0.2.10|10000|topn.test|topn.test:pass|topn.test:pass|"
n=1
while [ $n -le 103 ]; do
	set -- "$@" "198.51.100.$n|$n|topn.test|||"
	n=$((n + 1))
done
report "$tmp/in/now.xml" google.com topn.test 1773100800 none "$@"
set --
n=1
while [ $n -le 12 ]; do
	set -- "$@" "203.0.113.$n|$n|topn.test|||"
	n=$((n + 1))
done
report "$tmp/in/before.xml" google.com topn.test 1772064000 none "$@"
run ingest 0 -q ingest --db "$db" "$tmp/in"

run sources 0 sources --domain topn.test --since 7d --offline --db "$db"
grep -q '^15356 messages, 5356 failed DMARC$' "$tmp/sources.out" ||
	fail "sources: want the totals of every source, 15356 and 5356"
eq "sources: senders shown" "$(grep -c '^198\.51\.100\.' "$tmp/sources.out")" 100
grep -q '^198\.51\.100\.4 ' "$tmp/sources.out" ||
	fail "sources: want 198.51.100.4, the 100th sender"
grep -q '^198\.51\.100\.3 ' "$tmp/sources.out" &&
	fail "sources: 198.51.100.3 is the 101st sender: not shown"
grep -q '^and 3 more senders (6 messages)$' "$tmp/sources.out" ||
	fail "sources: want 'and 3 more senders (6 messages)'"

run sources_json 0 sources --domain topn.test --since 7d --offline \
	--json --db "$db"
jqt sources_json '(.senders | length) == 100 and
	.senders[0].who == "198.51.100.103" and
	.senders[99].who == "198.51.100.4" and
	.senders_more == {"senders": 3, "addresses": 3, "messages": 6,
	                  "failed": 6} and
	(.sources | length) == 100 and .sources[0].ip == "198.51.100.103" and
	.sources[0].failed == 103 and .sources[99].ip == "198.51.100.4"'

run report 0 report --domain topn.test --period 7d --offline \
	--format json --db "$db"
jqt report '.domains[0] | .spoofing_sources.more == 93 and
	(.spoofing_sources.sources | length) == 10 and
	.spoofing_sources.sources[0].failed == 103 and
	.spoofing_sources.sources[9].failed == 94 and
	.new_sources.more == 94 and (.new_sources.sources | length) == 10 and
	.new_sources.sources[9].failed == 94 and
	.stopped_sources.more == 2 and
	(.stopped_sources.sources | length) == 10 and
	.stopped_sources.sources[0].failed == 12 and
	.stopped_sources.sources[9].failed == 3'

# The classes kept for the rest of a reading transaction (sql/defs/12_source_classes.sql): the
# same rows a second time, the same as computed afresh; a write to rdns in
# that transaction forgets them (the new name shows: a confirmed one,
# sql/defs/10_source_classes_now.sql); outside one, nothing is kept.
classes="SELECT string_agg(concat_ws(':', host(source_ip), class, coalesce(ptr, ''),
	messages), ',' ORDER BY source_ip) FROM source_classes('topn.test',
	'2026-03-04', '2026-03-11')"
fresh=$(q "$classes")
# The tables source_classes() keeps its rows in (sql/defs/12_source_classes.sql).
kept="(SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()
	AND relname LIKE 'source\\_classes\\_m\\_%')"
[ -n "$fresh" ] || fail "source_classes: no rows"
out=$(psql "$db" -X -qAt -v ON_ERROR_STOP=1 <<EOF
BEGIN ISOLATION LEVEL REPEATABLE READ;
$classes;
SELECT $kept;
$classes;
INSERT INTO rdns (ip, status, name, confirmed, expires_at)
VALUES ('192.0.2.10', 'ok', 'mx.topn.test', true, now() + interval '1 day');
SELECT $kept = 0;
$classes;
COMMIT;
EOF
) || fail "source_classes in a reading transaction: psql failed"
eq "kept, then forgotten" "$out" "$fresh
1
$fresh
t
$(printf '%s' "$fresh" | sed 's/^192\.0\.2\.10:legitimate::/192.0.2.10:legitimate:mx.topn.test:/')"
eq "nothing kept outside" "$(q "SELECT $kept = 0")" t

finish ok
