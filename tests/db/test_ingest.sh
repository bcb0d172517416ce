#!/bin/sh
# dmarcsift ingest against a real PostgreSQL (started by tests/harness/pg):
# exactly once, nothing lost, consistent after SIGKILL, safe in parallel.
# usage: test_ingest.sh DMARCSIFT DMARCSIFT_GEN SAMPLES_DIR CORPUS_DIR HOSTILE
# (HOSTILE: test_hostile, which writes its generated attacks with --write)
# needs: DMARCSIFT_TEST_DB (a conninfo), psql
bin=$1 gen=$2 samples=$3 corpus=$4 hostile=$5
. "$(dirname "$0")/../lib.sh"
need_server pg

# Row counts of every table, one line: what "changes nothing" compares.
counts() {
	q "$1" "SELECT (SELECT count(*) FROM inputs) || ' ' ||
		(SELECT count(*) FROM input_problems) || ' ' ||
		(SELECT count(*) FROM reports) || ' ' ||
		(SELECT count(*) FROM records) || ' ' ||
		(SELECT count(*) FROM record_reasons) || ' ' ||
		(SELECT count(*) FROM dkim_results) || ' ' ||
		(SELECT count(*) FROM spf_results)"
}

# Every report holds exactly the records it says it has.
consistent() {
	# Killed before the schema was made: nothing at all, or it all.
	if [ "$(q "$1" "SELECT to_regclass('reports') IS NULL")" = t ]; then
		[ "$(q "$1" "SELECT count(*) FROM pg_tables
			WHERE schemaname = 'public'")" = 0 ] ||
			fail "$2: half a schema"
		return
	fi
	# Killed between two migrations (each is a transaction of its
	# own): the next run goes on from there.
	if [ "$(q "$1" "SELECT to_regclass('source_days_reports') IS NULL
		OR to_regclass('verdict_causes') IS NULL")" = t ]; then
		"$bin" db migrate --db "$1" >/dev/null 2>&1 ||
			fail "$2: the next run cannot finish the schema"
	fi
	bad=$(q "$1" "SELECT count(*) FROM reports r WHERE record_count <>
		(SELECT count(*) FROM records WHERE report = r.id)
		OR messages <> (SELECT coalesce(sum(count), 0) FROM records
		WHERE report = r.id)")
	[ "$bad" = 0 ] || fail "$2: $bad report(s) with missing records"
	# The rollup may lag a killed run (its queue is taken in by the
	# next), but never holds a report that does not count.
	bad=$(q "$1" "SELECT count(*) FROM source_days_reports m
		WHERE NOT EXISTS (SELECT 1 FROM counted_reports c
		WHERE c.id = m.report)")
	[ "$bad" = 0 ] || fail "$2: $bad report(s) in the rollup that do not count"
}

# After a complete run the rollup holds every judged record's messages.
rolled_up() {
	[ "$(q "$1" "SELECT sum(messages) FROM source_days")" = \
		"$(q "$1" "SELECT sum(messages) FROM record_analysis")" ] ||
		fail "$2: the rollup does not sum the records"
}

# 1. The corpus and the samples, twice: the second run changes nothing.
newdb
"$bin" ingest -q --db "$db" "$corpus" "$samples"
[ $? -eq 1 ] || fail "corpus: want exit 1 (refused inputs)"
first=$(counts "$db")
"$bin" ingest -q --db "$db" "$corpus" "$samples"
[ $? -eq 0 ] || fail "corpus again: want exit 0 (nothing new)"
[ "$(counts "$db")" = "$first" ] || fail "corpus again changed counts: $first -> $(counts "$db")"
consistent "$db" corpus
# 31 aggregate reports are in the corpus and samples, 4 of them the same
# report in another form (xml/gz/zip, the same bytes twice).
[ "$(q "$db" "SELECT count(*) FROM reports")" = 27 ] ||
	fail "corpus: want 27 reports, got $(q "$db" "SELECT count(*) FROM reports")"
[ "$(q "$db" "SELECT count(*) FROM inputs WHERE outcome = 'skipped'")" = 9 ] ||
	fail "corpus: want 9 failure/TLS inputs skipped"
r=$(q "$db" "SELECT reason FROM failed_inputs WHERE source_name LIKE '%invalid_xml.xml'")
case "$r" in
"XML error at line 5: error parsing attribute name") ;;
*) fail "corpus: invalid_xml.xml reason is '$r'" ;;
esac
[ "$(q "$db" "SELECT copies FROM report_id_reuse WHERE org_name = 'Sample Reporter'")" = 2 ] ||
	fail "corpus: reused report_id not listed"
# The archive gives back the input's bytes.
f="$corpus/parsedmarc/samples/aggregate/invalid_xml.xml"
q "$db" "SELECT encode(raw_gz, 'base64') FROM inputs
	WHERE source_name = '$f'" | base64 -d | gzip -dc >"$tmp/back" &&
	cmp -s "$tmp/back" "$f" || fail "corpus: archived bytes differ from $f"
# The views answer.
[ "$(q "$db" "SELECT messages FROM daily_volume WHERE domain = 'example.com' AND day = '2025-11-14'")" = 580 ] ||
	fail "views: daily_volume for the sample day"

# 2. Maildir, mbox and stdin; a Maildir's tmp/ is left alone.
newdb
mkdir -p "$tmp/md/cur" "$tmp/md/new" "$tmp/md/tmp"
cp "$samples/outlook-report.eml" "$tmp/md/cur/1.eml"
cp "$corpus/parsedmarc/samples/aggregate/twilight.eml" "$tmp/md/new/2.eml"
cp "$corpus/parsedmarc/samples/aggregate/mimecast-weird-gzip.eml" "$tmp/md/tmp/3.eml"
{
	printf 'From a@example.net Mon Nov 17 04:12:09 2025\n'
	tr -d '\r' <"$corpus/parsedmarc/samples/aggregate/twilight.eml"
	printf '\n\nFrom b@example.net Mon Nov 17 04:13:09 2025\n'
	tr -d '\r' <"$samples/outlook-report.eml"
} >"$tmp/box.mbox"
"$bin" ingest -q --db "$db" "$tmp/md" "$tmp/box.mbox" - \
	<"$samples/mail.example.net!example.com!1763251200!1763337599.xml"
[ $? -eq 0 ] || fail "maildir/mbox/stdin: want exit 0"
[ "$(q "$db" "SELECT string_agg(source, ',' ORDER BY source) FROM inputs")" = "file,file,mbox,mbox,stdin" ] ||
	fail "maildir/mbox/stdin: inputs are $(q "$db" "SELECT string_agg(source || ':' || source_name, ' ') FROM inputs")"
[ "$(q "$db" "SELECT count(*) FROM reports")" = 3 ] ||
	fail "maildir/mbox/stdin: want 3 distinct reports (mbox mails repeat the Maildir's)"

# 3. An input over input_bytes is kept, cut, and refused with the reason.
newdb
"$bin" ingest -q --db "$db" --limit input_bytes=1k "$samples/google.com!example.com!1763078400!1763164799.xml.gz" "$samples/outlook-report.eml"
[ $? -eq 1 ] || fail "limit: want exit 1"
[ "$(q "$db" "SELECT raw_complete, size FROM inputs WHERE outcome = 'refused'")" = "f|1024" ] ||
	fail "limit: the cut input is not stored as refused with 1024 bytes"
q "$db" "SELECT reason FROM failed_inputs" | grep -q "limit input_bytes" ||
	fail "limit: reason does not name input_bytes"

# 4. SIGKILL in the middle, then again: consistent, then complete.
mkdir "$tmp/many"
"$gen" -n 400 -r 300 -z -d "$tmp/many" >/dev/null || exit 2
newdb
ref=$db
"$bin" ingest -q --db "$ref" "$tmp/many" || fail "reference run failed"
newdb
for delay in 0.3 0.6 1.0; do
	"$bin" ingest -q --db "$db" "$tmp/many" &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	consistent "$db" "after SIGKILL at ${delay}s"
done
stored=$(q "$db" "SELECT count(*) FROM reports")
"$bin" ingest -q --db "$db" "$tmp/many" || fail "re-run after SIGKILL failed"
[ "$(counts "$db")" = "$(counts "$ref")" ] ||
	fail "after SIGKILL and re-run: $(counts "$db"), want $(counts "$ref") ($stored stored before the re-run)"
consistent "$db" "after re-run"
rolled_up "$db" "after re-run"

# 5. Two runs at once over the same inputs: nothing twice, no deadlock.
newdb
"$bin" ingest -q --db "$db" "$tmp/many" "$corpus" &
a=$!
"$bin" ingest -q --db "$db" "$corpus" "$tmp/many" &
b=$!
wait "$a"
ra=$?
wait "$b"
rb=$?
[ $ra -le 1 ] && [ $rb -le 1 ] || fail "parallel: exits $ra and $rb"
"$bin" ingest -q --db "$db" "$tmp/many" "$corpus" "$samples" >/dev/null
"$bin" ingest -q --db "$ref" "$corpus" "$samples" >/dev/null
[ "$(counts "$db")" = "$(counts "$ref")" ] ||
	fail "parallel: $(counts "$db"), want $(counts "$ref")"
consistent "$db" parallel

# 6. reparse: inputs refused under a tighter limit, parsed again from their
# archive, give the rows a normal ingest gives; reparse --all changes none.
snapshot() {
	q "$1" "SELECT md5(string_agg(org_name || '|' || report_id || '|' ||
		domain || '|' || encode(content_sha256, 'hex') || '|' ||
		record_count || '|' || messages || '|' || ${2-place}, ','
		ORDER BY org_name, report_id, encode(content_sha256, 'hex')))
		FROM reports"
}
newdb
ref=$db
"$bin" ingest -q --db "$ref" "$samples" || fail "reparse: reference ingest"
# The summary of the samples, against its golden file.
"$bin" summary --db "$ref" >"$tmp/summary" || fail "summary: exit $?"
diff -u "$(dirname "$samples")/summary-samples.txt" "$tmp/summary" >&2 ||
	fail "summary: differs from tests/data/summary-samples.txt"
newdb
"$bin" ingest -q --db "$db" --limit records=2 "$samples" 2>/dev/null
[ $? -eq 1 ] || fail "reparse: want the tight limit to refuse some inputs"
[ "$(q "$db" "SELECT count(*) FROM reports")" = 1 ] ||
	fail "reparse: want 1 report under records=2"
"$bin" reparse -q --db "$db" || fail "reparse: want exit 0"
[ "$(counts "$db")" = "$(counts "$ref")" ] ||
	fail "reparse: $(counts "$db"), want $(counts "$ref")"
[ "$(snapshot "$db")" = "$(snapshot "$ref")" ] || fail "reparse: rows differ"
"$bin" reparse -q --all --db "$db" || fail "reparse --all: want exit 0"
[ "$(snapshot "$db")" = "$(snapshot "$ref")" ] ||
	fail "reparse --all changed rows"
[ "$(q "$db" "SELECT count(*) FROM failed_inputs")" = 0 ] ||
	fail "reparse: old problems left behind"
consistent "$db" reparse
# reparse --all gives every report new rows; it judges them before it
# exits, so the analysis views show them to psql at once (issue 17,
# item 12).
[ "$(q "$db" "SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1
	FROM record_verdicts v WHERE v.report = r.report AND v.idx = r.idx)")" = 0 ] ||
	fail "reparse --all: records left without a verdict"
[ "$(q "$db" "SELECT sum(messages) || '|' || sum(messages) FILTER (WHERE pass)
	FROM record_analysis")" = "$(q "$ref" "SELECT sum(messages) || '|' ||
	sum(messages) FILTER (WHERE pass) FROM record_analysis")" ] ||
	fail "reparse --all: record_analysis differs from a plain ingest's"

# 7. Every generated attack: stored, as reports or with its reason; the
# database stays consistent; a second run changes nothing.
mkdir "$tmp/hostile"
"$hostile" --write "$tmp/hostile" || exit 2
distinct=$(sha256sum "$tmp"/hostile/* |
	cut -d' ' -f1 | sort -u | wc -l)
newdb
"$bin" ingest -q --db "$db" "$tmp/hostile" 2>/dev/null
[ $? -eq 1 ] || fail "hostile: want exit 1"
[ "$(q "$db" "SELECT count(*) FROM inputs")" = "$distinct" ] ||
	fail "hostile: $(q "$db" "SELECT count(*) FROM inputs") inputs stored, want $distinct"
[ "$(q "$db" "SELECT count(*) FROM inputs i WHERE outcome IN ('refused',
	'partial') AND NOT EXISTS (SELECT 1 FROM input_problems p
	WHERE p.input = i.id)")" = 0 ] || fail "hostile: a refusal without a reason"
first=$(counts "$db")
"$bin" ingest -q --db "$db" "$tmp/hostile" || fail "hostile again: want exit 0"
[ "$(counts "$db")" = "$first" ] || fail "hostile again changed counts"
consistent "$db" hostile

# 8. Awkward strings come back from the views exactly as the parser read
# them: quotes, backslashes, braces, commas, tabs, "NULL", non-ASCII.
cat >"$tmp/awkward.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata><org_name>Awk "Org"</org_name><email>a@b.example</email>
    <report_id>awk-1</report_id>
    <date_range><begin>1763078400</begin><end>1763164799</end></date_range>
  </report_metadata>
  <policy_published><domain>example.com</domain><p>none</p></policy_published>
  <record>
    <row><source_ip>192.0.2.7</source_ip><count>3</count>
      <policy_evaluated><disposition>none</disposition><dkim>fail</dkim>
        <spf>fail</spf>
        <reason><type>other</type><comment>a "quoted" \back\\slash, {brace}</comment></reason>
        <reason><type>forwarded</type></reason>
      </policy_evaluated></row>
    <identifiers><header_from>example.com</header_from></identifiers>
    <auth_results>
      <dkim><domain>example.com</domain><selector>s{1},"x"</selector>
        <result>fail</result><human_result>tab&#9;nl&#10;cr&#13;NULL \N é</human_result></dkim>
      <dkim><domain>esp.example</domain><result>pass</result></dkim>
      <spf><domain>NULL</domain><scope>mfrom</scope><result>softfail</result></spf>
    </auth_results>
  </record>
  <record>
    <row><source_ip>2001:db8::1</source_ip><count>1</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim>
        <spf>pass</spf></policy_evaluated></row>
    <identifiers><header_from>example.com</header_from></identifiers>
    <auth_results><spf><domain>example.com</domain><result>pass</result></spf></auth_results>
  </record>
</feedback>
EOF
newdb
"$bin" ingest -q --db "$db" "$tmp/awkward.xml" || fail "awkward: want exit 0"
"$bin" parse --json "$tmp/awkward.xml" | jq -S -s '[.[].records[] |
	{dkim: [.dkim_results[] | [.domain, .selector, .result, .human_result]],
	 spf: [.spf_results[] | [.domain, .scope, .result, .human_result]],
	 reasons: [.reasons[] | [.type, .comment]]}]' >"$tmp/want.json"
q "$db" "SELECT json_agg(json_build_object(
	'dkim', (SELECT coalesce(json_agg(json_build_array(domain, selector,
		result, human_result) ORDER BY n), '[]') FROM dkim_results d
		WHERE d.report = r.report AND d.idx = r.idx),
	'spf', (SELECT coalesce(json_agg(json_build_array(domain, scope,
		result, human_result) ORDER BY n), '[]') FROM spf_results s
		WHERE s.report = r.report AND s.idx = r.idx),
	'reasons', (SELECT coalesce(json_agg(json_build_array(type, comment)
		ORDER BY n), '[]') FROM record_reasons x
		WHERE x.report = r.report AND x.idx = r.idx)) ORDER BY r.idx)
	FROM records r" | jq -S . >"$tmp/got.json"
grep -q 'tab\\tnl\\ncr' "$tmp/want.json" ||
	fail "awkward: the parser did not keep the control characters"
diff -u "$tmp/want.json" "$tmp/got.json" >&2 ||
	fail "awkward: the views do not give back what was parsed"

# 9. One worker or several: the same rows.
newdb
one=$db
"$bin" ingest -q -j 1 --db "$one" "$corpus" "$samples" 2>/dev/null
newdb
many=$db
"$bin" ingest -q -j 3 --db "$many" "$corpus" "$samples" 2>/dev/null
[ $? -eq 1 ] || fail "jobs: want exit 1 (refused inputs) with -j 3"
[ "$(counts "$one")" = "$(counts "$many")" ] ||
	fail "jobs: -j 1 gives $(counts "$one"), -j 3 gives $(counts "$many")"
# Where each report came from is left out: the corpus holds one report
# both as a file and as a zip member, and with several workers whichever
# input commits first keeps it (the other is its duplicate).
[ "$(snapshot "$one" "''")" = "$(snapshot "$many" "''")" ] ||
	fail "jobs: rows differ"
[ "$(q "$many" "SELECT count(*) FROM ingest_runs WHERE finished_at IS NOT NULL
	AND reports_new = 27")" = 1 ] || fail "jobs: one run row with the workers' counts"

# 10. Deleting inputs deletes their reports and those reports' records.
q "$many" "DELETE FROM inputs WHERE id IN (SELECT input FROM reports
	WHERE org_name = 'Sample Reporter')" >/dev/null
[ "$(q "$many" "SELECT count(*) FROM records r WHERE NOT EXISTS
	(SELECT 1 FROM reports WHERE id = r.report)")" = 0 ] ||
	fail "delete: records left without their report"
[ "$(q "$many" "SELECT count(*) FROM reports")" -lt 27 ] ||
	fail "delete: no report went with its input"
consistent "$many" delete

# 11. Values the database refuses: the input is refused with the database's
# reason and the run goes on; absurd dates are refused by the parser, absurd
# counts capped.
newdb
"$bin" db migrate --db "$db" || fail "refuse: migrate"
q "$db" "ALTER TABLE reports ADD CONSTRAINT test_refuse
	CHECK (org_name <> 'Awk \"Org\"')" >/dev/null
sed 's/<end>1763164799</<end>99999999999999</; s/awk-1/awk-2/' \
	"$tmp/awkward.xml" >"$tmp/farfuture.xml"
sed 's/<count>3</<count>9223372036854775807</; s/<count>1</<count>9223372036854775807</;
	s/awk-1/awk-3/; s/Awk "Org"/Big Org/' "$tmp/awkward.xml" >"$tmp/huge.xml"
"$bin" ingest -q -j 1 --db "$db" "$tmp/awkward.xml" "$tmp/farfuture.xml" \
	"$tmp/huge.xml" "$samples" 2>"$tmp/err"
[ $? -eq 1 ] || fail "refuse: want exit 1"
[ "$(q "$db" "SELECT count(*) FROM reports")" = 5 ] ||
	fail "refuse: want the 4 samples and the huge report stored"
r=$(q "$db" "SELECT reason FROM failed_inputs WHERE source_name LIKE '%/awkward.xml'")
case "$r" in
"the database refused what this input holds: "*test_refuse*) ;;
*) fail "refuse: reason is '$r'" ;;
esac
r=$(q "$db" "SELECT reason FROM failed_inputs WHERE source_name LIKE '%/farfuture.xml'")
case "$r" in
*"up to the year 9999"*) ;;
*) fail "refuse: far future reason is '$r'" ;;
esac
[ "$(q "$db" "SELECT messages FROM reports WHERE org_name = 'Big Org'")" = 9223372036854775807 ] ||
	fail "refuse: the huge total is not capped at 2^63-1"

# 11b. A reporter's name too long for the index that keeps a report once
# (a stranger's 4,000 characters, within the parser's limits): that input
# is refused with the database's reason, kept, and the run goes on.
long=$(head -c 3000 /dev/urandom | base64 -w0 | tr -dc 'a-zA-Z' | head -c 4000)
sed "s/Awk \"Org\"/$long/; s/awk-1/awk-long/" "$tmp/awkward.xml" >"$tmp/longname.xml"
"$bin" ingest -q -j 1 --db "$db" "$tmp/longname.xml" "$samples" 2>"$tmp/err"
[ $? -eq 1 ] || fail "long name: want exit 1, the run going on"
r=$(q "$db" "SELECT i.outcome || ' ' || (i.raw_gz IS NOT NULL) FROM inputs i WHERE i.source_name LIKE '%/longname.xml'")
[ "$r" = "refused true" ] || fail "long name: input is '$r'"
r=$(q "$db" "SELECT reason FROM failed_inputs WHERE source_name LIKE '%/longname.xml'")
case "$r" in
"the database refused what this input holds: "*"index row"*) ;;
*) fail "long name: reason is '$r'" ;;
esac

# 12. The summary counts dmarcsift's verdict, not the receivers': one
# stored verdict turned to a failure (its receiver said pass) moves that
# record's messages to the failing side and its source into the list; the
# rate is record_analysis's, rounded down to tenths (common/percent.h).
newdb
"$bin" ingest -q --db "$db" "$samples" || fail "verdict: ingest"
q "$db" "WITH f AS (SELECT report, idx FROM record_analysis
	WHERE dmarc_pass AND pass ORDER BY messages DESC, report, idx LIMIT 1),
	u AS (UPDATE records r SET v_pass = false FROM f
	WHERE r.report = f.report AND r.idx = f.idx RETURNING r.report)
	SELECT source_days_redo(array_agg(report)) FROM u" >/dev/null
ip=$(q "$db" "SELECT host(source_ip) FROM record_analysis
	WHERE dmarc_pass AND NOT pass")
pm=$(q "$db" "SELECT div(1000 * sum(messages) FILTER (WHERE pass),
	sum(messages)) FROM record_analysis")
"$bin" summary --db "$db" >"$tmp/summary" || fail "verdict: summary exit $?"
grep -q "DMARC pass *$((pm / 10))\.$((pm % 10))%\$" "$tmp/summary" &&
	grep -q "^    $ip " "$tmp/summary" ||
	fail "verdict: want $ip failing and $pm per mille passing in:
$(cat "$tmp/summary")"

# 13. A killed run's row tells the truth (issue 17, item 12): the next
# run finds it unfinished with its process gone and closes it as
# interrupted, with the counts of what it stored.
newdb
"$bin" ingest -q --db "$db" "$tmp/many" &
pid=$!
i=0
until [ "$(q "$db" "SELECT count(*) FROM inputs" 2>/dev/null || echo 0)" -ge 30 ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || break
	sleep 0.05
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
# The workers die with it; wait until their connections are gone.
i=0
while [ "$(q "$db" "SELECT count(*) FROM pg_stat_activity WHERE
	datname = current_database() AND backend_type = 'client backend'
	AND pid <> pg_backend_pid()")" != 0 ] &&
	[ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.05
done
had=$(q "$db" "SELECT count(*) || '|' || (SELECT count(*) FROM reports) ||
	'|' || (SELECT count(*) FROM records) FROM inputs")
case "$had" in
0\|* | 400\|*) fail "killed run: want it killed mid-run, stored $had" ;;
esac
[ "$(q "$db" "SELECT status || '|' || inputs_new FROM ingest_runs")" = "running|0" ] ||
	fail "killed run: before the next run, its row is $(q "$db" "SELECT status, inputs_new FROM ingest_runs")"
"$bin" ingest -q --db "$db" "$tmp/many" || fail "killed run: the next run failed"
r=$(q "$db" "SELECT status || '|' || inputs_new || '|' || reports_new || '|' ||
	records_new FROM ingest_runs ORDER BY id LIMIT 1")
[ "$r" = "interrupted|$had" ] ||
	fail "killed run: its row is '$r', want 'interrupted|$had' (inputs|reports|records)"
n=${had%%|*}
r=$(q "$db" "SELECT status || '|' || inputs_new || '|' || inputs_duplicate
	FROM ingest_runs ORDER BY id OFFSET 1")
[ "$r" = "finished|$((400 - n))|$n" ] ||
	fail "killed run: the next run's row is '$r', want 'finished|$((400 - n))|$n'"
"$bin" summary --db "$db" >"$tmp/summary" 2>&1
grep -q "^  run 1 (ingest), started .* UTC: interrupted; $n input(s), " "$tmp/summary" ||
	fail "killed run: the summary does not name it:
$(cat "$tmp/summary")"

# 14. A database error mid-run (here a full disk, raised by a trigger after
# six inputs): one error line that reads, and the summary line of what was
# stored before it stopped (issue 17, item 12).
newdb
"$bin" db migrate --db "$db" || fail "disk full: migrate"
q "$db" "CREATE FUNCTION test_full() RETURNS trigger LANGUAGE plpgsql AS \$\$
	BEGIN
		IF (SELECT count(*) FROM inputs) >= 6 THEN
			RAISE EXCEPTION 'could not extend file \"base/1/2\": No space left on device'
			USING ERRCODE = 'disk_full', HINT = 'Check free disk space.';
		END IF;
		RETURN NEW;
	END \$\$;
	CREATE TRIGGER test_full BEFORE INSERT ON inputs
	FOR EACH ROW EXECUTE FUNCTION test_full()" >/dev/null
"$bin" ingest -j 1 --db "$db" "$tmp/many" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "disk full: want exit 2"
want='dmarcsift: error: database: could not extend file "base/1/2": No space left on device; hint: Check free disk space; ingest stopped (the inputs stored before are complete)'
[ "$(cat "$tmp/err")" = "$want" ] ||
	fail "disk full: stderr is
$(cat "$tmp/err")
want
$want"
grep -q '^6 input(s) new, 0 already stored; 6 report(s) new, 0 already stored; 0 refused, 0 skipped; 1800 record(s); [0-9.]* s$' "$tmp/out" ||
	fail "disk full: want the summary line of the 6 inputs stored, got '$(cat "$tmp/out")'"
q "$db" "DROP TRIGGER test_full ON inputs" >/dev/null
"$bin" ingest -q -j 1 --db "$db" "$tmp/many" || fail "disk full: the run after"
[ "$(q "$db" "SELECT status || '|' || inputs_new FROM ingest_runs ORDER BY id LIMIT 1")" = "interrupted|6" ] ||
	fail "disk full: the stopped run's row is $(q "$db" "SELECT status, inputs_new FROM ingest_runs ORDER BY id LIMIT 1")"

finish "all checks passed"
