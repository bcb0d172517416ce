/* serve_pool: the connections of `dmarcsift serve`; see serve_pool.h. */
#include "serve_pool.h"

#include "analysis_env.h"
#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	struct analysis_env env;
	int busy, broken;
};

struct serve_pool {
	pthread_mutex_t mu;
	pthread_cond_t freed;
	const char *db_opt; /* borrowed from argv */
	struct slot *v;
	size_t n;
};

/* One environment and its connection; the verdicts brought up to date
 * once here, and before each page by the handler. */
static int
slot_open(struct slot *s, const char *db_opt)
{
	const struct config *cfg;
	struct db *db = NULL;
	struct err err;

	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	if (analysis_env_init(&s->env, cfg) < 0)
		return -1;
	s->env.offline = 1;
	if (dbconn_open(db_opt, &db, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return -1;
	}
	/* No domain, and offline: judges what is new, looks nothing up. */
	if (analysis_env_attach(&s->env, db, NULL, 0, 1) < 0)
		return -1;
	analysis_env_end_reading(&s->env);
	return 0;
}

int
serve_pool_open(struct serve_pool **out, const char *db_opt, size_t n)
{
	struct serve_pool *p = xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->db_opt = db_opt;
	p->v = xcalloc(n, sizeof(*p->v));
	p->n = n;
	dbconn_reading();
	for (size_t i = 0; i < n; i++)
		if (slot_open(&p->v[i], db_opt) < 0) {
			serve_pool_close(p);
			return -1;
		}
	*out = p;
	return 0;
}

struct analysis_env *
serve_pool_take(struct serve_pool *p)
{
	struct slot *s = NULL;
	struct err err;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		for (size_t i = 0; i < p->n && s == NULL; i++)
			if (!p->v[i].busy)
				s = &p->v[i];
		if (s != NULL)
			break;
		pthread_cond_wait(&p->freed, &p->mu);
	}
	s->busy = 1;
	pthread_mutex_unlock(&p->mu);
	if (s->broken) {
		struct db *db = NULL;

		db_close(s->env.db);
		s->env.db = NULL;
		if (dbconn_open(p->db_opt, &db, &err) < 0) {
			log_error("reconnecting: %s", err.msg);
			db_close(db);
			serve_pool_give(p, &s->env, 1);
			return NULL;
		}
		s->env.db = db;
		s->broken = 0;
	}
	return &s->env;
}

void
serve_pool_give(struct serve_pool *p, struct analysis_env *e, int broken)
{
	/* e is the first member of its slot. */
	struct slot *s = (struct slot *)(void *)e;

	/* The next page reads what is committed by then. */
	analysis_env_end_reading(e);
	pthread_mutex_lock(&p->mu);
	s->broken = s->broken || broken;
	s->busy = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->mu);
}

void
serve_pool_close(struct serve_pool *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		analysis_env_close(&p->v[i].env);
	free(p->v);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
