-- 021: whose domains: the one rule that `report` and `metrics` apply.
--
-- Anyone who can mail the rua address can send reports about any domain
-- under any reporter's name.  Without the setting `domains`, a domain was
-- the owner's with 2 or more reporters OR 100 or more messages: one
-- made-up report claiming 100 messages made a domain "owned", so checked
-- over DNS, mailed and given a metrics series; 50 such reports made 50.
-- Now a domain is the owner's, without the setting, when over the period
--   - 2 or more reporters AND 100 or more messages sent for it,
--   - counted as the analysis counts (counted_reports: no report that
--     failed authentication, each report once),
--   - with at least one genuine report among them when the period holds
--     genuine reports at all (authserv_id is set and working: a stranger
--     then needs mail that passes for the reporters it names),
-- and only the 20 with the most messages.  C applies none of it: it reads
-- this function.

-- The domains with counted reports covering a day of [p_since, p_until)
-- (the days UTC; messages shared out among the days a report covers, as
-- report_days does), with their messages and whether each is the
-- owner's: with p_list (the setting `domains`), those of the list, which
-- are there even without reports (messages 0), names compared without
-- case or blanks; without it (NULL), by the rule above.  Most messages
-- first.
CREATE FUNCTION owned_domains(p_since timestamptz, p_until timestamptz,
                              p_list text[] DEFAULT NULL)
RETURNS TABLE (domain text, messages numeric, owned boolean)
LANGUAGE sql STABLE AS $$
WITH d AS (
	-- report_days holds the counted reports only (counted_reports); a
	-- report covers at most 31 days from its beginning.
	SELECT lower(r.domain) AS domain,
	       count(DISTINCT r.org_name) AS reporters,
	       sum(day_share(r.messages, d.lo, d.hi, d.span))::numeric
	           AS messages,
	       bool_or(r.genuine) IS TRUE AS genuine
	FROM reports r
	JOIN report_days d ON d.report = r.id
	WHERE d.day >= (p_since AT TIME ZONE 'UTC')::date
	  AND d.day < (p_until AT TIME ZONE 'UTC')::date
	  AND r.date_begin >= p_since - interval '32 days'
	  AND r.date_begin < p_until
	GROUP BY 1
), checked AS (
	SELECT bool_or(genuine) IS TRUE AS any FROM d
), ruled AS (
	SELECT d.domain, d.messages,
	       d.reporters >= 2 AND d.messages >= 100
	           AND (d.genuine OR NOT c.any) AS fits
	FROM d, checked c
), capped AS (
	SELECT r.domain, r.messages,
	       r.fits AND row_number() OVER (PARTITION BY r.fits
	                                     ORDER BY r.messages DESC,
	                                              r.domain) <= 20 AS owned
	FROM ruled r
), listed AS (
	SELECT DISTINCT lower(btrim(x)) AS domain
	FROM unnest(p_list) x
	WHERE btrim(x) <> ''
)
SELECT coalesce(c.domain, l.domain), coalesce(c.messages, 0),
       CASE WHEN p_list IS NOT NULL THEN l.domain IS NOT NULL
            ELSE c.owned END
FROM capped c
FULL JOIN listed l ON l.domain = c.domain
ORDER BY 2 DESC, 1
$$;
COMMENT ON FUNCTION owned_domains(timestamptz, timestamptz, text[]) IS 'The domains with counted reports in a period, their messages, and whether each is the owner''s: in p_list (the setting domains), or else 2 or more reporters and 100 or more messages, a genuine report when the period has any, the 20 with the most messages';
