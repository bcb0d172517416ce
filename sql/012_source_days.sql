-- 012: the rollup every command reads.
--
-- The analysis read raw records: record_analysis joins reports, the
-- copies check (counted_reports), the days a report covers (report_days),
-- records, record_verdicts and rdns, and the planner did the per-report
-- work once per record.  On one report of a million records source_overview()
-- took 28 s.  source_days holds what those joins give, per counted report,
-- UTC day covered, source and verdict, its messages shared out among the
-- days as before; the commands and the views built for them
-- (source_overview(), readiness_inputs(), daily_volume, source_volume,
-- source_daily) read it.  record_facts and record_analysis stay, for
-- drill-down into single records.
--
-- It holds exactly the counted reports (counted_reports) that are judged
-- (have record_verdicts): source_days_reports lists them, one row each,
-- and source_days_sync() brings both in line with that definition for a
-- set of reports (or all).  The store lists each report it stores in
-- source_days_pending, in the input's transaction, and the judge that
-- runs at the end of every ingest syncs them a few thousand at a time
-- (source_days_catch_up()): one sync per input cost more than storing
-- the input.  The judge also syncs each batch it judges itself, in the
-- transaction that writes the verdicts; triggers sync when a report is
-- deleted (its input deleted, reparse) or found genuine after all, for
-- the copies of that report too, so deletes show at once to psql users.
-- Syncs take turns (an advisory lock, common/locks.h LOCK_ROLLUP), and each
-- statement of a sync reads after the lock is held, so a judge and a
-- delete running at once cannot both add, or both miss, a copy.

-- The store judges records as it reads them (ingest/store.c) and writes
-- their verdicts while the report's row is still to come, as it does the
-- records (003): the reference from a verdict to its report is kept by
-- the store and by the trigger that deletes a report's records.
ALTER TABLE record_verdicts DROP CONSTRAINT record_verdicts_report_fkey;

CREATE OR REPLACE FUNCTION records_follow_reports() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM records r USING gone g WHERE r.report = g.id;
	DELETE FROM record_verdicts v USING gone g WHERE v.report = g.id;
	RETURN NULL;
END
$$;

CREATE TABLE source_days (
	report      bigint NOT NULL,  -- the counted report the rows come from
	domain      text NOT NULL,    -- lower(reports.domain)
	day         date NOT NULL,    -- a UTC day the report covers
	source_ip   inet NOT NULL,
	reporter    text NOT NULL,    -- reports.org_name
	date_begin  timestamptz NOT NULL,
	date_end    timestamptz NOT NULL,
	-- the verdict (record_verdicts) and what the receiver did
	aligned_to  text NOT NULL,
	pass        boolean NOT NULL,
	rcv_pass    boolean,
	cause       text NOT NULL,
	auth_cause  text NOT NULL,
	override    text,
	dkim_domain text NOT NULL,
	dkim_service text,
	spf_domain  text NOT NULL,
	spf_result  text NOT NULL,
	spf_service text,
	disposition text,             -- lower-cased
	-- sums over the report's records with these values, on this day
	records     integer NOT NULL,
	messages    bigint NOT NULL
);
COMMENT ON TABLE source_days IS 'Per counted, judged report, UTC day covered, source IP and verdict: messages (shared out among the days) and records; what the commands read';
CREATE INDEX source_days_domain_day ON source_days (domain, day);
CREATE INDEX source_days_report ON source_days (report);
-- Whether a source sent before a day (new sources: readiness_inputs(),
-- source_changes()): one probe per source of the period, where a scan
-- would read the domain's whole history (805,000 rows for 90 days of a
-- domain of 10,000 records a day: 1.26 s, 0.77 s with it).
CREATE INDEX source_days_domain_ip ON source_days (domain, source_ip, day);

CREATE TABLE source_days_reports (
	report bigint PRIMARY KEY
);
COMMENT ON TABLE source_days_reports IS 'The reports whose rows source_days holds: each counted report with verdicts, once';

CREATE TABLE source_days_pending (
	report bigint PRIMARY KEY
);
COMMENT ON TABLE source_days_pending IS 'Reports stored since the rollup last caught up: source_days_catch_up() syncs them';

-- Brings source_days in line for the reports p_reports (NULL: every
-- report): rows of reports that no longer count (gone, forged, a copy
-- stored earlier now counts) out, counted and judged reports not yet in,
-- in.
CREATE FUNCTION source_days_sync(p_reports bigint[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql
-- The grouping of a big report's records sorts in memory, not on disk.
SET work_mem = '64MB' AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7243002);
	WITH gone AS (
		DELETE FROM source_days_reports m
		WHERE (p_reports IS NULL OR m.report = ANY (p_reports))
		  AND NOT EXISTS (SELECT 1 FROM counted_reports c
		                  WHERE c.id = m.report)
		RETURNING m.report)
	DELETE FROM source_days s USING gone g WHERE s.report = g.report;

	-- Each new report's days first, then its records by its key, so
	-- the work is per report and never per record and day.
	WITH new AS (
		INSERT INTO source_days_reports (report)
		SELECT c.id FROM counted_reports c
		WHERE (p_reports IS NULL OR c.id = ANY (p_reports))
		  AND NOT EXISTS (SELECT 1 FROM source_days_reports m
		                  WHERE m.report = c.id)
		  AND EXISTS (SELECT 1 FROM record_verdicts v
		              WHERE v.report = c.id)
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
			       v.header_from, v.pass, v.rcv_pass, v.cause,
			       v.auth_cause, v.override, v.dkim_domain,
			       v.dkim_service, v.spf_domain, v.spf_result,
			       v.spf_service
			FROM records rec
			JOIN record_verdicts v ON v.report = rec.report
			                      AND v.idx = rec.idx
			WHERE rec.report = r.id) x
	)
	INSERT INTO source_days (report, domain, day, source_ip, reporter,
		date_begin, date_end, aligned_to, pass, rcv_pass, cause,
		auth_cause, override, dkim_domain, dkim_service, spf_domain,
		spf_result, spf_service, disposition, records, messages)
	SELECT x.id, x.domain, d.day, x.source_ip, x.org_name, x.date_begin,
	       x.date_end, x.header_from, x.pass, x.rcv_pass, x.cause,
	       x.auth_cause, x.override, x.dkim_domain, x.dkim_service,
	       x.spf_domain, x.spf_result, x.spf_service, x.disposition,
	       count(*), sum(day_share(x.count, d.lo, d.hi, d.span))
	FROM recs x
	JOIN days d ON d.report = x.id
	GROUP BY x.id, x.domain, d.day, x.source_ip, x.org_name, x.date_begin,
	         x.date_end, x.header_from, x.pass, x.rcv_pass, x.cause,
	         x.auth_cause, x.override, x.dkim_domain, x.dkim_service,
	         x.spf_domain, x.spf_result, x.spf_service, x.disposition;
END
$$;

-- Syncs up to p_limit pending reports (and their copies) and forgets
-- them; returns how many, 0 when none is left.
CREATE FUNCTION source_days_catch_up(p_limit integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	ids bigint[];
BEGIN
	SELECT array_agg(report) INTO ids
	FROM (SELECT report FROM source_days_pending ORDER BY report
	      LIMIT p_limit) x;
	IF ids IS NULL THEN
		RETURN 0;
	END IF;
	PERFORM source_days_sync(report_copies(ids));
	DELETE FROM source_days_pending WHERE report = ANY (ids);
	RETURN cardinality(ids);
END
$$;

-- The reports p_ids and their copies (same reporter, report_id, domain
-- and range): whose counting a change to p_ids can change.
CREATE FUNCTION report_copies(p_ids bigint[])
RETURNS bigint[] LANGUAGE sql STABLE AS $$
SELECT coalesce(array_agg(DISTINCT x.id), '{}') FROM (
	SELECT unnest(p_ids) AS id
	UNION
	SELECT o.id FROM reports r
	JOIN reports o ON o.org_name = r.org_name
	              AND o.report_id = r.report_id
	              AND lower(o.domain) = lower(r.domain)
	              AND o.date_begin = r.date_begin
	              AND o.date_end = r.date_end
	WHERE r.id = ANY (p_ids)) x
$$;

CREATE FUNCTION source_days_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	ids bigint[];
BEGIN
	-- The reports gone, and their copies still here: one may count now.
	SELECT array_agg(DISTINCT x.id) INTO ids FROM (
		SELECT g.id FROM gone g
		UNION
		SELECT o.id FROM gone g
		JOIN reports o ON o.org_name = g.org_name
		              AND o.report_id = g.report_id
		              AND lower(o.domain) = lower(g.domain)
		              AND o.date_begin = g.date_begin
		              AND o.date_end = g.date_end) x;
	IF ids IS NOT NULL THEN
		PERFORM source_days_sync(ids);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER reports_sync_source_days AFTER DELETE ON reports
	REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION source_days_after_delete();

-- A report found genuine (or forged) counts, or stops counting, and so
-- may its copies.
CREATE FUNCTION source_days_after_genuine() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM source_days_sync(report_copies(ARRAY[NEW.id]));
	RETURN NULL;
END
$$;

CREATE TRIGGER reports_genuine_source_days AFTER UPDATE OF genuine ON reports
	FOR EACH ROW WHEN (OLD.genuine IS DISTINCT FROM NEW.genuine)
	EXECUTE FUNCTION source_days_after_genuine();

-- Verdicts changed in place (by hand: the judge only adds and truncates):
-- the reports' rows are made again.
CREATE FUNCTION source_days_after_verdicts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	ids bigint[];
BEGIN
	SELECT array_agg(DISTINCT report) INTO ids FROM changed;
	IF ids IS NOT NULL THEN
		PERFORM pg_advisory_xact_lock(7243002);
		DELETE FROM source_days_reports WHERE report = ANY (ids);
		DELETE FROM source_days WHERE report = ANY (ids);
		PERFORM source_days_sync(ids);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER record_verdicts_source_days AFTER UPDATE ON record_verdicts
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION source_days_after_verdicts();

SELECT source_days_sync();

-- The views for people, over the rollup: same columns, same numbers.
CREATE OR REPLACE VIEW daily_volume AS
SELECT domain,
       day,
       sum(messages) AS messages,
       coalesce(sum(messages) FILTER (WHERE pass), 0) AS passed,
       pass_percent(coalesce(sum(messages) FILTER (WHERE pass), 0),
                    sum(messages)) AS pass_rate
FROM source_days
GROUP BY domain, day;

CREATE OR REPLACE VIEW source_volume AS
SELECT domain,
       source_ip,
       sum(messages) AS messages,
       coalesce(sum(messages) FILTER (WHERE NOT pass), 0) AS failed,
       min(date_begin) AS first_seen,
       max(date_end) AS last_seen,
       count(DISTINCT reporter) AS reporters
FROM source_days
GROUP BY domain, source_ip;

CREATE OR REPLACE VIEW source_daily AS
SELECT domain,
       source_ip,
       day,
       sum(messages) AS messages,
       coalesce(sum(messages) FILTER (WHERE pass), 0) AS passed,
       coalesce(sum(messages) FILTER (WHERE NOT pass), 0) AS failed,
       coalesce(sum(messages) FILTER (WHERE cause IN ('forwarded',
                    'mailing_list')), 0) AS forwarded,
       coalesce(sum(messages) FILTER (WHERE rcv_pass IS DISTINCT FROM pass
                    AND rcv_pass IS NOT NULL), 0) AS disagreed,
       count(DISTINCT reporter) AS reporters
FROM source_days
GROUP BY domain, source_ip, day;

-- The classes of source_overview() (007), over the rollup, without the
-- names and the order a person needs: what readiness_inputs() sums.
CREATE FUNCTION source_classes(p_domain text, p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}',
		p_ignored text[] DEFAULT '{}')
RETURNS TABLE (source_ip inet, class text, service text, ptr text,
	       messages numeric, passed numeric, failed numeric,
	       forwarded numeric, cause text, cause_messages numeric,
	       dkim_domains text[], spf_domains text[], reporters bigint,
	       first_seen timestamptz, last_seen timestamptz,
	       failed_sub numeric, failed_np numeric,
	       quarantined numeric, rejected numeric)
LANGUAGE sql STABLE AS $$
WITH recs AS (
	SELECT s.*,
	       coalesce(d.service, s.dkim_service, s.spf_service) AS service,
	       d.name AS ptr,
	       s.aligned_to <> lower(p_domain)
	           AND right(s.aligned_to, length(p_domain) + 1)
	               = '.' || lower(p_domain) AS sub
	FROM source_days s
	LEFT JOIN rdns d ON d.ip = s.source_ip
	WHERE s.domain = lower(p_domain)
	  AND s.day >= (p_since AT TIME ZONE 'UTC')::date
	  AND s.day < (p_until AT TIME ZONE 'UTC')::date
), names AS (
	-- Subdomain names with no passing mail in the period.
	SELECT aligned_to FROM recs WHERE sub
	GROUP BY aligned_to HAVING NOT bool_or(pass)
), per AS (
	SELECT r.source_ip,
	       sum(r.messages) AS messages,
	       coalesce(sum(r.messages) FILTER (WHERE r.pass), 0) AS passed,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass), 0) AS failed,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass
	           AND (r.cause IN ('forwarded', 'mailing_list')
	                OR r.override IN ('forwarded', 'mailing_list',
	                                  'trusted_forwarder'))), 0)
	           AS forwarded,
	       coalesce(bool_and(r.auth_cause IN ('no_auth', 'auth_fail')
	                OR (r.auth_cause = 'dkim_unaligned'
	                    AND r.dkim_service IS NULL
	                    AND r.spf_result <> 'pass'))
	           FILTER (WHERE NOT r.pass), true) AS no_auth,
	       (array_agg(r.service ORDER BY r.messages DESC, r.service)
	           FILTER (WHERE r.service IS NOT NULL))[1] AS service,
	       max(r.ptr) AS ptr,
	       array_agg(DISTINCT r.dkim_domain) FILTER (WHERE r.dkim_domain <> '')
	           AS dkim_domains,
	       array_agg(DISTINCT r.spf_domain) FILTER (WHERE r.spf_domain <> '')
	           AS spf_domains,
	       count(DISTINCT r.reporter) AS reporters,
	       -- Within the period: a report of a week seen in a period of
	       -- three days was seen in those three days.
	       greatest(min(r.date_begin), p_since) AS first_seen,
	       least(max(r.date_end), p_until - interval '1 second')
	           AS last_seen,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass AND r.sub), 0)
	           AS failed_sub,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass AND r.sub
	           AND r.aligned_to IN (SELECT n.aligned_to FROM names n)), 0)
	           AS failed_np,
	       coalesce(sum(r.messages) FILTER (WHERE
	           r.disposition = 'quarantine'), 0) AS quarantined,
	       coalesce(sum(r.messages) FILTER (WHERE
	           r.disposition = 'reject'), 0) AS rejected
	FROM recs r
	GROUP BY r.source_ip
), causes AS (
	SELECT DISTINCT ON (r.source_ip) r.source_ip, r.cause,
	       sum(r.messages) AS cause_messages
	FROM recs r
	WHERE NOT r.pass
	GROUP BY r.source_ip, r.cause
	ORDER BY r.source_ip, sum(r.messages) DESC, r.cause
), used AS (
	-- Services that send for the domain and pass aligned.
	SELECT DISTINCT r.service FROM recs r
	WHERE r.pass AND r.service IS NOT NULL
)
SELECT p.source_ip,
       CASE
	 WHEN ip_listed(p.source_ip, p_trusted)
	      OR lower(p.service) = ANY (SELECT lower(t) FROM unnest(p_trusted) t)
	   THEN 'legitimate'
	 WHEN ip_listed(p.source_ip, p_ignored)
	      OR lower(p.service) = ANY (SELECT lower(t) FROM unnest(p_ignored) t)
	   THEN 'ignored'
	 WHEN p.failed > 0 AND p.forwarded * 2 >= p.failed THEN 'forwarder'
	 WHEN p.passed >= p_legit_share * p.messages AND p.passed > 0
	   THEN 'legitimate'
	 WHEN p.service IN (SELECT u.service FROM used u) THEN 'legitimate'
	 WHEN p.passed = 0 AND p.service IS NULL AND p.no_auth THEN 'spoofing'
	 ELSE 'unknown'
       END,
       p.service, p.ptr, p.messages, p.passed, p.failed, p.forwarded,
       c.cause, coalesce(c.cause_messages, 0), coalesce(p.dkim_domains, '{}'),
       coalesce(p.spf_domains, '{}'), p.reporters, p.first_seen, p.last_seen,
       p.failed_sub, p.failed_np, p.quarantined, p.rejected
FROM per p
LEFT JOIN causes c ON c.source_ip = p.source_ip
$$;

-- source_overview() of 007, over the rollup: the same classes and
-- columns, each source named (source_name(), migration 006), most failed
-- first.
CREATE OR REPLACE FUNCTION source_overview(p_domain text, p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}',
		p_ignored text[] DEFAULT '{}')
RETURNS TABLE (source_ip inet, class text, service text, ptr text,
	       messages numeric, passed numeric, failed numeric,
	       forwarded numeric, cause text, cause_messages numeric,
	       dkim_domains text[], spf_domains text[], reporters bigint,
	       first_seen timestamptz, last_seen timestamptz,
	       failed_sub numeric, failed_np numeric,
	       quarantined numeric, rejected numeric, who text)
LANGUAGE sql STABLE AS $$
SELECT c.*, coalesce(n.who, host(c.source_ip))
FROM source_classes(p_domain, p_since, p_until, p_legit_share, p_trusted,
                    p_ignored) c
LEFT JOIN LATERAL source_name(c.source_ip, c.service) n ON true
ORDER BY c.failed DESC, c.messages DESC, c.source_ip
$$;

-- readiness_inputs() of 007, its source and subdomain parts over the
-- rollup.  A source is new when no counted report shows it before the
-- last 7 days.
CREATE OR REPLACE FUNCTION readiness_inputs(p_domain text, p_days integer DEFAULT 14,
		p_until timestamptz DEFAULT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}',
		p_ignored text[] DEFAULT '{}')
RETURNS TABLE (days_with_data bigint, first_day date, last_day date,
	       reporters bigint, messages numeric, passed numeric,
	       legit_messages numeric, legit_passed numeric,
	       unknown_messages numeric, unknown_passed numeric,
	       mine_failing_sources bigint, mine_failed numeric,
	       forwarded numeric, spoofing numeric, ignored numeric,
	       new_sources bigint, new_messages numeric,
	       sub_messages numeric, sub_passed numeric,
	       sub_names bigint, sub_names_failing bigint,
	       sub_mine_failed numeric)
LANGUAGE sql STABLE AS $$
WITH s AS (
	SELECT * FROM source_classes(p_domain,
	    p_until - make_interval(days => p_days), p_until, p_legit_share,
	    p_trusted, p_ignored)
), f AS (
	-- The days reports cover, from the reports alone.
	SELECT count(DISTINCT d.day) AS days, min(d.day) AS first_day,
	       max(d.day) AS last_day, count(DISTINCT r.org_name) AS reporters
	FROM reports r
	JOIN report_days d ON d.report = r.id
	WHERE lower(r.domain) = lower(p_domain)
	  AND d.day >= ((p_until AT TIME ZONE 'UTC') - make_interval(days => p_days))::date
	  AND d.day < (p_until AT TIME ZONE 'UTC')::date
	  AND r.date_begin >= p_until - make_interval(days => p_days + 32)
	  AND r.date_begin < p_until
), new AS (
	SELECT s.source_ip, s.messages FROM s
	WHERE NOT EXISTS (
		SELECT 1 FROM source_days o
		WHERE o.domain = lower(p_domain) AND o.source_ip = s.source_ip
		  AND o.day < ((p_until AT TIME ZONE 'UTC') - interval '7 days')::date)
), sub AS (
	SELECT coalesce(sum(m), 0) AS m, coalesce(sum(ok), 0) AS ok,
	       count(*) AS names, count(*) FILTER (WHERE ok = 0) AS failing
	FROM (SELECT aligned_to, sum(messages) AS m,
	             coalesce(sum(messages) FILTER (WHERE pass), 0) AS ok
	      FROM source_days
	      WHERE domain = lower(p_domain)
	        AND day >= ((p_until AT TIME ZONE 'UTC')
	                    - make_interval(days => p_days))::date
	        AND day < (p_until AT TIME ZONE 'UTC')::date
	        AND right(aligned_to, length(p_domain) + 1)
	            = '.' || lower(p_domain)
	      GROUP BY aligned_to) x
)
SELECT f.days, f.first_day, f.last_day, f.reporters,
       coalesce((SELECT sum(messages) FROM s), 0),
       coalesce((SELECT sum(passed) FROM s), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'legitimate'), 0),
       coalesce((SELECT sum(passed) FROM s WHERE class = 'legitimate'), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'unknown'), 0),
       coalesce((SELECT sum(passed) FROM s WHERE class = 'unknown'), 0),
       (SELECT count(*) FROM s
        WHERE class IN ('legitimate', 'unknown') AND failed > 0),
       coalesce((SELECT sum(failed) FROM s
                 WHERE class IN ('legitimate', 'unknown')), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'forwarder'), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'spoofing'), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'ignored'), 0),
       (SELECT count(*) FROM new),
       coalesce((SELECT sum(messages) FROM new), 0),
       sub.m, sub.ok, sub.names, sub.failing,
       coalesce((SELECT sum(failed_sub) FROM s
                 WHERE class IN ('legitimate', 'unknown')), 0)
FROM f, sub
$$;
