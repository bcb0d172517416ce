-- source_hit(): what a policy hits of a source's failing mail, the rule
-- readiness_hit() (analyze/readiness.c) applies in C; its one home in
-- SQL (source_senders() and source_whatif() call it, inlined).
--
-- Of p_failed, p_failed_sub came From subdomains (sp applies) and of
-- that p_failed_np from subdomain names none of whose mail passed (np
-- applies); each is cut to the one before.  p_hit {p, sp, np}: 1 where
-- that policy quarantines or rejects.  The sum at p_pct percent, rounded
-- down by div(), exactly: numeric division rounds a quotient past 10^16
-- to no decimals first, and floor() of that is one too many for a count
-- of 30000000000000001 at 50%.
CREATE OR REPLACE FUNCTION source_hit(p_failed numeric, p_failed_sub numeric,
		p_failed_np numeric, p_hit integer[],
		p_pct integer DEFAULT 100)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
SELECT div(((p_failed - least(p_failed_sub, p_failed))
            * coalesce(p_hit[1], 0)
            + (least(p_failed_sub, p_failed)
               - least(p_failed_np, p_failed_sub, p_failed))
            * coalesce(p_hit[2], 0)
            + least(p_failed_np, p_failed_sub, p_failed)
            * coalesce(p_hit[3], 0))
           * greatest(least(coalesce(p_pct, 100), 100), 0), 100)
$$;
