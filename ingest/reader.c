#include "reader.h"

#include "bytesrc.h"
#include "err.h"
#include "failrpt.h"
#include "input_limits.h"
#include "log.h"
#include "text.h"
#include "tlsrpt.h"
#include "unpack.h"

#include <stdio.h>
#include <string.h>

/* Where an item sits in a container decides what is worth a complaint. */
enum context {
	AT_TOP, /* the input itself, or what a gzip stream holds */
	IN_ARCHIVE, /* a zip member: other files are left alone */
	IN_MAIL, /* a MIME part: bodies and logos are left alone */
};

struct rstate {
	const struct limits *lim;
	const struct reader_sink *sink;
	const struct reader_tls_sink *tls; /* NULL: TLS reports skipped */
	/* NULL: failure reports skipped */
	const struct reader_failure_sink *fail;
	struct reader_stats *stats;
	struct unpack_env env;
	struct err first;
	unsigned depth;
	char where[1024]; /* place of the current item, "" at top level */
};

struct item_arg {
	struct rstate *rs;
	enum context ctx;
};

static int read_any(struct rstate *rs, struct bytesrc *src, enum context ctx);

/* Errors that mean the whole input cannot go on, not just this part. */
static int
fatal(int code)
{
	return code == ERR_SINK || code == ERR_IO;
}

static void
problem(struct rstate *rs, struct err *why)
{
	if (rs->where[0] != '\0')
		err_prefix(why, "%s", rs->where);
	if (why->code == ERR_NOT_AGGREGATE)
		rs->stats->skipped++;
	else
		rs->stats->refused++;
	if (rs->first.code == ERR_OK || fatal(why->code) ||
	    (rs->first.code == ERR_NOT_AGGREGATE &&
	        why->code != ERR_NOT_AGGREGATE))
		rs->first = *why;
	/* The sink's own failure (output, database) is not news to it and
	 * not a fault of this input: it comes back through the return. */
	if (rs->sink->problem != NULL && !fatal(why->code))
		rs->sink->problem(rs->sink->reports.ctx, rs->where, why);
}

static int
on_item(void *argp, struct bytesrc *inner, const char *label, struct err *err)
{
	struct item_arg *arg = argp;
	struct rstate *rs = arg->rs;
	size_t keep = strlen(rs->where);
	int rc = 0;

	if (label[0] != '\0') {
		snprintf(rs->where + keep, sizeof(rs->where) - keep, "%s%s",
		    keep ? ": " : "", label);
		text_utf8_cut(rs->where);
	}
	if (inner == NULL) {
		problem(rs, err);
		rc = fatal(err->code) ? err->code : 0;
	} else {
		rs->depth++;
		rc = read_any(rs, inner, arg->ctx);
		rs->depth--;
		if (rc < 0)
			*err = rs->first;
	}
	rs->where[keep] = '\0';
	return rc;
}

/* A report in a mail part starts like one; a text body that happens to
 * begin with "<" does not. */
static int
xml_candidate(struct bytesrc *src, struct err *err)
{
	const unsigned char *p;
	ssize_t n = bytesrc_peek(src, 64, &p, err);
	size_t i = 0;

	if (n < 0)
		return 0;
	if (n >= 2 && (p[0] == 0xfe || p[0] == 0xff || p[0] == 0 || p[1] == 0))
		return 1;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < (size_t)n &&
	    (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return (size_t)n - i >= 5 &&
	    (memcmp(p + i, "<?xml", 5) == 0 || memcmp(p + i, "<feed", 5) == 0 ||
	        memcmp(p + i, "<!--", 4) == 0);
}

/* RFC 8460 reports are JSON with these members. */
static int
tls_report(struct bytesrc *src, struct err *err)
{
	const unsigned char *p;
	ssize_t n = bytesrc_peek(src, BYTESRC_PEEK_MAX, &p, err);

	return n > 0 && tlsrpt_sniff(p, (size_t)n);
}

/* A TLS report into rs->tls.  Returns 0 or a fatal code, as read_any(). */
static int
read_tls(struct rstate *rs, struct bytesrc *src)
{
	struct tlsrpt_report *rep = NULL;
	struct err err;
	int rc;

	err_clear(&err);
	if ((rc = tlsrpt_parse(src, rs->lim, &rep, &err)) == 0) {
		rc = rs->tls->report(rs->tls->ctx, rep, rs->where, &err);
		tlsrpt_free(rep);
	}
	if (rc < 0) {
		problem(rs, &err);
		return fatal(rc) ? rc : 0;
	}
	rs->stats->tls++;
	return 0;
}

/*
 * A failure report: the feedback part in src, the rest in arf, into
 * rs->fail.  Another feedback type yields nothing: the mail is then
 * skipped as a failure report, as before.  Returns 0 or a fatal code.
 */
static int
read_failure(
    struct rstate *rs, struct bytesrc *src, const struct unpack_arf *arf)
{
	struct failrpt_report *rep = NULL;
	struct err err;
	int rc;

	err_clear(&err);
	rc = failrpt_parse(
	    src, arf->orig, arf->orig_len, arf->from, rs->lim, &rep, &err);
	if (rc == ERR_NOT_AGGREGATE)
		return 0;
	if (rc == 0) {
		rc = rs->fail->report(rs->fail->ctx, rep, rs->where, &err);
		failrpt_free(rep);
	}
	if (rc < 0) {
		problem(rs, &err);
		return fatal(rc) ? rc : 0;
	}
	rs->stats->failures++;
	return 0;
}

/* What a container yielded so far, of every kind. */
static unsigned
yielded(const struct reader_stats *s)
{
	return s->reports + s->tls + s->failures + s->refused + s->skipped;
}

static int
run_container(struct rstate *rs, const struct unpack_backend *b,
    struct bytesrc *src, enum context inner_ctx)
{
	struct item_arg arg = {rs, inner_ctx};
	struct err err;
	unsigned before = yielded(rs->stats);
	int rc;

	err_clear(&err);
	rc = b->each(src, &rs->env, on_item, &arg, &err);
	if (rc < 0 && !fatal(rc)) {
		problem(rs, &err);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (yielded(rs->stats) != before)
		return 0;
	/* The container yielded nothing at all: say what it was. */
	if (b == &unpack_mail && rs->env.hint == HINT_FAILURE_REPORT)
		err_set(&err, ERR_NOT_AGGREGATE,
		    "not an aggregate report (failure report)");
	else if (b == &unpack_mail && rs->env.hint == HINT_TLS_REPORT)
		err_set(&err, ERR_NOT_AGGREGATE,
		    "not an aggregate report (TLS report)");
	else if (b == &unpack_mail)
		err_set(&err, ERR_MALFORMED,
		    "no DMARC report in this mail (no XML, gzip or zip part)");
	else if (b == &unpack_zip)
		err_set(&err, ERR_MALFORMED, "zip archive holds no XML report");
	else
		return 0;
	problem(rs, &err);
	return 0;
}

/*
 * Sniffs src and reads what it is.  Returns 0 (problems went to problem())
 * or a fatal code that ends the whole input.
 */
static int
read_any(struct rstate *rs, struct bytesrc *src, enum context ctx)
{
	enum content_kind kind;
	struct err err;
	int rc;

	err_clear(&err);
	if (ctx == IN_MAIL && rs->env.arf != NULL && rs->fail != NULL) {
		/* Only this part is the feedback part: not what it holds. */
		const struct unpack_arf *arf = rs->env.arf;

		rs->env.arf = NULL;
		return read_failure(rs, src, arf);
	}
	if (rs->depth > rs->lim->layers) {
		err_set(&err, ERR_LIMIT,
		    "more than %llu nested containers (limit layers)",
		    (unsigned long long)rs->lim->layers);
		problem(rs, &err);
		return 0;
	}
	if ((rc = unpack_sniff(src, &kind, &err)) < 0) {
		problem(rs, &err);
		return fatal(rc) ? rc : 0;
	}
	if (ctx == IN_MAIL && kind == CONTENT_XML && !xml_candidate(src, &err))
		kind = CONTENT_UNKNOWN;
	log_debug("%s: content is %s", rs->where[0] ? rs->where : "input",
	    unpack_kind_name(kind));

	switch (kind) {
	case CONTENT_XML:
		rc = parse_report(
		    src, rs->where, rs->lim, &rs->sink->reports, &err);
		if (rc == 0) {
			rs->stats->reports++;
			return 0;
		}
		if (rc == ERR_NOT_AGGREGATE) {
			/* An HTML body in a mail, a manifest in a zip: no
			 * complaint.  Given on its own it is a wrong input. */
			if (ctx != AT_TOP)
				return 0;
			err.code = ERR_MALFORMED;
		}
		problem(rs, &err);
		return fatal(rc) ? rc : 0;
	case CONTENT_GZIP:
		/* A gzip stream is transparent: what it holds is judged as
		 * if it stood where the gzip does. */
		return run_container(rs, &unpack_gzip, src, ctx);
	case CONTENT_ZIP:
		return run_container(rs, &unpack_zip, src, IN_ARCHIVE);
	case CONTENT_MAIL:
		if (ctx != AT_TOP)
			return 0;
		return run_container(rs, &unpack_mail, src, IN_MAIL);
	case CONTENT_JSON:
		if (rs->tls != NULL &&
		    (ctx == AT_TOP || rs->env.hint == HINT_TLS_REPORT ||
		        tls_report(src, &err)))
			return read_tls(rs, src);
		if (tls_report(src, &err)) {
			err_set(&err, ERR_NOT_AGGREGATE,
			    "not an aggregate report (TLS report)");
			problem(rs, &err);
			return 0;
		}
		break;
	case CONTENT_EMPTY:
	case CONTENT_UNKNOWN:
		break;
	}
	if (ctx != AT_TOP)
		return 0;
	if (kind == CONTENT_EMPTY)
		err_set(&err, ERR_MALFORMED, "empty input");
	else
		err_set(&err, ERR_MALFORMED,
		    "unrecognised content: not XML, gzip, zip or a mail%s",
		    kind == CONTENT_JSON ? " (JSON that is no TLS report)"
		                         : "");
	problem(rs, &err);
	return 0;
}

int
reader_read(struct bytesrc *src, const struct limits *lim,
    const struct reader_sink *sink, struct reader_stats *stats, struct err *err)
{
	return reader_read_tls(src, lim, sink, NULL, stats, err);
}

int
reader_read_tls(struct bytesrc *src, const struct limits *lim,
    const struct reader_sink *sink, const struct reader_tls_sink *tls,
    struct reader_stats *stats, struct err *err)
{
	return reader_read_all(src, lim, sink, tls, NULL, stats, err);
}

int
reader_read_all(struct bytesrc *src, const struct limits *lim,
    const struct reader_sink *sink, const struct reader_tls_sink *tls,
    const struct reader_failure_sink *fail, struct reader_stats *stats,
    struct err *err)
{
	struct rstate rs;
	int rc;

	memset(&rs, 0, sizeof(rs));
	memset(stats, 0, sizeof(*stats));
	rs.lim = lim;
	rs.sink = sink;
	rs.tls = tls;
	rs.fail = fail;
	rs.stats = stats;
	rs.env.lim = lim;
	rc = read_any(&rs, src, AT_TOP);
	if (rc < 0) {
		*err = rs.first;
		return rc;
	}
	if (stats->reports + stats->tls + stats->failures > 0)
		return 0;
	*err = rs.first;
	return rs.first.code != ERR_OK ? rs.first.code : ERR_MALFORMED;
}
