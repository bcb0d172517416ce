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

#endif
