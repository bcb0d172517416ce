/*
 * Unit tests for reports/prom.c and reports/metrics_prom.c: the
 * Prometheus text format from hand-made values, a stranger's string in a
 * label, each expected text written out by hand from the format's rules
 * (label values: \\ \" \n; HELP: \\ \n; nothing else changes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "metrics.h"
#include "metrics_prom.h"
#include "prom.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What fn wrote for s, into a string the caller frees. */
static char *
written(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	fn(fp, s);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

struct escape_case {
	const char *in, *label, *help;
};

static const struct escape_case escape_cases[] = {
    {"example.com", "example.com", "example.com"},
    /* The three escapes of a label value; HELP leaves the quote. */
    {"a\"b", "a\\\"b", "a\"b"},
    {"a\\b", "a\\\\b", "a\\\\b"},
    {"a\nb", "a\\nb", "a\\nb"},
    /* A value that tries to close the label and add another. */
    {"x\",domain=\"y", "x\\\",domain=\\\"y", "x\",domain=\"y"},
    /* A value that tries to end the line and start a sample. */
    {"x\"} 1\ndmarcsift_up 0\n#", "x\\\"} 1\\ndmarcsift_up 0\\n#",
        "x\"} 1\\ndmarcsift_up 0\\n#"},
    /* An escape already written is escaped again: \n stays two bytes. */
    {"\\n\\\"", "\\\\n\\\\\\\"", "\\\\n\\\\\""},
    /* No escape for these in the format: kept as they are. */
    {"a\tb\rc", "a\tb\rc", "a\tb\rc"},
    /* UTF-8 as it is; what is not UTF-8 as U+FFFD. */
    {"b\xc3\xa9ton.example", "b\xc3\xa9ton.example", "b\xc3\xa9ton.example"},
    {"a\xff"
     "b",
        "a\xef\xbf\xbd"
        "b",
        "a\xef\xbf\xbd"
        "b"},
    {"cut\xc3", "cut\xef\xbf\xbd", "cut\xef\xbf\xbd"},
    /* An overlong '"' (0xc0 0xa2) is no quote, and not UTF-8 either. */
    {"\xc0\xa2", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd"},
    {"", "", ""},
};

static void
test_escaping(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]);
	     i++) {
		const struct escape_case *c = &escape_cases[i];
		char *label = written(prom_label_value, c->in);
		char *help = written(prom_help_text, c->in);

		if (strcmp(label, c->label) != 0 || strcmp(help, c->help) != 0)
			fail_msg("case %zu: label '%s' (want '%s'), help '%s' "
			         "(want '%s')",
			    i, label, c->label, help, c->help);
		free(label);
		free(help);
	}
	/* NULL is the empty value. */
	{
		char *label = written(prom_label_value, NULL);

		assert_string_equal(label, "");
		free(label);
	}
}

struct ratio_case {
	uint64_t part, whole;
	const char *text;
};

static const struct ratio_case ratio_cases[] = {
    {23, 25, "0.92"},
    {722, 790, "0.9139240506329114"}, /* as PostgreSQL's float8 */
    {1, 3, "0.3333333333333333"},
    {0, 7, "0"},
    {7, 7, "1"},
    {8, 7, "1"}, /* a part above its whole is the whole */
    {1, 100000, "1e-05"},
    /* Nearly all, but not all: never 1. */
    {999999999, 1000000000, "0.999999999"},
    {UINT64_MAX - 1, UINT64_MAX, "0.9999999999999999"},
};

static void
test_ratio(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ratio_cases) / sizeof(ratio_cases[0]);
	     i++) {
		const struct ratio_case *c = &ratio_cases[i];
		char buf[PROM_RATIO_LEN];

		prom_ratio_text(c->part, c->whole, buf, sizeof(buf));
		if (strcmp(buf, c->text) != 0)
			fail_msg("%zu / %zu: '%s', want '%s'", (size_t)c->part,
			    (size_t)c->whole, buf, c->text);
	}
}

static void
test_samples(void **state)
{
	const struct prom_label l[2] = {{"domain", "a\"b"}, {"period", "1d"}};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(fp);
	prom_family(fp, "x_total", "counter", "Help with \\ and\nline.");
	prom_sample_u64(fp, "x_total", NULL, 0, UINT64_MAX);
	prom_sample_i64(fp, "x_seconds", l + 1, 1, -5);
	prom_sample_ratio(fp, "x_ratio", l, 2, 1, 4);
	/* The ratio of nothing is no sample. */
	prom_sample_ratio(fp, "x_ratio", l, 2, 0, 0);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf,
	    "# HELP x_total Help with \\\\ and\\nline.\n"
	    "# TYPE x_total counter\n"
	    "x_total 18446744073709551615\n"
	    "x_seconds{period=\"1d\"} -5\n"
	    "x_ratio{domain=\"a\\\"b\",period=\"1d\"} 0.25\n");
	free(buf);
}

/*
 * The whole exposition of a hand-made struct whose domain and command
 * are a stranger's worst: every line is a comment or one sample of the
 * shape name{labels} value, the hostile names come out escaped, and the
 * numbers are the struct's.
 */
static void
test_metrics(void **state)
{
	struct metrics_run run = {
	    .command = "ingest\"} 9\nx",
	    .finished = 3,
	    .interrupted = 1,
	    .last_finished = 1763366400,
	    .inputs_new = 10,
	    .records_new = 42,
	    .refused = 2,
	};
	struct metrics_domain dom = {
	    .domain = "ev\"il\\.test\n",
	    .day = {0, 0},
	    .week = {8, 6},
	};
	struct metrics m;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, samples = 0;
	regex_t sample;
	FILE *fp;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.runs = &run;
	m.nruns = 1;
	m.outcomes[0].name = "reports";
	m.outcomes[0].inputs = 9;
	m.outcomes[1].name = "partial";
	m.outcomes[2].name = "refused";
	m.outcomes[3].name = "skipped";
	m.reports = 12;
	m.records = 42;
	m.domains = &dom;
	m.ndomains = 1;
	m.other.week.messages = 5;
	m.other_week = 1;
	m.database_bytes = 123456;
	for (size_t k = 0; k < ALERT_NKINDS; k++)
		m.alerts[k].kind = alert_kind_name((enum alert_kind)k);
	m.alerts[ALERT_ROLLBACK].open = 2;
	assert_non_null(fp = open_memstream(&buf, &len));
	metrics_prom(fp, &m);
	assert_int_equal(fclose(fp), 0);

	assert_non_null(strstr(buf,
	    "\ndmarcsift_ingest_runs_total{command=\"ingest\\\"} 9\\nx\","
	    "status=\"finished\"} 3\n"));
	assert_non_null(strstr(buf,
	    "\ndmarcsift_ingest_runs_total{command=\"ingest\\\"} 9\\nx\","
	    "status=\"failed\"} 0\n"));
	assert_non_null(strstr(buf,
	    "\ndmarcsift_domain_messages{domain=\"ev\\\"il\\\\.test\\n\","
	    "period=\"7d\"} 8\n"));
	assert_non_null(strstr(buf,
	    "\ndmarcsift_domain_dmarc_pass_ratio{domain=\"ev\\\"il\\\\.test"
	    "\\n\",period=\"7d\"} 0.75\n"));
	/* No mail on the day: its messages are 0 and it has no ratio. */
	assert_non_null(strstr(buf,
	    "\ndmarcsift_domain_messages{domain=\"ev\\\"il\\\\.test\\n\","
	    "period=\"1d\"} 0\n"));
	assert_null(strstr(buf, "period=\"1d\"} 0.")); /* no ratio at all */
	assert_non_null(strstr(buf,
	    "\ndmarcsift_domain_messages{domain=\"(other)\",period=\"7d\"} "
	    "5\n"));
	assert_non_null(strstr(
	    buf, "\ndmarcsift_ingest_last_success_timestamp_seconds{command="));
	assert_non_null(strstr(buf, "\ndmarcsift_records 42\n"));
	assert_non_null(
	    strstr(buf, "\ndmarcsift_database_size_bytes 123456\n"));
	/* Every alert kind, open or not. */
	assert_non_null(
	    strstr(buf, "\ndmarcsift_alerts_open{kind=\"rollback\"} 2\n"));
	assert_non_null(
	    strstr(buf, "\ndmarcsift_alerts_open{kind=\"new_source\"} 0\n"));
	assert_int_equal(buf[len - 1], '\n');

	/* A label value: anything but an unescaped quote, backslash or
	 * newline. */
	assert_int_equal(regcomp(&sample,
	                     "^dmarcsift_[a-z_]+(\\{[a-z]+=\"([^\"\\\\\n]|"
	                     "\\\\[\\\\\"n])*\"(,[a-z]+=\"([^\"\\\\\n]|"
	                     "\\\\[\\\\\"n])*\")*\\})? -?[0-9][0-9.e+-]*$",
	                     REG_EXTENDED | REG_NOSUB),
	    0);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP dmarcsift_", 17) == 0 ||
		    strncmp(line, "# TYPE dmarcsift_", 17) == 0)
			continue;
		if (regexec(&sample, line, 0, NULL, 0) != 0)
			fail_msg("not one sample: '%s'", line);
		samples++;
	}
	regfree(&sample);
	/* Runs 3 (finished, failed, interrupted) + 1 + 1 + 2 + 1 + 1;
	 * stored 4 + 1 + 1 + 1; the domain and (other): 4 messages, 2
	 * ratios (their 7d: 6 of 8, 0 of 5); 2 other_domains; 1 size; the
	 * 8 alert kinds. */
	assert_int_equal(samples, 9 + 7 + 4 + 2 + 2 + 1 + ALERT_NKINDS);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_ratio),
	    cmocka_unit_test(test_samples),
	    cmocka_unit_test(test_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
