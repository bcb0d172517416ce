-- record_analysis: every record with its report's context and both
-- verdicts, for psql users (005, 014).  Its ptr as source_classes_now()
-- gives it: forward-confirmed names only.

CREATE OR REPLACE VIEW record_analysis AS
SELECT f.*,
       v.header_from AS aligned_to,
       v.dkim_aligned,
       v.spf_aligned,
       v.pass,
       v.rcv_pass,
       v.disagree,
       v.cause,
       v.auth_cause,
       v.override,
       v.dkim_domain,
       v.dkim_result,
       v.spf_domain,
       v.spf_result,
       v.dkim_service,
       v.spf_service,
       coalesce(d.service, v.dkim_service, v.spf_service) AS service,
       CASE WHEN d.confirmed THEN d.name END AS ptr
FROM record_facts f
JOIN record_verdicts v ON v.report = f.report AND v.idx = f.idx
LEFT JOIN rdns d ON d.ip = f.source_ip;
