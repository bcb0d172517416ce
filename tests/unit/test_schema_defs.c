/*
 * Unit tests for the schema's definitions (sql/defs/, common/migrations.h):
 * a view or function whose home is a definition is never made again by a
 * migration written after the definitions came (022 on), or the two would
 * take turns: each upgrade applies the migration, then the definition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "migrations.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The first migration number written after sql/defs/ existed. */
#define DEFS_SINCE 22

/* The name after "CREATE OR REPLACE FUNCTION " or "... VIEW " at p, into
 * out; 0, or -1 when p holds none. */
static int
object_name(const char *p, char *out, size_t size)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");

	if (n == 0 || n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Whether sql makes name: "FUNCTION name(" or "VIEW name " after CREATE. */
static int
makes(const char *sql, const char *name)
{
	static const char *const kinds[] = {"FUNCTION ", "VIEW "};

	for (size_t k = 0; k < 2; k++) {
		const char *p = sql;

		while ((p = strstr(p, kinds[k])) != NULL) {
			char got[64];

			p += strlen(kinds[k]);
			if (object_name(p, got, sizeof(got)) == 0 &&
			    strcmp(got, name) == 0)
				return 1;
		}
	}
	return 0;
}

static void
test_defs_have_one_home(void **state)
{
	int objects = 0;

	(void)state;
	assert_non_null(schema_defs[0].name);
	for (const struct schema_def *d = schema_defs; d->name != NULL; d++) {
		const char *p = d->sql;
		const char *create = "CREATE OR REPLACE ";

		/* Each CREATE in a definition replaces: it runs again on every
		 * upgrade.  Statements begin a line; a CREATE inside a body
		 * (a function's temporary table) is indented. */
		while ((p = strstr(p, "CREATE ")) != NULL) {
			char name[64];
			const char *q;

			if (p != d->sql && p[-1] != '\n') {
				p++;
				continue;
			}
			if (strncmp(p, create, strlen(create)) != 0)
				fail_msg("%s: a CREATE that does not replace",
				    d->name);
			q = p + strlen(create);
			if (strncmp(q, "FUNCTION ", 9) == 0)
				q += 9;
			else if (strncmp(q, "VIEW ", 5) == 0)
				q += 5;
			else
				fail_msg("%s: only functions and views belong "
				         "in a definition",
				    d->name);
			assert_int_equal(object_name(q, name, sizeof(name)), 0);
			objects++;
			for (const struct migration *m = migrations;
			     m->name != NULL; m++)
				if (m->version >= DEFS_SINCE &&
				    makes(m->sql, name))
					fail_msg("%s makes %s, whose home is "
					         "sql/defs/%s",
					    m->name, name, d->name);
			p = q;
		}
	}
	assert_true(objects >= 2);
}

/* The check itself: a migration that makes a function is seen. */
static void
test_makes(void **state)
{
	(void)state;
	assert_true(makes("CREATE OR REPLACE FUNCTION source_classes_now(p",
	    "source_classes_now"));
	assert_true(makes("CREATE VIEW record_analysis AS", "record_analysis"));
	assert_false(makes("CREATE FUNCTION source_classes(p",
	    "source_"
	    "classes_now"));
	assert_false(makes("-- record_analysis is a view", "record_analysis"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_makes),
	    cmocka_unit_test(test_defs_have_one_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
