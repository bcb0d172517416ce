/* auth_shape: records' DKIM and SPF results, once per shape; see
 * auth_shape.h. */

#include "auth_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dynbuf.h"
#include "err.h"
#include "report.h"
#include "sha256.h"
#include "xalloc.h"

/* A record's results are bounded by the COPY row that carries them. */
#define TEXT_MAX ((size_t)1 << 30)

struct slot {
	unsigned char id[AUTH_SHAPE_ID_LEN];
	unsigned char state; /* SLOT_* */
};

enum { SLOT_EMPTY, SLOT_WRITTEN, SLOT_QUEUED };

struct queued {
	unsigned char id[AUTH_SHAPE_ID_LEN];
	char *text; /* the DKIM literal, NUL, the SPF literal, NUL; owned */
	size_t dkim_len;
};

struct auth_shapes {
	struct db *like; /* borrowed: the store's connection */
	struct db *conn; /* owned; opened by the first flush */
	struct slot *slots; /* AUTH_SHAPES_SLOTS */
	struct queued queue[AUTH_SHAPES_QUEUE];
	size_t nqueued, queued_bytes;
	struct dynbuf text; /* scratch: a record's two literals */
	char gen[24]; /* auth_shapes_gc.gen the slots hold true for */
	struct sha256 hash;
};

/* ASCII only, as PostgreSQL's pg_strcasecmp() compares "NULL". */
static int
is_null_word(const char *s)
{
	static const char w[] = "null";

	for (size_t i = 0; i < 4; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[i])
			return 0;
	}
	return s[4] == '\0';
}

/* array_isspace() of PostgreSQL's arrayfuncs.c. */
static int
array_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* An element as array_out writes it: bare unless it is empty, "NULL" in
 * any case, or holds a quote, backslash, brace, comma or white space; NULL
 * as NULL. */
static int
put_elem(struct dynbuf *b, const char *v)
{
	int quote, rc;

	if (v == NULL)
		return dynbuf_add(b, "NULL", 4);
	quote = v[0] == '\0' || is_null_word(v);
	for (const char *p = v; *p != '\0' && !quote; p++)
		quote = *p == '"' || *p == '\\' || *p == '{' || *p == '}' ||
		    *p == ',' || array_space(*p);
	if (!quote)
		return dynbuf_addstr(b, v);
	rc = dynbuf_add(b, "\"", 1);
	for (const char *p = v; *p != '\0' && rc == 0;) {
		size_t run = strcspn(p, "\"\\");

		rc |= dynbuf_add(b, p, run);
		p += run;
		if (*p != '\0') {
			rc |= dynbuf_add(b, "\\", 1);
			rc |= dynbuf_add(b, p++, 1);
		}
	}
	return rc | dynbuf_add(b, "\"", 1);
}

/* Row i of a two-dimensional array: {a,b,c,d}, after a comma but the
 * first. */
static int
put_row(struct dynbuf *b, size_t i, const char *const f[4])
{
	int rc = dynbuf_add(b, i == 0 ? "{" : ",{", i == 0 ? 1 : 2);

	for (size_t j = 0; j < 4 && rc == 0; j++)
		rc |= (j > 0 ? dynbuf_add(b, ",", 1) : 0) | put_elem(b, f[j]);
	return rc | dynbuf_add(b, "}", 1);
}

size_t
auth_shape_text(struct dynbuf *out, const struct dmarc_record *rec)
{
	size_t start = out->len, dkim_len;
	int rc = dynbuf_add(out, "{", 1);

	for (size_t i = 0; i < rec->n_dkim && rc == 0; i++) {
		const struct dmarc_dkim_result *d = &rec->dkim_results[i];
		const char *f[4] = {
		    d->domain, d->selector, d->result, d->human_result};

		rc |= put_row(out, i, f);
	}
	rc |= dynbuf_add(out, "}{", 2);
	dkim_len = out->len - start - 1;
	for (size_t i = 0; i < rec->n_spf && rc == 0; i++) {
		const struct dmarc_spf_result *sp = &rec->spf_results[i];
		const char *f[4] = {
		    sp->domain, sp->scope, sp->result, sp->human_result};

		rc |= put_row(out, i, f);
	}
	rc |= dynbuf_add(out, "}", 1);
	if (rc != 0) {
		dynbuf_truncate(out, start);
		return (size_t)-1;
	}
	return dkim_len;
}

struct auth_shapes *
auth_shapes_new(struct db *db)
{
	struct auth_shapes *s = xcalloc(1, sizeof(*s));

	s->like = db;
	s->slots = xcalloc(AUTH_SHAPES_SLOTS, sizeof(*s->slots));
	dynbuf_init(&s->text, TEXT_MAX);
	return s;
}

static void
drop_queue(struct auth_shapes *s)
{
	for (size_t i = 0; i < s->nqueued; i++)
		free(s->queue[i].text);
	s->nqueued = 0;
	s->queued_bytes = 0;
}

void
auth_shapes_free(struct auth_shapes *s)
{
	if (s == NULL)
		return;
	drop_queue(s);
	db_close(s->conn);
	free(s->slots);
	dynbuf_free(&s->text);
	sha256_free(&s->hash);
	free(s);
}

static struct slot *
slot_of(struct auth_shapes *s, const unsigned char *id)
{
	unsigned k =
	    (unsigned)id[0] | (unsigned)id[1] << 8 | (unsigned)id[2] << 16;

	return &s->slots[k % AUTH_SHAPES_SLOTS];
}

static void
uuid_text(const unsigned char *id, char out[AUTH_SHAPE_UUID_LEN])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	for (int i = 0; i < AUTH_SHAPE_ID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[id[i] >> 4];
		*p++ = hex[id[i] & 15];
	}
	*p = '\0';
}

static int
cmp_queued(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;

	return memcmp(x->id, y->id, AUTH_SHAPE_ID_LEN);
}

/* Every slot that holds a queued shape: written (1) or forgotten (0). */
static void
settle_queue(struct auth_shapes *s, int written)
{
	for (size_t i = 0; i < s->nqueued; i++) {
		struct slot *sl = slot_of(s, s->queue[i].id);

		if (sl->state == SLOT_QUEUED)
			sl->state = written ? SLOT_WRITTEN : SLOT_EMPTY;
	}
	drop_queue(s);
}

int
auth_shapes_flush(struct auth_shapes *s, struct err *err)
{
	struct dynbuf sql;
	const char **p;
	int rc = 0;

	if (s->nqueued == 0)
		return 0;
	if (s->conn == NULL) {
		if ((rc = db_connect_like(&s->conn, s->like, err)) < 0 ||
		    (rc = db_exec(s->conn, "SET synchronous_commit = off", 0,
		         NULL, err)) < 0) {
			db_close(s->conn);
			s->conn = NULL;
			goto fail;
		}
	}
	/* In one order, so that two workers writing the same new shapes at
	 * once take their keys in the same order (no deadlock). */
	qsort(s->queue, s->nqueued, sizeof(s->queue[0]), cmp_queued);
	dynbuf_init(&sql, TEXT_MAX);
	p = xcalloc(3 * s->nqueued, sizeof(*p));
	dynbuf_addstr(
	    &sql, "INSERT INTO auth_shapes (id, dkim_auth, spf_auth) VALUES ");
	for (size_t i = 0; i < s->nqueued; i++) {
		struct queued *q = &s->queue[i];
		char *uuid = xmalloc(AUTH_SHAPE_UUID_LEN);

		uuid_text(q->id, uuid);
		p[3 * i] = uuid;
		p[3 * i + 1] = q->text;
		p[3 * i + 2] = q->text + q->dkim_len + 1;
		dynbuf_printf(&sql,
		    "%s($%zu::uuid, $%zu::text[], $%zu::text[])",
		    i == 0 ? "" : ", ", 3 * i + 1, 3 * i + 2, 3 * i + 3);
	}
	dynbuf_addstr(&sql, " ON CONFLICT (id) DO NOTHING");
	rc = db_exec(s->conn, sql.p, (int)(3 * s->nqueued), p, err);
	for (size_t i = 0; i < s->nqueued; i++)
		free((char *)p[3 * i]);
	free(p);
	dynbuf_free(&sql);
	if (rc < 0)
		goto fail;
	settle_queue(s, 1);
	return 0;
fail:
	/* The store judges its attempt by its own connection's error: a
	 * value the database refused is the input's fault, as it was in
	 * the records' COPY. */
	if (s->conn != NULL)
		db_take_error(s->like, s->conn);
	/* What is remembered as written may be no more than queued; the
	 * connection may be gone (the next flush opens another). */
	drop_queue(s);
	memset(s->slots, 0, AUTH_SHAPES_SLOTS * sizeof(*s->slots));
	db_close(s->conn);
	s->conn = NULL;
	return rc;
}

void
auth_shapes_abandon(struct auth_shapes *s)
{
	settle_queue(s, 0);
}

void
auth_shapes_generation(struct auth_shapes *s, const char *gen)
{
	if (gen == NULL)
		gen = "";
	if (strcmp(s->gen, gen) == 0)
		return;
	/* Prune deleted shapes since: any remembered may be gone. */
	settle_queue(s, 0);
	memset(s->slots, 0, AUTH_SHAPES_SLOTS * sizeof(*s->slots));
	snprintf(s->gen, sizeof(s->gen), "%s", gen);
}

int
auth_shapes_name(struct auth_shapes *s, const struct dmarc_record *rec,
    char uuid[AUTH_SHAPE_UUID_LEN], struct err *err)
{
	unsigned char digest[SHA256_LEN];
	struct slot *sl;
	struct queued *q;
	size_t dkim_len;

	if (rec->n_dkim == 0 && rec->n_spf == 0)
		return 0;
	dynbuf_reset(&s->text);
	if ((dkim_len = auth_shape_text(&s->text, rec)) == (size_t)-1)
		return err_set(err, ERR_LIMIT,
		    "a record's DKIM and SPF results are too long to keep");
	sha256_init(&s->hash);
	sha256_update(&s->hash, s->text.p, s->text.len);
	sha256_final(&s->hash, digest);
	uuid_text(digest, uuid);
	sl = slot_of(s, digest);
	if (sl->state != SLOT_EMPTY &&
	    memcmp(sl->id, digest, AUTH_SHAPE_ID_LEN) == 0)
		return 1;
	/* Bounded in bytes too: a stranger's record may carry a hundred
	 * results of 16 KiB strings, each a new shape. */
	if (s->nqueued == AUTH_SHAPES_QUEUE ||
	    s->queued_bytes >= AUTH_SHAPES_QUEUE_BYTES) {
		int rc = auth_shapes_flush(s, err);

		if (rc < 0)
			return rc;
		sl = slot_of(s, digest);
	}
	/* A queued shape that loses its slot stays queued: written anyway,
	 * only not remembered. */
	memcpy(sl->id, digest, AUTH_SHAPE_ID_LEN);
	sl->state = SLOT_QUEUED;
	q = &s->queue[s->nqueued++];
	memcpy(q->id, digest, AUTH_SHAPE_ID_LEN);
	q->dkim_len = dkim_len;
	q->text = xmalloc(s->text.len + 2);
	memcpy(q->text, s->text.p, dkim_len);
	q->text[dkim_len] = '\0';
	memcpy(q->text + dkim_len + 1, s->text.p + dkim_len,
	    s->text.len - dkim_len);
	q->text[s->text.len + 1] = '\0';
	s->queued_bytes += s->text.len;
	return 1;
}
