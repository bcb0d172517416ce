#include "commands.h"

#include <stddef.h>

/* Every subcommand is registered here, and only here. */
const struct command commands[] = {
    {"alert", cmd_alert,
        "say what a person should act on, once: mail, webhook or text"},
    {"advise", cmd_advise,
        "is the domain ready for the next policy step, and which record"},
    {"check", cmd_check,
        "the DNS records a sending domain needs, against the reports"},
    {"config", cmd_config,
        "print the settings in effect and where each comes from"},
    {"db", cmd_db, "the database: migrate it, show its schema version"},
    {"ingest", cmd_ingest,
        "store reports from files, directories, Maildir, mbox or stdin"},
    {"login", cmd_login,
        "sign in to the mailbox's account (OAuth2 device flow) for ingest"},
    {"metrics", cmd_metrics,
        "the numbers for monitoring, in the Prometheus text format"},
    {"parse", cmd_parse,
        "read reports from files, mail or stdin and print them"},
    {"prune", cmd_prune,
        "drop reports and archived inputs older than the settings keep"},
    {"reparse", cmd_reparse,
        "parse stored inputs again from their archived bytes"},
    {"report", cmd_report,
        "the weekly summary: text, Markdown, HTML, JSON, CSV, or mailed"},
    {"serve", cmd_serve, "the dashboard: pages and JSON over HTTP, read-only"},
    {"sources", cmd_sources,
        "the sources that fail DMARC: who they are, why, and the fix"},
    {"summary", cmd_summary,
        "per domain: reports, messages, pass rate, top failing sources"},
    {"tls", cmd_tls,
        "SMTP TLS reports: sessions that failed, why, the fix, by MX"},
    {NULL, NULL, NULL},
};
