-- 008: one report counts once.
--
-- A reporter may send a report again: the same org_name, report_id,
-- policy domain and date range, with its records in another order or a
-- character repaired.  Both copies are kept (report_id_reuse lists them),
-- but they are copies of one report: the analysis counts the first stored
-- (the one of the earliest input; of one input, the lowest id) and none
-- of the others.  The first stored stays first when its input is parsed
-- again (reparse keeps the input and renumbers its reports), and when its
-- input is deleted the next copy counts in its place.
--
-- With this version the store's content_sha256 no longer depends on the
-- order of the records (ingest/store.c), so a copy that only reorders them
-- is recognised and not stored again.  Reports stored before keep the
-- digest they have: a copy of one of them that arrives now is stored, and
-- counted here as the copy it is; `dmarcsift reparse --all` gives every
-- stored report the new digest and keeps one of such copies.
--
-- A view and not a column the store keeps: two ingests at once, a reparse
-- or a deleted input cannot leave it wrong.  Its cost is one index probe
-- per report read (the unique key, which starts with org_name and
-- report_id, or reports_domain_lower on (lower(domain), date_begin)),
-- after the reads by (lower(domain), date_begin) have narrowed the
-- reports; a whole-table view hashes reports once.  On 20,000 reports the
-- analysis queries took as long as under 007, within the noise.

CREATE VIEW counted_reports AS
SELECT r.*
FROM reports r
WHERE NOT EXISTS (
	SELECT 1 FROM reports o
	WHERE o.org_name = r.org_name
	  AND o.report_id = r.report_id
	  AND lower(o.domain) = lower(r.domain)
	  AND o.date_begin = r.date_begin
	  AND o.date_end = r.date_end
	  AND (o.input, o.id) < (r.input, r.id));
COMMENT ON VIEW counted_reports IS 'The reports the analysis counts: of the copies of one report (reporter, report_id, domain, date range), the first stored';

-- As in 007, over counted_reports: record_facts (and so record_analysis,
-- source_daily, daily_volume, source_volume, source_overview(),
-- readiness_inputs()) and reporter_daily join report_days, so they count
-- one copy of each report.
CREATE OR REPLACE VIEW report_days AS
SELECT r.id AS report,
       s.first + g.i AS day,
       g.i AS n,
       s.ndays,
       CASE WHEN s.span = 0 THEN 0
            ELSE greatest(s.b, s.m0 + 86400 * g.i) - s.b END AS lo,
       CASE WHEN s.span = 0 THEN 0
            ELSE least(s.e, s.m0 + 86400 * (g.i + 1)) - s.b END AS hi,
       s.span
FROM counted_reports r
CROSS JOIN LATERAL (
	SELECT f.first, f.m0, f.b, f.e, greatest(f.e - f.b, 0) AS span,
	       CASE WHEN f.e <= f.b THEN 1
	            ELSE floor((f.e - 1 - f.m0) / 86400)::int + 1 END AS ndays
	FROM (SELECT (r.date_begin AT TIME ZONE 'UTC')::date AS first,
	             extract(epoch FROM (r.date_begin AT TIME ZONE 'UTC')::date)
	                 AS m0,
	             extract(epoch FROM r.date_begin) AS b,
	             least(extract(epoch FROM r.date_end),
	                   extract(epoch FROM
	                       (r.date_begin AT TIME ZONE 'UTC')::date)
	                   + 31 * 86400) AS e) f
) s
CROSS JOIN LATERAL generate_series(0, s.ndays - 1) AS g(i);
COMMENT ON VIEW report_days IS 'The UTC days each counted report covers (counted_reports), and which part of its range falls on each';

COMMENT ON VIEW record_facts IS 'Every record of a counted report (counted_reports) once per UTC day the report covers, its messages shared out among the days; dmarc_pass is the receiver''s verdict';
COMMENT ON VIEW reporter_daily IS 'Per reporter, domain and UTC day covered: counted reports (counted_reports) and their messages';

-- The copies of a reused report_id, and which of them count.
CREATE OR REPLACE VIEW report_id_reuse AS
SELECT r.org_name,
       r.report_id,
       count(*) AS copies,
       array_agg(r.id ORDER BY r.id) AS reports,
       array_agg(DISTINCT r.domain) AS domains,
       coalesce(array_agg(r.id ORDER BY r.id)
                    FILTER (WHERE c.id IS NOT NULL), '{}') AS counted
FROM reports r
LEFT JOIN counted_reports c ON c.id = r.id
GROUP BY r.org_name, r.report_id
HAVING count(*) > 1;
