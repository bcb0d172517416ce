-- 014: a record's verdict moves into the record's row, compactly.
--
-- record_verdicts held a second row per record (173 bytes with its key,
-- a third of the database) whose text mostly repeated the record's: the
-- DKIM and SPF domains and results it named are those of one of the
-- record's own auth results.  Now the store writes the verdict in the
-- same COPY row as the record (it judges records as it reads them), as
-- booleans, cause codes and the place of the chosen DKIM and SPF result
-- in dkim_auth and spf_auth; a value is written out (the v_* text
-- columns) only where it differs from what that place gives, so every
-- column of the view record_verdicts is exactly what the judge computed.
-- The view keeps the old table's name and columns for psql users and
-- the views built on it.
--
-- A report's verdicts count once reports.judged says so: when the rules
-- or the services change, the judge marks every report unjudged and
-- writes the verdicts again in place, rather than emptying a table.

ALTER TABLE records
	ADD COLUMN v_pass         boolean,  -- NULL: not judged
	ADD COLUMN v_dkim_aligned boolean,
	ADD COLUMN v_spf_aligned  boolean,
	ADD COLUMN v_rcv_pass     boolean,  -- NULL: the receiver did not say
	ADD COLUMN v_disagree     smallint, -- 1 dkim, 2 spf, 3 both
	ADD COLUMN v_cause        smallint, -- verdict_causes.code
	ADD COLUMN v_auth_cause   smallint,
	ADD COLUMN v_dkim         smallint, -- place in dkim_auth, 0: none
	ADD COLUMN v_spf          smallint, -- place in spf_auth, 0: none
	ADD COLUMN v_header_from  text,     -- where they differ from the record
	ADD COLUMN v_dkim_domain  text,
	ADD COLUMN v_dkim_result  text,
	ADD COLUMN v_spf_domain   text,
	ADD COLUMN v_spf_result   text,
	ADD COLUMN v_override     text,
	ADD COLUMN v_dkim_service text,
	ADD COLUMN v_spf_service  text;
COMMENT ON COLUMN records.v_pass IS
	'dmarcsift''s verdict, with the other v_* columns: read them through the view record_verdicts';

ALTER TABLE reports ADD COLUMN judged boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN reports.judged IS
	'Its records'' verdicts (records.v_*) are those of the current rules and services (analysis_state)';
-- The judge looks for the reports still to judge.
CREATE INDEX reports_unjudged ON reports (id) WHERE NOT judged;

-- The causes' machine names by code, written by dmarcsift (the names
-- live in analyze/model/model.c) whenever the rules change.
CREATE TABLE verdict_causes (
	code smallint PRIMARY KEY,
	name text NOT NULL UNIQUE
);
COMMENT ON TABLE verdict_causes IS 'Failure causes by code (records.v_cause), as this dmarcsift names them';

CREATE FUNCTION verdict_cause(p_code smallint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT name FROM verdict_causes WHERE code = p_code
$$;

ALTER TABLE record_verdicts RENAME TO record_verdicts_old;

CREATE VIEW record_verdicts AS
SELECT r.report,
       r.idx,
       coalesce(r.v_header_from, r.header_from, '') AS header_from,
       r.v_dkim_aligned AS dkim_aligned,
       r.v_spf_aligned AS spf_aligned,
       r.v_pass AS pass,
       r.v_rcv_pass AS rcv_pass,
       CASE r.v_disagree WHEN 1 THEN '{dkim}'::text[]
                         WHEN 2 THEN '{spf}'::text[]
                         WHEN 3 THEN '{dkim,spf}'::text[]
                         ELSE '{}'::text[] END AS disagree,
       c.name AS cause,
       a.name AS auth_cause,
       r.v_override AS override,
       coalesce(r.v_dkim_domain, r.dkim_auth[r.v_dkim][1], '') AS dkim_domain,
       coalesce(r.v_dkim_result, r.dkim_auth[r.v_dkim][3], 'none') AS dkim_result,
       coalesce(r.v_spf_domain, r.spf_auth[r.v_spf][1], '') AS spf_domain,
       coalesce(r.v_spf_result, r.spf_auth[r.v_spf][3], 'none') AS spf_result,
       r.v_dkim_service AS dkim_service,
       r.v_spf_service AS spf_service
FROM records r
JOIN reports p ON p.id = r.report AND p.judged
JOIN verdict_causes c ON c.code = r.v_cause
JOIN verdict_causes a ON a.code = r.v_auth_cause
WHERE r.v_pass IS NOT NULL;
COMMENT ON VIEW record_verdicts IS 'dmarcsift''s DMARC evaluation and failure cause for each record';

-- As in 005, now over the view.
CREATE OR REPLACE VIEW record_analysis AS
SELECT f.*,
       v.header_from AS aligned_to,
       v.dkim_aligned,
       v.spf_aligned,
       v.pass,
       v.rcv_pass,
       v.disagree,
       v.cause,
       v.auth_cause,
       v.override,
       v.dkim_domain,
       v.dkim_result,
       v.spf_domain,
       v.spf_result,
       v.dkim_service,
       v.spf_service,
       coalesce(d.service, v.dkim_service, v.spf_service) AS service,
       d.name AS ptr
FROM record_facts f
JOIN record_verdicts v ON v.report = f.report AND v.idx = f.idx
LEFT JOIN rdns d ON d.ip = f.source_ip;

-- The old verdicts go: the next command judges every report again, in
-- place (analysis_state emptied says the rules changed), and makes the
-- rollup anew from the verdicts it writes.
DROP TABLE record_verdicts_old;
TRUNCATE analysis_state, source_days, source_days_reports;

CREATE OR REPLACE FUNCTION records_follow_reports() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM records r USING gone g WHERE r.report = g.id;
	RETURN NULL;
END
$$;

-- As in 012, reading the verdicts from the records' rows: a counted
-- report enters once judged.  (The trigger that made a report's rows
-- again after its verdicts were edited by hand went with the table: the
-- judge writes them, and syncs what it writes.  After editing v_*
-- columns by hand, SELECT source_days_redo(ARRAY[report]).)
CREATE OR REPLACE FUNCTION source_days_sync(p_reports bigint[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql
SET work_mem = '64MB' AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7243002);
	WITH gone AS (
		DELETE FROM source_days_reports m
		WHERE (p_reports IS NULL OR m.report = ANY (p_reports))
		  AND NOT EXISTS (SELECT 1 FROM counted_reports c
		                  JOIN reports j ON j.id = c.id AND j.judged
		                  WHERE c.id = m.report)
		RETURNING m.report)
	DELETE FROM source_days s USING gone g WHERE s.report = g.report;

	WITH new AS (
		INSERT INTO source_days_reports (report)
		SELECT c.id FROM counted_reports c
		JOIN reports j ON j.id = c.id AND j.judged
		WHERE (p_reports IS NULL OR c.id = ANY (p_reports))
		  AND NOT EXISTS (SELECT 1 FROM source_days_reports m
		                  WHERE m.report = c.id)
		RETURNING report
	), days AS MATERIALIZED (
		SELECT d.report, d.day, d.lo, d.hi, d.span
		FROM new n JOIN report_days d ON d.report = n.report
	), recs AS (
		SELECT r.id, lower(r.domain) AS domain, r.org_name,
		       r.date_begin, r.date_end, x.*
		FROM new n
		JOIN reports r ON r.id = n.report
		CROSS JOIN LATERAL (
			SELECT rec.source_ip, rec.count,
			       lower(rec.disposition) AS disposition,
			       coalesce(rec.v_header_from, rec.header_from, '')
			           AS header_from,
			       rec.v_pass AS pass, rec.v_rcv_pass AS rcv_pass,
			       rec.v_cause, rec.v_auth_cause,
			       rec.v_override AS override,
			       coalesce(rec.v_dkim_domain,
			                rec.dkim_auth[rec.v_dkim][1], '')
			           AS dkim_domain,
			       rec.v_dkim_service AS dkim_service,
			       coalesce(rec.v_spf_domain,
			                rec.spf_auth[rec.v_spf][1], '')
			           AS spf_domain,
			       coalesce(rec.v_spf_result,
			                rec.spf_auth[rec.v_spf][3], 'none')
			           AS spf_result,
			       rec.v_spf_service AS spf_service
			FROM records rec
			WHERE rec.report = r.id AND rec.v_pass IS NOT NULL) x
	), grouped AS (
		SELECT x.id, x.domain, d.day, x.source_ip, x.org_name,
		       x.date_begin, x.date_end, x.header_from, x.pass,
		       x.rcv_pass, x.v_cause, x.v_auth_cause, x.override,
		       x.dkim_domain, x.dkim_service, x.spf_domain,
		       x.spf_result, x.spf_service, x.disposition,
		       count(*) AS records,
		       sum(day_share(x.count, d.lo, d.hi, d.span)) AS messages
		FROM recs x
		JOIN days d ON d.report = x.id
		GROUP BY x.id, x.domain, d.day, x.source_ip, x.org_name,
		         x.date_begin, x.date_end, x.header_from, x.pass,
		         x.rcv_pass, x.v_cause, x.v_auth_cause, x.override,
		         x.dkim_domain, x.dkim_service, x.spf_domain,
		         x.spf_result, x.spf_service, x.disposition
	)
	INSERT INTO source_days (report, domain, day, source_ip, reporter,
		date_begin, date_end, aligned_to, pass, rcv_pass, cause,
		auth_cause, override, dkim_domain, dkim_service, spf_domain,
		spf_result, spf_service, disposition, records, messages)
	SELECT g.id, g.domain, g.day, g.source_ip, g.org_name, g.date_begin,
	       g.date_end, g.header_from, g.pass, g.rcv_pass, c.name, a.name,
	       g.override, g.dkim_domain, g.dkim_service, g.spf_domain,
	       g.spf_result, g.spf_service, g.disposition, g.records,
	       g.messages
	FROM grouped g
	JOIN verdict_causes c ON c.code = g.v_cause
	JOIN verdict_causes a ON a.code = g.v_auth_cause;
END
$$;

-- Makes the rows of reports p_reports again, after their verdicts
-- changed in place.
CREATE FUNCTION source_days_redo(p_reports bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7243002);
	DELETE FROM source_days_reports WHERE report = ANY (p_reports);
	DELETE FROM source_days WHERE report = ANY (p_reports);
	PERFORM source_days_sync(p_reports);
END
$$;

DROP FUNCTION source_days_after_verdicts();
