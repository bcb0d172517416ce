/*
 * dmarcsift check DOMAIN: the DNS records a sending domain needs, checked
 * against what receivers report.
 */
#include "commands.h"

#include "analysis_env.h"
#include "check.h"
#include "check_json.h"
#include "check_text.h"
#include "cliopt.h"
#include "config.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "orgdomain.h"
#include "resolve.h"
#include "xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Rounds over the name servers for each lookup. */
#define CHECK_DNS_TRIES 2

#define OPT_JSON 0x301
#define OPT_NO_DB 0x302
#define OPT_SELECTOR 0x303
#define OPT_IP 0x304
#define OPT_DAYS 0x305
#define OPT_UNTIL 0x306

static void
help(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcsift check [--json] [--no-db] [--selector NAME]... "
	    "[--ip ADDR]...\n"
	    "                       [--days N] [--until DATE] [--db CONNINFO] "
	    "[--dns-servers LIST] DOMAIN\n\n"
	    "Checks the DNS records a sending domain needs, and compares "
	    "them with what\nreceivers reported about it in the stored "
	    "reports:\n"
	    "  DMARC   one record at _dmarc.DOMAIN (or the organizational "
	    "domain's), its\n"
	    "          syntax, retired tags, authorisation of external "
	    "rua/ruf addresses\n"
	    "  SPF     one v=spf1 record, its syntax, DNS lookups (10) and "
	    "void lookups (2)\n"
	    "          counted through includes, +all, ?all, ptr; the "
	    "networks it allows\n"
	    "  DKIM    the key of every selector seen in the reports (and "
	    "--selector): its\n"
	    "          syntax, type, RSA size, revocation, t=y\n"
	    "  MX      present, and every host has an address\n"
	    "  PTR     the sending addresses (whose mail passed DMARC in "
	    "the reports, and\n"
	    "          --ip): a PTR that resolves back, not a dynamic-"
	    "looking name\n"
	    "  reports the policy receivers saw against the one published; "
	    "sources with\n"
	    "          aligned DKIM that SPF does not allow; selectors "
	    "that fail DKIM\n\n"
	    "Each item is pass, warn, fail, or dnserror when the DNS did "
	    "not answer\n"
	    "(timeout, SERVFAIL): that is never taken for a missing "
	    "record.\n\n"
	    "  --json             one JSON object (keys in README.md)\n"
	    "  --no-db            DNS only: no reports, selectors from "
	    "--selector only\n"
	    "  --selector NAME    a DKIM selector to check too "
	    "(repeatable)\n"
	    "  --ip ADDR          a sending address whose PTR to check "
	    "(repeatable)\n"
	    "  --days N           the reports of the last N days "
	    "(default %d)\n"
	    "  --until DATE       end those days before DATE (YYYY-MM-DD); "
	    "default: now\n"
	    "  --db CONNINFO      a libpq conninfo string or postgresql:// "
	    "URL; default\n"
	    "                     $DMARCSIFT_DB\n"
	    "  --config FILE      read this settings file\n"
	    "  -h, --help         this text\n\n"
	    "DNS settings (--KEY VALUE; --nameserver is --dns-servers):\n",
	    CHECK_DAYS_DEFAULT);
	config_print_help(fp, CONFIG_GROUP_DNS);
	fputs("\nExit status: 0 every item passed, 1 some item warned, "
	      "failed or met DNS\ntrouble, 2 could not run (bad domain or "
	      "option, bad name server list,\nno database).\n",
	    fp);
}

/* A whole number from 1 to max, or -1. */
static int
count_arg(const char *s, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > max)
		return -1;
	return (int)v;
}

/* Asks the DNS and, unless no_db, the database; returns the exit status. */
static int
run(struct check *c, const struct cliopt *co, int no_db, int json)
{
	const struct config *cfg;
	struct orgdomain *od = NULL;
	struct resolver *r = NULL;
	struct db *db = NULL;
	struct err err;
	int status = EXIT_CANNOT_RUN, color;

	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	if (resolve_new(&r, config_str(cfg, CONFIG_DNS_SERVERS),
	        (int)config_int(cfg, CONFIG_DNS_TIMEOUT), CHECK_DNS_TRIES,
	        &err) < 0) {
		log_error("dns_servers (%s): %s",
		    config_origin(cfg, CONFIG_DNS_SERVERS), err.msg);
		return EXIT_CANNOT_RUN;
	}
	if (orgdomain_open(&od, NULL, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	if (orgdomain_builtin(od))
		log_warn("no Public Suffix List file found: using libpsl's "
		         "built-in list, which may be stale");
	if (!no_db) {
		dbconn_reading();
		if (dbconn_open(co->db, &db, &err) < 0 ||
		    check_gather(c, db, od, &err) < 0) {
			log_error("%s", err.msg);
			goto done;
		}
		db_close(db);
		db = NULL;
	}
	if (check_run(c, r, od, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	if (json) {
		check_json(stdout, c);
	} else {
		color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
		check_text(stdout, c, color);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("cannot write standard output");
		goto done;
	}
	status = dnscheck_worst(&c->findings) == DNSCHECK_PASS
	    ? EXIT_OK
	    : EXIT_SOME_FAILED;
done:
	db_close(db);
	orgdomain_free(od);
	resolve_free(r);
	return status;
}

int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"no-db", no_argument, NULL, OPT_NO_DB},
	    {"selector", required_argument, NULL, OPT_SELECTOR},
	    {"ip", required_argument, NULL, OPT_IP},
	    {"days", required_argument, NULL, OPT_DAYS},
	    {"until", required_argument, NULL, OPT_UNTIL},
	    {"help", no_argument, NULL, 'h'},
	    CLIOPT_DATABASE,
	    CLIOPT_DNS,
	    {NULL, 0, NULL, 0},
	};
	const char **sels = NULL, **ips = NULL;
	size_t nsel = 0, nip = 0;
	int json = 0, no_db = 0, days = CHECK_DAYS_DEFAULT, c, h;
	int64_t until = 0;
	int status = EXIT_CANNOT_RUN;
	struct check *chk = NULL;
	struct cliopt co;
	struct err err;

	cliopt_init(&co);
	sels = xcalloc((size_t)argc + 1, sizeof(*sels));
	ips = xcalloc((size_t)argc + 1, sizeof(*ips));
	optind = 1;
	while ((c = getopt_long(argc, argv, "hvq", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_NO_DB:
			no_db = 1;
			break;
		case OPT_SELECTOR:
			sels[nsel++] = optarg;
			break;
		case OPT_IP:
			ips[nip++] = optarg;
			break;
		case OPT_DAYS:
			if ((days = count_arg(optarg, CHECK_DAYS_MAX)) < 0) {
				log_error("--days: want a whole number from 1 "
				          "to %d, got '%s'",
				    CHECK_DAYS_MAX, optarg);
				goto done;
			}
			break;
		case OPT_UNTIL:
			if (analysis_parse_until(optarg, &until) < 0) {
				log_error(
				    "--until: want a date YYYY-MM-DD, got "
				    "'%s'",
				    optarg);
				goto done;
			}
			break;
		case 'h':
			help(stdout);
			status = EXIT_OK;
			goto done;
		default:
			if ((h = cliopt_handle(&co, c, optarg)) > 0)
				break;
			if (h == 0)
				cliopt_bad_option(c, argv, "hvq", opts, help);
			goto done;
		}
	}
	if (optind + 1 != argc) {
		if (optind == argc)
			log_error("check: name the domain to check");
		else
			log_error("check: one domain at a time");
		help(stderr);
		goto done;
	}
	if (check_new(&chk, argv[optind], days, &err) < 0) {
		log_error("check: %s", err.msg);
		goto done;
	}
	if (until > 0)
		chk->until = until;
	for (size_t i = 0; i < nsel; i++) {
		if (check_add_selector(chk, sels[i], &err) < 0) {
			log_error("--selector: %s", err.msg);
			goto done;
		}
	}
	for (size_t i = 0; i < nip; i++) {
		if (check_add_ip(chk, ips[i], &err) < 0) {
			log_error("--ip: %s", err.msg);
			goto done;
		}
	}
	status = run(chk, &co, no_db, json);
done:
	check_free(chk);
	free(sels);
	free(ips);
	return status;
}
