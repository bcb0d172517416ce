-- The class of every source of a domain over a period, from the rollup,
-- in three functions: source_classes_core() the classes and sums (one
-- row a source), source_lists() what each source was seen with (its main
-- failing cause, DKIM and SPF domains, reporters), and
-- source_classes_now() both.  Their one home since they left the
-- migrations (012 made it, 015 renamed it, 020 added the evidence):
-- change them here, never in a migration (tests/unit/test_schema_defs.c
-- checks).  Its ptr is the PTR name when forward-confirmed, else null: a
-- name that does not resolve back is whatever the address's reverse
-- zone says.
--
-- Apart because the classes need none of the lists, and the commands show
-- the lists of a few hundred sources: over the 1M-record month (984,000
-- rollup rows, 259,000 sources) the lists were a third of the time, a
-- sort per source for each DISTINCT and ORDER BY inside an aggregate.

-- The rollup's rows of a domain's days over a period with the columns
-- the classes are made of: a day's rows merged over its reports and
-- reporters (source_days_merged, 028), but for a day changed since they
-- were made (source_days_dirty): its rows in source_days as they are.
CREATE OR REPLACE FUNCTION source_days_classed(p_domain text,
		p_since timestamptz, p_until timestamptz DEFAULT 'infinity')
RETURNS TABLE (day date, source_ip inet, aligned_to text, pass boolean,
	       cause text, auth_cause text, override text, own_dkim text,
	       dkim_service text, spf_result text, spf_service text,
	       disposition text, date_begin timestamptz,
	       date_end timestamptz, messages bigint)
LANGUAGE sql STABLE AS $$
WITH dirty AS MATERIALIZED (
	SELECT DISTINCT x.day FROM source_days_dirty x
	WHERE x.domain = lower(p_domain)
	  AND x.day >= (p_since AT TIME ZONE 'UTC')::date
	  AND x.day < (p_until AT TIME ZONE 'UTC')::date
)
SELECT m.day, m.source_ip, m.aligned_to, m.pass, m.cause, m.auth_cause,
       m.override, m.own_dkim, m.dkim_service, m.spf_result,
       m.spf_service, m.disposition, m.date_begin, m.date_end, m.messages
FROM source_days_merged m
WHERE m.domain = lower(p_domain)
  AND m.day >= (p_since AT TIME ZONE 'UTC')::date
  AND m.day < (p_until AT TIME ZONE 'UTC')::date
  AND m.day NOT IN (SELECT x.day FROM dirty x)
UNION ALL
-- A hash of no days: the scan of source_days below never starts.  The
-- period bounds it when some are marked, not the domain's whole history.
SELECT s.day, s.source_ip, s.aligned_to, s.pass, s.cause, s.auth_cause,
       s.override, s.own_dkim, s.dkim_service, s.spf_result,
       s.spf_service, s.disposition, s.date_begin, s.date_end, s.messages
FROM source_days s
WHERE s.domain = lower(p_domain)
  AND s.day >= (p_since AT TIME ZONE 'UTC')::date
  AND s.day < (p_until AT TIME ZONE 'UTC')::date
  AND s.day IN (SELECT x.day FROM dirty x)
$$;

-- The classes (sql/README.md says them in words), first match wins:
-- trusted, ignored, forwarder, legitimate (by its share of passing mail,
-- by strict alignment, by its service), unknown for the owner's own
-- names, spoofing, else unknown.
CREATE OR REPLACE FUNCTION source_classes_core(p_domain text,
		p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}',
		p_ignored text[] DEFAULT '{}')
RETURNS TABLE (source_ip inet, class text, service text, ptr text,
	       messages numeric, passed numeric, failed numeric,
	       forwarded numeric, first_seen timestamptz,
	       last_seen timestamptz, failed_sub numeric, failed_np numeric,
	       quarantined numeric, rejected numeric, first_day date)
LANGUAGE sql STABLE AS $$
WITH recs AS (
	-- Only what the classes are made of: the rows are kept for every
	-- pass below, on disk past work_mem.
	SELECT s.source_ip, s.messages, s.pass, s.cause, s.auth_cause,
	       s.override, s.own_dkim, s.dkim_service, s.spf_result,
	       s.aligned_to, s.disposition, s.date_begin, s.date_end, s.day,
	       coalesce(d.service, s.dkim_service, s.spf_service) AS service,
	       -- A name that does not resolve back to the address is whatever
	       -- its reverse zone's owner chose: shown only when confirmed.
	       CASE WHEN d.confirmed THEN d.name END AS ptr,
	       -- Its forward-confirmed PTR name is in the domain's
	       -- organizational domain (rdns.orgdomain is the name's).
	       coalesce(d.confirmed AND (d.orgdomain = lower(p_domain)
	           OR right(lower(p_domain), length(d.orgdomain) + 1)
	              = '.' || d.orgdomain), false) AS own_name,
	       s.aligned_to <> lower(p_domain)
	           AND right(s.aligned_to, length(p_domain) + 1)
	               = '.' || lower(p_domain) AS sub
	FROM source_days_classed(p_domain, p_since, p_until) s
	LEFT JOIN rdns d ON d.ip = s.source_ip
), keys AS (
	-- The owner's keys that passed aligned in the period: a handful.
	SELECT DISTINCT r.own_dkim FROM recs r
	WHERE r.pass AND r.own_dkim IS NOT NULL
), names AS (
	-- Subdomain names with no passing mail in the period.
	SELECT aligned_to FROM recs WHERE sub
	GROUP BY aligned_to HAVING NOT bool_or(pass)
), per AS (
	-- keys and names are joined, not looked up by a subplan in each
	-- row's filter: the subplan's hash was built again for each batch
	-- the aggregate spilled (three times names over 10M records, 1.6 s
	-- each).
	SELECT r.source_ip,
	       sum(r.messages) AS messages,
	       coalesce(sum(r.messages) FILTER (WHERE r.pass), 0) AS passed,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass), 0) AS failed,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass
	           AND (r.cause IN ('forwarded', 'mailing_list')
	                OR r.override IN ('forwarded', 'mailing_list',
	                                  'trusted_forwarder')
	                -- re-signed beside one of those keys
	                OR (r.auth_cause = 'resigned'
	                    AND k.own_dkim IS NOT NULL))), 0) AS forwarded,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass
	           AND r.auth_cause = 'strict_unaligned'), 0) AS strict,
	       -- Nothing authenticates but, at most, a throwaway domain's own
	       -- DKIM without SPF (beside a broken signature of the owner's
	       -- that no evidence makes a forwarder's).
	       coalesce(bool_and(r.auth_cause IN ('no_auth', 'auth_fail')
	                OR (r.auth_cause IN ('dkim_unaligned', 'resigned')
	                    AND r.dkim_service IS NULL
	                    AND r.spf_result <> 'pass'
	                    AND NOT (r.auth_cause = 'resigned'
	                             AND k.own_dkim IS NOT NULL)))
	           FILTER (WHERE NOT r.pass), true) AS no_auth,
	       bool_or(r.own_name) AS own_name,
	       max(r.ptr) AS ptr,
	       -- Within the period: a report of a week seen in a period of
	       -- three days was seen in those three days.
	       greatest(min(r.date_begin), p_since) AS first_seen,
	       least(max(r.date_end), p_until - interval '1 second')
	           AS last_seen,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass AND r.sub), 0)
	           AS failed_sub,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass AND r.sub
	           AND n.aligned_to IS NOT NULL), 0) AS failed_np,
	       coalesce(sum(r.messages) FILTER (WHERE
	           r.disposition = 'quarantine'), 0) AS quarantined,
	       coalesce(sum(r.messages) FILTER (WHERE
	           r.disposition = 'reject'), 0) AS rejected,
	       -- Its first day in the period: one before a day says it is
	       -- not new on that day without a look at the history.
	       min(r.day) AS first_day
	FROM recs r
	-- Each at most one row a row of recs: keys are distinct, names
	-- grouped.
	LEFT JOIN keys k ON k.own_dkim = r.own_dkim
	LEFT JOIN names n ON n.aligned_to = r.aligned_to
	GROUP BY r.source_ip
), services AS (
	-- The service of most of its mail (then the first by name), as
	-- the source's page names it (analyze/browse_source.c): a sum, the
	-- same however its rows were merged.
	SELECT DISTINCT ON (x.source_ip) x.source_ip, x.service
	FROM (SELECT r.source_ip, r.service, sum(r.messages) AS top
	      FROM recs r WHERE r.service IS NOT NULL
	      GROUP BY r.source_ip, r.service) x
	ORDER BY x.source_ip, x.top DESC, x.service
), used AS (
	-- Services that send for the domain and pass aligned.
	SELECT DISTINCT r.service FROM recs r
	WHERE r.pass AND r.service IS NOT NULL
)
SELECT p.source_ip,
       CASE
	 -- Each list is looked at only when it has entries: two subqueries
	 -- a source cost a fifth of the time over a month's sources.
	 WHEN cardinality(p_trusted) > 0 AND (ip_listed(p.source_ip, p_trusted)
	      OR lower(p.service) = ANY (SELECT lower(t) FROM unnest(p_trusted) t))
	   THEN 'legitimate'
	 WHEN cardinality(p_ignored) > 0 AND (ip_listed(p.source_ip, p_ignored)
	      OR lower(p.service) = ANY (SELECT lower(t) FROM unnest(p_ignored) t))
	   THEN 'ignored'
	 WHEN p.failed > 0 AND p.forwarded * 2 >= p.failed THEN 'forwarder'
	 WHEN p.passed >= p_legit_share * p.messages AND p.passed > 0
	   THEN 'legitimate'
	 -- Only the owner's key or SPF record passes for those names.
	 WHEN p.strict * 2 > p.failed THEN 'legitimate'
	 WHEN p.service IN (SELECT u.service FROM used u) THEN 'legitimate'
	 -- The owner's DNS names it: it may be theirs, never spoofing.
	 WHEN p.own_name THEN 'unknown'
	 WHEN p.passed = 0 AND p.service IS NULL AND p.no_auth THEN 'spoofing'
	 ELSE 'unknown'
       END,
       p.service, p.ptr, p.messages, p.passed, p.failed, p.forwarded,
       p.first_seen, p.last_seen, p.failed_sub, p.failed_np, p.quarantined,
       p.rejected, p.first_day
FROM (SELECT p.*, v.service FROM per p
      LEFT JOIN services v ON v.source_ip = p.source_ip) p
$$;

-- What each source of p_ips (NULL: every source) was seen with over the
-- period: the cause of most of its failing mail (then the first by name)
-- and that mail, the DKIM and SPF domains, the reporters.  A source the
-- period does not show has no row.
CREATE OR REPLACE FUNCTION source_lists(p_domain text, p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_ips inet[] DEFAULT NULL)
RETURNS TABLE (source_ip inet, cause text, cause_messages numeric,
	       dkim_domains text[], spf_domains text[], reporters bigint)
LANGUAGE sql STABLE
-- Given addresses are probed in the (domain, address, day) index, one by
-- one: a caller that turns nested loops off (source_senders()) made it
-- read every row of the period and hash them, 0.8 s for 70 addresses on
-- the 1M-record month instead of 0.05 s.
SET enable_nestloop = on
AS $$
WITH recs AS (
	-- Two branches, one of them not run.  Given addresses are joined,
	-- never looked up in the array row by row: = ANY over a parameter
	-- is a linear search, and a list may show every source.
	SELECT s.source_ip, s.pass, s.cause, s.messages, s.dkim_domain,
	       s.spf_domain, s.reporter
	FROM source_days s
	WHERE p_ips IS NULL
	  AND s.domain = lower(p_domain)
	  AND s.day >= (p_since AT TIME ZONE 'UTC')::date
	  AND s.day < (p_until AT TIME ZONE 'UTC')::date
	UNION ALL
	SELECT s.source_ip, s.pass, s.cause, s.messages, s.dkim_domain,
	       s.spf_domain, s.reporter
	FROM (SELECT DISTINCT u.ip FROM unnest(p_ips) u (ip)) u
	JOIN source_days s ON s.source_ip = u.ip
	WHERE p_ips IS NOT NULL
	  AND s.domain = lower(p_domain)
	  AND s.day >= (p_since AT TIME ZONE 'UTC')::date
	  AND s.day < (p_until AT TIME ZONE 'UTC')::date
), causes AS (
	SELECT DISTINCT ON (r.source_ip) r.source_ip, r.cause,
	       sum(r.messages) AS cause_messages
	FROM recs r
	WHERE NOT r.pass
	GROUP BY r.source_ip, r.cause
	ORDER BY r.source_ip, sum(r.messages) DESC, r.cause
)
SELECT l.source_ip, c.cause, coalesce(c.cause_messages, 0),
       coalesce(l.dkim_domains, '{}'), coalesce(l.spf_domains, '{}'),
       l.reporters
-- The first 20 domains of each by name: a stranger's reports may give one
-- address a new DKIM or SPF domain in every record.
FROM (SELECT r.source_ip,
             (array_agg(DISTINCT r.dkim_domain)
                 FILTER (WHERE r.dkim_domain <> ''))[1:20] AS dkim_domains,
             (array_agg(DISTINCT r.spf_domain)
                 FILTER (WHERE r.spf_domain <> ''))[1:20] AS spf_domains,
             count(DISTINCT r.reporter) AS reporters
      FROM recs r
      GROUP BY r.source_ip) l
LEFT JOIN causes c ON c.source_ip = l.source_ip
$$;

-- Every source with its class and lists: the row source_overview() and
-- psql users read (the type source_class, 015).
CREATE OR REPLACE FUNCTION source_classes_now(p_domain text,
		p_since timestamptz,
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
SELECT c.source_ip, c.class, c.service, c.ptr, c.messages, c.passed,
       c.failed, c.forwarded, l.cause, l.cause_messages, l.dkim_domains,
       l.spf_domains, l.reporters, c.first_seen, c.last_seen,
       c.failed_sub, c.failed_np, c.quarantined, c.rejected
FROM source_classes_core(p_domain, p_since, p_until, p_legit_share,
                         p_trusted, p_ignored) c
JOIN source_lists(p_domain, p_since, p_until) l
  ON l.source_ip = c.source_ip
$$;
