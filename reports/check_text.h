/*
 * check_text: the checklist of `dmarcsift check`, for a terminal or mail.
 */
#ifndef DMARCSIFT_CHECK_TEXT_H
#define DMARCSIFT_CHECK_TEXT_H

#include <stdio.h>

struct check;

/*
 * Writes the findings of c, grouped (DMARC, SPF, DKIM, MX, PTR, against
 * the reports), one line each with its status, id, subject and
 * explanation, and a "fix:" line under each that did not pass; then notes
 * and the counts.  color: ANSI colours for the statuses (only on a
 * terminal).
 */
void check_text(FILE *fp, const struct check *c, int color);

#endif
