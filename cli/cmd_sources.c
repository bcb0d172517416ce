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
#include "err.h"
#include "log.h"
#include "sources.h"
#include "sources_render.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define OPT_JSON 0x301
#define OPT_DOMAIN 0x302
#define OPT_SINCE 0x303
#define OPT_ALL 0x304
#define OPT_UNTIL 0x305

static void
help(FILE *fp)
{
	fputs("usage: dmarcsift sources --domain DOMAIN [--since Nd] [--until "
	      "DATE] [--all]\n"
	      "                         [--json] [--offline] [--db "
	      "CONNINFO]\n\n"
	      "Who sent mail as DOMAIN and failed DMARC, grouped by who "
	      "sends (service,\nelse the domain of the forward-confirmed "
	      "reverse DNS name, else the network\nand its owner), most "
	      "failed messages first, with the addresses below:\nclass, "
	      "volume, first and last seen, the cause of most failures and "
	      "the fix.\nClasses:\n"
	      "  legitimate  yours: listed in trusted_sources, passes "
	      "aligned for part of its\n"
	      "              mail, or a service that does for you\n"
	      "  ignored     listed in ignored_sources: not yours\n"
	      "  forwarder   mostly fails by forwarding or a mailing list, "
	      "with evidence:\n"
	      "              not yours to fix\n"
	      "  unknown     authenticates as someone else: a service you "
	      "have not set up,\n"
	      "              or a spoofer using one; it may be your mail\n"
	      "  spoofing    no known service, and nothing authenticates "
	      "but a throwaway\n"
	      "              domain's own DKIM at most\n\n"
	      "  --domain DOMAIN  the policy domain (required)\n"
	      "  --since Nd       the last N complete UTC days (default 30d; "
	      "also week, month)\n"
	      "  --until DATE     end the period before DATE (YYYY-MM-DD) "
	      "instead of today\n"
	      "  --all            every source, passing ones too\n"
	      "  --json           one JSON object (keys in "
	      "reports/README.md)\n"
	      "  --offline        no DNS lookups: names from the cache only\n"
	      "  --db CONNINFO    a libpq conninfo string or postgresql:// "
	      "URL\n"
	      "  --config FILE    read this settings file\n"
	      "  -h, --help       this text\n\n"
	      "Settings (--KEY VALUE, or KEY = VALUE in the config file):\n",
	    fp);
	config_print_help(fp, CONFIG_GROUP_ANALYSIS | CONFIG_GROUP_DNS);
	fputs("\nExit status: 0 listed (failing sources are normal), 2 could "
	      "not run.\n",
	    fp);
}

int
cmd_sources(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"domain", required_argument, NULL, OPT_DOMAIN},
	    {"since", required_argument, NULL, OPT_SINCE},
	    {"all", no_argument, NULL, OPT_ALL},
	    {"until", required_argument, NULL, OPT_UNTIL},
	    {"help", no_argument, NULL, 'h'},
	    CLIOPT_COMMON,
	    CLIOPT_DATABASE,
	    CLIOPT_ANALYSIS /* no comma: its rows carry their own */
	        CLIOPT_DNS,
	    {NULL, 0, NULL, 0},
	};
	char domain[256] = "";
	int json = 0, all = 0, days = 30, c, h, status = EXIT_CANNOT_RUN;
	struct analysis_env env = {0};
	struct source_list list = {0};
	struct sources_view view;
	struct cliopt co;
	struct err err;
	int64_t until = analysis_default_until(), since;

	cliopt_init(&co);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hvq", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_ALL:
			all = 1;
			break;
		case OPT_DOMAIN:
			if (analysis_domain_arg(
			        optarg, domain, sizeof(domain)) < 0) {
				log_error("--domain: '%s' is not a domain name",
				    optarg);
				return EXIT_CANNOT_RUN;
			}
			break;
		case OPT_SINCE:
			if ((days = analysis_parse_days(optarg)) < 0) {
				log_error("--since: want Nd (1 to 366 days), "
				          "week or month, got '%s'",
				    optarg);
				return EXIT_CANNOT_RUN;
			}
			break;
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
		log_error("sources: give the domain with --domain DOMAIN");
		help(stderr);
		return EXIT_CANNOT_RUN;
	}
	since = until - (int64_t)days * CLOCK_DAY;
	dbconn_reading();
	if (analysis_env_open(&env, co.db, domain, until, days) < 0 ||
	    analysis_period_check(&env, domain, since, until) < 0)
		goto done;
	if (sources_read(
	        env.db, domain, since, until, &env.rules, &list, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	view.domain = domain;
	view.days = days;
	view.since = since;
	view.until = until;
	view.list = &list;
	view.all = all;
	view.offline = env.offline;
	if ((json ? sources_json(stdout, &view)
	          : sources_text(stdout, &view,
	                isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL)) <
	        0 ||
	    fflush(stdout) != 0) {
		log_error("cannot write standard output");
		goto done;
	}
	status = EXIT_OK;
done:
	sources_free(&list);
	analysis_env_close(&env);
	return status;
}
