#!/bin/sh
# report and advise --what-if show one row per sender (issue 12 item 9):
# on the demo's reports SendGrid sends from three addresses, 3096 failing
# messages in all (1338 + 1032 + 726).  The sender's row carries the sum,
# each address its own count one level down, and no address carries the
# sender's total (it once did: the top address with the group's sums).
# Needs PGDIR and DMARCSIFT_TEST_DB (tests/harness/pg run).
# usage: test_report_senders.sh DMARCSIFT SAMPLE_REPORTS
bin=$1
gen=$2
. "$(dirname "$0")/../lib.sh"

export DMARCSIFT_DB="$DMARCSIFT_TEST_DB" DMARCSIFT_NOW=2026-06-10T08:30:00Z
sh "$gen" "$tmp/in" --today 2026-06-10 >/dev/null || fail "generator exit $?"
"$bin" -q ingest "$tmp/in" >/dev/null 2>"$tmp/err" ||
	fail "ingest exit $?: $(head -3 "$tmp/err")"
report() {
	"$bin" report --domain example.com --offline --period 14d "$@"
}

# CSV: a row per address with its own counts.
report --format csv --table sources >"$tmp/csv" || fail "csv exit $?"
grep ',failing_yours,' "$tmp/csv" | grep ',SendGrid,' | cut -d, -f3,7,9 |
	tr -d '\r' >"$tmp/sg"
printf '%s\n' 149.72.154.87,1338,1338 149.72.123.24,1032,1032 \
	149.72.187.51,726,726 | diff - "$tmp/sg" >&2 ||
	fail "csv: want SendGrid's three addresses with their own counts"
grep -q ',3096,' "$tmp/csv" && fail "csv: a row carries the sender's 3096"
# Each of them names its sender in the last column (issue 12).
grep ',failing_yours,' "$tmp/csv" | grep ',SendGrid,' | cut -d, -f13 |
	tr -d '\r' | sort -u >"$tmp/sender"
echo SendGrid | diff - "$tmp/sender" >&2 ||
	fail "csv: want the sender SendGrid on each of its rows"

# JSON: the sender's sums, its addresses with theirs.
report --format json >"$tmp/json" || fail "json exit $?"
jq -e '.domains[0].failing_yours.sources
	| map(select(.who == "SendGrid")) | length == 1 and (.[0]
	| .ip == null and .addresses == 3 and .messages == 3096
	  and .failed == 3096 and (.members | length) == 3
	  and ([.members[].failed] | add) == 3096
	  and .members[0].ip == "149.72.154.87"
	  and .members[0].failed == 1338)' "$tmp/json" >/dev/null ||
	fail "json: want SendGrid 3096 over members 1338, 1032, 726"

# Text, Markdown and HTML: the sender, then each address with its count.
report >"$tmp/text" || fail "text exit $?"
grep -Eq '^  3 addresses +unknown +SendGrid +3096 +3096 ' "$tmp/text" ||
	fail "text: no SendGrid row of 3 addresses, 3096"
grep -Eq '^    149\.72\.154\.87 +unknown +- +1338 +1338 ' "$tmp/text" ||
	fail "text: no 149.72.154.87 row of 1338 under SendGrid"
grep -q '149.72.154.87 +2' "$tmp/text" && fail "text: the old '+2' row"
report --format markdown >"$tmp/md" || fail "markdown exit $?"
grep -q '^| 3 addresses | unknown | SendGrid |  | 3096 | 3096 |' "$tmp/md" ||
	fail "markdown: no SendGrid row"
grep -q '^| .* `149.72.154.87` | unknown |  | - | 1338 | 1338 |' "$tmp/md" ||
	fail "markdown: no 149.72.154.87 row of 1338"
report --format html >"$tmp/html" || fail "html exit $?"
grep -q '>SendGrid (3 addresses)</text>' "$tmp/html" ||
	fail "html: the chart does not name the sender"
grep -q '149.72.154.87 (SendGrid)' "$tmp/html" &&
	fail "html: the chart gives an address the sender's total"

# advise --what-if: grouped the same way.
"$bin" advise --domain example.com --offline --what-if reject >"$tmp/adv" ||
	[ $? -eq 1 ] || fail "advise exit $?"
grep -Eq '^  SendGrid +unknown +3 addresses +3096 +3096$' "$tmp/adv" ||
	fail "advise: no SendGrid row of 3096 in the what-if"
grep -Eq '^ +unknown +149\.72\.154\.87 +1338 +1338$' "$tmp/adv" ||
	fail "advise: no 149.72.154.87 row of 1338 in the what-if"

finish ok
