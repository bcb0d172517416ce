-- 005: the analysis, stored so that psql sees what the commands print.
--
-- dmarcsift computes each record's verdict in C (alignment needs the
-- Public Suffix List) and keeps it in record_verdicts; the reverse DNS of
-- source IPs is cached in rdns.  Everything above them, the per-source
-- rollup, its classes and the readiness inputs, is SQL, and the commands
-- read it through the same views and functions a user would.

-- One row per record: our DMARC evaluation beside the receiver's.  Filled
-- by every ingest (and by sources, advise and report) for records that
-- have none; recomputed whole when analysis_state says the rules or the
-- list of services changed.
CREATE TABLE record_verdicts (
	report       bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
	idx          integer NOT NULL,
	header_from  text NOT NULL,    -- normalized; the policy domain if absent
	dkim_aligned boolean NOT NULL, -- an aligned DKIM signature passed
	spf_aligned  boolean NOT NULL, -- SPF passed for an aligned domain
	pass         boolean NOT NULL, -- our DMARC verdict
	rcv_pass     boolean,          -- the receiver's; NULL when not said
	disagree     text[] NOT NULL DEFAULT '{}', -- {dkim}, {spf}, {dkim,spf}
	cause        text NOT NULL,    -- none, forwarded, spf_unaligned, ...
	auth_cause   text NOT NULL,    -- the cause the auth results alone give
	override     text,             -- the receiver's override reason
	dkim_domain  text NOT NULL,    -- which domain signed ('' if none)
	dkim_result  text NOT NULL,
	spf_domain   text NOT NULL,    -- which domain SPF checked ('' if none)
	spf_result   text NOT NULL,
	dkim_service text,             -- service of dkim_domain, if known
	spf_service  text,             -- service of spf_domain, if known
	PRIMARY KEY (report, idx)
);
COMMENT ON TABLE record_verdicts IS 'dmarcsift''s DMARC evaluation and failure cause for each record';

-- Reporters write the policy domain as the DNS gave it, in any case; the
-- analysis asks for a domain whatever its case.
CREATE INDEX reports_domain_lower ON reports (lower(domain), date_begin);

-- One row: what the stored verdicts were computed with.
CREATE TABLE analysis_state (
	one             boolean PRIMARY KEY DEFAULT true CHECK (one),
	rules_version   integer NOT NULL,
	services_sha256 bytea NOT NULL,
	updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE analysis_state IS 'The verdict rules and services list record_verdicts was computed with';

-- Reverse DNS of source IPs, kept for the answer's TTL.
CREATE TABLE rdns (
	ip          inet PRIMARY KEY,
	status      text NOT NULL,  -- ok, nxdomain, nodata, servfail, timeout, ...
	name        text,           -- the PTR name, without the trailing dot
	confirmed   boolean,        -- name resolves back to ip
	orgdomain   text,           -- organizational domain of name
	service     text,           -- service of name, if known
	resolved_at timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL
);
COMMENT ON TABLE rdns IS 'Reverse DNS of source IPs, cached for the TTL of the answer';

-- Every record with its report's context and both verdicts.
CREATE VIEW record_analysis AS
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

-- Per domain, source and UTC day: volume, our verdict, and the causes.
CREATE VIEW source_daily AS
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
FROM record_analysis
GROUP BY domain, source_ip, day;

-- The sources of a domain between two instants (a record counts when its
-- report begins in [since, until)), each in a class:
--   legitimate  in trusted (an IP, a network or a service name); or at
--               least legit_share of its mail passes aligned; or a
--               service whose other sources pass aligned for the domain
--   forwarder   half or more of its failing mail failed by forwarding or
--               a mailing list (checked before the share above: DKIM
--               survives forwarding, so forwarders pass some mail)
--   spoofing    none of its mail passes and nothing in it authenticates
--               (causes no_auth and auth_fail only)
--   unknown     the rest: it authenticates as someone else (an ESP you
--               may not have set up, or a spoofer using one)
-- cause is the cause of most of its failing mail; fix its fix.
CREATE FUNCTION source_overview(p_domain text, p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}')
RETURNS TABLE (source_ip inet, class text, service text, ptr text,
	       messages numeric, passed numeric, failed numeric,
	       forwarded numeric, cause text, cause_messages numeric,
	       dkim_domains text[], spf_domains text[], reporters bigint,
	       first_seen timestamptz, last_seen timestamptz)
LANGUAGE sql STABLE AS $$
WITH recs AS (
	SELECT * FROM record_analysis
	WHERE lower(domain) = lower(p_domain) AND date_begin >= p_since
	  AND date_begin < p_until
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
	       bool_and(r.auth_cause IN ('no_auth', 'auth_fail')) AS no_auth,
	       (array_agg(r.service ORDER BY r.messages DESC)
	           FILTER (WHERE r.service IS NOT NULL))[1] AS service,
	       max(r.ptr) AS ptr,
	       array_agg(DISTINCT r.dkim_domain) FILTER (WHERE r.dkim_domain <> '')
	           AS dkim_domains,
	       array_agg(DISTINCT r.spf_domain) FILTER (WHERE r.spf_domain <> '')
	           AS spf_domains,
	       count(DISTINCT r.reporter) AS reporters,
	       min(r.date_begin) AS first_seen,
	       max(r.date_end) AS last_seen
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
	 WHEN p.source_ip <<= ANY (SELECT t::inet FROM unnest(p_trusted) t
	                          WHERE t ~ '^[0-9a-fA-F.:]+(/[0-9]+)?$')
	      OR p.service = ANY (p_trusted)
	   THEN 'legitimate'
	 WHEN p.failed > 0 AND p.forwarded * 2 >= p.failed THEN 'forwarder'
	 WHEN p.passed >= p_legit_share * p.messages AND p.passed > 0
	   THEN 'legitimate'
	 WHEN p.service IN (SELECT u.service FROM used u) THEN 'legitimate'
	 WHEN p.passed = 0 AND p.no_auth THEN 'spoofing'
	 ELSE 'unknown'
       END,
       p.service, p.ptr, p.messages, p.passed, p.failed, p.forwarded,
       c.cause, coalesce(c.cause_messages, 0), coalesce(p.dkim_domains, '{}'),
       coalesce(p.spf_domains, '{}'), p.reporters, p.first_seen, p.last_seen
FROM per p
LEFT JOIN causes c ON c.source_ip = p.source_ip
ORDER BY p.failed DESC, p.messages DESC, p.source_ip
$$;

-- The policy receivers last reported for each domain (the report that
-- ends latest), with when that was.
CREATE VIEW policy_now AS
SELECT DISTINCT ON (lower(domain))
       lower(domain) AS domain, p, sp, np, pct, testing, adkim, aspf, fo,
       date_end AS reported_at, org_name AS reporter
FROM reports
ORDER BY lower(domain), date_end DESC, id DESC;

-- What `dmarcsift advise` judges, for a domain, over the p_days days
-- before p_until: days with data, reporters, volume, legitimate volume and
-- how much of it passed, the legitimate sources still failing and the
-- sources first seen in the last 7 days.
CREATE FUNCTION readiness_inputs(p_domain text, p_days integer DEFAULT 14,
		p_until timestamptz DEFAULT now(),
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}')
RETURNS TABLE (days_with_data bigint, first_day date, last_day date,
	       reporters bigint, messages numeric, passed numeric,
	       legit_messages numeric, legit_passed numeric,
	       legit_failing_sources bigint, legit_failed numeric,
	       forwarded numeric, spoofing numeric, unknown numeric,
	       new_sources bigint, new_messages numeric)
LANGUAGE sql STABLE AS $$
WITH s AS (
	SELECT * FROM source_overview(p_domain,
	    p_until - make_interval(days => p_days), p_until, p_legit_share,
	    p_trusted)
), f AS (
	SELECT count(DISTINCT day) AS days, min(day) AS first_day,
	       max(day) AS last_day, count(DISTINCT reporter) AS reporters
	FROM record_analysis
	WHERE lower(domain) = lower(p_domain)
	  AND date_begin >= p_until - make_interval(days => p_days)
	  AND date_begin < p_until
), seen AS (
	-- First appearance of each source in everything stored.
	SELECT source_ip, min(date_begin) AS first_seen
	FROM record_facts
	WHERE lower(domain) = lower(p_domain) AND date_begin < p_until
	GROUP BY source_ip
)
SELECT f.days, f.first_day, f.last_day, f.reporters,
       coalesce((SELECT sum(messages) FROM s), 0),
       coalesce((SELECT sum(passed) FROM s), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'legitimate'), 0),
       coalesce((SELECT sum(passed) FROM s WHERE class = 'legitimate'), 0),
       (SELECT count(*) FROM s WHERE class = 'legitimate' AND failed > 0),
       coalesce((SELECT sum(failed) FROM s WHERE class = 'legitimate'), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'forwarder'), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'spoofing'), 0),
       coalesce((SELECT sum(messages) FROM s WHERE class = 'unknown'), 0),
       (SELECT count(*) FROM s JOIN seen USING (source_ip)
	WHERE seen.first_seen >= p_until - interval '7 days'),
       coalesce((SELECT sum(s.messages) FROM s JOIN seen USING (source_ip)
	         WHERE seen.first_seen >= p_until - interval '7 days'), 0)
FROM f
$$;
