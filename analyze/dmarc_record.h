/*
 * dmarc_record: the DMARC policy record, in one place.
 *
 * What it offers:
 *   dmarc_record_is()      is this TXT record a DMARC record (v=DMARC1)
 *   dmarc_record_parse()   its tags (name, value, position, repeats) and
 *                          the policy in force (p, sp, np, pct, t, psd,
 *                          adkim, aspf, fo, rua, ruf), defaults applied
 *   dmarc_record_build()   the text of a record for a policy: from an
 *                          existing record, its other tags kept, or anew
 *   dmarc_lookup()         the record of a domain in the DNS: _dmarc.DOMAIN,
 *                          else the organizational domain's, each TXT query
 *                          sent once
 *
 * The rules, from RFC 7489 (section 6.3 and the ABNF of 6.4) and RFC 9989
 * (DMARCbis), where the old copies of this code disagreed:
 *   - A record is DMARC when it starts with the tag v=DMARC1: "v" in either
 *     case, blanks (space, tab) around '=', "DMARC1" exactly (RFC 7489:
 *     %x44 %x4d %x41 %x52 %x43 %x31; RFC 9989: %s"DMARC1"), then blanks
 *     and ';' or the end.  v=dmarc1 in another case is not one ("near":
 *     receivers ignore it).
 *   - Tags are name=value separated by ';' (the tag-list of RFC 6376
 *     section 3.2 that both RFCs use, split by taglist.h, as DKIM key
 *     records are): blanks, line breaks included,
 *     around names, '=', values and ';'; empty parts skipped.  A name is a
 *     letter, then letters, digits or '_' (at most DMARC_TAG_NAME_MAX - 1
 *     bytes), in any case; it is kept lower-cased.  A value holds printable
 *     ASCII and blanks.
 *   - A part that breaks those rules is skipped and noted (why); the other
 *     tags still count ("syntax errors in the remainder of the record
 *     SHOULD be discarded", RFC 7489 6.3).
 *   - A repeated tag: the first one counts, later ones are noted and
 *     ignored (the ABNF allows each tag once).
 *   - Values of known tags in any case (ABNF strings are case-insensitive);
 *     an invalid value is as if the tag were absent.  Unknown tags are
 *     ignored (kept by the builder).
 *   - Defaults: p none of its own (-1: the caller decides; a record without
 *     a valid p asks for nothing); sp follows p, np follows sp; pct 100
 *     (1 to 3 digits, 0..100); t n; psd u; adkim and aspf r; fo "0".
 *
 * Not to be confused with common/report.h: its struct dmarc_record is a
 * row of an aggregate report and struct dmarc_policy the policy a report
 * says was published; here the TXT record parsed is struct dmarc_txt and
 * what it asks for is struct dmarc_in_force.
 *
 * Every record read is untrusted input: the parser caps the tag count and
 * the length, and values are borrowed, never printed here.
 */
#ifndef DMARCSIFT_DMARC_RECORD_H
#define DMARCSIFT_DMARC_RECORD_H

#include <stddef.h>

#include "model.h"
#include "orgdomain.h"
#include "resolve.h"
#include "taglist.h"

struct err;
struct resolver;

/* Longer records are not parsed. */
#define DMARC_RECORD_MAX 8192
/* Tags kept from one record; the rest are noted and ignored. */
#define DMARC_MAX_TAGS 32
/* A tag name's buffer: names are shorter. */
#define DMARC_TAG_NAME_MAX TAGLIST_NAME_MAX

/* Policy strengths, as p, sp and np hold them (DMARC_ABSENT, DMARC_NONE ..
 * DMARC_REJECT), and their words, dmarc_policy_word(): model.h. */

/*
 * 1 when the len bytes of text start with the tag v=DMARC1 (rules above).
 * With near not NULL, *near is set to 1 when the record starts with
 * v=DMARC1 in another case (which receivers ignore), else 0.
 */
int dmarc_record_is(const char *text, size_t len, int *near);

/* The strength of a policy word of len bytes, in any case; -1 when it is
 * not one. */
int dmarc_policy_strength(const char *word, size_t len);

/*
 * A pct value as RFC 7489 writes it (1 to 3 digits, 0 to 100, nothing
 * else: no sign, no space), or -1.  The one reading of pct, for records
 * and for what a user types (advise --what-if reject:PCT).
 */
int dmarc_pct_parse(const char *s, size_t len);

/* One tag.  val is borrowed from the text parsed (not NUL-terminated). */
struct dmarc_tag {
	char name[DMARC_TAG_NAME_MAX]; /* lower-cased */
	const char *val;
	size_t vlen;
	size_t pos; /* byte offset of the tag's name in the text */
	int repeat; /* an earlier tag has this name: ignored */
};

/* The policy in force, defaults applied (see above). */
struct dmarc_in_force {
	int p; /* DMARC_NONE..DMARC_REJECT, or DMARC_ABSENT (or invalid) */
	int sp, np; /* as written, DMARC_ABSENT when absent or invalid */
	int sp_in_force; /* sp, else p */
	int np_in_force; /* np, else sp_in_force */
	int pct; /* 0..100 */
	int testing; /* t=y */
	char psd; /* 'y', 'n' or 'u' */
	char adkim, aspf; /* 'r' or 's' */
	char fo[16]; /* "0", or the value as written when valid */
	/* The rua= and ruf= values as written (borrowed), NULL when absent. */
	const char *rua, *ruf;
	size_t rua_len, ruf_len;
};

/* A parsed record.  Everything borrowed points into the text parsed,
 * which must outlive it; nothing to free. */
struct dmarc_txt {
	struct dmarc_tag tag[DMARC_MAX_TAGS]; /* tag[0] is v */
	size_t ntags;
	size_t nrepeats; /* tags noted as repeat */
	size_t nskipped; /* parts that broke the rules, and tags past the cap */
	char why[160]; /* the first part skipped, and why; "" when none */
	int near; /* not DMARC: v=DMARC1 in another case */
	struct dmarc_in_force pol;
};

/*
 * Parses the len bytes of text.  Returns 0 when it is a DMARC record (v=
 * DMARC1 first, at most DMARC_RECORD_MAX bytes), with out filled; -1 when
 * it is not, with out->near and out->why saying why.  Records holding a
 * NUL byte parse, the part with it skipped.
 */
int dmarc_record_parse(const char *text, size_t len, struct dmarc_txt *out);

/* The first tag named name (lower-case), or NULL; borrowed from rec. */
const struct dmarc_tag *dmarc_record_tag(
    const struct dmarc_txt *rec, const char *name);

/*
 * Whether a tag's value is valid for its name: 1 valid, 0 invalid, -1 an
 * unknown tag (v, p, sp, np, t, psd, adkim, aspf, fo, pct, rua, ruf, rf
 * and ri are known; rua and ruf are valid when not empty, their URIs are
 * the caller's to judge).
 */
int dmarc_tag_valid(const struct dmarc_tag *t);

/* What a record to build says. */
struct dmarc_build {
	int p; /* DMARC_NONE..DMARC_REJECT */
	int testing; /* 1: t=y; 0: no t= */
	int pct; /* 0..99: pct=N; 100: no pct= */
	/* For a new record only (an existing one keeps its own tags): */
	int sp, np; /* DMARC_ABSENT: left out */
	char adkim, aspf; /* 'r' or 's' to write them; 0: left out */
	const char *rua; /* the rua= value, NULL: left out */
};

/*
 * Writes the text of a record for b into out (size bytes, NUL-terminated).
 *
 * From existing, when it is a DMARC record (v=DMARC1 first, in any case:
 * the text written says v=DMARC1): its tags in their order, p replaced
 * (added after v when missing), t and pct written in their places, or
 * after p when missing, and dropped when b does not want them; a repeated
 * tag kept once, a tag with an empty value or a part that is not a tag
 * dropped.  It comes from DNS, that is from anyone: only printable ASCII
 * survives, without '"' and '\' (which would end the quoted TXT string),
 * and when it is too long for out, its other tags are left out from the
 * end, never cut.  Returns 1.
 *
 * Otherwise (existing NULL or not a DMARC record), a new record: v, p, t,
 * pct, sp, np, adkim, aspf, rua as b gives them.  Returns 0.
 */
int dmarc_record_build(
    const char *existing, const struct dmarc_build *b, char *out, size_t size);

/*
 * The DMARC record of a domain in the DNS, as dmarc_lookup() found it.
 * own is the answer for _dmarc.DOMAIN; org the answer for _dmarc.ORGDOMAIN,
 * asked only when domain is below its organizational domain, own had no
 * v=DMARC1 record and no DNS trouble.  record is the one that applies:
 * exactly one v=DMARC1 record at _dmarc.DOMAIN, else (none there) exactly
 * one at _dmarc.ORGDOMAIN; NULL otherwise (none, several, DNS trouble).
 * Release with dmarc_lookup_clear().
 */
#define DMARC_NAME_MAX (ORGDOMAIN_MAX + 8)
struct dmarc_lookup {
	char domain[ORGDOMAIN_MAX]; /* normalized */
	char org[ORGDOMAIN_MAX]; /* its organizational domain ("" unknown) */
	char name[DMARC_NAME_MAX]; /* _dmarc.DOMAIN */
	char org_name[DMARC_NAME_MAX]; /* _dmarc.ORGDOMAIN, "" when not below
	                                  an organizational domain */
	struct resolve_result own, org_res;
	int asked_org;
	size_t count, org_count; /* v=DMARC1 records in own, org_res */
	int near; /* a record of either starts with v= other than exactly
	             DMARC1 */
	const struct resolve_record *record; /* borrowed from own or org_res */
	int at_org; /* record is the organizational domain's */
};

/*
 * Looks the record of domain up through r (each TXT query once).  With od
 * NULL, only _dmarc.DOMAIN is asked.  Returns 0 with *out filled (DNS
 * answers, good or bad, are in it), ERR_USAGE when domain is not a domain
 * name, ERR_IO when the resolver fails; *out is to be cleared either way.
 */
int dmarc_lookup(struct resolver *r, const struct orgdomain *od,
    const char *domain, struct dmarc_lookup *out, struct err *err);
void dmarc_lookup_clear(struct dmarc_lookup *l);

#endif
