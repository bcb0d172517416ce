-- source_core() and source_classes(): the classes of a period computed
-- once per transaction (015).  Their home since they left the
-- migrations: change them here, never in a migration
-- (tests/unit/test_schema_defs.c checks).
--
-- Inside a transaction that sees one snapshot (REPEATABLE READ or
-- SERIALIZABLE: the commands read in one, analyze/analysis_env.c) the
-- answer for the same arguments cannot change but for what that
-- transaction itself writes: the first call keeps source_classes_core()'s
-- rows in a temporary table of their own, named by the arguments' digest,
-- that ends with the transaction, and a write to the tables it reads
-- (source_days, rdns) forgets them all.  Anywhere else (psql, one
-- statement at a time) it computes as before.  A table of plain columns,
-- where 015 kept one composite column per row for every key: a later call
-- read each field out of that column one at a time (0.5 s for 259,000
-- sources, against 0.1 s), and looked for its key among all the rows.
CREATE OR REPLACE FUNCTION source_core(p_domain text, p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}',
		p_ignored text[] DEFAULT '{}')
RETURNS TABLE (source_ip inet, class text, service text, ptr text,
	       messages numeric, passed numeric, failed numeric,
	       forwarded numeric, first_seen timestamptz,
	       last_seen timestamptz, failed_sub numeric, failed_np numeric,
	       quarantined numeric, rejected numeric, first_day date)
LANGUAGE plpgsql AS $$
DECLARE
	t text := 'source_classes_m_' || md5(concat_ws(E'\x1f', 'core',
		lower(p_domain), p_since, p_until, p_legit_share,
		p_trusted::text, p_ignored::text));
BEGIN
	-- One snapshot, and a transaction block (the first statement after
	-- BEGIN starts later than the transaction).
	IF current_setting('transaction_isolation') NOT IN
	       ('repeatable read', 'serializable')
	   OR statement_timestamp() = transaction_timestamp() THEN
		RETURN QUERY SELECT * FROM source_classes_core(p_domain,
			p_since, p_until, p_legit_share, p_trusted, p_ignored);
		RETURN;
	END IF;
	IF to_regclass('pg_temp.' || t) IS NULL THEN
		EXECUTE format('CREATE TEMP TABLE %I ON COMMIT DROP AS '
			'SELECT * FROM source_classes_core($1, $2, $3, $4, '
			'$5, $6)', t)
		USING p_domain, p_since, p_until, p_legit_share, p_trusted,
		      p_ignored;
	END IF;
	RETURN QUERY EXECUTE format('SELECT * FROM pg_temp.%I', t);
END
$$;

-- Every source with its class and its lists (source_lists()), as
-- source_classes_now() gives them: the classes kept as above, the lists
-- computed each time (the commands read them for the sources they show).
CREATE OR REPLACE FUNCTION source_classes(p_domain text, p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}',
		p_ignored text[] DEFAULT '{}')
RETURNS SETOF source_class LANGUAGE sql AS $$
SELECT c.source_ip, c.class, c.service, c.ptr, c.messages, c.passed,
       c.failed, c.forwarded, l.cause, l.cause_messages, l.dkim_domains,
       l.spf_domains, l.reporters, c.first_seen, c.last_seen,
       c.failed_sub, c.failed_np, c.quarantined, c.rejected
FROM source_core(p_domain, p_since, p_until, p_legit_share, p_trusted,
                 p_ignored) c
JOIN source_lists(p_domain, p_since, p_until) l
  ON l.source_ip = c.source_ip
$$;

-- A write to what the classes are made of, in the transaction that kept
-- them, forgets them.
CREATE OR REPLACE FUNCTION source_classes_forget() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	t text;
BEGIN
	FOR t IN SELECT c.relname FROM pg_class c
	         WHERE c.relnamespace = pg_my_temp_schema()
	           AND c.relname LIKE 'source\_classes\_m\_%' LOOP
		EXECUTE format('DROP TABLE pg_temp.%I', t);
	END LOOP;
	-- The tables of the dmarcsift before this definition.
	DROP TABLE IF EXISTS pg_temp.source_classes_memo,
	                     pg_temp.source_classes_memo_keys;
	RETURN NULL;
END
$$;
