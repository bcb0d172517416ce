#include "fuzz_sink.h"

#include "err.h"
#include "ipaddr.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strlen() reads up to the terminator: a freed or unterminated string is
 * an ASan report right here, inside the callback, with the parser's frames
 * still on the stack. */
static void
touch(struct fuzz_sink *fs, const char *s)
{
	if (s != NULL)
		fs->touched += strlen(s) + 1;
}

static void
touch_report(struct fuzz_sink *fs, const struct dmarc_report *rep)
{
	const struct dmarc_policy *p = &rep->policy;

	touch(fs, rep->version);
	touch(fs, rep->ns);
	touch(fs, rep->org_name);
	touch(fs, rep->email);
	touch(fs, rep->extra_contact_info);
	touch(fs, rep->report_id);
	touch(fs, rep->generator);
	fuzz_check(rep->n_errors == 0 || rep->errors != NULL, "errors array");
	for (size_t i = 0; i < rep->n_errors; i++)
		touch(fs, rep->errors[i]);
	touch(fs, p->domain);
	touch(fs, p->adkim);
	touch(fs, p->aspf);
	touch(fs, p->p);
	touch(fs, p->sp);
	touch(fs, p->np);
	touch(fs, p->fo);
	touch(fs, p->testing);
	touch(fs, p->discovery_method);
	fuzz_check(p->pct >= -1 && p->pct <= 100, "pct is -1..100");
	fuzz_check(rep->n_warnings <= rep->max_warnings,
	    "no more warnings kept than max_warnings");
	fuzz_check(
	    rep->n_warnings == 0 || rep->warnings != NULL, "warnings array");
	for (size_t i = 0; i < rep->n_warnings; i++)
		touch(fs, rep->warnings[i]);
}

static int
on_record(void *ctx, const struct dmarc_report *rep,
    const struct dmarc_record *rec, struct err *err)
{
	struct fuzz_sink *fs = ctx;
	char canon[IP_TEXT_MAX];

	touch_report(fs, rep);
	fuzz_check(rec->index >= 1, "record index is 1-based");
	fuzz_check(memchr(rec->source_ip, '\0', sizeof(rec->source_ip)) != NULL,
	    "source_ip is terminated");
	/* The header promises the canonical form; normalising it again
	 * must change nothing. */
	fuzz_check(ip_normalize(rec->source_ip, canon) == 0 &&
	        strcmp(canon, rec->source_ip) == 0,
	    "source_ip is a canonical IP address");
	touch(fs, rec->disposition);
	touch(fs, rec->dkim);
	touch(fs, rec->spf);
	touch(fs, rec->header_from);
	touch(fs, rec->envelope_from);
	touch(fs, rec->envelope_to);
	fuzz_check(
	    rec->n_reasons == 0 || rec->reasons != NULL, "reasons array");
	for (size_t i = 0; i < rec->n_reasons; i++) {
		touch(fs, rec->reasons[i].type);
		touch(fs, rec->reasons[i].comment);
	}
	fuzz_check(rec->n_dkim == 0 || rec->dkim_results != NULL,
	    "dkim results array");
	for (size_t i = 0; i < rec->n_dkim; i++) {
		const struct dmarc_dkim_result *d = &rec->dkim_results[i];

		touch(fs, d->domain);
		touch(fs, d->selector);
		touch(fs, d->result);
		touch(fs, d->human_result);
	}
	fuzz_check(
	    rec->n_spf == 0 || rec->spf_results != NULL, "spf results array");
	for (size_t i = 0; i < rec->n_spf; i++) {
		const struct dmarc_spf_result *s = &rec->spf_results[i];

		touch(fs, s->domain);
		touch(fs, s->scope);
		touch(fs, s->result);
		touch(fs, s->human_result);
	}
	fs->records++;
	fs->messages = rec->count > UINT64_MAX - fs->messages
	    ? UINT64_MAX
	    : fs->messages + rec->count;
	return 0;
}

static int
on_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	struct fuzz_sink *fs = ctx;

	fuzz_check(where != NULL, "where is not NULL");
	touch(fs, where);
	touch_report(fs, rep);
	fuzz_check(rep->n_records == fs->records,
	    "n_records counts the records handed to the sink");
	fuzz_check(rep->messages == fs->messages,
	    "messages sums the counts of the records handed");
	fs->records = 0;
	fs->messages = 0;
	fs->reports++;
	return 0;
}

static void
on_discard(void *ctx)
{
	struct fuzz_sink *fs = ctx;

	fuzz_check(fs->records > 0, "discard only after records were handed");
	fs->records = 0;
	fs->messages = 0;
}

void
fuzz_touch_err(struct fuzz_sink *fs, const struct err *err)
{
	fuzz_check(memchr(err->msg, '\0', sizeof(err->msg)) != NULL,
	    "error message is terminated");
	fuzz_check(err->msg[0] != '\0', "an error says what went wrong");
	fuzz_check(err->code < 0, "an error has a negative code");
	touch(fs, err->msg);
}

static void
on_problem(void *ctx, const char *where, const struct err *why)
{
	struct fuzz_sink *fs = ctx;

	fuzz_touch_err(fs, why);
	fs->problems++;
}

void
fuzz_sink_init(struct fuzz_sink *fs, struct reader_sink *sink)
{
	memset(fs, 0, sizeof(*fs));
	memset(sink, 0, sizeof(*sink));
	sink->reports.ctx = fs;
	sink->reports.record = on_record;
	sink->reports.report = on_report;
	sink->reports.discard = on_discard;
	sink->problem = on_problem;
}
