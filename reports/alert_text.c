/* alert_text: the new events of a run, for a person; see alert_render.h. */
#include "alert.h"
#include "alert_render.h"

#include "clock.h"
#include "present.h"

/* The longest text or fix line shown; a longer one is cut with "...". */
#define ALERT_LINE_MAX 1024

void
alert_text(FILE *fp, const struct alert_list *l)
{
	char day[11];

	if (l->nnew == 0)
		return;
	clock_day_text(l->day, day, sizeof(day));
	fprintf(fp, "dmarcsift alert: %zu new (the last complete day: %s)\n",
	    l->nnew, day);
	for (size_t i = 0; i < l->n; i++) {
		const struct alert *a = &l->v[i];
		char text[ALERT_LINE_MAX], fix[ALERT_LINE_MAX];

		if (!a->is_new)
			continue;
		/* The lines name reporters, foreign domains and refused
		 * inputs, all strangers' strings: printable, for a terminal,
		 * cron's mail and the webhook alike. */
		fprintf(fp, "\n[%s] %s\n  fix: %s\n", alert_kind_name(a->kind),
		    present_safe(a->text, text, sizeof(text)),
		    present_safe(a->fix, fix, sizeof(fix)));
	}
}
