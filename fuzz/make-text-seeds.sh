#!/bin/sh
# Writes the seeds of the targets that read short texts from strangers:
# fuzz_mailauth, fuzz_dmarc_record, fuzz_spf, fuzz_dkim, fuzz_asn and
# fuzz_route (the input layout of each is in the head of its .c file).
# Real-looking inputs (the RFC examples, what the unit tests use) and
# hostile ones (overlong, NUL bytes, deep nesting, huge numbers).
# Regression inputs (crash-*, timeout-*, oom-*) are never touched, and
# rerunning the script writes the same bytes.
set -eu

c=$(cd "$(dirname "$0")" && pwd)/corpus
for t in mailauth dmarc_record spf dkim asn route; do
	mkdir -p "$c/fuzz_$t"
done

# rep N TEXT: TEXT N times, without a newline.
rep() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}

# ---- fuzz_mailauth: authserv_id line, email line, then the mail.
m=$c/fuzz_mailauth
printf 'mx.example.com\nnoreply-dmarc-support@google.com\nReturn-Path: <noreply-dmarc-support@google.com>\r\nReceived: from mx.example.com by imap.example.com\r\nAuthentication-Results: mx.example.com;\r\n\tdkim=pass (2048-bit key; unprotected) header.d=google.com\r\n\theader.i=@google.com header.b=abc;\r\n\tspf=pass smtp.mailfrom=noreply-dmarc-support@google.com\r\nReceived: from mail-x.google.com by mx.example.com\r\nFrom: noreply-dmarc-support@google.com\r\nSubject: Report domain: example.com\r\n\r\nbody\r\n' >"$m/gmail"
# RFC 8601 appendix B.4 style, a version, dmarc=pass for the From.
printf 'example.com\n\nAuthentication-Results: example.com 1;\n  spf=pass smtp.mailfrom=example.net;\n  dkim=pass header.d=example.net;\n  dmarc=pass header.from=example.net\nReceived: from dialup-1-2-3-4.example.net\nFrom: sender@example.net\nSubject: hi\n\nbody\n' >"$m/rfc8601"
# Exchange Online: the authserv-id after a result, a renamed outside copy.
printf 'contoso.onmicrosoft.com, mx.example.com\ndmarcreport@microsoft.com\nAuthentication-Results: spf=pass (sender IP is 40.107.1.1)\n smtp.mailfrom=microsoft.com; contoso.onmicrosoft.com; dkim=pass\n (signature was verified) header.d=microsoft.com;dmarc=pass action=none\n header.from=microsoft.com;compauth=pass reason=100\nAuthentication-Results-Original: mx.attacker.example; dkim=pass header.d=microsoft.com\nFrom: DMARC Aggregate Report <dmarcreport@microsoft.com>\n\n' >"$m/exchange"
# A forged field below the trusted run, an mbox "From " line.
printf 'mx.example.com\ndmarc@yahoo.com\nFrom dmarc@yahoo.com Mon Jan  1 00:00:00 2024\nAuthentication-Results: mx.example.com; dkim=fail header.d=yahoo.com\nReceived: from relay.attacker.example\nAuthentication-Results: mx.example.com; dkim=pass header.d=yahoo.com\nFrom: dmarc@yahoo.com\n\n' >"$m/forged-below"
# Comments nested deep, quoted strings, an unterminated quote.
{ printf 'mx.example.com\n\nAuthentication-Results: mx.example.com; dkim=pass '
  rep 200 '('; printf 'header.d=evil.example'; rep 200 ')'
  printf ' header.d="quoted.example";\n dmarc=pass header.from="open.example\nFrom: "a;b" <x@[192.0.2.1]>\n\n'; } >"$m/nesting"
# One folded field longer than the 8 kB read of a field, 70 fields.
{ printf 'mx.example.com\na@b.example\nAuthentication-Results: mx.example.com;\n'
  rep 400 ' dkim=pass header.d=aaaaaaaaaa.example;\n'
  rep 70 'Authentication-Results: mx.example.com; dkim=pass header.i=@x.example\n'
  printf 'From: a@b.example\n\n'; } >"$m/overlong"
# NUL bytes, control characters, a bidi override in the authserv-id.
printf 'mx.example.com,\tMX.EXAMPLE.COM \n\0@\nAuthentication-Results: mx.exa\0mple.com\033[2J\342\200\256; dkim=pass header.d=\0x.example\nFrom: a@b.example\nFrom: c@d.example\n\n' >"$m/nul-control"
# Not a mail, an mbox of two, CRLF header end at once.
printf 'mx.example.com\n\n<?xml version="1.0"?><feedback/>\n' >"$m/not-mail"
printf 'mx.example.com\n\nFrom a@b Mon Jan  1 00:00:00 2024\nFrom: a@b.example\n\nbody\n\nFrom c@d Mon Jan  1 00:00:00 2024\nFrom: c@d.example\n\n' >"$m/mbox-two"

# ---- fuzz_dmarc_record: one byte for the builder, then the record.
d=$c/fuzz_dmarc_record
printf '\001v=DMARC1; p=none; rua=mailto:dmarc@example.org' >"$d/monitor"
printf '\012v=DMARC1; p=quarantine; pct=25; t=y; sp=none; np=reject; adkim=s; aspf=r; fo=0:1:d:s; rf=afrf; ri=86400; psd=n; rua=mailto:a@example.org,mailto:b@thirdparty.example!10m; ruf=mailto:f@example.org' >"$d/rfc7489-full"
printf '\377V = DMARC1 ;P=Reject;\r\n\tSP = quarantine ; ;pct=100;' >"$d/blanks-case"
printf '\002v=dmarc1; p=reject' >"$d/near"
printf '\003v=DMARC1; p=none; p=reject; 1x=y; junk; pct=101; pct=050; fo=0::1; adkim=x; x_y=z; rua=' >"$d/broken-parts"
printf '\004v=DMARC1; p=none; rua=mailto:"q"@example.org\\; ruf=a\tb' >"$d/quotes"
{ printf '\005v=DMARC1; p=none'; rep 40 '; tag=value'; } >"$d/many-tags"
{ printf '\006v=DMARC1; p=none; rua=mailto:'; rep 8200 'a'; printf '@example.org'; } >"$d/overlong"
printf '\007v=DMARC1; p=no\0ne; rua=mailto:a@example.org\0; pct=99999999999999999999' >"$d/nul-huge"
printf '\010google-site-verification=abc' >"$d/not-dmarc"
printf '\011' >"$d/empty"

# ---- fuzz_spf: the record of fuzz.example, then NAME TYPE DATA lines.
s=$c/fuzz_spf
printf 'v=spf1 ip4:192.0.2.0/24 a include:_spf.mail.example -all\nfuzz.example A 198.51.100.7\n_spf.mail.example TXT v=spf1 ip6:2001:db8::/32 ~all\n' >"$s/covers"
# RFC 7208 appendix A: a, mx with prefixes, ptr, exists, redirect.
printf 'v=spf1 +mx a:colo.example.com/28 -all\nfuzz.example MX mx.fuzz.example\nmx.fuzz.example A 192.0.2.10\nmx.fuzz.example AAAA 2001:db8::10\ncolo.example.com A 192.0.2.200\n' >"$s/rfc7208-mx"
printf 'v=spf1 a/24//64 mx:mail.example//48 ptr exists:%%{i}._spf.%%{d} redirect=_spf.example\n_spf.example TXT v=spf1 ?all\nfuzz.example AAAA 2001:db8::1\nmail.example MX a.mail.example\na.mail.example AAAA 2001:db8:1::5\n' >"$s/macros-redirect"
printf 'v=spf1 include:a.example -all\na.example TXT v=spf1 include:b.example\nb.example TXT v=spf1 include:fuzz.example\n' >"$s/loop"
printf 'v=spf1 include:one.example include:two.example include:gone.example a:void1.example a:void2.example a:void3.example ~all\none.example TXT v=spf1 +all\ntwo.example !\nvoid1.example TXT x\n' >"$s/plus-all-void-servfail"
printf 'v=spf1 mx -all\nfuzz.example MX m1.example\nfuzz.example MX m2.example\nfuzz.example MX m3.example\nfuzz.example MX m4.example\nfuzz.example MX m5.example\nfuzz.example MX m6.example\nfuzz.example MX m7.example\nfuzz.example MX m8.example\nfuzz.example MX m9.example\nfuzz.example MX m10.example\nfuzz.example MX m11.example\n' >"$s/many-mx"
{ printf 'v=spf1'; i=0; while [ $i -lt 12 ]; do printf ' include:i%d.example' $i; i=$((i + 1)); done; printf ' -all\n'
  i=0; while [ $i -lt 12 ]; do printf 'i%d.example TXT v=spf1 include:i%d.example a:h%d.example\n' $i $((i + 1)) $i; i=$((i + 1)); done; } >"$s/deep-budget"
printf 'v=spf1 ip4:192.0.2.1/33 ip6:::1/129 ip4:300.1.1.1 -all\n' >"$s/bad-prefixes"
printf 'v=spf1 redirect=a.example redirect=b.example exp=x.example exp=y.example\n' >"$s/two-redirects"
{ printf 'v=spf1'; rep 70 ' ip4:192.0.2.1'; printf ' -all\n'; } >"$s/many-terms"
{ printf 'v=spf1 include:'; rep 300 'a.'; printf 'example -all\n'; } >"$s/long-name"
printf 'v=spf1 a:\0.example ~all\nfuzz.example A 192.0.2.1\0\n' >"$s/nul"
printf 'v=spf1 include:%%{l1r+-}.example ip4:4294967296 a:%%%% -all\n' >"$s/macro-edge"
printf 'v=spf1 -all\nv=spf1 +all\n' >"$s/plain"
printf 'v=spf1 a mx\nfuzz.example TXT v=spf1 +all\n' >"$s/two-records"

# ---- fuzz_dkim: the key record.
k=$c/fuzz_dkim
printf 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyx/a0HJblrpc3yisDlBc3klbC1pnVxJAFGXKD5VmjYVbE40pZkrvKXlL5Kmk7s5Y7pSIaHsOkJ3wcXOczQVtLxuca/uf7yYDGJoNrcERWsXhm9KbvmoDjh2S8zKlW7G8wVgL7HimqbXzv8IeuO0EOzH3t82mON5AunBKxneMPgw/KlA1ukcslAtWGSWdO19AlZfbSq4GRyMICBdUdgH0kTfBNgPemXloI5jk7YMLR5wXadPOu2hOG9Rls1bmx6pP7V7GbyKTrU2nmyATUNRo17MPqqbdF7ZIvuclFrGHJg85DXKTzLsdOBCwNfjUMMip1iOHuHL0ZlidziIVZZDfyQIDAQAB' >"$k/rsa2048"
printf 'k=rsa; t=y:s; h=sha256; s=email; p=MIGJAoGBAPP9PQG4S+HAVrlP8Bad4KIqwV7Nua99QJZZLUGQ9XeBqSVuoT1psYfamBj14/fovFha0olB4Xo9LJb4GwZ1VfnV+RAlbemIoYNUDFyNPOEBJWWyMlyobaai+d70sPEdZThckHUgo9z4p8t3RWvbLD3Ow7bhB9UIZBKjMxYCwBULAgMBAAE=' >"$k/rsa1024-bare"
printf 'v=DKIM1; k=ed25519; p=E7F9h8lrFHeCTo6k3JQ9XjwXBjQ5uPLHQXJ3wlg4k1k=' >"$k/ed25519"
printf 'v=DKIM1; p=' >"$k/revoked"
printf 'v=DKIM1; k=rsa; h=sha1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC\r\n\t1TaNgLlSyQMNWVLNLvyY/neDgaL2oqQE8T5illKqCgDtFHc8eHVAU+nlcaGmrKmDMw9dbgiGk1ocgZ56NR4ycfUHwQhvQPMUZw0cveel/8EAGoi/UyPmqfcPibytH81NFtTMAxUeM4Op8A6iHkvAMj5qLf4YRNsTkKAV' >"$k/sha1-folded"
printf 'v=DKIM1; v=DKIM1; p=abc' >"$k/repeat"
printf 'V=DKIM1; P=abc' >"$k/upper"
printf 'v=DKIM1; k=ed25519; p=AAAA' >"$k/ed25519-short"
printf 'v=DKIM1; p=MIIBIjANBgkqhkiG9w0BAQEFAAOC/////w==' >"$k/der-huge-length"
printf 'v=DKIM1; p=MAoCgYEA' >"$k/der-cut"
printf 'v=DKIM1; p=abc\0def' >"$k/nul"
{ printf 'v=DKIM1; p='; rep 6000 'QUFB'; } >"$k/overlong-key"
{ printf 'v=DKIM1'; rep 40 '; x=y'; printf '; p=abc'; } >"$k/many-tags"

# ---- fuzz_asn: the address, the AS number, then TXT records.
a=$c/fuzz_asn
printf '203.0.113.7\n64500\n64500 | 203.0.113.0/24 | US | arin | 2001-01-01\n64500 | US | arin | 2001-01-01 | EXAMPLE-NET - Example, US\n' >"$a/cymru"
printf '2001:db8::25\n64501\n64501 64502 | 2001:db8::/32 | DE | ripencc | 2005-01-01\n64501 | 2001:db8::/48 | | ripencc |\n64501 | FR | ripencc | 2005-01-01 | OVH, FR\n' >"$a/ipv6-several"
printf '203.0.113.7\n64500\n0 | 203.0.113.0/24 | US\n64500 | 203.0.113.1/24 | US\n64500 | 203.0.112.0/24 | US\n64500 | 203.0.113.0/0 | US\n64500 | 203.0.113.0/33 | USA\n4294967296 | 203.0.113.0/24 | US\n064500 | 203.0.113.0/24 | US\n' >"$a/refused"
printf '198.51.100.1\n4294967295\n4294967295 | 198.51.100.0/22 | us | arin | x\n4294967295 | US | arin | 2020-01-01 | Name | with | bars\n4294967295 | US | arin | 2020-01-01 | \303\251t\303\251 - Cr\303\250me, FR\n' >"$a/bars-utf8"
printf '192.0.2.1\n64500\n64500 | 192.0.2.0/24 | U\0\n64500 | US | arin | x | a\033[2Jb\n64500 | US | arin | x | \342\200\256evil\n' >"$a/control"
{ printf '192.0.2.1\n64500\n64500 | US | arin | x | '; rep 70 '\303\251'; printf ' - x\n64500 | US | arin | x | '; rep 600 'n'; printf '\n'; } >"$a/long-names"
printf 'not an address\nx\n64500 | 203.0.113.0/24 | US\n' >"$a/defaults"

# ---- fuzz_route: the request target, then the Host header.
r=$c/fuzz_route
printf '/\nlocalhost:8080' >"$r/root"
printf '/domain/example.org?since=week&until=2026-01-31\n127.0.0.1:8080' >"$r/domain"
printf '/api/domain/Example.ORG./what-if?p=Reject&sp=none&np=&pct=50&t=Y&since=90d\n[::1]:8080' >"$r/whatif-json"
printf '/domain/example.org/what-if?p=&sp=quarantine\nlocalhost' >"$r/whatif-empty-p"
printf '/source/2001:DB8::0:1?domain=example.org\nlocalhost' >"$r/source"
printf '/api/source/192.0.2.1\nlocalhost' >"$r/source-all"
printf '/report/42?page=3\nlocalhost' >"$r/report"
printf '/report/42/raw\nlocalhost' >"$r/report-raw"
printf '/input/0/raw\nlocalhost' >"$r/input-zero"
printf '/report/999999999999999999999?page=9999999999\nlocalhost' >"$r/huge-numbers"
printf '/search?q=+%%20192.0.2.1%%09+\nlocalhost' >"$r/search"
printf '/search?q=%%E2%%80%%AEevil%%1B%%5B2J\nlocalhost' >"$r/search-control"
printf '/refused?since=366d&until=2024-02-29\nlocalhost.:1' >"$r/refused"
printf '/metrics?since=0d&until=2024-02-30\nevil.example' >"$r/metrics-bad-period"
printf '/domain/a%%00b.example?since=%%2B5d&since=week\n127.0.0.1.evil.example' >"$r/nul-percent"
printf '/domain/%s?until=99999-01-01\n[::1' "$(rep 300 'a.')" >"$r/long-domain"
printf '/api/domains?since&until=&p=reject\n127.0.0.1:' >"$r/no-values"
printf '/domain/../../etc/passwd\nLOCALHOST:65536' >"$r/dots"
