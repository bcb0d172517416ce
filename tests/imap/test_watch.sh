#!/bin/sh
# dmarcsift ingest --imap --watch against a real Dovecot and PostgreSQL:
#  1. mail delivered while it waits in IDLE is stored and moved within a few
#     seconds, also after the IDLE was renewed (imap_idle_interval 2);
#  2. a server without IDLE (127.0.0.4) is looked at every
#     imap_poll_interval seconds;
#  3. Dovecot stopped and started under it: it connects again (1 s, 2 s,
#     ...) and goes on;
#  4. a refused login is tried again, the password file read afresh;
#  5. SIGTERM in the middle of a batch: exit 0, and each mail is either
#     stored and moved, or still in INBOX and not stored;
#  6. two mailboxes: a watcher each, both stop on SIGTERM, and when their
#     parent is killed outright.
# usage: test_watch.sh DMARCSIFT CORPUS_DIR HARNESS_DIR
# needs: DMARCSIFT_TEST_DB and the DMARCSIFT_TEST_IMAP_* variables, psql
bin=$1 corpus=$2 harness=$3
. "$(dirname "$0")/../lib.sh"
# shellcheck source=mail.sh
. "$(dirname "$0")/mail.sh"
need_server pg dovecot
no_settings
wpid=
kill_at_exit wpid

adm() { "$harness/dovecot" doveadm "$DOVECOT_DIR" "$@"; }
put() { "$harness/dovecot" put "$DOVECOT_DIR" INBOX "$@" >/dev/null; }
count() { adm search -u "$1" mailbox "$2" all 2>/dev/null | wc -l; }
user=$DMARCSIFT_TEST_IMAP_USER
zip=$(find "$corpus" -name '*.zip' | sort | head -1)
[ -n "$zip" ] || exit 2
n=0
# A new mail for USER (default the first) into its INBOX.
deliver() {
	n=$((n + 1))
	mkmail "$zip" "w$n" >"$tmp/w$n.eml"
	put "$@" <"$tmp/w$n.eml" || exit 2
}

# watch NAME HOST [ARG...]: a watcher in the background, its pid in wpid,
# its output in $tmp/NAME.out and .err.
watch() {
	w_name=$1 w_host=$2
	shift 2
	: >"$tmp/$w_name.err"
	"$bin" ingest --imap --watch --db "$db" \
		--imap-url "imaps://$w_host:$DMARCSIFT_TEST_IMAPS_PORT" \
		--imap-cafile "$DMARCSIFT_TEST_IMAP_CAFILE" \
		--imap-idle-interval 2 --imap-poll-interval 1 "$@" \
		>"$tmp/$w_name.out" 2>"$tmp/$w_name.err" &
	wpid=$!
}
# stop NAME: SIGTERM to the watcher; it must exit 0 within 10 s.
stop() {
	kill -TERM "$wpid"
	s_n=0
	while kill -0 "$wpid" 2>/dev/null && [ $s_n -lt 100 ]; do
		sleep 0.1
		s_n=$((s_n + 1))
	done
	if kill -0 "$wpid" 2>/dev/null; then
		fail "$1: still running 10 s after SIGTERM"
		kill -KILL "$wpid"
	fi
	wait "$wpid"
	s_rc=$?
	wpid=
	[ $s_rc -eq 0 ] || {
		fail "$1: exit $s_rc after SIGTERM, want 0"
		sed 's/^/    /' "$tmp/$1.err" | tail -20 >&2
	}
}
# stored N [SECONDS]: wait until N mails are stored and acted on (at most
# SECONDS, default 10); false if they are not.
stored() {
	st_n=0
	while [ "$(q "SELECT count(*) FROM imap_messages
		WHERE done_at IS NOT NULL")" -lt "$1" ]; do
		[ $st_n -lt $((${2:-10} * 10)) ] || return 1
		sleep 0.1
		st_n=$((st_n + 1))
	done
}
# waitfor NAME REGEX: wait (at most 10 s) until the watcher's stderr has
# REGEX.
waitfor() {
	wf_n=0
	until grep -Eq -- "$2" "$tmp/$1.err"; do
		[ $wf_n -lt 100 ] || {
			fail "$1: no /$2/ in 10 s"
			sed 's/^/    /' "$tmp/$1.err" | tail -20 >&2
			return 1
		}
		sleep 0.1
		wf_n=$((wf_n + 1))
	done
}
pw="--imap-user $user --imap-password-file $DMARCSIFT_TEST_IMAP_PASSWORD_FILE"

newdb
# The schema first: the watchers below start at once.
"$bin" ingest -q --db "$db" /dev/null 2>/dev/null

# 1. IDLE: a mail delivered while it waits, and another after renewals.
watch idle "$DMARCSIFT_TEST_IMAP_HOST" $pw -v
waitfor idle "INBOX: watching \(IDLE, renewed every 2 s\)"
deliver
stored 1 || fail "idle: the mail was not stored within 10 s"
sleep 5 # two renewals of the IDLE
deliver
stored 2 || fail "idle: the mail after renewals was not stored within 10 s"
[ "$(count "$user" INBOX)" = 0 ] && [ "$(count "$user" DMARC.Processed)" = 2 ] ||
	fail "idle: the mail was not moved"
stop idle
want "idle: a run row for each pass that stored" \
	"SELECT string_agg(command || ' ' || status || ' ' || inputs_new, ',')
	FROM ingest_runs WHERE command LIKE '%watch%'" \
	"ingest --imap --watch finished 1,ingest --imap --watch finished 1"
expect idle err "dmarc@127.0.0.1 INBOX: stopped"

# 2. No IDLE: polled.
watch poll "$DMARCSIFT_TEST_IMAP_HOST_NO_IDLE" $pw -v
waitfor poll "watching \(the server has no IDLE: a look every 1 s\)"
deliver
stored 3 || fail "poll: the mail was not stored within 10 s"
stop poll

# 3. The server restarted under it.
watch restart "$DMARCSIFT_TEST_IMAP_HOST" $pw -v
waitfor restart "watching \(IDLE"
"$harness/dovecot" stop-server "$DOVECOT_DIR" || exit 2
waitfor restart "connecting again in 1 s"
sleep 2
"$harness/dovecot" start-server "$DOVECOT_DIR" || exit 2
deliver
stored 4 15 || fail "restart: the mail was not stored within 15 s"
[ "$(grep -c 'watching (IDLE' "$tmp/restart.err")" -ge 2 ] ||
	fail "restart: did not connect again"
stop restart

# 4. A refused login: tried again, with the password file read again.
echo wrong >"$tmp/pw"
chmod 600 "$tmp/pw"
watch refused "$DMARCSIFT_TEST_IMAP_HOST" --imap-user "$user" \
	--imap-password-file "$tmp/pw" -v
waitfor refused "login refused for user $user.*connecting again in 1 s"
waitfor refused "login refused for user $user.*connecting again in 2 s"
cp "$DMARCSIFT_TEST_IMAP_PASSWORD_FILE" "$tmp/pw"
deliver
stored 5 15 || fail "refused: the mail was not stored after the fix"
stop refused

# 5. SIGTERM in the middle of a batch.
i=0
while [ $i -lt 40 ]; do
	deliver
	i=$((i + 1))
done
watch term "$DMARCSIFT_TEST_IMAP_HOST" $pw --imap-batch 5
stored 8 30 || fail "term: the batch did not begin"
stop term
rows=$(q "SELECT count(*) FROM imap_messages")
left=$(count "$user" INBOX)
echo "term: SIGTERM with $rows of 45 mail(s) stored, $left in INBOX"
[ "$rows" -gt 8 ] && [ "$rows" -lt 45 ] ||
	fail "term: $rows mail(s) stored: the stop did not come mid-batch"
want "term: every mail stored was acted on" \
	"SELECT count(*) FROM imap_messages WHERE done_at IS NULL" 0
[ $((rows + left)) = 45 ] ||
	fail "term: $rows stored and $left in INBOX: want 45 in all"
[ "$(count "$user" DMARC.Processed)" = "$rows" ] ||
	fail "term: $(count "$user" DMARC.Processed) moved, $rows stored"
# The next run takes the rest.
"$bin" ingest --imap -q --db "$db" \
	--imap-url "imaps://$DMARCSIFT_TEST_IMAP_HOST:$DMARCSIFT_TEST_IMAPS_PORT" \
	--imap-cafile "$DMARCSIFT_TEST_IMAP_CAFILE" $pw ||
	fail "term: the run after"
[ "$(count "$user" INBOX)" = 0 ] || fail "term: mail left after the next run"

# 6. Two mailboxes: a watcher each.
set -- $DMARCSIFT_TEST_IMAP_MORE_USERS
cat >"$tmp/two.conf" <<EOF
imap_url = imaps://$DMARCSIFT_TEST_IMAP_HOST:$DMARCSIFT_TEST_IMAPS_PORT
imap_cafile = $DMARCSIFT_TEST_IMAP_CAFILE
imap_idle_interval = 2

[mailbox a]
imap_user = $1
imap_password_file = $DOVECOT_DIR/password.$1

[mailbox b]
imap_user = $2
imap_password_file = $DOVECOT_DIR/password.$2
EOF
# watch_two NAME USER1 USER2: the watchers of both, each at work.
watch_two() {
	: >"$tmp/$1.err"
	"$bin" ingest --imap --watch -v --db "$db" --config "$tmp/two.conf" \
		>"$tmp/$1.out" 2>"$tmp/$1.err" &
	wpid=$!
	waitfor "$1" "^dmarcsift: $2@.* INBOX: watching" &&
		waitfor "$1" "^dmarcsift: $3@.* INBOX: watching"
}
watch_two two "$1" "$2"
before=$(q "SELECT count(*) FROM imap_messages WHERE done_at IS NOT NULL")
deliver "$1"
deliver "$2"
stored $((before + 2)) || fail "two: the mail of both was not stored"
[ "$(count "$1" INBOX)" = 0 ] && [ "$(count "$2" INBOX)" = 0 ] ||
	fail "two: mail left"
want "two: a run row each" \
	"SELECT count(*) FROM ingest_runs WHERE command IN
	('ingest --imap --watch --mailbox a', 'ingest --imap --watch --mailbox b')" 2
children=$(ps -o pid= --ppid "$wpid")
[ "$(echo $children | wc -w)" = 2 ] ||
	fail "two: $(echo $children | wc -w) watcher process(es), want 2"
stop two
# The parent killed outright: its watchers stop too.
watch_two kill "$1" "$2"
children=$(ps -o pid= --ppid "$wpid")
kill -KILL "$wpid"
wait "$wpid"
wpid=
k_n=0
for c in $children; do
	while kill -0 "$c" 2>/dev/null && [ $k_n -lt 100 ]; do
		sleep 0.1
		k_n=$((k_n + 1))
	done
	kill -0 "$c" 2>/dev/null && {
		fail "kill: watcher $c outlived its parent"
		kill "$c"
	}
done

finish "watch: IDLE, polling, a restart, a refused login, SIGTERM mid-batch, two mailboxes"
