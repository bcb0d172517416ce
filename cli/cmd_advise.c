/*
 * dmarcsift advise --domain D: is the domain ready for the next step of
 * its DMARC policy, with the evidence, and the TXT record to publish.
 */
#include "commands.h"

#include "advise.h"
#include "advise_render.h"
#include "analysis_env.h"
#include "cliopt.h"
#include "clock.h"
#include "config.h"
#include "dbconn.h"
#include "digest.h"
#include "err.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char about[] =
    "Says which DMARC policy receivers see now (and which DNS publishes), "
    "whether\nthe domain is ready for the next step, why or why not (days "
    "of data, pass\nrate of the mail that may be yours, senders still "
    "failing that the step would\nhit, named with the fix or the decision "
    "to make, how long the policy has held,\nwhat receivers did to your "
    "mail after a step), and the exact TXT record to\npublish next.  The "
    "steps: p=none, p=quarantine with t=y and pct=0 (testing),\n"
    "p=quarantine, p=reject with t=y and pct=0, p=reject.\n";

/* --what-if: checked here, read again by advise_compute(). */
static int
whatif_arg(void *out, const char *value)
{
	struct policy_spec spec;

	if (whatif_parse(value, NULL, &spec) < 0) {
		log_error("--what-if: " WHATIF_WANT ", got '%s'", value);
		return -1;
	}
	*(const char **)out = value;
	return 0;
}

int
cmd_advise(int argc, char **argv)
{
	char domain[CLIOPT_DOMAIN_LEN] = "";
	const char *whatif = NULL;
	int json = 0, rc, status = EXIT_CANNOT_RUN;
	int64_t until = analysis_default_until();
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_DOMAIN(domain, "the policy domain (required)"),
	    CLIOPT_OPT_CALL("what-if", "POLICY", &whatif, whatif_arg,
	        "also show what quarantine or reject (at PCT percent, "
	        "default 100) would have done to the period's mail, per "
	        "source, legitimate or not; or a whole policy:\n"
	        "  'p=reject; sp=none; pct=50'"),
	    CLIOPT_OPT_UNTIL(&until,
	        "judge the days before DATE (YYYY-MM-DD; default: up to the "
	        "last complete day, yesterday)"),
	    CLIOPT_OPT_JSON(&json),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift advise --domain DOMAIN [--what-if "
	             "POLICY[:PCT]] [--json]\n"
	             "                        [--until DATE] [--offline] [--db "
	             "CONNINFO]\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE | CLIOPT_G_ANALYSIS |
	        CLIOPT_G_DNS,
	    .footer = "Exit status: 0 ready for the next step (or at p=reject "
	              "already, losing no\nlegitimate mail), 1 not ready (or "
	              "waiting for receivers to show the policy,\nor roll "
	              "back), 2 could not run (also: no report about DOMAIN "
	              "is stored).\nMonitoring can also read \"ready\", "
	              "\"waiting\" and \"rollback_record\" from --json.\n",
	};
	struct analysis_env env = {0};
	struct advise_options o;
	struct advice a;
	struct cliopt co;
	struct err err;
	struct period_gap gap;
	char *published = NULL;

	memset(&a, 0, sizeof(a));
	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (co.argi != argc || domain[0] == '\0') {
		log_error("advise: give the domain with --domain DOMAIN");
		cliopt_usage(&cmd);
		return EXIT_CANNOT_RUN;
	}
	dbconn_reading();
	if (dbconn_analysis(&env, co.db, domain, until, 0) < 0 ||
	    analysis_period_check(&env, domain,
	        until - (int64_t)env.thresholds.days * CLOCK_DAY, until,
	        &gap) < 0)
		goto done;
	published = analysis_published(&env, domain);
	analysis_advise_options(&env, &o, domain, until, published, whatif);
	o.whatif_grouped = !json; /* the text groups what it hits */
	if (advise_compute(env.db, &o, &a, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	if ((json ? advise_json_period(stdout, &a, &gap)
	          : advise_text(stdout, &a, cliopt_color())) < 0 ||
	    fflush(stdout) != 0) {
		log_error("cannot write standard output");
		goto done;
	}
	/* At p=reject with nothing to publish is fine; losing mail is not. */
	status = a.r.ready ||
	        (a.r.next_step_no < 0 && a.r.rollback_record[0] == '\0')
	    ? EXIT_OK
	    : EXIT_SOME_FAILED;
done:
	advice_free(&a);
	free(published);
	analysis_env_close(&env);
	return status;
}
