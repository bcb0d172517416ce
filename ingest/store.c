#include "store.h"

#include "analysis.h"
#include "auth_shape.h"
#include "bytesrc.h"
#include "clock.h"
#include "copybuf.h"
#include "db.h"
#include "err.h"
#include "failrpt.h"
#include "input_limits.h"
#include "json.h"
#include "locks.h"
#include "log.h"
#include "mailauth.h"
#include "month_code.h"
#include "orgdomain.h"
#include "reader.h"
#include "report.h"
#include "services.h"
#include "sha256.h"
#include "tlsrpt.h"
#include "unpack.h"
#include "verdict.h"
#include "verdict_copy.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The statements run for every input: parsed and planned once a run. */
static const struct {
	const char *name, *sql;
	int n;
} queries[] = {
    {"ds_input",
        "INSERT INTO inputs (sha256, size, raw_gz, raw_complete, source, "
        "source_name, outcome, run) VALUES ($1, $2, $3, $4, $5, $6, "
        "'refused', $7) ON CONFLICT (sha256) DO NOTHING RETURNING id",
        7},
    {"ds_next_id", "SELECT nextval('reports_id_seq')", 0},
    {"ds_report",
        "INSERT INTO reports (id, input, place, org_name, email, "
        "extra_contact_info, report_id, generator, version, namespace, "
        "errors, domain, date_begin, date_end, adkim, aspf, p, sp, np, "
        "pct, fo, testing, discovery_method, record_count, "
        "records_dropped, messages, warnings, content_sha256, genuine, "
        "genuine_why, judged) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "ARRAY(SELECT jsonb_array_elements_text($11)), $12, "
        "to_timestamp($13), to_timestamp($14), $15, $16, $17, $18, $19, "
        "$20, $21, $22, $23, $24, $25, $26, "
        "ARRAY(SELECT jsonb_array_elements_text($27)), $28, $29, $30, "
        "$31) ON CONFLICT (org_name, report_id, domain, date_begin, "
        "date_end, content_sha256) DO NOTHING RETURNING id",
        31},
    /* A genuine copy of a report first stored from a mail that could not
     * be checked, or failed: the report is genuine. */
    {"ds_genuine",
        "UPDATE reports SET genuine = true, genuine_why = $7 WHERE "
        "org_name = $1 AND report_id = $2 AND domain = $3 AND date_begin = "
        "to_timestamp($4) AND date_end = to_timestamp($5) AND "
        "content_sha256 = $6 AND genuine IS NOT TRUE",
        7},
    {"ds_outcome",
        "UPDATE inputs SET outcome = $2, report_count = $3, mail_from = $4, "
        "auth_top = $5, auth_by = $6, auth_results = $7 WHERE id = $1",
        7},
    {"ds_mail",
        "INSERT INTO imap_messages (account, mailbox, uidvalidity, uid, "
        "message_id, input, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT DO NOTHING",
        7},
    /* An SMTP TLS report with its policies ($8, a JSON array: tls_json())
     * and their failure details, in one statement; nothing when stored
     * before (sql/024). */
    {"ds_tls",
        "WITH r AS (INSERT INTO tls_reports (input, place, org_name, "
        "report_id, contact_info, date_begin, date_end, policy_domains, "
        "content_sha256) SELECT $1, $2, $3, $4, $5, to_timestamp($6), "
        "to_timestamp($7), ARRAY(SELECT DISTINCT lower(e->>'domain') FROM "
        "jsonb_array_elements($8::jsonb) e ORDER BY 1), $9 ON CONFLICT DO "
        "NOTHING RETURNING id), "
        "p AS (INSERT INTO tls_policies (report, idx, policy_type, "
        "policy_domain, policy_strings, mx_hosts, successful, failed) "
        "SELECT r.id, e.i, e.v->>'type', e.v->>'domain', ARRAY(SELECT "
        "jsonb_array_elements_text(e.v->'strings')), ARRAY(SELECT "
        "jsonb_array_elements_text(e.v->'mx')), (e.v->>'ok')::bigint, "
        "(e.v->>'failed')::bigint FROM r, jsonb_array_elements($8::jsonb) "
        "WITH ORDINALITY e(v, i)), "
        "f AS (INSERT INTO tls_failure_details (report, policy, idx, "
        "result_type, sending_mta_ip, receiving_mx_hostname, "
        "receiving_mx_helo, receiving_ip, failed_sessions, "
        "additional_information, failure_reason_code) SELECT r.id, e.i, "
        "d.j, d.v->>'type', d.v->>'mta', d.v->>'mx', d.v->>'helo', "
        "d.v->>'ip', (d.v->>'n')::bigint, d.v->>'info', d.v->>'code' FROM "
        "r, jsonb_array_elements($8::jsonb) WITH ORDINALITY e(v, i), "
        "jsonb_array_elements(e.v->'failures') WITH ORDINALITY d(v, j)) "
        "SELECT id FROM r",
        9},
    /* A DMARC failure report; nothing when stored before (sql/025).  With
     * failure_keep none, $7 and on but $8 are NULL: $8 only makes the
     * day. */
    {"ds_failure",
        "INSERT INTO failure_reports (input, place, kept, key_sha256, "
        "reporter, reported_domain, day, arrival_date, source_ip, "
        "auth_failures, dkim_domain, dkim_selector, dkim_identity, "
        "spf_dns, identity_alignment, delivery_result, "
        "original_mail_from, original_rcpt_to, reporting_mta, user_agent, "
        "version, header_names, orig_from, orig_subject, orig_message_id, "
        "orig_date) VALUES ($1, $2, $3, $4, $5, $6, "
        "coalesce((to_timestamp($8::bigint) AT TIME ZONE 'UTC')::date, "
        "(now() AT TIME ZONE 'UTC')::date), to_timestamp($7::bigint), "
        "$9::inet, (SELECT ARRAY(SELECT jsonb_array_elements_text(j)) FROM "
        "(SELECT $10::jsonb) x(j) WHERE j IS NOT NULL), $11, $12, $13, "
        "$14, $15, $16, $17, (SELECT ARRAY(SELECT "
        "jsonb_array_elements_text(j)) FROM (SELECT $18::jsonb) x(j) WHERE "
        "j IS NOT NULL), $19, $20, $21, (SELECT ARRAY(SELECT "
        "jsonb_array_elements_text(j)) FROM (SELECT $22::jsonb) x(j) WHERE "
        "j IS NOT NULL), $23, $24, $25, $26) ON CONFLICT (key_sha256) DO "
        "NOTHING RETURNING id",
        26},
    /* The input's reports, for the rollup to catch up with at the end of
     * the run (sql/012). */
    {"ds_pending",
        "INSERT INTO source_days_pending (report) SELECT id FROM reports "
        "WHERE input = $1 ON CONFLICT DO NOTHING",
        1},
    /* The same bytes came before: the mail is recorded against that
     * input, and takes its fate when it held no report (refused mail goes
     * to the errors folder again, and is never deleted). */
    {"ds_mail_again",
        "WITH i AS (SELECT id, CASE WHEN NOT raw_complete OR outcome = "
        "'refused' THEN 'refused' WHEN outcome = 'skipped' THEN 'skipped' "
        "ELSE 'duplicate' END AS o FROM inputs WHERE sha256 = $6), "
        "ins AS (INSERT INTO imap_messages (account, mailbox, uidvalidity, "
        "uid, message_id, input, outcome) SELECT $1, $2, $3, $4, $5, id, o "
        "FROM i ON CONFLICT DO NOTHING) SELECT o FROM i",
        6},
};

struct store {
	struct db *db;
	const struct limits *lim;
	char run_id[24];
	struct store_counts total;

	/* The input being stored. */
	char input_id[24];
	struct store_counts cur;
	unsigned problem_n;
	int db_failed; /* a database error inside a reader callback */
	struct err db_err;
	/* Problems are told to the caller only once committed, so that a
	 * retried transaction does not tell them twice. */
	struct {
		char *where;
		struct err why;
	} pending[32];
	unsigned n_pending, pending_over;
	/* When set, the input is stored refused for this reason, unread. */
	const struct err *refuse;
	/* The mail the input is, when it came from a mailbox (NULL
	 * otherwise), and the outcome it got. */
	const struct store_mail *mail;
	char outcome[16];
	/* A report id taken from the sequence ahead of need, in the round
	 * trip of an earlier statement ("" when there is none). */
	char next_id[24];

	/* The report being stored: its records go straight into a COPY
	 * while the parser reads on; the report row follows them. */
	int in_report, copying;
	uint64_t copied; /* records sent in this report's COPY */
	char report_id[24];
	/* The content digest (see st_report): one digest per record, sorted
	 * when the report ends, so the order of its records does not count. */
	struct sha256 content, rec_hash;
	unsigned char (*rec_digests)[SHA256_LEN];
	/* The records' DKIM and SPF results, named by shape (sql/029). */
	struct auth_shapes *shapes;
	size_t n_digests, cap_digests;
	struct copybuf line, copy;

	/* Which report mails are genuine (mailauth.h): the authserv_id
	 * setting, what the input's header says, and the Public Suffix
	 * List, loaded on first need. */
	char *authserv;
	struct mailauth auth;
	struct orgdomain *od;
	int od_failed;

	/* Judging in flight (store_judge()): the services list, when on;
	 * whether this report's records are judged as they come (its policy
	 * came first), each verdict in its record's row. */
	struct services *sv;
	char *services_file;
	int judging;

	/* Why the run stopped before its work was done (store_failed()), or
	 * NULL. */
	char *failure;
	enum store_failure_keep failure_keep;

	/* Month codes whose partitions are known to be there: the store
	 * asks for the others (sql/016).  Room for every code month_code_for()
	 * gives: the months it takes as plausible, and _other. */
	int months[MONTH_CODE_BACK + 4];
	unsigned n_months;
};

static void drop_pending(struct store *st);

/* Taken by every transaction that names shapes, before it does, and the
 * count of prune's deletions of shapes then (auth_shape.h). */
#define SHAPES_LOCK_SQL "SELECT pg_advisory_xact_lock_shared(" LOCK_SHAPES ")"
#define SHAPES_GEN_SQL "SELECT gen FROM auth_shapes_gc"

/* Keeps a database failure for store_input; the reader sees ERR_SINK,
 * which stops the whole input. */
static int
sink_fail(struct store *st, const struct err *dberr, struct err *err)
{
	if (!st->db_failed) {
		st->db_failed = 1;
		st->db_err = *dberr;
	}
	if (err != dberr)
		*err = *dberr;
	err->code = ERR_SINK;
	return ERR_SINK;
}

/*
 * Makes sure month code's partitions are there.  Made on a connection of
 * their own (a month or two a run), committed at once: made inside the input's
 * transaction they would keep every other worker that needs the month waiting
 * for the whole input, and go if it rolled back.
 */
static int
ensure_month(struct store *st, int code, struct err *err)
{
	char num[16], *made = NULL;
	const char *params[1] = {num};
	struct db *side = NULL;
	int rc;

	for (unsigned i = 0; i < st->n_months; i++)
		if (st->months[i] == code)
			return 0;
	snprintf(num, sizeof(num), "%d", code);
	if ((rc = db_connect_like(&side, st->db, err)) == 0)
		rc = db_value(side, "SELECT records_month($1::int)", 1, params,
		    &made, err);
	db_close(side);
	free(made);
	if (rc < 0)
		return rc;
	if (st->n_months == sizeof(st->months) / sizeof(st->months[0]))
		st->n_months = 0;
	st->months[st->n_months++] = code;
	return 0;
}

/* Takes the id for the next report, in the month of begin (month_code.h):
 * the sequence number fetched ahead, or a new one. */
static int
take_report_id(struct store *st, int64_t begin, struct err *err)
{
	char *seq = NULL, *end;
	int64_t id;
	int code, rc;

	if (st->next_id[0] == '\0') {
		const struct db_stmt next = {
		    "ds_next_id", 0, NULL, NULL, NULL, &seq, 1};

		if ((rc = db_pipeline(st->db, &next, 1, err)) < 0)
			return rc;
		snprintf(st->next_id, sizeof(st->next_id), "%s", seq);
		free(seq);
	}
	code = month_code_for(begin, clock_now());
	id = month_code_id(code, strtoll(st->next_id, &end, 10));
	st->next_id[0] = '\0';
	if (id < 0)
		return err_set(err, ERR_DB,
		    "the report id sequence is past 2^40: report ids cannot "
		    "say their month");
	snprintf(st->report_id, sizeof(st->report_id), "%" PRId64, id);
	return ensure_month(st, code, err);
}

static int
begin_report(struct store *st, const struct dmarc_report *rep, struct err *err)
{
	int rc;

	if ((rc = take_report_id(st, rep->begin, err)) < 0)
		return sink_fail(st, err, err);
	st->n_digests = 0;
	st->in_report = 1;
	st->copied = 0;
	return 0;
}

static int
flush_copy(struct store *st, struct err *err)
{
	int rc = db_copy_write(st->db, st->copy.buf.p, st->copy.buf.len, err);

	copybuf_reset(&st->copy);
	return rc < 0 ? sink_fail(st, err, err) : 0;
}

/* Ends this report's COPY, if one is running. */
static int
end_copy(struct store *st, struct err *err)
{
	int rc;

	if (!st->copying)
		return 0;
	st->copying = 0;
	if ((rc = flush_copy(st, err)) < 0)
		return rc;
	if ((rc = db_copy_finish(st->db, err)) < 0)
		return sink_fail(st, err, err);
	return 0;
}

/* Removes the records this report sent: it is a duplicate, or the
 * parser gave up on it. */
static int
drop_records(struct store *st, struct err *err)
{
	const char *params[] = {st->report_id};

	if (st->copied == 0)
		return 0;
	if (db_exec(st->db, "DELETE FROM records WHERE report = $1", 1, params,
	        err) < 0)
		return sink_fail(st, err, err);
	return 0;
}

/*
 * An array element in PostgreSQL's array syntax, inside a COPY text
 * field: double-quoted with '"' and '\' escaped for the array, then every
 * backslash doubled and control characters escaped for COPY.
 */
static void
put_elem(struct copybuf *b, const char *s)
{
	if (s == NULL) {
		copybuf_add(b, "NULL", 4);
		return;
	}
	copybuf_add(b, "\"", 1);
	copybuf_escaped(b, s, 1);
	copybuf_add(b, "\"", 1);
}

/* One row of a two-dimensional array: {"a","b",NULL}. */
static void
put_row(struct copybuf *b, size_t i, const char *const *fields, size_t n)
{
	copybuf_add(b, i == 0 ? "{" : ",{", i == 0 ? 1 : 2);
	for (size_t f = 0; f < n; f++) {
		if (f > 0)
			copybuf_add(b, ",", 1);
		put_elem(b, fields[f]);
	}
	copybuf_add(b, "}", 1);
}

static void
put_open(struct copybuf *b, size_t n)
{
	copybuf_add(b, n == 0 ? "{}" : "{", n == 0 ? 2 : 1);
}

static void
put_close(struct copybuf *b, size_t n, char sep)
{
	if (n > 0)
		copybuf_add(b, "}", 1);
	copybuf_add(b, &sep, 1);
}

/*
 * A record's canonical content, into st->rec_hash after its row: a line
 * per reason, DKIM result and SPF result, each tagged with its kind and
 * its place among its kind in the record (their order inside a record is
 * the reporter's), never with the record's place in the report.
 */
static void
hash_results(struct store *st, const struct dmarc_record *rec)
{
	struct copybuf *l = &st->line;

	for (size_t i = 0; i < rec->n_reasons; i++) {
		copybuf_reset(l);
		copybuf_add(l, "r\t", 2);
		copybuf_u64(l, i + 1, '\t');
		copybuf_text(l, rec->reasons[i].type, '\t');
		copybuf_text(l, rec->reasons[i].comment, '\n');
		sha256_update(&st->rec_hash, l->buf.p, l->buf.len);
	}
	for (size_t i = 0; i < rec->n_dkim; i++) {
		const struct dmarc_dkim_result *d = &rec->dkim_results[i];

		copybuf_reset(l);
		copybuf_add(l, "d\t", 2);
		copybuf_u64(l, i + 1, '\t');
		copybuf_text(l, d->domain, '\t');
		copybuf_text(l, d->selector, '\t');
		copybuf_text(l, d->result, '\t');
		copybuf_text(l, d->human_result, '\n');
		sha256_update(&st->rec_hash, l->buf.p, l->buf.len);
	}
	for (size_t i = 0; i < rec->n_spf; i++) {
		const struct dmarc_spf_result *s = &rec->spf_results[i];

		copybuf_reset(l);
		copybuf_add(l, "s\t", 2);
		copybuf_u64(l, i + 1, '\t');
		copybuf_text(l, s->domain, '\t');
		copybuf_text(l, s->scope, '\t');
		copybuf_text(l, s->result, '\t');
		copybuf_text(l, s->human_result, '\n');
		sha256_update(&st->rec_hash, l->buf.p, l->buf.len);
	}
}

/* Ends a record's digest and keeps it for the report's. */
static void
keep_record_digest(struct store *st)
{
	if (st->n_digests == st->cap_digests) {
		st->cap_digests = st->cap_digests ? 2 * st->cap_digests : 64;
		st->rec_digests = xrealloc(st->rec_digests,
		    st->cap_digests * sizeof(st->rec_digests[0]));
	}
	sha256_final(&st->rec_hash, st->rec_digests[st->n_digests++]);
}

/* Forgets the records' digests, and the memory of a big report's. */
static void
drop_digests(struct store *st)
{
	st->n_digests = 0;
	if (st->cap_digests > 64 * 1024) {
		free(st->rec_digests);
		st->rec_digests = NULL;
		st->cap_digests = 0;
	}
}

static int
cmp_digest(const void *a, const void *b)
{
	return memcmp(a, b, SHA256_LEN);
}

/* The record's reasons as an array column, followed by end. */
static void
put_reasons(struct copybuf *b, const struct dmarc_record *rec, char end)
{
	put_open(b, rec->n_reasons);
	for (size_t i = 0; i < rec->n_reasons; i++) {
		const char *f[] = {
		    rec->reasons[i].type, rec->reasons[i].comment};

		put_row(b, i, f, 2);
	}
	put_close(b, rec->n_reasons, end);
}

static int
st_record(void *ctx, const struct dmarc_report *rep,
    const struct dmarc_record *rec, struct err *err)
{
	struct store *st = ctx;
	struct copybuf *l = &st->line;
	size_t idx_len, row;
	int rc;

	if (!st->in_report && (rc = begin_report(st, rep, err)) < 0)
		return rc;
	/* A verdict needs the policy: judged here only when it came before
	 * the first record (as it does in every real report); otherwise
	 * after the store, read back. */
	if (st->copied == 0)
		st->judging = st->sv != NULL && rep->policy.domain != NULL &&
		    rep->policy.domain[0] != '\0';
	if (!st->copying) {
		if ((rc = db_copy_start(st->db,
		         "COPY records (report, idx, source_ip, count, "
		         "disposition, dkim, spf, header_from, envelope_from, "
		         "envelope_to, auth, reasons, "
		         "" VERDICT_COPY_COLUMNS ") FROM STDIN",
		         err)) < 0)
			return sink_fail(st, err, err);
		st->copying = 1;
	}
	copybuf_reset(l);
	copybuf_u64(l, rec->index, '\t');
	idx_len = l->buf.len;
	copybuf_text(l, rec->source_ip, '\t');
	copybuf_u64(l, rec->count, '\t');
	copybuf_text(l, rec->disposition, '\t');
	copybuf_text(l, rec->dkim, '\t');
	copybuf_text(l, rec->spf, '\t');
	copybuf_text(l, rec->header_from, '\t');
	copybuf_text(l, rec->envelope_from, '\t');
	copybuf_text(l, rec->envelope_to, '\n');
	/* The digest takes the row without its idx. */
	sha256_init(&st->rec_hash);
	sha256_update(&st->rec_hash, l->buf.p + idx_len, l->buf.len - idx_len);
	row = st->copy.buf.len;
	copybuf_add(&st->copy, st->report_id, strlen(st->report_id));
	copybuf_add(&st->copy, "\t", 1);
	/* The line's newline becomes the tab before the arrays. */
	l->buf.p[l->buf.len - 1] = '\t';
	copybuf_add(&st->copy, l->buf.p, l->buf.len);
	{
		char uuid[AUTH_SHAPE_UUID_LEN];

		/* A new shape is written on the side before this report's
		 * row: the COPY goes on meanwhile. */
		if ((rc = auth_shapes_name(st->shapes, rec, uuid, err)) < 0) {
			copybuf_truncate(&st->copy, row);
			return err->code == ERR_DB ? sink_fail(st, err, err)
			                           : rc;
		}
		copybuf_text(&st->copy, rc ? uuid : NULL, '\t');
	}
	put_reasons(&st->copy, rec, '\t');
	if (st->judging) {
		struct verdict v;

		verdict_eval_services(st->od, st->sv, rec, &rep->policy, &v);
		verdict_copy_fields(&st->copy, &v, rec, st->sv, '\n');
	} else {
		verdict_copy_none(&st->copy, '\n');
	}
	hash_results(st, rec);
	if ((rc = copybuf_check(l, "record", err)) < 0 ||
	    (rc = copybuf_check(&st->copy, "record", err)) < 0) {
		/* The rows before it are whole and go on as they are. */
		copybuf_truncate(&st->copy, row);
		return rc;
	}
	keep_record_digest(st);
	st->copied++;
	if (st->copy.buf.len >= 64 * 1024 && (rc = flush_copy(st, err)) < 0)
		return rc;
	return 0;
}

/* A JSON array of strings, for text[] columns (no quoting rules to get
 * wrong).  The caller frees the result. */
static char *
json_array(char *const *items, size_t n, uint64_t more)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		abort();
	fputc('[', fp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', fp);
		json_string(fp, items[i]);
	}
	if (more > 0)
		fprintf(fp, "%s\"%" PRIu64 " more\"", n ? "," : "", more);
	fputc(']', fp);
	fclose(fp);
	return out;
}

/* What the report says, in a fixed order, into the content hash. */
static void
hash_metadata(struct sha256 *h, const struct dmarc_report *rep)
{
	const struct dmarc_policy *p = &rep->policy;
	const char *fields[] = {rep->org_name, rep->email,
	    rep->extra_contact_info, rep->report_id, rep->generator,
	    rep->version, p->domain, p->adkim, p->aspf, p->p, p->sp, p->np,
	    p->fo, p->testing, p->discovery_method};
	char num[64];

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		/* \x1e marks NULL, \x1f ends a field: unambiguous. */
		if (fields[i] == NULL)
			sha256_update(h, "\x1e", 1);
		else
			sha256_update(h, fields[i], strlen(fields[i]));
		sha256_update(h, "\x1f", 1);
	}
	snprintf(num, sizeof(num), "%" PRId64 "\x1f%" PRId64 "\x1f%d\x1f",
	    rep->begin, rep->end, p->pct);
	sha256_update(h, num, strlen(num));
	for (size_t i = 0; i < rep->n_errors; i++) {
		sha256_update(h, rep->errors[i], strlen(rep->errors[i]));
		sha256_update(h, "\x1f", 1);
	}
}

/* Whether the report's mail is genuine (1, 0, -1: could not tell), and
 * why, from what store_body() read of the mail's header. */
static int
judge(
    struct store *st, const struct dmarc_report *rep, char *why, size_t whylen)
{
	struct err err;

	if (st->auth.state == MAILAUTH_FIELD && st->od == NULL &&
	    !st->od_failed && orgdomain_open(&st->od, NULL, &err) < 0) {
		log_warn("%s; report mail cannot be checked", err.msg);
		st->od_failed = 1;
	}
	if (st->auth.state == MAILAUTH_FIELD && st->od == NULL) {
		snprintf(why, whylen, "no Public Suffix List to check with");
		return -1;
	}
	return mailauth_judge(&st->auth, st->od, rep->email, why, whylen);
}

static int
st_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	struct store *st = ctx;
	const struct dmarc_policy *p = &rep->policy;
	unsigned char digest[SHA256_LEN];
	char hex[3 + 2 * SHA256_LEN], begin[24], end[24], pct[8];
	char nrec[24], ndrop[24], msgs[24], num[48];
	char *errors, *warnings, *newid = NULL, *nextid = NULL;
	char why[MAILAUTH_TEXT_MAX + 2 * MAILAUTH_NAME_MAX + 64];
	int rc, genuine;

	if (!st->in_report && (rc = begin_report(st, rep, err)) < 0)
		return rc;
	if ((rc = end_copy(st, err)) < 0)
		return rc;
	/* The shapes its records name are there before they are. */
	if ((rc = auth_shapes_flush(st->shapes, err)) < 0)
		return sink_fail(st, err, err);

	/*
	 * content_sha256: SHA-256 of a version tag with the number of
	 * records, the metadata, then the records' digests in sorted order.
	 * A reporter that sends the report again with its records in another
	 * order sends the same content.  Reports stored before this digest
	 * (migration 008) keep theirs; sql/README.md says what that means.
	 */
	if (st->n_digests > 1)
		qsort(st->rec_digests, st->n_digests, SHA256_LEN, cmp_digest);
	snprintf(
	    num, sizeof(num), "dmarcsift content 2\x1f%zu\x1f", st->n_digests);
	sha256_init(&st->content);
	sha256_update(&st->content, num, strlen(num));
	hash_metadata(&st->content, rep);
	for (size_t i = 0; i < st->n_digests; i++)
		sha256_update(&st->content, st->rec_digests[i], SHA256_LEN);
	sha256_final(&st->content, digest);
	drop_digests(st);
	memcpy(hex, "\\x", 2);
	sha256_hex(digest, hex + 2);
	snprintf(begin, sizeof(begin), "%" PRId64, rep->begin);
	snprintf(end, sizeof(end), "%" PRId64, rep->end);
	snprintf(pct, sizeof(pct), "%d", p->pct);
	snprintf(nrec, sizeof(nrec), "%" PRIu64, rep->n_records);
	snprintf(ndrop, sizeof(ndrop), "%" PRIu64, rep->n_dropped);
	snprintf(msgs, sizeof(msgs), "%" PRIu64, rep->messages);
	genuine = judge(st, rep, why, sizeof(why));
	errors = json_array(rep->errors, rep->n_errors, 0);
	warnings =
	    json_array(rep->warnings, rep->n_warnings, rep->warnings_over);
	{
		const char *params[] = {st->report_id, st->input_id, where,
		    rep->org_name ? rep->org_name : "", rep->email,
		    rep->extra_contact_info, rep->report_id, rep->generator,
		    rep->version, rep->ns, errors, p->domain, begin, end,
		    p->adkim, p->aspf, p->p, p->sp, p->np,
		    p->pct >= 0 ? pct : NULL, p->fo, p->testing,
		    p->discovery_method, nrec, ndrop, msgs, warnings, hex,
		    genuine < 0   ? NULL
		        : genuine ? "true"
		                  : "false",
		    why, st->copied > 0 && st->judging ? "true" : "false"};

		/* The next report's id comes back in the same round trip. */
		struct db_stmt stmts[] = {
		    {"ds_report", (int)(sizeof(params) / sizeof(params[0])),
		        params, NULL, NULL, &newid, 1},
		    {"ds_next_id", 0, NULL, NULL, NULL, &nextid, 1},
		};

		rc = db_pipeline(st->db, stmts, 2, err);
	}
	free(errors);
	free(warnings);
	st->in_report = 0;
	if (nextid != NULL)
		snprintf(st->next_id, sizeof(st->next_id), "%s", nextid);
	free(nextid);
	if (rc < 0)
		return sink_fail(st, err, err);
	if (newid == NULL) {
		/* Stored before, from another input: drop this copy, and
		 * vouch for the stored one when this copy is genuine. */
		const char *params[] = {rep->org_name ? rep->org_name : "",
		    rep->report_id, p->domain, begin, end, hex, why};

		const struct db_stmt up = {
		    "ds_genuine", 7, params, NULL, NULL, NULL, 1};

		rc = drop_records(st, err);
		if (rc == 0 && genuine == 1 &&
		    db_pipeline(st->db, &up, 1, err) < 0)
			rc = sink_fail(st, err, err);
		st->cur.reports_duplicate++;
	} else {
		st->cur.reports_new++;
		st->cur.records_new += rep->n_records;
	}
	free(newid);
	return rc;
}

/* A TLS report's policies as the JSON array ds_tls reads: short keys,
 * every string escaped by json_string().  The caller frees it. */
static char *
tls_json(const struct tlsrpt_report *rep)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		abort();
	fputc('[', fp);
	for (size_t i = 0; i < rep->n_policies; i++) {
		const struct tlsrpt_policy *p = &rep->policies[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "type", p->type, 1);
		json_kv_str(fp, "domain", p->domain, 0);
		json_kv_strv(fp, "strings", p->strings, p->n_strings, 0);
		json_kv_strv(fp, "mx", p->mx_hosts, p->n_mx_hosts, 0);
		json_kv_u64(fp, "ok", p->successful, 0);
		json_kv_u64(fp, "failed", p->failed, 0);
		fputs(",\"failures\":[", fp);
		for (size_t j = 0; j < p->n_failures; j++) {
			const struct tlsrpt_failure *f = &p->failures[j];

			fputs(j ? ",{" : "{", fp);
			json_kv_str(fp, "type", f->result_type, 1);
			json_kv_str(fp, "mta", f->sending_mta_ip, 0);
			json_kv_str(fp, "mx", f->receiving_mx_hostname, 0);
			json_kv_str(fp, "helo", f->receiving_mx_helo, 0);
			json_kv_str(fp, "ip", f->receiving_ip, 0);
			json_kv_u64(fp, "n", f->failed_sessions, 0);
			json_kv_str(fp, "info", f->additional_information, 0);
			json_kv_str(fp, "code", f->failure_reason_code, 0);
			fputc('}', fp);
		}
		fputs("]}", fp);
	}
	fputc(']', fp);
	fclose(fp);
	return out;
}

/* The reader's TLS sink: the report in the input's transaction. */
static int
st_tls(void *ctx, const struct tlsrpt_report *rep, const char *where,
    struct err *err)
{
	struct store *st = ctx;
	unsigned char digest[TLSRPT_DIGEST_LEN];
	char hex[3 + 2 * SHA256_LEN], begin[24], end[24], *policies;
	char *newid = NULL;
	int rc;

	tlsrpt_digest(rep, digest);
	memcpy(hex, "\\x", 2);
	sha256_hex(digest, hex + 2);
	snprintf(begin, sizeof(begin), "%" PRId64, rep->begin);
	snprintf(end, sizeof(end), "%" PRId64, rep->end);
	policies = tls_json(rep);
	{
		const char *params[] = {st->input_id, where, rep->org_name,
		    rep->report_id, rep->contact_info, begin, end, policies,
		    hex};
		const struct db_stmt stmt = {
		    "ds_tls", 9, params, NULL, NULL, &newid, 1};

		rc = db_pipeline(st->db, &stmt, 1, err);
	}
	free(policies);
	if (rc < 0)
		return sink_fail(st, err, err);
	if (newid == NULL)
		st->cur.tls_duplicate++;
	else
		st->cur.tls_new++;
	free(newid);
	return 0;
}

/* The reader's failure sink: the report in the input's transaction, as
 * much of it as failure_keep says. */
static int
st_failure(void *ctx, const struct failrpt_report *rep, const char *where,
    struct err *err)
{
	struct store *st = ctx;
	int all = st->failure_keep == STORE_FAILURE_MINIMAL;
	unsigned char key[FAILRPT_KEY_LEN];
	char hex[3 + 2 * SHA256_LEN], arrival[24], *newid = NULL;
	char *auth = NULL, *rcpt = NULL, *names = NULL;
	int rc;

	failrpt_key(rep, key);
	memcpy(hex, "\\x", 2);
	sha256_hex(key, hex + 2);
	snprintf(arrival, sizeof(arrival), "%" PRId64, rep->arrival);
	if (all) {
		auth = json_array(rep->auth_failures, rep->n_auth_failures, 0);
		rcpt = json_array(
		    rep->original_rcpt_to, rep->n_original_rcpt_to, 0);
		names = json_array(rep->header_names, rep->n_header_names, 0);
	}
	{
		const char *when = rep->has_arrival ? arrival : NULL;
		const char *params[] = {st->input_id, where,
		    all ? "minimal" : "none", hex, rep->reporter,
		    rep->reported_domain, all ? when : NULL, when,
		    all ? rep->source_ip : NULL, auth,
		    all ? rep->dkim_domain : NULL,
		    all ? rep->dkim_selector : NULL,
		    all ? rep->dkim_identity : NULL, all ? rep->spf_dns : NULL,
		    all ? rep->identity_alignment : NULL,
		    all ? rep->delivery_result : NULL,
		    all ? rep->original_mail_from : NULL, rcpt,
		    all ? rep->reporting_mta : NULL,
		    all ? rep->user_agent : NULL, all ? rep->version : NULL,
		    names, all ? rep->orig_from : NULL,
		    all ? rep->orig_subject : NULL,
		    all ? rep->orig_message_id : NULL,
		    all ? rep->orig_date : NULL};
		const struct db_stmt stmt = {
		    "ds_failure", 26, params, NULL, NULL, &newid, 1};
		rc = db_pipeline(st->db, &stmt, 1, err);
	}
	free(auth);
	free(rcpt);
	free(names);
	if (rc < 0)
		return sink_fail(st, err, err);
	if (newid == NULL)
		st->cur.failure_duplicate++;
	else
		st->cur.failure_new++;
	free(newid);
	return 0;
}

static void
st_discard(void *ctx)
{
	struct store *st = ctx;
	struct err err;

	/* The rows sent so far are complete rows: end the COPY normally and
	 * delete them, which keeps the transaction usable. */
	if (st->in_report && end_copy(st, &err) == 0)
		(void)drop_records(st, &err);
	st->copying = 0;
	copybuf_reset(&st->copy);
	st->in_report = 0;
	drop_digests(st);
}

static void
st_problem(void *ctx, const char *where, const struct err *why)
{
	struct store *st = ctx;
	const char *reason = why->msg;
	size_t wlen = strlen(where);
	char n[16];
	struct err err;

	if (st->db_failed)
		return;
	/* why->msg is "where: reason": keep the two apart. */
	if (wlen > 0 && strncmp(reason, where, wlen) == 0 &&
	    strncmp(reason + wlen, ": ", 2) == 0)
		reason += wlen + 2;
	if (why->code == ERR_NOT_AGGREGATE)
		st->cur.skipped++;
	else
		st->cur.refused++;
	if (st->n_pending < sizeof(st->pending) / sizeof(st->pending[0])) {
		st->pending[st->n_pending].where = xstrdup(where);
		st->pending[st->n_pending].why = *why;
		st->n_pending++;
	} else {
		st->pending_over++;
	}
	snprintf(n, sizeof(n), "%u", ++st->problem_n);
	{
		const char *params[] = {st->input_id, n, where,
		    why->code == ERR_NOT_AGGREGATE ? "skipped" : "refused",
		    err_code_name(why->code), reason};

		if (db_exec(st->db,
		        "INSERT INTO input_problems (input, n, place, kind, "
		        "code, reason) VALUES ($1, $2, $3, $4, $5, $6)",
		        6, params, &err) < 0)
			sink_fail(st, &err, &err);
	}
}

static int
prepare_all(struct db *db, struct err *err)
{
	int rc;

	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if ((rc = db_prepare(db, queries[i].name, queries[i].sql,
		         queries[i].n, err)) < 0)
			return rc;
	return 0;
}

/* A store with nothing but its buffers set up. */
static struct store *
store_alloc(struct db *db, const struct limits *lim)
{
	struct store *st = xcalloc(1, sizeof(*st));

	st->db = db;
	st->lim = lim;
	st->shapes = auth_shapes_new(db);
	copybuf_init(&st->line);
	copybuf_init(&st->copy);
	return st;
}

int
store_new_worker(
    struct store **out, const struct store *run, struct db *db, struct err *err)
{
	struct store *st;
	int rc;

	if ((rc = prepare_all(db, err)) < 0)
		return rc;
	st = store_alloc(db, run->lim);
	store_trust(st, run->authserv);
	st->failure_keep = run->failure_keep;
	if (run->sv != NULL &&
	    (rc = store_judge(st, run->services_file, err)) < 0) {
		store_free(st);
		return rc;
	}
	memcpy(st->run_id, run->run_id, sizeof(st->run_id));
	*out = st;
	return 0;
}

int
store_judge(struct store *st, const char *services_file, struct err *err)
{
	int rc;

	if (st->od == NULL && (rc = orgdomain_open(&st->od, NULL, err)) < 0)
		return rc;
	services_free(st->sv);
	st->sv = NULL;
	free(st->services_file);
	st->services_file =
	    services_file != NULL ? xstrdup(services_file) : NULL;
	/* Verdicts of other rules or services would be dropped after the
	 * store, and these with them: drop them first. */
	if ((rc = services_load(&st->sv, services_file, err)) < 0 ||
	    (rc = analysis_prepare(st->db, st->sv, err)) < 0) {
		services_free(st->sv);
		st->sv = NULL;
	}
	return rc;
}

void
store_failure_keep(struct store *st, enum store_failure_keep keep)
{
	st->failure_keep = keep;
}

void
store_trust(struct store *st, const char *authserv_ids)
{
	free(st->authserv);
	st->authserv = authserv_ids != NULL && *authserv_ids != '\0'
	    ? xstrdup(authserv_ids)
	    : NULL;
}

int
store_new(struct store **out, struct db *db, const struct limits *lim,
    const char *command, struct err *err)
{
	struct store *st;
	char *id = NULL;
	int rc;

	if ((rc = prepare_all(db, err)) < 0)
		return rc;
	st = store_alloc(db, lim);
	rc = db_value(db,
	    "INSERT INTO ingest_runs (command) VALUES ($1) RETURNING id", 1,
	    &command, &id, err);
	if (rc < 0) {
		store_free(st);
		return rc;
	}
	snprintf(st->run_id, sizeof(st->run_id), "%s", id);
	free(id);
	*out = st;
	return 0;
}

/*
 * Reads an input into the open transaction, under st->input_id, then
 * records its outcome and commits, in one round trip.
 */
static int
store_body(struct store *st, const unsigned char *buf, size_t len, int complete,
    struct err *err)
{
	struct reader_sink sink = {
	    {st, st_record, st_report, st_discard}, st_problem};
	struct reader_tls_sink tls = {st, st_tls};
	struct reader_failure_sink fail = {st, st_failure};
	struct reader_stats stats;
	const char *outcome;
	char nrep[16];

	mailauth_scan(buf, len, st->authserv, &st->auth);
	if (st->refuse != NULL) {
		st_problem(st, "", st->refuse);
	} else if (!complete) {
		struct err why;

		err_set(&why, ERR_LIMIT,
		    "input larger than %llu bytes (limit input_bytes)",
		    (unsigned long long)st->lim->input_bytes);
		st_problem(st, "", &why);
	} else {
		struct bytesrc *src = bytesrc_mem_new(buf, len);
		struct err rerr;

		(void)reader_read_all(
		    src, st->lim, &sink, &tls, &fail, &stats, &rerr);
		bytesrc_free(src);
	}
	if (st->db_failed) {
		*err = st->db_err;
		return err->code = ERR_DB;
	}
	if (st->cur.reports_new + st->cur.reports_duplicate > 0)
		outcome = st->cur.refused > 0 ? "partial" : "reports";
	else
		/* TLS and failure reports alone are not aggregate reports:
		 * "skipped", as the mailbox and the runs' counts always had
		 * them. */
		outcome = st->cur.refused > 0 ? "refused"
		    : st->cur.skipped > 0 ||
		        st->cur.tls_new + st->cur.tls_duplicate +
		                st->cur.failure_new +
		                st->cur.failure_duplicate >
		            0
		    ? "skipped"
		    : "refused";
	snprintf(nrep, sizeof(nrep), "%u",
	    st->cur.reports_new + st->cur.reports_duplicate);
	snprintf(st->outcome, sizeof(st->outcome), "%s", outcome);
	{
		const struct mailauth *a = &st->auth;
		const char *params[] = {st->input_id, outcome, nrep,
		    a->from[0] ? a->from : NULL, a->top[0] ? a->top : NULL,
		    a->state == MAILAUTH_FIELD ? a->by : NULL,
		    a->state == MAILAUTH_FIELD ? a->results : NULL};
		const struct store_mail *m = st->mail;
		char uv[16], uid[16];
		const char *mparams[] = {m ? m->account : NULL,
		    m ? m->mailbox : NULL, uv, uid, m ? m->message_id : NULL,
		    st->input_id, outcome};
		const char *sparams[] = {st->input_id};
		struct db_stmt stmts[] = {
		    {"ds_outcome", 7, params, NULL, NULL, NULL, 1},
		    {"ds_pending", 1, sparams, NULL, NULL, NULL, 1},
		    {"ds_mail", 7, mparams, NULL, NULL, NULL, 1},
		    {"COMMIT", 0, NULL, NULL, NULL, NULL, 0},
		};

		if (m == NULL) {
			stmts[2] = stmts[3];
			return db_pipeline(st->db, stmts, 3, err);
		}
		snprintf(uv, sizeof(uv), "%" PRIu32, m->uidvalidity);
		snprintf(uid, sizeof(uid), "%" PRIu32, m->uid);
		return db_pipeline(st->db, stmts, 4, err);
	}
}

/* The input was stored before: the mail is recorded against that input. */
static int
mail_again(struct store *st, const char *hex, struct err *err)
{
	const struct store_mail *m = st->mail;
	char uv[16], uid[16], *outcome = NULL;
	const char *params[] = {
	    m->account, m->mailbox, uv, uid, m->message_id, hex};
	const struct db_stmt stmts[] = {
	    {"ds_mail_again", 6, params, NULL, NULL, &outcome, 1},
	    {"COMMIT", 0, NULL, NULL, NULL, NULL, 0},
	};
	int rc;

	snprintf(uv, sizeof(uv), "%" PRIu32, m->uidvalidity);
	snprintf(uid, sizeof(uid), "%" PRIu32, m->uid);
	rc = db_pipeline(st->db, stmts, 2, err);
	snprintf(st->outcome, sizeof(st->outcome), "%s",
	    outcome != NULL ? outcome : "duplicate");
	free(outcome);
	return rc;
}

/* Every attempt at an input, stored or parsed again, starts here. */
static void
reset_input(struct store *st)
{
	memset(&st->cur, 0, sizeof(st->cur));
	drop_pending(st);
	st->problem_n = 0;
	st->db_failed = 0;
	st->in_report = 0;
	st->copying = 0;
	copybuf_reset(&st->copy);
	st->judging = 0;
	/* Shapes queued by an attempt that failed were never written. */
	auth_shapes_abandon(st->shapes);
	/* An earlier input's error must not judge this attempt's: a failure
	 * on another connection (the shapes', a month's) leaves none here,
	 * and is then neither retried nor blamed on the input's data. */
	db_forget_error(st->db);
}

/* One attempt at storing an input: a transaction, committed or not. */
static int
store_once(struct store *st, const unsigned char *buf, size_t len, int complete,
    const char *source, const char *name, const char *hex,
    const unsigned char *gz, size_t gzlen, struct err *err)
{
	char size[24], *id = NULL, *nextid = NULL, *gen = NULL;
	int rc;

	reset_input(st);
	snprintf(size, sizeof(size), "%zu", len);
	{
		/* BEGIN, the input row, and the first report's id: one round
		 * trip. */
		const char *params[] = {hex, size, (const char *)gz,
		    complete ? "true" : "false", source, name, st->run_id};
		const int lens[] = {0, 0, (int)gzlen, 0, 0, 0, 0};
		const int binary[] = {0, 0, 1, 0, 0, 0, 0};
		const struct db_stmt stmts[] = {
		    {"BEGIN", 0, NULL, NULL, NULL, NULL, 0},
		    /* The shapes remembered hold until this commits (prune
		     * deletes under LOCK_SHAPES exclusive). */
		    {SHAPES_LOCK_SQL, 0, NULL, NULL, NULL, NULL, 0},
		    {SHAPES_GEN_SQL, 0, NULL, NULL, NULL, &gen, 0},
		    {"ds_input", 7, params, lens, binary, &id, 1},
		    {"ds_next_id", 0, NULL, NULL, NULL,
		        st->next_id[0] == '\0' ? &nextid : NULL, 1},
		};

		rc = db_pipeline(st->db, stmts, 5, err);
	}
	if (nextid != NULL)
		snprintf(st->next_id, sizeof(st->next_id), "%s", nextid);
	free(nextid);
	if (rc == 0)
		auth_shapes_generation(st->shapes, gen);
	free(gen);
	if (rc < 0)
		goto fail;
	if (id == NULL) {
		/* Stored by an earlier (or concurrent) run. */
		st->cur.inputs_duplicate = 1;
		if (st->mail == NULL) {
			db_rollback(st->db);
			snprintf(st->outcome, sizeof(st->outcome), "duplicate");
			return 0;
		}
		if ((rc = mail_again(st, hex, err)) < 0)
			goto fail;
		return 0;
	}
	snprintf(st->input_id, sizeof(st->input_id), "%s", id);
	free(id);
	id = NULL;
	st->cur.inputs_new = 1;
	if ((rc = store_body(st, buf, len, complete, err)) < 0)
		goto fail;
	return 0;
fail:
	free(id);
	db_rollback(st->db);
	return rc;
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex digits to bytes, for bytea read back as text. */
static int
unhex(const char *hex, unsigned char **out, size_t *len)
{
	size_t n;
	unsigned char *buf;

	if (strncmp(hex, "\\x", 2) != 0)
		return -1;
	hex += 2;
	n = strlen(hex) / 2;
	buf = xmalloc(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(buf);
			return -1;
		}
		buf[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = buf;
	*len = n;
	return 0;
}

/* One attempt at parsing a stored input again. */
static int
reparse_once(struct store *st, const char *input_id, struct err *err)
{
	const char *params[] = {input_id};
	char *hex = NULL, *complete = NULL;
	unsigned char *gz = NULL, *buf = NULL;
	size_t gzlen, len;
	int rc;

	reset_input(st);
	snprintf(st->input_id, sizeof(st->input_id), "%s", input_id);
	if ((rc = db_begin(st->db, err)) < 0)
		return rc;
	{
		char *gen = NULL;

		if ((rc = db_exec(st->db, SHAPES_LOCK_SQL, 0, NULL, err)) < 0 ||
		    (rc = db_value(
		         st->db, SHAPES_GEN_SQL, 0, NULL, &gen, err)) < 0) {
			free(gen);
			goto out;
		}
		auth_shapes_generation(st->shapes, gen);
		free(gen);
	}
	/* Locks the input against a concurrent reparse of the same one. */
	if ((rc = db_value(st->db,
	         "SELECT CASE WHEN reports_pruned_at IS NOT NULL THEN 'p' "
	         "WHEN raw_complete THEN 't' ELSE 'f' END FROM inputs WHERE "
	         "id = $1 FOR UPDATE",
	         1, params, &complete, err)) < 0 ||
	    (rc = db_value(st->db, "SELECT raw_gz FROM inputs WHERE id = $1", 1,
	         params, &hex, err)) < 0)
		goto out;
	if (complete == NULL) {
		rc = err_set(
		    err, ERR_DB, "input %s is not in the database", input_id);
		goto out;
	}
	if (strcmp(complete, "p") == 0) {
		rc = err_set(err, ERR_DB,
		    "input %s: prune dropped reports it held (keep_reports): "
		    "parsing it again would bring them back",
		    input_id);
		goto out;
	}
	if (hex == NULL) {
		rc = err_set(err, ERR_DB,
		    "input %s: its archived bytes were dropped (keep_inputs, "
		    "dmarcsift prune): it cannot be parsed again",
		    input_id);
		goto out;
	}
	if (unhex(hex, &gz, &gzlen) < 0 ||
	    unpack_gzip_decompress(
	        gz, gzlen, st->lim->input_bytes, &buf, &len) < 0) {
		rc = err_set(err, ERR_DB,
		    "input %s: the archived bytes cannot be read back",
		    input_id);
		goto out;
	}
	if ((rc = db_exec(st->db, "DELETE FROM reports WHERE input = $1", 1,
	         params, err)) < 0 ||
	    (rc = db_exec(st->db, "DELETE FROM tls_reports WHERE input = $1", 1,
	         params, err)) < 0 ||
	    (rc = db_exec(st->db,
	         "DELETE FROM failure_reports WHERE input = $1", 1, params,
	         err)) < 0 ||
	    (rc = db_exec(st->db, "DELETE FROM input_problems WHERE input = $1",
	         1, params, err)) < 0 ||
	    (rc = store_body(st, buf, len, strcmp(complete, "t") == 0, err)) <
	        0)
		goto out;
out:
	if (rc < 0)
		db_rollback(st->db);
	free(hex);
	free(complete);
	free(gz);
	free(buf);
	return rc;
}

/* Tells the caller about the problems now committed with the input. */
static void
replay_problems(struct store *st,
    void (*problem)(void *, const char *, const struct err *), void *arg)
{
	for (unsigned i = 0; i < st->n_pending; i++) {
		if (problem != NULL)
			problem(arg, st->pending[i].where, &st->pending[i].why);
		free(st->pending[i].where);
	}
	if (problem != NULL && st->pending_over > 0) {
		struct err more;

		err_set(&more, ERR_MALFORMED,
		    "%u more problem(s); see the input_problems table",
		    st->pending_over);
		problem(arg, "", &more);
	}
	st->n_pending = 0;
	st->pending_over = 0;
}

static void
drop_pending(struct store *st)
{
	for (unsigned i = 0; i < st->n_pending; i++)
		free(st->pending[i].where);
	st->n_pending = 0;
	st->pending_over = 0;
}

void
store_add(struct store *run, const struct store_counts *c)
{
	run->total.inputs_new += c->inputs_new;
	run->total.inputs_duplicate += c->inputs_duplicate;
	run->total.reports_new += c->reports_new;
	run->total.reports_duplicate += c->reports_duplicate;
	run->total.tls_new += c->tls_new;
	run->total.tls_duplicate += c->tls_duplicate;
	run->total.failure_new += c->failure_new;
	run->total.failure_duplicate += c->failure_duplicate;
	run->total.refused += c->refused;
	run->total.skipped += c->skipped;
	run->total.records_new += c->records_new;
}

/* Hands this input's counts to the caller and adds them to the run's. */
static void
add_totals(struct store *st, struct store_counts *counts)
{
	*counts = st->cur;
	store_add(st, &st->cur);
}

int
store_input(struct store *st, const unsigned char *buf, size_t len,
    int complete, const char *source, const char *name,
    void (*problem)(void *arg, const char *where, const struct err *why),
    void *arg, struct store_counts *counts, struct err *err)
{
	return store_mail(st, buf, len, complete, source, name, NULL, problem,
	    arg, counts, err);
}

const char *
store_outcome(const struct store *st)
{
	return st->outcome;
}

int
store_mail(struct store *st, const unsigned char *buf, size_t len, int complete,
    const char *source, const char *name, const struct store_mail *mail,
    void (*problem)(void *arg, const char *where, const struct err *why),
    void *arg, struct store_counts *counts, struct err *err)
{
	unsigned char digest[SHA256_LEN], *gz;
	char hex[3 + 2 * SHA256_LEN];
	size_t gzlen;
	struct sha256 h = {0};
	int rc = 0;

	sha256_init(&h);
	sha256_update(&h, buf, len);
	sha256_final(&h, digest);
	sha256_free(&h);
	memcpy(hex, "\\x", 2);
	sha256_hex(digest, hex + 2);
	if (unpack_gzip_compress(buf, len, &gz, &gzlen) < 0)
		return err_set(err, ERR_IO, "cannot compress the input");
	/* A deadlock between concurrent runs is resolved by trying again;
	 * so is a row with no partition (once): the months this store took
	 * as made are asked for again, as another run's prune may have
	 * dropped one, and a month made beside a running input has been
	 * seen missing under parallel ingest. */
	st->mail = mail;
	for (int attempt = 1, rerouted = 0; attempt <= 3; attempt++) {
		rc = store_once(
		    st, buf, len, complete, source, name, hex, gz, gzlen, err);
		if (rc == 0)
			break;
		if (!rerouted && db_check_violation(st->db)) {
			rerouted = 1;
			st->n_months = 0;
		} else if (!db_retryable(st->db)) {
			break;
		}
		log_debug("%s: %s; trying again", name, err->msg);
	}
	if (rc < 0 && db_data_error(st->db)) {
		/* A value the parser let through and the database refused:
		 * this input is refused (and kept), the run goes on. */
		struct err why;

		err_set(&why, ERR_MALFORMED,
		    "the database refused what this input holds: %s", err->msg);
		st->refuse = &why;
		rc = store_once(
		    st, buf, len, complete, source, name, hex, gz, gzlen, err);
		st->refuse = NULL;
	}
	st->mail = NULL;
	free(gz);
	if (rc < 0) {
		drop_pending(st);
		return rc;
	}
	replay_problems(st, problem, arg);
	add_totals(st, counts);
	return 0;
}

int
store_input_name(
    struct db *db, const char *input_id, char **out, struct err *err)
{
	const char *params[] = {input_id};

	return db_value(db, "SELECT source_name FROM inputs WHERE id = $1", 1,
	    params, out, err);
}

int
store_next_reparse(
    struct db *db, const char *prev, int all, char **out, struct err *err)
{
	const char *params[] = {prev, all ? "true" : "false"};

	return db_value(db,
	    "SELECT min(id) FROM inputs WHERE id > $1 AND raw_gz IS NOT NULL "
	    "AND reports_pruned_at IS NULL AND ($2 OR outcome IN "
	    "('refused', 'partial'))",
	    2, params, out, err);
}

int
store_reparse(struct store *st, const char *input_id,
    void (*problem)(void *arg, const char *where, const struct err *why),
    void *arg, struct store_counts *counts, struct err *err)
{
	int rc = 0;

	for (int attempt = 1; attempt <= 3; attempt++) {
		rc = reparse_once(st, input_id, err);
		if (rc == 0 || !db_retryable(st->db))
			break;
	}
	if (rc < 0) {
		drop_pending(st);
		return rc;
	}
	replay_problems(st, problem, arg);
	add_totals(st, counts);
	return 0;
}

const struct store_counts *
store_totals(const struct store *st)
{
	return &st->total;
}

void
store_failed(struct store *st, const char *why)
{
	free(st->failure);
	st->failure = xstrndup(why, 500);
}

int
store_finish(struct store *st, struct err *err)
{
	const struct store_counts *t = &st->total;
	char v[7][24];
	int rc;

	snprintf(v[0], sizeof(v[0]), "%u", t->inputs_new);
	snprintf(v[1], sizeof(v[1]), "%u", t->inputs_duplicate);
	snprintf(v[2], sizeof(v[2]), "%u", t->reports_new);
	snprintf(v[3], sizeof(v[3]), "%u", t->reports_duplicate);
	snprintf(v[4], sizeof(v[4]), "%" PRIu64, t->records_new);
	snprintf(v[5], sizeof(v[5]), "%u", t->refused);
	snprintf(v[6], sizeof(v[6]), "%u", t->skipped);
	{
		const char *params[] = {st->run_id, v[0], v[1], v[2], v[3],
		    v[4], v[5], v[6], st->failure};

		rc = db_exec(st->db,
		    "UPDATE ingest_runs SET finished_at = now(), inputs_new = "
		    "$2, inputs_duplicate = $3, reports_new = $4, "
		    "reports_duplicate = $5, records_new = $6, refused = $7, "
		    "skipped = $8, error = $9 WHERE id = $1",
		    9, params, err);
	}
	store_free(st);
	return rc;
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	drop_pending(st);
	auth_shapes_free(st->shapes);
	sha256_free(&st->content);
	sha256_free(&st->rec_hash);
	free(st->rec_digests);
	copybuf_free(&st->line);
	copybuf_free(&st->copy);
	free(st->failure);
	free(st->authserv);
	orgdomain_free(st->od);
	services_free(st->sv);
	free(st->services_file);
	free(st);
}
