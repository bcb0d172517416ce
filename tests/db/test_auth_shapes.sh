#!/bin/sh
# Records' DKIM and SPF results kept once per shape (sql/029,
# ingest/auth_shape.c).  One report of five records, written by hand:
#
#   1  192.0.2.1  dkim example.com/s1 pass, spf example.com mfrom pass
#   2  192.0.2.2  the same results as record 1
#   3  192.0.2.3  no results at all
#   4  192.0.2.4  dkim domain `q"uo\te{d},e` (XML escapes), selector "NULL",
#                 result fail, human_result "" (empty); dkim
#                 bücher.example, no selector, result none, human_result
#                 "a b"; spf domain "null", scope helo, result softfail
#   5  192.0.2.5  spf only: `x,y` mfrom fail
#
#   shapes: {1, 2}, {4}, {5}: 3; record 3 names none.  The store names a
#   shape in C (array_out's quoting rules) as auth_shape_id() does in SQL;
#   every string comes back byte for byte through the views.  Then 300
#   records with a selector each: 300 shapes more, written mid-report.
# usage: test_auth_shapes.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql.
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
need psql
no_settings
newdb auth_shapes
mkdir "$tmp/in" "$tmp/again"

head='<?xml version="1.0" encoding="UTF-8"?>
<feedback><report_metadata><org_name>shapes.example</org_name>
<email>noreply@shapes.example</email>'
pol='<date_range><begin>1762300800</begin><end>1762387199</end></date_range>
</report_metadata><policy_published><domain>example.com</domain>
<adkim>r</adkim><aspf>r</aspf><p>none</p><pct>100</pct></policy_published>'
# row IP: a record's <row>, pass/fail by the receiver (not looked at).
row() {
	printf '<record><row><source_ip>%s</source_ip><count>1</count>' "$1"
	printf '<policy_evaluated><disposition>none</disposition>'
	printf '<dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>'
	printf '<identifiers><header_from>example.com</header_from>'
	printf '</identifiers>'
}
ok='<auth_results><dkim><domain>example.com</domain><selector>s1</selector>
<result>pass</result></dkim><spf><domain>example.com</domain>
<scope>mfrom</scope><result>pass</result></spf></auth_results></record>'
{
	printf '%s<report_id>shapes-1</report_id>%s\n' "$head" "$pol"
	row 192.0.2.1
	printf '%s\n' "$ok"
	row 192.0.2.2
	printf '%s\n' "$ok"
	row 192.0.2.3
	printf '<auth_results></auth_results></record>\n'
	row 192.0.2.4
	printf '<auth_results><dkim><domain>q&quot;uo\\te{d},e</domain>'
	printf '<selector>NULL</selector><result>fail</result>'
	printf '<human_result></human_result></dkim>'
	printf '<dkim><domain>bücher.example</domain><result>none</result>'
	printf '<human_result>a b</human_result></dkim>'
	printf '<spf><domain>null</domain><scope>helo</scope>'
	printf '<result>softfail</result></spf></auth_results></record>\n'
	row 192.0.2.5
	printf '<auth_results><spf><domain>x,y</domain><scope>mfrom</scope>'
	printf '<result>fail</result></spf></auth_results></record>\n'
	printf '</feedback>\n'
} >"$tmp/in/shapes.xml"
run ingest 0 ingest -q --db "$db" "$tmp/in"

want "records" "SELECT count(*) FROM records" "5"
want "shapes" "SELECT count(*) FROM auth_shapes" "3"
want "records 1 and 2 share one" "SELECT count(DISTINCT auth) || ' '
	|| count(*) FROM records WHERE idx IN (1, 2)" "1 2"
want "record 3 names none" "SELECT count(*) FROM records
	WHERE idx = 3 AND auth IS NULL" "1"
# The C name of each shape is the SQL one: array_out's quoting rules
# (quotes, backslash, braces, comma, blank, empty, NULL in any case)
# written alike on both sides.
want "named as in SQL" "SELECT count(*) FROM auth_shapes
	WHERE id IS DISTINCT FROM auth_shape_id(dkim_auth, spf_auth)" "0"
# Byte for byte back, NULLs as NULLs.
want "dkim results" "SELECT string_agg(idx || ':' || n || ' ['
	|| coalesce(domain, '-') || '] [' || coalesce(selector, '-') || '] ['
	|| coalesce(result, '-') || '] [' || coalesce(human_result, '-') || ']',
	' / ' ORDER BY idx, n) FROM dkim_results" \
	"1:1 [example.com] [s1] [pass] [-] / 2:1 [example.com] [s1] [pass] [-] \
/ 4:1 [q\"uo\\te{d},e] [NULL] [fail] [] / 4:2 [bücher.example] [-] [none] \
[a b]"
want "spf results" "SELECT string_agg(idx || ':' || n || ' [' || domain
	|| '] [' || scope || '] [' || result || ']', ' / ' ORDER BY idx, n)
	FROM spf_results" \
	"1:1 [example.com] [mfrom] [pass] / 2:1 [example.com] [mfrom] [pass] \
/ 4:1 [null] [helo] [softfail] / 5:1 [x,y] [mfrom] [fail]"
# The verdicts read the counted results through the shapes (what they
# make of records 4 and 5, no domain names, is the verdict rules'
# business, not the shapes').
want "verdicts" "SELECT string_agg(idx || ' ' || dkim_domain || ' '
	|| spf_domain || ' ' || spf_result, ', ' ORDER BY idx)
	FROM record_verdicts WHERE idx <= 3" \
	"1 example.com example.com pass, 2 example.com example.com pass, \
3   none"

# Another report with the same shapes, and the same file again: no new
# shape, no shape twice.
sed 's/shapes-1/shapes-2/; s/1762300800/1762387200/; s/1762387199/1762473599/' \
	"$tmp/in/shapes.xml" >"$tmp/again/shapes2.xml"
run again 0 ingest -q --db "$db" "$tmp/in" "$tmp/again"
want "records, second report" "SELECT count(*) FROM records" "10"
want "shapes, second report" "SELECT count(*) FROM auth_shapes" "3"
want "shapes named by each report" "SELECT string_agg(n::text, ' ')
	FROM (SELECT count(DISTINCT auth) AS n FROM records GROUP BY report
	      ORDER BY report) x" "3 3"

# A report naming more new shapes than a store queues (AUTH_SHAPES_QUEUE,
# 256): they are written while its records stream in, on the other
# connection; 300 records, each its own selector, make 300 shapes, and
# every record names one that is there.
{
	printf '%s<report_id>shapes-many</report_id>%s\n' "$head" "$pol"
	i=1
	while [ "$i" -le 300 ]; do
		row "198.51.100.$((i % 250 + 1))"
		printf '<auth_results><dkim><domain>example.com</domain>'
		printf '<selector>s%d</selector><result>pass</result></dkim>' "$i"
		printf '</auth_results></record>\n'
		i=$((i + 1))
	done
	printf '</feedback>\n'
} >"$tmp/many.xml"
run many 0 ingest -q --db "$db" "$tmp/many.xml"
want "records, many shapes" "SELECT count(*) FROM records" "310"
want "shapes, many" "SELECT count(*) FROM auth_shapes" "303"
want "every record's shape there" "SELECT count(*) FROM records r
	WHERE r.auth IS NOT NULL AND NOT EXISTS
	(SELECT 1 FROM auth_shapes s WHERE s.id = r.auth)" "0"
want "each its own" "SELECT count(DISTINCT r.auth) FROM records r
	JOIN reports p ON p.id = r.report WHERE p.report_id = 'shapes-many'" "300"
finish
