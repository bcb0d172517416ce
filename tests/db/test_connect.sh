#!/bin/sh
# Connecting safely: a server that never answers fails the command in the
# connect timeout; TCP keepalives are on; the reading commands have a
# statement timeout (the user's own wins); no password of a --db value
# reaches stderr or `dmarcsift config`; a password on the command line is
# warned about; what is not a conninfo or URL is said to be so.
# usage: test_connect.sh DMARCSIFT SAMPLES_DIR
# needs: DMARCSIFT_TEST_DB (a superuser's conninfo), psql, python3, ss
bin=$1 samples=$2
. "$(dirname "$0")/../lib.sh"
need_server pg
silent=
locker=
kill_at_exit silent locker
DMARCSIFT_CONFIG=/dev/null
export DMARCSIFT_CONFIG
unset DMARCSIFT_DB PGCONNECT_TIMEOUT PGPASSFILE PGOPTIONS

admin() {
	PGOPTIONS='-c client_min_messages=warning' psql "$DMARCSIFT_TEST_DB" \
		-v ON_ERROR_STOP=1 -qAtX "$@"
}
inc1() { psql "$DMARCSIFT_TEST_DB dbname=c1" -v ON_ERROR_STOP=1 -qAtX "$@"; }
port=$(echo "$DMARCSIFT_TEST_DB" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
[ -n "$port" ] || { echo "no port in $DMARCSIFT_TEST_DB" >&2; exit 2; }

# A role with a password, over TCP (scram), its password in a pgpass file.
pw=Hunter2Secret
admin -c "DROP DATABASE IF EXISTS c1" -c "DROP ROLE IF EXISTS pw_user" \
	-c "CREATE ROLE pw_user LOGIN PASSWORD '$pw'" \
	-c "CREATE DATABASE c1 OWNER pw_user" || exit 2
printf '127.0.0.1:%s:c1:pw_user:%s\n' "$port" "$pw" >"$tmp/pgpass"
chmod 600 "$tmp/pgpass"
tcp="host=127.0.0.1 port=$port dbname=c1 user=pw_user"

# --- Passwords from a pgpass file: no warning. --------------------------
run_cmd pgpass 0 env PGPASSFILE="$tmp/pgpass" "$bin" ingest -q --db "$tcp" \
	"$samples"
refute pgpass err 'warning'

# --- A password in --db: it works, with a warning; never echoed. --------
url="postgresql://pw_user:$pw@127.0.0.1:$port/c1"
run_cmd argv_pw 0 env PGPASSFILE=/nonexistent "$bin" summary --db "$url"
expect argv_pw err 'warning: the --db value holds a password.*`ps`.*~/\.pgpass.*PGPASSFILE'
refute argv_pw err "$pw"
# Under -q too (issue 17 item 10): a cron line with the password in it is
# where the warning matters most.
run_cmd argv_pwq 0 env PGPASSFILE=/nonexistent "$bin" -q summary --db "$url"
expect argv_pwq err 'warning: the --db value holds a password'
refute argv_pwq err "$pw"
run_cmd argv_kw 0 env PGPASSFILE=/nonexistent "$bin" summary \
	--db "$tcp password=$pw"
expect argv_kw err 'warning: the --db value holds a password'
# Not from the environment: only the command line shows in ps.
run_cmd env_pw 0 env DMARCSIFT_DB="$url" PGPASSFILE=/nonexistent "$bin" summary
refute env_pw err 'warning'
run_cmd wrong_pw 2 env PGPASSFILE=/nonexistent "$bin" summary \
	--db "postgresql://pw_user:Wr0ngPass9@127.0.0.1:$port/c1"
expect wrong_pw err 'password authentication failed'
refute wrong_pw err 'Wr0ngPass9'

# --- Malformed values: libpq's message, with no password in it. ---------
i=0
for v in "postgresql://u:$pw%zz@127.0.0.1/db" \
	"postgresql://u:$pw@[::1/db" \
	"postgresql://u:$pw@h/db?foo=bar" \
	"postgresql://h/db?password=$pw%zz" \
	"host=h password='$pw" \
	"host=h password=$pw junk"; do
	i=$((i + 1))
	run malformed$i 2 summary --db "$v"
	expect malformed$i err 'cannot read the database (URL|conninfo)'
	refute malformed$i err "$pw"
	refute malformed$i err 'socket'
done
expect malformed1 err 'percent-encoded token: "\*\*\*"'
expect malformed2 err 'postgresql://u:\*\*\*@'
expect malformed1 err '%40'
expect malformed5 err "single quotes"

# --- Not a conninfo or URL at all: said so, not a socket failure. -------
run garbage 2 summary --db garbage
expect garbage err "'garbage' is neither a libpq conninfo nor a PostgreSQL URL"
expect garbage err 'dbname=garbage'
refute garbage err 'socket'
run scheme 2 summary --db "postgresq://u:$pw@h/db"
expect scheme err "is not a PostgreSQL URL: a database URL begins with postgresql://"
refute scheme err 'socket'
refute scheme err "$pw"
run scheme_bare 2 db version --db 'postgresq://'
expect scheme_bare err "'postgresq://' is not a PostgreSQL URL"

# --- dmarcsift config hides sslpassword like password. ------------------
run cfg_kw 0 config --db "host=h sslpassword=$pw sslkey=/k"
expect cfg_kw out '^db = host=h sslpassword=\*+ sslkey=/k'
refute cfg_kw out "$pw"
run cfg_url 0 config \
	--db "postgresql://h/db?sslpassword=$pw&sslmode=require"
expect cfg_url out 'sslpassword=\*+&sslmode=require'
refute cfg_url out "$pw"

# --- Statement timeout: the reading commands only, the user's wins. -----
export PGPASSFILE="$tmp/pgpass"
run st_read 0 summary -vv --db "$tcp"
expect st_read err 'debug: statement timeout: 5min'
run st_user 0 summary -vv \
	--db "$tcp options='-c statement_timeout=4s'"
expect st_user err 'debug: statement timeout: 4s'
run st_ingest 0 ingest -vv --db "$tcp" "$samples"
refute st_ingest err 'statement timeout'

# A table held locked: the reading command gives up in the statement
# timeout, with what to do; meanwhile its TCP socket has a keepalive timer
# of at most 30 s (the system's default would be 2 hours).
psql "$DMARCSIFT_TEST_DB dbname=c1" -qAtX -c "BEGIN" \
	-c "LOCK TABLE reports IN ACCESS EXCLUSIVE MODE" \
	-c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
locker=$!
for _ in $(seq 50); do
	[ "$(inc1 -c "SELECT count(*) FROM pg_locks WHERE
		relation = 'reports'::regclass AND mode = 'AccessExclusiveLock'
		AND granted")" = 1 ] && break
	sleep 0.1
done
(
	sleep 2
	ss -tnoH "dport = :$port" >"$tmp/ss"
) &
watcher=$!
run st_locked 2 summary \
	--db "$tcp options='-c statement_timeout=4s'"
wait "$watcher"
expect st_locked err 'canceling statement due to statement timeout'
expect st_locked err "options='-c statement_timeout=\.\.\.'"
[ "$took" -le 9 ] || fail "st_locked: took $took s, want about 4"
ka=$(sed -n 's/.*timer:(keepalive,\([0-9.]*\)sec.*/\1/p' "$tmp/ss" | head -1)
case $ka in
'') fail "keepalive: no keepalive timer on the client socket: $(cat "$tmp/ss")" ;;
*) [ "${ka%%.*}" -le 30 ] || fail "keepalive: timer ${ka}s, want <= 30" ;;
esac
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
locker=

# --- A server that accepts and never answers. ---------------------------
python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
' >"$tmp/silent.port" &
# shellcheck disable=SC2034 # killed at exit
silent=$!
for _ in $(seq 50); do
	[ -s "$tmp/silent.port" ] && break
	sleep 0.1
done
sp=$(cat "$tmp/silent.port")
[ -n "$sp" ] || { echo "the silent server did not start" >&2; exit 2; }
dead="host=127.0.0.1 port=$sp dbname=x user=y"
# The default: 10 s.
run silent_default 2 summary --db "$dead"
expect silent_default err 'timeout expired; no answer within 10 s'
expect silent_default err 'connect_timeout=SECONDS'
[ "$took" -ge 8 ] && [ "$took" -le 15 ] ||
	fail "silent_default: took $took s, want about 10"
# The conninfo's and PGCONNECT_TIMEOUT win.
run silent_conninfo 2 summary --db "$dead connect_timeout=3"
expect silent_conninfo err 'no answer within 3 s'
[ "$took" -le 6 ] || fail "silent_conninfo: took $took s, want about 3"
run_cmd silent_env 2 env PGCONNECT_TIMEOUT=3 "$bin" ingest --db "$dead" \
	"$samples"
expect silent_env err 'no answer within 3 s'
[ "$took" -le 6 ] || fail "silent_env: took $took s, want about 3"

finish "all checks passed"
