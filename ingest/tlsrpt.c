#include "tlsrpt.h"

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "sha256.h"
#include "text.h"
#include "xalloc.h"

#include <json-c/json.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (16 * 1024)

/*
 * Counts the marks of a chunk of JSON text before json-c builds what they
 * open: every '{', '[' and ',' outside strings, so that a ceiling holds
 * before the memory is spent.  The state carries from one chunk to the
 * next.
 */
struct scan {
	int in_string, escaped;
	uint64_t marks;
};

static void
scan_chunk(struct scan *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (s->in_string) {
			if (s->escaped)
				s->escaped = 0;
			else if (c == '\\')
				s->escaped = 1;
			else if (c == '"')
				s->in_string = 0;
		} else if (c == '"') {
			s->in_string = 1;
		} else if (c == '{' || c == '[' || c == ',') {
			s->marks++;
		}
	}
}

static int
only_space(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

static int
tokener_error(enum json_tokener_error e, struct err *err)
{
	if (e == json_tokener_error_depth)
		return err_set(err, ERR_LIMIT,
		    "JSON nested deeper than %d levels", TLSRPT_MAX_DEPTH);
	if (e == json_tokener_error_parse_utf8_string)
		return err_set(err, ERR_MALFORMED, "invalid UTF-8 in the JSON");
	return err_set(
	    err, ERR_MALFORMED, "not JSON: %s", json_tokener_error_desc(e));
}

/* The JSON text of src as a json-c tree, in *out (the caller's:
 * json_object_put()). */
static int
read_tree(struct bytesrc *src, struct json_object **out, struct err *err)
{
	struct json_tokener *tok = json_tokener_new_ex(TLSRPT_MAX_DEPTH);
	struct json_object *root = NULL;
	unsigned char *buf = xmalloc(CHUNK);
	struct scan scan = {0, 0, 0};
	uint64_t total = 0;
	int rc = 0;

	if (tok == NULL)
		abort();
	/* Trailing text is ours to find, to say so in plain words. */
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
	        JSON_TOKENER_VALIDATE_UTF8);
	for (;;) {
		ssize_t n = bytesrc_read(src, buf, CHUNK, err);
		enum json_tokener_error e;

		if (n < 0) {
			rc = (int)n;
			break;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > TLSRPT_MAX_BYTES) {
			rc = err_set(err, ERR_LIMIT,
			    "JSON larger than %d bytes", TLSRPT_MAX_BYTES);
			break;
		}
		if (root != NULL) {
			/* The report ended in an earlier chunk. */
			if (!only_space(buf, (size_t)n)) {
				rc = err_set(err, ERR_MALFORMED,
				    "not JSON: text after the report");
				break;
			}
			continue;
		}
		scan_chunk(&scan, buf, (size_t)n);
		if (scan.marks > TLSRPT_MAX_MARKS) {
			rc = err_set(err, ERR_LIMIT,
			    "more than %d JSON objects, arrays and commas",
			    TLSRPT_MAX_MARKS);
			break;
		}
		root = json_tokener_parse_ex(tok, (const char *)buf, (int)n);
		e = json_tokener_get_error(tok);
		if (root == NULL && e == json_tokener_continue)
			continue;
		if (root == NULL) {
			rc = tokener_error(e, err);
			break;
		}
		if (!only_space(buf + json_tokener_get_parse_end(tok),
		        (size_t)n - json_tokener_get_parse_end(tok))) {
			rc = err_set(err, ERR_MALFORMED,
			    "not JSON: text after the report");
			break;
		}
	}
	if (rc == 0 && root == NULL)
		rc = err_set(err, ERR_MALFORMED,
		    "not JSON: the text ends before the report does");
	free(buf);
	json_tokener_free(tok);
	if (rc < 0) {
		json_object_put(root);
		return rc;
	}
	*out = root;
	return 0;
}

/* ------------------------------------------------------------------------
 * From the tree to struct tlsrpt_report.  path names the object at hand
 * in messages: "policies[0].failure-details[2]". */

struct ctx {
	const struct limits *lim;
	struct err *err;
	char path[96];
};

static int
fail(struct ctx *c, int code, const char *key, const char *what)
{
	return err_set(c->err, code, "%s%s%s: %s", c->path,
	    c->path[0] != '\0' && key[0] != '\0' ? "." : "", key, what);
}

/* The string v (member or entry key) as a new string in *out. */
static int
take_string(struct ctx *c, struct json_object *v, const char *key, int required,
    char **out)
{
	const char *s;
	size_t len, i;
	char why[96];

	if (!json_object_is_type(v, json_type_string))
		return fail(c, ERR_MALFORMED, key, "not a string");
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len > c->lim->string_bytes) {
		snprintf(why, sizeof(why),
		    "string longer than %" PRIu64 " bytes (limit string_bytes)",
		    c->lim->string_bytes);
		return fail(c, ERR_LIMIT, key, why);
	}
	/* \u escapes can make what the tokener's UTF-8 check never saw. */
	for (i = 0; i < len;) {
		size_t k = utf8_seq_len((const unsigned char *)s + i, len - i);

		if (s[i] == '\0')
			return fail(
			    c, ERR_MALFORMED, key, "a NUL in the string");
		if (k == 0)
			return fail(c, ERR_MALFORMED, key, "invalid UTF-8");
		i += k;
	}
	if (required && len == 0)
		return fail(c, ERR_MALFORMED, key, "empty");
	*out = xstrndup(s, len);
	return 0;
}

/* A string member as a new string in *out; NULL when absent (JSON null
 * too) and not required. */
static int
get_string(struct ctx *c, struct json_object *obj, const char *key,
    int required, char **out)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return required ? fail(c, ERR_MALFORMED, key, "missing") : 0;
	return take_string(c, v, key, required, out);
}

/* A session count: a whole number from 0 to TLSRPT_MAX_COUNT. */
static int
get_count(
    struct ctx *c, struct json_object *obj, const char *key, uint64_t *out)
{
	struct json_object *v = NULL;
	int64_t n;

	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return fail(c, ERR_MALFORMED, key, "missing");
	if (json_object_is_type(v, json_type_double))
		return fail(c, ERR_MALFORMED, key, "not a whole number");
	if (!json_object_is_type(v, json_type_int))
		return fail(c, ERR_MALFORMED, key, "not a number");
	n = json_object_get_int64(v);
	/* json-c holds at most 2^64 - 1 and says INT64_MAX above 2^63. */
	if (n < 0)
		return fail(c, ERR_MALFORMED, key, "negative");
	if ((uint64_t)n > TLSRPT_MAX_COUNT)
		return fail(c, ERR_MALFORMED, key,
		    "larger than 2^32: not a count of sessions");
	*out = (uint64_t)n;
	return 0;
}

/* An array of strings, or (mx-host, as some send it) one string; none
 * when absent. */
static int
get_strings(struct ctx *c, struct json_object *obj, const char *key,
    char ***out, size_t *n)
{
	struct json_object *v = NULL;
	size_t len;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		*out = xcalloc(1, sizeof(**out));
		if ((rc = take_string(c, v, key, 0, &(*out)[0])) == 0)
			*n = 1;
		return rc;
	}
	if (!json_object_is_type(v, json_type_array))
		return fail(c, ERR_MALFORMED, key, "not an array of strings");
	len = json_object_array_length(v);
	if (len > TLSRPT_MAX_STRINGS) {
		char why[64];

		snprintf(why, sizeof(why), "more than %d entries",
		    TLSRPT_MAX_STRINGS);
		return fail(c, ERR_LIMIT, key, why);
	}
	*out = xcalloc(len ? len : 1, sizeof(**out));
	for (size_t i = 0; i < len && rc == 0; i++) {
		char name[48];

		snprintf(name, sizeof(name), "%s[%zu]", key, i);
		rc = take_string(
		    c, json_object_array_get_idx(v, i), name, 0, &(*out)[i]);
		if (rc == 0)
			*n = i + 1;
	}
	return rc;
}

static int
get_object(struct ctx *c, struct json_object *obj, const char *key,
    struct json_object **out)
{
	if (!json_object_object_get_ex(obj, key, out) || *out == NULL)
		return fail(c, ERR_MALFORMED, key, "missing");
	if (!json_object_is_type(*out, json_type_object))
		return fail(c, ERR_MALFORMED, key, "not an object");
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

/* RFC 3339 date-time: 2016-04-01T00:00:00Z, fractions and offsets too. */
static int
parse_datetime(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	static const int mdays[] = {
	    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (strlen(s) < 20 || digits(s, 4, &y) < 0 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) < 0 || s[7] != '-' ||
	    digits(s + 8, 2, &d) < 0 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) < 0 || s[13] != ':' ||
	    digits(s + 14, 2, &mi) < 0 || s[16] != ':' ||
	    digits(s + 17, 2, &sec) < 0)
		return -1;
	s += 19;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0') {
		sign = 0;
	} else if ((*s == '+' || *s == '-') && strlen(s) == 6 &&
	    digits(s + 1, 2, &oh) == 0 && s[3] == ':' &&
	    digits(s + 4, 2, &om) == 0 && oh < 24 && om < 60) {
		sign = *s == '+' ? 1 : -1;
	} else {
		return -1;
	}
	/* 60: a leap second, counted as the next second's start. */
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	return 0;
}

static int
get_datetime(
    struct ctx *c, struct json_object *obj, const char *key, int64_t *out)
{
	char *s = NULL;
	int rc;

	if ((rc = get_string(c, obj, key, 1, &s)) < 0)
		return rc;
	if (parse_datetime(s, out) < 0)
		rc = fail(c, ERR_MALFORMED, key,
		    "not an RFC 3339 date-time (2016-04-01T00:00:00Z)");
	free(s);
	return rc;
}

static void
ascii_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* The array member key, or an empty one when it is absent and allowed. */
static int
get_array(struct ctx *c, struct json_object *obj, const char *key, int required,
    size_t max, struct json_object **out, size_t *n)
{
	char why[64];

	*out = NULL;
	*n = 0;
	if (!json_object_object_get_ex(obj, key, out) || *out == NULL) {
		*out = NULL;
		return required ? fail(c, ERR_MALFORMED, key, "missing") : 0;
	}
	if (!json_object_is_type(*out, json_type_array))
		return fail(c, ERR_MALFORMED, key, "not an array");
	*n = json_object_array_length(*out);
	if (*n > max) {
		snprintf(why, sizeof(why), "more than %zu entries", max);
		return fail(c, ERR_LIMIT, key, why);
	}
	return 0;
}

static int
read_failure(struct ctx *c, struct json_object *o, struct tlsrpt_failure *f)
{
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return fail(c, ERR_MALFORMED, "", "not an object");
	if ((rc = get_string(c, o, "result-type", 1, &f->result_type)) < 0 ||
	    (rc = get_string(c, o, "sending-mta-ip", 0, &f->sending_mta_ip)) <
	        0 ||
	    (rc = get_string(c, o, "receiving-mx-hostname", 0,
	         &f->receiving_mx_hostname)) < 0 ||
	    (rc = get_string(
	         c, o, "receiving-mx-helo", 0, &f->receiving_mx_helo)) < 0 ||
	    (rc = get_string(c, o, "receiving-ip", 0, &f->receiving_ip)) < 0 ||
	    (rc = get_string(c, o, "additional-information", 0,
	         &f->additional_information)) < 0 ||
	    (rc = get_string(c, o, "failure-reason-code", 0,
	         &f->failure_reason_code)) < 0 ||
	    (rc = get_count(
	         c, o, "failed-session-count", &f->failed_sessions)) < 0)
		return rc;
	ascii_lower(f->result_type);
	return 0;
}

static int
read_policy(struct ctx *c, struct json_object *o, struct tlsrpt_policy *p)
{
	static const char *const types[] = {
	    "sts", "tlsa", "no-policy-found", NULL};
	struct json_object *pol, *sum, *arr;
	size_t keep = strlen(c->path), n;
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return fail(c, ERR_MALFORMED, "", "not an object");
	if ((rc = get_object(c, o, "policy", &pol)) < 0 ||
	    (rc = get_object(c, o, "summary", &sum)) < 0)
		return rc;
	snprintf(c->path + keep, sizeof(c->path) - keep, ".policy");
	if ((rc = get_string(c, pol, "policy-type", 1, &p->type)) < 0 ||
	    (rc = get_string(c, pol, "policy-domain", 1, &p->domain)) < 0 ||
	    (rc = get_strings(
	         c, pol, "policy-string", &p->strings, &p->n_strings)) < 0 ||
	    (rc = get_strings(
	         c, pol, "mx-host", &p->mx_hosts, &p->n_mx_hosts)) < 0)
		goto out;
	if (!text_fold_enum(p->type, types)) {
		rc = fail(c, ERR_MALFORMED, "policy-type",
		    "not sts, tlsa or no-policy-found");
		goto out;
	}
	snprintf(c->path + keep, sizeof(c->path) - keep, ".summary");
	if ((rc = get_count(c, sum, "total-successful-session-count",
	         &p->successful)) < 0 ||
	    (rc = get_count(
	         c, sum, "total-failure-session-count", &p->failed)) < 0)
		goto out;
	c->path[keep] = '\0';
	if ((rc = get_array(c, o, "failure-details", 0, TLSRPT_MAX_FAILURES,
	         &arr, &n)) < 0)
		goto out;
	p->failures = xcalloc(n ? n : 1, sizeof(*p->failures));
	for (size_t i = 0; i < n; i++) {
		snprintf(c->path + keep, sizeof(c->path) - keep,
		    ".failure-details[%zu]", i);
		p->n_failures = i + 1;
		if ((rc = read_failure(c, json_object_array_get_idx(arr, i),
		         &p->failures[i])) < 0)
			goto out;
	}
out:
	c->path[keep] = '\0';
	return rc;
}

static int
read_report(struct ctx *c, struct json_object *root, struct tlsrpt_report *r)
{
	struct json_object *range, *arr;
	size_t n;
	int rc;

	if (!json_object_is_type(root, json_type_object))
		return err_set(c->err, ERR_MALFORMED,
		    "not a TLS report: the JSON is no object");
	if ((rc = get_string(c, root, "organization-name", 1, &r->org_name)) <
	        0 ||
	    (rc = get_string(c, root, "report-id", 1, &r->report_id)) < 0 ||
	    (rc = get_string(c, root, "contact-info", 0, &r->contact_info)) <
	        0 ||
	    (rc = get_object(c, root, "date-range", &range)) < 0)
		return rc;
	snprintf(c->path, sizeof(c->path), "date-range");
	if ((rc = get_datetime(c, range, "start-datetime", &r->begin)) < 0 ||
	    (rc = get_datetime(c, range, "end-datetime", &r->end)) < 0)
		return rc;
	if (r->end < r->begin)
		return fail(
		    c, ERR_MALFORMED, "end-datetime", "before start-datetime");
	c->path[0] = '\0';
	if ((rc = get_array(
	         c, root, "policies", 1, TLSRPT_MAX_POLICIES, &arr, &n)) < 0)
		return rc;
	if (n == 0)
		return fail(c, ERR_MALFORMED, "policies", "empty");
	r->policies = xcalloc(n, sizeof(*r->policies));
	for (size_t i = 0; i < n; i++) {
		snprintf(c->path, sizeof(c->path), "policies[%zu]", i);
		r->n_policies = i + 1;
		if ((rc = read_policy(c, json_object_array_get_idx(arr, i),
		         &r->policies[i])) < 0)
			return rc;
	}
	c->path[0] = '\0';
	return 0;
}

int
tlsrpt_parse(struct bytesrc *src, const struct limits *lim,
    struct tlsrpt_report **out, struct err *err)
{
	struct json_object *root = NULL;
	struct tlsrpt_report *r;
	struct ctx c;
	int rc;

	*out = NULL;
	if ((rc = read_tree(src, &root, err)) < 0)
		return err_prefix(err, "TLS report");
	memset(&c, 0, sizeof(c));
	c.lim = lim;
	c.err = err;
	r = xcalloc(1, sizeof(*r));
	rc = read_report(&c, root, r);
	json_object_put(root);
	if (rc < 0) {
		tlsrpt_free(r);
		return err_prefix(err, "TLS report");
	}
	*out = r;
	return 0;
}

void
tlsrpt_free(struct tlsrpt_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_policies; i++) {
		struct tlsrpt_policy *p = &r->policies[i];

		for (size_t j = 0; j < p->n_failures; j++) {
			struct tlsrpt_failure *f = &p->failures[j];

			free(f->result_type);
			free(f->sending_mta_ip);
			free(f->receiving_mx_hostname);
			free(f->receiving_mx_helo);
			free(f->receiving_ip);
			free(f->additional_information);
			free(f->failure_reason_code);
		}
		free(p->failures);
		free(p->type);
		free(p->domain);
		strv_free(p->strings, p->n_strings);
		strv_free(p->mx_hosts, p->n_mx_hosts);
	}
	free(r->policies);
	free(r->org_name);
	free(r->report_id);
	free(r->contact_info);
	free(r);
}

int
tlsrpt_sniff(const unsigned char *p, size_t n)
{
	return memmem(p, n, "\"policies\"", 10) != NULL &&
	    memmem(p, n, "\"organization-name\"", 19) != NULL;
}

/* ------------------------------------------------------------------------
 * The digest: fields in a fixed order, \x1f after each, \x1e for NULL. */

static void
put_field(struct sha256 *h, const char *s)
{
	if (s == NULL)
		sha256_update(h, "\x1e", 1);
	else
		sha256_update(h, s, strlen(s));
	sha256_update(h, "\x1f", 1);
}

static void
put_u64(struct sha256 *h, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	put_field(h, num);
}

static int
cmp_digest(const void *a, const void *b)
{
	return memcmp(a, b, SHA256_LEN);
}

/* Ends h into n digests' sorted order, hashed into into. */
static void
put_sorted(struct sha256 *into, unsigned char (*d)[SHA256_LEN], size_t n)
{
	if (n > 1)
		qsort(d, n, SHA256_LEN, cmp_digest);
	put_u64(into, n);
	for (size_t i = 0; i < n; i++)
		sha256_update(into, d[i], SHA256_LEN);
}

static void
policy_digest(const struct tlsrpt_policy *p, unsigned char out[SHA256_LEN])
{
	unsigned char(*d)[SHA256_LEN] =
	    xcalloc(p->n_failures ? p->n_failures : 1, SHA256_LEN);
	struct sha256 h = {0};

	for (size_t i = 0; i < p->n_failures; i++) {
		const struct tlsrpt_failure *f = &p->failures[i];

		sha256_init(&h);
		put_field(&h, f->result_type);
		put_field(&h, f->sending_mta_ip);
		put_field(&h, f->receiving_mx_hostname);
		put_field(&h, f->receiving_mx_helo);
		put_field(&h, f->receiving_ip);
		put_field(&h, f->additional_information);
		put_field(&h, f->failure_reason_code);
		put_u64(&h, f->failed_sessions);
		sha256_final(&h, d[i]);
	}
	sha256_init(&h);
	put_field(&h, p->type);
	put_field(&h, p->domain);
	put_u64(&h, p->n_strings);
	for (size_t i = 0; i < p->n_strings; i++)
		put_field(&h, p->strings[i]);
	put_u64(&h, p->n_mx_hosts);
	for (size_t i = 0; i < p->n_mx_hosts; i++)
		put_field(&h, p->mx_hosts[i]);
	put_u64(&h, p->successful);
	put_u64(&h, p->failed);
	put_sorted(&h, d, p->n_failures);
	sha256_final(&h, out);
	sha256_free(&h);
	free(d);
}

void
tlsrpt_digest(
    const struct tlsrpt_report *r, unsigned char out[TLSRPT_DIGEST_LEN])
{
	unsigned char(*d)[SHA256_LEN] =
	    xcalloc(r->n_policies ? r->n_policies : 1, SHA256_LEN);
	struct sha256 h = {0};
	char num[48];

	for (size_t i = 0; i < r->n_policies; i++)
		policy_digest(&r->policies[i], d[i]);
	sha256_init(&h);
	put_field(&h, "dmarcsift tlsrpt 1");
	put_field(&h, r->org_name);
	put_field(&h, r->report_id);
	put_field(&h, r->contact_info);
	snprintf(num, sizeof(num), "%" PRId64 "/%" PRId64, r->begin, r->end);
	put_field(&h, num);
	put_sorted(&h, d, r->n_policies);
	sha256_final(&h, out);
	sha256_free(&h);
	free(d);
}
