/* serve_host: the names serve answers to; see serve_host.h. */
#include "serve_host.h"

#include "err.h"
#include "ipaddr.h"
#include "text.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A name of a Host header, an IPv6 address with its brackets. */
#define NAME_SIZE 256
/* A Host without a port, and one past 65535, which no entry names. */
#define PORT_NONE (-1L)
#define PORT_OUT 65536L
/* What a host name of serve_hosts is written with. */
#define NAME_CHARS                                                             \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"

struct entry {
	char name[NAME_SIZE]; /* an IPv6 address canonical (name_canon()) */
	long port; /* PORT_NONE: any */
};

struct serve_hosts {
	struct entry v[SERVE_HOSTS_MAX];
	size_t n;
	long default_port; /* of a Host without one; PORT_NONE: unset */
};

/*
 * host as NAME[:PORT], read as serve reads a Host header: NAME is an IPv6
 * address in brackets up to its ']', or else all before the first ':',
 * and a ':' is followed by digits only.  NAME into name, without the one
 * trailing dot of a fully qualified name ("dmarc.example.com." is
 * dmarc.example.com; of "name.." one dot goes, "name." stays), PORT into
 * *port (PORT_NONE without one, PORT_OUT past 65535).  0, or -1 when host
 * is not so written (or NULL).
 */
static int
host_split(const char *host, char name[NAME_SIZE], long *port)
{
	const char *p;
	size_t n;

	if (host == NULL)
		return -1;
	if (host[0] == '[') {
		const char *end = strchr(host, ']');

		if (end == NULL)
			return -1;
		n = (size_t)(end - host) + 1;
	} else {
		n = strcspn(host, ":");
	}
	if (n >= NAME_SIZE || (host[n] != '\0' && host[n] != ':'))
		return -1;
	memcpy(name, host, n);
	name[n] = '\0';
	if (name[0] != '[' && n > 0 && name[n - 1] == '.')
		name[n - 1] = '\0';
	*port = PORT_NONE;
	if (host[n] == '\0')
		return 0;
	p = host + n + 1;
	if (p[0] == '\0' || strspn(p, "0123456789") != strlen(p))
		return -1;
	/* Leading zeros name the same port: 08443 is 8443. */
	while (p[0] == '0' && p[1] != '\0')
		p++;
	*port = strlen(p) > 5 ? PORT_OUT : strtol(p, NULL, 10);
	return 0;
}

/* name as names are compared: an IPv6 address in brackets written as
 * inet_ntop() writes it, any other name as it is.  0, or -1 when the
 * brackets hold no IPv6 address. */
static int
name_canon(char name[NAME_SIZE])
{
	char inner[IP_TEXT_MAX], canon[IP_TEXT_MAX];
	size_t n = strlen(name);
	unsigned char a[16];

	if (name[0] != '[')
		return 0;
	if (n < 3 || n - 2 >= sizeof(inner))
		return -1;
	memcpy(inner, name + 1, n - 2);
	inner[n - 2] = '\0';
	if (inet_pton(AF_INET6, inner, a) != 1 ||
	    inet_ntop(AF_INET6, a, canon, sizeof(canon)) == NULL)
		return -1;
	snprintf(name, NAME_SIZE, "[%s]", canon);
	return 0;
}

/* One entry, item; shown is item made printable, for a message. */
static int
add_entry(
    struct serve_hosts *h, const char *item, const char *shown, struct err *err)
{
	struct entry *e = &h->v[h->n];

	if (strpbrk(item, " \t/") != NULL)
		return err_set(err, ERR_USAGE,
		    "'%s': a host name holds no space and no '/' (of a URL, "
		    "name the host alone: dmarc.example.com)",
		    shown);
	if (host_split(item, e->name, &e->port) < 0 || e->name[0] == '\0')
		return err_set(err, ERR_USAGE,
		    "'%s' is not NAME or NAME:PORT (an IPv6 address in "
		    "brackets: [2001:db8::1]:8443)",
		    shown);
	if (e->name[strlen(e->name) - 1] == '.')
		return err_set(err, ERR_USAGE,
		    "'%s': a name ends in one '.' at most (dmarc.example.com. "
		    "is dmarc.example.com)",
		    shown);
	if (e->port != PORT_NONE && (e->port < 1 || e->port > 65535))
		return err_set(err, ERR_USAGE,
		    "'%s': the port is not a number from 1 to 65535", shown);
	if (e->name[0] == '[' ? name_canon(e->name) < 0
	                      : strspn(e->name, NAME_CHARS) != strlen(e->name))
		return err_set(err, ERR_USAGE,
		    "'%s' is not a host name (letters, digits, '-' and '.') "
		    "or an IPv6 address in brackets",
		    shown);
	h->n++;
	return 0;
}

int
serve_hosts_parse(struct serve_hosts **out, const char *list, struct err *err)
{
	struct serve_hosts *h = xcalloc(1, sizeof(*h));
	char item[SERVE_HOST_MAX + 1], shown[80];
	long n;
	int rc = 0;

	h->default_port = PORT_NONE;
	while (
	    rc == 0 && (n = text_list_next(&list, item, sizeof(item))) >= 0) {
		text_printable(item, shown, sizeof(shown));
		if ((size_t)n > SERVE_HOST_MAX)
			rc = err_set(err, ERR_USAGE,
			    "'%s' is longer than a host name and port", shown);
		else if (h->n == SERVE_HOSTS_MAX)
			rc = err_set(err, ERR_USAGE, "more than %d names",
			    SERVE_HOSTS_MAX);
		else
			rc = add_entry(h, item, shown, err);
	}
	if (rc == 0 && h->n == 0)
		rc = err_set(err, ERR_USAGE, "no host name in it");
	if (rc < 0) {
		serve_hosts_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

void
serve_hosts_free(struct serve_hosts *h)
{
	free(h);
}

void
serve_hosts_default_port(struct serve_hosts *h, unsigned port)
{
	if (h != NULL)
		h->default_port =
		    port >= 1 && port <= 65535 ? (long)port : PORT_NONE;
}

char *
serve_hosts_text(const struct serve_hosts *h)
{
	char *text;
	size_t len = 0;

	if (h == NULL)
		return NULL;
	text = xmalloc(SERVE_HOSTS_TEXT_MAX);
	text[0] = '\0';
	/* Each entry at most SERVE_HOST_MAX bytes and ", ": it fits. */
	for (size_t i = 0; i < h->n; i++) {
		const struct entry *e = &h->v[i];
		int w = e->port == PORT_NONE
		    ? snprintf(text + len, SERVE_HOSTS_TEXT_MAX - len, "%s%s",
		          i > 0 ? ", " : "", e->name)
		    : snprintf(text + len, SERVE_HOSTS_TEXT_MAX - len,
		          "%s%s:%ld", i > 0 ? ", " : "", e->name, e->port);

		if (w < 0 || (size_t)w >= SERVE_HOSTS_TEXT_MAX - len)
			break;
		len += (size_t)w;
	}
	return text;
}

int
serve_host_accepted(const struct serve_hosts *h, const char *host)
{
	char name[NAME_SIZE];
	long port;

	if (host_split(host, name, &port) < 0)
		return 0;
	if (ip_host_loopback(name))
		return 1;
	if (h == NULL || name_canon(name) < 0)
		return 0;
	/* No port: the scheme's, which an entry may name. */
	if (port == PORT_NONE)
		port = h->default_port;
	for (size_t i = 0; i < h->n; i++)
		if (strcasecmp(h->v[i].name, name) == 0 &&
		    (h->v[i].port == PORT_NONE || h->v[i].port == port))
			return 1;
	return 0;
}

int
serve_host_loopback(const char *host)
{
	return serve_host_accepted(NULL, host);
}
