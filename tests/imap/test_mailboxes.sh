#!/bin/sh
# Several mailboxes in one configuration ([mailbox NAME] sections), read by
# one dmarcsift ingest --imap against a real Dovecot (three users) and
# PostgreSQL:
#  1. two mailboxes: each one's mail stored and moved, each its own row in
#     ingest_runs, exit 0;
#  2. three, one with a wrong password: the other two stored, the failed
#     one said with its name and its row 'failed', exit 1; every one
#     failing is exit 2;
#  3. --mailbox NAME reads that one alone; an unknown name is exit 2;
#  4. dmarcsift config --mailbox NAME shows its settings, the password
#     file's name and never the password; config names the sections.
# usage: test_mailboxes.sh DMARCSIFT CORPUS_DIR HARNESS_DIR
# needs: DMARCSIFT_TEST_DB and the DMARCSIFT_TEST_IMAP_* variables, psql
bin=$1 corpus=$2 harness=$3
. "$(dirname "$0")/../lib.sh"
need_server pg dovecot
no_settings

adm() { "$harness/dovecot" doveadm "$DOVECOT_DIR" "$@"; }
put() { "$harness/dovecot" put "$DOVECOT_DIR" "$1" "$2" >/dev/null; }
count() { adm search -u "$1" mailbox "$2" all 2>/dev/null | wc -l; }
set -- $DMARCSIFT_TEST_IMAP_MORE_USERS
u1=$DMARCSIFT_TEST_IMAP_USER u2=$1 u3=$2
pw1=$DMARCSIFT_TEST_IMAP_PASSWORD_FILE
pw2=$DOVECOT_DIR/password.$u2 pw3=$DOVECOT_DIR/password.$u3
url="imaps://$DMARCSIFT_TEST_IMAP_HOST:$DMARCSIFT_TEST_IMAPS_PORT"

# shellcheck source=mail.sh
. "$(dirname "$0")/mail.sh"
# Two mails for each user (the same report: each mail is an input).
zip=$(find "$corpus" -name '*.zip' | sort | head -1)
[ -n "$zip" ] || exit 2
for u in $u1 $u2 $u3; do
	for i in 1 2; do
		mkmail "$zip" "$u-$i" >"$tmp/$u-$i.eml"
		put INBOX "$u" <"$tmp/$u-$i.eml" || exit 2
	done
done

# The shared lines, then one section per mailbox (as for one per domain).
conf() { # FILE PASSWORD_FILE_OF_U2
	cat >"$1" <<EOF
imap_cafile = $DMARCSIFT_TEST_IMAP_CAFILE
imap_url = $url
imap_batch = 1

[mailbox one]
imap_user = $u1
imap_password_file = $pw1

[mailbox two]
imap_user = $u2
imap_password_file = $2
imap_processed = Done
EOF
}

# 1. Two mailboxes, one run.
newdb
conf "$tmp/two.conf" "$pw2"
run two 0 ingest --imap -v --config "$tmp/two.conf" --db "$db"
[ "$(count $u1 INBOX)" = 0 ] && [ "$(count $u1 DMARC.Processed)" = 2 ] ||
	fail "two: $u1's mail not moved"
[ "$(count $u2 INBOX)" = 0 ] && [ "$(count $u2 Done)" = 2 ] ||
	fail "two: $u2's mail not moved to its own folder"
[ "$(count $u3 INBOX)" = 2 ] || fail "two: $u3's mail touched"
want "two: every mail stored once, by its account" \
	"SELECT string_agg(account || ' ' || n, ',' ORDER BY n, account DESC)
	FROM (SELECT account, count(*) n FROM imap_messages GROUP BY 1) a" \
	"$u1@$DMARCSIFT_TEST_IMAP_HOST 2,$u2@$DMARCSIFT_TEST_IMAP_HOST 2"
want "two: a run row each" \
	"SELECT string_agg(command || ' ' || status || ' ' || inputs_new, ','
	ORDER BY id) FROM ingest_runs" \
	"ingest --imap --mailbox one finished 2,ingest --imap --mailbox two finished 2"
expect two out "^$u1@$DMARCSIFT_TEST_IMAP_HOST INBOX: 2 mail\(s\) stored"
expect two out "^$u2@$DMARCSIFT_TEST_IMAP_HOST INBOX: 2 mail\(s\) stored"
run two-again 0 ingest --imap -q --config "$tmp/two.conf" --db "$db"

# 2. Three, the second with a wrong password: the others are read.
newdb
echo wrong >"$tmp/badpw"
chmod 600 "$tmp/badpw"
conf "$tmp/three.conf" "$tmp/badpw"
cat >>"$tmp/three.conf" <<EOF

[mailbox three]
imap_user = $u3
imap_password_file = $pw3
EOF
for i in 1 2; do put INBOX "$u1" <"$tmp/$u1-$i.eml" || exit 2; done
run three 1 ingest --imap -q --config "$tmp/three.conf" --db "$db"
expect three err "^dmarcsift: error: mailbox two: imap: login refused for user $u2"
[ "$(count $u1 INBOX)" = 0 ] || fail "three: $u1's mail left"
[ "$(count $u3 INBOX)" = 0 ] && [ "$(count $u3 DMARC.Processed)" = 2 ] ||
	fail "three: $u3's mail not moved (after the failed one)"
want "three: the failed one's row says so" \
	"SELECT string_agg(command || ' ' || status, ',' ORDER BY id)
	FROM ingest_runs" \
	"ingest --imap --mailbox one finished,ingest --imap --mailbox two failed,ingest --imap --mailbox three finished"
want "three: every mail of the two stored" \
	"SELECT count(*) FROM imap_messages WHERE done_at IS NOT NULL" 4

# Every mailbox failing: nothing could run, exit 2.
sed "s|^imap_password_file = .*|imap_password_file = $tmp/badpw|" \
	"$tmp/three.conf" >"$tmp/none.conf"
run none 2 ingest --imap -q --config "$tmp/none.conf" --db "$db"
[ "$(grep -c 'login refused' "$tmp/none.err")" = 3 ] ||
	fail "every one refused: want three errors: $(cat "$tmp/none.err")"

# 3. --mailbox NAME: that one alone.
for i in 1 2; do put INBOX "$u1" <"$tmp/$u1-$i.eml" || exit 2; done
newdb
run pick 0 ingest --imap -q --config "$tmp/three.conf" --db "$db" \
	--mailbox one
[ "$(count $u1 INBOX)" = 0 ] || fail "--mailbox one: not read"
want "--mailbox one: only it" \
	"SELECT string_agg(DISTINCT account, ',') FROM imap_messages" \
	"$u1@$DMARCSIFT_TEST_IMAP_HOST"
run nosuch 2 ingest --imap -q --config "$tmp/three.conf" --db "$db" \
	--mailbox four
expect nosuch err "no \[mailbox four\] section \(there are: one, two, three\)"

# 4. config shows a mailbox's settings, its secrets by their file only.
run show 0 config --config "$tmp/three.conf" --mailbox two
expect show out "^imap_user = $u2 +# $tmp/three.conf:10$"
expect show out "^imap_processed = Done +# $tmp/three.conf:12$"
expect show out "^imap_password_file = $tmp/badpw "
refute show out "wrong"
run sections 0 config --config "$tmp/three.conf"
expect sections out "^mailbox = +# default: every section: one two three$"
run check 0 config --check --config "$tmp/three.conf"

finish "several mailboxes: in one run, one failing, picked, shown"
