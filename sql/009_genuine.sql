-- 009: genuine reports.
--
-- Anyone who can mail the rua address can send reports under the name of
-- a real receiver, and with made-up volumes flip a verdict.  The store
-- reads the Authentication-Results field that the owner's own mail server
-- (setting authserv_id) put on each report mail (ingest/mailauth.h) and
-- judges every report: genuine when that server saw DKIM or DMARC pass
-- for the organization of the report's <email>; not genuine when it saw
-- none; NULL when it could not tell (a loose file, authserv_id not set, no
-- such field).  Reports that are not genuine are kept and listed, never
-- counted.  `dmarcsift reparse --all` judges stored mail again after the
-- setting changes.

ALTER TABLE inputs
	ADD COLUMN mail_from text,
	ADD COLUMN auth_top text,
	ADD COLUMN auth_by text,
	ADD COLUMN auth_results text;
COMMENT ON COLUMN inputs.mail_from IS 'Domain of the mail''s From (NULL: not a mail, or no single From)';
COMMENT ON COLUMN inputs.auth_top IS 'authserv-id of the topmost Authentication-Results field on the mail, trusted or not: the value authserv_id likely wants';
COMMENT ON COLUMN inputs.auth_by IS 'authserv-id of the trusted Authentication-Results field read (NULL: none)';
COMMENT ON COLUMN inputs.auth_results IS 'The results of that field, as text';

ALTER TABLE reports
	ADD COLUMN genuine boolean,
	ADD COLUMN genuine_why text;
COMMENT ON COLUMN reports.genuine IS 'The report mail passed DKIM or DMARC for the reporter''s domain at our server (true), did not (false), or could not be checked (NULL)';
COMMENT ON COLUMN reports.genuine_why IS 'Why genuine is what it is, in words';

-- As in 008, and a report that is not genuine never counts: of the copies
-- of one report, the first stored of those that are not known to be
-- forged.
CREATE OR REPLACE VIEW counted_reports AS
SELECT r.*
FROM reports r
WHERE r.genuine IS NOT FALSE
  AND NOT EXISTS (
	SELECT 1 FROM reports o
	WHERE o.org_name = r.org_name
	  AND o.report_id = r.report_id
	  AND lower(o.domain) = lower(r.domain)
	  AND o.date_begin = r.date_begin
	  AND o.date_end = r.date_end
	  AND o.genuine IS NOT FALSE
	  AND (o.input, o.id) < (r.input, r.id));
COMMENT ON VIEW counted_reports IS 'The reports the analysis counts: none that failed authentication (genuine false), and of the copies of one report (reporter, report_id, domain, date range) the first stored';

-- The reporters of a domain's reports that begin in the period, and
-- whether those reports are genuine: what `advise` shows per reporter and
-- judges the period by.  Copies of one report count once, the best
-- verdict of the copies winning.  peak_daily and usual_daily compare the
-- counted mail (report_days) a reporter claims on its busiest day of the
-- period with its median day over the 28 days before (history_days: how
-- many such days it has): forged reports under a real reporter's name
-- show as a jump.
CREATE FUNCTION reporter_trust(p_domain text, p_since timestamptz,
                               p_until timestamptz)
RETURNS TABLE (reporter text, reports bigint, genuine bigint, failed bigint,
               unchecked bigint, messages numeric, genuine_messages numeric,
               failed_messages numeric, peak_daily numeric,
               usual_daily numeric, history_days bigint, why text,
               auth_top text)
LANGUAGE sql STABLE AS $$
WITH one AS (
	SELECT DISTINCT ON (r.org_name, r.report_id, r.date_begin, r.date_end)
	       r.org_name, r.genuine, r.genuine_why, r.messages, i.auth_top
	FROM reports r
	JOIN inputs i ON i.id = r.input
	WHERE lower(r.domain) = lower(p_domain)
	  AND r.date_begin >= p_since AND r.date_begin < p_until
	ORDER BY r.org_name, r.report_id, r.date_begin, r.date_end,
	         r.genuine IS TRUE DESC, r.genuine IS NULL DESC, r.input, r.id
), per AS (
	SELECT org_name AS reporter,
	       count(*) AS reports,
	       count(*) FILTER (WHERE genuine) AS genuine,
	       count(*) FILTER (WHERE NOT genuine) AS failed,
	       count(*) FILTER (WHERE genuine IS NULL) AS unchecked,
	       sum(messages) AS messages,
	       coalesce(sum(messages) FILTER (WHERE genuine), 0)
	           AS genuine_messages,
	       coalesce(sum(messages) FILTER (WHERE NOT genuine), 0)
	           AS failed_messages,
	       (array_agg(genuine_why ORDER BY genuine NULLS LAST)
	            FILTER (WHERE genuine IS NOT TRUE))[1] AS why,
	       mode() WITHIN GROUP (ORDER BY auth_top) AS auth_top
	FROM one
	GROUP BY org_name
), days AS (
	SELECT r.org_name AS reporter, d.day,
	       sum(day_share(r.messages, d.lo, d.hi, d.span)) AS messages
	FROM counted_reports r
	JOIN report_days d ON d.report = r.id
	WHERE lower(r.domain) = lower(p_domain)
	  AND r.date_begin >= p_since - interval '60 days'
	  AND r.date_begin < p_until
	GROUP BY r.org_name, d.day
), daily AS (
	SELECT d.reporter,
	       max(d.messages) FILTER (WHERE d.day >= s.d0 AND d.day < s.d1)
	           AS peak_daily,
	       percentile_cont(0.5) WITHIN GROUP (ORDER BY d.messages)
	           FILTER (WHERE d.day < s.d0 AND d.day >= s.d0 - 28)
	           AS usual_daily,
	       count(*) FILTER (WHERE d.day < s.d0 AND d.day >= s.d0 - 28)
	           AS history_days
	FROM days d,
	     (SELECT (p_since AT TIME ZONE 'UTC')::date AS d0,
	             (p_until AT TIME ZONE 'UTC')::date AS d1) s
	GROUP BY d.reporter
)
SELECT p.reporter, p.reports, p.genuine, p.failed, p.unchecked, p.messages,
       p.genuine_messages, p.failed_messages,
       round(coalesce(d.peak_daily, 0)), round(coalesce(d.usual_daily, 0)),
       coalesce(d.history_days, 0), p.why, p.auth_top
FROM per p
LEFT JOIN daily d ON d.reporter = p.reporter
ORDER BY p.messages DESC, p.reporter
$$;
COMMENT ON FUNCTION reporter_trust(text, timestamptz, timestamptz) IS 'Per reporter of a domain over a period: reports genuine, failed and unchecked, and its busiest counted day against its usual one';
