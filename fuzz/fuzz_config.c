/*
 * fuzz_config: the config file parser (config_read_buffer) on any bytes,
 * then the checks of what each value means (config_problems).  Promises
 * checked: a refusal is ERR_USAGE or ERR_LIMIT with a message that names
 * the file; every value kept reads back as itself when set again (it is
 * in canonical form); masking and display never fail.  services_file is
 * unset before the checks, so that no input reads a file from the disk.
 */
#include "config.h"
#include "err.h"
#include "fuzz_check.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
count(void *arg, const struct err *why)
{
	size_t *n = arg;

	fuzz_check(why->code < 0 && why->msg[0] != '\0',
	    "a problem has a negative code and a message");
	(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = config_new();
	struct err err;
	size_t n = 0;
	int rc;

	err_clear(&err);
	rc = config_read_buffer(
	    cfg, "fuzz.conf", (const char *)data, size, CONFIG_FROM_USER, &err);
	fuzz_check(rc == 0 || rc == ERR_USAGE || rc == ERR_LIMIT,
	    "config_read_buffer returns 0, ERR_USAGE or ERR_LIMIT");
	if (rc < 0)
		fuzz_check(err.code == rc &&
		        strncmp(err.msg, "fuzz.conf", strlen("fuzz.conf")) == 0,
		    "a refusal repeats its code and names the file");
	for (int k = 0; k < CONFIG_NKEYS; k++) {
		const char *v = config_str(cfg, k);
		char *shown = config_display(cfg, k), *copy;

		fuzz_check(shown != NULL, "every value can be shown");
		free(shown);
		if (v == NULL)
			continue;
		copy = strdup(v);
		fuzz_check(copy != NULL, "memory");
		fuzz_check(config_set(cfg, k, copy, CONFIG_FROM_FLAG, "again",
		               &err) == 0 &&
		        strcmp(config_str(cfg, k), copy) == 0,
		    "a value kept is canonical: set again, it stays itself");
		free(copy);
	}
	fuzz_check(config_set(cfg, CONFIG_SERVICES_FILE, "", CONFIG_FROM_FLAG,
	               "fuzz", &err) == 0,
	    "services_file can be unset");
	fuzz_check(config_problems(cfg, count, &n) == n,
	    "config_problems counts what it tells");
	rc = config_check(cfg, &err);
	fuzz_check(
	    (rc == 0) == (n == 0), "config_check fails exactly on a problem");
	config_free(cfg);
	return 0;
}
