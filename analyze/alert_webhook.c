/* alert_webhook: the POST to a webhook; see alert_webhook.h. */
#include "alert_webhook.h"

#include "config.h"
#include "err.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
alert_webhook_mask(const char *url, char *out, size_t size)
{
	char *shown = config_mask_host(url);

	snprintf(out, size, "%s", shown);
	free(shown);
}

/* The answer's body is not wanted. */
static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

int
alert_webhook_post(const char *url, const char *json, struct err *err)
{
	static int curl_ready;
	char shown[300];
	struct curl_slist *hdr = NULL;
	CURL *h;
	CURLcode cc;
	long status = 0;

	alert_webhook_mask(url, shown, sizeof(shown));
	if (strncasecmp(url, "https://", 8) != 0 &&
	    strncasecmp(url, "http://", 7) != 0)
		return err_set(err, ERR_USAGE,
		    "webhook %s: want an http:// or https:// URL", shown);
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return err_set(
			    err, ERR_IO, "webhook: cannot set up libcurl");
		curl_ready = 1;
	}
	if ((h = curl_easy_init()) == NULL)
		return err_set(err, ERR_IO, "webhook: cannot set up libcurl");
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(
	    h, CURLOPT_CONNECTTIMEOUT, (long)ALERT_WEBHOOK_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)ALERT_WEBHOOK_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(
	    h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(json));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	/* curl_easy_strerror() names no URL: the secret path stays out. */
	if (cc != CURLE_OK)
		return err_set(err, ERR_IO, "webhook %s: %s", shown,
		    curl_easy_strerror(cc));
	if (status < 200 || status > 299)
		return err_set(err, ERR_IO,
		    "webhook %s: the server answered %ld", shown, status);
	return 0;
}
