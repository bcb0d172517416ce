#!/bin/sh
# source_senders() (sql/defs/40) groups sources by name; an address no
# name covers is a sender of its own without being grouped, yet is still
# one sender with a named source whose name is spelt like it.  Counted by
# hand, domain names.test, one report of 2025-11-05, every record failing
# (no DKIM, no SPF):
#
#   192.0.2.1 5, 192.0.2.2 3, 198.51.100.7 2, 203.0.113.9 1
#   rdns: 192.0.2.1 and 192.0.2.2 confirmed in sender.example;
#         203.0.113.9 confirmed, its organizational domain spelt
#         "198.51.100.7" (a name anyone may give a reverse zone)
#
#   senders: sender.example 2 addresses 8 failed; 198.51.100.7 2
#   addresses (198.51.100.7 unnamed, 203.0.113.9 named so) 3 failed;
#   2 senders, 4 addresses.
# usage: test_senders_names.sh DMARCSIFT
# needs: DMARCSIFT_TEST_DB (tests/harness/pg run), psql.
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$here/../lib.sh"
need_server pg
need psql
no_settings
# shellcheck source=../analysis/gen.sh
. "$here/../analysis/gen.sh"
newdb senders_names
export DMARCSIFT_NOW=2025-11-20T06:00:00Z
# A write to rdns drops the kept classes, if any, with a notice.
PGOPTIONS='-c client_min_messages=warning'
export PGOPTIONS
bad="names.test|||"
mkdir "$tmp/in"
report "$tmp/in/a.xml" a.example names.test 1762300800 none \
	"192.0.2.1|5|$bad" "192.0.2.2|3|$bad" "198.51.100.7|2|$bad" \
	"203.0.113.9|1|$bad"
run ingest 0 ingest -q --db "$db" "$tmp/in"
q "INSERT INTO rdns (ip, status, name, confirmed, orgdomain, expires_at)
	VALUES ('192.0.2.1', 'ok', 'a.sender.example', true, 'sender.example',
	        'infinity'),
	       ('192.0.2.2', 'ok', 'b.sender.example', true, 'sender.example',
	        'infinity'),
	       ('203.0.113.9', 'ok', 'x.198.51.100.7', true, '198.51.100.7',
	        'infinity')" >/dev/null

want "senders" "SELECT string_agg(sender || ' ' || who || ' ' || addresses
	|| ' ' || failed || ' ' || host(a_source_ip), ', '
	ORDER BY sender, a_source_ip)
	FROM source_senders('names.test', '2025-11-01', '2025-12-01', 0.10,
	'{}', '{}', NULL, false, 10, 5) WHERE kind = 'sender'" \
	"1 sender.example 2 8 192.0.2.1, 1 sender.example 2 8 192.0.2.2, \
2 198.51.100.7 2 3 198.51.100.7, 2 198.51.100.7 2 3 203.0.113.9"
want "none more" "SELECT senders || ' ' || addresses
	FROM source_senders('names.test', '2025-11-01', '2025-12-01', 0.10,
	'{}', '{}', NULL, false, 10, 5) WHERE kind = 'more'" "2 0"
finish
