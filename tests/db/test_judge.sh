#!/bin/sh
# Judging a big report (issue 17, item 13; issue 13).  The store judges
# records as it reads them and writes their verdicts a part at a time
# (ingest/store.c, JUDGE_PART); after a change of rules the judge reads
# them back a part at a time (analyze/analysis.c, FETCH_ROWS rows), so a
# record's rows may be cut between two parts.  Every record gets exactly
# one verdict, a verdict that lost its DKIM or SPF rows to a cut would
# disagree with the record's own arrays, and both ways give the same
# verdicts.
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
	WHERE (cardinality(r.dkim_auth) > 0) <> (v.dkim_domain <> '')
	   OR (cardinality(r.spf_auth) > 0) <> (v.spf_domain <> '')")" "0"

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

finish "judge: all passed"
