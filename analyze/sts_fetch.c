/* sts_fetch: an MTA-STS policy over HTTPS; see sts_fetch.h. */
#include "sts_fetch.h"

#include "domain.h"
#include "dynbuf.h"
#include "err.h"
#include "ipaddr.h"
#include "text.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
sts_fetch_clear(struct sts_fetch *f)
{
	if (f == NULL)
		return;
	free(f->body);
	memset(f, 0, sizeof(*f));
}

int
sts_fetch_test_setup(const struct sts_fetch_opts *o)
{
	return o->cafile != NULL || o->port != 443;
}

/*
 * libcurl's socket for a connection to address: none (so no connection)
 * unless the address is globally routable or *arg (a test setup) allows
 * any.  The backstop behind the addresses sts_fetch() hands over: libcurl
 * connects nowhere else, whatever it was told.
 */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *address)
{
	const int *any = arg;
	char text[INET6_ADDRSTRLEN];
	const void *ip = NULL;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (address->family == AF_INET)
		ip = &((const struct sockaddr_in *)(const void *)&address->addr)
		          ->sin_addr;
	else if (address->family == AF_INET6)
		ip =
		    &((const struct sockaddr_in6 *)(const void *)&address->addr)
		         ->sin6_addr;
	if (ip == NULL ||
	    inet_ntop(address->family, ip, text, sizeof(text)) == NULL)
		return CURL_SOCKET_BAD;
	if (!*any && !ip_global(text))
		return CURL_SOCKET_BAD;
	return socket(address->family, address->socktype | SOCK_CLOEXEC,
	    address->protocol);
}

struct sink {
	struct dynbuf body;
	int too_big;
};

static size_t
take(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	/* Past the ceiling: stop the transfer (a write error). */
	if (dynbuf_add(&s->body, p, size * n) < 0) {
		s->too_big = 1;
		return 0;
	}
	return size * n;
}

/* 1 when the Content-Type ct is text/plain, parameters aside. */
static int
is_text_plain(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	return n == 10 && strncasecmp(ct, "text/plain", 10) == 0;
}

/*
 * Names where the redirect to loc (a Location URL, or NULL) leads, printable
 * in shown: "the host NAME", never the URL (findings reach the HTML report,
 * which carries no link).
 */
static void
redirect_host(const char *loc, char *shown, size_t size)
{
	CURLU *u = loc != NULL ? curl_url() : NULL;
	char *name = NULL, h[DOMAIN_MAX + 2];

	if (u != NULL &&
	    curl_url_set(u, CURLUPART_URL, loc, CURLU_NON_SUPPORT_SCHEME) ==
	        CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &name, 0) == CURLUE_OK) {
		text_printable(name, h, sizeof(h));
		snprintf(shown, size, "the host %s", h);
	} else {
		snprintf(shown, size, "elsewhere");
	}
	curl_free(name);
	curl_url_cleanup(u);
}

/* The curl failure cc in words, for the policy at url. */
static void
say_failure(
    struct sts_fetch *f, CURLcode cc, const char *detail, const char *host)
{
	char d[CURL_ERROR_SIZE];
	const char *what;

	text_printable(
	    detail[0] ? detail : curl_easy_strerror(cc), d, sizeof(d));
	/* curl ends some messages with a blank. */
	for (size_t n = strlen(d); n > 0 && d[n - 1] == ' '; n--)
		d[n - 1] = '\0';
	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		what = "the server's certificate is not valid for";
		break;
	case CURLE_SSL_CONNECT_ERROR:
		what = "no TLS connection (plain HTTP is not accepted) to";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		what = "no answer in time from";
		break;
	case CURLE_COULDNT_CONNECT:
		what = "cannot connect to";
		break;
	default:
		what = "cannot fetch the policy from";
		break;
	}
	snprintf(f->problem, sizeof(f->problem), "%s %s: %s", what, host, d);
}

int
sts_fetch(const char *domain, const char *const *addrs, size_t n,
    const struct sts_fetch_opts *o, struct sts_fetch *out, struct err *err)
{
	static int curl_ready;
	char host[DOMAIN_MAX + 8], url[DOMAIN_MAX + 64],
	    entry[DOMAIN_MAX + 400], errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *resolve = NULL;
	struct sink s;
	const char *ct = NULL;
	char *loc = NULL;
	size_t len, used = 0;
	int any = sts_fetch_test_setup(o);
	CURLcode cc;
	CURL *h;

	memset(out, 0, sizeof(*out));
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return err_set(
			    err, ERR_IO, "MTA-STS: cannot set up libcurl");
		curl_ready = 1;
	}
	snprintf(host, sizeof(host), "mta-sts.%s", domain);
	snprintf(url, sizeof(url), "https://%s:%d/.well-known/mta-sts.txt",
	    host, o->port);
	/* Our addresses, so libcurl never asks the DNS (nor another one). */
	len = (size_t)snprintf(entry, sizeof(entry), "%s:%d:", host, o->port);
	for (size_t i = 0; i < n && i < STS_FETCH_MAX_ADDRS; i++) {
		int v6 = strchr(addrs[i], ':') != NULL;

		/* The domain's owner picks these: never this machine or its
		 * networks, outside a test setup. */
		if (!any && !ip_global(addrs[i]))
			continue;
		if (len < sizeof(entry))
			len += (size_t)snprintf(entry + len,
			    sizeof(entry) - len, "%s%s%s%s", used ? "," : "",
			    v6 ? "[" : "", addrs[i], v6 ? "]" : "");
		used++;
	}
	if (n > 0 && used == 0) {
		out->local_only = 1;
		snprintf(out->problem, sizeof(out->problem),
		    "%s resolves only to private or local addresses, which"
		    " senders on the Internet cannot reach; the policy is not"
		    " fetched from them",
		    host);
		return 0;
	}
	if (n == 0 || len >= sizeof(entry)) {
		snprintf(out->problem, sizeof(out->problem),
		    "%s has no address to fetch the policy from", host);
		return 0;
	}
	if ((h = curl_easy_init()) == NULL)
		return err_set(err, ERR_IO, "MTA-STS: cannot set up libcurl");
	resolve = curl_slist_append(resolve, entry);
	dynbuf_init(&s.body, STS_FETCH_MAX);
	s.too_big = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &any);
	/* Straight to the server, as senders go: no proxy from the
	 * environment (it would also resolve the name itself). */
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	/* RFC 8461 section 3.3: senders follow no redirect. */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)STS_FETCH_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)STS_FETCH_TIMEOUT);
	curl_easy_setopt(
	    h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)STS_FETCH_MAX);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "dmarcsift");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	if (o->cafile != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->cafile);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK || cc == CURLE_WRITE_ERROR ||
	    cc == CURLE_FILESIZE_EXCEEDED) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->http_status);
		curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
		curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
	}
	if (s.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(out->problem, sizeof(out->problem),
		    "the policy at %s is larger than %d KiB, which senders"
		    " refuse",
		    host, STS_FETCH_MAX / 1024);
	} else if (cc != CURLE_OK) {
		say_failure(out, cc, errbuf, host);
	} else if (out->http_status >= 300 && out->http_status < 400) {
		char shown[DOMAIN_MAX + 16];

		redirect_host(loc, shown, sizeof(shown));
		snprintf(out->problem, sizeof(out->problem),
		    "%s answered %ld, a redirect to %s, which senders do not"
		    " follow (RFC 8461 section 3.3)",
		    host, out->http_status, shown);
	} else if (out->http_status != 200) {
		snprintf(out->problem, sizeof(out->problem),
		    "%s answered %ld, not 200, for /.well-known/mta-sts.txt",
		    host, out->http_status);
	} else if (!is_text_plain(ct)) {
		char shown[80];

		text_printable(
		    ct != NULL ? ct : "(none)", shown, sizeof(shown));
		snprintf(out->problem, sizeof(out->problem),
		    "the policy at %s is of Content-Type %s, not text/plain",
		    host, shown);
	} else {
		out->ok = 1;
		out->body = dynbuf_take(&s.body, &out->len);
	}
	dynbuf_free(&s.body);
	curl_slist_free_all(resolve);
	curl_easy_cleanup(h);
	return 0;
}
