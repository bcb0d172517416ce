#!/bin/sh
# The README's settings against the table in the binary (dmarcsift config
# --list-settings): every setting in exactly one row of the README's tables,
# the input limits in the `| limit |` table and the others in the `| key |`
# table, no row for a setting the binary lacks, each default as the binary
# has it (a README default in parentheses stands for an empty one), a range
# "(MIN–MAX)" in a row as the binary's, and "`key` (N)" or "`key` WORD (N)" in
# the prose as the default.
# usage: test_settings_readme.sh DMARCSIFT README.md
bin=$1 readme=$2
. "$(dirname "$0")/../lib.sh"

"$bin" config --list-settings >"$tmp/table" || {
	echo "FAIL: dmarcsift config --list-settings failed" >&2
	exit 1
}
[ -s "$tmp/table" ] || {
	echo "FAIL: dmarcsift config --list-settings printed nothing" >&2
	exit 1
}

# One awk program reads the binary's table, then the README.
awk -F '\t' -v readme="$readme" '
function trim(s) {
	gsub(/^[ \t]+|[ \t]+$/, "", s)
	return s
}
function problem(msg) {
	print "FAIL " msg > "/dev/stderr"
	bad++
}
# A README default as the binary writes it: no backticks; "(...)" and ""
# are the empty default.
function readme_default(s) {
	s = trim(s)
	gsub(/`/, "", s)
	if (s ~ /^\(/)
		return ""
	return s
}
FNR == NR {
	dflt[$1] = $3
	range[$1] = $4
	limit[$1] = ($2 == "count" || $2 == "size")
	order[++n] = $1
	next
}
END {
	while ((getline line < readme) > 0) {
		lineno++
		if (line ~ /^\| *key *\| *default *\|/) {
			table = "key"
			continue
		}
		if (line ~ /^\| *limit *\| *default *\|/) {
			table = "limit"
			continue
		}
		if (line !~ /^\|/) {
			table = ""
		}
		if (table != "" && line ~ /^\| *`/) {
			row(line)
			continue
		}
		prose(line)
	}
	for (i = 1; i <= n; i++) {
		k = order[i]
		want = limit[k] ? "limit" : "key"
		if (!(k in seen))
			problem("README.md: " k " (default \"" dflt[k] \
			    "\") is in no `| " want " |` table")
		else if (seen[k] != want)
			problem("README.md:" where[k] ": " k " is in the `| " \
			    seen[k] " |` table, not the `| " want " |` one")
	}
	if (bad == 0)
		printf "README settings match the binary: %d settings, %d " \
		    "defaults in the text\n", n, checked
	exit bad > 0
}
function row(line,    cells, nk, keys, nd, defs, i, k, d, lo, hi, m) {
	split(line, cells, "|")
	nk = split(cells[2], keys, " / ")
	nd = split(cells[3], defs, " / ")
	for (i = 1; i <= nk; i++) {
		k = trim(keys[i])
		gsub(/`/, "", k)
		if (!(k in dflt)) {
			problem("README.md:" lineno ": `" k "` is not a setting " \
			    "of the binary")
			continue
		}
		if (k in seen)
			problem("README.md:" lineno ": " k " again (first on " \
			    "line " where[k] ")")
		seen[k] = table
		where[k] = lineno
		d = readme_default(nd == nk ? defs[i] : cells[3])
		if (d != dflt[k])
			problem("README.md:" lineno ": " k " default \"" d \
			    "\", the binary has \"" dflt[k] "\"")
		# A range "(MIN–MAX)" (an en dash) in the row of one key.
		if (nk == 1 && match(cells[4], /\([0-9]+–[0-9]+\)/)) {
			m = substr(cells[4], RSTART + 1, RLENGTH - 2)
			sub(/–/, "..", m)
			if (m != range[k])
				problem("README.md:" lineno ": " k " range " m \
				    ", the binary has " range[k])
		}
	}
}
# "`key` (N)" and "`key` percent (N)" in the text: N is the default.
function prose(line,    rest, m, k, v) {
	rest = line
	while (match(rest, /`[a-z0-9_]+`( [a-z]+)? \([0-9A-Za-z]+\)/)) {
		m = substr(rest, RSTART, RLENGTH)
		rest = substr(rest, RSTART + RLENGTH)
		k = m
		sub(/^`/, "", k)
		sub(/`.*/, "", k)
		v = m
		sub(/.*\(/, "", v)
		sub(/\)$/, "", v)
		if (!(k in dflt) || v !~ /^[0-9]/)
			continue
		if (v != dflt[k])
			problem("README.md:" lineno ": `" k "` (" v "), the " \
			    "binary default is \"" dflt[k] "\"")
		checked++
	}
}
' "$tmp/table"
