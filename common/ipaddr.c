#include "ipaddr.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

int
ip_normalize(const char *text, char out[IP_TEXT_MAX])
{
	unsigned char a[16];
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	/* glibc's inet_pton takes only plain dotted quads (no leading zeros,
	 * no short forms), which are already canonical: copy, skip sprintf. */
	if (inet_pton(AF_INET, text, a) == 1) {
		size_t n = strlen(text);

		if (n >= IP_TEXT_MAX)
			return -1;
		memcpy(out, text, n + 1);
		return 0;
	}
	if (inet_pton(AF_INET6, text, a) != 1)
		return -1;
	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return inet_ntop(AF_INET, a + 12, out, IP_TEXT_MAX) ? 0 : -1;
	return inet_ntop(AF_INET6, a, out, IP_TEXT_MAX) ? 0 : -1;
}

int
ip_host_loopback(const char *host)
{
	unsigned char a[16];

	if (host == NULL)
		return 0;
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0)
		return 1;
	return inet_pton(AF_INET, host, a) == 1 && a[0] == 127;
}

/* Whether the IPv4 address a (network order) is globally routable. */
static int
v4_global(const unsigned char *a)
{
	/* Prefixes that are not: address, mask of the first two bytes and
	 * of the third (0 when the prefix is at most 16 bits). */
	static const struct {
		unsigned char b0, b1, b2, m1, m2;
	} no[] = {
	    {0, 0, 0, 0, 0}, /* 0/8 */
	    {10, 0, 0, 0, 0}, /* 10/8 */
	    {100, 64, 0, 0xc0, 0}, /* 100.64/10 */
	    {127, 0, 0, 0, 0}, /* 127/8 */
	    {169, 254, 0, 0xff, 0}, /* 169.254/16 */
	    {172, 16, 0, 0xf0, 0}, /* 172.16/12 */
	    {192, 0, 0, 0xff, 0xff}, /* 192.0.0/24 */
	    {192, 0, 2, 0xff, 0xff}, /* 192.0.2/24 */
	    {192, 168, 0, 0xff, 0}, /* 192.168/16 */
	    {198, 18, 0, 0xfe, 0}, /* 198.18/15 */
	    {198, 51, 100, 0xff, 0xff}, /* 198.51.100/24 */
	    {203, 0, 113, 0xff, 0xff}, /* 203.0.113/24 */
	};

	if (a[0] >= 224)
		return 0; /* multicast, reserved, broadcast */
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (a[0] == no[i].b0 && (a[1] & no[i].m1) == no[i].b1 &&
		    (a[2] & no[i].m2) == no[i].b2)
			return 0;
	}
	return 1;
}

int
ip_global(const char *text)
{
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};
	unsigned char a[16];

	if (text == NULL)
		return 0;
	if (inet_pton(AF_INET, text, a) == 1)
		return v4_global(a);
	if (inet_pton(AF_INET6, text, a) != 1)
		return 0;
	if (memcmp(a, mapped, sizeof(mapped)) == 0 ||
	    memcmp(a, nat64, sizeof(nat64)) == 0)
		return v4_global(a + 12);
	if (a[0] == 0x20 && a[1] == 0x02)
		return v4_global(a + 2);
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
		return 0; /* documentation */
	/* Global unicast is 2000::/3; the rest is local, multicast or
	 * not allocated. */
	return (a[0] & 0xe0) == 0x20;
}
