#!/bin/sh
# Options declared once (issue 18): a bad domain is refused the same way by
# every command that takes one (exit 2, one line on stderr naming it and
# what is wrong, nothing on stdout, before any database is opened); the
# shared typed options say so in one line too; a yes/no setting's flag
# takes --KEY, --KEY=VALUE and --KEY VALUE; help lists what is accepted.
# usage: test_options.sh DMARCSIFT
bin=$1
. "$(dirname "$0")/../lib.sh"
# No settings file of the machine's, and no database anywhere near.
export DMARCSIFT_CONFIG=/dev/null DMARCSIFT_DB='host=/nonexistent port=1'

# refused NAME PATTERN ARGS...: exit 2, one stderr line matching PATTERN.
refused() {
	r_name=$1 r_pat=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$r_name: exit $rc, want 2"
	[ -s "$tmp/out" ] && fail "$r_name: wrote to stdout"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] ||
		fail "$r_name: want one line on stderr: $(cat "$tmp/err")"
	grep -q -- "$r_pat" "$tmp/err" ||
		fail "$r_name: stderr '$(cat "$tmp/err")' does not match '$r_pat'"
}

# One domain check for all: each bad name, through each command.
for d in 'a..b' '-x' 'x-.test' '192.0.2.1' 'exa mple.test' '.' \
	"$(printf 'd\303\251j\303\240.test')"; do
	why="'$d' is not a domain name ("
	refused "sources $d" "^dmarcsift: error: --domain: $why" \
		sources --domain "$d"
	refused "advise $d" "^dmarcsift: error: --domain: $why" \
		advise --domain "$d"
	refused "report $d" "^dmarcsift: error: --domain: $why" \
		report --domain "$d"
	refused "summary $d" "^dmarcsift: error: --domain: $why" \
		summary --domain "$d"
	refused "check $d" "^dmarcsift: error: check: $why" \
		check --no-db -- "$d"
done

# A good name goes through whole, lower-cased, its final dot dropped (a
# closed port for DNS: every lookup fails at once).
got=$("$bin" check --no-db --json --dns-servers 127.0.0.1:9 --dns-timeout 10 \
	Mail.Example.COM. 2>/dev/null | jq -r .domain)
[ "$got" = mail.example.com ] || fail "good domain: '$got'"

# The shared typed options, one line each.
refused since "--since: want Nd (1 to 366 days), week or month, got '0d'" \
	sources --domain example.com --since 0d
refused period "--period: want Nd (1 to 366 days), week or month, got 'year'" \
	report --period year
refused until "--until: want a date YYYY-MM-DD, got '2024-13-01'" \
	advise --domain example.com --until 2024-13-01
refused until_time "--until: want a date YYYY-MM-DD, got '1700000000'" \
	sources --domain example.com --until 1700000000
refused days "--days: want a whole number from 1 to 366, got '0'" \
	check --no-db --days 0 example.com
refused format "--format: want text, markdown, html, json or csv, got 'pdf'" \
	report --format pdf
refused jobs "--jobs: want a whole number from 1 to 16, got 'many'" \
	ingest -j many x.xml

# Yes/no flags: alone, with =, and with the value as the next word; a
# next word that is not a yes/no value stays an operand.
value() { # value NAME WANT ARGS...
	v_name=$1 v_want=$2
	shift 2
	got=$("$bin" "$@" 2>"$tmp/err")
	rc=$?
	[ "$rc" -eq 0 ] || fail "$v_name: exit $rc: $(cat "$tmp/err")"
	[ "$got" = "$v_want" ] || fail "$v_name: got '$got', want '$v_want'"
}
value alone yes config --offline offline
value equals no config --offline=no offline
value word_no no config --offline no offline
value word_yes yes config --offline yes offline
value word_off no config --offline off offline
value smtp yes config --smtp-allow-plain yes smtp_allow_plain
value imap no config --imap-tls-verify no imap_tls_verify
value operand "yes
200" config --offline offline imap_batch
# The word taken as the value is not left for the command: check sees
# one domain, not "no" and another.
refused check_word "check: 'a..b' is not a domain name" \
	check --no-db --offline no a..b
refused badbool "^dmarcsift: error: --offline: " config --offline=maybe

# Help comes from the declarations: each command's own options are there.
for c in advise check config db ingest parse reparse report sources summary; do
	"$bin" "$c" --help >"$tmp/help" 2>&1 || fail "$c --help: exit $?"
	grep -q "^usage: dmarcsift $c" "$tmp/help" || fail "$c --help: no usage"
	grep -q -- '^  -h, --help ' "$tmp/help" || fail "$c --help: no --help"
done
for o in --domain --what-if --until --json; do
	"$bin" advise --help | grep -q -- "^  $o " || fail "advise help: no $o"
done
for o in --domain --period --until --format --table --mail --no-dns-check; do
	"$bin" report --help | grep -q -- "^  $o " || fail "report help: no $o"
done

# A command that takes no operand says so, then its usage, and exits 2.
for c in metrics prune reparse report serve summary; do
	"$bin" "$c" stray >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$c stray: exit $rc, want 2"
	[ -s "$tmp/out" ] && fail "$c stray: wrote to stdout"
	[ "$(head -1 "$tmp/err")" = \
		"dmarcsift: error: $c: unexpected argument 'stray'" ] ||
		fail "$c stray: stderr: $(head -1 "$tmp/err")"
	grep -q "^usage: dmarcsift $c" "$tmp/err" || fail "$c stray: no usage"
done

finish "options: all passed"
