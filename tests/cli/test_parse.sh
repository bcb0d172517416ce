#!/bin/sh
# The real binary: exit codes, one stderr line per refused input, JSON that
# jq accepts with the documented keys, stdin, --help.
# usage: test_parse.sh DMARCSIFT SAMPLES_DIR CORPUS_DIR
set -u
bin=$1
samples=$2
corpus=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

check() {
	# check NAME EXPECTED_STATUS COMMAND...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: exit $got, want $want" >&2
		sed 's/^/  stderr: /' "$tmp/err" | head -5 >&2
		fails=$((fails + 1))
		return 1
	fi
	return 0
}

expect() {
	# expect NAME FILE PATTERN: grep -E must find PATTERN in FILE
	if ! grep -Eq -- "$3" "$2"; then
		echo "FAIL $1: '$3' not in $2:" >&2
		head -5 "$2" | sed 's/^/  /' >&2
		fails=$((fails + 1))
	fi
}

# Every bundled sample gives exactly one report.
check samples 0 "$bin" parse --json "$samples"/* &&
	[ "$(wc -l <"$tmp/out")" -eq 4 ] || {
	echo "FAIL samples: want 4 JSON lines" >&2
	fails=$((fails + 1))
}
jq -e . "$tmp/out" >/dev/null || {
	echo "FAIL samples: output is not JSON" >&2
	fails=$((fails + 1))
}
# The documented keys are all there, with the documented types.
jq -e -s 'map(select(.org_name == "google.com"))[0] |
	.report_id == "1183372264936209112" and .domain == "example.com" and
	.begin == 1763078400 and .end == 1763164799 and
	.policy.p == "none" and .policy.pct == 100 and .policy.np == null and
	.record_count == 5 and .messages == 580 and
	(.records | length) == 5 and
	.records[3].source_ip == "2001:db8:4:1::25" and
	.records[1].dkim_results[1].domain == "sendgrid.info" and
	.records[4].dkim_results == [] and
	.records[0].spf_results[0].scope == "mfrom" and
	(.warnings | type) == "array" and .email != null' \
	"$tmp/out" >/dev/null || {
	echo "FAIL samples: google.com report fields" >&2
	fails=$((fails + 1))
}
jq -e -s 'map(select(.org_name == "Enterprise Outlook"))[0] |
	(.where | startswith("part 2 application/gzip")) and
	.records[2].reasons[0].type == "local_policy"' "$tmp/out" \
	>/dev/null || {
	echo "FAIL samples: outlook mail fields" >&2
	fails=$((fails + 1))
}

# Standard input, and the text format.
yahoo=$(ls "$samples"/yahoo.com*.zip)
check stdin 0 sh -c '"$1" parse - <"$2"' sh "$bin" "$yahoo"
expect stdin "$tmp/out" '^Report 1763164800.611952 from Yahoo for example.com'
expect stdin "$tmp/out" '3 record\(s\), 112 message\(s\)'

# A refused input: one line naming it and the reason; the others go on.
printf '<feedback><oops</feedback>' >"$tmp/broken.xml"
check refused 1 "$bin" parse --json "$tmp/broken.xml" "$samples"/mail.example.net*
expect refused "$tmp/err" "broken.xml: XML error at line 1"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || {
	echo "FAIL refused: want one stderr line" >&2
	fails=$((fails + 1))
}
[ "$(wc -l <"$tmp/out")" -eq 1 ] || {
	echo "FAIL refused: the good input must still print" >&2
	fails=$((fails + 1))
}

# Failure and TLS reports are skipped, not refused.
check ruf 0 "$bin" parse "$corpus"/parsedmarc/samples/failure/dmarc_ruf_report_linkedin.eml
expect ruf "$tmp/err" 'not an aggregate report \(failure report\); skipped'
check tls 0 "$bin" parse "$corpus"/parsedmarc/samples/smtp_tls/rfc8460.json
expect tls "$tmp/err" 'not an aggregate report \(TLS report\); skipped'

# A limit crossed names the limit; a bad limit is a usage error.
check limit 1 "$bin" parse --limit records=2 "$samples"/google.com*
expect limit "$tmp/err" 'limit records'
check badlimit 2 "$bin" parse --limit nope=1 "$samples"/google.com*
expect badlimit "$tmp/err" "unknown limit 'nope'"

# Output that cannot be written: exit 2, said once, not blamed on the input.
if [ -w /dev/full ]; then
	check full 2 sh -c '"$1" parse "$2" >/dev/full' sh "$bin" "$yahoo"
	expect full "$tmp/err" 'cannot write standard output'
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || {
		echo "FAIL full: want one stderr line" >&2
		fails=$((fails + 1))
	}
fi

# Usage errors and unreadable files exit 2; --help exits 0.
check noinput 2 "$bin" parse
check missing 2 "$bin" parse "$tmp/does-not-exist.xml"
expect missing "$tmp/err" 'does-not-exist.xml: cannot open: No such file'
check directory 2 "$bin" parse "$tmp"
check help 0 "$bin" parse --help
expect help "$tmp/out" 'usage: dmarcsift parse'
expect help "$tmp/out" 'string_bytes'
check helpcmd 0 "$bin" help parse
check mainhelp 0 "$bin" --help
expect mainhelp "$tmp/out" 'parse'
check unknown 2 "$bin" frobnicate

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "all checks passed"
