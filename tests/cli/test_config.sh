#!/bin/sh
# The real binary and its settings: `dmarcsift config` with no file, with
# files and --config, flags over files, the environment, masking, bad files
# (exit 2, FILE:LINE), and the db setting reaching a command.
# usage: test_config.sh DMARCSIFT
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# Nothing from the machine running the test: its own system and user files.
mkdir -p "$tmp/sys" "$tmp/xdg/dmarcsift" "$tmp/home"
export DMARCSIFT_SYSCONFDIR="$tmp/sys" XDG_CONFIG_HOME="$tmp/xdg"
export DMARCSIFT_HOME="$tmp/home"
unset DMARCSIFT_CONFIG DMARCSIFT_DB

check() {
	# check NAME EXPECTED_STATUS COMMAND...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: exit $got, want $want" >&2
		sed 's/^/  stderr: /' "$tmp/err" | head -5 >&2
		fails=$((fails + 1))
		return 1
	fi
	return 0
}

expect() {
	# expect NAME FILE PATTERN: grep -E must find PATTERN in FILE
	if ! grep -Eq -- "$3" "$2"; then
		echo "FAIL $1: '$3' not in $2:" >&2
		head -30 "$2" | sed 's/^/  /' >&2
		fails=$((fails + 1))
	fi
}

refute() {
	# refute NAME FILE PATTERN: grep -E must not find PATTERN in FILE
	if grep -Eq -- "$3" "$2"; then
		echo "FAIL $1: '$3' in $2" >&2
		fails=$((fails + 1))
	fi
}

# No file: every key at its default, both files looked for.
check defaults 0 "$bin" config
expect defaults "$tmp/out" "^# not found: $tmp/sys/dmarcsift.conf$"
expect defaults "$tmp/out" "^# not found: $tmp/xdg/dmarcsift/dmarcsift.conf$"
expect defaults "$tmp/out" '^imap_batch = 200 +# default$'
expect defaults "$tmp/out" '^imap_mailbox = INBOX +# default$'
expect defaults "$tmp/out" '^imap_after = move +# default$'
expect defaults "$tmp/out" '^db = +# default$'
[ "$(grep -v '^#' "$tmp/out" | grep -vc '# default$')" -eq 0 ] || {
	echo "FAIL defaults: a key not at its default" >&2
	fails=$((fails + 1))
}

# The system file, then the per-user file over it.
printf 'imap_batch = 10\nimap_mailbox = Sys\n' >"$tmp/sys/dmarcsift.conf"
printf '# mine\nimap_mailbox = "Reports/DMARC"\n' \
	>"$tmp/xdg/dmarcsift/dmarcsift.conf"
check files 0 "$bin" config
expect files "$tmp/out" "^imap_batch = 10 +# $tmp/sys/dmarcsift.conf:1$"
expect files "$tmp/out" \
	"^imap_mailbox = Reports/DMARC +# $tmp/xdg/dmarcsift/dmarcsift.conf:2$"
check onekey 0 "$bin" config imap_mailbox imap_batch
[ "$(cat "$tmp/out")" = "Reports/DMARC
10" ] || {
	echo "FAIL onekey: got $(cat "$tmp/out")" >&2
	fails=$((fails + 1))
}

# --config FILE instead of both; flags over it; a password masked.
cat >"$tmp/my.conf" <<'EOF'
# dmarcsift settings for the test
db = host=/nonexistent-file password=hunter2 dbname=dmarc
imap_url = imaps://mail.example.com
imap_user = "reports@example.com"
imap_password_file = /run/secrets/imap   # mode 0600
imap_after = seen
imap_tls_verify = off
EOF
check config 0 "$bin" config --config "$tmp/my.conf" --imap-url \
	imap://localhost:1143 --imap-batch 5
expect config "$tmp/out" "^# read: $tmp/my.conf$"
refute config "$tmp/out" "$tmp/sys"
expect config "$tmp/out" "^db = host=/nonexistent-file password=\*{8} dbname=dmarc +# $tmp/my.conf:2$"
refute config "$tmp/out" hunter2
expect config "$tmp/out" '^imap_url = imap://localhost:1143 +# --imap-url$'
expect config "$tmp/out" '^imap_batch = 5 +# --imap-batch$'
expect config "$tmp/out" "^imap_user = reports@example.com +# $tmp/my.conf:4$"
expect config "$tmp/out" '^imap_password_file = /run/secrets/imap '
expect config "$tmp/out" '^imap_after = seen '
expect config "$tmp/out" '^imap_tls_verify = no '
expect config "$tmp/out" '^imap_mailbox = INBOX +# default$'
# What it prints reads back as a config file.
cp "$tmp/out" "$tmp/again.conf"
check readback 0 "$bin" config --config "$tmp/again.conf" imap_url
expect readback "$tmp/out" '^imap://localhost:1143$'
# DMARCSIFT_CONFIG is --config; DMARCSIFT_DB beats the file, --db beats both.
check envconfig 0 env DMARCSIFT_CONFIG="$tmp/my.conf" \
	DMARCSIFT_DB=postgresql://u:pw@h/db "$bin" config
expect envconfig "$tmp/out" '^db = postgresql://u:\*{8}@h/db +# DMARCSIFT_DB$'
expect envconfig "$tmp/out" "^imap_after = seen +# $tmp/my.conf:6$"
check dbflag 0 env DMARCSIFT_DB=dbname=x "$bin" config --db dbname=flag
expect dbflag "$tmp/out" '^db = dbname=flag +# --db$'

# The db setting reaches the commands that use the database.
check dbfile 2 "$bin" summary --config "$tmp/my.conf"
expect dbfile "$tmp/err" 'nonexistent-file'
refute dbfile "$tmp/err" hunter2
check dbenv 2 env DMARCSIFT_DB=host=/nonexistent-env "$bin" db version \
	--config "$tmp/my.conf"
expect dbenv "$tmp/err" 'nonexistent-env'
check dbopt 2 "$bin" reparse --config "$tmp/my.conf" --db \
	host=/nonexistent-flag
expect dbopt "$tmp/err" 'nonexistent-flag'

# Bad files: exit 2, FILE:LINE and what is wrong, from any command.
printf 'imap_batch = 20\nimap_ur = imaps://x\n' >"$tmp/bad.conf"
check badkey 2 "$bin" config --config "$tmp/bad.conf"
expect badkey "$tmp/err" "bad.conf:2: unknown setting 'imap_ur' \(did you mean imap_url\?\)"
printf 'imap_batch = 0\n' >"$tmp/bad.conf"
check badint 2 "$bin" summary --config "$tmp/bad.conf"
expect badint "$tmp/err" 'bad.conf:1: imap_batch: want a whole number from 1 to 10000'
printf 'db = a\ndb = b\n' >"$tmp/xdg/dmarcsift/dmarcsift.conf"
check twice 2 "$bin" config
expect twice "$tmp/err" 'dmarcsift.conf:2: db is set twice in this file \(first on line 1\)'
rm "$tmp/xdg/dmarcsift/dmarcsift.conf"
check missing 2 "$bin" summary --config "$tmp/missing.conf"
expect missing "$tmp/err" 'missing.conf: cannot read: No such file'
check missingenv 2 env DMARCSIFT_CONFIG="$tmp/missing.conf" "$bin" config
expect missingenv "$tmp/err" 'missing.conf: No such file'

# Bad flags, and passwords that have no flag.
check badflag 2 "$bin" config --imap-after burn
expect badflag "$tmp/err" '^dmarcsift: error: --imap-after: want move, seen or delete'
check password 2 "$bin" config --imap-password hunter2
expect password "$tmp/err" 'never taken on the command line'
refute password "$tmp/err" hunter2
check urlpassword 2 "$bin" config --imap-url imaps://u:hunter2@h
expect urlpassword "$tmp/err" 'a password in the URL is refused'
refute urlpassword "$tmp/err" hunter2
check notimap 2 "$bin" summary --imap-url imaps://h

# A config file others may change: used, with a warning.
printf 'imap_batch = 7\n' >"$tmp/open.conf"
chmod 666 "$tmp/open.conf"
check open 0 "$bin" config --config "$tmp/open.conf" imap_batch
expect open "$tmp/err" 'may be changed by others'

# Help: the command is listed; its help lists every key.
check mainhelp 0 "$bin" --help
expect mainhelp "$tmp/out" '^  config '
check help 0 "$bin" config --help
expect help "$tmp/out" 'usage: dmarcsift config'
expect help "$tmp/out" '^  imap_batch = 200$'
expect help "$tmp/out" '^  imap_oauth2_token_command =$'
expect help "$tmp/out" 'move, seen or delete'
check helpcmd 0 "$bin" help config
check summaryhelp 0 "$bin" summary --help

# Settings with structure are checked for what they mean when they are
# loaded, by every command (issue 17, item 12): the message names the
# setting, where it was set and what is wrong.  bad NAME LINE PATTERN
bad() {
	printf '%s\n' "$2" >"$tmp/bad.conf"
	check "$1" 2 "$bin" config --config "$tmp/bad.conf"
	expect "$1" "$tmp/err" "$3"
	# Any command that reads settings refuses it before it starts.
	check "$1-db" 2 "$bin" db version --config "$tmp/bad.conf" \
		--db "host=$tmp/nosuch dbname=x"
	expect "$1-db" "$tmp/err" "$3"
}
bad cidr 'trusted_sources = SendGrid, 10.0.0.0/33' \
	"trusted_sources \\($tmp/bad.conf:1\\): '10.0.0.0/33' is not a network: the prefix length '33' is not a number from 0 to 32"
bad cidr6 'ignored_sources = 2001:db8::/129' \
	"ignored_sources \\($tmp/bad.conf:1\\): '2001:db8::/129' is not a network"
bad badip 'trusted_sources = 10.0.0.256' \
	"trusted_sources \\($tmp/bad.conf:1\\): '10.0.0.256' is not an IP address"
bad netaddr 'trusted_sources = 10.0.0/8' \
	"'10.0.0/8' is not a network: '10.0.0' is not an IP address"
bad services "services_file = $tmp/nosuch.tsv" \
	"services_file \\($tmp/bad.conf:1\\): cannot read $tmp/nosuch.tsv: No such file"
printf 'any\texample.org\tRelay\nany example.net Relay\n' >"$tmp/svc.tsv"
bad servicesparse "services_file = $tmp/svc.tsv" \
	"services_file \\($tmp/bad.conf:1\\): $tmp/svc.tsv:2: want 3 or 4 tab-separated fields"
printf 'mx\texample.org\tRelay\n' >"$tmp/svc.tsv"
bad serviceskind "services_file = $tmp/svc.tsv" \
	"$tmp/svc.tsv:1: unknown kind 'mx'"
bad servicesdir "services_file = $tmp" \
	"services_file .*: $tmp is not a regular file"
bad domains 'domains = example.com, a..b' \
	"domains \\($tmp/bad.conf:1\\): 'a..b' is not a domain name"
bad domainchar 'domains = a b.test' "domains .*'a b.test' is not a domain name"
bad dns 'dns_servers = 192.0.2.1:99999' \
	"dns_servers \\($tmp/bad.conf:1\\): '192.0.2.1:99999': the port is not a number from 1 to 65535"
bad dnsname 'dns_servers = ns.example.com' \
	"'ns.example.com' is not an IPv4 or IPv6 address"
bad dnsempty 'dns_servers = 192.0.2.1,,192.0.2.2' "dns_servers .*: an empty entry"
bad dnsmany 'dns_servers = 1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9' \
	"dns_servers .*: more than 8 servers"
bad authserv 'authserv_id = mx.example.com, bad id' \
	"authserv_id \\($tmp/bad.conf:1\\): 'bad id' is not a server name"
bad mailto 'mail_to = you@example.com, nobody' \
	"mail_to \\($tmp/bad.conf:1\\): 'nobody' is not an address local@domain"
bad mailname 'mail_to = You <you@example.com>' "mail_to .*is not a plain address"
bad smtpfrom 'smtp_from = dmarc@' "smtp_from .*'dmarc@' is not an address"
# A flag is checked the same way, and named.
check flagdns 2 "$bin" config --dns-servers 'not a server!'
expect flagdns "$tmp/err" "dns_servers \\(--dns-servers\\): "
# Good values of each pass.
printf 'any\texample.org\tMy Relay\n# a comment\n\ndkim\trelay.example\tMy Relay\tforwarder\n' >"$tmp/svc.tsv"
{
	echo 'trusted_sources = SendGrid, My Relay, 192.0.2.0/24, 2001:db8::/32, 198.51.100.7'
	echo 'ignored_sources = 203.0.113.0/24'
	echo "services_file = $tmp/svc.tsv"
	echo 'domains = example.com, mail.example.org.'
	echo 'dns_servers = 192.0.2.53, [2001:db8::53]:5353, 2001:db8::54, 192.0.2.54:5353'
	echo 'authserv_id = mx.example.com, tenant.mail.onmicrosoft.com'
	echo 'mail_to = you@example.com, them@example.org'
	echo 'smtp_from = dmarc@example.com'
} >"$tmp/good.conf"
check good 0 "$bin" config --config "$tmp/good.conf"

# config --check: "ok", or every problem (each bad line, each bad value,
# a service name nobody knows), exit 2.
check checkok 0 "$bin" config --check --config "$tmp/good.conf"
[ "$(cat "$tmp/out")" = ok ] || {
	echo "FAIL checkok: stdout is '$(cat "$tmp/out")'" >&2
	fails=$((fails + 1))
}
printf '%s\n' 'imap_batch = 0' 'trusted_sources = 10.0.0.0/33' 'bogus = 1' \
	'dns_servers = ns.example.com' 'mail_to = nobody' >"$tmp/many.conf"
check checkall 2 "$bin" config --check --config "$tmp/many.conf"
expect checkall "$tmp/err" "$tmp/many.conf:1: imap_batch: want a whole number"
expect checkall "$tmp/err" "$tmp/many.conf:3: unknown setting 'bogus'"
expect checkall "$tmp/err" "trusted_sources \\($tmp/many.conf:2\\): '10.0.0.0/33'"
expect checkall "$tmp/err" "dns_servers \\($tmp/many.conf:4\\): "
expect checkall "$tmp/err" "mail_to \\($tmp/many.conf:5\\): "
expect checkall "$tmp/err" "5 problem\\(s\\) in the settings"
refute checkall "$tmp/out" "ok"
printf '%s\n' 'trusted_sources = SendGird' >"$tmp/names.conf"
check checknames 2 "$bin" config --check --config "$tmp/names.conf"
expect checknames "$tmp/err" "trusted_sources \\($tmp/names.conf:1\\): 'SendGird' is not a service dmarcsift knows; did you mean 'SendGrid'\\?"
check checkflag 2 "$bin" config --check --config "$tmp/good.conf" \
	--dns-servers 192.0.2.1:0
expect checkflag "$tmp/err" "dns_servers \\(--dns-servers\\): '192.0.2.1:0': the port"

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "all checks passed"
