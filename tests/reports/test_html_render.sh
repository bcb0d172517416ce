#!/bin/sh
# test_html_render.sh WRITE_FIXTURE_HTML [SCREENSHOT]
#
# The HTML digest as a mail client and a browser meet it.  Each fixture's
# document (written by write_fixture_html) must be well-formed XML and
# parse as HTML; the realistic one must reference nothing outside itself;
# and headless Chromium must render it with its SVG charts, draw them in
# their colours, and log no console error.  With SCREENSHOT, the realistic
# fixture is also shot 700 pixels wide into that file (the README's
# picture: docs/report-screenshot.png).
#
# Needs xmllint (libxml2-utils), chromium and python3: a missing one is a
# failure, never a skip.
set -eu

writer=$1
readme_shot=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

command -v xmllint >/dev/null 2>&1 ||
	fail "xmllint is not installed: run scripts/deps.sh test (as root)"
command -v python3 >/dev/null 2>&1 ||
	fail "python3 is not installed: run scripts/deps.sh test (as root)"
[ -x "$chromium" ] ||
	fail "chromium is not installed ($chromium): run scripts/deps.sh test" \
		"(as root)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmarcsift-html.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- Every fixture: well-formed XML, and HTML with nothing but SVG's tags
# unknown to libxml2's (HTML 4) parser.
for f in normal first empty nodata hostile huge; do
	"$writer" "$f" >"$tmp/$f.html" || fail "write_fixture_html $f failed"
	xmllint --noout "$tmp/$f.html" 2>"$tmp/xml.err" ||
		{ cat "$tmp/xml.err" >&2; fail "$f: not well-formed XML"; }
	xmllint --html --noout "$tmp/$f.html" 2>"$tmp/html.err" ||
		{ cat "$tmp/html.err" >&2; fail "$f: xmllint --html failed"; }
	if grep -E 'parser (error|warning)' "$tmp/html.err" |
		grep -vE 'Tag (svg|g|rect|line|path|circle|text) invalid' \
			>"$tmp/html.bad"; then
		cat "$tmp/html.bad" >&2
		fail "$f: HTML parser complaints beyond SVG tags"
	fi
	if grep -qi '<script' "$tmp/$f.html"; then
		fail "$f: a <script> tag"
	fi
done

# --- The realistic fixture references nothing: the SVG namespace is a name,
# never fetched, and is the only URL-like string allowed.
html=$tmp/normal.html
sed 's#xmlns="http://www.w3.org/2000/svg"##g' "$html" >"$tmp/stripped.html"
if grep -n 'http' "$tmp/stripped.html" >&2; then
	fail "a URL in the document"
fi
if grep -n 'src=' "$html" >&2; then
	fail "a src= attribute"
fi
if grep -niE '<(img|link|iframe|object|embed|base)[ />]|url\(' "$html" >&2
then
	fail "an external resource"
fi

# --- Chromium: render it.  A private profile, no network at all (every
# host name fails to resolve), and a time limit.
browse() {
	rm -rf "$tmp/profile"
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-extensions --disable-sync \
		--disable-background-networking --disable-component-update \
		--host-resolver-rules="MAP * ~NOTFOUND" \
		--user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
		--hide-scrollbars --force-device-scale-factor=1 "$@"
}

browse --dump-dom "file://$html" >"$tmp/dom.html" 2>"$tmp/dom.err" ||
	{ tail -20 "$tmp/dom.err" >&2; fail "chromium --dump-dom failed"; }
browse --screenshot="$tmp/shot.png" --window-size=800,2400 "file://$html" \
	>/dev/null 2>"$tmp/shot.err" ||
	{ tail -20 "$tmp/shot.err" >&2; fail "chromium --screenshot failed"; }

# Console messages (script errors, resources that failed to load).
if grep -hE ':CONSOLE|Uncaught|net::ERR_' "$tmp/dom.err" "$tmp/shot.err" \
	>&2; then
	fail "chromium logged console errors"
fi

count() {
	grep -o "$1" "$tmp/dom.html" | wc -l
}
svgs=$(count '<svg ')
rects=$(count '<rect ')
paths=$(count '<path ')
circles=$(count '<circle ')
echo "DOM: $svgs svg, $rects rect, $paths path, $circles circle"
[ "$svgs" -ge 2 ] || fail "fewer than 2 <svg> charts in the DOM ($svgs)"
# The realistic week: 7 days of pass and fail bars, 6 failing sources,
# legend swatches; one pass-rate line with a point per day, and the SMTP
# TLS sparkline's last point.
[ "$rects" -ge 20 ] || fail "too few <rect> in the charts ($rects)"
[ "$paths" -ge 1 ] || fail "no <path> (pass-rate line) in the DOM"
[ "$circles" -eq 8 ] || fail "expected 7 points on the line and 1 on the sparkline, got $circles"
grep -q 'DMARC summary' "$tmp/dom.html" || fail "no title in the DOM"
grep -q 'example.com' "$tmp/dom.html" || fail "no domain in the DOM"

[ -f "$tmp/shot.png" ] || fail "no screenshot written"
size=$(wc -c <"$tmp/shot.png")
echo "screenshot: $size bytes"
[ "$size" -gt 20000 ] || fail "screenshot too small ($size bytes)"

# The charts were drawn: pixels of the pass, fail and line colours (the
# legend swatches alone are about 100 pixels each).
python3 "$here/png_colors.py" "$tmp/shot.png" 16a34a dc2626 2563eb \
	>"$tmp/colors" || fail "cannot read the screenshot"
cat "$tmp/colors"
grep -q '^size 800x2400$' "$tmp/colors" || fail "screenshot size"
while read -r color n; do
	[ "$color" = size ] && continue
	[ "$n" -ge 500 ] || fail "colour #$color: only $n pixels; a chart" \
		"was not drawn"
done <"$tmp/colors"

if [ -n "$readme_shot" ]; then
	browse --screenshot="$readme_shot" --window-size=700,2000 \
		"file://$html" >/dev/null 2>&1 ||
		fail "chromium: cannot write $readme_shot"
	echo "wrote $readme_shot: $(wc -c <"$readme_shot") bytes"
fi
echo "ok"
