#!/bin/sh
# dmarcsift ingest reads regular files only (issue 17, item 6): a FIFO in a
# directory must not block the run, a symbolic link (to a file elsewhere,
# to a directory, to a device) must not be followed, a device must not be
# read; each is named on stderr, the run goes on and exits 1.
# usage: test_ingest_files.sh DMARCSIFT SAMPLES_DIR
# needs: DMARCSIFT_TEST_DB (a conninfo), psql, timeout
bin=$1 samples=$2
. "$(dirname "$0")/../lib.sh"
need_server pg
newdb ingest_files

# Runs dmarcsift ingest ARG... with a deadline; $rc and $tmp/err after.
ingest() {
	timeout 20 "$bin" ingest -q --db "$db" "$@" 2>"$tmp/err" </dev/null
	rc=$?
	[ $rc -ne 124 ] || fail "ingest $*: still running after 20 s"
}

# The stderr line for path says why.
named() {
	grep -qF "$1: cannot read: $2" "$tmp/err" ||
		fail "stderr does not say '$1: cannot read: $2':$(sed 's/^/ | /' "$tmp/err")"
}

# A directory of one good report and everything that is not a regular
# file.  Each thing outside is a report too: read through a link, it would
# be stored.
d=$tmp/reports
mkdir -p "$d" "$tmp/outside/dir"
cp "$samples/mail.example.net!example.com!1763251200!1763337599.xml" "$d/good.xml"
cp "$samples/google.com!example.com!1763078400!1763164799.xml.gz" "$tmp/outside/secret.gz"
chmod 600 "$tmp/outside/secret.gz"
cp "$samples/yahoo.com!example.com!1763164800!1763251199.zip" "$tmp/outside/dir/inner.zip"
mkfifo "$d/fifo"
ln -s "$tmp/outside/secret.gz" "$d/link-file"
ln -s "$tmp/outside/dir" "$d/link-dir"
ln -s /dev/null "$d/link-null"
ln -s "$tmp/nowhere" "$d/link-dangling"
# A device node where we may make one (root, outside some containers).
dev=
mknod "$d/null" c 1 3 2>/dev/null && dev=$d/null
# A listening socket, when python3 is there to make one.
sock=
if command -v python3 >/dev/null 2>&1 &&
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
		"$d/sock" 2>/dev/null; then
	sock=$d/sock
fi

# 1. The directory: it finishes, stores the good report only, names the rest.
ingest "$d"
[ $rc -eq 1 ] || fail "directory: want exit 1 (entries skipped), got $rc"
[ "$(q "SELECT count(*) FROM inputs")" = 1 ] ||
	fail "directory: want 1 input, got $(q "SELECT string_agg(source_name, ', ') FROM inputs")"
[ "$(q "SELECT source_name FROM inputs")" = "$d/good.xml" ] ||
	fail "directory: the stored input is not good.xml"
[ "$(q "SELECT count(*) FROM reports")" = 1 ] ||
	fail "directory: want 1 report, got $(q "SELECT count(*) FROM reports")"
named "$d/fifo" "not a regular file (FIFO); skipped"
named "$d/link-file" "a symbolic link, not followed (name its target to read it); skipped"
named "$d/link-dir" "a symbolic link, not followed (name its target to read it); skipped"
named "$d/link-null" "a symbolic link, not followed (name its target to read it); skipped"
named "$d/link-dangling" "a symbolic link, not followed (name its target to read it); skipped"
[ -z "$dev" ] || named "$dev" "not a regular file (character device); skipped"
[ -z "$sock" ] || named "$sock" "not a regular file (socket); skipped"
grep -q "good.xml" "$tmp/err" && fail "directory: good.xml named on stderr"

# 2. Named on the command line: a FIFO is still refused (only - is read
# whatever it is), and a link to a file is not followed either, since a
# shell glob names what it finds.
ingest "$d/fifo" "$d/link-file"
[ $rc -eq 1 ] || fail "named: want exit 1, got $rc"
named "$d/fifo" "not a regular file (FIFO); skipped"
named "$d/link-file" "a symbolic link, not followed (name its target to read it); skipped"
[ "$(q "SELECT count(*) FROM inputs")" = 1 ] || fail "named: something was stored"

# 3. A named link to a directory is walked, and what it holds is read.
ingest "$d/link-dir"
[ $rc -eq 0 ] || fail "named directory link: want exit 0, got $rc$(sed 's/^/ | /' "$tmp/err")"
[ "$(q "SELECT count(*) FROM inputs WHERE source_name = '$d/link-dir/inner.zip'")" = 1 ] ||
	fail "named directory link: inner.zip not stored"

# 4. Standard input may be a pipe.
timeout 20 "$bin" ingest -q --db "$db" - <"$tmp/outside/secret.gz" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "stdin: want exit 0, got $rc$(sed 's/^/ | /' "$tmp/err")"
[ "$(q "SELECT count(*) FROM inputs")" = 3 ] || fail "stdin: want 3 inputs now"

finish "ok: ingest reads regular files only"
