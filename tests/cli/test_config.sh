#!/bin/sh
# The real binary and its settings: `dmarcsift config` with no file, with
# files and --config, flags over files, the environment, masking, bad files
# (exit 2, FILE:LINE), and the db setting reaching a command.
# usage: test_config.sh DMARCSIFT
bin=$1
. "$(dirname "$0")/../lib.sh"

# Nothing from the machine running the test: its own system and user files.
mkdir -p "$tmp/sys" "$tmp/xdg/dmarcsift" "$tmp/home"
export DMARCSIFT_SYSCONFDIR="$tmp/sys" XDG_CONFIG_HOME="$tmp/xdg"
export DMARCSIFT_HOME="$tmp/home"
unset DMARCSIFT_CONFIG DMARCSIFT_DB

# No file: every key at its default, both files looked for.
run defaults 0 config
expect defaults out "^# not found: $tmp/sys/dmarcsift.conf$"
expect defaults out "^# not found: $tmp/xdg/dmarcsift/dmarcsift.conf$"
expect defaults out '^imap_batch = 200 +# default$'
expect defaults out '^imap_mailbox = INBOX +# default$'
expect defaults out '^imap_after = move +# default$'
expect defaults out '^db = +# default$'
[ "$(grep -v '^#' "$tmp/defaults.out" | grep -vc '# default$')" -eq 0 ] || fail "defaults: a key not at its default"

# The system file, then the per-user file over it.
printf 'imap_batch = 10\nimap_mailbox = Sys\n' >"$tmp/sys/dmarcsift.conf"
printf '# mine\nimap_mailbox = "Reports/DMARC"\n' \
	>"$tmp/xdg/dmarcsift/dmarcsift.conf"
run files 0 config
expect files out "^imap_batch = 10 +# $tmp/sys/dmarcsift.conf:1$"
expect files out \
	"^imap_mailbox = Reports/DMARC +# $tmp/xdg/dmarcsift/dmarcsift.conf:2$"
run onekey 0 config imap_mailbox imap_batch
[ "$(cat "$tmp/onekey.out")" = "Reports/DMARC
10" ] || fail "onekey: got $(cat "$tmp/onekey.out")"

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
run config 0 config --config "$tmp/my.conf" --imap-url \
	imap://localhost:1143 --imap-batch 5
expect config out "^# read: $tmp/my.conf$"
refute config out "$tmp/sys"
expect config out "^db = host=/nonexistent-file password=\*{8} dbname=dmarc +# $tmp/my.conf:2$"
refute config out hunter2
expect config out '^imap_url = imap://localhost:1143 +# --imap-url$'
expect config out '^imap_batch = 5 +# --imap-batch$'
expect config out "^imap_user = reports@example.com +# $tmp/my.conf:4$"
expect config out '^imap_password_file = /run/secrets/imap '
expect config out '^imap_after = seen '
expect config out '^imap_tls_verify = no '
expect config out '^imap_mailbox = INBOX +# default$'
# What it prints reads back as a config file.
cp "$tmp/config.out" "$tmp/again.conf"
run readback 0 config --config "$tmp/again.conf" imap_url
expect readback out '^imap://localhost:1143$'
# DMARCSIFT_CONFIG is --config; DMARCSIFT_DB beats the file, --db beats both.
run_cmd envconfig 0 env DMARCSIFT_CONFIG="$tmp/my.conf" \
	DMARCSIFT_DB=postgresql://u:pw@h/db "$bin" config
expect envconfig out '^db = postgresql://u:\*{8}@h/db +# DMARCSIFT_DB$'
expect envconfig out "^imap_after = seen +# $tmp/my.conf:6$"
run_cmd dbflag 0 env DMARCSIFT_DB=dbname=x "$bin" config --db dbname=flag
expect dbflag out '^db = dbname=flag +# --db$'

# The db setting reaches the commands that use the database.
run dbfile 2 summary --config "$tmp/my.conf"
expect dbfile err 'nonexistent-file'
refute dbfile err hunter2
run_cmd dbenv 2 env DMARCSIFT_DB=host=/nonexistent-env "$bin" db version \
	--config "$tmp/my.conf"
expect dbenv err 'nonexistent-env'
run dbopt 2 reparse --config "$tmp/my.conf" --db \
	host=/nonexistent-flag
expect dbopt err 'nonexistent-flag'

# Bad files: exit 2, FILE:LINE and what is wrong, from any command.
printf 'imap_batch = 20\nimap_ur = imaps://x\n' >"$tmp/bad.conf"
run badkey 2 config --config "$tmp/bad.conf"
expect badkey err "bad.conf:2: unknown setting 'imap_ur' \(did you mean imap_url\?\)"
printf 'imap_batch = 0\n' >"$tmp/bad.conf"
run badint 2 summary --config "$tmp/bad.conf"
expect badint err 'bad.conf:1: imap_batch: want a whole number from 1 to 10000'
printf 'db = a\ndb = b\n' >"$tmp/xdg/dmarcsift/dmarcsift.conf"
run twice 2 config
expect twice err 'dmarcsift.conf:2: db is set twice in this file \(first on line 1\)'
rm "$tmp/xdg/dmarcsift/dmarcsift.conf"
run missing 2 summary --config "$tmp/missing.conf"
expect missing err 'missing.conf: cannot read: No such file'
run_cmd missingenv 2 env DMARCSIFT_CONFIG="$tmp/missing.conf" "$bin" config
expect missingenv err 'missing.conf: No such file'

# Bad flags, and passwords that have no flag.
run badflag 2 config --imap-after burn
expect badflag err '^dmarcsift: error: --imap-after: want move, seen or delete'
run password 2 config --imap-password hunter2
expect password err 'never taken on the command line'
refute password err hunter2
run urlpassword 2 config --imap-url imaps://u:hunter2@h
expect urlpassword err 'a password in the URL is refused'
refute urlpassword err hunter2
run notimap 2 summary --imap-url imaps://h
# A webhook's secret is its path: config shows the scheme and host only.
run webhook 0 config --alert-webhook-url \
	'https://u:pw@hooks.example/services/T0/B0/SeCrEt?x=1' alert_webhook_url
expect webhook out '^https://hooks\.example/\.\.\.$'
refute webhook out 'SeCrEt|pw'

# A config file others may change: used, with a warning.
printf 'imap_batch = 7\n' >"$tmp/open.conf"
chmod 666 "$tmp/open.conf"
run open 0 config --config "$tmp/open.conf" imap_batch
expect open err 'may be changed by others'
# Under -q too: cron runs quiet, and that is where it must be seen.
run openq 0 -q config --config "$tmp/open.conf" imap_batch
expect openq err 'may be changed by others'

# Help: the command is listed; its help lists every key.
run mainhelp 0 --help
expect mainhelp out '^  config '
run help 0 config --help
expect help out 'usage: dmarcsift config'
expect help out '^  imap_batch = 200$'
expect help out '^  imap_oauth2_token_command =$'
expect help out 'move, seen or delete'
run helpcmd 0 help config
run summaryhelp 0 summary --help

# Settings with structure are checked for what they mean when they are
# loaded, by every command (issue 17, item 12): the message names the
# setting, where it was set and what is wrong.  bad NAME LINE PATTERN
bad() {
	printf '%s\n' "$2" >"$tmp/bad.conf"
	run "$1" 2 config --config "$tmp/bad.conf"
	expect "$1" err "$3"
	# Any command that reads settings refuses it before it starts.
	run "$1-db" 2 db version --config "$tmp/bad.conf" \
		--db "host=$tmp/nosuch dbname=x"
	expect "$1-db" err "$3"
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
run flagdns 2 config --dns-servers 'not a server!'
expect flagdns err "dns_servers \\(--dns-servers\\): "
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
run good 0 config --config "$tmp/good.conf"

# config --check: "ok", or every problem (each bad line, each bad value,
# a service name nobody knows), exit 2.
run checkok 0 config --check --config "$tmp/good.conf"
[ "$(cat "$tmp/checkok.out")" = ok ] || fail "checkok: stdout is '$(cat "$tmp/checkok.out")'"
printf '%s\n' 'imap_batch = 0' 'trusted_sources = 10.0.0.0/33' 'bogus = 1' \
	'dns_servers = ns.example.com' 'mail_to = nobody' >"$tmp/many.conf"
run checkall 2 config --check --config "$tmp/many.conf"
expect checkall err "$tmp/many.conf:1: imap_batch: want a whole number"
expect checkall err "$tmp/many.conf:3: unknown setting 'bogus'"
expect checkall err "trusted_sources \\($tmp/many.conf:2\\): '10.0.0.0/33'"
expect checkall err "dns_servers \\($tmp/many.conf:4\\): "
expect checkall err "mail_to \\($tmp/many.conf:5\\): "
expect checkall err "5 problem\\(s\\) in the settings"
refute checkall out "ok"
printf '%s\n' 'trusted_sources = SendGird' >"$tmp/names.conf"
run checknames 2 config --check --config "$tmp/names.conf"
expect checknames err "trusted_sources \\($tmp/names.conf:1\\): 'SendGird' is not a service dmarcsift knows; did you mean 'SendGrid'\\?"
run checkflag 2 config --check --config "$tmp/good.conf" \
	--dns-servers 192.0.2.1:0
expect checkflag err "dns_servers \\(--dns-servers\\): '192.0.2.1:0': the port"

finish "all checks passed"
