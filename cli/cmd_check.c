/*
 * dmarcsift check DOMAIN: the DNS records a sending domain needs, checked
 * against what receivers report.  The result is kept in the database for
 * serve (check_cache.h), which never asks the DNS itself.
 */
#include "commands.h"

#include "analysis_env.h"
#include "check.h"
#include "check_json.h"
#include "check_keep.h"
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CHECK_DAYS_DEFAULT in help text. */
#define STR_(x) #x
#define STR(x) STR_(x)

static const char about[] =
    "Checks the DNS records a sending domain needs, and compares them with "
    "what\nreceivers reported about it in the stored reports:\n"
    "  DMARC   one record at _dmarc.DOMAIN (or the organizational domain's), "
    "its\n"
    "          syntax, retired tags, authorisation of external rua/ruf "
    "addresses\n"
    "  SPF     one v=spf1 record, its syntax, DNS lookups (10) and void "
    "lookups (2)\n"
    "          counted through includes, +all, ?all, ptr; the networks it "
    "allows\n"
    "  DKIM    the key of every selector seen in the reports (and "
    "--selector): its\n"
    "          syntax, type, RSA size, revocation, t=y\n"
    "  MX      present, and every host has an address\n"
    "  DANE    the TLSA records at _25._tcp of each MX host: their fields "
    "(not\n"
    "          whether DNSSEC validates them)\n"
    "  MTA-STS the _mta-sts record, the policy fetched over HTTPS as "
    "senders do\n"
    "          (no redirect, text/plain, 64 KiB): mode, max_age, mx "
    "patterns\n"
    "          against the real MX hosts\n"
    "  TLS-RPT one v=TLSRPTv1 record at _smtp._tls.DOMAIN with mailto: or "
    "https:\n"
    "          rua= URIs\n"
    "  PTR     the sending addresses (whose mail passed DMARC in the "
    "reports, and\n"
    "          --ip): a PTR that resolves back, not a dynamic-looking "
    "name\n"
    "  reports the policy receivers saw against the one published; sources "
    "with\n"
    "          aligned DKIM that SPF does not allow; selectors that fail "
    "DKIM\n\n"
    "Each item is pass, warn, fail, or dnserror when the DNS did not "
    "answer\n(timeout, SERVFAIL): that is never taken for a missing "
    "record.\n";

/* --selector and --ip, repeatable: kept in order in a list of argc. */
struct names {
	const char **v;
	size_t n;
};

static int
add_name(void *out, const char *value)
{
	struct names *l = out;

	l->v[l->n++] = value;
	return 0;
}

/* Asks the DNS and, unless no_db, the database, where it keeps what it
 * found; returns the exit status. */
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
	if (analysis_resolver(&r, cfg, &err) < 0) {
		log_error("dns_servers (%s): %s",
		    config_origin(cfg, CONFIG_DNS_SERVERS), err.msg);
		return EXIT_CANNOT_RUN;
	}
	if ((od = analysis_psl_open()) == NULL)
		goto done;
	if (!no_db) {
		dbconn_reading();
		if (dbconn_open(co->db, &db, &err) < 0) {
			log_error("%s", err.msg);
			goto done;
		}
		/* check_gather() reads the stored verdicts: current ones. */
		if (dbconn_judge_new(db) < 0)
			goto done;
		if (check_gather(c, db, od, &err) < 0) {
			log_error("%s", err.msg);
			goto done;
		}
	}
	c->sts_opts.cafile = config_str(cfg, CONFIG_STS_CAFILE);
	c->sts_opts.port = (int)config_int(cfg, CONFIG_STS_PORT);
	if (check_run(c, r, od, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	if (json) {
		check_json(stdout, c);
	} else {
		color = cliopt_color();
		check_text(stdout, c, color);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("cannot write standard output");
		goto done;
	}
	/* A check the DNS budget cut short is not what serve should show. */
	if (db != NULL && !analysis_dns_spent())
		(void)check_keep(db, c);
	status = dnscheck_worst(&c->findings) == DNSCHECK_PASS
	    ? EXIT_OK
	    : EXIT_SOME_FAILED;
done:
	analysis_dns_say();
	db_close(db);
	orgdomain_free(od);
	resolve_free(r);
	return status;
}

int
cmd_check(int argc, char **argv)
{
	struct names sels = {NULL, 0}, ips = {NULL, 0};
	int json = 0, no_db = 0, days = CHECK_DAYS_DEFAULT;
	int64_t until = 0;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_JSON(&json),
	    CLIOPT_OPT_FLAG("no-db", &no_db,
	        "DNS only: no reports, selectors from --selector only, "
	        "nothing kept for serve"),
	    CLIOPT_OPT_CALL("selector", "NAME", &sels, add_name,
	        "a DKIM selector to check too (repeatable)"),
	    CLIOPT_OPT_CALL("ip", "ADDR", &ips, add_name,
	        "a sending address whose PTR to check (repeatable)"),
	    CLIOPT_OPT_DAYS(&days, CHECK_DAYS_MAX,
	        "the reports of the last N days (default " STR(
	            CHECK_DAYS_DEFAULT) ")"),
	    CLIOPT_OPT_UNTIL(&until,
	        "end those days before DATE (YYYY-MM-DD); default: now"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift check [--json] [--no-db] [--selector "
	             "NAME]... [--ip ADDR]...\n"
	             "                       [--days N] [--until DATE] [--db "
	             "CONNINFO] [--dns-servers LIST] DOMAIN\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_DATABASE | CLIOPT_G_DNS,
	    .settings_title = "DNS settings (--KEY VALUE; --nameserver is "
	                      "--dns-servers):",
	    .footer = "Exit status: 0 every item passed, 1 some item warned, "
	              "failed or met DNS\ntrouble, 2 could not run (bad "
	              "domain or option, bad name server list,\nno "
	              "database).\n",
	};
	int status = EXIT_CANNOT_RUN, rc;
	struct check *chk = NULL;
	struct cliopt co;
	struct err err;

	cliopt_init(&co);
	sels.v = xcalloc((size_t)argc + 1, sizeof(*sels.v));
	ips.v = xcalloc((size_t)argc + 1, sizeof(*ips.v));
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO) {
		status = rc;
		goto done;
	}
	if (co.argi + 1 != argc) {
		if (co.argi == argc)
			log_error("check: name the domain to check");
		else
			log_error("check: one domain at a time");
		cliopt_usage(&cmd);
		goto done;
	}
	/* check_new() checks the name as --domain is checked elsewhere. */
	if (check_new(&chk, argv[co.argi], days, &err) < 0) {
		log_error("check: %s", err.msg);
		goto done;
	}
	if (until > 0)
		chk->until = until;
	for (size_t i = 0; i < sels.n; i++) {
		if (check_add_selector(chk, sels.v[i], &err) < 0) {
			log_error("--selector: %s", err.msg);
			goto done;
		}
	}
	for (size_t i = 0; i < ips.n; i++) {
		if (check_add_ip(chk, ips.v[i], &err) < 0) {
			log_error("--ip: %s", err.msg);
			goto done;
		}
	}
	status = run(chk, &co, no_db, json);
done:
	check_free(chk);
	free(sels.v);
	free(ips.v);
	return status;
}
