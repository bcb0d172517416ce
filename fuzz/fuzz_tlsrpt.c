/*
 * fuzz_tlsrpt: the SMTP TLS report reader (ingest/tlsrpt.c) alone, on
 * bytes taken as JSON; every field of an accepted report read and held to
 * what tlsrpt.h promises, and its digest taken.
 */
#include "bytesrc.h"
#include "err.h"
#include "fuzz_check.h"
#include "input_limits.h"
#include "text.h"
#include "tlsrpt.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A string of a report: NULL only where allowed, valid UTF-8 without NUL
 * (strlen() is its length), within string_bytes. */
static void
check_str(const char *s, int required, const struct limits *lim)
{
	size_t len;

	fuzz_check(s != NULL || !required, "a required string is there");
	if (s == NULL)
		return;
	len = strlen(s);
	fuzz_touch(s, len + 1);
	fuzz_check(len <= lim->string_bytes, "strings within string_bytes");
	fuzz_check(!required || len > 0, "required strings are not empty");
	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq_len((const unsigned char *)s + i, len - i);

		fuzz_check(k > 0, "strings are valid UTF-8");
		i += k;
	}
}

static void
check_report(const struct tlsrpt_report *r, const struct limits *lim)
{
	unsigned char digest[TLSRPT_DIGEST_LEN];

	check_str(r->org_name, 1, lim);
	check_str(r->report_id, 1, lim);
	check_str(r->contact_info, 0, lim);
	fuzz_check(
	    r->end >= r->begin, "the range does not end before it begins");
	fuzz_check(r->n_policies >= 1 && r->n_policies <= TLSRPT_MAX_POLICIES,
	    "1 to TLSRPT_MAX_POLICIES policies");
	for (size_t i = 0; i < r->n_policies; i++) {
		const struct tlsrpt_policy *p = &r->policies[i];

		check_str(p->type, 1, lim);
		fuzz_check(strcmp(p->type, "sts") == 0 ||
		        strcmp(p->type, "tlsa") == 0 ||
		        strcmp(p->type, "no-policy-found") == 0,
		    "policy-type is one of the three, folded");
		check_str(p->domain, 1, lim);
		fuzz_check(p->n_strings <= TLSRPT_MAX_STRINGS &&
		        p->n_mx_hosts <= TLSRPT_MAX_STRINGS,
		    "at most TLSRPT_MAX_STRINGS entries");
		for (size_t j = 0; j < p->n_strings; j++)
			check_str(p->strings[j], 0, lim);
		for (size_t j = 0; j < p->n_mx_hosts; j++)
			check_str(p->mx_hosts[j], 0, lim);
		fuzz_check(p->successful <= TLSRPT_MAX_COUNT &&
		        p->failed <= TLSRPT_MAX_COUNT,
		    "counts at most 2^32");
		fuzz_check(p->n_failures <= TLSRPT_MAX_FAILURES,
		    "at most TLSRPT_MAX_FAILURES failure details");
		for (size_t j = 0; j < p->n_failures; j++) {
			const struct tlsrpt_failure *f = &p->failures[j];

			check_str(f->result_type, 1, lim);
			check_str(f->sending_mta_ip, 0, lim);
			check_str(f->receiving_mx_hostname, 0, lim);
			check_str(f->receiving_mx_helo, 0, lim);
			check_str(f->receiving_ip, 0, lim);
			check_str(f->additional_information, 0, lim);
			check_str(f->failure_reason_code, 0, lim);
			fuzz_check(f->failed_sessions <= TLSRPT_MAX_COUNT,
			    "counts at most 2^32");
		}
	}
	tlsrpt_digest(r, digest);
	fuzz_touch(digest, sizeof(digest));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct limits lim;
	static struct tlsrpt_report sentinel;
	static int ready;
	struct tlsrpt_report *r = &sentinel; /* tlsrpt_parse() must set it */
	struct bytesrc *src;
	struct err err;
	int rc;

	if (!ready) {
		limits_init(&lim);
		/* Short strings: the limit is met, not only read about. */
		lim.string_bytes = 256;
		ready = 1;
	}
	err_clear(&err);
	src = bytesrc_mem_new(data, size);
	rc = tlsrpt_parse(src, &lim, &r, &err);
	bytesrc_free(src);
	fuzz_check(rc == 0 || rc == ERR_MALFORMED || rc == ERR_LIMIT,
	    "tlsrpt_parse returns 0 or a refusal");
	fuzz_check((rc == 0) == (r != NULL),
	    "a report exactly when it returns 0, NULL otherwise");
	if (rc < 0) {
		fuzz_check(err.code == rc, "err repeats the code returned");
		fuzz_check(strncmp(err.msg, "TLS report: ", 12) == 0,
		    "a refusal says it is a TLS report's");
		fuzz_touch(err.msg, strlen(err.msg));
		return 0;
	}
	check_report(r, &lim);
	tlsrpt_free(r);
	return 0;
}
