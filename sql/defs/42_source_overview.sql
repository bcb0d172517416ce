-- source_overview(): every source of a domain over a period, its class
-- and columns (source_classes()) and its name (source_who(),
-- 05_source_name.sql), most failed first (007, 012).  Its home since it
-- left the migrations: change it here, never in a migration
-- (tests/unit/test_schema_defs.c checks).
CREATE OR REPLACE FUNCTION source_overview(p_domain text, p_since timestamptz,
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
	       quarantined numeric, rejected numeric, who text)
LANGUAGE sql STABLE AS $$
SELECT c.*,
       coalesce(source_who(c.service, d.service, d.confirmed, d.orgdomain,
                           i.asn, n.handle, n.country),
                host(c.source_ip))
FROM source_classes(p_domain, p_since, p_until, p_legit_share, p_trusted,
                    p_ignored) c
-- source_name()'s tables joined once, not probed per source.
LEFT JOIN rdns d ON d.ip = c.source_ip
LEFT JOIN ip_owner i ON i.ip = c.source_ip
LEFT JOIN as_names n ON n.asn = i.asn
ORDER BY c.failed DESC, c.messages DESC, c.source_ip
$$;
