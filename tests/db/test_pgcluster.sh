#!/bin/sh
# dmarcsift's private PostgreSQL cluster (cli/pgcluster.c) through the
# real binary: made, started and stopped on demand, safe to start twice at
# once, restarted after a minor upgrade replaced its server binary, and a
# way out said after a major one.  Runs as root (the server then runs as
# postgres) or as anyone.
# usage: test_pgcluster.sh DMARCSIFT
# needs: PostgreSQL server binaries in /usr/lib/postgresql/*/bin
bin=$1
. "$(dirname "$0")/../lib.sh"

# The cluster must come from DMARCSIFT_HOME alone: no database given, no
# libpq settings of the caller's, and the installed PostgreSQL.
unset DMARCSIFT_DB DMARCSIFT_PG_LIBDIR
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

# shellcheck disable=SC2317 # run at exit
cleanup() {
	wait # for starts in the background, or they could outlive the stop
	unset DMARCSIFT_PG_LIBDIR
	stop_cluster "$home/pg"
	stop_cluster "$home/h2/pg"
	stop_cluster "$home/h3/pg"
	rm -rf "$home"
}
at_exit cleanup

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

# pm_exe: what the postmaster of $DMARCSIFT_HOME/pg runs, by /proc.
pm_exe() {
	readlink "/proc/$(sed -n 1p "$DMARCSIFT_HOME/pg/data/postmaster.pid")/exe"
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

# 6. A minor upgrade replaces the server binary under a running server
# (Debian's 15.18 to 15.20), which then cannot load plpgsql: `db status`
# says so, and the next command restarts it with the new binary.  The
# "installed PostgreSQL" is a copy of the real one in a directory of our
# own (DMARCSIFT_PG_LIBDIR), which the test can upgrade.  The server finds
# its modules in ../lib next to its bin, its share files where they are.
ver=$(cat "$home/pg/data/PG_VERSION")
lib=$home/lib
mkdir -p "$lib/$ver/bin"
chmod -R 755 "$lib"
ln -s "/usr/lib/postgresql/$ver/lib" "$lib/$ver/lib"
for p in initdb pg_ctl postgres createdb; do
	install -m 755 "/usr/lib/postgresql/$ver/bin/$p" "$lib/$ver/bin/$p" ||
		fail "cannot copy $p"
done
DMARCSIFT_HOME=$home/h3
DMARCSIFT_PG_LIBDIR=$lib
export DMARCSIFT_PG_LIBDIR
expect_version "with $lib"
expect_status running 0
exe=$(pm_exe)
[ "$exe" = "$lib/$ver/bin/postgres" ] ||
	fail "the server runs '$exe', not $lib/$ver/bin/postgres"
pid1=$(sed -n 1p "$home/h3/pg/data/postmaster.pid")
# The upgrade: a new file renamed over the old one, as dpkg does.
if ! install -m 755 "$lib/$ver/bin/postgres" "$lib/$ver/bin/postgres.new" ||
	! mv -f "$lib/$ver/bin/postgres.new" "$lib/$ver/bin/postgres"; then
	fail "cannot replace $lib/$ver/bin/postgres"
fi
case $(pm_exe) in
*" (deleted)") ;;
*) fail "after the upgrade, /proc says the server runs '$(pm_exe)'" ;;
esac
expect_status "running an old server binary (deleted by an upgrade); \`dmarcsift db restart\` or any command restarts it" 0
out=$("$bin" db version 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "db version after the upgrade: exit $rc: $out"
case $out in
*"restarting the PostgreSQL server in $home/h3/pg: it runs an old binary"*) ;;
*) fail "no word of the restart after the upgrade: '$out'" ;;
esac
pid2=$(sed -n 1p "$home/h3/pg/data/postmaster.pid")
[ "$pid2" != "$pid1" ] || fail "the server was not restarted (pid $pid1)"
exe=$(pm_exe)
[ "$exe" = "$lib/$ver/bin/postgres" ] ||
	fail "after the restart the server runs '$exe'"
expect_status "$home/h3/pg: running" 0
expect_version "after the restart"

# The binary a start would use now is another file (PostgreSQL moved, or
# the server was started from another installation): the same.
DMARCSIFT_PG_LIBDIR=/usr/lib/postgresql
expect_status "running an old server binary ($lib/$ver/bin/postgres, not the installed /usr/lib/postgresql/$ver/bin/postgres)" 0
"$bin" db restart || fail "restart: exit $?"
pid3=$(sed -n 1p "$home/h3/pg/data/postmaster.pid")
[ "$pid3" != "$pid2" ] || fail "db restart did not restart (pid $pid2)"
exe=$(pm_exe)
[ "$exe" = "/usr/lib/postgresql/$ver/bin/postgres" ] ||
	fail "after db restart the server runs '$exe'"
expect_status "$home/h3/pg: running" 0
"$bin" db restart || fail "restart of a current server: exit $?"
expect_version "after db restart"

# 7. A major upgrade (15 to 16) removed the binaries of the version that
# made the cluster: no restart can mend that.  Every command says, in one
# line, what to do, and exits 2; `db stop` still stops the old server.
next=$((ver + 1))
mkdir -p "$home/lib2"
ln -s "$lib/$ver" "$home/lib2/$next"
DMARCSIFT_PG_LIBDIR=$home/lib2
# expect_major STEP WHAT: db version and db status exit 2 with a line
# that says WHAT.
expect_major() {
	for verb in version status; do
		out=$("$bin" db "$verb" 2>&1)
		rc=$?
		[ "$rc" -eq 2 ] || fail "$1: db $verb: want exit 2, got $rc: $out"
		case $out in
		*"made by PostgreSQL $ver, whose server binaries are no longer in $home/lib2/$ver/bin (PostgreSQL $next is)"*"$2"*"After a PostgreSQL major upgrade"*) ;;
		*) fail "$1: db $verb: want the way out of a major upgrade, got '$out'" ;;
		esac
		[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] ||
			fail "$1: db $verb: want one line, got '$out'"
	done
}
expect_major "old server running" "its old server still runs: dump it now (pg_dump -Fc -h $home/h3/pg"
"$bin" db stop || fail "stop without the binaries: exit $?"
[ ! -f "$home/h3/pg/data/postmaster.pid" ] ||
	fail "db stop without the binaries left the server running"
expect_major "stopped" "install PostgreSQL $ver again"
DMARCSIFT_PG_LIBDIR=$lib
expect_status "$home/h3/pg: stopped" 3
unset DMARCSIFT_PG_LIBDIR
DMARCSIFT_HOME=$home

finish "test_pgcluster: ok"
