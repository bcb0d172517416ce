/*
 * align: identifier alignment (RFC 7489 section 3.1; kept by DMARCbis).
 *
 * Two domains are aligned in strict mode when they are the same name, and
 * in relaxed mode when they have the same organizational domain
 * (orgdomain.h): mail.example.com and bounce.example.com align relaxed,
 * example.com and example.net never do.  A name that is itself a public
 * suffix is its own organizational domain here, so "co.uk" aligns only
 * with "co.uk".
 */
#ifndef DMARCSIFT_ALIGN_H
#define DMARCSIFT_ALIGN_H

struct orgdomain;

/*
 * 1 when a and b are aligned (strict: equal ignoring ASCII case and one
 * trailing dot; relaxed: same organizational domain), else 0.  NULL, empty
 * and unusable names (orgdomain_normalize()) align with nothing, not even
 * themselves.
 */
int align_domains(
    const struct orgdomain *od, const char *a, const char *b, int strict);

#endif
