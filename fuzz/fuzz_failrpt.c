/*
 * fuzz_failrpt: the failure report reader (ingest/failrpt.c) alone.  The
 * bytes before the first "\n--\n" are the feedback part, those after it
 * the original's header block (none without it); every field of an
 * accepted report is held to what failrpt.h promises, and its key taken.
 */
#include "bytesrc.h"
#include "err.h"
#include "failrpt.h"
#include "fuzz_check.h"
#include "input_limits.h"
#include "ipaddr.h"
#include "text.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A string of a report: valid UTF-8 without NUL (strlen() is its
 * length), within string_bytes; a feedback field (strict) without
 * control characters but tab. */
static void
check_str(const char *s, int strict, const struct limits *lim)
{
	size_t len;

	if (s == NULL)
		return;
	len = strlen(s);
	fuzz_touch(s, len + 1);
	fuzz_check(len <= lim->string_bytes || !strict,
	    "feedback values within string_bytes");
	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq_len((const unsigned char *)s + i, len - i);

		fuzz_check(k > 0, "strings are valid UTF-8");
		fuzz_check(k > 1 || (unsigned char)s[i] >= 32 || s[i] == '\t',
		    "no control characters");
		i += k;
	}
}

static void
check_report(const struct failrpt_report *r, const struct limits *lim)
{
	const char *strict[] = {r->dkim_domain, r->dkim_selector,
	    r->dkim_identity, r->spf_dns, r->identity_alignment,
	    r->delivery_result, r->original_mail_from, r->reporting_mta,
	    r->user_agent, r->version};
	const char *orig[] = {
	    r->orig_from, r->orig_subject, r->orig_message_id, r->orig_date};
	unsigned char key[FAILRPT_KEY_LEN];
	char ip[IP_TEXT_MAX];

	fuzz_check(r->reporter != NULL, "a reporter, \"\" at worst");
	check_str(r->reporter, 0, lim);
	fuzz_check(r->reported_domain != NULL && r->reported_domain[0] != '\0',
	    "a reported domain");
	check_str(r->reported_domain, 1, lim);
	for (const char *c = r->reported_domain; *c != '\0'; c++)
		fuzz_check(*c < 'A' || *c > 'Z', "the domain in lower case");
	if (r->source_ip != NULL) {
		fuzz_check(ip_normalize(r->source_ip, ip) == 0 &&
		        strcmp(ip, r->source_ip) == 0,
		    "Source-IP in canonical form");
	}
	for (size_t i = 0; i < sizeof(strict) / sizeof(strict[0]); i++)
		check_str(strict[i], 1, lim);
	fuzz_check(r->n_auth_failures <= FAILRPT_MAX_LIST &&
	        r->n_original_rcpt_to <= FAILRPT_MAX_LIST,
	    "lists within FAILRPT_MAX_LIST");
	for (size_t i = 0; i < r->n_auth_failures; i++) {
		check_str(r->auth_failures[i], 1, lim);
		fuzz_check(r->auth_failures[i][0] != '\0', "no empty type");
	}
	for (size_t i = 0; i < r->n_original_rcpt_to; i++)
		check_str(r->original_rcpt_to[i], 1, lim);
	fuzz_check(r->n_header_names <= FAILRPT_MAX_HEADERS,
	    "header names within FAILRPT_MAX_HEADERS");
	for (size_t i = 0; i < r->n_header_names; i++) {
		check_str(r->header_names[i], 1, lim);
		fuzz_check(r->header_names[i][0] != '\0' &&
		        strchr(r->header_names[i], ':') == NULL,
		    "header names are names");
	}
	for (size_t i = 0; i < sizeof(orig) / sizeof(orig[0]); i++)
		check_str(orig[i], 0, lim);
	failrpt_key(r, key);
	fuzz_touch(key, sizeof(key));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct limits lim;
	static int ready;
	struct failrpt_report *r = (struct failrpt_report *)&ready;
	const uint8_t *sep = NULL;
	struct bytesrc *src;
	struct err err;
	size_t fb = size;
	int rc;

	if (!ready) {
		limits_init(&lim);
		/* Short strings: the limit is met, not only read about. */
		lim.string_bytes = 256;
		ready = 1;
	}
	for (size_t i = 0; i + 4 <= size && sep == NULL; i++)
		if (memcmp(data + i, "\n--\n", 4) == 0)
			sep = data + i;
	if (sep != NULL)
		fb = (size_t)(sep - data);
	err_clear(&err);
	src = bytesrc_mem_new(data, fb);
	rc = failrpt_parse(src, sep != NULL ? (const char *)sep + 4 : NULL,
	    sep != NULL ? size - fb - 4 : 0, "ruf@receiver.example", &lim, &r,
	    &err);
	bytesrc_free(src);
	fuzz_check(rc == 0 || rc == ERR_MALFORMED || rc == ERR_LIMIT ||
	        rc == ERR_NOT_AGGREGATE,
	    "failrpt_parse returns 0, a refusal or another type");
	fuzz_check((rc == 0) == (r != NULL),
	    "a report exactly when it returns 0, NULL otherwise");
	if (rc < 0) {
		fuzz_check(err.code == rc, "err repeats the code returned");
		fuzz_check(strncmp(err.msg, "failure report: ", 16) == 0 ||
		        (rc == ERR_NOT_AGGREGATE &&
		            strncmp(err.msg, "not an aggregate report", 23) ==
		                0),
		    "a refusal says it is a failure report's");
		fuzz_touch(err.msg, strlen(err.msg));
		return 0;
	}
	check_report(r, &lim);
	failrpt_free(r);
	return 0;
}
