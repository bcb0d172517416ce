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
