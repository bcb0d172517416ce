#!/bin/sh
# dmarcsift serve in a real browser (issue 14): test_browser.py drives
# headless Chromium through chromedriver against serve, as the read-only
# role, over a database filled by a real ingest of the samples and the
# hostile reports (setup.sh, as test_serve.sh).  Screenshots of every page
# at desktop and phone widths are left in OUT_DIR as artefacts.
# usage: test_browser.sh DMARCSIFT SAMPLES_DIR SQL_DIR OUT_DIR
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql, openssl,
# chromium, chromium-driver and python3-selenium (scripts/deps.sh test).
# Without the browser it skips, except in CI (CI set), where it fails.
bin=$1 samples=$2 sql=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
# shellcheck source=setup.sh
. "$here/setup.sh"
need_server pg
need psql openssl
# Debian's python3, where python3-selenium is, whatever else is on PATH.
py=${PYTHON:-/usr/bin/python3}
missing=
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ] ||
	missing="$missing chromium-driver"
"$py" -c 'import selenium' 2>/dev/null || missing="$missing python3-selenium"
if [ -n "$missing" ]; then
	[ -z "${CI:-}" ] ||
		{ echo "FAIL in CI, missing:$missing" >&2; exit 1; }
	skip "missing:$missing (scripts/deps.sh test installs them)"
fi
no_settings
export DMARCSIFT_NOW=2025-11-20T06:00:00Z
serve_db browser

# What the CLI says, for the numbers on the domain page (serve is offline).
run cli_sources 0 sources --db "$db" --offline --json --domain example.com
run cli_report 0 report --db "$db" --offline --format json \
	--domain example.com --period 30d
run cli_whatif 1 advise --db "$db" --offline --json --domain example.com \
	--what-if 'p=reject; sp=none; pct=50'
openssl passwd -6 -salt abcdefgh 'correct horse' |
	sed 's/^/alice:/' >"$tmp/users"

start main --db "$rd"
main_pid=$pid main_url=$url
start login --db "$rd" --users "$tmp/users"
login_pid=$pid login_url=$url
kill_at_exit main_pid login_pid

mkdir -p "$out" || exit 2
rm -f "$out"/*.png
t0=$(date +%s)
"$py" "$here/test_browser.py" --url "$main_url" --login-url "$login_url" \
	--user alice --password 'correct horse' \
	--sources "$tmp/cli_sources.out" --report "$tmp/cli_report.out" \
	--whatif "$tmp/cli_whatif.out" \
	--samples "$samples" --out "$out" || fail "test_browser.py"
echo "browser test: $(($(date +%s) - t0)) s; screenshots in $out"

pid=$login_pid
stop login
login_pid=
pid=$main_pid
stop main
main_pid=
# Every request was answered, none with a server error.
if grep -E ' 5[0-9][0-9] [0-9-]+ [0-9]+ms' "$tmp/main.log" >&2; then
	fail "serve answered with a server error"
fi
finish "all browser checks passed"
