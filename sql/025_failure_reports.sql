-- 025: DMARC failure reports (RFC 6591 auth-failure, RFC 7489 section 7.3),
-- stored as the other reports are: each points at its input (deleted with
-- it), in the input's transaction, and a report is stored once: the same
-- reporter, Source-IP, Arrival-Date and original Message-ID (or, without
-- a Message-ID, the same fields: key_sha256, ingest/failrpt.h) arriving
-- again changes nothing.  The roles get their rights by the default
-- privileges (sql/README.md, Roles).
--
-- They carry personal data.  Never stored: a body, or a header value of
-- the original but From, Subject, Message-ID and Date.  The setting
-- failure_keep says how much: 'minimal' the columns below, 'none' only
-- what a count needs (reporter, reported domain, UTC day; the key, a
-- SHA-256, so that a copy is not counted twice).
--
-- Retention: other_reports_prune() drops the TLS reports (024) and the
-- failure reports that keep_reports no longer keeps, as reports_prune()
-- (017) drops the aggregate ones.

CREATE TABLE failure_reports (
	id                 bigserial PRIMARY KEY,
	input              bigint NOT NULL REFERENCES inputs (id)
	                   ON DELETE CASCADE,
	place              text NOT NULL,
	kept               text NOT NULL CHECK (kept IN ('minimal', 'none')),
	key_sha256         bytea NOT NULL UNIQUE
	                   CHECK (length(key_sha256) = 32),
	reporter           text NOT NULL,
	reported_domain    text NOT NULL
	                   CHECK (reported_domain = lower(reported_domain)),
	-- The UTC day of its Arrival-Date, else of the day it was stored.
	day                date NOT NULL,
	-- The rest only when kept = 'minimal'.
	arrival_date       timestamptz,
	source_ip          inet,
	auth_failures      text[],
	dkim_domain        text,
	dkim_selector      text,
	dkim_identity      text,
	spf_dns            text,
	identity_alignment text,
	delivery_result    text,
	original_mail_from text,
	original_rcpt_to   text[],
	reporting_mta      text,
	user_agent         text,
	version            text,
	header_names       text[],
	orig_from          text,
	orig_subject       text,
	orig_message_id    text,
	orig_date          text,
	CHECK (kept = 'minimal' OR num_nonnulls(arrival_date, source_ip,
		auth_failures, dkim_domain, dkim_selector, dkim_identity, spf_dns,
		identity_alignment, delivery_result, original_mail_from,
		original_rcpt_to, reporting_mta, user_agent, version,
		header_names, orig_from, orig_subject, orig_message_id,
		orig_date) = 0)
);
CREATE INDEX failure_reports_input ON failure_reports (input);
CREATE INDEX failure_reports_domain_day
	ON failure_reports (reported_domain, day, source_ip);
COMMENT ON TABLE failure_reports IS
	'Distinct DMARC failure reports (RFC 6591): the fields that name the failure, never a body';

-- Per reported domain and UTC day: failure reports, reporters, and how
-- many were kept with their fields.
CREATE VIEW failure_daily AS
SELECT reported_domain AS domain, day,
	count(*)::bigint AS reports,
	count(DISTINCT reporter)::bigint AS reporters,
	count(*) FILTER (WHERE kept = 'minimal')::bigint AS detailed
FROM failure_reports
GROUP BY 1, 2;

-- Each failure report that names its source, beside what the aggregate
-- reports say of the same domain, source and UTC day (source_days, 012):
-- messages, and those that failed DMARC by our verdict; 0 when no
-- aggregate report covers them (yet).
CREATE VIEW failure_linked AS
SELECT f.id AS failure, f.reported_domain AS domain, f.source_ip, f.day,
	f.reporter, f.arrival_date, f.auth_failures, f.dkim_domain,
	f.dkim_selector, f.spf_dns, f.orig_from, f.orig_subject,
	coalesce(s.messages, 0)::bigint AS messages,
	coalesce(s.failed, 0)::bigint AS failed
FROM failure_reports f
LEFT JOIN LATERAL (
	SELECT sum(d.messages) AS messages,
		sum(d.messages) FILTER (WHERE NOT d.pass) AS failed
	FROM source_days d
	WHERE d.domain = f.reported_domain AND d.day = f.day
	  AND d.source_ip = f.source_ip
) s ON true
WHERE f.source_ip IS NOT NULL;

-- What goes when the reports that end before p_before go: TLS reports
-- whose range ends before it (kind 'tls'), failure reports whose day
-- ends at or before it (kind 'failure'), with how many; their inputs are
-- marked as reports_prune() marks them, so reparse does not bring them
-- back.  p_dry: only says what would go.
CREATE FUNCTION other_reports_prune(p_before timestamptz, p_dry boolean)
RETURNS TABLE (kind text, reports bigint)
LANGUAGE plpgsql AS $$
DECLARE
	cut date := (p_before AT TIME ZONE 'UTC')::date;
BEGIN
	kind := 'tls';
	IF p_dry THEN
		SELECT count(*) INTO reports FROM tls_reports t
		WHERE t.date_end < p_before;
	ELSE
		UPDATE inputs SET reports_pruned_at = now()
		WHERE id IN (SELECT t.input FROM tls_reports t
		             WHERE t.date_end < p_before);
		WITH d AS (DELETE FROM tls_reports t WHERE t.date_end < p_before
		           RETURNING 1)
		SELECT count(*) INTO reports FROM d;
	END IF;
	RETURN NEXT;
	kind := 'failure';
	IF p_dry THEN
		SELECT count(*) INTO reports FROM failure_reports f
		WHERE f.day < cut;
	ELSE
		UPDATE inputs SET reports_pruned_at = now()
		WHERE id IN (SELECT f.input FROM failure_reports f
		             WHERE f.day < cut);
		WITH d AS (DELETE FROM failure_reports f WHERE f.day < cut
		           RETURNING 1)
		SELECT count(*) INTO reports FROM d;
	END IF;
	RETURN NEXT;
END
$$;
