# Helpers of the analysis tests; sourced by test_analysis.sh and
# test_scenarios.sh, which set bin (the dmarcsift binary), tmp (a scratch
# directory) and fails (0) first.

fail() {
	echo "FAIL $*" >&2
	fails=$((fails + 1))
}

# newdb NAME: a fresh database NAME in the harness's cluster, as $db, with
# q SQL printing its rows ('|' between columns).
newdb() {
	PGOPTIONS='-c client_min_messages=warning' psql "$DMARCSIFT_TEST_DB" \
		-qAtc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" \
		>/dev/null || exit 2
	db="$DMARCSIFT_TEST_DB dbname=$1"
}
q() { psql "$db" -qAtX -F'|' -c "$1"; }

# run NAME WANT ARGS...: dmarcsift ARGS, output in $tmp/NAME.out/.err;
# WANT is an exit status, or !N for "anything but N".
run() {
	r_name=$1 r_want=$2
	shift 2
	"$bin" "$@" >"$tmp/$r_name.out" 2>"$tmp/$r_name.err"
	r_rc=$?
	case $r_want in
	!*) [ "$r_rc" -ne "${r_want#!}" ] ;;
	*) [ "$r_rc" -eq "$r_want" ] ;;
	esac || {
		fail "$r_name: exit $r_rc, want $r_want"
		sed 's/^/    /' "$tmp/$r_name.out" "$tmp/$r_name.err" >&2
	}
	if grep -Eq 'Sanitizer|runtime error' "$tmp/$r_name.err"; then
		fail "$r_name: sanitizer report"
		cat "$tmp/$r_name.err" >&2
	fi
}

# jqt NAME FILTER: FILTER is true of $tmp/NAME.out.
jqt() {
	jq -e "$2" "$tmp/$1.out" >/dev/null 2>&1 || {
		fail "$1: not true: $2"
		jq -c "${3:-.}" "$tmp/$1.out" 2>/dev/null | cut -c1-600 |
			sed 's/^/    got: /' >&2
	}
}

# eq WHAT GOT WANT
eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}
