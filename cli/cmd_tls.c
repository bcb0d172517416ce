/*
 * dmarcsift tls: what the stored SMTP TLS reports (RFC 8460) say about a
 * domain's mail servers, from the senders' side.
 */
#include "commands.h"

#include "analysis_env.h"
#include "clock.h"
#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "text.h"
#include "tls.h"
#include "tls_render.h"

#include <stdio.h>
#include <stdlib.h>

static const char about[] =
    "What senders' SMTP TLS reports (RFC 8460, the rua= of _smtp._tls."
    "DOMAIN)\nsay about the domain's mail servers over the last N complete "
    "UTC days: the\nshare of sessions that succeeded by day, failed "
    "sessions by receiving MX,\nwhy they failed (certificate expired, host "
    "mismatch, not trusted, STARTTLS\nnot offered, MTA-STS policy not "
    "fetched or invalid, DANE and DNSSEC\nfailures) with the fix, and the "
    "reporters.  Each report counts once, on\nthe UTC day its range "
    "begins.  ingest stores TLS reports from mail and\nfiles as it stores "
    "aggregate reports.\n";

int
cmd_tls(int argc, char **argv)
{
	char domain[CLIOPT_DOMAIN_LEN] = "";
	int json = 0, days = 0;
	struct cliopt_period period = {30, "30d"};
	int64_t until = analysis_default_until(), since;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_DOMAIN(domain, "the policy domain (required)"),
	    CLIOPT_OPT_SINCE(&period,
	        "the last N complete UTC days (default 30d; also week, "
	        "month)"),
	    CLIOPT_OPT_DAYS(&days, 366, "the same as --since Nd"),
	    CLIOPT_OPT_UNTIL(&until,
	        "end the period before DATE (YYYY-MM-DD) instead of today"),
	    CLIOPT_OPT_JSON(&json),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage =
	        "usage: dmarcsift tls --domain DOMAIN [--since Nd | --days "
	        "N] [--until DATE]\n"
	        "                     [--json] [--db CONNINFO]\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE,
	    .footer = "Exit status: 0 no session failed in the period (or no "
	              "report), 1 some\nsessions failed, 2 could not run (no "
	              "TLS report about the domain at all).\n",
	    .no_operands = 1,
	};
	struct tls_summary *s = NULL;
	struct db *db = NULL;
	struct cliopt co;
	struct err err;
	char *known = NULL;
	int rc, status = EXIT_CANNOT_RUN;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (domain[0] == '\0') {
		log_error("tls: give the domain with --domain DOMAIN");
		cliopt_usage(&cmd);
		return EXIT_CANNOT_RUN;
	}
	if (days > 0)
		period.days = days;
	since = until - (int64_t)period.days * CLOCK_DAY;
	dbconn_reading();
	if (dbconn_open(co.db, &db, &err) < 0 ||
	    tls_compute(db, domain, since, until, &s, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	/* A domain nobody sent a TLS report about is a mistake to say (a
	 * misspelt --domain would read as "nothing failed"). */
	if (s->latest[0] == '\0') {
		if (tls_domains(db, &known, &err) < 0)
			log_error("%s", err.msg);
		else if (known[0] == '\0')
			log_error("tls: no TLS reports stored at all (ingest "
			          "stores those that reach the rua address of "
			          "_smtp._tls.%s)",
			    domain);
		else {
			/* Strangers' names: made printable. */
			char safe[1024];

			text_printable(known, safe, sizeof(safe));
			log_error("tls: no TLS reports about %s; there are "
			          "some about: %s",
			    domain, safe);
		}
		goto done;
	}
	if (json)
		tls_json(stdout, s);
	else
		tls_text(stdout, s, cliopt_color());
	if (fflush(stdout) != 0) {
		log_error("cannot write standard output");
		goto done;
	}
	status = s->failed > 0 ? EXIT_SOME_FAILED : EXIT_OK;
done:
	free(known);
	tls_summary_free(s);
	db_close(db);
	return status;
}
