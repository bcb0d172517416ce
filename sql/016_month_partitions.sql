-- 016: records and the rollup partitioned by the month of their report.
--
-- Retention (keep a year of records, say) should drop a month, not delete
-- millions of rows one at a time.  A report's id now says its month: the
-- store makes it (code << 40) | n, n from reports_id_seq and code the
-- month the report begins in (1 for 2000-01, 2 for 2000-02, ...), so both
-- records and source_days, whose rows carry their report's id, are
-- partitioned by range of report id, one partition a month, with no
-- column added to any row; a report's records are found in one partition.
-- Reports dated outside the months the store accepts as plausible (more
-- than three years back, or ahead of the clock) get code 1: the partitions
-- named _other.  Reports stored before this migration keep their ids
-- (below 2^40): the partitions named _legacy.
--
-- records_month(code) makes a month's partitions; the store calls it
-- ahead of need, and when a report falls in a month that has none.
-- reports_drop_month(code) drops a month's partitions and its reports.

-- The views on records and source_days name the tables themselves, not
-- their names: they are made again over the new tables, as they were
-- (definition, comment, grants), nearest the tables first.
CREATE TEMP TABLE saved_views ON COMMIT DROP AS
WITH RECURSIVE deps (view_oid, depth) AS (
	SELECT DISTINCT r.ev_class, 1
	FROM pg_depend d
	JOIN pg_rewrite r ON r.oid = d.objid
	WHERE d.classid = 'pg_rewrite'::regclass
	  AND d.refobjid IN ('records'::regclass, 'source_days'::regclass)
	UNION
	SELECT DISTINCT r.ev_class, deps.depth + 1
	FROM deps
	JOIN pg_depend d ON d.refobjid = deps.view_oid
	JOIN pg_rewrite r ON r.oid = d.objid
	WHERE d.classid = 'pg_rewrite'::regclass
	  AND r.ev_class <> deps.view_oid
)
SELECT c.relname AS name, max(x.depth) AS depth,
       pg_get_viewdef(c.oid) AS def,
       obj_description(c.oid, 'pg_class') AS comment,
       c.relacl AS acl
FROM deps x
JOIN pg_class c ON c.oid = x.view_oid
WHERE c.relkind = 'v'
GROUP BY c.oid, c.relname, c.relacl;

DO $$
DECLARE
	v record;
BEGIN
	FOR v IN SELECT name FROM saved_views ORDER BY depth DESC LOOP
		EXECUTE format('DROP VIEW IF EXISTS %I', v.name);
	END LOOP;
END
$$;

-- The new tables, with the old ones' columns, defaults, checks, indexes,
-- comments and grants; the old ones become their first partitions.
CREATE TABLE records_parted (LIKE records INCLUDING ALL)
	PARTITION BY RANGE (report);
CREATE TABLE source_days_parted (LIKE source_days INCLUDING ALL)
	PARTITION BY RANGE (report);

DO $$
DECLARE
	t text;
	g record;
BEGIN
	FOREACH t IN ARRAY ARRAY['records', 'source_days'] LOOP
		-- Grants, as the old table had them.
		FOR g IN SELECT a.privilege_type, a.grantee
		         FROM pg_class c, aclexplode(c.relacl) a
		         WHERE c.oid = t::regclass
		           AND a.grantee <> c.relowner LOOP
			EXECUTE format('GRANT %s ON %I TO %s', g.privilege_type,
				t || '_parted',
				CASE WHEN g.grantee = 0 THEN 'PUBLIC'
				     ELSE quote_ident(pg_get_userbyid(g.grantee)) END);
		END LOOP;
		EXECUTE format('COMMENT ON TABLE %I IS %L', t || '_parted',
			obj_description(t::regclass, 'pg_class'));
		EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_legacy');
		EXECUTE format('ALTER TABLE %I RENAME TO %I', t || '_parted', t);
		EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES '
			'FROM (MINVALUE) TO (1099511627776)', t, t || '_legacy');
	END LOOP;
END
$$;

-- The indexes keep the names psql users know, on the parents (IF EXISTS:
-- a database made while 012 was being written may lack one).
ALTER INDEX IF EXISTS records_pkey RENAME TO records_legacy_pkey;
ALTER INDEX IF EXISTS records_parted_pkey RENAME TO records_pkey;
ALTER INDEX IF EXISTS records_source_ip RENAME TO records_legacy_source_ip;
ALTER INDEX IF EXISTS records_parted_source_ip_idx RENAME TO records_source_ip;
ALTER INDEX IF EXISTS source_days_domain_day RENAME TO source_days_legacy_domain_day;
ALTER INDEX IF EXISTS source_days_parted_domain_day_idx RENAME TO source_days_domain_day;
ALTER INDEX IF EXISTS source_days_report RENAME TO source_days_legacy_report;
ALTER INDEX IF EXISTS source_days_parted_report_idx RENAME TO source_days_report;
ALTER INDEX IF EXISTS source_days_domain_ip RENAME TO source_days_legacy_domain_ip;
ALTER INDEX IF EXISTS source_days_parted_domain_source_ip_day_idx
	RENAME TO source_days_domain_ip;

-- A write to the rollup forgets the classes kept (015), on the new table.
DROP TRIGGER source_days_forget_classes ON source_days_legacy;
CREATE TRIGGER source_days_forget_classes
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON source_days
	FOR EACH STATEMENT EXECUTE FUNCTION source_classes_forget();

DO $$
DECLARE
	v record;
	g record;
BEGIN
	FOR v IN SELECT * FROM saved_views ORDER BY depth LOOP
		EXECUTE format('CREATE VIEW %I AS %s', v.name, v.def);
		IF v.comment IS NOT NULL THEN
			EXECUTE format('COMMENT ON VIEW %I IS %L', v.name, v.comment);
		END IF;
		FOR g IN SELECT a.privilege_type, a.grantee
		         FROM aclexplode(v.acl) a
		         JOIN pg_class c ON c.relname = v.name
		                        AND c.relnamespace = 'public'::regnamespace
		         WHERE a.grantee <> c.relowner LOOP
			EXECUTE format('GRANT %s ON %I TO %s', g.privilege_type,
				v.name,
				CASE WHEN g.grantee = 0 THEN 'PUBLIC'
				     ELSE quote_ident(pg_get_userbyid(g.grantee)) END);
		END LOOP;
	END LOOP;
END
$$;

-- The month of a code, and its partitions' suffix: m202611, or other.
CREATE FUNCTION records_month_name(p_code integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p_code = 1 THEN 'other'
	            ELSE 'm' || to_char(date '2000-01-01'
	                 + make_interval(months => p_code - 1), 'YYYYMM') END
$$;

-- Makes the partitions of month p_code of records and source_days, unless
-- they are there; true when it made them.  Made as a table, then attached: attaching locks the
-- parent against other attaching only (SHARE UPDATE EXCLUSIVE), where
-- CREATE TABLE ... PARTITION OF would lock out every reader; one maker
-- at a time (an advisory lock held to the end of the transaction,
-- common/locks.h LOCK_PARTITION).  It runs as the owner of the schema
-- (SECURITY DEFINER): the role that ingests owns no table and may create
-- none, yet needs a month's partitions.  Any role may call it, so it
-- makes no more than 600 months of partitions: enough for fifty years,
-- too few to fill the catalog.
CREATE FUNCTION records_month(p_code integer) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	t text;
	part text;
	lo bigint := p_code::bigint << 40;
	made boolean := false;
BEGIN
	IF p_code < 1 THEN
		RAISE EXCEPTION 'records_month: code % is not a month', p_code;
	END IF;
	IF to_regclass('source_days_' || records_month_name(p_code)) IS NOT NULL
	THEN
		RETURN false;
	END IF;
	PERFORM pg_advisory_xact_lock(7243003);
	IF (SELECT count(*) FROM pg_inherits
	    WHERE inhparent = 'records'::regclass) >= 600 THEN
		RAISE EXCEPTION 'records_month: 600 months of partitions already: '
			'drop old months (reports_drop_month()) first';
	END IF;
	FOREACH t IN ARRAY ARRAY['records', 'source_days'] LOOP
		part := t || '_' || records_month_name(p_code);
		IF to_regclass(part) IS NULL THEN
			EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS '
				'INCLUDING CONSTRAINTS)', part, t);
			EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES '
				'FROM (%s) TO (%s)', t, part, lo, lo + (1::bigint << 40));
			made := true;
		END IF;
	END LOOP;
	RETURN made;
END
$$;

CREATE OR REPLACE FUNCTION records_follow_reports() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF coalesce(current_setting('dmarcsift.records_gone', true), '') <> 'on'
	THEN
		DELETE FROM records r USING gone g WHERE r.report = g.id;
	END IF;
	RETURN NULL;
END
$$;

-- Drops month p_code: its records' and rollup's partitions, then its
-- reports (and the rollup's note of them); the raw inputs stay.  Returns
-- the number of reports dropped.  The trigger that deletes a deleted
-- report's records is told they are gone already: it would look for them
-- in every other month's partition.
CREATE FUNCTION reports_drop_month(p_code integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	t text;
	n bigint;
	lo bigint := p_code::bigint << 40;
BEGIN
	IF p_code < 2 THEN
		RAISE EXCEPTION 'reports_drop_month: % is not a month of its own',
			p_code;
	END IF;
	PERFORM pg_advisory_xact_lock(7243003);
	PERFORM pg_advisory_xact_lock(7243002);
	FOREACH t IN ARRAY ARRAY['records', 'source_days'] LOOP
		EXECUTE format('DROP TABLE IF EXISTS %I',
			t || '_' || records_month_name(p_code));
	END LOOP;
	DELETE FROM source_days_reports
	WHERE report >= lo AND report < lo + (1::bigint << 40);
	DELETE FROM source_days_pending
	WHERE report >= lo AND report < lo + (1::bigint << 40);
	PERFORM set_config('dmarcsift.records_gone', 'on', true);
	DELETE FROM reports WHERE id >= lo AND id < lo + (1::bigint << 40);
	GET DIAGNOSTICS n = ROW_COUNT;
	PERFORM set_config('dmarcsift.records_gone', '', true);
	RETURN n;
END
$$;
