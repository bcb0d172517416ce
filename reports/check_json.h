/*
 * check_json: `dmarcsift check --json`, one object; the keys are
 * documented in README.md and stay stable.
 */
#ifndef DMARCSIFT_CHECK_JSON_H
#define DMARCSIFT_CHECK_JSON_H

#include <stdio.h>

struct check;
struct dnscheck_list;

void check_json(FILE *fp, const struct check *c);

/* The findings of l as an array of {id, status, subject, text, fix} (fix
 * null for one that passed): check's "items", the summary's "dns". */
void check_json_findings(FILE *fp, const struct dnscheck_list *l);

#endif
