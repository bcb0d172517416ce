/*
 * advise_render: what `dmarcsift advise` says (analyze/advise.h), as text
 * for a person and as JSON for monitoring scripts.
 *
 * Both only format what they are handed.  Every string in an advice may
 * come from a stranger (PTR names, service names from a user's file, the
 * DMARC record found in DNS) and is made safe for the format: text never
 * lets a control character or a bidirectional override reach a terminal;
 * JSON is escaped and always valid UTF-8.  Each returns 0, or -1 when
 * writing to fp fails (errno set by stdio).
 *
 *   advise_text  the policy now, the verdict and its reasons (markers
 *                "ok", "no" and "!!" for a warning, plain ASCII for cron's
 *                mail; ANSI colour only when color is 1), the failing
 *                legitimate sources with cause and fix, the next TXT
 *                record, sp/np advice and the what-if
 *   advise_json  one object, stable keys, documented at the top of
 *                advise_json.c
 */
#ifndef DMARCSIFT_ADVISE_RENDER_H
#define DMARCSIFT_ADVISE_RENDER_H

#include <stdio.h>

struct advice;
struct period_gap;

int advise_text(FILE *fp, const struct advice *a, int color);
int advise_json(FILE *fp, const struct advice *a);
/* advise_json() with where the reports are when the period holds none
 * (digest.h; NULL: not checked, the keys null). */
int advise_json_period(
    FILE *fp, const struct advice *a, const struct period_gap *gap);

#endif
