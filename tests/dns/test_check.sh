#!/bin/sh
# dmarcsift check against a real dnsmasq serving tests/dns/zone.conf and a
# real PostgreSQL holding reports written here.
# usage: test_check.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), DMARCSIFT_TEST_DNS,
# DNSMASQ_DIR and DMARCSIFT_TEST_DNSMASQ (tests/harness/dnsmasq run), psql, jq
bin=$1
. "$(dirname "$0")/../lib.sh"
need_server pg dnsmasq
dns=$DMARCSIFT_TEST_DNS
no_settings

# check NAME WANT_STATUS ARGS...: run NAME WANT_STATUS check ARGS with the
# test server.
check() {
	ck_name=$1 ck_want=$2
	shift 2
	run "$ck_name" "$ck_want" check --dns-servers "$dns" "$@"
}

# status NAME ID SUBJECT: the status of item ID about SUBJECT ("" if none,
# several lines if several).
status() {
	jq -r --arg id "$2" --arg s "$3" \
		'.items[] | select(.id == $id and .subject == $s) | .status' \
		"$tmp/$1.out" 2>/dev/null
}

status_is() { # status_is NAME ID SUBJECT STATUS
	got=$(status "$1" "$2" "$3")
	[ "$got" = "$4" ] || fail "$1: $2 $3 is '$got', want '$4'"
}

# Reports.  rec IP COUNT HEADER_FROM DKIM_D SELECTOR DKIM_RESULT SPF_D
# SPF_RESULT writes one record; report ORG ID DOMAIN DAYS_AGO POLICY
# wraps the records in $tmp/recs.
now=$(date +%s)
# The commands' clock is the one the reports were dated by, so the period's
# last day is known here even when the test runs across midnight.
export DMARCSIFT_NOW=$now
today=$(date -u -d "@$now" +%F)
rec() {
	pe_dkim=fail pe_spf=fail
	[ "$6" = pass ] && pe_dkim=pass
	[ "$8" = pass ] && pe_spf=pass
	cat >>"$tmp/recs" <<EOF
  <record>
    <row><source_ip>$1</source_ip><count>$2</count>
      <policy_evaluated><disposition>none</disposition><dkim>$pe_dkim</dkim>
        <spf>$pe_spf</spf></policy_evaluated></row>
    <identifiers><header_from>$3</header_from></identifiers>
    <auth_results>
      <dkim><domain>$4</domain><selector>$5</selector><result>$6</result></dkim>
      <spf><domain>$7</domain><scope>mfrom</scope><result>$8</result></spf>
    </auth_results>
  </record>
EOF
}
report() {
	end=$((now - $4 * 86400))
	begin=$((end - 86400))
	{
		cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata><org_name>$1</org_name><email>r@$1.example</email>
    <report_id>$2</report_id>
    <date_range><begin>$begin</begin><end>$end</end></date_range>
  </report_metadata>
  <policy_published><domain>$3</domain>$5</policy_published>
EOF
		cat "$tmp/recs"
		echo "</feedback>"
	} >"$tmp/reports/$2.xml"
	: >"$tmp/recs"
}
mkdir "$tmp/reports"
: >"$tmp/recs"

# 1. A good domain, DNS only: every item passes, exit 0; text and JSON.
check good 0 --no-db --selector s2048 --selector ed --ip 192.0.2.10 good.test
grep -q '^24 pass, 0 warn, 0 fail, 0 dnserror$' "$tmp/good.out" ||
	fail "good: counts line: $(tail -1 "$tmp/good.out")"
grep -q 'fix:' "$tmp/good.out" && fail "good: a fix where all passed"
esc=$(printf '\033')
grep -q "$esc" "$tmp/good.out" && fail "good: colour codes in a pipe"
grep -q '^  SPF authorises: 192.0.2.0/25, 2001:db8:1::/48, .*198.51.100.0/24 (_spf.good.test)$' \
	"$tmp/good.out" || fail "good: the networks SPF authorises"
check good_json 0 --no-db --json --selector s2048 --selector ed \
	--ip 192.0.2.10 good.test
jqt good_json '.domain == "good.test" and .status == "pass"'
jqt good_json '.counts == {"pass": 24, "warn": 0, "fail": 0, "dnserror": 0}'
jqt good_json '.reports == {"read": false, "days": 30, "last_day": "'"$today"'",
	"count": null}'
jqt good_json '[.items[] | keys] | unique == [["fix", "id", "status",
	"subject", "text"]]'
jqt good_json 'all(.items[]; .status == "pass" and .fix == null)'
jqt good_json '[.items[].id] | unique == ["dane.tlsa", "dkim.key",
	"dkim.record", "dkim.syntax", "dmarc.policy", "dmarc.record",
	"dmarc.rua", "dmarc.syntax", "mx.host", "mx.record", "ptr.fcrdns",
	"ptr.generic", "ptr.record", "spf.all", "spf.lookups", "spf.record",
	"spf.syntax", "spf.void", "sts.record", "tlsrpt.record",
	"tlsrpt.syntax"]'
# Mail to it: DANE instead of MTA-STS, TLS reports asked for.
jqt good_json '.dane == {"mx_hosts": 1, "with_tlsa": 1} and .mta_sts == null'
jqt good_json '.selectors == [{"selector": "s2048", "from": "option",
	"messages": 0, "failed": 0}, {"selector": "ed", "from": "option",
	"messages": 0, "failed": 0}]'
jqt good_json '.ips == [{"ip": "192.0.2.10", "from": "option"}]'
jqt good_json '.ips_not_checked == 0 and .sources == []'
jqt good_json '.spf_networks[0] == {"network": "192.0.2.0/25",
	"via": "good.test"}'
jqt good_json '.policy == {"published": {"record": "_dmarc.good.test",
	"p": "reject", "sp": null, "adkim": "s", "aspf": "r", "pct": null},
	"reported": null}'
# The multi-string key record was joined: it parses, 2048 bits.
status_is good_json dkim.key s2048._domainkey.good.test pass

# 2. The good domain with its reports: the selector and the sending
# address come from the database; what receivers saw agrees.
newdb check_good
rec 192.0.2.10 5 good.test good.test s2048 pass good.test pass
report google.example g-1 good.test 2 \
	'<adkim>s</adkim><aspf>r</aspf><p>reject</p><sp>reject</sp><pct>100</pct>'
rec 192.0.2.10 3 good.test good.test s2048 pass good.test pass
report yahoo.example y-1 good.test 5 '<adkim>s</adkim><p>reject</p>'
"$bin" ingest -q --db "$db" "$tmp/reports" || fail "good db: ingest"
rm -f "$tmp/reports"/*
check good_db 0 --db "$db" --json good.test
jqt good_db '.status == "pass" and .reports == {"read": true, "days": 30,
	"last_day": "'"$today"'", "count": 2}'
jqt good_db '.selectors == [{"selector": "s2048", "from": "reports",
	"messages": 8, "failed": 0}]'
jqt good_db '.ips == [{"ip": "192.0.2.10", "from": "reports"}]'
jqt good_db '.sources == [{"ip": "192.0.2.10", "messages": 8, "passed": 8,
	"dkim_aligned": 8, "spf": "pass", "spf_uncertain": false}]'
jqt good_db '.policy.reported.p == [{"value": "reject", "reports": 2}]'
jqt good_db '.policy.reported.aspf | sort_by(.reports) == [{"value": "r",
	"reports": 1}, {"value": null, "reports": 1}]'
status_is good_db dkim.key s2048._domainkey.good.test pass
status_is good_db ptr.fcrdns 192.0.2.10 pass
status_is good_db reports.policy _dmarc.good.test pass
status_is good_db reports.spf good.test pass
status_is good_db reports.dkim good.test pass
# An --ip and a --selector the reports also name count once.
check good_both 0 --db "$db" --json --ip 192.0.2.10 --selector S2048 good.test
jqt good_both '.ips == [{"ip": "192.0.2.10", "from": "both"}] and
	.selectors[0].from == "both" and (.selectors | length) == 1'

# The check is kept for serve (sql/019): the object it printed, its
# status, who checked; the next check of the domain replaces it.
kept() { # kept NAME: the stored object of good.test in $tmp/NAME.out
	q "SELECT result FROM check_results WHERE domain = 'good.test'" \
		>"$tmp/$1.out"
}
kept good_kept
eq "good_both kept" "$(jq -cS . "$tmp/good_kept.out")" \
	"$(jq -cS . "$tmp/good_both.out")"
want good_kept_row "SELECT count(*), min(status), bool_and(checked_by =
	current_user), bool_and(checked_at > now() - interval '5 minutes')
	FROM check_results" "1|pass|t|t"
# A role that may only read (sql/README.md, Roles): the check runs, says
# it could not keep its result, and the one kept before stays.
q "DO \$\$ BEGIN CREATE ROLE check_ro LOGIN; EXCEPTION WHEN
	duplicate_object THEN NULL; END \$\$;
	GRANT CONNECT ON DATABASE check_good TO check_ro;
	GRANT USAGE ON SCHEMA public TO check_ro;
	GRANT SELECT ON ALL TABLES IN SCHEMA public TO check_ro" >/dev/null ||
	fail "check_ro: cannot make the role"
check good_ro 0 --db "$db user=check_ro" --json good.test
expect good_ro err 'may not write check_results'
kept good_ro_kept
eq "good_ro: the check kept before stays" \
	"$(jq -c '.ips' "$tmp/good_ro_kept.out")" \
	'[{"ip":"192.0.2.10","from":"both"}]'
# DNS only: nothing is kept.
check good_nodb 0 --no-db --db "$db" --json --selector s2048 good.test
kept good_nodb_kept
jqt good_nodb_kept '.reports.read == true'

# A subdomain's mail sits in its parent's reports (the policy of a From
# domain is its own or an ancestor's): its check finds it there, and does
# not read the reports of unrelated domains, one of which names it here by
# a reporter's mistake (before, every domain's records were read).
rec 192.0.2.20 4 mail.good.test good.test s2048 pass good.test pass
report google.example g-sub good.test 2 '<p>reject</p>'
rec 192.0.2.21 9 mail.good.test good.test s2048 pass good.test pass
report google.example g-odd other.test 2 '<p>none</p>'
"$bin" ingest -q --db "$db" "$tmp/reports" || fail "good sub: ingest"
rm -f "$tmp/reports"/*
check good_sub '!2' --db "$db" --json mail.good.test
jqt good_sub '.reports.count == 1 and
	[.sources[] | {ip, messages}] == [{"ip": "192.0.2.20", "messages": 4}]'

# 3. A broken domain: two DMARC records, SPF over 10 lookups, a 1024-bit
# key, a missing selector; the selectors come from its reports.
newdb check_bad
rec 192.0.2.10 4 checkbad.test checkbad.test k1024 pass checkbad.test pass
rec 192.0.2.10 2 checkbad.test checkbad.test gone fail checkbad.test pass
report google.example b-1 checkbad.test 1 '<p>none</p>'
"$bin" ingest -q --db "$db" "$tmp/reports" || fail "bad: ingest"
rm -f "$tmp/reports"/*
check bad 1 --db "$db" --json checkbad.test
jqt bad '.status == "fail" and .counts.fail >= 3 and .counts.warn >= 2'
status_is bad dmarc.record _dmarc.checkbad.test fail
status_is bad spf.lookups checkbad.test fail
status_is bad dkim.key k1024._domainkey.checkbad.test warn
status_is bad dkim.record gone._domainkey.checkbad.test fail
status_is bad reports.dkim gone._domainkey.checkbad.test warn
jqt bad '.items[] | select(.id == "dmarc.record") | .text |
	test("2 DMARC records")'
jqt bad '.items[] | select(.id == "spf.lookups") | .text | test("^12 ")'
jqt bad '.items[] | select(.id == "dkim.record" and .status == "fail") |
	.fix | test("^publish TXT gone._domainkey.checkbad.test ")'
jqt bad '[.selectors[].selector] | sort == ["gone", "k1024"]'
jqt bad '.policy.published == null'
# No policy to compare with: no reports.policy item.
jqt bad '[.items[] | select(.id == "reports.policy")] == []'
# The same in text, DNS only, with the selectors given: fixes shown.
check bad_text 1 --no-db --selector k1024 --selector gone checkbad.test
grep -q '^  fail     dmarc.record    _dmarc.checkbad.test: 2 DMARC records' \
	"$tmp/bad_text.out" || fail "bad text: the dmarc.record line"
grep -q '^                           fix: keep exactly one v=DMARC1 TXT record$' \
	"$tmp/bad_text.out" || fail "bad text: the fix line"
grep -q '^  warn     dkim.key        k1024._domainkey.checkbad.test: ' \
	"$tmp/bad_text.out" || fail "bad text: the dkim.key line"

# 4. Drift, uncovered sources, failing selectors; the period.
newdb check_drift
for org in a b c; do
	rec 203.0.113.9 4 drift.test drift.test sel1 pass drift.test fail
	rec 198.18.0.7 2 drift.test drift.test sel1 fail drift.test pass
	rec 192.0.2.200 1 drift.test spoof.example x1 pass spoof.example fail
	report $org.example d-$org drift.test 3 '<p>none</p><pct>50</pct>'
done
rec 203.0.113.9 1 drift.test drift.test sel1 pass drift.test fail
report d.example d-d drift.test 1 '<p>reject</p><adkim>r</adkim><pct>100</pct>'
# 70 days old: outside the default period.
rec 192.0.2.99 9 drift.test drift.test old pass drift.test pass
report e.example d-old drift.test 70 '<p>quarantine</p>'
"$bin" ingest -q --db "$db" "$tmp/reports" || fail "drift: ingest"
rm -f "$tmp/reports"/*
check drift 1 --db "$db" --json drift.test
jqt drift '.reports.count == 4 and .sources_not_listed == 0'
jqt drift '.selectors == [{"selector": "sel1", "from": "reports",
	"messages": 19, "failed": 6}]'
jqt drift '.ips == [{"ip": "203.0.113.9", "from": "reports"},
	{"ip": "198.18.0.7", "from": "reports"}]'
jqt drift '[.sources[].ip] == ["192.0.2.200", "198.18.0.7", "203.0.113.9"]'
jqt drift '.sources[] | select(.ip == "203.0.113.9") | .passed == 13 and
	.dkim_aligned == 13 and .spf == "fail"'
jqt drift '.sources[] | select(.ip == "192.0.2.200") | .passed == 0'
status_is drift dkim.key sel1._domainkey.drift.test pass
status_is drift ptr.record 203.0.113.9 pass
status_is drift ptr.generic 203.0.113.9 pass
status_is drift ptr.generic 198.18.0.7 warn
status_is drift reports.spf 203.0.113.9 warn
status_is drift reports.dkim sel1._domainkey.drift.test warn
jqt drift '[.items[] | select(.id == "reports.policy") | .status] ==
	["warn", "warn"]'
jqt drift '[.items[] | select(.id == "reports.policy") | .text] == [
	"p=reject is published, but 3 of 4 reports of the 30 days to '"$today"' say otherwise: p=none in 3",
	"pct=100 (by default) is published, but 3 of 4 reports of the 30 days to '"$today"' say otherwise: pct=50 in 3"]'
jqt drift '.policy.reported.p | sort_by(.value) == [{"value": "none",
	"reports": 3}, {"value": "reject", "reports": 1}]'
jqt drift '.policy.published.record == "_dmarc.drift.test" and
	.policy.published.p == "reject"'
# An earlier end: the period is named by its days, not "the last 30 days"
# (issue 12 item 10). --until ends the period before the day before
# yesterday: the report of 1 day ago (d-d) is out, the 3 of 3 days ago in,
# and the last day is 3 days ago.
until=$(date -u -d "@$((now - 2 * 86400))" +%F)
last=$(date -u -d "@$((now - 3 * 86400))" +%F)
check drift_until 1 --db "$db" --json --until "$until" drift.test
jqt drift_until '.reports == {"read": true, "days": 30, "last_day":
	"'"$last"'", "count": 3}'
jqt drift_until '[.items[] | select(.id == "reports.policy") | .text] == [
	"p=reject is published, but 3 of 3 reports of the 30 days to '"$last"' say otherwise: p=none in 3",
	"pct=100 (by default) is published, but 3 of 3 reports of the 30 days to '"$last"' say otherwise: pct=50 in 3"]'
check drift_until_text 1 --db "$db" --until "$until" drift.test
head -1 "$tmp/drift_until_text.out" | grep -qx \
	"drift.test: 3 reports from the 30 days to $last" ||
	fail "drift until: $(head -1 "$tmp/drift_until_text.out")"
# A longer period takes the old report in.
check drift_days 1 --db "$db" --json --days 100 drift.test
jqt drift_days '.reports.count == 5 and
	([.selectors[].selector] | sort) == ["old", "sel1"]'
jqt drift_days '[.ips[].ip] | index("192.0.2.99") != null'
# A stranger's reports each with another policy: the 64 most reports show
# are compared and listed, not every one of them (each was looked for
# among all those seen before): p=none (3 reports), then of those of one
# report by name p=reject and x00 to x61 of the 70.
i=0
while [ $i -lt 70 ]; do
	n=$(printf '%02d' $i)
	rec 203.0.113.9 1 drift.test drift.test sel1 pass drift.test pass
	report "f$n" "flood-$n" drift.test 5 "<p>x$n</p>"
	i=$((i + 1))
done
"$bin" ingest -q --db "$db" "$tmp/reports" || fail "policy flood: ingest"
rm -f "$tmp/reports"/*
check policy_flood 1 --db "$db" --json drift.test
jqt policy_flood '.reports.count == 74 and (.policy.reported.p
	| length == 64 and all(.[]; .reports == 1 or .reports == 3)
	and ([.[].value] | index("x61") != null and index("x62") == null
	     and index("reject") != null))'
# No report for the domain in the period: said, and nothing compared.
check none_db 1 --db "$db" --json --selector s2048 good.test
status_is none_db reports.data good.test warn
jqt none_db '[.items[] | select(.id | startswith("reports."))] | length == 1'
jqt none_db '.reports.count == 0 and .ips == []'
check none_sel 1 --no-db --json good.test
status_is none_sel dkim.selectors good.test warn

# Many sources: check holds at most 10000 (CHECK_MAX_SOURCES), the one
# that passed first, and counts the rest; a month of a large domain names
# millions. 10004 spoofed addresses (1 message each) and one passing
# source (5 messages, DKIM aligned): 10005 in all, 5 not listed.
drift_db=$db
newdb check_many
awk 'BEGIN { for (i = 0; i < 10004; i++)
	printf "<record><row><source_ip>10.%d.%d.%d</source_ip><count>1</count>" \
	    "<policy_evaluated><disposition>none</disposition><dkim>fail</dkim>" \
	    "<spf>fail</spf></policy_evaluated></row><identifiers><header_from>" \
	    "good.test</header_from></identifiers><auth_results><spf><domain>" \
	    "good.test</domain><result>fail</result></spf></auth_results>" \
	    "</record>\n", int(i / 65536), int(i / 256) % 256, i % 256 }' \
	>"$tmp/recs"
rec 192.0.2.10 5 good.test good.test s2048 pass good.test pass
report many.example m-1 good.test 2 '<p>reject</p>'
"$bin" ingest -q --db "$db" "$tmp/reports" || fail "many: ingest"
rm -f "$tmp/reports"/*
check many 0 --db "$db" --json good.test
jqt many '.sources | length == 10000'
jqt many '.sources_not_listed == 5'
jqt many '[.sources[] | select(.ip == "192.0.2.10")] == [{"ip": "192.0.2.10",
	"messages": 5, "passed": 5, "dkim_aligned": 5, "spf": "pass",
	"spf_uncertain": false}]'
jqt many '.ips == [{"ip": "192.0.2.10", "from": "reports"}]'
db=$drift_db

# 5. Settings: dns_servers from a config file, --nameserver, --dns-timeout.
printf 'dns_servers = %s\ndns_timeout = 500\n' "$dns" >"$tmp/dns.conf"
"$bin" check --config "$tmp/dns.conf" --no-db --selector s2048 \
	--ip 192.0.2.10 good.test >/dev/null 2>&1 ||
	fail "config: dns_servers from the file"
"$bin" check --nameserver "$dns" --dns-timeout 800 --no-db \
	--selector s2048 --ip 192.0.2.10 good.test >/dev/null 2>&1 ||
	fail "--nameserver"
[ "$("$bin" config --config "$tmp/dns.conf" dns_timeout)" = 500 ] ||
	fail "config: dns_timeout"

# 6. The server gone: every item is dnserror, none says a record is missing.
"$DMARCSIFT_TEST_DNSMASQ" stop-server "$DNSMASQ_DIR" || fail "stop-server"
check down 1 --no-db --json --dns-timeout 200 --selector s2048 \
	--ip 192.0.2.10 good.test
jqt down '.status == "dnserror" and (.items | length) >= 5'
jqt down 'all(.items[]; .status == "dnserror")'
jqt down '[.items[].id] | sort == ["dkim.record", "dmarc.record",
	"mx.record", "ptr.record", "spf.record"]'
grep -Eiq 'no (DMARC|SPF|DKIM|MX|PTR)|missing|does not exist' \
	"$tmp/down.out" && fail "down: trouble reported as a missing record"
check down_db 1 --db "$db" --json --dns-timeout 200 drift.test
jqt down_db '[.items[] | select(.id | startswith("reports.") | not) |
	.status] | unique == ["dnserror"]'
jqt down_db '[.items[] | select(.id == "reports.policy" or
	.id == "reports.spf")] == []'
"$DMARCSIFT_TEST_DNSMASQ" start-server "$DNSMASQ_DIR" || fail "start-server"

# 7. Could not run: exit 2, and a word on stderr.
for d in 'bad..domain' 'exa mple.test' '192.0.2.1' '' 'd\303\251j\303\240.test'; do
	check usage 2 --no-db "$(printf "$d")"
	[ -s "$tmp/usage.err" ] || fail "usage: '$d' refused without a word"
done
check usage 2 --no-db
check usage 2 --no-db good.test drift.test
check usage 2 --no-db --ip 300.1.2.3 good.test
check usage 2 --no-db --selector 'a b' good.test
check usage 2 --no-db --days 0 good.test
check usage 2 --no-db --dns-servers 'not a server!' good.test
grep -q 'dns_servers (--dns-servers)' "$tmp/usage.err" ||
	fail "usage: the bad server list is not named: $(cat "$tmp/usage.err")"
check usage 2 --db "host=$tmp port=1" good.test
"$bin" check --help >"$tmp/help" 2>&1 || fail "help: exit $?"
grep -q 'dns_timeout = 3000' "$tmp/help" || fail "help: the DNS settings"

# Each TXT query for the DMARC record is sent once (issue 18: the findings
# and the policy compared with the reports come from one lookup), as
# dnsmasq's log of queries says: _dmarc.DOMAIN, and for a subdomain with no
# record of its own, _dmarc.ORGDOMAIN.
dnslog=${DNSMASQ_DIR:?run me through tests/harness/dnsmasq run}/dnsmasq.log
queries() {
	grep -ci "query\[TXT\] $1 from" "$dnslog"
}
# once NAME BEFORE: NAME was asked once more than BEFORE times, no more.
once() {
	on_n=0
	while [ "$on_n" -lt 50 ] && [ "$(queries "$1")" -le "$2" ]; do
		sleep 0.1
		on_n=$((on_n + 1))
	done
	sleep 0.3 # dnsmasq writes its log as it goes: a second one would show
	[ "$(queries "$1")" -eq $(($2 + 1)) ] ||
		fail "queries: $1 asked $(($(queries "$1") - $2)) times, want 1"
}
q_own=$(queries _dmarc.good.test)
"$bin" check --dns-servers "$dns" --no-db good.test >/dev/null 2>&1
once _dmarc.good.test "$q_own"
q_own=$(queries _dmarc.nodmarc.good.test)
q_org=$(queries _dmarc.good.test)
"$bin" check --dns-servers "$dns" --no-db nodmarc.good.test >/dev/null 2>&1
once _dmarc.nodmarc.good.test "$q_own"
once _dmarc.good.test "$q_org"

finish "all checks passed"
