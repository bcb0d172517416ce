/*
 * fuzz_mailauth: the Authentication-Results reader (ingest/mailauth.c) on
 * the header of any mail, as a stranger who mails the rua address writes
 * it.
 *
 * The input's first line is the authserv_id setting, its second the
 * report's <email> (empty: the report has none); the rest is the mail.
 * Promises checked (mailauth.h): the state says what was read (nothing
 * for what is not a mail, no trusted field without a setting); every
 * text is NUL-terminated in its buffer, and printable UTF-8 where it is
 * shown or stored (top, by, results, the verdict's why: the database
 * takes UTF-8 only); the domains are distinct normalized names; the From
 * domain is "" or normalized.  The verdict is -1 exactly without a
 * trusted field, 1 only for a domain of the claimed organization, and its
 * why fits the buffer the store gives it.  The same bytes scanned again
 * give the same result.
 */
#include "err.h"
#include "fuzz_check.h"
#include "mailauth.h"
#include "orgdomain.h"
#include "text.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes the line of data at *pos into out (NUL-terminated, cut to outsz;
 * a NUL byte ends it early) and moves past its '\n'. */
static void
take_line(
    const uint8_t *data, size_t size, size_t *pos, char *out, size_t outsz)
{
	size_t o = 0;

	while (*pos < size && data[*pos] != '\n') {
		if (o + 1 < outsz && data[*pos] != '\0')
			out[o++] = (char)data[*pos];
		(*pos)++;
	}
	if (*pos < size)
		(*pos)++;
	out[o] = '\0';
}

/* A text kept in a buffer of size bytes: terminated inside it. */
static size_t
checked_len(const char *s, size_t size, const char *what)
{
	size_t n = strnlen(s, size);

	fuzz_check(n < size, what);
	return n;
}

static void
check_name(const char *s, size_t size, const char *what)
{
	char again[MAILAUTH_NAME_MAX];
	size_t n = checked_len(s, size, what);

	if (n == 0)
		return;
	fuzz_check(orgdomain_normalize(s, again, sizeof(again)) == 0 &&
	        strcmp(again, s) == 0,
	    "a domain read is normalized");
}

static void
check_scan(const struct mailauth *ma, const char *trusted)
{
	size_t n;

	fuzz_check(ma->state == MAILAUTH_NOT_MAIL ||
	        ma->state == MAILAUTH_NOT_SET ||
	        ma->state == MAILAUTH_NO_FIELD || ma->state == MAILAUTH_FIELD,
	    "a state of enum mailauth_state");
	fuzz_check(ma->n_domains <= MAILAUTH_MAX_DOMAINS,
	    "at most MAILAUTH_MAX_DOMAINS domains");
	check_name(ma->from, sizeof(ma->from), "from is terminated");
	n = checked_len(ma->top, sizeof(ma->top), "top is terminated");
	fuzz_check(text_is_printable(ma->top, n), "top is printable UTF-8");
	n = checked_len(ma->by, sizeof(ma->by), "by is terminated");
	fuzz_check(text_is_printable(ma->by, n), "by is printable UTF-8");
	n = checked_len(
	    ma->results, sizeof(ma->results), "results is terminated");
	fuzz_check(
	    text_is_printable(ma->results, n), "results is printable UTF-8");
	for (size_t i = 0; i < ma->n_domains; i++) {
		check_name(ma->domains[i], sizeof(ma->domains[i]),
		    "a domain is terminated");
		fuzz_check(ma->domains[i][0] != '\0', "a domain is not empty");
		for (size_t k = 0; k < i; k++)
			fuzz_check(strcmp(ma->domains[i], ma->domains[k]) != 0,
			    "each domain once");
	}
	if (ma->state == MAILAUTH_NOT_MAIL)
		fuzz_check(ma->from[0] == '\0' && ma->top[0] == '\0' &&
		        ma->by[0] == '\0' && ma->results[0] == '\0' &&
		        ma->n_domains == 0,
		    "nothing is read from what is not a mail");
	if (ma->state != MAILAUTH_FIELD)
		fuzz_check(ma->by[0] == '\0' && ma->results[0] == '\0' &&
		        ma->n_domains == 0,
		    "results come from a trusted field only");
	else
		fuzz_check(ma->by[0] != '\0' && ma->top[0] != '\0',
		    "a trusted field names its server");
	if (ma->state != MAILAUTH_NOT_MAIL)
		fuzz_check(
		    (trusted[0] == '\0') == (ma->state == MAILAUTH_NOT_SET),
		    "MAILAUTH_NOT_SET exactly for a mail without the setting");
}

/* Field by field: bytes past a text's NUL are not part of it. */
static int
same_scan(const struct mailauth *a, const struct mailauth *b)
{
	if (a->state != b->state || a->n_domains != b->n_domains ||
	    strcmp(a->from, b->from) != 0 || strcmp(a->top, b->top) != 0 ||
	    strcmp(a->by, b->by) != 0 || strcmp(a->results, b->results) != 0)
		return 0;
	for (size_t i = 0; i < a->n_domains; i++)
		if (strcmp(a->domains[i], b->domains[i]) != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct orgdomain *od;
	/* The store's buffer for the verdict (ingest/store.c). */
	char why[MAILAUTH_TEXT_MAX + 2 * MAILAUTH_NAME_MAX + 64], small[24];
	char trusted[300], email[300];
	struct mailauth ma, again;
	size_t pos = 0, n;
	unsigned char *mail;
	int rc;

	if (od == NULL) {
		struct err err;

		fuzz_check(orgdomain_open(&od, NULL, &err) == 0,
		    "a Public Suffix List to judge with");
	}
	take_line(data, size, &pos, trusted, sizeof(trusted));
	take_line(data, size, &pos, email, sizeof(email));
	/* The mail in a buffer of its exact size, so ASan sees a read past
	 * it. */
	n = size - pos;
	mail = malloc(n ? n : 1);
	fuzz_check(mail != NULL, "memory");
	memcpy(mail, data + pos, n);

	mailauth_scan(mail, n, trusted, &ma);
	check_scan(&ma, trusted);
	mailauth_scan(mail, n, trusted, &again);
	fuzz_check(same_scan(&ma, &again), "the same bytes, the same result");

	rc = mailauth_judge(&ma, od, email[0] ? email : NULL, why, sizeof(why));
	fuzz_check(rc == -1 || rc == 0 || rc == 1, "-1, 0 or 1");
	fuzz_check((rc == -1) == (ma.state != MAILAUTH_FIELD),
	    "-1 exactly without a trusted field");
	n = checked_len(why, sizeof(why), "why is terminated");
	fuzz_check(n > 0 && n + 1 < sizeof(why), "why fits the store's buffer");
	fuzz_check(text_is_printable(why, n), "why is printable UTF-8");
	if (rc == 1)
		fuzz_check(ma.n_domains > 0, "genuine: a domain vouched for");
	/* A buffer too small is cut, never overrun. */
	fuzz_check(mailauth_judge(&ma, od, email[0] ? email : NULL, small,
	               sizeof(small)) == rc,
	    "the verdict does not depend on the buffer");
	fuzz_check(strncmp(small, why, sizeof(small) - 1) == 0 &&
	        strlen(small) < sizeof(small),
	    "a small buffer holds the start of why");
	free(mail);
	return 0;
}
