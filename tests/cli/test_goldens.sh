#!/bin/sh
# Every golden file under tests/data holds something: an empty golden
# compares equal to an empty output and so tests nothing.
# usage: test_goldens.sh DATA_DIR
set -u
empty=$(find "$1" -type f -empty)
if [ -n "$empty" ]; then
	echo "empty golden files (write them with DS_UPDATE_GOLDEN=1 and read them):" >&2
	echo "$empty" >&2
	exit 1
fi
n=$(find "$1" -type f | wc -l)
[ "$n" -gt 0 ] || { echo "no golden files under $1" >&2; exit 1; }
echo "goldens: $n files, none empty"
