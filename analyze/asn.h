/*
 * asn: who owns a source address that has no other name: the origin AS of
 * the announced prefix holding it, the prefix, its country, and the name
 * of the AS, from the public IP-to-ASN zones over DNS (Team Cymru's
 * format), cached in the tables ip_owner and as_names (sql/006_asn.sql)
 * for the TTL of the answers, as rdns.h caches reverse DNS.
 *
 * The zones answer TXT records, under ZONE (ASN_ZONE by default):
 *
 *   96.113.0.203.origin.ZONE   "64500 | 203.0.113.0/24 | US | arin |
 * 2001-01-01" (IPv6: the 32 nibbles, reversed, under origin6.ZONE) AS64500.ZONE
 * "64500 | US | arin | 2001-01-01 | EXAMPLE-NET - Example, US"
 *
 * Everything in them comes from strangers.  The parsers below take a
 * record only when every field they use is well formed: an AS number
 * 1..4294967295 in decimal, a prefix of the address's family that holds
 * the address with no host bits set, a country of two letters or none, at
 * most ASN_TXT_MAX bytes, no control byte, the name valid UTF-8.  Anything
 * else is no record; an answer with no good record leaves the address (or
 * the AS) without a name, stored as status "malformed".
 *
 * The SQL function source_name() (sql/006_asn.sql) turns what this finds,
 * with services and reverse DNS, into the name a person should see.
 */
#ifndef DMARCSIFT_ASN_H
#define DMARCSIFT_ASN_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "ipaddr.h"

struct db;
struct err;
struct resolve_result;
struct resolver;

/* The zones asked by default. */
#define ASN_ZONE "asn.cymru.com"
/* A TXT record longer than this is refused (real ones are under 200). */
#define ASN_TXT_MAX 512
/* The short name of an AS is cut to fewer bytes than this. */
#define ASN_HANDLE_MAX 64
/* The longest query name: 32 nibbles, "origin6." and a zone of 253. */
#define ASN_QNAME_MAX 336

/* How long answers are kept, in seconds, as in rdns.h: the TTL bounded to
 * [ASN_TTL_MIN, ASN_TTL_MAX]; NXDOMAIN and NODATA for ASN_TTL_NEGATIVE
 * unless the answer says otherwise; trouble for ASN_TTL_TROUBLE. */
#define ASN_TTL_MIN 300
#define ASN_TTL_MAX (7 * CLOCK_DAY)
#define ASN_TTL_NEGATIVE 3600
#define ASN_TTL_TROUBLE 900

/* The origin of an address: one origin TXT record, parsed. */
struct asn_origin {
	uint32_t asn; /* the first when several announce the prefix */
	char prefix[IP_TEXT_MAX + 4]; /* canonical: "203.0.113.0/24" */
	unsigned plen; /* its length */
	char country[3]; /* upper-case, or "" when none is given */
};

/* The name of an AS: one AS TXT record, parsed. */
struct asn_name {
	char country[3]; /* upper-case, or "" */
	char name[ASN_TXT_MAX + 1]; /* as published, trimmed; may be "" */
	/* Its short form: the part before " - " ("EXAMPLE-NET"), else the
	 * name without a final ", CC" ("OVH, FR" gives "OVH"), cut to
	 * ASN_HANDLE_MAX - 1 bytes on a character boundary; may be "". */
	char handle[ASN_HANDLE_MAX];
};

/*
 * Parses the origin record txt (len bytes, any bytes) for the address ip
 * (canonical, as ip_normalize() writes it) into *out.  Returns 0, or -1
 * when txt is not a good record for ip (see above); *out is then zeroed.
 */
int asn_parse_origin(
    const char *ip, const char *txt, size_t len, struct asn_origin *out);

/*
 * The origin of ip from the records of an answer: of the good ones, the
 * most specific prefix; of equally specific ones, the lowest AS number.
 * Returns 0, or -1 when no record is good.
 */
int asn_pick_origin(
    const char *ip, const struct resolve_result *res, struct asn_origin *out);

/*
 * Parses the AS record txt (len bytes) asked for asn into *out: the
 * record's first field must be asn itself; the name is everything after
 * the fourth '|', so a '|' inside it stays.  Returns 0, or -1 (then *out
 * is zeroed).
 */
int asn_parse_name(
    uint32_t asn, const char *txt, size_t len, struct asn_name *out);

/*
 * The query names: "D.C.B.A.origin.ZONE" or "N...N.origin6.ZONE" for the
 * address ip, "AS64500.ZONE" for an AS; zone NULL is ASN_ZONE.  Return 0,
 * or -1 when ip is not an address or out (ASN_QNAME_MAX always suffices)
 * is too small.
 */
int asn_origin_qname(
    const char *ip, const char *zone, char *out, size_t outlen);
int asn_name_qname(uint32_t asn, const char *zone, char *out, size_t outlen);

/* The most addresses one asn_refresh() looks up, those with the most
 * messages first: the reasons of RDNS_WANT_MAX (rdns.h). */
#define ASN_WANT_MAX 10000

/* wanted = fresh + resolved + trouble + left, for addresses; names
 * counts the AS names looked up. */
struct asn_stats {
	size_t wanted; /* addresses of the period without a PTR name */
	size_t fresh; /* of those, already cached and not expired */
	size_t resolved; /* looked up now with an answer (good, bad, none) */
	size_t trouble; /* the DNS failed, or was taken for dead */
	size_t left; /* not looked up: beyond ASN_WANT_MAX, for the next
	                run */
	size_t names; /* AS names looked up now */
	size_t names_trouble; /* of those, the DNS failed */
};

/*
 * Looks up the origin of every source IP of domain (every domain when
 * NULL) whose reports begin at or after since (Unix seconds), that the
 * cache rdns gives no name (no forward-confirmed PTR name with an
 * organizational domain or a service: run rdns_refresh() first) and that
 * has no unexpired ip_owner row (ASN_WANT_MAX of them at most, those
 * with the most messages, then the lowest address; the others counted in
 * st->left for a later run); then the name of every AS found whose
 * as_names row is missing or expired.  Through r, under zone (NULL:
 * ASN_ZONE), in batches as rdns_refresh() does (RESOLVE_MAX_INFLIGHT in
 * flight, each batch stored by one statement per table as it ends, a
 * probe first: when every lookup of a batch timed out the rest are stored
 * as timeouts unasked).  When a lookup fails, the values found before stay
 * and only status and times change.  progress and st may be NULL.  ERR_DB
 * when the database fails, ERR_IO when the resolver does; DNS trouble and
 * bad answers are data, and the call returns 0.
 */
int asn_refresh(struct db *db, struct resolver *r, const char *zone,
    const char *domain, int64_t since,
    void (*progress)(size_t done, size_t total), struct asn_stats *st,
    struct err *err);

#endif
