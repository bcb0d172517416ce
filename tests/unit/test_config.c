/*
 * Unit tests for common/config: the table, the file syntax, values,
 * precedence, masking and secrets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "err.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A scratch directory per test run, removed at the end. */
static char tmpdir[] = "/tmp/test_config.XXXXXX";

static char *
path_in(const char *name)
{
	static char buf[4][512];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

static void
write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void
write_text(const char *path, const char *text)
{
	write_file(path, text, strlen(text), 0600);
}

/* Reads text as a config file; returns the config_read_file() result. */
static int
read_text(struct config *cfg, const char *text, struct err *err)
{
	char *path = path_in("t.conf");

	write_text(path, text);
	return config_read_file(cfg, path, CONFIG_FROM_USER, 1, err);
}

static void
test_table(void **state)
{
	struct config *cfg = config_new();
	struct err err;

	for (int k = 0; k < CONFIG_NKEYS; k++) {
		const struct config_setting *s = &config_settings[k];
		char flag[64];

		/* The flag is the key with '-' for '_'. */
		snprintf(flag, sizeof(flag), "%s", s->name);
		for (char *p = flag; *p != '\0'; p++)
			if (*p == '_')
				*p = '-';
		assert_string_equal(s->flag, flag);
		assert_int_equal(config_key(s->name), k);
		assert_non_null(s->help);
		assert_true(s->group == CONFIG_GROUP_DB ||
		    s->group == CONFIG_GROUP_IMAP ||
		    s->group == CONFIG_GROUP_DNS ||
		    s->group == CONFIG_GROUP_ANALYSIS ||
		    s->group == CONFIG_GROUP_SMTP ||
		    s->group == CONFIG_GROUP_RETENTION ||
		    s->group == CONFIG_GROUP_ALERTS ||
		    s->group == CONFIG_GROUP_SERVE);
		/* Every default passes its own check. */
		if (config_set(cfg, k, s->dflt, CONFIG_FROM_FLAG, "t", &err) <
		    0)
			fail_msg("default of %s: %s", s->name, err.msg);
		assert_string_equal(config_origin(cfg, k), "t");
		if (s->type == CONFIG_ENUM || s->type == CONFIG_URL)
			assert_non_null(s->words);
	}
	config_free(cfg);
	config_free(NULL);
	assert_int_equal(config_key("nope"), -1);
}

static void
test_defaults(void **state)
{
	struct config *cfg = config_new();

	assert_null(config_str(cfg, CONFIG_DB));
	assert_string_equal(config_str(cfg, CONFIG_IMAP_MAILBOX), "INBOX");
	assert_int_equal(config_int(cfg, CONFIG_IMAP_BATCH), 200);
	assert_int_equal(
	    config_enum(cfg, CONFIG_IMAP_AFTER), CONFIG_AFTER_MOVE);
	assert_true(config_bool(cfg, CONFIG_IMAP_TLS_VERIFY));
	assert_false(config_bool(cfg, CONFIG_IMAP_ALLOW_PLAIN));
	assert_string_equal(config_origin(cfg, CONFIG_DB), "default");
	assert_int_equal(config_level(cfg, CONFIG_DB), CONFIG_FROM_DEFAULT);
	config_free(cfg);
}

static void
test_parse_good(void **state)
{
	static const struct {
		const char *text;
		enum config_key key;
		const char *value; /* NULL: empty */
		unsigned line;
	} cases[] = {
	    {"imap_user = alice\n", CONFIG_IMAP_USER, "alice", 1},
	    {"imap_user=alice", CONFIG_IMAP_USER, "alice", 1},
	    {"\t imap_user \t=\t alice \t\n", CONFIG_IMAP_USER, "alice", 1},
	    {"# c\n\n   \n  # indented\nimap_user = a\n", CONFIG_IMAP_USER, "a",
	        5},
	    {"imap_user = a b  c\n", CONFIG_IMAP_USER, "a b  c", 1},
	    {"imap_user = a # comment\n", CONFIG_IMAP_USER, "a", 1},
	    {"imap_user = a#b\n", CONFIG_IMAP_USER, "a#b", 1},
	    {"imap_user = # only a comment\n", CONFIG_IMAP_USER, NULL, 1},
	    {"imap_user =\n", CONFIG_IMAP_USER, NULL, 1},
	    {"imap_mailbox = \"\"\n", CONFIG_IMAP_MAILBOX, NULL, 1},
	    {"imap_user = \" a # b \"\n", CONFIG_IMAP_USER, " a # b ", 1},
	    {"imap_user = \"q\\\"b\\\\s\"  # c\n", CONFIG_IMAP_USER, "q\"b\\s",
	        1},
	    {"imap_user = x\r\n", CONFIG_IMAP_USER, "x", 1},
	    {"imap_user = x", CONFIG_IMAP_USER, "x", 1},
	    {"db = host=h password='a b'\n", CONFIG_DB, "host=h password='a b'",
	        1},
	    {"imap_batch = 10000\n", CONFIG_IMAP_BATCH, "10000", 1},
	    {"imap_batch = 1\n", CONFIG_IMAP_BATCH, "1", 1},
	    {"imap_after = DELETE\n", CONFIG_IMAP_AFTER, "delete", 1},
	    {"imap_url = imaps://mail.example.com\n", CONFIG_IMAP_URL,
	        "imaps://mail.example.com", 1},
	    {"imap_url = IMAP://u@[2001:db8::1]:143/\n", CONFIG_IMAP_URL,
	        "IMAP://u@[2001:db8::1]:143/", 1},
	    {"imap_password_env = DS_PW_1\n", CONFIG_IMAP_PASSWORD_ENV,
	        "DS_PW_1", 1},
	    {"imap_oauth2_token_command = oauth2l fetch | cut -f1 # x\n",
	        CONFIG_IMAP_OAUTH2_TOKEN_COMMAND, "oauth2l fetch | cut -f1", 1},
	};
	struct err err;
	char origin[600];

	for (size_t i = 0; i < N(cases); i++) {
		struct config *cfg = config_new();

		if (read_text(cfg, cases[i].text, &err) < 0)
			fail_msg("case %zu: %s", i, err.msg);
		if (cases[i].value == NULL)
			assert_null(config_str(cfg, cases[i].key));
		else
			assert_string_equal(
			    config_str(cfg, cases[i].key), cases[i].value);
		snprintf(origin, sizeof(origin), "%s:%u", path_in("t.conf"),
		    cases[i].line);
		assert_string_equal(config_origin(cfg, cases[i].key), origin);
		assert_int_equal(
		    config_level(cfg, cases[i].key), CONFIG_FROM_USER);
		config_free(cfg);
	}
}

static void
test_parse_bad(void **state)
{
	static const struct {
		const char *text;
		const char *msg; /* after "FILE:" */
	} cases[] = {
	    {"imap_ur = x\n",
	        "1: unknown setting 'imap_ur' (did you mean "
	        "imap_url?)"},
	    {"imap-batch = 1\n", "did you mean imap_batch?"},
	    {"frobnicate = 1\n",
	        "1: unknown setting 'frobnicate' (dmarcsift "
	        "config --help lists them)"},
	    {"\n\nimap_user alice\n", "3: want 'key = value'"},
	    {"= alice\n", "1: want 'key = value'"},
	    {"imap_user\n", "1: want 'key = value'"},
	    {"imap_user = a\nimap_user = b\n",
	        "2: imap_user is set twice in this file (first on line 1)"},
	    {"imap_batch = 0\n",
	        "1: imap_batch: want a whole number from 1 to 10000, got '0'"},
	    {"imap_batch = 10001\n", "from 1 to 10000, got '10001'"},
	    {"imap_batch = -5\n", "got '-5'"},
	    {"imap_batch = 5x\n", "got '5x'"},
	    {"imap_batch = 99999999999999999999999\n", "whole number"},
	    {"imap_batch =\n", "1: imap_batch: want a value"},
	    {"imap_after = burn\n",
	        "imap_after: want move, seen or delete, got 'burn'"},
	    {"imap_tls_verify = maybe\n", "imap_tls_verify: want yes or no"},
	    {"imap_user = \"open\n", "imap_user: missing the closing '\"'"},
	    {"imap_user = \"a\\n\"\n", "a backslash goes only before"},
	    {"imap_user = \"a\" b\n", "text after the closing '\"'"},
	    {"imap_user = a\001b\n", "control characters"},
	    {"imap_url = http://x\n",
	        "imap_url: want imaps://HOST[:PORT] or "
	        "imap://HOST[:PORT]"},
	    {"imap_url = mail.example.com\n", "want imaps://"},
	    {"imap_url = imaps://u:secret@x\n", "a password in the URL"},
	    {"imap_url = imaps://\n", "names no host"},
	    {"imap_url = imaps://x:0\n", "port"},
	    {"imap_url = imaps://x:70000\n", "port"},
	    {"imap_url = imaps://x:1a\n", "port"},
	    {"imap_url = imaps://[::1\n", "IPv6"},
	    {"imap_url = imaps://x/INBOX\n",
	        "set the folder with imap_mailbox"},
	    {"imap_password_env = A-B\n", "name of an environment variable"},
	    {"imap_password_env = 9A\n", "name of an environment variable"},
	};
	struct err err;
	char want[700];

	for (size_t i = 0; i < N(cases); i++) {
		struct config *cfg = config_new();

		if (read_text(cfg, cases[i].text, &err) != ERR_USAGE)
			fail_msg("case %zu: not refused", i);
		if (strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
			    cases[i].msg);
		snprintf(want, sizeof(want), "%s:", path_in("t.conf"));
		assert_memory_equal(err.msg, want, strlen(want));
		/* No value that may be a password is repeated. */
		assert_null(strstr(err.msg, "secret"));
		config_free(cfg);
	}
}

static void
test_parse_limits(void **state)
{
	struct config *cfg = config_new();
	struct err err;
	char *big = malloc(CONFIG_FILE_MAX + 10);
	size_t n;

	/* A line of CONFIG_LINE_MAX bytes is fine, one more is not. */
	n = (size_t)snprintf(big, 100, "imap_user = ");
	memset(big + n, 'u', CONFIG_LINE_MAX - n);
	strcpy(big + CONFIG_LINE_MAX, "\n");
	assert_int_equal(read_text(cfg, big, &err), 0);
	assert_int_equal(
	    strlen(config_str(cfg, CONFIG_IMAP_USER)), CONFIG_LINE_MAX - n);
	memset(big + n, 'u', CONFIG_LINE_MAX + 1 - n);
	strcpy(big + CONFIG_LINE_MAX + 1, "\n");
	assert_int_equal(read_text(cfg, big, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, ":1: line longer than 4096 bytes"));

	/* A NUL byte, named by its line. */
	write_file(path_in("nul.conf"), "# x\nimap_user = a\0b\n", 19, 0600);
	assert_int_equal(config_read_file(cfg, path_in("nul.conf"),
	                     CONFIG_FROM_USER, 1, &err),
	    ERR_USAGE);
	assert_non_null(strstr(err.msg, "nul.conf:2: a NUL byte"));

	/* A file over CONFIG_FILE_MAX. */
	memset(big, '#', CONFIG_FILE_MAX + 1);
	for (size_t i = 100; i < CONFIG_FILE_MAX; i += 100)
		big[i] = '\n';
	write_file(path_in("big.conf"), big, CONFIG_FILE_MAX + 1, 0600);
	assert_int_equal(config_read_file(cfg, path_in("big.conf"),
	                     CONFIG_FROM_USER, 1, &err),
	    ERR_LIMIT);
	assert_non_null(strstr(err.msg, "longer than"));
	free(big);

	/* Missing: fine unless it must exist; a directory never is. */
	assert_int_equal(config_read_file(cfg, path_in("none.conf"),
	                     CONFIG_FROM_SYSTEM, 0, &err),
	    0);
	assert_int_equal(config_read_file(cfg, path_in("none.conf"),
	                     CONFIG_FROM_USER, 1, &err),
	    ERR_IO);
	assert_non_null(strstr(err.msg, "none.conf: No such file"));
	assert_int_equal(
	    config_read_file(cfg, tmpdir, CONFIG_FROM_USER, 1, &err), ERR_IO);
	assert_int_equal(config_load(cfg, path_in("none.conf"), &err), ERR_IO);
	config_free(cfg);
}

static void
test_values(void **state)
{
	static const struct {
		enum config_key key;
		const char *in, *out; /* out NULL: refused */
	} cases[] = {
	    {CONFIG_IMAP_TLS_VERIFY, "yes", "yes"},
	    {CONFIG_IMAP_TLS_VERIFY, "True", "yes"},
	    {CONFIG_IMAP_TLS_VERIFY, "ON", "yes"},
	    {CONFIG_IMAP_TLS_VERIFY, "1", "yes"},
	    {CONFIG_IMAP_TLS_VERIFY, "no", "no"},
	    {CONFIG_IMAP_TLS_VERIFY, "false", "no"},
	    {CONFIG_IMAP_TLS_VERIFY, "Off", "no"},
	    {CONFIG_IMAP_TLS_VERIFY, "0", "no"},
	    {CONFIG_IMAP_TLS_VERIFY, "y", NULL},
	    {CONFIG_IMAP_TLS_VERIFY, "2", NULL},
	    {CONFIG_IMAP_TLS_VERIFY, "", NULL},
	    {CONFIG_IMAP_AFTER, "move", "move"},
	    {CONFIG_IMAP_AFTER, "Seen", "seen"},
	    {CONFIG_IMAP_AFTER, "delete", "delete"},
	    {CONFIG_IMAP_AFTER, "del", NULL},
	    {CONFIG_IMAP_AFTER, "move|seen", NULL},
	    {CONFIG_IMAP_BATCH, "007", "7"},
	    {CONFIG_IMAP_BATCH, "+7", NULL},
	    {CONFIG_IMAP_BATCH, " 7", NULL},
	    {CONFIG_IMAP_TIMEOUT, "86400", "86400"},
	    {CONFIG_IMAP_TIMEOUT, "86401", NULL},
	    {CONFIG_IMAP_CONNECT_TIMEOUT, "0", NULL},
	    {CONFIG_IMAP_URL, "imap://h:143", "imap://h:143"},
	    {CONFIG_IMAP_URL, "imaps://user@h", "imaps://user@h"},
	    {CONFIG_IMAP_URL, "imaps://h?x", NULL},
	    {CONFIG_IMAP_URL, "imaps://:993", NULL},
	    {CONFIG_IMAP_URL, "", ""},
	    {CONFIG_IMAP_CAFILE, "/etc/ssl/ca.pem", "/etc/ssl/ca.pem"},
	    {CONFIG_DB, "postgresql://u:p@h/db", "postgresql://u:p@h/db"},
	};
	struct err err;

	for (size_t i = 0; i < N(cases); i++) {
		struct config *cfg = config_new();
		const char *before = config_origin(cfg, cases[i].key);
		int rc = config_set(cfg, cases[i].key, cases[i].in,
		    CONFIG_FROM_FLAG, "--x", &err);

		if (cases[i].out == NULL) {
			if (rc != ERR_USAGE)
				fail_msg(
				    "case %zu: '%s' taken", i, cases[i].in);
			/* A refused value leaves the old one. */
			assert_string_equal(
			    config_origin(cfg, cases[i].key), before);
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err.msg);
			assert_string_equal(config_str(cfg, cases[i].key)
			        ? config_str(cfg, cases[i].key)
			        : "",
			    cases[i].out);
		}
		config_free(cfg);
	}

	/* Typed access. */
	struct config *cfg = config_new();

	assert_int_equal(config_set(cfg, CONFIG_IMAP_AFTER, "delete",
	                     CONFIG_FROM_FLAG, "x", &err),
	    0);
	assert_int_equal(
	    config_enum(cfg, CONFIG_IMAP_AFTER), CONFIG_AFTER_DELETE);
	assert_int_equal(config_set(cfg, CONFIG_IMAP_BATCH, "42",
	                     CONFIG_FROM_FLAG, "x", &err),
	    0);
	assert_int_equal(config_int(cfg, CONFIG_IMAP_BATCH), 42);
	/* A lower level does not replace, but is still checked. */
	assert_int_equal(config_set(cfg, CONFIG_IMAP_BATCH, "43",
	                     CONFIG_FROM_SYSTEM, "y", &err),
	    0);
	assert_int_equal(config_int(cfg, CONFIG_IMAP_BATCH), 42);
	assert_int_equal(config_set(cfg, CONFIG_IMAP_BATCH, "0",
	                     CONFIG_FROM_SYSTEM, "y", &err),
	    ERR_USAGE);
	config_free(cfg);
}

/* Points the system and per-user files into tmpdir; clears the rest. */
static void
env_reset(void)
{
	setenv("DMARCSIFT_SYSCONFDIR", path_in("sys"), 1);
	setenv("XDG_CONFIG_HOME", path_in("xdg"), 1);
	unsetenv("DMARCSIFT_CONFIG");
	unsetenv("DMARCSIFT_DB");
}

static void
test_paths(void **state)
{
	char *p, want[600];

	env_reset();
	p = config_system_path();
	snprintf(want, sizeof(want), "%s/sys/dmarcsift.conf", tmpdir);
	assert_string_equal(p, want);
	free(p);
	unsetenv("DMARCSIFT_SYSCONFDIR");
	p = config_system_path();
	/* /etc/dmarcsift unless the build says otherwise. */
	assert_int_equal(p[0], '/');
	assert_non_null(strstr(p, "/dmarcsift.conf"));
	free(p);

	p = config_user_path();
	snprintf(want, sizeof(want), "%s/xdg/dmarcsift/dmarcsift.conf", tmpdir);
	assert_string_equal(p, want);
	free(p);
	/* A relative XDG_CONFIG_HOME is ignored, as the spec says. */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	setenv("HOME", "/home/someone", 1);
	p = config_user_path();
	assert_string_equal(
	    p, "/home/someone/.config/dmarcsift/dmarcsift.conf");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = config_user_path();
	assert_string_equal(
	    p, "/home/someone/.config/dmarcsift/dmarcsift.conf");
	free(p);
	env_reset();
}

static void
test_precedence(void **state)
{
	struct config *cfg;
	struct err err;
	char want[600];
	int found;

	env_reset();
	mkdir(path_in("sys"), 0700);
	mkdir(path_in("xdg"), 0700);
	mkdir(path_in("xdg/dmarcsift"), 0700);

	/* No files at all: the defaults, both files listed as not found. */
	cfg = config_new();
	assert_int_equal(config_load(cfg, NULL, &err), 0);
	assert_string_equal(config_origin(cfg, CONFIG_IMAP_BATCH), "default");
	assert_int_equal(config_file_count(cfg), 2);
	assert_string_equal(
	    config_file(cfg, 0, &found), path_in("sys/dmarcsift.conf"));
	assert_false(found);
	assert_null(config_file(cfg, 2, &found));
	config_free(cfg);

	write_text(path_in("sys/dmarcsift.conf"),
	    "imap_batch = 1\nimap_mailbox = SYS\nimap_user = sys\n"
	    "db = dbname=sys\nimap_errors = SysErr\n");
	write_text(path_in("xdg/dmarcsift/dmarcsift.conf"),
	    "imap_mailbox = USER\nimap_user = user\ndb = dbname=user\n"
	    "imap_errors =\n");
	setenv("DMARCSIFT_DB", "dbname=env", 1);

	cfg = config_new();
	/* Flags are set before the files are read, and stay. */
	assert_int_equal(config_set(cfg, CONFIG_IMAP_USER, "flag",
	                     CONFIG_FROM_FLAG, "--imap-user", &err),
	    0);
	if (config_load(cfg, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(config_int(cfg, CONFIG_IMAP_BATCH), 1);
	snprintf(want, sizeof(want), "%s:1", path_in("sys/dmarcsift.conf"));
	assert_string_equal(config_origin(cfg, CONFIG_IMAP_BATCH), want);
	assert_string_equal(config_str(cfg, CONFIG_IMAP_MAILBOX), "USER");
	snprintf(want, sizeof(want), "%s:1",
	    path_in("xdg/dmarcsift/dmarcsift.conf"));
	assert_string_equal(config_origin(cfg, CONFIG_IMAP_MAILBOX), want);
	/* An empty value in the user file unsets the system one. */
	assert_null(config_str(cfg, CONFIG_IMAP_ERRORS));
	assert_string_equal(config_str(cfg, CONFIG_DB), "dbname=env");
	assert_string_equal(config_origin(cfg, CONFIG_DB), "DMARCSIFT_DB");
	assert_string_equal(config_str(cfg, CONFIG_IMAP_USER), "flag");
	assert_string_equal(
	    config_origin(cfg, CONFIG_IMAP_USER), "--imap-user");
	assert_int_equal(config_file_count(cfg), 2);
	assert_non_null(config_file(cfg, 1, &found));
	assert_true(found);
	config_free(cfg);

	/* --config FILE (or DMARCSIFT_CONFIG) replaces both files. */
	write_text(path_in("only.conf"), "imap_mailbox = ONLY\n");
	unsetenv("DMARCSIFT_DB");
	cfg = config_new();
	assert_int_equal(config_load(cfg, path_in("only.conf"), &err), 0);
	assert_string_equal(config_str(cfg, CONFIG_IMAP_MAILBOX), "ONLY");
	assert_int_equal(config_int(cfg, CONFIG_IMAP_BATCH), 200);
	assert_null(config_str(cfg, CONFIG_DB));
	assert_int_equal(config_file_count(cfg), 1);
	config_free(cfg);
	setenv("DMARCSIFT_CONFIG", path_in("only.conf"), 1);
	cfg = config_new();
	assert_int_equal(config_load(cfg, NULL, &err), 0);
	assert_string_equal(config_str(cfg, CONFIG_IMAP_MAILBOX), "ONLY");
	config_free(cfg);
	setenv("DMARCSIFT_CONFIG", path_in("missing.conf"), 1);
	cfg = config_new();
	assert_int_equal(config_load(cfg, NULL, &err), ERR_IO);
	config_free(cfg);

	/* A bad system file fails even when the user file is fine. */
	env_reset();
	write_text(path_in("sys/dmarcsift.conf"), "imap_batch = many\n");
	cfg = config_new();
	assert_int_equal(config_load(cfg, NULL, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "sys/dmarcsift.conf:1: imap_batch"));
	config_free(cfg);

	/* Settings that contradict each other, across files. */
	write_text(path_in("sys/dmarcsift.conf"), "imap_password_file = /pw\n");
	write_text(path_in("xdg/dmarcsift/dmarcsift.conf"),
	    "imap_oauth2_token_command = get-token\n");
	cfg = config_new();
	assert_int_equal(config_load(cfg, NULL, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "imap_password_file (from "));
	assert_non_null(strstr(err.msg, "password or a token"));
	config_free(cfg);
	unlink(path_in("sys/dmarcsift.conf"));
	unlink(path_in("xdg/dmarcsift/dmarcsift.conf"));
	rmdir(path_in("xdg/dmarcsift"));
	rmdir(path_in("xdg"));
	rmdir(path_in("sys"));
	unlink(path_in("only.conf"));
	env_reset();
}

static void
test_mask(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"", ""},
	    {"host=h dbname=d", "host=h dbname=d"},
	    {"host=h password=s3cret dbname=d",
	        "host=h password=******** dbname=d"},
	    {"password = 's e\\'c' user=u", "password = ******** user=u"},
	    {"password='s e\\'c'", "password=********"},
	    {"user=u password=a\\ b", "user=u password=********"},
	    {"  host = h  ", "  host = h  "},
	    {"host=h password='open", "host=h password=********"},
	    {"host=h junk password=x", "host=h ********"},
	    {"passwordx=1 password=", "passwordx=1 password=********"},
	    {"postgresql://u:pw@h:5432/db",
	        "postgresql://u:********@h:5432/db"},
	    {"postgresql://u@h/db", "postgresql://u@h/db"},
	    {"postgres://h/db?password=pw&sslmode=require",
	        "postgres://h/db?password=********&sslmode=require"},
	    {"postgresql://u:p/w@h/db", "postgresql://u:********@h/db"},
	    {"postgresql:///db?user=u&password=p",
	        "postgresql:///db?user=u&password=********"},
	    {"imaps://u:x@mail.example.com",
	        "imaps://u:********@mail.example.com"},
	    {"imaps://mail.example.com", "imaps://mail.example.com"},
	};

	for (size_t i = 0; i < N(cases); i++) {
		char *m = config_mask(cases[i].in);

		if (strcmp(m, cases[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, m,
			    cases[i].out);
		free(m);
	}

	/* config_display() masks the keys the table marks. */
	struct config *cfg = config_new();
	struct err err;
	char *d;

	assert_int_equal(config_set(cfg, CONFIG_DB, "host=h password=pw",
	                     CONFIG_FROM_FLAG, "--db", &err),
	    0);
	d = config_display(cfg, CONFIG_DB);
	assert_string_equal(d, "host=h password=********");
	free(d);
	d = config_display(cfg, CONFIG_IMAP_MAILBOX);
	assert_string_equal(d, "INBOX");
	free(d);
	config_free(cfg);
}

static void
test_secret_file(void **state)
{
	static const struct {
		const char *data;
		size_t len;
		const char *out; /* NULL: refused */
	} cases[] = {
	    {"pw\n", 3, "pw"},
	    {"pw", 2, "pw"},
	    {"pw\r\n", 4, "pw"},
	    {"p w \nsecond line\n", 17, "p w "},
	    {"", 0, NULL},
	    {"\nlater\n", 7, NULL},
	    {"p\0w\n", 4, NULL},
	};
	char *out, *big;
	struct err err;

	for (size_t i = 0; i < N(cases); i++) {
		write_file(
		    path_in("secret"), cases[i].data, cases[i].len, 0600);
		int rc = config_read_secret_file(path_in("secret"), &out, &err);

		if (cases[i].out == NULL) {
			assert_int_not_equal(rc, 0);
			assert_null(out);
			assert_non_null(strstr(err.msg, path_in("secret")));
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err.msg);
			assert_string_equal(out, cases[i].out);
			config_secret_free(out);
		}
	}
	/* The size bound: CONFIG_SECRET_MAX bytes at most. */
	big = malloc(CONFIG_SECRET_MAX + 1);
	memset(big, 's', CONFIG_SECRET_MAX + 1);
	write_file(path_in("secret"), big, CONFIG_SECRET_MAX, 0600);
	assert_int_equal(
	    config_read_secret_file(path_in("secret"), &out, &err), 0);
	assert_int_equal(strlen(out), CONFIG_SECRET_MAX);
	config_secret_free(out);
	write_file(path_in("secret"), big, CONFIG_SECRET_MAX + 1, 0600);
	assert_int_equal(
	    config_read_secret_file(path_in("secret"), &out, &err), ERR_LIMIT);
	assert_null(strstr(err.msg, "sss"));
	free(big);
	/* Readable by all: used, with a warning. */
	write_file(path_in("secret"), "pw\n", 3, 0644);
	assert_int_equal(
	    config_read_secret_file(path_in("secret"), &out, &err), 0);
	config_secret_free(out);
	config_secret_free(NULL);
	/* Missing, a directory. */
	assert_int_equal(
	    config_read_secret_file(path_in("nope"), &out, &err), ERR_IO);
	assert_int_equal(config_read_secret_file(tmpdir, &out, &err), ERR_IO);
	assert_non_null(strstr(err.msg, "not a regular file"));
	unlink(path_in("secret"));
}

static void
test_token_command(void **state)
{
	static const struct {
		const char *cmd;
		const char *out; /* NULL: refused with msg */
		const char *msg;
	} cases[] = {
	    {"echo tok-123", "tok-123"},
	    {"printf 'first\\r\\nsecond\\n'", "first"},
	    {"printf abc", "abc"},
	    {"read x; echo \"got${x}\"", "got"}, /* stdin is /dev/null */
	    {"echo SECRET; exit 3", NULL, "the command exited with status 3"},
	    {"echo SECRET; kill -9 $$", NULL, "killed by signal 9"},
	    {"true", NULL, "printed no token"},
	    {"echo", NULL, "printed no token"},
	    {"no-such-command-here 2>/dev/null", NULL, "status 127"},
	    {"head -c 5000 /dev/zero | tr '\\0' S", NULL,
	        "printed more than 4096 bytes"},
	    {"yes SECRET", NULL, "printed more than 4096 bytes"},
	};
	struct err err;
	char *out;

	for (size_t i = 0; i < N(cases); i++) {
		int rc = config_run_token_command(cases[i].cmd, &out, &err);

		if (cases[i].out != NULL) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err.msg);
			assert_string_equal(out, cases[i].out);
			config_secret_free(out);
			continue;
		}
		if (rc == 0)
			fail_msg("case %zu: taken: '%s'", i, out);
		assert_null(out);
		if (strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
			    cases[i].msg);
		/* The output is never in the message. */
		assert_null(strstr(err.msg, "SECRET"));
	}
}

static void
test_imap_credentials(void **state)
{
	struct config *cfg = config_new();
	struct err err;
	char *out;

	/* Nothing configured: no password, no token, no error. */
	assert_int_equal(config_imap_password(cfg, &out, &err), 0);
	assert_null(out);
	assert_int_equal(config_imap_oauth2_token(cfg, &out, &err), 0);
	assert_null(out);

	setenv("DS_TEST_PW", "env-pw", 1);
	assert_int_equal(config_set(cfg, CONFIG_IMAP_PASSWORD_ENV, "DS_TEST_PW",
	                     CONFIG_FROM_FLAG, "x", &err),
	    0);
	assert_int_equal(config_imap_password(cfg, &out, &err), 0);
	assert_string_equal(out, "env-pw");
	config_secret_free(out);
	unsetenv("DS_TEST_PW");
	assert_int_equal(config_imap_password(cfg, &out, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "DS_TEST_PW is not set"));

	/* A file too: contradicts the variable. */
	write_text(path_in("pw"), "file-pw\n");
	assert_int_equal(config_set(cfg, CONFIG_IMAP_PASSWORD_FILE,
	                     path_in("pw"), CONFIG_FROM_FLAG, "x", &err),
	    0);
	assert_int_equal(config_imap_password(cfg, &out, &err), ERR_USAGE);
	assert_int_equal(config_set(cfg, CONFIG_IMAP_PASSWORD_ENV, "",
	                     CONFIG_FROM_FLAG, "x", &err),
	    0);
	assert_int_equal(config_imap_password(cfg, &out, &err), 0);
	assert_string_equal(out, "file-pw");
	config_secret_free(out);
	unlink(path_in("pw"));
	assert_int_equal(config_imap_password(cfg, &out, &err), ERR_IO);
	assert_non_null(strstr(err.msg, "imap_password_file: cannot open"));
	assert_int_equal(config_set(cfg, CONFIG_IMAP_PASSWORD_FILE, "",
	                     CONFIG_FROM_FLAG, "x", &err),
	    0);

	assert_int_equal(config_set(cfg, CONFIG_IMAP_OAUTH2_TOKEN_COMMAND,
	                     "echo bearer", CONFIG_FROM_FLAG, "x", &err),
	    0);
	assert_int_equal(config_imap_oauth2_token(cfg, &out, &err), 0);
	assert_string_equal(out, "bearer");
	config_secret_free(out);
	assert_int_equal(config_set(cfg, CONFIG_IMAP_OAUTH2_TOKEN_COMMAND,
	                     "exit 1", CONFIG_FROM_FLAG, "x", &err),
	    0);
	assert_int_equal(config_imap_oauth2_token(cfg, &out, &err), ERR_IO);
	assert_non_null(strstr(err.msg,
	    "imap_oauth2_token_command: the "
	    "command exited with status 1"));
	config_free(cfg);
}

static void
test_help(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	config_print_help(fp, CONFIG_GROUP_IMAP);
	fclose(fp);
	assert_non_null(strstr(buf, "  imap_batch = 200\n"));
	assert_non_null(strstr(buf, "move, seen or delete"));
	assert_null(strstr(buf, "  db ="));
	free(buf);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_parse_good),
	    cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_parse_limits),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_mask),
	    cmocka_unit_test(test_secret_file),
	    cmocka_unit_test(test_token_command),
	    cmocka_unit_test(test_imap_credentials),
	    cmocka_unit_test(test_help),
	};
	int rc;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* Warnings (world-readable secrets) are expected; keep output
	 * clean. */
	log_set_verbosity(0);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path_in("t.conf"));
	unlink(path_in("nul.conf"));
	unlink(path_in("big.conf"));
	rmdir(tmpdir);
	return rc;
}
