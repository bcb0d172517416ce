/*
 * alert_render: `dmarcsift alert` as text (the new events, for a person,
 * a mail or a chat) and as JSON (every event found, keys in
 * reports/README.md).  Formats what it is handed.
 */
#ifndef DMARCSIFT_ALERT_RENDER_H
#define DMARCSIFT_ALERT_RENDER_H

#include <stdint.h>
#include <stdio.h>

struct alert_list;

/* The new events of l, one paragraph each; nothing when none is new. */
void alert_text(FILE *fp, const struct alert_list *l);

/* Every event of l, new or held, as one object; generated_at in Unix
 * seconds; dry_run 1 when nothing was recorded. */
void alert_json(
    FILE *fp, const struct alert_list *l, int64_t generated_at, int dry_run);

/* {"text": TEXT}: what a chat's incoming webhook reads. */
void alert_webhook_json(FILE *fp, const char *text);

#endif
