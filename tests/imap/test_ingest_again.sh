#!/bin/sh
# dmarcsift ingest --imap after a run that died in the middle of a move, and
# with two spellings of one server, against a real Dovecot and PostgreSQL:
#  1. the move copied the mail but the original stayed (the server went
#     between the copy and the expunge): the next run removes the original
#     and does not copy again, so Processed holds the mail once; over MOVE
#     (127.0.0.1) and over COPY + EXPUNGE (127.0.0.2, no MOVE);
#  2. the move happened but its answer was lost: the next run records it
#     done and Processed holds the mail once;
#  3. while a run on 127.0.0.1 holds the mailbox, a run on localhost (the
#     same server) finds it busy, and so does one that names it "inbox".
# The state a dead run leaves is made with doveadm (copy, move) and by
# resetting the mail's row in imap_messages, which is deterministic.
# usage: test_ingest_again.sh DMARCSIFT CORPUS_DIR HARNESS_DIR
# needs: DMARCSIFT_TEST_DB and the DMARCSIFT_TEST_IMAP_* variables, psql
bin=$1 corpus=$2 harness=$3
. "$(dirname "$0")/../lib.sh"
need_server pg dovecot
psql_pid=
kill_at_exit psql_pid
export DMARCSIFT_CONFIG=/dev/null # no settings from this machine
user=$DMARCSIFT_TEST_IMAP_USER

adm() { "$harness/dovecot" doveadm "$DOVECOT_DIR" "$@"; }
put() { "$harness/dovecot" put "$DOVECOT_DIR" "$1"; }
# Mails in a folder, all or with a Message-ID.
count() { adm search -u "$user" mailbox "$1" all 2>/dev/null | wc -l; }
count_id() { adm search -u "$user" mailbox "$1" header message-id "$2" 2>/dev/null | wc -l; }
ingest() { # HOST DB [ARG...]
	h=$1 db=$2
	shift 2
	"$bin" ingest --imap -q --db "$db" \
		--imap-url "imaps://$h:$DMARCSIFT_TEST_IMAPS_PORT" \
		--imap-user "$user" --imap-cafile "$DMARCSIFT_TEST_IMAP_CAFILE" \
		--imap-password-file "$DMARCSIFT_TEST_IMAP_PASSWORD_FILE" "$@"
}

# shellcheck source=mail.sh
. "$(dirname "$0")/mail.sh"
zip=$(find "$corpus" -name '*.zip' | sort | head -1)
[ -n "$zip" ] || exit 2

# A run that stored the mail and then died before its move, and what the
# dying move had done (copy: the copy made; move: all of it); then the
# next run; the action recorded goes to $tmp/action.
# interrupted HOST DB ID copy|move
interrupted() {
	h=$1 db=$2 id=$3 how=$4 mid="<$3.$$@reporter.example>"
	mkmail "$zip" "$id" >"$tmp/$id.eml"
	uid=$(put INBOX <"$tmp/$id.eml") || exit 2
	# Stored and kept in INBOX, as by a run that died before its move.
	ingest "$h" "$db" --imap-after seen || fail "$id: first run"
	[ "$(q "$db" "SELECT count(*) FROM imap_messages WHERE uid = $uid
		AND done_at IS NOT NULL")" = 1 ] || fail "$id: not stored"
	if [ "$how" = copy ]; then
		adm copy -u "$user" DMARC.Processed mailbox INBOX uid "$uid" || exit 2
	else
		adm move -u "$user" DMARC.Processed mailbox INBOX uid "$uid" || exit 2
	fi
	q "$db" "UPDATE imap_messages SET done_at = NULL, action = NULL
		WHERE uid = $uid" >/dev/null
	ingest "$h" "$db" || fail "$id: the run after: want exit 0"
	[ "$(count_id INBOX "$mid")" = 0 ] || fail "$id: still in INBOX"
	got=$(count_id DMARC.Processed "$mid")
	[ "$got" = 1 ] || fail "$id ($how, $h): $got copies in Processed, want 1"
	[ "$(q "$db" "SELECT count(*) FROM imap_messages
		WHERE done_at IS NULL")" = 0 ] || fail "$id: action left undone"
	q "$db" "SELECT action FROM imap_messages WHERE uid = $uid" >"$tmp/action"
}

adm mailbox create -u "$user" DMARC.Processed DMARC.Errors >/dev/null 2>&1

# 1. Copied, not removed: over MOVE, then over COPY + EXPUNGE.
newdb
interrupted "$DMARCSIFT_TEST_IMAP_HOST" "$db" copied copy
action=$(cat "$tmp/action")
case $action in
*"copied by an earlier run"*) ;;
*) fail "copied: action recorded is '$action'" ;;
esac
newdb
interrupted "$DMARCSIFT_TEST_IMAP_HOST_NO_MOVE" "$db" copied-nomove copy

# 2. Moved, the answer lost.
newdb
interrupted "$DMARCSIFT_TEST_IMAP_HOST" "$db" moved move

# A mail of another size (another report) in Processed is no copy: a
# stored mail whose move never began is moved, not dropped.
newdb
mkmail "$zip" first >"$tmp/first.eml"
uid=$(put INBOX <"$tmp/first.eml")
ingest "$DMARCSIFT_TEST_IMAP_HOST" "$db" --imap-after seen || fail "unmoved: first run"
q "$db" "UPDATE imap_messages SET done_at = NULL, action = NULL WHERE uid = $uid" >/dev/null
ingest "$DMARCSIFT_TEST_IMAP_HOST" "$db" || fail "unmoved: want exit 0"
[ "$(count_id DMARC.Processed "<first.$$@reporter.example>")" = 1 ] &&
	[ "$(count_id INBOX "<first.$$@reporter.example>")" = 0 ] ||
	fail "unmoved: want it moved to Processed once"

# 3. One server, two names, one lock.  psql holds the key a run on
# 127.0.0.1 takes (mailbox.h) while runs on localhost and on "inbox" try.
[ "$(count INBOX)" = 0 ] || fail "lock: INBOX not empty before"
mkmail "$zip" locked >"$tmp/locked.eml"
put INBOX <"$tmp/locked.eml" >/dev/null
newdb
psql "$db" -qAtc "SELECT pg_advisory_lock(1684892019,
	hashtext('$user@127.0.0.1 INBOX')); SELECT pg_sleep(4)" >/dev/null &
psql_pid=$!
sleep 1
"$bin" ingest --imap -v --db "$db" \
	--imap-url "imaps://localhost:$DMARCSIFT_TEST_IMAPS_PORT" \
	--imap-user "$user" --imap-cafile "$DMARCSIFT_TEST_IMAP_CAFILE" \
	--imap-password-file "$DMARCSIFT_TEST_IMAP_PASSWORD_FILE" 2>"$tmp/err" ||
	fail "localhost: want exit 0"
grep -q "another run" "$tmp/err" || fail "localhost: not busy: $(cat "$tmp/err")"
"$bin" ingest --imap -v --db "$db" --imap-mailbox inbox \
	--imap-url "imaps://$DMARCSIFT_TEST_IMAP_HOST:$DMARCSIFT_TEST_IMAPS_PORT" \
	--imap-user "$user" --imap-cafile "$DMARCSIFT_TEST_IMAP_CAFILE" \
	--imap-password-file "$DMARCSIFT_TEST_IMAP_PASSWORD_FILE" 2>"$tmp/err" ||
	fail "inbox: want exit 0"
grep -q "another run" "$tmp/err" || fail "inbox: not busy: $(cat "$tmp/err")"
[ "$(count INBOX)" = 1 ] || fail "lock: a busy run moved mail"
wait "$psql_pid"
psql_pid=
# Free again: the run on localhost goes ahead.
ingest localhost "$db" || fail "localhost, free: want exit 0"
[ "$(count INBOX)" = 0 ] || fail "localhost, free: mail left in INBOX"

finish "all checks passed"
