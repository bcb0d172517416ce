/*
 * serve_host: the names a request to `dmarcsift serve` may be addressed
 * to, as its Host header gives them.
 *
 * Unless serve asks for passwords, a page a browser fetched for another
 * name is refused (421): a web site whose name its owner points at
 * 127.0.0.1 (DNS rebinding) must not read the reports through the
 * visitor's browser, which sends a proxy's user header too if the page
 * asks.  The names of the loopback are always answered; a reverse proxy
 * that passes on the name the browser asked for (Caddy, Traefik, nginx
 * with `proxy_set_header Host $host`) needs that name in the setting
 * serve_hosts.  An attacker's page has a name of the attacker's, never
 * one of those.
 *
 * Pure functions of their arguments: no request, no server, no DNS.
 */
#ifndef DMARCSIFT_SERVE_HOST_H
#define DMARCSIFT_SERVE_HOST_H

struct err;
struct serve_hosts;

/* Most entries serve_hosts may hold, and the longest one: a name of 253
 * bytes and :PORT. */
#define SERVE_HOSTS_MAX 32
#define SERVE_HOST_MAX 259

/*
 * Reads list, the setting serve_hosts: host names, IPv4 addresses and
 * IPv6 addresses in brackets, each maybe with :PORT (1 to 65535),
 * separated by commas, blanks around an entry cut; a name written fully
 * qualified, with one trailing dot, is kept without it.  *out is the
 * caller's: serve_hosts_free().  ERR_USAGE naming the entry that is
 * wrong (a space or a '/' in it, no name, two trailing dots, a port out
 * of range...), or when the list names none.
 */
int serve_hosts_parse(
    struct serve_hosts **out, const char *list, struct err *err);
void serve_hosts_free(struct serve_hosts *h);

/*
 * The port a Host without one was asked at, for the entries of h (NULL:
 * nothing done) that name a port: the default port of the scheme the
 * clients speak, 443 when serve answers HTTPS (serve_tls_cert, or
 * --proxy-tls: a proxy in front terminates TLS), 80 for plain HTTP.
 * Until it is set, such a Host matches only the entries naming no port.
 */
void serve_hosts_default_port(struct serve_hosts *h, unsigned port);

/*
 * The entries of h as serve answers them, for the operator: "NAME[:PORT]"
 * each, separated by ", ", a trailing dot dropped, an IPv6 address
 * canonical; all validated by serve_hosts_parse(), so printable, at most
 * SERVE_HOSTS_TEXT_MAX bytes with the NUL.  NULL when h is NULL, else
 * the caller's: free().
 */
#define SERVE_HOSTS_TEXT_MAX (SERVE_HOSTS_MAX * (SERVE_HOST_MAX + 2))
char *serve_hosts_text(const struct serve_hosts *h);

/* Whether the Host header host (NULL: none) names this machine's
 * loopback (localhost, 127.x.x.x, [::1], any port; "localhost." too, a
 * trailing dot dropped as by serve_host_accepted()): 1, else 0. */
int serve_host_loopback(const char *host);

/*
 * Whether a request whose Host header is host (NULL: none) is answered:
 * host names the loopback, or an entry of h (NULL: none), without regard
 * to case, with any port when the entry names none and with its port
 * when it does, a Host without a port being at h's default port
 * (serve_hosts_default_port(): with 443, "dmarc.example.com:443" answers
 * dmarc.example.com; "dmarc.example.com:8443" never does, nor does any
 * entry naming a port while the default is unset).  A port is read as
 * serve_host_loopback() reads it; a name's one trailing dot is dropped
 * ("dmarc.example.com.:8443" is dmarc.example.com:8443,
 * "dmarc.example.com.." is refused); IPv6 addresses compare as addresses
 * ([2001:DB8:0::1] is [2001:db8::1]).  1, else 0.
 */
int serve_host_accepted(const struct serve_hosts *h, const char *host);

#endif
