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
#include "err.h"
#include "log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OPT_JSON 0x301
#define OPT_DOMAIN 0x302
#define OPT_WHATIF 0x303
#define OPT_UNTIL 0x304

static void
help(FILE *fp)
{
	fputs(
	    "usage: dmarcsift advise --domain DOMAIN [--what-if POLICY[:PCT]] "
	    "[--json]\n"
	    "                        [--until DATE] [--offline] [--db "
	    "CONNINFO]\n\n"
	    "Says which DMARC policy receivers see now (and which DNS "
	    "publishes), whether\nthe domain is ready for the next step, "
	    "why or why not (days of data, pass\nrate of the mail that may "
	    "be yours, senders still failing that the step would\nhit, "
	    "named with the fix or the decision to make, how long the "
	    "policy has held,\nwhat receivers did to your mail after a "
	    "step), and the exact TXT record to\npublish next.  The steps: "
	    "p=none, p=quarantine with t=y and pct=0 (testing),\n"
	    "p=quarantine, p=reject with t=y and pct=0, p=reject.\n\n"
	    "  --domain DOMAIN      the policy domain (required)\n"
	    "  --what-if POLICY     also show what quarantine or reject "
	    "(at PCT percent,\n"
	    "                       default 100) would have done to the "
	    "period's mail,\n"
	    "                       per source, legitimate or not; or a "
	    "whole policy:\n"
	    "                       'p=reject; sp=none; pct=50'\n"
	    "  --until DATE         judge the days before DATE "
	    "(YYYY-MM-DD; default: up to\n"
	    "                       the last complete day, yesterday)\n"
	    "  --json               one JSON object (keys in "
	    "reports/README.md)\n"
	    "  --offline            no DNS lookups: names from the cache; "
	    "the next record is\n"
	    "                       built from the reported policy\n"
	    "  --db CONNINFO        a libpq conninfo string or postgresql:// "
	    "URL\n"
	    "  --config FILE        read this settings file\n"
	    "  -h, --help           this text\n\n"
	    "Settings (--KEY VALUE, or KEY = VALUE in the config file):\n",
	    fp);
	config_print_help(fp, CONFIG_GROUP_ANALYSIS | CONFIG_GROUP_DNS);
	fputs("\nExit status: 0 ready for the next step (or at p=reject "
	      "already), 1 not ready\n(or waiting for receivers to show the "
	      "published policy), 2 could not run\n(also: no report about "
	      "DOMAIN is stored).  Monitoring can also read \"ready\"\nand "
	      "\"waiting\" from --json.\n",
	    fp);
}

int
cmd_advise(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"domain", required_argument, NULL, OPT_DOMAIN},
	    {"what-if", required_argument, NULL, OPT_WHATIF},
	    {"until", required_argument, NULL, OPT_UNTIL},
	    {"help", no_argument, NULL, 'h'},
	    CLIOPT_COMMON,
	    CLIOPT_DATABASE,
	    CLIOPT_ANALYSIS /* no comma: its rows carry their own */
	        CLIOPT_DNS,
	    {NULL, 0, NULL, 0},
	};
	char domain[256] = "";
	const char *whatif = NULL;
	int json = 0, c, h, status = EXIT_CANNOT_RUN;
	int64_t until = analysis_default_until();
	struct analysis_env env = {0};
	struct advise_options o;
	struct advice a;
	struct cliopt co;
	struct err err;
	char *published = NULL;

	memset(&a, 0, sizeof(a));
	cliopt_init(&co);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hvq", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_DOMAIN:
			if (analysis_domain_arg(
			        optarg, domain, sizeof(domain)) < 0) {
				log_error("--domain: '%s' is not a domain name",
				    optarg);
				return EXIT_CANNOT_RUN;
			}
			break;
		case OPT_WHATIF: {
			struct policy_spec spec;

			if (whatif_parse(optarg, NULL, &spec) < 0) {
				log_error(
				    "--what-if: want quarantine or reject, "
				    "with :PCT (0 to 100) if you like, or a "
				    "policy like 'p=reject; sp=none', got "
				    "'%s'",
				    optarg);
				return EXIT_CANNOT_RUN;
			}
			whatif = optarg;
			break;
		}
		case OPT_UNTIL:
			if (analysis_parse_until(optarg, &until) < 0) {
				log_error(
				    "--until: want a date YYYY-MM-DD, got "
				    "'%s'",
				    optarg);
				return EXIT_CANNOT_RUN;
			}
			break;
		case 'h':
			help(stdout);
			return EXIT_OK;
		default:
			if ((h = cliopt_handle(&co, c, optarg)) > 0)
				break;
			if (h == 0)
				cliopt_bad_option(c, argv, "hvq", opts, help);
			return EXIT_CANNOT_RUN;
		}
	}
	if (optind != argc || domain[0] == '\0') {
		log_error("advise: give the domain with --domain DOMAIN");
		help(stderr);
		return EXIT_CANNOT_RUN;
	}
	dbconn_reading();
	if (analysis_env_open(&env, co.db, domain, until, 0) < 0 ||
	    analysis_period_check(&env, domain,
	        until - (int64_t)env.thresholds.days * CLOCK_DAY, until) < 0)
		goto done;
	published = analysis_published(&env, domain);
	memset(&o, 0, sizeof(o));
	o.domain = domain;
	o.until = until;
	o.thresholds = env.thresholds;
	o.rules = env.rules;
	o.published = published;
	o.whatif = whatif;
	if (advise_compute(env.db, &o, &a, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	if ((json ? advise_json(stdout, &a)
	          : advise_text(stdout, &a,
	                isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL)) <
	        0 ||
	    fflush(stdout) != 0) {
		log_error("cannot write standard output");
		goto done;
	}
	status = a.r.ready || a.r.next_step_no < 0 ? EXIT_OK : EXIT_SOME_FAILED;
done:
	advice_free(&a);
	free(published);
	analysis_env_close(&env);
	return status;
}
