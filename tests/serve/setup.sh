# shellcheck shell=sh
# tests/serve/setup.sh: what the tests of dmarcsift serve share, sourced
# after ../lib.sh with bin, samples and sql set: a database filled by a
# real ingest of the samples and of hostile reports, the read-only role
# it is read as, and serve started and stopped in the background.
#
#   serve_db NAME      a fresh database NAME ($db), the samples and the
#                      hostile reports ingested, the read-only role
#                      granted: its conninfo in $rd
#   start NAME ARGS    serve ARGS in the background ($pid, $url: http://
#                      or https://)
#   stop NAME          SIGTERM, and serve exits 0 saying so
#   hostile FILE ...   one hostile report (below)

# --- Hostile reports. --------------------------------------------------------
# Reporters named with a script element, with a quote that closes an
# attribute and opens an SVG element, and with a javascript: URL; a DKIM
# and an SPF domain that do the same, and a policy domain that is a
# javascript: URL.  XML-escaped here, so that the parser hands dmarcsift
# the raw payloads.  An XML comment carries markup too, for the page that
# shows a report's XML.
# hostile FILE ID ORG DOMAIN DKIM_DOMAIN SPF_DOMAIN: a one-record report
# of 2025-11-17 (strings XML-escaped already).
hostile() {
	cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<feedback>
<report_metadata><org_name>$3</org_name><email>noreply@evil.example</email><report_id>$2</report_id><date_range><begin>1763337600</begin><end>1763423999</end></date_range></report_metadata>
<!-- <script>alert(7)</script><svg onload=alert(8)> -->
<policy_published><domain>$4</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct></policy_published>
<record><row><source_ip>192.0.2.1</source_ip><count>5</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>$4</header_from></identifiers><auth_results><dkim><domain>$5</domain><selector>s1</selector><result>pass</result></dkim><spf><domain>$6</domain><scope>mfrom</scope><result>pass</result></spf></auth_results></record>
</feedback>
EOF
}
# serve_db NAME: see above.
serve_db() {
	newdb "$1"
	mkdir -p "$tmp/in"
	hostile "$tmp/in/h1.xml" hostile-1 \
		'&lt;script&gt;alert(1)&lt;/script&gt;' hostile.test \
		'"&gt;&lt;svg onload=alert(2)&gt;' 'javascript:alert(3)'
	hostile "$tmp/in/h2.xml" hostile-2 '"&gt;&lt;svg onload=alert(4)&gt;' \
		hostile.test 'x.test' 'y.test'
	hostile "$tmp/in/h3.xml" hostile-3 'javascript:alert(6)' \
		'javascript:alert(5)' 'x.test' 'y.test'
	# A file name that would break out of a Content-Disposition header.
	hostile "$tmp/in/q\"; filename=evil.html" hostile-4 'Quote Org' \
		quote.test x.test y.test
	run ingest 0 ingest -q --db "$db" "$samples" "$tmp/in"
	# The read-only role, granted as sql/README.md says.
	sed -n '/^## Roles: /,/^## [^R]/p' "$sql/README.md" |
		sed -n '/^```sql$/,/^```$/p' | sed '/^```/d' |
		sed "s/ON DATABASE dmarc /ON DATABASE $1 /" >"$tmp/grants.sql"
	grep -q 'GRANT SELECT ON ALL TABLES' "$tmp/grants.sql" ||
		{ echo "no grants found in $sql/README.md" >&2; exit 2; }
	psql "$db" -v ON_ERROR_STOP=1 -qX -f "$tmp/grants.sql" || exit 2
	rd="$DMARCSIFT_TEST_DB dbname=$1 user=dmarc_read"
}

# start NAME ARGS...: serve ARGS in the background, its stderr in
# $tmp/NAME.log; waits until it listens: $pid, $url.  Pages are computed
# when asked, so that a test knows which answer is kept, unless $warm
# says every how many seconds (--warm).
start() {
	s_name=$1
	shift
	"$bin" serve --listen 127.0.0.1:0 --warm "${warm:-0}" "$@" \
		2>"$tmp/$s_name.log" &
	pid=$!
	s_i=0
	while [ $s_i -lt 300 ]; do
		url=$(sed -n 's|^dmarcsift: serving \(https*://[^ ]*\)/.*|\1|p' \
			"$tmp/$s_name.log")
		[ -n "$url" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		s_i=$((s_i + 1))
	done
	fail "$s_name: serve did not start"
	cat "$tmp/$s_name.log" >&2
	exit 1
}

# stop NAME: SIGTERM, and serve exits 0 saying so.
stop() {
	kill -TERM "$pid"
	wait "$pid"
	s_rc=$?
	pid=
	eq "$1: exit status after SIGTERM" "$s_rc" 0
	grep -q 'SIGTERM: stopping' "$tmp/$1.log" ||
		fail "$1: no 'stopping' line"
	if grep -Eq 'Sanitizer|runtime error' "$tmp/$1.log"; then
		fail "$1: sanitizer report"
		cat "$tmp/$1.log" >&2
	fi
}
pid=
kill_at_exit pid

