/*
 * fuzz_check: contract checks and reads for the fuzz targets; see
 * fuzz_check.h.
 */
#include "fuzz_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static volatile uint64_t touched;

void
fuzz_check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz: contract broken: %s\n", what);
		abort();
	}
}

void
fuzz_touch(const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		touched += s[i];
}
