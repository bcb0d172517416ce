/* Unit tests for reports/advise_text.c and advise_json.c: fixed advices
 * (made by hand, judged by readiness.c) rendered byte for byte as the
 * golden files in tests/data/advise/ say, hostile strings kept off the
 * terminal, valid JSON with the documented keys, and write errors seen.
 * DS_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "advise.h"
#include "advise_render.h"
#include "err.h"
#include "readiness.h"
#include "senders_fixture.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400
#define T0 1715731200 /* 2024-05-15T00:00:00Z */

/* Every source of the period; the first three legitimate and failing,
 * with strangers' names in the second and third. */
static struct source srcs[] = {
    {.ip = "192.0.2.10",
        .cls = SOURCE_LEGITIMATE,
        .service = "SendGrid",
        .ptr = "o1.sendgrid.net",
        .messages = 500,
        .passed = 20,
        .failed = 480,
        .cause = "dkim_unaligned",
        .cause_messages = 480,
        .reporters = 2,
        .first_seen = T0 - 13 * DAY,
        .last_seen = T0 - DAY,
        .who = "SendGrid"},
    {.ip = "2001:db8:ffff:ffff:ffff:ffff:ffff:fff1",
        .cls = SOURCE_LEGITIMATE,
        .service = NULL,
        .ptr = "evil\x1b[31m\xe2\x80\xae.example\"\\\x7f\xc2\x9b"
               "\xff.net",
        .messages = 120,
        .passed = 60,
        .failed = 60,
        .cause = "spf_unaligned",
        .first_seen = T0 - 3 * DAY,
        .last_seen = T0 - 2 * DAY},
    {.ip = "198.51.100.7",
        .cls = SOURCE_LEGITIMATE,
        .messages = 40,
        .passed = 38,
        .failed = 2,
        .cause = "weird\x01"
                 "cause",
        .first_seen = T0 - 9 * DAY,
        .last_seen = T0 - 9 * DAY},
    {.ip = "203.0.113.66",
        .cls = SOURCE_SPOOFING,
        .messages = 900,
        .failed = 900,
        .cause = "no_auth",
        .first_seen = T0 - 5 * DAY,
        .last_seen = T0 - DAY},
    {.ip = "203.0.113.9",
        .cls = SOURCE_FORWARDER,
        .ptr = "fwd.lists.example.org",
        .messages = 300,
        .passed = 100,
        .failed = 200,
        .cause = "forwarded"},
    {.ip = "192.0.2.1",
        .cls = SOURCE_LEGITIMATE,
        .ptr = "mail.example.com",
        .messages = 8140,
        .passed = 8140},
};
#define NSRC (sizeof(srcs) / sizeof(srcs[0]))

/* Not ready at p=none: a named source fails, new sources, hostile names,
 * a published record, a what-if. */
/* Two reporters: one genuine that jumped (a note only), one under a
 * hostile name whose reports failed authentication, 1.5% of the mail
 * reported: the reports reason blocks. */
static struct reporter_trust trust[] = {
    {"google.com", 14, 14, 0, 0, 9850, 9850, 0, 5000, 400, 21, "",
        "mx.example.com"},
    {"evil\x1b[31m\xe2\x80\xae.example", 3, 0, 3, 0, 150, 0, 150, 0, 0, 0,
        "mx.example.com saw no DKIM or DMARC pass for evil.example (dkim=none)",
        "mx.example.com"},
};

static void
advice_notready(struct advice *a)
{
	struct err err;

	memset(a, 0, sizeof(*a));
	strcpy(a->domain, "example.com");
	a->days = 14;
	a->until = T0;
	readiness_thresholds_default(&a->thresholds);
	a->now.known = 1;
	strcpy(a->now.p, "none");
	strcpy(a->now.sp, "none");
	strcpy(a->now.adkim, "r");
	strcpy(a->now.aspf, "r");
	a->now.pct = 100;
	a->now.reported_at = T0 - DAY;
	a->now.since = T0 - 40 * DAY;

	a->in.days_with_data = 14;
	strcpy(a->in.first_day, "2024-05-01");
	strcpy(a->in.last_day, "2024-05-14");
	a->in.reporters = 4;
	a->in.messages = 10000;
	a->in.passed = 8358;
	a->in.legit_messages = 8800;
	a->in.legit_passed = 8258;
	a->in.forwarded = 300;
	a->in.spoofing = 900;
	a->in.new_sources = 2;
	a->in.new_messages = 1020;
	a->in.sub_messages = 0;
	a->in.sub_names = 4;
	a->in.sub_names_failing = 0;
	fx_set_sources(&a->in, srcs, NSRC);
	a->published = "v=DMARC1; p=none; rua=mailto:dmarc@example.com; "
	               "ruf=mailto:f@example.com; fo=1";
	a->in.published = a->published;
	a->trust = trust;
	a->n_trust = 2;
	a->in.trust = trust;
	a->in.n_trust = 2;
	readiness_judge(&a->thresholds, a->domain, &a->now, &a->in, &a->r);
	a->has_whatif = 1;
	fx_hits(srcs, NSRC, &(struct policy_spec){2, -1, -1, 100, 0},
	    ADVISE_WHATIF_SOURCES, &a->hits);
	fx_whatif_senders(srcs, NSRC, &(struct policy_spec){2, -1, -1, 100, 0},
	    ADVISE_WHATIF_SENDERS, ADVISE_WHATIF_ADDRESSES, &a->whatif_senders);
	assert_int_equal(
	    whatif_compute(&(struct policy_spec){2, -1, -1, 100, 0}, &a->hits,
	        &a->whatif, &err),
	    0);
}

/* At p=reject, all well, np advice; no what-if. */
static void
advice_last(struct advice *a)
{
	memset(a, 0, sizeof(*a));
	strcpy(a->domain, "example.org");
	a->days = 14;
	a->until = T0;
	readiness_thresholds_default(&a->thresholds);
	a->now.known = 1;
	strcpy(a->now.p, "reject");
	strcpy(a->now.sp, "none");
	a->now.pct = -1;
	a->now.reported_at = T0 - DAY;
	a->now.since = T0 - 90 * DAY;
	a->in.days_with_data = 14;
	strcpy(a->in.first_day, "2024-05-01");
	strcpy(a->in.last_day, "2024-05-14");
	a->in.reporters = 2;
	a->in.messages = 5000;
	a->in.passed = 4990;
	a->in.legit_messages = 4990;
	a->in.legit_passed = 4990;
	a->in.spoofing = 10;
	a->in.sub_messages = 10;
	a->in.sub_names = 2;
	a->in.sub_names_failing = 2;
	readiness_judge(&a->thresholds, a->domain, &a->now, &a->in, &a->r);
}

/* Nothing known: no report, pct 50 what-if over no sources. */
static void
advice_nodata(struct advice *a)
{
	struct err err;

	memset(a, 0, sizeof(*a));
	strcpy(a->domain, "new.example");
	a->days = 14;
	a->until = T0;
	readiness_thresholds_default(&a->thresholds);
	a->now.pct = -1;
	readiness_judge(&a->thresholds, a->domain, &a->now, &a->in, &a->r);
	a->has_whatif = 1;
	assert_int_equal(whatif_compute(&(struct policy_spec){1, -1, -1, 50, 0},
	                     NULL, &a->whatif, &err),
	    0);
}

static char *
render(const struct advice *a, int json, int color, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	assert_non_null(fp);
	if (json)
		assert_int_equal(advise_json(fp, a), 0);
	else
		assert_int_equal(advise_text(fp, a, color), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
golden(const char *name, const char *got, size_t len)
{
	char path[512];
	const char *update = getenv("DS_UPDATE_GOLDEN");
	FILE *fp;
	char *want;
	long size;

	snprintf(path, sizeof(path), "%s/advise/%s", DS_TESTDATA, name);
	if (update != NULL && strcmp(update, "1") == 0) {
		fp = fopen(path, "wb");
		if (fp == NULL)
			fail_msg("cannot write %s", path);
		assert_int_equal(fwrite(got, 1, len, fp), len);
		assert_int_equal(fclose(fp), 0);
		return;
	}
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot read %s (DS_UPDATE_GOLDEN=1 writes it)", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	rewind(fp);
	want = malloc((size_t)size + 1);
	assert_non_null(want);
	assert_int_equal(fread(want, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	if ((size_t)size != len || memcmp(want, got, len) != 0) {
		size_t i = 0;

		while (i < len && i < (size_t)size && want[i] == got[i])
			i++;
		fprintf(
		    stderr, "--- got (%zu bytes):\n%.*s\n", len, (int)len, got);
		free(want);
		fail_msg("%s differs from the output at byte %zu", path, i);
	}
	free(want);
}

/* No escape or other control byte, no C1 control, no bidirectional
 * override, valid UTF-8: safe for a terminal. */
static void
assert_terminal_safe(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(p + i, len - i);

		if (n == 0)
			fail_msg("invalid UTF-8 at byte %zu", i);
		if (n == 1 && ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f))
			fail_msg("control byte 0x%02x at %zu", p[i], i);
		if (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
			fail_msg("C1 control at %zu", i);
		if (n == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    p[i + 2] >= 0xaa && p[i + 2] <= 0xae)
			fail_msg("bidi override at %zu", i);
		i += n;
	}
}

/*
 * A small strict JSON checker: the whole text is one value (RFC 8259),
 * strings hold no raw control bytes and only valid UTF-8; the keys of the
 * top-level object are collected.
 */
struct jp {
	const char *p, *end;
	int depth;
	char keys[64][32];
	int nkeys;
};

static int jvalue(struct jp *j);

static void
jws(struct jp *j)
{
	while (j->p < j->end &&
	    (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

static int
jstring(struct jp *j, char *out, size_t outsz)
{
	size_t o = 0;

	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		const unsigned char *c = (const unsigned char *)j->p;
		size_t n;

		if (*c < 0x20)
			return -1;
		if (*c == '\\') {
			if (j->p + 1 >= j->end)
				return -1;
			if (j->p[1] == 'u') {
				for (int k = 2; k < 6; k++)
					if (j->p + k >= j->end ||
					    strchr("0123456789abcdefABCDEF",
					        j->p[k]) == NULL ||
					    j->p[k] == '\0')
						return -1;
				j->p += 6;
				continue;
			}
			if (strchr("\"\\/bfnrt", j->p[1]) == NULL ||
			    j->p[1] == '\0')
				return -1;
			j->p += 2;
			continue;
		}
		n = utf8_seq_len(c, (size_t)(j->end - j->p));
		if (n == 0)
			return -1;
		if (out != NULL && o + n < outsz) {
			memcpy(out + o, j->p, n);
			o += n;
		}
		j->p += n;
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	if (out != NULL)
		out[o] = '\0';
	return 0;
}

static int
jdigits(struct jp *j)
{
	const char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : -1;
}

static int
jnumber(struct jp *j)
{
	if (*j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (jdigits(j) < 0)
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (jdigits(j) < 0)
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (jdigits(j) < 0)
			return -1;
	}
	return 0;
}

static int
jword(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int
jcontainer(struct jp *j, char open)
{
	char close = open == '{' ? '}' : ']';
	char key[32];
	int first = 1;

	j->p++;
	j->depth++;
	jws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		jws(j);
		if (!first) {
			if (j->p >= j->end || *j->p != ',')
				break;
			j->p++;
			jws(j);
		}
		first = 0;
		if (open == '{') {
			if (jstring(j, key, sizeof(key)) < 0)
				return -1;
			if (j->depth == 1 && j->nkeys < 64)
				strcpy(j->keys[j->nkeys++], key);
			jws(j);
			if (j->p >= j->end || *j->p != ':')
				return -1;
			j->p++;
		}
		if (jvalue(j) < 0)
			return -1;
	}
	if (j->p >= j->end || *j->p != close)
		return -1;
	j->p++;
	j->depth--;
	return 0;
}

static int
jvalue(struct jp *j)
{
	jws(j);
	if (j->p >= j->end || j->depth > 32)
		return -1;
	switch (*j->p) {
	case '{':
	case '[':
		return jcontainer(j, *j->p);
	case '"':
		return jstring(j, NULL, 0);
	case 't':
		return jword(j, "true");
	case 'f':
		return jword(j, "false");
	case 'n':
		return jword(j, "null");
	}
	return jnumber(j);
}

static void
assert_json(const char *s, size_t len, struct jp *j)
{
	memset(j, 0, sizeof(*j));
	j->p = s;
	j->end = s + len;
	if (jvalue(j) < 0)
		fail_msg("invalid JSON at byte %zu: %.40s", (size_t)(j->p - s),
		    j->p);
	jws(j);
	if (j->p != j->end)
		fail_msg("text after the JSON value at byte %zu",
		    (size_t)(j->p - s));
}

static const char *const json_keys[] = {"domain", "period", "policy_now",
    "policy_now_text", "step_now", "step_reported", "step_published",
    "policy_published_text", "ready", "waiting", "next_step", "next_step_no",
    "next_record", "next_record_name", "published", "rollback_record",
    "reasons", "thresholds", "evidence", "failing_senders", "reporters",
    "sp_advice", "np_advice", "whatif"};

static void
assert_keys(const struct jp *j)
{
	size_t n = sizeof(json_keys) / sizeof(json_keys[0]);

	assert_int_equal(j->nkeys, (int)n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(j->keys[i], json_keys[i]);
}

static void
test_checker(void **state)
{
	/* The checker itself must refuse what is not JSON. */
	static const char *const bad[] = {"", "{", "{\"a\":}", "[1,]",
	    "{\"a\" 1}", "\"\x01\"", "01", "1.", "tru", "{} {}", "\"\\x\"",
	    "\"\xff\"", "[\"a\"\"b\"]", "\"\\u12g4\""};
	static const char *const good[] = {"{}", "[]",
	    "{\"a\":[1,-2.5e3,"
	    "true,null,\"\\u00e9\"]}",
	    "\"\xc3\xa9\"", "0"};
	struct jp j;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&j, 0, sizeof(j));
		j.p = bad[i];
		j.end = bad[i] + strlen(bad[i]);
		if (jvalue(&j) == 0 && (jws(&j), j.p == j.end))
			fail_msg("accepted bad %zu: %s", i, bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_json(good[i], strlen(good[i]), &j);
}

static void
test_notready(void **state)
{
	struct advice a;
	struct jp j;
	char *out;
	size_t len;

	advice_notready(&a);
	assert_int_equal(a.r.ready, 0);

	out = render(&a, 0, 0, &len);
	golden("notready.txt", out, len);
	assert_terminal_safe(out, len);
	assert_non_null(strstr(out, "NOT READY for p=quarantine; t=y; pct=0"));
	assert_non_null(strstr(out,
	    "_dmarc.example.com. TXT \"v=DMARC1; p=quarantine; t=y; pct=0; "
	    "rua=mailto:dmarc@example.com; ruf=mailto:f@example.com; "
	    "fo=1\"\n"));
	free(out);

	out = render(&a, 0, 1, &len);
	golden("notready-color.txt", out, len);
	assert_non_null(strstr(out, "\033[1;31mNOT READY\033[0m"));
	free(out);

	out = render(&a, 1, 0, &len);
	golden("notready.json", out, len);
	assert_json(out, len, &j);
	assert_keys(&j);
	assert_non_null(strstr(out, "\"ready\":false,"));
	/* 8258 of 8800 is 93.84...: the 93.8 of the pass_rate reason. */
	assert_non_null(strstr(out, "\"mine_pass_rate\":93.8,"));
	assert_non_null(
	    strstr(out, "\"text\":\"93.8% of the mail that may be yours"));
	free(out);
	/* Senders the query left out: counted, and not said to be in
	 * --json, which has only what the query gave. */
	a.r.n_senders = a.r.n_groups + 200;
	out = render(&a, 0, 0, &len);
	assert_non_null(strstr(out, "  and 200 more senders\n"));
	free(out);
	whatif_free(&a.whatif);
	readiness_free(&a.r);
}

static void
test_last(void **state)
{
	struct advice a;
	struct jp j;
	char *out;
	size_t len;

	advice_last(&a);
	assert_int_equal(a.r.step_now, 4);

	out = render(&a, 0, 0, &len);
	golden("last.txt", out, len);
	assert_terminal_safe(out, len);
	assert_null(strstr(out, "TXT"));
	free(out);

	out = render(&a, 1, 0, &len);
	golden("last.json", out, len);
	assert_json(out, len, &j);
	assert_keys(&j);
	assert_non_null(strstr(out,
	    "\"next_step\":null,\"next_step_no\":null,\"next_record\":null,"));
	assert_non_null(strstr(out, "\"whatif\":null}"));
	free(out);
	readiness_free(&a.r);
}

/* At p=reject, losing legitimate mail: ROLL BACK, never "nothing
 * further to publish", with the record of step 1, which does not act. */
static void
test_last_rollback(void **state)
{
	struct advice a;
	char *out;
	size_t len;

	advice_last(&a);
	/* 60 of the 4990 messages that may be yours: 60 * 1000 / 4990 =
	 * 12.02 per mille, rounded up 1.3%, over 1%. */
	a.in.legit_lost = 60;
	readiness_free(&a.r);
	readiness_judge(&a.thresholds, a.domain, &a.now, &a.in, &a.r);
	assert_int_equal(a.r.step_now, 4);
	assert_int_equal(a.r.next_step_no, -1);
	assert_int_equal(a.r.rollback_step, 1);
	out = render(&a, 0, 0, &len);
	assert_null(strstr(out, "nothing further to publish"));
	assert_non_null(strstr(out,
	    "Verdict:    ROLL BACK: legitimate mail "
	    "is being lost (see watch)\n"));
	assert_non_null(strstr(out, "1.3% of the mail that may be yours"));
	assert_non_null(strstr(out,
	    "\nRoll back\n  _dmarc.example.org. TXT "
	    "\"v=DMARC1; p=quarantine; t=y; pct=0;"));
	assert_non_null(strstr(out, "Receivers apply p=none to this test"));
	assert_non_null(strstr(out,
	    "Not a step between: p=reject; t=y; "
	    "pct=0 and p=quarantine still quarantine "
	    "it.\n"));
	free(out);
	out = render(&a, 1, 0, &len);
	assert_non_null(strstr(out,
	    "\"rollback_record\":\"v=DMARC1; "
	    "p=quarantine; t=y; pct=0;"));
	free(out);
	readiness_free(&a.r);
}

static void
test_nodata(void **state)
{
	struct advice a;
	struct jp j;
	char *out;
	size_t len;

	advice_nodata(&a);
	out = render(&a, 0, 0, &len);
	golden("nodata.txt", out, len);
	assert_terminal_safe(out, len);
	free(out);

	out = render(&a, 1, 0, &len);
	golden("nodata.json", out, len);
	assert_json(out, len, &j);
	assert_keys(&j);
	assert_non_null(strstr(out, "\"policy_now\":null,"));
	assert_non_null(strstr(out, "\"mine_pass_rate\":null,"));
	free(out);
	whatif_free(&a.whatif);
	readiness_free(&a.r);
}

/* Every byte value in every string a stranger controls: the text stays
 * terminal-safe and the JSON valid. */
static void
test_hostile_everywhere(void **state)
{
	struct advice a;
	struct jp j;
	char junk[300], *out;
	size_t len;
	struct source s[2];

	for (int i = 0; i < 255; i++)
		junk[i] = (char)(i + 1);
	junk[255] = '\0';
	advice_notready(&a);
	memcpy(s, srcs, sizeof(s));
	s[0].ip = s[0].service = s[0].ptr = s[0].cause = junk;
	s[1].ptr = junk;
	fx_set_sources(&a.in, s, 2);
	memcpy(a.domain, junk + 1, 255); /* 254 bytes and the NUL */
	a.published = junk;
	a.in.published = junk;
	memcpy(a.now.sp, junk, sizeof(a.now.sp) - 1);
	readiness_free(&a.r);
	readiness_judge(&a.thresholds, a.domain, &a.now, &a.in, &a.r);
	whatif_free(&a.whatif);
	fx_hits(s, 2, &(struct policy_spec){2, -1, -1, 100, 0}, 1, &a.hits);
	fx_whatif_senders(s, 2, &(struct policy_spec){2, -1, -1, 100, 0}, 1, 1,
	    &a.whatif_senders);
	assert_int_equal(
	    whatif_compute(&(struct policy_spec){2, -1, -1, 100, 0}, &a.hits,
	        &a.whatif, &(struct err){0}),
	    0);

	out = render(&a, 0, 0, &len);
	assert_terminal_safe(out, len);
	free(out);
	out = render(&a, 0, 1, &len);
	/* Colour adds escapes of ours, never one of theirs: strip ours. */
	for (char *e; (e = strstr(out, "\033[")) != NULL;) {
		char *m = strchr(e, 'm');

		assert_non_null(m);
		assert_true(m - e <= 6);
		memmove(e, m + 1, strlen(m + 1) + 1);
	}
	assert_terminal_safe(out, strlen(out));
	free(out);
	out = render(&a, 1, 0, &len);
	assert_json(out, len, &j);
	assert_keys(&j);
	free(out);
	whatif_free(&a.whatif);
	readiness_free(&a.r);
}

/* A record over 255 bytes is written as several strings of at most 255;
 * a quote or backslash is escaped. */
static void
test_long_record(void **state)
{
	struct advice a;
	char want[700], *out, *line;
	size_t len, o;

	advice_notready(&a);
	o = (size_t)snprintf(a.r.next_record, sizeof(a.r.next_record),
	    "v=DMARC1; p=quarantine; rua=mailto:");
	memset(a.r.next_record + o, 'a', 255 - o);
	strcpy(a.r.next_record + 255, "b\"c\\d");
	o = (size_t)snprintf(want, sizeof(want),
	    "  _dmarc.example.com. TXT \"%.255s\" \"b\\\"c\\\\d\"\n",
	    a.r.next_record);
	out = render(&a, 0, 0, &len);
	line = strstr(out, "  _dmarc.example.com. TXT ");
	assert_non_null(line);
	assert_memory_equal(line, want, o);
	free(out);
	whatif_free(&a.whatif);
	readiness_free(&a.r);
}

static void
test_write_error(void **state)
{
	struct advice a;
	FILE *fp;

	advice_notready(&a);
	fp = fopen("/dev/full", "w");
	assert_non_null(fp);
	assert_int_equal(advise_text(fp, &a, 0), -1);
	fclose(fp);
	fp = fopen("/dev/full", "w");
	assert_non_null(fp);
	assert_int_equal(advise_json(fp, &a), -1);
	fclose(fp);
	whatif_free(&a.whatif);
	readiness_free(&a.r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_checker),
	    cmocka_unit_test(test_notready),
	    cmocka_unit_test(test_last),
	    cmocka_unit_test(test_last_rollback),
	    cmocka_unit_test(test_nodata),
	    cmocka_unit_test(test_hostile_everywhere),
	    cmocka_unit_test(test_long_record),
	    cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
