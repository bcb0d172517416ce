#!/bin/sh
# Memory of one big report (issue 17, item 13): ingest judges records as
# it reads them and writes them in batches, so its peak memory does not
# grow with the report's size; a change that held the whole report again
# (1M records once cost 572 MB) must fail here, not pass unnoticed.  One
# generated report of 200,000 records is ingested, then parsed again from
# its archived bytes (reparse --all), each under /usr/bin/time; the peak
# RSS of each must stay under BOUND_KB.  A bound on memory, not on time:
# load on the machine does not move it.
# usage: test_big_memory.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql, /usr/bin/time
# (Debian package time).
bin=$1
. "$(dirname "$0")/../lib.sh"
need_server pg
[ -x /usr/bin/time ] || skip "no /usr/bin/time (Debian package time)"
no_settings
newdb bigmem

records=200000
# Measured: ingest 32 MB, reparse 33 MB (RelWithDebInfo); the records
# held all at once, as before, cost some 115 MB at this size (572 MB for
# 1M).  Under AddressSanitizer, whose quarantine keeps freed memory, the
# commands run and are checked, but their peak is not bounded.
bound_kb=96000
sanitized=0
if grep -qa __asan_init "$bin"; then
	sanitized=1
fi

# One report, its records cycling through 250 addresses and a few
# results, written by awk rather than committed, and gzipped: 84 MB of
# XML held as received would hide what the records cost.
awk -v n=$records 'BEGIN {
	print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	print "<feedback><report_metadata><org_name>big.test</org_name>"
	print "<email>dmarc@big.test</email><report_id>big-200k</report_id>"
	print "<date_range><begin>1763078400</begin><end>1763164799</end>"
	print "</date_range></report_metadata><policy_published>"
	print "<domain>example.org</domain><p>none</p></policy_published>"
	for (i = 0; i < n; i++) {
		printf "<record><row><source_ip>198.51.%d.%d</source_ip>", \
		    i % 250, (i / 250) % 250 + 1
		printf "<count>%d</count><policy_evaluated>", i % 7 + 1
		printf "<disposition>none</disposition><dkim>%s</dkim>", \
		    i % 3 ? "pass" : "fail"
		printf "<spf>%s</spf></policy_evaluated></row>", \
		    i % 5 ? "pass" : "fail"
		printf "<identifiers><header_from>example.org</header_from>"
		printf "</identifiers><auth_results><dkim><domain>example.org"
		printf "</domain><selector>s%d</selector><result>%s</result>", \
		    i % 4, i % 3 ? "pass" : "fail"
		printf "</dkim><spf><domain>example.org</domain><result>%s", \
		    i % 5 ? "pass" : "fail"
		print "</result></spf></auth_results></record>"
	}
	print "</feedback>"
}' | gzip -n >"$tmp/big.xml.gz" || exit 2

# peak NAME: the peak RSS in kB that /usr/bin/time wrote for run NAME.
peak() {
	tail -n 1 "$tmp/$1.rss"
}

run_cmd ingest 0 /usr/bin/time -f %M -o "$tmp/ingest.rss" \
	"$bin" ingest --db "$db" -q "$tmp/big.xml.gz"
eq "records stored" "$(q "SELECT count(*) FROM records")" "$records"
eq "one verdict per record" "$(q "SELECT count(*) FROM record_verdicts")" \
	"$records"
kb=$(peak ingest)
echo "ingest of $records records: peak RSS $kb kB (bound $bound_kb kB)"
[ "$sanitized" = 1 ] || [ "$kb" -lt "$bound_kb" ] ||
	fail "ingest: peak RSS $kb kB, bound $bound_kb kB"

run_cmd reparse 0 /usr/bin/time -f %M -o "$tmp/reparse.rss" \
	"$bin" reparse --db "$db" -q --all
eq "records after reparse" "$(q "SELECT count(*) FROM records")" "$records"
kb=$(peak reparse)
echo "reparse of $records records: peak RSS $kb kB (bound $bound_kb kB)"
[ "$sanitized" = 1 ] || [ "$kb" -lt "$bound_kb" ] ||
	fail "reparse: peak RSS $kb kB, bound $bound_kb kB"

finish "big memory: all passed"
