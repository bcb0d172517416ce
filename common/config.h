/*
 * config: the settings, from a `key = value` file, the environment and the
 * command line.
 *
 * One table, CONFIG_SETTINGS below, describes every setting, the input
 * limits among them: its name in the file, its command-line flag, the group
 * of commands that use it, its type, default, range or allowed words, the
 * environment variable that sets it, and a line of help.  It is the only place
 * to add a setting: the key enum, the parser, the flags (cli/cliopt.h), the
 * help and `dmarcsift config` all come from it.
 *
 * Precedence, highest first: a command-line flag; the environment (the
 * table's env column: DMARCSIFT_DB, for db); the per-user file; the system
 * file; the default.  Each value remembers where it came from ("default",
 * "FILE:LINE", "--flag", "--limit NAME", "DMARCSIFT_DB").
 *
 * Several mailboxes: a file may end with sections, each "[mailbox NAME]"
 * (NAME: letters, digits, '.', '_', '-', at most CONFIG_MAILBOX_NAME_MAX)
 * followed by imap_* lines for that mailbox alone; the lines above the
 * first section are shared by every mailbox.  A section's lines win over
 * the lines outside sections (in either file), flags win over both; a
 * section named in both files takes the lines of both, the per-user
 * file's last.  The setting mailbox (--mailbox NAME) picks one section:
 * config_load() then puts its lines into the config itself, so every
 * command sees that mailbox's settings.  config_for_mailbox() gives the
 * settings of each section in turn.
 *
 * Secrets (the IMAP password, an OAuth2 token) are never values here: the
 * settings name a file, an environment variable or a command that yields
 * them, and config_imap_password() / config_imap_oauth2_token() fetch them
 * when they are needed.  A db conninfo may carry a password; config_mask()
 * hides it for display.
 */
#ifndef DMARCSIFT_CONFIG_H
#define DMARCSIFT_CONFIG_H

#include <stdio.h>

struct err;

/* The multipliers of k, M and G in a SIZE value. */
#define CONFIG_KiB 1024LL
#define CONFIG_MiB (1024LL * 1024)
#define CONFIG_GiB (1024LL * 1024 * 1024)

/*
 * S(ID, "key", "flag", GROUP, TYPE, "default", min, max, words, mask, env,
 *     help)
 *
 * TYPE is STRING, PATH, ENVVAR (a variable's name), COMMAND (for /bin/sh -c),
 * URL (words: the allowed schemes), INT (min..max), COUNT (min..max, a
 * whole number that may end in k, M or G: times 1024, 1024 * 1024 or
 * 1024 * 1024 * 1024), SIZE (a COUNT of bytes, its range shown with k, M
 * and G), BOOL (yes/no, true/false, on/off, 1/0) or ENUM (words: the allowed
 * values, first is 0).  An empty string value means "not set".  mask is 1
 * when the value may hold a password to hide in `dmarcsift config`.  The
 * flag is the key with '-' for '_'.  env is the environment variable that
 * sets it (between the files and the flags), or NULL.  Every setting may be
 * set in the config file and by its flag.
 *
 * IMAP folder names use '/' between levels whatever the server's separator.
 *
 * The readiness thresholds (ready_*) and legit_share have their defaults
 * here and nowhere else in C: readiness_thresholds_default() reads them.
 * The SQL functions of sql/005_analysis.sql and sql/007_readiness.sql give
 * their parameters defaults too (p_days 14, p_legit_share 0.10) for use by
 * hand in psql; dmarcsift always passes every value from here.
 *
 * The input limits (input_bytes to warnings, COUNT and SIZE) are read into
 * a struct limits by limits_from_config() (input_limits.h); --limit
 * NAME=VALUE sets them too, as their flags do.  Their defaults are generous
 * for real reports (the largest seen from big receivers are a few MB
 * compressed and some hundred MB of XML), tight enough that a bomb is
 * refused after a few MB of work.
 */
/* clang-format off */
#define CONFIG_SETTINGS(S)                                                     \
	S(DB, "db", "db", DB, STRING, "", 0, 0, NULL, 1, "DMARCSIFT_DB",       \
	    "a libpq conninfo or postgresql:// URL; empty: dmarcsift's own "   \
	    "cluster")                                                         \
	S(MAILBOX, "mailbox", "mailbox", IMAP, STRING, "", 0, 0, NULL, 0,     \
	    NULL,                                                              \
	    "the [mailbox NAME] section that ingest --imap, login and "        \
	    "config use alone; empty: ingest --imap reads every section")      \
	S(IMAP_URL, "imap_url", "imap-url", IMAP, URL, "", 0, 0,               \
	    "imaps|imap", 1, NULL,                                             \
	    "imaps://host[:port] (TLS), or imap://host[:port] (STARTTLS)")     \
	S(IMAP_USER, "imap_user", "imap-user", IMAP, STRING, "", 0, 0, NULL,   \
	    0, NULL, "login name")                                             \
	S(IMAP_PASSWORD_FILE, "imap_password_file", "imap-password-file",      \
	    IMAP, PATH, "", 0, 0, NULL, 0, NULL,                               \
	    "file whose first line is the password")                           \
	S(IMAP_PASSWORD_ENV, "imap_password_env", "imap-password-env", IMAP,   \
	    ENVVAR, "", 0, 0, NULL, 0, NULL,                                   \
	    "environment variable that holds the password")                    \
	S(IMAP_OAUTH2_TOKEN_FILE, "imap_oauth2_token_file",                    \
	    "imap-oauth2-token-file", IMAP, PATH, "", 0, 0, NULL, 0, NULL,     \
	    "file whose first line is an OAuth2 bearer token (XOAUTH2)")       \
	S(IMAP_OAUTH2_TOKEN_COMMAND, "imap_oauth2_token_command",              \
	    "imap-oauth2-token-command", IMAP, COMMAND, "", 0, 0, NULL, 0,     \
	    NULL, "shell command that prints an OAuth2 bearer token")          \
	S(IMAP_OAUTH2_GRANT, "imap_oauth2_grant", "imap-oauth2-grant", IMAP,   \
	    ENUM, "none", 0, 0,                                                \
	    "none|client_credentials|refresh_token|jwt_bearer", 0, NULL,       \
	    "how dmarcsift gets OAuth2 tokens itself: client_credentials "     \
	    "(Microsoft 365 app-only), refresh_token (after dmarcsift "        \
	    "login), jwt_bearer (Google service account); none: a token "      \
	    "file or command, or a password")                                  \
	S(IMAP_OAUTH2_PROVIDER, "imap_oauth2_provider",                        \
	    "imap-oauth2-provider", IMAP, ENUM, "none", 0, 0,                  \
	    "none|microsoft|google", 0, NULL,                                  \
	    "fills in the endpoints and scope of microsoft (with "             \
	    "imap_oauth2_tenant) or google; none: give them")                  \
	S(IMAP_OAUTH2_TENANT, "imap_oauth2_tenant", "imap-oauth2-tenant",      \
	    IMAP, STRING, "", 0, 0, NULL, 0, NULL,                             \
	    "Microsoft Entra tenant (its ID or domain) for the microsoft "      \
	    "endpoints")                                                       \
	S(IMAP_OAUTH2_TOKEN_URL, "imap_oauth2_token_url",                      \
	    "imap-oauth2-token-url", IMAP, STRING, "", 0, 0, NULL, 0, NULL,    \
	    "token endpoint (https://); empty: the provider's")                \
	S(IMAP_OAUTH2_DEVICE_URL, "imap_oauth2_device_url",                    \
	    "imap-oauth2-device-url", IMAP, STRING, "", 0, 0, NULL, 0, NULL,   \
	    "device authorization endpoint for dmarcsift login; empty: the "   \
	    "provider's")                                                      \
	S(IMAP_OAUTH2_CLIENT_ID, "imap_oauth2_client_id",                      \
	    "imap-oauth2-client-id", IMAP, STRING, "", 0, 0, NULL, 0, NULL,    \
	    "application (client) ID; for jwt_bearer with a PEM key, the "     \
	    "service account's e-mail address")                                \
	S(IMAP_OAUTH2_CLIENT_SECRET_FILE, "imap_oauth2_client_secret_file",    \
	    "imap-oauth2-client-secret-file", IMAP, PATH, "", 0, 0, NULL, 0,   \
	    NULL, "file whose first line is the client secret")                \
	S(IMAP_OAUTH2_CLIENT_SECRET_ENV, "imap_oauth2_client_secret_env",      \
	    "imap-oauth2-client-secret-env", IMAP, ENVVAR, "", 0, 0, NULL, 0,  \
	    NULL, "environment variable that holds the client secret")         \
	S(IMAP_OAUTH2_KEY_FILE, "imap_oauth2_key_file",                        \
	    "imap-oauth2-key-file", IMAP, PATH, "", 0, 0, NULL, 0, NULL,       \
	    "jwt_bearer: the service account's JSON key file, or its RSA "     \
	    "private key (PEM)")                                               \
	S(IMAP_OAUTH2_SCOPE, "imap_oauth2_scope", "imap-oauth2-scope", IMAP,   \
	    STRING, "", 0, 0, NULL, 0, NULL,                                   \
	    "scopes asked for, blank-separated; empty: the provider's for "    \
	    "the grant")                                                       \
	S(IMAP_OAUTH2_CACHE, "imap_oauth2_cache", "imap-oauth2-cache", IMAP,   \
	    PATH, "", 0, 0, NULL, 0, NULL,                                     \
	    "token cache (mode 0600); empty: oauth2-token.cache in the "       \
	    "state directory")                                                 \
	S(IMAP_OAUTH2_REFRESH_MARGIN, "imap_oauth2_refresh_margin",            \
	    "imap-oauth2-refresh-margin", IMAP, INT, "300", 0, 3000, NULL, 0,  \
	    NULL, "seconds before its expiry that a token is replaced")        \
	S(IMAP_MAILBOX, "imap_mailbox", "imap-mailbox", IMAP, STRING,          \
	    "INBOX", 0, 0, NULL, 0, NULL, "folder to read reports from")       \
	S(IMAP_PROCESSED, "imap_processed", "imap-processed", IMAP, STRING,    \
	    "DMARC/Processed", 0, 0, NULL, 0, NULL,                            \
	    "folder for mail whose reports were stored")                       \
	S(IMAP_ERRORS, "imap_errors", "imap-errors", IMAP, STRING,             \
	    "DMARC/Errors", 0, 0, NULL, 0, NULL,                               \
	    "folder for mail that could not be read")                          \
	S(IMAP_OTHER, "imap_other", "imap-other", IMAP, STRING, "", 0, 0,      \
	    NULL, 0, NULL,                                                     \
	    "folder for failure and TLS reports; empty: as imap_processed")    \
	S(IMAP_AFTER, "imap_after", "imap-after", IMAP, ENUM, "move", 0, 0,    \
	    "move|seen|delete", 0, NULL,                                       \
	    "what to do with a mail once its reports are stored")              \
	S(IMAP_BATCH, "imap_batch", "imap-batch", IMAP, INT, "200", 1, 10000,  \
	    NULL, 0, NULL, "mails fetched and stored per batch")               \
	S(IMAP_IDLE_INTERVAL, "imap_idle_interval", "imap-idle-interval",      \
	    IMAP, INT, "1500", 1, 1740, NULL, 0, NULL,                         \
	    "ingest --watch: seconds one IMAP IDLE lasts before it is "        \
	    "issued again (servers may end one after 30 minutes)")             \
	S(IMAP_POLL_INTERVAL, "imap_poll_interval", "imap-poll-interval",      \
	    IMAP, INT, "60", 1, 86400, NULL, 0, NULL,                          \
	    "ingest --watch: seconds between looks at a mailbox whose "        \
	    "server has no IDLE")                                              \
	S(IMAP_CONNECT_TIMEOUT, "imap_connect_timeout",                        \
	    "imap-connect-timeout", IMAP, INT, "30", 1, 3600, NULL, 0, NULL,   \
	    "seconds to connect and log in")                                   \
	S(IMAP_TIMEOUT, "imap_timeout", "imap-timeout", IMAP, INT, "300", 1,   \
	    86400, NULL, 0, NULL, "seconds without progress before giving up") \
	S(IMAP_CAFILE, "imap_cafile", "imap-cafile", IMAP, PATH, "", 0, 0,     \
	    NULL, 0, NULL,                                                     \
	    "CA certificates (PEM) to trust; empty: the system's")             \
	S(IMAP_TLS_VERIFY, "imap_tls_verify", "imap-tls-verify", IMAP, BOOL,   \
	    "yes", 0, 0, NULL, 0, NULL,                                        \
	    "check the server's certificate and name; 'no' only for test "     \
	    "setups")                                                          \
	S(IMAP_ALLOW_PLAIN, "imap_allow_plain", "imap-allow-plain", IMAP,      \
	    BOOL, "no", 0, 0, NULL, 0, NULL,                                   \
	    "imap:// goes on without STARTTLS; only for test setups")          \
	S(AUTHSERV_ID, "authserv_id", "authserv-id", IMAP, STRING, "", 0, 0,   \
	    NULL, 0, NULL,                                                     \
	    "your mail server's name in the Authentication-Results it adds "   \
	    "(comma-separated): report mail it saw pass DKIM or DMARC for "    \
	    "the reporter counts as genuine")                                  \
	S(DNS_SERVERS, "dns_servers", "dns-servers", DNS, STRING, "", 0, 0,    \
	    NULL, 0, NULL,                                                     \
	    "name servers, HOST[:PORT][,...] (at most 8); empty: the "         \
	    "system's")                                                        \
	S(DNS_TIMEOUT, "dns_timeout", "dns-timeout", DNS, INT, "3000", 10,     \
	    60000, NULL, 0, NULL,                                              \
	    "milliseconds to wait for an answer (a retry waits twice as "      \
	    "long)")                                                           \
	S(STS_CAFILE, "sts_cafile", "sts-cafile", DNS, PATH, "", 0, 0, NULL,   \
	    0, NULL,                                                           \
	    "CA certificates (PEM) to trust for MTA-STS policies (check, "     \
	    "report); empty: the system's.  For test setups only: when set, " \
	    "policy servers on private and local addresses are used too")     \
	S(STS_PORT, "sts_port", "sts-port", DNS, INT, "443", 1, 65535, NULL,   \
	    0, NULL,                                                           \
	    "port of the MTA-STS policy servers (check, report); another "     \
	    "than 443 only for test setups, which may then be on private "     \
	    "and local addresses")                                             \
	S(OFFLINE, "offline", "offline", DNS, BOOL, "no", 0, 0, NULL, 0,       \
	    NULL, "no DNS lookups: names come from the cache only")            \
	S(SERVICES_FILE, "services_file", "services-file", ANALYSIS, PATH,     \
	    "", 0, 0, NULL, 0, NULL,                                           \
	    "your own sending services, added to the built-in list (kind "     \
	    "TAB domain TAB service a line)")                                  \
	S(TRUSTED_SOURCES, "trusted_sources", "trusted-sources", ANALYSIS,     \
	    STRING, "", 0, 0, NULL, 0, NULL,                                   \
	    "IPs, networks and service names that send for you, "              \
	    "comma-separated: always legitimate")                              \
	S(DOMAINS, "domains", "domains", ANALYSIS, STRING, "", 0, 0, NULL, 0,  \
	    NULL,                                                              \
	    "your domains, comma-separated: the ones report covers, checks "   \
	    "over DNS and mails; empty: those with reports from 2 or more "    \
	    "reporters and of 100 or more messages, at most 20 "               \
	    "(owned_domains())")                                               \
	S(DNS_BUDGET, "dns_budget", "dns-budget", DNS, INT, "60", 1, 3600,     \
	    NULL, 0, NULL,                                                     \
	    "seconds one command may wait on DNS in all, every lookup "        \
	    "together; the lookups left then are not made")                    \
	S(IGNORED_SOURCES, "ignored_sources", "ignored-sources", ANALYSIS,     \
	    STRING, "", 0, 0, NULL, 0, NULL,                                   \
	    "IPs, networks and service names that are not yours, "             \
	    "comma-separated: they never block a step")                        \
	S(LEGIT_SHARE, "legit_share", "legit-share", ANALYSIS, INT, "10", 1,   \
	    100, NULL, 0, NULL,                                                \
	    "percent of a source's mail that must pass aligned for the "       \
	    "source to count as legitimate")                                   \
	S(READY_DAYS, "ready_days", "ready-days", ANALYSIS, INT, "14", 1,      \
	    366, NULL, 0, NULL,                                                \
	    "days of reports judged, and needed, before a step")               \
	S(READY_PASS_RATE, "ready_pass_rate", "ready-pass-rate", ANALYSIS,     \
	    INT, "98", 50, 100, NULL, 0, NULL,                                 \
	    "percent of the mail that may be yours that must pass DMARC "      \
	    "before a step")                                                   \
	S(READY_SOURCE_SHARE, "ready_source_share", "ready-source-share",      \
	    ANALYSIS, INT, "1", 0, 100, NULL, 0, NULL,                         \
	    "percent of the mail that may be yours (not spoofing, not "        \
	    "forwarded) that one sender's failing mail may reach and still "   \
	    "allow a step")                                                    \
	S(READY_STABLE_DAYS, "ready_stable_days", "ready-stable-days",         \
	    ANALYSIS, INT, "7", 0, 366, NULL, 0, NULL,                         \
	    "days a policy must have been in force before the next step")      \
	S(SMTP_URL, "smtp_url", "smtp-url", SMTP, URL, "", 0, 0,               \
	    "smtps|smtp", 1, NULL,                                             \
	    "smtps://host[:port] (TLS), or smtp://host[:port] (STARTTLS)")     \
	S(SMTP_USER, "smtp_user", "smtp-user", SMTP, STRING, "", 0, 0, NULL,   \
	    0, NULL, "login name; empty: send without logging in")             \
	S(SMTP_PASSWORD_FILE, "smtp_password_file", "smtp-password-file",      \
	    SMTP, PATH, "", 0, 0, NULL, 0, NULL,                               \
	    "file whose first line is the password")                           \
	S(SMTP_PASSWORD_ENV, "smtp_password_env", "smtp-password-env", SMTP,   \
	    ENVVAR, "", 0, 0, NULL, 0, NULL,                                   \
	    "environment variable that holds the password")                    \
	S(SMTP_FROM, "smtp_from", "smtp-from", SMTP, STRING, "", 0, 0, NULL,   \
	    0, NULL,                                                           \
	    "sender address of report mail; empty: dmarcsift@ the host")       \
	S(MAIL_TO, "mail_to", "mail-to", SMTP, STRING, "", 0, 0, NULL, 0,      \
	    NULL, "where report --mail sends, comma-separated addresses")      \
	S(SMTP_CAFILE, "smtp_cafile", "smtp-cafile", SMTP, PATH, "", 0, 0,     \
	    NULL, 0, NULL,                                                     \
	    "CA certificates (PEM) to trust; empty: the system's")             \
	S(SMTP_TLS_VERIFY, "smtp_tls_verify", "smtp-tls-verify", SMTP, BOOL,   \
	    "yes", 0, 0, NULL, 0, NULL,                                        \
	    "check the server's certificate and name; 'no' only for test "     \
	    "setups")                                                          \
	S(SMTP_ALLOW_PLAIN, "smtp_allow_plain", "smtp-allow-plain", SMTP,      \
	    BOOL, "no", 0, 0, NULL, 0, NULL,                                   \
	    "smtp:// goes on without STARTTLS; only for test setups")          \
	S(SMTP_TIMEOUT, "smtp_timeout", "smtp-timeout", SMTP, INT, "60", 1,    \
	    3600, NULL, 0, NULL, "seconds to send a mail before giving up")    \
	S(KEEP_REPORTS, "keep_reports", "keep-reports", RETENTION, INT, "0",   \
	    0, 36500, NULL, 0, NULL,                                           \
	    "days of reports that prune keeps (their records and rollup, "     \
	    "dropped a month at a time); 0: every report")                     \
	S(KEEP_INPUTS, "keep_inputs", "keep-inputs", RETENTION, INT, "0", 0,   \
	    36500, NULL, 0, NULL,                                              \
	    "days of raw inputs (the archived mail and files) that prune "     \
	    "keeps; 0: every input")                                           \
	S(ALERT_NEW_SOURCE_SHARE, "alert_new_source_share",                    \
	    "alert-new-source-share", ALERTS, INT, "5", 1, 100, NULL, 0, NULL, \
	    "percent of a day's mail from a new source that alert says")       \
	S(ALERT_PASS_DROP, "alert_pass_drop", "alert-pass-drop", ALERTS, INT,  \
	    "20", 1, 100, NULL, 0, NULL,                                       \
	    "points a domain's pass rate on a day may fall below the 7 days "  \
	    "before it before alert says it")                                  \
	S(ALERT_DROP_BEFORE, "alert_drop_before", "alert-drop-before",         \
	    ALERTS, INT, "90", 1, 100, NULL, 0, NULL,                          \
	    "percent a legitimate sender passed over 7 days, at least, for "   \
	    "its drop to count")                                               \
	S(ALERT_DROP_AFTER, "alert_drop_after", "alert-drop-after", ALERTS,    \
	    INT, "50", 0, 99, NULL, 0, NULL,                                   \
	    "percent it passes on the day judged, at most, that alert calls "  \
	    "a drop")                                                          \
	S(ALERT_MIN_MESSAGES, "alert_min_messages", "alert-min-messages",      \
	    ALERTS, INT, "20", 1, 1000000000, NULL, 0, NULL,                   \
	    "fewer messages than this on either side are not compared")        \
	S(ALERT_FOREIGN_MESSAGES, "alert_foreign_messages",                    \
	    "alert-foreign-messages", ALERTS, INT, "1000", 1, 1000000000,      \
	    NULL, 0, NULL,                                                     \
	    "messages of a domain not yours in the last 18 days that alert "   \
	    "says")                                                            \
	S(ALERT_WEBHOOK_URL, "alert_webhook_url", "alert-webhook-url", ALERTS, \
	    STRING, "", 0, 0, NULL, CONFIG_MASK_PATH, NULL,                    \
	    "where alert POSTs its JSON ({\"text\": ...}: Slack, Mattermost, "  \
	    "Teams); a secret: alert shows its host only")                      \
	S(FAILURE_KEEP, "failure_keep", "failure-keep", DB, ENUM, "minimal", \
	    0, 0, "minimal|none", 0, NULL,                                     \
	    "what ingest keeps of a failure report (personal data): minimal, " \
	    "the fields that name the failure and of the original mail its "   \
	    "header names, From, Subject, Message-ID and Date; none, a count") \
	S(SERVE_AUTH_HEADER, "serve_auth_header", "serve-auth-header", SERVE, \
	    STRING, "", 0, 0, NULL, 0, NULL,                                   \
	    "for serve: the request header in which a reverse proxy names "    \
	    "the user it logged in (X-Remote-User), taken from "               \
	    "serve_trusted_proxies only; empty: none")                         \
	S(SERVE_TRUSTED_PROXIES, "serve_trusted_proxies",                      \
	    "serve-trusted-proxies", SERVE, STRING, "", 0, 0, NULL, 0, NULL,   \
	    "for serve: the reverse proxies' addresses and networks "          \
	    "(ADDRESS/BITS), comma-separated, whose user header and client "   \
	    "address serve believes; empty: none")                             \
	S(SERVE_HOSTS, "serve_hosts", "serve-hosts", SERVE, STRING, "", 0, 0,  \
	    NULL, 0, NULL,                                                     \
	    "for serve: the names it is reached by through a reverse proxy "   \
	    "that passes on Host (NAME or NAME:PORT, comma-separated: "        \
	    "dmarc.example.com), answered as the loopback's are; empty: the "  \
	    "loopback's only")                                                 \
	S(SERVE_FORWARDED, "serve_forwarded", "serve-forwarded", SERVE, ENUM,  \
	    "x-forwarded-for", 0, 0, "x-forwarded-for|forwarded", 0, NULL,     \
	    "for serve: the header in which the trusted proxies give the "     \
	    "client's address (the one the proxy sets, never both)")           \
	S(SERVE_TLS_CERT, "serve_tls_cert", "serve-tls-cert", SERVE, PATH, "", \
	    0, 0, NULL, 0, NULL,                                               \
	    "for serve: speak HTTPS with this certificate chain (PEM); with "  \
	    "serve_tls_key")                                                   \
	S(SERVE_TLS_KEY, "serve_tls_key", "serve-tls-key", SERVE, PATH, "", 0, \
	    0, NULL, 0, NULL,                                                  \
	    "for serve: the certificate's private key (PEM, mode 0600)")       \
	S(INPUT_BYTES, "input_bytes", "input-bytes", DB, SIZE, "128M",         \
	    1 * CONFIG_KiB, 64 * CONFIG_GiB, NULL, 0, NULL,                    \
	    "size of one input (file or mail) as received")                    \
	S(DECOMPRESSED_BYTES, "decompressed_bytes", "decompressed-bytes", DB,  \
	    SIZE, "1G", 1 * CONFIG_KiB, 1024 * CONFIG_GiB, NULL, 0, NULL,      \
	    "bytes inflated from one input, all layers together")              \
	S(RATIO, "ratio", "ratio", DB, COUNT, "200", 2, 100000, NULL, 0, NULL, \
	    "compression ratio allowed for one gzip stream or zip member")     \
	S(RATIO_AFTER, "ratio_after", "ratio-after", DB, SIZE, "8M", 0,        \
	    1024 * CONFIG_GiB, NULL, 0, NULL,                                  \
	    "output size from which the ratio is enforced")                    \
	S(ZIP_MEMBERS, "zip_members", "zip-members", DB, COUNT, "64", 1,       \
	    100000, NULL, 0, NULL, "entries in one zip archive")               \
	S(LAYERS, "layers", "layers", DB, COUNT, "6", 1, 32, NULL, 0, NULL,    \
	    "nested containers (mail, zip, gzip) around one report")           \
	S(XML_DEPTH, "xml_depth", "xml-depth", DB, COUNT, "32", 4, 200, NULL,  \
	    0, NULL, "element nesting in a report")                            \
	S(XML_ATTRIBUTES, "xml_attributes", "xml-attributes", DB, COUNT, "16", \
	    1, 10000, NULL, 0, NULL,                                           \
	    "attributes on one element, xmlns declarations included")          \
	S(XML_MARKUP_BYTES, "xml_markup_bytes", "xml-markup-bytes", DB, SIZE,  \
	    "64k", 1 * CONFIG_KiB, 8 * CONFIG_MiB, NULL, 0, NULL,              \
	    "one start tag, comment, processing instruction or CDATA section") \
	S(CPU_MS, "cpu_ms", "cpu-ms", DB, COUNT, "60000", 1, 86400000, NULL,   \
	    0, NULL, "CPU milliseconds spent reading one report")              \
	S(RECORDS, "records", "records", DB, COUNT, "5000000", 1, 1000000000,  \
	    NULL, 0, NULL, "records in one report")                            \
	S(AUTH_RESULTS, "auth_results", "auth-results", DB, COUNT, "100", 1,   \
	    100000, NULL, 0, NULL,                                             \
	    "DKIM results, SPF results or reasons in one record")              \
	S(STRING_BYTES, "string_bytes", "string-bytes", DB, SIZE, "16k", 64,   \
	    64 * CONFIG_MiB, NULL, 0, NULL, "length of one text value")        \
	S(WARNINGS, "warnings", "warnings", DB, COUNT, "50", 1, 100000, NULL,  \
	    0, NULL, "warnings kept per report (the rest are counted)")
/* clang-format on */

#define CONFIG_KEY_(id, ...) CONFIG_##id,
enum config_key { CONFIG_SETTINGS(CONFIG_KEY_) CONFIG_NKEYS };
#undef CONFIG_KEY_

/* The commands that use a setting: a command takes the flags of its groups. */
enum config_group {
	CONFIG_GROUP_DB = 1,
	CONFIG_GROUP_IMAP = 2,
	CONFIG_GROUP_DNS = 4,
	CONFIG_GROUP_ANALYSIS = 8,
	CONFIG_GROUP_SMTP = 16,
	CONFIG_GROUP_RETENTION = 32,
	CONFIG_GROUP_ALERTS = 64,
	CONFIG_GROUP_SERVE = 128,
};

enum config_type {
	CONFIG_STRING,
	CONFIG_PATH,
	CONFIG_ENVVAR,
	CONFIG_COMMAND,
	CONFIG_URL,
	CONFIG_INT,
	CONFIG_BOOL,
	CONFIG_ENUM,
	CONFIG_COUNT,
	CONFIG_SIZE,
};

/* The words of imap_oauth2_grant and imap_oauth2_provider, in order. */
enum config_grant {
	CONFIG_GRANT_NONE,
	CONFIG_GRANT_CLIENT_CREDENTIALS,
	CONFIG_GRANT_REFRESH_TOKEN,
	CONFIG_GRANT_JWT_BEARER,
};
enum config_provider {
	CONFIG_PROVIDER_NONE,
	CONFIG_PROVIDER_MICROSOFT,
	CONFIG_PROVIDER_GOOGLE,
};

/* The words of imap_after, in their order in the table. */
enum config_after {
	CONFIG_AFTER_MOVE,
	CONFIG_AFTER_SEEN,
	CONFIG_AFTER_DELETE,
};

/* config_setting.mask */
#define CONFIG_MASK_PASSWORD 1
#define CONFIG_MASK_PATH 2

struct config_setting {
	const char *name; /* in the file: imap_url */
	const char *flag; /* on the command line, without "--": imap-url */
	enum config_group group;
	enum config_type type;
	const char *dflt;
	long long min, max; /* CONFIG_INT, CONFIG_COUNT, CONFIG_SIZE */
	const char *words; /* CONFIG_ENUM, CONFIG_URL: "a|b|c" */
	/* For display: 0 shown, CONFIG_MASK_PASSWORD its password hidden
	 * (config_mask()), CONFIG_MASK_PATH all but scheme and host hidden
	 * (config_mask_host(): a webhook's path is its secret). */
	int mask;
	const char *env; /* the environment variable that sets it, or NULL */
	const char *help;
};

/* The table, indexed by enum config_key. */
extern const struct config_setting config_settings[CONFIG_NKEYS];

/* Where a value comes from; a value replaces one of the same or a lower
 * level. */
enum config_level {
	CONFIG_FROM_DEFAULT,
	CONFIG_FROM_SYSTEM, /* the system-wide file */
	CONFIG_FROM_USER, /* the per-user file, or --config FILE */
	CONFIG_FROM_ENV,
	CONFIG_FROM_FLAG,
};

/* Longest line in a config file, and the largest file. */
#define CONFIG_LINE_MAX 4096
#define CONFIG_FILE_MAX (1024 * 1024)
/* Largest secret file and token command output. */
#define CONFIG_SECRET_MAX 4096

struct config;

/* Every setting at its default.  Free with config_free(). */
struct config *config_new(void);
void config_free(struct config *cfg);

/* The key called name, or -1. */
int config_key(const char *name);

/*
 * Checks value for key and makes it the key's value when level is at least
 * that of the current value; origin says where it came from ("--imap-url").
 * An empty value unsets a string and is refused for INT, BOOL and ENUM.
 * Errors (ERR_USAGE) name the key, never a value that may hold a secret.
 */
int config_set(struct config *cfg, enum config_key key, const char *value,
    enum config_level level, const char *origin, struct err *err);

/*
 * Reads one config file at level.  A missing file is fine (0) unless
 * must_exist.  It stops at the first bad line (ERR_USAGE, "FILE:LINE: ..."),
 * with the lines before it applied; an unreadable file is ERR_IO, one over
 * CONFIG_FILE_MAX ERR_LIMIT.  A file others may write is used with a warning.
 */
int config_read_file(struct config *cfg, const char *path,
    enum config_level level, int must_exist, struct err *err);

/*
 * The files: with file (--config) or else $DMARCSIFT_CONFIG, that one file
 * only, which must exist; otherwise the system file then the per-user file
 * (config_system_path(), config_user_path()), either may be missing.  Then
 * the environment variables of the table ($DMARCSIFT_DB), then
 * config_check().  Values already set at a higher level (flags) stay.
 */
int config_load(struct config *cfg, const char *file, struct err *err);

/*
 * $DMARCSIFT_SYSCONFDIR/dmarcsift.conf when that is set (for tests and
 * relocated installs), else /etc/dmarcsift/dmarcsift.conf (the build's
 * DMARCSIFT_SYSCONFDIR).  Owned by the caller.
 */
char *config_system_path(void);
/*
 * $XDG_CONFIG_HOME/dmarcsift/dmarcsift.conf, else ~/.config/dmarcsift/...
 * (root too has its own); NULL when there is no home.  Owned by the caller.
 */
char *config_user_path(void);

/* The files config_load() looked at, in order; *found says if it was read. */
size_t config_file_count(const struct config *cfg);
const char *config_file(const struct config *cfg, size_t i, int *found);

/*
 * Reads a config file's text from memory: buf (len bytes, at most
 * CONFIG_FILE_MAX, need not end in NUL) as config_read_file() reads a
 * file, name standing for its path in origins and messages.
 */
int config_read_buffer(struct config *cfg, const char *name, const char *buf,
    size_t len, enum config_level level, struct err *err);

/*
 * The [mailbox NAME] sections read, in the order first seen; NULL past the
 * last.  Borrowed from cfg.
 */
#define CONFIG_MAILBOX_NAME_MAX 64
size_t config_mailbox_count(const struct config *cfg);
const char *config_mailbox_name(const struct config *cfg, size_t i);
/*
 * The settings of the section name: a copy of cfg (as config_load() left
 * it with mailbox unset) with the section's lines
 * put in (their origin "FILE:LINE") and mailbox set to name, checked as
 * config_load() checks (ERR_USAGE, "mailbox NAME: ..."); ERR_USAGE too
 * when there is no such section.  *out is the caller's (config_free()),
 * NULL on failure.
 */
int config_for_mailbox(const struct config *cfg, const char *name,
    struct config **out, struct err *err);

/* Most name servers dns_servers may list. */
#define CONFIG_DNS_SERVERS_MAX 8

/*
 * What is wrong with the settings in effect, each problem told to problem()
 * (whose err is borrowed for the call); returns how many.  The values of
 * the settings that have structure are checked for what they mean:
 * trusted_sources and ignored_sources (addresses, networks ADDRESS/BITS,
 * service names), domains (domain names), services_file (a readable file
 * of services.tsv's shape), dns_servers (HOST[:PORT], at most
 * CONFIG_DNS_SERVERS_MAX), authserv_id (server names), mail_to and
 * smtp_from (addresses).  Such a message reads "setting (origin): what":
 * "trusted_sources (/etc/dmarcsift/dmarcsift.conf:4): '10.0.0.0/33' is not
 * a network: ...".  Then settings that contradict each other: two
 * passwords, a password and a token.
 */
size_t config_problems(const struct config *cfg,
    void (*problem)(void *arg, const struct err *why), void *arg);
/* The first of config_problems() as an error (ERR_USAGE), or 0. */
int config_check(const struct config *cfg, struct err *err);

/*
 * config_load() for `dmarcsift config --check`: it goes on past every
 * problem (a bad line, an unreadable file, a bad value) and tells each to
 * problem(), then those of config_problems().  Returns how many.
 */
size_t config_load_all(struct config *cfg, const char *file,
    void (*problem)(void *arg, const struct err *why), void *arg);

/*
 * Values, borrowed from cfg.  config_str() is NULL for an empty value;
 * config_int() (INT, COUNT, SIZE), config_bool() and config_enum() (the
 * index of the word) read values config_set() checked.
 */
const char *config_str(const struct config *cfg, enum config_key key);
long long config_int(const struct config *cfg, enum config_key key);
int config_bool(const struct config *cfg, enum config_key key);
int config_enum(const struct config *cfg, enum config_key key);
/* "default", "FILE:LINE", "--flag" or "DMARCSIFT_DB". */
const char *config_origin(const struct config *cfg, enum config_key key);
enum config_level config_level(const struct config *cfg, enum config_key key);

/*
 * value with any password hidden: "password=..." in a libpq conninfo, the
 * password in a URL's "user:password@" or its "?password=" parameter become
 * "********".  Owned by the caller.
 */
char *config_mask(const char *value);
/*
 * A URL whose path is a secret (a webhook's), for display: its scheme and
 * host only, "https://hooks.example/...", user and password gone; "(a
 * URL)" for what is not one.  Owned by the caller.
 */
char *config_mask_host(const char *url);
/* The value of key for display: masked when the table says so; the
 * caller's. */
char *config_display(const struct config *cfg, enum config_key key);

/* The default of an INT, COUNT or SIZE setting, as config_int() reads it. */
long long config_default_int(enum config_key key);

/*
 * A COUNT or SIZE value: digits, then maybe k or K (1024), M or G.  Returns
 * 0 with *out, or -1 when s is not one or overflows.
 */
int config_parse_size(const char *s, unsigned long long *out);

/* The table for --help: the keys of groups (a mask) with default and help. */
void config_print_help(FILE *fp, unsigned groups);

/*
 * The first line of the file at path, without its line end: for passwords
 * and tokens.  The file must be a regular file of at most CONFIG_SECRET_MAX
 * bytes and not empty; one readable by everybody is used with a warning.
 * Errors name the file, never its content.  Free *out with
 * config_secret_free().
 */
int config_read_secret_file(const char *path, char **out, struct err *err);
/*
 * Runs cmd with /bin/sh -c, stdin from /dev/null, and takes the first line of
 * what it prints (at most CONFIG_SECRET_MAX bytes, within 60 seconds).  A
 * non-zero exit, a signal, no output or too much is an error that names the
 * exit status, never the output.  Free *out with config_secret_free().
 */
int config_run_token_command(const char *cmd, char **out, struct err *err);
/* Overwrites and frees a secret; NULL does nothing. */
void config_secret_free(char *secret);

/*
 * The IMAP password from imap_password_file or the variable imap_password_env
 * names; *out is NULL when neither is set.  Free it with
 * config_secret_free().
 */
int config_imap_password(const struct config *cfg, char **out, struct err *err);
/* The SMTP password from smtp_password_file or smtp_password_env, likewise. */
int config_smtp_password(const struct config *cfg, char **out, struct err *err);
/* The OAuth2 token from imap_oauth2_token_file or _command, likewise. */
int config_imap_oauth2_token(
    const struct config *cfg, char **out, struct err *err);
/* The OAuth2 client secret from imap_oauth2_client_secret_file or _env,
 * likewise. */
int config_imap_oauth2_client_secret(
    const struct config *cfg, char **out, struct err *err);
/*
 * The whole of imap_oauth2_key_file (a JSON key file or a PEM key, at most
 * CONFIG_KEY_FILE_MAX bytes), checked as config_read_secret_file() checks
 * a file; *out (*len bytes and a NUL) is NULL when it is not set.  Free it
 * with config_secret_free().
 */
#define CONFIG_KEY_FILE_MAX (64 * 1024)
int config_imap_oauth2_key(
    const struct config *cfg, char **out, size_t *len, struct err *err);

#endif
