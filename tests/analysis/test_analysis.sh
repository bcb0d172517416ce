#!/bin/sh
# dmarcsift sources, advise and report on fixture reports with known
# answers, against a real PostgreSQL and a real dnsmasq serving
# tests/analysis/zone.conf (reverse DNS, published DMARC records).
# usage: test_analysis.sh DMARCSIFT GOLDEN_DIR
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), DMARCSIFT_TEST_DNS
# (tests/harness/dnsmasq run), SMTP_PLAIN_URL and SMTP_MAILDIR
# (tests/harness/smtp run), psql, jq.  DS_UPDATE_GOLDEN=1 rewrites the
# golden files instead of comparing.
bin=$1
golden=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg dnsmasq
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/gen.sh"
newdb analysis

day0=1772323200 # 2026-03-01
until=2026-03-21
# Every command runs at 06:00 UTC on the day after the fixtures' last day:
# its default period ends at that day's midnight.
export DMARCSIFT_NOW=2026-03-21T06:00:00Z
mkdir "$tmp/in"

# --- One record per cause, in verdict.h's order. ----------------------------
report "$tmp/in/causes.xml" google.com cause.test $day0 none \
	'192.0.2.1|1|cause.test|cause.test:pass|cause.test:pass|' \
	'192.0.2.2|1|cause.test|cause.test:fail||mailing_list' \
	'192.0.2.3|1|cause.test|||forwarded' \
	'192.0.2.4|1|cause.test||cause.test:fail|local_policy' \
	'192.0.2.5|1|cause.test|other.test:pass|cause.test:fail|' \
	'192.0.2.6|1|cause.test|cause.test:fail|bounce.other.test:softfail|' \
	'192.0.2.7|1|cause.test|esp.test:pass|esp.test:pass|' \
	'192.0.2.8|1|cause.test||bounce.esp.test:pass|' \
	'192.0.2.9|1|cause.test||cause.test:permerror|' \
	'192.0.2.11|1|cause.test|||' \
	'192.0.2.12|1|cause.test||cause.test:fail|' \
	'192.0.2.13|1|cause.test|||local_policy:arc=pass' \
	'192.0.2.14|1|sub.cause.test|cause.test:pass||'

# --- Readiness: ready, blocked by a named source, too young. ----------------
d=0
while [ $d -lt 20 ]; do
	t=$((day0 + d * 86400))
	report "$tmp/in/ready-$d.xml" google.com ready.test $t none \
		'192.0.2.10|500|ready.test|ready.test:pass|ready.test:pass|' \
		'198.51.100.7|10|ready.test||ready.test:fail|'
	report "$tmp/in/ready-y-$d.xml" yahoo.com ready.test $t none \
		'192.0.2.10|200|ready.test|ready.test:pass|ready.test:pass|'
	# SendGrid signs 30 of 100 with the domain's key, 70 with its own.
	report "$tmp/in/blocked-$d.xml" google.com blocked.test $t none \
		'192.0.2.30|500|blocked.test|blocked.test:pass|blocked.test:pass|' \
		'198.51.100.20|30|blocked.test|blocked.test:pass|sendgrid.net:pass|' \
		'198.51.100.20|70|blocked.test|sendgrid.net:pass|sendgrid.net:pass|' \
		'198.51.100.7|10|blocked.test|||'
	d=$((d + 1))
done
d=15
while [ $d -lt 20 ]; do
	report "$tmp/in/young-$d.xml" google.com young.test \
		$((day0 + d * 86400)) none \
		'192.0.2.40|100|young.test|young.test:pass|young.test:pass|'
	d=$((d + 1))
done

# Reports that begin at noon count for their own day.
d=14
while [ $d -lt 20 ]; do
	report "$tmp/in/noon-$d.xml" google.com noon.test \
		$((day0 + d * 86400 + 43200)) none \
		'192.0.2.50|10|noon.test|noon.test:pass|noon.test:pass|'
	d=$((d + 1))
done

run ingest 0 ingest --db "$db" -q "$tmp/in"
# Every record judged by the ingest itself.
[ "$(q "SELECT count(*) FROM records")" = \
	"$(q "SELECT count(*) FROM record_verdicts")" ] ||
	fail "ingest left records without a verdict"

# The causes, in order.
q "SELECT host(source_ip), cause FROM record_analysis
   WHERE domain = 'cause.test' ORDER BY idx" >"$tmp/causes"
cat >"$tmp/causes.want" <<'END'
192.0.2.1|none
192.0.2.2|mailing_list
192.0.2.3|forwarded
192.0.2.4|receiver_override
192.0.2.5|dkim_unaligned
192.0.2.6|dkim_fail
192.0.2.7|dkim_unaligned
192.0.2.8|spf_unaligned
192.0.2.9|spf_error
192.0.2.11|no_auth
192.0.2.12|auth_fail
192.0.2.13|forwarded
192.0.2.14|none
END
cmp -s "$tmp/causes" "$tmp/causes.want" ||
	{ fail "causes:"; diff "$tmp/causes.want" "$tmp/causes" >&2; }

# Classes of the cause.test sources: forwarders kept apart, spoofing.
q "SELECT host(source_ip), class FROM source_overview('cause.test',
   '2026-03-01', '2026-03-02') WHERE source_ip IN ('192.0.2.3',
   '192.0.2.11', '192.0.2.1', '192.0.2.7') ORDER BY 1" >"$tmp/classes"
printf '%s\n' '192.0.2.1|legitimate' '192.0.2.11|spoofing' \
	'192.0.2.3|forwarder' '192.0.2.7|unknown' >"$tmp/classes.want"
cmp -s "$tmp/classes" "$tmp/classes.want" ||
	{ fail "classes:"; diff "$tmp/classes.want" "$tmp/classes" >&2; }

# --- sources: names from DNS, then from the cache. --------------------------
run sources 0 sources --db "$db" --dns-servers "$DMARCSIFT_TEST_DNS" \
	--domain blocked.test --since 14d --until $until
golden "$golden" sources-blocked.txt "$tmp/sources.out"
run sources_json 0 sources --db "$db" --offline --domain blocked.test \
	--since 14d --until $until --json
jqt sources_json '.sources | length == 2'
jqt sources_json '.sources[0] | .ip == "198.51.100.20" and
	.class == "legitimate" and .service == "SendGrid" and
	.ptr == "o1.ptr4321.sendgrid.net" and .failed == 980 and
	.cause == "dkim_unaligned" and (.fix | length > 10)'
jqt sources_json '.sources[1] | .ip == "198.51.100.7" and
	.class == "spoofing" and .ptr == null and .cause == "no_auth"'
[ "$(q "SELECT count(*) FROM rdns WHERE status = 'ok' AND confirmed")" \
	-ge 1 ] || fail "rdns: no confirmed name cached"
run sources_all 0 sources --db "$db" --offline --domain BLOCKED.test. \
	--since 14d --until $until --all --json
jqt sources_all '.sources | length == 3'

# --- advise: the three outcomes. --------------------------------------------
run advise_ready 0 advise --db "$db" --dns-servers "$DMARCSIFT_TEST_DNS" \
	--domain ready.test --until $until --json
jqt advise_ready '.ready == true and .step_now == 0'
jqt advise_ready '.next_record | test("p=quarantine") and test("t=y") and
	test("pct=0") and test("rua=mailto:dmarc@ready.test") and
	test("fo=1")'
run advise_blocked 1 advise --db "$db" --offline --domain blocked.test \
	--until $until --what-if reject
golden "$golden" advise-blocked.txt "$tmp/advise_blocked.out"
run advise_blocked_json 1 advise --db "$db" --offline \
	--domain blocked.test --until $until --json --what-if reject
jqt advise_blocked_json '.ready == false'
jqt advise_blocked_json '[.reasons[] | select(.blocks) | .code] ==
	["pass_rate", "sources"]'
jqt advise_blocked_json '.reasons[] | select(.code == "sources") |
	.text | test("198.51.100.20") or test("SendGrid")'
jqt advise_blocked_json '.failing_senders[0] | .who == "SendGrid" and
	.blocks and .class == "legitimate" and
	.sources[0].ip == "198.51.100.20"'
jqt advise_blocked_json '.whatif.affected.legitimate == 980 and
	.whatif.affected.spoofing == 140'
# The same numbers from SQL.
q "SELECT messages, legit_messages, legit_passed FROM
   readiness_inputs('blocked.test', 14, '2026-03-21')" >"$tmp/sql"
jq -r '.evidence | "\(.messages)|\(.legit_messages)|\(.legit_passed)"' \
	"$tmp/advise_blocked_json.out" >"$tmp/cli"
cmp -s "$tmp/sql" "$tmp/cli" ||
	fail "advise and readiness_inputs() differ: $(cat "$tmp/sql") vs $(cat "$tmp/cli")"
run advise_young 1 advise --db "$db" --offline --domain young.test \
	--until $until --json
jqt advise_young '.ready == false and
	([.reasons[] | select(.blocks) | .code] == ["data"])'
# A domain with no reports at all is an error that names the ones there are.
run advise_none 2 advise --db "$db" --offline --domain nothing.test \
	--until $until --json
grep -q 'no reports about nothing.test are stored; domains with reports: ' \
	"$tmp/advise_none.err" || fail "advise_none: $(cat "$tmp/advise_none.err")"
[ -s "$tmp/advise_none.out" ] && fail "advise_none: printed a verdict"
# A period without reports says where they are.
run advise_early 1 advise --db "$db" --offline --domain ready.test \
	--until 2026-01-01
grep -q 'no reports about ready.test from 2025-12-18 to 2025-12-31; the earliest begins 2026-03-01' \
	"$tmp/advise_early.err" || fail "advise_early: $(cat "$tmp/advise_early.err")"
run advise_late 1 advise --db "$db" --offline --domain ready.test \
	--until 2026-06-01
grep -q 'the latest ends 2026-03-20: try --until 2026-03-21' \
	"$tmp/advise_late.err" || fail "advise_late: $(cat "$tmp/advise_late.err")"
# The default period ends at the last complete day (DMARCSIFT_NOW's
# midnight): the same verdict as --until.
run advise_default 0 advise --db "$db" --offline --domain ready.test --json
jqt advise_default '.ready == true and .period.until == "2026-03-21T00:00:00Z"'

# --- report: every format, from the same database. --------------------------
# The owner's domains named (the setting domains): by the rule, only
# ready.test would be, the one with two reporters (below).
own=blocked.test,ready.test,young.test
for f in text markdown json html; do
	run report_$f 0 report --db "$db" --offline --until $until \
		--period week --format $f --domains $own
	golden "$golden" report.$f "$tmp/report_$f.out"
done
for t in days sources reporters refused; do
	run report_csv_$t 0 report --db "$db" --offline --until $until \
		--format csv --table $t --domains $own
	golden "$golden" report-$t.csv "$tmp/report_csv_$t.out"
done
# noon.test, 55 messages over the two weeks, is not named: foreign, and
# nothing more.
jqt report_json '[.domains[].domain] == ["blocked.test", "ready.test",
	"young.test"]'
jqt report_json '.foreign | .domains == [{"domain": "noon.test",
	"messages": 55}] and .more == 0 and .messages == 55'
# Without the setting, the rule (owned_domains(), sql/021): 2 or more
# reporters and 100 or more messages over the two weeks 03-07 to 03-20.
# ready.test has google.com and yahoo.com; blocked.test (610 a day, 14
# days: 8540) and young.test (100 a day from 03-16: 500) one reporter each,
# as noon.test.
run report_rule 0 report --db "$db" --offline --until $until --format json
jqt report_rule '[.domains[].domain] == ["ready.test"]'
jqt report_rule '.foreign | .domains == [{"domain": "blocked.test",
	"messages": 8540}, {"domain": "young.test", "messages": 500},
	{"domain": "noon.test", "messages": 55}] and .more == 0 and
	.messages == 9095'
run report_noon 0 report --db "$db" --offline --until $until \
	--domain noon.test --format json
jqt report_noon '.domains[0].reporters[0] | .days == "0111111" and
	.days_covered == 6'
# The setting names the owner's domains: noon.test is one, blocked.test
# not; a domain of the list without reports is listed too.
run report_owned 0 report --db "$db" --offline --until $until \
	--domains 'noon.test, ready.test,quiet.test' --format json
jqt report_owned '[.domains[].domain] == ["noon.test", "quiet.test",
	"ready.test"] and ([.foreign.domains[].domain] | sort) ==
	["blocked.test", "young.test"]'
run report_bad_owned 2 report --db "$db" --offline --until $until \
	--domains 'a b.test'
# An empty period is a report, not an error.
run report_empty 0 report --db "$db" --offline --until 2020-01-01
run report_one 0 report --db "$db" --domain young.test --offline \
	--until $until --format json
jqt report_one '.domains | length == 1'
# With DNS: the health section.
run report_dns 0 report --db "$db" --dns-servers "$DMARCSIFT_TEST_DNS" \
	--domain ready.test --until $until --format json
jqt report_dns '.domains[0].dns | length > 0'
# Each domain's check is kept for serve, as `dmarcsift check` keeps it.
want report_dns_kept "SELECT count(*), bool_and(checked_by = current_user)
	FROM check_results WHERE domain = 'ready.test'" "1|t"
# A role that may only read: the same report and exit status, and one
# warning for all the domains it could not keep.
q "DO \$\$ BEGIN CREATE ROLE report_ro LOGIN; EXCEPTION WHEN
	duplicate_object THEN NULL; END \$\$;
	GRANT CONNECT ON DATABASE analysis TO report_ro;
	GRANT USAGE ON SCHEMA public TO report_ro;
	GRANT SELECT ON ALL TABLES IN SCHEMA public TO report_ro" >/dev/null ||
	fail "report_ro: cannot make the role"
run report_dns_ro 0 report --db "$db user=report_ro" \
	--dns-servers "$DMARCSIFT_TEST_DNS" --until $until --format json \
	--domains $own
jqt report_dns_ro '[.domains[] | select(.dns | length > 0)] | length > 1'
eq "report_dns_ro: one warning" \
	"$(grep -c 'may not write check_results' "$tmp/report_dns_ro.err")" 1

# Mailed: one mail with both parts, through a real SMTP server.
run report_mail 0 report --db "$db" --offline --until $until --domains $own \
	--mail-to postmaster@ready.test,second@ready.test \
	--smtp-url "$SMTP_PLAIN_URL" --smtp-allow-plain --smtp-from dmarc@ready.test
m="$SMTP_MAILDIR/000001.eml"
if [ ! -f "$m" ]; then
	fail "report_mail: no mail arrived"
else
	grep -q '^Content-Type: multipart/alternative' "$m" ||
		fail "report_mail: not multipart/alternative"
	grep -q '^Content-Type: text/html' "$m" || fail "report_mail: no HTML part"
	grep -q '^Subject: DMARC report, 3 domains' "$m" ||
		fail "report_mail: subject: $(grep '^Subject' "$m")"
	[ "$(grep -c '^to' "$SMTP_MAILDIR/000001.env")" = 2 ] ||
		fail "report_mail: not sent to both recipients"
fi
run report_nomail 2 report --db "$db" --offline --until $until --mail

# Bad arguments say so and exit 2.
run bad_domain 2 sources --db "$db" --domain 'a b'
run bad_period 2 report --db "$db" --period 0d
run bad_whatif 2 advise --db "$db" --domain ready.test --what-if drop
run bad_trusted 2 sources --db "$db" --domain ready.test --offline \
	--trusted-sources 192.0.2.0/99
run bad_trusted_ip 2 sources --db "$db" --domain ready.test --offline \
	--trusted-sources 'SendGrid, 10.0.0.256'
run good_trusted 0 sources --db "$db" --domain ready.test --offline \
	--trusted-sources 'SendGrid, 192.0.2.0/24, 2001:db8::1' --until $until
run bad_until 2 report --db "$db" --offline --until 2026-02-31
# A service name neither list knows is refused, with the closest one.
run bad_service 2 advise --db "$db" --offline --domain ready.test \
	--trusted-sources SendGird
grep -q "trusted_sources: 'SendGird' is not a service dmarcsift knows; did you mean 'SendGrid'?" \
	"$tmp/bad_service.err" || fail "bad_service: $(cat "$tmp/bad_service.err")"
run both_lists 2 advise --db "$db" --offline --domain ready.test \
	--trusted-sources SendGrid --ignored-sources sendgrid
run any_case 0 sources --db "$db" --offline --domain blocked.test \
	--until $until --ignored-sources sendgrid --json
jqt any_case '.sources[] | select(.ip == "198.51.100.20") | .class == "ignored"' 

finish "analysis: all passed"
