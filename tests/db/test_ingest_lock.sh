#!/bin/sh
# One file ingest at a time per path (issue 17, item 6; ingest/filelock.h):
# while another session holds the key of a path, `ingest PATH` says the
# path is busy, exits 0 (cron started it beside a run still working) and
# stores nothing; a path named another way (a trailing slash, a relative
# path, a symbolic link to the directory) is the same key; other paths
# and standard input go ahead; once the key is free the run stores.
# usage: test_ingest_lock.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql.
bin=$1
here=$(cd "$(dirname "$0")/../analysis" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
psql_pid=
kill_at_exit psql_pid
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/gen.sh"
newdb ingestlock

mkdir "$tmp/spool" "$tmp/other"
report "$tmp/spool/a.xml" google.com lock.test 1774915200 none \
	'192.0.2.1|10|lock.test|lock.test:pass|lock.test:pass|'
report "$tmp/other/b.xml" yahoo.com lock.test 1774915200 none \
	'192.0.2.2|20|lock.test|lock.test:pass|lock.test:pass|'
report "$tmp/c.xml" gmx.net lock.test 1774915200 none \
	'192.0.2.3|40|lock.test|lock.test:pass|lock.test:pass|'
ln -s "$tmp/spool" "$tmp/link"
spool=$(cd "$tmp/spool" && pwd -P)

# Another run's lock, held by psql for as long as the checks take.
psql "$db" -qAtc "SELECT pg_advisory_lock(1718185061,
	hashtext('files $spool')); SELECT pg_sleep(30)" >/dev/null &
psql_pid=$!
i=0
until [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
	AND classid = 1718185061")" = 1 ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "psql never took the lock" >&2; exit 2; }
	sleep 0.1
done

for how in "$tmp/spool" "$tmp/spool/" "$tmp/link" rel; do
	if [ "$how" = rel ]; then
		(cd "$tmp" && "$bin" ingest --db "$db" spool) \
			>"$tmp/busy.out" 2>"$tmp/busy.err"
	else
		"$bin" ingest --db "$db" "$how" >"$tmp/busy.out" 2>"$tmp/busy.err"
	fi
	rc=$?
	eq "busy $how: exit" "$rc" 0
	grep -q "another run is storing $spool; nothing to do" "$tmp/busy.err" ||
		fail "busy $how: no word of the other run: $(cat "$tmp/busy.err")"
done
# A busy path among others holds the whole run: all or none.
run both 0 ingest --db "$db" "$tmp/other" "$tmp/spool"
eq "busy: nothing stored" "$(q "SELECT count(*) FROM inputs")" 0
eq "busy: no run recorded" "$(q "SELECT count(*) FROM ingest_runs")" 0

# Another path, and standard input, have keys of their own or none.
run other 0 ingest --db "$db" -q "$tmp/other"
run stdin 0 ingest --db "$db" -q - <"$tmp/c.xml"
eq "others stored" "$(q "SELECT count(*) FROM inputs")" 2

# The other run ends (its server process too, not only psql).
q "SELECT pg_terminate_backend(pid) FROM pg_locks
	WHERE locktype = 'advisory' AND classid = 1718185061" >/dev/null
wait "$psql_pid" 2>/dev/null
psql_pid=
# Free: the run goes ahead.
run free 0 ingest --db "$db" "$tmp/spool"
grep -q "another run" "$tmp/free.err" && fail "free: still busy"
eq "free: stored" "$(q "SELECT count(*), sum(messages) FROM reports")" "3|$((10 + 20 + 40))"
eq "free: no lock left" "$(q "SELECT count(*) FROM pg_locks
	WHERE locktype = 'advisory' AND classid = 1718185061")" 0

finish "ingest lock: all passed"
