/*
 * digest_outline: which sections of a domain the summary shows; see
 * digest_outline.h.
 */
#include "digest_outline.h"

#include "digest.h"

int
digest_section_shown(enum digest_section s, const struct digest_domain *dd)
{
	switch (s) {
	case DIGEST_FAILING:
	case DIGEST_NEW:
	case DIGEST_SPOOFING:
		return dd->messages > 0;
	case DIGEST_STOPPED:
		return dd->has_prev;
	case DIGEST_REPORTERS:
		return dd->messages > 0 || dd->has_prev;
	case DIGEST_TOTALS:
	case DIGEST_DAYS:
	case DIGEST_POLICY:
	case DIGEST_READINESS:
	case DIGEST_DNS:
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
