/*
 * dmarcsift sources --domain D: the sources that failed DMARC, ranked by
 * volume, with name, service, class, cause and fix.
 */
#include "commands.h"

#include "analysis_env.h"
#include "cliopt.h"
#include "clock.h"
#include "config.h"
#include "dbconn.h"
#include "digest.h"
#include "err.h"
#include "log.h"
#include "sources.h"
#include "sources_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char about[] =
    "Who sent mail as DOMAIN and failed DMARC, grouped by who sends (service,\n"
    "else the domain of the forward-confirmed reverse DNS name, else the "
    "network\n"
    "and its owner), most failed messages first, with the addresses below:\n"
    "class, volume, first and last seen, the cause of most failures and the "
    "fix.\n"
    "Classes:\n"
    "  legitimate  yours: listed in trusted_sources, passes aligned for part "
    "of its\n"
    "              mail, a service that does for you, or your own signer "
    "that\n"
    "              fails only strict alignment (adkim=s, aspf=s)\n"
    "  ignored     listed in ignored_sources: not yours\n"
    "  forwarder   mostly fails by forwarding or a mailing list, with "
    "evidence:\n"
    "              not yours to fix\n"
    "  unknown     authenticates as someone else: a service you have not set "
    "up,\n"
    "              or a spoofer using one; or its address's confirmed name "
    "is in\n"
    "              your domain; it may be your mail\n"
    "  spoofing    no known service, and nothing authenticates but a "
    "throwaway\n"
    "              domain's own DKIM at most\n";

int
cmd_sources(int argc, char **argv)
{
	char domain[CLIOPT_DOMAIN_LEN] = "";
	int json = 0, all = 0, status = EXIT_CANNOT_RUN;
	struct cliopt_period period = {30, "30d"};
	int64_t until = analysis_default_until(), since;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_DOMAIN(domain, "the policy domain (required)"),
	    CLIOPT_OPT_SINCE(&period,
	        "the last N complete UTC days (default 30d; also week, "
	        "month)"),
	    CLIOPT_OPT_UNTIL(&until,
	        "end the period before DATE (YYYY-MM-DD) instead of today"),
	    CLIOPT_OPT_FLAG("all", &all, "every source, passing ones too"),
	    CLIOPT_OPT_JSON(&json),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift sources --domain DOMAIN [--since Nd] "
	             "[--until DATE] [--all]\n"
	             "                         [--json] [--offline] [--db "
	             "CONNINFO]\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE | CLIOPT_G_ANALYSIS |
	        CLIOPT_G_DNS,
	    .footer = "Exit status: 0 listed (failing sources are normal), 2 "
	              "could not run.\n",
	};
	struct analysis_env env = {0};
	struct sender_list list = {0};
	struct sources_query q = {0};
	struct sources_view view;
	struct period_gap gap;
	struct cliopt co;
	struct err err;
	int rc;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (co.argi != argc || domain[0] == '\0') {
		log_error("sources: give the domain with --domain DOMAIN");
		cliopt_usage(&cmd);
		return EXIT_CANNOT_RUN;
	}
	since = until - (int64_t)period.days * CLOCK_DAY;
	dbconn_reading();
	if (dbconn_analysis(&env, co.db, domain, until, period.days) < 0 ||
	    analysis_period_check(&env, domain, since, until, &gap) < 0)
		goto done;
	q.domain = domain;
	q.since = since;
	q.until = until;
	q.rules = &env.rules;
	q.all = all;
	q.top = SOURCES_TOP;
	q.addresses = SOURCES_ADDRESSES;
	q.failures = 1;
	if (sources_read_senders(env.db, &q, &list, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	view.domain = domain;
	view.days = period.days;
	view.since = since;
	view.until = until;
	view.senders = &list;
	view.all = all;
	view.offline = env.offline;
	view.gap = &gap;
	if ((json ? sources_json(stdout, &view)
	          : sources_text(stdout, &view, cliopt_color())) < 0 ||
	    fflush(stdout) != 0) {
		log_error("cannot write standard output");
		goto done;
	}
	status = EXIT_OK;
done:
	sender_list_free(&list);
	analysis_env_close(&env);
	return status;
}
