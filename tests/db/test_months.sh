#!/bin/sh
# Records and the rollup by month (sql/016, common/month_code.h): a
# report's id says the month it begins in, and its records and rollup
# rows go to that month's partitions; months no honest report begins in
# share the _other partitions; two ingest workers that need the same new
# month both store; dropping a month takes its partitions and its
# reports, and leaves the rest consistent.  Every number here is counted
# by hand from the reports below and the samples (4 reports of 2025-11
# with 13 records).
# usage: test_months.sh DMARCSIFT SAMPLES
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql.
bin=$1 samples=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
need psql
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/../analysis/gen.sh"
newdb months
# The clock: 2025-11 is month 311 (25 years and 10 months after 2000-01,
# which is 1); 2025-12 (312) is the month after, still taken; anything
# before 2022-11 (275) or after 2025-12 goes to _other.
export DMARCSIFT_NOW=2025-11-20T06:00:00Z
mkdir "$tmp/in" "$tmp/sep"
one="192.0.2.1|5|months.test|months.test:pass|months.test:pass|"
report "$tmp/in/oct.xml" a.example months.test 1760054400 none "$one"
report "$tmp/in/dec.xml" a.example months.test 1764892800 none "$one"
report "$tmp/in/old.xml" a.example months.test 1547510400 none "$one"
report "$tmp/in/jan.xml" a.example months.test 1768003200 none "$one"
run ingest 0 ingest -q --db "$db" "$samples" "$tmp/in"

eq "reports by month" "$(q "SELECT string_agg(m || ':' || n, ' ' ORDER BY m)
	FROM (SELECT id >> 40 AS m, count(*) AS n FROM reports GROUP BY 1) x")" \
	"1:2 310:1 311:4 312:1"
eq "records by partition" "$(q "SELECT string_agg(t || ':' || n, ' '
	ORDER BY t) FROM (SELECT tableoid::regclass::text AS t, count(*) AS n
	FROM records GROUP BY 1) x")" \
	"records_m202510:1 records_m202511:13 records_m202512:1 records_other:2"
eq "rollup by partition" "$(q "SELECT string_agg(t || ':' || n, ' '
	ORDER BY t) FROM (SELECT tableoid::regclass::text AS t, sum(messages) AS n
	FROM source_days GROUP BY 1) x")" \
	"$(q "SELECT string_agg(replace(t, 'records', 'source_days') || ':' || n,
	' ' ORDER BY t) FROM (SELECT tableoid::regclass::text AS t,
	sum(count) AS n FROM records GROUP BY 1) x")"

# Two workers, six reports of a month that has no partitions yet: each
# worker may be the one that makes them, and both store.
for d in 1 2 3 4 5 6; do
	report "$tmp/sep/$d.xml" "org$d.example" months.test \
		$((1756684800 + d * 86400)) none "$one"
done
run sep 0 ingest -q -j 2 --db "$db" "$tmp/sep"
eq "a new month, two workers" "$(q "SELECT count(*) FROM records_m202509")" 6

# Dropping November: its 4 reports, their records and rollup rows go,
# with the partitions; the other months stay whole.
eq "dropped" "$(q "SELECT reports_drop_month(311)")" 4
eq "partitions gone" "$(q "SELECT to_regclass('records_m202511') IS NULL
	AND to_regclass('source_days_m202511') IS NULL")" t
eq "reports left" "$(q "SELECT count(*) FROM reports")" 10
eq "records left" "$(q "SELECT count(*) FROM records")" 10
eq "the rollup sums the records left" \
	"$(q "SELECT sum(messages) FROM source_days")" \
	"$(q "SELECT sum(messages) FROM record_analysis")"
eq "no note of a dropped report" "$(q "SELECT count(*) FROM
	source_days_reports m WHERE NOT EXISTS (SELECT 1 FROM reports r
	WHERE r.id = m.report)")" 0
run summary 0 summary --db "$db"
# The month that holds the odd dates is not a month to drop.
want_fail=$(q "SELECT reports_drop_month(1)" 2>&1)
case $want_fail in
*"not a month of its own"*) ;;
*) fail "dropping _other: $want_fail" ;;
esac

# A month dropped while an ingest that made it runs (prune beside a long
# run): the store took the month as made, its row finds no partition; it
# asks for the month again and stores the report, where it refused the
# input as if its data were at fault. One run, -j1: oct2.xml first (it
# makes October again), then stdin, written only after October is gone.
report "$tmp/sep/oct2.xml" b.example months.test 1760054400 none "$one"
report "$tmp/sep/oct3.xml" c.example months.test 1760140800 none "$one"
mkfifo "$tmp/fifo"
"$bin" ingest -q -j 1 --db "$db" "$tmp/sep/oct2.xml" - <"$tmp/fifo" \
	>"$tmp/again.out" 2>"$tmp/again.err" &
pid=$!
exec 9>"$tmp/fifo"
n=0
until [ "$(q "SELECT count(*) FROM reports WHERE org_name = 'b.example'")" = 1 ]; do
	n=$((n + 1))
	[ $n -lt 100 ] || fail "again: oct2.xml never stored"
	sleep 0.1
done
eq "dropped beside a run" "$(q "SELECT reports_drop_month(310)")" 2
cat "$tmp/sep/oct3.xml" >&9
exec 9>&-
wait $pid || fail "again: exit $?: $(cat "$tmp/again.err")"
eq "stored after the month came back" "$(q "SELECT count(*) FROM reports
	WHERE org_name = 'c.example'")" 1
eq "nothing refused" "$(q "SELECT count(*) FROM inputs WHERE outcome = 'refused'")" 0

finish "months: all passed"
