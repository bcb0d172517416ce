#!/bin/sh
# Roles: an ingest role and a read-only role, granted exactly as the
# section "Roles" of sql/README.md says, run what they are for; an
# up-to-date database is only read, and a role that cannot migrate one
# that is behind is told who can.
# usage: test_roles.sh DMARCSIFT SQL_DIR SAMPLES_DIR
# needs: DMARCSIFT_TEST_DB (a superuser's conninfo), psql
bin=$1 sql=$2 samples=$3
. "$(dirname "$0")/../lib.sh"
need_server pg
# No config file of the machine's or the caller's.
DMARCSIFT_CONFIG=/dev/null
export DMARCSIFT_CONFIG
unset DMARCSIFT_DB

# The documented grants, with the database named $1.
grants() {
	sed -n '/^## Roles: /,/^## [^R]/p' "$sql/README.md" |
		sed -n '/^```sql$/,/^```$/p' | sed '/^```/d' |
		sed "s/ON DATABASE dmarc /ON DATABASE $1 /"
}
grants x >"$tmp/grants.sql"
grep -q 'GRANT SELECT ON ALL TABLES' "$tmp/grants.sql" ||
	{ echo "no grants found in $sql/README.md" >&2; exit 2; }

as() { echo "$DMARCSIFT_TEST_DB dbname=$1 user=$2"; }

# The documented SQL makes the roles, so it runs once, in the first
# database; the second gets the grants without the CREATE ROLEs.
newdb up
up=$db
newdb behind
behind=$db

# --- An up-to-date database: the owner migrates and ingests. ------------
run own_ingest 0 ingest -q --db "$DMARCSIFT_TEST_DB dbname=up" \
	"$samples/google.com!example.com!1763078400!1763164799.xml.gz"
latest=$(q "$up" "SELECT max(version) FROM schema_migrations")
grants up | psql "$DMARCSIFT_TEST_DB dbname=up" -v ON_ERROR_STOP=1 -qX ||
	exit 2
tables=$(q "$up" "SELECT count(*) FROM pg_class WHERE relnamespace =
	'public'::regnamespace")

# The reading role runs every reading command.
rd=$(as up dmarc_read)
run read_version 0 db version --db "$rd"
grep -q " $latest\$" "$tmp/read_version.out" ||
	fail "read_version: '$(cat "$tmp/read_version.out")', want $latest"
run read_summary 0 summary --db "$rd"
grep -q 'example.com' "$tmp/read_summary.out" ||
	fail "read_summary: no example.com in its output"
run read_sources 0 sources --db "$rd" --offline --domain example.com \
	--until 2025-11-20
# advise: 1 is "not ready", an answer.
run read_advise 1 advise --db "$rd" --offline --domain example.com \
	--until 2025-11-20
run read_report 0 report --db "$rd" --offline --domain example.com \
	--until 2025-11-20
for c in summary sources advise report; do
	! grep -q 'permission denied' "$tmp/read_$c.err" ||
		fail "read_$c: $(cat "$tmp/read_$c.err")"
done
# It may indeed only read.
psql "$rd" -qAtX -c "DELETE FROM inputs" 2>/dev/null &&
	fail "read: the reading role could delete"

# The ingest role stores and judges new reports.
ig=$(as up dmarc_ingest)
run ingest_ingest 0 ingest -q --db "$ig" "$samples"
[ "$(q "$up" "SELECT count(*) FROM reports")" -ge 3 ] ||
	fail "ingest_ingest: the ingest role stored nothing"
[ "$(q "$up" "SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1
	FROM record_verdicts v WHERE v.report = r.id)")" = 0 ] ||
	fail "ingest_ingest: records left without a verdict"
run read_after 0 summary --db "$rd"
grep -q '790 message' "$tmp/read_after.out" ||
	fail "read_after: the reading role does not see the new reports"

# Nothing was created for them.
[ "$(q "$up" "SELECT count(*) FROM pg_class WHERE relnamespace =
	'public'::regnamespace")" = "$tables" ] ||
	fail "up: the roles' runs created objects"

# With the DNS cache granted, it names sources without a warning (the
# resolver is a closed port: every answer is "trouble", stored).
q "$up" "GRANT INSERT, UPDATE ON rdns, ip_owner, as_names TO dmarc_read"
run read_dns 0 sources --db "$rd" --dns-servers 127.0.0.1:9 \
	--domain example.com --until 2025-11-20
! grep -q 'permission denied' "$tmp/read_dns.err" ||
	fail "read_dns: $(cat "$tmp/read_dns.err")"

# --- A database behind: version 2, as an older dmarcsift left it. -------
psql "$DMARCSIFT_TEST_DB dbname=behind" -v ON_ERROR_STOP=1 -qX -1 \
	-f "$sql/001_store.sql" -f "$sql/002_views.sql" || exit 2
q "$behind" "CREATE TABLE schema_migrations (version integer PRIMARY KEY,
	name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
	INSERT INTO schema_migrations (version, name) VALUES
	(1, '001_store.sql'), (2, '002_views.sql')" || exit 2
grants behind | grep -v '^CREATE ROLE' |
	psql "$DMARCSIFT_TEST_DB dbname=behind" -v ON_ERROR_STOP=1 -qX ||
	exit 2

for r in read ingest; do
	run behind_$r 2 summary --db "$(as behind dmarc_$r)"
	expect behind_$r err "the schema is at 2, this dmarcsift needs $latest: run \`dmarcsift db migrate\` as the owner"
done
[ "$(q "$behind" "SELECT max(version) FROM schema_migrations")" = 2 ] ||
	fail "behind: a role that may not migrate changed the schema"

# The owner migrates; the default privileges cover the new tables.
run behind_migrate 0 db migrate --db "$DMARCSIFT_TEST_DB dbname=behind"
run behind_ingest_after 0 ingest -q --db "$(as behind dmarc_ingest)" \
	"$samples"
run behind_read_after 0 summary --db "$(as behind dmarc_read)"
grep -q '790 message' "$tmp/behind_read_after.out" ||
	fail "behind_read_after: the reports are not there"

# --- Definitions older than the binary's (sql/defs/): the schema's version
# is current but its views and functions are another dmarcsift's.  A role
# that may not replace them is told who can, and nothing changes; the
# owner's next command replaces them all.
q "$behind" "UPDATE schema_defs SET sha256 = 'older', migration = 21" ||
	exit 2
for r in read ingest; do
	run olddefs_$r 2 summary --db "$(as behind dmarc_$r)"
	expect olddefs_$r err "the schema's definitions are older than this dmarcsift's: run \`dmarcsift db migrate\` as the owner"
done
[ "$(q "$behind" "SELECT sha256 FROM schema_defs")" = older ] ||
	fail "olddefs: a role that may not replace definitions changed them"
run olddefs_owner 0 summary --db "$DMARCSIFT_TEST_DB dbname=behind"
[ "$(q "$behind" "SELECT sha256 <> 'older' AND length(sha256) = 64
	FROM schema_defs")" = t ] || fail "olddefs: the owner did not replace them"
run olddefs_read_after 0 summary --db "$(as behind dmarc_read)"
# A database whose definitions a dmarcsift of a newer schema applied keeps
# them: an older binary does not put its own back.
q "$behind" "UPDATE schema_defs SET sha256 = 'newer', migration = 999" ||
	exit 2
run newdefs_owner 0 summary --db "$DMARCSIFT_TEST_DB dbname=behind"
[ "$(q "$behind" "SELECT sha256 FROM schema_defs")" = newer ] ||
	fail "newdefs: an older binary replaced a newer one's definitions"

finish "all checks passed"
