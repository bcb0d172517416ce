#!/bin/sh
# Scenario tests for readiness a domain owner can follow (issue 12): the
# real binary on fixture reports, against a real PostgreSQL and a real
# dnsmasq serving tests/analysis/scenarios.zone.  Every expected number is
# derived here by hand from the fixtures (shell arithmetic, or a constant
# with its derivation), never copied from a dmarcsift run.  Each scenario
# has a domain of its own in one database.
# usage: test_scenarios.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), DMARCSIFT_TEST_DNS
# (tests/harness/dnsmasq run), psql, jq.
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg dnsmasq
need psql jq
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/gen.sh"
newdb scenarios

# The clock: every command runs on 2026-04-01, so the default period ends
# at 2026-04-01T00:00:00Z and the last complete day is 2026-03-31.
# 2026-03-01 is 1772323200; March has 31 days: +31*86400.
now=$((1772323200 + 31 * 86400)) # 1775001600, 2026-04-01T00:00:00Z
export DMARCSIFT_NOW=2026-04-01
DAY=86400
# dayb N: the start of the day N days before now (1: yesterday).
dayb() { echo $((now - $1 * DAY)); }
mkdir "$tmp/in"
in=$tmp/in
# daily N NAME DOMAIN P RECORD...: google.com's daily reports for the N
# days before now (the last one yesterday), $in/NAME-DAY.xml, each of
# policy p=P with the same RECORDs (gen.sh's report).
daily() {
	dl_n=$1 dl_name=$2 dl_dom=$3 dl_p=$4
	shift 4
	dl_d=1
	while [ $dl_d -le "$dl_n" ]; do
		report "$in/$dl_name-$dl_d.xml" google.com "$dl_dom" \
			"$(dayb $dl_d)" "$dl_p" "$@"
		dl_d=$((dl_d + 1))
	done
}

# --- 1. A daily feed ending yesterday is ready. ------------------------------
# 21 daily reports, 00:00:00 to 23:59:59, the last one yesterday; 100
# aligned passing messages a day; p=none.
daily 21 s1 daily.test none \
	'192.0.2.10|100|daily.test|daily.test:pass|daily.test:pass|'

# --- 2. An unaligned ESP at 20% blocks and is named. -------------------------
# Own server 800 a day passing; SendGrid 200 a day from two addresses,
# 100 each, signed d=sendgrid.net and SPF for bounces.sendgrid.net: both
# pass, neither aligned.  21 days, so the 14 judged are all full.
daily 21 s2 esp.test none \
	'192.0.2.20|800|esp.test|esp.test:pass|esp.test:pass|' \
	'198.51.100.21|100|esp.test|sendgrid.net:pass|bounces.sendgrid.net:pass|' \
	'198.51.100.22|100|esp.test|sendgrid.net:pass|bounces.sendgrid.net:pass|'

# --- 3. Mixed pct/testing writers are stable. --------------------------------
# Days 27..21 before now: p=none (reporter A).  Days 20..1: p=quarantine,
# reporter A (RFC 7489: <pct>100</pct>, no testing) on even days,
# reporter B (DMARCbis namespace: no pct, <testing>n</testing>) on odd
# days.  Both say "p=quarantine at full strength", one policy.
d=1
while [ $d -le 27 ]; do
	b=$(dayb $d)
	rec='192.0.2.30|50|stable.test|stable.test:pass|stable.test:pass|'
	if [ $d -gt 20 ]; then
		report2 "$in/s3-$d.xml" a-reporter.example stable.test \
			"$b" $((b + DAY - 1)) 'adkim=r aspf=r p=none sp=none pct=100' "$rec"
	elif [ $((d % 2)) -eq 0 ]; then
		report2 "$in/s3-$d.xml" a-reporter.example stable.test \
			"$b" $((b + DAY - 1)) \
			'adkim=r aspf=r p=quarantine sp=quarantine pct=100' "$rec"
	else
		report2 "$in/s3-$d.xml" b-reporter.example stable.test \
			"$b" $((b + DAY - 1)) \
			'ns=bis p=quarantine sp=quarantine testing=n' "$rec"
	fi
	d=$((d + 1))
done

# --- 4. Published ahead of reported. -----------------------------------------
# Reports say p=none for 21 days; scenarios.zone publishes p=quarantine.
daily 21 s4 ahead.test none \
	'192.0.2.40|100|ahead.test|ahead.test:pass|ahead.test:pass|'

# --- 5. sp=none what-if. -----------------------------------------------------
# Yesterday: 30 messages From sub.whatif.test and 70 From whatif.test,
# no authentication at all; p=none (gen.sh writes sp=none too, which is
# what reporters fill in: it says nothing of its own).
report "$in/s5.xml" google.com whatif.test "$(dayb 1)" none \
	'203.0.113.5|30|sub.whatif.test|||' \
	'203.0.113.6|70|whatif.test|||'

# --- 5b. A what-if over more sources than it lists. -------------------------
# Yesterday: 1005 addresses, the Nth sending N messages From cut.test with
# no authentication at all.
set --
i=1
while [ $i -le 1005 ]; do
	set -- "$@" "198.18.$((i / 250)).$((i % 250 + 1))|$i|cut.test|||"
	i=$((i + 1))
done
report "$in/s5b.xml" google.com cut.test "$(dayb 1)" none "$@"
set --

# --- 5c. A what-if at pct over a sender of two addresses. -------------------
# Yesterday: SendGrid's 198.51.100.31 (30 messages) and 198.51.100.32
# (70), signed d=sendgrid.net with SPF for bounces.sendgrid.net, both
# passing unaligned: one sender, SendGrid, failing DMARC.
report "$in/s5c.xml" google.com pctgroup.test "$(dayb 1)" none \
	'198.51.100.31|30|pctgroup.test|sendgrid.net:pass|bounces.sendgrid.net:pass|' \
	'198.51.100.32|70|pctgroup.test|sendgrid.net:pass|bounces.sendgrid.net:pass|'

# --- 6. A spoofer with its own d= is spoofing. -------------------------------
report "$in/s6.xml" google.com spoof.test "$(dayb 1)" none \
	'192.0.2.60|100|spoof.test|spoof.test:pass|spoof.test:pass|' \
	'203.0.113.66|25|spoof.test|throwaway-example.net:pass|spoof.test:fail|'

# --- 7. Case-split domains merge. ---------------------------------------------
# Yesterday: reporter A writes the domain (and the From) as
# Acme-Widgets.TEST, 40 messages; reporter B lower-case, 60 messages.
report "$in/s7-a.xml" google.com Acme-Widgets.TEST "$(dayb 1)" none \
	'192.0.2.70|40|Acme-Widgets.TEST|Acme-Widgets.TEST:pass|Acme-Widgets.TEST:pass|'
report "$in/s7-b.xml" yahoo.com acme-widgets.test "$(dayb 1)" none \
	'192.0.2.70|60|acme-widgets.test|acme-widgets.test:pass|acme-widgets.test:pass|'

# --- 8. A 7-day report covers 7 days. ----------------------------------------
# week.test: one report from the start of the day 10 days before now to
# 7 days later minus one second (days 10..4 before now), one record of 70.
wb=$(dayb 10)
we=$((wb + 7 * DAY - 1))
report2 "$in/s8.xml" google.com week.test "$wb" "$we" \
	'adkim=r aspf=r p=none pct=100' \
	'192.0.2.80|70|week.test|week.test:pass|week.test:pass|'
# week10.test: the same range, one record of 10 (does not divide by 7).
report2 "$in/s8b.xml" google.com week10.test "$wb" "$we" \
	'adkim=r aspf=r p=none pct=100' \
	'192.0.2.81|10|week10.test|week10.test:pass|week10.test:pass|'

# --- 9. A period without data. -----------------------------------------------
# 7 daily reports, days 37..31 before now: the last ends 30 days before
# now, 16 days before the default 14-day period begins.
d=31
while [ $d -le 37 ]; do
	report "$in/s9-$d.xml" google.com old.test "$(dayb $d)" none \
		'192.0.2.90|100|old.test|old.test:pass|old.test:pass|'
	d=$((d + 1))
done

# --- 10. A step that one reporter shows first. -------------------------------
# 28 daily reports from each of two reporters.  google.com: 192.0.2.100
# sends 1000 passing a day, 198.51.100.100 100 passing and 100 failing
# (half its mail passes: legitimate), 203.0.113.100 20 with no
# authentication (spoofing).  Its last 5 reports (days 5..1) give
# p=quarantine and quarantine the failing mail.  yahoo.com: 300 passing a
# day from 192.0.2.101, p=none throughout (it has not seen the step).
# The reports end on the same days, so which is "latest" was the row id:
# step.test stores Google first, step2.test Yahoo first; both must read
# the same.
s10() { # DOMAIN DIR-GOOGLE DIR-YAHOO
	mkdir -p "$2" "$3"
	d=1
	while [ $d -le 28 ]; do
		if [ $d -le 5 ]; then pol=quarantine; else pol=none; fi
		report "$2/g-$d.xml" google.com "$1" "$(dayb $d)" $pol \
			"192.0.2.100|1000|$1|$1:pass|$1:pass|" \
			"198.51.100.100|100|$1|$1:pass|$1:pass|" \
			"198.51.100.100|100|$1|esp.example:pass|esp.example:pass||$pol" \
			"203.0.113.100|20|$1||||$pol"
		report "$3/y-$d.xml" yahoo.com "$1" "$(dayb $d)" none \
			"192.0.2.101|300|$1|$1:pass|$1:pass|"
		d=$((d + 1))
	done
}
s10 step.test "$tmp/s10/1g" "$tmp/s10/1y"
s10 step2.test "$tmp/s10/2g" "$tmp/s10/2y"

# --- 11. Losing mail at p=reject. -------------------------------------------
# google.com, 28 daily reports: p=quarantine on days 28..8 before now,
# p=reject on days 7..1.  192.0.2.110 sends 950 passing a day;
# 198.51.100.110 50 passing a day (legitimate) and, on days 7..1, 50 more
# that fail and are rejected.
d=1
while [ $d -le 28 ]; do
	if [ $d -le 7 ]; then
		report "$in/s11-$d.xml" google.com rbreject.test "$(dayb $d)" reject \
			'192.0.2.110|950|rbreject.test|rbreject.test:pass|rbreject.test:pass|' \
			'198.51.100.110|50|rbreject.test|rbreject.test:pass|rbreject.test:pass|' \
			'198.51.100.110|50|rbreject.test|esp.example:pass|esp.example:pass||reject'
	else
		report "$in/s11-$d.xml" google.com rbreject.test "$(dayb $d)" \
			quarantine \
			'192.0.2.110|950|rbreject.test|rbreject.test:pass|rbreject.test:pass|' \
			'198.51.100.110|50|rbreject.test|rbreject.test:pass|rbreject.test:pass|'
	fi
	d=$((d + 1))
done

# --- 12. The first days after a step. ----------------------------------------
# google.com, 28 daily reports: p=none on days 28..4, p=quarantine on days
# 3..1.  192.0.2.120 2000 passing a day; 198.51.100.120 100 passing a day
# and, on days 3..1, 80 more that fail and are quarantined.
d=1
while [ $d -le 28 ]; do
	if [ $d -le 3 ]; then
		report "$in/s12-$d.xml" google.com dilute.test "$(dayb $d)" \
			quarantine \
			'192.0.2.120|2000|dilute.test|dilute.test:pass|dilute.test:pass|' \
			'198.51.100.120|100|dilute.test|dilute.test:pass|dilute.test:pass|' \
			'198.51.100.120|80|dilute.test|esp.example:pass|esp.example:pass||quarantine'
	else
		report "$in/s12-$d.xml" google.com dilute.test "$(dayb $d)" none \
			'192.0.2.120|2000|dilute.test|dilute.test:pass|dilute.test:pass|' \
			'198.51.100.120|100|dilute.test|dilute.test:pass|dilute.test:pass|'
	fi
	d=$((d + 1))
done

# --- 13. A sender new yesterday. ---------------------------------------------
# 21 daily reports, p=none: 192.0.2.130 1250 passing a day; yesterday only,
# 198.51.100.130 150 signed d=sendgrid.net with SPF for
# bounces.sendgrid.net (SendGrid, not aligned: unknown).
d=1
while [ $d -le 21 ]; do
	if [ $d -eq 1 ]; then
		report "$in/s13-$d.xml" google.com newsender.test "$(dayb $d)" none \
			'192.0.2.130|1250|newsender.test|newsender.test:pass|newsender.test:pass|' \
			'198.51.100.130|150|newsender.test|sendgrid.net:pass|bounces.sendgrid.net:pass|'
	else
		report "$in/s13-$d.xml" google.com newsender.test "$(dayb $d)" none \
			'192.0.2.130|1250|newsender.test|newsender.test:pass|newsender.test:pass|'
	fi
	d=$((d + 1))
done

# --- 14. Spoofing does not dilute a sender's share. --------------------------
# 21 daily reports, p=none: 192.0.2.140 1000 passing a day; 198.51.100.140
# 19 a day through SendGrid, not aligned (unknown); 203.0.113.140 10000 a
# day with no authentication at all (spoofing).
daily 21 s14 spoofed.test none \
	'192.0.2.140|1000|spoofed.test|spoofed.test:pass|spoofed.test:pass|' \
	'198.51.100.140|19|spoofed.test|sendgrid.net:pass|bounces.sendgrid.net:pass|' \
	'203.0.113.140|10000|spoofed.test||||'

# --- 16. A step one of three reporters shows. --------------------------------
# 28 daily reports from each of google.com (p=quarantine on days 5..1,
# p=none before; 1000 passing a day from 192.0.2.160), yahoo.com (p=none
# throughout; 300 passing a day from 192.0.2.161) and aaa.example (p=none,
# 10 a day from 192.0.2.162).  Nothing fails.
d=1
while [ $d -le 28 ]; do
	if [ $d -le 5 ]; then pol=quarantine; else pol=none; fi
	report "$in/s16-g-$d.xml" google.com confirm.test "$(dayb $d)" $pol \
		'192.0.2.160|1000|confirm.test|confirm.test:pass|confirm.test:pass|'
	report "$in/s16-y-$d.xml" yahoo.com confirm.test "$(dayb $d)" none \
		'192.0.2.161|300|confirm.test|confirm.test:pass|confirm.test:pass|'
	report "$in/s16-a-$d.xml" aaa.example confirm.test "$(dayb $d)" none \
		'192.0.2.162|10|confirm.test|confirm.test:pass|confirm.test:pass|'
	d=$((d + 1))
done

# --- 17. sp=none kept: subdomain mail is not the step's. ---------------------
# 21 daily reports of p=quarantine; sp=none.  192.0.2.170 sends 1000
# passing From subsp.test, and From news.subsp.test 60 signed by it
# (passing) and 40 with no authentication (failing) a day.
d=1
while [ $d -le 21 ]; do
	b=$(dayb $d)
	report2 "$in/s17-$d.xml" google.com subsp.test "$b" $((b + DAY - 1)) \
		'adkim=r aspf=r p=quarantine sp=none pct=100' \
		'192.0.2.170|1000|subsp.test|subsp.test:pass|subsp.test:pass|' \
		'192.0.2.170|60|news.subsp.test|news.subsp.test:pass||' \
		'192.0.2.170|40|news.subsp.test|||'
	d=$((d + 1))
done

# --- 18. An own server without authentication is not spoofing. --------------
# 21 daily reports.  192.0.2.180: own9.test's mail server, 1000 a day,
# DKIM and SPF pass aligned.  192.0.2.181: its scanner, forward-confirmed
# as scanner.own9.test (scenarios.zone), 60 a day, no DKIM, SPF fails:
# 60 of 1060, 5.7% of all mail.
daily 21 s18 own9.test none \
	'192.0.2.180|1000|own9.test|own9.test:pass|own9.test:pass|' \
	'192.0.2.181|60|own9.test||own9.test:fail|'

# --- 19. The owner's subdomain signer under adkim=s is legitimate. ----------
# 21 daily reports, adkim=s aspf=s.  192.0.2.190: 1000 a day, DKIM and SPF
# pass for strict.test itself.  198.51.100.190: 200 a day, DKIM and SPF
# pass for mail.strict.test, which strict alignment refuses for From
# strict.test.
d=1
while [ $d -le 21 ]; do
	b=$(dayb $d)
	report2 "$in/s19-$d.xml" google.com strict.test "$b" $((b + DAY - 1)) \
		'adkim=s aspf=s p=none sp=none pct=100' \
		'192.0.2.190|1000|strict.test|strict.test:pass|strict.test:pass|' \
		'198.51.100.190|200|strict.test|mail.strict.test:pass|mail.strict.test:pass|'
	d=$((d + 1))
done

# --- 20. A spoofer faking a re-signature is no forwarder. -------------------
# 21 daily reports.  192.0.2.210: resign.test's server, 1000 a day, signed
# d=resign.test s=s1 (passes), SPF passes.  203.0.113.210: the spoofer, 170
# a day, a broken d=resign.test s=bogus (a selector that never passes)
# beside a passing d=throwaway-resign.example, SPF resign.test fails.
# 198.51.100.210: a real forwarder, 50 a day, the owner's d=resign.test
# s=s1 broken on the way and re-signed d=forwarder-example.net, its own
# SPF passing: s1 passed aligned (192.0.2.210), the evidence.
daily 21 s20 resign.test none \
	'192.0.2.210|1000|resign.test|resign.test/s1:pass|resign.test:pass|' \
	'203.0.113.210|170|resign.test|resign.test/bogus:fail,throwaway-resign.example/s1:pass|resign.test:fail|' \
	'198.51.100.210|50|resign.test|resign.test/s1:fail,forwarder-example.net/s1:pass|forwarder-example.net:pass|'

run ingest 0 ingest --db "$db" -q "$in"
for x in 1g 1y 2y 2g; do
	run "ingest-s10-$x" 0 ingest --db "$db" -q -j1 "$tmp/s10/$x"
done

# === 1 ======================================================================
run s1 0 advise --db "$db" --offline --domain daily.test --json
jqt s1 '.ready == true and .step_now == 0'
jqt s1 '.reasons[] | select(.code == "data") | .met == true'
# The period is the 14 days before now; reports cover all 21 days before.
jqt s1 '.evidence.days_with_data == 14'
jqt s1 ".evidence.messages == $((14 * 100)) and .evidence.passed == $((14 * 100))"
jqt s1 '.period.first_day == "2026-03-18" and .period.last_day == "2026-03-31"'
# One day: yesterday's 100 messages, all passing; "1 day", not "1 days".
run s1d 0 sources --db "$db" --offline --domain daily.test --since 1d --all
expect s1d out '^daily.test: all senders, 2026-03-31 to 2026-03-31 \(1 day\)$'
expect s1d out '^100 messages, 0 failed DMARC$'

# === 2 ======================================================================
# 14 days judged: all mail 14*1000, SendGrid's failing 14*200; the mail
# that may be the owner's is all of it (own: legitimate, SendGrid:
# unknown), 14*800 of 14*1000 passes: 80.0%, below 98%.
run s2 1 advise --db "$db" --offline --domain esp.test --json
jqt s2 '.ready == false'
jqt s2 '.failing_senders[0] | .who == "SendGrid" and .class == "unknown"
	and .blocks == true and (.sources | length) == 2'
jqt s2 ".failing_senders[0].hit == $((14 * 200))"
jqt s2 ".evidence.messages == $((14 * 1000))
	and .evidence.legit_messages == $((14 * 800))
	and .evidence.unknown_messages == $((14 * 200))
	and .evidence.unknown_passed == 0"
# 11200 * 1000 / 14000 = 800 per mille: 80.0%.
eq "s2 pass rate" "$((14 * 800 * 1000 / (14 * 1000)))" 800
jqt s2 '.evidence.mine_pass_rate == 80.0'
jqt s2 '.reasons[] | select(.code == "pass_rate") | .met == false and
	.blocks == true and (.text | contains("80.0%"))'
jqt s2 '.reasons[] | select(.code == "sources") | .met == false'
run s2_text 1 advise --db "$db" --offline --domain esp.test
grep -Fq SendGrid "$tmp/s2_text.out" || fail "s2_text: SendGrid not named"
# The owner says SendGrid is not theirs: it never blocks; what is left
# (the own server) passes 100%.
run s2_ignored 0 advise --db "$db" --offline --domain esp.test --json \
	--ignored-sources SendGrid
jqt s2_ignored '.ready == true'
jqt s2_ignored '[.failing_senders[] | select(.who == "SendGrid" and .blocks)]
	| length == 0'
jqt s2_ignored ".evidence.ignored == $((14 * 200))
	and .evidence.unknown_messages == 0"
run s2_ignored_src 0 sources --db "$db" --offline --domain esp.test --json \
	--ignored-sources SendGrid
jqt s2_ignored_src '[.sources[] | select(.service == "SendGrid") | .class]
	== ["ignored", "ignored"]'
# The owner says SendGrid is theirs: legitimate, and it still blocks (its
# mail does not align).
run s2_trusted 1 advise --db "$db" --offline --domain esp.test --json \
	--trusted-sources SendGrid
jqt s2_trusted '.ready == false'
jqt s2_trusted ".failing_senders[0] | .who == \"SendGrid\" and
	.class == \"legitimate\" and .blocks == true and .hit == $((14 * 200))"

# === 3 ======================================================================
# p=quarantine since the report of day 20 before now, 2026-03-12; held to
# the end of the latest report (now - 1 s): 20 daily reports, 20 days >= 7.  Everything else holds too (14 days, all passing):
# ready, exit 0.
run s3 0 advise --db "$db" --offline --domain stable.test --json
jqt s3 '.step_now == 2 and .step_reported == 2'
jqt s3 '.reasons[] | select(.code == "stable") | .met == true'
jqt s3 '.policy_now | .p == "quarantine" and .pct == 100 and .t == "n"'
jqt s3 '.policy_now.since == "2026-03-12T00:00:00Z"'
jqt s3 '.reasons[] | select(.code == "stable") |
	.text | test("reported for 20 days, since 2026-03-12")'
# The view policy_now reads the latest report, B's (day 1 is odd), with
# its absent pct as 100: what A writes.
eq "s3 policy_now" "$(q "SELECT p, pct, testing FROM policy_now
	WHERE domain = 'stable.test'")" "quarantine|100|n"

# === 4 ======================================================================
run s4 1 advise --db "$db" --dns-servers "$DMARCSIFT_TEST_DNS" \
	--domain ahead.test --json
jqt s4 '.waiting == true and .ready == false'
jqt s4 '.step_published == 2 and .step_reported == 0 and .step_now == 2'
jqt s4 '.next_step == "p=reject; t=y; pct=0" and .next_step_no == 3'
jqt s4 '.next_record | test("p=reject") and test("t=y") and test("pct=0")
	and test("rua=mailto:d@ahead.test") and (test("quarantine") | not)'
jqt s4 '.reasons[] | select(.code == "stable") | .met == false'
run s4_text 1 advise --db "$db" --dns-servers "$DMARCSIFT_TEST_DNS" \
	--domain ahead.test
if grep -Fq 'p=quarantine; t=y' "$tmp/s4_text.out"; then
	fail "s4_text: proposes p=quarantine; t=y, a step back"
	sed 's/^/    /' "$tmp/s4_text.out" >&2
fi

# === 5 ======================================================================
# sp=none spares the 30 From sub.whatif.test: 70 hit; reject with sp
# following p (the reported sp=none only repeats p=none): 30 + 70.
run s5_sp 1 advise --db "$db" --offline --domain whatif.test --json \
	--what-if 'p=reject; sp=none'
jqt s5_sp '.whatif.total_affected == 70'
jqt s5_sp '.whatif.policy == "p=reject; sp=none"'
jqt s5_sp '.whatif.sources | length == 1 and .[0].ip == "203.0.113.6"'
run s5_all 1 advise --db "$db" --offline --domain whatif.test --json \
	--what-if reject
jqt s5_all ".whatif.total_affected == $((30 + 70))"
# Subdomains first: p=none; sp=quarantine hits the 30 From
# sub.whatif.test only (np follows sp: sub.whatif.test sent nothing that
# passed, so it may not exist, and np=quarantine hits it all the same).
run s5_sub 1 advise --db "$db" --offline --domain whatif.test --json \
	--what-if 'p=none; sp=quarantine'
jqt s5_sub '.whatif.total_affected == 30'
jqt s5_sub '.whatif.sources | length == 1 and .[0].ip == "203.0.113.5"'
jqt s5_sub '.whatif.sources_more == 0 and .whatif.affected_more == 0'
# pct rounds down source by source: 30 * 33 / 100 = 9.9 and 70 * 33 /
# 100 = 23.1 give 9 + 23 = 32, where the sum would give 33.
run s5_pct 1 advise --db "$db" --offline --domain whatif.test --json \
	--what-if 'reject:33'
jqt s5_pct '.whatif.total_affected == 32 and .whatif.pct == 33'
jqt s5_pct '[.whatif.sources[].affected] == [23, 9]'
# And so in the senders of the text (each address its own sender).
run s5_pct_text 1 advise --db "$db" --offline --domain whatif.test \
	--what-if 'reject:33'
grep -q '^  -  *spoofing  *203\.0\.113\.6  *23  *70$' "$tmp/s5_pct_text.out" &&
	grep -q '^  -  *spoofing  *203\.0\.113\.5  *9  *30$' \
		"$tmp/s5_pct_text.out" ||
	fail "s5_pct_text: want rows of 23 of 70 and 9 of 30"
# Rounded down exactly past 10^16, as readiness_hit() in C: half of
# 30000000000000001 is 15000000000000000 (numeric division would round
# the quotient to ...001 before a floor).
eq "source_hit at 50% of 3*10^16+1" \
	"$(psql "$db" -AtXc "SELECT source_hit(30000000000000001, 0, 0,
		'{1,0,0}', 50)")" 15000000000000000
# np=none spares the made-up sub.whatif.test (no mail of it passed):
# only the 70 From whatif.test.
run s5_np 1 advise --db "$db" --offline --domain whatif.test --json \
	--what-if 'p=reject; sp=reject; np=none'
jqt s5_np '.whatif.total_affected == 70'
jqt s5_np '.whatif.sources | length == 1 and .[0].ip == "203.0.113.6"'

# === 5b =====================================================================
# reject hits all 1 + ... + 1005 = 1005 * 1006 / 2 messages; the JSON
# lists the 1000 addresses hit most (1005 messages down to 6), the 5 left
# out sent 1 + 2 + 3 + 4 + 5.
run s5b 1 advise --db "$db" --offline --domain cut.test --json \
	--what-if reject
jqt s5b ".whatif.total_affected == $((1005 * 1006 / 2))"
jqt s5b '.whatif.sources | length == 1000 and .[0].affected == 1005
	and .[999].affected == 6'
jqt s5b '.whatif.sources_more == 5 and .whatif.affected_more == 15'
run s5b_text 1 advise --db "$db" --offline --domain cut.test \
	--what-if reject
# Each address is a sender of its own (nothing names them): the text
# shows the 10 hit most, 1005 to 996 messages, and counts the 995 others.
grep -q '^  -  *spoofing  *198\.18\.4\.6  *1005  *1005$' \
	"$tmp/s5b_text.out" || {
	fail "s5b_text: no row of 1005 for 198.18.4.6"
	sed -n '/What if/,+14p' "$tmp/s5b_text.out" >&2
}
grep -q 'and 995 more senders hit' "$tmp/s5b_text.out" ||
	fail "s5b_text: no line for the 995 senders left out"

# === 5c =====================================================================
# reject:33, address by address: 70 * 33 / 100 = 23.1 and 30 * 33 / 100 =
# 9.9 give 23 and 9; the sender's row is their sum, 32 of its 100, not
# 100 * 33 / 100 = 33.
run s5c 1 advise --db "$db" --offline --domain pctgroup.test \
	--what-if 'reject:33'
grep -Eq '^  SendGrid +[a-z]+ +2 addresses +32 +100$' "$tmp/s5c.out" &&
	grep -Eq '^ +[a-z]+ +198\.51\.100\.32 +23 +70$' "$tmp/s5c.out" &&
	grep -Eq '^ +[a-z]+ +198\.51\.100\.31 +9 +30$' "$tmp/s5c.out" || {
	fail "s5c: want SendGrid 32 of 100, its addresses 23 of 70 and 9 of 30"
	sed -n '/What if/,$p' "$tmp/s5c.out" >&2
}
run s5c_json 1 advise --db "$db" --offline --domain pctgroup.test --json \
	--what-if 'reject:33'
jqt s5c_json '.whatif.total_affected == 32 and
	[.whatif.sources[] | [.ip, .affected]]
	== [["198.51.100.32", 23], ["198.51.100.31", 9]]'

# === 6 ======================================================================
run s6 0 sources --db "$db" --offline --domain spoof.test --json
jqt s6 '[.sources[] | select(.ip == "203.0.113.66")] | length == 1'
jqt s6 '.sources[] | select(.ip == "203.0.113.66") | .class == "spoofing"
	and .cause == "dkim_unaligned" and .failed == 25'
eq "s6 cause" "$(q "SELECT DISTINCT cause FROM record_analysis
	WHERE domain = 'spoof.test' AND source_ip = '203.0.113.66'")" \
	dkim_unaligned

# === 7 ======================================================================
eq "s7 daily_volume" "$(q "SELECT count(*), sum(messages) FROM daily_volume
	WHERE domain ILIKE 'acme-widgets.test'")" "1|$((40 + 60))"
eq "s7 passed" "$(q "SELECT passed FROM daily_volume
	WHERE domain ILIKE 'acme-widgets.test'")" "$((40 + 60))"
run s7 1 advise --db "$db" --offline --domain acme-widgets.test --json
jqt s7 ".evidence.messages == $((40 + 60)) and .evidence.reporters == 2
	and .evidence.days_with_data == 1"
# summary, reporter_daily and source_volume merge the two spellings too.
run s7sum 0 summary --db "$db" --domain acme-widgets.test
eq "s7 summary lines" "$(grep -ci 'acme-widgets.test' "$tmp/s7sum.out")" 1
# A domain nobody reported is an error naming those that were (item 10),
# not an empty summary that reads as all-clear.
run s7none 2 summary --db "$db" --domain acme-widget.test
expect s7none err 'no reports about acme-widget.test are stored; domains with reports: [a-z]'
eq "s7 reporter_daily" "$(q "SELECT count(DISTINCT domain), sum(messages)
	FROM reporter_daily WHERE domain ILIKE 'acme-widgets.test'")" \
	"1|$((40 + 60))"

# === 8 ======================================================================
# 70 over 7 days: the range is 7*86400-1 s, every day but the last a
# full 86400 s: day k (0..6) gets floor(70*hi/span) - floor(70*lo/span),
# and 70*86400/604799 = 10.00001..., so 10 each.
span=$((7 * DAY - 1))
eq "s8 facts" "$(q "SELECT count(*), sum(messages) FROM record_facts
	WHERE domain = 'week.test'")" "7|70"
eq "s8 daily_volume" "$(q "SELECT string_agg(messages::text, ' ' ORDER BY day)
	FROM daily_volume WHERE domain = 'week.test'")" "10 10 10 10 10 10 10"
eq "s8 days" "$(q "SELECT min(day), max(day) FROM daily_volume
	WHERE domain = 'week.test'")" "2026-03-22|2026-03-28"
eq "s8 readiness_inputs" "$(q "SELECT days_with_data, messages FROM
	readiness_inputs('week.test', 14, to_timestamp($now))")" "7|70"
run s8 1 advise --db "$db" --offline --domain week.test --json
jqt s8 '.evidence.days_with_data == 7 and .evidence.messages == 70'
# Three days of that week (2026-03-23 to 03-25): 3 x 10 messages, and
# the source was seen from the first of those days to the end of the last,
# not over the whole range of the report.
run s8p 0 sources --db "$db" --offline --domain week.test --json --all \
	--since 3d --until 2026-03-26
jqt s8p '.sources | length == 1 and .[0].messages == 30
	and .[0].first_seen == "2026-03-23T00:00:00Z"
	and .[0].last_seen == "2026-03-25T23:59:59Z"'
# 10 over 7 days, by the same rule: floor(10*86400*k/604799) for k = 1..6
# is 1 2 4 5 7 8, and 10 at k = 7: shares 1 1 2 1 2 1 2.
want='' prev=0 k=1
while [ $k -le 7 ]; do
	hi=$((k * DAY))
	[ $hi -gt $span ] && hi=$span
	cur=$((10 * hi / span))
	want="$want${want:+ }$((cur - prev))"
	prev=$cur
	k=$((k + 1))
done
eq "s8 shares (by hand)" "$want" "1 1 2 1 2 1 2"
got=$(q "SELECT string_agg(messages::text, ' ' ORDER BY day) FROM record_facts
	WHERE domain = 'week10.test'")
eq "s8 week10 shares" "$got" "$want"
eq "s8 week10 sum" "$(q "SELECT count(*), sum(messages),
	bool_and(messages IN (1, 2)) FROM record_facts
	WHERE domain = 'week10.test'")" "7|10|t"

# === 9 ======================================================================
# What it prints now (recorded on the readiness branch, this clock; the
# message is being changed, so only the exit status is asserted): exit 1,
# the usual JSON with first_day/last_day null, the data reason "no
# reports in the last 14 days (needs 14 days with reports)", and on
# stderr:
#   dmarcsift: warning: no reports about old.test from 2026-03-18 to
#   2026-03-31; the latest ends 2026-03-01: try --until 2026-03-02
run s9 '!0' advise --db "$db" --offline --domain old.test --json

# === 10 =====================================================================
# Whatever the order of storing, the policy in force is Google's
# p=quarantine (the newest change: its run began 5 days before now, the
# yahoo one 28), given by 1 of the 2 reporters of the period: not stable.
# The 14 days judged hold 14 * (1000 + 200 + 20 + 300) = 21280 messages;
# receivers quarantined 5 * 100 = 500 of legitimate 198.51.100.100
# (the spoofer's 5 * 20 are not the owner's): 500 / 21280 = 23.5 per
# mille, 2.4%, above ready_source_share (1%): roll back from step 2
# (p=quarantine) to step 1 (p=quarantine; t=y; pct=0, the test step).
for dom in step.test step2.test; do
	run "s10-$dom" 1 advise --db "$db" --offline --domain $dom --json
	jqt "s10-$dom" '.policy_now.p == "quarantine" and .step_now == 2
		and .ready == false and .evidence.messages == 21280'
	jqt "s10-$dom" '[.reasons[] | select(.code == "stable")][0] |
		.blocks and (.text | test("by 1 of 2 reporters"))'
	# Measured since the step (Google's p=quarantine began on day 5
	# before now, 2026-03-27): 5 days, the mail that may be yours in
	# them 5 * (1000 + 200 + 300) = 7500 (the spoofer's is not):
	# 500 * 1000 / 7500 = 66.7 per mille, rounded up 6.7%.
	eq "s10 share" "$(((500 * 1000 + 7500 - 1) / 7500))" 67
	jqt "s10-$dom" '[.reasons[] | select(.code == "watch")][0] |
		.blocks and (.text | test("500 messages of your legitimate mail since the step on 2026-03-27 \\(5 days\\), 6.7%"))'
	jqt "s10-$dom" '.rollback_record | test("; p=quarantine; t=y; pct=0;")'
	# 1 of 2 reporters shows the step: waiting (item 6), and the
	# rollback comes first.
	jqt "s10-$dom" '.waiting == true'
done

# === 11 =====================================================================
# At p=reject (step 4), legitimate mail rejected since the step (day 7
# before now, 2026-03-25): 7 * 50 = 350 of the mail that may be yours in
# those 7 days, 7 * (950 + 50 + 50) = 7350: 350 * 1000 / 7350 = 47.6 per
# mille, rounded up 4.8%, over 1%.  Roll back, exit 1, to the last step
# below that does not act on failing mail: p=quarantine; t=y; pct=0
# (p=reject; t=y; pct=0 would still quarantine it).
eq "s11 share" "$(((350 * 1000 + 7350 - 1) / 7350))" 48
run s11 1 advise --db "$db" --offline --domain rbreject.test --json
jqt s11 '.step_now == 4 and .next_step == null and .ready == false'
jqt s11 '.rollback_record ==
	"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS"'
jqt s11 '[.reasons[] | select(.code == "watch")][0] | .blocks and
	(.text | test("350 messages of your legitimate mail since the step on 2026-03-25 \\(7 days\\), 4.8%"))'
run s11_text 1 advise --db "$db" --offline --domain rbreject.test
grep -Fq 'Verdict:    ROLL BACK' "$tmp/s11_text.out" ||
	fail "s11_text: no ROLL BACK verdict"
grep -Fq 'nothing further to publish' "$tmp/s11_text.out" &&
	fail "s11_text: says nothing further to publish"
grep -Fq '_dmarc.rbreject.test. TXT "v=DMARC1; p=quarantine; t=y; pct=0;' \
	"$tmp/s11_text.out" || fail "s11_text: no Roll back record"

# === 12 =====================================================================
# Three days after the step to p=quarantine (2026-03-29): 3 * 80 = 240
# legitimate messages quarantined, of 3 * (2000 + 100 + 80) = 6540 that
# may be yours since then: 240 * 1000 / 6540 = 36.7 per mille, rounded up
# 3.7%.  Over the 14 days it would be 240 of 14 * 2100 + 240 = 29640:
# 8.1 per mille, 0.9%, under 1% (what was shown before).
eq "s12 share" "$(((240 * 1000 + 6540 - 1) / 6540))" 37
eq "s12 share diluted" "$(((240 * 1000 + 29640 - 1) / 29640))" 9
run s12 1 advise --db "$db" --offline --domain dilute.test --json
jqt s12 '.step_now == 2 and .ready == false'
jqt s12 '[.reasons[] | select(.code == "watch")][0] | .blocks and
	(.text | test("240 messages of your legitimate mail since the step on 2026-03-29 \\(3 days\\), 3.7%"))'
jqt s12 '.rollback_record | test("p=quarantine; t=y; pct=0")'
# The sender: 240 hit by p=reject (judged for the next step); over the
# last 7 days 240 of 4 * 2100 + 3 * 2180 = 14940 may be yours: 16.1 per
# mille, rounded up 1.7%: it blocks too.
eq "s12 sender 7 days" "$(((240 * 1000 + 14940 - 1) / 14940))" 17
jqt s12 '.failing_senders[0] | .hit == 240 and .blocks == true'

# === 13 =====================================================================
# SendGrid first appeared yesterday (2026-03-31): 150 of that day's
# 1250 + 150 = 1400 messages that may be yours: 150 * 1000 / 1400 = 107.1
# per mille, rounded up 10.8%.  Over the 14 days: 150 of
# 14 * 1250 + 150 = 17650, 8.5 per mille, 0.9%: under 1%, and READY before.
eq "s13 share" "$(((150 * 1000 + 1400 - 1) / 1400))" 108
eq "s13 share diluted" "$(((150 * 1000 + 17650 - 1) / 17650))" 9
run s13 1 advise --db "$db" --offline --domain newsender.test --json
jqt s13 '.ready == false'
jqt s13 '.failing_senders[0] | .who == "SendGrid" and .hit == 150
	and .blocks == true'
jqt s13 '[.reasons[] | select(.code == "sources")][0] | .blocks and
	(.text | test("10.8% of the mail that may be yours since it first appeared on 2026-03-31"))'
# The pass rate holds: 17500 of 17650, 99.1%.
jqt s13 '[.reasons[] | select(.code == "pass_rate")][0] | .met and
	(.text | test("99.1%"))'

# === 14 =====================================================================
# SendGrid fails 14 * 19 = 266 of the 14 * (1000 + 19) = 14266 messages
# that may be yours: 266 * 1000 / 14266 = 18.6 per mille, rounded up 1.9%,
# over 1%.  Of all mail (spoofing too, 14 * 11019 = 154266) it would be
# 1.7 per mille, 0.2%, and READY.  The pass rate holds: 14000 of 14266,
# 98.1%.
eq "s14 share" "$(((266 * 1000 + 14266 - 1) / 14266))" 19
eq "s14 share diluted" "$(((266 * 1000 + 154266 - 1) / 154266))" 2
run s14 1 advise --db "$db" --offline --domain spoofed.test --json
jqt s14 '.ready == false and .evidence.spoofing == 140000'
jqt s14 '.failing_senders[0] | .who == "SendGrid" and .hit == 266
	and .blocks == true'
jqt s14 '[.reasons[] | select(.code == "sources")][0] | .blocks and
	(.text | test("would hit 266 of its 266 messages, 1.9% of the mail that may be yours \\(at most 1%\\)"))'
jqt s14 '[.reasons[] | select(.code == "pass_rate")][0] | .met'

# === 15 =====================================================================
# esp.test (scenario 2) is at p=none: the next step, p=quarantine; t=y;
# pct=0, does nothing to mail (receivers apply p=none); what blocks it is
# what the step after, p=quarantine, would hit: SendGrid's 14 * 200 = 2800.
jqt s2 "[.reasons[] | select(.code == \"sources\")][0] | .blocks and
	(.text | test(\"the step after, p=quarantine, would hit $((14 * 200)) of its $((14 * 200)) messages\"))"
grep -Fq "the step after, p=quarantine, would hit $((14 * 200))" \
	"$tmp/s2_text.out" || fail "s2_text: does not say the step after"
grep -Fq 'the step would hit' "$tmp/s2_text.out" &&
	fail "s2_text: says the test step itself would hit"
grep -Fq 'A test: receivers apply p=none to failing mail' "$tmp/s2_text.out" ||
	fail "s2_text: does not say what the test step does"

# === 16 =====================================================================
# Google shows p=quarantine since 2026-03-27, Yahoo and aaa.example still
# p=none: 1 of 3 reporters.  WAIT (not NOT READY), naming them, the most
# mail first (Yahoo's 300 a day before aaa.example's 10, not by name);
# exit 1.
run s16 1 advise --db "$db" --offline --domain confirm.test --json
jqt s16 '.waiting == true and .ready == false and .step_now == 2
	and .rollback_record == null'
jqt s16 '[.reasons[] | select(.code == "stable")][0] | .blocks and
	(.text | test("by 1 of 3 reporters")) and
	(.text | test("shown by google.com; not yet by yahoo.com, aaa.example"))'
run s16_text 1 advise --db "$db" --offline --domain confirm.test
grep -Fq 'Verdict:    WAIT' "$tmp/s16_text.out" || fail "s16_text: no WAIT"

# === 17 =====================================================================
# The next step (p=reject; t=y; pct=0, judged as p=reject) keeps sp=none:
# it governs subsp.test's own mail only.  All mail that may be yours:
# 14 * 1100 = 15400, 14 * 1060 = 14840 passing (96.3%, under 98%); From
# subdomains 14 * 100 = 1400, 14 * 60 = 840 of it passing; what the step
# governs: 15400 - 1400 = 14000, 14840 - 840 = 14000 passing: 100.0%.
# The failing subdomain mail (14 * 40) is not hit (sp=none): READY.
eq "s17 old rate" "$((14 * 1060 * 1000 / (14 * 1100)))" 963
run s17 0 advise --db "$db" --offline --domain subsp.test --json
jqt s17 '.ready == true and .step_now == 2'
jqt s17 "[.reasons[] | select(.code == \"pass_rate\")][0] | .met and
	(.text | test(\"100.0% of the mail that may be yours passed DMARC in the last 14 days: $((14 * 1000)) of $((14 * 1000)) messages\")) and
	(.text | test(\"it keeps sp=none: $((14 * 100)) messages From subdomains not counted\"))"
jqt s17 ".failing_senders[0] | .hit == 0 and .failed == $((14 * 40))
	and .blocks == false"

# === The weekly report says what advise says ================================
# report (the week before now) takes its readiness from the same result as
# advise over the same 14 days: the verdicts of scenarios 4, 10, 11 and 16
# above, in every format; and for scenario 9, where the data is, in the
# body.  reports NAME ARGS...: NAME-text, NAME-markdown, NAME-html and
# NAME-json, each exit 0.
reports() {
	rp_name=$1
	shift
	for rp_f in text markdown html json; do
		run "$rp_name-$rp_f" 0 report --db "$db" --no-dns-check \
			--format $rp_f "$@"
	done
}

# 4: DNS publishes p=quarantine (step 2), the reports say p=none: WAIT,
# the published policy with its own step, never "step 2 of 4 (p=none)".
reports r4 --dns-servers "$DMARCSIFT_TEST_DNS" --domain ahead.test
expect r4-text out '^Published   p=quarantine \(step 2 of 4\) in DNS now; receivers report p=none'
expect r4-text out '^Readiness   step 2 of 4 \(p=quarantine\); next step 3: p=reject; t=y; pct=0$'
expect r4-text out '^ +WAIT: not every receiver shows the published policy yet'
refute r4-text out 'step 2 of 4 \(p=none'
expect r4-markdown out '^Published in DNS now: `p=quarantine` \(step 2 of 4\)'
expect r4-markdown out '\*\*WAIT\*\*: not every receiver shows the published policy'
expect r4-html out 'Wait: not every receiver shows the published policy yet'
expect r4-html out 'Published in DNS now: <b[^>]*>p=quarantine</b>\. Step 2 of 4\.'
jqt r4-json '.domains[0].readiness | .verdict == "wait" and .waiting == true
	and .published == {"policy": "p=quarantine", "step": 2, "differs": true}
	and .step_now == 2 and .rollback_record == null'

# 10: 1 of 2 reporters shows p=quarantine and legitimate mail is being
# quarantined (500 of 7500 since the step, 6.7%): ROLL BACK to step 1
# comes first, its record in place of the next one.
reports r10 --offline --domain step.test
for f in text markdown; do
	expect r10-$f out 'ROLL BACK'
	expect r10-$f out '^Roll back, to publish now at `?_dmarc.step.test'
	expect r10-$f out 'v=DMARC1; p=quarantine; t=y; pct=0;'
	refute r10-$f out 'to publish when ready|not ready yet|Not ready yet'
done
expect r10-text out '^Readiness   step 2 of 4 \(p=quarantine\)$'
expect r10-html out '<b>Roll back:</b>'
expect r10-html out 'Roll back now: publish this TXT record at'
refute r10-html out 'When the conditions are met'
jqt r10-json '.domains[0].readiness | .verdict == "roll_back"
	and .waiting == true and .rollback_step == 1
	and (.rollback_record | test("; p=quarantine; t=y; pct=0;"))'
jqt r10-json '[.domains[0].readiness.reasons[] | select(.code == "watch")][0]
	| .met == false and (.text | test("500 messages .* 6.7%"))'

# 11: at p=reject, 350 of 7350 rejected since the step (4.8%): ROLL BACK
# to p=quarantine; t=y; pct=0, checked before "at the last step".
reports r11 --offline --domain rbreject.test
for f in text markdown html; do
	expect r11-$f out 'v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS'
	refute r11-$f out '[Aa]t the last step'
done
expect r11-text out '^Readiness   step 4 of 4 \(p=reject\)$'
expect r11-text out '^ +ROLL BACK: legitimate mail is being lost'
expect r11-markdown out '\*\*ROLL BACK\*\*'
expect r11-html out '<b>Roll back:</b>'
jqt r11-json '.domains[0].readiness | .verdict == "roll_back"
	and .step_now == 4 and .next_step_no == null and .rollback_step == 1
	and .rollback_record ==
	"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS"'

# 16: Google shows p=quarantine, Yahoo not yet, nothing lost: WAIT for
# the new policy (nothing is published: --offline), naming both.
reports r16 --offline --domain confirm.test
expect r16-text out '^ +WAIT: not every receiver shows the new policy yet'
expect r16-markdown out 'shown by google.com; not yet by yahoo.com, aaa.example'
expect r16-markdown out '\*\*WAIT\*\*: not every receiver shows the new policy'
expect r16-html out 'Wait: not every receiver shows the new policy yet'
jqt r16-json '.domains[0].readiness | .verdict == "wait" and .waiting
	and .published == null and .rollback_record == null'

# 9: the week before now holds nothing about old.test; its latest report
# began on day 31 before now (dayb 31, 2026-03-01) and ends that day: the
# body says so, with the --until of the day after, in every format, and
# advise --json and sources --json carry the same days.
last=$(date -u -d "@$(dayb 31)" +%F)
next=$(date -u -d "@$(dayb 30)" +%F)
eq "s9 days" "$last $next" "2026-03-01 2026-03-02"
reports r9 --offline --domain old.test
expect r9-text out "^The latest report about this domain ends $last: try --until $next\.$"
expect r9-markdown out "ends $last: try \`--until $next\`"
expect r9-html out "ends $last: try <code>--until $next</code>"
expect r9-text err "the latest ends $last: try --until $next"
jqt r9-json ".domains[0] | .messages == 0 and .latest_day == \"$last\"
	and .try_until == \"$next\" and .earliest_day == null"
jqt s9 ".period.latest_day == \"$last\" and .period.try_until == \"$next\"
	and .period.earliest_day == null"
run s9s 0 sources --db "$db" --offline --domain old.test --json
jqt s9s ".latest_day == \"$last\" and .try_until == \"$next\"
	and .sources == []"
# A period with data: the keys are null.
jqt s1 '.period | .latest_day == null and .try_until == null'

# === A PTR name is shown only when forward-confirmed =======================
# Whoever controls 203.0.113.100's reverse zone (scenario 10's spoofer)
# may name it anything: a name that does not resolve back is not shown.
# 198.51.100.100 (scenario 10's own failing sender) has a confirmed one.
q "INSERT INTO rdns (ip, status, name, confirmed, orgdomain, expires_at)
	VALUES ('203.0.113.100', 'ok', 'fake.other.example', false, NULL,
	        now() + interval '1 day'),
	       ('198.51.100.100', 'ok', 'mail.step.test', true, 'step.test',
	        now() + interval '1 day')" >/dev/null
reports rp --offline --domain step.test
for f in text markdown html json; do
	refute rp-$f out 'fake\.other'
done
expect rp-text out 'mail\.step\.test'
jqt rp-json '.domains[0].spoofing_sources.sources[0] | .ip == "203.0.113.100"
	and .ptr == null and .members[0].ptr == null'
jqt rp-json '[.domains[0].failing_yours.sources[].members[]
	| select(.ip == "198.51.100.100")][0].ptr == "mail.step.test"'
# sources, advise and the views read it from SQL (source_classes_now(),
# record_analysis: sql/defs/), so they say the same.
run rp-src 0 sources --db "$db" --offline --domain step.test --json --all
refute rp-src out 'fake\.other'
jqt rp-src '[.sources[] | select(.ip == "198.51.100.100")][0].ptr ==
	"mail.step.test"'
run rp-adv 1 advise --db "$db" --offline --domain step.test
refute rp-adv out 'fake\.other'
eq "rp record_analysis" "$(q "SELECT count(*) FILTER (WHERE ptr IS NOT NULL),
	count(*) FILTER (WHERE ptr = 'mail.step.test') FROM record_analysis
	WHERE source_ip IN ('203.0.113.100', '198.51.100.100')")" \
	"$(q "SELECT count(*) || '|' || count(*) FROM record_analysis
	WHERE source_ip = '198.51.100.100'")"

# === 18 =====================================================================
# sources looks the addresses up (rdns); advise reads what it cached.
# The default period of sources is the 30 days before now: all 21 days,
# 21 * 60 failing from the scanner.
run s18_src 0 sources --db "$db" --dns-servers "$DMARCSIFT_TEST_DNS" \
	--domain own9.test --json
jqt s18_src '.sources[] | select(.ip == "192.0.2.181") | .class == "unknown"
	and .cause == "auth_fail" and .failed == 1260
	and .ptr == "scanner.own9.test"
	and .fix == "add it to your SPF record or sign its mail with DKIM for your domain"'
eq "s18 failed (by hand)" $((21 * 60)) 1260
# 14 days judged: 14 * 1060 = 14840 messages, of which the scanner's
# 14 * 60 = 840 are unknown (may be yours) and fail; the mail that may be
# yours passes 14000 of 14840: 943 per mille (94.3%), below 98%; the
# scanner alone is 840 / 14840 = 56 per mille of all mail, above 1%.
eq "s18 pass rate (by hand)" "$((14 * 1000 * 1000 / (14 * 1060)))" 943
eq "s18 share (by hand)" "$((14 * 60 * 1000 / (14 * 1060)))" 56
run s18 1 advise --db "$db" --offline --domain own9.test --json
jqt s18 '.ready == false'
jqt s18 ".evidence.messages == $((14 * 1060))
	and .evidence.legit_messages == $((14 * 1000))
	and .evidence.unknown_messages == $((14 * 60))
	and .evidence.unknown_passed == 0 and .evidence.spoofing == 0"
jqt s18 '.evidence.mine_pass_rate == 94.3'
jqt s18 ".failing_senders[0] | .who == \"own9.test\" and .class == \"unknown\"
	and .blocks == true and .hit == $((14 * 60))"
jqt s18 '.reasons[] | select(.code == "sources") | .met == false'

# === 19 =====================================================================
# 14 days judged: 14 * 1200 = 16800 messages, all legitimate; the
# subdomain signer's 14 * 200 = 2800 fail (strict alignment): 14000 of
# 16800 pass, 833 per mille (83.3%).  It is the owner's, so advise asks
# no "yours?": it names the fix.
eq "s19 pass rate (by hand)" "$((14 * 1000 * 1000 / (14 * 1200)))" 833
run s19_src 0 sources --db "$db" --offline --domain strict.test --json
jqt s19_src '.sources[] | select(.ip == "198.51.100.190") |
	.class == "legitimate" and .cause == "strict_unaligned"
	and .failed == 4200
	and .fix == "sign with the exact From domain, or relax alignment (adkim=r / aspf=r)"'
run s19 1 advise --db "$db" --offline --domain strict.test --json
jqt s19 ".evidence.messages == $((14 * 1200))
	and .evidence.legit_messages == $((14 * 1200))
	and .evidence.legit_passed == $((14 * 1000))
	and .evidence.unknown_messages == 0"
jqt s19 '.evidence.mine_pass_rate == 83.3'
jqt s19 ".failing_senders[0] | .who == \"198.51.100.190\"
	and .class == \"legitimate\" and .blocks == true
	and .hit == $((14 * 200))"
run s19_text 1 advise --db "$db" --offline --domain strict.test
if grep -Fq 'not yours?' "$tmp/s19_text.out"; then
	fail "s19_text: asks whether the owner's subdomain signer is theirs"
fi

# === 20 =====================================================================
# The spoofer's broken key resign.test/bogus never passed: spoofing, its
# 21 * 170 = 3570 failing messages in the spoofing list.  The forwarder's
# resign.test/s1 passed aligned (192.0.2.210): forwarder, all its
# 21 * 50 = 1050 forwarded.
run s20_src 0 sources --db "$db" --offline --domain resign.test --json
jqt s20_src '.sources[] | select(.ip == "203.0.113.210") |
	.class == "spoofing" and .cause == "resigned" and .failed == 3570
	and .forwarded == 0'
jqt s20_src '.sources[] | select(.ip == "198.51.100.210") |
	.class == "forwarder" and .cause == "resigned" and .failed == 1050
	and .forwarded == 1050'
eq "s20 failed (by hand)" "$((21 * 170)) $((21 * 50))" "3570 1050"
eq "s20 own keys" "$(q "SELECT source_ip, own_dkim FROM record_analysis a
	JOIN record_verdicts v USING (report, idx)
	WHERE a.domain = 'resign.test' AND a.day = '2026-03-31'
	ORDER BY source_ip")" "192.0.2.210|
198.51.100.210|resign.test/s1
203.0.113.210|resign.test/bogus"
# The judge that runs when the rules change writes the same (the store
# wrote the verdicts above as it read the reports).
q "UPDATE analysis_state SET rules_version = rules_version - 1" >/dev/null
run s20_rejudged 0 sources --db "$db" --offline --domain resign.test --json
jqt s20_rejudged '[.sources[] | {ip, class}] | sort_by(.ip) ==
	[{"ip": "198.51.100.210", "class": "forwarder"},
	 {"ip": "203.0.113.210", "class": "spoofing"}]'
eq "s20 own keys, judged again" "$(q "SELECT own_dkim FROM record_verdicts v
	JOIN records r USING (report, idx)
	WHERE r.source_ip = '203.0.113.210' GROUP BY own_dkim")" \
	"resign.test/bogus"
# 14 days: 14 * 1220 = 17080 messages; the spoofer's 14 * 170 = 2380 are
# spoofing, the forwarder's 14 * 50 = 700 forwarded; the own 14000 all
# pass: ready for the first step, exit 0.
run s20 0 advise --db "$db" --offline --domain resign.test --json
jqt s20 ".ready == true and .evidence.messages == $((14 * 1220))
	and .evidence.spoofing == $((14 * 170))
	and .evidence.forwarded == $((14 * 50))"
finish "scenarios: all passed"
