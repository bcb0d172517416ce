/*
 * sources_group: a few sources grouped by who sends them, in memory, the
 * way source_senders() (sql/defs/40_source_senders.sql, the rule's one
 * home) groups a period's sources: for the unit tests' fixtures, which
 * hand readiness and the renderers a handful of sources.
 */
#ifndef DMARCSIFT_TEST_SOURCES_GROUP_H
#define DMARCSIFT_TEST_SOURCES_GROUP_H

#include <stddef.h>

#include "sources.h"

/*
 * Groups n sources (pointers into a list) by who, each group's members
 * most failed first, the groups most failed first (then most mail, then
 * by name).  O(n log n).  *out is the caller's: source_groups_free(); the
 * groups borrow the sources, which must outlive them.
 */
void sources_group(const struct source *const *v, size_t n,
    struct source_group **out, size_t *nout);
void source_groups_free(struct source_group *g, size_t n);

#endif
