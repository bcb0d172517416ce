#!/bin/sh
# The real binary: exit codes, one stderr line per refused input, JSON that
# jq accepts with the documented keys, stdin, --help.
# usage: test_parse.sh DMARCSIFT SAMPLES_DIR CORPUS_DIR
bin=$1
samples=$2
corpus=$3
. "$(dirname "$0")/../lib.sh"

# Every bundled sample gives exactly one report.
run samples 0 parse --json "$samples"/* &&
	[ "$(wc -l <"$tmp/samples.out")" -eq 4 ] || fail "samples: want 4 JSON lines"
jq -e . "$tmp/samples.out" >/dev/null || fail "samples: output is not JSON"
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
	"$tmp/samples.out" >/dev/null || fail "samples: google.com report fields"
jq -e -s 'map(select(.org_name == "Enterprise Outlook"))[0] |
	(.where | startswith("part 2 application/gzip")) and
	.records[2].reasons[0].type == "local_policy"' "$tmp/samples.out" \
	>/dev/null || fail "samples: outlook mail fields"

# Standard input, and the text format.
yahoo=$(ls "$samples"/yahoo.com*.zip)
run_cmd stdin 0 sh -c '"$1" parse - <"$2"' sh "$bin" "$yahoo"
expect stdin out '^Report 1763164800.611952 from Yahoo for example.com'
expect stdin out '3 record\(s\), 112 message\(s\)'

# A refused input: one line naming it and the reason; the others go on.
printf '<feedback><oops</feedback>' >"$tmp/broken.xml"
run refused 1 parse --json "$tmp/broken.xml" "$samples"/mail.example.net*
expect refused err "broken.xml: XML error at line 1"
[ "$(wc -l <"$tmp/refused.err")" -eq 1 ] || fail "refused: want one stderr line"
[ "$(wc -l <"$tmp/refused.out")" -eq 1 ] || fail "refused: the good input must still print"

# Failure and TLS reports are skipped, not refused.
run ruf 0 parse "$corpus"/parsedmarc/samples/failure/dmarc_ruf_report_linkedin.eml
expect ruf err 'not an aggregate report \(failure report\); skipped'
run tls 0 parse "$corpus"/parsedmarc/samples/smtp_tls/rfc8460.json
expect tls err 'not an aggregate report \(TLS report\); skipped'

# A limit crossed names the limit; a bad limit is a usage error.
run limit 1 parse --limit records=2 "$samples"/google.com*
expect limit err 'limit records'
run badlimit 2 parse --limit nope=1 "$samples"/google.com*
expect badlimit err "unknown limit 'nope'"

# Output that cannot be written: exit 2, said once, not blamed on the input.
if [ -w /dev/full ]; then
	run_cmd full 2 sh -c '"$1" parse "$2" >/dev/full' sh "$bin" "$yahoo"
	expect full err 'cannot write standard output'
	[ "$(wc -l <"$tmp/full.err")" -eq 1 ] || fail "full: want one stderr line"
fi

# Usage errors and unreadable files exit 2; --help exits 0.
run noinput 2 parse
run missing 2 parse "$tmp/does-not-exist.xml"
expect missing err 'does-not-exist.xml: cannot open: No such file'
run directory 2 parse "$tmp"
run help 0 parse --help
expect help out 'usage: dmarcsift parse'
expect help out 'string_bytes'
run helpcmd 0 help parse
run mainhelp 0 --help
expect mainhelp out 'parse'
run unknown 2 frobnicate

finish "all checks passed"
