-- source_name() and source_who(): the name a person sees for a source
-- address (006).  Their home since they left the migrations: change them
-- here, never in a migration (tests/unit/test_schema_defs.c checks).

-- The rule, on values already looked up: p_service the source's service
-- when known (say the service of a source in source_classes()), then
-- what rdns (005) and ip_owner and as_names (006) hold for the address.
-- Its service (given, else its confirmed PTR name's), else the
-- organizational domain of its forward-confirmed PTR name, else its
-- origin AS with the AS's short name and country when known, else NULL.
-- A list of a month's sources joins those tables once, by hashing, and
-- calls this per row, inlined (immutable: text || bigint is only
-- stable, hence the cast); source_name() per row was an index probe of each
-- table for each of 258,000 addresses.
CREATE OR REPLACE FUNCTION source_who(p_service text, p_rdns_service text,
		p_confirmed boolean, p_orgdomain text, p_asn bigint,
		p_as_handle text, p_as_country text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT coalesce(nullif(p_service, ''), p_rdns_service,
		CASE WHEN p_confirmed THEN p_orgdomain END,
		'AS' || p_asn::text || coalesce(' ' || p_as_handle, '')
		    || coalesce(' (' || p_as_country || ')', ''))
$$;

-- The name a person should see for the address p_ip, always one row:
--   kind 'service'  who the service: p_service when given, else the
--                   service of its confirmed PTR name    'SendGrid'
--   kind 'ptr'      who the organizational domain of its forward-confirmed
--                   PTR name                             'example.net'
--   kind 'network'  who its origin AS, with the AS's short name and
--                   country when known                   'AS64500 EXAMPLE-NET (US)'
--   kind 'unknown'  who NULL: nothing known (not looked up, DNS trouble,
--                   no answer or a malformed one)
-- and, whatever the kind, what ip_owner and as_names hold for it: asn,
-- prefix, country (the prefix's), as_name (the AS's full name).  who
-- depends only on the service, the domain or the AS number (and that AS's
-- cached name), so equal whos are one sender.  Cached rows count after
-- they expire: they are the last answer known.
CREATE OR REPLACE FUNCTION source_name(p_ip inet, p_service text DEFAULT NULL)
RETURNS TABLE (kind text, who text, asn bigint, prefix cidr, country text,
	       as_name text)
LANGUAGE sql STABLE AS $$
SELECT CASE WHEN coalesce(nullif(p_service, ''), d.service) IS NOT NULL
	    THEN 'service'
	    WHEN d.confirmed AND d.orgdomain IS NOT NULL THEN 'ptr'
	    WHEN o.asn IS NOT NULL THEN 'network'
	    ELSE 'unknown'
       END,
       source_who(p_service, d.service, d.confirmed, d.orgdomain, o.asn,
                  n.handle, n.country),
       o.asn, o.prefix, o.country, n.name
FROM (VALUES (1)) one (x)
LEFT JOIN rdns d ON d.ip = p_ip
LEFT JOIN ip_owner o ON o.ip = p_ip
LEFT JOIN as_names n ON n.asn = o.asn
$$;
