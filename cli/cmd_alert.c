/*
 * dmarcsift alert: says something only when a person should act, once
 * per event (issue 19): the events of analyze/alert.h, printed, mailed or
 * POSTed to a chat's webhook, then recorded in the database so that the
 * next run says only what is new.
 */
#include "commands.h"

#include "alert.h"
#include "alert_render.h"
#include "alert_webhook.h"
#include "analysis_env.h"
#include "cliopt.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "mailout.h"
#include "owned.h"
#include "report_mail.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text of the new events in memory, for the mail and the webhook;
 * NULL when it cannot be made. */
static char *
text_of(const struct alert_list *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	alert_text(fp, l);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Mails text to list (comma- or blank-separated) as report --mail does:
 * through the smtp_* settings. */
static int
mail(const struct config *cfg, const struct alert_list *l, const char *text,
    const char *list)
{
	char *copy = xstrdup(list), *save = NULL, subject[200];
	const char *to[REPORT_MAIL_MAX_TO];
	struct mail_message m;
	struct err err;
	size_t nto = 0;
	int rc;

	for (char *tok = strtok_r(copy, ", ", &save); tok != NULL;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (nto == REPORT_MAIL_MAX_TO) {
			nto = 0;
			break;
		}
		to[nto++] = tok;
	}
	if (nto == 0) {
		log_error("alert not mailed: give 1 to %d addresses in "
		          "--mail-to or mail_to, comma-separated",
		    REPORT_MAIL_MAX_TO);
		free(copy);
		return -1;
	}
	snprintf(subject, sizeof(subject), "DMARC alert: %zu new%s%s", l->nnew,
	    l->nnew == 1 && l->v[0].domain != NULL ? ", " : "",
	    l->nnew == 1 && l->v[0].domain != NULL ? l->v[0].domain : "");
	memset(&m, 0, sizeof(m));
	m.to = to;
	m.nto = nto;
	m.subject = subject;
	m.text = text;
	rc = mailout_send(cfg, &m, &err);
	free(copy);
	if (rc < 0)
		log_error("alert not mailed: %s", err.msg);
	return rc;
}

static int
webhook(const char *url, const char *text)
{
	char *json = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&json, &len);
	struct err err;
	int rc;

	if (fp == NULL) {
		log_error("webhook: out of memory");
		return -1;
	}
	alert_webhook_json(fp, text);
	fclose(fp);
	if ((rc = alert_webhook_post(url, json, &err)) < 0)
		log_error("alert not posted: %s", err.msg);
	free(json);
	return rc;
}

static const char about[] =
    "Says something only when a person should act, once per event, with "
    "the\nevidence and the fix, about the owner's domains (the setting "
    "domains, else\nthe rule of owned_domains(), as for report) on the "
    "last complete UTC day\nagainst the 7 days before it: a new source "
    "above\nalert_new_source_share percent of the day's mail; a "
    "legitimate sender whose\npass rate fell from 90% or more to 50% or "
    "less; the domain's pass rate down\nby more than alert_pass_drop "
    "points; a reporter silent for 2 days after\nreporting on most of the "
    "7 before; a policy step losing legitimate mail\n(advise's watch: roll "
    "back); the DMARC, SPF or DKIM findings of the stored\ncheck (dmarcsift "
    "check) changed, or failing; inputs refused; a domain not\nyours with "
    "alert_foreign_messages messages or more.  What was said is\nrecorded "
    "in the database (alert_events): the next run says only what is "
    "new,\nand an event that clears is forgotten silently, to be said "
    "again if it\ncomes back.  Nothing new: nothing printed.\n";

int
cmd_alert(int argc, char **argv)
{
	const char *hook = NULL, *mail_to = NULL;
	int json = 0, dry = 0, domail = 0, rc, status = EXIT_CANNOT_RUN;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_JSON(&json),
	    CLIOPT_OPT_FLAG(
	        "mail", &domail, "mail the new events to the mail_to setting"),
	    CLIOPT_OPT_STRING("webhook", "URL", &hook,
	        "POST the new events as {\"text\": ...} to URL\n(the "
	        "setting alert_webhook_url keeps its secret out of ps)"),
	    CLIOPT_OPT_FLAG(
	        "dry-run", &dry, "say what would be said, record nothing"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift alert [--json] [--mail-to ADDR[,...] | "
	             "--mail] [--webhook URL]\n"
	             "                       [--dry-run] [--offline] [--db "
	             "CONNINFO]\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE | CLIOPT_G_ANALYSIS |
	        CLIOPT_G_DNS | CLIOPT_G_SMTP | CLIOPT_G_ALERTS,
	    .footer = "It writes its state: run it as the role that ingests "
	              "(sql/README.md, Roles).\nThe new events are recorded "
	              "only once printed, mailed and posted: a mail or\nPOST "
	              "that fails is tried again by the next run.\n\n"
	              "Exit status: 0 nothing new to say, 1 alerts said, 2 "
	              "could not run.\n",
	    .no_operands = 1,
	};
	struct analysis_env env = {0};
	struct alert_options o;
	struct alert_list l = {0};
	char *owned = NULL, *text = NULL;
	int64_t until = analysis_default_until();
	struct cliopt co;
	struct err err;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (dbconn_analysis(&env, co.db, NULL, until, ALERT_DAYS) < 0)
		goto done;
	if (config_level(env.cfg, CONFIG_MAIL_TO) == CONFIG_FROM_FLAG)
		domail = 1;
	if (domail && (mail_to = config_str(env.cfg, CONFIG_MAIL_TO)) == NULL) {
		log_error("--mail: set mail_to in the config file, or give "
		          "--mail-to ADDR");
		goto done;
	}
	if (hook == NULL)
		hook = config_str(env.cfg, CONFIG_ALERT_WEBHOOK_URL);
	if (owned_domains(env.cfg, &owned) < 0)
		goto done;
	memset(&o, 0, sizeof(o));
	o.until = until;
	o.owned = owned;
	o.rules = env.rules;
	o.thresholds = env.thresholds;
	o.new_source_share =
	    (int)config_int(env.cfg, CONFIG_ALERT_NEW_SOURCE_SHARE);
	o.pass_drop = (int)config_int(env.cfg, CONFIG_ALERT_PASS_DROP);
	o.drop_before = (int)config_int(env.cfg, CONFIG_ALERT_DROP_BEFORE);
	o.drop_after = (int)config_int(env.cfg, CONFIG_ALERT_DROP_AFTER);
	o.min_messages =
	    (uint64_t)config_int(env.cfg, CONFIG_ALERT_MIN_MESSAGES);
	o.foreign_messages =
	    (uint64_t)config_int(env.cfg, CONFIG_ALERT_FOREIGN_MESSAGES);
	if (alert_compute(env.db, &o, &l, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	analysis_env_end_reading(&env);
	if (json)
		alert_json(stdout, &l, clock_now(), dry);
	else
		alert_text(stdout, &l);
	if (fflush(stdout) != 0) {
		log_error("cannot write standard output");
		goto done;
	}
	if (l.nnew > 0 && (mail_to != NULL || hook != NULL)) {
		if ((text = text_of(&l)) == NULL) {
			log_error("alert: out of memory");
			goto done;
		}
		if (dry)
			log_info("--dry-run: nothing mailed or posted");
		else if ((mail_to != NULL &&
		             mail(env.cfg, &l, text, mail_to) < 0) ||
		    (hook != NULL && webhook(hook, text) < 0))
			goto done;
	}
	if (!dry && alert_record(env.db, &l, clock_now(), &err) < 0) {
		if (db_denied(env.db))
			log_error(
			    "alert: this role may not write alert_events: "
			    "run alert as the role that ingests");
		else
			log_error(
			    "alert: cannot record what was said: %s", err.msg);
		goto done;
	}
	status = l.nnew > 0 ? EXIT_SOME_FAILED : EXIT_OK;
done:
	free(text);
	free(owned);
	alert_list_free(&l);
	analysis_env_close(&env);
	return status;
}
