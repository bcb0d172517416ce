-- 002: views for people with psql; documented in sql/README.md.

-- Every record with its report's context, and the receiver's DMARC verdict
-- (pass when the evaluated DKIM or SPF passed).  A report counts for the
-- UTC day its date range begins.
CREATE VIEW record_facts AS
SELECT r.id AS report,
       r.domain,
       r.org_name AS reporter,
       r.report_id,
       r.date_begin,
       r.date_end,
       (r.date_begin AT TIME ZONE 'UTC')::date AS day,
       rec.idx,
       rec.source_ip,
       rec.count AS messages,
       rec.disposition,
       rec.dkim,
       rec.spf,
       coalesce(rec.dkim = 'pass' OR rec.spf = 'pass', false) AS dmarc_pass,
       rec.header_from,
       rec.envelope_from,
       rec.envelope_to
FROM reports r
JOIN records rec ON rec.report = r.id;

CREATE VIEW daily_volume AS
SELECT domain,
       day,
       sum(messages) AS messages,
       coalesce(sum(messages) FILTER (WHERE dmarc_pass), 0) AS passed,
       round(100.0 * coalesce(sum(messages) FILTER (WHERE dmarc_pass), 0)
             / nullif(sum(messages), 0), 2) AS pass_rate
FROM record_facts
GROUP BY domain, day;

CREATE VIEW source_volume AS
SELECT domain,
       source_ip,
       sum(messages) AS messages,
       coalesce(sum(messages) FILTER (WHERE NOT dmarc_pass), 0) AS failed,
       min(date_begin) AS first_seen,
       max(date_end) AS last_seen,
       count(DISTINCT reporter) AS reporters
FROM record_facts
GROUP BY domain, source_ip;

CREATE VIEW reporter_daily AS
SELECT org_name AS reporter,
       domain,
       (date_begin AT TIME ZONE 'UTC')::date AS day,
       count(*) AS reports,
       sum(messages) AS messages
FROM reports
GROUP BY org_name, domain, (date_begin AT TIME ZONE 'UTC')::date;

CREATE VIEW failed_inputs AS
SELECT i.id AS input,
       i.source,
       i.source_name,
       i.received_at,
       i.size,
       p.place,
       p.code,
       p.reason
FROM inputs i
JOIN input_problems p ON p.input = i.id
WHERE p.kind = 'refused';

-- Reporters reuse report IDs; the copies are all kept, and listed here.
CREATE VIEW report_id_reuse AS
SELECT org_name,
       report_id,
       count(*) AS copies,
       array_agg(id ORDER BY id) AS reports,
       array_agg(DISTINCT domain) AS domains
FROM reports
GROUP BY org_name, report_id
HAVING count(*) > 1;
