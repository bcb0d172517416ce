-- 019: the last `dmarcsift check` of each domain, kept for serve.
--
-- The dashboard shows a domain's DNS health but never asks the DNS: a
-- page must not wait on a name server.  `check DOMAIN` stores what it
-- found here, the object `check --json` prints, and serve shows the row.
-- One row per domain: a check replaces the one before.  The reading role
-- reads it by the default privileges (sql/README.md, Roles); a role that
-- may not write it is told so by check, which still prints its result.

CREATE TABLE check_results (
	domain text PRIMARY KEY CHECK (domain = lower(domain)),
	result jsonb NOT NULL CHECK (jsonb_typeof(result) = 'object'),
	status text NOT NULL
		CHECK (status IN ('pass', 'warn', 'fail', 'dnserror')),
	checked_at timestamptz NOT NULL DEFAULT now(),
	checked_by text NOT NULL DEFAULT session_user,
	version text NOT NULL
);
COMMENT ON TABLE check_results IS
	'The last dmarcsift check of each domain: what check --json printed';
COMMENT ON COLUMN check_results.result IS
	'The object of dmarcsift check DOMAIN --json, as it printed it';
COMMENT ON COLUMN check_results.status IS
	'result''s status: the worst of its items';
COMMENT ON COLUMN check_results.checked_by IS
	'The role of the run that checked';
COMMENT ON COLUMN check_results.version IS
	'The dmarcsift that checked (dmarcsift --version)';
