-- 029: a record's DKIM and SPF results kept once for every record that
-- has the same ones.
--
-- The results a receiver gives a record ({{domain, selector, result,
-- human_result}, ...} for DKIM, {{domain, scope, result, human_result},
-- ...} for SPF, 003) were two two-dimensional arrays in each row of
-- records: 138 of its 325 bytes on the benchmark's month, and the same few
-- shapes again and again (a sender's mail through a receiver shows the
-- same signatures and return path every day).  Each shape is now one row
-- of auth_shapes and a record names it (16 bytes; NULL: it has no results
-- at all).
--
-- A shape is named by its content: the first 16 bytes of the SHA-256 of
-- the two arrays as PostgreSQL writes them (array_out), one after the
-- other.  The store computes the same in C while the record is in memory
-- (ingest/auth_shape.c), so a record's row needs no round trip to name
-- its shape, and two stores never name one shape twice.  Shapes are added
-- by each ingest worker on a connection of its own, committed before the
-- records that name them (no report's transaction waits on another's for
-- a shape); prune deletes those no record names any more, while no
-- store's transaction holds LOCK_SHAPES (common/locks.h).

CREATE TABLE auth_shapes (
	id        uuid PRIMARY KEY,
	dkim_auth text[] NOT NULL,
	spf_auth  text[] NOT NULL
);
COMMENT ON TABLE auth_shapes IS 'The DKIM and SPF results of records, once per shape; records.auth names one';
COMMENT ON COLUMN auth_shapes.id IS
	'auth_shape_id(dkim_auth, spf_auth): the first 16 bytes of the SHA-256 of dkim_auth::text || spf_auth::text';
COMMENT ON COLUMN auth_shapes.dkim_auth IS
	'DKIM results: {{domain, selector, result, human_result}, ...}; see the view dkim_results';
COMMENT ON COLUMN auth_shapes.spf_auth IS
	'SPF results: {{domain, scope, result, human_result}, ...}; see the view spf_results';

-- Prune's deletions of shapes no record names, counted: a store's memory
-- of the shapes it wrote holds while this stays as it read it, in a
-- transaction that holds LOCK_SHAPES shared (ingest/auth_shape.c); prune
-- deletes under LOCK_SHAPES exclusive and counts one more.
CREATE TABLE auth_shapes_gc (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	gen bigint NOT NULL
);
INSERT INTO auth_shapes_gc (gen) VALUES (0);
COMMENT ON TABLE auth_shapes_gc IS 'How many times prune deleted shapes: a store forgets the shapes it remembers when this changed';

-- Whoever may read or write records may do the same with their shapes (a
-- role granted its tables one by one, not by default privileges).
DO $$
DECLARE
	g record;
BEGIN
	FOR g IN SELECT DISTINCT a.privilege_type, a.grantee, a.is_grantable
	         FROM pg_class c, aclexplode(c.relacl) a
	         WHERE c.oid = 'records'::regclass
	           AND a.grantee <> c.relowner
	           AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE',
	                                    'DELETE', 'TRUNCATE') LOOP
		EXECUTE format('GRANT %s ON auth_shapes, auth_shapes_gc TO %s%s',
			g.privilege_type,
			CASE WHEN g.grantee = 0 THEN 'PUBLIC'
			     ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
			CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION'
			     ELSE '' END);
	END LOOP;
END
$$;

-- The name of a shape; NULL for a record with no results.  Never changed:
-- the store computes the same (ingest/auth_shape.c).
CREATE FUNCTION auth_shape_id(p_dkim text[], p_spf text[]) RETURNS uuid
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT CASE WHEN cardinality(p_dkim) = 0 AND cardinality(p_spf) = 0
            THEN NULL
            ELSE encode(substring(sha256(convert_to(p_dkim::text
                 || p_spf::text, 'UTF8')) FROM 1 FOR 16), 'hex')::uuid
       END
$$;

-- The views over the arrays: dkim_results, spf_results and
-- record_verdicts are made anew below, record_analysis (sql/defs/20, over
-- record_verdicts) as it was, with its comment and grants.  A view of
-- anyone else's over any of them, in any schema, would come back without
-- its owner, options (security_invoker), indexes or column grants: the
-- migration stops first, before any work, naming them, and nothing has
-- changed.
CREATE TEMP TABLE saved_views ON COMMIT DROP AS
WITH RECURSIVE deps (view_oid) AS (
	SELECT r.ev_class
	FROM pg_depend d
	JOIN pg_rewrite r ON r.oid = d.objid
	JOIN pg_attribute a ON a.attrelid = d.refobjid
	                   AND a.attnum = d.refobjsubid
	WHERE d.classid = 'pg_rewrite'::regclass
	  AND d.refobjid = 'records'::regclass
	  AND a.attname IN ('dkim_auth', 'spf_auth')
	UNION
	SELECT r.ev_class
	FROM deps
	JOIN pg_depend d ON d.refobjid = deps.view_oid
	JOIN pg_rewrite r ON r.oid = d.objid
	WHERE d.classid = 'pg_rewrite'::regclass
	  AND r.ev_class <> deps.view_oid
)
SELECT c.oid, n.nspname AS schema, c.relname AS name,
       pg_get_viewdef(c.oid) AS def,
       obj_description(c.oid, 'pg_class') AS comment,
       c.relacl AS acl,
       n.nspname = 'public' AND c.relkind = 'v'
           AND c.relname IN ('dkim_results', 'spf_results',
                             'record_verdicts', 'record_analysis') AS ours
FROM deps x
JOIN pg_class c ON c.oid = x.view_oid
JOIN pg_namespace n ON n.oid = c.relnamespace;

DO $$
DECLARE
	others text;
BEGIN
	SELECT string_agg(format('%I.%I', schema, name), ', ' ORDER BY 1)
	INTO others FROM saved_views WHERE NOT ours;
	IF others IS NOT NULL THEN
		RAISE EXCEPTION 'migration 029 moves records.dkim_auth and '
			'spf_auth to auth_shapes, and these views are built on '
			'them or on the views over them: %; drop them, migrate '
			'again, and make them again (dkim_results, spf_results and '
			'record_verdicts keep their columns)', others;
	END IF;
END
$$;
DROP VIEW IF EXISTS record_analysis;
DROP VIEW dkim_results, spf_results, record_verdicts;

INSERT INTO auth_shapes (id, dkim_auth, spf_auth)
SELECT auth_shape_id(r.dkim_auth, r.spf_auth), r.dkim_auth, r.spf_auth
FROM (SELECT DISTINCT dkim_auth, spf_auth FROM records) r
WHERE cardinality(r.dkim_auth) > 0 OR cardinality(r.spf_auth) > 0
ON CONFLICT (id) DO NOTHING;

-- One rewrite of every row: the new column computed from the old ones,
-- which go (a rewrite leaves no room for a dropped column).
ALTER TABLE records ADD COLUMN auth uuid;
ALTER TABLE records
	ALTER COLUMN auth TYPE uuid USING auth_shape_id(dkim_auth, spf_auth),
	DROP COLUMN dkim_auth,
	DROP COLUMN spf_auth;
COMMENT ON COLUMN records.auth IS
	'Its DKIM and SPF results: the auth_shapes row of this id; NULL when it has none';

CREATE VIEW dkim_results AS
SELECT r.report, r.idx, n.n::smallint AS n,
       s.dkim_auth[n.n][1] AS domain,
       s.dkim_auth[n.n][2] AS selector,
       s.dkim_auth[n.n][3] AS result,
       s.dkim_auth[n.n][4] AS human_result
FROM records r
JOIN auth_shapes s ON s.id = r.auth,
LATERAL generate_subscripts(s.dkim_auth, 1) n (n);

CREATE VIEW spf_results AS
SELECT r.report, r.idx, n.n::smallint AS n,
       s.spf_auth[n.n][1] AS domain,
       s.spf_auth[n.n][2] AS scope,
       s.spf_auth[n.n][3] AS result,
       s.spf_auth[n.n][4] AS human_result
FROM records r
JOIN auth_shapes s ON s.id = r.auth,
LATERAL generate_subscripts(s.spf_auth, 1) n (n);

CREATE VIEW record_verdicts AS
SELECT r.report, r.idx,
       coalesce(r.v_header_from, r.header_from, '') AS header_from,
       r.v_dkim_aligned AS dkim_aligned,
       r.v_spf_aligned AS spf_aligned,
       r.v_pass AS pass,
       r.v_rcv_pass AS rcv_pass,
       CASE r.v_disagree
         WHEN 1 THEN '{dkim}'::text[]
         WHEN 2 THEN '{spf}'::text[]
         WHEN 3 THEN '{dkim,spf}'::text[]
         ELSE '{}'::text[]
       END AS disagree,
       c.name AS cause,
       a.name AS auth_cause,
       r.v_override AS override,
       coalesce(r.v_dkim_domain, s.dkim_auth[r.v_dkim][1], '') AS dkim_domain,
       coalesce(r.v_dkim_result, s.dkim_auth[r.v_dkim][3], 'none') AS dkim_result,
       coalesce(r.v_spf_domain, s.spf_auth[r.v_spf][1], '') AS spf_domain,
       coalesce(r.v_spf_result, s.spf_auth[r.v_spf][3], 'none') AS spf_result,
       r.v_dkim_service AS dkim_service,
       r.v_spf_service AS spf_service,
       dkim_key(s.dkim_auth[r.v_own][1], s.dkim_auth[r.v_own][2]) AS own_dkim
FROM records r
JOIN reports p ON p.id = r.report AND p.judged
JOIN verdict_causes c ON c.code = r.v_cause
JOIN verdict_causes a ON a.code = r.v_auth_cause
LEFT JOIN auth_shapes s ON s.id = r.auth
WHERE r.v_pass IS NOT NULL;

DO $$
DECLARE
	v record;
	g record;
BEGIN
	FOR v IN SELECT * FROM saved_views
	         ORDER BY name = 'record_analysis', name LOOP
		-- As it was: its home stays sql/defs/20, which replaces it
		-- after the migrations.
		IF v.name = 'record_analysis' THEN
			EXECUTE format('CREATE VIEW %I AS %s', v.name, v.def);
		END IF;
		IF v.comment IS NOT NULL THEN
			EXECUTE format('COMMENT ON VIEW %I IS %L', v.name,
				v.comment);
		END IF;
		FOR g IN SELECT a.privilege_type, a.grantee, a.is_grantable
		         FROM aclexplode(v.acl) a
		         JOIN pg_class c ON c.relname = v.name
		                        AND c.relnamespace = 'public'::regnamespace
		         WHERE a.grantee <> c.relowner LOOP
			EXECUTE format('GRANT %s ON %I TO %s%s', g.privilege_type,
				v.name,
				CASE WHEN g.grantee = 0 THEN 'PUBLIC'
				     ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
				CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION'
				     ELSE '' END);
		END LOOP;
	END LOOP;
END
$$;
