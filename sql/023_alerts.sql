-- 023: what `dmarcsift alert` has said, so that it says each event once.
--
-- An event has a stable key (its kind, domain and subject: a new source's
-- address, a sender, a reporter, a check's digest, an input).  alert says
-- an event whose key has no row here, or whose row was cleared; it clears
-- the rows of events it no longer finds, silently (an event that comes back
-- is said again).  alert_checks keeps, per domain, the digest of the
-- stored check (check_results, sql/019) that the last run saw: the next
-- check that differs from it is an event.  alert writes both tables: run it
-- as the role that ingests (sql/README.md, Roles).

CREATE TABLE alert_events (
	key text PRIMARY KEY,
	domain text,
	kind text NOT NULL CHECK (kind IN ('new_source', 'source_drop',
		'pass_drop', 'reporter_silent', 'rollback', 'dns', 'refused',
		'foreign')),
	first_said timestamptz NOT NULL,
	last_seen timestamptz NOT NULL,
	cleared timestamptz
);
COMMENT ON TABLE alert_events IS
	'The events dmarcsift alert said: one row per event key';
COMMENT ON COLUMN alert_events.domain IS
	'The domain the event is about; NULL for a refused input';
COMMENT ON COLUMN alert_events.first_said IS
	'When alert said it (again, after it cleared)';
COMMENT ON COLUMN alert_events.last_seen IS
	'The last run that found it';
COMMENT ON COLUMN alert_events.cleared IS
	'The first run that no longer found it; NULL while it holds';

CREATE TABLE alert_checks (
	domain text PRIMARY KEY CHECK (domain = lower(domain)),
	digest text NOT NULL,
	status text NOT NULL,
	checked_at timestamptz NOT NULL,
	seen_at timestamptz NOT NULL
);
COMMENT ON TABLE alert_checks IS
	'The stored check of each domain as dmarcsift alert last saw it';
COMMENT ON COLUMN alert_checks.digest IS
	'sha256 of its DMARC record and DMARC, SPF and DKIM findings';
