/*
 * sts_fetch: an MTA-STS policy fetched over HTTPS as RFC 8461 section 3.3
 * has senders fetch it: https://mta-sts.DOMAIN/.well-known/mta-sts.txt,
 * the certificate verified for that name, no redirect followed, a 200
 * answer of Content-Type text/plain, at most STS_FETCH_MAX bytes, within
 * STS_FETCH_TIMEOUT seconds.  The only libcurl user of `check`.
 *
 * The host's addresses are the caller's (looked up with the check's own
 * resolver and budget): libcurl connects to them directly, never through
 * a proxy the environment names, and never asks the DNS itself.  Only
 * globally routable addresses (ip_global()) are used, and a libcurl
 * socket callback refuses any other, since the domain's owner, possibly a
 * stranger, chooses them: a test setup (cafile set, or a port other than
 * 443) may use private and local ones too.  What went
 * wrong is a problem in words, not an error: the caller makes it a finding.
 */
#ifndef DMARCSIFT_STS_FETCH_H
#define DMARCSIFT_STS_FETCH_H

#include <stddef.h>

struct err;

/* The largest policy read (RFC 8461 section 3.3 suggests 64 KiB). */
#define STS_FETCH_MAX (64 * 1024)
/* Seconds for the whole fetch, connecting included. */
#define STS_FETCH_TIMEOUT 10
/* Addresses handed to one fetch. */
#define STS_FETCH_MAX_ADDRS 8

/* How to fetch: the settings sts_cafile and sts_port, which exist for
 * test setups; either set also allows private and local addresses. */
struct sts_fetch_opts {
	const char *cafile; /* CA certificates (PEM); NULL: the system's */
	int port; /* 443; another only in test setups */
};

/* 1 when o is a test setup, whose policy servers may be on private or
 * local addresses. */
int sts_fetch_test_setup(const struct sts_fetch_opts *o);

/*
 * What came back.  ok is 1 when a policy arrived: body holds its len
 * bytes (NUL-terminated too; any bytes, the caller's to judge).
 * Otherwise problem says why, printable, in one line ("the server
 * answered 404", "a redirect to ..., which senders do not follow", ...).
 * Release with sts_fetch_clear().
 */
struct sts_fetch {
	int ok;
	char *body;
	size_t len;
	long http_status; /* 0 when none came */
	int local_only; /* every address private or local: none tried */
	char problem[768];
};

/*
 * Fetches the policy of domain (a checked domain name) from the n
 * addresses given (IPv4 or IPv6 text; at most STS_FETCH_MAX_ADDRS are
 * used), filling *out.  Returns 0, or ERR_IO when libcurl cannot be set
 * up at all (a failed fetch is out->problem, not an error).
 */
int sts_fetch(const char *domain, const char *const *addrs, size_t n,
    const struct sts_fetch_opts *o, struct sts_fetch *out, struct err *err);
void sts_fetch_clear(struct sts_fetch *f);

#endif
