#!/bin/sh
# Migrations against data: a database at schema version 2 (made from the
# migration files themselves, with rows in the tables 003 folds away) is
# migrated by the binary; the views give back the rows the tables held.
# usage: test_migrate.sh DMARCSIFT SQL_DIR
# needs: DMARCSIFT_TEST_DB (a conninfo), psql
bin=$1 sql=$2
. "$(dirname "$0")/../lib.sh"
need_server pg
newdb mig

# Version 2, as an older dmarcsift left it.
psql "$db" -v ON_ERROR_STOP=1 -q -1 -f "$sql/001_store.sql" -f "$sql/002_views.sql" ||
	exit 2
q "CREATE TABLE schema_migrations (version integer PRIMARY KEY,
	name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
	INSERT INTO schema_migrations (version, name) VALUES
	(1, '001_store.sql'), (2, '002_views.sql')" || exit 2
psql "$db" -v ON_ERROR_STOP=1 -q <<'EOF' || exit 2
BEGIN;
INSERT INTO inputs (id, sha256, size, raw_gz, raw_complete, source,
	source_name, outcome, report_count)
VALUES (1, decode(repeat('ab', 32), 'hex'), 10, '\x00', true, 'file', 'a',
	'reports', 1);
INSERT INTO reports (id, input, place, org_name, report_id, domain,
	date_begin, date_end, record_count, records_dropped, messages,
	content_sha256)
VALUES (7, 1, '', 'Org', 'r1', 'example.com', now(), now(), 3, 0, 6,
	decode(repeat('cd', 32), 'hex'));
INSERT INTO records (report, idx, source_ip, count) VALUES
	(7, 1, '192.0.2.1', 1), (7, 2, '2001:db8::1', 2), (7, 3, '192.0.2.3', 3);
INSERT INTO dkim_results VALUES
	(7, 1, 1, 'example.com', 's1', 'pass', NULL),
	(7, 1, 2, 'esp.example', NULL, 'fail', 'a "b" \c {d},e'),
	(7, 3, 1, NULL, NULL, 'none', 'NULL');
INSERT INTO spf_results VALUES
	(7, 1, 1, 'example.com', 'mfrom', 'pass', NULL),
	(7, 2, 1, 'bounce.example', 'helo', 'softfail', E'tab\there');
INSERT INTO record_reasons VALUES
	(7, 2, 1, 'forwarded', NULL), (7, 2, 2, 'other', 'x,y');
COMMIT;
EOF
snap() {
	q "SELECT md5(string_agg(t, ';' ORDER BY t)) FROM (
		SELECT 'd' || row(report, idx, n, domain, selector, result,
			human_result)::text AS t FROM dkim_results
		UNION ALL SELECT 's' || row(report, idx, n, domain, scope, result,
			human_result)::text FROM spf_results
		UNION ALL SELECT 'r' || row(report, idx, n, type, comment)::text
			FROM record_reasons) x"
}
before=$(snap)

"$bin" db migrate --db "$db" || fail "migrate: exit $?"
[ "$(q "SELECT max(version) FROM schema_migrations")" -ge 3 ] ||
	fail "migrate: not at version 3"
[ "$(snap)" = "$before" ] || fail "migrate: the views differ from the tables"
[ "$(q "SELECT array_length(s.dkim_auth, 1) FROM records r
	JOIN auth_shapes s ON s.id = r.auth WHERE r.idx = 1")" = 2 ] ||
	fail "migrate: record 1 wants two DKIM results in its shape"
# Each shape named as the store names it (029).
[ "$(q "SELECT count(*) FROM auth_shapes
	WHERE id IS DISTINCT FROM auth_shape_id(dkim_auth, spf_auth)")" = 0 ] ||
	fail "migrate: a shape not named by its content"
# Stored before the partitions by month (016): in the _legacy ones.
[ "$(q "SELECT DISTINCT tableoid::regclass FROM records")" = records_legacy ] ||
	fail "migrate: the old records are not in records_legacy"
# The records still go with their report.
q "DELETE FROM inputs" || fail "migrate: delete"
[ "$(q "SELECT count(*) FROM records")" = 0 ] ||
	fail "migrate: records outlived their report"

finish "all checks passed"
