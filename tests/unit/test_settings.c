/*
 * Unit tests for the input limits as rows of the settings table
 * (common/config.h, common/input_limits.c): each limit reaches its own field
 * of struct limits, COUNT and SIZE values are checked and kept in one form,
 * --limit sits over the files, and the environment column is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "err.h"
#include "input_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
is_limit(enum config_key k)
{
	return config_settings[k].type == CONFIG_COUNT ||
	    config_settings[k].type == CONFIG_SIZE;
}

/* The index of the one uint64_t that differs between a and b, or -1. */
static int
one_field(const struct limits *a, const struct limits *b)
{
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;
	int found = -1;

	for (size_t i = 0; i < sizeof(*a) / sizeof(uint64_t); i++) {
		if (x[i] == y[i])
			continue;
		if (found >= 0)
			return -2;
		found = (int)i;
	}
	return found;
}

static void
test_every_limit_has_a_field(void **state)
{
	int taken[sizeof(struct limits) / sizeof(uint64_t)] = {0};
	struct limits dflt, got;
	struct err err;
	int n = 0, f;

	(void)state;
	limits_init(&dflt);
	for (int k = 0; k < CONFIG_NKEYS; k++) {
		struct config *cfg;
		char v[32];

		if (!is_limit(k))
			continue;
		n++;
		/* The default is the table's. */
		cfg = config_new();
		limits_from_config(&got, cfg);
		assert_memory_equal(&got, &dflt, sizeof(got));
		/* Its minimum or maximum, whichever is not the default. */
		snprintf(v, sizeof(v), "%lld",
		    config_default_int(k) == config_settings[k].min
		        ? config_settings[k].max
		        : config_settings[k].min);
		if (config_set(cfg, k, v, CONFIG_FROM_USER, "t", &err) < 0)
			fail_msg(
			    "%s = %s: %s", config_settings[k].name, v, err.msg);
		limits_from_config(&got, cfg);
		f = one_field(&got, &dflt);
		if (f < 0 || taken[f])
			fail_msg("%s does not reach a field of its own",
			    config_settings[k].name);
		taken[f] = 1;
		config_free(cfg);
	}
	assert_int_equal(n, sizeof(struct limits) / sizeof(uint64_t));
}

static void
test_values(void **state)
{
	static const struct {
		enum config_key key;
		const char *in, *kept; /* kept NULL: refused */
	} cases[] = {
	    {CONFIG_INPUT_BYTES, "1k", "1k"},
	    {CONFIG_INPUT_BYTES, "1K", "1k"},
	    {CONFIG_INPUT_BYTES, "1024k", "1M"},
	    {CONFIG_INPUT_BYTES, "2048", "2048"},
	    {CONFIG_INPUT_BYTES, "64G", "64G"},
	    {CONFIG_INPUT_BYTES, "65G", NULL},
	    {CONFIG_INPUT_BYTES, "1023", NULL},
	    {CONFIG_INPUT_BYTES, "1x", NULL},
	    {CONFIG_INPUT_BYTES, "-1k", NULL},
	    {CONFIG_INPUT_BYTES, " 1k", NULL},
	    {CONFIG_INPUT_BYTES, "99999999999999999999G", NULL},
	    {CONFIG_INPUT_BYTES, "", NULL},
	    {CONFIG_RATIO_AFTER, "0", "0"},
	    {CONFIG_RECORDS, "5M", "5M"},
	    {CONFIG_RECORDS, "0", NULL},
	    {CONFIG_XML_DEPTH, "3", NULL},
	};
	struct config *cfg = config_new();
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = config_set(cfg, cases[i].key, cases[i].in,
		    CONFIG_FROM_FLAG, "t", &err);

		if (cases[i].kept == NULL) {
			if (rc != ERR_USAGE)
				fail_msg("'%s' is taken", cases[i].in);
			assert_non_null(strstr(
			    err.msg, config_settings[cases[i].key].name));
			continue;
		}
		if (rc < 0)
			fail_msg("'%s': %s", cases[i].in, err.msg);
		assert_string_equal(
		    config_str(cfg, cases[i].key), cases[i].kept);
	}
	/* A size's range is told in k, M and G; a count's in digits. */
	assert_int_equal(config_set(cfg, CONFIG_INPUT_BYTES, "1",
	                     CONFIG_FROM_FLAG, "t", &err),
	    ERR_USAGE);
	assert_non_null(strstr(err.msg, "from 1k to 64G"));
	assert_int_equal(
	    config_set(cfg, CONFIG_CPU_MS, "0", CONFIG_FROM_FLAG, "t", &err),
	    ERR_USAGE);
	assert_non_null(strstr(err.msg, "from 1 to 86400000"));
	config_free(cfg);
	assert_int_equal(config_default_int(CONFIG_INPUT_BYTES), 128 << 20);
	assert_int_equal(config_default_int(CONFIG_READY_DAYS), 14);
}

static void
test_limit_over_file(void **state)
{
	static const char text[] = "input_bytes = 1k\nrecords = 10\n";
	struct config *cfg = config_new();
	struct limits lim;
	struct err err;

	(void)state;
	assert_int_equal(limits_set_config(cfg, "input_bytes=2M", &err), 0);
	assert_string_equal(
	    config_origin(cfg, CONFIG_INPUT_BYTES), "--limit input_bytes");
	assert_int_equal(config_read_buffer(cfg, "f.conf", text, strlen(text),
	                     CONFIG_FROM_USER, &err),
	    0);
	limits_from_config(&lim, cfg);
	assert_int_equal(lim.input_bytes, 2 << 20);
	assert_int_equal(lim.records, 10);
	assert_string_equal(config_origin(cfg, CONFIG_RECORDS), "f.conf:2");
	/* The messages of --limit, as before. */
	assert_int_equal(limits_set_config(cfg, "nope=1", &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "unknown limit 'nope'"));
	assert_int_equal(
	    limits_set_config(cfg, "xml_depth=1", &err), ERR_USAGE);
	assert_string_equal(err.msg, "limit xml_depth: 1 is outside 4..200");
	assert_int_equal(limits_set_config(cfg, "records=x", &err), ERR_USAGE);
	assert_string_equal(err.msg, "limit records: 'x' is not a number");
	config_free(cfg);
}

static void
test_env_column(void **state)
{
	int n = 0;

	(void)state;
	for (int k = 0; k < CONFIG_NKEYS; k++)
		if (config_settings[k].env != NULL)
			n++;
	assert_int_equal(n, 1);
	assert_string_equal(config_settings[CONFIG_DB].env, "DMARCSIFT_DB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_limit_has_a_field),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_limit_over_file),
	    cmocka_unit_test(test_env_column),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
