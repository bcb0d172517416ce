/* Tests for analyze/rdns.c: the reverse-DNS cache, against a real dnsmasq
 * serving tests/dns/zone.conf and a real PostgreSQL (tests/harness/pg run
 * tests/harness/dnsmasq run ...), with the schema made by the migrations
 * and reports written here with SQL.  Forward confirmation, IPv4 and IPv6,
 * TTLs, the cache (no lookups within the TTL, none at all with the server
 * stopped), expiry, timeouts stored as data, hostile names, services,
 * 2000 addresses at once, and the cut at RDNS_WANT_MAX a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db.h"
#include "err.h"
#include "orgdomain.h"
#include "rdns.h"
#include "resolve.h"
#include "services.h"
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
static struct orgdomain *od;
static struct services *sv; /* the built-in list */
static struct services *sv_user; /* and the user's file below */
static char user_file[] = "/tmp/test_rdns.XXXXXX";
static int64_t since; /* 30 days ago */

/* The user's service: quotes and a backslash, to cross the array literal
 * in one piece. */
#define USER_SERVICE "Rdns \"Mail\" \\ Co"

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

/* The first value of q, as a number. */
static long
num(const char *q)
{
	struct err err;
	char *v = NULL;
	long n;

	err_clear(&err);
	if (db_value(db, q, 0, NULL, &v, &err) < 0)
		fail_msg("%s: %s", q, err.msg);
	assert_non_null(v);
	n = strtol(v, NULL, 10);
	free(v);
	return n;
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

static struct resolver *
new_resolver(void)
{
	return new_resolver_at(dns, 2000, 2);
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

/* rdns_refresh() through r (freed here) that must succeed; returns its
 * stats. */
static struct rdns_stats
refresh_via(struct resolver *r, const struct services *s, const char *domain)
{
	struct rdns_stats st;
	struct err err;
	int rc;

	err_clear(&err);
	progress_calls = progress_done = progress_total = 0;
	memset(&st, 0xff, sizeof(st));
	rc = rdns_refresh(db, r, od, s, domain, since, progress, &st, &err);
	if (rc != 0)
		fail_msg("rdns_refresh: %d %s", rc, err.msg);
	resolve_free(r);
	assert_true(st.fresh <= st.wanted);
	assert_int_equal(
	    st.fresh + st.resolved + st.trouble + st.left, st.wanted);
	assert_true(st.wanted - st.fresh - st.left <= RDNS_WANT_MAX);
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

static struct rdns_stats
refresh(const struct services *s, const char *domain)
{
	return refresh_via(new_resolver(), s, domain);
}

static void
expect_stats(struct rdns_stats st, size_t wanted, size_t fresh, size_t resolved,
    size_t trouble)
{
	if (st.wanted != wanted || st.fresh != fresh ||
	    st.resolved != resolved || st.trouble != trouble || st.left != 0)
		fail_msg("stats wanted %zu fresh %zu resolved %zu trouble %zu "
		         "left %zu, not %zu %zu %zu %zu 0",
		    st.wanted, st.fresh, st.resolved, st.trouble, st.left,
		    wanted, fresh, resolved, trouble);
}

/* One row of rdns, as text. */
struct row {
	int found;
	char *v[6]; /* status, name, confirmed, orgdomain, service, ttl */
};

static int
get_row(void *arg, int ncols, const char *const *vals, struct err *err)
{
	struct row *row = arg;
	int i;

	assert_int_equal(ncols, 6);
	row->found++;
	for (i = 0; i < 6; i++)
		row->v[i] = vals[i] != NULL ? xstrdup(vals[i]) : NULL;
	return 0;
}

static void
expect_str(const char *ip, const char *what, const char *got, const char *want)
{
	if (got == NULL && want == NULL)
		return;
	if (got == NULL || want == NULL || strcmp(got, want) != 0)
		fail_msg("%s: %s is %s%s%s, not %s%s%s", ip, what,
		    got ? "'" : "", got ? got : "NULL", got ? "'" : "",
		    want ? "'" : "", want ? want : "NULL", want ? "'" : "");
}

/* The row of ip has these values; ttl is expires_at - resolved_at in
 * seconds, and the row has not expired. */
static void
expect_row(const char *ip, const char *status, const char *name,
    const char *confirmed, const char *org, const char *service, int ttl)
{
	const char *params[] = {ip};
	struct row row;
	struct err err;
	char ttl_text[16];
	int i;

	memset(&row, 0, sizeof(row));
	err_clear(&err);
	if (db_each(db,
	        "SELECT status, name, confirmed::text, orgdomain, service, "
	        "       extract(epoch FROM expires_at - resolved_at)::integer "
	        "FROM rdns WHERE ip = $1::inet AND expires_at > now()",
	        1, params, get_row, &row, &err) < 0)
		fail_msg("%s", err.msg);
	if (row.found != 1)
		fail_msg("%s: %d rows", ip, row.found);
	snprintf(ttl_text, sizeof(ttl_text), "%d", ttl);
	expect_str(ip, "status", row.v[0], status);
	expect_str(ip, "name", row.v[1], name);
	expect_str(ip, "confirmed", row.v[2], confirmed);
	expect_str(ip, "orgdomain", row.v[3], org);
	expect_str(ip, "service", row.v[4], service);
	expect_str(ip, "ttl", row.v[5], ttl_text);
	for (i = 0; i < 6; i++)
		free(row.v[i]);
}

/* ------------------------------------------------------------------------
 * The reports: rdns.test with seven sources in the period (one of them
 * twice) and one only in an old report; other.test with one; bulk.test
 * with 2000 in 10.78.0.0/16, which the zone leaves NXDOMAIN. */

static const char fixture_sql[] =
    "INSERT INTO inputs (sha256, size, raw_gz, raw_complete, source, "
    "    source_name, outcome) "
    "VALUES (sha256('test_rdns'::bytea), 0, '\\x00'::bytea, true, 'file', "
    "    'test_rdns', 'reports');"
    "INSERT INTO reports (input, place, org_name, report_id, domain, "
    "    date_begin, date_end, record_count, records_dropped, messages, "
    "    content_sha256) "
    "SELECT (SELECT id FROM inputs WHERE source_name = 'test_rdns'), '', "
    "    'Tester', v.rid, v.domain, now() - v.age, "
    "    now() - v.age + interval '1 day', 0, 0, 0, sha256(v.rid::bytea) "
    "FROM (VALUES ('r1', 'rdns.test', interval '2 days'), "
    "             ('r2', 'rdns.test', interval '20 years'), "
    "             ('r3', 'other.test', interval '2 days'), "
    "             ('r4', 'bulk.test', interval '2 days')) v(rid, domain, age);"
    "INSERT INTO records (report, idx, source_ip, count) "
    "SELECT (SELECT id FROM reports WHERE report_id = 'r1'), t.n, "
    "    t.ip::inet, 1 "
    "FROM unnest(ARRAY['203.0.113.64', '203.0.113.65', '203.0.113.66', "
    "    '203.0.113.67', '203.0.113.68', '2001:db8:5::10', "
    "    '2001:db8:5::11', '203.0.113.64']) WITH ORDINALITY AS t(ip, n);"
    "INSERT INTO records (report, idx, source_ip, count) "
    "SELECT id, 1, '203.0.113.70', 1 FROM reports WHERE report_id = 'r2';"
    "INSERT INTO records (report, idx, source_ip, count) "
    "SELECT id, 1, '203.0.113.71', 1 FROM reports WHERE report_id = 'r3';"
    "INSERT INTO records (report, idx, source_ip, count) "
    "SELECT (SELECT id FROM reports WHERE report_id = 'r4'), g, "
    "    '10.78.0.0'::inet + g, 1 FROM generate_series(1, 2000) g;";

static int
setup(void **state)
{
	struct err err;
	FILE *fp;
	int applied = 0, fd;

	err_clear(&err);
	if (db_connect(&db, conninfo, &err) < 0 ||
	    db_migrate(db, &applied, &err) < 0) {
		fprintf(stderr, "database: %s\n", err.msg);
		return -1;
	}
	sql(fixture_sql);
	if (orgdomain_open(&od, NULL, &err) < 0 ||
	    services_load(&sv, NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	fd = mkstemp(user_file);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	fprintf(fp, "# test_rdns\nptr\trdns.test\t%s\n", USER_SERVICE);
	fclose(fp);
	if (services_load(&sv_user, user_file, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	since = (int64_t)time(NULL) - 30 * 86400;
	return 0;
}

static int
teardown(void **state)
{
	unlink(user_file);
	services_free(sv_user);
	services_free(sv);
	orgdomain_free(od);
	db_close(db);
	return 0;
}

/* Each test starts with an empty cache. */
static int
empty_cache(void **state)
{
	sql("DELETE FROM rdns");
	return 0;
}

/* ------------------------------------------------------------------------ */

static void
expect_rdns_test_rows(const char *service)
{
	expect_row("203.0.113.64", "ok", "out1.rdns.test", "true", "rdns.test",
	    service, 300);
	/* Unconfirmed names are kept, and name no service. */
	expect_row("203.0.113.65", "ok", "liar.rdns.test", "false", "rdns.test",
	    NULL, 300);
	/* The forward lookup failed: cannot tell. */
	expect_row("203.0.113.66", "ok", "x.servfail.test", NULL,
	    "servfail.test", NULL, 300);
	/* Stored as the resolver escaped it; no organizational domain. */
	expect_row("203.0.113.67", "ok", "a\\010b.ev\\046il.test", "false",
	    NULL, NULL, 300);
	/* No SOA from dnsmasq: the default negative TTL. */
	expect_row("203.0.113.68", "nxdomain", NULL, NULL, NULL, NULL,
	    RDNS_TTL_NEGATIVE);
	expect_row("2001:db8:5::10", "ok", "v6.rdns.test", "true", "rdns.test",
	    service, 300);
	expect_row("2001:db8:5::11", "ok", "alone6.rdns.test", "false",
	    "rdns.test", NULL, 300);
}

static void
test_refresh(void **state)
{
	struct rdns_stats st = refresh(sv_user, "rdns.test");

	/* 203.0.113.66 counts as trouble: its confirmation failed. */
	expect_stats(st, 7, 0, 6, 1);
	expect_rdns_test_rows(USER_SERVICE);
	/* Not 203.0.113.70 (before since), nor 203.0.113.71 (other.test). */
	assert_int_equal(num("SELECT count(*) FROM rdns"), 7);

	/* Another domain, and an earlier since. */
	st = refresh(sv_user, "other.test");
	expect_stats(st, 1, 0, 1, 0);
	since = 0;
	st = refresh(sv_user, "rdns.test");
	since = (int64_t)time(NULL) - 30 * 86400;
	expect_stats(st, 8, 7, 1, 0);
	expect_row("203.0.113.70", "nxdomain", NULL, NULL, NULL, NULL,
	    RDNS_TTL_NEGATIVE);
	assert_int_equal(num("SELECT count(*) FROM rdns"), 9);
}

/* Within the TTL nothing is looked up: not even with the server gone. */
static void
test_cached(void **state)
{
	struct rdns_stats st = refresh(sv_user, "rdns.test");

	expect_stats(st, 7, 0, 6, 1);
	st = refresh(sv_user, "rdns.test");
	expect_stats(st, 7, 7, 0, 0);

	harness("stop-server");
	st = refresh(sv_user, "rdns.test");
	harness("start-server");
	expect_stats(st, 7, 7, 0, 0);
	/* Had anything been asked, it would say timeout now. */
	assert_int_equal(
	    num("SELECT count(*) FROM rdns WHERE status = 'timeout'"), 0);
	expect_rdns_test_rows(USER_SERVICE);
}

/* Expired rows are looked up again; when that fails, the name found
 * before stays, with the failure as status, for RDNS_TTL_TROUBLE. */
static void
test_expired(void **state)
{
	struct rdns_stats st = refresh(sv_user, "rdns.test");
	const char *expire = "UPDATE rdns SET expires_at = now() - "
	                     "interval '1 second' WHERE ip IN "
	                     "('203.0.113.64', '203.0.113.68', "
	                     "'2001:db8:5::10')";

	expect_stats(st, 7, 0, 6, 1);
	sql(expire);
	st = refresh(sv_user, "rdns.test");
	expect_stats(st, 7, 4, 3, 0);
	expect_rdns_test_rows(USER_SERVICE);

	sql(expire);
	harness("stop-server");
	st = refresh(sv_user, "rdns.test");
	harness("start-server");
	expect_stats(st, 7, 4, 0, 3);
	expect_row("203.0.113.64", "timeout", "out1.rdns.test", "true",
	    "rdns.test", USER_SERVICE, RDNS_TTL_TROUBLE);
	expect_row("2001:db8:5::10", "timeout", "v6.rdns.test", "true",
	    "rdns.test", USER_SERVICE, RDNS_TTL_TROUBLE);
	expect_row("203.0.113.68", "timeout", NULL, NULL, NULL, NULL,
	    RDNS_TTL_TROUBLE);
	expect_row("203.0.113.65", "ok", "liar.rdns.test", "false", "rdns.test",
	    NULL, 300);
}

/* Addresses never seen, with the server down: trouble is data. */
static void
test_timeout(void **state)
{
	struct rdns_stats st;

	harness("stop-server");
	st = refresh(sv_user, "rdns.test");
	harness("start-server");
	expect_stats(st, 7, 0, 0, 7);
	assert_int_equal(num("SELECT count(*) FROM rdns WHERE status = "
	                     "'timeout' AND name IS NULL AND confirmed IS NULL "
	                     "AND service IS NULL AND expires_at - resolved_at "
	                     "= make_interval(secs => 900)"),
	    7);

	/* Within RDNS_TTL_TROUBLE they are not asked again. */
	st = refresh(sv_user, "rdns.test");
	expect_stats(st, 7, 7, 0, 0);
	sql("UPDATE rdns SET expires_at = now() - interval '1 second'");
	st = refresh(sv_user, "rdns.test");
	expect_stats(st, 7, 0, 6, 1);
	expect_rdns_test_rows(USER_SERVICE);
}

/* Every domain: 2000 addresses answering NXDOMAIN and the rest. */
static void
test_bulk(void **state)
{
	struct rdns_stats st;
	double t0, t;

	t0 = now();
	st = refresh(sv_user, NULL);
	t = now() - t0;
	expect_stats(st, 2008, 0, 2007, 1);
	fprintf(stderr, "rdns: %zu addresses looked up and stored in %.2f s\n",
	    st.resolved + st.trouble, t);
	assert_true(t < 60.0);
	assert_int_equal(num("SELECT count(*) FROM rdns WHERE ip << "
	                     "'10.78.0.0/16' AND status = 'nxdomain' AND "
	                     "expires_at - resolved_at = "
	                     "make_interval(secs => 3600)"),
	    2000);

	t0 = now();
	st = refresh(sv_user, "bulk.test");
	t = now() - t0;
	expect_stats(st, 2000, 2000, 0, 0);
	fprintf(stderr, "rdns: 2000 cached addresses checked in %.3f s\n", t);
}

/* A server that never answers (a UDP socket of ours nobody reads): the
 * probe times out, and the rest are not asked. */
static void
test_silent(void **state)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct rdns_stats st;
	char servers[64];
	double t0, t;
	int fd;

	st = refresh(sv_user, "rdns.test");
	expect_stats(st, 7, 0, 6, 1);
	sql("UPDATE rdns SET expires_at = now() - interval '1 second'");

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", ntohs(sin.sin_port));

	/* Asking all 2008, 64 at a time, would take 16 s. */
	t0 = now();
	st = refresh_via(new_resolver_at(servers, 500, 1), sv_user, NULL);
	t = now() - t0;
	close(fd);
	expect_stats(st, 2008, 0, 0, 2008);
	fprintf(stderr, "rdns: 2008 addresses, server silent, in %.2f s\n", t);
	assert_true(t < 5.0);
	assert_int_equal(num("SELECT count(*) FROM rdns WHERE status = "
	                     "'timeout' AND expires_at - resolved_at = "
	                     "make_interval(secs => 900)"),
	    2008);
	/* What was known stays. */
	expect_row("203.0.113.64", "timeout", "out1.rdns.test", "true",
	    "rdns.test", USER_SERVICE, RDNS_TTL_TROUBLE);
	expect_row("203.0.113.68", "timeout", NULL, NULL, NULL, NULL,
	    RDNS_TTL_TROUBLE);
}

/*
 * More addresses than a run looks up (RDNS_WANT_MAX + 3 of cut.test in
 * 10.77.0.0/16, one message each but the 3 highest, 50 each): the 3 with
 * the most mail and the lowest of the rest are taken, the 3 highest of
 * the rest left, and the next run takes those.  The first run against a
 * silent server, so that it stores them without asking.
 */
#define CUT_N (RDNS_WANT_MAX + 3)

static void
test_cut(void **state)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct rdns_stats st;
	char servers[64], q[1024];
	int fd;

	snprintf(q, sizeof(q),
	    "INSERT INTO reports (input, place, org_name, report_id, domain, "
	    "    date_begin, date_end, record_count, records_dropped, "
	    "    messages, content_sha256) "
	    "SELECT id, '', 'Tester', 'r5', 'cut.test', "
	    "    now() - interval '2 days', now() - interval '1 day', 0, 0, "
	    "    0, sha256('r5'::bytea) FROM inputs "
	    "WHERE source_name = 'test_rdns';"
	    "INSERT INTO records (report, idx, source_ip, count) "
	    "SELECT (SELECT id FROM reports WHERE report_id = 'r5'), g, "
	    "    '10.77.0.0'::inet + g, CASE WHEN g > %d THEN 50 ELSE 1 END "
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
	st = refresh_via(new_resolver_at(servers, 500, 1), sv_user, "cut.test");
	close(fd);
	assert_int_equal(st.wanted, CUT_N);
	assert_int_equal(st.fresh, 0);
	assert_int_equal(st.resolved, 0);
	assert_int_equal(st.trouble, RDNS_WANT_MAX);
	assert_int_equal(st.left, 3);
	assert_int_equal(progress_total, RDNS_WANT_MAX);
	assert_int_equal(num("SELECT count(*) FROM rdns"), RDNS_WANT_MAX);
	/* The 3 with the most mail, though the highest addresses. */
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM rdns WHERE ip IN (SELECT '10.77.0.0'::inet "
	    "+ g FROM generate_series(%d, %d) g)",
	    CUT_N - 2, CUT_N);
	assert_int_equal(num(q), 3);
	/* Of the rest, the 3 highest are left. */
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM rdns WHERE ip IN (SELECT '10.77.0.0'::inet "
	    "+ g FROM generate_series(%d, %d) g)",
	    CUT_N - 5, CUT_N - 3);
	assert_int_equal(num(q), 0);

	/* The next run: those 3 only, now answered (NXDOMAIN). */
	st = refresh(sv_user, "cut.test");
	expect_stats(st, CUT_N, RDNS_WANT_MAX, 3, 0);
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM rdns WHERE status = 'nxdomain' AND ip IN "
	    "(SELECT '10.77.0.0'::inet + g FROM generate_series(%d, %d) g)",
	    CUT_N - 5, CUT_N - 3);
	assert_int_equal(num(q), 3);

	sql("DELETE FROM records WHERE report = (SELECT id FROM reports "
	    "WHERE report_id = 'r5');"
	    "DELETE FROM reports WHERE report_id = 'r5'");
}

static void
test_reservice(void **state)
{
	struct rdns_stats st = refresh(sv, "rdns.test");
	struct err err;

	expect_stats(st, 7, 0, 6, 1);
	expect_rdns_test_rows(NULL);

	/* The user's list names confirmed hosts only. */
	err_clear(&err);
	assert_int_equal(rdns_reservice(db, sv_user, &err), 0);
	expect_rdns_test_rows(USER_SERVICE);

	/* A service on an unconfirmed name goes; back to the built-in
	 * list, the others go too. */
	sql("UPDATE rdns SET service = 'Bogus' WHERE ip = '203.0.113.65'");
	assert_int_equal(rdns_reservice(db, sv, &err), 0);
	expect_rdns_test_rows(NULL);
	assert_int_equal(
	    num("SELECT count(*) FROM rdns WHERE service IS NOT NULL"), 0);

	/* Nothing to change is fine, as is an empty cache. */
	assert_int_equal(rdns_reservice(db, sv, &err), 0);
	sql("DELETE FROM rdns");
	assert_int_equal(rdns_reservice(db, sv_user, &err), 0);
}

/* Reports name the policy domain in any case: its sources are found
 * whatever the case asked, as source_overview() finds them. */
static void
test_domain_case(void **state)
{
	struct rdns_stats st;

	sql("UPDATE reports SET domain = 'RDNS.Test' WHERE report_id = 'r1'");
	st = refresh(sv_user, "rdns.test");
	sql("UPDATE reports SET domain = 'rdns.test' WHERE report_id = 'r1'");
	expect_stats(st, 7, 0, 6, 1);
}

/* A database without the table: ERR_DB, and the connection lives on. */
static void
test_db_error(void **state)
{
	struct resolver *r = new_resolver();
	struct rdns_stats st;
	struct err err;

	sql("SET search_path TO nothing_here");
	err_clear(&err);
	assert_int_equal(
	    rdns_refresh(db, r, od, sv, "rdns.test", since, NULL, &st, &err),
	    ERR_DB);
	assert_non_null(strstr(err.msg, "source addresses"));
	err_clear(&err);
	assert_int_equal(rdns_reservice(db, sv, &err), ERR_DB);
	sql("RESET search_path");
	resolve_free(r);

	/* NULL stats, progress, lists: allowed. */
	r = new_resolver();
	err_clear(&err);
	assert_int_equal(rdns_refresh(db, r, NULL, NULL, "rdns.test", since,
	                     NULL, NULL, &err),
	    0);
	expect_row(
	    "203.0.113.64", "ok", "out1.rdns.test", "true", NULL, NULL, 300);
	resolve_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_refresh, empty_cache),
	    cmocka_unit_test_setup(test_cached, empty_cache),
	    cmocka_unit_test_setup(test_expired, empty_cache),
	    cmocka_unit_test_setup(test_timeout, empty_cache),
	    cmocka_unit_test_setup(test_bulk, empty_cache),
	    cmocka_unit_test_setup(test_silent, empty_cache),
	    cmocka_unit_test_setup(test_reservice, empty_cache),
	    cmocka_unit_test_setup(test_domain_case, empty_cache),
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
