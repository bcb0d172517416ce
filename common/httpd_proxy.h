/*
 * httpd_proxy: the reverse proxies `dmarcsift serve` believes, and the
 * client address one of them hands on.
 *
 * Behind a proxy every connection comes from the proxy's address, so a
 * limit per client address (the login limit) would put every user in one
 * bucket.  A proxy says whom it serves in X-Forwarded-For or Forwarded
 * (RFC 7239) for=; a client can write those headers too, so they count
 * only on a connection from a trusted proxy, and only the part the
 * trusted proxies added: the rightmost address that is not itself one of
 * them.  Pure functions of their arguments, so that a test needs no
 * server.
 */
#ifndef DMARCSIFT_HTTPD_PROXY_H
#define DMARCSIFT_HTTPD_PROXY_H

#include "ipaddr.h"

struct err;
struct httpd_proxies;

/* Most entries the list may hold. */
#define HTTPD_PROXIES_MAX 64

/* Which header the trusted proxies write: the setting serve_forwarded.
 * Only that one is read, as a proxy passes the other on from the client
 * untouched. */
enum httpd_forwarded {
	HTTPD_X_FORWARDED_FOR,
	HTTPD_FORWARDED,
};

/*
 * Reads list: addresses and networks ADDRESS/BITS, IPv4 or IPv6,
 * separated by commas.  A prefix of 0 (every address) is refused: it
 * would let any client name a user.  *out is the caller's:
 * httpd_proxies_free().  ERR_USAGE naming the entry that is wrong, or
 * when the list is empty.
 */
int httpd_proxies_parse(
    struct httpd_proxies **out, const char *list, struct err *err);
void httpd_proxies_free(struct httpd_proxies *p);

/* Whether addr (text; an IPv4-mapped IPv6 address counts as the IPv4
 * address) is in one of p's entries.  NULL p trusts nobody. */
int httpd_proxies_trusts(const struct httpd_proxies *p, const char *addr);

/*
 * The client of a request that came from peer (trusted), given values:
 * every value of the header kind names, in the order received, joined
 * with commas (NULL: none).  From the right, each address the trusted
 * proxies added is passed over; the first that is not a trusted proxy is
 * the client.  An entry that is no address (a name, "unknown", garbage)
 * ends the walk at the last trusted hop, and so does a list of trusted
 * proxies only; that hop is then the client.  Writes the address in
 * canonical form (ip_normalize()) to out.  peer must be an address.
 */
void httpd_proxies_client(const struct httpd_proxies *p,
    enum httpd_forwarded kind, const char *values, const char *peer,
    char out[IP_TEXT_MAX]);

#endif
