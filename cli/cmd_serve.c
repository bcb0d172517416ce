/*
 * dmarcsift serve: the dashboard, pages and JSON over HTTP, in the
 * foreground until SIGTERM or SIGINT.
 *
 * Who may listen where: loopback by default and without a login; any
 * other address only with a login (users of --users, or the user a
 * trusted proxy names in serve_auth_header) and TLS (in the process with
 * serve_tls_cert and serve_tls_key, or --proxy-tls: a reverse proxy
 * terminates it), because credentials and the reports travel in clear
 * otherwise.
 */
#include "commands.h"

#include "cliopt.h"
#include "config.h"
#include "err.h"
#include "httpd.h"
#include "log.h"
#include "owned.h"
#include "serve_auth.h"
#include "serve_cache.h"
#include "serve_host.h"
#include "serve_pool.h"
#include "serve_routes.h"
#include "serve_tls.h"
#include "serve_warm.h"
#include "web_render.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LISTEN "127.0.0.1:8025"

/* Limits of the HTTP side (httpd.h): what a client can hold. */
#define SERVE_CONNECTIONS 64
#define SERVE_PER_IP 16
#define SERVE_MEMORY (32 * 1024)
#define SERVE_TARGET_MAX 2048

/* --listen, checked: the address to bind and whether it is loopback. */
struct listen {
	struct sockaddr_storage ss;
	char text[INET6_ADDRSTRLEN + 10];
	int loopback;
};

/* ADDR:PORT or [ADDR6]:PORT, ADDR numeric or localhost; 0 or -1. */
static int
listen_parse(const char *v, struct listen *l)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *port;
	struct sockaddr_in *in = (struct sockaddr_in *)&l->ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&l->ss;
	char *end;
	size_t n;
	long pn;

	memset(l, 0, sizeof(*l));
	if (v[0] == '[') {
		if ((colon = strstr(v, "]:")) == NULL)
			return -1;
		n = (size_t)(colon - v - 1);
		port = colon + 2;
		if (n == 0 || n >= sizeof(host))
			return -1;
		memcpy(host, v + 1, n);
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			return -1;
		n = (size_t)(colon - v);
		port = colon + 1;
		if (n == 0 || n >= sizeof(host))
			return -1;
		memcpy(host, v, n);
	}
	host[n] = '\0';
	errno = 0;
	pn = strtol(port, &end, 10);
	if (errno != 0 || *port < '0' || *port > '9' || *end != '\0' ||
	    pn < 0 || pn > 65535)
		return -1;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (v[0] != '[' && inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)pn);
		l->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (v[0] == '[' &&
	    inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)pn);
		l->loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	} else {
		return -1;
	}
	snprintf(l->text, sizeof(l->text), v[0] == '[' ? "[%s]" : "%s", host);
	return 0;
}

static int
listen_arg(void *out, const char *value)
{
	if (listen_parse(value, out) < 0) {
		log_error("--listen: want ADDRESS:PORT (127.0.0.1:8025, "
		          "[::1]:8025, localhost:8025; port 0 for any free "
		          "one), got '%s'",
		    value);
		return -1;
	}
	return 0;
}

/* What stands between serve and its clients, from the settings. */
struct front {
	const char *auth_header; /* borrowed from the settings; NULL: none */
	struct httpd_proxies *proxies; /* NULL: none trusted */
	enum httpd_forwarded forwarded;
	struct serve_hosts *hosts; /* NULL: the loopback's names only */
	struct serve_tls tls; /* cert NULL: plain HTTP */
};

static void
front_free(struct front *f)
{
	httpd_proxies_free(f->proxies);
	serve_hosts_free(f->hosts);
	serve_tls_free(&f->tls);
	memset(f, 0, sizeof(*f));
}

/*
 * Reads and checks the serve_* settings, and whether serve may listen at
 * l with them: off loopback, a login (users_file or the header) and TLS
 * (in the process, or proxy_tls).  Says what is wrong itself: 0 or -1.
 */
static int
front_read(struct front *f, const struct config *cfg, const char *users_file,
    int proxy_tls, const struct listen *l)
{
	const char *proxies = config_str(cfg, CONFIG_SERVE_TRUSTED_PROXIES);
	const char *hosts = config_str(cfg, CONFIG_SERVE_HOSTS);
	const char *cert = config_str(cfg, CONFIG_SERVE_TLS_CERT);
	const char *key = config_str(cfg, CONFIG_SERVE_TLS_KEY);
	struct err err;

	memset(f, 0, sizeof(*f));
	f->auth_header = config_str(cfg, CONFIG_SERVE_AUTH_HEADER);
	f->forwarded = config_enum(cfg, CONFIG_SERVE_FORWARDED) == 1
	    ? HTTPD_FORWARDED
	    : HTTPD_X_FORWARDED_FOR;
	if (f->auth_header != NULL && users_file != NULL) {
		log_error("serve: --users and serve_auth_header (from %s) "
		          "are two logins: choose one",
		    config_origin(cfg, CONFIG_SERVE_AUTH_HEADER));
		return -1;
	}
	if (f->auth_header != NULL && proxies == NULL) {
		log_error("serve: serve_auth_header (from %s) needs "
		          "serve_trusted_proxies, the addresses of the proxies "
		          "that may name a user: from any other, anyone could",
		    config_origin(cfg, CONFIG_SERVE_AUTH_HEADER));
		return -1;
	}
	if (f->auth_header != NULL &&
	    serve_auth_header_check(f->auth_header, &err) < 0) {
		log_error("serve: %s (from %s)", err.msg,
		    config_origin(cfg, CONFIG_SERVE_AUTH_HEADER));
		return -1;
	}
	if (proxies != NULL &&
	    httpd_proxies_parse(&f->proxies, proxies, &err) < 0) {
		log_error("serve: serve_trusted_proxies (from %s): %s",
		    config_origin(cfg, CONFIG_SERVE_TRUSTED_PROXIES), err.msg);
		return -1;
	}
	if (hosts != NULL && serve_hosts_parse(&f->hosts, hosts, &err) < 0) {
		log_error("serve: serve_hosts (from %s): %s",
		    config_origin(cfg, CONFIG_SERVE_HOSTS), err.msg);
		goto fail;
	}
	if ((cert == NULL) != (key == NULL)) {
		log_error("serve: serve_tls_cert and serve_tls_key go "
		          "together: give both, or neither");
		goto fail;
	}
	if (!l->loopback &&
	    ((users_file == NULL && f->auth_header == NULL) ||
	        (cert == NULL && !proxy_tls))) {
		log_error("serve: %s is not a loopback address: anyone who can "
		          "reach it would read your reports; give a login "
		          "(--users FILE, or serve_auth_header with "
		          "serve_trusted_proxies) and TLS (serve_tls_cert and "
		          "serve_tls_key, or --proxy-tls with a reverse proxy "
		          "that terminates it), or listen on 127.0.0.1",
		    l->text);
		goto fail;
	}
	if (cert != NULL && serve_tls_load(&f->tls, cert, key, &err) < 0) {
		log_error("serve: %s", err.msg);
		goto fail;
	}
	/* A Host without a port was asked at the default port of the scheme
	 * the clients speak: HTTPS with TLS here or in a proxy in front. */
	serve_hosts_default_port(
	    f->hosts, cert != NULL || proxy_tls ? 443 : 80);
	return 0;
fail:
	front_free(f);
	return -1;
}

static const char about[] =
    "Serves the dashboard over HTTP, in the foreground (for systemd), until "
    "SIGTERM\nor SIGINT, one line per request on stderr.  Pages:\n"
    "  /                  the domains with mail in the period: pass rate, "
    "policy,\n"
    "                     next step (JSON: /api/domains, as report "
    "--format json)\n"
    "  /domain/NAME       day by day, readiness, the failing senders with "
    "cause and\n"
    "                     fix, reporters (JSON: /api/domain/NAME, with "
    "the JSON of\n"
    "                     sources, advise and report)\n"
    "  /domain/NAME/what-if?p=reject&sp=&np=&pct=&t=  what that policy "
    "would have\n"
    "                     done, as advise --what-if (JSON: "
    "/api/domain/NAME/what-if)\n"
    "  /source/IP?domain=D  one address: day by day, its auth results "
    "with our\n"
    "                     verdict and cause, the receivers and reports "
    "that name it\n"
    "  /source/IP         the address as every domain it sent for, each "
    "a link\n"
    "  /report/ID         a stored report, its records (?page=N) and its "
    "XML as\n"
    "                     received; /report/ID/raw the input's bytes\n"
    "  /refused           inputs that held no report, with the reparse "
    "command\n"
    "                     (/input/ID/raw their bytes)\n"
    "  /search?q=TEXT     an IP address (the domains it sent for), a "
    "domain (those\n"
    "                     whose name holds it), a report ID (the "
    "reporter's, or ours)\n"
    "each also as JSON under /api/, with ?since=Nd|week|month (default 30d) "
    "and\n?until=YYYY-MM-DD.  It only reads (a read-only role is enough: "
    "sql/README.md)\nand never asks DNS: names come from the cache that "
    "sources and report\nfill.\n\n"
    "It listens on loopback unless told otherwise.  Another address "
    "needs a login:\n--users FILE (USER:HASH lines, hashes from `mkpasswd "
    "-m yescrypt`), or\n--serve-auth-header NAME, the header in which a "
    "reverse proxy at an address\nof --serve-trusted-proxies names the "
    "user it logged in; and TLS: in the\nprocess (--serve-tls-cert FILE "
    "--serve-tls-key FILE, PEM, the key mode 0600)\nor in a proxy in "
    "front (--proxy-tls).  Behind trusted proxies, the client of\na "
    "request (its log line, the limit of wrong passwords) is the address "
    "the\nproxy gives in X-Forwarded-For (or Forwarded, "
    "--serve-forwarded forwarded).\n\n"
    "Unless it asks for passwords (--users), it answers only requests "
    "whose Host is\nlocalhost, 127.x.x.x or [::1] (421 otherwise: DNS "
    "rebinding).  A proxy that\npasses on the name it was asked for "
    "(Caddy, Traefik) needs that name in\n--serve-hosts LIST "
    "(dmarc.example.com, or NAME:PORT for that port only;\n"
    "comma-separated; a Host without a port is at 443 with TLS or "
    "--proxy-tls, else\nat 80).\n";

int
cmd_serve(int argc, char **argv)
{
	struct listen l;
	const char *users_file = NULL;
	int proxy_tls = 0, threads = 4, timeout = 30, warm = 60, rc, sig;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_CALL("listen", "ADDR:PORT", &l, listen_arg,
	        "where to listen (default " DEFAULT_LISTEN ")"),
	    CLIOPT_OPT_STRING("users", "FILE", &users_file,
	        "ask for a user and password of FILE (USER:HASH lines)"),
	    CLIOPT_OPT_FLAG("proxy-tls", &proxy_tls,
	        "a reverse proxy in front terminates TLS: with a login, "
	        "allows an address other than loopback"),
	    CLIOPT_OPT_NUMBER("threads", 0, "N", &threads, 1, 64,
	        "requests answered at once, a database connection each "
	        "(default 4)"),
	    CLIOPT_OPT_NUMBER("timeout", 0, "SECONDS", &timeout, 1, 3600,
	        "close a connection silent this long, a request sent too "
	        "slowly too (default 30)"),
	    CLIOPT_OPT_NUMBER("warm", 0, "SECONDS", &warm, 0, 86400,
	        "every SECONDS, compute / and the pages of the owner's "
	        "domains, then the busiest, again if the database changed "
	        "(default 60; 0: when asked)"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift serve [--listen ADDR:PORT] [--users "
	             "FILE] [--proxy-tls]\n"
	             "                       [--serve-auth-header NAME "
	             "--serve-trusted-proxies LIST]\n"
	             "                       [--serve-hosts LIST]\n"
	             "                       [--serve-tls-cert FILE "
	             "--serve-tls-key FILE]\n"
	             "                       [--threads N] [--timeout "
	             "SECONDS] [--warm SECONDS]\n"
	             "                       [--db CONNINFO]\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE | CLIOPT_G_ANALYSIS |
	        CLIOPT_G_SERVE,
	    .footer = "Exit status: 0 stopped by a signal, 2 could not run "
	              "(also: another address\nthan loopback without a "
	              "login and TLS).\n",
	    .no_operands = 1,
	};
	struct httpd_options ho = {0};
	struct front front = {0};
	struct serve_users *users = NULL;
	struct serve_routes routes = {0};
	struct serve_pool *pool = NULL;
	struct httpd *h = NULL;
	struct serve_warm *warmer = NULL;
	const struct config *cfg;
	char csp[WEB_CSP_LEN], *owned = NULL, *names;
	sigset_t stop;
	struct cliopt co;
	struct err err;

	listen_parse(DEFAULT_LISTEN, &l);
	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	/* Settings that are wrong are said now, not on the first page. */
	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	if (front_read(&front, cfg, users_file, proxy_tls, &l) < 0)
		return EXIT_CANNOT_RUN;
	if (users_file != NULL &&
	    serve_users_load(&users, users_file, &err) < 0) {
		log_error("%s", err.msg);
		goto fail;
	}
	if (owned_domains(cfg, &owned) < 0)
		goto fail;
	free(owned);
	if (serve_pool_open(&pool, co.db, (size_t)threads) < 0)
		goto fail;
	routes.pool = pool;
	routes.users = users;
	routes.auth_header = front.auth_header;
	routes.hosts = front.hosts;
	routes.cache = serve_cache_new(SERVE_CACHE_ENTRIES, SERVE_CACHE_BYTES);
	ho.lim.threads = (unsigned)threads;
	ho.lim.connections = SERVE_CONNECTIONS;
	ho.lim.per_ip = SERVE_PER_IP;
	ho.lim.timeout = (unsigned)timeout;
	ho.lim.memory = SERVE_MEMORY;
	ho.lim.target_max = SERVE_TARGET_MAX;
	web_csp(csp, sizeof(csp));
	ho.csp = csp;
	ho.tls_cert = front.tls.cert;
	ho.tls_key = front.tls.key;
	ho.proxies = front.proxies;
	ho.forwarded = front.forwarded;
	/* The signals that stop it are waited for here, never delivered to
	 * the server's threads, which inherit this mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&h, (const struct sockaddr *)&l.ss, &ho, serve_handle,
	        &routes, &err) < 0) {
		log_error("serve: %s: %s", l.text, err.msg);
		goto fail;
	}
	/* The names of serve_hosts, checked at start (printable, bounded):
	 * what the operator configured, as they are matched. */
	names = serve_hosts_text(front.hosts);
	fprintf(stderr, "dmarcsift: serving %s://%s:%u/%s%s%s\n",
	    front.tls.cert != NULL ? "https" : "http", l.text, httpd_port(h),
	    users != NULL                   ? " (login required)"
	        : front.auth_header != NULL ? " (users named by the proxy)"
	                                    : "",
	    names == NULL       ? ""
	        : users == NULL ? "; Host also answered (serve_hosts): "
	                        : "; serve_hosts unused with --users: ",
	    names == NULL ? "" : names);
	free(names);
	/* After the signal mask: the thread inherits it.  Without a thread,
	 * pages are computed when asked, as before. */
	if (warm > 0)
		(void)serve_warm_start(&warmer, &routes, (unsigned)warm);
	while (sigwait(&stop, &sig) != 0)
		;
	fprintf(stderr, "dmarcsift: %s: stopping\n",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	serve_warm_stop(warmer);
	httpd_stop(h);
	serve_pool_close(pool);
	serve_cache_free(routes.cache);
	serve_users_free(users);
	front_free(&front);
	return EXIT_OK;
fail:
	serve_pool_close(pool);
	serve_cache_free(routes.cache);
	serve_users_free(users);
	front_free(&front);
	return EXIT_CANNOT_RUN;
}
