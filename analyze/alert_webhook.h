/*
 * alert_webhook: one POST of JSON to a chat's incoming webhook (Slack,
 * Mattermost and Teams read its "text"), through libcurl.  A webhook URL
 * is a secret (whoever has it may post): no message here shows more of it
 * than its scheme and host.
 */
#ifndef DMARCSIFT_ALERT_WEBHOOK_H
#define DMARCSIFT_ALERT_WEBHOOK_H

#include <stddef.h>

struct err;

/* Seconds a POST may take, connecting included. */
#define ALERT_WEBHOOK_TIMEOUT 30

/* url as it may be shown: "https://hooks.example.com/..." (scheme and
 * host, what follows hidden; a user or password before the host too). */
void alert_webhook_mask(const char *url, char *out, size_t size);

/*
 * POSTs json (Content-Type: application/json) to url, an http:// or
 * https:// URL, certificates checked.  0 when the server answered 2xx;
 * ERR_USAGE for another scheme, ERR_IO when it cannot be reached or
 * answers otherwise (the message names the masked URL and the status).
 */
int alert_webhook_post(const char *url, const char *json, struct err *err);

#endif
