#!/bin/sh
# dmarcsift prune (sql/017): reports go a month at a time once the
# month's end is older than keep_reports, the _other partitions' reports
# row by row; inputs keep their row but lose their archived bytes after
# keep_inputs; --dry-run drops nothing; a month someone is writing to is
# not dropped and nothing else is either.  Counted by hand:
#
#   clock 2025-11-20T06:00Z; keep_reports 45 days: the cut is 2025-10-06
#   06:00.  September 2025 (3 reports) ends 2025-10-01: it goes.  October
#   (1 report) ends 2025-11-01: it stays.  November: 1 report and the 4
#   samples (13 records) stay.  A report of 2019-01-15 is in _other (more
#   than 36 months back) and ends before the cut: it goes.  Stored: 10
#   reports, 6 + 13 = 19 records; left: 6 reports, 1 + 1 + 13 = 15.
#   September's records are signed with selectors of their own (sep1,
#   sep2, sep3): their three sets of auth results (sql/029) go with them;
#   the others' are named by records left.
# usage: test_prune.sh DMARCSIFT SAMPLES
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
newdb prune
export DMARCSIFT_NOW=2025-11-20T06:00:00Z
mkdir "$tmp/in"
one="192.0.2.1|5|prune.test|prune.test:pass|prune.test:pass|"
for d in 1 2 3; do
	report "$tmp/in/sep$d.xml" "org$d.example" prune.test \
		$((1756684800 + d * 86400)) none \
		"192.0.2.1|5|prune.test|prune.test/sep$d:pass|prune.test:pass|"
done
report "$tmp/in/oct.xml" a.example prune.test 1760054400 none "$one"
report "$tmp/in/nov.xml" a.example prune.test 1762300800 none "$one"
report "$tmp/in/old.xml" a.example prune.test 1547510400 none "$one"
run ingest 0 ingest -q --db "$db" "$samples" "$tmp/in"
counts() {
	q "SELECT (SELECT count(*) FROM reports) || ' ' ||
		(SELECT count(*) FROM records) || ' ' ||
		(SELECT count(*) FROM inputs WHERE raw_gz IS NOT NULL)"
}
eq "stored" "$(counts)" "10 19 10"
unnamed="SELECT count(*) FROM auth_shapes s
	WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.auth = s.id)"
missing="SELECT count(*) FROM records r WHERE r.auth IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM auth_shapes s WHERE s.id = r.auth)"
shapes=$(q "SELECT count(*) FROM auth_shapes")

# Nothing set: nothing to do.
run none 0 prune --db "$db"
expect none out 'keep everything'

# Said, not done.
run dry 0 prune --db "$db" --keep-reports 45 --dry-run
eq "dry run" "$(cat "$tmp/dry.out")" \
"reports: would drop month m202509: 3 report(s), their records and rollup rows
reports: would delete 1 report(s) of the other, legacy partitions"
eq "dry run drops nothing" "$(counts)" "10 19 10"

run keep45 0 prune --db "$db" --keep-reports 45
eq "pruned" "$(cat "$tmp/keep45.out")" \
"reports: dropped month m202509: 3 report(s), their records and rollup rows
reports: deleted 1 report(s) of the other, legacy partitions
auth results: deleted 3 set(s) no record names any more"
eq "left" "$(counts)" "6 15 10"
eq "September's auth results gone" "$(q "SELECT count(*) FROM auth_shapes")" \
	"$((shapes - 3))"
eq "no set unnamed" "$(q "$unnamed")" 0
eq "none missing" "$(q "$missing")" 0
eq "September's tables" "$(q "SELECT to_regclass('records_m202509') IS NULL
	AND to_regclass('source_days_m202509') IS NULL")" t
eq "the rollup sums the records left" \
	"$(q "SELECT sum(messages) FROM source_days")" \
	"$(q "SELECT sum(messages) FROM record_analysis")"
run again 0 prune --db "$db" --keep-reports 45
eq "nothing left to drop" "$(cat "$tmp/again.out")" "nothing to drop"

# An input that arrived long ago loses its bytes, keeps its row: the same
# file is still known (a duplicate), and cannot be parsed again.
q "UPDATE inputs SET received_at = '2025-01-01' WHERE source_name LIKE
	'%/oct.xml'" >/dev/null
oct=$(q "SELECT id FROM inputs WHERE source_name LIKE '%/oct.xml'")
run inputs 0 prune --db "$db" --keep-inputs 30
expect inputs out '^inputs: dropped the archived bytes of 1 input\(s\): [1-9][0-9]* bytes'
eq "bytes gone, row kept" "$(q "SELECT raw_gz IS NULL AND raw_pruned_at IS
	NOT NULL FROM inputs WHERE id = $oct")" t
run known 0 ingest --db "$db" "$tmp/in/oct.xml"
eq "still known" "$(counts)" "6 15 9"
run reparse_one 2 reparse --db "$db" --input "$oct"
expect reparse_one err 'archived bytes were dropped'
run reparse_all 0 reparse --db "$db" --all
eq "reparse --all passes it by, and the inputs of reports dropped" \
	"$(counts)" "6 15 9"
sep=$(q "SELECT id FROM inputs WHERE source_name LIKE '%/sep1.xml'")
run reparse_sep 2 reparse --db "$db" --input "$sep"
expect reparse_sep err 'prune dropped reports it held'
eq "not brought back" "$(counts)" "6 15 9"

# While a store's transaction may name sets it remembers writing
# (LOCK_SHAPES held shared until it commits), none is deleted: prune says
# so, and the next one deletes them, counting it (auth_shapes_gc: once
# for September's, once now; the prune with none to delete, not).
eq "deletions counted" "$(q "SELECT gen FROM auth_shapes_gc")" 1
q "INSERT INTO auth_shapes VALUES ('00000000-0000-0000-0000-000000000001',
	'{}', '{{nobody.example,mfrom,fail,NULL}}')" >/dev/null
psql "$db" -X -q -c "BEGIN" -c "SELECT pg_advisory_xact_lock_shared(7243004)" \
	-c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
sharer=$!
kill_at_exit sharer
held=0
for _ in $(seq 300); do
	[ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
		AND objid = 7243004 AND granted")" -ge 1 ] && held=1 && break
	sleep 0.1
done
eq "the lock is held" "$held" 1
run shapes_busy 0 prune --db "$db" --keep-reports 45
eq "sets left while a store holds them" "$(cat "$tmp/shapes_busy.out")" \
"auth results: the ones no record names are left for the next prune (an ingest is storing)"
eq "the unnamed set stays" "$(q "$unnamed")" 1
# Its server process sleeps on after its client dies: ended by name.
q "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype =
	'advisory' AND objid = 7243004" >/dev/null
wait "$sharer" 2>/dev/null
for _ in $(seq 50); do
	[ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
		AND objid = 7243004")" -eq 0 ] && break
	sleep 0.1
done
run shapes_free 0 prune --db "$db" --keep-reports 45
eq "then it goes" "$(cat "$tmp/shapes_free.out")" \
	"auth results: deleted 1 set(s) no record names any more"
eq "no set unnamed after" "$(q "$unnamed")" 0
eq "deletions counted after" "$(q "SELECT gen FROM auth_shapes_gc")" 2

# A month in use is not dropped, and neither is anything else: prune
# waits, gives up, and says why.
psql "$db" -X -q -c "BEGIN" -c "LOCK TABLE records_m202510 IN ROW
	EXCLUSIVE MODE" -c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
kill_at_exit holder
for _ in $(seq 50); do
	[ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON
		c.oid = l.relation WHERE c.relname = 'records_m202510'
		AND l.granted AND l.pid <> pg_backend_pid()")" -ge 1 ] && break
	sleep 0.1
done
run busy 2 prune --db "$db" --keep-reports 1 --keep-inputs 1
expect busy err 'in use'
eq "nothing dropped while busy" "$(counts)" "6 15 9"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

finish "prune: all passed"
