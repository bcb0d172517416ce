-- 018: a run that stopped on an error of its own says so.
--
-- An IMAP run whose login was refused, or whose server went away, closed
-- its row as finished, like one that went well: monitoring could not
-- tell them apart (the last successful ingest kept moving).  The run now
-- writes why it stopped in error, and status says 'failed'.  A run whose
-- process died is still closed as 'interrupted' by the next (010).

ALTER TABLE ingest_runs ADD COLUMN error text;
COMMENT ON COLUMN ingest_runs.error IS
	'Why the run stopped before its work was done (the mailbox could not be read, ...); NULL when it was not';

-- status is generated: made again with the new case.
ALTER TABLE ingest_runs DROP COLUMN status;
ALTER TABLE ingest_runs ADD COLUMN status text GENERATED ALWAYS AS (CASE
	WHEN interrupted_at IS NOT NULL THEN 'interrupted'
	WHEN finished_at IS NOT NULL AND error IS NOT NULL THEN 'failed'
	WHEN finished_at IS NOT NULL THEN 'finished'
	ELSE 'running' END) STORED;
COMMENT ON COLUMN ingest_runs.status IS 'running; finished; failed: it stopped on an error it names in error (the counts are what it stored); or interrupted: its process died before it finished (killed, a database error, the server restarted), the counts are then what it stored';
