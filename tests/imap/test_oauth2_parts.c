/*
 * The OAuth2 pieces that need no server: the JSON reader (escapes,
 * surrogates, nesting skipped, a NUL or a second value refused), the token
 * cache (its mode, a file others may read refused, a round trip), and the
 * JWT assertion (its claims, and an RS256 signature that the key's public
 * half verifies).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base64.h"
#include "err.h"
#include "oauth2_cache.h"
#include "oauth2_json.h"
#include "oauth2_jwt.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
test_json(void **state)
{
	static const char good[] =
	    " {\"access_token\":\"a\\/b\\u00e9\\ud83d\\ude00\", "
	    "\"expires_in\": 3599, \"nested\": {\"x\": [1, {\"y\": null}]}, "
	    "\"ok\": true, \"expires_s\": \"60\"} ";
	static const char *const bad[] = {
	    "",
	    "[]",
	    "{",
	    "{\"a\":}",
	    "{\"a\":1,}",
	    "{\"a\":\"\\u0000\"}",
	    "{\"a\":\"\\ud800\"}",
	    "{\"a\":1} x",
	    "{\"a\":\"\x01\"}",
	    "{\"a\":tru}",
	    "{\"a\":\"\\q\"}",
	};
	struct oauth2_json j;
	struct err err;

	(void)state;
	assert_int_equal(oauth2_json_parse(&j, good, strlen(good), &err), 0);
	assert_string_equal(
	    oauth2_json_str(&j, "access_token"), "a/b\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(oauth2_json_int(&j, "expires_in", -1), 3599);
	assert_int_equal(oauth2_json_int(&j, "expires_s", -1), 60);
	assert_int_equal(oauth2_json_int(&j, "missing", -1), -1);
	/* A number, true or a nested value is no string. */
	assert_null(oauth2_json_str(&j, "expires_in"));
	assert_null(oauth2_json_str(&j, "ok"));
	assert_null(oauth2_json_str(&j, "nested"));
	oauth2_json_free(&j);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    oauth2_json_parse(&j, bad[i], strlen(bad[i]), &err),
		    ERR_MALFORMED);
		assert_int_equal(j.n, 0);
	}
}

static void
test_cache(void **state)
{
	char dir[] = "/tmp/oauth2-test.XXXXXX", path[128];
	struct oauth2_cached c = {0}, r;
	struct stat sb;
	struct err err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/cache", dir);
	/* Nothing there yet: empty, no error. */
	assert_int_equal(oauth2_cache_read(path, &r, &err), 0);
	assert_null(r.access_token);
	memset(c.settings, 'a', 64);
	c.issued = 100;
	c.expires = 3700;
	c.access_token = strdup("at-1");
	c.refresh_token = strdup("rt-1");
	umask(022);
	assert_int_equal(oauth2_cache_write(path, &c, &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/sub/cache", dir);
	assert_int_equal(oauth2_cache_read(path, &r, &err), 0);
	assert_string_equal(r.settings, c.settings);
	assert_int_equal(r.issued, 100);
	assert_int_equal(r.expires, 3700);
	assert_string_equal(r.access_token, "at-1");
	assert_string_equal(r.refresh_token, "rt-1");
	oauth2_cached_clear(&r);
	/* Group-readable: refused, saying what to do. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(oauth2_cache_read(path, &r, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_null(r.access_token);
	/* Not a cache at all. */
	assert_int_equal(chmod(path, 0600), 0);
	FILE *fp = fopen(path, "w");
	fputs("garbage\n", fp);
	fclose(fp);
	assert_int_equal(oauth2_cache_read(path, &r, &err), ERR_MALFORMED);
	oauth2_cached_clear(&c);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

/* base64url without padding, decoded into out (size bytes): its length. */
static long
b64url(const char *s, size_t n, unsigned char *out, size_t size)
{
	char *t = malloc(n + 4);
	size_t m = n;
	long got;

	for (size_t i = 0; i < n; i++)
		t[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	while (m % 4 != 0)
		t[m++] = '=';
	got = base64_decode(t, m, out, size);
	free(t);
	return got;
}

static void
test_jwt(void **state)
{
	EVP_PKEY *pk = EVP_RSA_gen(2048);
	struct oauth2_key *k;
	struct oauth2_json j;
	EVP_MD_CTX *md;
	BIO *bio;
	char *pem, *jwt, *dot1, *dot2;
	unsigned char claims[1024], sig[512];
	long pemlen, clen, slen;
	struct err err;

	(void)state;
	assert_non_null(pk);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(
	    PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL), 1);
	pemlen = BIO_get_mem_data(bio, &pem);
	assert_int_equal(oauth2_key_parse("test", pem, pemlen, &k, &err), 0);
	BIO_free(bio);
	assert_int_equal(
	    oauth2_jwt_sign(k, "sa@x.test", "https://mail.google.com/",
	        "https://oauth2.example/token", "dmarc@x.test", 1000000, 3600,
	        &jwt, &err),
	    0);
	dot1 = strchr(jwt, '.');
	dot2 = strrchr(jwt, '.');
	assert_true(dot1 != NULL && dot2 != dot1);
	clen = b64url(dot1 + 1, dot2 - dot1 - 1, claims, sizeof(claims));
	assert_true(clen > 0);
	assert_int_equal(oauth2_json_parse(&j, (char *)claims, clen, &err), 0);
	assert_string_equal(oauth2_json_str(&j, "iss"), "sa@x.test");
	assert_string_equal(oauth2_json_str(&j, "sub"), "dmarc@x.test");
	assert_string_equal(
	    oauth2_json_str(&j, "aud"), "https://oauth2.example/token");
	assert_int_equal(oauth2_json_int(&j, "iat", 0), 1000000);
	assert_int_equal(oauth2_json_int(&j, "exp", 0), 1003600);
	oauth2_json_free(&j);
	slen = b64url(dot2 + 1, strlen(dot2 + 1), sig, sizeof(sig));
	assert_int_equal(slen, 256);
	md = EVP_MD_CTX_new();
	assert_int_equal(
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk), 1);
	assert_int_equal(
	    EVP_DigestVerify(md, sig, slen, (unsigned char *)jwt, dot2 - jwt),
	    1);
	/* One byte changed: the signature no longer holds. */
	jwt[5] ^= 1;
	assert_int_not_equal(
	    EVP_DigestVerify(md, sig, slen, (unsigned char *)jwt, dot2 - jwt),
	    1);
	EVP_MD_CTX_free(md);
	free(jwt);
	oauth2_key_free(k);
	/* Not a key. */
	assert_int_equal(
	    oauth2_key_parse("junk", "hello", 5, &k, &err), ERR_USAGE);
	assert_int_equal(
	    oauth2_key_parse("json", "{\"type\": 1}", 11, &k, &err), ERR_USAGE);
	EVP_PKEY_free(pk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_cache),
	    cmocka_unit_test(test_jwt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
