-- 007: the analysis as a domain owner reads it.
--
-- * Domains are case-insensitive (RFC 4343): every view gives the policy
--   domain lower-cased, so a reporter that writes Acme-Widgets.COM does
--   not split the domain.
-- * A report counts for every UTC day its range covers, not only the day
--   it begins: report_days shares its time out among the days, and
--   record_facts has one row per record and day covered, with the
--   record's messages shared out the same way (exactly: the shares of a
--   record add up to its count).  Sums over record_facts stay right; a
--   daily report (00:00:00 to 23:59:59) is one row as before.
-- * "DMARC pass" in a view is dmarcsift's own verdict; the receiver's is
--   record_facts.dmarc_pass and record_analysis.rcv_pass, named as such.
-- * source_overview() classes sources for the question an owner asks
--   before a policy step: what would it do to mail that may be mine?

-- The UTC days each report covers, at most 31 from its first (a longer
-- range is a stranger's absurdity, not a month of data), and the part of
-- its range that falls on each: [lo, hi) seconds from date_begin, of
-- span seconds in all.  A report whose range is empty or reversed covers
-- the day it begins.
CREATE VIEW report_days AS
SELECT r.id AS report,
       s.first + g.i AS day,
       g.i AS n,
       s.ndays,
       CASE WHEN s.span = 0 THEN 0
            ELSE greatest(s.b, s.m0 + 86400 * g.i) - s.b END AS lo,
       CASE WHEN s.span = 0 THEN 0
            ELSE least(s.e, s.m0 + 86400 * (g.i + 1)) - s.b END AS hi,
       s.span
FROM reports r
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
COMMENT ON VIEW report_days IS 'The UTC days each report covers, and which part of its range falls on each';

-- The UTC day of Unix seconds: what a period's bounds are, as days.
CREATE FUNCTION unix_day(t bigint)
RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT date '1970-01-01' + floor(t / 86400.0)::int
$$;

-- count's share of a report's range [lo, hi) of span: the shares of the
-- days of one report add up to count exactly (floor at both ends).
CREATE FUNCTION day_share(count bigint, lo numeric, hi numeric, span numeric)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN span <= 0 THEN CASE WHEN lo = 0 THEN count ELSE 0 END
            ELSE (floor(count::numeric * hi / span)
                  - floor(count::numeric * lo / span))::bigint END
$$;

CREATE OR REPLACE VIEW record_facts AS
SELECT r.id AS report,
       lower(r.domain) AS domain,
       r.org_name AS reporter,
       r.report_id,
       r.date_begin,
       r.date_end,
       d.day,
       rec.idx,
       rec.source_ip,
       day_share(rec.count, d.lo, d.hi, d.span) AS messages,
       rec.disposition,
       rec.dkim,
       rec.spf,
       coalesce(rec.dkim = 'pass' OR rec.spf = 'pass', false) AS dmarc_pass,
       rec.header_from,
       rec.envelope_from,
       rec.envelope_to
FROM reports r
JOIN report_days d ON d.report = r.id
JOIN records rec ON rec.report = r.id;
COMMENT ON VIEW record_facts IS 'Every record once per UTC day its report covers, its messages shared out among the days; dmarc_pass is the receiver''s verdict';

-- A pass rate in percent with one decimal, rounded down: it never shows
-- 100 while anything failed (the rule every output of dmarcsift follows).
CREATE FUNCTION pass_percent(passed numeric, messages numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN messages > 0
            THEN round(floor(1000 * least(passed, messages) / messages) / 10, 1) END
$$;

-- dmarcsift's own verdict from here on (record_analysis.pass).
CREATE OR REPLACE VIEW daily_volume AS
SELECT domain,
       day,
       sum(messages) AS messages,
       coalesce(sum(messages) FILTER (WHERE pass), 0) AS passed,
       pass_percent(coalesce(sum(messages) FILTER (WHERE pass), 0),
                    sum(messages)) AS pass_rate
FROM record_analysis
GROUP BY domain, day;

CREATE OR REPLACE VIEW source_volume AS
SELECT domain,
       source_ip,
       sum(messages) AS messages,
       coalesce(sum(messages) FILTER (WHERE NOT pass), 0) AS failed,
       min(date_begin) AS first_seen,
       max(date_end) AS last_seen,
       count(DISTINCT reporter) AS reporters
FROM record_analysis
GROUP BY domain, source_ip;

CREATE OR REPLACE VIEW reporter_daily AS
SELECT r.org_name AS reporter,
       lower(r.domain) AS domain,
       d.day,
       count(*) AS reports,
       sum(day_share(r.messages, d.lo, d.hi, d.span)) AS messages
FROM reports r
JOIN report_days d ON d.report = r.id
GROUP BY r.org_name, lower(r.domain), d.day;

DROP FUNCTION readiness_inputs(text, integer, timestamptz, numeric, text[]);
DROP FUNCTION source_overview(text, timestamptz, timestamptz, numeric, text[]);

-- An address or network in a list of trusted_sources / ignored_sources
-- entries (the others are service names).
CREATE FUNCTION ip_listed(ip inet, entries text[])
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT coalesce(ip <<= ANY (SELECT t::inet FROM unnest(entries) t
                            WHERE t ~ '^[0-9a-fA-F.:]+(/[0-9]+)?$'), false)
$$;

-- The sources of a domain over the UTC days from p_since to p_until (a
-- report counts for the days it covers), each in a class, first match
-- wins:
--   legitimate  in p_trusted (an address, a network or a service name)
--   ignored     in p_ignored: the owner said it is not theirs
--   forwarder   half or more of its failing mail failed by forwarding or
--               a mailing list, with evidence (verdict.h: a receiver's
--               reason, the domain's own signature broken in transit, a
--               known list service)
--   legitimate  at least p_legit_share of its mail passes aligned, or a
--               service whose other sources pass aligned for the domain
--   spoofing    nothing of its mail passes, it is no known service, and
--               nothing in it authenticates for anyone but a domain of no
--               known service without SPF: no authentication, failing
--               authentication, or a throwaway domain's own DKIM
--   unknown     the rest: it authenticates as someone else (a service not
--               set up for the domain, or one a spoofer uses): it may be
--               the owner's mail
-- failed_sub: failing mail whose From is a subdomain (sp applies);
-- failed_np: of that, from subdomain names none of whose mail passed in
-- the period (likely non-existent: np applies).  quarantined, rejected:
-- what receivers did to its mail.  who: the name to group it under
-- (source_name(), migration 006: its service, else the organizational
-- domain of its confirmed PTR, else its network and owner, else the
-- address).
CREATE FUNCTION source_overview(p_domain text, p_since timestamptz,
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
WITH recs AS (
	SELECT *,
	       aligned_to <> lower(p_domain)
	           AND right(aligned_to, length(p_domain) + 1)
	               = '.' || lower(p_domain) AS sub
	FROM record_analysis
	WHERE domain = lower(p_domain)
	  AND day >= (p_since AT TIME ZONE 'UTC')::date
	  AND day < (p_until AT TIME ZONE 'UTC')::date
	  -- A report covers at most 31 days from its first: this bound lets
	  -- the index on (lower(domain), date_begin) narrow the scan.
	  AND date_begin >= p_since - interval '32 days'
	  AND date_begin < p_until
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
	       (array_agg(r.service ORDER BY r.messages DESC)
	           FILTER (WHERE r.service IS NOT NULL))[1] AS service,
	       max(r.ptr) AS ptr,
	       array_agg(DISTINCT r.dkim_domain) FILTER (WHERE r.dkim_domain <> '')
	           AS dkim_domains,
	       array_agg(DISTINCT r.spf_domain) FILTER (WHERE r.spf_domain <> '')
	           AS spf_domains,
	       count(DISTINCT r.reporter) AS reporters,
	       min(r.date_begin) AS first_seen,
	       max(r.date_end) AS last_seen,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass AND r.sub), 0)
	           AS failed_sub,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass AND r.sub
	           AND r.aligned_to IN (SELECT n.aligned_to FROM names n)), 0)
	           AS failed_np,
	       coalesce(sum(r.messages) FILTER (WHERE
	           lower(r.disposition) = 'quarantine'), 0) AS quarantined,
	       coalesce(sum(r.messages) FILTER (WHERE
	           lower(r.disposition) = 'reject'), 0) AS rejected
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
       p.failed_sub, p.failed_np, p.quarantined, p.rejected,
       coalesce((SELECT n.who FROM source_name(p.source_ip, p.service) n),
                host(p.source_ip))
FROM per p
LEFT JOIN causes c ON c.source_ip = p.source_ip
ORDER BY p.failed DESC, p.messages DESC, p.source_ip
$$;

-- What `dmarcsift advise` judges, for a domain, over the p_days UTC days
-- before p_until: days covered by reports, reporters, volume; mail that
-- may be the owner's (legitimate and unknown sources) and how much of it
-- passed; the other classes; sources first seen in the last 7 days; and
-- subdomain mail (sp and np advice).
CREATE FUNCTION readiness_inputs(p_domain text, p_days integer DEFAULT 14,
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
	SELECT * FROM source_overview(p_domain,
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
), seen AS (
	-- First appearance of each source in everything stored: the day its
	-- first report begins is the first day that report covers.
	SELECT rec.source_ip, (min(r.date_begin) AT TIME ZONE 'UTC')::date
	           AS first_day
	FROM reports r
	JOIN records rec ON rec.report = r.id
	WHERE lower(r.domain) = lower(p_domain)
	  AND r.date_begin < p_until
	GROUP BY rec.source_ip
), sub AS (
	SELECT coalesce(sum(m), 0) AS m, coalesce(sum(ok), 0) AS ok,
	       count(*) AS names, count(*) FILTER (WHERE ok = 0) AS failing
	FROM (SELECT aligned_to, sum(messages) AS m,
	             coalesce(sum(messages) FILTER (WHERE pass), 0) AS ok
	      FROM record_analysis
	      WHERE domain = lower(p_domain)
	        AND day >= ((p_until AT TIME ZONE 'UTC')
	                    - make_interval(days => p_days))::date
	        AND day < (p_until AT TIME ZONE 'UTC')::date
	        AND date_begin >= p_until - make_interval(days => p_days + 32)
	        AND date_begin < p_until
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
       (SELECT count(*) FROM s JOIN seen USING (source_ip)
	WHERE seen.first_day >= ((p_until AT TIME ZONE 'UTC') - interval '7 days')::date),
       coalesce((SELECT sum(s.messages) FROM s JOIN seen USING (source_ip)
	         WHERE seen.first_day >= ((p_until AT TIME ZONE 'UTC') - interval '7 days')::date), 0),
       sub.m, sub.ok, sub.names, sub.failing,
       coalesce((SELECT sum(failed_sub) FROM s
                 WHERE class IN ('legitimate', 'unknown')), 0)
FROM f, sub
$$;

-- The step of the ladder a policy is on (readiness.h): 0 none,
-- 1 quarantine in test (t=y, or pct below 100), 2 quarantine, 3 reject in
-- test, 4 reject.  RFC 7489 reporters show a test step as pct=0, RFC 9989
-- ones as testing=y: one step.  policy_key adds a partial pct (1 to 99),
-- which is a policy of its own.
CREATE FUNCTION policy_step(p text, pct integer, testing text)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE lower(p)
	 WHEN 'quarantine' THEN CASE WHEN lower(coalesce(testing, 'n')) = 'y'
	                              OR coalesce(pct, 100) < 100 THEN 1 ELSE 2 END
	 WHEN 'reject' THEN CASE WHEN lower(coalesce(testing, 'n')) = 'y'
	                          OR coalesce(pct, 100) < 100 THEN 3 ELSE 4 END
	 ELSE 0 END
$$;

CREATE FUNCTION policy_key(p text, pct integer, testing text)
RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT ARRAY[policy_step(p, pct, testing),
             CASE WHEN pct BETWEEN 1 AND 99 THEN pct END]
$$;

-- The policy receivers last reported for each domain (the report that
-- ends latest), with when that was; pct and testing with their defaults
-- filled in (an absent pct is 100, RFC 7489 6.3; an absent t is n,
-- RFC 9989), so one policy written two ways reads the same.
CREATE OR REPLACE VIEW policy_now AS
SELECT DISTINCT ON (lower(domain))
       lower(domain) AS domain, lower(p) AS p, lower(sp) AS sp,
       lower(np) AS np, coalesce(pct, 100)::smallint AS pct,
       coalesce(lower(testing), 'n') AS testing, adkim, aspf, fo,
       date_end AS reported_at, org_name AS reporter
FROM reports
ORDER BY lower(domain), date_end DESC, id DESC;
