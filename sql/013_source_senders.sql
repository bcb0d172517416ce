-- 013: the lists the commands show, cut to their top in SQL.
--
-- sources, advise and report read every row of source_overview() into
-- the client and grouped, ranked and compared them there: on one day of
-- a domain with 695,000 source addresses that was 680 MB.  These
-- functions give what is shown (the top senders with their top
-- addresses, the top new and stopped addresses) and the exact counts and
-- sums of what was left out, so the client holds a few rows whatever the
-- number of sources.

-- Sources grouped by who sends (source_overview().who): the one home of
-- the rule.  A sender's class is legitimate when any of its addresses is,
-- else the class of its address with the most failing mail (then the
-- most mail, then the address as text); its addresses are in that order.
-- Senders rank most failed first, then most mail, then by name (bytes,
-- COLLATE "C"); with p_hit, most hit first, then most failed, then by
-- name.  Only the sources of classes p_classes (NULL: all) with failing
-- mail (p_all: all) are grouped.
--
-- p_hit {p, sp, np}: 1 where the policy judged is quarantine or reject.
-- A source's hit is then readiness_hit() (analyze/readiness.c) at full
-- strength: its failing mail From the domain when p hits, From
-- subdomains when sp hits, From made-up subdomain names when np hits.
-- p_over: a sender is over when hit * 1000 > p_over (advise passes the
-- share of all mail a sender may have, in per mille, times all mail).
--
-- Rows, by kind:
--   sender  one per address shown (at most p_addresses) of each of the
--           p_top senders shown: the sender's rank (sender), its columns
--           and sums over all its addresses (addresses: how many), then
--           the address's own columns (a_*; a_rank: its place in
--           source_overview()'s order, a_n: in its sender's)
--   more    one: the senders left out (sender: how many, addresses:
--           theirs, their sums, over: how many of them are over p_over,
--           NULL without it); senders: all senders
--   class   one per class with sources in the period, all of them (not
--           only those grouped): addresses and sums
CREATE FUNCTION source_senders(p_domain text, p_since timestamptz,
		p_until timestamptz, p_legit_share numeric, p_trusted text[],
		p_ignored text[], p_classes text[], p_all boolean,
		p_top integer, p_addresses integer,
		p_hit integer[] DEFAULT NULL, p_over numeric DEFAULT NULL)
RETURNS TABLE (kind text, sender bigint, who text, class text,
	       addresses bigint, messages numeric, passed numeric,
	       failed numeric, forwarded numeric, failed_sub numeric,
	       failed_np numeric, quarantined numeric, rejected numeric,
	       first_seen timestamptz, last_seen timestamptz, hit numeric,
	       senders bigint, over bigint,
	       a_rank bigint, a_n bigint, a_source_ip inet, a_class text, a_service text,
	       a_ptr text, a_messages numeric, a_passed numeric,
	       a_failed numeric, a_forwarded numeric, a_cause text,
	       a_cause_messages numeric, a_dkim_domains text[],
	       a_spf_domains text[], a_reporters bigint,
	       a_first_seen timestamptz, a_last_seen timestamptz,
	       a_failed_sub numeric, a_failed_np numeric,
	       a_quarantined numeric, a_rejected numeric)
LANGUAGE sql STABLE AS $$
WITH o AS (
	SELECT * FROM source_classes(p_domain, p_since, p_until,
	    p_legit_share, p_trusted, p_ignored)
), s AS (
	-- Only these are named: the name is what they are grouped by.
	SELECT o.*, coalesce(n.who, host(o.source_ip)) AS who,
	       host(o.source_ip) AS ip,
	       least(o.failed_sub, o.failed) AS sub,
	       least(o.failed_np, o.failed_sub, o.failed) AS made_up
	FROM o
	LEFT JOIN LATERAL source_name(o.source_ip, o.service) n ON true
	WHERE (p_classes IS NULL OR o.class = ANY (p_classes))
	  AND (p_all OR o.failed > 0)
), m AS (
	SELECT s.*,
	       (s.failed - s.sub) * coalesce(p_hit[1], 0)
	       + (s.sub - s.made_up) * coalesce(p_hit[2], 0)
	       + s.made_up * coalesce(p_hit[3], 0) AS hit,
	       row_number() OVER (ORDER BY s.failed DESC, s.messages DESC,
	                          s.source_ip) AS rank,
	       row_number() OVER (PARTITION BY s.who
	                          ORDER BY s.failed DESC, s.messages DESC,
	                                   s.ip COLLATE "C") AS n
	FROM s
), g AS (
	SELECT m.who,
	       CASE WHEN bool_or(m.class = 'legitimate') THEN 'legitimate'
	            ELSE min(m.class) FILTER (WHERE m.n = 1) END AS class,
	       count(*) AS addresses, sum(m.messages) AS messages,
	       sum(m.passed) AS passed, sum(m.failed) AS failed,
	       sum(m.forwarded) AS forwarded, sum(m.sub) AS failed_sub,
	       sum(m.made_up) AS failed_np, sum(m.quarantined) AS quarantined,
	       sum(m.rejected) AS rejected, min(m.first_seen) AS first_seen,
	       max(m.last_seen) AS last_seen, sum(m.hit) AS hit
	FROM m
	GROUP BY m.who
), r AS (
	SELECT g.*,
	       row_number() OVER (ORDER BY
	           CASE WHEN p_hit IS NOT NULL THEN g.hit END DESC NULLS LAST,
	           g.failed DESC,
	           CASE WHEN p_hit IS NULL THEN g.messages END DESC NULLS LAST,
	           g.who COLLATE "C") AS sender
	FROM g
)
SELECT 'sender', r.sender, r.who, r.class, r.addresses, r.messages,
       r.passed, r.failed, r.forwarded, r.failed_sub, r.failed_np,
       r.quarantined, r.rejected, r.first_seen, r.last_seen, r.hit,
       NULL::bigint, NULL::bigint,
       m.rank, m.n, m.source_ip, m.class, m.service, m.ptr, m.messages,
       m.passed, m.failed, m.forwarded, m.cause, m.cause_messages,
       m.dkim_domains, m.spf_domains, m.reporters, m.first_seen,
       m.last_seen, m.failed_sub, m.failed_np, m.quarantined, m.rejected
FROM r
JOIN m ON m.who = r.who AND m.n <= p_addresses
WHERE r.sender <= p_top
UNION ALL
SELECT 'more', count(*) FILTER (WHERE r.sender > p_top), NULL, NULL,
       coalesce(sum(r.addresses) FILTER (WHERE r.sender > p_top), 0),
       coalesce(sum(r.messages) FILTER (WHERE r.sender > p_top), 0),
       coalesce(sum(r.passed) FILTER (WHERE r.sender > p_top), 0),
       coalesce(sum(r.failed) FILTER (WHERE r.sender > p_top), 0),
       coalesce(sum(r.forwarded) FILTER (WHERE r.sender > p_top), 0),
       NULL, NULL, NULL, NULL, NULL, NULL,
       coalesce(sum(r.hit) FILTER (WHERE r.sender > p_top), 0),
       count(*),
       CASE WHEN p_over IS NOT NULL
            THEN count(*) FILTER (WHERE r.sender > p_top
                                    AND r.hit * 1000 > p_over) END,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM r
UNION ALL
SELECT 'class', NULL, NULL, o.class, count(*), sum(o.messages),
       sum(o.passed), sum(o.failed), sum(o.forwarded),
       sum(least(o.failed_sub, o.failed)),
       sum(least(o.failed_np, o.failed_sub, o.failed)),
       sum(o.quarantined), sum(o.rejected), min(o.first_seen),
       max(o.last_seen), NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM o
GROUP BY o.class
ORDER BY 1 DESC, 2, 20
$$;

-- Addresses that are new in [p_since, p_until) (none of the domain's
-- mail came from them before p_since: p_new) or that stopped (sent in
-- [p_prev_since, p_since) and not in [p_since, p_until)), as
-- source_overview() gives them over the period they were seen in, most
-- failed first; the first p_top, then one row with source_ip NULL: how
-- many were left out (more) and their messages.
CREATE FUNCTION source_changes(p_domain text, p_new boolean,
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
WITH c AS (
	SELECT c.*,
	       row_number() OVER (ORDER BY c.failed DESC, c.messages DESC,
	                          c.source_ip) AS k
	FROM source_classes(p_domain,
	         CASE WHEN p_new THEN p_since ELSE p_prev_since END,
	         CASE WHEN p_new THEN p_until ELSE p_since END,
	         p_legit_share, p_trusted, p_ignored) c
	WHERE NOT EXISTS (
		SELECT 1 FROM source_days d
		WHERE d.domain = lower(p_domain) AND d.source_ip = c.source_ip
		  AND CASE WHEN p_new
		        THEN d.day < (p_since AT TIME ZONE 'UTC')::date
		        ELSE d.day >= (p_since AT TIME ZONE 'UTC')::date
		         AND d.day < (p_until AT TIME ZONE 'UTC')::date END)
)
SELECT x.source_ip, x.class, x.service, x.ptr, x.messages, x.passed,
       x.failed, x.forwarded, x.cause, x.cause_messages, x.dkim_domains,
       x.spf_domains, x.reporters, x.first_seen, x.last_seen,
       x.failed_sub, x.failed_np, x.quarantined, x.rejected,
       x.who, x.more, x.more_messages
FROM (
	SELECT c.*, coalesce(n.who, host(c.source_ip)) AS who,
	       NULL::bigint AS more, NULL::numeric AS more_messages
	FROM c
	LEFT JOIN LATERAL source_name(c.source_ip, c.service) n ON true
	WHERE c.k <= p_top
	UNION ALL
	SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	       NULL, NULL, count(*), coalesce(sum(c.messages), 0)
	FROM c WHERE c.k > p_top
) x
ORDER BY x.k NULLS LAST
$$;
