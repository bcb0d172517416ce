#!/bin/sh
# What a stranger's reports can make long stays short.
#
# report names at most 32 reporters of a domain (DIGEST_REPORTERS_TOP) and
# counts the rest: anyone can mail reports under any org_name, and a flood
# of made-up names once made the list (and its sorted insert, quadratic)
# as long as the flood.  Those kept are the ones with the most messages in
# this period or the one before, so a large receiver gone silent stays.
#
# The week 2026-06-03 to 06-10 (DMARCSIFT_NOW 2026-06-10T08:30Z, --period
# 7d): Big Receiver 1000 messages, Mid Receiver 500, Small Receiver 200
# and 40 made-up names of 1 message each (flood-00 to flood-39), all on
# 2026-06-05; Silent Receiver 5000 messages on 2026-05-29, the week
# before, none in this one; Flood Receiver 25 (below).  45 names: Silent,
# Big, Mid, Small, Flood and the first 27 flood names by name are kept
# (32); flood-27 to flood-39 are left out: 13 reporters, 13 messages.
#
# summary shows 20 domains, those reported on by the most reporters, and
# counts the rest: example.com (45 reporters) and 25 made-up domains of one
# report and message each, flood-dom-00.test to flood-dom-24.test: the
# first 19 by name are shown, 6 left out, 6 messages.
#
# report lists the 10 foreign domains with the most mail and counts the
# rest: the 25 flood domains (1 reporter, 1 message each) are not the
# owner's; flood-dom-00 to -09 are listed, 15 more, 25 messages in all.
#
# report lists the 10 oldest refused inputs of the period and counts the
# rest: 12 files of junk, received today (the period of 7 days to
# tomorrow), list junk-00 to junk-09 and 2 more.
#
# A source lists the first 20 of its DKIM and SPF domains by name
# (source_lists()): Flood Receiver's report gives 192.0.2.99 25 records,
# each signed by d00.flood.test to d24.flood.test with SPF for
# s00.flood.test to s24.flood.test: d00 to d19 and s00 to s19 are listed.
# Needs PGDIR and DMARCSIFT_TEST_DB (tests/harness/pg run).
# usage: test_report_reporters.sh DMARCSIFT
bin=$1
. "$(dirname "$0")/../lib.sh"

export DMARCSIFT_DB="$DMARCSIFT_TEST_DB" DMARCSIFT_NOW=2026-06-10T08:30:00Z
mkdir -p "$tmp/in"
# rep FILE ORG ID BEGIN COUNT: one report about example.com, one record.
rep() {
	cat >"$tmp/in/$1.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<feedback>
<report_metadata><org_name>$2</org_name><email>r@x.test</email><report_id>$3</report_id><date_range><begin>$4</begin><end>$(($4 + 86399))</end></date_range></report_metadata>
<policy_published><domain>example.com</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct></policy_published>
<record><row><source_ip>192.0.2.7</source_ip><count>$5</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim><spf><domain>example.com</domain><scope>mfrom</scope><result>pass</result></spf></auth_results></record>
</feedback>
XML
}
day=1780617600 before=1780012800
i=0
while [ $i -lt 25 ]; do
	n=$(printf '%02d' $i)
	rep "dom-$n" 'Flood Org' "dom-$n" $day 1
	sed -i "s|<domain>example.com</domain><adkim>|<domain>flood-dom-$n.test</domain><adkim>|" \
		"$tmp/in/dom-$n.xml"
	i=$((i + 1))
done
rep big 'Big Receiver' big-1 $day 1000
rep mid 'Mid Receiver' mid-1 $day 500
rep small 'Small Receiver' small-1 $day 200
rep silent 'Silent Receiver' silent-1 $before 5000
i=0
while [ $i -lt 40 ]; do
	n=$(printf '%02d' $i)
	rep "flood-$n" "flood-$n" "flood-$n" $day 1
	i=$((i + 1))
done
{
	echo '<?xml version="1.0" encoding="UTF-8"?><feedback>'
	echo "<report_metadata><org_name>Flood Receiver</org_name><email>r@x.test</email><report_id>dkim-flood</report_id><date_range><begin>$day</begin><end>$((day + 86399))</end></date_range></report_metadata>"
	echo '<policy_published><domain>example.com</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct></policy_published>'
	i=0
	while [ $i -lt 25 ]; do
		n=$(printf '%02d' $i)
		echo "<record><row><source_ip>192.0.2.99</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>d$n.flood.test</domain><selector>s</selector><result>pass</result></dkim><spf><domain>s$n.flood.test</domain><scope>mfrom</scope><result>pass</result></spf></auth_results></record>"
		i=$((i + 1))
	done
	echo '</feedback>'
} >"$tmp/in/dkim-flood.xml"
"$bin" -q ingest "$tmp/in" >/dev/null 2>"$tmp/err" ||
	fail "ingest exit $?: $(head -3 "$tmp/err")"
report() {
	"$bin" report --domain example.com --offline --period 7d "$@"
}
mkdir "$tmp/junk"
i=0
while [ $i -lt 12 ]; do
	n=$(printf '%02d' $i)
	echo "not a report $n" >"$tmp/junk/junk-$n.txt"
	i=$((i + 1))
done
# One at a time, so that their ids follow their names.
for f in "$tmp"/junk/junk-*.txt; do
	"$bin" -q ingest "$f" >/dev/null 2>&1
	[ $? -eq 1 ] || fail "junk: ingest of $f did not exit 1"
done

"$bin" sources --domain example.com --offline --since 7d --json \
	>"$tmp/sources" || fail "sources exit $?"
jq -e '[.. | objects | select(.ip == "192.0.2.99" and has("dkim_domains"))]
	| length > 0 and all(.[]; .dkim_domains == [range(20)
	| "d\(if . < 10 then "0" else "" end)\(.).flood.test"]
	and .spf_domains == [range(20)
	| "s\(if . < 10 then "0" else "" end)\(.).flood.test"])' \
	"$tmp/sources" >/dev/null ||
	fail "sources: want d00 to d19 and s00 to s19 for 192.0.2.99"

"$bin" report --offline --period 7d --format json >"$tmp/week.json" ||
	fail "report (week) exit $?"
jq -e '.foreign.more == 15 and .foreign.messages == 25
	and ([.foreign.domains[].domain]
	     == [range(10) | "flood-dom-0\(.).test"])
	and ([.domains[].domain] == ["example.com"])' "$tmp/week.json" \
	>/dev/null || fail "report: want flood-dom-00 to -09 foreign, 15 more: $(jq -c .foreign "$tmp/week.json" | head -c 600)"
DMARCSIFT_NOW=$(date -u -d tomorrow +%Y-%m-%dT06:00:00Z) \
	"$bin" report --offline --period 7d --format json >"$tmp/all.json" ||
	fail "report (all) exit $?"
jq -e '.refused.more == 2 and (.refused.inputs | length) == 10
	and ([.refused.inputs[].source_name | sub(".*/"; "")]
	     == [range(10) | "junk-0\(.).txt"])' "$tmp/all.json" >/dev/null ||
	fail "report: want junk-00 to junk-09 refused and 2 more: $(jq -c .refused "$tmp/all.json" | head -c 600)"
"$bin" summary >"$tmp/summary" || fail "summary exit $?"
grep -c '^[a-z].*  ([0-9-]* to [0-9-]*)$' "$tmp/summary" >"$tmp/n"
eq "summary: domains shown" "$(cat "$tmp/n")" 20
grep -q '^example\.com  (' "$tmp/summary" || fail "summary: no example.com"
grep -q '^flood-dom-18\.test  (' "$tmp/summary" ||
	fail "summary: no flood-dom-18.test"
grep -q 'flood-dom-19' "$tmp/summary" &&
	fail "summary: shows flood-dom-19.test, left out"
grep -q '^and 6 more domain(s), 6 message(s) in all ' "$tmp/summary" ||
	fail "summary: no line for the 6 left out"

report --format json >"$tmp/json" || fail "json exit $?"
jq -e '.domains[0] | (.reporters | length) == 32
	and .reporters_more == 13 and .reporters_more_messages == 13
	and ([.reporters[].name] | index("Silent Receiver") != null)
	and (.reporters[] | select(.name == "Silent Receiver") | .silent)
	and ([.reporters[].name][:3] == ["Big Receiver", "Mid Receiver",
	     "Small Receiver"])
	and ([.reporters[].name | select(startswith("flood-"))] | sort
	     | first == "flood-00" and last == "flood-26" and length == 27)' \
	"$tmp/json" >/dev/null ||
	fail "json: want 32 reporters (Silent kept, flood-00 to flood-26), 13 more of 13 messages"

report >"$tmp/text" || fail "text exit $?"
grep -q '^Reporters (45)$' "$tmp/text" || fail "text: no 'Reporters (45)'"
grep -q '^  and 13 more, 13 messages in all$' "$tmp/text" ||
	fail "text: no line for the 13 left out"
grep -q 'flood-27' "$tmp/text" && fail "text: names flood-27, left out"
report --format markdown >"$tmp/md" || fail "markdown exit $?"
grep -q '^### Reporters (45)$' "$tmp/md" || fail "markdown: no count of 45"
grep -q '^And 13 more, 13 messages in all\.$' "$tmp/md" ||
	fail "markdown: no line for the 13 left out"
report --format html >"$tmp/html" || fail "html exit $?"
grep -q 'more reporters not shown' "$tmp/html" ||
	fail "html: no line for the reporters not shown"
finish ok
