/* owned: the setting `domains`; see owned.h. */
#include "owned.h"

#include "cliopt.h"
#include "config.h"
#include "domain.h"
#include "err.h"
#include "log.h"
#include "text.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
owned_domains(const struct config *cfg, char **out)
{
	const char *p = config_str(cfg, CONFIG_DOMAINS);
	size_t cap, o = 0;
	struct err err;
	char *list;

	*out = NULL;
	if (p == NULL || *p == '\0')
		return 0;
	cap = strlen(p) + 1;
	list = xmalloc(cap);
	for (;;) {
		char item[300], name[CLIOPT_DOMAIN_LEN];

		if (text_list_next(&p, item, sizeof(item)) < 0)
			break;
		if (domain_check(item, name, sizeof(name), &err) < 0) {
			log_error("domains (%s): %s",
			    config_origin(cfg, CONFIG_DOMAINS), err.msg);
			free(list);
			return -1;
		}
		o += (size_t)snprintf(
		    list + o, cap - o, "%s%s", o ? "," : "", name);
	}
	*out = list;
	return 0;
}
