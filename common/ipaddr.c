#include "ipaddr.h"

#include <arpa/inet.h>
#include <string.h>

int
ip_normalize(const char *text, char out[IP_TEXT_MAX])
{
	unsigned char a[16];
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (inet_pton(AF_INET, text, a) == 1)
		return inet_ntop(AF_INET, a, out, IP_TEXT_MAX) ? 0 : -1;
	if (inet_pton(AF_INET6, text, a) != 1)
		return -1;
	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return inet_ntop(AF_INET, a + 12, out, IP_TEXT_MAX) ? 0 : -1;
	return inet_ntop(AF_INET6, a, out, IP_TEXT_MAX) ? 0 : -1;
}
