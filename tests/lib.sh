# shellcheck shell=sh
# tests/lib.sh: what the shell tests share.  Sourced first thing:
#
#   . "$(dirname "$0")/../lib.sh"
#
# It makes $tmp, a scratch directory removed on exit (also on INT, TERM,
# HUP), and sets fails=0.  A test counts its failures with `fail` and ends
# with `finish`, which exits 1 when any failed.  The tests that run the
# binary set bin first (run uses it).  POSIX sh: the tests run under dash.

set -u

fails=0
tmp=$(mktemp -d) || exit 2
lib_at_exit=
lib_kill_vars=

# at_exit CMD: run CMD (a command name) on exit, before $tmp goes.
at_exit() { lib_at_exit="$lib_at_exit $1"; }

# kill_at_exit VAR...: on exit, kill the process whose pid VAR holds then,
# if any: a background process the test must not leave behind.
kill_at_exit() { lib_kill_vars="$lib_kill_vars $*"; }

lib_cleanup() {
	for lib_c in $lib_at_exit; do
		"$lib_c"
	done
	for lib_v in $lib_kill_vars; do
		eval "lib_pid=\${$lib_v:-}"
		[ -z "$lib_pid" ] || kill "$lib_pid" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap lib_cleanup EXIT
# dash runs the EXIT trap on exit only, not on a signal that kills it.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# fail MESSAGE: one failed check, said on stderr.
fail() {
	echo "FAIL $*" >&2
	fails=$((fails + 1))
}

# finish [MESSAGE]: exit 1 with the count if anything failed, else say
# MESSAGE and exit 0.
finish() {
	if [ "$fails" -gt 0 ]; then
		echo "$fails failure(s)" >&2
		exit 1
	fi
	echo "${1:-all checks passed}"
	exit 0
}

# skip WHY: exit 77, which ctest counts as skipped where the test has
# SKIP_RETURN_CODE 77 (and as failed elsewhere: in CI nothing skips).
skip() {
	echo "skip: $*" >&2
	exit 77
}

# need TOOL...: skip unless every TOOL is on PATH.
need() {
	for lib_t in "$@"; do
		command -v "$lib_t" >/dev/null 2>&1 || skip "no $lib_t"
	done
}

# need_server NAME...: skip unless the test runs under each
# tests/harness/NAME (pg, dnsmasq, dovecot, smtp), known by a variable the
# harness exports.
need_server() {
	for lib_s in "$@"; do
		case $lib_s in
		pg) lib_v=${DMARCSIFT_TEST_DB:-} ;;
		dnsmasq) lib_v=${DMARCSIFT_TEST_DNS:-} ;;
		dovecot) lib_v=${DOVECOT_DIR:-} ;;
		smtp) lib_v=${SMTP_DIR:-} ;;
		*) lib_v= ;;
		esac
		[ -n "$lib_v" ] || skip "run me through tests/harness/$lib_s run"
	done
}

# no_settings: no settings file of the machine's, no database from the
# caller's environment, colours as the test asks.
no_settings() {
	DMARCSIFT_CONFIG=$tmp/empty.conf
	export DMARCSIFT_CONFIG
	: >"$DMARCSIFT_CONFIG"
	unset DMARCSIFT_DB NO_COLOR
}

# ---------------------------------------------------------------------------
# The database: a cluster from tests/harness/pg, one database per scenario.

lib_ndb=0

# shellcheck disable=SC2120 # NAME is optional
# newdb [NAME]: a fresh database NAME (t1, t2, ... when none is given) in
# the harness's cluster; its conninfo in $db.
newdb() {
	lib_ndb=$((lib_ndb + 1))
	lib_name=${1:-t$lib_ndb}
	PGOPTIONS='-c client_min_messages=warning' psql "$DMARCSIFT_TEST_DB" \
		-qAtX -c "DROP DATABASE IF EXISTS $lib_name" \
		-c "CREATE DATABASE $lib_name" >/dev/null || exit 2
	db="$DMARCSIFT_TEST_DB dbname=$lib_name"
}

# q [CONNINFO] SQL: the rows of SQL, '|' between columns; $db when no
# CONNINFO is given.
q() {
	if [ $# -ge 2 ]; then
		psql "$1" -v ON_ERROR_STOP=1 -qAtX -F'|' -c "$2"
	else
		psql "$db" -v ON_ERROR_STOP=1 -qAtX -F'|' -c "$1"
	fi
}

# want NAME SQL WANT: q SQL on $db prints exactly WANT.
want() {
	lib_got=$(q "$2")
	[ "$lib_got" = "$3" ] || fail "$1: want '$3', got '$lib_got' from: $2"
}

# ---------------------------------------------------------------------------
# Running commands and looking at what they said.

# run_cmd NAME WANT CMD...: CMD's output in $tmp/NAME.out and .err, the
# seconds it took in $took.  WANT is an exit status, or !N for "anything
# but N".  Returns 1 when the status is not WANT.
run_cmd() {
	lib_name=$1 lib_want=$2
	shift 2
	lib_t0=$(date +%s)
	"$@" >"$tmp/$lib_name.out" 2>"$tmp/$lib_name.err"
	lib_rc=$?
	# shellcheck disable=SC2034 # for the caller
	took=$(($(date +%s) - lib_t0))
	lib_ok=0
	case $lib_want in
	!*) [ "$lib_rc" -ne "${lib_want#!}" ] ;;
	*) [ "$lib_rc" -eq "$lib_want" ] ;;
	esac || {
		fail "$lib_name: exit $lib_rc, want $lib_want"
		sed 's/^/    /' "$tmp/$lib_name.out" "$tmp/$lib_name.err" |
			head -40 >&2
		lib_ok=1
	}
	# A sanitizer's report is a failure even when the status is right.
	if grep -Eq 'Sanitizer|runtime error' "$tmp/$lib_name.err"; then
		fail "$lib_name: sanitizer report"
		cat "$tmp/$lib_name.err" >&2
		lib_ok=1
	fi
	return "$lib_ok"
}

# run NAME WANT ARGS...: run_cmd NAME WANT "$bin" ARGS...
run() {
	lib_name=$1 lib_want=$2
	shift 2
	# shellcheck disable=SC2154 # the test sets bin
	run_cmd "$lib_name" "$lib_want" "$bin" "$@"
}

# lib_file NAME WHERE: WHERE is out or err (what run NAME wrote), or a path.
lib_file() {
	case $2 in
	out | err) echo "$tmp/$1.$2" ;;
	*) echo "$2" ;;
	esac
}

# expect NAME WHERE REGEX: grep -E finds REGEX in WHERE (see lib_file).
expect() {
	lib_f=$(lib_file "$1" "$2")
	grep -Eq -- "$3" "$lib_f" || {
		fail "$1: $2 lacks /$3/"
		head -30 "$lib_f" | sed 's/^/    /' >&2
	}
}

# refute NAME WHERE REGEX: grep -E does not find REGEX in WHERE.
refute() {
	lib_f=$(lib_file "$1" "$2")
	! grep -Eq -- "$3" "$lib_f" || {
		fail "$1: $2 has /$3/"
		head -30 "$lib_f" | sed 's/^/    /' >&2
	}
}

# lines NAME WHERE N: WHERE holds N lines.
lines() {
	lib_n=$(wc -l <"$(lib_file "$1" "$2")")
	[ "$lib_n" -eq "$3" ] || fail "$1: $lib_n line(s) in $2, want $3"
}

# eq WHAT GOT WANT
eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# jqt NAME FILTER [SHOW]: jq FILTER is true of $tmp/NAME.out; on failure
# SHOW (a jq filter, . by default) of it is printed.
jqt() {
	jq -e "$2" "$tmp/$1.out" >/dev/null 2>&1 || {
		fail "$1: not true: $2"
		jq -c "${3:-.}" "$tmp/$1.out" 2>/dev/null | cut -c1-600 |
			sed 's/^/    got: /' >&2
	}
}

# golden DIR NAME FILE: FILE matches DIR/NAME byte for byte, or with
# DS_UPDATE_GOLDEN=1 becomes it.  An empty output is a failure: an empty
# golden file would match nothing but itself.
golden() {
	cp "$3" "$tmp/golden.$2"
	[ -s "$tmp/golden.$2" ] || fail "golden $2: the output is empty"
	if [ "${DS_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp/golden.$2" "$1/$2"
	elif ! cmp -s "$tmp/golden.$2" "$1/$2"; then
		fail "golden $2 differs:"
		diff -u "$1/$2" "$tmp/golden.$2" | head -40 >&2
	fi
}
