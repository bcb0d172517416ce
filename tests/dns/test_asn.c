/* Tests for analyze/asn.c and source_name() (sql/006_asn.sql): the network
 * and owner of source addresses, against a real dnsmasq serving
 * tests/dns/zone.conf under the real zone names, and a real PostgreSQL
 * (tests/harness/pg run tests/harness/dnsmasq run ...) with the schema
 * made by the migrations and reports written here with SQL.  Answers
 * parsed, hostile ones refused, TTLs, the cache (nothing asked within the
 * TTL, even with the server gone), values kept through DNS trouble, a
 * silent server (bounded), another zone, source_name() for every kind,
 * and the cut at ASN_WANT_MAX a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asn.h"
#include "db.h"
#include "err.h"
#include "resolve.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *dns; /* 127.0.0.1:PORT */
static const char *conninfo;
static struct db *db;
static int64_t since; /* 30 days ago */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sql(const char *q)
{
	struct err err;

	err_clear(&err);
	if (db_exec(db, q, 0, NULL, &err) < 0)
		fail_msg("%s: %s", q, err.msg);
}

/* The first value of q, as text ("NULL" for NULL); the caller's. */
static char *
value(const char *q)
{
	struct err err;
	char *v = NULL;

	err_clear(&err);
	if (db_value(db, q, 0, NULL, &v, &err) < 0)
		fail_msg("%s: %s", q, err.msg);
	return v != NULL ? v : xstrdup("NULL");
}

static long
num(const char *q)
{
	char *v = value(q);
	long n = strtol(v, NULL, 10);

	free(v);
	return n;
}

static void
expect_text(const char *q, const char *want)
{
	char *v = value(q);

	if (strcmp(v, want) != 0)
		fail_msg("%s: '%s', not '%s'", q, v, want);
	free(v);
}

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

static struct resolver *
new_resolver_at(const char *servers, int timeout_ms, int tries)
{
	struct resolver *r = NULL;
	struct err err;

	err_clear(&err);
	if (resolve_new(&r, servers, timeout_ms, tries, &err) < 0)
		fail_msg("resolve_new(%s): %s", servers, err.msg);
	return r;
}

static size_t progress_calls, progress_done, progress_total;

static void
progress(size_t done, size_t total)
{
	assert_true(done <= total);
	assert_true(done >= progress_done);
	progress_calls++;
	progress_done = done;
	progress_total = total;
}

/* asn_refresh() through r (freed here) that must succeed. */
static struct asn_stats
refresh_via(struct resolver *r, const char *zone, const char *domain)
{
	struct asn_stats st;
	struct err err;
	int rc;

	err_clear(&err);
	progress_calls = progress_done = progress_total = 0;
	memset(&st, 0xff, sizeof(st));
	rc = asn_refresh(db, r, zone, domain, since, progress, &st, &err);
	if (rc != 0)
		fail_msg("asn_refresh: %d %s", rc, err.msg);
	resolve_free(r);
	assert_int_equal(
	    st.fresh + st.resolved + st.trouble + st.left, st.wanted);
	assert_true(st.wanted - st.fresh - st.left <= ASN_WANT_MAX);
	assert_true(st.names_trouble <= st.names);
	if (st.wanted > st.fresh + st.left) {
		assert_true(progress_calls >= 2);
		assert_int_equal(progress_done, st.wanted - st.fresh - st.left);
		assert_int_equal(
		    progress_total, st.wanted - st.fresh - st.left);
	} else {
		assert_int_equal(progress_calls, 0);
	}
	return st;
}

static struct asn_stats
refresh(const char *domain)
{
	return refresh_via(new_resolver_at(dns, 2000, 2), NULL, domain);
}

static void
expect_stats(struct asn_stats st, size_t wanted, size_t fresh, size_t resolved,
    size_t trouble, size_t names)
{
	if (st.wanted != wanted || st.fresh != fresh ||
	    st.resolved != resolved || st.trouble != trouble ||
	    st.names != names || st.left != 0)
		fail_msg("stats wanted %zu fresh %zu resolved %zu trouble %zu "
		         "names %zu left %zu, not %zu %zu %zu %zu %zu 0",
		    st.wanted, st.fresh, st.resolved, st.trouble, st.names,
		    st.left, wanted, fresh, resolved, trouble, names);
}

/* The row of ip in ip_owner, "status asn prefix country ttl" (NULL as
 * "-"); ttl is expires_at - resolved_at in seconds. */
static void
expect_owner(const char *ip, const char *want)
{
	char q[512];

	snprintf(q, sizeof(q),
	    "SELECT concat_ws(' ', status, coalesce(asn::text, '-'), "
	    "    coalesce(prefix::text, '-'), coalesce(country, '-'), "
	    "    extract(epoch FROM expires_at - resolved_at)::integer) "
	    "FROM ip_owner WHERE ip = '%s' AND expires_at > now()",
	    ip);
	expect_text(q, want);
}

/* The row of asn in as_names, "status|handle|name|country|ttl". */
static void
expect_as(const char *asn, const char *want)
{
	char q[512];

	snprintf(q, sizeof(q),
	    "SELECT concat_ws('|', status, coalesce(handle, '-'), "
	    "    coalesce(name, '-'), coalesce(country, '-'), "
	    "    extract(epoch FROM expires_at - resolved_at)::integer) "
	    "FROM as_names WHERE asn = %s AND expires_at > now()",
	    asn);
	expect_text(q, want);
}

/* source_name(ip, service): "kind|who". */
static void
expect_name(const char *ip, const char *service, const char *want)
{
	char q[512];

	snprintf(q, sizeof(q),
	    "SELECT kind || '|' || coalesce(who, '-') "
	    "FROM source_name('%s'%s%s%s)",
	    ip, service != NULL ? ", '" : "", service != NULL ? service : "",
	    service != NULL ? "'" : "");
	expect_text(q, want);
}

/* ------------------------------------------------------------------------
 * The reports: asn.test with fifteen sources in the period and one in an
 * old report; bulk.test with 300 in 10.79.0.0/16, which the zone leaves
 * NXDOMAIN.  203.0.113.107 has a confirmed PTR name in rdns, .109 a
 * service: neither is asked. */

static const char fixture_sql[] =
    "INSERT INTO inputs (sha256, size, raw_gz, raw_complete, source, "
    "    source_name, outcome) "
    "VALUES (sha256('test_asn'::bytea), 0, '\\x00'::bytea, true, 'file', "
    "    'test_asn', 'reports');"
    "INSERT INTO reports (input, place, org_name, report_id, domain, "
    "    date_begin, date_end, record_count, records_dropped, messages, "
    "    content_sha256) "
    "SELECT (SELECT id FROM inputs WHERE source_name = 'test_asn'), '', "
    "    'Tester', v.rid, v.domain, now() - v.age, "
    "    now() - v.age + interval '1 day', 0, 0, 0, sha256(v.rid::bytea) "
    "FROM (VALUES ('a1', 'ASN.test', interval '2 days'), "
    "             ('a2', 'asn.test', interval '20 years'), "
    "             ('a3', 'bulk.test', interval '2 days')) v(rid, domain, age);"
    "INSERT INTO records (report, idx, source_ip, count) "
    "SELECT (SELECT id FROM reports WHERE report_id = 'a1'), t.n, "
    "    t.ip::inet, 1 "
    "FROM unnest(ARRAY['203.0.113.96', '203.0.113.97', '203.0.113.98', "
    "    '203.0.113.99', '203.0.113.100', '203.0.113.101', "
    "    '203.0.113.102', '203.0.113.103', '203.0.113.104', "
    "    '203.0.113.105', '203.0.113.107', '203.0.113.108', "
    "    '203.0.113.109', '203.0.113.110', '2001:db8:6::10', "
    "    '203.0.113.96']) WITH ORDINALITY AS t(ip, n);"
    "INSERT INTO records (report, idx, source_ip, count) "
    "SELECT id, 1, '203.0.113.106', 1 FROM reports WHERE report_id = 'a2';"
    "INSERT INTO records (report, idx, source_ip, count) "
    "SELECT (SELECT id FROM reports WHERE report_id = 'a3'), g, "
    "    '10.79.0.0'::inet + g, 1 FROM generate_series(1, 300) g;";

/* The reverse DNS of .107 (a confirmed name) and .109 (a service), and of
 * .96 and .97, whose names are not confirmed or have no organizational
 * domain: those are asked. */
static const char rdns_sql[] =
    "DELETE FROM rdns;"
    "INSERT INTO rdns (ip, status, name, confirmed, orgdomain, service, "
    "    expires_at) VALUES "
    "('203.0.113.107', 'ok', 'out.named.test', true, 'named.test', NULL, "
    "    now() + interval '1 day'), "
    "('203.0.113.109', 'ok', 'o1.mailer.test', true, NULL, 'Mailer', "
    "    now() + interval '1 day'), "
    "('203.0.113.96', 'ok', 'liar.named.test', false, 'named.test', NULL, "
    "    now() + interval '1 day'), "
    "('203.0.113.97', 'ok', 'x.servfail.test', NULL, 'servfail.test', "
    "    NULL, now() + interval '1 day');";

static int
setup(void **state)
{
	struct err err;
	int applied = 0;

	(void)state;
	err_clear(&err);
	if (db_connect(&db, conninfo, &err) < 0 ||
	    db_migrate(db, &applied, &err) < 0) {
		fprintf(stderr, "database: %s\n", err.msg);
		return -1;
	}
	sql(fixture_sql);
	since = (int64_t)time(NULL) - 30 * 86400;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	db_close(db);
	return 0;
}

/* Each test starts with empty caches (rdns as above). */
static int
empty_cache(void **state)
{
	(void)state;
	sql("DELETE FROM ip_owner; DELETE FROM as_names");
	sql(rdns_sql);
	return 0;
}

/* ------------------------------------------------------------------------ */

static void
expect_asn_test_rows(void)
{
	expect_owner("203.0.113.96", "ok 64500 203.0.113.0/24 US 300");
	/* The more specific prefix, its country upper-cased. */
	expect_owner("203.0.113.97", "ok 64501 203.0.113.96/28 DE 300");
	/* The first of two ASes; no country. */
	expect_owner("203.0.113.98", "ok 64502 203.0.113.96/28 - 300");
	expect_owner("203.0.113.99", "ok 64504 203.0.113.96/28 BR 300");
	expect_owner("203.0.113.100", "ok 64505 203.0.113.96/28 US 300");
	/* Hostile: another network's prefix, a NUL, quotes, 600 bytes. */
	expect_owner("203.0.113.101", "malformed - - - 300");
	expect_owner("203.0.113.102", "malformed - - - 300");
	expect_owner("203.0.113.103", "malformed - - - 300");
	expect_owner("203.0.113.108", "malformed - - - 300");
	/* Junk and a number too big beside a good record. */
	expect_owner("203.0.113.104", "ok 64500 203.0.113.0/24 US 300");
	/* No SOA from dnsmasq: the default negative TTL. */
	expect_owner("203.0.113.105", "nxdomain - - - 3600");
	/* Malformed on the wire: trouble, asked again soon. */
	expect_owner("203.0.113.110", "other - - - 900");
	expect_owner("2001:db8:6::10", "ok 64510 2001:db8:6::/48 NL 300");

	expect_as("64500",
	    "ok|EXAMPLE-NET|EXAMPLE-NET - Example Networks, "
	    "US|US|300");
	expect_as(
	    "64501", "ok|BEISPIEL-AS|BEISPIEL-AS - Beispiel GmbH, DE|DE|300");
	expect_as("64502", "ok|OVH|OVH, FR|FR|300");
	expect_as("64504", "nxdomain|-|-|-|3600");
	/* An escape sequence in the name: no name. */
	expect_as("64505", "malformed|-|-|-|300");
	expect_as("64510", "ok|V6NET|V6NET - Six Networks B.V., NL|NL|300");
}

static void
expect_asn_test_names(void)
{
	expect_name("203.0.113.96", NULL, "network|AS64500 EXAMPLE-NET (US)");
	expect_name("203.0.113.97", NULL, "network|AS64501 BEISPIEL-AS (DE)");
	expect_name("203.0.113.98", NULL, "network|AS64502 OVH (FR)");
	expect_name("203.0.113.99", NULL, "network|AS64504");
	expect_name("203.0.113.100", NULL, "network|AS64505");
	expect_name("203.0.113.101", NULL, "unknown|-");
	expect_name("203.0.113.102", NULL, "unknown|-");
	expect_name("203.0.113.104", NULL, "network|AS64500 EXAMPLE-NET (US)");
	expect_name("203.0.113.105", NULL, "unknown|-");
	expect_name("203.0.113.110", NULL, "unknown|-");
	expect_name("2001:db8:6::10", NULL, "network|AS64510 V6NET (NL)");
	/* The confirmed PTR name's domain, the service of the name, a
	 * service given; never looked up: nothing known. */
	expect_name("203.0.113.107", NULL, "ptr|named.test");
	expect_name("203.0.113.109", NULL, "service|Mailer");
	expect_name("203.0.113.107", "SendGrid", "service|SendGrid");
	expect_name("203.0.113.96", "SendGrid", "service|SendGrid");
	expect_name("203.0.113.96", "", "network|AS64500 EXAMPLE-NET (US)");
	expect_name("198.51.100.99", NULL, "unknown|-");
}

static void
test_refresh(void **state)
{
	struct asn_stats st;

	(void)state;
	/* Fifteen addresses less .107 and .109 (named by rdns); .110 is
	 * trouble; six ASes named.  The domain is matched in any case. */
	st = refresh("asn.test");
	expect_stats(st, 13, 0, 12, 1, 6);
	assert_int_equal(st.names_trouble, 0);
	expect_asn_test_rows();
	expect_asn_test_names();
	/* Not .106 (too old), .107, .109, nor AS64503 (second of two). */
	assert_int_equal(num("SELECT count(*) FROM ip_owner"), 13);
	assert_int_equal(num("SELECT count(*) FROM as_names"), 6);

	/* An earlier since: one more address (.110 is fresh for
	 * ASN_TTL_TROUBLE). */
	since = 0;
	st = refresh("asn.test");
	since = (int64_t)time(NULL) - 30 * 86400;
	expect_stats(st, 14, 13, 1, 0, 0);
	expect_owner("203.0.113.106", "nxdomain - - - 3600");
}

/* Within the TTL nothing is asked, not even with the server gone; the
 * names come from the cache (as with --offline). */
static void
test_cached(void **state)
{
	struct asn_stats st;

	(void)state;
	st = refresh("asn.test");
	expect_stats(st, 13, 0, 12, 1, 6);
	harness("stop-server");
	st = refresh("asn.test");
	harness("start-server");
	expect_stats(st, 13, 13, 0, 0, 0);
	assert_int_equal(
	    num("SELECT count(*) FROM ip_owner WHERE status = 'timeout'"), 0);
	expect_asn_test_names();

	/* Expired addresses are asked again, not their fresh AS names. */
	sql("UPDATE ip_owner SET expires_at = now() - interval '1 second' "
	    "WHERE ip IN ('203.0.113.96', '203.0.113.97')");
	st = refresh("asn.test");
	expect_stats(st, 13, 11, 2, 0, 0);
	/* Expired names are asked again. */
	sql("UPDATE ip_owner SET expires_at = now() - interval '1 second' "
	    "WHERE ip = '203.0.113.96'");
	sql("UPDATE as_names SET expires_at = now() - interval '1 second', "
	    "name = 'stale' WHERE asn = 64500");
	st = refresh("asn.test");
	expect_stats(st, 13, 12, 1, 0, 1);
	expect_asn_test_rows();
}

/* When a lookup fails, what was known stays, with the failure as status,
 * for ASN_TTL_TROUBLE: the server stopped, and SERVFAIL (a zone under
 * servfail.test). */
static void
test_trouble(void **state)
{
	struct asn_stats st;

	(void)state;
	st = refresh("asn.test");
	expect_stats(st, 13, 0, 12, 1, 6);
	sql("UPDATE ip_owner SET expires_at = now() - interval '1 second'");
	sql("UPDATE as_names SET expires_at = now() - interval '1 second'");
	st = refresh_via(
	    new_resolver_at(dns, 2000, 2), "servfail.test", "asn.test");
	expect_stats(st, 13, 0, 0, 13, 0);
	expect_owner("203.0.113.96", "servfail 64500 203.0.113.0/24 US 900");
	expect_owner("203.0.113.101", "servfail - - - 900");
	expect_asn_test_names();

	sql("UPDATE ip_owner SET expires_at = now() - interval '1 second'");
	harness("stop-server");
	st = refresh("asn.test");
	harness("start-server");
	expect_stats(st, 13, 0, 0, 13, 0);
	expect_owner("2001:db8:6::10", "timeout 64510 2001:db8:6::/48 NL 900");
	expect_asn_test_names();
}

/* Addresses never seen, with the server down: trouble is data, no name. */
static void
test_timeout(void **state)
{
	struct asn_stats st;

	(void)state;
	harness("stop-server");
	st = refresh("asn.test");
	harness("start-server");
	expect_stats(st, 13, 0, 0, 13, 0);
	assert_int_equal(num("SELECT count(*) FROM ip_owner WHERE status = "
	                     "'timeout' AND asn IS NULL AND prefix IS NULL "
	                     "AND expires_at - resolved_at = "
	                     "make_interval(secs => 900)"),
	    13);
	expect_name("203.0.113.96", NULL, "unknown|-");
	expect_name("203.0.113.107", NULL, "ptr|named.test");
}

/* A server that never answers: the probe times out, the rest are not
 * asked, and the whole takes about one timeout. */
static void
test_silent(void **state)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct asn_stats st;
	char servers[64];
	double t0, t;
	int fd;

	(void)state;
	st = refresh("asn.test");
	expect_stats(st, 13, 0, 12, 1, 6);
	sql("UPDATE ip_owner SET expires_at = now() - interval '1 second'");

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", ntohs(sin.sin_port));

	/* Every domain: 313 addresses; asked 64 at a time, 5 rounds. */
	t0 = now();
	st = refresh_via(new_resolver_at(servers, 500, 1), NULL, NULL);
	t = now() - t0;
	close(fd);
	expect_stats(st, 313, 0, 0, 313, 0);
	fprintf(stderr, "asn: 313 addresses, server silent, in %.2f s\n", t);
	assert_true(t < 3.0);
	expect_owner("203.0.113.96", "timeout 64500 203.0.113.0/24 US 900");
	expect_asn_test_names();
}

/* Every domain, 300 NXDOMAIN among them; then another zone. */
static void
test_bulk_and_zone(void **state)
{
	struct asn_stats st;

	(void)state;
	st = refresh(NULL);
	expect_stats(st, 313, 0, 312, 1, 6);
	assert_int_equal(num("SELECT count(*) FROM ip_owner WHERE ip << "
	                     "'10.79.0.0/16' AND status = 'nxdomain'"),
	    300);
	st = refresh("bulk.test");
	expect_stats(st, 300, 300, 0, 0, 0);

	sql("DELETE FROM ip_owner; DELETE FROM as_names");
	st = refresh_via(new_resolver_at(dns, 2000, 2), "asn.test", "asn.test");
	expect_stats(st, 13, 0, 13, 0, 1);
	expect_owner("203.0.113.96", "ok 64599 203.0.113.0/24 US 300");
	expect_owner("203.0.113.97", "nxdomain - - - 3600");
	expect_name("203.0.113.96", NULL, "network|AS64599 OTHER-ZONE (US)");
}

/*
 * More addresses than a run looks up (ASN_WANT_MAX + 3 of cut.test in
 * 10.76.0.0/16, no reverse DNS name, one message each but the 3 highest,
 * 50 each): the 3 with the most mail and the lowest of the rest are
 * taken, the 3 highest of the rest left, and the next run takes those.
 * The first run against a silent server, so that it stores them without
 * asking.
 */
#define CUT_N (ASN_WANT_MAX + 3)

static void
test_cut(void **state)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct asn_stats st;
	char servers[64], q[1024];
	int fd;

	(void)state;
	snprintf(q, sizeof(q),
	    "INSERT INTO reports (input, place, org_name, report_id, domain, "
	    "    date_begin, date_end, record_count, records_dropped, "
	    "    messages, content_sha256) "
	    "SELECT id, '', 'Tester', 'a4', 'cut.test', "
	    "    now() - interval '2 days', now() - interval '1 day', 0, 0, "
	    "    0, sha256('a4'::bytea) FROM inputs "
	    "WHERE source_name = 'test_asn';"
	    "INSERT INTO records (report, idx, source_ip, count) "
	    "SELECT (SELECT id FROM reports WHERE report_id = 'a4'), g, "
	    "    '10.76.0.0'::inet + g, CASE WHEN g > %d THEN 50 ELSE 1 END "
	    "FROM generate_series(1, %d) g",
	    CUT_N - 3, CUT_N);
	sql(q);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", ntohs(sin.sin_port));
	st = refresh_via(new_resolver_at(servers, 500, 1), NULL, "cut.test");
	close(fd);
	assert_int_equal(st.wanted, CUT_N);
	assert_int_equal(st.fresh, 0);
	assert_int_equal(st.resolved, 0);
	assert_int_equal(st.trouble, ASN_WANT_MAX);
	assert_int_equal(st.left, 3);
	assert_int_equal(progress_total, ASN_WANT_MAX);
	assert_int_equal(num("SELECT count(*) FROM ip_owner"), ASN_WANT_MAX);
	/* The 3 with the most mail, though the highest addresses. */
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM ip_owner WHERE ip IN (SELECT "
	    "'10.76.0.0'::inet + g FROM generate_series(%d, %d) g)",
	    CUT_N - 2, CUT_N);
	assert_int_equal(num(q), 3);
	/* Of the rest, the 3 highest are left. */
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM ip_owner WHERE ip IN (SELECT "
	    "'10.76.0.0'::inet + g FROM generate_series(%d, %d) g)",
	    CUT_N - 5, CUT_N - 3);
	assert_int_equal(num(q), 0);

	/* The next run: those 3 only, now answered (NXDOMAIN). */
	st = refresh("cut.test");
	expect_stats(st, CUT_N, ASN_WANT_MAX, 3, 0, 0);
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM ip_owner WHERE status = 'nxdomain' AND ip "
	    "IN (SELECT '10.76.0.0'::inet + g FROM generate_series(%d, %d) g)",
	    CUT_N - 5, CUT_N - 3);
	assert_int_equal(num(q), 3);

	sql("DELETE FROM records WHERE report = (SELECT id FROM reports "
	    "WHERE report_id = 'a4');"
	    "DELETE FROM reports WHERE report_id = 'a4'");
}

/* A database without the tables: ERR_DB, and the connection lives on. */
static void
test_db_error(void **state)
{
	struct resolver *r = new_resolver_at(dns, 2000, 2);
	struct err err;

	(void)state;
	sql("SET search_path TO nothing_here");
	err_clear(&err);
	assert_int_equal(
	    asn_refresh(db, r, NULL, "asn.test", since, NULL, NULL, &err),
	    ERR_DB);
	assert_non_null(strstr(err.msg, "source addresses"));
	sql("RESET search_path");
	/* NULL stats and progress: allowed. */
	err_clear(&err);
	assert_int_equal(
	    asn_refresh(db, r, NULL, "asn.test", since, NULL, NULL, &err), 0);
	resolve_free(r);
	expect_owner("203.0.113.96", "ok 64500 203.0.113.0/24 US 300");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_refresh, empty_cache),
	    cmocka_unit_test_setup(test_cached, empty_cache),
	    cmocka_unit_test_setup(test_trouble, empty_cache),
	    cmocka_unit_test_setup(test_timeout, empty_cache),
	    cmocka_unit_test_setup(test_silent, empty_cache),
	    cmocka_unit_test_setup(test_bulk_and_zone, empty_cache),
	    cmocka_unit_test_setup(test_db_error, empty_cache),
	    cmocka_unit_test_setup(test_cut, empty_cache),
	};

	dns = getenv("DMARCSIFT_TEST_DNS");
	conninfo = getenv("DMARCSIFT_TEST_DB");
	if (dns == NULL || *dns == '\0' || conninfo == NULL) {
		fprintf(stderr,
		    "DMARCSIFT_TEST_DNS or DMARCSIFT_TEST_DB is not "
		    "set: run me through tests/harness/pg run "
		    "tests/harness/dnsmasq run\n");
		return 2;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
