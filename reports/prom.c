/* prom: the Prometheus text format; see prom.h. */
#include "prom.h"

#include "text.h"

#include <float.h>
#include <inttypes.h>
#include <stdlib.h>

/* U+FFFD, for a byte that starts no valid UTF-8 sequence. */
#define REPLACEMENT "\xef\xbf\xbd"

/* s escaped: backslash and newline always, the double quote when quote. */
static void
escaped(FILE *fp, const char *s, int quote)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

	while (*p != '\0') {
		size_t n = utf8_seq_len(p, 4);

		if (n == 0) {
			fputs(REPLACEMENT, fp);
			p++;
		} else if (*p == '\\') {
			fputs("\\\\", fp);
			p++;
		} else if (*p == '\n') {
			fputs("\\n", fp);
			p++;
		} else if (*p == '"' && quote) {
			fputs("\\\"", fp);
			p++;
		} else {
			fwrite(p, 1, n, fp);
			p += n;
		}
	}
}

void
prom_label_value(FILE *fp, const char *s)
{
	escaped(fp, s, 1);
}

void
prom_help_text(FILE *fp, const char *s)
{
	escaped(fp, s, 0);
}

void
prom_family(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s ", name);
	prom_help_text(fp, help);
	fprintf(fp, "\n# TYPE %s %s\n", name, type);
}

/* name{a="x",b="y"} and the space before the value. */
static void
series(FILE *fp, const char *name, const struct prom_label *labels, size_t n)
{
	fputs(name, fp);
	for (size_t i = 0; i < n; i++) {
		fprintf(fp, "%s%s=\"", i == 0 ? "{" : ",", labels[i].name);
		prom_label_value(fp, labels[i].value);
		fputc('"', fp);
	}
	fputs(n > 0 ? "} " : " ", fp);
}

void
prom_sample_u64(FILE *fp, const char *name, const struct prom_label *labels,
    size_t n, uint64_t value)
{
	series(fp, name, labels, n);
	fprintf(fp, "%" PRIu64 "\n", value);
}

void
prom_sample_i64(FILE *fp, const char *name, const struct prom_label *labels,
    size_t n, int64_t value)
{
	series(fp, name, labels, n);
	fprintf(fp, "%" PRId64 "\n", value);
}

const char *
prom_ratio_text(uint64_t part, uint64_t whole, char *buf, size_t size)
{
	double r;

	if (part >= whole) {
		snprintf(buf, size, "1");
		return buf;
	}
	r = (double)part / (double)whole;
	/* Near 2^64 both round to the same double: what failed must not
	 * read as all of it. */
	if (r >= 1.0)
		r = 1.0 - DBL_EPSILON / 2; /* the double just below 1 */
	/* The fewest digits that read back as r: 0.75, not
	 * 0.75000000000000000. */
	for (int digits = 1; digits <= 17; digits++) {
		snprintf(buf, size, "%.*g", digits, r);
		if (strtod(buf, NULL) == r)
			break;
	}
	return buf;
}

void
prom_sample_ratio(FILE *fp, const char *name, const struct prom_label *labels,
    size_t n, uint64_t part, uint64_t whole)
{
	char buf[PROM_RATIO_LEN];

	if (whole == 0)
		return;
	series(fp, name, labels, n);
	fprintf(fp, "%s\n", prom_ratio_text(part, whole, buf, sizeof(buf)));
}
