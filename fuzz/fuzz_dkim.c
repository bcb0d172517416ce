/*
 * fuzz_dkim: the DKIM key record reader (dnscheck_parse_dkim(),
 * analyze/dnscheck_dkim.c) on any TXT text: its tag list, the base64 of
 * p= and the DER of the key inside.
 *
 * Promises checked (dnscheck.h): every finding has a dkim id, a status,
 * and printable text on one line; -1 comes with a failing finding, 0
 * with dkim.syntax passing and a dkim.key finding; a key size said is at
 * most what the decoded key can hold.  Parsed again, the same findings.
 */
#include "dnscheck.h"
#include "fuzz_check.h"
#include "text.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_findings(const struct dnscheck_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct dnscheck_finding *f = &l->v[i];
		int bits;

		fuzz_check(strcmp(f->id, "dkim.syntax") == 0 ||
		        strcmp(f->id, "dkim.key") == 0 ||
		        strcmp(f->id, "dkim.testing") == 0,
		    "a dkim finding");
		fuzz_check(f->status == DNSCHECK_PASS ||
		        f->status == DNSCHECK_WARN ||
		        f->status == DNSCHECK_FAIL,
		    "a record alone has no DNS error");
		fuzz_check(text_is_printable(f->subject, strlen(f->subject)) &&
		        text_is_printable(f->text, strlen(f->text)) &&
		        (f->fix == NULL ||
		            text_is_printable(f->fix, strlen(f->fix))),
		    "a finding is printable, on one line");
		fuzz_check((f->status == DNSCHECK_PASS) == (f->fix == NULL),
		    "a fix exactly when it did not pass");
		/* "RSA key of N bits": N from a modulus of at most 4096
		 * bytes (KEY_MAX), at least one bit set. */
		if (sscanf(f->text, "RSA key of %d bits", &bits) == 1)
			fuzz_check(bits >= 0 && bits <= 4096 * 8,
			    "a key size the key can hold");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnscheck_list out = {0}, again = {0};
	char *text;
	int rc, syntax_pass = 0, key = 0, fail = 0;

	/* In a buffer of its exact size, so ASan sees a read past it. */
	text = malloc(size ? size : 1);
	fuzz_check(text != NULL, "memory");
	memcpy(text, data, size);
	rc =
	    dnscheck_parse_dkim(text, size, "s1._domainkey.fuzz.example", &out);
	fuzz_check(rc == 0 || rc == -1, "0 or -1");
	check_findings(&out);
	for (size_t i = 0; i < out.n; i++) {
		syntax_pass |= strcmp(out.v[i].id, "dkim.syntax") == 0 &&
		    out.v[i].status == DNSCHECK_PASS;
		key |= strcmp(out.v[i].id, "dkim.key") == 0;
		fail |= out.v[i].status == DNSCHECK_FAIL;
	}
	if (rc < 0)
		fuzz_check(fail, "-1 comes with a failing finding");
	else
		fuzz_check(syntax_pass && key,
		    "0: the syntax passed and the key is judged");
	fuzz_check(dnscheck_parse_dkim(text, size, "s1._domainkey.fuzz.example",
	               &again) == rc &&
	        again.n == out.n,
	    "parsed again, the same findings");
	for (size_t i = 0; i < out.n; i++)
		fuzz_check(strcmp(out.v[i].text, again.v[i].text) == 0,
		    "parsed again, the same findings");
	dnscheck_list_free(&out);
	dnscheck_list_free(&again);
	free(text);
	return 0;
}
