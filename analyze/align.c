/*
 * align: strict and relaxed identifier alignment.
 */
#include "align.h"

#include <string.h>

#include "orgdomain.h"

int
align_domains(
    const struct orgdomain *od, const char *a, const char *b, int strict)
{
	char na[ORGDOMAIN_MAX], nb[ORGDOMAIN_MAX];

	if (strict) {
		if (orgdomain_normalize(a, na, sizeof(na)) < 0 ||
		    orgdomain_normalize(b, nb, sizeof(nb)) < 0)
			return 0;
	} else {
		if (orgdomain_get(od, a, na, sizeof(na)) < 0 ||
		    orgdomain_get(od, b, nb, sizeof(nb)) < 0)
			return 0;
	}
	return strcmp(na, nb) == 0;
}
