#!/bin/sh
# SMTP TLS reports (RFC 8460, issue 16): stored from files and from mail,
# exactly once; a broken one is refused and kept with its reason.
# usage: test_tls.sh DMARCSIFT TLSRPT_DATA_DIR
# needs: DMARCSIFT_TEST_DB (a conninfo), psql, gzip, base64, jq
bin=$1 data=$2
. "$(dirname "$0")/../lib.sh"
need_server pg
need gzip base64 jq
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

# 7. dmarcsift tls, numbers worked out by hand.  every-type.json (Example
# Receiver, 2026-06-01): example.com 900 succeeded, 100 failed: mx1 6
# (expired 3, mismatch 2, starttls 1), mx2 30 (dane 8, dnssec 7, tlsa 6,
# validation 5, not trusted 4), no MX said 64 (webpki 45, invalid 10, fetch
# 9).  Another reporter (its name with an escape) on 2026-06-02: 500
# succeeded, 20 failed, all expired at mx1.  One before the period.
other() {
	printf '{"organization-name":"Other\\u001b[2J Receiver","report-id":"%s","date-range":{"start-datetime":"%sT00:00:00Z","end-datetime":"%sT23:59:59Z"},"policies":[{"policy":{"policy-type":"sts","policy-domain":"Example.COM","mx-host":["mx1.example.com"]},"summary":{"total-successful-session-count":500,"total-failure-session-count":20},"failure-details":[{"result-type":"certificate-expired","receiving-mx-hostname":"MX1.example.com","failed-session-count":20}]}]}' \
		"$1" "$2" "$2"
}
other o1 2026-06-02 >"$tmp/other.json"
other o0 2026-05-01 >"$tmp/old.json"
ingest other 0 "$tmp/other.json"
ingest old 0 "$tmp/old.json"
DMARCSIFT_NOW=2026-06-05
export DMARCSIFT_NOW
run_cmd tls_json 1 "$bin" tls --db "$db" --domain example.com --days 7 --json
# 1400 of 1520 is 92.105%: 92.1, rounded down as every pass rate is.
want='{"domain":"example.com","since":"2026-05-29T00:00:00Z","until":"2026-06-05T00:00:00Z","days":7,"reports":2,"sessions":1520,"successful":1400,"failed":120,"success_rate":92.1,"latest_day":"2026-06-02",'
want=$want'"by_day":[{"day":"2026-06-01","successful":900,"failed":100,"success_rate":90},{"day":"2026-06-02","successful":500,"failed":20,"success_rate":96.1}],'
want=$want'"by_mx":[{"mx":null,"failed":64,"result_types":"sts-webpki-invalid, sts-policy-invalid, sts-policy-fetch-error"},{"mx":"mx2.example.com","failed":30,"result_types":"dane-required, dnssec-invalid, tlsa-invalid, validation-failure, certificate-not-trusted"},{"mx":"mx1.example.com","failed":26,"result_types":"certificate-expired, certificate-host-mismatch, starttls-not-supported"}],"by_mx_more":0,'
want=$want'"failures":[{"result_type":"sts-webpki-invalid","failed":45,"mx_hosts":0},{"result_type":"certificate-expired","failed":23,"mx_hosts":1},{"result_type":"sts-policy-invalid","failed":10,"mx_hosts":0},{"result_type":"sts-policy-fetch-error","failed":9,"mx_hosts":0},{"result_type":"dane-required","failed":8,"mx_hosts":1},{"result_type":"dnssec-invalid","failed":7,"mx_hosts":1},{"result_type":"tlsa-invalid","failed":6,"mx_hosts":1},{"result_type":"validation-failure","failed":5,"mx_hosts":1},{"result_type":"certificate-not-trusted","failed":4,"mx_hosts":1},{"result_type":"certificate-host-mismatch","failed":2,"mx_hosts":1},{"result_type":"starttls-not-supported","failed":1,"mx_hosts":1}],"failures_more":0,'
want=$want'"reporters":[{"reporter":"Example Receiver","reports":1,"successful":900,"failed":100,"success_rate":90,"last_day":"2026-06-01"},{"reporter":"Other\u001b[2J Receiver","reports":1,"successful":500,"failed":20,"success_rate":96.1,"last_day":"2026-06-02"}],"reporters_more":0}'
got=$(jq -c 'del(.failures[].text, .failures[].fix)' "$tmp/tls_json.out") ||
	fail "tls --json: not JSON"
[ "$got" = "$(printf '%s' "$want" | jq -c .)" ] ||
	fail "tls --json: want $want, got $got"
fix=$(jq -r '.failures[1].fix' "$tmp/tls_json.out")
case $fix in
renew*) ;;
*) fail "tls --json: certificate-expired's fix is '$fix'" ;;
esac

# The text: the same numbers, strangers' strings made printable.
run_cmd tls_text 1 "$bin" tls --db "$db" --domain example.com --days 7
for line in "1520 sessions, 120 failed: 92.1% succeeded (2 report(s) from 2 reporter(s))" \
	"2026-06-01    90.0%  900 of 1000 sessions succeeded" \
	"the MX's certificate has expired" \
	"Other?[2J Receiver"; do
	grep -qF "$line" "$tmp/tls_text.out" ||
		fail "tls text lacks '$line':$(sed 's/^/ | /' "$tmp/tls_text.out")"
done
if grep -q "$(printf '\033')" "$tmp/tls_text.out"; then
	fail "tls text: an escape reached the terminal"
fi

# No failure: exit 0.  No report about the domain: exit 2, naming those
# there are.  A period without reports: said, exit 0.
run_cmd tls_org 0 "$bin" tls --db "$db" --domain example.org --days 7
grep -qF "50 sessions, 0 failed: 100.0% succeeded" "$tmp/tls_org.out" ||
	fail "tls example.org:$(sed 's/^/ | /' "$tmp/tls_org.out")"
run_cmd tls_none 2 "$bin" tls --db "$db" --domain example.net
grep -qF "no TLS reports about example.net; there are some about: example.com, example.org" "$tmp/tls_none.err" ||
	fail "tls example.net:$(sed 's/^/ | /' "$tmp/tls_none.err")"
run_cmd tls_gap 0 "$bin" tls --db "$db" --domain example.com --until 2026-05-20 --days 7
grep -qF "no TLS reports about example.com in the period; the latest begins 2026-06-02" "$tmp/tls_gap.out" ||
	fail "tls gap:$(sed 's/^/ | /' "$tmp/tls_gap.out")"
unset DMARCSIFT_NOW

# 7. Two workers: the run's summary counts the TLS reports each stored.
newdb tls_workers
run_cmd workers 0 "$bin" ingest -j 2 --db "$db" "$tmp/files"
grep -q "2 TLS report(s) new" "$tmp/workers.out" ||
	fail "workers: the summary does not count them:$(sed 's/^/ | /' "$tmp/workers.out")"

# 8. A stranger may name any number of MX hosts: 60 here, in one report;
# tls lists the first 50 and says how many it left out.
newdb tls_many
jq -c '.["report-id"] = "many-mx" | .policies = [.policies[0] |
	.["failure-details"] = [range(60) | {"result-type": "certificate-expired",
	"receiving-mx-hostname": "mx\(.).example.com", "failed-session-count": (. + 1)}]]' \
	"$data/rfc8460.json" >"$tmp/many-mx.json"
ingest many 0 "$tmp/many-mx.json"
run_cmd many_json 1 "$bin" tls --db "$db" --domain company-y.example \
	--until 2016-04-02 --days 1 --json
jqt many_json '(.by_mx | length) == 50 and .by_mx_more == 10 and
	.by_mx[0].mx == "mx59.example.com" and .failures_more == 0'
run_cmd many_text 1 "$bin" tls --db "$db" --domain company-y.example \
	--until 2016-04-02 --days 1
grep -q "and 10 more MX host(s)" "$tmp/many_text.out" ||
	fail "many: the text does not say what it left out"

finish "TLS reports stored once, refused with a reason, summarised"
