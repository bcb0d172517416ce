-- source_senders(): the senders the commands show, cut to their top in
-- SQL (013).  Its one home since it left the migrations: change it here,
-- never in a migration (tests/unit/test_schema_defs.c checks).
--
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
-- A source's hit is then source_hit() (readiness_hit() in C) at full
-- strength: its failing mail From the domain when p hits, From
-- subdomains when sp hits, From made-up subdomain names when np hits.
-- p_pct: the policy's pct: a source's hit is then that share of it,
-- rounded down source by source, as a receiver applies it (the what-if;
-- 100 for readiness, which judges a step at full strength).
-- p_over: a sender is over when hit * 1000 > p_over (advise passes the
-- share of all mail a sender may have, in per mille, times all mail; 0
-- counts the senders with any mail hit).
--
-- Rows, by kind:
--   sender  one per address shown (at most p_addresses) of each of the
--           p_top senders shown: the sender's rank (sender), its columns
--           and sums over all its addresses (addresses: how many), then
--           the address's own columns (a_*; a_rank: its place among
--           the addresses shown, in source_overview()'s order, a_n: in
--           its sender's)
--   more    one: the senders left out (sender: how many, addresses:
--           theirs, their sums, over: how many of them are over p_over,
--           NULL without it); senders: all senders
--   class   one per class with sources in the period, all of them (not
--           only those grouped): addresses and sums
CREATE OR REPLACE FUNCTION source_senders(p_domain text, p_since timestamptz,
		p_until timestamptz, p_legit_share numeric, p_trusted text[],
		p_ignored text[], p_classes text[], p_all boolean,
		p_top integer, p_addresses integer,
		p_hit integer[] DEFAULT NULL, p_over numeric DEFAULT NULL,
		p_pct integer DEFAULT 100)
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
LANGUAGE sql STABLE
-- The planner takes source_core() for a thousand rows and would join
-- the lists of every source by nested loops: a month of 259,000 sources
-- took minutes.  A plan without them costs past 10^10, and JIT then
-- compiles and inlines its every expression: in psql, 2.5 to 4 s of the
-- 6 to 7 s this took on the 1M-record month (the commands' sessions have
-- JIT off, common/db.c).
SET enable_nestloop = off
SET jit = off
AS $$
WITH o AS (
	SELECT * FROM source_core(p_domain, p_since, p_until,
	    p_legit_share, p_trusted, p_ignored)
), s AS MATERIALIZED (
	-- Only these are named: the name is what they are grouped by.  The
	-- ranks are taken over these few columns; the wide ones (arrays,
	-- names) are fetched for the addresses shown only.
	SELECT x.source_ip, x.class, x.messages, x.passed, x.failed,
	       x.forwarded, x.quarantined, x.rejected, x.first_seen,
	       x.last_seen, coalesce(x.name, host(x.source_ip)) AS who,
	       x.name IS NOT NULL AS named, x.sub, x.made_up,
	       source_hit(x.failed, x.sub, x.made_up, p_hit, p_pct) AS hit
	FROM (SELECT o.source_ip, o.class, o.messages, o.passed, o.failed,
	             o.forwarded, o.quarantined, o.rejected, o.first_seen,
	             o.last_seen,
	             source_who(o.service, d.service, d.confirmed,
	                        d.orgdomain, i.asn, n.handle,
	                        n.country) AS name,
	             least(o.failed_sub, o.failed) AS sub,
	             least(o.failed_np, o.failed_sub, o.failed) AS made_up
	      FROM o
	      -- source_name()'s tables, each hashed once (05_source_name.sql).
	      LEFT JOIN rdns d ON d.ip = o.source_ip
	      LEFT JOIN ip_owner i ON i.ip = o.source_ip
	      LEFT JOIN as_names n ON n.asn = i.asn
	      WHERE (p_classes IS NULL OR o.class = ANY (p_classes))
	        AND (p_all OR o.failed > 0)) x
), names AS (
	SELECT DISTINCT s.who FROM s WHERE s.named
), g AS MATERIALIZED (
	-- Sources grouped by their name; an address no name covers is a
	-- sender of its own, not hashed with every other (a spoofer's
	-- botnet: 250,000 of the 1M-record month's 257,000 failing
	-- sources, 0.6 s a call), unless a name is spelt like it.
	SELECT s.who, bool_or(s.class = 'legitimate') AS legit,
	       min(s.class) AS class1,
	       count(*) AS addresses, sum(s.messages) AS messages,
	       sum(s.passed) AS passed, sum(s.failed) AS failed,
	       sum(s.forwarded) AS forwarded, sum(s.sub) AS failed_sub,
	       sum(s.made_up) AS failed_np, sum(s.quarantined) AS quarantined,
	       sum(s.rejected) AS rejected, min(s.first_seen) AS first_seen,
	       max(s.last_seen) AS last_seen, sum(s.hit) AS hit
	FROM s
	WHERE s.named OR s.who IN (SELECT n.who FROM names n)
	GROUP BY s.who
	UNION ALL
	SELECT s.who, s.class = 'legitimate', s.class, 1::bigint, s.messages,
	       s.passed, s.failed, s.forwarded, s.sub, s.made_up,
	       s.quarantined, s.rejected, s.first_seen, s.last_seen, s.hit
	FROM s
	WHERE NOT s.named AND s.who NOT IN (SELECT n.who FROM names n)
), top AS MATERIALIZED (
	-- The first p_top by a bounded sort (a heap of p_top rows), not a
	-- sort of every sender: the rest are only counted.
	SELECT g.*,
	       row_number() OVER (ORDER BY
	           CASE WHEN p_hit IS NOT NULL THEN g.hit END DESC NULLS LAST,
	           g.failed DESC,
	           CASE WHEN p_hit IS NULL THEN g.messages END DESC NULLS LAST,
	           g.who COLLATE "C") AS sender
	FROM (SELECT g.* FROM g
	      ORDER BY CASE WHEN p_hit IS NOT NULL THEN g.hit END
	                   DESC NULLS LAST,
	               g.failed DESC,
	               CASE WHEN p_hit IS NULL THEN g.messages END
	                   DESC NULLS LAST,
	               g.who COLLATE "C"
	      LIMIT greatest(p_top, 0)) g
), addrs AS MATERIALIZED (
	-- The addresses of the senders shown, in order: the first is the
	-- one with the most failing mail, then the most mail, then the
	-- address as text.
	SELECT s.*,
	       row_number() OVER (PARTITION BY s.who
	                          ORDER BY s.failed DESC, s.messages DESC,
	                                   host(s.source_ip) COLLATE "C") AS n
	FROM s
	WHERE s.who IN (SELECT t.who FROM top t)
), shown AS MATERIALIZED (
	-- A sender is legitimate when any of its addresses is, else of the
	-- class of its first address.
	SELECT t.*,
	       CASE WHEN t.legit THEN 'legitimate' ELSE f.class END AS class,
	       a.source_ip AS ip, a.n
	FROM top t
	JOIN addrs f ON f.who = t.who AND f.n = 1
	JOIN addrs a ON a.who = t.who AND a.n <= p_addresses
), ranks AS (
	-- The place of each address shown among those shown, in
	-- source_overview()'s order: a sort of the few shown, not of every
	-- source (0.4 s a call over the 1M-record month's 259,000).
	SELECT w.ip AS source_ip,
	       row_number() OVER (ORDER BY a.failed DESC, a.messages DESC,
	                          a.source_ip) AS rank
	FROM shown w
	JOIN s a ON a.source_ip = w.ip
), lists AS (
	-- The lists of the addresses shown only.
	SELECT * FROM source_lists(p_domain, p_since, p_until,
	    ARRAY(SELECT w.ip FROM shown w))
), rest AS (
	-- The senders left out: all of them less those shown.
	SELECT count(*) AS senders, sum(g.addresses) AS addresses,
	       sum(g.messages) AS messages, sum(g.passed) AS passed,
	       sum(g.failed) AS failed, sum(g.forwarded) AS forwarded,
	       sum(g.hit) AS hit,
	       count(*) FILTER (WHERE g.hit * 1000 > p_over) AS over
	FROM g
), top_sums AS (
	SELECT count(*) AS senders, sum(t.addresses) AS addresses,
	       sum(t.messages) AS messages, sum(t.passed) AS passed,
	       sum(t.failed) AS failed, sum(t.forwarded) AS forwarded,
	       sum(t.hit) AS hit,
	       count(*) FILTER (WHERE t.hit * 1000 > p_over) AS over
	FROM top t
)
SELECT 'sender', w.sender, w.who, w.class, w.addresses, w.messages,
       w.passed, w.failed, w.forwarded, w.failed_sub, w.failed_np,
       w.quarantined, w.rejected, w.first_seen, w.last_seen, w.hit,
       NULL::bigint, NULL::bigint,
       k.rank, w.n, a.source_ip, a.class, a.service, a.ptr, a.messages,
       a.passed, a.failed, a.forwarded, l.cause, l.cause_messages,
       l.dkim_domains, l.spf_domains, l.reporters, a.first_seen,
       a.last_seen, a.failed_sub, a.failed_np, a.quarantined, a.rejected
FROM shown w
JOIN o a ON a.source_ip = w.ip
JOIN ranks k ON k.source_ip = w.ip
JOIN lists l ON l.source_ip = w.ip
UNION ALL
SELECT 'more', r.senders - t.senders, NULL, NULL,
       coalesce(r.addresses, 0) - coalesce(t.addresses, 0),
       coalesce(r.messages, 0) - coalesce(t.messages, 0),
       coalesce(r.passed, 0) - coalesce(t.passed, 0),
       coalesce(r.failed, 0) - coalesce(t.failed, 0),
       coalesce(r.forwarded, 0) - coalesce(t.forwarded, 0),
       NULL, NULL, NULL, NULL, NULL, NULL,
       coalesce(r.hit, 0) - coalesce(t.hit, 0),
       r.senders,
       CASE WHEN p_over IS NOT NULL THEN r.over - t.over END,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM rest r, top_sums t
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
