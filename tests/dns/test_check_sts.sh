#!/bin/sh
# dmarcsift check of mail sent to a domain: TLS reporting, MTA-STS with its
# policy fetched from a real HTTPS server, and DANE, against a real dnsmasq
# serving tests/dns/zone_sts.conf and a real PostgreSQL that keeps a check.
# The HTTPS server (tests/harness/https_server.py) has a certificate from a
# CA made here, trusted through sts_cafile only; sts_port points at it.
# usage: test_check_sts.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), DMARCSIFT_TEST_DNS
# (tests/harness/dnsmasq run), python3, openssl, jq, psql
bin=$1
. "$(dirname "$0")/../lib.sh"
need_server pg dnsmasq
need python3 openssl jq
no_settings
harness=$(cd "$(dirname "$0")/../harness" && pwd)

# A CA, and a certificate it signs for the mta-sts hosts of the zone, all
# but mta-sts.wrongcert.sts.test.
names=
for d in good uncovered testing bad missing redirect big bigstream html \
	plain garbage many; do
	names="${names:+$names,}DNS:mta-sts.$d.sts.test"
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-days 2 -subj /CN=test-ca -keyout "$tmp/ca.key" -out "$tmp/ca.crt" \
	-addext basicConstraints=critical,CA:true \
	-addext keyUsage=critical,keyCertSign 2>/dev/null || exit 2
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=mta-sts.good.sts.test -keyout "$tmp/srv.key" \
	-out "$tmp/srv.csr" 2>/dev/null || exit 2
printf 'subjectAltName=%s\n' "$names" >"$tmp/srv.ext"
openssl x509 -req -in "$tmp/srv.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
	-CAcreateserial -days 2 -extfile "$tmp/srv.ext" -out "$tmp/srv.crt" \
	2>/dev/null || exit 2

# The policies, one file a host (https_server.py): status, headers, body.
www=$tmp/www
mkdir "$www"
policy() { # policy DOMAIN MODE MAX_AGE MX...
	pf=$www/mta-sts.$1
	shift
	printf '200\nContent-Type: text/plain; charset=utf-8\n\n' >"$pf"
	printf 'version: STSv1\r\nmode: %s\r\nmax_age: %s\r\n' "$1" "$2" >>"$pf"
	shift 2
	for m in "$@"; do
		printf 'mx: %s\r\n' "$m" >>"$pf"
	done
}
policy good.sts.test enforce 1209600 mx1.good.sts.test '*.backup.sts.test'
policy uncovered.sts.test enforce 604800 mx1.uncovered.sts.test
policy testing.sts.test testing 3600 mx1.testing.sts.test
printf '200\nContent-Type: text/plain\n\nversion: STSv1\nmode: strict\nmx: mx1.bad.sts.test\n' \
	>"$www/mta-sts.bad.sts.test"
printf '301\nLocation: https://elsewhere.test/mta-sts.txt\n\nmoved\n' \
	>"$www/mta-sts.redirect.sts.test"
printf '200\nContent-Type: text/html\n\n<html>version: STSv1</html>\n' \
	>"$www/mta-sts.html.sts.test"
for b in big bigstream; do
	{
		printf '200\nContent-Type: text/plain\n'
		[ "$b" = bigstream ] && printf 'X-No-Length: 1\n'
		printf '\nversion: STSv1\nmode: enforce\nmax_age: 604800\n'
		i=0
		while [ "$i" -lt 3000 ]; do
			printf 'mx: mx%05d.a-long-name-for-padding.test\n' "$i"
			i=$((i + 1))
		done
	} >"$www/mta-sts.$b.sts.test"
done
policy plain.sts.test enforce 604800 mx.sts.test
{
	printf '200\nContent-Type: text/plain\n\n'
	i=0
	while [ "$i" -lt 8192 ]; do
		printf 'garbage\n'
		i=$((i + 1))
	done
} >"$www/mta-sts.garbage.sts.test"
set --
i=0
while [ "$i" -lt 39 ]; do
	set -- "$@" "mx$i.other.sts.test"
	i=$((i + 1))
done
policy many.sts.test enforce 604800 "$@" mx.many.sts.test
policy wrongcert.sts.test enforce 604800 mx.sts.test

python3 "$harness/https_server.py" "$www" "$tmp/srv.crt" "$tmp/srv.key" \
	"$tmp/port" 2>"$tmp/https.log" &
https_pid=$!
kill_at_exit https_pid
n=0
while [ ! -s "$tmp/port" ]; do
	[ "$n" -lt 100 ] || {
		cat "$tmp/https.log" >&2
		echo "the HTTPS server did not start" >&2
		exit 2
	}
	sleep 0.1
	n=$((n + 1))
done
port=$(cat "$tmp/port")
# A proxy in the environment is not used: senders go straight to the server.
https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9
export https_proxy HTTPS_PROXY

# check NAME WANT_STATUS ARGS...: check --json with the test servers.
check() {
	ck_name=$1 ck_want=$2
	shift 2
	run "$ck_name" "$ck_want" check --no-db --json \
		--dns-servers "$DMARCSIFT_TEST_DNS" --sts-port "$port" \
		--sts-cafile "$tmp/ca.crt" "$@"
}

# status_is NAME ID SUBJECT STATUS...: the statuses of items ID about
# SUBJECT, in order, space-separated ("" for none).
status_is() {
	si_name=$1 si_id=$2 si_subject=$3
	shift 3
	si_got=$(jq -r --arg id "$si_id" --arg s "$si_subject" \
		'[.items[] | select(.id == $id and .subject == $s) | .status] |
		join(" ")' "$tmp/$si_name.out" 2>/dev/null)
	[ "$si_got" = "$*" ] ||
		fail "$si_name: $si_id $si_subject is '$si_got', want '$*'"
}

# text_of NAME ID SUBJECT: the text of the first such item.
text_of() {
	jq -r --arg id "$2" --arg s "$3" '[.items[] | select(.id == $id and
		.subject == $s)][0].text' "$tmp/$1.out" 2>/dev/null
}

# 1. Every item passes: an enforce policy whose patterns (one a wildcard)
# cover both MX hosts, TLSA on both, TLS reports by mail and HTTPS.
check good 0 --selector ed good.sts.test
jqt good '.status == "pass" and .counts.warn == 0 and .counts.fail == 0'
status_is good sts.record _mta-sts.good.sts.test pass
status_is good sts.policy mta-sts.good.sts.test pass
status_is good sts.mode mta-sts.good.sts.test pass
status_is good sts.max_age mta-sts.good.sts.test pass
status_is good sts.mx mx1.good.sts.test pass
status_is good sts.mx mx.backup.sts.test pass
status_is good dane.tlsa mx1.good.sts.test pass
status_is good dane.tlsa mx.backup.sts.test pass
status_is good tlsrpt.record _smtp._tls.good.sts.test pass
status_is good tlsrpt.syntax _smtp._tls.good.sts.test pass
jqt good '.mta_sts == {"id": "2026120701", "policy": {"mode": "enforce",
	"max_age": 1209600, "mx": ["mx1.good.sts.test", "*.backup.sts.test"]}}'
jqt good '.dane == {"mx_hosts": 2, "with_tlsa": 2}'
case $(text_of good sts.mx mx.backup.sts.test) in
*'*.backup.sts.test'*) ;;
*) fail "good: the wildcard that allows mx.backup.sts.test is not named" ;;
esac
case $(text_of good dane.tlsa mx1.good.sts.test) in
*'3 1 1 (DANE-EE, SPKI, SHA2-256)'*'DNSSEC not validated'*) ;;
*) fail "good: dane.tlsa: $(text_of good dane.tlsa mx1.good.sts.test)" ;;
esac
# The text: sections of their own, and no DANE note when there is DANE.
run good_text 0 check --no-db --dns-servers "$DMARCSIFT_TEST_DNS" \
	--sts-port "$port" --sts-cafile "$tmp/ca.crt" --selector ed \
	good.sts.test
expect good_text out '^MTA-STS$'
expect good_text out '^DANE \(TLSA records of the MX hosts; DNSSEC not validated\)$'
expect good_text out '^SMTP TLS reporting \(TLS-RPT\)$'
expect good_text out '^  pass +sts\.mx +mx1\.good\.sts\.test: '
refute good_text out 'DANE not published'

# 2. Verification is never weakened: without the test CA, the system's do
# not know the certificate.
run good_noca 1 check --no-db --json --dns-servers "$DMARCSIFT_TEST_DNS" \
	--sts-port "$port" --selector ed good.sts.test
status_is good_noca sts.policy mta-sts.good.sts.test fail
jqt good_noca '.mta_sts == {"id": "2026120701", "policy": null}'

# 3. An MX the enforce policy does not name fails; no TLSA anywhere is a
# note, not a finding; no TLS reporting record is a warning.
check uncovered 1 uncovered.sts.test
status_is uncovered sts.mx mx1.uncovered.sts.test pass
status_is uncovered sts.mx mx2.uncovered.sts.test fail
jqt uncovered '[.items[] | select(.id == "sts.mx" and .status == "fail")][0].fix
	| test("mx: mx2.uncovered.sts.test")'
status_is uncovered tlsrpt.record _smtp._tls.uncovered.sts.test warn
jqt uncovered '[.items[].id | select(startswith("dane."))] == []'
jqt uncovered '.dane == {"mx_hosts": 2, "with_tlsa": 0}'
run uncovered_text 1 check --no-db --dns-servers "$DMARCSIFT_TEST_DNS" \
	--sts-port "$port" --sts-cafile "$tmp/ca.crt" uncovered.sts.test
expect uncovered_text out '^  DANE not published: no TLSA record at _25\._tcp of the 2 MX hosts'

# 4. Testing mode, a max_age of an hour, an MX not named: warnings.
check testing 1 testing.sts.test
status_is testing sts.mode mta-sts.testing.sts.test warn
status_is testing sts.max_age mta-sts.testing.sts.test warn
status_is testing sts.mx mx2.testing.sts.test warn

# 5. Syntax errors: the policy's (a mode that is none of the three, no
# max_age), the TLS reporting record's (ftp:), a TLSA digest cut short and
# an MX host without TLSA beside one with.
check bad 1 bad.sts.test
status_is bad sts.policy mta-sts.bad.sts.test fail fail
jqt bad '[.items[] | select(.id == "sts.policy") | .text] ==
	["mode: strict is not enforce, testing or none", "no max_age: line"]'
jqt bad '[.items[].id] | index("sts.mx") == null'
status_is bad tlsrpt.record _smtp._tls.bad.sts.test pass
status_is bad tlsrpt.syntax _smtp._tls.bad.sts.test fail
status_is bad dane.tlsa mx1.bad.sts.test fail
status_is bad dane.tlsa mx2.bad.sts.test warn

# 6. Policies that cannot be had, each a failed sts.policy saying why.
policy_fails() { # policy_fails DOMAIN REGEX
	check "$1" 1 "$1.sts.test"
	status_is "$1" sts.policy "mta-sts.$1.sts.test" fail
	pf_text=$(text_of "$1" sts.policy "mta-sts.$1.sts.test")
	echo "$pf_text" | grep -Eq -- "$2" ||
		fail "$1: sts.policy says '$pf_text', want /$2/"
	jqt "$1" '.mta_sts.policy == null'
}
policy_fails missing 'answered 404'
policy_fails redirect 'answered 301, a redirect to the host elsewhere.test, which senders do not follow'
policy_fails big 'larger than 64 KiB'
policy_fails bigstream 'larger than 64 KiB'
policy_fails html 'Content-Type text/html, not text/plain'
policy_fails plain 'no TLS connection'
policy_fails wrongcert 'certificate is not valid'
check noaddr 1 noaddr.sts.test
status_is noaddr sts.policy mta-sts.noaddr.sts.test fail
# The server saw no request for the hosts it should not have been asked.
grep -q 'mta-sts.noaddr' "$tmp/https.log" && fail "noaddr: a request"

# 6a. A policy host on a private address, or on this machine's written as
# ::ffff:127.0.0.1: outside a test setup (neither sts_port nor sts_cafile
# set) the policy is not fetched from it, and the finding says why.
for d in private mapped; do
	run "$d" 1 check --no-db --json --dns-servers "$DMARCSIFT_TEST_DNS" \
		"$d.sts.test"
	status_is "$d" sts.policy "mta-sts.$d.sts.test" fail
	jqt "$d" '[.items[] | select(.id == "sts.policy")][0] |
		(.text | test("resolves only to private or local addresses")) and
		(.fix | test("public addresses"))'
done
grep -q 'mta-sts.mapped' "$tmp/https.log" && fail "mapped: a request"

# 6b. 64 KiB of garbage is 10 findings and one that counts the rest.
check garbage 1 garbage.sts.test
jqt garbage '[.items[] | select(.id == "sts.policy")] | length == 11'
jqt garbage '[.items[] | select(.id == "sts.policy")][10].text ==
	"8185 more lines not valid or missing"'

# 6c. An MX the 40th mx: line allows, past the 32 read: not known, a
# warning, not a failure.
check many 1 many.sts.test
status_is many sts.mx mx.many.sts.test warn
status_is many sts.policy mta-sts.many.sts.test warn pass
jqt many '[.items[] | select(.id == "sts.mx")][0].text |
	test("more mx lines than were read")'

# 6d. No https: URL in check's text (its findings reach the HTML report,
# which may carry none): the fixes, a redirect, the TLS reporting URIs.
for d in nosts redirect good bad; do
	run "${d}_nourl" '!2' check --no-db --dns-servers \
		"$DMARCSIFT_TEST_DNS" --sts-port "$port" \
		--sts-cafile "$tmp/ca.crt" --selector ed "$d.sts.test"
	expect "${d}_nourl" out 'sts|tls'
	grep -qi 'https:' "$tmp/${d}_nourl.out" &&
		fail "$d: check's text names an https: URL"
done
expect good_nourl out 'tls\.good\.sts\.test/v1 \(HTTPS\)'

# 7. No MTA-STS: fine when DANE covers every MX, a warning when nothing
# does; two TLS reporting records are as good as none.
check dane 1 dane.sts.test
status_is dane sts.record _mta-sts.dane.sts.test pass
status_is dane dane.tlsa mx.dane.sts.test pass
check nosts 1 nosts.sts.test
status_is nosts sts.record _mta-sts.nosts.sts.test warn
status_is nosts tlsrpt.record _smtp._tls.nosts.sts.test fail

# 8. The check kept for serve has them too (what the dashboard and alert
# read), and its status counts them.
newdb sts
run keep 1 check --db "$db" --dns-servers "$DMARCSIFT_TEST_DNS" \
	--sts-port "$port" --sts-cafile "$tmp/ca.crt" uncovered.sts.test
want kept "SELECT status, (SELECT count(*) FROM jsonb_array_elements(result->'items') i
	WHERE i->>'id' = 'sts.mx' AND i->>'status' = 'fail'),
	result #>> '{mta_sts,policy,mode}' FROM check_results" 'fail|1|enforce'

# 9. report's DNS health fetches policies as check does: with sts_port and
# sts_cafile from the settings (before, port 443 and the system's CAs).
# good.sts.test's mail as two reporters saw it yesterday, as files.
newdb sts_report
DMARCSIFT_NOW=$(date +%s)
export DMARCSIFT_NOW
mkdir "$tmp/in"
for org in google.com yahoo.com; do
	end=$((DMARCSIFT_NOW - 86400))
	cat >"$tmp/in/$org.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata><org_name>$org</org_name><email>r@$org</email>
    <report_id>sts-$org</report_id>
    <date_range><begin>$((end - 86400))</begin><end>$end</end></date_range>
  </report_metadata>
  <policy_published><domain>good.sts.test</domain><p>reject</p>
  </policy_published>
  <record>
    <row><source_ip>192.0.2.21</source_ip><count>100</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim>
        <spf>pass</spf></policy_evaluated></row>
    <identifiers><header_from>good.sts.test</header_from></identifiers>
    <auth_results>
      <dkim><domain>good.sts.test</domain><selector>ed</selector>
        <result>pass</result></dkim>
      <spf><domain>good.sts.test</domain><result>pass</result></spf>
    </auth_results>
  </record>
</feedback>
EOF
done
run report_ingest 0 ingest -q --db "$db" "$tmp/in"
printf 'sts_port = %s\nsts_cafile = %s\n' "$port" "$tmp/ca.crt" \
	>"$DMARCSIFT_CONFIG"
run report 0 report --db "$db" --dns-servers "$DMARCSIFT_TEST_DNS" \
	--format json
jqt report '[.domains[] | select(.domain == "good.sts.test") | .dns[] |
	select(.id == "sts.policy") | .status] == ["pass"]'
: >"$DMARCSIFT_CONFIG"

finish
