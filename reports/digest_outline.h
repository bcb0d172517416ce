/*
 * digest_outline: the sections of one domain in the periodic summary, in
 * order, and when each is shown, declared once for the renderers that
 * lay a domain out section by section (digest_text.c, digest_markdown.c).
 *
 * A renderer walks the sections in enum order, asks digest_section_shown()
 * and writes the ones shown in its own format, with the title given here.
 * digest_html.c still decides its own layout (a "no reports" panel in
 * place of the figures, every list shown with a "none" sentence, charts):
 * bringing it onto this outline changes what the mail shows and is left
 * for its own change.
 */
#ifndef DMARCSIFT_DIGEST_OUTLINE_H
#define DMARCSIFT_DIGEST_OUTLINE_H

struct digest_domain;

enum digest_section {
	DIGEST_TOTALS, /* mail and pass rate, against the period before */
	DIGEST_DAYS, /* day by day */
	DIGEST_POLICY, /* the policy receivers report */
	DIGEST_READINESS, /* the next step and its reasons */
	DIGEST_FAILING, /* failing sources that may be yours */
	DIGEST_NEW, /* sources first seen */
	DIGEST_STOPPED, /* sources that stopped */
	DIGEST_SPOOFING, /* spoofing sources */
	DIGEST_REPORTERS, /* who reported */
	DIGEST_DNS, /* DNS health (or a line saying it was not checked) */
	DIGEST_NSECTIONS
};

/* 1 when section s of dd is shown: the lists of sources only with mail
 * in the period (stopped: with a period before, as nothing can stop in a
 * first one), reporters when either period had mail, the rest always. */
int digest_section_shown(enum digest_section s, const struct digest_domain *dd);

/* The heading of a list section ("Top spoofing sources"); NULL for the
 * sections whose heading the renderer writes with figures in it. */
const char *digest_section_title(enum digest_section s);

#endif
