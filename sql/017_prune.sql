-- 017: retention, for `dmarcsift prune` (settings keep_reports and
-- keep_inputs).
--
-- Reports go a month at a time where they can (016): a month whose end
-- is past the cut is two tables dropped.  Reports in the _other and
-- _legacy partitions are deleted row by row, their records and rollup
-- rows first, from those partitions only (the trigger that follows a
-- deleted report would look in every month).  An input's archived bytes
-- go on their own: the row stays, with its SHA-256, so the same mail or
-- file is still known and never stored twice, and raw_pruned_at says
-- when its bytes went (it can no longer be parsed again).

ALTER TABLE inputs ALTER COLUMN raw_gz DROP NOT NULL;
ALTER TABLE inputs ADD COLUMN raw_pruned_at timestamptz;
-- Parsing an input again would bring back the reports prune dropped.
ALTER TABLE inputs ADD COLUMN reports_pruned_at timestamptz;
COMMENT ON COLUMN inputs.reports_pruned_at IS
	'When prune dropped reports it yielded (keep_reports): reparse leaves it be';
COMMENT ON COLUMN inputs.raw_gz IS
	'The bytes as received, gzip-compressed; NULL once pruned (keep_inputs, raw_pruned_at)';

-- What goes when the reports that end before p_before go: each month
-- (kind 'month', its partitions' suffix, its reports) whose end is at or
-- before p_before, then the reports of _other and _legacy that end
-- before it (kind 'rows').  p_dry: only says what would go.
CREATE FUNCTION reports_prune(p_before timestamptz, p_dry boolean)
RETURNS TABLE (kind text, part text, reports bigint)
LANGUAGE plpgsql AS $$
DECLARE
	mon record;
	n bigint;
	t text;
BEGIN
	FOR mon IN SELECT (x.id >> 40)::integer AS code, count(*) AS n
	         FROM reports x
	         WHERE x.id >= (2::bigint << 40)
	         GROUP BY 1 ORDER BY 1 LOOP
		IF timestamptz '2000-01-01 00:00:00+00'
		   + make_interval(months => mon.code) > p_before THEN
			EXIT;
		END IF;
		kind := 'month';
		part := records_month_name(mon.code);
		IF NOT p_dry THEN
			UPDATE inputs SET reports_pruned_at = now()
			WHERE id IN (SELECT r.input FROM reports r
			             WHERE r.id >= mon.code::bigint << 40
			               AND r.id < (mon.code + 1)::bigint << 40);
		END IF;
		reports := CASE WHEN p_dry THEN mon.n
		                ELSE reports_drop_month(mon.code) END;
		RETURN NEXT;
	END LOOP;

	CREATE TEMP TABLE prune_ids ON COMMIT DROP AS
	SELECT id FROM reports
	WHERE id < (2::bigint << 40) AND date_end < p_before;
	SELECT count(*) INTO n FROM prune_ids;
	IF n = 0 OR p_dry THEN
		DROP TABLE prune_ids;
		IF n > 0 THEN
			kind := 'rows';
			part := 'other, legacy';
			reports := n;
			RETURN NEXT;
		END IF;
		RETURN;
	END IF;
	PERFORM pg_advisory_xact_lock(7243002);
	FOREACH t IN ARRAY ARRAY['records_legacy', 'records_other',
	                         'source_days_legacy', 'source_days_other'] LOOP
		IF to_regclass(t) IS NOT NULL THEN
			EXECUTE format('DELETE FROM %I x USING prune_ids p '
				'WHERE x.report = p.id', t);
		END IF;
	END LOOP;
	DELETE FROM source_days_reports m USING prune_ids p
	WHERE m.report = p.id;
	DELETE FROM source_days_pending m USING prune_ids p
	WHERE m.report = p.id;
	UPDATE inputs SET reports_pruned_at = now()
	WHERE id IN (SELECT r.input FROM reports r JOIN prune_ids p
	             ON p.id = r.id);
	PERFORM set_config('dmarcsift.records_gone', 'on', true);
	DELETE FROM reports r USING prune_ids p WHERE r.id = p.id;
	PERFORM set_config('dmarcsift.records_gone', '', true);
	DROP TABLE prune_ids;
	kind := 'rows';
	part := 'other, legacy';
	reports := n;
	RETURN NEXT;
END
$$;

-- The archived bytes of the inputs received before p_before: how many
-- inputs, and how many bytes, went (or would go, p_dry).
CREATE FUNCTION inputs_prune(p_before timestamptz, p_dry boolean)
RETURNS TABLE (inputs bigint, bytes bigint)
LANGUAGE plpgsql AS $$
BEGIN
	IF p_dry THEN
		RETURN QUERY SELECT count(*), coalesce(sum(octet_length(i.raw_gz)), 0)::bigint
		FROM inputs i
		WHERE i.received_at < p_before AND i.raw_gz IS NOT NULL;
		RETURN;
	END IF;
	RETURN QUERY
	WITH x AS (
		SELECT i.id, octet_length(i.raw_gz) AS len FROM inputs i
		WHERE i.received_at < p_before AND i.raw_gz IS NOT NULL
		FOR UPDATE
	), u AS (
		UPDATE inputs i SET raw_gz = NULL, raw_pruned_at = now()
		FROM x WHERE i.id = x.id
		RETURNING x.len
	)
	SELECT count(*), coalesce(sum(u.len), 0)::bigint FROM u;
END
$$;
