/*
 * dmarcsift login: the first sign-in for imap_oauth2_grant =
 * refresh_token, from a terminal, through the device flow (RFC 8628): it
 * shows a URL and a code, waits while the user signs in on any device,
 * and keeps the refresh token in the token cache for ingest --imap.
 */
#include "commands.h"

#include "cliopt.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "oauth2.h"

#include <stdio.h>

static const char about[] =
    "Signs dmarcsift in to the mailbox's account with the OAuth 2.0 "
    "device flow:\nit shows a URL and a code; open the URL on any device, "
    "enter the code and\nsign in as the mailbox's user (imap_user).  The "
    "refresh token it gets is kept\nin the token cache (imap_oauth2_cache, "
    "mode 0600) and ingest --imap uses it\nfrom then on.  Needs "
    "imap_oauth2_grant = refresh_token, imap_oauth2_provider\n(or the "
    "endpoint URLs) and imap_oauth2_client_id.  Run it again when ingest "
    "says\nthe refresh token was revoked.\n";

int
cmd_login(int argc, char **argv)
{
	const struct cliopt_opt opts[] = {CLIOPT_OPT_END};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift login [OPTION]...\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_CONFIG_FILE | CLIOPT_G_IMAP,
	    .footer = "Exit status: 0 signed in, 2 not (declined, the code "
	              "expired, a setting\nmissing or refused).\n",
	    .no_operands = 1,
	};
	const struct config *cfg;
	struct oauth2 *o = NULL;
	struct cliopt co;
	struct err err;
	int rc;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (cliopt_settings(&cfg, &err) < 0 || oauth2_new(&o, cfg, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	if (o == NULL) {
		log_error("login: set imap_oauth2_grant = refresh_token (and "
		          "imap_oauth2_provider, imap_oauth2_client_id) first");
		return EXIT_CANNOT_RUN;
	}
	if (oauth2_login(o, stdout, &err) < 0) {
		log_error("%s", err.msg);
		oauth2_free(o);
		return EXIT_CANNOT_RUN;
	}
	printf(
	    "Signed in; the refresh token is in %s.\n", oauth2_cache_path(o));
	oauth2_free(o);
	return EXIT_OK;
}
