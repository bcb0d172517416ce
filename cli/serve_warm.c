/* serve_warm: the thread that keeps the costly pages computed (serve_warm.h).
 */
#include "serve_warm.h"

#include "log.h"
#include "serve_routes.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct serve_warm {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
	unsigned seconds;
	const struct serve_routes *r;
};

static void *
run(void *arg)
{
	struct serve_warm *w = arg;
	struct timespec at;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		pthread_mutex_unlock(&w->mu);
		serve_routes_warm(w->r);
		pthread_mutex_lock(&w->mu);
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_sec += w->seconds;
		while (!w->stop &&
		    pthread_cond_timedwait(&w->wake, &w->mu, &at) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
serve_warm_start(
    struct serve_warm **out, const struct serve_routes *r, unsigned seconds)
{
	struct serve_warm *w = xcalloc(1, sizeof(*w));
	pthread_condattr_t ca;
	int rc;

	*out = NULL;
	w->r = r;
	w->seconds = seconds > 0 ? seconds : 1;
	pthread_mutex_init(&w->mu, NULL);
	/* A clock that no change of the time of day moves. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &ca);
	pthread_condattr_destroy(&ca);
	if ((rc = pthread_create(&w->thread, NULL, run, w)) != 0) {
		log_error(
		    "serve: no thread to keep pages warm: %s", strerror(rc));
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void
serve_warm_stop(struct serve_warm *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
