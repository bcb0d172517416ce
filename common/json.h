/*
 * json: the few pieces needed to write JSON text to a stdio stream.
 */
#ifndef DMARCSIFT_JSON_H
#define DMARCSIFT_JSON_H

#include <stdio.h>

/* Writes s as a JSON string, or null when s is NULL.  Bytes that are not
 * valid UTF-8 become U+FFFD, so the output is always valid JSON. */
void json_string(FILE *fp, const char *s);
/* Writes "key": (with a leading comma unless first). */
void json_key(FILE *fp, const char *key, int first);

#endif
