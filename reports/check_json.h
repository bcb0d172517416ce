/*
 * check_json: `dmarcsift check --json`, one object; the keys are
 * documented in README.md and stay stable.
 */
#ifndef DMARCSIFT_CHECK_JSON_H
#define DMARCSIFT_CHECK_JSON_H

#include <stdio.h>

struct check;

void check_json(FILE *fp, const struct check *c);

#endif
