-- 011: the policy in force, read the same way by advise and by psql.
--
-- Reporters do not see a change of the published record on the same day
-- (DNS caches, report schedules).  policy_now gave the policy of the one
-- report that ends latest, so when two reporters' reports end together
-- the row id chose between the old policy and the new one: after a step
-- to quarantine, advise could read p=none, propose the step already
-- taken, and not watch the legitimate mail being quarantined.
--
-- Now each reporter's latest report counts.  Of the policies they give,
-- the one whose unbroken run at its reporter began last is the newest
-- change, a step or a rollback alike, and so the one in force.  since is
-- when the first reporter began giving it; confirming and reporters count
-- the reporters of the period (a latest report ending after p_since)
-- that give it, and all of them.  Forged reports and second copies do not
-- count (counted_reports).
CREATE FUNCTION policy_in_force(p_domain text,
		p_until timestamptz DEFAULT 'infinity',
		p_since timestamptz DEFAULT now() - interval '14 days')
RETURNS TABLE (p text, sp text, np text, pct smallint, testing text,
	       adkim text, aspf text, fo text, reported_at timestamptz,
	       reporter text, since timestamptz, confirming bigint,
	       reporters bigint)
LANGUAGE sql STABLE AS $$
WITH r AS (
	SELECT c.*, policy_key(c.p, c.pct, c.testing) AS k,
	       lower(c.org_name) AS who
	FROM counted_reports c
	WHERE lower(c.domain) = lower(p_domain) AND c.date_begin < p_until
), last AS (
	SELECT DISTINCT ON (who) * FROM r ORDER BY who, date_end DESC, id DESC
), runs AS (
	SELECT l.*,
	       (SELECT min(x.date_begin) FROM r x
	        WHERE x.who = l.who
	          AND x.date_begin >= coalesce(
	              (SELECT max(y.date_end) FROM r y
	               WHERE y.who = l.who AND y.k IS DISTINCT FROM l.k),
	              '-infinity')) AS began
	FROM last l
), pick AS (
	SELECT * FROM runs ORDER BY began DESC, date_end DESC, id DESC LIMIT 1
)
SELECT lower(c.p), lower(c.sp), lower(c.np), coalesce(c.pct, 100)::smallint,
       coalesce(lower(c.testing), 'n'), c.adkim, c.aspf, c.fo,
       (SELECT max(u.date_end) FROM runs u WHERE u.k IS NOT DISTINCT FROM c.k),
       c.org_name,
       (SELECT min(u.began) FROM runs u WHERE u.k IS NOT DISTINCT FROM c.k),
       (SELECT count(*) FROM runs u
        WHERE u.k IS NOT DISTINCT FROM c.k AND u.date_end > p_since),
       (SELECT count(*) FROM runs u WHERE u.date_end > p_since)
FROM pick c
$$;
COMMENT ON FUNCTION policy_in_force(text, timestamptz, timestamptz) IS 'The policy in force for a domain by the reports before p_until: the newest change any reporter shows, since when, and how many reporters of the period give it';

-- The same for every domain, now, over the last 14 days.  The columns of
-- 007 keep their names and meaning; since, confirming and reporters are
-- new.
CREATE OR REPLACE VIEW policy_now AS
SELECT d.domain, f.p, f.sp, f.np, f.pct, f.testing, f.adkim, f.aspf, f.fo,
       f.reported_at, f.reporter, f.since, f.confirming, f.reporters
FROM (SELECT DISTINCT lower(domain) AS domain FROM counted_reports) d
CROSS JOIN LATERAL policy_in_force(d.domain) f;
COMMENT ON VIEW policy_now IS 'Per domain, the policy in force by the reports (policy_in_force()): the newest change any reporter shows, since when, and how many of the reporters of the last 14 days give it';
