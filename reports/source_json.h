/*
 * source_json: a source's keys as `dmarcsift sources --json` and the
 * summary's JSON both write them (reports/README.md), so that the two
 * cannot name or judge them differently.
 */
#ifndef DMARCSIFT_SOURCE_JSON_H
#define DMARCSIFT_SOURCE_JSON_H

#include <stdio.h>

struct source;

/*
 * The keys of s from "class" to "last_seen", each after a comma: class,
 * service, ptr (null when the row stands for several addresses: each has
 * its own), its counts, cause (cause_text and fix null when none failed
 * or the cause is one this build does not know), the DKIM and SPF
 * domains, reporters, first and last seen.
 */
void source_json_fields(FILE *fp, const struct source *s, int several);

#endif
