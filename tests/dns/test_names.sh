#!/bin/sh
# The names of sources through the real binary: `dmarcsift sources` looks
# up reverse DNS and then the network of the addresses left without a name
# (analyze/asn.c, called from cli/analysis_env.c), against a real dnsmasq
# serving tests/dns/zone.conf and a real PostgreSQL; --offline uses the
# cache only, and DNS trouble keeps the names known.
# usage: test_names.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), DMARCSIFT_TEST_DNS,
# DNSMASQ_DIR and DMARCSIFT_TEST_DNSMASQ (tests/harness/dnsmasq run), psql
bin=$1
. "$(dirname "$0")/../lib.sh"
need_server pg dnsmasq
no_settings
newdb test_names

# A report from yesterday: 203.0.113.96 (a network), .105 (nothing known),
# .107 (a confirmed PTR name, out.named.test).
end=$(($(date +%s) - 86400))
mkdir "$tmp/reports"
{
	cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata><org_name>Tester</org_name><email>r@tester.example</email>
    <report_id>names-1</report_id>
    <date_range><begin>$((end - 86400))</begin><end>$end</end></date_range>
  </report_metadata>
  <policy_published><domain>asn.test</domain><p>none</p></policy_published>
EOF
	for ip in 203.0.113.96 203.0.113.105 203.0.113.107; do
		cat <<EOF
  <record>
    <row><source_ip>$ip</source_ip><count>3</count>
      <policy_evaluated><disposition>none</disposition><dkim>fail</dkim>
        <spf>fail</spf></policy_evaluated></row>
    <identifiers><header_from>asn.test</header_from></identifiers>
    <auth_results>
      <spf><domain>asn.test</domain><result>fail</result></spf>
    </auth_results>
  </record>
EOF
	done
	echo "</feedback>"
} >"$tmp/reports/names-1.xml"
"$bin" ingest -q --db "$db" "$tmp/reports" || fail "ingest"

names_sql="SELECT string_agg(host(r.ip) || '=' || n.kind || ':' ||
	coalesce(n.who, '-'), ' ' ORDER BY r.ip)
	FROM (SELECT DISTINCT source_ip AS ip FROM records) r,
	LATERAL source_name(r.ip) n"
want_names='203.0.113.96=network:AS64500 EXAMPLE-NET (US) 203.0.113.105=unknown:- 203.0.113.107=ptr:named.test'

# sources NAME ARGS...: runs dmarcsift sources for asn.test; exit 0 wanted.
sources() {
	sr_name=$1
	shift
	"$bin" sources --db "$db" --domain asn.test --all "$@" \
		>"$tmp/$sr_name.out" 2>"$tmp/$sr_name.err" ||
		fail "$sr_name: exit $?: $(cat "$tmp/$sr_name.err")"
	if grep -Eq 'Sanitizer|runtime error' "$tmp/$sr_name.err"; then
		fail "$sr_name: sanitizer report"
		cat "$tmp/$sr_name.err" >&2
	fi
}

# 1. Online: .96 and .105 are asked (not .107, named by its PTR).
sources online --dns-servers "$DMARCSIFT_TEST_DNS"
grep -q 'networks' "$tmp/online.err" &&
	fail "online: a warning: $(cat "$tmp/online.err")"
[ "$(q "$names_sql")" = "$want_names" ] ||
	fail "online: names are '$(q "$names_sql")'"
[ "$(q "SELECT string_agg(host(ip) || ' ' || status, ', ' ORDER BY ip)
	FROM ip_owner")" = "203.0.113.96 ok, 203.0.113.105 nxdomain" ] ||
	fail "online: ip_owner holds $(q "SELECT string_agg(host(ip), ' ')
	FROM ip_owner")"
[ "$(q "SELECT asn || ' ' || status FROM as_names")" = "64500 ok" ] ||
	fail "online: as_names"

# 2. Offline, everything expired and the server gone: nothing is asked,
# the cache names the sources.
q "UPDATE ip_owner SET expires_at = now() - interval '1 second';
   UPDATE as_names SET expires_at = now() - interval '1 second';
   UPDATE rdns SET expires_at = now() - interval '1 second'" >/dev/null
"$DMARCSIFT_TEST_DNSMASQ" stop-server "$DNSMASQ_DIR" || exit 2
sources offline --offline --dns-servers "$DMARCSIFT_TEST_DNS"
grep -q 'networks\|reverse DNS' "$tmp/offline.err" &&
	fail "offline: said $(cat "$tmp/offline.err")"
[ "$(q "SELECT count(*) FROM ip_owner WHERE expires_at > now()")" = 0 ] ||
	fail "offline: looked up"
[ "$(q "$names_sql")" = "$want_names" ] ||
	fail "offline: names are '$(q "$names_sql")'"

# 3. Online with the server gone: a warning, exit 0, the names stay.
sources down --dns-servers "$DMARCSIFT_TEST_DNS" --dns-timeout 200
"$DMARCSIFT_TEST_DNSMASQ" start-server "$DNSMASQ_DIR" || exit 2
grep -q 'networks: 2 of 2 addresses and 0 of 0 AS names could not' \
	"$tmp/down.err" || fail "down: no warning: $(cat "$tmp/down.err")"
[ "$(q "SELECT string_agg(status, ' ' ORDER BY ip) FROM ip_owner")" = \
	"timeout timeout" ] || fail "down: not stored as timeouts"
[ "$(q "$names_sql")" = "$want_names" ] ||
	fail "down: names are '$(q "$names_sql")'"

finish "names: all passed"
