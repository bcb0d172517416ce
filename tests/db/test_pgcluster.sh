#!/bin/sh
# dmarcsift's private PostgreSQL cluster (common/pgcluster.c) through the
# real binary: made, started and stopped on demand, safe to start twice at
# once.  Runs as root (the server then runs as postgres) or as anyone.
# usage: test_pgcluster.sh DMARCSIFT
# needs: PostgreSQL server binaries in /usr/lib/postgresql/*/bin
set -u
bin=$1
fails=0

fail() {
	echo "FAIL $*" >&2
	fails=$((fails + 1))
}

# The cluster must come from DMARCSIFT_HOME alone: no database given, no
# libpq settings of the caller's.
unset DMARCSIFT_DB
for v in $(env | sed -n 's/^\(PG[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done

# Short, for the 107-byte limit of socket paths; as root, the postgres
# user must be able to pass through it (mktemp makes it 0700).
home=$(mktemp -d /tmp/dsh.XXXXXX) || exit 2
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$home" || exit 2
fi
DMARCSIFT_HOME=$home
export DMARCSIFT_HOME

# stop_cluster DIR: stop the server of the cluster in DIR by all means.
# shellcheck disable=SC2317 # called from the EXIT trap
stop_cluster() {
	DMARCSIFT_HOME=${1%/pg} "$bin" db stop >/dev/null 2>&1
	pidfile=$1/data/postmaster.pid
	[ -f "$pidfile" ] || return 0
	pid=$(sed -n 1p "$pidfile" 2>/dev/null)
	case $pid in '' | *[!0-9]*) return 0 ;; esac
	# SIGINT is a fast shutdown; the binary failed to do it for us.
	echo "test_pgcluster: stopping postmaster $pid by signal" >&2
	kill -INT "$pid" 2>/dev/null || return 0
	n=0
	while [ -f "$pidfile" ] && [ "$n" -lt 100 ]; do
		sleep 0.1 2>/dev/null || sleep 1
		n=$((n + 1))
	done
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	wait # for starts in the background, or they could outlive the stop
	stop_cluster "$home/pg"
	stop_cluster "$home/h2/pg"
	rm -rf "$home"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# expect_status WHAT CODE: `db status` says WHAT, names the directory and
# exits with CODE.
expect_status() {
	out=$("$bin" db status 2>&1)
	rc=$?
	case $out in
	*"$1"*) ;;
	*) fail "status: want '$1', got '$out'" ;;
	esac
	case $out in
	*"$DMARCSIFT_HOME/pg"*) ;;
	*) fail "status: the directory $DMARCSIFT_HOME/pg is not named in '$out'" ;;
	esac
	[ "$rc" -eq "$2" ] || fail "status '$1': want exit $2, got $rc"
}

# expect_version STEP: `db version` starts the cluster as needed and says a
# schema version above 0.
expect_version() {
	out=$("$bin" db version 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] || fail "$1: db version exit $rc: $out"
	n=$(printf '%s\n' "$out" |
		sed -n 's/^database schema version \([0-9][0-9]*\)$/\1/p')
	if [ -z "$n" ] || [ "$n" -eq 0 ]; then
		fail "$1: want 'database schema version N', N > 0, got '$out'"
	fi
}

# 1. Nothing there yet.
expect_status "not created" 3
[ ! -e "$home/pg/data" ] || fail "status created $home/pg/data"

# 2. The first use makes the cluster, starts it and migrates the schema.
expect_version "first use"
expect_status running 0
[ -f "$home/pg/data/PG_VERSION" ] || fail "no $home/pg/data/PG_VERSION"
[ -S "$home/pg/.s.PGSQL.5432" ] || fail "no socket in $home/pg"
grep -q "^listen_addresses = ''" "$home/pg/data/postgresql.conf" ||
	fail "the cluster listens on TCP"
if [ "$(id -u)" -eq 0 ]; then
	owner=$(stat -c %U "$home/pg")
	[ "$owner" = postgres ] || fail "$home/pg belongs to $owner, not postgres"
fi

# 3. Stopped, and started again by the next use.
"$bin" db stop || fail "stop: exit $?"
expect_status stopped 3
"$bin" db stop || fail "stop when stopped: exit $?"
expect_version "use after stop"
expect_status running 0

# 4. Two starts at once, of a running, a stopped and a new cluster, all
# succeed (the lock makes one wait for the other).
for state in running stopped new; do
	case $state in
	stopped) "$bin" db stop || fail "stop before $state: exit $?" ;;
	new)
		# Parents are made as needed.
		DMARCSIFT_HOME=$home/h2
		expect_status "not created" 3
		;;
	esac
	"$bin" db start >"$home/start1.out" 2>&1 &
	p1=$!
	"$bin" db start >"$home/start2.out" 2>&1 &
	p2=$!
	wait "$p1"
	rc1=$?
	wait "$p2"
	rc2=$?
	[ "$rc1" -eq 0 ] ||
		fail "parallel start ($state): exit $rc1: $(cat "$home/start1.out")"
	[ "$rc2" -eq 0 ] ||
		fail "parallel start ($state): exit $rc2: $(cat "$home/start2.out")"
	expect_status running 0
done
expect_version "after parallel starts"
"$bin" db stop || fail "stop $DMARCSIFT_HOME: exit $?"
expect_status stopped 3
DMARCSIFT_HOME=$home

# 5. Finally stopped.
"$bin" db stop || fail "final stop: exit $?"
expect_status stopped 3

if [ "$fails" -gt 0 ]; then
	echo "test_pgcluster: $fails failure(s)" >&2
	exit 1
fi
echo "test_pgcluster: ok"
exit 0
