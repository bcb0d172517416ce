-- 003: a record's DKIM and SPF results and override reasons move into the
-- record's row, as two-dimensional text arrays, so a report is one COPY
-- into one table: ingest spent most of its time on the three detail
-- tables, their keys and their deferred foreign keys.  Views with the old
-- tables' names and columns keep queries (and sql/README.md) working.
--
--   dkim_auth  {{domain, selector, result, human_result}, ...}
--   spf_auth   {{domain, scope, result, human_result}, ...}
--   reasons    {{type, comment}, ...}

-- The reference from a record to its report is kept by the store, which
-- writes both in one transaction, rather than checked row by row: the
-- check cost an eighth of the ingest time.  Deleting reports (or the
-- inputs they came from) still deletes their records.
ALTER TABLE records DROP CONSTRAINT records_report_fkey;

-- Checks of the detail tables' keys now, not at commit: a check still
-- pending when its table is altered or dropped is an error.
SET CONSTRAINTS ALL IMMEDIATE;

ALTER TABLE records
	ADD COLUMN dkim_auth text[] NOT NULL DEFAULT '{}',
	ADD COLUMN spf_auth text[] NOT NULL DEFAULT '{}',
	ADD COLUMN reasons text[] NOT NULL DEFAULT '{}';

UPDATE records r SET dkim_auth = d.a
FROM (SELECT report, idx,
             array_agg(ARRAY[domain, selector, result, human_result]
                       ORDER BY n) AS a
      FROM dkim_results GROUP BY report, idx) d
WHERE d.report = r.report AND d.idx = r.idx;

UPDATE records r SET spf_auth = s.a
FROM (SELECT report, idx,
             array_agg(ARRAY[domain, scope, result, human_result]
                       ORDER BY n) AS a
      FROM spf_results GROUP BY report, idx) s
WHERE s.report = r.report AND s.idx = r.idx;

UPDATE records r SET reasons = x.a
FROM (SELECT report, idx, array_agg(ARRAY[type, comment] ORDER BY n) AS a
      FROM record_reasons GROUP BY report, idx) x
WHERE x.report = r.report AND x.idx = r.idx;

DROP TABLE dkim_results, spf_results, record_reasons;

COMMENT ON COLUMN records.dkim_auth IS
	'DKIM results: {{domain, selector, result, human_result}, ...}; see the view dkim_results';
COMMENT ON COLUMN records.spf_auth IS
	'SPF results: {{domain, scope, result, human_result}, ...}; see the view spf_results';
COMMENT ON COLUMN records.reasons IS
	'Policy override reasons: {{type, comment}, ...}; see the view record_reasons';

CREATE VIEW dkim_results AS
SELECT r.report, r.idx, n::smallint AS n,
       r.dkim_auth[n][1] AS domain,
       r.dkim_auth[n][2] AS selector,
       r.dkim_auth[n][3] AS result,
       r.dkim_auth[n][4] AS human_result
FROM records r, generate_subscripts(r.dkim_auth, 1) AS n;
COMMENT ON VIEW dkim_results IS 'Every DKIM signature result the receiver saw for a record';

CREATE VIEW spf_results AS
SELECT r.report, r.idx, n::smallint AS n,
       r.spf_auth[n][1] AS domain,
       r.spf_auth[n][2] AS scope,
       r.spf_auth[n][3] AS result,
       r.spf_auth[n][4] AS human_result
FROM records r, generate_subscripts(r.spf_auth, 1) AS n;
COMMENT ON VIEW spf_results IS 'Every SPF result the receiver saw for a record';

CREATE VIEW record_reasons AS
SELECT r.report, r.idx, n::smallint AS n,
       r.reasons[n][1] AS type,
       r.reasons[n][2] AS comment
FROM records r, generate_subscripts(r.reasons, 1) AS n;
COMMENT ON VIEW record_reasons IS 'Policy override reasons (forwarded, mailing_list, local_policy, ...)';

CREATE FUNCTION records_follow_reports() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM records r USING gone g WHERE r.report = g.id;
	RETURN NULL;
END
$$;

CREATE TRIGGER reports_delete_records AFTER DELETE ON reports
	REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION records_follow_reports();
