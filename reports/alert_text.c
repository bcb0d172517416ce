/* alert_text: the new events of a run, for a person; see alert_render.h. */
#include "alert.h"
#include "alert_render.h"

#include "clock.h"

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

		if (!a->is_new)
			continue;
		fprintf(fp, "\n[%s] %s\n  fix: %s\n", alert_kind_name(a->kind),
		    a->text, a->fix);
	}
}
