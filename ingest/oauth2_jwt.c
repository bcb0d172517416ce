#include "oauth2_jwt.h"

#include "base64.h"
#include "dynbuf.h"
#include "err.h"
#include "json.h"
#include "oauth2_json.h"
#include "xalloc.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct oauth2_key {
	EVP_PKEY *pkey;
	char *email, *key_id, *token_uri; /* from a JSON key file, or NULL */
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static EVP_PKEY *
pem_key(const char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k;

	if (bio == NULL)
		return NULL;
	k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return k;
}

int
oauth2_key_parse(const char *name, const char *text, size_t len,
    struct oauth2_key **out, struct err *err)
{
	struct oauth2_json j = {0};
	struct oauth2_key *k;
	int rc = 0;

	*out = NULL;
	k = xcalloc(1, sizeof(*k));
	if (text[strspn(text, " \t\r\n")] == '{') {
		const char *pem;

		if (oauth2_json_parse(&j, text, len, err) < 0 ||
		    (pem = oauth2_json_str(&j, "private_key")) == NULL) {
			rc = err_set(err, ERR_USAGE,
			    "%s: not a service account's key file (JSON with "
			    "private_key)",
			    name);
			goto out;
		}
		k->pkey = pem_key(pem, strlen(pem));
		k->email = dup_or_null(oauth2_json_str(&j, "client_email"));
		k->key_id = dup_or_null(oauth2_json_str(&j, "private_key_id"));
		k->token_uri = dup_or_null(oauth2_json_str(&j, "token_uri"));
	} else {
		k->pkey = pem_key(text, len);
	}
	if (k->pkey == NULL || EVP_PKEY_get_base_id(k->pkey) != EVP_PKEY_RSA)
		rc = err_set(err, ERR_USAGE,
		    "%s: holds no RSA private key (PEM, unencrypted)", name);
out:
	oauth2_json_free(&j);
	if (rc < 0) {
		oauth2_key_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

const char *
oauth2_key_email(const struct oauth2_key *k)
{
	return k->email;
}

const char *
oauth2_key_token_uri(const struct oauth2_key *k)
{
	return k->token_uri;
}

void
oauth2_key_free(struct oauth2_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->email);
	free(k->key_id);
	free(k->token_uri);
	free(k);
}

/* n bytes as base64url without padding (RFC 7515) onto b. */
static void
put_b64url(struct dynbuf *b, const unsigned char *p, size_t n)
{
	char *t = xmalloc(BASE64_ENCODED_SIZE(n));
	size_t len;

	base64_encode(p, n, t);
	len = strcspn(t, "=");
	for (size_t i = 0; i < len; i++)
		t[i] = t[i] == '+' ? '-' : t[i] == '/' ? '_' : t[i];
	(void)dynbuf_add(b, t, len);
	free(t);
}

/* A member of a JSON object: a string, or a number when s is NULL. */
struct member {
	const char *key, *s;
	long long n;
};

/* The object of the n members, written with json.h; the caller's. */
static char *
object(const struct member *m, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (fp == NULL)
		abort(); /* out of memory, as xalloc.h does */
	fputc('{', fp);
	for (size_t i = 0; i < n; i++)
		if (m[i].s != NULL)
			json_kv_str(fp, m[i].key, m[i].s, i == 0);
		else
			json_kv_i64(fp, m[i].key, m[i].n, i == 0);
	fputc('}', fp);
	if (fclose(fp) != 0)
		abort();
	return text;
}

int
oauth2_jwt_sign(const struct oauth2_key *k, const char *iss, const char *scope,
    const char *aud, const char *sub, long long now, long lifetime_s,
    char **out, struct err *err)
{
	char *hdr, *claims;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	EVP_MD_CTX *md;
	struct dynbuf b;
	int ok;

	*out = NULL;
	if (iss == NULL || scope == NULL || aud == NULL)
		return err_set(err, ERR_USAGE,
		    "oauth2: the assertion needs an issuer, a scope and an "
		    "audience");
	if (lifetime_s < 1 || lifetime_s > 3600)
		lifetime_s = 3600;
	{
		/* kid and sub last: they may be left out. */
		struct member h[] = {{"alg", "RS256", 0}, {"typ", "JWT", 0},
		    {"kid", k->key_id, 0}};
		struct member c[] = {{"iss", iss, 0}, {"scope", scope, 0},
		    {"aud", aud, 0}, {"iat", NULL, now},
		    {"exp", NULL, now + lifetime_s}, {"sub", sub, 0}};

		hdr = object(h, k->key_id != NULL ? 3 : 2);
		claims = object(c, sub != NULL ? 6 : 5);
	}
	dynbuf_init_secret(&b, 64 * 1024);
	put_b64url(&b, (const unsigned char *)hdr, strlen(hdr));
	(void)dynbuf_add(&b, ".", 1);
	put_b64url(&b, (const unsigned char *)claims, strlen(claims));
	free(hdr);
	free(claims);
	md = EVP_MD_CTX_new();
	ok = md != NULL &&
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
	    EVP_DigestSign(
	        md, NULL, &siglen, (const unsigned char *)b.p, b.len) == 1;
	if (ok) {
		sig = xmalloc(siglen);
		ok = EVP_DigestSign(md, sig, &siglen,
		         (const unsigned char *)b.p, b.len) == 1;
	}
	EVP_MD_CTX_free(md);
	if (!ok) {
		free(sig);
		dynbuf_free(&b);
		return err_set(err, ERR_IO,
		    "oauth2: cannot sign the assertion with the private key");
	}
	(void)dynbuf_add(&b, ".", 1);
	put_b64url(&b, sig, siglen);
	free(sig);
	*out = dynbuf_take(&b, NULL);
	return 0;
}
