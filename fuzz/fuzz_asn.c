/*
 * fuzz_asn: the IP-to-ASN TXT answers (analyze/asn.c): origin records
 * ("64500 | 203.0.113.0/24 | US | arin | 2001-01-01") and AS name records
 * ("64500 | US | arin | 2001-01-01 | EXAMPLE-NET - Example, US"), from
 * zones anyone may answer for.
 *
 * The input is lines: the address asked (when it is not one,
 * 203.0.113.7), the AS number asked for a name (when it is not one,
 * 64500), then the TXT records of the answer, each read both ways.
 * Promises checked (asn.h): a record taken has an AS number of 1 or
 * more; a canonical prefix of the address's family, holding the address,
 * host bits clear, its length as said; a country of two upper-case
 * letters or none; a name of printable UTF-8, as published, trimmed, and
 * its handle a prefix of it, shorter than ASN_HANDLE_MAX, cut on a
 * character.  A record refused leaves everything zero.  The origin
 * written back as a record reads as itself, and the origin picked from
 * the answer is the most specific, then lowest, of those taken.
 */
#include "asn.h"
#include "fuzz_check.h"
#include "ipaddr.h"
#include "resolve.h"
#include "text.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
all_zero(const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		if (s[i] != 0)
			return 0;
	return 1;
}

/* Field by field: a struct assigned need not copy its padding. */
static int
origin_eq(const struct asn_origin *a, const struct asn_origin *b)
{
	return a->asn == b->asn && a->plen == b->plen &&
	    strcmp(a->prefix, b->prefix) == 0 &&
	    strcmp(a->country, b->country) == 0;
}

static void
check_country(const char *c)
{
	fuzz_check(c[0] == '\0' ||
	        (c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
	            c[2] == '\0'),
	    "a country is two upper-case letters or none");
}

static void
check_origin(const char *ip, const struct asn_origin *o)
{
	unsigned char a[16], p[16];
	char addr[IP_TEXT_MAX + 4], back[sizeof(o->prefix) + 32], *slash;
	int family = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
	size_t alen = family == AF_INET ? 4 : 16;
	struct asn_origin again;

	fuzz_check(o->asn >= 1, "an AS number is 1 or more");
	check_country(o->country);
	fuzz_check(strnlen(o->prefix, sizeof(o->prefix)) < sizeof(o->prefix),
	    "a prefix is terminated");
	memcpy(addr, o->prefix, sizeof(addr));
	slash = strchr(addr, '/');
	fuzz_check(slash != NULL, "a prefix has a length");
	*slash = '\0';
	fuzz_check(
	    inet_pton(family, addr, p) == 1 && inet_pton(family, ip, a) == 1,
	    "a prefix of the address's family");
	fuzz_check(o->plen >= 1 && o->plen <= alen * 8,
	    "a prefix length within the family");
	snprintf(back, sizeof(back), "%u", o->plen);
	fuzz_check(strcmp(slash + 1, back) == 0, "plen is the length written");
	fuzz_check(inet_ntop(family, p, back, sizeof(back)) != NULL &&
	        strcmp(back, addr) == 0,
	    "a prefix is canonical");
	for (size_t i = 0; i < alen; i++) {
		unsigned keep = o->plen >= (i + 1) * 8 ? 8
		    : o->plen > i * 8 ? o->plen - (unsigned)i * 8
		                      : 0;
		unsigned char mask = (unsigned char)(0xff00u >> keep);

		fuzz_check((p[i] & (unsigned char)~mask) == 0,
		    "no host bits in a prefix");
		fuzz_check(
		    (a[i] & mask) == p[i], "the prefix holds the address");
	}
	/* Written back as a record, it reads as itself. */
	snprintf(back, sizeof(back), "%" PRIu32 " | %s | %s", o->asn, o->prefix,
	    o->country);
	fuzz_check(asn_parse_origin(ip, back, strlen(back), &again) == 0 &&
	        origin_eq(&again, o),
	    "an origin written back reads as itself");
}

static void
check_name(const struct asn_name *nm)
{
	size_t n = strnlen(nm->name, sizeof(nm->name));
	size_t h = strnlen(nm->handle, sizeof(nm->handle));

	check_country(nm->country);
	fuzz_check(n < sizeof(nm->name) && h < sizeof(nm->handle),
	    "name and handle are terminated");
	fuzz_check(text_is_printable(nm->name, n), "a name is printable UTF-8");
	fuzz_check(text_is_printable(nm->handle, h),
	    "a handle is printable UTF-8, cut on a character");
	fuzz_check(n == 0 || (nm->name[0] != ' ' && nm->name[n - 1] != ' '),
	    "a name is trimmed");
	fuzz_check(h == 0 || (nm->handle[0] != ' ' && nm->handle[h - 1] != ' '),
	    "a handle is trimmed");
	fuzz_check(strncmp(nm->name, nm->handle, h) == 0,
	    "a handle is a prefix of the name");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resolve_result res;
	struct asn_origin o, best, picked;
	struct asn_name nm;
	char ip[IP_TEXT_MAX], line[64], *copy, *p, *end;
	uint64_t asn = 64500;
	size_t pos = 0, k;
	int found = 0;

	/* The address and the AS number asked. */
	for (int i = 0; i < 2; i++) {
		k = 0;
		while (pos < size && data[pos] != '\n') {
			if (k + 1 < sizeof(line))
				line[k++] = (char)data[pos];
			pos++;
		}
		line[k] = '\0';
		pos += pos < size;
		if (i == 0 && ip_normalize(line, ip) < 0)
			snprintf(ip, sizeof(ip), "203.0.113.7");
		if (i == 1 && k > 0 && k < 11 &&
		    strspn(line, "0123456789") == k &&
		    strtoull(line, NULL, 10) <= UINT32_MAX)
			asn = strtoull(line, NULL, 10);
	}

	/* The records, each in a buffer of its exact size. */
	memset(&res, 0, sizeof(res));
	res.type = RESOLVE_TXT;
	res.status = RESOLVE_OK;
	memset(&best, 0, sizeof(best));
	copy = malloc(size - pos + 1);
	fuzz_check(copy != NULL, "memory");
	memcpy(copy, data + pos, size - pos);
	end = copy + (size - pos);
	for (p = copy; p <= end && res.n < RESOLVE_MAX_RECORDS;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p);
		char *txt = malloc(len ? len : 1);

		fuzz_check(txt != NULL, "memory");
		memcpy(txt, p, len);
		if (asn_parse_origin(ip, txt, len, &o) == 0) {
			check_origin(ip, &o);
			if (!found || o.plen > best.plen ||
			    (o.plen == best.plen && o.asn < best.asn))
				best = o;
			found = 1;
		} else {
			fuzz_check(all_zero(&o, sizeof(o)),
			    "an origin refused is zero");
		}
		if (asn_parse_name((uint32_t)asn, txt, len, &nm) == 0)
			check_name(&nm);
		else
			fuzz_check(all_zero(&nm, sizeof(nm)),
			    "a name refused is zero");
		free(txt);
		res.rr = realloc(res.rr, (res.n + 1) * sizeof(*res.rr));
		fuzz_check(res.rr != NULL, "memory");
		res.rr[res.n].text = malloc(len + 1);
		fuzz_check(res.rr[res.n].text != NULL, "memory");
		memcpy(res.rr[res.n].text, p, len);
		res.rr[res.n].text[len] = '\0';
		res.rr[res.n].len = len;
		res.rr[res.n].pref = 0;
		res.rr[res.n].hostname = 0;
		res.n++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	fuzz_check((asn_pick_origin(ip, &res, &picked) == 0) == found,
	    "an origin is picked when a record is good");
	fuzz_check(origin_eq(&picked, &best),
	    "the most specific origin, then the lowest AS number");
	for (size_t i = 0; i < res.n; i++)
		free(res.rr[i].text);
	free(res.rr);
	free(copy);
	return 0;
}
