/* serve_cache: serve's costly answers kept per snapshot (serve_cache.h). */
#include "serve_cache.h"

#include "httpd.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct kept {
	void *key; /* NULL: the slot is free */
	size_t klen;
	char *stamp;
	int status;
	const char *type, *cache;
	char *body;
	size_t len;
	uint64_t used; /* the tick of its last use: the oldest goes first */
};

struct serve_cache {
	pthread_mutex_t lock;
	struct kept *v;
	size_t n, bytes, max_bytes;
	uint64_t tick;
	/* serve's own transactions, the latest SERVE_CACHE_OWN: a ring */
	uint64_t own[SERVE_CACHE_OWN];
	size_t nown, next_own;
};

/* A snapshot as pg_current_snapshot() writes it: xmin:xmax:xip,... */
#define XIP_MAX 64
struct stamp {
	uint64_t xmin, xmax;
	uint64_t xip[XIP_MAX];
	size_t nxip;
};

/* s into *st: 0, or -1 when it is not such a snapshot. */
static int
stamp_read(const char *s, struct stamp *st)
{
	char *end;

	memset(st, 0, sizeof(*st));
	if (*s < '0' || *s > '9')
		return -1;
	st->xmin = strtoull(s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return -1;
	st->xmax = strtoull(end + 1, &end, 10);
	if (*end != ':' || st->xmin > st->xmax)
		return -1;
	s = end + 1;
	while (*s != '\0') {
		if (st->nxip == XIP_MAX || *s < '0' || *s > '9')
			return -1;
		st->xip[st->nxip++] = strtoull(s, &end, 10);
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		s = end;
	}
	return 0;
}

/* Whether x is among the n of v: a few dozen in flight, or the own ring. */
static int
among(const uint64_t *v, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/*
 * Whether snapshot b sees the data a saw.  What b sees and a did not is
 * what transactions completed between them wrote: those at or past a's
 * xmax and those a had in flight, except those still in flight in b.
 * Each must be one of serve's own, which write nothing another snapshot
 * sees; counted, not looked up one by one: a large ingest between them
 * is millions of ids.
 */
static int
same_data(const struct serve_cache *c, const char *sa, const char *sb)
{
	struct stamp a, b;
	uint64_t span, own = 0, flight = 0;

	if (stamp_read(sa, &a) < 0 || stamp_read(sb, &b) < 0 || b.xmax < a.xmax)
		return 0;
	for (size_t i = 0; i < a.nxip; i++)
		if (!among(b.xip, b.nxip, a.xip[i]) &&
		    !among(c->own, c->nown, a.xip[i]))
			return 0;
	span = b.xmax - a.xmax;
	if (span == 0)
		return 1;
	for (size_t i = 0; i < b.nxip; i++)
		flight += b.xip[i] >= a.xmax && b.xip[i] < b.xmax;
	if (span - flight > c->nown)
		return 0;
	for (size_t i = 0; i < c->nown; i++)
		own += c->own[i] >= a.xmax && c->own[i] < b.xmax &&
		    !among(b.xip, b.nxip, c->own[i]);
	return own == span - flight;
}

void
serve_cache_own(struct serve_cache *c, uint64_t xid)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	if (!among(c->own, c->nown, xid)) {
		c->own[c->next_own] = xid;
		c->next_own = (c->next_own + 1) % SERVE_CACHE_OWN;
		if (c->nown < SERVE_CACHE_OWN)
			c->nown++;
	}
	pthread_mutex_unlock(&c->lock);
}

struct serve_cache *
serve_cache_new(size_t entries, size_t bytes)
{
	struct serve_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	c->v = xcalloc(entries > 0 ? entries : 1, sizeof(*c->v));
	c->n = entries;
	c->max_bytes = bytes;
	return c;
}

static void
drop(struct serve_cache *c, struct kept *k)
{
	c->bytes -= k->len;
	free(k->key);
	free(k->stamp);
	free(k->body);
	memset(k, 0, sizeof(*k));
}

void
serve_cache_free(struct serve_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].key != NULL)
			drop(c, &c->v[i]);
	free(c->v);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The slot of key, or NULL.  A linear look: a few dozen slots. */
static struct kept *
find(struct serve_cache *c, const void *key, size_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].key != NULL && c->v[i].klen == len &&
		    memcmp(c->v[i].key, key, len) == 0)
			return &c->v[i];
	return NULL;
}

int
serve_cache_get(struct serve_cache *c, const void *key, size_t len,
    const char *stamp, struct httpd_reply *out)
{
	struct kept *k;
	int hit = 0;

	if (c == NULL || stamp == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	if ((k = find(c, key, len)) != NULL) {
		if (!same_data(c, k->stamp, stamp)) {
			/* Read before a write since: never right again. */
			drop(c, k);
		} else {
			k->used = ++c->tick;
			out->status = k->status;
			out->type = k->type;
			out->cache = k->cache;
			out->body = xmalloc(k->len > 0 ? k->len : 1);
			memcpy(out->body, k->body, k->len);
			out->len = k->len;
			out->body_static = 0;
			hit = 1;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void
serve_cache_put(struct serve_cache *c, const void *key, size_t len,
    const char *stamp, const struct httpd_reply *r)
{
	struct kept *k;

	if (c == NULL || stamp == NULL || r->status != 200 || r->body == NULL ||
	    r->body_static || r->attachment[0] != '\0' ||
	    r->len > c->max_bytes / 4 || strlen(stamp) >= SERVE_CACHE_STAMP_MAX)
		return;
	pthread_mutex_lock(&c->lock);
	if ((k = find(c, key, len)) != NULL)
		drop(c, k);
	/* Room: the least recently used go until the body fits and a slot
	 * is free. */
	for (;;) {
		struct kept *free_slot = NULL, *oldest = NULL;

		for (size_t i = 0; i < c->n; i++) {
			struct kept *x = &c->v[i];

			if (x->key == NULL) {
				if (free_slot == NULL)
					free_slot = x;
			} else if (oldest == NULL || x->used < oldest->used) {
				oldest = x;
			}
		}
		if (free_slot != NULL && c->bytes + r->len <= c->max_bytes) {
			k = free_slot;
			break;
		}
		if (oldest == NULL)
			goto out; /* nothing to let go, and no room */
		drop(c, oldest);
	}
	k->key = xmalloc(len > 0 ? len : 1);
	memcpy(k->key, key, len);
	k->klen = len;
	k->stamp = xstrdup(stamp);
	k->status = r->status;
	k->type = r->type;
	k->cache = r->cache;
	k->body = xmalloc(r->len > 0 ? r->len : 1);
	memcpy(k->body, r->body, r->len);
	k->len = r->len;
	k->used = ++c->tick;
	c->bytes += k->len;
out:
	pthread_mutex_unlock(&c->lock);
}
