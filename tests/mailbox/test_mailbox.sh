#!/bin/sh
# dmarcsift ingest --imap against a real Dovecot (tests/harness/dovecot) and a
# real PostgreSQL (tests/harness/pg): every report once, every mail in the
# right folder, nothing unseen by mistake, a second run does nothing, a
# server stopped mid-run loses nothing.
# usage: test_mailbox.sh DMARCSIFT DMARCSIFT_GEN CORPUS_DIR HOSTILE HARNESS_DIR
# needs: DMARCSIFT_TEST_DB and the DMARCSIFT_TEST_IMAP_* variables, psql
bin=$1 gen=$2 corpus=$3 hostile=$4 harness=$5
. "$(dirname "$0")/../lib.sh"
need_server pg dovecot
export DMARCSIFT_CONFIG=/dev/null # no settings from this machine

adm() { "$harness/dovecot" doveadm "$DOVECOT_DIR" "$@"; }
# Mails in a folder, and how many of them are \Seen.
count() { adm search -u "$DMARCSIFT_TEST_IMAP_USER" mailbox "$1" all 2>/dev/null | wc -l; }
seen() { adm search -u "$DMARCSIFT_TEST_IMAP_USER" mailbox "$1" seen 2>/dev/null | wc -l; }
put() { "$harness/dovecot" put "$DOVECOT_DIR" "$1" >/dev/null; }

host=$DMARCSIFT_TEST_IMAP_HOST
imaps="imaps://$host:$DMARCSIFT_TEST_IMAPS_PORT"
imap="imap://$host:$DMARCSIFT_TEST_IMAP_PORT"
common="--imap-user $DMARCSIFT_TEST_IMAP_USER --imap-cafile $DMARCSIFT_TEST_IMAP_CAFILE"
pw="--imap-password-file $DMARCSIFT_TEST_IMAP_PASSWORD_FILE"

# A mail with one attachment: mkmail FILE TYPE SUBJECT
mkmail() {
	printf 'From: noreply-dmarc@reporter.example\r\n'
	printf 'To: dmarc@example.com\r\n'
	printf 'Subject: %s\r\n' "$3"
	printf 'Message-ID: <%s.%s@reporter.example>\r\n' "$(basename "$1" | tr -c 'A-Za-z0-9.\n' _)" "$$"
	printf 'MIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
	printf -- '--b1\r\nContent-Type: text/plain\r\n\r\nReport attached.\r\n'
	printf -- '--b1\r\nContent-Type: %s\r\n' "$2"
	printf 'Content-Transfer-Encoding: base64\r\n'
	printf 'Content-Disposition: attachment; filename="%s"\r\n\r\n' "$(basename "$1")"
	base64 "$1" | sed 's/$/\r/'
	printf -- '--b1--\r\n'
}
# The same mail forwarded as message/rfc822.
forward() {
	printf 'From: someone@example.com\r\nTo: dmarc@example.com\r\n'
	printf 'Subject: Fwd: report\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="f1"\r\n\r\n'
	printf -- '--f1\r\nContent-Type: text/plain\r\n\r\nFYI\r\n'
	printf -- '--f1\r\nContent-Type: message/rfc822\r\n\r\n'
	cat "$1"
	printf '\r\n--f1--\r\n'
}

# The mailbox: real corpus mails and archives, generated reports as gzip
# attachments, forwarded reports, every generated attack, junk.
mkdir "$tmp/gen" "$tmp/mail" "$tmp/hostile"
"$gen" -n 120 -r 20 -z -s 7 -d "$tmp/gen" >/dev/null || exit 2
"$hostile" --write "$tmp/hostile" >/dev/null || exit 2
i=0
for f in "$tmp"/gen/*; do
	i=$((i + 1))
	mkmail "$f" application/gzip "Report $i" >"$tmp/mail/g$i.eml"
done
for i in 1 2 3 4 5; do
	forward "$tmp/mail/g$i.eml" >"$tmp/mail/fwd$i.eml"
done
find "$corpus" -name '*.eml' | while read -r f; do
	i=$((i + 1))
	cp "$f" "$tmp/mail/corpus$i.eml"
done
find "$corpus" -name '*.zip' -o -name '*.xml.gz' | while read -r f; do
	i=$((i + 1))
	mkmail "$f" application/octet-stream "Archive $i" >"$tmp/mail/arch$i.eml"
done
for f in "$tmp"/hostile/*; do
	i=$((i + 1))
	mkmail "$f" application/octet-stream "Attack $i" >"$tmp/mail/h$i.eml"
done
printf 'Subject: not a report\r\n\r\nhello\r\n' >"$tmp/mail/junk.eml"
total=$(ls "$tmp/mail" | wc -l)
for f in "$tmp"/mail/*; do
	put INBOX <"$f" || exit 2
done
[ "$(count INBOX)" = "$total" ] || exit 2

# What a file ingest of the same mails gives: the reference.
newdb
ref=$db
"$bin" ingest -q --db "$ref" "$tmp/mail" 2>/dev/null
refused=$(q "$ref" "SELECT count(*) FROM inputs WHERE outcome = 'refused'")
reports() {
	q "$1" "SELECT md5(string_agg(org_name || '|' || report_id || '|' ||
		domain || '|' || encode(content_sha256, 'hex'), ','
		ORDER BY org_name, report_id, encode(content_sha256, 'hex')))
		FROM reports"
}

# 1. A wrong password: a clear error, exit 2, nothing touched.
newdb
echo wrong >"$tmp/badpw"
"$bin" ingest --imap --db "$db" --imap-url "$imaps" $common \
	--imap-password-file "$tmp/badpw" 2>"$tmp/err"
[ $? -eq 2 ] || fail "wrong password: want exit 2"
grep -q "login refused" "$tmp/err" || fail "wrong password: message is '$(cat "$tmp/err")'"
[ "$(count INBOX)" = "$total" ] || fail "wrong password: mail moved"
# The run's row says it failed, and why (sql/018): monitoring tells it
# from a run that went well.
[ "$(q "$db" "SELECT status || ' ' || (error LIKE '%login refused%')
	FROM ingest_runs")" = "failed true" ] ||
	fail "wrong password: the run's row is '$(q "$db" "SELECT status,
	error FROM ingest_runs")'"

# A secret file everybody may read: said even under -q (cron's mode,
# where it must be seen), and the run goes on (issue 17 item 10).
chmod 644 "$tmp/badpw"
"$bin" -q ingest --imap --db "$db" --imap-url "$imaps" $common \
	--imap-password-file "$tmp/badpw" 2>"$tmp/err"
grep -q "badpw holds a secret and everybody may read it" "$tmp/err" ||
	fail "readable secret under -q: message is '$(cat "$tmp/err")'"
grep -q "login refused" "$tmp/err" ||
	fail "readable secret: the run did not go on: '$(cat "$tmp/err")'"

# 2. No CA file: the certificate does not verify against the system's.
"$bin" ingest --imap --db "$db" --imap-url "$imaps" \
	--imap-user "$DMARCSIFT_TEST_IMAP_USER" $pw 2>"$tmp/err"
[ $? -eq 2 ] || fail "no CA: want exit 2"

# 3. The whole mailbox over implicit TLS; failure and TLS reports to a
# folder of their own.
"$bin" ingest --imap -q --db "$db" --imap-url "$imaps" $common $pw \
	--imap-other DMARC/Other 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "mailbox: want exit 1 (refused mail), got $rc: $(tail -3 "$tmp/err")"
[ "$(reports "$db")" = "$(reports "$ref")" ] ||
	fail "mailbox: reports differ from a file ingest of the same mails"
[ "$(count INBOX)" = 0 ] || fail "mailbox: $(count INBOX) mail(s) left in INBOX"
[ "$(count DMARC.Errors)" = "$refused" ] ||
	fail "mailbox: $(count DMARC.Errors) in Errors, want $refused"
# Failure and TLS reports (a copy of one among them, as the first went).
skipped=$(q "$ref" "SELECT count(*) FROM inputs WHERE outcome = 'skipped'")
skipmail=$(q "$db" "SELECT count(*) FROM imap_messages WHERE outcome = 'skipped'")
[ "$skipped" -gt 0 ] && [ "$skipmail" -ge "$skipped" ] &&
	[ "$(count DMARC.Other)" = "$skipmail" ] ||
	fail "mailbox: $(count DMARC.Other) in Other, want $skipmail failure/TLS reports ($skipped distinct)"
[ "$(($(count DMARC.Processed) + $(count DMARC.Errors) + $(count DMARC.Other)))" = "$total" ] ||
	fail "mailbox: mails lost: $(count DMARC.Processed) + $(count DMARC.Errors) + $(count DMARC.Other) of $total"
[ "$(seen DMARC.Processed)" = 0 ] && [ "$(seen DMARC.Errors)" = 0 ] &&
	[ "$(seen DMARC.Other)" = 0 ] ||
	fail "mailbox: mail marked seen by the fetch"
[ "$(q "$db" "SELECT count(*) FROM imap_messages WHERE done_at IS NULL")" = 0 ] ||
	fail "mailbox: actions left undone"
[ "$(q "$db" "SELECT count(*) FROM imap_messages")" = "$total" ] ||
	fail "mailbox: $(q "$db" "SELECT count(*) FROM imap_messages") mail rows, want $total"
[ "$(q "$db" "SELECT count(*) FROM imap_messages
	WHERE message_id LIKE '<%.$$@reporter.example>'")" -ge 120 ] ||
	fail "mailbox: Message-IDs not recorded"

# 4. Again: nothing to do.
before=$(q "$db" "SELECT count(*) FROM reports")
"$bin" ingest --imap -q --db "$db" --imap-url "$imaps" $common $pw ||
	fail "again: want exit 0"
[ "$(q "$db" "SELECT count(*) FROM reports")" = "$before" ] || fail "again: reports changed"

# 5. STARTTLS with an XOAUTH2 token, mail marked seen instead of moved; the
# same mails again (copies) are recorded as duplicates.
for f in "$tmp"/mail/g1*.eml; do put INBOX <"$f"; done
again=$(count INBOX)
dups=$(q "$db" "SELECT count(*) FROM imap_messages WHERE outcome = 'duplicate'")
"$bin" ingest --imap -q --db "$db" --imap-url "$imap" $common \
	--imap-oauth2-token-file "$DMARCSIFT_TEST_IMAP_TOKEN_FILE" \
	--imap-after seen || fail "starttls+xoauth2: want exit 0"
[ "$(count INBOX)" = "$again" ] && [ "$(seen INBOX)" = "$again" ] ||
	fail "seen: want $again mails left in INBOX, all seen"
[ "$(q "$db" "SELECT count(*) FROM reports")" = "$before" ] || fail "seen: reports changed"
[ "$(q "$db" "SELECT count(*) FROM imap_messages WHERE outcome = 'duplicate'")" = "$((dups + again))" ] ||
	fail "seen: copies not recorded as duplicates: $(q "$db" "SELECT outcome, count(*) FROM imap_messages GROUP BY 1")"
"$bin" ingest --imap -q --db "$db" --imap-url "$imap" $common \
	--imap-oauth2-token-file "$DMARCSIFT_TEST_IMAP_TOKEN_FILE" \
	--imap-after seen || fail "seen again: want exit 0"
[ "$(q "$db" "SELECT count(*) FROM imap_messages")" = "$((total + again))" ] ||
	fail "seen again: mails recorded twice"

# A run that died between its commit and its move: the next run only moves.
q "$db" "UPDATE imap_messages SET done_at = NULL, action = NULL WHERE uid IN
	(SELECT uid FROM imap_messages WHERE action = 'marked seen'
	ORDER BY uid LIMIT 3)" >/dev/null
"$bin" ingest --imap -v --db "$db" --imap-url "$imaps" $common $pw 2>/dev/null >"$tmp/out" ||
	fail "finish: want exit 0"
grep -q "3 finished from an earlier run" "$tmp/out" || fail "finish: $(cat "$tmp/out")"
[ "$(count INBOX)" = "$((again - 3))" ] || fail "finish: want 3 mails moved out of INBOX"
[ "$(q "$db" "SELECT count(*) FROM imap_messages WHERE done_at IS NULL")" = 0 ] ||
	fail "finish: actions left undone"
[ "$(q "$db" "SELECT count(*) FROM reports")" = "$before" ] || fail "finish: reports changed"

# A copy of a refused mail, with imap_after=delete: it goes to Errors as
# the first did, never deleted.  And folders that are the mailbox itself
# are refused (each move would give the mail a new UID to read again).
errs=$(count DMARC.Errors)
put INBOX <"$tmp/mail/junk.eml"
"$bin" ingest --imap -q --db "$db" --imap-url "$imaps" $common $pw \
	--imap-after delete 2>/dev/null
[ $? -eq 1 ] || fail "delete: want exit 1 (a refused mail)"
[ "$(count DMARC.Errors)" = "$((errs + 1))" ] || fail "delete: the refused copy is not in Errors"
"$bin" ingest --imap -q --db "$db" --imap-url "$imaps" $common $pw \
	--imap-processed INBOX 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "must not be the mailbox read" "$tmp/err" ||
	fail "loop: want exit 2 and a clear message: $(cat "$tmp/err")"

# 6. A run holding the mailbox: the next one exits 0 at once.
psql "$db" -qAtc "SELECT pg_advisory_lock(1684892019,
	hashtext('$DMARCSIFT_TEST_IMAP_USER@$host INBOX'));
	SELECT pg_sleep(5)" >/dev/null &
sleep 1
"$bin" ingest --imap -v --db "$db" --imap-url "$imaps" $common $pw 2>"$tmp/err" ||
	fail "busy: want exit 0"
grep -q "another run" "$tmp/err" || fail "busy: not said"
wait

# 7. The server stopped mid-run, then a run again: complete, nothing twice.
adm expunge -u "$DMARCSIFT_TEST_IMAP_USER" mailbox INBOX all >/dev/null 2>&1
adm expunge -u "$DMARCSIFT_TEST_IMAP_USER" mailbox DMARC.Processed all >/dev/null 2>&1
adm expunge -u "$DMARCSIFT_TEST_IMAP_USER" mailbox DMARC.Errors all >/dev/null 2>&1
for f in "$tmp"/mail/*; do put INBOX <"$f"; done
newdb
"$bin" ingest --imap -q --db "$db" --imap-url "$imaps" $common $pw \
	--imap-timeout 5 2>"$tmp/err" &
pid=$!
sleep 1
"$harness/dovecot" stop-server "$DOVECOT_DIR"
wait $pid
rc=$?
"$harness/dovecot" start-server "$DOVECOT_DIR" || exit 2
[ $rc -eq 2 ] || [ $rc -eq 1 ] || fail "stopped: want exit 2 (or 1 if it finished first), got $rc"
"$bin" ingest --imap -q --db "$db" --imap-url "$imaps" $common $pw 2>/dev/null
[ "$(reports "$db")" = "$(reports "$ref")" ] || fail "stopped: reports differ after the re-run"
[ "$(count INBOX)" = 0 ] || fail "stopped: mail left in INBOX"
[ "$(q "$db" "SELECT count(*) FROM imap_messages")" = "$total" ] ||
	fail "stopped: $(q "$db" "SELECT count(*) FROM imap_messages") mail rows, want $total"

finish "all checks passed"
