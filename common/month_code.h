/*
 * month_code: the month a report's id says (sql/016_month_partitions.sql).
 *
 * Records and the rollup are partitioned by their report's id, a month a
 * partition: the store makes each id (code << MONTH_CODE_SHIFT) | n, n
 * from the database's sequence and code the month the report begins in,
 * 1 for 2000-01, 2 for 2000-02, and so on.  A month no honest report
 * begins in (more than MONTH_CODE_BACK months before the clock, or after
 * the month that follows it) gets MONTH_CODE_OTHER, so that strangers
 * cannot make a partition a month by dating reports at will.
 */
#ifndef DMARCSIFT_MONTH_CODE_H
#define DMARCSIFT_MONTH_CODE_H

#include <stdint.h>

#define MONTH_CODE_SHIFT 40
#define MONTH_CODE_OTHER 1
#define MONTH_CODE_BACK 36

/* The code of the UTC month of t, never below 1 (t before 2000: 1). */
int month_code_of(int64_t t);

/* The code a report beginning at begin gets when the clock says now
 * (begin 0: not said, the month of now). */
int month_code_for(int64_t begin, int64_t now);

/* The report id of sequence number seq in month code; -1 when seq does
 * not fit below the code. */
int64_t month_code_id(int code, int64_t seq);

#endif
