-- source_changes(): addresses new in a period, or stopped (013).  Its
-- home since it left the migrations: change it here, never in a
-- migration (tests/unit/test_schema_defs.c checks).
--
-- Addresses that are new in [p_since, p_until) (none of the domain's
-- mail came from them before p_since: p_new) or that stopped (sent in
-- [p_prev_since, p_since) and not in [p_since, p_until)), as
-- source_overview() gives them over the period they were seen in, most
-- failed first; the first p_top, then one row with source_ip NULL: how
-- many were left out (more) and their messages.  The classes are
-- source_core()'s, kept for the transaction; the names and lists are
-- those of the first p_top only.
CREATE OR REPLACE FUNCTION source_changes(p_domain text, p_new boolean,
		p_prev_since timestamptz, p_since timestamptz,
		p_until timestamptz, p_legit_share numeric, p_trusted text[],
		p_ignored text[], p_top integer)
RETURNS TABLE (source_ip inet, class text, service text, ptr text,
	       messages numeric, passed numeric, failed numeric,
	       forwarded numeric, cause text, cause_messages numeric,
	       dkim_domains text[], spf_domains text[], reporters bigint,
	       first_seen timestamptz, last_seen timestamptz,
	       failed_sub numeric, failed_np numeric,
	       quarantined numeric, rejected numeric, who text,
	       more bigint, more_messages numeric)
LANGUAGE sql STABLE AS $$
WITH c AS MATERIALIZED (
	SELECT c.*,
	       row_number() OVER (ORDER BY c.failed DESC, c.messages DESC,
	                          c.source_ip) AS k
	FROM source_core(p_domain,
	         CASE WHEN p_new THEN p_since ELSE p_prev_since END,
	         CASE WHEN p_new THEN p_until ELSE p_since END,
	         p_legit_share, p_trusted, p_ignored) c
	WHERE CASE WHEN p_new
	      -- New: a probe of the domain's history before the period.
	      THEN NOT EXISTS (
		SELECT 1 FROM source_days d
		WHERE d.domain = lower(p_domain) AND d.source_ip = c.source_ip
		  AND d.day < (p_since AT TIME ZONE 'UTC')::date)
	      -- Stopped: not among the sources of the period, whose classes
	      -- the commands keep (source_core()): one hashed anti-join, not
	      -- a probe per source of the period before.
	      ELSE c.source_ip NOT IN (
		SELECT x.source_ip FROM source_core(p_domain, p_since,
		    p_until, p_legit_share, p_trusted, p_ignored) x) END
), top AS MATERIALIZED (
	SELECT * FROM c WHERE c.k <= p_top
), lists AS (
	SELECT * FROM source_lists(p_domain,
	    CASE WHEN p_new THEN p_since ELSE p_prev_since END,
	    CASE WHEN p_new THEN p_until ELSE p_since END,
	    ARRAY(SELECT t.source_ip FROM top t))
)
SELECT x.source_ip, x.class, x.service, x.ptr, x.messages, x.passed,
       x.failed, x.forwarded, x.cause, x.cause_messages, x.dkim_domains,
       x.spf_domains, x.reporters, x.first_seen, x.last_seen,
       x.failed_sub, x.failed_np, x.quarantined, x.rejected,
       x.who, x.more, x.more_messages
FROM (
	SELECT t.source_ip, t.class, t.service, t.ptr, t.messages, t.passed,
	       t.failed, t.forwarded, l.cause, l.cause_messages,
	       l.dkim_domains, l.spf_domains, l.reporters, t.first_seen,
	       t.last_seen, t.failed_sub, t.failed_np, t.quarantined,
	       t.rejected, coalesce(n.who, host(t.source_ip)) AS who,
	       NULL::bigint AS more, NULL::numeric AS more_messages, t.k
	FROM top t
	JOIN lists l ON l.source_ip = t.source_ip
	LEFT JOIN LATERAL source_name(t.source_ip, t.service) n ON true
	UNION ALL
	SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	       NULL, count(*), coalesce(sum(c.messages), 0), NULL
	FROM c WHERE c.k > p_top
) x
ORDER BY x.k NULLS LAST
$$;
