/*
 * Unit tests for reports/alert_text.c: an alert's lines name strangers'
 * strings (a reporter, a foreign domain, a refused file); what reaches a
 * terminal, cron's mail and the webhook is printable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alert.h"
#include "alert_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
test_hostile_names(void **state)
{
	struct alert a = {0};
	struct alert_list l = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	a.kind = ALERT_REPORTER_SILENT;
	a.key = "reporter_silent:example.com:x";
	a.domain = "example.com";
	a.text = "example.com: ev\033[2Jil\xe2\x80\xae.example reported on 7 "
	         "of the 7 days\r\nFAKE: all is well";
	a.fix = "ask \033]8;;http://x\033\\them";
	a.is_new = 1;
	l.day = 1773100800;
	l.v = &a;
	l.n = l.nnew = 1;
	assert_non_null(fp = open_memstream(&buf, &len));
	alert_text(fp, &l);
	assert_int_equal(fclose(fp), 0);
	assert_null(strchr(buf, '\033'));
	assert_null(strchr(buf, '\r'));
	assert_null(strstr(buf, "\xe2\x80\xae"));
	assert_null(strstr(buf, "\nFAKE"));
	assert_non_null(strstr(buf, "[reporter_silent] example.com: ev?"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostile_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
