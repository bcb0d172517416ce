#!/bin/sh
# Judging a big report (issue 17, item 13; issue 13).  The store judges
# records as it reads them and writes each verdict in its record's row
# (ingest/store.c); after a change of rules the judge reads them back a
# part at a time (analyze/analysis.c, FETCH_ROWS rows), so a record's
# rows may be cut between two parts, and writes them in place.  Every
# record gets exactly one verdict, a verdict that lost its DKIM or SPF
# rows to a cut would disagree with the record's own arrays, and both
# ways give the same verdicts.  A verdict is stored compactly (sql/014:
# the place of the chosen DKIM and SPF result, a value written out only
# where it differs from that place's): the view gives back every value.
# usage: test_judge.sh DMARCSIFT DMARCSIFT_GEN
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql.
bin=$1 gen=$2
. "$(dirname "$0")/../lib.sh"
need_server pg
no_settings
newdb judge

# 30,000 records in one report: with a DKIM and an SPF row each at least,
# some 90,000 rows, four parts of 20,000 rows and more.
"$gen" -r 30000 -s 7 -o "$tmp/big.xml" >/dev/null || exit 2
run ingest 0 ingest --db "$db" -v "$tmp/big.xml"
# Judged as stored: nothing was left to read back.
if grep -q 'judged .* read back' "$tmp/ingest.err"; then
	fail "ingest read records back: $(grep judged "$tmp/ingest.err")"
fi
eq "one verdict per record" "$(q "SELECT count(*), count(DISTINCT (report,
	idx)) FROM record_verdicts")" "30000|30000"
eq "records without a verdict" "$(q "SELECT count(*) FROM records r
	WHERE NOT EXISTS (SELECT 1 FROM record_verdicts v
	WHERE v.report = r.report AND v.idx = r.idx)")" "0"
# A verdict names a signing domain exactly when its record has a DKIM
# result, and an SPF domain exactly when it has an SPF result.
eq "dkim and spf kept with their record" "$(q "SELECT count(*) FROM records r
	JOIN record_verdicts v ON v.report = r.report AND v.idx = r.idx
	LEFT JOIN auth_shapes s ON s.id = r.auth
	WHERE (coalesce(cardinality(s.dkim_auth), 0) > 0) <> (v.dkim_domain <> '')
	   OR (coalesce(cardinality(s.spf_auth), 0) > 0) <> (v.spf_domain <> '')")" "0"

# The same verdicts read back: the rules "changed", every verdict is
# computed again from the stored records.
q "CREATE TABLE inflight AS SELECT * FROM record_verdicts" >/dev/null
q "UPDATE analysis_state SET rules_version = 0" >/dev/null
domain=$(q "SELECT domain FROM reports")
run sources 0 sources --db "$db" --offline --domain "$domain" \
	--until 2030-01-01
eq "judged again" "$(q "SELECT count(*) FROM record_verdicts")" "30000"
eq "in flight and read back agree" "$(q "SELECT count(*) FROM (
	(SELECT * FROM inflight EXCEPT ALL SELECT * FROM record_verdicts)
	UNION ALL
	(SELECT * FROM record_verdicts EXCEPT ALL SELECT * FROM inflight)) x")" "0"
eq "the rollup follows" "$(q "SELECT sum(messages) FROM source_days")" \
	"$(q "SELECT sum(count) FROM records")"

# Written out where they differ, read from the record where they do not:
# the second signature is the one shown (the first fails), its domain in
# capitals is shown lower-cased (written out), the header From in
# capitals too, the SPF result read from the record.
cat >"$tmp/two.xml" <<'EOF'
<?xml version="1.0"?>
<feedback>
<report_metadata><org_name>judge.test</org_name><email>a@judge.test</email>
<report_id>two-sigs</report_id>
<date_range><begin>1763078400</begin><end>1763164799</end></date_range>
</report_metadata>
<policy_published><domain>example.org</domain><p>none</p></policy_published>
<record><row><source_ip>192.0.2.7</source_ip><count>5</count>
<policy_evaluated><disposition>none</disposition><dkim>pass</dkim>
<spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>Example.ORG</header_from></identifiers>
<auth_results>
<dkim><domain>other.test</domain><selector>s1</selector><result>fail</result></dkim>
<dkim><domain>MAIL.Example.org</domain><selector>s2</selector><result>pass</result></dkim>
<spf><domain>bounce.other.test</domain><result>softfail</result></spf>
</auth_results></record>
</feedback>
EOF
run two 0 ingest --db "$db" -q "$tmp/two.xml"
eq "the verdict of two signatures" "$(q "SELECT header_from, dkim_aligned,
	spf_aligned, pass, dkim_domain, dkim_result, spf_domain, spf_result
	FROM record_verdicts v JOIN reports r ON r.id = v.report
	WHERE r.report_id = 'two-sigs'")" \
	"example.org|t|f|t|mail.example.org|pass|bounce.other.test|softfail"
eq "what is written out" "$(q "SELECT v_dkim, v_spf,
	v_header_from, v_dkim_domain, v_dkim_result IS NULL, v_spf_domain IS NULL,
	v_spf_result IS NULL FROM records x JOIN reports r ON r.id = x.report
	WHERE r.report_id = 'two-sigs'")" \
	"2|1|example.org|mail.example.org|t|t|t"
# The generated report writes every name in lower case: nothing of it
# is written out.
eq "nothing written twice" "$(q "SELECT count(*) FROM records x
	JOIN reports r ON r.id = x.report WHERE r.report_id <> 'two-sigs'
	AND num_nonnulls(v_header_from, v_dkim_domain, v_dkim_result,
	v_spf_domain, v_spf_result) > 0")" "0"

finish "judge: all passed"
