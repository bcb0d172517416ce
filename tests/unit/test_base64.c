/*
 * Unit tests for common/base64.c: RFC 4648's vectors both ways, and the
 * strictness of decoding (what a browser's Basic credentials may hold).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base64.h"

#include <string.h>

/* RFC 4648, section 10. */
static const char *const vectors[][2] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
    {"alice:correct horse", "YWxpY2U6Y29ycmVjdCBob3JzZQ=="},
};

static void
test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *plain = vectors[i][0], *enc = vectors[i][1];
		char out[64];
		unsigned char dec[64];
		long n;

		base64_encode((const unsigned char *)plain, strlen(plain), out);
		assert_string_equal(out, enc);
		n = base64_decode(enc, strlen(enc), dec, sizeof(dec));
		assert_int_equal(n, (long)strlen(plain));
		assert_memory_equal(dec, plain, strlen(plain));
	}
}

/* Bytes of every value survive, and the size is what the macro says. */
static void
test_binary(void **state)
{
	unsigned char in[256], dec[256];
	char out[BASE64_ENCODED_SIZE(256)];

	(void)state;
	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)(255 - i);
	base64_encode(in, sizeof(in), out);
	assert_int_equal(strlen(out) + 1, sizeof(out));
	assert_int_equal(
	    base64_decode(out, strlen(out), dec, sizeof(dec)), 256);
	assert_memory_equal(dec, in, sizeof(in));
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
	    "Zg", /* not a multiple of 4 */
	    "Zg=", /* the same */
	    "Z===", /* too much padding */
	    "Zg==Zg==", /* padding before the end */
	    "Zm9v\n", /* a blank */
	    "Zm 9", /* a blank inside */
	    "Zm9-", /* the URL alphabet */
	    "Zm9_",
	    "=Zm9",
	    "Zm=v",
	};
	unsigned char dec[16];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (base64_decode(bad[i], strlen(bad[i]), dec, sizeof(dec)) !=
		    -1)
			fail_msg("'%s' decoded", bad[i]);
	/* Too small an output is refused, not cut. */
	assert_int_equal(base64_decode("Zm9vYmFy", 8, dec, 5), -1);
	assert_int_equal(base64_decode("Zm9vYmFy", 8, dec, 6), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
