#include "parse.h"

#include "bytesrc.h"
#include "dynbuf.h"
#include "err.h"
#include "input_limits.h"
#include "report.h"
#include "text.h"
#include "utf8fix.h"
#include "xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

/*
 * Elements we read, each known by its parent.  Anything else is skipped
 * with its whole subtree (E_SKIP), which is how extensions and unknown
 * elements are ignored.
 */
enum elem {
	E_SKIP,
	E_OUTSIDE, /* above <feedback>: the document root or a wrapper */
	E_FEEDBACK,
	E_VERSION,
	E_META,
	E_ORG,
	E_EMAIL,
	E_EXTRA,
	E_REPORT_ID,
	E_RANGE,
	E_BEGIN,
	E_END,
	E_ERROR,
	E_GENERATOR,
	E_POLICY,
	E_P_DOMAIN,
	E_P_ADKIM,
	E_P_ASPF,
	E_P_P,
	E_P_SP,
	E_P_NP,
	E_P_PCT,
	E_P_FO,
	E_P_TESTING,
	E_P_DISCOVERY,
	E_RECORD,
	E_ROW,
	E_SOURCE_IP,
	E_COUNT,
	E_EVALUATED,
	E_DISPOSITION,
	E_EV_DKIM,
	E_EV_SPF,
	E_REASON,
	E_R_TYPE,
	E_R_COMMENT,
	E_IDENTIFIERS,
	E_HEADER_FROM,
	E_ENVELOPE_FROM,
	E_ENVELOPE_TO,
	E_AUTH,
	E_DKIM,
	E_D_DOMAIN,
	E_D_SELECTOR,
	E_D_RESULT,
	E_D_HUMAN,
	E_SPF,
	E_S_DOMAIN,
	E_S_SCOPE,
	E_S_RESULT,
	E_S_HUMAN,
};

struct elem_def {
	enum elem parent;
	const char *name;
	enum elem id;
	int leaf; /* its text is a value we keep */
};

static const struct elem_def elems[] = {
    {E_FEEDBACK, "version", E_VERSION, 1},
    {E_FEEDBACK, "report_metadata", E_META, 0},
    {E_FEEDBACK, "policy_published", E_POLICY, 0},
    {E_FEEDBACK, "record", E_RECORD, 0},
    {E_META, "org_name", E_ORG, 1},
    {E_META, "email", E_EMAIL, 1},
    {E_META, "extra_contact_info", E_EXTRA, 1},
    {E_META, "report_id", E_REPORT_ID, 1},
    {E_META, "date_range", E_RANGE, 0},
    {E_META, "error", E_ERROR, 1},
    {E_META, "generator", E_GENERATOR, 1},
    {E_RANGE, "begin", E_BEGIN, 1},
    {E_RANGE, "end", E_END, 1},
    {E_POLICY, "domain", E_P_DOMAIN, 1},
    {E_POLICY, "adkim", E_P_ADKIM, 1},
    {E_POLICY, "aspf", E_P_ASPF, 1},
    {E_POLICY, "p", E_P_P, 1},
    {E_POLICY, "sp", E_P_SP, 1},
    {E_POLICY, "np", E_P_NP, 1},
    {E_POLICY, "pct", E_P_PCT, 1},
    {E_POLICY, "fo", E_P_FO, 1},
    {E_POLICY, "testing", E_P_TESTING, 1},
    {E_POLICY, "discovery_method", E_P_DISCOVERY, 1},
    {E_RECORD, "row", E_ROW, 0},
    {E_RECORD, "identifiers", E_IDENTIFIERS, 0},
    {E_RECORD, "auth_results", E_AUTH, 0},
    {E_ROW, "source_ip", E_SOURCE_IP, 1},
    {E_ROW, "count", E_COUNT, 1},
    {E_ROW, "policy_evaluated", E_EVALUATED, 0},
    {E_EVALUATED, "disposition", E_DISPOSITION, 1},
    {E_EVALUATED, "dkim", E_EV_DKIM, 1},
    {E_EVALUATED, "spf", E_EV_SPF, 1},
    {E_EVALUATED, "reason", E_REASON, 0},
    {E_REASON, "type", E_R_TYPE, 1},
    {E_REASON, "comment", E_R_COMMENT, 1},
    {E_IDENTIFIERS, "header_from", E_HEADER_FROM, 1},
    {E_IDENTIFIERS, "envelope_from", E_ENVELOPE_FROM, 1},
    {E_IDENTIFIERS, "envelope_to", E_ENVELOPE_TO, 1},
    {E_AUTH, "dkim", E_DKIM, 0},
    {E_AUTH, "spf", E_SPF, 0},
    {E_DKIM, "domain", E_D_DOMAIN, 1},
    {E_DKIM, "selector", E_D_SELECTOR, 1},
    {E_DKIM, "result", E_D_RESULT, 1},
    {E_DKIM, "human_result", E_D_HUMAN, 1},
    {E_SPF, "domain", E_S_DOMAIN, 1},
    {E_SPF, "scope", E_S_SCOPE, 1},
    {E_SPF, "result", E_S_RESULT, 1},
    {E_SPF, "human_result", E_S_HUMAN, 1},
};

#define NELEMS (sizeof(elems) / sizeof(elems[0]))

/* Known words, for case-folding; anything else is kept as it came. */
static const char *const w_policy[] = {"none", "quarantine", "reject", NULL};
static const char *const w_disposition[] = {
    "none", "pass", "quarantine", "reject", NULL};
static const char *const w_align[] = {"r", "s", NULL};
static const char *const w_yn[] = {"n", "y", NULL};
static const char *const w_discovery[] = {"psl", "treewalk", NULL};
static const char *const w_passfail[] = {"pass", "fail", NULL};
static const char *const w_reason[] = {"forwarded", "sampled_out",
    "trusted_forwarder", "mailing_list", "local_policy", "policy_test_mode",
    "other", NULL};
static const char *const w_dkim[] = {"none", "pass", "fail", "policy",
    "neutral", "temperror", "permerror", NULL};
static const char *const w_spf[] = {"none", "pass", "fail", "softfail",
    "policy", "neutral", "temperror", "permerror", NULL};
static const char *const w_scope[] = {"helo", "mfrom", NULL};

static const char *const known_ns[] = {
    "http://dmarc.org/dmarc-xml/0.1",
    "http://dmarc.org/dmarc-xml/0.2",
    "urn:ietf:params:xml:ns:dmarc-2.0",
    NULL,
};

struct pstate {
	xmlParserCtxtPtr ctxt;
	const struct limits *lim;
	const struct report_sink *sink;
	struct err *err;
	int failed; /* an err_code once something refused the input */
	struct dmarc_report rep;
	struct dmarc_record rec;
	const char *rec_bad; /* why the current record will be dropped */
	char rec_bad_buf[256];
	char shown[64]; /* a value quoted in a message */
	enum elem *stack; /* element ids by depth; stack[0] is the document */
	size_t depth;
	int in_feedback, done;
	char *outer; /* name of a wrapper element around <feedback> */
	char *root; /* name of the root element */
	/* text of the current leaf, its ceiling string_bytes; p is never
	 * NULL, so it reads as a string */
	struct dynbuf text;
	size_t leaf_depth; /* depth of the leaf whose text we keep, or 0 */
	int stray_warned, errors_warned;
	uint64_t bad_utf8;
	int seen_begin, seen_end;
	int at_end; /* the last chunk is being parsed: errors mean cut short */
	int rec_has_count;
	uint64_t records_seen;
	int records_handed; /* sink->record was called at least once */
	struct timespec cpu0; /* thread CPU time when the report began */
};

/* Bytes handed to libxml2 at a time; see check_markup(). */
#define FEED_BYTES (64 * 1024)

/* Stops the parser with the first reason; later ones are not interesting. */
static void fail(struct pstate *st, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct pstate *st, int code, const char *fmt, ...)
{
	va_list ap;

	if (st->failed)
		return;
	st->failed = code;
	st->err->code = code;
	va_start(ap, fmt);
	vsnprintf(st->err->msg, sizeof(st->err->msg), fmt, ap);
	va_end(ap);
	xmlStopParser(st->ctxt);
}

/*
 * Crossing a limit refuses the input; past a complete </feedback> it only
 * ends the reading with a warning, as nothing there can change the report.
 */
static void over_limit(struct pstate *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
over_limit(struct pstate *st, const char *fmt, ...)
{
	char msg[sizeof(st->err->msg)];
	va_list ap;

	if (st->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!st->done) {
		fail(st, ERR_LIMIT, "%s", msg);
		return;
	}
	report_warn(&st->rep, "content after </feedback> ignored: %s", msg);
	xmlStopParser(st->ctxt);
}

static enum elem
lookup(enum elem parent, const char *name, int *leaf)
{
	for (size_t i = 0; i < NELEMS; i++) {
		if (elems[i].parent == parent &&
		    strcmp(elems[i].name, name) == 0) {
			*leaf = elems[i].leaf;
			return elems[i].id;
		}
	}
	*leaf = 0;
	return E_SKIP;
}

static const char *
elem_name(enum elem id)
{
	for (size_t i = 0; i < NELEMS; i++)
		if (elems[i].id == id)
			return elems[i].name;
	return "?";
}

static void
begin_feedback(struct pstate *st, const char *uri)
{
	st->in_feedback = 1;
	if (uri != NULL) {
		int known = 0;

		for (const char *const *k = known_ns; *k != NULL; k++)
			known |= strcmp(uri, *k) == 0;
		st->rep.ns = xstrdup(uri);
		if (!known) {
			char shown[128];

			text_printable(uri, shown, sizeof(shown));
			report_warn(&st->rep,
			    "unknown XML namespace '%s'; read by element "
			    "names",
			    shown);
		}
	}
	if (st->outer != NULL) {
		char shown[128];

		text_printable(st->outer, shown, sizeof(shown));
		report_warn(&st->rep,
		    "report wrapped in an unexpected <%s> element; read the "
		    "<feedback> inside it",
		    shown);
	}
}

static void
on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct pstate *st = ctx;
	const char *name = (const char *)localname;
	enum elem parent = st->stack[st->depth], id;
	int leaf = 0;

	if (st->failed)
		return;
	/* Most such tags never get here (see check_markup()): this catches
	 * the ones that arrived whole in one chunk. */
	if ((uint64_t)nb_attributes + (uint64_t)nb_namespaces >
	    st->lim->xml_attributes) {
		char shown[64];

		text_printable(name, shown, sizeof(shown));
		over_limit(st,
		    "<%s> at line %d has more than %llu attributes (limit "
		    "xml_attributes)",
		    shown, xmlSAX2GetLineNumber(st->ctxt),
		    (unsigned long long)st->lim->xml_attributes);
		return;
	}
	if (st->depth + 1 > st->lim->xml_depth && st->done) {
		/* Past a complete report: not worth refusing it for. */
		report_warn(&st->rep,
		    "deeply nested content after </feedback> ignored");
		xmlStopParser(st->ctxt);
		return;
	}
	if (st->depth + 1 > st->lim->xml_depth) {
		fail(st, ERR_LIMIT,
		    "XML nested deeper than %llu elements (limit xml_depth)",
		    (unsigned long long)st->lim->xml_depth);
		return;
	}
	if (st->bad_utf8 > 0 && strstr(name, "\xef\xbf\xbd") != NULL) {
		fail(st, ERR_MALFORMED,
		    "invalid UTF-8 in an element name at line %d, not in a "
		    "value",
		    xmlSAX2GetLineNumber(st->ctxt));
		return;
	}
	if (st->depth == 0)
		st->root = xstrdup(name);
	if (st->leaf_depth != 0) {
		/* Markup inside a value: skip it, keep the value's text. */
		id = E_SKIP;
	} else if (parent == E_OUTSIDE) {
		if (strcmp(name, "feedback") == 0 && !st->in_feedback &&
		    !st->done) {
			id = E_FEEDBACK;
			if (st->depth > 0 && st->outer == NULL)
				st->outer = xstrdup(st->root);
			begin_feedback(st, (const char *)uri);
		} else {
			/* One report per document: say so rather than drop a
			 * second one unseen. */
			if (st->done && strcmp(name, "feedback") == 0)
				report_warn(&st->rep,
				    "a second <feedback> in the same document "
				    "was ignored");
			id = E_OUTSIDE;
		}
	} else if (parent == E_SKIP) {
		id = E_SKIP;
	} else {
		id = lookup(parent, name, &leaf);
	}

	switch (id) {
	case E_RECORD:
		record_reset(&st->rec);
		st->rec_bad = NULL;
		st->rec_has_count = 0;
		st->rec.index = ++st->records_seen;
		if (st->records_seen > st->lim->records)
			fail(st, ERR_LIMIT,
			    "more than %llu records in one report (limit "
			    "records)",
			    (unsigned long long)st->lim->records);
		break;
	case E_REASON:
	case E_DKIM:
	case E_SPF: {
		size_t n = id == E_REASON ? st->rec.n_reasons
		    : id == E_DKIM        ? st->rec.n_dkim
		                          : st->rec.n_spf;

		if (n >= st->lim->auth_results) {
			fail(st, ERR_LIMIT,
			    "record %" PRIu64 " has more than %llu <%s> "
			    "elements (limit auth_results)",
			    st->rec.index,
			    (unsigned long long)st->lim->auth_results, name);
			break;
		}
		if (id == E_REASON)
			record_add_reason(&st->rec);
		else if (id == E_DKIM)
			record_add_dkim(&st->rec);
		else
			record_add_spf(&st->rec);
		break;
	}
	default:
		break;
	}
	st->stack[++st->depth] = id;
	if (leaf) {
		st->leaf_depth = st->depth;
		dynbuf_reset(&st->text);
	}
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct pstate *st = ctx;
	size_t n = (size_t)len;

	if (st->failed)
		return;
	if (st->leaf_depth != 0 && st->leaf_depth != st->depth)
		return; /* inside markup within a value */
	if (st->leaf_depth == 0) {
		enum elem cur = st->stack[st->depth];

		/* Text between elements: white space, or the odd stray
		 * character a broken generator left (seen in the wild). */
		if (!st->stray_warned && cur != E_SKIP && cur != E_OUTSIDE) {
			for (int i = 0; i < len; i++) {
				if (ch[i] != ' ' && ch[i] != '\t' &&
				    ch[i] != '\r' && ch[i] != '\n') {
					report_warn(&st->rep,
					    "stray text between elements "
					    "ignored");
					st->stray_warned = 1;
					break;
				}
			}
		}
		return;
	}
	if (dynbuf_add(&st->text, ch, n) < 0) {
		fail(st, ERR_LIMIT,
		    "<%s> at line %d is longer than %llu bytes (limit "
		    "string_bytes)",
		    elem_name(st->stack[st->depth]),
		    xmlSAX2GetLineNumber(st->ctxt),
		    (unsigned long long)st->lim->string_bytes);
		return;
	}
}

/* Keeps the first value of a field; a repeat is noted, not a reason to
 * refuse the report. */
static void
set_str(struct pstate *st, char **field, const char *what)
{
	if (*field != NULL) {
		report_warn(&st->rep, "repeated <%s> ignored", what);
		return;
	}
	*field = xstrndup(st->text.p, st->text.len);
}

/*
 * A domain name, stored as written but for one final dot: "example.com." is
 * the same name as "example.com" (a fully qualified spelling some reporters
 * use), and kept as written it would split the domain in every grouping.
 */
static void
set_domain(struct pstate *st, char **field, const char *what)
{
	size_t n = st->text.len;

	if (*field != NULL) {
		report_warn(&st->rep, "repeated <%s> ignored", what);
		return;
	}
	if (n > 1 && st->text.p[n - 1] == '.' && st->text.p[n - 2] != '.')
		n--;
	*field = xstrndup(st->text.p, n);
}

static void
set_enum(
    struct pstate *st, char **field, const char *what, const char *const *words)
{
	if (*field != NULL) {
		report_warn(&st->rep, "repeated <%s> ignored", what);
		return;
	}
	text_fold_enum(st->text.p, words);
	*field = xstrndup(st->text.p, st->text.len);
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* The current text, made safe for a message. */
static const char *
shown_text(struct pstate *st)
{
	text_printable(st->text.p, st->shown, sizeof(st->shown));
	return st->shown;
}

/* Marks the current record to be dropped, keeping the first reason. */
static void bad_record(struct pstate *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bad_record(struct pstate *st, const char *fmt, ...)
{
	va_list ap;

	if (st->rec_bad != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(st->rec_bad_buf, sizeof(st->rec_bad_buf), fmt, ap);
	va_end(ap);
	st->rec_bad = st->rec_bad_buf;
}

#define MAX_TIME 253402300799ULL /* 9999-12-31T23:59:59Z */

static void
set_time(struct pstate *st, int64_t *field, int *seen, const char *what)
{
	uint64_t v;
	char shown[64];

	if (*seen) {
		report_warn(&st->rep, "repeated <%s> ignored", what);
		return;
	}
	/* Up to the end of year 9999: what a database stores as a time. */
	if (parse_u64(st->text.p, &v) < 0 || v > MAX_TIME) {
		text_printable(st->text.p, shown, sizeof(shown));
		fail(st, ERR_MALFORMED,
		    "date_range <%s> '%s' is not a time in seconds since "
		    "1970 (up to the year 9999)",
		    what, shown);
		return;
	}
	*field = (int64_t)v;
	*seen = 1;
}

static void
end_leaf(struct pstate *st, enum elem id)
{
	struct dmarc_report *r = &st->rep;
	struct dmarc_policy *p = &r->policy;
	struct dmarc_record *rec = &st->rec;
	char shown[64];

	dynbuf_truncate(&st->text, text_trim(st->text.p, st->text.len));

	switch (id) {
	case E_VERSION:
		set_str(st, &r->version, "version");
		break;
	case E_ORG:
		set_str(st, &r->org_name, "org_name");
		break;
	case E_EMAIL:
		set_str(st, &r->email, "email");
		break;
	case E_EXTRA:
		set_str(st, &r->extra_contact_info, "extra_contact_info");
		break;
	case E_REPORT_ID:
		set_str(st, &r->report_id, "report_id");
		break;
	case E_GENERATOR:
		set_str(st, &r->generator, "generator");
		break;
	case E_ERROR:
		if (r->n_errors < st->lim->auth_results)
			report_add_error(r, st->text.p);
		else if (!st->errors_warned++)
			report_warn(r,
			    "more than %llu <error> elements; the rest "
			    "ignored (limit auth_results)",
			    (unsigned long long)st->lim->auth_results);
		break;
	case E_BEGIN:
		set_time(st, &r->begin, &st->seen_begin, "begin");
		break;
	case E_END:
		set_time(st, &r->end, &st->seen_end, "end");
		break;
	case E_P_DOMAIN:
		set_domain(st, &p->domain, "domain");
		break;
	case E_P_ADKIM:
		set_enum(st, &p->adkim, "adkim", w_align);
		break;
	case E_P_ASPF:
		set_enum(st, &p->aspf, "aspf", w_align);
		break;
	case E_P_P:
		set_enum(st, &p->p, "p", w_policy);
		break;
	case E_P_SP:
		set_enum(st, &p->sp, "sp", w_policy);
		break;
	case E_P_NP:
		set_enum(st, &p->np, "np", w_policy);
		break;
	case E_P_FO:
		set_str(st, &p->fo, "fo");
		break;
	case E_P_TESTING:
		set_enum(st, &p->testing, "testing", w_yn);
		break;
	case E_P_DISCOVERY:
		set_enum(
		    st, &p->discovery_method, "discovery_method", w_discovery);
		break;
	case E_P_PCT: {
		uint64_t v;

		if (st->text.len == 0)
			break;
		if (parse_u64(st->text.p, &v) < 0 || v > 100) {
			text_printable(st->text.p, shown, sizeof(shown));
			report_warn(
			    r, "<pct> '%s' is not 0..100; ignored", shown);
		} else if (p->pct >= 0) {
			report_warn(r, "repeated <pct> ignored");
		} else {
			p->pct = (int)v;
		}
		break;
	}
	case E_SOURCE_IP:
		if (rec->source_ip[0] != '\0')
			bad_record(st, "more than one <source_ip> ('%s')",
			    shown_text(st));
		else if (ip_normalize(st->text.p, rec->source_ip) < 0) {
			rec->source_ip[0] = '\0';
			bad_record(st, "<source_ip> '%s' is not an IP address",
			    shown_text(st));
		}
		break;
	case E_COUNT:
		if (st->rec_has_count) {
			report_warn(r,
			    "record %" PRIu64 ": repeated <count> "
			    "ignored",
			    rec->index);
			break;
		}
		if (parse_u64(st->text.p, &rec->count) < 0 ||
		    rec->count > INT64_MAX)
			bad_record(st,
			    "<count> '%s' is not a whole number 0 or more",
			    shown_text(st));
		else
			st->rec_has_count = 1;
		break;
	case E_DISPOSITION:
		set_enum(st, &rec->disposition, "disposition", w_disposition);
		break;
	case E_EV_DKIM:
		set_enum(st, &rec->dkim, "dkim", w_passfail);
		break;
	case E_EV_SPF:
		set_enum(st, &rec->spf, "spf", w_passfail);
		break;
	case E_R_TYPE:
		set_enum(st, &rec->reasons[rec->n_reasons - 1].type, "type",
		    w_reason);
		break;
	case E_R_COMMENT:
		set_str(
		    st, &rec->reasons[rec->n_reasons - 1].comment, "comment");
		break;
	case E_HEADER_FROM:
		set_domain(st, &rec->header_from, "header_from");
		break;
	case E_ENVELOPE_FROM:
		set_domain(st, &rec->envelope_from, "envelope_from");
		break;
	case E_ENVELOPE_TO:
		set_domain(st, &rec->envelope_to, "envelope_to");
		break;
	case E_D_DOMAIN:
		set_domain(
		    st, &rec->dkim_results[rec->n_dkim - 1].domain, "domain");
		break;
	case E_D_SELECTOR:
		set_str(st, &rec->dkim_results[rec->n_dkim - 1].selector,
		    "selector");
		break;
	case E_D_RESULT:
		set_enum(st, &rec->dkim_results[rec->n_dkim - 1].result,
		    "result", w_dkim);
		break;
	case E_D_HUMAN:
		set_str(st, &rec->dkim_results[rec->n_dkim - 1].human_result,
		    "human_result");
		break;
	case E_S_DOMAIN:
		set_domain(
		    st, &rec->spf_results[rec->n_spf - 1].domain, "domain");
		break;
	case E_S_SCOPE:
		set_enum(st, &rec->spf_results[rec->n_spf - 1].scope, "scope",
		    w_scope);
		break;
	case E_S_RESULT:
		set_enum(st, &rec->spf_results[rec->n_spf - 1].result, "result",
		    w_spf);
		break;
	case E_S_HUMAN:
		set_str(st, &rec->spf_results[rec->n_spf - 1].human_result,
		    "human_result");
		break;
	default:
		break;
	}
}

static void
end_record(struct pstate *st)
{
	struct dmarc_record *rec = &st->rec;

	if (st->rec_bad == NULL && rec->source_ip[0] == '\0')
		st->rec_bad = "it has no <source_ip>";
	if (st->rec_bad == NULL && !st->rec_has_count)
		st->rec_bad = "it has no <count>";
	if (st->rec_bad != NULL) {
		st->rep.n_dropped++;
		report_warn(&st->rep, "record %" PRIu64 " dropped: %s",
		    rec->index, st->rec_bad);
		record_reset(rec);
		return;
	}
	st->rep.n_records++;
	/* A total a database can hold: absurd counts stop at 2^63-1. */
	if (rec->count > (uint64_t)INT64_MAX - st->rep.messages) {
		if (st->rep.messages < (uint64_t)INT64_MAX)
			report_warn(&st->rep,
			    "message total over 2^63-1; counted as 2^63-1");
		st->rep.messages = INT64_MAX;
	} else {
		st->rep.messages += rec->count;
	}
	st->records_handed = 1;
	if (st->sink->record(st->sink->ctx, &st->rep, rec, st->err) < 0) {
		st->failed = st->err->code ? st->err->code : ERR_SINK;
		xmlStopParser(st->ctxt);
	}
	record_reset(rec);
}

/* Checks what a report cannot do without: what identifies it. */
static void
end_feedback(struct pstate *st)
{
	struct dmarc_report *r = &st->rep;

	st->in_feedback = 0;
	st->done = 1;
	if (r->report_id == NULL || r->report_id[0] == '\0')
		fail(st, ERR_MALFORMED, "report has no <report_id>");
	else if (r->policy.domain == NULL || r->policy.domain[0] == '\0')
		fail(st, ERR_MALFORMED,
		    "report has no <policy_published><domain>");
	else if (!st->seen_begin || !st->seen_end)
		fail(st, ERR_MALFORMED,
		    "report has no <date_range> with <begin> and <end>");
	if (st->failed)
		return;
	if (r->org_name == NULL || r->org_name[0] == '\0')
		report_warn(r, "report has no <org_name>");
	if (r->begin > r->end)
		report_warn(r, "date_range begins after it ends");
	if (st->records_seen == 0)
		report_warn(r, "report has no records");
}

static void
on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct pstate *st = ctx;
	enum elem id = st->stack[st->depth];

	if (st->failed || st->depth == 0)
		return;
	if (st->leaf_depth == st->depth) {
		end_leaf(st, id);
		st->leaf_depth = 0;
	}
	if (id == E_RECORD && !st->failed)
		end_record(st);
	else if (id == E_FEEDBACK)
		end_feedback(st);
	st->depth--;
}

static void
on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	/* Refused before the internal subset is read, so no entity is ever
	 * declared: XXE and entity bombs cannot start. */
	fail(ctx, ERR_MALFORMED,
	    "document has a DOCTYPE declaration; DMARC reports never do, "
	    "and it can hide entity attacks");
}

static void
on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct pstate *st = ctx;
	char msg[256];
	size_t len;

	if (e == NULL || e->level != XML_ERR_FATAL || st->failed)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	if (st->done) {
		/* The report was complete: what follows cannot change it. */
		report_warn(&st->rep,
		    "malformed XML after </feedback> ignored (line %d: %s)",
		    e->line, msg);
		xmlStopParser(st->ctxt);
		return;
	}
	/* Errors that only show at the end mean the data stopped early;
	 * libxml2's words for that ("Extra content", "expected '>'") mislead.
	 */
	if (st->at_end)
		fail(st, ERR_MALFORMED,
		    "XML ends before the report does: truncated? (line %d: %s)",
		    e->line, msg);
	else
		fail(st, ERR_MALFORMED, "XML error at line %d: %s", e->line,
		    msg);
}

/*
 * libxml2 reports some trouble (a byte its encoder cannot convert) only
 * through the generic error handler, which prints to stderr.  Keep the first
 * such message of a parse for our own refusal instead.
 */
static char generic_msg[256];

static void quiet_generic_error(void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
quiet_generic_error(void *ctx, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (generic_msg[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(generic_msg, sizeof(generic_msg), fmt, ap);
	va_end(ap);
	len = strlen(generic_msg);
	while (len > 0 &&
	    (generic_msg[len - 1] == '\n' || generic_msg[len - 1] == ' '))
		generic_msg[--len] = '\0';
}

static xmlParserInputPtr
refuse_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	/* A second wall behind the DOCTYPE refusal: nothing is ever loaded
	 * from a file or the network. */
	return NULL;
}

/*
 * What libxml2 holds unparsed: it reads some constructs only once they are
 * whole.  libxml2 2.9 (Debian 12) keeps a start tag until its '>' has
 * arrived and then checks every attribute against all the earlier ones, in
 * xmlParseStartTag2() before any SAX callback: 100,000 attributes cost 2 s
 * of CPU, 400,000 (a 900 KB gzip) 40 s, so on_start() is too late to stop
 * them.  It also keeps a comment, a processing instruction or a CDATA
 * section whole, and rescans what it holds on every chunk that brings a
 * '>': a held attribute value or CDATA section of 8 MB of '>' cost 0.3 s.
 *
 * So after each chunk we look at what it holds, in UTF-8 whatever the
 * document's encoding, before it gets to parse it: more than
 * xml_markup_bytes is refused, and so is a held start tag with more '='
 * outside quoted values (one per attribute or xmlns) than xml_attributes.
 * A start tag that libxml2 does parse has therefore at most
 * xml_attributes attributes held plus what one chunk (FEED_BYTES) can add:
 * 9,855 distinct short names fit in 64 KiB, checked in 10 ms, and then
 * on_start() refuses the input.  Counting in the bytes we feed instead
 * would need to know every encoding libxml2 reads (UTF-16, EBCDIC ...);
 * what it holds is already UTF-8.  Watching costs nothing measurable
 * (bench_parse, 1,000,000 records).  What the rest costs grows with the
 * input; cpu_ms bounds whatever was missed.
 */
static void
check_markup(struct pstate *st)
{
	const xmlParserInputPtr in = st->ctxt->input;
	const xmlChar *p, *q;
	uint64_t eq = 0;
	xmlChar quote = 0;
	char name[64], shown[64];
	size_t held, n = 0;

	if (st->failed || st->ctxt->instate == XML_PARSER_EOF || in == NULL ||
	    in->cur == NULL || in->end == NULL || in->end <= in->cur)
		return;
	held = (size_t)(in->end - in->cur);
	if (held > st->lim->xml_markup_bytes) {
		over_limit(st,
		    "markup at line %d (a start tag, comment, processing "
		    "instruction or CDATA section) is longer than %llu bytes "
		    "(limit xml_markup_bytes)",
		    xmlSAX2GetLineNumber(st->ctxt),
		    (unsigned long long)st->lim->xml_markup_bytes);
		return;
	}
	/* Only in this state does it hold a start tag (at cur); a CDATA
	 * section held may look like one and is data. */
	if (st->ctxt->instate != XML_PARSER_START_TAG || in->cur[0] != '<')
		return;
	/* A '=' outside a quoted value comes with each attribute (names
	 * cannot hold one), so counting them counts attributes. */
	for (p = in->cur + 1; p < in->end; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '=') {
			eq++;
		}
	}
	if (eq <= st->lim->xml_attributes)
		return;
	for (q = in->cur + 1;
	     q < in->end && n + 1 < sizeof(name) && *q != ' ' && *q != '\t' &&
	     *q != '\r' && *q != '\n' && *q != '/' && *q != '>';
	     q++)
		name[n++] = (char)*q;
	name[n] = '\0';
	text_printable(name, shown, sizeof(shown));
	over_limit(st,
	    "<%s> at line %d has more than %llu attributes (limit "
	    "xml_attributes)",
	    shown, xmlSAX2GetLineNumber(st->ctxt),
	    (unsigned long long)st->lim->xml_attributes);
}

/*
 * CPU time of this thread (the workers are processes, but a thread would
 * not be charged for another's work), checked after every chunk: no chunk
 * costs much once check_markup() has looked at it, so any construct whose
 * cost is not linear ends here instead of stalling the batch.  It counts
 * the layers inflated under the parser and the sink's work per record.
 */
static void
check_cpu(struct pstate *st)
{
	struct timespec now;
	int64_t ms;

	if (st->failed || st->ctxt->instate == XML_PARSER_EOF ||
	    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0)
		return;
	ms = ((int64_t)now.tv_sec - st->cpu0.tv_sec) * 1000 +
	    ((int64_t)now.tv_nsec - st->cpu0.tv_nsec) / 1000000;
	if (ms > 0 && (uint64_t)ms > st->lim->cpu_ms)
		over_limit(st,
		    "reading the report took more than %llu ms of CPU time "
		    "(limit cpu_ms)",
		    (unsigned long long)st->lim->cpu_ms);
}

int
parse_report(struct bytesrc *src, const char *where, const struct limits *lim,
    const struct report_sink *sink, struct err *err)
{
	static int loader_set;
	xmlSAXHandler sax;
	struct pstate st;
	struct bytesrc *fix;
	struct err rerr;
	unsigned char *buf;
	const size_t bufsz = FEED_BYTES;
	size_t room;
	ssize_t n;
	int rc = 0;

	if (!loader_set) {
		xmlSetExternalEntityLoader(refuse_entity_loader);
		xmlSetGenericErrorFunc(NULL, quiet_generic_error);
		loader_set = 1;
	}
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.internalSubset = on_doctype;
	sax.serror = on_xml_error;

	generic_msg[0] = '\0';
	memset(&st, 0, sizeof(st));
	st.lim = lim;
	st.sink = sink;
	st.err = err;
	report_init(&st.rep, (size_t)lim->warnings);
	st.stack = xcalloc((size_t)lim->xml_depth + 2, sizeof(*st.stack));
	st.stack[0] = E_OUTSIDE;
	dynbuf_init(&st.text, (size_t)lim->string_bytes);
	dynbuf_room(&st.text, 256, &room); /* p set: never NULL */
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &st.cpu0) != 0)
		memset(&st.cpu0, 0, sizeof(st.cpu0));
	buf = xmalloc(bufsz);
	fix = utf8fix_new(src, &st.bad_utf8);

	st.ctxt = xmlCreatePushParserCtxt(&sax, &st, NULL, 0, where);
	if (st.ctxt == NULL)
		abort(); /* only fails on out of memory */
	xmlCtxtUseOptions(
	    st.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	for (;;) {
		err_clear(&rerr);
		n = bytesrc_read(fix, buf, bufsz, &rerr);
		if (n < 0) {
			if (st.done) {
				report_warn(&st.rep,
				    "could not read past </feedback>: %s; "
				    "ignored",
				    rerr.msg);
				break;
			}
			if (!st.failed) {
				*err = rerr;
				st.failed = rerr.code;
			}
			break;
		}
		st.at_end = n == 0;
		xmlParseChunk(st.ctxt, (const char *)buf, (int)n, n == 0);
		check_markup(&st);
		check_cpu(&st);
		if (st.failed || n == 0 || st.ctxt->instate == XML_PARSER_EOF)
			break;
	}

	if (!st.failed && !st.done) {
		if (st.root != NULL && !st.in_feedback) {
			char shown[64];

			text_printable(st.root, shown, sizeof(shown));
			st.failed = err_set(err, ERR_NOT_AGGREGATE,
			    "not a DMARC aggregate report: the XML root "
			    "element is <%s>, not <feedback>",
			    shown);
		} else {
			st.failed = err_set(err, ERR_MALFORMED,
			    "XML ends before the report does");
		}
	}
	/* A conversion failure ends the input early: say what it was. */
	if (st.failed == ERR_MALFORMED && generic_msg[0] != '\0' &&
	    strstr(err->msg, "XML ends before") != NULL)
		err_set(err, ERR_MALFORMED,
		    "cannot decode the XML in its declared encoding (%s)",
		    generic_msg);
	if (!st.failed) {
		if (st.bad_utf8 > 0)
			report_warn(&st.rep,
			    "%" PRIu64 " invalid UTF-8 byte(s) replaced with "
			    "U+FFFD",
			    st.bad_utf8);
		if (sink->report(sink->ctx, &st.rep, where, err) < 0)
			st.failed = err->code ? err->code : ERR_SINK;
	} else if (st.records_handed && sink->discard != NULL) {
		sink->discard(sink->ctx);
	}
	rc = st.failed;

	xmlFreeParserCtxt(st.ctxt);
	bytesrc_free(fix);
	record_reset(&st.rec);
	report_reset(&st.rep);
	free(st.stack);
	dynbuf_free(&st.text);
	free(st.root);
	free(st.outer);
	free(buf);
	return rc;
}
