-- 024: SMTP TLS reports (RFC 8460), stored as aggregate reports are: each
-- points at its input (deleted with it), in the input's transaction, and a
-- report is stored once: the same reporter, report id, policy domains,
-- range and content (tls_reports.content_sha256: an order-free digest of
-- what it says, ingest/tlsrpt.h) arriving again changes nothing.  The
-- roles get their rights by the default privileges (sql/README.md, Roles).

CREATE TABLE tls_reports (
	id             bigserial PRIMARY KEY,
	input          bigint NOT NULL REFERENCES inputs (id) ON DELETE CASCADE,
	place          text NOT NULL,
	org_name       text NOT NULL,
	report_id      text NOT NULL,
	contact_info   text,
	date_begin     timestamptz NOT NULL,
	date_end       timestamptz NOT NULL CHECK (date_end >= date_begin),
	-- Its policies' domains, lower-cased, sorted, each once.
	policy_domains text[] NOT NULL,
	content_sha256 bytea NOT NULL CHECK (length(content_sha256) = 32),
	UNIQUE (org_name, report_id, policy_domains, date_begin, date_end,
		content_sha256)
);
CREATE INDEX tls_reports_input ON tls_reports (input);
COMMENT ON TABLE tls_reports IS
	'Distinct SMTP TLS reports (RFC 8460), one row per report';

CREATE TABLE tls_policies (
	report         bigint NOT NULL REFERENCES tls_reports (id)
	               ON DELETE CASCADE,
	idx            integer NOT NULL,
	policy_type    text NOT NULL
	               CHECK (policy_type IN ('sts', 'tlsa', 'no-policy-found')),
	policy_domain  text NOT NULL,
	policy_strings text[] NOT NULL,
	mx_hosts       text[] NOT NULL,
	successful     bigint NOT NULL CHECK (successful >= 0),
	failed         bigint NOT NULL CHECK (failed >= 0),
	PRIMARY KEY (report, idx)
);
CREATE INDEX tls_policies_domain ON tls_policies (lower(policy_domain));
COMMENT ON TABLE tls_policies IS
	'A policy of a TLS report with its summary: sessions that succeeded and failed';

CREATE TABLE tls_failure_details (
	report                 bigint NOT NULL,
	policy                 integer NOT NULL,
	idx                    integer NOT NULL,
	result_type            text NOT NULL,
	sending_mta_ip         text,
	receiving_mx_hostname  text,
	receiving_mx_helo      text,
	receiving_ip           text,
	failed_sessions        bigint NOT NULL CHECK (failed_sessions >= 0),
	additional_information text,
	failure_reason_code    text,
	PRIMARY KEY (report, policy, idx),
	FOREIGN KEY (report, policy) REFERENCES tls_policies (report, idx)
		ON DELETE CASCADE
);
COMMENT ON TABLE tls_failure_details IS
	'A failure detail of a TLS report''s policy: why sessions failed, where';

-- The reports counted: a report re-sent with other content (same reporter,
-- report id, policy domains and range) counts once, the first stored.
CREATE VIEW tls_counted AS
SELECT DISTINCT ON (org_name, report_id, policy_domains, date_begin, date_end)
	*
FROM tls_reports
ORDER BY org_name, report_id, policy_domains, date_begin, date_end, input, id;

-- Per policy domain (lower-cased) and the UTC day a report's range
-- begins: sessions that succeeded and failed, and the reporters.
CREATE VIEW tls_daily AS
SELECT lower(p.policy_domain) AS domain,
	(r.date_begin AT TIME ZONE 'UTC')::date AS day,
	sum(p.successful)::bigint AS successful,
	sum(p.failed)::bigint AS failed,
	count(DISTINCT r.org_name)::bigint AS reporters
FROM tls_counted r
JOIN tls_policies p ON p.report = r.id
GROUP BY 1, 2;

-- Every failure detail of a counted report, with its report and policy.
CREATE VIEW tls_failures AS
SELECT lower(p.policy_domain) AS domain,
	(r.date_begin AT TIME ZONE 'UTC')::date AS day,
	r.org_name AS reporter, r.id AS report, p.policy_type,
	f.result_type, f.sending_mta_ip,
	lower(f.receiving_mx_hostname) AS receiving_mx_hostname,
	f.receiving_mx_helo, f.receiving_ip, f.failed_sessions,
	f.additional_information, f.failure_reason_code
FROM tls_counted r
JOIN tls_policies p ON p.report = r.id
JOIN tls_failure_details f ON f.report = p.report AND f.policy = p.idx;
