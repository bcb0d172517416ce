-- source_whatif(): what a proposed policy would have done to a period's
-- mail (advise --what-if, serve's what-if form), summed and cut in SQL so
-- that no client holds every source of a month.  Its one home: change it
-- here.
--
-- A source's affected mail is source_hit() at the policy's pct: of its
-- failing mail, what p hits (From the domain), sp (From subdomains) and
-- np (From made-up subdomain names), each 1 in p_hit {p, sp, np} when
-- that policy is quarantine or reject, rounded down source by source.
--
-- Rows, by kind:
--   source  the p_top sources with the most affected mail (then the most
--           mail, then the address as text), rank in n: source_overview()'s
--           columns and affected
--   class   one per class with sources in the period: messages (all its
--           mail), affected, sources (how many it hits, shown or not)
CREATE OR REPLACE FUNCTION source_whatif(p_domain text, p_since timestamptz,
		p_until timestamptz, p_legit_share numeric, p_trusted text[],
		p_ignored text[], p_hit integer[], p_pct integer,
		p_top integer)
RETURNS TABLE (kind text, n bigint, source_ip inet, class text,
	       service text, ptr text, messages numeric, passed numeric,
	       failed numeric, forwarded numeric, cause text,
	       cause_messages numeric, dkim_domains text[],
	       spf_domains text[], reporters bigint, first_seen timestamptz,
	       last_seen timestamptz, failed_sub numeric, failed_np numeric,
	       quarantined numeric, rejected numeric, who text,
	       affected numeric, sources bigint)
LANGUAGE sql STABLE
-- As source_senders(): no nested loops over a month of sources, and no
-- JIT for the cost that makes (in psql: the commands have it off).
SET enable_nestloop = off
SET jit = off
AS $$
WITH o AS (
	SELECT * FROM source_core(p_domain, p_since, p_until,
	    p_legit_share, p_trusted, p_ignored)
), h AS MATERIALIZED (
	SELECT o.source_ip, o.class, o.messages,
	       source_hit(o.failed, o.failed_sub, o.failed_np, p_hit, p_pct)
	           AS affected
	FROM o
), top AS MATERIALIZED (
	-- A bounded sort (a heap of p_top rows), not a sort of every source.
	SELECT t.source_ip, t.affected,
	       row_number() OVER (ORDER BY t.affected DESC, t.messages DESC,
	                          host(t.source_ip) COLLATE "C") AS n
	FROM (SELECT h.* FROM h
	      WHERE h.affected > 0
	      ORDER BY h.affected DESC, h.messages DESC,
	               host(h.source_ip) COLLATE "C"
	      LIMIT greatest(p_top, 0)) t
), lists AS (
	SELECT * FROM source_lists(p_domain, p_since, p_until,
	    ARRAY(SELECT t.source_ip FROM top t))
)
SELECT 'source', t.n, a.source_ip, a.class, a.service, a.ptr, a.messages,
       a.passed, a.failed, a.forwarded, l.cause, l.cause_messages,
       l.dkim_domains, l.spf_domains, l.reporters, a.first_seen,
       a.last_seen, a.failed_sub, a.failed_np, a.quarantined, a.rejected,
       coalesce(source_who(a.service, d.service, d.confirmed, d.orgdomain,
                           i.asn, an.handle, an.country),
                host(a.source_ip)),
       t.affected, NULL::bigint
FROM top t
JOIN o a ON a.source_ip = t.source_ip
JOIN lists l ON l.source_ip = t.source_ip
LEFT JOIN rdns d ON d.ip = t.source_ip
LEFT JOIN ip_owner i ON i.ip = t.source_ip
LEFT JOIN as_names an ON an.asn = i.asn
UNION ALL
SELECT 'class', NULL, NULL, h.class, NULL, NULL, sum(h.messages), NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, sum(h.affected),
       count(*) FILTER (WHERE h.affected > 0)
FROM h
GROUP BY h.class
ORDER BY 1 DESC, 2, 4
$$;
