#!/bin/sh
# The rollup's days merged over reports and reporters (sql/028,
# source_days_merged): what an ingest stores marks its days, made again
# whole before it ends; a day some rows left (reports deleted, a month
# dropped, a report redone by hand) is marked and read from source_days
# until the next run makes it again; a reading role leaves the marks and still reads right; a day
# another run is making is left to it.  Counted by hand, domain
# merged.test, day D 2025-11-05:
#
#   a.example, D:   192.0.2.1 5 passing, 198.51.100.7 3 unauthenticated
#   b.example, D:   192.0.2.1 2 passing, 198.51.100.7 4 unauthenticated
#   a.example, D+1: 192.0.2.1 1 passing
#   then, a second run, c.example, D: 192.0.2.1 4 passing
#
#   First run: source_days 5 rows; merged: D (192.0.2.1 7, 198.51.100.7
#   7), D+1 (192.0.2.1 1).  The second run makes D again: 192.0.2.1
#   11, 198.51.100.7 7.  Classes: 192.0.2.1 legitimate 12 (all passing),
#   198.51.100.7 spoofing 7 (no DKIM, no SPF, no service).  Without
#   b.example: 192.0.2.1 10, 198.51.100.7 3; D made again: 192.0.2.1 9,
#   198.51.100.7 3.
# usage: test_merged.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql.
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
need psql
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/../analysis/gen.sh"
newdb merged
export DMARCSIFT_NOW=2025-11-20T06:00:00Z
# A delete of reports drops the kept classes, if any, with a notice.
PGOPTIONS='-c client_min_messages=warning'
export PGOPTIONS
d=1762300800
ok="merged.test|merged.test:pass|merged.test:pass|"
bad="merged.test|||"
mkdir "$tmp/in"
report "$tmp/in/a1.xml" a.example merged.test $d none \
	"192.0.2.1|5|$ok" "198.51.100.7|3|$bad"
report "$tmp/in/b1.xml" b.example merged.test $d none \
	"192.0.2.1|2|$ok" "198.51.100.7|4|$bad"
report "$tmp/in/a2.xml" a.example merged.test $((d + 86400)) none \
	"192.0.2.1|1|$ok"
run ingest 0 ingest -q --db "$db" "$tmp/in"

classes="SELECT string_agg(host(source_ip) || ' ' || class || ' ' || messages,
	', ' ORDER BY source_ip) FROM source_classes_core('merged.test',
	'2025-11-01', '2025-12-01')"
merged="SELECT string_agg(day || ' ' || host(source_ip) || ' ' || messages, ', '
	ORDER BY day, source_ip, messages) FROM source_days_merged"
# Days marked (a day may be marked more than once).
marked="SELECT count(DISTINCT (domain, day)) FROM source_days_dirty"

eq "source_days rows" "$(q "SELECT count(*) FROM source_days")" 5
want "merged rows" "$merged" "2025-11-05 192.0.2.1 7, \
2025-11-05 198.51.100.7 7, 2025-11-06 192.0.2.1 1"
want "no day marked after an ingest" "$marked" 0
want "classes" "$classes" \
	"192.0.2.1 legitimate 8, 198.51.100.7 spoofing 7"

mkdir "$tmp/in2"
report "$tmp/in2/c1.xml" c.example merged.test $d none "192.0.2.1|4|$ok"
run ingest2 0 ingest -q --db "$db" "$tmp/in2"
want "a second run makes the day again" "$merged" "2025-11-05 192.0.2.1 11, \
2025-11-05 198.51.100.7 7, 2025-11-06 192.0.2.1 1"
want "and leaves no mark" "$marked" 0
want "classes after the second run" "$classes" \
	"192.0.2.1 legitimate 12, 198.51.100.7 spoofing 7"
# The same read from source_days: every day marked, in a transaction.
eq "classes from source_days" "$(q "BEGIN; INSERT INTO source_days_dirty
	SELECT DISTINCT domain, day FROM source_days; $classes; ROLLBACK")" \
	"192.0.2.1 legitimate 12, 198.51.100.7 spoofing 7"

# b.example's report deleted: its day is marked, and read as it is now
# before any run remakes it.
q "DELETE FROM reports WHERE org_name = 'b.example'" >/dev/null
want "the deleted report's day marked" \
	"SELECT DISTINCT domain || ' ' || day FROM source_days_dirty" \
	"merged.test 2025-11-05"
want "classes before the remake" "$classes" \
	"192.0.2.1 legitimate 10, 198.51.100.7 spoofing 3"

# A reading role leaves the mark and reads the same; its summary works.
q "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles
	WHERE rolname = 'merged_read') THEN CREATE ROLE merged_read LOGIN;
	END IF; END \$\$; GRANT SELECT ON ALL TABLES IN SCHEMA public
	TO merged_read" >/dev/null
rd="$DMARCSIFT_TEST_DB dbname=merged user=merged_read"
run read_summary 0 summary --db "$rd"
want "a reading role leaves the mark" "$marked" 1
eq "and reads the same" "$(q "$rd" "$classes")" \
	"192.0.2.1 legitimate 10, 198.51.100.7 spoofing 3"

# A day another run holds is left to it: a session holds D's lock while
# the catch-up runs, which remakes nothing and leaves the mark.
q "INSERT INTO source_days_dirty VALUES ('merged.test', '2025-11-06')" \
	>/dev/null
psql "$db" -qAtX -c "SELECT pg_advisory_lock(1835365732,
	hashtext('merged.test 2025-11-05'))" -c "SELECT pg_sleep(30)" \
	>/dev/null 2>&1 &
holder=$!
i=0
until [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
	AND classid = 1835365732 AND granted")" = 1 ] || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
want "only the day not held is remade" \
	"SELECT source_days_merged_catch_up(10)" 1
want "the held day keeps its mark" \
	"SELECT DISTINCT domain || ' ' || day FROM source_days_dirty" \
	"merged.test 2025-11-05"
q "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype =
	'advisory' AND classid = 1835365732" >/dev/null
wait "$holder" 2>/dev/null

# The next run (any command) remakes it.
run summary 0 summary --db "$db"
want "no day marked after a run" "$marked" 0
want "merged rows without b.example" "$merged" "2025-11-05 192.0.2.1 9, \
2025-11-05 198.51.100.7 3, 2025-11-06 192.0.2.1 1"
want "classes after the remake" "$classes" \
	"192.0.2.1 legitimate 10, 198.51.100.7 spoofing 3"

# A report's rows made again by hand (source_days_redo(), 014) mark its
# day even when it no longer counts: c.example's, D, its verdicts taken
# back (not judged), so its 4 leave 192.0.2.1.
q "UPDATE reports SET judged = false WHERE org_name = 'c.example';
	SELECT source_days_redo(array_agg(id)) FROM reports
	WHERE org_name = 'c.example'" >/dev/null
want "a redone report's day marked" \
	"SELECT string_agg(DISTINCT day::text, ' ') FROM source_days_dirty" \
	"2025-11-05"
want "and read without it" "$classes" \
	"192.0.2.1 legitimate 6, 198.51.100.7 spoofing 3"

# November dropped whole: its rollup partition goes before any sync can
# see its rows; the deleted reports mark their days, and the run after
# leaves nothing merged.
eq "dropped" "$(q "SELECT reports_drop_month(311)")" 3
want "the dropped month's days marked" \
	"SELECT string_agg(DISTINCT day::text, ' ') FROM source_days_dirty" \
	"2025-11-05 2025-11-06"
want "classes of a dropped month" "$classes" ""
run after_drop 0 summary --db "$db"
want "nothing merged is left" "SELECT count(*) FROM source_days_merged" 0
want "no day marked" "$marked" 0
finish
