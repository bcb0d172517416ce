/*
 * report_mail: the periodic report as one mail, its text and HTML forms
 * side by side, sent with mailout_send() (mailout.h).
 *
 * The caller renders the two documents (reports/digest_render.h) and hands
 * them in with the few figures the subject names; this module writes the
 * subject, takes the list of recipients apart and sends.  It knows nothing
 * of the digest itself, so common/ stays below analyze/ and reports/.
 */
#ifndef DMARCSIFT_REPORT_MAIL_H
#define DMARCSIFT_REPORT_MAIL_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct err;

/* Most recipients one report mail takes. */
#define REPORT_MAIL_MAX_TO 32

struct report_mail {
	int64_t since, until; /* the period, [since, until), Unix seconds */
	size_t ndomains; /* domains the report covers */
	/* With one domain: its name and its mail, for the subject. */
	const char *domain;
	uint64_t messages, passed;
	const char *text, *html; /* the rendered report, UTF-8; borrowed */
};

/*
 * The subject line: "DMARC report example.com: 99.9% pass, 2026-11-09 to
 * 2026-11-15" (the pass rate as percent.h rounds it; "no mail" without
 * any), or "DMARC report, 3 domains, ..." for several.
 */
void report_mail_subject(const struct report_mail *r, char *out, size_t size);

/*
 * Sends r to the addresses in list (comma- or blank-separated, 1 to
 * REPORT_MAIL_MAX_TO) through the smtp_* settings of cfg.  ERR_USAGE for
 * an empty or too long list, else what mailout_send() returns.  Nothing
 * of r or list is kept.
 */
int report_mail_send(const struct config *cfg, const struct report_mail *r,
    const char *list, struct err *err);

#endif
