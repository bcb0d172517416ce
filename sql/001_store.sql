-- 001: the store.  Every input is archived and addressed by its SHA-256;
-- every report it yielded, with its records and their results, points at it.
-- Times are timestamptz (UTC); counts are bigint.

CREATE TABLE inputs (
	id           bigserial PRIMARY KEY,
	sha256       bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
	size         bigint NOT NULL CHECK (size >= 0),
	-- The bytes as received, gzip-compressed; cut at the input_bytes limit
	-- when the input was larger (raw_complete is then false).
	raw_gz       bytea NOT NULL,
	raw_complete boolean NOT NULL,
	source       text NOT NULL,  -- file, stdin, maildir, mbox, imap
	source_name  text NOT NULL,  -- path, mailbox and UID, ...
	received_at  timestamptz NOT NULL DEFAULT now(),
	-- reports: every part read; partial: some parts refused; refused: no
	-- report; skipped: a failure or TLS report, not an aggregate one.
	outcome      text NOT NULL
	             CHECK (outcome IN ('reports', 'partial', 'refused', 'skipped')),
	report_count integer NOT NULL DEFAULT 0
);
COMMENT ON TABLE inputs IS 'Every input (file, mail) ingested, archived compressed, once per distinct content';

CREATE TABLE input_problems (
	input  bigint NOT NULL REFERENCES inputs (id) ON DELETE CASCADE,
	n      integer NOT NULL,
	place  text NOT NULL,  -- where in the input: "" or "zip member 'a.xml'"
	kind   text NOT NULL CHECK (kind IN ('refused', 'skipped')),
	code   text NOT NULL,  -- malformed, over a limit, ...
	reason text NOT NULL,
	PRIMARY KEY (input, n)
);
COMMENT ON TABLE input_problems IS 'Why a part of an input yielded no report';

CREATE TABLE reports (
	id                 bigserial PRIMARY KEY,
	input              bigint NOT NULL REFERENCES inputs (id) ON DELETE CASCADE,
	place              text NOT NULL,
	org_name           text NOT NULL,
	email              text,
	extra_contact_info text,
	report_id          text NOT NULL,
	generator          text,
	version            text,
	namespace          text,
	errors             text[] NOT NULL DEFAULT '{}',
	domain             text NOT NULL,
	date_begin         timestamptz NOT NULL,
	date_end           timestamptz NOT NULL,
	adkim              text,
	aspf               text,
	p                  text,
	sp                 text,
	np                 text,
	pct                smallint CHECK (pct BETWEEN 0 AND 100),
	fo                 text,
	testing            text,
	discovery_method   text,
	record_count       integer NOT NULL,
	records_dropped    integer NOT NULL,
	messages           bigint NOT NULL,
	warnings           text[] NOT NULL DEFAULT '{}',
	-- SHA-256 of what the report says, so the same report arriving in
	-- another mail is recognised, and a reused report_id is not.
	content_sha256     bytea NOT NULL CHECK (length(content_sha256) = 32),
	ingested_at        timestamptz NOT NULL DEFAULT now(),
	UNIQUE (org_name, report_id, domain, date_begin, date_end, content_sha256)
);
COMMENT ON TABLE reports IS 'One row per distinct aggregate report: report_metadata and policy_published';
CREATE INDEX reports_domain_begin ON reports (domain, date_begin);
CREATE INDEX reports_org_begin ON reports (org_name, date_begin);
CREATE INDEX reports_input ON reports (input);

-- Rows below point at their report by (report, idx); the report row is
-- written after its records (a report's metadata may come last), so the
-- references are checked at commit.
CREATE TABLE records (
	report        bigint NOT NULL
	              REFERENCES reports (id) ON DELETE CASCADE
	              DEFERRABLE INITIALLY DEFERRED,
	idx           integer NOT NULL,  -- position in the report, from 1
	source_ip     inet NOT NULL,
	count         bigint NOT NULL CHECK (count >= 0),
	disposition   text,
	dkim          text,
	spf           text,
	header_from   text,
	envelope_from text,
	envelope_to   text,
	PRIMARY KEY (report, idx)
);
COMMENT ON TABLE records IS 'One row per <record>: source IP, message count, the receiver''s evaluation';
CREATE INDEX records_source_ip ON records (source_ip);

CREATE TABLE record_reasons (
	report  bigint NOT NULL,
	idx     integer NOT NULL,
	n       smallint NOT NULL,
	type    text,
	comment text,
	PRIMARY KEY (report, idx, n),
	FOREIGN KEY (report, idx) REFERENCES records (report, idx)
		ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE record_reasons IS 'Policy override reasons (forwarded, mailing_list, local_policy, ...)';

CREATE TABLE dkim_results (
	report       bigint NOT NULL,
	idx          integer NOT NULL,
	n            smallint NOT NULL,
	domain       text,
	selector     text,
	result       text,
	human_result text,
	PRIMARY KEY (report, idx, n),
	FOREIGN KEY (report, idx) REFERENCES records (report, idx)
		ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE dkim_results IS 'Every DKIM signature result the receiver saw for a record';

CREATE TABLE spf_results (
	report       bigint NOT NULL,
	idx          integer NOT NULL,
	n            smallint NOT NULL,
	domain       text,
	scope        text,
	result       text,
	human_result text,
	PRIMARY KEY (report, idx, n),
	FOREIGN KEY (report, idx) REFERENCES records (report, idx)
		ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE spf_results IS 'Every SPF result the receiver saw for a record';

CREATE TABLE ingest_runs (
	id                bigserial PRIMARY KEY,
	started_at        timestamptz NOT NULL DEFAULT now(),
	finished_at       timestamptz,
	command           text NOT NULL,
	inputs_new        integer NOT NULL DEFAULT 0,
	inputs_duplicate  integer NOT NULL DEFAULT 0,
	reports_new       integer NOT NULL DEFAULT 0,
	reports_duplicate integer NOT NULL DEFAULT 0,
	records_new       bigint NOT NULL DEFAULT 0,
	refused           integer NOT NULL DEFAULT 0,
	skipped           integer NOT NULL DEFAULT 0
);
COMMENT ON TABLE ingest_runs IS 'One row per ingest run, with counts by outcome';
