#!/bin/sh
# Forged reports cannot flip the verdict (issue 17, item 3): the real
# binary on report mails, against a real PostgreSQL.  A domain passes 76%
# of its mail, reported by google.com every day; a stranger adds reports
# under google.com's name claiming 2,000,000 aligned messages a day.
# Every expected number is worked out here by hand from the fixtures.
# usage: test_genuine.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql, jq.
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
need psql jq
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/gen.sh"
newdb genuine

# Every command runs on 2026-04-01 (1775001600); the period judged is the
# 14 days 2026-03-18 to 2026-03-31.
now=1775001600
export DMARCSIFT_NOW=2026-04-01
DAY=86400
dayb() { echo $((now - $1 * DAY)); }
mkdir "$tmp/in"

# mail FILE AUTHRES REPORT: a report mail as the owner's server delivers
# it, with its Authentication-Results on top.
mail() {
	{
		printf 'Return-Path: <noreply@google.com>\n'
		printf 'Authentication-Results: mx.owner.test;\n\t%s\n' "$2"
		printf 'Received: from mail.sender.example by mx.owner.test;\n'
		printf '\tWed, 1 Apr 2026 00:00:00 +0000\n'
		printf 'From: noreply@google.com\n'
		printf 'To: dmarc@forge.test\n'
		printf 'Subject: Report domain: forge.test Submitter: google.com\n'
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: application/xml\n'
		printf 'Content-Disposition: attachment; filename="r.xml"\n\n'
		cat "$3"
	} >"$1"
}

# Genuine: 35 days, each 760 aligned and passing from the owner's server,
# 240 from an ESP that signs and bounces as itself (unknown, failing).
# The mail passed DKIM for google.com at mx.owner.test.
d=1
while [ $d -le 35 ]; do
	report "$tmp/g.xml" google.com forge.test "$(dayb $d)" none \
		'192.0.2.20|760|forge.test|forge.test:pass|forge.test:pass|' \
		'198.51.100.21|240|forge.test|esp.example:pass|bounces.esp.example:pass|'
	mail "$tmp/in/genuine-$d.eml" \
		'dkim=pass header.d=google.com header.s=2026; spf=pass smtp.mailfrom=google.com' \
		"$tmp/g.xml"
	d=$((d + 1))
done
# Forged: the last 10 days, under google.com's name, 2,000,000 aligned
# passing messages a day, with report ids of the stranger's own.  The
# stranger signs with its own domain.
d=1
while [ $d -le 10 ]; do
	report "$tmp/f0.xml" google.com forge.test "$(dayb $d)" none \
		'192.0.2.99|2000000|forge.test|forge.test:pass|forge.test:pass|'
	sed 's/<report_id>/<report_id>x-/' "$tmp/f0.xml" >"$tmp/f.xml"
	mail "$tmp/in/forged-$d.eml" \
		'dkim=pass header.d=attacker.example; spf=pass smtp.mailfrom=attacker.example' \
		"$tmp/f.xml"
	d=$((d + 1))
done

# === With authserv_id: forged reports are stored, judged, never counted ====
echo 'authserv_id = mx.owner.test' >"$DMARCSIFT_CONFIG"
run ingest 0 ingest --db "$db" -q "$tmp/in"
eq "reports by verdict" "$(q "SELECT genuine, count(*) FROM reports
	GROUP BY genuine ORDER BY genuine")" "f|10
t|35"
eq "input evidence" "$(q "SELECT count(*), min(auth_by), min(mail_from),
	min(auth_top) FROM inputs")" "45|mx.owner.test|google.com|mx.owner.test"
eq "forged why" "$(q "SELECT DISTINCT genuine_why FROM reports
	WHERE NOT genuine")" "mx.owner.test saw no DKIM or DMARC pass for google.com (dkim=pass header.d=attacker.example; spf=pass smtp.mailfrom=attacker.example)"
# Counted: 35 genuine days of 1000.
eq "counted" "$(q "SELECT count(*), sum(messages) FROM counted_reports")" \
	"35|35000"

# The period: 14 genuine reports, 14 * 1000 = 14000 messages, of which
# 14 * 760 = 10640 pass: 76.0%, under 98: NOT READY on the pass rate.
# The forged reports of the period: 10, 10 * 2000000 = 20000000 messages,
# above 1% of 20014000: the reports reason blocks too.
run a 1 advise --db "$db" --offline --domain forge.test --json
jqt a '.ready == false and .evidence.messages == 14000
	and .evidence.passed == 10640'
jqt a '[.reasons[] | select(.code == "pass_rate")][0].met == false'
jqt a '[.reasons[] | select(.code == "reports")][0]
	| .met == false and (.text | contains("20000000 messages, 10 reports"))'
jqt a '.reporters == [{"name": "google.com", "reports": 24, "genuine": 14,
	"failed": 10, "unchecked": 0, "messages": 20014000,
	"failed_messages": 20000000, "peak_daily": 1000, "usual_daily": 1000,
	"history_days": 21, "jump": false,
	"why": "mx.owner.test saw no DKIM or DMARC pass for google.com (dkim=pass header.d=attacker.example; spf=pass smtp.mailfrom=attacker.example)",
	"auth_results_by": "mx.owner.test"}]'
run a_text 1 advise --db "$db" --offline --domain forge.test
grep -q '^Reporters to look at' "$tmp/a_text.out" ||
	fail "a_text: no 'Reporters to look at' section"
grep -q '  google.com: 10 of 24 reports (20000000 messages) failed authentication, not counted' \
	"$tmp/a_text.out" || fail "a_text: no line for google.com"

# === Without authserv_id: could not tell, and the jump gives it away =======
# reparse --all judges the stored mail again with the settings of now.
: >"$DMARCSIFT_CONFIG"
run reparse_none 0 reparse --db "$db" -q --all
eq "none checked" "$(q "SELECT genuine IS NULL, count(*) FROM reports
	GROUP BY 1")" "t|45"
# Everything counts now: 20014000 messages, 10640 + 20000000 = 20010640
# pass: 99.98%, and the ESP's 14 * 240 = 3360 failing are 0.02% of the
# mail: without the reports reason this would be READY (the attack).
# google.com's busiest day of the period is a forged one, 2001000; its
# median day of the 28 before (2026-02-18 .. 2026-03-17) is 1000, from
# 21 days of genuine reports (days 15 to 35 before now): a jump, in
# reports none of which could be checked.  NOT READY.
run b 1 advise --db "$db" --offline --domain forge.test --json
jqt b '.ready == false and .evidence.messages == 20014000
	and .evidence.passed == 20010640'
jqt b '[.reasons[] | select(.code == "pass_rate")][0].met == true'
jqt b '[.reasons[] | select(.code == "sources")][0].met == true'
jqt b '[.reasons[] | select(.code == "reports")][0]
	| .met == false and (.text | startswith("google.com claims 2001000 messages on one day, 2001 times its usual 1000"))'
jqt b '.reporters[0] | .unchecked == 24 and .peak_daily == 2001000
	and .usual_daily == 1000 and .jump == true
	and .why == "authserv_id is not set (the mail'"'"'s topmost Authentication-Results is by mx.owner.test)"'

# Without the forged mail, nothing jumped: the reports reason is only a
# warning that says plainly it could not tell, and how to fix it.
q "DELETE FROM inputs WHERE id IN
	(SELECT input FROM reports WHERE messages = 2000000)" >/dev/null
run b2 1 advise --db "$db" --offline --domain forge.test --json
jqt b2 '[.reasons[] | select(.code == "reports")][0] | .met == false and .blocks == false
	and .text == "could not tell whether the reports are genuine: their mail was not checked; Authentication-Results on it are by mx.owner.test: set authserv_id = mx.owner.test, then run dmarcsift reparse --all"'  '[.reasons[]|select(.code=="reports")]'

# === The setting back: every stored report genuine again ===================
echo 'authserv_id = mx.owner.test' >"$DMARCSIFT_CONFIG"
run reparse_set 0 reparse --db "$db" -q --all
eq "all genuine" "$(q "SELECT genuine, count(*) FROM reports GROUP BY 1")" \
	"t|35"
run c 1 advise --db "$db" --offline --domain forge.test --json
jqt c '[.reasons[] | select(.code == "reports")][0] | .met == true
	and .text == "every report came in mail that passed DKIM or DMARC for its reporter"'

finish "genuine: all passed"
