/*
 * domain: the syntax of a DNS domain name, checked and lower-cased in one
 * place.
 *
 * Two kinds of name reach dmarcsift.  A name a user gives (--domain, the
 * argument of check, the domains setting, an address's domain in the
 * settings) is held to host-name rules, so that a typo is refused with
 * the reason: domain_check().  A name strangers wrote (a report, a mail
 * header, a DNS record) is only checked enough to be safe to handle and
 * compare: domain_scan() with DOMAIN_SEEN, which orgdomain_normalize()
 * and the DNS checks use.
 *
 * Nothing is allocated: the name is written to the caller's buffer.
 */
#ifndef DMARCSIFT_DOMAIN_H
#define DMARCSIFT_DOMAIN_H

#include <stddef.h>

struct err;

/* The longest name (253 bytes, no final dot) and its NUL. */
#define DOMAIN_MAX 254

/* domain_scan() flags: what a name written by strangers may hold. */
enum {
	/* A label may begin or end with '-': DNS allows it, and a report
	 * naming such a host is still data to keep. */
	DOMAIN_HYPHEN_EDGES = 1,
	/* U-labels (valid UTF-8) are kept as they came, not converted to
	 * A-labels (xn--). */
	DOMAIN_UTF8 = 2,
	/* Both: a name as seen in reports and mail. */
	DOMAIN_SEEN = DOMAIN_HYPHEN_EDGES | DOMAIN_UTF8,
};

/*
 * Checks name (NULL is no name) and writes it to out (outlen bytes)
 * lower-cased (ASCII only), one final dot removed: 1 to 253 bytes, labels
 * of 1 to 63 bytes of letters, digits, '-' and '_' that neither begin nor
 * end with '-' (unless DOMAIN_HYPHEN_EDGES), and valid UTF-8 with
 * DOMAIN_UTF8; the last label not all digits (an IPv4 address is not a
 * name; IPv6 ones fail on ':').  Returns NULL, or why it is not a name
 * (static text, "an empty label") with out "" (when outlen > 0).  An out
 * too small is "1 to 253 bytes": DOMAIN_MAX is always enough.
 */
const char *domain_scan(
    const char *name, char *out, size_t outlen, unsigned flags);

/*
 * A domain name as a user gives it (domain_scan() with no flags; IDNs in
 * A-label form, xn--): 0, or ERR_USAGE with "'NAME' is not a domain name
 * (why)" in err, the name shown printable.
 */
int domain_check(const char *name, char *out, size_t outlen, struct err *err);

#endif
