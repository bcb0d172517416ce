#!/bin/sh
# dmarcsift serve behind a reverse proxy, and with TLS of its own (issue
# 14), against a real PostgreSQL and asked with curl.  The proxy is played
# by curl from 127.0.0.1, the address trusted; a client that is no proxy
# connects from 127.0.0.2 (any address of 127/8 is the loopback's).
#
# The user a trusted proxy names in serve_auth_header: taken from it and
# logged, refused from any other address, when missing, when twice, and
# for a Host that is not the loopback (DNS rebinding); the settings
# that must go together.  The client a trusted proxy names in
# X-Forwarded-For (or Forwarded): the limit of wrong passwords counts it,
# not the proxy, and a client's own header is nothing.  HTTPS with a
# certificate of a CA made here: curl --cacert works, plain HTTP to that
# port does not, HSTS on every answer, a key others may read refused.
# usage: test_proxy.sh DMARCSIFT SAMPLES_DIR SQL_DIR
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql, curl, openssl.
bin=$1 samples=$2 sql=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
# shellcheck source=setup.sh
. "$here/setup.sh"
need_server pg
need psql curl openssl
no_settings
export DMARCSIFT_NOW=2025-11-20T06:00:00Z

serve_db proxy

# ask NAME PATH WANT [CURL ARGS...]: the status of PATH is WANT; the body
# in $tmp/NAME.out, the headers (lower-case names) in $tmp/NAME.hdr.
ask() {
	a_name=$1 a_path=$2 a_want=$3
	shift 3
	a_code=$(curl -s -m 30 -D "$tmp/$a_name.raw" -o "$tmp/$a_name.out" \
		-w '%{http_code}' "$@" "$url$a_path")
	tr -d '\r' <"$tmp/$a_name.raw" |
		sed 's/^\([^:]*\):/\L\1:/' >"$tmp/$a_name.hdr"
	eq "$a_name: status of $a_path" "$a_code" "$a_want"
}
# refused NAME ARGS...: serve ARGS exits 2 (and does not serve on: a
# time limit, should it start after all).
refused() {
	r_name=$1
	shift
	run_cmd "$r_name" 2 timeout 60 "$bin" serve "$@"
}
# From the address that is no proxy.
far='--interface 127.0.0.2'

# --- The user a trusted proxy names. ----------------------------------------
start hdr --db "$rd" --serve-auth-header X-Remote-User \
	--serve-trusted-proxies '10.0.0.0/8, 127.0.0.1'
expect hdr "$tmp/hdr.log" 'users named by the proxy\)$'
ask alice / 200 -H 'X-Remote-User: alice'
expect alice out '<a href="/domain/example.com">example.com</a>'
ask alice_api /api/domain/example.com 200 -H 'x-remote-user: alice'
# nginx's own Host to its upstream is the upstream's address: answered.
port=${url##*:}
ask alice_host / 200 -H 'X-Remote-User: alice' -H "Host: 127.0.0.1:$port"
# Any other name is not: a page of a name pointed at 127.0.0.1 (DNS
# rebinding) would have the visitor's browser send the header itself.
ask rebind / 421 -H 'X-Remote-User: alice' -H 'Host: evil.example'
expect rebind out 'answers to localhost'
expect rebind out 'the names of its setting serve_hosts only'
ask rebind_name / 421 -H 'X-Remote-User: alice' \
	-H 'Host: dmarc.example.com'
# The header twice (a proxy that adds its own to the client's): refused,
# neither is believed.
ask twice / 403 -H 'X-Remote-User: alice' -H 'X-Remote-User: mallory'
expect twice out 'named its user more than once'
ask twice_api /api/domains 403 -H 'X-Remote-User: alice' \
	-H 'x-remote-user: alice'
# A stranger's name is escaped in the log line: no field, no line forged.
ask odd / 200 -H 'X-Remote-User: Eve Doe" 500 x=ü'
# No header, an empty one, from the proxy.
ask nouser / 403
expect nouser out 'named no user'
ask empty / 403 -H 'X-Remote-User;'
# The header from an address that is no trusted proxy is nothing.
ask far / 403 $far -H 'X-Remote-User: alice'
expect far out 'your address is not one it trusts'
ask far_api /api/domains 403 $far -H 'X-Remote-User: alice'
# Too long, or not text.
ask long / 403 -H "X-Remote-User: $(head -c 257 /dev/zero | tr '\0' a)"
expect long out 'too long or not printable'
ask bytes / 403 -H "X-Remote-User: $(printf 'a\377b')"
ask maxlen / 200 -H "X-Remote-User: $(head -c 256 /dev/zero | tr '\0' a)"
stop hdr
grep -q '^127\.0\.0\.1 GET / 200 [0-9]* [0-9]*ms user=alice via=127\.0\.0\.1$' \
	"$tmp/hdr.log" || fail "hdr: no log line of alice's page"
# (The page may be the one kept from alice's request: serve_cache.h.)
grep -q '^127\.0\.0\.1 GET / 200 [0-9]* [0-9]*ms user=Eve%20Doe%22%20500%20x%3D%C3%BC via=127\.0\.0\.1\( kept\)\{0,1\}$' \
	"$tmp/hdr.log" || fail "hdr: the odd user is not escaped in the log"
grep -q '^127\.0\.0\.1 GET / 403 [0-9]* [0-9]*ms via=127\.0\.0\.1 (no user header from the proxy)$' \
	"$tmp/hdr.log" || fail "hdr: no log line saying the header was missing"
grep -q '^127\.0\.0\.2 GET / 403 [0-9]* [0-9]*ms (user header not from a trusted proxy)$' \
	"$tmp/hdr.log" || fail "hdr: no log line saying whence the header came"
grep -q 'user=alice' "$tmp/hdr.log" &&
	! grep '^127\.0\.0\.2 .*user=' "$tmp/hdr.log" >/dev/null ||
	fail "hdr: a user logged for a request refused"
grep -q '(user header too long or not printable)$' "$tmp/hdr.log" ||
	fail "hdr: no log line of the long user"
grep -q '^127\.0\.0\.1 GET / 421 [0-9]* [0-9]*ms via=127\.0\.0\.1 (Host not of the loopback nor of serve_hosts)$' \
	"$tmp/hdr.log" || fail "hdr: no log line of the Host refused"
grep -q '^127\.0\.0\.1 GET / 403 [0-9]* [0-9]*ms via=127\.0\.0\.1 (user header more than once)$' \
	"$tmp/hdr.log" || fail "hdr: no log line of the header twice"
grep -q 'user=mallory' "$tmp/hdr.log" && fail "hdr: a user of two headers logged"

# The settings, from a file as from flags.
cat >"$tmp/hdr.conf" <<EOF
serve_auth_header = X-Auth-Request-User
serve_trusted_proxies = ::1, 127.0.0.1
serve_forwarded = forwarded
EOF
start hdr_conf --config "$tmp/hdr.conf" --db "$rd"
ask conf / 200 -H 'X-Auth-Request-User: bob' \
	-H 'Forwarded: for=198.51.100.1, for="203.0.113.9:4711";proto=https'
ask conf_old / 403 -H 'X-Remote-User: bob'
stop hdr_conf
grep -q '^203\.0\.113\.9 GET / 200 [0-9]* [0-9]*ms user=bob via=127\.0\.0\.1$' \
	"$tmp/hdr_conf.log" || fail "hdr_conf: not bob from Forwarded's address"

# --- The name a proxy passes on in Host (Caddy, Traefik). -------------------
# serve_hosts names it: answered as the loopback's names are (any port, or
# the one an entry names; no case; IPv6 addresses as addresses), the user
# still needed from the trusted proxy; any other name is still refused.
start hosts --db "$rd" --serve-auth-header X-Remote-User \
	--serve-trusted-proxies 127.0.0.1 \
	--serve-hosts 'dmarc.example.com, stats.example.org:8443,[2001:db8::1]'
port=${url##*:}
# The startup line says the names, as they are matched.
expect hosts "$tmp/hosts.log" '^dmarcsift: serving http://127\.0\.0\.1:[0-9]+/ \(users named by the proxy\); Host also answered \(serve_hosts\): dmarc\.example\.com, stats\.example\.org:8443, \[2001:db8::1\]$'
ask host_named / 200 -H 'X-Remote-User: alice' -H 'Host: dmarc.example.com'
expect host_named out '<a href="/domain/example.com">example.com</a>'
ask host_case /api/domains 200 -H 'X-Remote-User: alice' \
	-H 'Host: DMARC.Example.com:443'
ask host_port / 200 -H 'X-Remote-User: alice' \
	-H 'Host: stats.example.org:8443'
ask host_v6 / 200 -H 'X-Remote-User: alice' -H 'Host: [2001:DB8:0::1]:443'
# A fully qualified name, with its trailing dot, is the name; two dots
# are not.
ask host_dot / 200 -H 'X-Remote-User: alice' -H 'Host: dmarc.example.com.'
ask host_dot_port / 200 -H 'X-Remote-User: alice' \
	-H 'Host: stats.example.org.:8443'
ask host_dots / 421 -H 'X-Remote-User: alice' -H 'Host: dmarc.example.com..'
ask host_loopback / 200 -H 'X-Remote-User: alice' -H "Host: 127.0.0.1:$port"
ask host_other / 421 -H 'X-Remote-User: alice' -H 'Host: evil.example'
expect host_other out 'the names of its setting serve_hosts only'
ask host_suffix /api/domains 421 -H 'X-Remote-User: alice' \
	-H 'Host: dmarc.example.com.evil.example'
ask host_sub / 421 -H 'X-Remote-User: alice' -H 'Host: evil.dmarc.example.com'
ask host_wrong_port / 421 -H 'X-Remote-User: alice' \
	-H 'Host: stats.example.org:443'
ask host_nouser / 403 -H 'Host: dmarc.example.com'
ask host_far / 403 $far -H 'X-Remote-User: alice' -H 'Host: dmarc.example.com'
stop hosts
grep -q '^127\.0\.0\.1 GET / 200 [0-9]* [0-9]*ms user=alice via=127\.0\.0\.1$' \
	"$tmp/hosts.log" || fail "hosts: no log line of alice's page"
grep -q '^127\.0\.0\.1 GET / 421 [0-9]* [0-9]*ms via=127\.0\.0\.1 (Host not of the loopback nor of serve_hosts)$' \
	"$tmp/hosts.log" || fail "hosts: no log line of the Host refused"
# From the file too, without a login (loopback only); a flag replaces
# the file's list.
printf 'serve_hosts = dmarc.example.com\n' >"$tmp/hosts.conf"
start hosts_conf --config "$tmp/hosts.conf" --db "$rd"
ask conf_host / 200 -H 'Host: dmarc.example.com:8025'
ask conf_host_other / 421 -H 'Host: other.example.com'
stop hosts_conf
start hosts_flag --config "$tmp/hosts.conf" --db "$rd" \
	--serve-hosts other.example.com.
ask flag_host / 200 -H 'Host: other.example.com'
ask flag_host_dot / 200 -H 'Host: other.example.com.:8025'
expect hosts_flag "$tmp/hosts_flag.log" '^dmarcsift: serving http://[^ ]*/; Host also answered \(serve_hosts\): other\.example\.com$'
ask flag_host_file / 421 -H 'Host: dmarc.example.com'
stop hosts_flag
# A Host without a port was asked at the scheme's default, which an
# entry may name: 80 over plain HTTP, 443 behind --proxy-tls (and with TLS
# here, below); a name alone still takes any port.
start hosts_http --db "$rd" \
	--serve-hosts 'dmarc.example.com:80, tls.example.com:443, any.example.com'
ask http_default / 200 -H 'Host: dmarc.example.com'
ask http_default_dot / 200 -H 'Host: dmarc.example.com.'
ask http_explicit / 200 -H 'Host: dmarc.example.com:80'
ask http_other_port / 421 -H 'Host: dmarc.example.com:443'
ask http_not_tls / 421 -H 'Host: tls.example.com'
ask http_any / 200 -H 'Host: any.example.com:443'
stop hosts_http
start hosts_proxy_tls --db "$rd" --proxy-tls \
	--serve-hosts 'dmarc.example.com:443, plain.example.com:80'
ask proxy_tls_default / 200 -H 'Host: dmarc.example.com'
ask proxy_tls_plain / 421 -H 'Host: plain.example.com'
stop hosts_proxy_tls
# What serve_hosts refuses, at start, naming the entry.
refused hosts_url --db "$rd" \
	--serve-hosts 'dmarc.example.com, https://dmarc.example.com/'
expect hosts_url err "serve_hosts \(from --serve-hosts\): 'https://dmarc\.example\.com/': a host name holds no space and no '/'"
refused hosts_space --db "$rd" --serve-hosts 'dmarc example.com'
expect hosts_space err "'dmarc example\.com': a host name holds no space"
refused hosts_none --db "$rd" --serve-hosts ' , '
expect hosts_none err 'serve_hosts \(from --serve-hosts\): no host name in it'
refused hosts_dots --db "$rd" --serve-hosts 'dmarc.example.com..'
expect hosts_dots err "'dmarc\.example\.com\.\.': a name ends in one '\.' at most"
refused hosts_port --db "$rd" --serve-hosts 'dmarc.example.com:99999'
expect hosts_port err "'dmarc\.example\.com:99999': the port is not a number from 1 to 65535"
printf 'serve_hosts = dmarc.example.com, *.example.com\n' >"$tmp/bad_hosts.conf"
refused hosts_file --config "$tmp/bad_hosts.conf" --db "$rd"
expect hosts_file err "serve_hosts \(from .*bad_hosts\.conf:1\): '\*\.example\.com' is not a host name"

# What must go together, and what is refused.
refused hdr_alone --db "$rd" --serve-auth-header X-Remote-User
expect hdr_alone err 'serve_auth_header \(from --serve-auth-header\) needs serve_trusted_proxies'
refused hdr_users --db "$rd" --serve-auth-header X-Remote-User \
	--serve-trusted-proxies 127.0.0.1 --users /dev/null
expect hdr_users err 'two logins: choose one'
refused hdr_authz --db "$rd" --serve-auth-header authorization \
	--serve-trusted-proxies 127.0.0.1
expect hdr_authz err 'Authorization is not a header a proxy names a user in'
refused hdr_name --db "$rd" --serve-auth-header 'X Remote' \
	--serve-trusted-proxies 127.0.0.1
refused any_proxy --db "$rd" --serve-auth-header X-Remote-User \
	--serve-trusted-proxies 0.0.0.0/0
expect any_proxy err "'0\.0\.0\.0/0' is every address"
refused name_proxy --db "$rd" --serve-trusted-proxies proxy.example
expect name_proxy err "serve_trusted_proxies \(from --serve-trusted-proxies\): 'proxy\.example' is not an address"
# Off loopback: the header is a login, and TLS is still needed.
refused hdr_far --db "$rd" --listen 192.0.2.1:8025 \
	--serve-auth-header X-Remote-User --serve-trusted-proxies 127.0.0.1
expect hdr_far err '192\.0\.2\.1 is not a loopback address'
# With --proxy-tls it is allowed; 192.0.2.1 is no address of this machine,
# so it fails to listen there instead.
refused hdr_far_tls --db "$rd" --listen 192.0.2.1:8025 \
	--serve-auth-header X-Remote-User --serve-trusted-proxies 127.0.0.1 \
	--proxy-tls
expect hdr_far_tls err 'cannot listen there'
refute hdr_far_tls err 'not a loopback address'

# --- The client a trusted proxy names, and the login limit. -----------------
openssl passwd -6 -salt abcdefgh 'correct horse' |
	sed 's/^/alice:/' >"$tmp/users"
start xff --db "$rd" --users "$tmp/users" --serve-trusted-proxies 127.0.0.1 \
	--serve-hosts dmarc.example.com
# With passwords, every Host is answered: the startup line says so.
expect xff "$tmp/xff.log" '\(login required\); serve_hosts unused with --users: dmarc\.example\.com$'
# 10 wrong passwords from 203.0.113.7 behind the proxy, then 429 for it:
# its own header to the left of its address changes nothing.
i=0
while [ $i -lt 10 ]; do
	ask "guess$i" / 401 -u "alice:guess $i" \
		-H "X-Forwarded-For: 192.0.2.$i, 203.0.113.7"
	i=$((i + 1))
done
ask limited / 429 -u 'alice:guess' -H 'X-Forwarded-For: 203.0.113.7'
ask limited_spoof / 429 -u 'alice:guess' \
	-H 'X-Forwarded-For: 198.51.100.1, 203.0.113.7'
# Others behind the same proxy are not locked out, the proxy itself not.
ask other / 401 -u 'alice:wrong' -H 'X-Forwarded-For: 203.0.113.8'
ask other_ok / 200 -u 'alice:correct horse' \
	-H 'X-Forwarded-For: 203.0.113.8'
ask proxy_self / 401 -u 'alice:wrong'
# A client that is no proxy writes the header in vain: its guesses count
# against its own address, and lock out nobody else.
i=0
while [ $i -lt 10 ]; do
	ask "far_guess$i" / 401 $far -u "alice:guess $i" \
		-H "X-Forwarded-For: 203.0.113.$((20 + i))"
	i=$((i + 1))
done
ask far_limited / 429 $far -u 'alice:guess' -H 'X-Forwarded-For: 203.0.113.30'
ask far_after / 401 -u 'alice:wrong' -H 'X-Forwarded-For: 203.0.113.30'
stop xff
grep -q '^203\.0\.113\.7 GET / 429 [0-9]* [0-9]*ms via=127\.0\.0\.1$' \
	"$tmp/xff.log" || fail "xff: no log line of the forwarded client"
grep -q '^127\.0\.0\.2 GET / 429 [0-9]* [0-9]*ms$' "$tmp/xff.log" ||
	fail "xff: the far client is not logged as itself"
grep -q '^203\.0\.113\.2[0-9] ' "$tmp/xff.log" &&
	fail "xff: a far client's own X-Forwarded-For was believed"

# Two clients taking turns, in one slot of the count (198.51.100.81 and
# .100 hash alike): their failures add up, neither resets the other's.
start turns --db "$rd" --users "$tmp/users" --serve-trusted-proxies 127.0.0.1
i=0
while [ $i -lt 5 ]; do
	ask "turn_a$i" / 401 -u "alice:a $i" -H 'X-Forwarded-For: 198.51.100.81'
	ask "turn_b$i" / 401 -u "alice:b $i" -H 'X-Forwarded-For: 198.51.100.100'
	i=$((i + 1))
done
ask turn_a / 429 -u 'alice:a' -H 'X-Forwarded-For: 198.51.100.81'
ask turn_b / 429 -u 'alice:b' -H 'X-Forwarded-For: 198.51.100.100'
# An IPv4-mapped IPv6 address is the IPv4 address.
ask turn_mapped / 429 -u 'alice:b' -H 'X-Forwarded-For: ::ffff:198.51.100.81'
# IPv6 clients count by their /64: a new address for each guess is the
# same client; another /64 is not.
i=1
while [ $i -le 10 ]; do
	ask "six$i" / 401 -u "alice:six $i" -H "X-Forwarded-For: 2001:db8:1:2::$i"
	i=$((i + 1))
done
ask six_limited / 429 -u 'alice:six' -H 'X-Forwarded-For: 2001:db8:1:2:ffff::1'
ask six_other / 401 -u 'alice:six' -H 'X-Forwarded-For: 2001:db8:1:3::1'
stop turns

# More than 100 wrong logins a minute in all, from ever new addresses:
# every login is refused, a right one too, and a line says so.
start all --db "$rd" --users "$tmp/users" --serve-trusted-proxies 127.0.0.1
i=1
while [ $i -le 101 ]; do
	ask "all$i" / 401 -u "alice:all $i" \
		-H "X-Forwarded-For: 198.18.$((i / 200)).$((i % 200 + 1))"
	i=$((i + 1))
done
ask all_limited / 429 -u 'alice:correct horse' -H 'X-Forwarded-For: 192.0.2.99'
ask all_proxy / 429 -u 'alice:correct horse'
stop all
expect all "$tmp/all.log" 'more than 100 wrong logins in 60 seconds'

# --- TLS in the process. ----------------------------------------------------
# A CA and a certificate for 127.0.0.1 signed by it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 2 -subj '/CN=test CA' \
	2>"$tmp/openssl.err" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$tmp/srv.key" -out "$tmp/srv.csr" -subj '/CN=127.0.0.1' \
		2>>"$tmp/openssl.err" &&
	printf 'subjectAltName = IP:127.0.0.1\n' >"$tmp/san.ext" &&
	openssl x509 -req -in "$tmp/srv.csr" -CA "$tmp/ca.pem" \
		-CAkey "$tmp/ca.key" -CAcreateserial -days 2 \
		-extfile "$tmp/san.ext" -out "$tmp/srv.pem" 2>>"$tmp/openssl.err" ||
	{ cat "$tmp/openssl.err" >&2; fail "openssl: no certificate"; finish; }
chmod 600 "$tmp/srv.key"

start tls --db "$rd" --serve-tls-cert "$tmp/srv.pem" \
	--serve-tls-key "$tmp/srv.key" \
	--serve-hosts 'dmarc.example.com:443, plain.example.com:80'
case $url in
https://127.0.0.1:*) ;;
*) fail "tls: serving $url, not https://127.0.0.1" ;;
esac
ask tls_home / 200 --cacert "$tmp/ca.pem"
expect tls_home out '<a href="/domain/example.com">example.com</a>'
grep -q '^strict-transport-security: max-age=31536000$' "$tmp/tls_home.hdr" ||
	fail "tls: no Strict-Transport-Security"
grep -q "^content-security-policy: default-src 'none'" "$tmp/tls_home.hdr" ||
	fail "tls: no Content-Security-Policy"
ask tls_api /api/domains 200 --cacert "$tmp/ca.pem"
# Over HTTPS, a Host without a port was asked at 443.
ask tls_host / 200 --cacert "$tmp/ca.pem" -H 'Host: dmarc.example.com'
ask tls_host_443 / 200 --cacert "$tmp/ca.pem" -H 'Host: dmarc.example.com:443'
ask tls_host_plain / 421 --cacert "$tmp/ca.pem" -H 'Host: plain.example.com'
# Without the CA, curl does not believe it; plain HTTP gets no answer.
ask tls_noca / 000
plain=$(echo "$url" | sed 's|^https:|http:|')
code=$(curl -s -m 10 -o "$tmp/plain.out" -w '%{http_code}' "$plain/")
eq "tls: plain HTTP to the HTTPS port" "$code" 000
# Only TLS 1.2 and 1.3.
if openssl s_client -help 2>&1 | grep -q -- '-tls1_1'; then
	port=${url##*:}
	if echo | openssl s_client -connect "127.0.0.1:$port" -tls1_1 \
		-cipher 'DEFAULT:@SECLEVEL=0' >"$tmp/tls11.out" 2>&1; then
		fail "tls: a TLS 1.1 handshake succeeded"
	fi
	echo | openssl s_client -connect "127.0.0.1:$port" -tls1_2 \
		-CAfile "$tmp/ca.pem" >"$tmp/tls12.out" 2>&1 ||
		fail "tls: no TLS 1.2 handshake"
fi
stop tls
grep -q '^127\.0\.0\.1 GET / 200 ' "$tmp/tls.log" ||
	fail "tls: no log line of the page"

# The key: only its owner may read it; both files or none; a pair.
chmod 644 "$tmp/srv.key"
refused key644 --db "$rd" --serve-tls-cert "$tmp/srv.pem" \
	--serve-tls-key "$tmp/srv.key"
expect key644 err 'others may read or change it \(mode 0644\): chmod 600'
chmod 640 "$tmp/srv.key"
refused key640 --db "$rd" --serve-tls-cert "$tmp/srv.pem" \
	--serve-tls-key "$tmp/srv.key"
chmod 600 "$tmp/srv.key"
refused cert_alone --db "$rd" --serve-tls-cert "$tmp/srv.pem"
expect cert_alone err 'serve_tls_cert and serve_tls_key go together'
refused key_not_pem --db "$rd" --serve-tls-cert "$tmp/users" \
	--serve-tls-key "$tmp/srv.key"
expect key_not_pem err 'not PEM'
chmod 600 "$tmp/ca.key"
refused key_other --db "$rd" --serve-tls-cert "$tmp/srv.pem" \
	--serve-tls-key "$tmp/ca.key"
expect key_other err 'cannot listen there with that certificate and key'
# Off loopback: TLS in the process stands for --proxy-tls, with a login.
refused tls_far --db "$rd" --listen 192.0.2.1:8025 --users "$tmp/users" \
	--serve-tls-cert "$tmp/srv.pem" --serve-tls-key "$tmp/srv.key"
expect tls_far err 'cannot listen there'
refute tls_far err 'not a loopback address'
refused tls_far_nologin --db "$rd" --listen 192.0.2.1:8025 \
	--serve-tls-cert "$tmp/srv.pem" --serve-tls-key "$tmp/srv.key"
expect tls_far_nologin err 'not a loopback address'

finish "all checks passed"
