/*
 * report_mail: the periodic report as one mail; see report_mail.h.
 */
#include "report_mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "mailout.h"
#include "percent.h"
#include "xalloc.h"

void
report_mail_subject(const struct report_mail *r, char *out, size_t size)
{
	char from[11], to[11], rate[PERCENT_LEN];

	clock_day_text(r->since, from, sizeof(from));
	clock_day_text(r->until - CLOCK_DAY, to, sizeof(to));
	if (r->ndomains == 1 &&
	    percent_text(r->passed, r->messages, rate, sizeof(rate)) == 0)
		snprintf(out, size, "DMARC report %s: %s%% pass, %s to %s",
		    r->domain, rate, from, to);
	else if (r->ndomains == 1)
		snprintf(out, size, "DMARC report %s: no mail, %s to %s",
		    r->domain, from, to);
	else
		snprintf(out, size, "DMARC report, %zu domains, %s to %s",
		    r->ndomains, from, to);
}

/* Splits a comma-separated list in place into to[]; -1 when too many. */
static int
split_to(char *list, const char **to, size_t *n)
{
	char *save = NULL;

	*n = 0;
	for (char *tok = strtok_r(list, ", ", &save); tok != NULL;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (*n == REPORT_MAIL_MAX_TO)
			return -1;
		to[(*n)++] = tok;
	}
	return *n > 0 ? 0 : -1;
}

int
report_mail_send(const struct config *cfg, const struct report_mail *r,
    const char *list, struct err *err)
{
	char *copy = xstrdup(list), subject[300];
	const char *to[REPORT_MAIL_MAX_TO];
	struct mail_message m;
	size_t nto;
	int rc;

	if (split_to(copy, to, &nto) < 0) {
		free(copy);
		return err_set(err, ERR_USAGE,
		    "recipients (--mail-to, mail_to): give 1 to %d addresses, "
		    "comma-separated",
		    REPORT_MAIL_MAX_TO);
	}
	report_mail_subject(r, subject, sizeof(subject));
	memset(&m, 0, sizeof(m));
	m.to = to;
	m.nto = nto;
	m.subject = subject;
	m.text = r->text;
	m.html = r->html;
	rc = mailout_send(cfg, &m, err);
	free(copy);
	return rc;
}
