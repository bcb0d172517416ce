/*
 * digest_outline: which sections of a domain the summary shows, and the
 * walk every section-by-section renderer takes; see digest_outline.h.
 */
#include "digest_outline.h"

#include "digest.h"

#include <stddef.h>

int
digest_section_shown(enum digest_section s, const struct digest_domain *dd,
    enum digest_layout layout)
{
	int mail = layout == DIGEST_LAYOUT_MAIL;

	switch (s) {
	case DIGEST_DAYS:
	case DIGEST_FAILING:
	case DIGEST_NEW:
	case DIGEST_SPOOFING:
		return dd->messages > 0;
	case DIGEST_STOPPED:
		return dd->has_prev &&
		    (!mail || dd->messages > 0 || dd->stopped.n > 0);
	case DIGEST_REPORTERS:
		return (dd->messages > 0 || dd->has_prev) &&
		    (!mail || dd->messages > 0 || dd->nreporters > 0);
	case DIGEST_POLICY:
	case DIGEST_READINESS:
		return !mail || dd->messages > 0;
	case DIGEST_DNS:
		return !mail || dd->dns_checked;
	case DIGEST_TOTALS:
		return 1;
	case DIGEST_NSECTIONS:
		break;
	}
	return 0;
}

const char *
digest_section_title(enum digest_section s)
{
	switch (s) {
	case DIGEST_FAILING:
		return "Failing sources that may be yours";
	case DIGEST_NEW:
		return "New sources this period";
	case DIGEST_STOPPED:
		return "Sources that stopped sending";
	case DIGEST_SPOOFING:
		return "Top spoofing sources";
	default:
		return NULL;
	}
}

const struct digest_sources *
digest_section_sources(enum digest_section s, const struct digest_domain *dd)
{
	switch (s) {
	case DIGEST_FAILING:
		return &dd->failing_legit;
	case DIGEST_NEW:
		return &dd->new_sources;
	case DIGEST_STOPPED:
		return &dd->stopped;
	case DIGEST_SPOOFING:
		return &dd->spoofing;
	default:
		return NULL;
	}
}

void
digest_outline_walk(
    const struct digest_outline *o, const struct digest_domain *dd, void *ctx)
{
	for (int i = 0; i < DIGEST_NSECTIONS; i++) {
		enum digest_section s = (enum digest_section)i;

		if (o->write[s] != NULL &&
		    digest_section_shown(s, dd, o->layout))
			o->write[s](ctx, s, dd);
	}
}
