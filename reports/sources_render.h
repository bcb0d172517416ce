/*
 * sources_render: `dmarcsift sources` as text or JSON.
 *
 * Both take the senders of one domain over a period as source_senders()
 * groups and cuts them (analyze/sources.h: the top SOURCES_TOP, each with
 * its first SOURCES_ADDRESSES addresses, the rest counted), and the
 * period's totals per class.  all 0: only the sources with failing mail.
 * Returns 0, or -1 when writing fails.
 */
#ifndef DMARCSIFT_SOURCES_RENDER_H
#define DMARCSIFT_SOURCES_RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "sources.h"

struct period_gap;

struct sources_view {
	const char *domain;
	int days;
	int64_t since, until; /* Unix seconds */
	const struct sender_list *senders;
	int all;
	int offline; /* names from the cache only */
	/* Where the reports are when the period has none (digest.h); NULL:
	 * not checked. */
	const struct period_gap *gap;
};

int sources_text(FILE *fp, const struct sources_view *v, int color);
int sources_json(FILE *fp, const struct sources_view *v);

#endif
