/*
 * json: the few pieces needed to write JSON text to a stdio stream.
 */
#ifndef DMARCSIFT_JSON_H
#define DMARCSIFT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s as a JSON string, or null when s is NULL.  Bytes that are not
 * valid UTF-8 become U+FFFD, so the output is always valid JSON. */
void json_string(FILE *fp, const char *s);
/* Writes "key": (with a leading comma unless first). */
void json_key(FILE *fp, const char *key, int first);

/* An array of n strings (json_string() each). */
void json_strv(FILE *fp, char *const *v, size_t n);

/* A time as "YYYY-MM-DDTHH:MM:SSZ" (UTC); null for t <= 0 or past the
 * year 9999. */
void json_time(FILE *fp, int64_t t);

/* "key": value pairs, a comma first unless first.  json_kv_opt writes
 * null for NULL and "" (a value the report left out). */
void json_kv_str(FILE *fp, const char *key, const char *v, int first);
void json_kv_opt(FILE *fp, const char *key, const char *v, int first);
void json_kv_u64(FILE *fp, const char *key, uint64_t v, int first);
void json_kv_i64(FILE *fp, const char *key, int64_t v, int first);
void json_kv_int(FILE *fp, const char *key, int v, int first);
/* null for v < 0: a percentage, a step, ... that is not known. */
void json_kv_int_opt(FILE *fp, const char *key, int v, int first);
void json_kv_strv(
    FILE *fp, const char *key, char *const *v, size_t n, int first);
void json_kv_bool(FILE *fp, const char *key, int v, int first);
void json_kv_time(FILE *fp, const char *key, int64_t t, int first);

#endif
