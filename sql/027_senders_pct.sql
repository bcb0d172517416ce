-- 027: source_senders() takes the policy's pct (sql/defs/40), so that
-- a what-if grouped by sender hits what a receiver would, source by
-- source.  A parameter more is a function of its own to PostgreSQL: the
-- one of twelve parameters goes, and the definitions make the new one.
DROP FUNCTION IF EXISTS source_senders(text, timestamptz, timestamptz,
	numeric, text[], text[], text[], boolean, integer, integer,
	integer[], numeric);
