/*
 * mailbox_setup: the mailbox the settings name, turned into the options of
 * mailbox_run() (see mailbox.h), with the secrets read for the run.
 */
#include "mailbox.h"

#include "config.h"
#include "err.h"
#include "oauth2.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/*
 * "user@host" from the URL (scheme://host[:port][/]) and the user: the
 * mailbox's identity in imap_messages, the same over imaps:// and imap://.
 */
static void
account_name(const char *url, const char *user, char *out, size_t len)
{
	const char *host = strstr(url, "://");
	size_t hlen;

	host = host ? host + 3 : url;
	if (host[0] == '[')
		hlen = strcspn(host, "]") + 1; /* an IPv6 literal */
	else
		hlen = strcspn(host, ":/");
	snprintf(out, len, "%s@%.*s", user, (int)hlen, host);
	/* Host names are case-insensitive: one spelling, one account. */
	for (char *p = strrchr(out, '@') + 1; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
}

/* imap_opts.oauth2_renew: a token from the endpoint, not the cache. */
static int
renew_token(void *arg, const char **token, struct err *err)
{
	return oauth2_token(arg, 1, token, err);
}

/* The token imap_oauth2_grant gets, into ms (a copy: the source may
 * replace its own during the run). */
static int
grant_token(struct mailbox_setup *ms, const struct config *cfg, struct err *err)
{
	const char *t;
	int rc;

	if ((rc = oauth2_new(&ms->oauth2, cfg, err)) < 0 || ms->oauth2 == NULL)
		return rc;
	if ((rc = oauth2_token(ms->oauth2, 0, &t, err)) < 0)
		return rc;
	ms->token = xstrdup(t);
	ms->opts.imap.oauth2_renew = renew_token;
	ms->opts.imap.oauth2_arg = ms->oauth2;
	return 0;
}

int
mailbox_setup(
    struct mailbox_setup *ms, const struct config *cfg, struct err *err)
{
	const char *url = config_str(cfg, CONFIG_IMAP_URL);
	const char *user = config_str(cfg, CONFIG_IMAP_USER);
	struct mailbox_opts *o = &ms->opts;
	char **password = &ms->password, **token = &ms->token;
	int rc;

	memset(ms, 0, sizeof(*ms));
	if (url == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: no server; set imap_url in the config "
		    "file or give --imap-url imaps://HOST");
	if (user == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: no user; set imap_user or give "
		    "--imap-user NAME");
	if ((rc = grant_token(ms, cfg, err)) < 0)
		return rc;
	if (ms->oauth2 == NULL &&
	    ((rc = config_imap_password(cfg, password, err)) < 0 ||
	        (rc = config_imap_oauth2_token(cfg, token, err)) < 0))
		return rc;
	if (*password == NULL && *token == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: no password or token; set "
		    "imap_password_file, imap_password_env, "
		    "imap_oauth2_token_file, imap_oauth2_token_command or "
		    "imap_oauth2_grant");
	o->imap.url = url;
	o->imap.user = user;
	o->imap.password = *password;
	o->imap.oauth2_token = *token;
	o->imap.cafile = config_str(cfg, CONFIG_IMAP_CAFILE);
	o->imap.tls_noverify = !config_bool(cfg, CONFIG_IMAP_TLS_VERIFY);
	o->imap.allow_plain = config_bool(cfg, CONFIG_IMAP_ALLOW_PLAIN);
	o->imap.connect_timeout_s =
	    config_int(cfg, CONFIG_IMAP_CONNECT_TIMEOUT);
	o->imap.timeout_s = config_int(cfg, CONFIG_IMAP_TIMEOUT);
	account_name(url, user, ms->account, sizeof(ms->account));
	o->account = ms->account;
	o->mailbox = config_str(cfg, CONFIG_IMAP_MAILBOX);
	o->processed = config_str(cfg, CONFIG_IMAP_PROCESSED);
	o->errors = config_str(cfg, CONFIG_IMAP_ERRORS);
	o->other = config_str(cfg, CONFIG_IMAP_OTHER);
	if (o->mailbox == NULL || o->processed == NULL || o->errors == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: imap_mailbox, imap_processed and "
		    "imap_errors must not be empty");
	switch (config_enum(cfg, CONFIG_IMAP_AFTER)) {
	case CONFIG_AFTER_SEEN:
		o->after = MAILBOX_SEEN;
		break;
	case CONFIG_AFTER_DELETE:
		o->after = MAILBOX_DELETE;
		break;
	default:
		o->after = MAILBOX_MOVE;
		break;
	}
	o->batch = (size_t)config_int(cfg, CONFIG_IMAP_BATCH);
	return 0;
}

void
mailbox_setup_clear(struct mailbox_setup *ms)
{
	config_secret_free(ms->password);
	config_secret_free(ms->token);
	ms->password = ms->token = NULL;
	oauth2_free(ms->oauth2);
	ms->oauth2 = NULL;
	ms->opts.imap.password = ms->opts.imap.oauth2_token = NULL;
	ms->opts.imap.oauth2_renew = NULL;
	ms->opts.imap.oauth2_arg = NULL;
}

int
mailbox_setup_refresh(
    struct mailbox_setup *ms, const struct config *cfg, struct err *err)
{
	char *password = NULL, *token = NULL;
	const char *t;
	int rc;

	if (ms->oauth2 != NULL) {
		if ((rc = oauth2_token(ms->oauth2, 0, &t, err)) < 0)
			return rc;
		token = xstrdup(t);
	} else if ((rc = config_imap_password(cfg, &password, err)) < 0 ||
	    (rc = config_imap_oauth2_token(cfg, &token, err)) < 0) {
		config_secret_free(password);
		return rc;
	}
	if (password == NULL && token == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: the password or token is gone from the "
		    "settings");
	config_secret_free(ms->password);
	config_secret_free(ms->token);
	ms->password = password;
	ms->token = token;
	ms->opts.imap.password = password;
	ms->opts.imap.oauth2_token = token;
	return 0;
}
