/*
 * Unit tests for common/locks.h against the schema: the migrations take
 * advisory locks by number, as SQL literals, and those numbers must be
 * the ones locks.h gives, or a function in SQL and the C beside it would
 * not keep each other out.  Migrations are never edited once applied, so
 * a migration's lock is named here, as is a definition's (sql/defs/), and
 * a lock a new migration or definition takes without being named fails
 * the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "locks.h"
#include "migrations.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The locks each migration takes, by the locks.h constant. */
static const struct {
	const char *file;
	const char *locks[4]; /* NULL-ended */
} uses[] = {
    {"012_source_days.sql", {LOCK_ROLLUP}},
    {"014_verdicts_inline.sql", {LOCK_ROLLUP}},
    {"016_month_partitions.sql", {LOCK_PARTITION, LOCK_ROLLUP}},
    {"017_prune.sql", {LOCK_ROLLUP}},
    {"020_classes_evidence.sql", {LOCK_ROLLUP}},
    {"026_prune_received.sql", {LOCK_ROLLUP}},
    {"30_rollup_sync.sql", {LOCK_ROLLUP, LOCK_CLASS_ROLLUP, LOCK_CLASS_MERGED}},
};

/* Whether lock is one of those named for file. */
static int
named(const char *file, const char *lock)
{
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
		if (strcmp(uses[i].file, file) != 0)
			continue;
		for (int k = 0; uses[i].locks[k] != NULL; k++)
			if (strcmp(uses[i].locks[k], lock) == 0)
				return 1;
	}
	return 0;
}

/* Every pg_advisory_* and pg_try_advisory_* call in sql (the file name)
 * takes a literal that locks.h names for that file; returns how many it
 * saw. */
static int
literals_in(const char *name, const char *sql)
{
	int seen = 0;
	const char *p = sql;

	while ((p = strstr(p, "advisory_")) != NULL) {
		const char *open = strchr(p, '(');
		char lit[24];
		size_t n;

		p += strlen("advisory_");
		/* pg_advisory_lock, pg_advisory_xact_lock,
		 * pg_try_advisory_xact_lock, ... (not the word in a
		 * comment). */
		if (open == NULL ||
		    strspn(p, "abcdefghijklmnopqrstuvwxyz_") !=
		        (size_t)(open - p))
			continue;
		open++;
		n = strspn(open, "0123456789");
		if (n == 0 || n >= sizeof(lit)) {
			fail_msg("%s: an advisory lock that is not a "
			         "number: %.40s",
			    name, open);
		}
		memcpy(lit, open, n);
		lit[n] = '\0';
		if (!named(name, lit))
			fail_msg("%s: advisory lock %s is not the "
			         "locks.h constant named for it",
			    name, lit);
		seen++;
	}
	return seen;
}

/* The same of every migration and every definition (sql/defs/). */
static int
literals_checked(void)
{
	int seen = 0;

	for (const struct migration *m = migrations; m->name != NULL; m++)
		seen += literals_in(m->name, m->sql);
	for (const struct schema_def *d = schema_defs; d->name != NULL; d++)
		seen += literals_in(d->name, d->sql);
	return seen;
}

static void
test_sql_locks_are_constants(void **state)
{
	(void)state;
	/* At least 012 twice, 014 twice, 016 three times, 017 once and
	 * 30_rollup_sync four times: the scan finds them. */
	assert_true(literals_checked() >= 12);
}

/* The check itself catches a literal that is not the constant's. */
static void
test_named(void **state)
{
	(void)state;
	assert_true(named("016_month_partitions.sql", "7243003"));
	assert_false(named("016_month_partitions.sql", "7243001"));
	assert_false(named("017_prune.sql", LOCK_PARTITION));
	assert_false(named("019_check_cache.sql", LOCK_ROLLUP));
	assert_true(named("30_rollup_sync.sql", LOCK_CLASS_ROLLUP));
	assert_false(named("30_rollup_sync.sql", LOCK_PARTITION));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sql_locks_are_constants),
	    cmocka_unit_test(test_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
