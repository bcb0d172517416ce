#!/bin/sh
# dmarcsift ingest --imap --watch with an OAuth2 grant, against a real
# Dovecot whose passdb oauth2 asks tests/harness/idp: its tokens live 4 s;
# Dovecot is stopped under the watcher for longer than that, and the new
# login takes a fresh token first (not a refused one), then the mail
# delivered is stored.  A token the provider drops early is refused at the
# next login, and one more fresh token gets it in.
# usage: test_watch_oauth2.sh DMARCSIFT CORPUS_DIR HARNESS_DIR
# needs: DMARCSIFT_TEST_DB, the DMARCSIFT_TEST_IMAP_* and DMARCSIFT_TEST_IDP_*
# variables (tests/harness/pg, idp, dovecot --oauth2), psql
bin=$1 corpus=$2 harness=$3
. "$(dirname "$0")/../lib.sh"
# shellcheck source=mail.sh
. "$(dirname "$0")/mail.sh"
need_server pg dovecot
[ -n "${IDP_DIR:-}" ] || skip "run me through tests/harness/idp run"
no_settings
wpid=
kill_at_exit wpid
DMARCSIFT_HOME=$tmp/home
export DMARCSIFT_HOME
user=$DMARCSIFT_TEST_IMAP_USER
idp_url=$DMARCSIFT_TEST_IDP_URL

idp() { "$harness/idp" control "$IDP_DIR" "$@"; }
tokens() {
	idp events | python3 -c '
import json, sys
print(sum(1 for e in json.load(sys.stdin)["events"]
          if e["kind"] == "token" and str(e.get("result")) == "ok"))'
}
zip=$(find "$corpus" -name '*.zip' | sort | head -1)
[ -n "$zip" ] || exit 2
n=0
deliver() {
	n=$((n + 1))
	mkmail "$zip" "o$n" >"$tmp/o$n.eml"
	"$harness/dovecot" put "$DOVECOT_DIR" INBOX <"$tmp/o$n.eml" \
		>/dev/null || exit 2
}
stored() { # N: within 15 s
	st_n=0
	while [ "$(q "SELECT count(*) FROM imap_messages
		WHERE done_at IS NOT NULL")" -lt "$1" ]; do
		[ $st_n -lt 150 ] || return 1
		sleep 0.1
		st_n=$((st_n + 1))
	done
}
waitfor() { # REGEX [COUNT]: the watcher said it (COUNT times), within 15 s
	wf_n=0
	until [ "$(grep -Ec -- "$1" "$tmp/w.err")" -ge "${2:-1}" ]; do
		[ $wf_n -lt 150 ] || {
			fail "no /$1/ in 15 s"
			sed 's/^/    /' "$tmp/w.err" | tail -20 >&2
			return 1
		}
		sleep 0.1
		wf_n=$((wf_n + 1))
	done
}

newdb
"$bin" ingest -q --db "$db" /dev/null 2>/dev/null
cat >"$tmp/cc.conf" <<EOF
imap_url = imaps://127.0.0.1:$DMARCSIFT_TEST_IMAPS_PORT
imap_user = $user
imap_cafile = $DMARCSIFT_TEST_IMAP_CAFILE
imap_idle_interval = 2
imap_oauth2_grant = client_credentials
imap_oauth2_provider = microsoft
imap_oauth2_tenant = $DMARCSIFT_TEST_IDP_TENANT
imap_oauth2_token_url = $idp_url/t/$DMARCSIFT_TEST_IDP_TENANT/token
imap_oauth2_client_id = $DMARCSIFT_TEST_IDP_CLIENT_ID
imap_oauth2_client_secret_file = $DMARCSIFT_TEST_IDP_CLIENT_SECRET_FILE
imap_oauth2_refresh_margin = 1
EOF
idp set access_ttl=4 >/dev/null
: >"$tmp/w.err"
"$bin" ingest --imap --watch -v --config "$tmp/cc.conf" --db "$db" \
	>"$tmp/w.out" 2>"$tmp/w.err" &
wpid=$!
waitfor "INBOX: watching \(IDLE"
eq "one token to begin" "$(tokens)" 1

# 1. The token expires while the server is away: a fresh one first.
"$harness/dovecot" stop-server "$DOVECOT_DIR" || exit 2
waitfor "connecting again in 1 s"
sleep 5
"$harness/dovecot" start-server "$DOVECOT_DIR" || exit 2
waitfor "INBOX: watching \(IDLE" 2
deliver
stored 1 || fail "expired: the mail was not stored"
refute w err "refused the OAuth2 token"
# New tokens as the old expired, also between tries while it was away.
[ "$(tokens)" -ge 2 ] || fail "expired: no new token before the login"

# 2. The provider drops the token early: refused, and one fresh one.
idp set access_ttl=60 >/dev/null
"$harness/dovecot" stop-server "$DOVECOT_DIR" || exit 2
waitfor "connecting again in 1 s" 2
sleep 4 # the token of 1. expires; the next is cached for 60 s
"$harness/dovecot" start-server "$DOVECOT_DIR" || exit 2
waitfor "INBOX: watching \(IDLE" 3
t=$(tokens)
"$harness/dovecot" stop-server "$DOVECOT_DIR" || exit 2
idp expire >/dev/null
waitfor "connecting again in 1 s" 3
"$harness/dovecot" start-server "$DOVECOT_DIR" || exit 2
waitfor "INBOX: watching \(IDLE" 4
expect w err "refused the OAuth2 token; trying once with a fresh one"
deliver
stored 2 || fail "dropped: the mail was not stored"
eq "dropped: one fresh token" "$(tokens)" $((t + 1))

kill -TERM "$wpid"
wait "$wpid"
eq "exit status after SIGTERM" $? 0
wpid=
refute w err "$(cat "$DMARCSIFT_TEST_IDP_CLIENT_SECRET_FILE")"
finish "watch with OAuth2: a fresh token after an expiry and a refusal"
