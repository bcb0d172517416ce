/*
 * summary_text: the summary for a terminal or cron's mail.
 */
#ifndef DMARCSIFT_SUMMARY_TEXT_H
#define DMARCSIFT_SUMMARY_TEXT_H

#include <stdio.h>

struct summary;

/* domain: the one asked for, or NULL for all. */
void summary_text(FILE *fp, const struct summary *s, const char *domain);

#endif
