/*
 * Unit tests for the [mailbox NAME] sections of common/config (several
 * mailboxes in one configuration): what a section may hold, which value
 * wins, mailbox picking one, and the section's settings checked as a
 * whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/test_mailbox_config.XXXXXX";

static const char *
write_conf(const char *name, const char *text)
{
	static char path[2][512];
	static int next;
	char *p = path[next++ % 2];
	FILE *fp;

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return p;
}

/* One file, loaded as --config FILE; flag, when not NULL, is --mailbox. */
static int
load(struct config **cfg, const char *text, const char *flag, struct err *err)
{
	const char *path = write_conf("t.conf", text);

	*cfg = config_new();
	if (flag != NULL)
		assert_int_equal(config_set(*cfg, CONFIG_MAILBOX, flag,
		                     CONFIG_FROM_FLAG, "--mailbox", err),
		    0);
	return config_load(*cfg, path, err);
}

static const char two[] = "imap_cafile = /ca.pem\n"
                          "imap_batch = 50\n"
                          "imap_user = shared\n"
                          "\n"
                          "[mailbox example-com]\n"
                          "imap_url = imaps://imap.example.com\n"
                          "imap_user = dmarc@example.com\n"
                          "imap_password_file = /pw-com\n"
                          "  [ mailbox   example.org_2 ]  \n"
                          "imap_url = imaps://outlook.office365.com\n"
                          "imap_oauth2_grant = client_credentials\n"
                          "imap_batch = 10\n"
                          "imap_other =\n";

static void
test_sections(void **state)
{
	struct config *cfg, *m;
	struct err err;

	(void)state;
	if (load(&cfg, two, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	/* Outside the sections: the shared lines only. */
	assert_null(config_str(cfg, CONFIG_IMAP_URL));
	assert_null(config_str(cfg, CONFIG_MAILBOX));
	assert_int_equal(config_mailbox_count(cfg), 2);
	assert_string_equal(config_mailbox_name(cfg, 0), "example-com");
	assert_string_equal(config_mailbox_name(cfg, 1), "example.org_2");
	assert_null(config_mailbox_name(cfg, 2));
	/* config shows them on the mailbox line. */
	assert_string_equal(config_origin(cfg, CONFIG_MAILBOX),
	    "default: every section: example-com example.org_2");

	assert_int_equal(config_for_mailbox(cfg, "example-com", &m, &err), 0);
	assert_string_equal(
	    config_str(m, CONFIG_IMAP_URL), "imaps://imap.example.com");
	assert_string_equal(
	    config_str(m, CONFIG_IMAP_USER), "dmarc@example.com");
	assert_string_equal(config_str(m, CONFIG_MAILBOX), "example-com");
	assert_string_equal(config_str(m, CONFIG_IMAP_CAFILE), "/ca.pem");
	assert_int_equal(config_int(m, CONFIG_IMAP_BATCH), 50);
	assert_non_null(strstr(config_origin(m, CONFIG_IMAP_USER), "t.conf:7"));
	config_free(m);

	assert_int_equal(config_for_mailbox(cfg, "example.org_2", &m, &err), 0);
	assert_int_equal(config_int(m, CONFIG_IMAP_BATCH), 10);
	assert_string_equal(config_str(m, CONFIG_IMAP_USER), "shared");
	assert_int_equal(config_enum(m, CONFIG_IMAP_OAUTH2_GRANT),
	    CONFIG_GRANT_CLIENT_CREDENTIALS);
	/* The other section's lines are not in it. */
	assert_null(config_str(m, CONFIG_IMAP_PASSWORD_FILE));
	config_free(m);

	assert_int_equal(config_for_mailbox(cfg, "nope", &m, &err), ERR_USAGE);
	assert_null(m);
	assert_string_equal(err.msg,
	    "mailbox nope: no [mailbox nope] section (there are: "
	    "example-com, example.org_2)");
	config_free(cfg);
}

/* --mailbox NAME: that section's lines in the config itself, for every
 * command; a flag still wins over a section. */
static void
test_pick(void **state)
{
	struct config *cfg;
	struct err err;

	(void)state;
	if (load(&cfg, two, "example.org_2", &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(
	    config_str(cfg, CONFIG_IMAP_URL), "imaps://outlook.office365.com");
	assert_int_equal(config_int(cfg, CONFIG_IMAP_BATCH), 10);
	assert_null(config_str(cfg, CONFIG_IMAP_OTHER));
	assert_string_equal(config_origin(cfg, CONFIG_MAILBOX), "--mailbox");
	config_free(cfg);

	cfg = config_new();
	assert_int_equal(config_set(cfg, CONFIG_IMAP_BATCH, "7",
	                     CONFIG_FROM_FLAG, "--imap-batch", &err),
	    0);
	assert_int_equal(config_set(cfg, CONFIG_MAILBOX, "example.org_2",
	                     CONFIG_FROM_FLAG, "--mailbox", &err),
	    0);
	assert_int_equal(config_load(cfg, write_conf("t.conf", two), &err), 0);
	assert_int_equal(config_int(cfg, CONFIG_IMAP_BATCH), 7);
	config_free(cfg);

	assert_int_equal(load(&cfg, two, "example", &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "no [mailbox example] section"));
	config_free(cfg);
	assert_int_equal(load(&cfg, "imap_batch = 3\n", "a", &err), ERR_USAGE);
	assert_string_equal(
	    err.msg, "mailbox a: the settings have no [mailbox NAME] section");
	config_free(cfg);
}

/* What a section may not hold, and headers that are not one. */
static void
test_refused(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"[mailbox a]\ndb = dbname=x\n",
	        "t.conf:2: db is not set per mailbox: only imap_* settings go "
	        "in a [mailbox] section (put it above the first one)"},
	    {"[mailbox a]\nauthserv_id = mx.example.com\n",
	        "t.conf:2: authserv_id is not set per mailbox"},
	    {"[mailbox a]\nmailbox = b\n", "t.conf:2: mailbox is not set per"},
	    {"[mailbox a]\nimap_user = x\nimap_user = y\n",
	        "t.conf:3: imap_user is set twice in this section (first on "
	        "line 2)"},
	    {"[mailbox a]\nimap_user = x\n[mailbox a]\n",
	        "t.conf:3: [mailbox a] is in this file twice (first on line "
	        "1)"},
	    {"[mailbox a]\nimap_batch = 0\n",
	        "t.conf:2: imap_batch: want a whole number from 1 to 10000"},
	    {"[mailbox a]\nimap_bach = 3\n",
	        "t.conf:2: unknown setting 'imap_bach' (did you mean "
	        "imap_batch?)"},
	    {"[mailboxes a]\n", "t.conf:1: want a section '[mailbox NAME]'"},
	    {"[imap]\n", "t.conf:1: want a section '[mailbox NAME]'"},
	    {"[mailbox a b]\n", "t.conf:1: a mailbox's name is letters"},
	    {"[mailbox a/b]\n", "t.conf:1: a mailbox's name is letters"},
	    {"[mailbox a] x\n", "t.conf:1: a mailbox's name is letters"},
	    {"[mailbox ]\n", "t.conf:1: a mailbox's name is 1 to 64"},
	    {"[mailbox "
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "]\n",
	        "t.conf:1: a mailbox's name is 1 to 64"},
	    /* Two grants, one cache: each would throw the other's tokens
	     * away. */
	    {"imap_oauth2_grant = client_credentials\n[mailbox a]\n"
	     "[mailbox b]\nimap_oauth2_cache = /c\n[mailbox c]\n",
	        "mailbox c: its OAuth2 tokens would go to the cache of "
	        "mailbox a (the default); give each its own "
	        "imap_oauth2_cache"},
	    {"[mailbox a]\nimap_oauth2_grant = jwt_bearer\n"
	     "imap_oauth2_cache = /c\n[mailbox b]\n"
	     "imap_oauth2_grant = refresh_token\nimap_oauth2_cache = /c\n",
	        "mailbox b: its OAuth2 tokens would go to the cache of "
	        "mailbox a (/c)"},
	    /* Checked as a whole: a password and a token for one mailbox. */
	    {"imap_password_file = /pw\n[mailbox a]\n"
	     "imap_oauth2_token_file = /tok\n",
	        "mailbox a: imap_password_file (from "},
	};
	struct config *cfg;
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = load(&cfg, cases[i].text, NULL, &err);

		if (rc != ERR_USAGE || strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: rc %d, '%s'", i, rc, err.msg);
		config_free(cfg);
	}
	/* A cache each, or one grant and passwords, is fine. */
	assert_int_equal(load(&cfg,
	                     "imap_oauth2_grant = client_credentials\n"
	                     "[mailbox a]\nimap_oauth2_cache = /a\n"
	                     "[mailbox b]\n[mailbox c]\n"
	                     "imap_oauth2_grant = none\n",
	                     NULL, &err),
	    0);
	config_free(cfg);
	/* The same line above the sections is fine; so is an empty one. */
	assert_int_equal(load(&cfg,
	                     "authserv_id = mx.example.com\n[mailbox a]\n"
	                     "imap_other =\n",
	                     NULL, &err),
	    0);
	config_free(cfg);
}

static void
count_problem(void *arg, const struct err *why)
{
	(void)why;
	(*(int *)arg)++;
}

/* config --check: every problem, a section's own once: the line outside
 * sections (told with its own origin, not once per section). */
static void
test_check_all_counts(void **state)
{
	struct config *cfg;
	const char *path = write_conf("all.conf",
	    "imap_password_file = /pw\n[mailbox a]\n"
	    "imap_oauth2_token_file = /tok\n[mailbox b]\nimap_batch = x\n"
	    "[mailbox c]\nimap_user = c\n");
	int n = 0;

	(void)state;
	cfg = config_new();
	assert_int_equal(config_load_all(cfg, path, count_problem, &n), 2);
	assert_int_equal(n, 2);
	config_free(cfg);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_pick),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_check_all_counts),
	};

	unsetenv("DMARCSIFT_CONFIG");
	unsetenv("DMARCSIFT_DB");
	return cmocka_run_group_tests(tests, setup, teardown);
}
