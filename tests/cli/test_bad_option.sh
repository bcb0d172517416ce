#!/bin/sh
# A mistyped or incomplete option (issue 18): one line saying what is
# wrong, with the nearest option when one is near, then the command's
# usage lines only, and exit 2; nothing on stdout.  getopt's own message
# is off, so the line is said once.
# usage: test_bad_option.sh DMARCSIFT
bin=$1
. "$(dirname "$0")/../lib.sh"

# check NAME WANT-FIRST-LINE WANT-USAGE-LINES ARGS...
check() {
	c_name=$1 c_line=$2 c_lines=$3
	shift 3
	DMARCSIFT_CONFIG=/dev/null "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$c_name: exit $rc, want 2"
	[ -s "$tmp/out" ] && fail "$c_name: wrote to stdout"
	first=$(head -n 1 "$tmp/err")
	[ "$first" = "$c_line" ] ||
		fail "$c_name: first line '$first', want '$c_line'"
	n=$(wc -l <"$tmp/err")
	[ "$n" -eq $((1 + c_lines)) ] ||
		fail "$c_name: $n lines on stderr, want $((1 + c_lines)): $(cat "$tmp/err")"
	sed -n 2p "$tmp/err" | grep -q '^usage: dmarcsift ' ||
		fail "$c_name: no usage line after the error"
}

check domian "dmarcsift: error: unknown option '--domian' (did you mean --domain?)" 2 \
	sources --domian example.com
check formt "dmarcsift: error: unknown option '--formt' (did you mean --format?)" 4 \
	report --formt=json
check far "dmarcsift: error: unknown option '--zzzzzzzz'" 1 \
	summary --zzzzzzzz
check novalue "dmarcsift: error: option '--domain' needs a value" 2 \
	advise --domain
check short "dmarcsift: error: unknown option '-x'" 2 \
	check -x example.com
check shortvalue "dmarcsift: error: option '--jobs' needs a value" 2 \
	ingest -j

finish "bad options: all passed"
