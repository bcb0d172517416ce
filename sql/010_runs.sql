-- 010: an ingest run that dies says so.  Each run records the server
-- process that serves its connection (pid and start time: a pid alone is
-- reused); each input names the run that stored it.  A later run that
-- finds an unfinished row whose process is gone (killed, crashed, the
-- server restarted) closes it with close_dead_runs(): status
-- 'interrupted', and the counts of what it stored, from its inputs.

CREATE FUNCTION ingest_backend_start() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()
$$;

-- Rows from before stay without a process: finished, or already dead.
ALTER TABLE ingest_runs
	ADD COLUMN backend_pid integer,
	ADD COLUMN backend_start timestamptz,
	ADD COLUMN interrupted_at timestamptz,
	ADD COLUMN status text GENERATED ALWAYS AS (CASE
		WHEN interrupted_at IS NOT NULL THEN 'interrupted'
		WHEN finished_at IS NOT NULL THEN 'finished'
		ELSE 'running' END) STORED;
ALTER TABLE ingest_runs
	ALTER COLUMN backend_pid SET DEFAULT pg_backend_pid(),
	ALTER COLUMN backend_start SET DEFAULT ingest_backend_start();
COMMENT ON COLUMN ingest_runs.status IS 'running, finished, or interrupted: its process died before it finished (killed, a database error, the server restarted); the counts are then what it stored';

ALTER TABLE inputs ADD COLUMN run bigint
	REFERENCES ingest_runs (id) ON DELETE SET NULL;
CREATE INDEX inputs_run ON inputs (run);
COMMENT ON COLUMN inputs.run IS 'The ingest run that stored the input (NULL: stored before migration 010)';

-- Closes the unfinished runs whose server process is gone; returns how
-- many.  A process that is still there but cannot be told apart (another
-- role's session, whose start time is hidden) counts as alive: a row is
-- never closed under a live run.  Copies of inputs found stored before,
-- which leave nothing behind, cannot be counted (inputs_duplicate 0).
CREATE FUNCTION close_dead_runs() RETURNS integer
LANGUAGE sql AS $$
	WITH dead AS (
		SELECT r.id FROM ingest_runs r
		WHERE r.finished_at IS NULL AND r.interrupted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
			WHERE a.pid = r.backend_pid
			AND (a.backend_start IS NULL OR r.backend_start IS NULL
				OR a.backend_start = r.backend_start))
	), stored AS (
		SELECT d.id,
			count(i.id) AS inputs,
			coalesce(sum(i.report_count), 0) AS yielded,
			coalesce(sum((SELECT count(*) FROM reports p
				WHERE p.input = i.id)), 0) AS reports,
			coalesce(sum((SELECT sum(p.record_count) FROM reports p
				WHERE p.input = i.id)), 0) AS records,
			coalesce(sum((SELECT count(*) FROM input_problems x
				WHERE x.input = i.id AND x.kind = 'refused')), 0)
				AS refused,
			coalesce(sum((SELECT count(*) FROM input_problems x
				WHERE x.input = i.id AND x.kind = 'skipped')), 0)
				AS skipped
		FROM dead d LEFT JOIN inputs i ON i.run = d.id
		GROUP BY d.id
	), closed AS (
		UPDATE ingest_runs r SET interrupted_at = now(),
			inputs_new = s.inputs, inputs_duplicate = 0,
			reports_new = s.reports,
			reports_duplicate = greatest(s.yielded - s.reports, 0),
			records_new = s.records, refused = s.refused,
			skipped = s.skipped
		FROM stored s
		WHERE r.id = s.id AND r.finished_at IS NULL
		AND r.interrupted_at IS NULL
		RETURNING 1
	)
	SELECT count(*)::integer FROM closed
$$;
