/*
 * record_reader: stored records read back for a verdict; see
 * record_reader.h.
 */
#include "record_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ipaddr.h"
#include "xalloc.h"

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
policy_reset(struct dmarc_policy *p)
{
	free(p->domain);
	free(p->adkim);
	free(p->aspf);
	memset(p, 0, sizeof(*p));
	p->pct = -1;
}

void
record_reader_init(struct record_reader *rr, record_reader_cb *cb, void *arg)
{
	memset(rr, 0, sizeof(*rr));
	rr->cb = cb;
	rr->arg = arg;
	rr->pol.pct = -1;
}

void
record_reader_finish(struct record_reader *rr)
{
	if (!rr->open)
		return;
	rr->cb(rr->arg, rr->k1, rr->k2, &rr->rec, &rr->pol);
	record_reader_clear(rr);
}

void
record_reader_clear(struct record_reader *rr)
{
	rr->open = 0;
	rr->k1[0] = rr->k2[0] = '\0';
	record_reset(&rr->rec);
	policy_reset(&rr->pol);
}

/* The record row: columns 4-12 of RECORD_READER_ROWS. */
static void
start_record(struct record_reader *rr, const char *const *c)
{
	struct dmarc_record *rec = &rr->rec;

	record_reader_finish(rr);
	rr->open = 1;
	snprintf(rr->k1, sizeof(rr->k1), "%s", c[0]);
	snprintf(rr->k2, sizeof(rr->k2), "%s", c[1]);
	if (c[4] == NULL || ip_normalize(c[4], rec->source_ip) < 0)
		rec->source_ip[0] = '\0';
	rec->count = c[5] != NULL ? strtoull(c[5], NULL, 10) : 0;
	rec->header_from = dup_or_null(c[6]);
	rec->envelope_from = dup_or_null(c[7]);
	rec->dkim = dup_or_null(c[8]);
	rec->spf = dup_or_null(c[9]);
	rr->pol.domain = dup_or_null(c[10]);
	rr->pol.adkim = dup_or_null(c[11]);
	rr->pol.aspf = dup_or_null(c[12]);
}

int
record_reader_row(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct record_reader *rr = arg;

	if (ncols != RECORD_READER_NCOLS || c[0] == NULL || c[1] == NULL ||
	    c[2] == NULL)
		return err_set(err, ERR_DB, "unexpected row reading records");
	rr->rows++;
	if (c[2][0] == '0' && c[2][1] == '\0') {
		start_record(rr, c);
		return 0;
	}
	/* A result or reason row always follows its record row; one that
	 * does not belongs to no record. */
	if (!rr->open || strcmp(c[0], rr->k1) != 0 || strcmp(c[1], rr->k2) != 0)
		return err_set(err, ERR_DB, "unexpected row reading records");
	if (strcmp(c[2], "1") == 0) {
		struct dmarc_dkim_result *d = record_add_dkim(&rr->rec);

		d->domain = dup_or_null(c[6]);
		d->selector = dup_or_null(c[7]);
		d->result = dup_or_null(c[8]);
	} else if (strcmp(c[2], "2") == 0) {
		struct dmarc_spf_result *s = record_add_spf(&rr->rec);

		s->domain = dup_or_null(c[6]);
		s->scope = dup_or_null(c[7]);
		s->result = dup_or_null(c[8]);
	} else if (strcmp(c[2], "3") == 0) {
		struct dmarc_reason *r = record_add_reason(&rr->rec);

		r->type = dup_or_null(c[6]);
		r->comment = dup_or_null(c[7]);
	} else {
		return err_set(
		    err, ERR_DB, "unexpected row kind reading records");
	}
	return 0;
}
