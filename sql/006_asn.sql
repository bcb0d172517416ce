-- 006: a name for every source address.
--
-- An address is named by its sending service, else by the organizational
-- domain of its forward-confirmed PTR name (rdns, migration 005), else by
-- its network and owner: the origin AS of the announced prefix holding it,
-- looked up over DNS in the public IP-to-ASN zones (analyze/asn.c).
--
-- Two tables, as the zones answer: the origin per address (AS number,
-- prefix, the prefix's country), and the name per AS.  Thousands of
-- sources share a few dozen ASes: a name is asked and stored once per AS,
-- not once per address, and one AS is named the same for all of them.
-- Both keep an answer for its TTL (5 minutes to 7 days; NXDOMAIN and NODATA
-- an hour; 15 minutes after DNS trouble), as rdns does; when a lookup
-- fails, the values found before stay, and only status and times change.

CREATE TABLE ip_owner (
	ip          inet PRIMARY KEY,
	status      text NOT NULL,  -- ok, malformed, nxdomain, nodata, timeout, ...
	asn         bigint CHECK (asn BETWEEN 1 AND 4294967295),
	prefix      cidr CHECK (ip <<= prefix), -- the announced prefix holding ip
	country     text CHECK (country ~ '^[A-Z]{2}$'), -- the prefix's, as registered
	resolved_at timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL
);
CREATE INDEX ip_owner_asn ON ip_owner (asn);
COMMENT ON TABLE ip_owner IS 'Origin AS and announced prefix of source IPs, cached for the TTL of the answer';

CREATE TABLE as_names (
	asn         bigint PRIMARY KEY CHECK (asn BETWEEN 1 AND 4294967295),
	status      text NOT NULL,  -- ok, malformed, nxdomain, nodata, timeout, ...
	handle      text,           -- the short name: EXAMPLE-NET
	name        text,           -- as published: EXAMPLE-NET - Example Networks, US
	country     text CHECK (country ~ '^[A-Z]{2}$'), -- the AS's, as registered
	resolved_at timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL
);
COMMENT ON TABLE as_names IS 'Names of autonomous systems, cached for the TTL of the answer';

-- The name a person should see for the address p_ip, always one row:
--   kind 'service'  who the service: p_service when given (say the
--                   service of a source in source_overview()), else the
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
CREATE FUNCTION source_name(p_ip inet, p_service text DEFAULT NULL)
RETURNS TABLE (kind text, who text, asn bigint, prefix cidr, country text,
	       as_name text)
LANGUAGE sql STABLE AS $$
SELECT CASE WHEN x.service IS NOT NULL THEN 'service'
	    WHEN x.orgdomain IS NOT NULL THEN 'ptr'
	    WHEN o.asn IS NOT NULL THEN 'network'
	    ELSE 'unknown'
       END,
       coalesce(x.service, x.orgdomain,
		'AS' || o.asn || coalesce(' ' || n.handle, '')
		    || coalesce(' (' || n.country || ')', '')),
       o.asn, o.prefix, o.country, n.name
FROM (SELECT coalesce(nullif(p_service, ''), d.service) AS service,
	     CASE WHEN d.confirmed THEN d.orgdomain END AS orgdomain
      FROM (VALUES (1)) one (x)
      LEFT JOIN rdns d ON d.ip = p_ip) x
LEFT JOIN ip_owner o ON o.ip = p_ip
LEFT JOIN as_names n ON n.asn = o.asn
$$;
