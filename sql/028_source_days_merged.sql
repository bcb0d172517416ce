-- 028: the rollup's rows of a day merged over its reports and reporters,
-- for the classes.
--
-- source_classes_core() (sql/defs/10), which every command and page runs,
-- reads only the class columns of source_days; one row a report, day,
-- source and verdict keeps a source seen by five receivers five times.
-- Grouped without the report, the reporter and the DKIM/SPF domains, the
-- 1M-record month's 984,000 rows are 458,000 (224 MB -> 69 MB) and the
-- classes take 1.6 s instead of 2.9 s (README, Benchmark).
--
-- A day is made again whole from source_days (sql/defs/30,
-- source_days_merged_catch_up()) after whatever changed it: the sync
-- marks the (domain, day) it wrote or removed in source_days_dirty, in
-- its own transaction, as a deleted report or a dropped month does, and
-- readers take a marked day from source_days, so no answer depends on
-- whether the making has run yet.  Markers are only ever added and
-- deleted, with no key: no writer waits on one.  (Adding a sync's rows
-- merged to their day instead, unmarked, merged little: a run takes a
-- few reports at a time, 675,000 rows for that month.)

CREATE TABLE source_days_merged (
	domain       text NOT NULL,
	day          date NOT NULL,
	source_ip    inet NOT NULL,
	aligned_to   text NOT NULL,
	pass         boolean NOT NULL,
	cause        text NOT NULL,
	auth_cause   text NOT NULL,
	override     text,
	own_dkim     text,
	dkim_service text,
	spf_result   text NOT NULL,
	spf_service  text,
	disposition  text,
	-- over the merged rows
	date_begin   timestamptz NOT NULL,  -- the earliest report's start
	date_end     timestamptz NOT NULL,  -- the latest report's end
	messages     bigint NOT NULL
);
COMMENT ON TABLE source_days_merged IS 'source_days of a day merged over reports and reporters, the class columns only: what source_classes_core() reads for a day not in source_days_dirty';
CREATE INDEX source_days_merged_domain_day
	ON source_days_merged (domain, day);

CREATE TABLE source_days_dirty (
	domain text NOT NULL,
	day    date NOT NULL
);
COMMENT ON TABLE source_days_dirty IS 'Days of a domain whose source_days changed since source_days_merged was made from them: readers take them from source_days';
CREATE INDEX source_days_dirty_domain_day ON source_days_dirty (domain, day);

-- Every day there is: read from source_days until the first catch-up
-- (an ingest, or db migrate) has made them.
INSERT INTO source_days_dirty (domain, day)
SELECT DISTINCT domain, day FROM source_days;
