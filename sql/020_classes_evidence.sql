-- 020: classes that spoofers cannot hide in, and the owner's own servers.
--
-- Three faults of the classes of 012 (source_classes(), renamed
-- source_classes_now() by 015; the one definition of the classes):
--
-- * A spoofer that adds a broken signature with the owner's d= beside a
--   passing one of its own throwaway domain was judged forwarded, record
--   by record (verdict.c), and so a "forwarder, nothing to do".  One
--   record cannot tell it from a forwarder that changed the message and
--   re-signed it.  The verdict now says resigned, and keeps the place of
--   the broken signature (records.v_own); here it counts as forwarding
--   only when that signature's d= and selector passed aligned for the
--   domain in the period: the owner's real key, used.  Without that
--   evidence (or a receiver's reason, or a known list or forwarding
--   service, as before) it is what its authentication says: a throwaway
--   domain's DKIM, spoofing at most.
-- * A source whose forward-confirmed PTR name is in the domain's
--   organizational domain (scanner.example.com for example.com) was
--   spoofing when nothing of it passed: "not your mail", while a step
--   would drop it.  The owner's DNS names it: never spoofing, unknown
--   (it may be yours) unless something says more.
-- * A source whose failing mail mostly fails strict alignment only (DKIM
--   or SPF passes for another name of the owner's organizational domain,
--   adkim=s or aspf=s wants the exact From domain) was unknown, and the
--   owner asked whether it is theirs: only the owner's key or SPF record
--   can pass for those names.  It is legitimate.
--
-- The rules version of the binary changed with the verdict (analysis.h):
-- every report is judged again, and the rollup made again with the
-- column below.

-- The owner's key as d= and selector, the way both sides of the evidence
-- are compared: lower case, without a trailing dot; a selector the
-- reporter left out is '' (its records then match on d= alone).
CREATE FUNCTION dkim_key(p_domain text, p_selector text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT lower(rtrim(p_domain, '.')) || '/' || lower(coalesce(p_selector, ''))
$$;

ALTER TABLE records ADD COLUMN v_own smallint;
COMMENT ON COLUMN records.v_own IS
	'When the verdict''s auth_cause is resigned: the place in dkim_auth (from 1) of the owner''s signature that did not verify; NULL otherwise';

-- As in 014, with the broken own signature at the end.
CREATE OR REPLACE VIEW record_verdicts AS
SELECT r.report,
       r.idx,
       coalesce(r.v_header_from, r.header_from, '') AS header_from,
       r.v_dkim_aligned AS dkim_aligned,
       r.v_spf_aligned AS spf_aligned,
       r.v_pass AS pass,
       r.v_rcv_pass AS rcv_pass,
       CASE r.v_disagree WHEN 1 THEN '{dkim}'::text[]
                         WHEN 2 THEN '{spf}'::text[]
                         WHEN 3 THEN '{dkim,spf}'::text[]
                         ELSE '{}'::text[] END AS disagree,
       c.name AS cause,
       a.name AS auth_cause,
       r.v_override AS override,
       coalesce(r.v_dkim_domain, r.dkim_auth[r.v_dkim][1], '') AS dkim_domain,
       coalesce(r.v_dkim_result, r.dkim_auth[r.v_dkim][3], 'none') AS dkim_result,
       coalesce(r.v_spf_domain, r.spf_auth[r.v_spf][1], '') AS spf_domain,
       coalesce(r.v_spf_result, r.spf_auth[r.v_spf][3], 'none') AS spf_result,
       r.v_dkim_service AS dkim_service,
       r.v_spf_service AS spf_service,
       dkim_key(r.dkim_auth[r.v_own][1], r.dkim_auth[r.v_own][2]) AS own_dkim
FROM records r
JOIN reports p ON p.id = r.report AND p.judged
JOIN verdict_causes c ON c.code = r.v_cause
JOIN verdict_causes a ON a.code = r.v_auth_cause
WHERE r.v_pass IS NOT NULL;

ALTER TABLE source_days ADD COLUMN own_dkim text;
COMMENT ON COLUMN source_days.own_dkim IS
	'The owner''s DKIM key of the rows (dkim_key()): the one that passed aligned (rows that pass by DKIM), or the broken one beside a re-signer (auth_cause resigned); NULL otherwise';

-- As in 014, with own_dkim.
CREATE OR REPLACE FUNCTION source_days_sync(p_reports bigint[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql
SET work_mem = '64MB' AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7243002);
	WITH gone AS (
		DELETE FROM source_days_reports m
		WHERE (p_reports IS NULL OR m.report = ANY (p_reports))
		  AND NOT EXISTS (SELECT 1 FROM counted_reports c
		                  JOIN reports j ON j.id = c.id AND j.judged
		                  WHERE c.id = m.report)
		RETURNING m.report)
	DELETE FROM source_days s USING gone g WHERE s.report = g.report;

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
			                rec.dkim_auth[rec.v_dkim][1], '')
			           AS dkim_domain,
			       rec.v_dkim_service AS dkim_service,
			       coalesce(rec.v_spf_domain,
			                rec.spf_auth[rec.v_spf][1], '')
			           AS spf_domain,
			       coalesce(rec.v_spf_result,
			                rec.spf_auth[rec.v_spf][3], 'none')
			           AS spf_result,
			       rec.v_spf_service AS spf_service,
			       -- v_dkim is the aligned passing signature when
			       -- DKIM passes aligned (verdict.h).
			       CASE WHEN rec.v_own IS NOT NULL
			            THEN dkim_key(rec.dkim_auth[rec.v_own][1],
			                          rec.dkim_auth[rec.v_own][2])
			            WHEN rec.v_dkim_aligned
			            THEN dkim_key(rec.dkim_auth[rec.v_dkim][1],
			                          rec.dkim_auth[rec.v_dkim][2])
			       END AS own_dkim
			FROM records rec
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

-- The classes (sql/README.md says them in words), first match wins:
-- trusted, ignored, forwarder, legitimate (by its share of passing mail,
-- by strict alignment, by its service), unknown for the owner's own
-- names, spoofing, else unknown.
CREATE OR REPLACE FUNCTION source_classes_now(p_domain text,
		p_since timestamptz,
		p_until timestamptz DEFAULT 'infinity',
		p_legit_share numeric DEFAULT 0.10,
		p_trusted text[] DEFAULT '{}',
		p_ignored text[] DEFAULT '{}')
RETURNS TABLE (source_ip inet, class text, service text, ptr text,
	       messages numeric, passed numeric, failed numeric,
	       forwarded numeric, cause text, cause_messages numeric,
	       dkim_domains text[], spf_domains text[], reporters bigint,
	       first_seen timestamptz, last_seen timestamptz,
	       failed_sub numeric, failed_np numeric,
	       quarantined numeric, rejected numeric)
LANGUAGE sql STABLE AS $$
WITH recs AS (
	SELECT s.*,
	       coalesce(d.service, s.dkim_service, s.spf_service) AS service,
	       d.name AS ptr,
	       -- Its forward-confirmed PTR name is in the domain's
	       -- organizational domain (rdns.orgdomain is the name's).
	       coalesce(d.confirmed AND (d.orgdomain = lower(p_domain)
	           OR right(lower(p_domain), length(d.orgdomain) + 1)
	              = '.' || d.orgdomain), false) AS own_name,
	       s.aligned_to <> lower(p_domain)
	           AND right(s.aligned_to, length(p_domain) + 1)
	               = '.' || lower(p_domain) AS sub
	FROM source_days s
	LEFT JOIN rdns d ON d.ip = s.source_ip
	WHERE s.domain = lower(p_domain)
	  AND s.day >= (p_since AT TIME ZONE 'UTC')::date
	  AND s.day < (p_until AT TIME ZONE 'UTC')::date
), keys AS (
	-- The owner's keys that passed aligned in the period: a handful.
	SELECT DISTINCT r.own_dkim FROM recs r
	WHERE r.pass AND r.own_dkim IS NOT NULL
), names AS (
	-- Subdomain names with no passing mail in the period.
	SELECT aligned_to FROM recs WHERE sub
	GROUP BY aligned_to HAVING NOT bool_or(pass)
), per AS (
	SELECT r.source_ip,
	       sum(r.messages) AS messages,
	       coalesce(sum(r.messages) FILTER (WHERE r.pass), 0) AS passed,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass), 0) AS failed,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass
	           AND (r.cause IN ('forwarded', 'mailing_list')
	                OR r.override IN ('forwarded', 'mailing_list',
	                                  'trusted_forwarder')
	                -- re-signed beside one of those keys: the test
	                -- runs for resigned rows only, a hash probe each
	                OR (r.auth_cause = 'resigned' AND coalesce(
	                    r.own_dkim IN (SELECT k.own_dkim FROM keys k),
	                    false)))), 0) AS forwarded,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass
	           AND r.auth_cause = 'strict_unaligned'), 0) AS strict,
	       -- Nothing authenticates but, at most, a throwaway domain's own
	       -- DKIM without SPF (beside a broken signature of the owner's
	       -- that no evidence makes a forwarder's).
	       coalesce(bool_and(r.auth_cause IN ('no_auth', 'auth_fail')
	                OR (r.auth_cause IN ('dkim_unaligned', 'resigned')
	                    AND r.dkim_service IS NULL
	                    AND r.spf_result <> 'pass'
	                    AND NOT (r.auth_cause = 'resigned' AND coalesce(
	                        r.own_dkim IN (SELECT k.own_dkim FROM keys k),
	                        false))))
	           FILTER (WHERE NOT r.pass), true) AS no_auth,
	       bool_or(r.own_name) AS own_name,
	       (array_agg(r.service ORDER BY r.messages DESC, r.service)
	           FILTER (WHERE r.service IS NOT NULL))[1] AS service,
	       max(r.ptr) AS ptr,
	       array_agg(DISTINCT r.dkim_domain) FILTER (WHERE r.dkim_domain <> '')
	           AS dkim_domains,
	       array_agg(DISTINCT r.spf_domain) FILTER (WHERE r.spf_domain <> '')
	           AS spf_domains,
	       count(DISTINCT r.reporter) AS reporters,
	       -- Within the period: a report of a week seen in a period of
	       -- three days was seen in those three days.
	       greatest(min(r.date_begin), p_since) AS first_seen,
	       least(max(r.date_end), p_until - interval '1 second')
	           AS last_seen,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass AND r.sub), 0)
	           AS failed_sub,
	       coalesce(sum(r.messages) FILTER (WHERE NOT r.pass AND r.sub
	           AND r.aligned_to IN (SELECT n.aligned_to FROM names n)), 0)
	           AS failed_np,
	       coalesce(sum(r.messages) FILTER (WHERE
	           r.disposition = 'quarantine'), 0) AS quarantined,
	       coalesce(sum(r.messages) FILTER (WHERE
	           r.disposition = 'reject'), 0) AS rejected
	FROM recs r
	GROUP BY r.source_ip
), causes AS (
	SELECT DISTINCT ON (r.source_ip) r.source_ip, r.cause,
	       sum(r.messages) AS cause_messages
	FROM recs r
	WHERE NOT r.pass
	GROUP BY r.source_ip, r.cause
	ORDER BY r.source_ip, sum(r.messages) DESC, r.cause
), used AS (
	-- Services that send for the domain and pass aligned.
	SELECT DISTINCT r.service FROM recs r
	WHERE r.pass AND r.service IS NOT NULL
)
SELECT p.source_ip,
       CASE
	 WHEN ip_listed(p.source_ip, p_trusted)
	      OR lower(p.service) = ANY (SELECT lower(t) FROM unnest(p_trusted) t)
	   THEN 'legitimate'
	 WHEN ip_listed(p.source_ip, p_ignored)
	      OR lower(p.service) = ANY (SELECT lower(t) FROM unnest(p_ignored) t)
	   THEN 'ignored'
	 WHEN p.failed > 0 AND p.forwarded * 2 >= p.failed THEN 'forwarder'
	 WHEN p.passed >= p_legit_share * p.messages AND p.passed > 0
	   THEN 'legitimate'
	 -- Only the owner's key or SPF record passes for those names.
	 WHEN p.strict * 2 > p.failed THEN 'legitimate'
	 WHEN p.service IN (SELECT u.service FROM used u) THEN 'legitimate'
	 -- The owner's DNS names it: it may be theirs, never spoofing.
	 WHEN p.own_name THEN 'unknown'
	 WHEN p.passed = 0 AND p.service IS NULL AND p.no_auth THEN 'spoofing'
	 ELSE 'unknown'
       END,
       p.service, p.ptr, p.messages, p.passed, p.failed, p.forwarded,
       c.cause, coalesce(c.cause_messages, 0), coalesce(p.dkim_domains, '{}'),
       coalesce(p.spf_domains, '{}'), p.reporters, p.first_seen, p.last_seen,
       p.failed_sub, p.failed_np, p.quarantined, p.rejected
FROM per p
LEFT JOIN causes c ON c.source_ip = p.source_ip
$$;
