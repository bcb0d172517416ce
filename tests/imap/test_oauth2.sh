#!/bin/sh
# OAuth 2.0 built in: dmarcsift gets, caches and renews the XOAUTH2 token
# itself, against a real Dovecot whose passdb oauth2 asks the identity
# provider of tests/harness/idp whether a token is live:
#  1. client_credentials (Microsoft 365 app-only): ingest; the cache file
#     is 0600 and a second run takes its token from it; a cache others may
#     read is refused;
#  2. the server refuses a token the cache still holds for live (the
#     provider dropped it): one fresh token, and the run completes;
#  3. a token near its expiry (access_ttl 5 s, margin 2 s) is replaced
#     before the login;
#  4. the endpoint's refusals are one line that says what to do, exit 2:
#     a wrong tenant, a wrong client secret;
#  5. jwt_bearer (Google service account): a JSON key file, a PEM key, and a
#     key the provider does not know;
#  6. dmarcsift login (device flow): authorization_pending, slow_down (the
#     interval grows by 5 s), approval; then refresh_token ingests, and
#     renews with the refresh token; a revoked refresh token exits 2 with
#     "run dmarcsift login again"; a declined and an expired code;
#  7. no secret or token in any output, in the process list while login
#     polls, or in the database.
# usage: test_oauth2.sh DMARCSIFT CORPUS_DIR HARNESS_DIR
# needs: DMARCSIFT_TEST_DB, the DMARCSIFT_TEST_IMAP_* and DMARCSIFT_TEST_IDP_*
# variables (tests/harness/pg, idp, dovecot --oauth2), psql
bin=$1 corpus=$2 harness=$3
. "$(dirname "$0")/../lib.sh"
need_server pg dovecot
[ -n "${IDP_DIR:-}" ] || skip "run me through tests/harness/idp run"
no_settings
login_pid=
kill_at_exit login_pid
user=$DMARCSIFT_TEST_IMAP_USER
idp_url=$DMARCSIFT_TEST_IDP_URL
# The default cache goes under DMARCSIFT_HOME.
DMARCSIFT_HOME=$tmp/home
export DMARCSIFT_HOME
cache=$DMARCSIFT_HOME/oauth2-token.cache
newdb

adm() { "$harness/dovecot" doveadm "$DOVECOT_DIR" "$@"; }
idp() { "$harness/idp" control "$IDP_DIR" "$@"; }
count() { adm search -u "$user" mailbox "$1" all 2>/dev/null | wc -l; }
# events KIND RESULT: how many such events the provider saw.
events() {
	idp events | python3 -c '
import json, sys
ev = json.load(sys.stdin)["events"]
print(sum(1 for e in ev if e["kind"] == sys.argv[1] and
          str(e.get("result", e.get("active"))) == sys.argv[2]))' "$1" "$2"
}

zip=$(find "$corpus" -name '*.zip' | sort | head -1)
[ -n "$zip" ] || exit 2
nmail=0
# newmail: a report mail into INBOX.
newmail() {
	nmail=$((nmail + 1))
	{
		printf 'From: noreply-dmarc@reporter.example\r\n'
		printf 'To: dmarc@example.com\r\nSubject: Report %s\r\n' "$nmail"
		printf 'Message-ID: <oauth%s.%s@reporter.example>\r\n' "$nmail" "$$"
		printf 'MIME-Version: 1.0\r\n'
		printf 'Content-Type: application/zip; name="r.zip"\r\n'
		printf 'Content-Transfer-Encoding: base64\r\n\r\n'
		base64 "$zip" | sed 's/$/\r/'
	} >"$tmp/m$nmail.eml"
	"$harness/dovecot" put "$DOVECOT_DIR" INBOX <"$tmp/m$nmail.eml" \
		>/dev/null || exit 2
}

# conf NAME LINES...: a config file $tmp/NAME.conf of the IMAP settings
# and LINES.
conf() {
	c=$tmp/$1.conf
	shift
	{
		echo "imap_url = imaps://127.0.0.1:$DMARCSIFT_TEST_IMAPS_PORT"
		echo "imap_user = $user"
		echo "imap_cafile = $DMARCSIFT_TEST_IMAP_CAFILE"
		for l in "$@"; do echo "$l"; done
	} >"$c"
}
# ingest NAME WANT CONF [ARG...]
ingest() {
	n=$1 w=$2 c=$3
	shift 3
	run "$n" "$w" ingest --imap --config "$tmp/$c.conf" --db "$db" "$@"
}

adm mailbox create -u "$user" DMARC.Processed DMARC.Errors >/dev/null 2>&1

# 1. client_credentials ----------------------------------------------------
conf cc "imap_oauth2_grant = client_credentials" \
	"imap_oauth2_provider = microsoft" \
	"imap_oauth2_tenant = $DMARCSIFT_TEST_IDP_TENANT" \
	"imap_oauth2_token_url = $idp_url/t/$DMARCSIFT_TEST_IDP_TENANT/token" \
	"imap_oauth2_client_id = $DMARCSIFT_TEST_IDP_CLIENT_ID" \
	"imap_oauth2_client_secret_file = $DMARCSIFT_TEST_IDP_CLIENT_SECRET_FILE"
newmail
ingest cc1 0 cc -v -v
eq "cc: mail processed" "$(count DMARC.Processed)" 1
eq "cc: tokens asked for" "$(events token ok)" 1
eq "cc: Dovecot asked the provider" "$(events introspect True)" 1
[ -f "$cache" ] || fail "cc: no cache at $cache"
eq "cc: cache mode" "$(stat -c %a "$cache")" 600
eq "cc: cache directory mode" "$(stat -c %a "$DMARCSIFT_HOME")" 700
newmail
ingest cc2 0 cc
eq "cc: second mail processed" "$(count DMARC.Processed)" 2
eq "cc: the second run used the cached token" "$(events token ok)" 1
chmod 640 "$cache"
ingest cc-mode 2 cc -q
expect cc-mode err 'token cache .* may be read or written by others \(mode 640\): chmod 600 it'
eq "cc-mode: no token asked for" "$(events token ok)" 1
chmod 600 "$cache"

# 2. a token the server refuses mid-run -------------------------------------
idp expire >/dev/null
newmail
ingest refused 0 cc -v
expect refused err 'refused the OAuth2 token; trying once with a fresh one'
eq "refused: mail processed" "$(count DMARC.Processed)" 3
eq "refused: one fresh token" "$(events token ok)" 2

# 3. a token near its expiry is replaced before the login ------------------
# Tokens of 20 s: with a margin of 2 s the next run keeps it (18 s to go,
# however slow the machine); 11 s later, with a margin of 19 s (held to
# half the token's life, 10 s), it is replaced before the login.  (With
# tokens of 5 s and a margin of 2, a loaded machine took the 3 s between
# two runs.)
idp set access_ttl=20 >/dev/null
idp expire >/dev/null
ingest ttl1 0 cc --imap-oauth2-refresh-margin 2
eq "ttl: tokens" "$(events token ok)" 3
ingest ttl2 0 cc --imap-oauth2-refresh-margin 2
eq "ttl: still cached" "$(events token ok)" 3
sleep 11
newmail
ingest ttl3 0 cc --imap-oauth2-refresh-margin 19
refute ttl3 err 'refused the OAuth2 token'
eq "ttl: replaced before it expired" "$(events token ok)" 4
eq "ttl: mail processed" "$(count DMARC.Processed)" 4
idp set access_ttl=60 >/dev/null

# 4. refusals: one line that says what to do ------------------------------
rm -f "$cache"
conf tenant "imap_oauth2_grant = client_credentials" \
	"imap_oauth2_provider = microsoft" \
	"imap_oauth2_token_url = $idp_url/t/wrong-tenant/token" \
	"imap_oauth2_client_id = $DMARCSIFT_TEST_IDP_CLIENT_ID" \
	"imap_oauth2_client_secret_file = $DMARCSIFT_TEST_IDP_CLIENT_SECRET_FILE"
ingest tenant 2 tenant -q
expect tenant err 'no such tenant: check imap_oauth2_tenant.*AADSTS90002'
lines tenant err 1
echo wrong-secret >"$tmp/wrong-secret"
chmod 600 "$tmp/wrong-secret"
conf secret "imap_oauth2_grant = client_credentials" \
	"imap_oauth2_provider = microsoft" \
	"imap_oauth2_token_url = $idp_url/t/$DMARCSIFT_TEST_IDP_TENANT/token" \
	"imap_oauth2_client_id = $DMARCSIFT_TEST_IDP_CLIENT_ID" \
	"imap_oauth2_client_secret_file = $tmp/wrong-secret"
ingest secret 2 secret -q
expect secret err "invalid_client.*the client secret is wrong: use the secret's Value"
lines secret err 1
[ ! -e "$cache" ] || fail "refusals: a cache was written"

# 5. jwt_bearer ----------------------------------------------------------
conf jwt "imap_oauth2_grant = jwt_bearer" \
	"imap_oauth2_provider = google" \
	"imap_oauth2_key_file = $DMARCSIFT_TEST_IDP_SA_JSON"
newmail
ingest jwt 0 jwt
eq "jwt: mail processed" "$(count DMARC.Processed)" 5
eq "jwt: token" "$(events token ok)" 5
conf pem "imap_oauth2_grant = jwt_bearer" \
	"imap_oauth2_token_url = $idp_url/token" \
	"imap_oauth2_scope = https://mail.google.com/" \
	"imap_oauth2_client_id = $DMARCSIFT_TEST_IDP_SA_EMAIL" \
	"imap_oauth2_key_file = $DMARCSIFT_TEST_IDP_SA_PEM"
newmail
ingest pem 0 pem
eq "pem: mail processed" "$(count DMARC.Processed)" 6
(umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$tmp/other.pem" 2>/dev/null) || exit 2
conf badkey "imap_oauth2_grant = jwt_bearer" \
	"imap_oauth2_token_url = $idp_url/token" \
	"imap_oauth2_scope = https://mail.google.com/" \
	"imap_oauth2_client_id = $DMARCSIFT_TEST_IDP_SA_EMAIL" \
	"imap_oauth2_key_file = $tmp/other.pem" \
	"imap_oauth2_cache = $tmp/badkey.cache"
ingest badkey 2 badkey -q
expect badkey err 'invalid_grant.*domain-wide delegation'
lines badkey err 1

# 6. the device flow, then refresh_token ------------------------------------
conf dev "imap_oauth2_grant = refresh_token" \
	"imap_oauth2_provider = microsoft" \
	"imap_oauth2_tenant = $DMARCSIFT_TEST_IDP_TENANT" \
	"imap_oauth2_token_url = $idp_url/t/$DMARCSIFT_TEST_IDP_TENANT/token" \
	"imap_oauth2_device_url = $idp_url/t/$DMARCSIFT_TEST_IDP_TENANT/device" \
	"imap_oauth2_client_id = $DMARCSIFT_TEST_IDP_PUBLIC_CLIENT_ID" \
	"imap_oauth2_cache = $tmp/dev.cache"
ingest nologin 2 dev -q
expect nologin err 'no refresh token for these settings in .*: run dmarcsift login'

# login_bg NAME: dmarcsift login in the background; its user code in
# $code once it shows one.
login_bg() {
	"$bin" login --config "$tmp/dev.conf" -v -v >"$tmp/$1.out" \
		2>"$tmp/$1.err" &
	login_pid=$!
	code=
	i=0
	while [ -z "$code" ] && [ $i -lt 100 ]; do
		code=$(sed -n 's/.*enter the code \([0-9-]*\).*/\1/p' "$tmp/$1.out" 2>/dev/null)
		[ -n "$code" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$code" ] || fail "$1: no code shown"
}
# login_wait NAME WANT
login_wait() {
	wait "$login_pid"
	rc=$?
	login_pid=
	[ "$rc" = "$2" ] || {
		fail "$1: exit $rc, want $2"
		cat "$tmp/$1.out" "$tmp/$1.err" >&2
	}
}

idp set device_interval=1 device_ttl=60 slow_down_polls=2 >/dev/null
login_bg login
expect login out "open $idp_url/verify in a browser"
# Polls 1 (pending) and 2 (slow_down) pass in about 2 s; the third comes
# 6 s after the second.
sleep 3
ps -eo args >"$tmp/ps"
idp approve "user_code=$code" >/dev/null
login_wait login 0
expect login out 'Signed in; the refresh token is in'
eq "login: cache mode" "$(stat -c %a "$tmp/dev.cache")" 600
idp events | python3 -c '
import json, sys
ev = [e for e in json.load(sys.stdin)["events"] if e["kind"] == "poll"]
res = [e["result"] for e in ev]
assert res[:2] == ["authorization_pending", "slow_down"], res
assert res[-1] == "ok", res
assert not any(e.get("too_fast") for e in ev), "polled too fast"
gap = ev[2]["t"] - ev[1]["t"]
assert gap >= 5.8, "after slow_down: %.1f s, want 6" % gap
' || fail "login: the polling was not as RFC 8628 asks"

newmail
ingest rt1 0 dev
eq "rt: mail processed" "$(count DMARC.Processed)" 7
refresh0=$(events token ok)
idp expire >/dev/null
newmail
ingest rt2 0 dev
eq "rt: mail processed after renewal" "$(count DMARC.Processed)" 8
eq "rt: renewed with the refresh token" "$(events token ok)" $((refresh0 + 1))
cp "$tmp/dev.cache" "$tmp/dev.cache.kept"

idp revoke >/dev/null
idp expire >/dev/null
newmail
ingest revoked 2 dev -q
expect revoked err 'the refresh token was revoked or has expired: run dmarcsift login again'
lines revoked err 1
eq "revoked: mail left" "$(count INBOX)" 1

login_bg denied
idp deny "user_code=$code" >/dev/null
login_wait denied 2
expect denied err 'access_denied.*the sign-in was declined'

idp set device_ttl=2 slow_down_polls= >/dev/null
login_bg expired
login_wait expired 2
expect expired err 'code expired before the sign-in was done: run dmarcsift login again'

# 7. no secret anywhere ------------------------------------------------------
secrets=$tmp/secrets
cat "$DMARCSIFT_TEST_IDP_CLIENT_SECRET_FILE" >"$secrets"
for f in "$cache" "$tmp/dev.cache" "$tmp/dev.cache.kept"; do
	[ -f "$f" ] && sed -n 's/^\(access\|refresh\)_token //p' "$f" >>"$secrets"
done
[ "$(wc -l <"$secrets")" -ge 3 ] || fail "secrets: too few to look for"
if grep -rFf "$secrets" "$tmp"/*.out "$tmp"/*.err "$tmp/ps" >/dev/null; then
	fail "secrets: a secret or token in the output or the process list"
	grep -rlFf "$secrets" "$tmp"/*.out "$tmp"/*.err "$tmp/ps" >&2
fi
pg_dump=$(ls /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | tail -1)
if [ -n "$pg_dump" ]; then
	"$pg_dump" "$db" >"$tmp/dump.sql" || fail "pg_dump failed"
	! grep -qFf "$secrets" "$tmp/dump.sql" ||
		fail "secrets: a secret or token in the database"
else
	fail "no pg_dump to look into the database"
fi

finish
