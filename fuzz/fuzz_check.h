/*
 * fuzz_check: what every fuzz target does with what it is handed: check
 * the promises of a header, and read every byte so that AddressSanitizer
 * sees a dangling or short buffer at once.
 */
#ifndef DMARCSIFT_FUZZ_CHECK_H
#define DMARCSIFT_FUZZ_CHECK_H

#include <stddef.h>

/* Aborts with "fuzz: contract broken: what" when cond is false: the
 * fuzzer reports it as a crash like any other. */
void fuzz_check(int cond, const char *what);

/* Reads the n bytes at p (kept in a sum, so no read is optimised away). */
void fuzz_touch(const void *p, size_t n);

#endif
