#!/bin/sh
# dmarcsift serve (issue 14) against a real PostgreSQL, as the read-only
# role of sql/README.md, asked with curl: status codes, the security
# headers on every answer, GET and HEAD only, bounds on the target and on
# a slow client, the numbers of /api/ against the CLI's --json, hostile
# report strings shown as text, a login when asked for, and where it may
# listen.
# usage: test_serve.sh DMARCSIFT SAMPLES_DIR SQL_DIR
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql, curl, jq,
# python3, openssl.
bin=$1 samples=$2 sql=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
# shellcheck source=setup.sh
. "$here/setup.sh"
need_server pg
need psql curl jq python3 openssl
no_settings
# The samples cover 2025-11-14 to 11-16; the default period, the 30 days
# before today, holds them.
export DMARCSIFT_NOW=2025-11-20T06:00:00Z

serve_db serve

# get NAME PATH [CURL ARGS...]: the answer to PATH in $tmp/NAME.out, its
# headers in $tmp/NAME.hdr (lower-case names), its status in $code.
get() {
	g_name=$1 g_path=$2
	shift 2
	code=$(curl -s -m 30 -D "$tmp/$g_name.raw" -o "$tmp/$g_name.out" \
		-w '%{http_code}' "$@" "$url$g_path")
	tr -d '\r' <"$tmp/$g_name.raw" |
		sed 's/^\([^:]*\):/\L\1:/' >"$tmp/$g_name.hdr"
}

# status NAME PATH WANT [CURL ARGS...]: get, and the status is WANT, with
# every security header.
status() {
	s_name=$1 s_path=$2 s_want=$3
	shift 3
	get "$s_name" "$s_path" "$@"
	eq "$s_name: status of $s_path" "$code" "$s_want"
	headers "$s_name"
}

# headers NAME: the headers of every answer.
headers() {
	h=$tmp/$1.hdr
	grep -q "^content-security-policy: default-src 'none'; style-src 'self' 'unsafe-hashes' 'sha256-[A-Za-z0-9+/=]*'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$" "$h" ||
		fail "$1: Content-Security-Policy missing or other"
	grep -q '^x-content-type-options: nosniff$' "$h" ||
		fail "$1: no X-Content-Type-Options: nosniff"
	grep -q '^referrer-policy: no-referrer$' "$h" ||
		fail "$1: no Referrer-Policy: no-referrer"
	grep -q '^x-frame-options: DENY$' "$h" ||
		fail "$1: no X-Frame-Options: DENY"
	grep -q '^cache-control: ' "$h" || fail "$1: no Cache-Control"
}

# ---------------------------------------------------------------------------
start main --db "$rd" --timeout 2

# Pages, the style sheet, and what is not there.
status home / 200
grep -q '^content-type: text/html; charset=utf-8$' "$tmp/home.hdr" ||
	fail "home: not text/html; charset=utf-8"
expect home out '<a href="/domain/example.com">example.com</a>'
status domain /domain/example.com 200
expect domain out '<svg '
expect domain out 'NOT READY'
expect domain out '<h2>Senders that fail DMARC</h2>'
status css /static/style.css 200
grep -q '^content-type: text/css; charset=utf-8$' "$tmp/css.hdr" ||
	fail "css: not text/css"
status api_domains /api/domains 200
grep -q '^content-type: application/json$' "$tmp/api_domains.hdr" ||
	fail "api_domains: not application/json"
status unknown_domain /domain/nowhere.example 404
status unknown_api /api/domain/nowhere.example 404
jqt unknown_api '.status == 404 and (.error | type) == "string"'
status not_a_name '/domain/%3Cscript%3E' 404
refute not_a_name out '<script>'
status no_page /nothing/here 404
status bad_since '/?since=0d' 400
status bad_since2 '/domain/example.com?since=1000d' 400
status bad_until '/?until=2025-02-30' 400
status bad_until2 '/?until=1763337600' 400
status week '/?since=week&until=2025-11-18' 200
expect week out 'href="/domain/example.com\?since=week&amp;until=2025-11-18"'

# /metrics: what dmarcsift metrics prints (its test checks the values),
# in the text format Prometheus scrapes.  The 7 days before 11-20 hold
# every sample: 790 messages of example.com.
status metrics /metrics 200
grep -q '^content-type: text/plain; version=0.0.4; charset=utf-8$' \
	"$tmp/metrics.hdr" || fail "metrics: not the text format 0.0.4"
expect metrics out \
	'^dmarcsift_domain_messages\{domain="example.com",period="7d"\} 790$'
run metrics_cli 0 metrics --db "$rd"
grep -v '^dmarcsift_database_size_bytes ' "$tmp/metrics.out" >"$tmp/m1"
grep -v '^dmarcsift_database_size_bytes ' "$tmp/metrics_cli.out" >"$tmp/m2"
cmp -s "$tmp/m1" "$tmp/m2" || fail "metrics: not what dmarcsift metrics says"

# The domains: each with a sparkline of its daily pass rate, the days of
# report --format json with mail (11-14 to 11-16: a path of 3 points, the
# last 23 of 25 = 92.0%), and the change from the period before.
run cli_days 0 report --db "$db" --offline --format json --period 30d
row=$(grep '<a href="/domain/example.com">' "$tmp/home.out")
eq "home: sparkline points" "$(echo "$row" |
	sed -n 's/.*<svg [^>]*class="spark".*<path [^>]* d="\([^"]*\)".*/\1/p' |
	tr -cd 'ML' | wc -c)" \
	"$(jq '[.domains[] | select(.domain == "example.com") | .days[] |
		select(.messages > 0)] | length' "$tmp/cli_days.out")"
echo "$row" | grep -q '<title>2025-11-16: 92\.0%</title></circle></svg>' ||
	fail "home: the sparkline's last point is not 2025-11-16 at 92.0%"
echo "$row" | grep -q 'style=' && fail "home: a style attribute in a row"
# 11-15 against 11-14: 167 of 185 is 90.2%, 532 of 580 is 91.7%: -1.5
# points, as report gives the two rates.
status change '/?since=1d&until=2025-11-16' 200
run cli_change 0 report --db "$db" --offline --format json --period 1d \
	--until 2025-11-16
jqt cli_change '.domains[0].pass_rate == 90.2 and
	.domains[0].previous.pass_rate == 91.7'
expect change out '<td class="num">91\.7%</td><td class="num"><span class="no">-1\.5</span></td><td><svg '

# GET and HEAD only.
status post / 405 -X POST -d x=1
grep -q '^allow: GET, HEAD$' "$tmp/post.hdr" || fail "post: no Allow"
status put /domain/example.com 405 -X PUT -d x=1
status delete / 405 -X DELETE
status head /domain/example.com 200 -I
refute head out '<!DOCTYPE'
grep -q '^content-length: [1-9]' "$tmp/head.hdr" ||
	fail "head: no Content-Length of the page"

# Without a login, only names of the loopback (DNS rebinding).
status rebind / 421 -H 'Host: evil.example:8025'
expect rebind out 'the names of its setting serve_hosts only'
status rebind2 / 421 -H 'Host: 127.0.0.1.evil.example'
status host_localhost / 200 -H 'Host: localhost:8025'
status host_v6 / 200 -H 'Host: [::1]:8025'

# The request target is bounded.
long=$(head -c 3000 /dev/zero | tr '\0' a)
status long "/?x=$long" 414

# The CSP allows the charts' style attribute by its hash, and only it.
style=$(grep -o 'style="[^"]*"' "$tmp/domain.out" | sort -u)
eq "domain: one kind of style attribute" "$(echo "$style" | wc -l)" 1
hash=$(printf '%s' "$style" | sed 's/^style="//; s/"$//' |
	openssl dgst -sha256 -binary | openssl base64 -A)
grep -qF "'sha256-$hash'" "$tmp/domain.hdr" ||
	fail "domain: the CSP lacks the hash of $style"
refute domain out '<script'

# --- The numbers are the CLI's. ---------------------------------------------
same() {
	jq -S "$2" "$tmp/$1.out" >"$tmp/$1.web" 2>/dev/null ||
		fail "$1: not JSON"
	jq -S . "$tmp/$3.out" >"$tmp/$3.cli" 2>/dev/null || fail "$3: not JSON"
	cmp -s "$tmp/$1.web" "$tmp/$3.cli" || {
		fail "$1 ($2) differs from $3"
		diff "$tmp/$3.cli" "$tmp/$1.web" | head -20 >&2
	}
}
status api /api/domain/example.com 200
run cli_sources 0 sources --db "$db" --offline --json --domain example.com
run cli_advise 1 advise --db "$db" --offline --json --domain example.com
run cli_report 0 report --db "$db" --offline --format json \
	--domain example.com --period 30d
run cli_reports 0 report --db "$db" --offline --format json --period 30d
same api .sources cli_sources
same api .advise cli_advise
same api .report cli_report
same api_domains . cli_reports
jqt api '.sources.senders | length > 0'
jqt api '.domain == "example.com"'

status api_week '/api/domain/example.com?since=7d&until=2025-11-17' 200
run cli_sources_week 0 sources --db "$db" --offline --json \
	--domain example.com --since 7d --until 2025-11-17
run cli_advise_week 1 advise --db "$db" --offline --json \
	--domain example.com --until 2025-11-17
same api_week .sources cli_sources_week
same api_week .advise cli_advise_week

# --- The what-if of a policy: advise --what-if's own numbers. ----------------
# The form's fields make a policy in record syntax, which advise reads as
# --what-if reads it: the JSON is advise's, byte for byte.
status api_whatif '/api/domain/example.com/what-if?p=reject&sp=none&pct=50' 200
run cli_whatif 1 advise --db "$db" --offline --json --domain example.com \
	--what-if 'p=reject; sp=none; pct=50'
same api_whatif . cli_whatif
jqt api_whatif '.whatif.policy == "p=reject; sp=none; pct=50" and
	.whatif.total_affected > 0'
status api_whatif2 \
	'/api/domain/example.com/what-if?p=QUARANTINE&np=reject&t=y&until=2025-11-17' 200
run cli_whatif2 1 advise --db "$db" --offline --json --domain example.com \
	--until 2025-11-17 --what-if 'p=quarantine; np=reject; t=y'
same api_whatif2 . cli_whatif2
# The page shows the same numbers: the total, and each class.
status whatif '/domain/example.com/what-if?p=reject&sp=none&pct=50' 200
expect whatif out "<code>p=reject; sp=none; pct=50</code> would have rejected $(jq .whatif.total_affected "$tmp/cli_whatif.out") of $(jq .whatif.messages "$tmp/cli_whatif.out") messages"
expect whatif out "<tr><td>spoofing</td><td class=\"num\">$(jq .evidence.spoofing "$tmp/cli_whatif.out")</td><td class=\"num no\">$(jq .whatif.affected.spoofing "$tmp/cli_whatif.out")</td>"
expect whatif out '<option selected>reject</option>'
expect whatif out 'action="/domain/example.com/what-if#what-if"'
# The domain page has the form, empty; the same page without p too.
expect domain out '<h2 id="what-if">What if</h2>'
status whatif_empty '/domain/example.com/what-if' 200
refute whatif_empty out 'would have (rejected|quarantined) '
# Each field is checked; what was sent is never repeated.
status whatif_none '/api/domain/example.com/what-if?p=none' 400
status whatif_nop '/api/domain/example.com/what-if' 400
status whatif_nop2 '/domain/example.com/what-if?sp=reject' 400
status whatif_pct '/api/domain/example.com/what-if?p=reject&pct=101' 400
status whatif_pct2 '/domain/example.com/what-if?p=reject&pct=-1' 400
# A domain is known in any case; an unknown one is 404 here too.
status whatif_case '/api/domain/EXAMPLE.com/what-if?p=reject' 200
status whatif_unknown '/api/domain/nowhere.example/what-if?p=reject' 404
jqt whatif_unknown '.status == 404 and (.error | type) == "string"'
status whatif_sp '/domain/example.com/what-if?p=reject&sp=%3Cscript%3E' 400
refute whatif_sp out '<script'
status whatif_t '/api/domain/example.com/what-if?p=reject&t=%22%3E%3Cb%3E' 400
jqt whatif_t '.error == "t: want y or n"'
status whatif_404 '/api/domain/nowhere.example/what-if?p=reject' 404

# --- A connection that broke is replaced. ----------------------------------
# As after a restart of the database server: the page is asked again on a
# fresh connection, and the client never sees the failure.
[ "$(q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	WHERE usename = 'dmarc_read'")" -ge 1 ] ||
	fail "terminate: serve holds no connection"
status after_kill /domain/example.com 200
status after_kill2 /api/domains 200
expect main "$tmp/main.log" 'terminating connection'

# --- Each page reads what is committed when it is asked. -------------------
# A connection kept for the next page ends its reading with the page
# (analysis_env_end_reading()): a report stored now shows on every
# connection, not only on one that never served a page.
hostile "$tmp/fresh.xml" fresh-1 'Fresh Org' fresh.test x.test y.test
run fresh 0 ingest -q --db "$db" "$tmp/fresh.xml"
for i in 1 2 3 4 5 6 7 8; do
	status "fresh_$i" /api/domains 200
	expect "fresh_$i" out '"fresh.test"'
done

# --- Strangers' strings are text. -------------------------------------------
status hostile /domain/hostile.test 200
expect hostile out '&lt;script&gt;alert\(1\)&lt;/script&gt;'
expect hostile out '&quot;&gt;&lt;svg onload=alert\(4\)&gt;'
refute hostile out '<script'
refute hostile out '<svg onload'
refute hostile out 'href="javascript:'
status hostile_home / 200
expect hostile_home out 'href="/domain/javascript%3Aalert%285%29"'
refute hostile_home out 'href="javascript:'
status hostile_api /api/domain/hostile.test 200
jqt hostile_api '[.report.domains[0].reporters[].name] | sort ==
	["\"><svg onload=alert(4)>", "<script>alert(1)</script>"]'
# What cannot be a domain name is no page, and nothing of it comes back.
status hostile_name '/domain/javascript:alert(5)' 404
refute hostile_name out 'alert'

# --- SMTP TLS: the domain page and /api/domain say what tls --json says. ---
# RFC 8460's example moved to example.com (tests/data/tlsrpt) on 2025-11-15,
# and one about hostile.test whose strings are markup; quote.test has none.
sed 's/2026-06-05/2025-11-15/g' "$samples/../tlsrpt/rfc8460-example.com.json" \
	>"$tmp/tls-com.json"
printf '{"organization-name":"<script>alert(11)</script>","report-id":"h","date-range":{"start-datetime":"2025-11-17T00:00:00Z","end-datetime":"2025-11-17T23:59:59Z"},"policies":[{"policy":{"policy-type":"sts","policy-domain":"hostile.test"},"summary":{"total-successful-session-count":1,"total-failure-session-count":2},"failure-details":[{"result-type":"<svg onload=alert(12)>","receiving-mx-hostname":"<script>alert(13)</script>.test","failed-session-count":2}]}]}' \
	>"$tmp/tls-hostile.json"
run tls_ingest 0 ingest -q --db "$db" "$tmp/tls-com.json" "$tmp/tls-hostile.json"
run cli_tls 1 tls --db "$db" --domain example.com --since 30d --json
status tls_api /api/domain/example.com 200
same tls_api .tls cli_tls
same tls_api .report.domains[0].tls cli_tls
status tls_page /domain/example.com 200
expect tls_page out '<h2 id="tls">SMTP TLS</h2>'
# thousands: 5629 -> 5,629, as the page writes counts.
thousands() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
for k in sessions failed reports; do
	expect tls_page out "<div>$k<b>$(thousands "$(jq -r ".$k" "$tmp/cli_tls.out")")</b></div>"
done
expect tls_page out "<div>succeeded<b>$(jq -r '.success_rate' "$tmp/cli_tls.out")%</b></div>"
jq -r '.failures[] | "\(.result_type) \(.failed)"' "$tmp/cli_tls.out" >"$tmp/tls_types"
[ -s "$tmp/tls_types" ] || fail "tls --json: no failures"
while read -r type n; do
	expect tls_page out "<tr><td><code>$type</code></td><td class=\"num\">$n</td>"
done <"$tmp/tls_types"
jq -r '.by_mx[] | "\(.mx) \(.failed)"' "$tmp/cli_tls.out" >"$tmp/tls_mxs"
while read -r mx n; do
	expect tls_page out "<tr><td class=\"ip\">$mx</td><td class=\"num\">$n</td>"
done <"$tmp/tls_mxs"
expect tls_page out 'renew the certificate, and renew it automatically'
# Without TLS reports: no section, null.
status tls_none /domain/quote.test 200
refute tls_none out 'SMTP TLS'
status tls_none_api /api/domain/quote.test 200
jqt tls_none_api '.tls == null and .report.domains[0].tls == null'
# Strangers' strings in TLS reports are text.
status tls_hostile /domain/hostile.test 200
expect tls_hostile out '<h2 id="tls">SMTP TLS</h2>'
expect tls_hostile out '&lt;svg onload=alert\(12\)&gt;'
expect tls_hostile out '&lt;script&gt;alert\(13\)&lt;/script&gt;\.test'
refute tls_hostile out '<script'
refute tls_hostile out '<svg onload'
status tls_hostile_api /api/domain/hostile.test 200
jqt tls_hostile_api '.tls.by_mx[0].mx == "<script>alert(13)</script>.test"'

# --- DNS health: the last dmarcsift check stored (sql/019), never DNS. ------
# A domain never checked says how to check it; /api/ has check null.
expect domain out '<h2>DNS health</h2>'
expect domain out 'Not checked yet: run <code>dmarcsift check example\.com</code>'
jqt api '.check == null'
# A check kept for hostile.test, stored as the owner, as check would store
# it, with a stranger's strings where a TXT record or a report puts them.
cat >"$tmp/check.sql" <<'EOF'
INSERT INTO check_results (domain, result, status, checked_at, checked_by,
	version)
VALUES ('hostile.test', $j${"domain": "hostile.test", "status": "fail",
	"counts": {"pass": 1, "warn": 1, "fail": 1, "dnserror": 1},
	"items": [
	{"id": "dmarc.record", "status": "pass", "subject": "_dmarc.hostile.test",
	 "text": "one DMARC record", "fix": null},
	{"id": "dkim.record", "status": "warn",
	 "subject": "<script>alert(9)</script>._domainkey.hostile.test",
	 "text": "\"><svg onload=alert(10)>", "fix": "javascript:alert(11)"},
	{"id": "spf.record", "status": "fail", "subject": "hostile.test",
	 "text": "no SPF record", "fix": "publish v=spf1 -all"},
	{"id": "mx.record", "status": "dnserror", "subject": "hostile.test",
	 "text": "timeout", "fix": "try again"}]}$j$::jsonb, 'fail',
	'2025-11-20 06:00Z', '<b>role</b>', '1.0');
EOF
psql "$db" -v ON_ERROR_STOP=1 -qX -f "$tmp/check.sql" ||
	fail "check_results: cannot store the row"
status check_html /domain/hostile.test 200
expect check_html out 'found it on 2025-11-20 06:00 UTC'
expect check_html out '<span class="no">failed</span>: 1 passed, 1 warnings, 1 failed, 1 without an answer'
expect check_html out '<td><span class="warn">warning</span></td><td><code>dkim\.record</code></td>'
expect check_html out '<span class="warn">DNS did not answer</span>'
expect check_html out '&lt;script&gt;alert\(9\)&lt;/script&gt;\._domainkey'
expect check_html out '&quot;&gt;&lt;svg onload=alert\(10\)&gt;'
expect check_html out '<td>javascript:alert\(11\)</td>'
expect check_html out 'role &lt;b&gt;role&lt;/b&gt;'
refute check_html out 'Not checked yet'
refute check_html out '<script'
refute check_html out '<svg onload'
refute check_html out '<b>role'
refute check_html out 'href="javascript:'
status check_api /api/domain/hostile.test 200
jqt check_api '.check.checked_at == "2025-11-20T06:00:00Z" and
	.check.checked_by == "<b>role</b>" and .check.version == "1.0"'
jqt check_api '.check.result.status == "fail" and
	.check.result.items[1].subject ==
	"<script>alert(9)</script>._domainkey.hostile.test" and
	.check.result.items[1].text == "\"><svg onload=alert(10)>"'

# --- A source, a report, its bytes, the refused inputs. ---------------------
# Failure reports (issue 16) about example.com from 203.0.113.45, one of
# the samples' sources: two in the period (their Subjects markup), one
# before it; 2001:db8:4:1::25 has none.  Stored only now, after the
# domain's JSON was held against `sources --json` above.
# failrpt NAME ARRIVAL SUBJECT.
failrpt() {
	{
		printf 'From: ruf@receiver.example\r\nTo: ruf@example.com\r\n'
		printf 'Subject: failure report\r\nMIME-Version: 1.0\r\n'
		printf 'Content-Type: multipart/report; report-type=feedback-report; boundary="b"\r\n\r\n'
		printf -- '--b\r\nContent-Type: text/plain\r\n\r\nA failure report.\r\n'
		printf -- '--b\r\nContent-Type: message/feedback-report\r\n\r\n'
		printf 'Feedback-Type: auth-failure\r\nUser-Agent: t/1\r\nVersion: 1\r\n'
		printf 'Source-IP: 203.0.113.45\r\nReported-Domain: example.com\r\n'
		printf 'Arrival-Date: %s\r\nAuth-Failure: dkim\r\n' "$2"
		printf 'DKIM-Domain: example.com\r\nDKIM-Selector: s1\r\n'
		printf 'SPF-DNS: txt; bounce.example.com\r\n\r\n'
		printf -- '--b\r\nContent-Type: message/rfc822\r\n\r\n'
		printf 'From: Alice <alice@example.com>\r\nSubject: %s\r\n' "$3"
		printf 'Message-ID: <%s@example.com>\r\n\r\nbody\r\n--b--\r\n' "$1"
	} >"$tmp/$1.eml"
	run "$1" 0 ingest -q --db "$db" "$tmp/$1.eml"
}
failrpt ruf1 'Fri, 14 Nov 2025 09:00:00 +0000' 'First'
failrpt ruf2 'Sat, 15 Nov 2025 10:30:00 +0000' '<script>alert(11)</script> & "q"'
failrpt ruf0 'Wed, 01 Oct 2025 10:00:00 +0000' 'Too old'
# The domain's JSON is still what sources --json says, sample failures
# included.
status api_ruf /api/domain/example.com 200
run cli_sources_ruf 0 sources --db "$db" --offline --json --domain example.com
same api_ruf .sources cli_sources_ruf
jqt cli_sources_ruf '[.. | .failure_samples? | select(. != null)] | length > 0'

# The domain page links each address to its page; the page has the numbers
# the domain's JSON (the CLI's) gives the address.
expect domain out 'href="/source/203\.0\.113\.45\?domain=example\.com"'
status src '/source/203.0.113.45?domain=example.com' 200
expect src out '<h2>Reports that name it</h2>'
status api_src '/api/source/203.0.113.45?domain=example.com' 200
eq "api_src: messages and failed as sources --json" \
	"$(jq -c '[.messages, .failed]' "$tmp/api_src.out")" \
	"$(jq -c '.sources.sources[] | select(.ip == "203.0.113.45") |
		[.messages, .failed]' "$tmp/api.out")"
jqt api_src '([.daily[].messages] | add) == 50 and .days == 30'
jqt api_src '[.auth[].messages] | add == 50'
jqt api_src '[.reports[].reporter] | sort == ["Yahoo", "google.com",
	"mail.example.net"]'
# Its failure reports of the period, the latest first, escaped; none on
# the page of a source without.
expect src out '<h2>Sample failure reports</h2>'
expect src out '<p class="note">2 failure reports about this domain'
expect src out '<td>&lt;script&gt;alert\(11\)&lt;/script&gt; &amp; &quot;q&quot;</td></tr>'
expect src out '<td>example\.com \(s1\)</td><td>bounce\.example\.com</td>'
refute src out 'alert\(11\)</script>'
refute src out 'Too old'
jqt api_src '.failure_samples.reports == 2 and
	(.failure_samples.latest | map(.subject)) ==
		["<script>alert(11)</script> & \"q\"", "First"] and
	.failure_samples.latest[0].arrival == "2025-11-15T10:30:00Z" and
	.failure_samples.latest[0].auth_failures == "dkim" and
	.failure_samples.latest[0].dkim_selector == "s1" and
	.failure_samples.latest[0].spf_domain == "bounce.example.com"'
status src_week '/source/203.0.113.45?domain=example.com&since=week' 200
expect src_week out 'name="domain" value="example.com"'
status src_v6 '/api/source/2001:0db8:4:1:0:0:0:25?domain=example.com' 200
jqt src_v6 '.ip == "2001:db8:4:1::25" and .failure_samples == null'
status src_v6_html '/source/2001:db8:4:1::25?domain=example.com' 200
refute src_v6_html out 'failure report'
# Without a domain: the address as every domain it sent for, each with
# the numbers of its page for that domain, and a link to it.
status src_all '/source/203.0.113.45' 200
expect src_all out '<a href="/source/203\.0\.113\.45\?domain=example\.com">example\.com</a>'
expect src out '<a href="/source/203\.0\.113\.45">Every domain it sent as</a>'
status api_src_all '/api/source/203.0.113.45' 200
eq "api_src_all: example.com as its own page" \
	"$(jq -c '.domains[] | select(.domain == "example.com") |
		[.messages, .passed, .failed, .reports]' "$tmp/api_src_all.out")" \
	"$(jq -c '[.messages, .passed, .failed, (.reports | length)]' \
		"$tmp/api_src.out")"
status src_all_week '/source/203.0.113.45?since=week&until=2025-11-16' 200
expect src_all_week out 'href="/source/203\.0\.113\.45\?domain=example\.com&amp;since=week&amp;until=2025-11-16"'
status src_all_none '/source/198.51.100.99' 404
status src_all_old '/api/source/203.0.113.45?until=2025-11-01' 404
status src_bad_ip '/source/203.0.113.450?domain=example.com' 404
status src_none '/source/198.51.100.99?domain=example.com' 404
status src_bad_domain '/source/203.0.113.45?domain=%3Cb%3E' 400
refute src_bad_domain out '<b>'

# The report of the gzip sample: its page, its records, its XML shown as
# text, and its bytes as received.
rid=$(jq '.reports[] | select(.reporter == "google.com") | .id' \
	"$tmp/api_src.out")
status report "/report/$rid" 200
expect report out '<td>1183372264936209112</td>'
expect report out '&lt;org_name&gt;google\.com&lt;/org_name&gt;'
expect report out "href=\"/report/$rid/raw\""
# Its links carry its own day (2025-11-14, 1763078400 to 1763164799: one
# day, the period ending before 2025-11-15), not the default 30 days to
# the clock's yesterday: an old report's links would all be 404s.
expect report out 'href="/domain/example\.com\?since=1d&amp;until=2025-11-15"'
expect report out 'href="/source/[0-9a-f.:]*\?domain=example\.com&amp;since=1d&amp;until=2025-11-15"'
rip=$(sed -n 's|.*href="/source/\([0-9a-f.:]*\)?domain=example\.com&amp;since=1d.*|\1|p' \
	"$tmp/report.out" | head -1)
status report_src "/source/$rip?domain=example.com&since=1d&until=2025-11-15" 200
status report_dom "/domain/example.com?since=1d&until=2025-11-15" 200
status api_report "/api/report/$rid" 200
jqt api_report '.reporter == "google.com" and .counted and
	(.records | length) == .record_count and .record_count > 0'
status raw "/report/$rid/raw" 200
grep -q '^content-type: application/octet-stream$' "$tmp/raw.hdr" ||
	fail "raw: not application/octet-stream"
grep -q '^content-disposition: attachment; filename="google.com_example.com_1763078400_1763164799.xml.gz"$' \
	"$tmp/raw.hdr" || fail "raw: no attachment with a safe name"
cmp -s "$tmp/raw.out" "$samples/google.com!example.com!1763078400!1763164799.xml.gz" ||
	fail "raw: not the bytes as received"
# The report of the mail sample: its gzip part shown, the mail sent.
rid=$(q "SELECT id FROM reports WHERE org_name = 'Enterprise Outlook'")
status report_mail "/report/$rid" 200
expect report_mail out '&lt;org_name&gt;Enterprise Outlook&lt;/org_name&gt;'
expect report_mail out 'part 2 application/gzip'
status raw_mail "/report/$rid/raw" 200
# A mail that came gzipped (.eml.gz): the reader takes the gzip as
# transparent, and so does the page that finds the report's text again.
hostile "$tmp/gzmail.xml" gzmail-1 'Gz Org' gzmail.test x.test y.test
{
	printf 'From: r@gz.example\r\nTo: d@example.com\r\nSubject: r\r\n'
	printf 'MIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
	printf 'Content-Type: text/xml\r\nContent-Transfer-Encoding: base64\r\n\r\n'
	base64 "$tmp/gzmail.xml" | sed 's/$/\r/'
	printf -- '--b--\r\n'
} | gzip >"$tmp/gzmail.eml.gz"
run gzmail 0 ingest -q --db "$db" "$tmp/gzmail.eml.gz"
gzrid=$(q "SELECT id FROM reports WHERE org_name = 'Gz Org'")
status report_gzmail "/report/$gzrid" 200
expect report_gzmail out '&lt;org_name&gt;Gz Org&lt;/org_name&gt;'
# Gone again: the pages below count the hostile reports' address.
q "DELETE FROM inputs WHERE source_name LIKE '%/gzmail.eml.gz'" >/dev/null
# Its archived bytes dropped (dmarcsift prune, keep_inputs): the page
# says so, the download is gone.
q "UPDATE inputs SET raw_gz = NULL, raw_pruned_at = now()
	WHERE id = (SELECT input FROM reports WHERE id = $rid)" >/dev/null
status report_pruned "/report/$rid" 200
expect report_pruned out 'archived input was dropped'
status raw_pruned "/report/$rid/raw" 410
cmp -s "$tmp/raw_mail.out" "$samples/outlook-report.eml" ||
	fail "raw_mail: not the mail as received"
status report_none /report/999999 404
status report_api_none /api/report/999999 404
status report_word /report/abc 404
status report_page "/report/$rid?page=x" 400
status report_page1 "/report/$rid?page=1" 200
expect report_page1 out 'No records here'
status raw_api "/api/report/$rid/raw" 404
status raw_none /report/999999/raw 404

# What a stranger wrote in a report is text on these pages too: its
# fields, its XML, and the file name of its download.
status hostile_src '/source/192.0.2.1?domain=hostile.test' 200
expect hostile_src out '&lt;script&gt;alert\(1\)&lt;/script&gt;'
refute hostile_src out '<script'
refute hostile_src out '<svg onload'
status hostile_api_src '/api/source/192.0.2.1?domain=hostile.test' 200
jqt hostile_api_src '[.reports[].report_id] | sort == ["hostile-1",
	"hostile-2"]' 'del(.daily)'
# The address of the hostile reports (and the fresh one) sent as four
# domains, one of them a javascript: URL: text, and a link encoded.
status hostile_src_all '/source/192.0.2.1' 200
refute hostile_src_all out '<script'
refute hostile_src_all out 'href="javascript:'
expect hostile_src_all out 'href="/source/192\.0\.2\.1\?domain=javascript%3Aalert%285%29">javascript:alert\(5\)</a>'
status hostile_api_src_all '/api/source/192.0.2.1' 200
jqt hostile_api_src_all '[.domains[].domain] | sort == ["fresh.test",
	"hostile.test", "javascript:alert(5)", "quote.test"]'
# hostile.test: two reports of one record of 5 messages, failing.
jqt hostile_api_src_all '.domains[0] | .domain == "hostile.test" and
	.messages == 10 and .failed == 10 and .reports == 2'
for rid in $(jq '.reports[].id' "$tmp/hostile_api_src.out"); do
	status "hostile_report_$rid" "/report/$rid" 200
	refute "hostile_report_$rid" out '<script'
	refute "hostile_report_$rid" out '<svg onload'
	refute "hostile_report_$rid" out 'href="javascript:'
	expect "hostile_report_$rid" out '&lt;!-- &lt;script&gt;alert\(7\)'
done
rid=$(q "SELECT id FROM reports WHERE report_id = 'hostile-4'")
status raw_quote "/report/$rid/raw" 200
grep -q '^content-disposition: attachment; filename="q___filename_evil.html"$' \
	"$tmp/raw_quote.hdr" || fail "raw_quote: the file name was not made safe"

# A refused input: listed with why, where from, the command to try it
# again, and its bytes.
printf 'not a report\n' >"$tmp/broken.txt"
run broken 1 ingest -q --db "$db" "$tmp/broken.txt"
input=$(q "SELECT input FROM failed_inputs")
day=$(date -u -d tomorrow +%Y-%m-%d)
status refused "/refused?until=$day" 200
expect refused out "<code>dmarcsift reparse --input $input</code>"
expect refused out 'broken\.txt'
expect refused out "href=\"/input/$input/raw\""
status api_refused "/api/refused?until=$day" 200
jqt api_refused ".inputs == 1 and .refused[0].input == $input and
	.refused[0].reparse == \"dmarcsift reparse --input $input\""
status refused_old '/refused?until=2025-11-01' 200
refute refused_old out 'reparse --input'
status input_raw "/input/$input/raw" 200
cmp -s "$tmp/input_raw.out" "$tmp/broken.txt" ||
	fail "input_raw: not the bytes as received"
grep -q '^content-disposition: attachment; filename="broken.txt"$' \
	"$tmp/input_raw.hdr" || fail "input_raw: no attachment"
status input_none /input/999999/raw 404
status home_refused "/?until=$day" 200
expect home_refused out "href=\"/refused\?until=$day\""

# --- Search: an address, a domain, a report ID, ours. ----------------------
expect home out '<form class="search" method="get" action="/search"'
expect src out '<form class="search" method="get" action="/search"'
# An address: the domains it sent for, with its messages there (the
# period holds every report, so they are sources --json's).
status search_ip '/api/search?q=203.0.113.45' 200
jqt search_ip '.ip == "203.0.113.45" and (.sources | length) == 1 and
	.sources[0].domain == "example.com" and
	.sources[0].url == "/source/203.0.113.45?domain=example.com"'
eq "search_ip: messages as sources --json" \
	"$(jq '.sources[0].messages' "$tmp/search_ip.out")" \
	"$(jq '.sources.sources[] | select(.ip == "203.0.113.45") |
		.messages' "$tmp/api.out")"
status search_ip_html '/search?q=%20203.0.113.45%20' 200
expect search_ip_html out 'href="/source/203\.0\.113\.45\?domain=example\.com">example\.com</a>'
# Its last report before the page's period: the link ends the day after.
status search_ip_old '/api/search?q=203.0.113.45&until=2025-11-10&since=7d' 200
jqt search_ip_old '.sources[0].url ==
	"/source/203.0.113.45?domain=example.com&since=7d&until=2025-11-17"'
# The address of the hostile reports sent for as many domains as SQL says.
status search_ip2 '/api/search?q=192.0.2.1' 200
eq "search_ip2: domains" "$(jq '.sources | length' "$tmp/search_ip2.out")" \
	"$(q "SELECT count(DISTINCT lower(r.domain)) FROM records x JOIN
		reports r ON r.id = x.report WHERE x.source_ip = '192.0.2.1'")"
# A domain: the one named, first, and those whose name holds the text.
status search_domain '/api/search?q=EXAMPLE.com' 200
jqt search_domain '.domains[0] == {"domain": "example.com", "reports":
	4, "last": "2025-11-16T00:00:00Z", "exact": true,
	"url": "/domain/example.com"}' '.domains'
eq "search_domain: reports" "$(jq '.domains[0].reports' \
	"$tmp/search_domain.out")" "$(q "SELECT count(*) FROM reports WHERE
	lower(domain) = 'example.com'")"
status search_part '/search?q=test' 200
expect search_part out '<a href="/domain/hostile\.test">hostile\.test</a>'
status search_js '/search?q=alert(5)' 200
expect search_js out 'href="/domain/javascript%3Aalert%285%29">javascript:alert\(5\)</a>'
refute search_js out 'href="javascript:'
# Pattern characters are text.
status search_pct '/api/search?q=%25' 200
jqt search_pct '.domains == [] and .reports == []'
# A reporter's report ID, and ours.
status search_rid '/api/search?q=1183372264936209112' 200
gid=$(q "SELECT id FROM reports WHERE report_id = '1183372264936209112'")
jqt search_rid "(.reports | length) == 1 and .reports[0].id == $gid and
	.reports[0].reporter == \"google.com\" and .reports[0].counted and
	.reports[0].url == \"/report/$gid\""
status search_id "/search?q=$gid" 200
expect search_id out "<a href=\"/report/$gid\">$gid</a>"
# A stranger's text is text; too long, or no text at all, is refused.
status search_hostile '/search?q=%22%3E%3Cscript%3Ealert(9)%3C/script%3E' 200
refute search_hostile out '<script'
expect search_hostile out 'value="&quot;&gt;&lt;script&gt;alert\(9\)'
status search_hostile2 '/search?q=hostile-1' 200
expect search_hostile2 out '&lt;script&gt;alert\(1\)&lt;/script&gt;'
refute search_hostile2 out '<script'
status search_long "/search?q=$(head -c 257 /dev/zero | tr '\0' a)" 400
status search_ctl '/api/search?q=a%01b' 400
status search_utf8 '/api/search?q=%ff' 400
status search_empty '/search' 200
expect search_empty out 'name="q"'

# --- A slow client is cut off; others are served meanwhile. -----------------
port=${url##*:}
python3 - "$port" >"$tmp/slow.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
t0 = time.monotonic()
s.settimeout(20)
try:
    got = s.recv(4096)
except (socket.timeout, OSError) as e:
    got = repr(e).encode()
print("closed after %.1f s: %r" % (time.monotonic() - t0, got[:40]))
EOF
slow=$!
sleep 0.5
t0=$(date +%s)
status meanwhile /domain/example.com 200
[ $(($(date +%s) - t0)) -le 1 ] ||
	fail "meanwhile: waited for the slow client"
wait "$slow"
grep -Eq "^closed after [0-9.]+ s: b''" "$tmp/slow.out" ||
	fail "slow: not closed: $(cat "$tmp/slow.out")"
secs=$(sed -n 's/^closed after \([0-9]*\).*/\1/p' "$tmp/slow.out")
[ "${secs:-99}" -le 5 ] || fail "slow: closed after $secs s, want about 2"
grep -q '(timed out)$' "$tmp/main.log" ||
	fail "slow: no log line of a request that timed out"

# --- One line per request, printable. ---------------------------------------
get weird '/%1b%5b31m?q=%e2%80%ae'
grep -q '^127\.0\.0\.1 GET /domain/example.com 200 [0-9][0-9]* [0-9][0-9]*ms$' \
	"$tmp/main.log" || fail "log: no line for GET /domain/example.com"
grep -q '^127\.0\.0\.1 POST / 405 ' "$tmp/main.log" ||
	fail "log: no line for POST /"
grep -q '^127\.0\.0\.1 GET /%1b%5b31m?q=%e2%80%ae 404 ' "$tmp/main.log" ||
	fail "log: the raw target is not logged as sent"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/main.log"; then
	fail "log: an escape character reached the log"
fi
# --- The costly pages are kept while the database is unchanged. -----------
# Asked again with nothing written since, a domain page is the answer kept
# (the log line says "kept"), byte for byte; a report stored, or any other
# write, makes the next one computed afresh (cli/serve_cache.h).
# Statistics brought up to date first: an autoanalyze is a write too, and
# one between two requests would make the second computed afresh.
q "ANALYZE" >/dev/null
kept_lines() {
	grep -c "^127\.0\.0\.1 GET $1 200 [0-9]* [0-9]*ms kept\$" \
		"$tmp/main.log"
}
status kept_1 /api/domain/example.com 200
n0=$(kept_lines /api/domain/example.com)
status kept_2 /api/domain/example.com 200
eq "kept: the second answer is the kept one" \
	"$(kept_lines /api/domain/example.com)" $((n0 + 1))
cmp -s "$tmp/kept_1.out" "$tmp/kept_2.out" ||
	fail "kept: the kept answer differs from the first"
status kept_html_1 /domain/example.com 200
m0=$(kept_lines /domain/example.com)
status kept_html_2 /domain/example.com 200
cmp -s "$tmp/kept_html_1.out" "$tmp/kept_html_2.out" ||
	fail "kept: the kept page differs from the first"
eq "kept: the page too" "$(kept_lines /domain/example.com)" $((m0 + 1))
# And the what-if's JSON, advise --what-if's: its own key, the query's.
wi='/api/domain/example.com/what-if?p=reject&sp=none&pct=50'
status kept_wi_1 "$wi" 200
w0=$(kept_lines "$wi")
status kept_wi_2 "$wi" 200
cmp -s "$tmp/kept_wi_1.out" "$tmp/kept_wi_2.out" ||
	fail "kept: the kept what-if differs from the first"
eq "kept: the what-if's JSON too" "$(kept_lines "$wi")" $((w0 + 1))
cmp -s "$tmp/kept_wi_1.out" "$tmp/api_whatif.out" ||
	fail "kept: the what-if differs from the one asked before"
# A report about example.com: 5 messages more from 192.0.2.1.
hostile "$tmp/more.xml" more-1 'More Org' example.com x.test y.test
run kept_ingest 0 ingest -q --db "$db" "$tmp/more.xml"
status kept_3 /api/domain/example.com 200
eq "kept: not after a report was stored" \
	"$(kept_lines /api/domain/example.com)" $((n0 + 1))
cmp -s "$tmp/kept_2.out" "$tmp/kept_3.out" &&
	fail "kept: the answer after a report was stored is the old one"
status kept_4 /api/domain/example.com 200
eq "kept: the new answer is kept" \
	"$(kept_lines /api/domain/example.com)" $((n0 + 2))
run cli_sources_more 0 sources --db "$db" --offline --json \
	--domain example.com
same kept_4 .sources cli_sources_more
# A write that is no report: a table made and dropped.
q "CREATE TABLE kept_probe (x int); DROP TABLE kept_probe" >/dev/null
status kept_5 /api/domain/example.com 200
eq "kept: not after another write" \
	"$(kept_lines /api/domain/example.com)" $((n0 + 2))

stop main

# --- Pages kept warm: the first view after a write is kept already. --------
# With --warm 1, a thread computes / and the pages of the domains with
# the most reports once the database has changed (cli/serve_warm.h).
# waitlog NAME PATTERN N: until NAME's log has N lines matching PATTERN.
waitlog() {
	w_i=0
	while [ "$(grep -c "$2" "$tmp/$1.log")" -lt "$3" ]; do
		w_i=$((w_i + 1))
		[ $w_i -le 600 ] || { fail "$1: no $3 lines of $2"; return 1; }
		sleep 0.1
	done
}
q "ANALYZE" >/dev/null
warm=1
start warm --db "$rd"
warm=0
waitlog warm '^warm GET /domain/example\.com 200 ' 1
waitlog warm '^warm GET / 200 ' 1
status warm_1 /domain/example.com 200
expect warm "$tmp/warm.log" '^127\.0\.0\.1 GET /domain/example\.com 200 [0-9]* [0-9]*ms kept$'
refute warm_1 out 'Warm Org'
# A report about example.com from a reporter not seen before: the page
# computed again by the thread, then kept, names it.
hostile "$tmp/warm.xml" warm-1 'Warm Org' example.com x.test y.test
n=$(grep -c '^warm GET /domain/example\.com 200 ' "$tmp/warm.log")
run warm_ingest 0 ingest -q --db "$db" "$tmp/warm.xml"
waitlog warm '^warm GET /domain/example\.com 200 ' $((n + 1))
# A pass may have read while the ingest was between its transactions: the
# next one computes the page again if so.  Settled when no pass has
# computed it for 3 seconds (a pass a second).
w_n=-1 w_i=0
while [ "$(grep -c '^warm GET /domain/example\.com 200 ' "$tmp/warm.log")" != "$w_n" ]; do
	w_n=$(grep -c '^warm GET /domain/example\.com 200 ' "$tmp/warm.log")
	w_i=$((w_i + 1))
	[ $w_i -le 20 ] || { fail "warm: the page never settled"; break; }
	sleep 3
done
status warm_2 /domain/example.com 200
eq "warm: both views kept" "$(grep -c '^127\.0\.0\.1 GET /domain/example\.com 200 [0-9]* [0-9]*ms kept$' "$tmp/warm.log")" 2
expect warm_2 out 'Warm Org'
stop warm
# A flood: 17 made-up domains with a report more each than example.com,
# the owner's (2 or more reporters, 100 or more messages): its page is
# kept warm still, then 15 of theirs.
f_n=$(q "SELECT count(*) + 1 FROM reports WHERE domain = 'example.com'")
mkdir -p "$tmp/flood"
for d in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17; do
	for i in $(seq "$f_n"); do
		hostile "$tmp/flood/f$d-$i.xml" "flood-$d-$i" 'Flood Org' \
			"flood$d.test" x.test y.test
	done
done
run flood_ingest 0 ingest -q --db "$db" "$tmp/flood"
warm=1
start flood --db "$rd"
warm=0
waitlog flood '^warm GET /domain/' 16
expect flood "$tmp/flood.log" '^warm GET /domain/example\.com 200 '
eq "warm: the flood's domains after the owner's" \
	"$(grep -c '^warm GET /domain/flood[0-9]*\.test 200 ' "$tmp/flood.log")" 15
stop flood
# With the setting domains, those named are the owner's (fewer reports
# than any of the flood's), and example.com is one among the others.
printf 'domains = Quote.test, hostile.test\n' >"$tmp/owned.conf"
warm=1 DMARCSIFT_CONFIG=$tmp/owned.conf
start flood_set --db "$rd"
warm=0 DMARCSIFT_CONFIG=$tmp/empty.conf
waitlog flood_set '^warm GET /domain/' 16
expect flood_set "$tmp/flood_set.log" '^warm GET /domain/quote\.test 200 '
expect flood_set "$tmp/flood_set.log" '^warm GET /domain/hostile\.test 200 '
refute flood_set "$tmp/flood_set.log" '^warm GET /domain/example\.com '
eq "warm: the flood's domains after those of the setting" \
	"$(grep -c '^warm GET /domain/flood[0-9]*\.test 200 ' "$tmp/flood_set.log")" 14
stop flood_set

# --- Where it may listen, and the login. ------------------------------------
run any 2 serve --db "$rd" --listen 0.0.0.0:0
expect any err '0.0.0.0 is not a loopback address'
run any6 2 serve --db "$rd" --listen '[::]:0'
openssl passwd -6 -salt abcdefgh 'correct horse' |
	sed 's/^/alice:/' >"$tmp/users"
run any_users 2 serve --db "$rd" --listen 192.0.2.1:8025 \
	--users "$tmp/users"
expect any_users err 'not a loopback address'
echo 'bob:plaintext' >"$tmp/plain"
run plain_users 2 serve --db "$rd" --users "$tmp/plain"
expect plain_users err 'plain:1: want USER:HASH'
refute plain_users err 'plaintext'
run bad_listen 2 serve --listen 127.0.0.1
run bad_listen2 2 serve --listen 127.0.0.1:70000

start login --db "$rd" --users "$tmp/users"
expect login "$tmp/login.log" "login required"
status anon / 401
grep -q '^www-authenticate: Basic realm="dmarcsift", charset="UTF-8"$' \
	"$tmp/anon.hdr" || fail "anon: no WWW-Authenticate"
status anon_css /static/style.css 401
status wrong / 401 -u 'alice:wrong horse'
status nobody / 401 -u 'mallory:correct horse'
status alice / 200 -u 'alice:correct horse'
status alice_host / 200 -u 'alice:correct horse' -H 'Host: dmarc.example.com'
status alice_api /api/domain/example.com 200 -u 'alice:correct horse'
status anon_metrics /metrics 401
status alice_metrics /metrics 200 -u 'alice:correct horse'
# Wrong passwords from one address: 10 in a minute (SERVE_AUTH_FAILURES;
# alice's right login above forgot the 2 before it), then 429 without a
# hash; credentials already right stand (remembered, no hash).
i=0
while [ $i -lt 10 ]; do
	status "guess$i" / 401 -u "alice:guess $i"
	i=$((i + 1))
done
status limited / 429 -u 'alice:guess 10'
expect limited out 'Too many failed logins'
status limited_api /api/domain/example.com 429 -u 'mallory:x'
jqt limited_api '.status == 429'
status alice_still / 200 -u 'alice:correct horse'
stop login

finish "all checks passed"
