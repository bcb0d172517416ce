#!/bin/sh
# dmarcsift alert (issue 19): each event kind on fixture reports with
# numbers worked out by hand, said once, said again only when something
# changes; the webhook POST against a listener on loopback.
#
# The clock is 2026-03-11 08:00 UTC: the day judged is 2026-03-10 (D), the
# previous 7 days 03-03 to 03-09, the digest's 9 days 03-02 to 03-10.
# alert.test (the setting domains), p=quarantine in every report:
#   google.com, every day 03-02 to D:
#     192.0.2.1   100 a day, passes (DKIM and SPF alert.test)
#     192.0.2.2   100 a day passing (DKIM alert.test) until 03-09; on D
#                 100 failing (signed by esp.example only), quarantined
#     203.0.113.7 on D only: 50 failing
#   yahoo.com, 03-02 to 03-08 (7 days), then silent: 192.0.2.1 10 a day.
#   foreign.test (not the owner's): google.com, 150 messages on D.
# So:
#   new_source       203.0.113.7: 50 of D's 250 messages (20.0%) >= 5%
#   source_drop      192.0.2.2 passed 700 of 700 (100.0%) in 03-03..03-09,
#                    0 of 100 (0.0%) on D
#   pass_drop        D 100 of 250 (40.0%); the 7 days before: google 1400,
#                    yahoo 60 (03-03..03-08), all passing: 100.0%; -60.0
#   reporter_silent  yahoo.com on 7 of the 7 days 03-02..03-08
#   rollback         192.0.2.2's 100 quarantined of the 1870 messages that
#                    may be the owner's since the policy began (192.0.2.1
#                    970, 192.0.2.2 900): 5.4% (rounded up) > 1%
#   refused          one input that is not a report
#   foreign          foreign.test 150 >= --alert-foreign-messages 100
#   dns              not at first (a warn check); a changed record later
# usage: test_alert.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), SMTP_PLAIN_URL and
# SMTP_MAILDIR (tests/harness/smtp run), psql, jq, python3.
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg smtp
need psql jq python3
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/gen.sh"
newdb alert
export DMARCSIFT_NOW=2026-03-11T08:00:00Z
printf 'domains = alert.test\nalert_foreign_messages = 100\noffline = yes\n' \
	>"$DMARCSIFT_CONFIG"
mkdir "$tmp/in"

d0=1772409600 # 2026-03-02
D=1773100800  # 2026-03-10
t=$d0
while [ "$t" -le "$D" ]; do
	if [ "$t" -lt "$D" ]; then
		two="192.0.2.2|100|alert.test|alert.test:pass||"
	else
		two="192.0.2.2|100|alert.test|esp.example:pass|esp.example:fail||quarantine"
		set -- "203.0.113.7|50|alert.test|||"
	fi
	[ "$t" -lt "$D" ] && set --
	report "$tmp/in/g$t.xml" google.com alert.test "$t" quarantine \
		"192.0.2.1|100|alert.test|alert.test:pass|alert.test:pass|" \
		"$two" "$@"
	if [ "$t" -le $((d0 + 6 * 86400)) ]; then
		report "$tmp/in/y$t.xml" yahoo.com alert.test "$t" quarantine \
			"192.0.2.1|10|alert.test|alert.test:pass|alert.test:pass|"
	fi
	t=$((t + 86400))
done
report "$tmp/in/foreign.xml" google.com foreign.test "$D" none \
	"198.51.100.5|150|foreign.test|||"
run ingest 0 -q ingest --db "$db" "$tmp/in"
printf 'this is not a report\n' >"$tmp/junk.xml"
run ingest_junk 1 -q ingest --db "$db" "$tmp/junk.xml"

# A stored check (sql/019) as check would keep it: warn, not news.
check_row() { # STATUS DMARC_RECORD
	q "INSERT INTO check_results (domain, result, status, version)
	VALUES ('alert.test', jsonb_build_object('domain', 'alert.test',
	  'status', '$1', 'policy', jsonb_build_object('published',
	  jsonb_build_object('record', '$2')), 'items', jsonb_build_array(
	  jsonb_build_object('id', 'dmarc.record', 'status', '$1',
	    'subject', '_dmarc.alert.test', 'text', 'one DMARC record'),
	  jsonb_build_object('id', 'reports.days', 'status', 'pass',
	    'subject', 'alert.test', 'text', '$3 days of reports'))),
	  '$1', 'test')
	ON CONFLICT (domain) DO UPDATE SET result = excluded.result,
	  status = excluded.status, checked_at = now()" >/dev/null ||
		fail "check_results: cannot store"
}
check_row warn 'v=DMARC1; p=quarantine' 9

# --- The first run: every kind but dns, each with its numbers. -----------
run dry 1 alert --dry-run --json --db "$db"
jqt dry '.dry_run == true and .new == 7 and .held == 0 and .day == "2026-03-10"'
want "dry run records nothing" "SELECT count(*) FROM alert_events" 0
want "dry run keeps no check" "SELECT count(*) FROM alert_checks" 0

run first 1 alert --db "$db"
expect first out '^dmarcsift alert: 7 new \(the last complete day: 2026-03-10\)$'
expect first out '^\[new_source\] alert\.test: new source 203\.0\.113\.7, class [a-z]+, sent 50 of the domain.s 250 messages on 2026-03-10 \(20\.0%\), 0\.0% passing$'
expect first out '^\[source_drop\] alert\.test: legitimate sender 192\.0\.2\.2 passed 100\.0% of 700 messages over the previous 7 days, 0\.0% of 100 on 2026-03-10'
expect first out '^\[pass_drop\] alert\.test: 40\.0% of 250 messages passed DMARC on 2026-03-10, against 100\.0% of 1460 over the previous 7 days \(-60\.0 points\)$'
expect first out '^\[reporter_silent\] alert\.test: yahoo\.com reported on 7 of the 7 days before 2026-03-09, nothing since \(2 days\)$'
expect first out '^\[rollback\] alert\.test: the policy p=quarantine loses legitimate mail: receivers quarantined or rejected 100 messages of your legitimate mail since the step on 2026-03-02 \(9 days\), 5\.4% '
expect first out 'fix: roll back: publish at _dmarc\.alert\.test: v=DMARC1; p=quarantine; t=y; pct=0'
expect first out '^\[refused\] input [0-9]+ \(.*junk\.xml\), received .* was refused: '
expect first out '^\[foreign\] foreign\.test, not one of your domains, has 150 messages'
refute first out '^\[dns\]'
want "events recorded" "SELECT string_agg(kind, ',' ORDER BY kind) FROM
	alert_events WHERE cleared IS NULL" \
	"foreign,new_source,pass_drop,refused,reporter_silent,rollback,source_drop"
want "check seen" "SELECT status FROM alert_checks" warn
# Monitoring sees them (issue 19, metrics): the 7 kinds said are open,
# dns is not.
run metrics_open 0 metrics --db "$db"
for k in foreign new_source pass_drop refused reporter_silent rollback \
	source_drop; do
	expect metrics_open out "^dmarcsift_alerts_open\\{kind=\"$k\"\\} 1\$"
done
expect metrics_open out '^dmarcsift_alerts_open\{kind="dns"\} 0$'

# The thresholds' edges (every event held now: exit 0): a drop of exactly
# 60.0 points is not more than 60; a share of exactly 20% is at least 20.
run edge_60 0 alert --dry-run --json --alert-pass-drop 60 \
	--alert-new-source-share 20 --db "$db"
jqt edge_60 '([.alerts[].kind] | index("pass_drop")) == null and
	([.alerts[].kind] | index("new_source")) != null'
run edge_59 0 alert --dry-run --json --alert-pass-drop 59 --db "$db"
jqt edge_59 '([.alerts[].kind] | index("pass_drop")) != null'

# --- Said once: the same data says nothing, exit 0. ----------------------
run second 0 alert --db "$db"
lines second out 0
run second_json 0 alert --json --db "$db"
jqt second_json '.new == 0 and .held == 7 and ([.alerts[] | select(.new)] | length) == 0'

# --- A change is news: the DMARC record changed (and fails). -------------
# Only the report count changed: the same records, nothing new.
check_row warn 'v=DMARC1; p=quarantine' 10
run counts_only 0 alert --db "$db"
lines counts_only out 0
check_row fail 'v=DMARC1; p=none' 10
run dns 1 alert --json --db "$db"
jqt dns '.new == 1 and ([.alerts[] | select(.new) | .kind] == ["dns"]) and
	([.alerts[] | select(.new) | .text][0] | test("^alert\\.test: its DMARC, SPF or DKIM records changed in the check of .* UTC; status fail, was warn$"))'
run dns_again 0 alert --db "$db"

# A threshold raised: the new source is below it and clears silently; put
# back, it is said again.
run raised 0 alert --alert-new-source-share 21 --db "$db"
lines raised out 0
want "cleared" "SELECT cleared IS NOT NULL FROM alert_events
	WHERE kind = 'new_source'" t
run back 1 alert --db "$db"
expect back out '^dmarcsift alert: 1 new '
expect back out '^\[new_source\] alert\.test: new source 203\.0\.113\.7'

# --- The webhook: one POST of {"text": ...}, its URL a secret. -----------
cat >"$tmp/hook.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0))
        with open(sys.argv[1], 'ab') as f:
            f.write(self.rfile.read(n) + b'\n')
        with open(sys.argv[1] + '.type', 'w') as f:
            f.write(self.headers.get('Content-Type', ''))
        code = 500 if self.path.endswith('/broken') else 200
        self.send_response(code)
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'ok')
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
open(sys.argv[2], 'w').write(str(s.server_address[1]))
s.serve_forever()
PY
python3 "$tmp/hook.py" "$tmp/posts" "$tmp/port" &
# shellcheck disable=SC2034 # killed at exit (kill_at_exit)
hook_pid=$!
kill_at_exit hook_pid
n=0
while [ ! -s "$tmp/port" ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
port=$(cat "$tmp/port")
url="http://127.0.0.1:$port/services/T0SECRET/B0SECRET/broken"
check_row fail 'v=DMARC1; p=reject' 10
# A server that answers 500: exit 2, the URL's path never shown, nothing
# recorded (the next run tries again).
run hook_broken 2 alert --webhook "$url" --db "$db"
expect hook_broken err "webhook http://127\.0\.0\.1:$port/\.\.\.: the server answered 500"
refute hook_broken err SECRET
refute hook_broken out SECRET
printf 'alert_webhook_url = http://127.0.0.1:%s/services/T0SECRET/ok\n' \
	"$port" >>"$DMARCSIFT_CONFIG"
: >"$tmp/posts"
run hook 1 alert --db "$db"
eq "one POST" "$(jq -s length "$tmp/posts")" 1
eq "content type" "$(cat "$tmp/posts.type")" application/json
jq -e '(keys == ["text"]) and (.text | test("^dmarcsift alert: 1 new")) and
	(.text | test("\\[dns\\] alert\\.test: its DMARC, SPF or DKIM records changed"))' \
	"$tmp/posts" >/dev/null || fail "webhook: want {\"text\": ...} of the dns alert, got $(cat "$tmp/posts")"
: >"$tmp/posts"
run hook_again 0 alert --db "$db"
eq "nothing new, no POST" "$(wc -c <"$tmp/posts")" 0

# --- Mailed, through a real SMTP server; a mail not sent is not said. -----
check_row fail 'v=DMARC1; p=reject; pct=50' 10
run mail_down 2 alert --mail-to postmaster@alert.test \
	--smtp-url smtp://127.0.0.1:1 --smtp-allow-plain --db "$db"
expect mail_down err '^dmarcsift: error: alert not mailed: '
run mail 1 alert --mail-to postmaster@alert.test,second@alert.test \
	--smtp-url "$SMTP_PLAIN_URL" --smtp-allow-plain \
	--smtp-from dmarc@alert.test --db "$db"
m="$SMTP_MAILDIR/000001.eml"
if [ ! -f "$m" ]; then
	fail "mail: no mail arrived"
else
	grep -q '^Subject: DMARC alert: 1 new, alert\.test' "$m" ||
		fail "mail: subject: $(grep '^Subject' "$m")"
	grep -q '^Content-Type: text/plain' "$m" || fail "mail: not text"
	grep -q '\[dns\] alert\.test' "$m" || fail "mail: no [dns] alert"
	[ "$(grep -c '^to' "$SMTP_MAILDIR/000001.env")" = 2 ] ||
		fail "mail: not sent to both recipients"
fi
run mail_again 0 alert --mail-to postmaster@alert.test \
	--smtp-url "$SMTP_PLAIN_URL" --smtp-allow-plain --db "$db"
[ ! -f "$SMTP_MAILDIR/000002.eml" ] || fail "mail_again: nothing new, mailed"

# --- A role that only reads: --dry-run works, a real run says it cannot
# record (exit 2), and tells which role to use.
q "DO \$\$ BEGIN CREATE ROLE alert_ro LOGIN; EXCEPTION WHEN
	duplicate_object THEN NULL; END \$\$;
	GRANT CONNECT ON DATABASE alert TO alert_ro;
	GRANT USAGE ON SCHEMA public TO alert_ro;
	GRANT SELECT ON ALL TABLES IN SCHEMA public TO alert_ro" >/dev/null ||
	fail "alert_ro: cannot make the role"
check_row fail 'v=DMARC1; p=reject; pct=25' 10
run ro_dry 1 alert --dry-run --db "$db user=alert_ro"
expect ro_dry out '^\[dns\] alert\.test'
run ro 2 alert --db "$db user=alert_ro"
expect ro err 'may not write alert_events: run alert as the role that ingests'

run help 0 alert --help
expect help out '^usage: dmarcsift alert '
expect help out 'Exit status: 0 nothing new to say, 1 alerts said, 2'
finish "alert: every kind said once, changes said again, POSTed, mailed"
