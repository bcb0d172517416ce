/*
 * orgdomain: the organizational domain of a name (RFC 7489 section 3.2),
 * from the Public Suffix List through libpsl.  The only libpsl user.
 *
 * The list: by default the distribution's, from Debian's publicsuffix
 * package: the file libpsl was built to use (psl_dist_filename(), on Debian
 * /usr/share/publicsuffix/public_suffix_list.dafsa), then that .dafsa and
 * the .dat beside it.  When none of them loads, libpsl's built-in copy, and
 * orgdomain_builtin() says so, so the caller can warn that the list may be
 * stale.
 *
 * Both sections of the list count, ICANN and private, as libpsl and
 * OpenDMARC do: foo.bar.github.io belongs to bar.github.io, so two
 * github.io sites are different organizations and never align relaxed.
 * (DMARCbis replaces the list with a DNS tree walk; the list remains what
 * RFC 7489 receivers use.)
 *
 * Names come from reports written by strangers: any bytes are accepted and
 * checked before libpsl sees them (see orgdomain_normalize()).
 */
#ifndef DMARCSIFT_ORGDOMAIN_H
#define DMARCSIFT_ORGDOMAIN_H

#include <stddef.h>

#include "domain.h"

struct err;
struct orgdomain;

/* A buffer for any name these functions write: 253 bytes and a NUL. */
#define ORGDOMAIN_MAX DOMAIN_MAX

/* orgdomain_get() result for a name that is itself a public suffix. */
#define ORGDOMAIN_SUFFIX 1

/*
 * Loads the Public Suffix List from psl_file, or with psl_file NULL from
 * Debian's list, falling back to libpsl's built-in one.  ERR_IO when
 * psl_file (or, with NULL, every candidate and the built-in list) cannot be
 * loaded.  *out belongs to the caller: orgdomain_free().
 */
int orgdomain_open(
    struct orgdomain **out, const char *psl_file, struct err *err);
void orgdomain_free(struct orgdomain *od);

/* Where the list came from: its path, or "libpsl built-in list". */
const char *orgdomain_source(const struct orgdomain *od);
/* 1 when the built-in list is in use because no file could be loaded. */
int orgdomain_builtin(const struct orgdomain *od);

/*
 * Writes name to out lower-cased (ASCII only), one trailing dot removed,
 * and returns 0; returns -1 with out "" (when outlen > 0) for what is not a
 * usable domain name: NULL, empty, longer than 253 bytes, an empty label
 * ("a..b", ".a"), a label over 63 bytes, a byte other than a letter, digit,
 * '-', '_' or part of valid UTF-8, a last label of digits only (IPv4
 * literals; IPv6 ones fail on ':' and '['), or an out too small.  That is
 * domain_scan() with DOMAIN_SEEN: a label may begin or end with '-'.
 * U-labels (UTF-8) are kept as they came: they are not converted to
 * A-labels ("xn--"), so the two spellings of one IDN are different names
 * here.  Reports carry A-labels in practice.
 */
int orgdomain_normalize(const char *name, char *out, size_t outlen);

/*
 * The organizational (registrable) domain of name, normalized as above:
 * mail.example.co.uk -> example.co.uk.  Returns 0; ORGDOMAIN_SUFFIX with
 * the normalized name itself in out when name is a public suffix (co.uk,
 * github.io, an unknown single label such as "localhost"); -1 with out ""
 * when name is not usable (orgdomain_normalize()).
 */
int orgdomain_get(
    const struct orgdomain *od, const char *name, char *out, size_t outlen);

#endif
