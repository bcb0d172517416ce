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
