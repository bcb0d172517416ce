/*
 * ipaddr: validation and canonical text of IP addresses from reports.
 */
#ifndef DMARCSIFT_IPADDR_H
#define DMARCSIFT_IPADDR_H

#define IP_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

/*
 * Writes the canonical form of text (IPv4 dotted quad, IPv6 per RFC 5952;
 * an IPv4-mapped IPv6 address becomes the IPv4 address it maps) to out.
 * Returns 0, or -1 when text is not exactly one IP address.
 */
int ip_normalize(const char *text, char out[IP_TEXT_MAX]);

/*
 * Whether host (a URL's host, without a port) is this machine's loopback:
 * "localhost", an IPv4 address in 127.0.0.0/8 written as one, or ::1
 * (bare or in brackets).  A name that merely begins "127." is not.
 */
int ip_host_loopback(const char *host);

/*
 * Whether text (one IPv4 or IPv6 address, no brackets) is globally
 * routable, so that connecting to it reaches the Internet, not this
 * machine or its networks.  Not: 0/8, 10/8, 100.64/10, 127/8,
 * 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.168/16, 198.18/15,
 * 198.51.100/24, 203.0.113/24, 224/4 and above; IPv6 outside 2000::/3
 * (::, ::1, fc00::/7, fe80::/10, ff00::/8 ...) and 2001:db8::/32.  An
 * IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16)
 * address is judged by the IPv4 address it carries.  0 for text that
 * is not an address.
 */
int ip_global(const char *text);

#endif
