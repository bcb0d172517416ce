/* metrics_prom: the metrics as Prometheus text; see metrics_prom.h. */
#include "metrics_prom.h"

#include "metrics.h"
#include "prom.h"

#include <stddef.h>

#define NAME "dmarcsift_"
#define STR_(x) #x
#define STR(x) STR_(x)

/*
 * What ingest_runs says.  Its rows are never deleted, so sums over them
 * only grow: counters.  A run that stopped on an error that was not the
 * database's (an IMAP login refused, the server gone) is 'failed'
 * (sql/018), and not a success.
 */
static void
runs(FILE *fp, const struct metrics *m)
{
	struct prom_label l[2] = {{"command", NULL}, {NULL, NULL}};

	prom_family(fp, NAME "ingest_runs_total", "counter",
	    "Runs of ingest and reparse that ended, by command and how: "
	    "finished; failed (stopped on an error it names, such as a "
	    "mailbox it could not read); or interrupted (its process died "
	    "before it finished; closed so by the next run).");
	for (size_t i = 0; i < m->nruns; i++) {
		l[0].value = m->runs[i].command;
		l[1].name = "status";
		l[1].value = "finished";
		prom_sample_u64(
		    fp, NAME "ingest_runs_total", l, 2, m->runs[i].finished);
		l[1].value = "failed";
		prom_sample_u64(
		    fp, NAME "ingest_runs_total", l, 2, m->runs[i].failed);
		l[1].value = "interrupted";
		prom_sample_u64(
		    fp, NAME "ingest_runs_total", l, 2, m->runs[i].interrupted);
	}
	prom_family(fp, NAME "ingest_runs_running", "gauge",
	    "Runs of ingest and reparse not finished: running now, or died "
	    "and not yet closed by a later run.");
	for (size_t i = 0; i < m->nruns; i++) {
		l[0].value = m->runs[i].command;
		prom_sample_u64(
		    fp, NAME "ingest_runs_running", l, 1, m->runs[i].running);
	}
	prom_family(fp, NAME "ingest_last_success_timestamp_seconds", "gauge",
	    "When the last finished run of the command finished, in Unix "
	    "seconds.");
	for (size_t i = 0; i < m->nruns; i++) {
		if (m->runs[i].last_finished <= 0)
			continue;
		l[0].value = m->runs[i].command;
		prom_sample_i64(fp,
		    NAME "ingest_last_success_timestamp_seconds", l, 1,
		    m->runs[i].last_finished);
	}
	prom_family(fp, NAME "ingest_inputs_total", "counter",
	    "Inputs (mails, files) runs read, by command and result: new "
	    "(stored), or duplicate (the same bytes were stored before).");
	for (size_t i = 0; i < m->nruns; i++) {
		l[0].value = m->runs[i].command;
		l[1].name = "result";
		l[1].value = "new";
		prom_sample_u64(fp, NAME "ingest_inputs_total", l, 2,
		    m->runs[i].inputs_new);
		l[1].value = "duplicate";
		prom_sample_u64(fp, NAME "ingest_inputs_total", l, 2,
		    m->runs[i].inputs_duplicate);
	}
	prom_family(fp, NAME "ingest_records_total", "counter",
	    "Records of new reports runs stored, by command.");
	for (size_t i = 0; i < m->nruns; i++) {
		l[0].value = m->runs[i].command;
		prom_sample_u64(fp, NAME "ingest_records_total", l, 1,
		    m->runs[i].records_new);
	}
	prom_family(fp, NAME "ingest_refused_total", "counter",
	    "Parts of inputs runs refused (broken, hostile, over a limit: no "
	    "report in them), by command; reparse counts again what it "
	    "refuses again.");
	for (size_t i = 0; i < m->nruns; i++) {
		l[0].value = m->runs[i].command;
		prom_sample_u64(
		    fp, NAME "ingest_refused_total", l, 1, m->runs[i].refused);
	}
}

/* What is stored now: prune and reparse can lower it, so gauges. */
static void
stored(FILE *fp, const struct metrics *m)
{
	struct prom_label l = {"outcome", NULL};

	prom_family(fp, NAME "inputs", "gauge",
	    "Inputs stored, by outcome: reports (every part read), partial "
	    "(some part refused), refused (no report), skipped (a failure or "
	    "TLS report).");
	for (size_t i = 0; i < METRICS_OUTCOMES; i++) {
		l.value = m->outcomes[i].name;
		prom_sample_u64(
		    fp, NAME "inputs", &l, 1, m->outcomes[i].inputs);
	}
	prom_family(fp, NAME "reports", "gauge",
	    "Aggregate reports stored, each once however often it came.");
	prom_sample_u64(fp, NAME "reports", NULL, 0, m->reports);
	prom_family(
	    fp, NAME "records", "gauge", "Records of the reports stored.");
	prom_sample_u64(fp, NAME "records", NULL, 0, m->records);
	prom_family(fp, NAME "imap_actions_pending", "gauge",
	    "Mails stored whose IMAP action (move, flag, delete) is not done "
	    "yet: a run is at work, or one stopped before it; the next run "
	    "does it.");
	prom_sample_u64(
	    fp, NAME "imap_actions_pending", NULL, 0, m->imap_pending);
}

/* What alert said that still holds, every kind always present. */
static void
alerts(FILE *fp, const struct metrics *m)
{
	struct prom_label l = {"kind", NULL};

	prom_family(fp, NAME "alerts_open", "gauge",
	    "Events dmarcsift alert said that still hold, by kind (each is "
	    "said once; it closes when a run no longer finds it).");
	for (size_t k = 0; k < ALERT_NKINDS; k++) {
		l.value = m->alerts[k].kind;
		prom_sample_u64(
		    fp, NAME "alerts_open", &l, 1, m->alerts[k].open);
	}
}

/* One domain's samples of one family: messages or the pass ratio. */
static void
domain_samples(
    FILE *fp, const char *name, const struct metrics_domain *d, int ratio)
{
	struct prom_label l[2] = {
	    {"domain", d->domain != NULL ? d->domain : METRICS_PROM_OTHER},
	    {"period", "1d"}};

	if (ratio) {
		prom_sample_ratio(
		    fp, name, l, 2, d->day.passed, d->day.messages);
		l[1].value = "7d";
		prom_sample_ratio(
		    fp, name, l, 2, d->week.passed, d->week.messages);
		return;
	}
	prom_sample_u64(fp, name, l, 2, d->day.messages);
	l[1].value = "7d";
	prom_sample_u64(fp, name, l, 2, d->week.messages);
}

static void
domains(FILE *fp, const struct metrics *m)
{
	struct prom_label l = {"period", "1d"};

	prom_family(fp, NAME "domain_messages", "gauge",
	    "Messages reports counted for the domain over the last complete "
	    "UTC day (period 1d) or the last 7 (7d); the owner's domains, "
	    "every other summed as domain \"" METRICS_PROM_OTHER "\".");
	for (size_t i = 0; i < m->ndomains; i++)
		domain_samples(fp, NAME "domain_messages", &m->domains[i], 0);
	domain_samples(fp, NAME "domain_messages", &m->other, 0);
	prom_family(fp, NAME "domain_dmarc_pass_ratio", "gauge",
	    "Share of those messages that passed DMARC by dmarcsift's own "
	    "verdict (0 to 1); no sample for a period without messages.");
	for (size_t i = 0; i < m->ndomains; i++)
		domain_samples(
		    fp, NAME "domain_dmarc_pass_ratio", &m->domains[i], 1);
	domain_samples(fp, NAME "domain_dmarc_pass_ratio", &m->other, 1);
	prom_family(fp, NAME "other_domains", "gauge",
	    "Domains with mail in the period summed as domain "
	    "\"" METRICS_PROM_OTHER
	    "\": strangers' and, without the setting domains, those past the "
	    "first " STR(METRICS_DOMAINS_MAX) ".");
	prom_sample_u64(fp, NAME "other_domains", &l, 1, m->other_day);
	l.value = "7d";
	prom_sample_u64(fp, NAME "other_domains", &l, 1, m->other_week);
}

void
metrics_prom(FILE *fp, const struct metrics *m)
{
	runs(fp, m);
	stored(fp, m);
	alerts(fp, m);
	domains(fp, m);
	prom_family(fp, NAME "database_size_bytes", "gauge",
	    "Size of the database on disk (pg_database_size).");
	prom_sample_u64(
	    fp, NAME "database_size_bytes", NULL, 0, m->database_bytes);
}
