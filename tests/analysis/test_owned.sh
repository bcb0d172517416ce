#!/bin/sh
# Whose domains, and one DNS time budget (issue 17, item 2): the real
# binary on report mails, against a real PostgreSQL.  A stranger who mails
# made-up reports about names of its choosing makes none of them the
# owner's, so none is checked over DNS, mailed or named; a silent
# resolver costs a command its dns_budget, not minutes.  Every expected
# number is worked out here by hand from the fixtures.
# usage: test_owned.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql, jq, python3.
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
need psql jq python3
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/gen.sh"
newdb owned

# Every command runs on 2026-04-01: the default week is 03-25 to 03-31,
# after 03-18 to 03-24 (the two weeks report judges whose domains over);
# the reports are of 03-30.
export DMARCSIFT_NOW=2026-04-01
day=$((1775001600 - 2 * 86400))
mkdir "$tmp/in" "$tmp/loose" "$tmp/cap"

# passed DOMAIN: Authentication-Results saying DKIM and SPF passed for it.
passed() {
	echo "dkim=pass header.d=$1 header.s=s1; spf=pass smtp.mailfrom=$1"
}
# rec IP COUNT DOMAIN: one record of mail that passed for DOMAIN.
rec() {
	echo "$1|$2|$3|$3:pass|$3:pass|"
}

# A stranger: 50 domains s01.test .. s50.test, one report each claiming
# 100 messages, from 50 reporters it made up, each mail signed by its
# reporter's own domain and so genuine.  The rule before (2 or more
# reporters OR 100 or more messages) made every one the owner's.
n=1
while [ $n -le 50 ]; do
	s=$(printf 's%02d' $n)
	report "$tmp/r.xml" "$s.example" "$s.test" $day none \
		"$(rec 203.0.113.$n 100 $s.test)"
	report_mail "$tmp/in/$s.eml" "$s.example" "$(passed $s.example)" \
		"$tmp/r.xml"
	n=$((n + 1))
done
# mine.test: google.com 100 and yahoo.com 50, both genuine: 2 reporters,
# 150 messages: the owner's.
report "$tmp/r.xml" google.com mine.test $day none \
	"$(rec 192.0.2.1 100 mine.test)"
report_mail "$tmp/in/mine-g.eml" google.com "$(passed google.com)" "$tmp/r.xml"
report "$tmp/r.xml" yahoo.com mine.test $day none \
	"$(rec 192.0.2.2 50 mine.test)"
report_mail "$tmp/in/mine-y.eml" yahoo.com "$(passed yahoo.com)" "$tmp/r.xml"
# loose.test: 2 reporters, 200 messages, as files: nobody could tell
# whether they are genuine, and the period holds genuine reports: not the
# owner's.
report "$tmp/loose/g.xml" google.com loose.test $day none \
	"$(rec 192.0.2.3 100 loose.test)"
report "$tmp/loose/y.xml" yahoo.com loose.test $day none \
	"$(rec 192.0.2.3 100 loose.test)"
# failed.test: google.com 100, genuine, and 100 under yahoo.com's name
# in mail that passed for another domain: not genuine, never counted, so
# 1 reporter and 100 messages: not the owner's.
report "$tmp/r.xml" google.com failed.test $day none \
	"$(rec 192.0.2.4 100 failed.test)"
report_mail "$tmp/in/failed-g.eml" google.com "$(passed google.com)" \
	"$tmp/r.xml"
report "$tmp/r.xml" yahoo.com failed.test $day none \
	"$(rec 192.0.2.4 100 failed.test)"
report_mail "$tmp/in/failed-y.eml" yahoo.com "$(passed attacker.example)" \
	"$tmp/r.xml"

echo 'authserv_id = mx.owner.test' >"$DMARCSIFT_CONFIG"
run ingest 0 ingest --db "$db" -q "$tmp/in" "$tmp/loose"
want "reports by verdict" "SELECT genuine, count(*) FROM reports GROUP BY 1
	ORDER BY 1" "f|1
t|53
|2"

# --- The rule (owned_domains(), sql/021) ---------------------------------------
run rule 0 report --db "$db" --offline --format json
jqt rule '[.domains[].domain] == ["mine.test"]'
# Foreign: 52 domains, 50 * 100 + 200 + 100 = 5300 messages; the 10 with
# the most listed, loose.test first.
jqt rule '.foreign | .messages == 5300 and (.domains | length) == 10
	and .more == 42 and .domains[0] == {"domain": "loose.test",
	"messages": 200}'
want "owned_domains" "SELECT count(*), string_agg(domain || ':' || messages,
	' ') FILTER (WHERE owned) FROM owned_domains('2026-03-18',
	'2026-04-01')" "53|mine.test:150"
# With the list, the list: a name without reports is there, with none.
want "owned_domains list" "SELECT string_agg(domain || ':' || messages, ' '
	ORDER BY domain) FROM owned_domains('2026-03-18', '2026-04-01',
	'{S01.test, quiet.test}') WHERE owned" "quiet.test:0 s01.test:100"

# --- One DNS time budget ---------------------------------------------------------
# A name server that never answers: a UDP socket nobody reads.  Each
# lookup would wait dns_timeout (3 s), then twice that.
python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(3600)
' >"$tmp/silent.port" &
silent=$!
kill_at_exit silent
for _ in $(seq 50); do
	[ -s "$tmp/silent.port" ] && break
	sleep 0.1
done
sp=$(cat "$tmp/silent.port")
[ -n "$sp" ] || { echo "the silent server did not start" >&2; exit 2; }
dns=127.0.0.1:$sp

# 10 of the owner's domains, each with a source to name, a _dmarc record
# and a DNS health to look up: minutes before, when only the health
# section had a budget; now the budget of 5 s, in all.
own=mine.test
n=1
while [ $n -le 9 ]; do
	own=$own,$(printf 's%02d.test' $n)
	n=$((n + 1))
done
printf 'authserv_id = mx.owner.test\ndns_budget = 5\ndomains = %s\n' \
	"$own" >"$DMARCSIFT_CONFIG"
run silent_report 0 report --db "$db" --dns-servers "$dns" --format text
echo "report, 10 domains, server silent, dns_budget 5: $took s" >&2
[ "$took" -lt 15 ] || fail "silent_report: $took s, want under 3 * 5"
expect silent_report err 'dns_budget: the 5 s for DNS lookups are spent'
expect silent_report err 'the DNS health of 10 domain\(s\)'
expect silent_report err 'the published DMARC record of 10 domain\(s\)'
eq "silent_report: said once" \
	"$(grep -c 'dns_budget' "$tmp/silent_report.err")" 1
refute silent_report err 'DNS health:'
# Nothing learnt, nothing kept: the next run asks again, and serve keeps
# the checks it had.
want "nothing cached" "SELECT (SELECT count(*) FROM rdns) + (SELECT count(*)
	FROM ip_owner) + (SELECT count(*) FROM check_results)" 0

run silent_advise !2 advise --db "$db" --dns-servers "$dns" --domain mine.test
echo "advise, server silent, dns_budget 5: $took s" >&2
[ "$took" -lt 15 ] || fail "silent_advise: $took s, want under 3 * 5"
expect silent_advise err 'dns_budget: the 5 s for DNS lookups are spent'
eq "silent_advise: said once" \
	"$(grep -c 'dns_budget' "$tmp/silent_advise.err")" 1

run silent_check 1 check --no-db --dns-servers "$dns" --dns-budget 2 \
	mine.test
echo "check, server silent, dns_budget 2: $took s" >&2
[ "$took" -lt 6 ] || fail "silent_check: $took s, want under 3 * 2"
expect silent_check err 'dns_budget: the 2 s for DNS lookups are spent'
expect silent_check out 'DNS time budget spent'

# --- Only the owner's sources are looked up -------------------------------------
# A quick timeout, and budget enough: every lookup of the owner's
# sources times out and is kept as such; a stranger's sources are never
# asked about.
printf 'authserv_id = mx.owner.test\ndns_timeout = 100\n' >"$DMARCSIFT_CONFIG"
run names 0 report --db "$db" --dns-servers "$dns" --format json \
	--no-dns-check
refute names err 'dns_budget'
want "names: the owner's sources only" "SELECT string_agg(host(ip), ' '
	ORDER BY ip) FROM rdns" "192.0.2.1 192.0.2.2"
want "networks: the owner's sources only" "SELECT string_agg(host(ip), ' '
	ORDER BY ip) FROM ip_owner" "192.0.2.1 192.0.2.2"

# --- At most 20 -------------------------------------------------------------------
# c01.test .. c21.test: google.com 100 and yahoo.com 100 + N each (201 ..
# 221), as files, in a database with no genuine report: the rule needs
# none then.  The 20 with the most messages are the owner's; c01.test is
# foreign.
newdb cap
: >"$DMARCSIFT_CONFIG"
n=1
while [ $n -le 21 ]; do
	c=$(printf 'c%02d.test' $n)
	report "$tmp/cap/$c-g.xml" google.com $c $day none \
		"$(rec 192.0.2.9 100 $c)"
	report "$tmp/cap/$c-y.xml" yahoo.com $c $day none \
		"$(rec 192.0.2.9 $((100 + n)) $c)"
	n=$((n + 1))
done
run cap_ingest 0 ingest --db "$db" -q "$tmp/cap"
run cap 0 report --db "$db" --offline --format json
jqt cap '(.domains | length) == 20 and .domains[0].domain == "c02.test"
	and .foreign.domains == [{"domain": "c01.test", "messages": 201}]'

finish "owned: all passed"
