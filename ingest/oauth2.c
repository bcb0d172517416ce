#include "oauth2.h"

#include "config.h"
#include "err.h"
#include "log.h"
#include "oauth2_cache.h"
#include "oauth2_device.h"
#include "oauth2_http.h"
#include "oauth2_json.h"
#include "oauth2_jwt.h"
#include "sha256.h"
#include "text.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#define MS_LOGIN "https://login.microsoftonline.com/"
#define MS_SCOPE_APP "https://outlook.office365.com/.default"
#define MS_SCOPE_USER                                                          \
	"https://outlook.office365.com/IMAP.AccessAsUser.All offline_access"
#define GOOGLE_TOKEN "https://oauth2.googleapis.com/token"
#define GOOGLE_DEVICE "https://oauth2.googleapis.com/device/code"
#define GOOGLE_SCOPE "https://mail.google.com/"
#define GRANT_JWT "urn:ietf:params:oauth:grant-type:jwt-bearer"
/* Seconds for one request to an endpoint. */
#define HTTP_TIMEOUT_S 30
/* A token longer than this is not one (Microsoft's are some 2 KB). */
#define TOKEN_MAX (16 * 1024)
/* The longest a token is taken to live, whatever the endpoint says. */
#define MAX_LIFETIME_S 86400
/* When the endpoint says nothing of expires_in. */
#define DEFAULT_LIFETIME_S 3600

static const char *const grant_names[] = {
    [CONFIG_GRANT_NONE] = "none",
    [CONFIG_GRANT_CLIENT_CREDENTIALS] = "client_credentials",
    [CONFIG_GRANT_REFRESH_TOKEN] = "refresh_token",
    [CONFIG_GRANT_JWT_BEARER] = "jwt_bearer",
};

struct oauth2 {
	enum config_grant grant;
	enum config_provider provider;
	char *token_url, *device_url, *client_id, *scope, *user, *iss;
	char *cache_path;
	char host[256]; /* the token endpoint's, for messages */
	char *client_secret; /* or NULL */
	struct oauth2_key *key; /* jwt_bearer */
	long margin_s;
	char settings[65]; /* digest of what gets the tokens */
	struct oauth2_cached cached;
	int loaded; /* cached read from the file */
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* The endpoints and scope of the provider where the settings give none. */
static int
apply_provider(struct oauth2 *o, const struct config *cfg, struct err *err)
{
	const char *tenant = config_str(cfg, CONFIG_IMAP_OAUTH2_TENANT);

	switch (o->provider) {
	case CONFIG_PROVIDER_MICROSOFT:
		if (tenant == NULL &&
		    o->grant == CONFIG_GRANT_CLIENT_CREDENTIALS &&
		    o->token_url == NULL)
			return err_set(err, ERR_USAGE,
			    "oauth2: app-only access (client_credentials) "
			    "needs your tenant: set imap_oauth2_tenant to its "
			    "ID or domain (contoso.onmicrosoft.com)");
		if (tenant == NULL)
			tenant = "organizations";
		if (strspn(tenant,
		        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
		        "QRSTUVWXYZ0123456789.-") != strlen(tenant))
			return err_set(err, ERR_USAGE,
			    "imap_oauth2_tenant: want a tenant ID or domain");
		if (o->token_url == NULL)
			o->token_url =
			    xasprintf(MS_LOGIN "%s/oauth2/v2.0/token", tenant);
		if (o->device_url == NULL)
			o->device_url = xasprintf(
			    MS_LOGIN "%s/oauth2/v2.0/devicecode", tenant);
		if (o->scope == NULL)
			o->scope =
			    xstrdup(o->grant == CONFIG_GRANT_CLIENT_CREDENTIALS
			            ? MS_SCOPE_APP
			            : MS_SCOPE_USER);
		break;
	case CONFIG_PROVIDER_GOOGLE:
		if (o->token_url == NULL)
			o->token_url = xstrdup(GOOGLE_TOKEN);
		if (o->device_url == NULL)
			o->device_url = xstrdup(GOOGLE_DEVICE);
		if (o->scope == NULL)
			o->scope = xstrdup(GOOGLE_SCOPE);
		break;
	default:
		break;
	}
	return 0;
}

/* Which settings name the token source, digested: a cache made under
 * others is not used. */
static void
digest_settings(struct oauth2 *o)
{
	const char *parts[] = {grant_names[o->grant], o->token_url,
	    o->client_id, o->iss, o->user, o->scope};
	unsigned char d[SHA256_LEN];
	struct sha256 s = {0};

	sha256_init(&s);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const char *p = parts[i] != NULL ? parts[i] : "";

		sha256_update(&s, p, strlen(p) + 1);
	}
	sha256_final(&s, d);
	sha256_free(&s);
	sha256_hex(d, o->settings);
}

static int
check_settings(struct oauth2 *o, const struct config *cfg, struct err *err)
{
	char host[256];
	int rc;

	if (config_str(cfg, CONFIG_IMAP_PASSWORD_FILE) != NULL ||
	    config_str(cfg, CONFIG_IMAP_PASSWORD_ENV) != NULL ||
	    config_str(cfg, CONFIG_IMAP_OAUTH2_TOKEN_FILE) != NULL ||
	    config_str(cfg, CONFIG_IMAP_OAUTH2_TOKEN_COMMAND) != NULL)
		return err_set(err, ERR_USAGE,
		    "imap_oauth2_grant (%s) and a password or token file or "
		    "command: log in one way; unset the others",
		    config_origin(cfg, CONFIG_IMAP_OAUTH2_GRANT));
	if (o->token_url == NULL)
		return err_set(err, ERR_USAGE,
		    "oauth2: no token endpoint: set imap_oauth2_provider "
		    "(microsoft or google) or imap_oauth2_token_url");
	if ((rc = oauth2_http_check_url("imap_oauth2_token_url", o->token_url,
	         o->host, sizeof(o->host), err)) < 0)
		return rc;
	if (o->device_url != NULL &&
	    (rc = oauth2_http_check_url("imap_oauth2_device_url", o->device_url,
	         host, sizeof(host), err)) < 0)
		return rc;
	if (o->scope == NULL)
		return err_set(err, ERR_USAGE,
		    "oauth2: no scope: set imap_oauth2_scope (or "
		    "imap_oauth2_provider)");
	if (o->user == NULL)
		return err_set(
		    err, ERR_USAGE, "oauth2: no mailbox user: set imap_user");
	if (o->grant != CONFIG_GRANT_JWT_BEARER && o->client_id == NULL)
		return err_set(err, ERR_USAGE,
		    "oauth2: no client: set imap_oauth2_client_id to the "
		    "application (client) ID");
	return 0;
}

/* The secret or the key the grant signs in with. */
static int
read_credentials(struct oauth2 *o, const struct config *cfg, struct err *err)
{
	const char *key = config_str(cfg, CONFIG_IMAP_OAUTH2_KEY_FILE);
	char *text;
	size_t len;
	int rc;

	if ((rc = config_imap_oauth2_client_secret(
	         cfg, &o->client_secret, err)) < 0)
		return rc;
	if (o->grant == CONFIG_GRANT_CLIENT_CREDENTIALS &&
	    o->client_secret == NULL)
		return err_set(err, ERR_USAGE,
		    "oauth2: client_credentials needs the client secret: set "
		    "imap_oauth2_client_secret_file or "
		    "imap_oauth2_client_secret_env");
	if (o->grant != CONFIG_GRANT_JWT_BEARER)
		return 0;
	if (key == NULL)
		return err_set(err, ERR_USAGE,
		    "oauth2: jwt_bearer needs the service account's key: set "
		    "imap_oauth2_key_file");
	if ((rc = config_imap_oauth2_key(cfg, &text, &len, err)) < 0)
		return rc;
	rc = oauth2_key_parse(key, text, len, &o->key, err);
	config_secret_free(text);
	if (rc < 0)
		return err_prefix(err, "imap_oauth2_key_file");
	/* A key file names its account and endpoint; a PEM does not. */
	o->iss = dup_or_null(oauth2_key_email(o->key));
	if (o->iss == NULL)
		o->iss = dup_or_null(o->client_id);
	if (o->iss == NULL)
		return err_set(err, ERR_USAGE,
		    "oauth2: a PEM key names no service account: set "
		    "imap_oauth2_client_id to its e-mail address");
	if (o->token_url == NULL)
		o->token_url = dup_or_null(oauth2_key_token_uri(o->key));
	return 0;
}

int
oauth2_new(struct oauth2 **out, const struct config *cfg, struct err *err)
{
	const char *cache = config_str(cfg, CONFIG_IMAP_OAUTH2_CACHE);
	struct oauth2 *o;
	int rc;

	*out = NULL;
	if (config_enum(cfg, CONFIG_IMAP_OAUTH2_GRANT) == CONFIG_GRANT_NONE)
		return 0;
	/* The process is about to hold a client secret, a private key and
	 * tokens: no core file of it. */
	prctl(PR_SET_DUMPABLE, 0);
	o = xcalloc(1, sizeof(*o));
	o->grant = config_enum(cfg, CONFIG_IMAP_OAUTH2_GRANT);
	o->provider = config_enum(cfg, CONFIG_IMAP_OAUTH2_PROVIDER);
	o->token_url =
	    dup_or_null(config_str(cfg, CONFIG_IMAP_OAUTH2_TOKEN_URL));
	o->device_url =
	    dup_or_null(config_str(cfg, CONFIG_IMAP_OAUTH2_DEVICE_URL));
	o->client_id =
	    dup_or_null(config_str(cfg, CONFIG_IMAP_OAUTH2_CLIENT_ID));
	o->scope = dup_or_null(config_str(cfg, CONFIG_IMAP_OAUTH2_SCOPE));
	o->user = dup_or_null(config_str(cfg, CONFIG_IMAP_USER));
	o->margin_s = (long)config_int(cfg, CONFIG_IMAP_OAUTH2_REFRESH_MARGIN);
	o->cache_path =
	    cache != NULL ? xstrdup(cache) : oauth2_cache_default_path(err);
	if (o->cache_path == NULL || (rc = config_check(cfg, err)) < 0 ||
	    (rc = read_credentials(o, cfg, err)) < 0 ||
	    (rc = apply_provider(o, cfg, err)) < 0 ||
	    (rc = check_settings(o, cfg, err)) < 0) {
		rc = err->code;
		oauth2_free(o);
		return rc;
	}
	digest_settings(o);
	*out = o;
	return 0;
}

const char *
oauth2_cache_path(const struct oauth2 *o)
{
	return o->cache_path;
}

void
oauth2_free(struct oauth2 *o)
{
	if (o == NULL)
		return;
	free(o->token_url);
	free(o->device_url);
	free(o->client_id);
	free(o->scope);
	free(o->user);
	free(o->iss);
	free(o->cache_path);
	config_secret_free(o->client_secret);
	oauth2_key_free(o->key);
	oauth2_cached_clear(&o->cached);
	free(o);
}

/* ------------------------------------------------------------------------
 * What an endpoint's refusal means, and what to do. */

struct advice {
	const char *error; /* the OAuth error code, or NULL: any */
	int grant; /* enum config_grant, or -1: any */
	const char *aadsts; /* "AADSTS7000222", or NULL: any */
	const char *what; /* what to do */
};

/* The first row that matches says it. */
static const struct advice advice[] = {
    {NULL, -1, "AADSTS7000222",
        "the client secret has expired: make a new one in the app "
        "registration (Certificates & secrets) and put its value in the "
        "secret file"},
    {NULL, -1, "AADSTS7000215",
        "the client secret is wrong: use the secret's Value from the app "
        "registration, not its ID"},
    {NULL, -1, "AADSTS700016",
        "no such application in this tenant: check imap_oauth2_client_id "
        "and imap_oauth2_tenant (the tenant the app is registered in)"},
    {NULL, -1, "AADSTS90002", "no such tenant: check imap_oauth2_tenant"},
    {NULL, -1, "AADSTS900023", "no such tenant: check imap_oauth2_tenant"},
    {NULL, -1, "AADSTS65001",
        "the application lacks consent: an administrator must grant "
        "admin consent to it (API permissions) for IMAP"},
    {NULL, -1, "AADSTS7000218",
        "the app registration does not allow public clients: turn on "
        "'Allow public client flows' (Authentication), or give the client "
        "secret"},
    {NULL, -1, "AADSTS700082",
        "the refresh token expired after long disuse: run dmarcsift login "
        "again"},
    {NULL, -1, "AADSTS50173",
        "the sign-in was revoked (a password change?): run dmarcsift login "
        "again"},
    {"invalid_client", -1, NULL,
        "the endpoint does not know this client or its secret: check "
        "imap_oauth2_client_id and the client secret (expired? mistyped?)"},
    {"invalid_grant", CONFIG_GRANT_REFRESH_TOKEN, NULL,
        "the refresh token was revoked or has expired: run dmarcsift login "
        "again"},
    {"invalid_grant", CONFIG_GRANT_JWT_BEARER, NULL,
        "the service account may not act for imap_user: check its "
        "domain-wide delegation (client ID and scope) in the Google Admin "
        "console, that imap_user is a user of your domain, and the key"},
    {"invalid_grant", -1, NULL,
        "the credentials were refused: check the client id and secret"},
    {"unauthorized_client", CONFIG_GRANT_JWT_BEARER, NULL,
        "domain-wide delegation is not set up for this service account's "
        "client ID and scope (Google Admin console: Security, API "
        "controls)"},
    {"unauthorized_client", -1, NULL,
        "the application may not use this grant or lacks consent: an "
        "administrator must grant admin consent (app-only: the "
        "IMAP.AccessAsApp permission), or allow the flow in the app "
        "registration"},
    {"invalid_scope", -1, NULL,
        "the scope was refused: check imap_oauth2_scope (empty takes the "
        "provider's); Google's device flow does not allow "
        "https://mail.google.com/: use a service account"},
    {"access_denied", -1, NULL,
        "the sign-in was declined: run dmarcsift login again and accept"},
    {"expired_token", -1, NULL,
        "the code expired before the sign-in was done: run dmarcsift "
        "login again"},
    {"invalid_request", -1, NULL,
        "the request was refused: check the imap_oauth2_* settings (the "
        "tenant, client id and scope)"},
    {NULL, -1, NULL,
        "check the imap_oauth2_* settings and the application's setup at "
        "the provider"},
};

/* The first "AADSTSnnnn" code in s into code (cs bytes), or "". */
static void
aadsts_code(const char *s, char *code, size_t cs)
{
	const char *p = s != NULL ? strstr(s, "AADSTS") : NULL;
	size_t n;

	code[0] = '\0';
	if (p == NULL)
		return;
	n = 6 + strspn(p + 6, "0123456789");
	if (n > 6 && n < cs) {
		memcpy(code, p, n);
		code[n] = '\0';
	}
}

/*
 * The endpoint's refusal (status, j) as one line.  The server's own
 * description is added, its first line only, cut short and made
 * printable: Microsoft's hold the AADSTS code and a trace id.
 */
static int
explain(const struct oauth2 *o, const char *grant, long status,
    const struct oauth2_json *j, struct err *err)
{
	const char *e = oauth2_json_str(j, "error");
	const char *desc = oauth2_json_str(j, "error_description");
	char code[32], text[200], name[64];
	const struct advice *a = advice;

	aadsts_code(desc, code, sizeof(code));
	for (; a->what != NULL; a++)
		if ((a->error == NULL ||
		        (e != NULL && strcmp(a->error, e) == 0)) &&
		    (a->grant < 0 || a->grant == (int)o->grant) &&
		    (a->aadsts == NULL || strcmp(a->aadsts, code) == 0))
			break;
	text[0] = '\0';
	if (desc != NULL)
		text_printable_n(
		    desc, strcspn(desc, "\r\n"), text, sizeof(text));
	text_printable(e != NULL ? e : "no error code", name, sizeof(name));
	return err_set(err, ERR_USAGE,
	    "oauth2: %s refused the %s request (HTTP %ld, %s): %s%s%s%s",
	    o->host, grant, status, name, a->what, text[0] ? " (it says: " : "",
	    text, text[0] ? ")" : "");
}

/* ------------------------------------------------------------------------
 * Tokens. */

static int
token_ok(const char *t)
{
	size_t n = t != NULL ? strlen(t) : 0;

	if (n == 0 || n > TOKEN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return 0;
	return 1;
}

static void
load_cache(struct oauth2 *o, struct err *err, int *rc)
{
	*rc = 0;
	if (o->loaded)
		return;
	if ((*rc = oauth2_cache_read(o->cache_path, &o->cached, err)) < 0)
		return;
	o->loaded = 1;
	if (o->cached.settings[0] != '\0' &&
	    strcmp(o->cached.settings, o->settings) != 0) {
		log_info("oauth2: the token cache %s is for other settings; "
		         "not using it",
		    o->cache_path);
		oauth2_cached_clear(&o->cached);
	}
}

/* A successful answer (status 200 with a token) into the cache. */
static int
take_answer(struct oauth2 *o, const char *grant, long status,
    const struct oauth2_json *j, struct err *err)
{
	const char *at = oauth2_json_str(j, "access_token");
	const char *rt = oauth2_json_str(j, "refresh_token");
	long long life = oauth2_json_int(j, "expires_in", DEFAULT_LIFETIME_S);

	if (status != 200 || oauth2_json_str(j, "error") != NULL)
		return explain(o, grant, status, j, err);
	if (!token_ok(at))
		return err_set(err, ERR_IO,
		    "oauth2: %s answered the %s request without a usable "
		    "access token",
		    o->host, grant);
	if (rt != NULL && !token_ok(rt))
		rt = NULL;
	/* A stranger's number: a day at most, so issued + life never
	 * overflows and a token is asked for again at least daily. */
	if (life < 1)
		life = DEFAULT_LIFETIME_S;
	if (life > MAX_LIFETIME_S)
		life = MAX_LIFETIME_S;
	oauth2_token_set(&o->cached.access_token, at);
	o->cached.issued = (long long)time(NULL);
	o->cached.expires = o->cached.issued + life;
	/* Microsoft hands out a new refresh token each time; Google keeps
	 * the one it gave. */
	if (rt != NULL)
		oauth2_token_set(&o->cached.refresh_token, rt);
	memcpy(o->cached.settings, o->settings, sizeof(o->settings));
	log_info("oauth2: new access token from %s (%s), valid %lld s", o->host,
	    grant, life);
	return oauth2_cache_write(o->cache_path, &o->cached, err);
}

static int
request(struct oauth2 *o, struct err *err)
{
	struct oauth2_form f = {0};
	struct oauth2_json j;
	char *assertion = NULL;
	const char *grant = grant_names[o->grant];
	long status;
	int rc;

	switch (o->grant) {
	case CONFIG_GRANT_CLIENT_CREDENTIALS:
		oauth2_form_add(&f, "grant_type", "client_credentials");
		oauth2_form_add(&f, "client_id", o->client_id);
		oauth2_form_add(&f, "client_secret", o->client_secret);
		oauth2_form_add(&f, "scope", o->scope);
		break;
	case CONFIG_GRANT_REFRESH_TOKEN:
		if (o->cached.refresh_token == NULL)
			return err_set(err, ERR_USAGE,
			    "oauth2: no refresh token for these settings in "
			    "%s: run dmarcsift login",
			    o->cache_path);
		oauth2_form_add(&f, "grant_type", "refresh_token");
		oauth2_form_add(&f, "refresh_token", o->cached.refresh_token);
		oauth2_form_add(&f, "client_id", o->client_id);
		oauth2_form_add(&f, "client_secret", o->client_secret);
		oauth2_form_add(&f, "scope", o->scope);
		break;
	case CONFIG_GRANT_JWT_BEARER:
		if ((rc = oauth2_jwt_sign(o->key, o->iss, o->scope,
		         o->token_url, o->user, (long long)time(NULL), 3600,
		         &assertion, err)) < 0)
			return rc;
		oauth2_form_add(&f, "grant_type", GRANT_JWT);
		oauth2_form_add(&f, "assertion", assertion);
		break;
	default:
		return err_set(err, ERR_USAGE, "oauth2: no grant");
	}
	rc = oauth2_http_post(
	    o->token_url, &f, HTTP_TIMEOUT_S, &status, &j, err);
	config_secret_free(assertion);
	if (rc < 0)
		return rc;
	rc = take_answer(o, grant, status, &j, err);
	oauth2_json_free(&j);
	return rc;
}

int
oauth2_token(struct oauth2 *o, int fresh, const char **token, struct err *err)
{
	long long margin;
	int rc;

	*token = NULL;
	load_cache(o, err, &rc);
	if (rc < 0)
		return rc;
	/* A token that lives shorter than twice the margin is replaced at
	 * half its life, not at once. */
	margin = o->margin_s;
	if (o->cached.expires > o->cached.issued &&
	    margin > (o->cached.expires - o->cached.issued) / 2)
		margin = (o->cached.expires - o->cached.issued) / 2;
	if (!fresh && o->cached.access_token != NULL &&
	    o->cached.expires - margin > (long long)time(NULL)) {
		log_debug("oauth2: cached access token, valid %lld s more",
		    o->cached.expires - (long long)time(NULL));
		*token = o->cached.access_token;
		return 0;
	}
	if ((rc = request(o, err)) < 0)
		return rc;
	*token = o->cached.access_token;
	return 0;
}

int
oauth2_login(struct oauth2 *o, FILE *out, struct err *err)
{
	struct oauth2_device_opts d = {
	    .device_url = o->device_url,
	    .token_url = o->token_url,
	    .client_id = o->client_id,
	    .client_secret = o->client_secret,
	    .scope = o->scope,
	    .out = out,
	    .timeout_s = HTTP_TIMEOUT_S,
	};
	struct oauth2_json j;
	long status;
	int rc;

	if (o->grant != CONFIG_GRANT_REFRESH_TOKEN)
		return err_set(err, ERR_USAGE,
		    "login: it gets a refresh token, for imap_oauth2_grant = "
		    "refresh_token (now %s)",
		    grant_names[o->grant]);
	if (o->device_url == NULL)
		return err_set(err, ERR_USAGE,
		    "login: no device authorization endpoint: set "
		    "imap_oauth2_provider or imap_oauth2_device_url");
	load_cache(o, err, &rc);
	if (rc < 0)
		return rc;
	if ((rc = oauth2_device_flow(&d, &status, &j, err)) < 0)
		return rc;
	if (status == 200 && oauth2_json_str(&j, "refresh_token") == NULL) {
		oauth2_json_free(&j);
		return err_set(err, ERR_USAGE,
		    "login: %s gave no refresh token: ask for offline access "
		    "in imap_oauth2_scope (Microsoft: offline_access)",
		    o->host);
	}
	rc = take_answer(o, "device_code", status, &j, err);
	oauth2_json_free(&j);
	return rc;
}
