/*
 * fuzz_dns: the DNS answer parser (analyze/resolve_wire.c) on bytes a
 * name server, or anyone who can spoof one, could send.
 *
 * The first input byte picks the type asked (its value modulo 6, in the
 * order of enum resolve_type: A, AAAA, PTR, TXT, MX, TLSA); the rest is the
 * answer message, its question included, as c-ares would hand it over.
 * The result is checked against what resolve.h and resolve_wire.h
 * promise: a bounded number of records, only with RESOLVE_OK; every text
 * NUL-terminated at its length; addresses that read back as addresses;
 * names printable and escaped as "\DDD", with hostname set exactly when
 * the name could be sent as a query; a printable detail.  The same bytes
 * are then parsed again into the same result, which must free the first
 * records and come out the same.  A broken promise aborts.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "resolve.h"
#include "resolve_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An address as inet_ntop() writes it, and nothing else. */
static void
check_addr(const struct resolve_record *rr, int family)
{
	unsigned char a[16];
	char back[INET6_ADDRSTRLEN];

	fuzz_check(strlen(rr->text) == rr->len, "an address is len bytes");
	fuzz_check(
	    inet_pton(family, rr->text, a) == 1, "an address reads back");
	fuzz_check(inet_ntop(family, a, back, sizeof(back)) != NULL &&
	        strcmp(back, rr->text) == 0,
	    "an address is in inet_ntop() form");
	fuzz_check(rr->pref == 0 && rr->hostname == 0,
	    "an address has no pref, no hostname");
}

/* A name: lower-case letters, digits, '-', '_', dots between non-empty
 * labels, and "\DDD" for every other byte. */
static void
check_name(const struct resolve_record *rr, enum resolve_type type)
{
	const char *s = rr->text;
	size_t i, label = 0;
	char *sent;

	fuzz_check(strlen(s) == rr->len, "a name is len bytes");
	fuzz_check(rr->len < RESOLVE_NAME_MAX, "a name fits RESOLVE_NAME_MAX");
	fuzz_check(type == RESOLVE_MX || rr->pref == 0, "only MX has a pref");
	fuzz_check(rr->pref <= 0xffff, "a pref is 16 bits");
	for (i = 0; i < rr->len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			fuzz_check(i + 3 < rr->len && s[i + 1] >= '0' &&
			        s[i + 1] <= '2' && s[i + 2] >= '0' &&
			        s[i + 2] <= '9' && s[i + 3] >= '0' &&
			        s[i + 3] <= '9',
			    "an escape is \\DDD");
			fuzz_check((s[i + 1] - '0') * 100 +
			            (s[i + 2] - '0') * 10 + (s[i + 3] - '0') <=
			        255,
			    "an escape is a byte");
			i += 3;
			label++;
		} else if (c == '.') {
			fuzz_check(label > 0, "no empty label in a name");
			label = 0;
		} else {
			fuzz_check((c >= 'a' && c <= 'z') ||
			        (c >= '0' && c <= '9') || c == '-' || c == '_',
			    "a name holds a-z 0-9 - _ . and escapes only");
			label++;
		}
	}
	fuzz_check(rr->len == 0 || label > 0, "a name does not end in a dot");
	/* hostname: exactly the names a lookup would send. */
	sent = resolve_wire_qname(s);
	fuzz_check((sent != NULL) == (rr->hostname != 0),
	    "hostname is set exactly for a name that may be looked up");
	fuzz_check(sent == NULL || strcmp(sent, s) == 0,
	    "a host name is sent as it reads");
	free(sent);
}

static void
check_result(const struct resolve_result *res, int rc, const char *name)
{
	size_t i, n;

	fuzz_check(rc == 0 || rc == -1, "0 or -1");
	fuzz_check(res->name == name, "the name is left alone");
	n = strnlen(res->detail, sizeof(res->detail));
	fuzz_check(n < sizeof(res->detail), "detail is NUL-terminated");
	for (i = 0; i < n; i++)
		fuzz_check(res->detail[i] >= 0x20 && res->detail[i] < 0x7f,
		    "detail is printable");
	if (rc < 0)
		fuzz_check(res->status == RESOLVE_OTHER &&
		        strcmp(res->detail, "malformed answer") == 0,
		    "-1 is RESOLVE_OTHER, \"malformed answer\"");
	switch (res->status) {
	case RESOLVE_OK:
		fuzz_check(res->n + res->dropped > 0, "RESOLVE_OK has records");
		break;
	case RESOLVE_NXDOMAIN:
	case RESOLVE_NODATA:
	case RESOLVE_SERVFAIL:
	case RESOLVE_REFUSED:
	case RESOLVE_OTHER:
		fuzz_check(res->n == 0 && res->dropped == 0,
		    "records come with RESOLVE_OK only");
		break;
	case RESOLVE_TIMEOUT:
	case RESOLVE_BADNAME:
	default:
		fuzz_check(0, "a status an answer can have");
	}
	fuzz_check(res->status == RESOLVE_OK ||
	        res->status == RESOLVE_NXDOMAIN ||
	        res->status == RESOLVE_NODATA || res->ttl == 0,
	    "trouble has ttl 0");
	fuzz_check(res->ttl <= 0x7fffffffu, "a ttl is at most 2^31 - 1");
	fuzz_check(
	    res->n <= RESOLVE_MAX_RECORDS, "at most RESOLVE_MAX_RECORDS");
	fuzz_check(res->n == 0 || res->rr != NULL, "records are there");
	for (i = 0; i < res->n; i++) {
		const struct resolve_record *rr = &res->rr[i];

		fuzz_check(rr->text != NULL, "a record has a text");
		fuzz_check(
		    rr->text[rr->len] == '\0', "a text ends in NUL at len");
		switch (res->type) {
		case RESOLVE_A:
			check_addr(rr, AF_INET);
			break;
		case RESOLVE_AAAA:
			check_addr(rr, AF_INET6);
			break;
		case RESOLVE_PTR:
		case RESOLVE_MX:
			check_name(rr, res->type);
			break;
		case RESOLVE_TXT:
			fuzz_check(rr->pref == 0 && rr->hostname == 0,
			    "TXT has no pref, no hostname");
			fuzz_touch(rr->text, rr->len + 1);
			break;
		case RESOLVE_TLSA:
			fuzz_check(rr->pref == 0 && rr->hostname == 0 &&
			        strlen(rr->text) == rr->len &&
			        strspn(rr->text, "0123456789abcdef -") ==
			            rr->len,
			    "TLSA is numbers and hex");
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resolve_result res;
	enum resolve_status status;
	size_t n, dropped;
	unsigned ttl;
	char *name;
	int rc;

	if (size < 1)
		return 0;
	memset(&res, 0, sizeof(res));
	res.type = (enum resolve_type)(data[0] % 6);
	res.status = RESOLVE_OTHER;
	name = strdup("fuzz.test");
	fuzz_check(name != NULL, "strdup");
	res.name = name;

	rc = resolve_wire_answer(data + 1, size - 1, &res);
	check_result(&res, rc, name);
	status = res.status;
	n = res.n;
	dropped = res.dropped;
	ttl = res.ttl;

	/* Again into the same result: the first records are freed (a leak
	 * shows under LeakSanitizer) and the outcome is the same. */
	fuzz_check(resolve_wire_answer(data + 1, size - 1, &res) == rc,
	    "the same bytes, the same return");
	check_result(&res, rc, name);
	fuzz_check(res.status == status && res.n == n &&
	        res.dropped == dropped && res.ttl == ttl,
	    "the same bytes, the same result");

	resolve_result_clear(&res);
	return 0;
}
