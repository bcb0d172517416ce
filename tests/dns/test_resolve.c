/* Tests for analyze/resolve.c against a real dnsmasq serving
 * tests/dns/zone.conf (tests/harness/dnsmasq run --zone ...): PTR, A,
 * AAAA, TXT and MX answers, TTLs, NXDOMAIN against NODATA, SERVFAIL and
 * REFUSED, timeouts with the server down, hostile names, and hundreds of
 * lookups in flight; and, from a fake server of our own, answers dnsmasq
 * would never send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "resolve.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dns; /* 127.0.0.1:PORT */

static struct resolver *
new_resolver(const char *servers, int timeout_ms, int tries)
{
	struct resolver *r = NULL;
	struct err err;

	err_clear(&err);
	if (resolve_new(&r, servers, timeout_ms, tries, &err) < 0)
		fail_msg("resolve_new(%s): %s", servers, err.msg);
	return r;
}

/* One lookup, waited for; the caller clears res. */
static void
lookup(struct resolver *r, enum resolve_type type, const char *name,
    struct resolve_result *res)
{
	struct err err;

	err_clear(&err);
	assert_int_equal(resolve_one(r, type, name, res, &err), 0);
	assert_int_equal(res->type, type);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stops or starts the dnsmasq instance of the harness. */
static void
harness(const char *what)
{
	const char *h = getenv("DMARCSIFT_TEST_DNSMASQ");
	const char *dir = getenv("DNSMASQ_DIR");
	char cmd[1024];

	assert_non_null(h);
	assert_non_null(dir);
	snprintf(cmd, sizeof(cmd), "'%s' %s '%s'", h, what, dir);
	assert_int_equal(system(cmd), 0);
}

/* ------------------------------------------------------------------------ */

static void
test_ptr(void **state)
{
	struct resolver *r = new_resolver(dns, 2000, 2);
	struct resolve_result res;

	lookup(r, RESOLVE_PTR, "192.0.2.1", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_string_equal(res.name, "192.0.2.1");
	assert_int_equal(res.n, 1);
	assert_string_equal(res.rr[0].text, "mail.example.test");
	assert_int_equal(res.rr[0].hostname, 1);
	assert_int_equal(res.ttl, 300);
	resolve_result_clear(&res);

	/* IPv6, in any spelling. */
	lookup(r, RESOLVE_PTR, "2001:DB8:0::1", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_string_equal(res.name, "2001:db8::1");
	assert_int_equal(res.n, 1);
	assert_string_equal(res.rr[0].text, "mail.example.test");
	resolve_result_clear(&res);

	lookup(r, RESOLVE_PTR, "192.0.2.99", &res);
	assert_int_equal(res.status, RESOLVE_NXDOMAIN);
	assert_int_equal(res.n, 0);
	assert_false(resolve_status_trouble(res.status));
	resolve_result_clear(&res);

	/* Two names, in whatever order the server gives them. */
	lookup(r, RESOLVE_PTR, "192.0.2.4", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 2);
	resolve_result_clear(&res);
	resolve_free(r);
}

static void
test_forward(void **state)
{
	struct resolver *r = new_resolver(dns, 2000, 2);
	struct resolve_result res;

	lookup(r, RESOLVE_A, "MAIL.example.test.", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_string_equal(res.name, "mail.example.test");
	assert_int_equal(res.n, 1);
	assert_string_equal(res.rr[0].text, "192.0.2.1");
	assert_int_equal(res.ttl, 300);
	resolve_result_clear(&res);

	lookup(r, RESOLVE_AAAA, "mail.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_string_equal(res.rr[0].text, "2001:db8::1");
	resolve_result_clear(&res);

	/* Through a CNAME: the chain is followed, its TTL counts. */
	lookup(r, RESOLVE_A, "alias.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.rr[0].text, "192.0.2.1");
	assert_int_equal(res.ttl, 300);
	resolve_result_clear(&res);

	lookup(r, RESOLVE_MX, "example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.rr[0].pref, 10);
	assert_string_equal(res.rr[0].text, "mail.example.test");
	assert_int_equal(res.rr[0].hostname, 1);
	resolve_result_clear(&res);

	/* Null MX: the root as target. */
	lookup(r, RESOLVE_MX, "nullmx.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.rr[0].pref, 0);
	assert_string_equal(res.rr[0].text, "");
	assert_int_equal(res.rr[0].hostname, 0);
	resolve_result_clear(&res);

	/* TLSA in its presentation form: numbers, then the data in hex. */
	lookup(r, RESOLVE_TLSA, "_25._tcp.mail.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.rr[0].text, "3 1 1 c0ffee");
	assert_int_equal(res.rr[0].len, strlen("3 1 1 c0ffee"));
	resolve_result_clear(&res);
	lookup(r, RESOLVE_TLSA, "_25._tcp.bare.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_string_equal(res.rr[0].text, "2 0 0 -");
	resolve_result_clear(&res);
	/* Two bytes are no TLSA record. */
	lookup(r, RESOLVE_TLSA, "_25._tcp.short.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OTHER);
	assert_int_equal(res.n, 0);
	resolve_result_clear(&res);
	lookup(r, RESOLVE_TLSA, "_25._tcp.example.test", &res);
	assert_int_equal(res.status, RESOLVE_NXDOMAIN);
	resolve_result_clear(&res);
	resolve_free(r);
}

static int
has_text(const struct resolve_result *res, const char *text)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		if (res->rr[i].len == strlen(text) &&
		    memcmp(res->rr[i].text, text, res->rr[i].len) == 0)
			return 1;
	}
	return 0;
}

static void
test_txt(void **state)
{
	struct resolver *r = new_resolver(dns, 2000, 2);
	struct resolve_result res;
	size_t i;

	/* Three strings, one record, joined with nothing between. */
	lookup(r, RESOLVE_TXT, "multi.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.rr[0].text, "v=spf1 ip4:192.0.2.0/24 -all");
	assert_int_equal(res.rr[0].len, strlen(res.rr[0].text));
	assert_int_equal(res.ttl, 300);
	resolve_result_clear(&res);

	/* Two records stay two. */
	lookup(r, RESOLVE_TXT, "two.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 2);
	assert_true(has_text(&res, "first"));
	assert_true(has_text(&res, "second"));
	resolve_result_clear(&res);

	/* 600 bytes in 255-byte strings; the answer needs TCP. */
	lookup(r, RESOLVE_TXT, "big.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.rr[0].len, 600);
	for (i = 0; i < 600; i++)
		assert_int_equal(res.rr[0].text[i], 'x');
	assert_int_equal(res.rr[0].text[600], '\0');
	resolve_result_clear(&res);

	/* Bytes as published, NUL and control bytes included. */
	lookup(r, RESOLVE_TXT, "ctl.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.rr[0].len, 5);
	assert_memory_equal(res.rr[0].text, "v\0=\0011", 5);
	resolve_result_clear(&res);

	/* A string longer than its record: not read past the end. */
	lookup(r, RESOLVE_TXT, "malformed.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OTHER);
	assert_true(resolve_status_trouble(res.status));
	assert_int_equal(res.n, 0);
	resolve_result_clear(&res);
	resolve_free(r);
}

static void
test_absence(void **state)
{
	struct resolver *r = new_resolver(dns, 2000, 2);
	struct resolve_result res;

	lookup(r, RESOLVE_TXT, "nope.example.test", &res);
	assert_int_equal(res.status, RESOLVE_NXDOMAIN);
	resolve_result_clear(&res);

	/* The name has an A record, no TXT. */
	lookup(r, RESOLVE_TXT, "mail.example.test", &res);
	assert_int_equal(res.status, RESOLVE_NODATA);
	assert_int_equal(res.n, 0);
	resolve_result_clear(&res);

	/* A CNAME alone is no TXT record. */
	lookup(r, RESOLVE_TXT, "alias.example.test", &res);
	assert_int_equal(res.status, RESOLVE_NODATA);
	assert_int_equal(res.n, 0);
	resolve_result_clear(&res);
	resolve_free(r);
}

static void
test_trouble(void **state)
{
	struct resolver *r = new_resolver(dns, 500, 1);
	struct resolve_result res;

	lookup(r, RESOLVE_TXT, "x.servfail.test", &res);
	assert_int_equal(res.status, RESOLVE_SERVFAIL);
	assert_true(resolve_status_trouble(res.status));
	resolve_result_clear(&res);

	lookup(r, RESOLVE_A, "x.refused.test", &res);
	assert_int_equal(res.status, RESOLVE_REFUSED);
	assert_true(resolve_status_trouble(res.status));
	resolve_result_clear(&res);
	resolve_free(r);
}

static void
test_badname(void **state)
{
	static const char *const names[] = {"", ".", "exa mple.test",
	    "a..b.test", "a.b\\.c", "bad\nname.test", "caf\xc3\xa9.test",
	    "-x.test\x01",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".test"};
	struct resolver *r = new_resolver(dns, 2000, 2);
	struct resolve_result res;
	size_t i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		lookup(r, RESOLVE_TXT, names[i], &res);
		assert_int_equal(res.status, RESOLVE_BADNAME);
		/* The name is kept, printable. */
		for (k = 0; res.name[k] != '\0'; k++)
			assert_true((unsigned char)res.name[k] >= 0x20 &&
			    res.name[k] != 0x7f);
		resolve_result_clear(&res);
	}
	lookup(r, RESOLVE_PTR, "192.0.2", &res);
	assert_int_equal(res.status, RESOLVE_BADNAME);
	resolve_result_clear(&res);
	lookup(r, RESOLVE_PTR, "mail.example.test", &res);
	assert_int_equal(res.status, RESOLVE_BADNAME);
	resolve_result_clear(&res);
	lookup(r, RESOLVE_A, NULL, &res);
	assert_int_equal(res.status, RESOLVE_BADNAME);
	resolve_result_clear(&res);
	resolve_free(r);
}

/* The PTR name "a<LF>b" "ev.il" "test" comes out escaped, and is not
 * followed. */
static void
test_hostile_ptr(void **state)
{
	struct resolver *r = new_resolver(dns, 2000, 2);
	struct resolve_result res;
	struct resolve_fcrdns f;
	struct err err;

	lookup(r, RESOLVE_PTR, "192.0.2.5", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.rr[0].text, "a\\010b.ev\\046il.test");
	assert_int_equal(res.rr[0].hostname, 0);
	resolve_result_clear(&res);

	err_clear(&err);
	resolve_ptr_confirmed(r, "192.0.2.5", &f);
	assert_int_equal(resolve_wait(r, &err), 0);
	assert_int_equal(f.status, RESOLVE_OK);
	assert_string_equal(f.name, "a\\010b.ev\\046il.test");
	assert_int_equal(f.confirmed, 0);
	assert_int_equal(f.fwd_status, RESOLVE_BADNAME);
	resolve_fcrdns_clear(&f);
	resolve_free(r);
}

static void
test_fcrdns(void **state)
{
	static const struct {
		const char *ip;
		enum resolve_status status;
		const char *name;
		int confirmed;
		enum resolve_status fwd;
		size_t nnames;
	} cases[] = {
	    {"192.0.2.1", RESOLVE_OK, "mail.example.test", 1, RESOLVE_OK, 1},
	    {"::ffff:192.0.2.1", RESOLVE_OK, "mail.example.test", 1, RESOLVE_OK,
	        1},
	    {"2001:db8::1", RESOLVE_OK, "mail.example.test", 1, RESOLVE_OK, 1},
	    /* The name's address is another one. */
	    {"192.0.2.2", RESOLVE_OK, "liar.example.test", 0, RESOLVE_OK, 1},
	    /* The name does not exist. */
	    {"192.0.2.3", RESOLVE_OK, "nowhere.example.test", 0,
	        RESOLVE_NXDOMAIN, 1},
	    /* Two names; the one that confirms is reported. */
	    {"192.0.2.4", RESOLVE_OK, "four.example.test", 1, RESOLVE_OK, 2},
	    {"192.0.2.99", RESOLVE_NXDOMAIN, NULL, 0, RESOLVE_BADNAME, 0},
	    {"not an ip", RESOLVE_BADNAME, NULL, 0, RESOLVE_BADNAME, 0},
	};
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	struct resolver *r = new_resolver(dns, 2000, 2);
	struct resolve_fcrdns f[N];
	struct err err;
	size_t i;

	err_clear(&err);
	for (i = 0; i < N; i++)
		resolve_ptr_confirmed(r, cases[i].ip, &f[i]);
	assert_int_equal(resolve_wait(r, &err), 0);
	for (i = 0; i < N; i++) {
		if (f[i].status != cases[i].status)
			fail_msg("%s: status %s", cases[i].ip,
			    resolve_status_name(f[i].status));
		if (cases[i].name == NULL)
			assert_null(f[i].name);
		else
			assert_string_equal(f[i].name, cases[i].name);
		assert_int_equal(f[i].confirmed, cases[i].confirmed);
		if (f[i].fwd_status != cases[i].fwd)
			fail_msg("%s: fwd_status %s", cases[i].ip,
			    resolve_status_name(f[i].fwd_status));
		assert_int_equal(f[i].nnames, cases[i].nnames);
		resolve_fcrdns_clear(&f[i]);
	}
	resolve_free(r);
}

/* A callback that queues the next lookup of a chain. */
struct chain {
	struct resolver *r;
	int steps;
	char last[64];
};

static void
chain_cb(void *arg, struct resolve_result *res)
{
	struct chain *c = arg;

	assert_int_equal(res->status, RESOLVE_OK);
	snprintf(c->last, sizeof(c->last), "%s", res->rr[0].text);
	if (++c->steps == 1)
		resolve_start(c->r, RESOLVE_A, res->rr[0].text, chain_cb, c);
}

static void
test_callback_chain(void **state)
{
	struct chain c = {NULL, 0, ""};
	struct err err;

	c.r = new_resolver(dns, 2000, 2);
	err_clear(&err);
	resolve_start(c.r, RESOLVE_PTR, "192.0.2.1", chain_cb, &c);
	assert_int_equal(resolve_wait(c.r, &err), 0);
	assert_int_equal(c.steps, 2);
	assert_string_equal(c.last, "192.0.2.1");
	resolve_free(c.r);
}

/* Lookups queued and never run are cancelled by resolve_free(). */
static int cancelled;

static void
count_cancel(void *arg, struct resolve_result *res)
{
	if (res->status == RESOLVE_OTHER &&
	    strcmp(res->detail, "cancelled") == 0)
		cancelled++;
}

static void
test_free_pending(void **state)
{
	struct resolver *r = new_resolver(dns, 2000, 2);
	int i;

	cancelled = 0;
	for (i = 0; i < 10; i++)
		resolve_start(
		    r, RESOLVE_A, "mail.example.test", count_cancel, NULL);
	resolve_free(r);
	assert_int_equal(cancelled, 10);
	resolve_free(NULL);
}

/* 1000 addresses, forward-confirmed: 2000 queries, RESOLVE_MAX_INFLIGHT
 * at a time. */
static void
test_many(void **state)
{
	enum { N = 1000 };
	struct resolver *r = new_resolver(dns, 2000, 3);
	struct resolve_fcrdns *f = xcalloc(N, sizeof(*f));
	struct resolve_result *a = xcalloc(N, sizeof(*a));
	char ip[32], name[64];
	struct err err;
	double t0;
	int i;

	err_clear(&err);
	t0 = now();
	for (i = 0; i < N; i++) {
		snprintf(ip, sizeof(ip), "10.77.%d.%d", i / 256, i % 256);
		resolve_ptr_confirmed(r, ip, &f[i]);
		snprintf(name, sizeof(name), "h-10-77-%d-%d.many.test", i / 256,
		    i % 256);
		resolve_into(r, RESOLVE_A, name, &a[i]);
	}
	assert_int_equal(resolve_wait(r, &err), 0);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "h-10-77-%d-%d.many.test", i / 256,
		    i % 256);
		snprintf(ip, sizeof(ip), "10.77.%d.%d", i / 256, i % 256);
		if (f[i].status != RESOLVE_OK || !f[i].confirmed)
			fail_msg("%s: %s, confirmed %d", ip,
			    resolve_status_name(f[i].status), f[i].confirmed);
		assert_string_equal(f[i].name, name);
		assert_int_equal(a[i].status, RESOLVE_OK);
		assert_string_equal(a[i].rr[0].text, ip);
		resolve_fcrdns_clear(&f[i]);
		resolve_result_clear(&a[i]);
	}
	fprintf(stderr, "%d lookups in %.2f s\n", 3 * N, now() - t0);
	free(f);
	free(a);
	resolve_free(r);
}

/* A UDP socket of ours nobody reads, as "127.0.0.1:PORT" in servers: a
 * server that never answers.  Returns the socket, for the caller to
 * close. */
static int
silent_server(char *servers, size_t size)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(servers, size, "127.0.0.1:%u", ntohs(sin.sin_port));
	return fd;
}

/* A server that never answers. */
static void
test_timeout_silent(void **state)
{
	struct resolver *r;
	struct resolve_result res;
	char servers[64];
	double t0, t;
	int fd = silent_server(servers, sizeof(servers));

	r = new_resolver(servers, 200, 2);
	t0 = now();
	lookup(r, RESOLVE_TXT, "_dmarc.good.test", &res);
	t = now() - t0;
	assert_int_equal(res.status, RESOLVE_TIMEOUT);
	assert_string_equal(res.detail, "timed out");
	assert_true(resolve_status_trouble(res.status));
	/* 200 ms, then 400 ms. */
	assert_true(t > 0.5 && t < 5.0);
	resolve_result_clear(&res);
	resolve_free(r);
	close(fd);
}

/* One budget across resolvers: against a silent server, lookups that
 * would each wait 3 s (1 s, then 2 s) end when the budget's second is
 * spent, those queued then and those started later at once, all with
 * RESOLVE_BUDGET. */
static void
test_budget_silent(void **state)
{
	enum { N = 3 * RESOLVE_MAX_INFLIGHT };
	struct resolve_budget b = {1000, 0};
	struct resolve_result *res = xcalloc(N, sizeof(*res));
	struct resolve_fcrdns f;
	struct resolver *r, *r2;
	char servers[64], name[64];
	struct err err;
	double t0, t;
	int fd = silent_server(servers, sizeof(servers));

	r = new_resolver(servers, 1000, 2);
	resolve_set_budget(r, &b);
	err_clear(&err);
	t0 = now();
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "_dmarc.d%d.test", i);
		resolve_into(r, RESOLVE_TXT, name, &res[i]);
	}
	assert_int_equal(resolve_wait(r, &err), 0);
	t = now() - t0;
	fprintf(
	    stderr, "%d lookups, server silent, budget 1 s: %.2f s\n", N, t);
	assert_true(t > 0.9 && t < 2.0);
	assert_true(resolve_budget_spent(&b));
	assert_int_equal(b.skipped, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(res[i].status, RESOLVE_BUDGET);
		assert_string_equal(res[i].detail, "DNS time budget spent");
		assert_true(resolve_status_trouble(res[i].status));
		resolve_result_clear(&res[i]);
	}
	assert_string_equal(resolve_status_name(RESOLVE_BUDGET), "budget");

	/* Another resolver on the spent budget, even with a server that
	 * answers: nothing is asked. */
	r2 = new_resolver(dns, 2000, 2);
	resolve_set_budget(r2, &b);
	t0 = now();
	resolve_ptr_confirmed(r2, "192.0.2.1", &f);
	assert_int_equal(resolve_wait(r2, &err), 0);
	assert_true(now() - t0 < 0.1);
	assert_int_equal(f.status, RESOLVE_BUDGET);
	assert_null(f.name);
	assert_int_equal(b.skipped, N + 1);
	resolve_fcrdns_clear(&f);
	resolve_free(r2);
	resolve_free(r);
	free(res);
	close(fd);
}

/* A budget not spent takes only the time waited: answers as without
 * one. */
static void
test_budget_left(void **state)
{
	struct resolve_budget b = {60000, 0};
	struct resolver *r = new_resolver(dns, 2000, 2);
	struct resolve_fcrdns f;
	struct err err;

	resolve_set_budget(r, &b);
	err_clear(&err);
	resolve_ptr_confirmed(r, "192.0.2.1", &f);
	assert_int_equal(resolve_wait(r, &err), 0);
	assert_int_equal(f.status, RESOLVE_OK);
	assert_int_equal(f.confirmed, 1);
	assert_string_equal(f.name, "mail.example.test");
	assert_int_equal(b.skipped, 0);
	assert_true(b.ms_left > 58000 && b.ms_left <= 60000);
	assert_false(resolve_budget_spent(&b));
	assert_false(resolve_budget_spent(NULL));
	resolve_fcrdns_clear(&f);
	resolve_free(r);
}

/* The test server stopped: no answer, never "does not exist". */
static void
test_timeout_stopped(void **state)
{
	struct resolver *r = new_resolver(dns, 300, 2);
	struct resolve_result res;
	struct resolve_fcrdns f;
	struct err err;

	harness("stop-server");
	lookup(r, RESOLVE_TXT, "_dmarc.good.test", &res);
	assert_int_equal(res.status, RESOLVE_TIMEOUT);
	assert_true(resolve_status_trouble(res.status));
	resolve_result_clear(&res);
	lookup(r, RESOLVE_PTR, "192.0.2.99", &res);
	assert_int_equal(res.status, RESOLVE_TIMEOUT);
	resolve_result_clear(&res);
	err_clear(&err);
	resolve_ptr_confirmed(r, "192.0.2.1", &f);
	assert_int_equal(resolve_wait(r, &err), 0);
	assert_int_equal(f.status, RESOLVE_TIMEOUT);
	assert_null(f.name);
	resolve_fcrdns_clear(&f);

	harness("start-server");
	lookup(r, RESOLVE_PTR, "192.0.2.1", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	resolve_result_clear(&res);
	resolve_free(r);
}

/* A dead first server: c-ares goes on to the next. */
static void
test_failover(void **state)
{
	char servers[128];
	struct resolver *r;
	struct resolve_result res;

	snprintf(servers, sizeof(servers), " 127.0.0.1:1 , %s ", dns);
	r = new_resolver(servers, 500, 2);
	lookup(r, RESOLVE_A, "mail.example.test", &res);
	assert_int_equal(res.status, RESOLVE_OK);
	resolve_result_clear(&res);
	resolve_free(r);
}

static void
test_servers(void **state)
{
	static const char *const bad[] = {"", ",", "127.0.0.1,", "127.0.0.1:0",
	    "127.0.0.1:65536", "127.0.0.1:", "127.0.0.1:x", "localhost", "[::1",
	    "[::1]x", "[127.0.0.1]:53", "1.2.3.4:5:6x", "1,2,3,4,5,6,7,8,9",
	    "1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4,5.5.5.5,"
	    "6.6.6.6,7.7.7.7,8.8.8.8,9.9.9.9",
	    "127.0.0.1 :53", "\x01"};
	static const char *const good[] = {"127.0.0.1", "127.0.0.1:5353", "::1",
	    "[::1]", "[::1]:5353", "2001:db8::53, 192.0.2.53:53",
	    "\t127.0.0.1 ,[2001:db8::1]:1"};
	struct resolver *r;
	struct err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&err);
		r = (struct resolver *)&err;
		if (resolve_new(&r, bad[i], 1000, 1, &err) != ERR_USAGE)
			fail_msg("'%s' accepted", bad[i]);
		assert_null(r);
		assert_non_null(strstr(err.msg, "dns servers"));
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err_clear(&err);
		if (resolve_new(&r, good[i], 1000, 1, &err) != 0)
			fail_msg("'%s' refused: %s", good[i], err.msg);
		resolve_free(r);
	}
	err_clear(&err);
	assert_int_equal(resolve_new(&r, NULL, 0, 1, &err), ERR_USAGE);
	assert_int_equal(resolve_new(&r, NULL, 1000, 0, &err), ERR_USAGE);
	/* The system's servers: made, not used. */
	assert_int_equal(resolve_new(&r, NULL, 1000, 1, &err), 0);
	resolve_free(r);
}

static void
test_reverse_name(void **state)
{
	char out[80];

	assert_int_equal(
	    resolve_reverse_name("192.0.2.1", out, sizeof(out)), 0);
	assert_string_equal(out, "1.2.0.192.in-addr.arpa");
	assert_int_equal(
	    resolve_reverse_name("2001:db8::abc", out, sizeof(out)), 0);
	assert_string_equal(out,
	    "c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
	    "ip6.arpa");
	assert_int_equal(resolve_reverse_name("2001:db8::abc", out, 20), -1);
	assert_int_equal(resolve_reverse_name("192.0.2", out, sizeof(out)), -1);
	assert_int_equal(resolve_reverse_name(NULL, out, sizeof(out)), -1);
}

/* ------------------------------------------------------------------------
 * Answers no real server sends, from a child process that answers each
 * query according to the first label of the name asked. */

static size_t
put16(unsigned char *p, size_t o, unsigned v)
{
	p[o] = (unsigned char)(v >> 8);
	p[o + 1] = (unsigned char)v;
	return o + 2;
}

static size_t
put32(unsigned char *p, size_t o, uint32_t v)
{
	o = put16(p, o, (unsigned)(v >> 16));
	return put16(p, o, (unsigned)(v & 0xffff));
}

/* A record header owned by the name asked (a pointer to offset 12). */
static size_t
put_rr(unsigned char *p, size_t o, unsigned type, uint32_t ttl, unsigned rdlen)
{
	o = put16(p, o, 0xc00c);
	o = put16(p, o, type);
	o = put16(p, o, 1);
	o = put32(p, o, ttl);
	return put16(p, o, rdlen);
}

static size_t
craft(const unsigned char *q, size_t qlen, unsigned char *p)
{
	char label[64];
	size_t o = 12, i, k;
	unsigned an = 0, ns = 0, rcode = 0;

	if (qlen < 17 || q[12] == 0 || q[12] >= 64)
		return 0;
	while (o < qlen && q[o] != 0)
		o += 1 + q[o];
	o += 5;
	if (o > qlen)
		return 0;
	memcpy(label, q + 13, q[12]);
	label[q[12]] = '\0';
	memcpy(p, q, o);
	if (strcmp(label, "loop") == 0) {
		/* The owner name points at itself. */
		o = put16(p, o, 0xc000 | (unsigned)o);
		o = put16(p, o, 1);
		o = put16(p, o, 1);
		o = put32(p, o, 300);
		o = put16(p, o, 4);
		o = put32(p, o, 0xc0000201);
		an = 1;
	} else if (strcmp(label, "trunc") == 0) {
		o = put_rr(p, o, 1, 300, 200);
		o = put32(p, o, 0xc0000201);
		an = 1;
	} else if (strcmp(label, "fwd") == 0) {
		/* An MX whose name points forward. */
		o = put_rr(p, o, 15, 300, 4);
		o = put16(p, o, 10);
		o = put16(p, o, 0xc000 | (unsigned)(o + 10));
		an = 1;
	} else if (strcmp(label, "many") == 0) {
		for (i = 0; i < 100; i++) {
			o = put_rr(p, o, 1, (uint32_t)(1000 - i), 4);
			o = put32(p, o, 0xc0000200 + (uint32_t)i);
		}
		an = 100;
	} else if (strcmp(label, "soa") == 0) {
		/* NXDOMAIN with an SOA: TTL 3600, minimum 60. */
		rcode = 3;
		o = put_rr(p, o, 6, 3600, 2 + 2 + 20);
		o = put16(p, o, 0xc00c);
		o = put16(p, o, 0xc00c);
		for (i = 0; i < 4; i++)
			o = put32(p, o, 7200);
		o = put32(p, o, 60);
		ns = 1;
	} else if (strcmp(label, "hugettl") == 0) {
		o = put_rr(p, o, 1, 0x80000001u, 4);
		o = put32(p, o, 0xc0000201);
		an = 1;
	} else if (strcmp(label, "notimp") == 0) {
		rcode = 4;
	} else if (strcmp(label, "servfailrec") == 0) {
		rcode = 2;
		o = put_rr(p, o, 1, 300, 4);
		o = put32(p, o, 0xc0000201);
		an = 1;
	} else if (strcmp(label, "other") == 0) {
		/* A record for a name not asked. */
		static const unsigned char nm[] = "\005other\004else\004test";

		memcpy(p + o, nm, sizeof(nm));
		o += sizeof(nm);
		o = put16(p, o, 1);
		o = put16(p, o, 1);
		o = put32(p, o, 300);
		o = put16(p, o, 4);
		o = put32(p, o, 0xc0000201);
		an = 1;
	} else if (strcmp(label, "long") == 0) {
		/* An MX name of 255 bytes, every one of them 0xff. */
		o = put_rr(p, o, 15, 300, 2 + 255);
		o = put16(p, o, 5);
		for (k = 0; k < 4; k++) {
			size_t n = k < 3 ? 63 : 61;

			p[o++] = (unsigned char)n;
			memset(p + o, 0xff, n);
			o += n;
		}
		p[o++] = 0;
		an = 1;
	}
	p[2] = 0x81;
	p[3] = (unsigned char)(0x80 | rcode);
	put16(p, 6, an);
	put16(p, 8, ns);
	put16(p, 10, 0);
	return o;
}

/* Reads exactly n bytes; 0 on success. */
static int
read_full(int fd, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = read(fd, p, n);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Answers over UDP (past 512 bytes only the question, with TC set, as
 * servers do) and over TCP, until killed.  Every socket is polled at
 * once: c-ares keeps its TCP connection open and goes on asking over
 * UDP, so a server that served one connection to its end would leave
 * those UDP questions to time out. */
enum { FAKE_CONNS = 8 };

static void
fake_udp(int udp)
{
	unsigned char q[512], a[4096];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	size_t len, qend;
	ssize_t n;

	n = recvfrom(udp, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0 || (len = craft(q, (size_t)n, a)) == 0)
		return;
	if (len > 512) {
		for (qend = 12; q[qend] != 0; qend += 1 + q[qend])
			;
		len = qend + 5;
		a[2] |= 0x02;
		put16(a, 6, 0);
		put16(a, 8, 0);
	}
	sendto(udp, a, len, 0, (struct sockaddr *)&from, flen);
}

/* One framed question on a connection; -1 when it is to be closed. */
static int
fake_tcp(int c)
{
	unsigned char q[512], a[4096 + 2], l[2];
	size_t len, ql;

	if (read_full(c, l, 2) < 0)
		return -1;
	ql = (size_t)(l[0] << 8 | l[1]);
	if (ql > sizeof(q) || read_full(c, q, ql) < 0 ||
	    (len = craft(q, ql, a + 2)) == 0)
		return -1;
	put16(a, 0, (unsigned)len);
	return write(c, a, len + 2) == (ssize_t)(len + 2) ? 0 : -1;
}

static void
fake_server(int udp, int tcp)
{
	struct pollfd pfd[2 + FAKE_CONNS];
	size_t n = 2, i;

	/* Dies with the test, even when an assertion ends it early. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pfd[0] = (struct pollfd){udp, POLLIN, 0};
	pfd[1] = (struct pollfd){tcp, POLLIN, 0};
	for (;;) {
		if (poll(pfd, n, -1) <= 0)
			continue;
		if (pfd[0].revents & POLLIN)
			fake_udp(udp);
		for (i = 2; i < n; i++) {
			if (pfd[i].revents == 0 || fake_tcp(pfd[i].fd) == 0)
				continue;
			close(pfd[i].fd);
			pfd[i--] = pfd[--n];
		}
		if ((pfd[1].revents & POLLIN) && n < 2 + FAKE_CONNS) {
			int c = accept(tcp, NULL, NULL);

			if (c >= 0)
				pfd[n++] = (struct pollfd){c, POLLIN, 0};
		}
	}
}

static void
test_hostile_answers(void **state)
{
	static const struct {
		const char *name;
		enum resolve_type type;
		enum resolve_status status;
		size_t n;
		unsigned ttl;
		const char *detail;
	} cases[] = {
	    {"loop.x.test", RESOLVE_A, RESOLVE_OTHER, 0, 0, "malformed answer"},
	    {"trunc.x.test", RESOLVE_A, RESOLVE_OTHER, 0, 0,
	        "malformed answer"},
	    {"fwd.x.test", RESOLVE_MX, RESOLVE_OTHER, 0, 0,
	        "malformed record in the answer"},
	    {"many.x.test", RESOLVE_A, RESOLVE_OK, RESOLVE_MAX_RECORDS, 901,
	        ""},
	    {"soa.x.test", RESOLVE_TXT, RESOLVE_NXDOMAIN, 0, 60, ""},
	    {"hugettl.x.test", RESOLVE_A, RESOLVE_OK, 1, 0, ""},
	    {"notimp.x.test", RESOLVE_A, RESOLVE_OTHER, 0, 0, "rcode 4"},
	    {"servfailrec.x.test", RESOLVE_A, RESOLVE_SERVFAIL, 0, 0, ""},
	    {"other.x.test", RESOLVE_A, RESOLVE_NODATA, 0, 0, ""},
	    {"long.x.test", RESOLVE_MX, RESOLVE_OK, 1, 300, ""},
	};
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	struct resolve_result res[N];
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct resolver *r;
	char servers[64];
	struct err err;
	pid_t pid;
	size_t i;
	int fd, tcp, one = 1;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0 && tcp >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(tcp, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(tcp, 8), 0);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", ntohs(sin.sin_port));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		fake_server(fd, tcp);
	close(fd);
	close(tcp);

	r = new_resolver(servers, 1000, 1);
	err_clear(&err);
	for (i = 0; i < N; i++)
		resolve_into(r, cases[i].type, cases[i].name, &res[i]);
	assert_int_equal(resolve_wait(r, &err), 0);
	for (i = 0; i < N; i++) {
		if (res[i].status != cases[i].status)
			fail_msg("%s: %s (%s)", cases[i].name,
			    resolve_status_name(res[i].status), res[i].detail);
		/* The name asked is always there. */
		assert_string_equal(res[i].name, cases[i].name);
		assert_int_equal(res[i].n, cases[i].n);
		assert_int_equal(res[i].ttl, cases[i].ttl);
		assert_string_equal(res[i].detail, cases[i].detail);
		if (strcmp(cases[i].name, "many.x.test") == 0)
			assert_int_equal(
			    res[i].dropped, 100 - RESOLVE_MAX_RECORDS);
		if (strcmp(cases[i].name, "long.x.test") == 0) {
			/* 250 bytes escaped as \255, and three dots. */
			assert_int_equal(res[i].rr[0].len, 250 * 4 + 3);
			assert_int_equal(
			    strncmp(res[i].rr[0].text, "\\255", 4), 0);
			assert_int_equal(res[i].rr[0].hostname, 0);
			assert_int_equal(res[i].rr[0].pref, 5);
		}
		resolve_result_clear(&res[i]);
	}
	resolve_free(r);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reverse_name),
	    cmocka_unit_test(test_servers),
	    cmocka_unit_test(test_ptr),
	    cmocka_unit_test(test_forward),
	    cmocka_unit_test(test_txt),
	    cmocka_unit_test(test_absence),
	    cmocka_unit_test(test_trouble),
	    cmocka_unit_test(test_badname),
	    cmocka_unit_test(test_hostile_ptr),
	    cmocka_unit_test(test_fcrdns),
	    cmocka_unit_test(test_callback_chain),
	    cmocka_unit_test(test_free_pending),
	    cmocka_unit_test(test_many),
	    cmocka_unit_test(test_failover),
	    cmocka_unit_test(test_timeout_silent),
	    cmocka_unit_test(test_timeout_stopped),
	    cmocka_unit_test(test_budget_silent),
	    cmocka_unit_test(test_budget_left),
	    cmocka_unit_test(test_hostile_answers),
	};

	dns = getenv("DMARCSIFT_TEST_DNS");
	if (dns == NULL || *dns == '\0') {
		fprintf(stderr,
		    "DMARCSIFT_TEST_DNS is not set: run me"
		    " through tests/harness/dnsmasq run\n");
		return 2;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
