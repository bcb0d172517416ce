/* serve_metrics: serve's /metrics; see serve_metrics.h. */
#include "serve_metrics.h"

#include "analysis_env.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "metrics.h"
#include "metrics_prom.h"
#include "owned.h"
#include "prom.h"
#include "serve_reply.h"

#include <stdio.h>
#include <stdlib.h>

void
serve_metrics_page(struct analysis_env *e, struct httpd_reply *out, int *broken)
{
	struct metrics *m = NULL;
	struct err err;
	char *owned = NULL, *buf = NULL;
	size_t len = 0;
	FILE *fp;

	/* The settings were checked when serve started: this only reads
	 * them again. */
	if (owned_domains(e->cfg, &owned) < 0) {
		serve_fail(out, 0, 500, "Internal error",
		    "the setting domains is wrong; the log says why");
		return;
	}
	if (metrics_read(
	        e->db, owned, clock_last_complete_day_end(), &m, &err) < 0) {
		log_error("metrics: %s", err.msg);
		*broken = 1;
		serve_fail(out, 0, 500, "Internal error",
		    "the database failed; the log says why");
		free(owned);
		return;
	}
	free(owned);
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		metrics_prom(fp, m);
		(void)serve_reply_stream(
		    out, fp, &buf, &len, 200, PROM_CONTENT_TYPE);
	}
	metrics_free(m);
}
