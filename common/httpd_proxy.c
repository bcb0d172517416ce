/* httpd_proxy: trusted proxies and the client they name; see
 * httpd_proxy.h. */
#include "httpd_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "text.h"
#include "xalloc.h"

/* The longest entry of the list. */
#define ENTRY_MAX 64

struct net {
	int v6; /* 16 bytes of a; else 4 */
	unsigned char a[16];
	unsigned bits;
};

struct httpd_proxies {
	struct net v[HTTPD_PROXIES_MAX];
	size_t n;
};

/* addr as bytes: 4 for IPv4 (an IPv4-mapped IPv6 address too), 16 for
 * IPv6; 0 when it is no address. */
static size_t
bytes_of(const char *addr, unsigned char a[16])
{
	char canon[IP_TEXT_MAX];

	if (ip_normalize(addr, canon) < 0)
		return 0;
	if (inet_pton(AF_INET, canon, a) == 1)
		return 4;
	return inet_pton(AF_INET6, canon, a) == 1 ? 16 : 0;
}

/* One entry, item; shown is item made printable, for a message. */
static int
add_entry(struct httpd_proxies *p, const char *item, const char *shown,
    struct err *err)
{
	char addr[ENTRY_MAX + 1], *slash;
	struct net *net = &p->v[p->n];
	size_t len;
	long bits;
	char *end;

	snprintf(addr, sizeof(addr), "%s", item);
	if ((slash = strchr(addr, '/')) != NULL)
		*slash = '\0';
	if ((len = bytes_of(addr, net->a)) == 0)
		return err_set(err, ERR_USAGE,
		    "'%s' is not an address or a network ADDRESS/BITS", shown);
	net->v6 = len == 16;
	net->bits = (unsigned)len * 8;
	if (slash != NULL) {
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end != '\0' ||
		    errno != 0 || bits > (long)len * 8)
			return err_set(err, ERR_USAGE,
			    "'%s': the prefix length is not a number from 1 "
			    "to %zu",
			    shown, len * 8);
		if (bits == 0)
			return err_set(err, ERR_USAGE,
			    "'%s' is every address: a client could name any "
			    "user; name the proxies",
			    shown);
		net->bits = (unsigned)bits;
	}
	p->n++;
	return 0;
}

int
httpd_proxies_parse(
    struct httpd_proxies **out, const char *list, struct err *err)
{
	struct httpd_proxies *p = xcalloc(1, sizeof(*p));
	char item[ENTRY_MAX + 1], shown[80];
	long n;
	int rc;

	while ((n = text_list_next(&list, item, sizeof(item))) >= 0) {
		text_printable(item, shown, sizeof(shown));
		if ((size_t)n > ENTRY_MAX) {
			httpd_proxies_free(p);
			return err_set(err, ERR_USAGE,
			    "'%s' is longer than an address", shown);
		}
		if (p->n == HTTPD_PROXIES_MAX) {
			httpd_proxies_free(p);
			return err_set(err, ERR_USAGE, "more than %d entries",
			    HTTPD_PROXIES_MAX);
		}
		if ((rc = add_entry(p, item, shown, err)) < 0) {
			httpd_proxies_free(p);
			return rc;
		}
	}
	if (p->n == 0) {
		httpd_proxies_free(p);
		return err_set(err, ERR_USAGE, "no address in it");
	}
	*out = p;
	return 0;
}

void
httpd_proxies_free(struct httpd_proxies *p)
{
	free(p);
}

static int
in_net(const struct net *net, const unsigned char *a, size_t len)
{
	unsigned full = net->bits / 8, rest = net->bits % 8;

	if ((len == 16) != net->v6)
		return 0;
	if (memcmp(net->a, a, full) != 0)
		return 0;
	return rest == 0 ||
	    ((net->a[full] ^ a[full]) & (unsigned char)(0xff << (8 - rest))) ==
	    0;
}

int
httpd_proxies_trusts(const struct httpd_proxies *p, const char *addr)
{
	unsigned char a[16];
	size_t len;

	if (p == NULL || (len = bytes_of(addr, a)) == 0)
		return 0;
	for (size_t i = 0; i < p->n; i++)
		if (in_net(&p->v[i], a, len))
			return 1;
	return 0;
}

/* The end of a quoted string that starts at s (on its '"'): the closing
 * quote, or the end of the text. */
static const char *
quoted_end(const char *s)
{
	for (s++; *s != '\0' && *s != '"'; s++)
		if (*s == '\\' && s[1] != '\0')
			s++;
	return s;
}

/* The next item of s separated by sep outside quotes: its start and
 * length; NULL at the end.  *s moves past it. */
static const char *
next_item(const char **s, int sep, size_t *len)
{
	const char *start = *s, *p = start;

	if (*p == '\0')
		return NULL;
	while (*p != '\0' && *p != sep) {
		if (*p == '"')
			p = quoted_end(p);
		if (*p != '\0')
			p++;
	}
	*len = (size_t)(p - start);
	*s = *p == '\0' ? p : p + 1;
	return start;
}

/*
 * The address in one hop's text (n bytes at s): blanks around it cut,
 * quotes taken off, "[v6]:port", "[v6]" and "v4:port" read as the
 * address; canonical in out.  -1 when it is none.
 */
static int
hop_address(const char *s, size_t n, char out[IP_TEXT_MAX])
{
	char v[ENTRY_MAX + 1], *colon;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		s++, n -= 2;
	if (n == 0 || n > ENTRY_MAX)
		return -1;
	memcpy(v, s, n);
	v[n] = '\0';
	if (v[0] == '[') {
		char *close = strchr(v, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return -1;
		*close = '\0';
		memmove(v, v + 1, strlen(v + 1) + 1);
		/* Only an IPv6 address goes in brackets. */
		if (strchr(v, ':') == NULL)
			return -1;
	} else if ((colon = strchr(v, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		*colon = '\0';
	}
	return ip_normalize(v, out);
}

/* The for= of one Forwarded element (n bytes at s): its address in out,
 * or -1. */
static int
forwarded_for(const char *s, size_t n, char out[IP_TEXT_MAX])
{
	char el[512];
	const char *p = el, *pair;
	size_t len;

	if (n >= sizeof(el))
		return -1;
	memcpy(el, s, n);
	el[n] = '\0';
	while ((pair = next_item(&p, ';', &len)) != NULL) {
		while (len > 0 && (*pair == ' ' || *pair == '\t'))
			pair++, len--;
		if (len > 4 && strncasecmp(pair, "for=", 4) == 0)
			return hop_address(pair + 4, len - 4, out);
	}
	return -1;
}

void
httpd_proxies_client(const struct httpd_proxies *p, enum httpd_forwarded kind,
    const char *values, const char *peer, char out[IP_TEXT_MAX])
{
	const char **hop = NULL, *s = values, *item;
	size_t *hop_len = NULL, n = 0, len;
	char addr[IP_TEXT_MAX];

	if (ip_normalize(peer, out) < 0)
		snprintf(out, IP_TEXT_MAX, "%s", peer);
	if (values == NULL)
		return;
	/* The hops, left to right, to be walked from the right. */
	while ((item = next_item(&s, ',', &len)) != NULL) {
		hop = xrealloc(hop, (n + 1) * sizeof(*hop));
		hop_len = xrealloc(hop_len, (n + 1) * sizeof(*hop_len));
		hop[n] = item;
		hop_len[n++] = len;
	}
	while (n-- > 0) {
		size_t blank = strspn(hop[n], " \t");
		int rc;

		/* An empty entry (a stray comma) is no hop. */
		if (blank >= hop_len[n])
			continue;
		rc = kind == HTTPD_FORWARDED
		    ? forwarded_for(hop[n], hop_len[n], addr)
		    : hop_address(hop[n], hop_len[n], addr);

		if (rc < 0)
			break;
		memcpy(out, addr, IP_TEXT_MAX);
		if (!httpd_proxies_trusts(p, addr))
			break;
	}
	free(hop);
	free(hop_len);
}
