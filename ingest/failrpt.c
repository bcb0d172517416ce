/*
 * failrpt: the fields of a DMARC failure report; see failrpt.h.
 */
#include "failrpt.h"

#include "bytesrc.h"
#include "clock.h"
#include "domain.h"
#include "err.h"
#include "input_limits.h"
#include "ipaddr.h"
#include "sha256.h"
#include "text.h"
#include "xalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One header field of a block: its name and unfolded value, both in
 * buffers of the walk (valid until the next field). */
struct field {
	const char *name;
	char *value;
	size_t value_len;
};

/* How a block is read: the feedback part strictly, the original's header
 * as another sender's text. */
struct block {
	const char *what; /* "failure report", for messages */
	int strict;
	size_t max_fields;
	uint64_t max_value;
};

typedef int (*field_fn)(void *arg, struct field *f, struct err *err);

static int
name_char(unsigned char c)
{
	return c > 32 && c < 127 && c != ':';
}

/*
 * The length of the sequence at s[i] into *n, and whether the report may
 * not hold it: invalid UTF-8, or a control character (NUL too) but tab.
 */
static int
bad_at(const char *s, size_t len, size_t i, size_t *n)
{
	unsigned char c = (unsigned char)s[i];

	*n = utf8_seq_len((const unsigned char *)s + i, len - i);
	if (*n == 0) {
		*n = 1;
		return 1;
	}
	return *n == 1 && ((c < 32 && c != '\t') || c == 127);
}

/* Whether a value is text the feedback part may hold. */
static int
clean_text(const char *s, size_t len)
{
	size_t n;

	for (size_t i = 0; i < len; i += n)
		if (bad_at(s, len, i, &n))
			return 0;
	return 1;
}

/* s (len bytes, the caller's) with U+FFFD for each sequence it may not
 * hold, as a new string. */
static char *
repaired(const char *s, size_t len)
{
	char *out = xmalloc(3 * len + 1);
	size_t n, o = 0;

	for (size_t i = 0; i < len; i += n) {
		if (bad_at(s, len, i, &n)) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(out + o, s + i, n);
			o += n;
		}
	}
	out[o] = '\0';
	return xrealloc(out, o + 1);
}

/*
 * Calls fn for every field of the header block p[0..len): lines end in LF
 * (a CR before it is dropped), a line that starts with white space
 * continues the field before it, an empty line ends the block.  A line
 * that is no field refuses a strict block and is passed over otherwise.
 * Values are unfolded and trimmed.
 */
static int
each_field(const struct block *b, const char *p, size_t len, field_fn fn,
    void *arg, struct err *err)
{
	char name[128];
	char *val = NULL;
	size_t vlen = 0, vcap = 0, fields = 0, line_no = 0, i = 0;
	int have = 0, rc = 0;

	for (;;) {
		const char *nl = i < len ? memchr(p + i, '\n', len - i) : NULL;
		size_t end = nl != NULL ? (size_t)(nl - p) : len;
		size_t n = end - i;
		const char *l = p + i;
		int last = i >= len;

		line_no++;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (!last && n > 0 && (l[0] == ' ' || l[0] == '\t') && have) {
			/* A continuation: unfolded by dropping the line end. */
			if (vlen + n > b->max_value) {
				rc = err_set(err, ERR_LIMIT,
				    "%s: field %s longer than %" PRIu64
				    " bytes (limit string_bytes)",
				    b->what, name, b->max_value);
				break;
			}
			if (vlen + n + 1 > vcap) {
				vcap = 2 * (vlen + n + 1);
				val = xrealloc(val, vcap);
			}
			memcpy(val + vlen, l, n);
			vlen += n;
			i = nl != NULL ? end + 1 : len;
			continue;
		}
		if (have) {
			struct field f = {name, val, 0};

			val[vlen] = '\0';
			f.value_len = text_trim(val, vlen);
			f.value = val;
			if ((rc = fn(arg, &f, err)) < 0)
				break;
			have = 0;
		}
		if (last || n == 0)
			break;
		{
			size_t k = 0, name_len;

			while (k < n && name_char((unsigned char)l[k]))
				k++;
			name_len = k;
			/* "Name :" is the obsolete syntax of "Name:". */
			while (k < n && (l[k] == ' ' || l[k] == '\t'))
				k++;
			if (name_len == 0 || k == n || l[k] != ':' ||
			    name_len >= sizeof(name)) {
				if (b->strict) {
					rc = err_set(err, ERR_MALFORMED,
					    "%s: line %zu is not a header "
					    "field",
					    b->what, line_no);
					break;
				}
				i = nl != NULL ? end + 1 : len;
				continue;
			}
			if (++fields > b->max_fields) {
				rc = err_set(err, ERR_LIMIT,
				    "%s: more than %zu header fields (fixed "
				    "limit)",
				    b->what, b->max_fields);
				break;
			}
			memcpy(name, l, name_len);
			name[name_len] = '\0';
			l += k + 1;
			n -= k + 1;
			if (n > b->max_value) {
				rc = err_set(err, ERR_LIMIT,
				    "%s: field %s longer than %" PRIu64
				    " bytes (limit string_bytes)",
				    b->what, name, b->max_value);
				break;
			}
			if (n + 1 > vcap) {
				vcap = 2 * (n + 1) + 64;
				val = xrealloc(val, vcap);
			}
			memcpy(val, l, n);
			vlen = n;
			have = 1;
		}
		i = nl != NULL ? end + 1 : len;
	}
	free(val);
	return rc;
}

/* ---- dates (RFC 5322 section 3.3, with its obsolete forms) ---------- */

/* Passes over white space and comments, nested or not. */
static const char *
skip_cfws(const char *s)
{
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '(')
			return s;
		for (int depth = 0; *s != '\0'; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '(')
				depth++;
			else if (*s == ')' && --depth == 0) {
				s++;
				break;
			}
		}
	}
}

static int
number(const char **sp, int min_digits, int max_digits, int *out)
{
	const char *s = *sp;
	int n = 0, v = 0;

	while (isdigit((unsigned char)*s) && n < max_digits) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n < min_digits || isdigit((unsigned char)*s))
		return -1;
	*out = v;
	*sp = s;
	return 0;
}

/* A zone's offset east of UTC in minutes. */
static int
zone_of(const char *s, int *minutes)
{
	static const struct {
		const char *name;
		int off;
	} names[] = {{"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -300},
	    {"EDT", -240}, {"CST", -360}, {"CDT", -300}, {"MST", -420},
	    {"MDT", -360}, {"PST", -480}, {"PDT", -420}};
	char word[8];
	size_t n = 0;

	if (*s == '+' || *s == '-') {
		int v;
		const char *p = s + 1;

		if (number(&p, 4, 4, &v) < 0 || v % 100 > 59)
			return -1;
		*minutes = (v / 100 * 60 + v % 100) * (*s == '-' ? -1 : 1);
		return 0;
	}
	while (isalpha((unsigned char)s[n]) && n < sizeof(word) - 1) {
		word[n] = (char)toupper((unsigned char)s[n]);
		n++;
	}
	word[n] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(word, names[i].name) == 0) {
			*minutes = names[i].off;
			return 0;
		}
	/* Military zones are ambiguous (RFC 5322 4.3): taken as UTC. */
	if (n == 1) {
		*minutes = 0;
		return 0;
	}
	return -1;
}

/* An RFC 5322 date-time, or an ISO one, into Unix seconds. */
static int
parse_date(const char *s, int64_t *out)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int day, mon = -1, year, hh, mm, ss = 0, zone;
	const char *p = skip_cfws(s);
	char iso[64];

	if (clock_parse(p, out) == 0)
		return 0;
	if (isalpha((unsigned char)*p)) { /* day-of-week */
		while (isalpha((unsigned char)*p))
			p++;
		p = skip_cfws(p);
		if (*p == ',')
			p++;
		p = skip_cfws(p);
	}
	if (number(&p, 1, 2, &day) < 0)
		return -1;
	p = skip_cfws(p);
	for (int m = 0; m < 12; m++)
		if (strncasecmp(p, months + 3 * m, 3) == 0)
			mon = m + 1;
	if (mon < 0)
		return -1;
	while (isalpha((unsigned char)*p))
		p++;
	p = skip_cfws(p);
	{
		const char *y0 = p;

		if (number(&p, 2, 4, &year) < 0)
			return -1;
		if (p - y0 == 2)
			year += year < 50 ? 2000 : 1900;
		else if (p - y0 == 3)
			year += 1900;
	}
	p = skip_cfws(p);
	if (number(&p, 1, 2, &hh) < 0 || *p++ != ':' ||
	    number(&p, 2, 2, &mm) < 0)
		return -1;
	if (*p == ':' && (p++, number(&p, 2, 2, &ss) < 0))
		return -1;
	if (*p == '.') /* fractions, as some reporters send */
		while (isdigit((unsigned char)*++p))
			;
	p = skip_cfws(p);
	if (zone_of(p, &zone) < 0)
		return -1;
	if (hh > 23 || mm > 59 || ss > 60 || year < 1970)
		return -1;
	/* The calendar is clock's: it refuses 31 April. */
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", year, mon,
	    day, hh, mm, ss > 59 ? 59 : ss);
	if (clock_parse(iso, out) < 0)
		return -1;
	*out -= (int64_t)zone * 60;
	return 0;
}

/* ---- the feedback part ------------------------------------------- */

struct reading {
	struct failrpt_report *rep;
	const struct block *b;
	int feedback_type; /* 0 not seen, 1 auth-failure, -1 another */
	char other_type[64];
	char *own_message_id; /* the feedback part's Message-ID field */
	char *arrival_text;
	int arrival_is_received; /* from Received-Date: Arrival-Date wins */
};

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* The first of a singular field wins; an empty one says nothing. */
static void
keep_first(char **slot, const struct field *f)
{
	if (*slot == NULL && f->value_len > 0)
		*slot = xstrndup(f->value, f->value_len);
}

static int
keep_list(const struct block *b, char ***v, size_t *n, const struct field *f,
    struct err *err)
{
	if (f->value_len == 0)
		return 0;
	if (*n >= FAILRPT_MAX_LIST)
		return err_set(err, ERR_LIMIT,
		    "%s: more than %d %s fields (fixed limit)", b->what,
		    FAILRPT_MAX_LIST, f->name);
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrndup(f->value, f->value_len);
	return 0;
}

/* Auth-Failure: one token a field (RFC 6591 section 3.2.2); some
 * reporters list several, comma-separated. */
static int
keep_auth_failures(struct reading *r, const struct field *f, struct err *err)
{
	struct failrpt_report *rep = r->rep;
	char *s = f->value, *tok, *save = NULL;

	for (tok = strtok_r(s, ", \t", &save); tok != NULL;
	     tok = strtok_r(NULL, ", \t", &save)) {
		struct field one = {f->name, tok, strlen(tok)};

		for (char *c = tok; *c != '\0'; c++)
			if (!isalnum((unsigned char)*c) && *c != '-' &&
			    *c != '_' && *c != '.')
				return err_set(err, ERR_MALFORMED,
				    "%s: Auth-Failure: '%s' is not a failure "
				    "type",
				    r->b->what, tok);
		lower(tok);
		if (keep_list(r->b, &rep->auth_failures, &rep->n_auth_failures,
		        &one, err) < 0)
			return err->code;
	}
	return 0;
}

static int
on_feedback(void *arg, struct field *f, struct err *err)
{
	struct reading *r = arg;
	struct failrpt_report *rep = r->rep;
	const char *n = f->name;

	if (!clean_text(f->value, f->value_len))
		return err_set(err, ERR_MALFORMED,
		    "%s: field %s: invalid UTF-8 or a control character",
		    r->b->what, n);
	if (strcasecmp(n, "Feedback-Type") == 0) {
		if (r->feedback_type != 0)
			return 0;
		lower(f->value);
		if (strcmp(f->value, "auth-failure") == 0)
			r->feedback_type = 1;
		else {
			r->feedback_type = -1;
			text_printable(
			    f->value, r->other_type, sizeof(r->other_type));
		}
	} else if (strcasecmp(n, "Reported-Domain") == 0)
		keep_first(&rep->reported_domain, f);
	else if (strcasecmp(n, "Source-IP") == 0)
		keep_first(&rep->source_ip, f);
	else if (strcasecmp(n, "Arrival-Date") == 0 &&
	    (r->arrival_text == NULL || r->arrival_is_received)) {
		free(r->arrival_text);
		r->arrival_text = NULL;
		r->arrival_is_received = 0;
		keep_first(&r->arrival_text, f);
	} else if (strcasecmp(n, "Received-Date") == 0 &&
	    r->arrival_text == NULL) {
		keep_first(&r->arrival_text, f);
		r->arrival_is_received = 1;
	} else if (strcasecmp(n, "Auth-Failure") == 0)
		return keep_auth_failures(r, f, err);
	else if (strcasecmp(n, "DKIM-Domain") == 0)
		keep_first(&rep->dkim_domain, f);
	else if (strcasecmp(n, "DKIM-Selector") == 0)
		keep_first(&rep->dkim_selector, f);
	else if (strcasecmp(n, "DKIM-Identity") == 0)
		keep_first(&rep->dkim_identity, f);
	else if (strcasecmp(n, "SPF-DNS") == 0)
		keep_first(&rep->spf_dns, f);
	else if (strcasecmp(n, "Identity-Alignment") == 0) {
		lower(f->value);
		keep_first(&rep->identity_alignment, f);
	} else if (strcasecmp(n, "Delivery-Result") == 0) {
		lower(f->value);
		keep_first(&rep->delivery_result, f);
	} else if (strcasecmp(n, "Original-Mail-From") == 0)
		keep_first(&rep->original_mail_from, f);
	else if (strcasecmp(n, "Original-Rcpt-To") == 0)
		return keep_list(r->b, &rep->original_rcpt_to,
		    &rep->n_original_rcpt_to, f, err);
	else if (strcasecmp(n, "Reporting-MTA") == 0)
		keep_first(&rep->reporting_mta, f);
	else if (strcasecmp(n, "User-Agent") == 0)
		keep_first(&rep->user_agent, f);
	else if (strcasecmp(n, "Version") == 0)
		keep_first(&rep->version, f);
	else if (strcasecmp(n, "Message-ID") == 0)
		keep_first(&r->own_message_id, f);
	/* Every other field (Authentication-Results, the DKIM-Canonicalized
	 * ones, Original-Envelope-Id ...) is passed over unread. */
	return 0;
}

/* ---- the original's header --------------------------------------- */

static int
on_original(void *arg, struct field *f, struct err *err)
{
	struct reading *r = arg;
	struct failrpt_report *rep = r->rep;
	char **slot = NULL;

	(void)err;
	rep->header_names = xrealloc(rep->header_names,
	    (rep->n_header_names + 1) * sizeof(*rep->header_names));
	rep->header_names[rep->n_header_names++] = xstrdup(f->name);
	if (strcasecmp(f->name, "From") == 0)
		slot = &rep->orig_from;
	else if (strcasecmp(f->name, "Subject") == 0)
		slot = &rep->orig_subject;
	else if (strcasecmp(f->name, "Message-ID") == 0)
		slot = &rep->orig_message_id;
	else if (strcasecmp(f->name, "Date") == 0)
		slot = &rep->orig_date;
	if (slot != NULL && *slot == NULL)
		*slot = repaired(f->value, f->value_len);
	return 0;
}

/* ---- the report ---------------------------------------------------- */

/* The name in "dns; mail.example.com", lower case, into a new string;
 * NULL when there is none. */
static char *
mta_name(const char *mta)
{
	const char *semi = strchr(mta, ';');
	char *s = xstrdup(semi != NULL ? semi + 1 : mta);
	size_t n = text_trim(s, strlen(s));

	if (n == 0) {
		free(s);
		return NULL;
	}
	lower(s);
	return s;
}

/* Checks what the fields say and puts them in their final form. */
static int
finish(struct reading *r, const char *report_from, struct err *err)
{
	struct failrpt_report *rep = r->rep;
	const char *what = r->b->what;
	char dom[DOMAIN_MAX], ip[IP_TEXT_MAX], shown[128];
	const char *why;

	if (r->feedback_type == 0)
		return err_set(
		    err, ERR_MALFORMED, "%s: no Feedback-Type field", what);
	if (r->feedback_type < 0)
		return err_set(err, ERR_NOT_AGGREGATE,
		    "not an aggregate report (feedback report of type %s)",
		    r->other_type);
	if (rep->reported_domain == NULL)
		return err_set(
		    err, ERR_MALFORMED, "%s: no Reported-Domain field", what);
	if ((why = domain_scan(rep->reported_domain, dom, sizeof(dom),
	         DOMAIN_HYPHEN_EDGES)) != NULL) {
		text_printable(rep->reported_domain, shown, sizeof(shown));
		return err_set(err, ERR_MALFORMED,
		    "%s: Reported-Domain: '%s' is not a domain name (%s)", what,
		    shown, why);
	}
	free(rep->reported_domain);
	rep->reported_domain = xstrdup(dom);
	lower(rep->reported_domain);
	if (rep->source_ip != NULL) {
		if (ip_normalize(rep->source_ip, ip) < 0) {
			text_printable(rep->source_ip, shown, sizeof(shown));
			return err_set(err, ERR_MALFORMED,
			    "%s: Source-IP: '%s' is not an IP address", what,
			    shown);
		}
		free(rep->source_ip);
		rep->source_ip = xstrdup(ip);
	}
	if (r->arrival_text != NULL) {
		if (parse_date(r->arrival_text, &rep->arrival) < 0) {
			text_printable(r->arrival_text, shown, sizeof(shown));
			return err_set(err, ERR_MALFORMED,
			    "%s: %s: '%s' is not a date", what,
			    r->arrival_is_received ? "Received-Date"
			                           : "Arrival-Date",
			    shown);
		}
		rep->has_arrival = 1;
	}
	if (rep->orig_message_id == NULL && r->own_message_id != NULL) {
		rep->orig_message_id = r->own_message_id;
		r->own_message_id = NULL;
	}
	if (report_from != NULL && report_from[0] != '\0' &&
	    clean_text(report_from, strlen(report_from))) {
		rep->reporter = xstrdup(report_from);
		lower(rep->reporter);
	} else if (rep->reporting_mta != NULL) {
		rep->reporter = mta_name(rep->reporting_mta);
	}
	if (rep->reporter == NULL)
		rep->reporter = xstrdup("");
	return 0;
}

int
failrpt_parse(struct bytesrc *src, const char *orig, size_t orig_len,
    const char *report_from, const struct limits *lim,
    struct failrpt_report **out, struct err *err)
{
	const struct block fb = {
	    "failure report", 1, FAILRPT_MAX_FIELDS, lim->string_bytes};
	const struct block ob = {"failure report: the original's header", 0,
	    FAILRPT_MAX_HEADERS, lim->string_bytes};
	struct reading r = {0};
	unsigned char *buf = NULL;
	size_t len;
	int rc;

	*out = NULL;
	rc = bytesrc_slurp(
	    src, FAILRPT_MAX_BYTES, "failure report", &buf, &len, err);
	if (rc == ERR_LIMIT)
		return err_set(err, ERR_LIMIT,
		    "failure report: larger than %d bytes (fixed limit)",
		    FAILRPT_MAX_BYTES);
	if (rc < 0)
		return rc;
	r.rep = xcalloc(1, sizeof(*r.rep));
	r.b = &fb;
	rc = each_field(&fb, (const char *)buf, len, on_feedback, &r, err);
	if (rc == 0 && r.feedback_type == 1 && orig != NULL) {
		r.b = &ob;
		rc = each_field(&ob, orig, orig_len, on_original, &r, err);
		r.b = &fb;
	}
	if (rc == 0)
		rc = finish(&r, report_from, err);
	free(buf);
	free(r.own_message_id);
	free(r.arrival_text);
	if (rc < 0) {
		failrpt_free(r.rep);
		return rc;
	}
	*out = r.rep;
	return 0;
}

void
failrpt_free(struct failrpt_report *rep)
{
	if (rep == NULL)
		return;
	free(rep->reporter);
	free(rep->reported_domain);
	free(rep->source_ip);
	strv_free(rep->auth_failures, rep->n_auth_failures);
	free(rep->dkim_domain);
	free(rep->dkim_selector);
	free(rep->dkim_identity);
	free(rep->spf_dns);
	free(rep->identity_alignment);
	free(rep->delivery_result);
	free(rep->original_mail_from);
	strv_free(rep->original_rcpt_to, rep->n_original_rcpt_to);
	free(rep->reporting_mta);
	free(rep->user_agent);
	free(rep->version);
	strv_free(rep->header_names, rep->n_header_names);
	free(rep->orig_from);
	free(rep->orig_subject);
	free(rep->orig_message_id);
	free(rep->orig_date);
	free(rep);
}

/* A field into the key: \x1e marks NULL, \x1f ends a field. */
static void
key_str(struct sha256 *h, const char *s)
{
	if (s == NULL)
		sha256_update(h, "\x1e", 1);
	else
		sha256_update(h, s, strlen(s));
	sha256_update(h, "\x1f", 1);
}

static void
key_strv(struct sha256 *h, char *const *v, size_t n)
{
	char num[24];

	snprintf(num, sizeof(num), "%zu", n);
	key_str(h, num);
	for (size_t i = 0; i < n; i++)
		key_str(h, v[i]);
}

void
failrpt_key(
    const struct failrpt_report *rep, unsigned char out[FAILRPT_KEY_LEN])
{
	struct sha256 h = {0};
	char arrival[24];

	snprintf(arrival, sizeof(arrival), "%" PRId64, rep->arrival);
	sha256_init(&h);
	key_str(&h,
	    rep->orig_message_id != NULL ? "dmarcsift failure 1"
	                                 : "dmarcsift failure 1 all");
	key_str(&h, rep->reporter);
	key_str(&h, rep->source_ip);
	key_str(&h, rep->has_arrival ? arrival : NULL);
	key_str(&h, rep->orig_message_id);
	if (rep->orig_message_id == NULL) {
		const char *f[] = {rep->reported_domain, rep->dkim_domain,
		    rep->dkim_selector, rep->dkim_identity, rep->spf_dns,
		    rep->identity_alignment, rep->delivery_result,
		    rep->original_mail_from, rep->reporting_mta,
		    rep->user_agent, rep->version, rep->orig_from,
		    rep->orig_subject, rep->orig_date};

		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			key_str(&h, f[i]);
		key_strv(&h, rep->auth_failures, rep->n_auth_failures);
		key_strv(&h, rep->original_rcpt_to, rep->n_original_rcpt_to);
		key_strv(&h, rep->header_names, rep->n_header_names);
	}
	sha256_final(&h, out);
	sha256_free(&h);
}
