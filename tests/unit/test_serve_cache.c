/*
 * Unit tests for cli/serve_cache.c: an answer kept is given back only for
 * the same key and a snapshot that sees the same data (what completed in
 * between is serve's own), and the cache stays within its bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "httpd.h"
#include "serve_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 200 of n bytes of c, its body malloc()ed. */
static struct httpd_reply
answer(char c, size_t n)
{
	struct httpd_reply r;

	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.type = "text/html; charset=utf-8";
	r.cache = "private";
	r.body = malloc(n);
	memset(r.body, c, n);
	r.len = n;
	return r;
}

/* Whether key is answered under stamp, with a body of n bytes of c. */
static int
got(struct serve_cache *c, const char *key, const char *stamp, char ch,
    size_t n)
{
	struct httpd_reply out;
	int hit;

	memset(&out, 0, sizeof(out));
	if (!serve_cache_get(c, key, strlen(key), stamp, &out))
		return 0;
	hit = out.status == 200 && out.len == n && out.body != NULL &&
	    !out.body_static &&
	    (n == 0 || (out.body[0] == ch && out.body[n - 1] == ch)) &&
	    strcmp(out.type, "text/html; charset=utf-8") == 0 &&
	    strcmp(out.cache, "private") == 0;
	free(out.body);
	assert_true(hit);
	return 1;
}

static void
put(struct serve_cache *c, const char *key, const char *stamp, char ch,
    size_t n)
{
	struct httpd_reply r = answer(ch, n);

	serve_cache_put(c, key, strlen(key), stamp, &r);
	free(r.body);
}

static void
test_same_snapshot(void **state)
{
	struct serve_cache *c = serve_cache_new(8, 1 << 20);

	(void)state;
	put(c, "/domain/a", "100:100:", 'a', 10);
	assert_true(got(c, "/domain/a", "100:100:", 'a', 10));
	/* Again: the copy given was the caller's, the kept one stays. */
	assert_true(got(c, "/domain/a", "100:100:", 'a', 10));
	assert_false(got(c, "/domain/b", "100:100:", 'a', 10));
	assert_false(got(c, "/domain/", "100:100:", 'a', 10));
	/* Another answer for the key takes its place. */
	put(c, "/domain/a", "100:100:", 'b', 20);
	assert_true(got(c, "/domain/a", "100:100:", 'b', 20));
	serve_cache_free(c);
}

static void
test_writes_between(void **state)
{
	struct serve_cache *c = serve_cache_new(8, 1 << 20);

	(void)state;
	/* 100 and 101 completed since, none of them serve's. */
	put(c, "k", "100:100:", 'a', 10);
	assert_false(got(c, "k", "100:102:", 'a', 10));
	/* Dropped: not even the old snapshot finds it now. */
	assert_false(got(c, "k", "100:100:", 'a', 10));

	/* Serve's own transactions: the same data. */
	put(c, "k", "100:100:", 'a', 10);
	serve_cache_own(c, 100);
	serve_cache_own(c, 101);
	serve_cache_own(c, 101); /* told twice: still one */
	assert_true(got(c, "k", "102:102:", 'a', 10));
	/* One more that is not serve's. */
	assert_false(got(c, "k", "103:103:", 'a', 10));

	/* Started since but still in flight: invisible to both. */
	put(c, "k", "200:200:", 'a', 10);
	serve_cache_own(c, 200);
	assert_true(got(c, "k", "200:203:201,202", 'a', 10));
	/* 201 completed meanwhile. */
	assert_false(got(c, "k", "202:203:202", 'a', 10));

	/* In flight when it was kept, completed since. */
	put(c, "k", "290:300:295", 'a', 10);
	assert_true(got(c, "k", "290:300:295", 'a', 10));
	assert_true(got(c, "k", "291:300:295", 'a', 10));
	assert_false(got(c, "k", "296:300:", 'a', 10));
	put(c, "k", "290:300:295", 'a', 10);
	serve_cache_own(c, 295);
	assert_true(got(c, "k", "296:300:", 'a', 10));

	/* Millions of ids since (an ingest): counted, not walked. */
	put(c, "k", "400:400:", 'a', 10);
	serve_cache_own(c, 400);
	assert_false(got(c, "k", "400:5000000:", 'a', 10));

	/* Back in time, or not a snapshot. */
	put(c, "k", "500:500:", 'a', 10);
	assert_false(got(c, "k", "499:499:", 'a', 10));
	put(c, "k", "500:500:", 'a', 10);
	assert_false(got(c, "k", "500:500:x", 'a', 10));
	put(c, "k", "500:500:", 'a', 10);
	assert_false(got(c, "k", "", 'a', 10));
	put(c, "k", "not:a:snapshot", 'a', 10);
	assert_false(got(c, "k", "not:a:snapshot", 'a', 10));
	serve_cache_free(c);
}

static void
test_bounds(void **state)
{
	struct serve_cache *c = serve_cache_new(3, 1000);
	struct httpd_reply r;

	(void)state;
	/* Three slots: the least recently used goes. */
	put(c, "a", "1:1:", 'a', 100);
	put(c, "b", "1:1:", 'b', 100);
	put(c, "c", "1:1:", 'c', 100);
	assert_true(got(c, "a", "1:1:", 'a', 100));
	put(c, "d", "1:1:", 'd', 100);
	assert_false(got(c, "b", "1:1:", 'b', 100));
	assert_true(got(c, "a", "1:1:", 'a', 100));
	assert_true(got(c, "c", "1:1:", 'c', 100));
	assert_true(got(c, "d", "1:1:", 'd', 100));

	serve_cache_free(c);

	/* 1000 bytes in eight slots: four of 250 fit, a fifth pushes out
	 * the one used longest ago. */
	c = serve_cache_new(8, 1000);
	put(c, "a", "1:1:", 'a', 250);
	put(c, "b", "1:1:", 'b', 250);
	put(c, "c", "1:1:", 'c', 250);
	put(c, "d", "1:1:", 'd', 250);
	assert_true(got(c, "a", "1:1:", 'a', 250));
	put(c, "e", "1:1:", 'e', 250);
	assert_false(got(c, "b", "1:1:", 'b', 250));
	assert_true(got(c, "a", "1:1:", 'a', 250));
	assert_true(got(c, "c", "1:1:", 'c', 250));
	assert_true(got(c, "d", "1:1:", 'd', 250));
	assert_true(got(c, "e", "1:1:", 'e', 250));
	/* More than a quarter of it: never kept. */
	put(c, "g", "1:1:", 'g', 251);
	assert_false(got(c, "g", "1:1:", 'g', 251));

	/* Only a 200 with a body of its own that is not a download. */
	r = answer('h', 10);
	r.status = 404;
	serve_cache_put(c, "h", 1, "1:1:", &r);
	assert_false(got(c, "h", "1:1:", 'h', 10));
	r.status = 200;
	snprintf(r.attachment, sizeof(r.attachment), "report.xml");
	serve_cache_put(c, "h", 1, "1:1:", &r);
	assert_false(got(c, "h", "1:1:", 'h', 10));
	r.attachment[0] = '\0';
	r.body_static = 1;
	serve_cache_put(c, "h", 1, "1:1:", &r);
	assert_false(got(c, "h", "1:1:", 'h', 10));
	free(r.body);
	serve_cache_free(c);
	serve_cache_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_snapshot),
	    cmocka_unit_test(test_writes_between),
	    cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
