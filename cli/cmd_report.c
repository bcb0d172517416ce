/*
 * dmarcsift report: the periodic summary (a week by default) per domain,
 * as text, Markdown, HTML, JSON or CSV, printed or mailed.
 */
#include "commands.h"

#include "analysis_env.h"
#include "check_keep.h"
#include "clock.h"
#include "cliopt.h"
#include "config.h"
#include "db.h"
#include "dbconn.h"
#include "digest.h"
#include "digest_render.h"
#include "dns_health.h"
#include "err.h"
#include "log.h"
#include "owned.h"
#include "report_mail.h"
#include "text.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In the order of --format's words. */
enum format { F_TEXT, F_MARKDOWN, F_HTML, F_JSON, F_CSV };

/* The published record of each domain, for the next record to publish. */
struct lookup {
	const struct analysis_env *env;
	char *last;
};

static const char *
published(void *arg, const char *domain)
{
	struct lookup *l = arg;

	free(l->last);
	l->last = analysis_published(l->env, domain);
	return l->last;
}

/* The DNS health of each domain is kept for serve, as `check` keeps it;
 * a role that may not write is told once. */
struct keeper {
	struct db *db;
	int denied;
};

static void
keep(void *arg, const struct check *c)
{
	struct keeper *k = arg;

	if (!k->denied && check_keep(k->db, c) < 0 && db_denied(k->db))
		k->denied = 1;
}

static int
render(FILE *fp, const struct digest *dg, enum format f, const char *table,
    int color)
{
	switch (f) {
	case F_TEXT:
		return digest_text(fp, dg, color);
	case F_MARKDOWN:
		return digest_markdown(fp, dg);
	case F_HTML:
		return digest_html(fp, dg);
	case F_JSON:
		return digest_json(fp, dg);
	case F_CSV:
		return digest_csv(fp, dg, table);
	}
	return -1;
}

/* The whole document in memory (for the mail); NULL when it fails. */
static char *
render_mem(const struct digest *dg, enum format f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	if (render(fp, dg, f, NULL, 0) < 0) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int
send(const struct analysis_env *env, const struct digest *dg, const char *list)
{
	char *text = render_mem(dg, F_TEXT), *html = render_mem(dg, F_HTML);
	struct report_mail r = {.since = dg->since,
	    .until = dg->until,
	    .ndomains = dg->n,
	    .text = text,
	    .html = html};
	struct err err;
	int rc = -1;

	if (dg->n == 1) {
		r.domain = dg->domains[0].domain;
		r.messages = dg->domains[0].messages;
		r.passed = dg->domains[0].passed;
	}
	if (text == NULL || html == NULL)
		log_error("cannot format the report for the mail");
	else if (report_mail_send(env->cfg, &r, list, &err) < 0)
		log_error("report not sent: %s", err.msg);
	else {
		log_info("report sent to %s", list);
		rc = 0;
	}
	free(text);
	free(html);
	return rc;
}

/* --table NAME: one of the tables digest_csv() writes. */
static int
table_arg(void *out, const char *value)
{
	for (int i = 0; digest_csv_tables[i] != NULL; i++)
		if (strcmp(value, digest_csv_tables[i]) == 0) {
			*(const char **)out = digest_csv_tables[i];
			return 0;
		}
	log_error("--table: want days, sources, reporters or refused, got '%s'",
	    value);
	return -1;
}

static const char about[] =
    "The summary of a period for people and machines, per domain: messages "
    "and\nDMARC pass rate against the period before, day by day; the policy "
    "in force\nand whether the domain is ready for the next step; failing "
    "legitimate sources\nwith cause and fix; new, stopped and spoofing "
    "sources; reporters and the days\nthey covered; a DNS health check "
    "(unless offline); inputs refused.\n";

int
cmd_report(int argc, char **argv)
{
	char domain[CLIOPT_DOMAIN_LEN] = "";
	const char *table = "days", *mail_to = NULL;
	int mail = 0, no_dns_check = 0, rc, status = EXIT_CANNOT_RUN;
	int f = F_TEXT;
	int64_t until = analysis_default_until();
	struct cliopt_period period = {7, "week"};
	struct digest_options o;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_DOMAIN_OR_ALL(domain,
	        "one domain; default all with reports in the period or the "
	        "one before"),
	    CLIOPT_OPT_PERIOD(&period,
	        "week (default), month, or Nd (1 to 366 days), ending today"),
	    CLIOPT_OPT_UNTIL(
	        &until, "end the period before DATE (YYYY-MM-DD) instead"),
	    CLIOPT_OPT_FORMAT(&f, "text|markdown|html|json|csv",
	        "text (default; colour on a terminal), markdown, html (one "
	        "self-contained file with charts), json (keys in "
	        "reports/README.md), csv"),
	    CLIOPT_OPT_CALL("table", "NAME", &table, table_arg,
	        "for csv: days (default), sources, reporters or refused"),
	    CLIOPT_OPT_FLAG("mail", &mail, "mail it to the mail_to setting"),
	    CLIOPT_OPT_FLAG("no-dns-check", &no_dns_check,
	        "no DNS health check, names still looked up"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift report [--domain DOMAIN|all] [--period "
	             "week|month|Nd]\n"
	             "                        [--format "
	             "text|markdown|html|json|csv] [--table NAME]\n"
	             "                        [--until DATE] [--mail-to "
	             "ADDR[,...] | --mail]\n"
	             "                        [--offline] [--no-dns-check] "
	             "[--db CONNINFO]\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE | CLIOPT_G_ANALYSIS |
	        CLIOPT_G_DNS | CLIOPT_G_SMTP,
	    .footer = "--mail-to ADDRS (the setting mail_to) mails the report, "
	              "text and HTML in one\nmail, through smtp_url instead of "
	              "printing it; --offline leaves out the DNS\nhealth "
	              "check.\n\n"
	              "Exit status: 0 written or sent, 2 could not run (or the "
	              "mail was not sent).\n",
	    .no_operands = 1,
	};
	struct analysis_env env = {0};
	struct lookup lk = {NULL, NULL};
	struct digest *dg = NULL;
	const struct config *cfg;
	char *owned = NULL;
	struct cliopt co;
	struct err err;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	/* The owner's domains are said wrong before anything is looked up
	 * for them. */
	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	if (owned_domains(cfg, &owned) < 0)
		return EXIT_CANNOT_RUN;
	dbconn_reading();
	if (dbconn_analysis(&env, co.db, domain[0] ? domain : NULL, until,
	        period.days) < 0 ||
	    analysis_period_check(&env, domain[0] ? domain : NULL,
	        until - (int64_t)period.days * CLOCK_DAY, until, NULL) < 0)
		goto done;
	/* --mail-to ADDRS is --mail to those. */
	if (config_level(env.cfg, CONFIG_MAIL_TO) == CONFIG_FROM_FLAG)
		mail = 1;
	if (mail && (mail_to = config_str(env.cfg, CONFIG_MAIL_TO)) == NULL) {
		log_error("--mail: set mail_to in the config file, or give "
		          "--mail-to ADDR");
		goto done;
	}
	analysis_digest_options(&env, &o, domain[0] ? domain : NULL, owned,
	    period.days, period.name, until);
	lk.env = &env;
	if (!env.offline) {
		o.published = published;
		o.arg = &lk;
	}
	if (digest_compute(env.db, &o, &dg, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	if (!env.offline && !no_dns_check) {
		struct keeper k = {env.db, 0};

		dns_health_fill(&env, dg, period.days, keep, &k);
	}
	if (mail_to != NULL) {
		if (send(&env, dg, mail_to) == 0)
			status = EXIT_OK;
		goto done;
	}
	if (render(stdout, dg, (enum format)f, table,
	        f == F_TEXT && cliopt_color()) < 0 ||
	    fflush(stdout) != 0) {
		log_error("cannot write standard output");
		goto done;
	}
	status = EXIT_OK;
done:
	digest_free(dg);
	free(lk.last);
	free(owned);
	analysis_env_close(&env);
	return status;
}
