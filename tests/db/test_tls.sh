#!/bin/sh
# SMTP TLS reports (RFC 8460, issue 16): stored from files and from mail,
# exactly once; a broken one is refused and kept with its reason.
# usage: test_tls.sh DMARCSIFT TLSRPT_DATA_DIR
# needs: DMARCSIFT_TEST_DB (a conninfo), psql, gzip, base64
bin=$1 data=$2
. "$(dirname "$0")/../lib.sh"
need_server pg
need gzip base64
no_settings
newdb tls

ingest() {
	run_cmd "$1" "$2" "$bin" ingest -j 1 --db "$db" "$3"
}

# 1. Files: the RFC's example as .json, every result type as .json.gz.
mkdir -p "$tmp/files"
cp "$data/rfc8460.json" "$tmp/files/rfc.json"
gzip -c "$data/every-type.json" >"$tmp/files/every.json.gz"
ingest files 0 "$tmp/files"
want "inputs" "SELECT count(*), string_agg(DISTINCT outcome, ',') FROM inputs" "2|skipped"
want "no problems" "SELECT count(*) FROM input_problems" "0"
want "reports" "SELECT org_name, report_id, contact_info, date_begin AT TIME ZONE 'UTC', date_end AT TIME ZONE 'UTC', policy_domains FROM tls_reports ORDER BY date_begin" \
	"Company-X|5065427c-23d3-47ca-b6e0-946ea0e8c4be|sts-reporting@company-x.example|2016-04-01 00:00:00|2016-04-01 23:59:59|{company-y.example}
Example Receiver|2026-06-01T00:00:00Z_example.com|tlsrpt@receiver.example|2026-06-01 00:00:00|2026-06-01 23:59:59|{example.com,example.org}"
want "policies" "SELECT p.idx, policy_type, policy_domain, array_length(policy_strings, 1), mx_hosts, successful, failed FROM tls_policies p JOIN tls_reports r ON r.id = p.report ORDER BY r.date_begin, p.idx" \
	"1|sts|company-y.example|4|{*.mail.company-y.example}|5326|303
1|sts|example.com|5|{mx1.example.com,mx2.example.com}|900|100
2|no-policy-found|example.org||{}|50|0"
want "rfc details" "SELECT f.idx, result_type, sending_mta_ip, receiving_mx_hostname, coalesce(receiving_ip, '-'), failed_sessions, coalesce(failure_reason_code, '-'), additional_information IS NOT NULL FROM tls_failure_details f JOIN tls_reports r ON r.id = f.report WHERE r.org_name = 'Company-X' ORDER BY f.idx" \
	"1|certificate-expired|2001:db8:abcd:0012::1|mx1.mail.company-y.example|-|100|-|f
2|starttls-not-supported|2001:db8:abcd:0013::1|mx2.mail.company-y.example|203.0.113.56|200|-|t
3|validation-failure|198.51.100.62|mx-backup.mail.company-y.example|203.0.113.58|3|X509_V_ERR_PROOF_OF_POSSESSION|f"
want "every type" "SELECT count(DISTINCT result_type), sum(failed_sessions) FROM tls_failure_details" "11|403"
want "helo" "SELECT receiving_mx_helo FROM tls_failure_details WHERE receiving_mx_helo IS NOT NULL" "mail.example.net"

# 2. The same files again change nothing; so does the same report in a
# mail (another input, one report).
ingest again 0 "$tmp/files"
want "again: inputs" "SELECT count(*) FROM inputs" "2"
b64=$(base64 -w 76 "$tmp/files/every.json.gz")
{
	printf 'From: noreply-smtp-tls-reporting@receiver.example\r\n'
	printf 'To: tlsrpt@example.com\r\nSubject: Report Domain: example.com\r\n'
	printf 'TLS-Report-Domain: example.com\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/report; report-type="tlsrpt"; boundary="b"\r\n\r\n'
	printf -- '--b\r\nContent-Type: text/plain\r\n\r\nThis is a TLS report.\r\n'
	printf -- '--b\r\nContent-Type: application/tlsrpt+gzip\r\n'
	printf 'Content-Disposition: attachment; filename="receiver.example!example.com!1780272000!1780358399.json.gz"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n' "$b64"
} >"$tmp/mail.eml"
ingest mail 0 "$tmp/mail.eml"
want "mail: input" "SELECT outcome FROM inputs WHERE source_name LIKE '%mail.eml'" "skipped"
want "mail: one report" "SELECT count(*), count(DISTINCT content_sha256) FROM tls_reports" "2|2"
want "mail: rows" "SELECT (SELECT count(*) FROM tls_policies), (SELECT count(*) FROM tls_failure_details)" "3|14"

# 3. The same report from another reporter's mail, its details in another
# order, is one report too (the digest does not see the order).
sed 's/"failure-details":\[/"failure-details":[{"result-type":"dane-required","sending-mta-ip":"192.0.2.2","receiving-mx-hostname":"mx2.example.com","failed-session-count":8},/' \
	"$data/every-type.json" |
	awk '{ if (!done && /"dane-required"/ && NR > 1) { done = 1; next } print }' \
		>"$tmp/reordered.json"
ingest reordered 0 "$tmp/reordered.json"
want "reordered: not stored again" "SELECT count(*) FROM tls_reports" "2"

# 4. A broken report is refused, kept with its reason, and the run says so.
printf '{"organization-name":"Bad","report-id":"x","date-range":{"start-datetime":"2026-06-02T00:00:00Z","end-datetime":"2026-06-02T23:59:59Z"},"policies":[{"policy":{"policy-type":"sts","policy-domain":"example.com"},"summary":{"total-successful-session-count":-1,"total-failure-session-count":0}}]}' \
	>"$tmp/bad.json"
ingest bad 1 "$tmp/bad.json"
want "bad: refused" "SELECT outcome, raw_gz IS NOT NULL FROM inputs WHERE source_name LIKE '%bad.json'" "refused|t"
want "bad: why" "SELECT kind, code, reason FROM input_problems p JOIN inputs i ON i.id = p.input WHERE i.source_name LIKE '%bad.json'" \
	"refused|malformed|TLS report: policies[0].summary.total-successful-session-count: negative"
grep -qF "TLS report: policies[0].summary.total-successful-session-count: negative" "$tmp/bad.err" ||
	fail "bad: stderr does not say why:$(sed 's/^/ | /' "$tmp/bad.err")"
want "bad: nothing stored" "SELECT count(*) FROM tls_reports WHERE org_name = 'Bad'" "0"

# 5. reparse parses every stored input again: a TLS report is replaced,
# not doubled; the broken one is still refused (exit 1).
id=$(q "SELECT id FROM inputs WHERE source_name LIKE '%rfc.json'")
run_cmd reparse 1 "$bin" reparse -q --db "$db" --all
want "reparse: one copy" "SELECT count(*) FROM tls_reports WHERE org_name = 'Company-X' AND input = $id" "1"
want "reparse: details" "SELECT count(*) FROM tls_failure_details" "14"

# 6. Deleting an input deletes its reports, policies and details.
q "DELETE FROM inputs WHERE id = $id" >/dev/null
want "cascade" "SELECT (SELECT count(*) FROM tls_reports), (SELECT count(*) FROM tls_policies), (SELECT count(*) FROM tls_failure_details)" "1|2|11"

finish "TLS reports stored once, refused with a reason"
