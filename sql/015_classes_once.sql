-- 015: the period's sources computed once per command.
--
-- source_senders() (top senders, and again per class), source_changes()
-- (new, stopped) and readiness_inputs() each classed the period's sources
-- with source_classes(): `report` computed the same classes six times,
-- most of its time.  Inside a transaction that sees one snapshot
-- (REPEATABLE READ or SERIALIZABLE: the commands read in one, see
-- analyze/analysis_env.c) the answer for the same arguments cannot
-- change, but for what that transaction itself writes: source_classes()
-- keeps it in a temporary table that ends with the transaction, and a
-- write to the tables it reads (source_days, rdns) forgets it.  Anywhere
-- else (psql, one statement at a time) it computes as before.

ALTER FUNCTION source_classes(text, timestamptz, timestamptz, numeric,
	text[], text[]) RENAME TO source_classes_now;
COMMENT ON FUNCTION source_classes_now(text, timestamptz, timestamptz,
	numeric, text[], text[]) IS
	'source_classes() computed from the rollup, never kept';

-- A row of source_classes(), as a type: the kept rows hold it whole.
CREATE TYPE source_class AS (source_ip inet, class text, service text,
	ptr text, messages numeric, passed numeric, failed numeric,
	forwarded numeric, cause text, cause_messages numeric,
	dkim_domains text[], spf_domains text[], reporters bigint,
	first_seen timestamptz, last_seen timestamptz, failed_sub numeric,
	failed_np numeric, quarantined numeric, rejected numeric);

CREATE FUNCTION source_classes(p_domain text, p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}',
		p_ignored text[] DEFAULT '{}')
RETURNS SETOF source_class LANGUAGE plpgsql AS $$
DECLARE
	k text := concat_ws(E'\x1f', lower(p_domain), p_since, p_until,
	                    p_legit_share, p_trusted::text, p_ignored::text);
BEGIN
	-- One snapshot, and a transaction block (the first statement after
	-- BEGIN starts later than the transaction).
	IF current_setting('transaction_isolation') NOT IN
	       ('repeatable read', 'serializable')
	   OR statement_timestamp() = transaction_timestamp() THEN
		RETURN QUERY SELECT * FROM source_classes_now(p_domain, p_since,
			p_until, p_legit_share, p_trusted, p_ignored);
		RETURN;
	END IF;
	IF to_regclass('pg_temp.source_classes_memo') IS NULL THEN
		CREATE TEMP TABLE source_classes_memo (memo_key text,
			c source_class) ON COMMIT DROP;
		CREATE TEMP TABLE source_classes_memo_keys (memo_key text)
			ON COMMIT DROP;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM source_classes_memo_keys m
	               WHERE m.memo_key = k) THEN
		INSERT INTO source_classes_memo
		SELECT k, ROW(x.*)::source_class
		FROM source_classes_now(p_domain, p_since, p_until,
			p_legit_share, p_trusted, p_ignored) x;
		INSERT INTO source_classes_memo_keys VALUES (k);
	END IF;
	RETURN QUERY SELECT (m.c).* FROM source_classes_memo m
	             WHERE m.memo_key = k;
END
$$;

-- A write to what the classes are made of, in the transaction that kept
-- them, forgets them.
CREATE FUNCTION source_classes_forget() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF to_regclass('pg_temp.source_classes_memo') IS NOT NULL THEN
		DROP TABLE pg_temp.source_classes_memo,
		           pg_temp.source_classes_memo_keys;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER source_days_forget_classes
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON source_days
	FOR EACH STATEMENT EXECUTE FUNCTION source_classes_forget();
CREATE TRIGGER rdns_forget_classes
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rdns
	FOR EACH STATEMENT EXECUTE FUNCTION source_classes_forget();
