#!/bin/sh
# The input limits as settings, against a real PostgreSQL (tests/harness/pg):
# input_bytes in the config file refuses a large input at ingest; --limit and
# the limit's own flag win over the file; `config --check` names FILE:LINE of
# a bad limit; reparse reads the file's limits too.
# usage: test_limits_config.sh DMARCSIFT SAMPLES_DIR
# needs: DMARCSIFT_TEST_DB (a conninfo), psql
bin=$1 samples=$2
. "$(dirname "$0")/../lib.sh"
need_server pg

# Nothing from the machine running the test.
mkdir -p "$tmp/sys" "$tmp/xdg"
export DMARCSIFT_SYSCONFDIR="$tmp/sys" XDG_CONFIG_HOME="$tmp/xdg"
unset DMARCSIFT_CONFIG DMARCSIFT_DB

xml="$samples/mail.example.net!example.com!1763251200!1763337599.xml"
printf '# tight\ninput_bytes = 1k\n' >"$tmp/tight.conf"

# 1. The file's limit is the one in force: the input is refused, named.
newdb
"$bin" ingest -q --config "$tmp/tight.conf" --db "$db" "$xml" 2>"$tmp/err"
[ $? -eq 1 ] || fail "file: want exit 1"
q "$db" "SELECT reason FROM failed_inputs" | grep -q "limit input_bytes" ||
	fail "file: the reason does not name input_bytes"

# 2. --limit and --input-bytes win over the file.
newdb
"$bin" ingest -q --config "$tmp/tight.conf" --db "$db" \
	--limit input_bytes=128M "$xml" || fail "--limit: want exit 0"
[ "$(q "$db" "SELECT count(*) FROM reports")" = 1 ] ||
	fail "--limit: the report is not stored"
newdb
"$bin" ingest -q --config "$tmp/tight.conf" --db "$db" --input-bytes 1M \
	"$xml" || fail "--input-bytes: want exit 0"

# 3. reparse under the file's limit: the report (2 records) is refused.
printf 'records = 1\n' >"$tmp/records.conf"
"$bin" reparse -q --config "$tmp/records.conf" --db "$db" --all \
	>/dev/null 2>&1
[ "$(q "$db" "SELECT count(*) FROM failed_inputs")" = 1 ] ||
	fail "reparse: records = 1 in the file does not refuse the report"

# 4. A bad limit in the file: FILE:LINE, at load and in config --check.
printf 'imap_batch = 5\nrecords = 12x\nxml_depth = 1\n' >"$tmp/bad.conf"
"$bin" ingest -q --config "$tmp/bad.conf" --db "$db" "$xml" 2>"$tmp/err"
[ $? -eq 2 ] || fail "bad: want exit 2"
grep -q "$tmp/bad.conf:2: records: want a whole number from 1 to 1000000000" \
	"$tmp/err" || fail "bad: $(cat "$tmp/err")"
"$bin" config --check --config "$tmp/bad.conf" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "check: want exit 2"
grep -q "$tmp/bad.conf:2: records:" "$tmp/err" ||
	fail "check: line 2 not named: $(cat "$tmp/err")"
grep -q "$tmp/bad.conf:3: xml_depth: want a whole number from 4 to 200" \
	"$tmp/err" || fail "check: line 3 not named: $(cat "$tmp/err")"

# 5. dmarcsift config shows a limit and where it comes from.
"$bin" config --config "$tmp/tight.conf" >"$tmp/out" || fail "config: exit"
grep -Eq "^input_bytes = 1k +# $tmp/tight.conf:2$" "$tmp/out" ||
	fail "config: $(grep input_bytes "$tmp/out")"
grep -Eq '^string_bytes = 16k +# default$' "$tmp/out" ||
	fail "config: string_bytes not at its default"

finish "all checks passed"
