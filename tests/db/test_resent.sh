#!/bin/sh
# A report sent again counts once (issue 17, item 4): its records in
# another order are the same content; a copy with a repaired character, or
# its domain in other case, is kept but not counted; a report that reuses
# the report ID for another range still counts.
# usage: test_resent.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (a conninfo), psql
bin=$1
. "$(dirname "$0")/../lib.sh"
need_server pg

# The rollup the commands read (source_days, sql/012) holds what the
# records give, row for row: no counted report missing, none twice, no
# copy or deleted report left in.
exact() {
	g="report, day, source_ip, pass, cause, sum(messages) AS m"
	k="GROUP BY report, day, source_ip, pass, cause"
	want "$1 rollup" "SELECT count(*) FROM (
		(SELECT $g FROM source_days $k
		 EXCEPT ALL SELECT $g FROM record_analysis $k)
		UNION ALL
		(SELECT $g FROM record_analysis $k
		 EXCEPT ALL SELECT $g FROM source_days $k)) x" 0
	want "$1 rollup reports" "SELECT count(*) FROM source_days_reports" \
		"$(q "$db" "SELECT count(DISTINCT report) FROM record_analysis")"
}

# A report of 2025-11-14 (one UTC day): records given as arguments, each
# "ip count comment", in that order.
report() {
	domain=$1 begin=$2 end=$3
	shift 3
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<feedback>\n'
	printf '<report_metadata><org_name>Resender</org_name>'
	printf '<email>dmarc@resender.example</email>'
	printf '<report_id>%s</report_id><date_range><begin>%s</begin>' "${RID:-rs-1}" "$begin"
	printf '<end>%s</end></date_range></report_metadata>\n' "$end"
	printf '<policy_published><domain>%s</domain><p>none</p>' "$domain"
	printf '</policy_published>\n'
	for r in "$@"; do
		set -- $r
		printf '<record><row><source_ip>%s</source_ip><count>%s</count>' "$1" "$2"
		printf '<policy_evaluated><disposition>none</disposition>'
		printf '<dkim>pass</dkim><spf>fail</spf>'
		printf '<reason><type>other</type><comment>%s</comment></reason>' "$3"
		printf '</policy_evaluated></row>'
		printf '<identifiers><header_from>example.com</header_from></identifiers>'
		printf '<auth_results><dkim><domain>example.com</domain>'
		printf '<result>pass</result></dkim><spf><domain>bounce.example</domain>'
		printf '<result>pass</result></spf></auth_results></record>\n'
	done
	printf '</feedback>\n'
}

day=1763078400 # 2025-11-14 00:00:00 UTC
end=$((day + 86399))
a="192.0.2.1 5 list" b="192.0.2.2 7 relay" c="2001:db8::3 11 caf&#xE9;"
report example.com $day $end "$a" "$b" "$c" >"$tmp/first.xml"
report example.com $day $end "$c" "$b" "$a" >"$tmp/reversed.xml"
# The same with a character the reporter's software repaired (U+FFFD for
# the é a broken encoder lost).
report example.com $day $end "$a" "$b" "2001:db8::3 11 caf&#xFFFD;" \
	>"$tmp/repaired.xml"
# The same records again, the domain as the DNS gave it in other case.
report Example.COM $day $end "$b" "$a" "$c" >"$tmp/upper.xml"
# The report ID reused for the next day: another report, 4 + 6 messages.
report example.com $((day + 86400)) $((end + 86400)) "192.0.2.1 4 list" \
	"192.0.2.9 6 x" >"$tmp/nextday.xml"
# By hand: 5 + 7 + 11 messages on 2025-11-14, 10 on 2025-11-15.
one=23

# 1. The same report with its records reversed is the same content.
newdb
"$bin" ingest -q --db "$db" "$tmp/first.xml" || fail "first: exit $?"
"$bin" ingest -q --db "$db" "$tmp/reversed.xml" || fail "reversed: exit $?"
want "reversed" "SELECT count(*) || ' ' || (SELECT count(*) FROM reports) FROM inputs" "2 1"
want "reversed" "SELECT sum(reports_duplicate) FROM ingest_runs" 1
want "reversed" "SELECT messages FROM daily_volume WHERE domain = 'example.com'" $one
exact "reversed"

# 2. A repaired character and an upper-case domain: kept as copies, listed,
# counted once.
"$bin" ingest -q -j 1 --db "$db" "$tmp/repaired.xml" "$tmp/upper.xml" ||
	fail "copies: exit $?"
want "copies" "SELECT count(*) FROM reports" 3
want "copies" "SELECT copies || ' ' || cardinality(counted) || ' ' ||
	(counted[1] = reports[1]) FROM report_id_reuse
	WHERE org_name = 'Resender'" "3 1 true"
want "copies" "SELECT messages FROM daily_volume WHERE domain = 'example.com'" $one
exact "copies"
want "copies" "SELECT sum(messages) FROM record_facts" $one
want "copies" "SELECT sum(messages) FROM record_analysis" $one
want "copies" "SELECT sum(messages) FROM source_volume" $one
want "copies" "SELECT reports || ' ' || messages FROM reporter_daily" "1 $one"
want "copies" "SELECT count(*) FROM report_days" 1
want "copies" "SELECT sum(messages) FROM source_overview('example.com',
	'2025-11-01', '2025-12-01')" $one
want "copies" "SELECT messages FROM readiness_inputs('example.com', 14,
	'2025-11-20')" $one
"$bin" summary --db "$db" >"$tmp/summary" || fail "summary: exit $?"
grep -q " $one message(s)," "$tmp/summary" ||
	fail "summary: want $one messages in: $(cat "$tmp/summary")"

# 3. Another range under the same report ID is another report: it counts.
"$bin" ingest -q --db "$db" "$tmp/nextday.xml" || fail "next day: exit $?"
want "next day" "SELECT string_agg(day || '=' || messages, ' ' ORDER BY day)
	FROM daily_volume WHERE domain = 'example.com'" \
	"2025-11-14=$one 2025-11-15=10"
"$bin" summary --db "$db" >"$tmp/summary" || fail "summary: exit $?"
grep -q " $((one + 10)) message(s)," "$tmp/summary" ||
	fail "summary: want $((one + 10)) messages in: $(cat "$tmp/summary")"

# 3b. The counted copy's input parsed again: its report is stored anew
# and counts again in place of the copies, which the rollup drops.
first=$(q "$db" "SELECT id FROM inputs WHERE source_name LIKE '%/first.xml'")
"$bin" reparse -q --db "$db" --input "$first" || fail "reparse: exit $?"
want "reparse" "SELECT messages FROM daily_volume WHERE day = '2025-11-14'" $one
exact "reparse"

# 4. The counted copy's input deleted: the next copy counts in its place.
q "$db" "DELETE FROM inputs WHERE source_name LIKE '%/first.xml'" >/dev/null
want "delete" "SELECT string_agg(regexp_replace(i.source_name, '.*/', ''), ' ')
	FROM counted_reports c JOIN inputs i ON i.id = c.input
	WHERE c.date_begin = to_timestamp($day)" repaired.xml
want "delete" "SELECT messages FROM daily_volume WHERE day = '2025-11-14'" $one
exact "delete"

# 5. A report stored before the order-free digest (its digest made up
# here), then its records in another order: stored beside it, counted once;
# reparse --all gives both the new digest and keeps one.
newdb
"$bin" ingest -q --db "$db" "$tmp/first.xml" || fail "old: exit $?"
q "$db" "UPDATE reports SET content_sha256 = sha256('an older digest')" >/dev/null
"$bin" ingest -q --db "$db" "$tmp/reversed.xml" || fail "old: exit $?"
want "old" "SELECT count(*) FROM reports" 2
want "old" "SELECT messages FROM daily_volume" $one
exact "old"
"$bin" reparse -q --all --db "$db" || fail "old: reparse exit $?"
want "old reparsed" "SELECT count(*) FROM reports" 1
want "old reparsed" "SELECT count(*) FROM report_id_reuse" 0
want "old reparsed" "SELECT sum(messages) FROM record_facts" $one
exact "old reparsed"

# 6. Copies stored by two workers at once, each of which brings the
# rollup in line when its inputs are stored (sql/defs/30_rollup_sync.sql):
# 30 reports, each in three copies (as sent, repaired, the domain in
# upper case), the copies of one report next to each other in the list so
# that the two workers take them; each report counts once.  By hand: 30
# reports of 5 + 7 + 11 messages on 2025-11-14, 690.
newdb
# (report() sets end: the day is written out.)
mkdir "$tmp/many"
n=0
while [ $n -lt 30 ]; do
	n=$((n + 1))
	RID=rs-m$n report example.com $day $((day + 86399)) "$a" "$b" "$c" \
		>"$tmp/many/$n-a.xml"
	RID=rs-m$n report example.com $day $((day + 86399)) "$a" "$b" \
		"2001:db8::3 11 caf&#xFFFD;" >"$tmp/many/$n-b.xml"
	RID=rs-m$n report Example.COM $day $((day + 86399)) "$b" "$a" "$c" \
		>"$tmp/many/$n-c.xml"
done
"$bin" ingest -q -j 2 --db "$db" "$tmp/many" || fail "parallel: exit $?"
want "parallel" "SELECT count(*) FROM reports" 90
want "parallel" "SELECT count(*) FROM source_days_pending" 0
want "parallel" "SELECT messages FROM daily_volume WHERE day = '2025-11-14'" 690
exact "parallel"

finish "all checks passed"
