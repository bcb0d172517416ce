#!/bin/sh
# scripts/sample-reports, the demo's data: the same --today gives the same
# bytes, every file is a report dmarcsift reads, and the volumes are the ones
# its header states (worked out by hand below).
# usage: test_sample_reports.sh DMARCSIFT SAMPLE_REPORTS
bin=$1
gen=$2
. "$(dirname "$0")/../lib.sh"

# 2028-03-02: the 28 days before it run from 2028-02-03 (day 21217) to
# 2028-03-01 (day 21244), over a leap day.
today=2028-03-02
sh "$gen" "$tmp/a" --today "$today" || fail "generator exit $?"
sh "$gen" --today="$today" "$tmp/b" || fail "generator exit $? (second run)"
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "two runs differ"
# Into a directory that already holds them: the same bytes again.
sh "$gen" "$tmp/a" --today "$today" || fail "generator exit $? (over itself)"
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "a run over the files differs"

n=$(find "$tmp/a" -type f | wc -l)
[ "$n" -eq 112 ] || fail "want 112 files (28 days, 4 reporters), got $n"
# 2028-02-03 00:00:00 UTC is 1833148800.
for f in 'google.com!example.com!1833148800!1833235199.xml.gz' \
	'mail.example.net!example.com!1835395200!1835481599.xml' \
	'outlook-20280229.eml'; do
	[ -f "$tmp/a/$f" ] || fail "no $f"
done

"$bin" parse --json "$tmp"/a/* >"$tmp/out" 2>"$tmp/err" ||
	fail "parse exit $?: $(head -3 "$tmp/err")"
[ "$(wc -l <"$tmp/out")" -eq 112 ] || fail "want 112 reports"
jq -e -s 'length == 112 and
	all(.[]; .domain == "example.com" and .policy.p == "none" and
	    .end - .begin == 86399 and .begin % 86400 == 0 and
	    .warnings == [] and .records_dropped == 0) and
	(group_by(.org_name) | map(length) == [28, 28, 28, 28]) and
	(map(.begin) | unique | length == 28 and
	 min == 1833148800 and max == 1835481600)' "$tmp/out" >/dev/null ||
	fail "reports: domain, policy, one UTC day each, 28 days per reporter"

# day_total BEGIN: the messages of that day, all reporters.
day_total() {
	jq -s "map(select(.begin == $1) | .messages) | add" "$tmp/out"
}
# Day 21217 (2028-02-03), w = 21217 mod 5 = 2: 1085 + 36*2.
[ "$(day_total 1833148800)" = 1157 ] || fail "2028-02-03: want 1157 messages"
# Day 21239 (2028-02-25), w = 4, the last day before the new source:
# 1085 + 36*4.
[ "$(day_total 1835049600)" = 1229 ] || fail "2028-02-25: want 1229 messages"
# Day 21243 (2028-02-29), w = 3, with the new source (8 + w):
# 1085 + 36*3 + 11.
[ "$(day_total 1835395200)" = 1204 ] || fail "2028-02-29: want 1204 messages"
# SendGrid that day: 210 + 6*3, from 3 addresses.
sg=$(jq -s '[.[] | select(.begin == 1835395200) | .records[] |
	select(.source_ip | startswith("149.72."))] |
	[(map(.count) | add), (map(.source_ip) | unique | length)]' \
	-c "$tmp/out")
[ "$sg" = "[228,3]" ] || fail "2028-02-29: SendGrid want [228,3], got $sg"
# The new source: first seen 2028-02-26, 5 days before today.
first=$(jq -s '[.[] | select(any(.records[]; .source_ip == "198.2.180.15")) |
	.begin] | min' "$tmp/out")
[ "$first" = 1835136000 ] || fail "new source first seen $first"

sh "$gen" "$tmp/c" --today 2028-02-30 2>/dev/null && fail "2028-02-30 taken"
sh "$gen" "$tmp/c" --today yesterday 2>/dev/null && fail "'yesterday' taken"
sh "$gen" 2>/dev/null && fail "no directory taken"

finish "sample-reports ok"
