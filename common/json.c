#include "json.h"

#include "clock.h"
#include "text.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

void
json_string(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	while (*p != '\0') {
		size_t n;

		if (*p == '"' || *p == '\\') {
			fputc('\\', fp);
			fputc(*p++, fp);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(fp, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			fputc(*p++, fp);
		} else if ((n = utf8_seq_len(p, 4)) > 0) {
			fwrite(p, 1, n, fp);
			p += n;
		} else {
			fputs("\\ufffd", fp);
			p++;
		}
	}
	fputc('"', fp);
}

void
json_key(FILE *fp, const char *key, int first)
{
	if (!first)
		fputc(',', fp);
	json_string(fp, key);
	fputc(':', fp);
}

void
json_strv(FILE *fp, char *const *v, size_t n)
{
	fputc('[', fp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', fp);
		json_string(fp, v[i]);
	}
	fputc(']', fp);
}

void
json_time(FILE *fp, int64_t t)
{
	char buf[CLOCK_TEXT_LEN];

	/* 0 and below: not known, as the model writes it. */
	if (t <= 0 || clock_text(t, CLOCK_FORM_ISO, buf, sizeof(buf)) < 0)
		fputs("null", fp);
	else
		json_string(fp, buf);
}
void
json_kv_str(FILE *fp, const char *key, const char *v, int first)
{
	json_key(fp, key, first);
	json_string(fp, v);
}

void
json_kv_opt(FILE *fp, const char *key, const char *v, int first)
{
	json_kv_str(fp, key, v != NULL && v[0] != '\0' ? v : NULL, first);
}

void
json_kv_u64(FILE *fp, const char *key, uint64_t v, int first)
{
	json_key(fp, key, first);
	fprintf(fp, "%" PRIu64, v);
}

void
json_kv_i64(FILE *fp, const char *key, int64_t v, int first)
{
	json_key(fp, key, first);
	fprintf(fp, "%" PRId64, v);
}

void
json_kv_int(FILE *fp, const char *key, int v, int first)
{
	json_key(fp, key, first);
	fprintf(fp, "%d", v);
}

void
json_kv_int_opt(FILE *fp, const char *key, int v, int first)
{
	json_key(fp, key, first);
	if (v < 0)
		fputs("null", fp);
	else
		fprintf(fp, "%d", v);
}

void
json_kv_strv(FILE *fp, const char *key, char *const *v, size_t n, int first)
{
	json_key(fp, key, first);
	json_strv(fp, v, n);
}

void
json_kv_bool(FILE *fp, const char *key, int v, int first)
{
	json_key(fp, key, first);
	fputs(v ? "true" : "false", fp);
}

void
json_kv_time(FILE *fp, const char *key, int64_t t, int first)
{
	json_key(fp, key, first);
	json_time(fp, t);
}
