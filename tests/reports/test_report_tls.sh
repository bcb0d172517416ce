#!/bin/sh
# report's SMTP TLS section and failure reports' line (issue 16), from a
# real database: the demo's aggregate reports for example.com up to
# 2026-06-09 (and mail.example.net's made example.org's, a domain without
# TLS reports), RFC 8460's example moved to example.com on 2026-06-05,
# and RFC 6591's example moved to example.com twice.  The numbers, worked out
# by hand, over the 14 days 2026-05-27 to 2026-06-09:
#   Company-X 2026-06-05      5326 succeeded, 303 failed: starttls 200 at
#                             mx2, expired 100 at mx1, validation 3 at
#                             mx-backup (all .mail.example.com)
#   Other Receiver 2026-06-08 1000 succeeded, 10 failed: expired 10 at
#                             MX1.mail.example.com (any case)
#   Old Receiver 2026-05-01   before the period: not counted
#   => 6639 sessions, 6326 succeeded: 95.28%, 95.2 rounded down; 313
#      failed: starttls 200, expired 110, validation 3; by day 94.6
#      (5326 of 5629) and 99.0 (1000 of 1010)
#   failure reports           2026-06-05 and 2026-06-07: 2, latest 06-07
# The report's "tls" is `tls --json`'s object; a period or a domain
# without TLS reports has no section.
# usage: test_report_tls.sh DMARCSIFT SAMPLE_REPORTS TLSRPT_DIR FAILRPT_DIR
bin=$1 gen=$2 tlsdata=$3 faildata=$4
. "$(dirname "$0")/../lib.sh"
need_server pg
need jq
no_settings
newdb report_tls
DMARCSIFT_DB=$db DMARCSIFT_NOW=2026-06-10T08:30:00Z
export DMARCSIFT_DB DMARCSIFT_NOW

mkdir -p "$tmp/in"
sh "$gen" "$tmp/in" --today 2026-06-10 >/dev/null || fail "generator exit $?"
# example.org: one of the demo's reports made its, no TLS report.
for f in "$tmp/in"/mail.example.net!example.com!*.xml; do
	sed 's/example\.com/example.org/g' "$f" >"$tmp/in/org-$(basename "$f")"
done
cp "$tlsdata/rfc8460-example.com.json" "$tmp/in/company-x.json"
# $1 reporter, $2 day, $3 succeeded, $4 failed at MX1 (expired).
tls_report() {
	printf '{"organization-name":"%s","report-id":"%s-%s","date-range":{"start-datetime":"%sT00:00:00Z","end-datetime":"%sT23:59:59Z"},"policies":[{"policy":{"policy-type":"sts","policy-domain":"Example.COM"},"summary":{"total-successful-session-count":%s,"total-failure-session-count":%s},"failure-details":[{"result-type":"certificate-expired","receiving-mx-hostname":"MX1.mail.example.com","failed-session-count":%s}]}]}' \
		"$1" "$1" "$2" "$2" "$2" "$3" "$4" "$4"
}
tls_report "Other Receiver" 2026-06-08 1000 10 >"$tmp/in/other.json"
tls_report "Old Receiver" 2026-05-01 7 7 >"$tmp/in/old.json"
# RFC 6591's example, about example.com, received on $1 (a day of June
# 2026), its own Message-ID.
failure_report() {
	sed -e "s/Wed, 14 Apr 2010/$1 Jun 2026/" \
		-e 's/^Reported-Domain: example.net/Reported-Domain: example.com/' \
		-e "s/<12345.abc@example.net>/<$2@example.net>/" \
		"$faildata/rfc6591.eml"
}
failure_report "Fri, 05" f1 >"$tmp/in/fail1.eml"
failure_report "Sun, 07" f2 >"$tmp/in/fail2.eml"
run ingest 0 -q ingest -j 1 "$tmp/in"
want "stored" "SELECT (SELECT count(*) FROM tls_reports), (SELECT count(*) FROM failure_reports WHERE reported_domain = 'example.com')" "3|2"

report() { # NAME WANT ARGS...: report for 14 days, offline
	lib_n=$1 lib_w=$2
	shift 2
	run_cmd "$lib_n" "$lib_w" "$bin" report --offline --period 14d "$@"
}
report_ok() { # NAME ARGS...
	lib_n=$1
	shift
	report "$lib_n" 0 "$@"
}

# JSON: tls --json's object, and the numbers above.
report_ok json --domain example.com --format json
run tls 1 tls --domain example.com --since 14d --json
jq -S . "$tmp/tls.out" >"$tmp/tls.want" || fail "tls --json: not JSON"
jq -S '.domains[0].tls' "$tmp/json.out" >"$tmp/tls.got" ||
	fail "report json: not JSON"
diff "$tmp/tls.want" "$tmp/tls.got" >&2 ||
	fail "report's tls is not tls --json's object"
jqt() { # FILTER WANT, on the report's JSON
	lib_got=$(jq -c "$1" "$tmp/json.out")
	[ "$lib_got" = "$2" ] || fail "json $1: want $2, got $lib_got"
}
jqt '.domains[0].tls | [.since, .until, .reports, .sessions, .successful, .failed, .success_rate]' \
	'["2026-05-27T00:00:00Z","2026-06-10T00:00:00Z",2,6639,6326,313,95.2]'
jqt '.domains[0].tls.by_day | map([.day, .success_rate])' \
	'[["2026-06-05",94.6],["2026-06-08",99]]'
jqt '.domains[0].tls.failures | map([.result_type, .failed])' \
	'[["starttls-not-supported",200],["certificate-expired",110],["validation-failure",3]]'
jqt '.domains[0].tls.by_mx | map([.mx, .failed])' \
	'[["mx2.mail.example.com",200],["mx1.mail.example.com",110],["mx-backup.mail.example.com",3]]'
jqt '.domains[0].failure_reports' '{"reports":2,"latest_day":"2026-06-07"}'

# Text, Markdown, HTML and CSV say the same.
report_ok text --domain example.com
for line in "SMTP TLS: 6639 sessions, 95.2% succeeded" \
	"  313 failed, in 2 reports from 2 reporters;" \
	"  starttls-not-supported: 200 failed sessions, the receiving MX did not offer STARTTLS" \
	"    fix: renew the certificate, and renew it automatically (ACME)" \
	"2 DMARC failure reports (latest 2026-06-07); samples: \`dmarcsift sources --domain example.com\`"; do
	grep -qF -- "$line" "$tmp/text.out" ||
		fail "text lacks '$line':$(sed -n '/SMTP TLS/,$p' "$tmp/text.out" | sed 's/^/ | /')"
done
grep -Eq '^  mx2\.mail\.example\.com +200  starttls-not-supported$' "$tmp/text.out" ||
	fail "text: no row of mx2.mail.example.com, 200 failed"
report_ok md --domain example.com --format markdown
grep -qF "### SMTP TLS: 6639 sessions, 95.2% succeeded" "$tmp/md.out" ||
	fail "markdown: no TLS heading"
grep -qF '| `certificate-expired` | 110 | ' "$tmp/md.out" ||
	fail "markdown: no certificate-expired row of 110"
report_ok html --domain example.com --format html
grep -qF "<b>6,639</b> sessions, <b>95.2%</b> succeeded" "$tmp/html.out" ||
	fail "html: no TLS figures"
grep -qF "<title>2026-06-08: 99.0%</title>" "$tmp/html.out" ||
	fail "html: the sparkline does not end on 2026-06-08"
report_ok csv --domain example.com --format csv --table tls
printf 'domain,day,sessions,successful,failed,success_rate\r\nexample.com,2026-06-05,5629,5326,303,94.6\r\nexample.com,2026-06-08,1010,1000,10,99.0\r\n' |
	cmp -s - "$tmp/csv.out" || fail "csv tls:$(sed 's/^/ | /' "$tmp/csv.out")"

# A period without TLS or failure reports, and a domain without them: no
# section, no heading, null in JSON.
for args in "--until 2026-05-20" "--domain example.org"; do
	case $args in
	--until*) set -- --domain example.com $args ;;
	*) set -- $args ;;
	esac
	report none_text 0 "$@"
	report none_md 0 "$@" --format markdown
	report none_html 0 "$@" --format html
	for f in none_text none_md none_html; do
		if grep -qiE "SMTP TLS|failure report" "$tmp/$f.out"; then
			fail "$args: $f has a TLS or failure section"
		fi
	done
	report none_json 0 "$@" --format json
	lib_got=$(jq -c '[.domains[0].tls, .domains[0].failure_reports]' "$tmp/none_json.out")
	[ "$lib_got" = "[null,null]" ] || fail "$args: json tls, failure_reports: $lib_got"
done

finish "report: TLS section and failure reports, as tls --json says"
