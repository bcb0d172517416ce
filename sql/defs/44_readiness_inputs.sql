-- readiness_inputs(): what advise judges over a period (005, 007, 012).
-- Its home since it left the migrations: change it here, never in a
-- migration (tests/unit/test_schema_defs.c checks).  Its source and
-- subdomain parts over the rollup; the classes are source_core()'s, kept
-- for the transaction.  A source is new when no counted report shows it
-- before the last 7 days.
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
	-- The period's first day counted in UTC, whatever the session's
	-- TimeZone, and spelt as advise spells it (one source_core() a
	-- transaction: its arguments are its key).
	SELECT * FROM source_core(p_domain,
	    ((p_until AT TIME ZONE 'UTC') - make_interval(days => p_days))
	        AT TIME ZONE 'UTC',
	    p_until, p_legit_share, p_trusted, p_ignored)
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
	-- A source seen in the period before the last 7 days is not new:
	-- the history is looked at for the others only.
	SELECT s.source_ip, s.messages FROM s
	WHERE s.first_day >= ((p_until AT TIME ZONE 'UTC') - interval '7 days')::date
	  AND NOT EXISTS (
		SELECT 1 FROM source_days o
		WHERE o.domain = lower(p_domain) AND o.source_ip = s.source_ip
		  AND o.day < ((p_until AT TIME ZONE 'UTC') - interval '7 days')::date)
), sub AS (
	SELECT coalesce(sum(m), 0) AS m, coalesce(sum(ok), 0) AS ok,
	       count(*) AS names, count(*) FILTER (WHERE ok = 0) AS failing
	FROM (SELECT aligned_to, sum(messages) AS m,
	             coalesce(sum(messages) FILTER (WHERE pass), 0) AS ok
	      -- The days counted in UTC, whatever the session's TimeZone.
	      FROM source_days_classed(p_domain,
	          ((p_until AT TIME ZONE 'UTC')
	           - make_interval(days => p_days)) AT TIME ZONE 'UTC',
	          p_until)
	      WHERE right(aligned_to, length(p_domain) + 1)
	            = '.' || lower(p_domain)
	      GROUP BY aligned_to) x
)
SELECT f.days, f.first_day, f.last_day, f.reporters,
       a.messages, a.passed, a.legit_messages, a.legit_passed,
       a.unknown_messages, a.unknown_passed, a.mine_failing_sources,
       a.mine_failed, a.forwarded, a.spoofing, a.ignored,
       n.sources, n.messages,
       sub.m, sub.ok, sub.names, sub.failing,
       a.sub_mine_failed
FROM f, sub,
     -- The classes' sums in one pass (a scan of them each cost 20 to
     -- 40 ms over a month's 259,000 sources).
     (SELECT coalesce(sum(messages), 0) AS messages,
             coalesce(sum(passed), 0) AS passed,
             coalesce(sum(messages) FILTER (WHERE class = 'legitimate'), 0)
                 AS legit_messages,
             coalesce(sum(passed) FILTER (WHERE class = 'legitimate'), 0)
                 AS legit_passed,
             coalesce(sum(messages) FILTER (WHERE class = 'unknown'), 0)
                 AS unknown_messages,
             coalesce(sum(passed) FILTER (WHERE class = 'unknown'), 0)
                 AS unknown_passed,
             count(*) FILTER (WHERE class IN ('legitimate', 'unknown')
                              AND failed > 0) AS mine_failing_sources,
             coalesce(sum(failed) FILTER (WHERE class IN ('legitimate',
                 'unknown')), 0) AS mine_failed,
             coalesce(sum(messages) FILTER (WHERE class = 'forwarder'), 0)
                 AS forwarded,
             coalesce(sum(messages) FILTER (WHERE class = 'spoofing'), 0)
                 AS spoofing,
             coalesce(sum(messages) FILTER (WHERE class = 'ignored'), 0)
                 AS ignored,
             coalesce(sum(failed_sub) FILTER (WHERE class IN ('legitimate',
                 'unknown')), 0) AS sub_mine_failed
      FROM s) a,
     (SELECT count(*) AS sources, coalesce(sum(messages), 0) AS messages
      FROM new) n
$$;
