/* Unit tests for common/server_url.c: the mail server URLs the IMAP
 * reader and the SMTP sender take, and what they say of the others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "server_url.h"

static void
test_good(void **state)
{
	static const struct {
		const char *url, *name, *where;
		int tls;
	} cases[] = {
	    {"imaps://imap.example.com", "imap", "imap.example.com:993", 1},
	    {"imap://imap.example.com:143/", "imap", "imap.example.com:143", 0},
	    {"IMAPS://127.0.0.1:10993", "imap", "127.0.0.1:10993", 1},
	    {"smtps://[::1]:2465", "smtp", "[::1]:2465", 1},
	    {"smtp://mail.example.com", "smtp", "mail.example.com:25", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err err = {0};
		char where[300];
		int tls = -1;

		if (server_url_check(cases[i].url, cases[i].name, &tls, where,
		        sizeof(where), &err) != 0)
			fail_msg("%s: %s", cases[i].url, err.msg);
		assert_string_equal(where, cases[i].where);
		assert_int_equal(tls, cases[i].tls);
	}
}

static void
test_bad(void **state)
{
	static const struct {
		const char *url, *name, *msg;
	} cases[] = {
	    {"not a url", "imap", "imap: bad server url: "},
	    {"http://127.0.0.1/", "imap",
	        "imap: the server url must start with imaps:// or imap://"},
	    {"imaps://smtp.example.com", "smtp",
	        "smtp: the server url must start with smtps:// or smtp://"},
	    {"imaps://127.0.0.1/INBOX", "imap",
	        "imap: the server url must be imaps://host[:port] with nothing "
	        "after the host"},
	    {"smtp://127.0.0.1:25/?x=1", "smtp",
	        "smtp: the server url must be smtp://host[:port] with nothing "
	        "after the host"},
	    {"imaps://127.0.0.1/#x", "imap", "with nothing after the host"},
	    /* The SMTP sender said "holds a user or password" while it
	     * refused login options too; both say what is checked. */
	    {"smtp://user:secret@127.0.0.1:25", "smtp",
	        "smtp: the server url holds a user, password or login "
	        "options: give them as settings of their own"},
	    {"smtp://;AUTH=PLAIN@127.0.0.1:25", "smtp",
	        "holds a user, password or login options"},
	    {"imaps://dmarc:secret@127.0.0.1/", "imap",
	        "imap: the server url holds a user, password or login "
	        "options"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err err = {0};
		char where[300];
		int tls = 0;

		assert_int_equal(server_url_check(cases[i].url, cases[i].name,
		                     &tls, where, sizeof(where), &err),
		    ERR_USAGE);
		if (strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].url,
			    err.msg, cases[i].msg);
		assert_null(strstr(err.msg, "secret"));
	}
}

/* A host:port that does not fit is refused, never cut. */
static void
test_too_long(void **state)
{
	struct err err = {0};
	char where[16];
	int tls = 0;

	(void)state;
	assert_int_equal(server_url_check("imaps://imap.example.com", "imap",
	                     &tls, where, sizeof(where), &err),
	    ERR_USAGE);
	assert_string_equal(err.msg, "imap: server name too long");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
