/*
 * asan_options: defaults for AddressSanitizer in every fuzz target.
 *
 * ASan keeps freed memory in a quarantine of 256 MB by default, so a fuzz
 * run's RSS climbs past any -rss_limit_mb worth setting (440-560 MB was
 * seen) and libFuzzer reports an out-of-memory that no input caused.  A
 * 32 MB quarantine still catches use after free in one input; with it,
 * fuzz_unpack stays near 120 MB over a million runs.  ASAN_OPTIONS in the
 * environment still wins.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=32";
}
