-- 026: retention by the day a report reached us when its own dates lie
-- in the future.
--
-- A report's range (or a failure report's Arrival-Date) is a stranger's
-- word: one dated in the year 2999 was never pruned, so the personal
-- data a failure report keeps stayed for ever, and a far-future aggregate
-- report (records_other) as well.  A report now ends when its range says
-- or when its input was received, whichever is sooner.  Both functions
-- as in 017 and 025 but for that.

CREATE OR REPLACE FUNCTION reports_prune(p_before timestamptz, p_dry boolean)
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

	-- A report ends when its range says, or when it reached us if that
	-- was sooner (least() passes over a NULL): a stranger's range in
	-- the year 9000 (kept in records_other) is no reason to keep it for
	-- ever.
	CREATE TEMP TABLE prune_ids ON COMMIT DROP AS
	SELECT r.id FROM reports r
	LEFT JOIN inputs i ON i.id = r.input
	WHERE r.id < (2::bigint << 40)
	  AND least(r.date_end, i.received_at) < p_before;
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

CREATE OR REPLACE FUNCTION other_reports_prune(p_before timestamptz, p_dry boolean)
RETURNS TABLE (kind text, reports bigint)
LANGUAGE plpgsql AS $$
DECLARE
	cut date := (p_before AT TIME ZONE 'UTC')::date;
BEGIN
	kind := 'tls';
	CREATE TEMP TABLE prune_tls ON COMMIT DROP AS
	SELECT t.id, t.input FROM tls_reports t
	LEFT JOIN inputs i ON i.id = t.input
	WHERE least(t.date_end, i.received_at) < p_before;
	SELECT count(*) INTO reports FROM prune_tls;
	IF NOT p_dry THEN
		UPDATE inputs SET reports_pruned_at = now()
		WHERE id IN (SELECT p.input FROM prune_tls p);
		DELETE FROM tls_reports t USING prune_tls p WHERE t.id = p.id;
	END IF;
	DROP TABLE prune_tls;
	RETURN NEXT;
	kind := 'failure';
	CREATE TEMP TABLE prune_failure ON COMMIT DROP AS
	SELECT f.id, f.input FROM failure_reports f
	LEFT JOIN inputs i ON i.id = f.input
	WHERE least(f.day, (i.received_at AT TIME ZONE 'UTC')::date) < cut;
	SELECT count(*) INTO reports FROM prune_failure;
	IF NOT p_dry THEN
		UPDATE inputs SET reports_pruned_at = now()
		WHERE id IN (SELECT p.input FROM prune_failure p);
		DELETE FROM failure_reports f USING prune_failure p
		WHERE f.id = p.id;
	END IF;
	DROP TABLE prune_failure;
	RETURN NEXT;
END
$$;
