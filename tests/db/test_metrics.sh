#!/bin/sh
# dmarcsift metrics (issue 19): the Prometheus exposition of a database
# filled by real ingests, every value counted by hand from the reports
# below and checked against SQL on the documented tables; the owner's
# domains a series each and strangers' summed; --output written whole
# with the mode of a new file; Debian's promtool reads it (in CI it must
# be there: scripts/deps.sh installs prometheus).
#
# The clock is 2025-11-17T06:00Z: the last complete day (1d) is 11-16,
# the last 7 (7d) are 11-10 to 11-16.  The samples are example.com's:
# 580 messages on 11-14 (532 passed), 185 on 11-15 (167), 25 on 11-16
# (23), from 4 reporters: 7d 790 of which 722 passed, 1d 25 and 23.
# Beside them:
#   example.com 11-09 (1000) and 11-17 (1000): outside both periods;
#   d01.test .. d21.test, 11-12, two reporters each, 200 + N messages
#     (a.example 100, b.example 100 + N), all passing: the owner's by the
#     rule when domains is unset (owned_domains(), sql/021), but only 20
#     domains get a series: example.com and d21 .. d03; d02 and d01
#     (202 + 201) are summed with the others;
#   a name that is no host name, with a quote and a backslash, 150
#     failing messages from 2 reporters on 11-16: never a series;
#   small.test, 5 passing messages on 11-16: one reporter, under 100;
#   solo.test, 1000 passing messages on 11-16 from one reporter: one
#     made-up report is no domain of the owner's, however big.
# Without domains, "(other)": 7d 201 + 202 + 150 + 5 + 1000 = 1558
# messages, 201 + 202 + 5 + 1000 = 1408 passed, 5 domains; 1d 150 + 5 +
# 1000 = 1155, 1005 passed, 3.
# usage: test_metrics.sh DMARCSIFT SAMPLES
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql; promtool (in CI).
bin=$1 samples=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
need psql
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/../analysis/gen.sh"
newdb metrics
export DMARCSIFT_NOW=2025-11-17T06:00:00Z
d09=1762646400 d12=1762905600 d16=1763251200 d17=1763337600

mkdir "$tmp/in"
ok="192.0.2.1|1000|example.com|example.com:pass||"
report "$tmp/in/before.xml" a.example example.com $d09 none "$ok"
report "$tmp/in/today.xml" a.example example.com $d17 none "$ok"
for n in $(seq 1 21); do
	d=$(printf 'd%02d.test' "$n")
	report "$tmp/in/$d-a.xml" a.example "$d" $d12 none \
		"192.0.2.2|100|$d|$d:pass||"
	report "$tmp/in/$d-b.xml" b.example "$d" $d12 none \
		"192.0.2.2|$((100 + n))|$d|$d:pass||"
done
# The policy domain as the parser hands it: e"vil\x.test
bad='e&quot;vil\x.test'
report "$tmp/in/bad1.xml" a.example "$bad" $d16 none \
	"192.0.2.3|100|$bad|||"
report "$tmp/in/bad2.xml" b.example "$bad" $d16 none \
	"192.0.2.3|50|$bad|||"
report "$tmp/in/small.xml" a.example small.test $d16 none \
	"192.0.2.4|5|small.test|small.test:pass||"
report "$tmp/in/solo.xml" a.example solo.test $d16 none \
	"192.0.2.5|1000|solo.test|solo.test:pass||"
echo 'not a report' >"$tmp/in/zz-broken.xml"
# One refused input: exit 1, as for cron.
run ingest 1 ingest -q --db "$db" "$samples" "$tmp/in"

# m FILE SERIES: the value of SERIES (name{labels} as written) in FILE.
m() {
	awk -v s="$2" 'substr($0, 1, length(s) + 1) == s " " {
		print substr($0, length(s) + 2) }' "$1"
}
# is NAME FILE SERIES WANT
is() {
	eq "$1: $3" "$(m "$2" "$3")" "$4"
}
# promtool FILE: Debian's promtool reads it without a complaint; only in
# CI must it be there.
check_promtool() {
	if ! command -v promtool >/dev/null 2>&1; then
		[ "${CI:-}" = true ] && fail "promtool: not installed in CI"
		echo "note: no promtool; the exposition is not checked by it" >&2
		return
	fi
	promtool check metrics <"$1" >"$tmp/promtool.out" 2>&1 ||
		{
			fail "promtool check metrics: $1"
			sed 's/^/    /' "$tmp/promtool.out" >&2
		}
}

# --- Without the setting domains. -------------------------------------------
run all 0 metrics --db "$db"
o=$tmp/all.out
check_promtool "$o"
# The family headers come before their samples, once each.
eq "every family typed once" \
	"$(grep -c '^# TYPE ' "$o")" "$(grep '^# TYPE ' "$o" | sort -u | wc -l)"
eq "a HELP for every TYPE" "$(grep -c '^# HELP ' "$o")" \
	"$(grep -c '^# TYPE ' "$o")"
expect all out '^# TYPE dmarcsift_ingest_runs_total counter$'
expect all out '^# TYPE dmarcsift_domain_messages gauge$'

s='dmarcsift_domain_messages{domain="example.com",period='
is all "$o" "${s}\"7d\"}" 790
is all "$o" "${s}\"1d\"}" 25
s='dmarcsift_domain_dmarc_pass_ratio{domain="example.com",period='
# 722 / 790 and 23 / 25, as float8 division writes them.
is all "$o" "${s}\"7d\"}" 0.9139240506329114
is all "$o" "${s}\"1d\"}" 0.92
eq "example.com against SQL" "$(q "SELECT sum(messages) || ' ' ||
	(sum(passed)::float8 / sum(messages)) FROM daily_volume WHERE
	domain = 'example.com' AND day BETWEEN '2025-11-10' AND '2025-11-16'")" \
	"790 0.9139240506329114"
is all "$o" 'dmarcsift_domain_messages{domain="d21.test",period="7d"}' 221
is all "$o" 'dmarcsift_domain_messages{domain="d21.test",period="1d"}' 0
is all "$o" 'dmarcsift_domain_messages{domain="d03.test",period="7d"}' 203
# No mail on 11-16: no ratio for the day.
refute all out '^dmarcsift_domain_dmarc_pass_ratio\{domain="d21.test",period="1d"\}'
eq "20 domains with a series, and (other)" \
	"$(grep -c '^dmarcsift_domain_messages{.*period="7d"}' "$o")" 21
refute all out 'domain="d0[12]\.test"'
refute all out 'small\.test|solo\.test|vil'
s='dmarcsift_domain_messages{domain="(other)",period='
is all "$o" "${s}\"7d\"}" 1558
is all "$o" "${s}\"1d\"}" 1155
s='dmarcsift_domain_dmarc_pass_ratio{domain="(other)",period='
is all "$o" "${s}\"7d\"}" "$(q "SELECT 1408::float8 / 1558")"
is all "$o" "${s}\"1d\"}" "$(q "SELECT 1005::float8 / 1155")"
is all "$o" 'dmarcsift_other_domains{period="7d"}' 5
is all "$o" 'dmarcsift_other_domains{period="1d"}' 3
eq "the stranger's name as stored" \
	"$(q "SELECT count(*) FROM source_days WHERE domain = 'e\"vil\\x.test'")" 2

# The runs: one ingest, finished, 4 samples + 27 files new, 1 refused.
s='dmarcsift_ingest_runs_total{command="ingest",status='
is all "$o" "${s}\"finished\"}" 1
is all "$o" "${s}\"interrupted\"}" 0
is all "$o" 'dmarcsift_ingest_runs_running{command="ingest"}' 0
is all "$o" 'dmarcsift_ingest_inputs_total{command="ingest",result="new"}' 53
is all "$o" 'dmarcsift_ingest_refused_total{command="ingest"}' 1
# 13 records of the samples, 1 each of the 48 reports here.
is all "$o" 'dmarcsift_ingest_records_total{command="ingest"}' 61
is all "$o" 'dmarcsift_ingest_last_success_timestamp_seconds{command="ingest"}' \
	"$(q "SELECT floor(extract(epoch FROM finished_at))::bigint FROM
		ingest_runs WHERE command = 'ingest'")"
is all "$o" 'dmarcsift_inputs{outcome="reports"}' 52
is all "$o" 'dmarcsift_inputs{outcome="refused"}' 1
is all "$o" 'dmarcsift_inputs{outcome="partial"}' 0
is all "$o" 'dmarcsift_inputs{outcome="skipped"}' 0
is all "$o" dmarcsift_reports 52
is all "$o" dmarcsift_records 61
eq "reports and records against SQL" \
	"$(q "SELECT count(*) || ' ' || sum(record_count) FROM reports")" "52 61"
is all "$o" dmarcsift_imap_actions_pending 0
size=$(m "$o" dmarcsift_database_size_bytes)
now=$(q "SELECT pg_database_size(current_database())")
[ "${size:-0}" -gt $((now * 9 / 10)) ] && [ "$size" -lt $((now * 11 / 10)) ] ||
	fail "database size: $size, SQL says $now"

# --- With the setting: those domains, and nothing else. ----------------------
echo 'domains = example.com, quiet.example, EXAMPLE.com' >"$tmp/own.conf"
DMARCSIFT_CONFIG=$tmp/own.conf
run own 0 metrics --db "$db"
DMARCSIFT_CONFIG=$tmp/empty.conf
o=$tmp/own.out
check_promtool "$o"
is own "$o" 'dmarcsift_domain_messages{domain="example.com",period="7d"}' 790
# A domain of the owner's without mail: 0, and no ratio.
is own "$o" 'dmarcsift_domain_messages{domain="quiet.example",period="7d"}' 0
is own "$o" 'dmarcsift_domain_messages{domain="quiet.example",period="1d"}' 0
refute own out 'ratio\{domain="quiet\.example"'
eq "each named domain once" \
	"$(grep -c '^dmarcsift_domain_messages{.*period="7d"}' "$o")" 3
# Every other domain: the 21 d*.test (sum of 201 .. 221 = 4431), 150, 5,
# 1000.
s='dmarcsift_domain_messages{domain="(other)",period='
is own "$o" "${s}\"7d\"}" 5586
eq "(other) against SQL" "$(q "SELECT sum(messages) FROM source_days WHERE
	domain <> 'example.com' AND day BETWEEN '2025-11-10' AND
	'2025-11-16'")" 5586
is own "$o" 'dmarcsift_other_domains{period="7d"}' 24
run own_flag 0 metrics --db "$db" --domains quiet.example
is own_flag "$tmp/own_flag.out" \
	'dmarcsift_domain_messages{domain="(other)",period="7d"}' 6376
run bad_setting 2 metrics --db "$db" --domains 'not a name'

# --- Runs that did not finish, reparse, IMAP mail not moved. -----------------
# A run whose server process is gone (pid 0 never is one): running until
# the next ingest closes it as interrupted.
q "INSERT INTO ingest_runs (command, backend_pid) VALUES ('ingest', 0)" \
	>/dev/null
run dead 0 metrics --db "$db"
is dead "$tmp/dead.out" 'dmarcsift_ingest_runs_running{command="ingest"}' 1
run again 0 ingest -q --db "$db" "$samples"
run reparse 1 reparse --db "$db"
q "INSERT INTO imap_messages (account, mailbox, uidvalidity, uid, outcome,
	done_at) VALUES ('u@h', 'INBOX', 1, 1, 'reports', NULL),
	('u@h', 'INBOX', 1, 2, 'reports', now())" >/dev/null
run later 0 metrics --db "$db"
o=$tmp/later.out
check_promtool "$o"
s='dmarcsift_ingest_runs_total{command="ingest",status='
is later "$o" "${s}\"finished\"}" 2
is later "$o" "${s}\"interrupted\"}" 1
is later "$o" 'dmarcsift_ingest_runs_running{command="ingest"}' 0
is later "$o" 'dmarcsift_ingest_inputs_total{command="ingest",result="duplicate"}' 4
is later "$o" 'dmarcsift_ingest_runs_total{command="reparse",status="finished"}' 1
is later "$o" 'dmarcsift_ingest_refused_total{command="reparse"}' 1
is later "$o" dmarcsift_imap_actions_pending 1
eq "runs against SQL" "$(q "SELECT string_agg(command || ':' || status ||
	':' || n, ' ' ORDER BY command, status) FROM (SELECT command, status,
	count(*) AS n FROM ingest_runs GROUP BY 1, 2) x")" \
	"ingest:finished:2 ingest:interrupted:1 reparse:finished:1"

# --- --output: a whole file for node_exporter's textfile collector. ----------
mkdir "$tmp/tf"
(umask 022 && "$bin" metrics --db "$db" --output "$tmp/tf/dmarcsift.prom") ||
	fail "output: exit $?"
eq "output mode, umask 022" "$(stat -c %a "$tmp/tf/dmarcsift.prom")" 644
cmp -s "$tmp/tf/dmarcsift.prom" "$o" || fail "output: not what stdout had"
(umask 027 && "$bin" metrics --db "$db" --output "$tmp/tf/dmarcsift.prom") ||
	fail "output 027: exit $?"
eq "output mode, umask 027" "$(stat -c %a "$tmp/tf/dmarcsift.prom")" 640
eq "no temporary file left" "$(ls -A "$tmp/tf")" dmarcsift.prom
check_promtool "$tmp/tf/dmarcsift.prom"
run not_prom 2 metrics --db "$db" --output "$tmp/tf/metrics.txt"
expect not_prom err 'must end in \.prom'
[ -e "$tmp/tf/metrics.txt" ] && fail "not_prom: a file was written"
run no_dir 2 metrics --db "$db" --output "$tmp/nowhere/dmarcsift.prom"
# A database it cannot reach leaves the file as it was.
cp "$tmp/tf/dmarcsift.prom" "$tmp/before.prom"
run no_db 2 metrics --db "host=$tmp port=1 connect_timeout=2" \
	--output "$tmp/tf/dmarcsift.prom"
cmp -s "$tmp/tf/dmarcsift.prom" "$tmp/before.prom" ||
	fail "no_db: the file changed"
eq "still no temporary file" "$(ls -A "$tmp/tf")" dmarcsift.prom

run help 0 metrics --help
expect help out 'usage: dmarcsift metrics'
expect help out '\.prom'
run extra 2 metrics --db "$db" extra

finish "metrics: all passed"
