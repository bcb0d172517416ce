#!/bin/bash
# Writes the generated seed inputs of fuzz/corpus/<target>/.  Regression
# inputs (crash-*, timeout-*, slow-*) live there too and are never touched.
# The output is deterministic (gzip -n, fixed zip dates), so rerunning it
# changes nothing unless this script changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
c=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$c/fuzz_unpack" "$c/fuzz_mime" "$c/fuzz_parse"

# Smallest report the parser accepts: what identifies it, one record.
cat >"$tmp/min.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<feedback>
 <report_metadata>
  <org_name>example.net</org_name>
  <email>dmarc@example.net</email>
  <report_id>1</report_id>
  <date_range><begin>1700000000</begin><end>1700086399</end></date_range>
 </report_metadata>
 <policy_published><domain>example.com</domain><p>none</p></policy_published>
 <record>
  <row>
   <source_ip>192.0.2.1</source_ip><count>2</count>
   <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated>
  </row>
  <identifiers><header_from>example.com</header_from></identifiers>
  <auth_results>
   <dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim>
   <spf><domain>example.com</domain><result>fail</result></spf>
  </auth_results>
 </record>
</feedback>
EOF

# Every element RFC 9990 knows, several results and reasons, IPv6, an
# extension element, an entity, CDATA and a comment.
cat >"$tmp/full.xml" <<'EOF'
<?xml version="1.0"?>
<!-- generated for the fuzz seeds -->
<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
 <version>1.0</version>
 <report_metadata>
  <org_name>Example &amp; Co</org_name>
  <email>noreply-dmarc@example.org</email>
  <extra_contact_info>https://example.org/dmarc</extra_contact_info>
  <report_id><![CDATA[abc-123]]></report_id>
  <date_range><begin>1700000000</begin><end>1700086399</end></date_range>
  <error>DNS timeout for _dmarc.example.com</error>
  <generator>seed 1.0</generator>
 </report_metadata>
 <policy_published>
  <domain>example.com</domain><discovery_method>treewalk</discovery_method>
  <adkim>s</adkim><aspf>r</aspf><p>Quarantine</p><sp>reject</sp><np>reject</np>
  <testing>n</testing><fo>1:d</fo><pct>50</pct>
 </policy_published>
 <extension><x:thing xmlns:x="urn:x">ignored</x:thing></extension>
 <record>
  <row>
   <source_ip>2001:DB8:0:0::1</source_ip><count>7</count>
   <policy_evaluated>
    <disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf>
    <reason><type>forwarded</type><comment>list</comment></reason>
    <reason><type>local_policy</type></reason>
   </policy_evaluated>
  </row>
  <identifiers>
   <envelope_to>example.org</envelope_to>
   <envelope_from>bounce.example.com</envelope_from>
   <header_from>example.com</header_from>
  </identifiers>
  <auth_results>
   <dkim><domain>example.com</domain><selector>a</selector><result>fail</result><human_result>body hash</human_result></dkim>
   <dkim><domain>esp.example</domain><selector>b</selector><result>PASS</result></dkim>
   <spf><domain>bounce.example.com</domain><scope>mfrom</scope><result>softfail</result></spf>
  </auth_results>
 </record>
 <record>
  <row><source_ip>::ffff:198.51.100.9</source_ip><count>1</count>
   <policy_evaluated><disposition>pass</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
  <identifiers><header_from>sub.example.com</header_from></identifiers>
  <auth_results><spf><domain>sub.example.com</domain><result>pass</result></spf></auth_results>
 </record>
</feedback>
EOF

# The 0.1 namespace, no declaration, odd case, a record to drop.
cat >"$tmp/ns01.xml" <<'EOF'
<feedback xmlns="http://dmarc.org/dmarc-xml/0.1"><report_metadata><org_name>Old</org_name><email>a@b</email><report_id>x</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata><policy_published><domain>b</domain><p>REJECT</p></policy_published><record><row><source_ip>not-an-ip</source_ip><count>1</count></row></record><record><row><source_ip>10.0.0.1</source_ip><count>18446744073709551615</count><policy_evaluated><disposition>Reject</disposition><dkim>None</dkim><spf>TempError</spf></policy_evaluated></row><identifiers><header_from>b</header_from></identifiers><auth_results/></record></feedback>
EOF

# Latin-1 declared, and invalid UTF-8 in an undeclared one.
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<feedback><report_metadata><org_name>Caf\xe9</org_name><email>x@y</email><report_id>l1</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata><policy_published><domain>y</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.2</source_ip><count>1</count></row><identifiers><header_from>y</header_from></identifiers></record></feedback>\n' >"$tmp/latin1.xml"
printf '<feedback><report_metadata><org_name>bad \xff\xfe utf8 \xc3</org_name><email>x@y</email><report_id>u</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata><policy_published><domain>y</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.3</source_ip><count>3</count></row><identifiers><header_from>y</header_from></identifiers></record></feedback>' >"$tmp/badutf8.xml"

# Well-formed XML that is no report.
printf '<?xml version="1.0"?><html><body>hello</body></html>\n' >"$tmp/html.xml"

# An SMTP TLS report (RFC 8460), to be skipped.
printf '{"organization-name":"Example","date-range":{},"policies":[]}\n' \
    >"$tmp/tls.json"

gzip -9n <"$tmp/min.xml" >"$tmp/min.xml.gz"
gzip -9n <"$tmp/min.xml.gz" >"$tmp/min.xml.gz.gz"
touch -d '2024-01-01 00:00:00 UTC' "$tmp"/*.xml
(cd "$tmp" && zip -qX9 min.zip min.xml && zip -qX9 two.zip full.xml html.xml)

b64() {
	base64 -w 76 "$1"
}

# uuencode(1) is in sharutils, which is rarely installed.
uu() {
	python3 -c 'import binascii, sys
d = open(sys.argv[1], "rb").read()
print("begin 644 " + sys.argv[1].rsplit("/", 1)[-1])
for i in range(0, len(d), 45):
    sys.stdout.write(binascii.b2a_uu(d[i:i + 45]).decode())
print("`")
print("end")' "$1"
}

# A report mail as large receivers send it: a text part and a base64
# gzip attachment.
{
	printf 'From: noreply-dmarc@example.net\r\nTo: dmarc@example.com\r\n'
	printf 'Subject: Report domain: example.com Submitter: example.net\r\n'
	printf 'MIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
	printf -- '--b1\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n'
	printf -- '--b1\r\nContent-Type: application/gzip; name="r.xml.gz"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n'
	printf 'Content-Disposition: attachment; filename="r.xml.gz"\r\n\r\n'
	b64 "$tmp/min.xml.gz" | sed 's/$/\r/'
	printf -- '--b1--\r\n'
} >"$tmp/gzip.eml"

# An mbox of two: a zip attachment, then the XML inline and
# quoted-printable.
{
	printf 'From a@example.net Mon Jan  1 00:00:00 2024\n'
	printf 'From: a@example.net\nSubject: r1\nMIME-Version: 1.0\n'
	printf 'Content-Type: application/zip; name="r.zip"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	b64 "$tmp/min.zip"
	printf '\nFrom b@example.net Mon Jan  1 00:00:01 2024\n'
	printf 'From: b@example.net\nSubject: r2\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/xml\nContent-Transfer-Encoding: '
	printf 'quoted-printable\n\n'
	sed -e 's/=/=3D/g' -e 's/$/=/' "$tmp/ns01.xml"
	printf '\n'
} >"$tmp/two.mbox"

# A report forwarded as message/rfc822, the XML uuencoded inside.
{
	printf 'From: fwd@example.com\nSubject: Fwd: report\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary=outer\n\n'
	printf -- '--outer\nContent-Type: text/plain; charset=utf-8\n\nFYI\n'
	printf -- '--outer\nContent-Type: message/rfc822\n\n'
	printf 'From: x@example.net\nSubject: report\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/xml; name=r.xml\n'
	printf 'Content-Transfer-Encoding: x-uuencode\n\n'
	uu "$tmp/min.xml"
	printf -- '--outer--\n'
} >"$tmp/fwd.eml"

# A failure report (ARF), to be skipped.
{
	printf 'From: ruf@example.net\nSubject: DMARC failure\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type=feedback-report;'
	printf ' boundary=r\n\n'
	printf -- '--r\nContent-Type: text/plain\n\nA message failed.\n'
	printf -- '--r\nContent-Type: message/feedback-report\n\n'
	printf 'Feedback-Type: auth-failure\nAuth-Failure: dmarc\n'
	printf 'Source-IP: 192.0.2.1\n\n'
	printf -- '--r\nContent-Type: text/rfc822-headers\n\n'
	printf 'From: a@example.com\nSubject: hi\n\n'
	printf -- '--r--\n'
} >"$tmp/arf.eml"

# A TLS report mail, with its header fields.
{
	printf 'From: tls@example.net\nTLS-Report-Domain: example.com\n'
	printf 'TLS-Report-Submitter: example.net\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type=tlsrpt; boundary=t\n\n'
	printf -- '--t\nContent-Type: application/tlsrpt+json\n\n'
	cat "$tmp/tls.json"
	printf -- '--t--\n'
} >"$tmp/tls.eml"

cp "$tmp/min.xml" "$tmp/full.xml" "$tmp/ns01.xml" "$tmp/latin1.xml" \
    "$tmp/badutf8.xml" "$tmp/html.xml" "$c/fuzz_parse/"
cp "$tmp/min.xml" "$tmp/min.xml.gz" "$tmp/min.xml.gz.gz" "$tmp/min.zip" \
    "$tmp/two.zip" "$tmp/tls.json" "$tmp/gzip.eml" "$tmp/two.mbox" \
    "$tmp/fwd.eml" "$tmp/arf.eml" "$c/fuzz_unpack/"
cp "$tmp/gzip.eml" "$tmp/two.mbox" "$tmp/fwd.eml" "$tmp/arf.eml" \
    "$tmp/tls.eml" "$c/fuzz_mime/"
