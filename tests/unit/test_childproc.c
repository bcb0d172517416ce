/*
 * Unit tests for common/childproc.c: exit statuses in words, the output
 * ceiling and its tail, the timeout, a program that is not there, and
 * what the child starts with (environment, directory, signals, stderr).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "childproc.h"
#include "err.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Runs /bin/sh -c script with o; the result's output as a string. */
static int
sh(const char *script, const struct childproc_opts *o,
    struct childproc_result *res, struct err *err)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};

	return childproc_run(argv, o, res, err);
}

static void
test_status(void **state)
{
	static const struct {
		const char *script;
		int ok;
		const char *text;
	} cases[] = {
	    {"exit 0", 1, "exited with status 0"},
	    {"exit 3", 0, "exited with status 3"},
	    {"exit 127", 0, "exited with status 127 (command not found?)"},
	    {"kill -9 $$", 0, "was killed by signal 9 ("},
	    {"kill -TERM $$", 0, "was killed by signal 15 ("},
	};
	struct childproc_opts o = {.out_max = 100};
	struct childproc_result res;
	struct err err;
	char text[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (sh(cases[i].script, &o, &res, &err) != 0)
			fail_msg("%s: %s", cases[i].script, err.msg);
		assert_int_equal(childproc_ok(res.status), cases[i].ok);
		childproc_status_text(res.status, text, sizeof(text));
		if (strncmp(text, cases[i].text, strlen(cases[i].text)) != 0)
			fail_msg("%s: '%s'", cases[i].script, text);
		childproc_result_free(&res);
	}
}

static void
test_output(void **state)
{
	struct childproc_opts o = {.out_max = 100};
	struct childproc_result res;
	struct err err;

	/* stderr passes through by default: only stdout is captured. */
	assert_int_equal(sh("echo out; echo err >&2", &o, &res, &err), 0);
	assert_string_equal(dynbuf_str(&res.out), "out\n");
	childproc_result_free(&res);
	o.stderr_to = CHILDPROC_STDERR_CAPTURE;
	assert_int_equal(sh("echo out; echo err >&2", &o, &res, &err), 0);
	assert_string_equal(dynbuf_str(&res.out), "out\nerr\n");
	childproc_result_free(&res);
	/* stdin is /dev/null: a read ends at once. */
	assert_int_equal(sh("read x; echo \"[$x]\"", &o, &res, &err), 0);
	assert_string_equal(dynbuf_str(&res.out), "[]\n");
	childproc_result_free(&res);
}

static void
test_ceiling(void **state)
{
	struct childproc_opts o = {.name = "the command", .out_max = 4096};
	struct childproc_result res;
	struct err err;
	size_t len;

	/* Exactly the ceiling is fine. */
	assert_int_equal(
	    sh("head -c 4096 /dev/zero | tr '\\0' x", &o, &res, &err), 0);
	assert_int_equal(res.out.len, 4096);
	childproc_result_free(&res);
	/* One byte more fails, and so does an endless writer. */
	assert_int_equal(
	    sh("head -c 4097 /dev/zero", &o, &res, &err), ERR_LIMIT);
	assert_string_equal(
	    err.msg, "the command printed more than 4096 bytes");
	assert_int_equal(res.out.len, 0);
	assert_int_equal(sh("yes", &o, &res, &err), ERR_LIMIT);
	/* With out_tail, the end is kept instead. */
	o.out_tail = 1;
	o.out_max = 100;
	assert_int_equal(sh("seq 1 20000", &o, &res, &err), 0);
	len = res.out.len;
	assert_int_equal(len, 100);
	assert_string_equal(res.out.p + len - 12, "19999\n20000\n");
	childproc_result_free(&res);
}

static void
test_timeout(void **state)
{
	struct childproc_opts o = {.out_max = 100, .timeout_s = 1};
	struct childproc_result res;
	struct err err;
	time_t t0 = time(NULL);

	/* Silent and slow. */
	assert_int_equal(sh("exec sleep 20", &o, &res, &err), ERR_LIMIT);
	assert_non_null(
	    strstr(err.msg, "sh took longer than 1 seconds and was killed"));
	/* Its output closed, but still running. */
	assert_int_equal(
	    sh("exec >&-; exec sleep 20", &o, &res, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "took longer than 1 seconds"));
	assert_true(time(NULL) - t0 < 10);
	/* In time: no trouble. */
	assert_int_equal(sh("echo quick", &o, &res, &err), 0);
	assert_string_equal(dynbuf_str(&res.out), "quick\n");
	childproc_result_free(&res);
}

static void
test_cannot_run(void **state)
{
	char *missing[] = {"/nonexistent/dmarcsift-test-prog", NULL};
	char *dir[] = {"/", NULL};
	char *argv[] = {"/bin/true", NULL};
	struct childproc_opts o = {.out_max = 100};
	struct childproc_result res;
	struct err err;

	assert_int_equal(childproc_run(missing, &o, &res, &err), ERR_IO);
	assert_string_equal(err.msg,
	    "cannot run /nonexistent/dmarcsift-test-"
	    "prog: No such file or directory");
	assert_int_equal(childproc_run(dir, &o, &res, &err), ERR_IO);
	assert_non_null(strstr(err.msg, "cannot run /: Permission denied"));
	o.dir = "/nonexistent";
	assert_int_equal(childproc_run(argv, &o, &res, &err), ERR_IO);
	assert_string_equal(err.msg,
	    "cannot run true: cannot enter "
	    "/nonexistent: No such file or directory");
}

static void
test_environment(void **state)
{
	char *envp[] = {"DS_CHILD_TEST=here", NULL};
	struct childproc_opts o = {.out_max = 200, .envp = envp, .dir = "/"};
	struct childproc_result res;
	struct err err;
	void (*old)(int);

	assert_int_equal(
	    sh("echo \"$DS_CHILD_TEST ${HOME-nohome} $(pwd)\"", &o, &res, &err),
	    0);
	assert_string_equal(dynbuf_str(&res.out), "here nohome /\n");
	childproc_result_free(&res);
	/* What we ignore, the program does not. */
	old = signal(SIGPIPE, SIG_IGN);
	o.envp = NULL;
	assert_int_equal(
	    sh("exec grep ^SigIgn: /proc/self/status", &o, &res, &err), 0);
	signal(SIGPIPE, old);
	assert_string_equal(
	    dynbuf_str(&res.out), "SigIgn:\t0000000000000000\n");
	childproc_result_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_output),
	    cmocka_unit_test(test_ceiling),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_cannot_run),
	    cmocka_unit_test(test_environment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
