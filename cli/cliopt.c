#include "cliopt.h"

#include "err.h"
#include "log.h"

void
cliopt_init(struct cliopt *co)
{
	co->db = NULL;
	limits_init(&co->lim);
}

int
cliopt_handle(struct cliopt *co, int c, const char *arg)
{
	struct err err;

	switch (c) {
	case CLIOPT_DB:
		co->db = arg;
		return 1;
	case CLIOPT_LIMIT:
		if (limits_set(&co->lim, arg, &err) < 0) {
			log_error("%s", err.msg);
			return -1;
		}
		return 1;
	case 'v':
		log_set_verbosity(log_verbosity() + 1);
		return 1;
	case 'q':
		log_set_verbosity(0);
		return 1;
	}
	return 0;
}
