/*
 * dnscheck_dkim: DKIM key records (RFC 6376 section 3.6.1).  Read in this
 * order: the tag-list splitter; base64 and a minimal DER reader, enough
 * for the size of an RSA key; the record judged; the lookup per selector.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "orgdomain.h"
#include "resolve.h"
#include "taglist.h"
#include "text.h"
#include "xalloc.h"

/* Tags in one DKIM record. */
#define MAX_TAGS 32
/* A decoded DKIM key: a 16384-bit RSA key is about 2 KB. */
#define KEY_MAX 4096

/* ------------------------------------------------------------------------
 * Tag lists (taglist.h): names case-sensitive, as RFC 6376 section 3.2
 * wants; any part that is not a tag makes the record invalid. */

/*
 * Splits text into tags.  Returns the number of tags, or -1 with why set:
 * a part that is not a tag (taglist_next()), more than MAX_TAGS tags.
 */
static int
tag_list(const char *text, size_t len, struct taglist_tag *tags, char *why,
    size_t whysz)
{
	struct taglist tl;
	struct taglist_tag t;
	int n = 0, rc;

	taglist_init(&tl, text, len, 0);
	while ((rc = taglist_next(&tl, &t, why, whysz)) != 0) {
		if (rc < 0)
			return -1;
		if (n == MAX_TAGS) {
			snprintf(why, whysz, "more than %d tags", MAX_TAGS);
			return -1;
		}
		tags[n++] = t;
	}
	return n;
}

static int
val_is(const struct taglist_tag *t, const char *word)
{
	return t->vlen == strlen(word) &&
	    strncasecmp(t->val, word, t->vlen) == 0;
}

/* ------------------------------------------------------------------------
 * Base64, a minimal DER reader, the key record. */

/* Decodes the key's base64, which may hold folding white space (RFC 6376
 * 3.6.1: FWS is allowed in p=), into out: base64_decode() on it without
 * the blanks.  The byte count, or -1. */
static long
b64_decode(const char *s, size_t len, unsigned char *out, size_t outsz)
{
	char *packed = xmalloc(len + 1);
	size_t n = 0;
	long rc;

	for (size_t i = 0; i < len; i++)
		if (!taglist_is_fws((unsigned char)s[i]))
			packed[n++] = s[i];
	rc = base64_decode(packed, n, out, outsz);
	free(packed);
	return rc;
}

/* Reads a DER header at *pos within [0, end): tag and content length. */
static int
der_next(const unsigned char *b, size_t end, size_t *pos, unsigned *tag,
    size_t *clen)
{
	size_t p = *pos, l;
	unsigned n;

	if (p + 2 > end)
		return -1;
	*tag = b[p++];
	l = b[p++];
	if (l & 0x80) {
		n = (unsigned)(l & 0x7f);
		if (n == 0 || n > 3 || p + n > end)
			return -1;
		for (l = 0; n > 0; n--)
			l = (l << 8) | b[p++];
	}
	if (l > end - p)
		return -1;
	*pos = p;
	*clen = l;
	return 0;
}

/* Bits of the INTEGER at *pos (the RSA modulus); -1 if not one. */
static int
der_int_bits(const unsigned char *b, size_t end, size_t *pos)
{
	unsigned tag, top;
	size_t len, p;
	int bits;

	if (der_next(b, end, pos, &tag, &len) < 0 || tag != 0x02 || len == 0)
		return -1;
	p = *pos;
	*pos += len;
	while (len > 0 && b[p] == 0) {
		p++;
		len--;
	}
	if (len == 0)
		return 0;
	bits = (int)(len - 1) * 8;
	for (top = b[p]; top != 0; top >>= 1)
		bits++;
	return bits;
}

/*
 * The modulus size of an RSA public key: SubjectPublicKeyInfo (what
 * `openssl rsa -pubout` writes and receivers accept) or a bare
 * RSAPublicKey (RFC 6376's wording).  Returns bits, or -1 with why set.
 */
static int
rsa_bits(const unsigned char *b, size_t len, const char **why)
{
	static const unsigned char rsa_oid[] = {
	    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
	size_t pos = 0, clen, end, alg_end;
	unsigned tag;

	*why = "p= is not a DER public key";
	if (der_next(b, len, &pos, &tag, &clen) < 0 || tag != 0x30)
		return -1;
	end = pos + clen;
	if (pos < end && b[pos] == 0x02) /* RSAPublicKey */
		return der_int_bits(b, end, &pos);
	if (der_next(b, end, &pos, &tag, &clen) < 0 || tag != 0x30)
		return -1;
	alg_end = pos + clen;
	if (der_next(b, alg_end, &pos, &tag, &clen) < 0 || tag != 0x06)
		return -1;
	if (clen != sizeof(rsa_oid) || memcmp(b + pos, rsa_oid, clen) != 0) {
		*why = "p= holds a key of another algorithm than RSA";
		return -1;
	}
	pos = alg_end;
	if (der_next(b, end, &pos, &tag, &clen) < 0 || tag != 0x03 ||
	    clen < 1 || b[pos] != 0)
		return -1;
	pos++;
	end = pos + clen - 1;
	if (der_next(b, end, &pos, &tag, &clen) < 0 || tag != 0x30)
		return -1;
	return der_int_bits(b, pos + clen, &pos);
}

int
dnscheck_parse_dkim(const char *text, size_t len, const char *subject,
    struct dnscheck_list *out)
{
	struct taglist_tag tags[MAX_TAGS];
	unsigned char key[KEY_MAX];
	char why[160], shown[64];
	const struct taglist_tag *k, *p, *h, *s, *t, *v;
	const char *kwhy;
	int n, i, j, bits, klen;

	if (!dnscheck_record_bytes_ok(text, len, "dkim.syntax", subject, out))
		return -1;
	n = tag_list(text, len, tags, why, sizeof(why));
	if (n < 0) {
		dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL, subject,
		    "write tags as name=value separated by ';'",
		    "the key record is not a valid tag list: %s", why);
		return -1;
	}
	for (i = 1; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(tags[i].name, tags[j].name) == 0) {
				dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL,
				    subject, "keep one of each tag",
				    "tag %s= appears more than once: verifiers"
				    " ignore the key",
				    tags[i].name);
				return -1;
			}
		}
	}
	/* Names are case-sensitive (RFC 6376 section 3.2): K= is an unknown
	 * tag that verifiers ignore, not k=, whatever was meant. */
	for (i = 0; i < n; i++) {
		char low[TAGLIST_NAME_MAX];

		for (j = 0; tags[i].name[j] != '\0'; j++)
			low[j] = (char)tolower((unsigned char)tags[i].name[j]);
		low[j] = '\0';
		if (strcmp(low, tags[i].name) != 0 &&
		    strchr("vhknpst", low[0]) != NULL && low[1] == '\0') {
			dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL, subject,
			    "write tag names in lower case",
			    "tag %s= is not %s=: tag names are case-sensitive,"
			    " so verifiers ignore it",
			    tags[i].name, low);
			return -1;
		}
	}
	v = taglist_find(tags, (size_t)n, "v");
	if (v != NULL &&
	    (v != &tags[0] || v->vlen != 5 ||
	        strncmp(v->val, "DKIM1", 5) != 0)) {
		dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL, subject,
		    "start the record with v=DKIM1; or leave v= out",
		    "v= must come first and be exactly DKIM1");
		return -1;
	}
	p = taglist_find(tags, (size_t)n, "p");
	if (p == NULL) {
		dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL, subject,
		    "publish the public key in p=",
		    "no p= tag: this is not a key record");
		return -1;
	}
	h = taglist_find(tags, (size_t)n, "h");
	if (h != NULL) {
		text_printable_n(h->val, h->vlen, shown, sizeof(shown));
		if (strstr(shown, "sha256") == NULL) {
			dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
			    "drop h=, or write h=sha256",
			    "h=%s does not allow sha256; sha1 must not be"
			    " used (RFC 8301)",
			    shown);
			return -1;
		}
	}
	s = taglist_find(tags, (size_t)n, "s");
	if (s != NULL) {
		text_printable_n(s->val, s->vlen, shown, sizeof(shown));
		if (strchr(shown, '*') == NULL &&
		    strstr(shown, "email") == NULL) {
			dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
			    "drop s=, or write s=email",
			    "s=%s: the key is not for email", shown);
			return -1;
		}
	}
	dnscheck_add(out, "dkim.syntax", DNSCHECK_PASS, subject, NULL,
	    "the key record is well formed");
	t = taglist_find(tags, (size_t)n, "t");
	if (t != NULL) {
		text_printable_n(t->val, t->vlen, shown, sizeof(shown));
		for (i = 0; shown[i] != '\0'; i++) {
			if ((shown[i] == 'y' || shown[i] == 'Y') &&
			    (i == 0 || shown[i - 1] == ':' ||
			        taglist_is_fws((unsigned char)shown[i - 1])) &&
			    (shown[i + 1] == '\0' || shown[i + 1] == ':' ||
			        taglist_is_fws((unsigned char)shown[i + 1])))
				break;
		}
		if (shown[i] != '\0')
			dnscheck_add(out, "dkim.testing", DNSCHECK_WARN,
			    subject, "remove t=y once signing works",
			    "t=y: the domain is testing DKIM, and verifiers"
			    " may treat its signatures as absent");
	}
	if (p->vlen == 0) {
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "publish the current key, or stop signing with this"
		    " selector",
		    "the key is revoked (empty p=): signatures with this"
		    " selector fail");
		return 0;
	}
	klen = (int)b64_decode(p->val, p->vlen, key, sizeof(key));
	if (klen <= 0) {
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "publish the key as base64 without quotes or breaks",
		    "p= is not base64 (or longer than %d bytes)", KEY_MAX);
		return -1;
	}
	k = taglist_find(tags, (size_t)n, "k");
	if (k != NULL && val_is(k, "ed25519")) {
		if (klen != 32) {
			dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
			    "publish the bare 32-byte key in base64 (RFC 8463)",
			    "an ed25519 p= must hold 32 bytes, not %d", klen);
			return -1;
		}
		dnscheck_add(out, "dkim.key", DNSCHECK_PASS, subject, NULL,
		    "ed25519 key");
		return 0;
	}
	if (k != NULL && !val_is(k, "rsa")) {
		text_printable_n(k->val, k->vlen, shown, sizeof(shown));
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "use k=rsa or k=ed25519",
		    "k=%s is not a key type verifiers know", shown);
		return -1;
	}
	bits = rsa_bits(key, (size_t)klen, &kwhy);
	if (bits < 0) {
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "publish the output of openssl rsa -pubout, base64", "%s",
		    kwhy);
		return -1;
	}
	if (bits < 1024)
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "make a 2048-bit key and publish it under a new selector",
		    "RSA key of %d bits: verifiers refuse keys under 1024"
		    " bits (RFC 8301)",
		    bits);
	else if (bits < 2048)
		dnscheck_add(out, "dkim.key", DNSCHECK_WARN, subject,
		    "make a 2048-bit key and publish it under a new selector",
		    "RSA key of %d bits: 2048 is recommended", bits);
	else
		dnscheck_add(out, "dkim.key", DNSCHECK_PASS, subject, NULL,
		    "RSA key of %d bits", bits);
	return 0;
}

/* 1 when the TXT record looks like a DKIM key record. */
static int
looks_like_key(const struct resolve_record *rr)
{
	struct taglist_tag tags[MAX_TAGS];
	char why[128]; /* not shown: only whether it parses counts here */
	int n;

	if (rr->len > DNSCHECK_RECORD_MAX || memchr(rr->text, '\0', rr->len))
		return 1; /* judged, and refused, by the parser */
	n = tag_list(rr->text, rr->len, tags, why, sizeof(why));
	return n < 0 || taglist_find(tags, (size_t)n, "p") != NULL ||
	    taglist_find(tags, (size_t)n, "v") != NULL ||
	    taglist_find(tags, (size_t)n, "k") != NULL;
}

int
dnscheck_dkim(struct resolver *r, const char *domain,
    const char *const *selectors, size_t nsel, struct dnscheck_list *out,
    struct err *err)
{
	char dom[ORGDOMAIN_MAX], name[600], fix[700];
	struct resolve_result *res;
	size_t i, k;
	int rc;

	if ((rc = domain_check(domain, dom, sizeof(dom), err)) < 0)
		return rc;
	if (nsel == 0)
		return 0;
	res = xcalloc(nsel, sizeof(*res));
	for (i = 0; i < nsel; i++) {
		snprintf(name, sizeof(name), "%s._domainkey.%s",
		    selectors[i] != NULL ? selectors[i] : "", dom);
		resolve_into(r, RESOLVE_TXT, name, &res[i]);
	}
	if ((rc = resolve_wait(r, err)) < 0)
		goto done;
	for (i = 0; i < nsel; i++) {
		const struct resolve_record *key = NULL;
		size_t nkeys = 0;

		snprintf(name, sizeof(name), "%s._domainkey.%s",
		    selectors[i] != NULL ? selectors[i] : "", dom);
		if (res[i].status == RESOLVE_BADNAME) {
			dnscheck_add(out, "dkim.record", DNSCHECK_FAIL, name,
			    "selectors are DNS labels: letters, digits, '-'",
			    "'%s' is not a usable selector",
			    selectors[i] != NULL ? selectors[i] : "");
			continue;
		}
		if (dnscheck_dns_trouble(out, "dkim.record", &res[i], name))
			continue;
		for (k = 0; k < res[i].n; k++) {
			if (looks_like_key(&res[i].rr[k]) && nkeys++ == 0)
				key = &res[i].rr[k];
		}
		if (nkeys == 0) {
			snprintf(fix, sizeof(fix),
			    "publish TXT %s \"v=DKIM1; k=rsa; p=<base64 public"
			    " key>\" (your mail system shows it)",
			    name);
			dnscheck_add(out, "dkim.record", DNSCHECK_FAIL, name,
			    fix, "no DKIM key for selector %s%s", selectors[i],
			    res[i].status == RESOLVE_OK
			        ? " (TXT records, none a key)"
			        : "");
			continue;
		}
		if (nkeys > 1)
			dnscheck_add(out, "dkim.record", DNSCHECK_WARN, name,
			    "keep one key record per selector",
			    "%zu key records: verifiers may use any of them;"
			    " the first is checked",
			    nkeys);
		else
			dnscheck_add(out, "dkim.record", DNSCHECK_PASS, name,
			    NULL, "one key record");
		dnscheck_parse_dkim(key->text, key->len, name, out);
	}
done:
	for (i = 0; i < nsel; i++)
		resolve_result_clear(&res[i]);
	free(res);
	return rc;
}
