-- The rollup source_days kept in line with the counted reports (012,
-- 014, 020): source_days_sync() for a set of reports or all, the
-- catch-up the ingest workers run when they have stored their inputs, and
-- what a delete of reports does; and its days merged (028,
-- source_days_merged_catch_up()).  Their home since they left the
-- migrations: change them here (tests/unit/test_schema_defs.c checks).

-- The group of a report and its copies (report_copies()), as a key for
-- the keyed lock LOCK_CLASS_ROLLUP (common/locks.h): a collision only makes
-- two groups take turns.
CREATE OR REPLACE FUNCTION report_group(r reports) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT hashtext(concat_ws(E'\x1f', r.org_name, r.report_id,
		lower(r.domain), extract(epoch FROM r.date_begin),
		extract(epoch FROM r.date_end)))
$$;

-- As in 020, with the lock per group of copies.
CREATE OR REPLACE FUNCTION source_days_sync(p_reports bigint[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql
SET work_mem = '64MB' AS $$
BEGIN
	-- Copies of a report (same reporter, report_id, domain, range) are
	-- one group: which of them counts is decided by one sync at a time.
	-- Syncs of other groups run at once (every ingest worker catches
	-- up); a sync of everything, a month dropped or reports deleted take
	-- the whole rollup (LOCK_ROLLUP exclusive, common/locks.h).
	IF p_reports IS NULL THEN
		PERFORM pg_advisory_xact_lock(7243002);
	ELSE
		PERFORM pg_advisory_xact_lock_shared(7243002);
		PERFORM pg_advisory_xact_lock(1919903844, g.k)
		FROM (SELECT DISTINCT report_group(r) AS k FROM reports r
		      WHERE r.id = ANY (p_reports) ORDER BY 1) g;
	END IF;
	WITH gone AS (
		DELETE FROM source_days_reports m
		WHERE (p_reports IS NULL OR m.report = ANY (p_reports))
		  AND NOT EXISTS (SELECT 1 FROM counted_reports c
		                  JOIN reports j ON j.id = c.id AND j.judged
		                  WHERE c.id = m.report)
		RETURNING m.report
	), gone_rows AS (
		DELETE FROM source_days s USING gone g WHERE s.report = g.report
		RETURNING s.domain, s.day)
	-- Their days are remade (source_days_merged_catch_up()).
	INSERT INTO source_days_dirty (domain, day)
	SELECT DISTINCT domain, day FROM gone_rows;

	WITH new AS (
		INSERT INTO source_days_reports (report)
		SELECT c.id FROM counted_reports c
		JOIN reports j ON j.id = c.id AND j.judged
		WHERE (p_reports IS NULL OR c.id = ANY (p_reports))
		  AND NOT EXISTS (SELECT 1 FROM source_days_reports m
		                  WHERE m.report = c.id)
		RETURNING report
	), days AS MATERIALIZED (
		SELECT d.report, d.day, d.lo, d.hi, d.span
		FROM new n JOIN report_days d ON d.report = n.report
	), marks AS (
		-- Every day the new reports cover is made again after the
		-- run (source_days_merged_catch_up()); a day with no records
		-- marked too is only made for nothing.
		INSERT INTO source_days_dirty (domain, day)
		SELECT DISTINCT lower(r.domain), d.day
		FROM days d JOIN reports r ON r.id = d.report
	), shapes AS MATERIALIZED (
		-- The shapes (029) the new records name, each looked up by
		-- its key: joined whole, auth_shapes was read and hashed by
		-- every sync, a cost that grows with the dictionary.
		SELECT u.auth, s.dkim_auth, s.spf_auth
		FROM (SELECT DISTINCT rec.auth FROM new n
		      JOIN records rec ON rec.report = n.report
		      WHERE rec.auth IS NOT NULL) u
		CROSS JOIN LATERAL (SELECT s.dkim_auth, s.spf_auth
		                    FROM auth_shapes s WHERE s.id = u.auth
		                    OFFSET 0) s
	), recs AS (
		SELECT r.id, lower(r.domain) AS domain, r.org_name,
		       r.date_begin, r.date_end, x.*
		FROM new n
		JOIN reports r ON r.id = n.report
		CROSS JOIN LATERAL (
			SELECT rec.source_ip, rec.count,
			       lower(rec.disposition) AS disposition,
			       coalesce(rec.v_header_from, rec.header_from, '')
			           AS header_from,
			       rec.v_pass AS pass, rec.v_rcv_pass AS rcv_pass,
			       rec.v_cause, rec.v_auth_cause,
			       rec.v_override AS override,
			       coalesce(rec.v_dkim_domain,
			                sh.dkim_auth[rec.v_dkim][1], '')
			           AS dkim_domain,
			       rec.v_dkim_service AS dkim_service,
			       coalesce(rec.v_spf_domain,
			                sh.spf_auth[rec.v_spf][1], '')
			           AS spf_domain,
			       coalesce(rec.v_spf_result,
			                sh.spf_auth[rec.v_spf][3], 'none')
			           AS spf_result,
			       rec.v_spf_service AS spf_service,
			       -- v_dkim is the aligned passing signature when
			       -- DKIM passes aligned (verdict.h).
			       CASE WHEN rec.v_own IS NOT NULL
			            THEN dkim_key(sh.dkim_auth[rec.v_own][1],
			                          sh.dkim_auth[rec.v_own][2])
			            WHEN rec.v_dkim_aligned
			            THEN dkim_key(sh.dkim_auth[rec.v_dkim][1],
			                          sh.dkim_auth[rec.v_dkim][2])
			       END AS own_dkim
			FROM records rec
			-- Its DKIM and SPF results, kept once a shape.
			LEFT JOIN shapes sh ON sh.auth = rec.auth
			WHERE rec.report = r.id AND rec.v_pass IS NOT NULL) x
	), grouped AS (
		SELECT x.id, x.domain, d.day, x.source_ip, x.org_name,
		       x.date_begin, x.date_end, x.header_from, x.pass,
		       x.rcv_pass, x.v_cause, x.v_auth_cause, x.override,
		       x.dkim_domain, x.dkim_service, x.spf_domain,
		       x.spf_result, x.spf_service, x.disposition, x.own_dkim,
		       count(*) AS records,
		       sum(day_share(x.count, d.lo, d.hi, d.span)) AS messages
		FROM recs x
		JOIN days d ON d.report = x.id
		GROUP BY x.id, x.domain, d.day, x.source_ip, x.org_name,
		         x.date_begin, x.date_end, x.header_from, x.pass,
		         x.rcv_pass, x.v_cause, x.v_auth_cause, x.override,
		         x.dkim_domain, x.dkim_service, x.spf_domain,
		         x.spf_result, x.spf_service, x.disposition, x.own_dkim
	)
	INSERT INTO source_days (report, domain, day, source_ip, reporter,
		date_begin, date_end, aligned_to, pass, rcv_pass, cause,
		auth_cause, override, dkim_domain, dkim_service, spf_domain,
		spf_result, spf_service, disposition, records, messages,
		own_dkim)
	SELECT g.id, g.domain, g.day, g.source_ip, g.org_name, g.date_begin,
	       g.date_end, g.header_from, g.pass, g.rcv_pass, c.name, a.name,
	       g.override, g.dkim_domain, g.dkim_service, g.spf_domain,
	       g.spf_result, g.spf_service, g.disposition, g.records,
	       g.messages, g.own_dkim
	FROM grouped g
	JOIN verdict_causes c ON c.code = g.v_cause
	JOIN verdict_causes a ON a.code = g.v_auth_cause;
END
$$;

-- Syncs pending reports (and their copies) and forgets them: at most
-- p_limit reports and about 20,000 records a transaction, so that the
-- workers of one ingest share a month of a few big reports; a report
-- another catch-up holds is left to it.  Returns how many it took, 0
-- when none is left for it.
CREATE OR REPLACE FUNCTION source_days_catch_up(p_limit integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	ids bigint[] := '{}';
	budget bigint := 20000;
	p record;
BEGIN
	-- A reading role may not lock rows: it finds none to take.
	IF NOT EXISTS (SELECT 1 FROM source_days_pending) THEN
		RETURN 0;
	END IF;
	FOR p IN SELECT s.report, coalesce(r.record_count, 0) AS n
	         FROM source_days_pending s
	         LEFT JOIN reports r ON r.id = s.report
	         ORDER BY s.report
	         FOR UPDATE OF s SKIP LOCKED LOOP
		EXIT WHEN cardinality(ids) >= p_limit
		       OR (cardinality(ids) > 0 AND budget - p.n < 0);
		ids := ids || p.report;
		budget := budget - p.n;
	END LOOP;
	IF cardinality(ids) = 0 THEN
		RETURN 0;
	END IF;
	PERFORM source_days_sync(report_copies(ids));
	DELETE FROM source_days_pending WHERE report = ANY (ids);
	RETURN cardinality(ids);
END
$$;

-- Reports deleted (their input deleted, reparse, prune): their rows go,
-- their days are remade, and a copy still here may count now.  The gone
-- reports are no longer there to name their group, so this takes the
-- whole rollup.
CREATE OR REPLACE FUNCTION source_days_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	ids bigint[];
BEGIN
	SELECT array_agg(DISTINCT x.id) INTO ids FROM (
		SELECT g.id FROM gone g
		UNION
		SELECT o.id FROM gone g
		JOIN reports o ON o.org_name = g.org_name
		              AND o.report_id = g.report_id
		              AND lower(o.domain) = lower(g.domain)
		              AND o.date_begin = g.date_begin
		              AND o.date_end = g.date_end) x;
	IF ids IS NOT NULL THEN
		PERFORM pg_advisory_xact_lock(7243002);
		PERFORM source_days_sync(ids);
	END IF;
	-- Their days are remade: a month dropped whole (reports_prune())
	-- took their rollup rows before the sync could see them.  A day
	-- more than report_days() counts is only remade for nothing.
	INSERT INTO source_days_dirty (domain, day)
	SELECT DISTINCT lower(g.domain), x.day::date
	FROM gone g
	CROSS JOIN LATERAL generate_series(
		(g.date_begin AT TIME ZONE 'UTC')::date,
		greatest(least((g.date_end AT TIME ZONE 'UTC')::date,
		               (g.date_begin AT TIME ZONE 'UTC')::date + 31),
		         (g.date_begin AT TIME ZONE 'UTC')::date),
		interval '1 day') x (day);
	RETURN NULL;
END
$$;

-- Remakes the merged rows (028) of up to p_limit marked days, a day at a
-- time under LOCK_CLASS_MERGED (common/locks.h): a day another catch-up
-- holds is left to it.  Returns how many days it made, 0 when none is
-- left for it.
CREATE OR REPLACE FUNCTION source_days_merged_catch_up(p_limit integer)
RETURNS integer LANGUAGE plpgsql
SET work_mem = '64MB' AS $$
DECLARE
	d record;
	n integer := 0;
	k bigint;
BEGIN
	-- A reading role leaves them to the next ingest: its readers take
	-- marked days from source_days meanwhile.
	IF NOT has_table_privilege('source_days_merged', 'INSERT, DELETE')
	   OR NOT has_table_privilege('source_days_dirty', 'DELETE') THEN
		RETURN 0;
	END IF;
	-- Before any table: a rules change (LOCK_ROLLUP exclusive) empties
	-- these tables, and would wait for this run's locks while this run
	-- waits for its.
	PERFORM pg_advisory_xact_lock_shared(7243002);
	FOR d IN SELECT DISTINCT m.domain, m.day FROM source_days_dirty m
	         ORDER BY 1, 2 LIMIT p_limit LOOP
		-- The day as ISO text, whatever a session's DateStyle.
		CONTINUE WHEN NOT pg_try_advisory_xact_lock(1835365732,
			hashtext(d.domain || ' ' || to_char(d.day, 'YYYY-MM-DD')));
		-- One statement, one snapshot: a sync that commits after it
		-- leaves its marker, and the day is made again.  No marker
		-- taken: another run made the day since, and it is not
		-- counted, so that runs beside each other do not take turns
		-- at the same days.
		WITH marks AS (
			DELETE FROM source_days_dirty m
			WHERE m.domain = d.domain AND m.day = d.day
			RETURNING 1
		), old AS (
			DELETE FROM source_days_merged m
			WHERE m.domain = d.domain AND m.day = d.day
			  AND EXISTS (SELECT 1 FROM marks)
		), made AS (
			INSERT INTO source_days_merged (domain, day,
				source_ip, aligned_to, pass, cause,
				auth_cause, override, own_dkim,
				dkim_service, spf_result, spf_service,
				disposition, date_begin, date_end,
				messages)
			SELECT s.domain, s.day, s.source_ip,
			       s.aligned_to, s.pass, s.cause,
			       s.auth_cause, s.override, s.own_dkim,
			       s.dkim_service, s.spf_result,
			       s.spf_service, s.disposition,
			       min(s.date_begin), max(s.date_end),
			       sum(s.messages)
			FROM source_days s
			WHERE s.domain = d.domain AND s.day = d.day
			  AND EXISTS (SELECT 1 FROM marks)
			GROUP BY s.domain, s.day, s.source_ip,
			         s.aligned_to, s.pass, s.cause,
			         s.auth_cause, s.override, s.own_dkim,
			         s.dkim_service, s.spf_result,
			         s.spf_service, s.disposition
		)
		SELECT count(*) INTO k FROM marks;
		IF k > 0 THEN
			n := n + 1;
		END IF;
	END LOOP;
	RETURN n;
END
$$;

-- A set of reports' rollup rows made again from their records (after
-- their verdicts were changed by hand, 014): their days are made again
-- too, whether the reports still count or not.
CREATE OR REPLACE FUNCTION source_days_redo(p_reports bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7243002);
	DELETE FROM source_days_reports WHERE report = ANY (p_reports);
	WITH gone AS (
		DELETE FROM source_days WHERE report = ANY (p_reports)
		RETURNING domain, day)
	INSERT INTO source_days_dirty (domain, day)
	SELECT DISTINCT domain, day FROM gone;
	PERFORM source_days_sync(p_reports);
END
$$;
