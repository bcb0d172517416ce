/*
 * orgdomain: organizational domains from the Public Suffix List (libpsl).
 */
#include "orgdomain.h"

#include <errno.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"
#include "xalloc.h"

struct orgdomain {
	psl_ctx_t *owned; /* loaded from a file; NULL for the built-in list */
	const psl_ctx_t *psl;
	char *source;
	int builtin;
};

/* Debian's publicsuffix package; the compiled form loads fastest. */
static const char *const debian_lists[] = {
    "/usr/share/publicsuffix/public_suffix_list.dafsa",
    "/usr/share/publicsuffix/public_suffix_list.dat",
    NULL,
};

static struct orgdomain *
od_new(psl_ctx_t *owned, const psl_ctx_t *psl, const char *source, int builtin)
{
	struct orgdomain *od = xcalloc(1, sizeof(*od));

	od->owned = owned;
	od->psl = psl;
	od->source = xstrdup(source);
	od->builtin = builtin;
	return od;
}

int
orgdomain_open(struct orgdomain **out, const char *psl_file, struct err *err)
{
	const char *dist;
	const psl_ctx_t *builtin;
	psl_ctx_t *psl;
	size_t i;

	*out = NULL;
	if (psl_file != NULL) {
		errno = 0;
		if ((psl = psl_load_file(psl_file)) == NULL) {
			char shown[256];

			text_printable(psl_file, shown, sizeof(shown));
			return err_set(err, ERR_IO,
			    "cannot load public suffix list '%s'%s%s", shown,
			    errno ? ": " : "", errno ? strerror(errno) : "");
		}
		*out = od_new(psl, psl, psl_file, 0);
		return 0;
	}
	/* Where this libpsl was told the distribution keeps its list. */
	dist = psl_dist_filename();
	if (dist != NULL && *dist != '\0' &&
	    (psl = psl_load_file(dist)) != NULL) {
		*out = od_new(psl, psl, dist, 0);
		return 0;
	}
	for (i = 0; debian_lists[i] != NULL; i++) {
		if ((psl = psl_load_file(debian_lists[i])) != NULL) {
			*out = od_new(psl, psl, debian_lists[i], 0);
			return 0;
		}
	}
	if ((builtin = psl_builtin()) == NULL)
		return err_set(err, ERR_IO,
		    "no public suffix list: cannot load %s and libpsl has no "
		    "built-in list (install the publicsuffix package)",
		    debian_lists[0]);
	*out = od_new(NULL, builtin, "libpsl built-in list", 1);
	return 0;
}

void
orgdomain_free(struct orgdomain *od)
{
	if (od == NULL)
		return;
	psl_free(od->owned);
	free(od->source);
	free(od);
}

const char *
orgdomain_source(const struct orgdomain *od)
{
	return od->source;
}

int
orgdomain_builtin(const struct orgdomain *od)
{
	return od->builtin;
}

int
orgdomain_normalize(const char *name, char *out, size_t outlen)
{
	return domain_scan(name, out, outlen, DOMAIN_SEEN) == NULL ? 0 : -1;
}

int
orgdomain_get(
    const struct orgdomain *od, const char *name, char *out, size_t outlen)
{
	char norm[ORGDOMAIN_MAX];
	const char *reg;
	size_t n;
	int rc = 0;

	if (outlen > 0)
		out[0] = '\0';
	if (orgdomain_normalize(name, norm, sizeof(norm)) < 0)
		return -1;
	/* A pointer into norm, or NULL for a public suffix. */
	if ((reg = psl_registrable_domain(od->psl, norm)) == NULL) {
		reg = norm;
		rc = ORGDOMAIN_SUFFIX;
	}
	n = strlen(reg);
	if (n + 1 > outlen)
		return -1;
	memcpy(out, reg, n + 1);
	return rc;
}
