#!/bin/sh
# DMARC failure reports (RFC 6591, issue 16): stored once from mail files
# and a Maildir, never a body or another header value; failure_keep none
# keeps a count; prune drops them (and TLS reports) with the reports.
# usage: test_failure.sh DMARCSIFT FAILRPT_DATA_DIR TLSRPT_DATA_DIR CORPUS
# needs: DMARCSIFT_TEST_DB (a conninfo), psql, pg_dump, jq
bin=$1 data=$2 tlsdata=$3 corpus=$4
. "$(dirname "$0")/../lib.sh"
need_server pg
need pg_dump jq
no_settings
newdb failure

ingest() {
	run_cmd "$1" "$2" "$bin" ingest -j 1 --db "$db" "$3"
}

# A failure report about example.com from 192.0.2.1: $1 Arrival-Date,
# $2 Message-ID, $3 Subject, $4 its Auth-Failure; the original carries a
# body and an X-header with markers that must never be stored.
report() {
	printf 'From: DMARC Reports <ruf@receiver.example>\r\n'
	printf 'To: ruf@example.com\r\nSubject: failure report\r\n'
	printf 'MIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/report; report-type=feedback-report; boundary="b"\r\n\r\n'
	printf -- '--b\r\nContent-Type: text/plain\r\n\r\nA failure report.\r\n'
	printf -- '--b\r\nContent-Type: message/feedback-report\r\n\r\n'
	printf 'Feedback-Type: auth-failure\r\nUser-Agent: t/1\r\nVersion: 1\r\n'
	printf 'Source-IP: 192.0.2.1\r\nReported-Domain: example.com\r\n'
	printf 'Arrival-Date: %s\r\nAuth-Failure: %s\r\n' "$1" "$4"
	printf 'DKIM-Domain: example.com\r\nDKIM-Selector: s1\r\n'
	printf 'SPF-DNS: txt; bounce.example.com\r\n'
	printf 'Original-Rcpt-To: <someone@receiver.example>\r\n\r\n'
	printf -- '--b\r\nContent-Type: message/rfc822\r\n\r\n'
	printf 'From: Alice <alice@example.com>\r\nTo: someone@receiver.example\r\n'
	printf 'X-Secret: MARKER-HEADER-QZX\r\nSubject: %s\r\n' "$3"
	printf 'Message-ID: %s\r\nDate: %s\r\n\r\n' "$2" "$1"
	printf 'MARKER-BODY-QZX: the body, never stored\r\n--b--\r\n'
}

# 1. Mail files and a Maildir: RFC 6591's example, the corpus's real ones,
# and one of our own in a Maildir's new/.
mkdir -p "$tmp/files" "$tmp/md/new" "$tmp/md/cur" "$tmp/md/tmp"
cp "$data/rfc6591.eml" "$tmp/files/rfc.eml"
cp "$corpus/parsedmarc/samples/failure/[Netease DMARC Failure Report] Rent Reminder.eml" "$tmp/files/netease.eml"
cp "$corpus/parsedmarc/samples/failure/dmarc_ruf_report_linkedin.eml" "$tmp/files/linkedin.eml"
cp "$corpus/parsedmarc/samples/failure/exim_plain_text_only_no_arf_part.eml" "$tmp/files/exim.eml"
report "Mon, 01 Jun 2026 10:00:00 +0000" "<m1@example.com>" "Hello" dkim \
	>"$tmp/md/new/1.eml"
ingest files 0 "$tmp/files"
grep -qF "3 failure report(s) new, 0 already stored; 0 refused, 1 skipped" "$tmp/files.out" ||
	fail "files: summary:$(sed 's/^/ | /' "$tmp/files.out")"
ingest maildir 0 "$tmp/md"
want "inputs" "SELECT count(*), string_agg(DISTINCT outcome, ',') FROM inputs" "5|skipped"
want "no problems but exim's" "SELECT count(*) FROM input_problems" "1"
want "rows" "SELECT reporter, reported_domain, host(source_ip), arrival_date AT TIME ZONE 'UTC', auth_failures, kept FROM failure_reports ORDER BY day" \
	"arf-daemon@example.com|example.net|192.0.2.1|2010-04-14 19:15:31|{signature}|minimal
abuse@163.com|cardinal.com|167.89.69.24|2018-09-28 08:48:42|{}|minimal
dmarc-noreply@linkedin.com|example.com|10.10.10.10|2019-04-30 02:09:00|{dmarc}|minimal
ruf@receiver.example|example.com|192.0.2.1|2026-06-01 10:00:00|{dkim}|minimal"
want "rfc fields" "SELECT dkim_domain, dkim_selector, dkim_identity, original_mail_from, original_rcpt_to, user_agent, version, header_names, orig_from, orig_subject, orig_message_id, orig_date FROM failure_reports WHERE reported_domain = 'example.net'" \
	"example.net|news|@example.net|<randomuser@example.net>|{<user@example.com>}|SomeDKIMFilter/1.0|1|{DKIM-Signature,Received,Received,From,To,Subject,Date,Message-ID}|randomuser@example.net|This is a test|<12345.abc@example.net>|Wed, 14 Apr 2010 12:15:31 -0700 (PDT)"
want "netease" "SELECT identity_alignment, delivery_result FROM failure_reports WHERE reporter = 'abuse@163.com'" "spf,dkim|delivered"
want "daily" "SELECT domain, day, reports, reporters, detailed FROM failure_daily WHERE domain = 'example.com' ORDER BY day" \
	"example.com|2019-04-30|1|1|1
example.com|2026-06-01|1|1|1"

# 2. The same again changes nothing; the same report in another mail (a
# header more: other bytes) is not stored again.
ingest again 0 "$tmp/files"
want "again: inputs" "SELECT count(*) FROM inputs" "5"
{
	printf 'Received: by relay.example.org; Mon, 01 Jun 2026 10:05:00 +0000\r\n'
	cat "$tmp/md/new/1.eml"
} >"$tmp/copy.eml"
ingest copy 0 "$tmp/copy.eml"
grep -qF "0 failure report(s) new, 1 already stored" "$tmp/copy.out" ||
	fail "copy: summary:$(sed 's/^/ | /' "$tmp/copy.out")"
want "copy: not stored again" "SELECT count(*), count(DISTINCT input) FROM failure_reports" "4|4"

# 3. Nothing of a body or of another header value reaches the database:
# the dump holds no marker (the archived mail is there, gzip-compressed,
# until keep_inputs drops it).
pg_dump --no-owner "$(printf '%s' "$db")" >"$tmp/dump.sql" 2>"$tmp/dump.err" ||
	fail "pg_dump: $(cat "$tmp/dump.err")"
grep -q "Hello" "$tmp/dump.sql" || fail "dump: the Subject is not there"
if grep -q "QZX\|Hey gang\|o3F52gxO029144" "$tmp/dump.sql"; then
	fail "dump: a body or another header value was stored:$(grep -n 'QZX\|Hey gang\|o3F52gxO029144' "$tmp/dump.sql" | head -5)"
fi

# 3b. The original inside a failure report is a stranger's mail: its
# attachments are not walked (neither an aggregate report it carries nor
# the name of an attachment reaches the database), and the report is
# stored as any other.
{
	printf 'From: DMARC Reports <ruf@receiver.example>\r\n'
	printf 'To: ruf@example.com\r\nSubject: failure report\r\n'
	printf 'MIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/report; report-type=feedback-report; boundary="b"\r\n\r\n'
	printf -- '--b\r\nContent-Type: text/plain\r\n\r\nA failure report.\r\n'
	printf -- '--b\r\nContent-Type: message/feedback-report\r\n\r\n'
	printf 'Feedback-Type: auth-failure\r\nUser-Agent: t/1\r\nVersion: 1\r\n'
	printf 'Source-IP: 192.0.2.1\r\nReported-Domain: example.com\r\n'
	printf 'Arrival-Date: Thu, 08 Mar 2005 14:00:00 EDT\r\nAuth-Failure: dkim\r\n\r\n'
	printf -- '--b\r\nContent-Type: message/rfc822\r\n\r\n'
	printf 'From: Alice <alice@example.com>\r\nSubject: with attachments\r\n'
	printf 'Message-ID: <att@example.com>\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="i"\r\n\r\n'
	printf -- '--i\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n'
	printf -- '--i\r\nContent-Type: application/xml; name="forged.xml"\r\n\r\n'
	printf '<?xml version="1.0"?><feedback><report_metadata><org_name>forged.example</org_name>'
	printf '<email>x@forged.example</email><report_id>forged-1</report_id>'
	printf '<date_range><begin>1110290400</begin><end>1110376799</end></date_range>'
	printf '</report_metadata><policy_published><domain>example.com</domain><p>none</p>'
	printf '</policy_published><record><row><source_ip>192.0.2.66</source_ip><count>1</count>'
	printf '<policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf>'
	printf '</policy_evaluated></row><identifiers><header_from>example.com</header_from>'
	printf '</identifiers><auth_results><spf><domain>example.com</domain><result>pass</result>'
	printf '</spf></auth_results></record></feedback>\r\n'
	printf -- '--i\r\nContent-Type: application/zip; name="Bob-Private-MARKER-NAME-QZY.zip"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\nUEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n--i--\r\n--b--\r\n'
} >"$tmp/attached.eml"
ingest attached 0 "$tmp/attached.eml"
want "attached: stored" "SELECT i.outcome, count(f.*) FROM inputs i LEFT JOIN failure_reports f ON f.input = i.id WHERE i.source_name LIKE '%attached.eml' GROUP BY i.outcome" "skipped|1"
want "attached: no report from the original" "SELECT count(*) FROM reports WHERE org_name = 'forged.example'" 0
want "attached: no attachment named" "SELECT count(*) FROM input_problems WHERE place LIKE '%QZY%' OR reason LIKE '%QZY%'" 0
if grep -q "QZY" "$tmp/attached.err"; then
	fail "attached: an attachment of the original named on stderr"
fi
q "DELETE FROM inputs WHERE source_name LIKE '%attached.eml'" >/dev/null

# 3c. The original's Subject and From as a person reads them: encoded
# words (RFC 2047) decoded; a line break one carries stays in the value
# and starts no field of its own.
report "Thu, 08 Mar 2005 15:00:00 +0000" "<enc1@example.com>" \
	"=?utf-8?B?SGVsbG8sIHfDtnJsZA==?=" dkim >"$tmp/enc1.eml"
report "Thu, 08 Mar 2005 15:01:00 +0000" "<enc2@example.com>" \
	"=?utf-8?B?YQ0KWC1JbmplY3RlZDogMQ==?=" dkim >"$tmp/enc2.eml"
ingest enc 0 "$tmp/enc1.eml"
ingest enc2 0 "$tmp/enc2.eml"
want "encoded: decoded" "SELECT orig_subject FROM failure_reports WHERE orig_message_id = '<enc1@example.com>'" "Hello, wörld"
want "encoded: one line" "SELECT orig_subject, 'X-Injected' = ANY (header_names) FROM failure_reports WHERE orig_message_id = '<enc2@example.com>'" "a  X-Injected: 1|f"
q "DELETE FROM inputs WHERE source_name LIKE '%/enc%.eml'" >/dev/null

# 4. A broken one is refused, kept with its reason, and the run says so.
report "the day before yesterday" "<m2@example.com>" "Hi" spf >"$tmp/bad.eml"
ingest bad 1 "$tmp/bad.eml"
want "bad: refused" "SELECT outcome, raw_gz IS NOT NULL FROM inputs WHERE source_name LIKE '%bad.eml'" "refused|t"
want "bad: why" "SELECT kind, code, place, reason FROM input_problems p JOIN inputs i ON i.id = p.input WHERE i.source_name LIKE '%bad.eml'" \
	"refused|malformed|part 2 message/feedback-report|failure report: Arrival-Date: 'the day before yesterday' is not a date"
grep -qF "failure report: Arrival-Date: 'the day before yesterday' is not a date" "$tmp/bad.err" ||
	fail "bad: stderr does not say why:$(sed 's/^/ | /' "$tmp/bad.err")"

# 5. reparse replaces, never doubles; deleting an input deletes its report.
run_cmd reparse 1 "$bin" reparse -q --db "$db" --all
want "reparse: one copy each" "SELECT count(*), count(DISTINCT key_sha256) FROM failure_reports" "4|4"
id=$(q "SELECT id FROM inputs WHERE source_name LIKE '%linkedin.eml'")
q "DELETE FROM inputs WHERE id = $id" >/dev/null
want "cascade" "SELECT count(*) FROM failure_reports" "3"

# 5b. sources: under a failing source the failure reports of the period,
# the latest's fields printable.  An aggregate report of 2026-06-01:
# 192.0.2.1 sent 10, all failing; 192.0.2.9 5, failing, no failure
# report; 198.51.100.1 20 passing.  Failure reports about 192.0.2.1: the
# Maildir's (10:00, dkim), one at 12:00 (spf, an escape in its Subject),
# one a month before the period: 2 in the period, the latest at 12:00.
# Its Subject's escape is stored as U+FFFD (failrpt.h), its right-to-left
# override as sent, and shown as '?'.
record() {
	printf '<record><row><source_ip>%s</source_ip><count>%s</count><policy_evaluated><disposition>none</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><spf><domain>bounce.example.com</domain><result>%s</result></spf></auth_results></record>' "$@"
}
{
	printf '<?xml version="1.0"?><feedback><report_metadata><org_name>receiver.example</org_name><email>dmarc@receiver.example</email><report_id>r1</report_id><date_range><begin>1780272000</begin><end>1780358399</end></date_range></report_metadata>'
	printf '<policy_published><domain>example.com</domain><p>none</p></policy_published>'
	record 192.0.2.1 10 fail fail fail
	record 192.0.2.9 5 fail fail fail
	record 198.51.100.1 20 pass pass pass
	printf '</feedback>\n'
} >"$tmp/agg.xml"
ingest agg 0 "$tmp/agg.xml"
report "Mon, 01 Jun 2026 12:00:00 +0000" "<m4@example.com>" "$(printf '\033[31m\342\200\256Win')" spf >"$tmp/f4.eml"
report "Fri, 01 May 2026 12:00:00 +0000" "<m5@example.com>" "Old" spf >"$tmp/f5.eml"
ingest f4 0 "$tmp/f4.eml"
ingest f5 0 "$tmp/f5.eml"
want "linked" "SELECT host(source_ip), day, messages, failed FROM failure_linked WHERE domain = 'example.com' ORDER BY arrival_date" \
	"192.0.2.1|2026-05-01|0|0
192.0.2.1|2026-06-01|10|10
192.0.2.1|2026-06-01|10|10"
run_cmd sources 0 "$bin" sources --db "$db" --offline --domain example.com --until 2026-06-02 --since 7d
line=$(printf "  sample failures: 2 (latest: 2026-06-01 12:00 UTC, failed spf, dkim=example.com, spf=bounce.example.com, From Alice <alice@example.com>, Subject \357\277\275[31m?Win)")
grep -qxF "$line" "$tmp/sources.out" ||
	fail "sources: no '$line':$(sed 's/^/ | /' "$tmp/sources.out")"
[ "$(grep -c 'sample failures' "$tmp/sources.out")" = 1 ] ||
	fail "sources: a sample line for a source without failure reports"
if grep -q "$(printf '\033\\|\342\200\256')" "$tmp/sources.out"; then
	fail "sources: an escape or an override reached the terminal"
fi
run_cmd sources_json 0 "$bin" sources --db "$db" --offline --domain example.com --until 2026-06-02 --since 7d --json
jqt sources_json '[.sources[] | {ip, n: .failure_samples.count}] == [{"ip":"192.0.2.1","n":2},{"ip":"192.0.2.9","n":0}]'
jqt sources_json '.sources[0].failure_samples.latest == {"arrival":"2026-06-01T12:00:00Z","auth_failures":"spf","dkim_domain":"example.com","spf_domain":"bounce.example.com","from":"Alice <alice@example.com>","subject":"\ufffd[31m\u202eWin"}'

# 6. failure_keep = none: a count, nothing else.
newdb failure_none
report "Mon, 01 Jun 2026 11:00:00 +0000" "<m3@example.com>" "Private" spf >"$tmp/none.eml"
run_cmd none 0 "$bin" ingest -j 1 --db "$db" --failure-keep none "$tmp/none.eml" "$tmp/files/rfc.eml"
want "none: rows" "SELECT kept, reporter, reported_domain, day, num_nonnulls(arrival_date, source_ip, auth_failures, dkim_domain, orig_from, orig_subject, orig_message_id, header_names, original_rcpt_to) FROM failure_reports ORDER BY day" \
	"none|arf-daemon@example.com|example.net|2010-04-14|0
none|ruf@receiver.example|example.com|2026-06-01|0"
want "none: daily" "SELECT reports, detailed FROM failure_daily WHERE domain = 'example.com'" "1|0"
{
	printf 'Received: by relay.example.org; Mon, 01 Jun 2026 11:05:00 +0000\r\n'
	cat "$tmp/none.eml"
} >"$tmp/none-copy.eml"
run_cmd none_again 0 "$bin" ingest -j 1 --db "$db" --failure-keep none "$tmp/none-copy.eml"
want "none: a copy counts once" "SELECT count(*) FROM failure_reports" "2"

# 7. prune: reports older than keep_reports go, TLS and failure reports
# with them; a dry run says so and drops nothing.
cp "$tlsdata/rfc8460.json" "$tmp/tls.json"
run_cmd tls 0 "$bin" ingest -j 1 --db "$db" "$tmp/tls.json"
DMARCSIFT_NOW=2026-06-10
export DMARCSIFT_NOW
run_cmd prune_dry 0 "$bin" prune --db "$db" --keep-reports 30 --dry-run
grep -qxF "TLS reports: would delete 1 report(s)" "$tmp/prune_dry.out" &&
	grep -qxF "failure reports: would delete 1 report(s)" "$tmp/prune_dry.out" ||
	fail "prune --dry-run:$(sed 's/^/ | /' "$tmp/prune_dry.out")"
want "dry: nothing gone" "SELECT (SELECT count(*) FROM tls_reports), (SELECT count(*) FROM failure_reports)" "1|2"
run_cmd prune 0 "$bin" prune --db "$db" --keep-reports 30
grep -qxF "TLS reports: deleted 1 report(s)" "$tmp/prune.out" &&
	grep -qxF "failure reports: deleted 1 report(s)" "$tmp/prune.out" ||
	fail "prune:$(sed 's/^/ | /' "$tmp/prune.out")"
want "pruned" "SELECT (SELECT count(*) FROM tls_reports), (SELECT string_agg(reported_domain, ',') FROM failure_reports)" "0|example.com"
want "pruned inputs marked" "SELECT count(*) FROM inputs WHERE reports_pruned_at IS NOT NULL" "2"
unset DMARCSIFT_NOW

# 8. Dates in the future are a stranger's word: a failure report that
# arrived "in 2999", a TLS report ending in 9999 and an aggregate report of
# the year 9000 end, for prune, when they reached us; two years on,
# keep_reports 30 drops them all.
newdb failure_future
report "Mon, 01 Jan 2999 10:00:00 +0000" "<future@example.com>" "Future" dkim \
	>"$tmp/future.eml"
sed 's/"end-datetime": *"[^"]*"/"end-datetime": "9999-12-31T23:59:59Z"/' \
	"$tlsdata/rfc8460.json" >"$tmp/future-tls.json"
grep -q '9999-12-31' "$tmp/future-tls.json" || fail "future: the TLS report was not changed"
printf '%s\n' '<?xml version="1.0"?><feedback><report_metadata><org_name>future.example</org_name>' \
	'<email>x@future.example</email><report_id>f-1</report_id><date_range>' \
	'<begin>221845392000</begin><end>221845478399</end></date_range></report_metadata>' \
	'<policy_published><domain>example.com</domain><p>none</p></policy_published>' \
	'<record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated>' \
	'<disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>' \
	'<identifiers><header_from>example.com</header_from></identifiers><auth_results><spf>' \
	'<domain>example.com</domain><result>pass</result></spf></auth_results></record></feedback>' \
	>"$tmp/future-agg.xml"
run_cmd future 0 "$bin" ingest -j 1 --db "$db" "$tmp/future.eml" \
	"$tmp/future-tls.json" "$tmp/future-agg.xml"
want "future: stored" "SELECT (SELECT count(*) FROM failure_reports), (SELECT count(*) FROM tls_reports), (SELECT count(*) FROM reports)" "1|1|1"
DMARCSIFT_NOW=$(date -u -d '+2 years' +%Y-%m-%dT00:00:00Z)
export DMARCSIFT_NOW
run_cmd future_prune 0 "$bin" prune --db "$db" --keep-reports 30
unset DMARCSIFT_NOW
want "future: pruned" "SELECT (SELECT count(*) FROM failure_reports), (SELECT count(*) FROM tls_reports), (SELECT count(*) FROM reports)" "0|0|0"

finish "failure reports stored once, without bodies, kept as failure_keep says, pruned"
