/*
 * oauth2_json: the members of one JSON object, as a token endpoint, a
 * device endpoint and a service account's key file write them.
 *
 * Only the top level is kept: strings decoded (escapes, \uXXXX and
 * surrogate pairs to UTF-8), numbers, true, false and null as their text;
 * nested objects and arrays are checked and skipped.  At most
 * OAUTH2_JSON_MEMBERS members and OAUTH2_JSON_TEXT_MAX bytes of text: an
 * answer past either is refused (ERR_LIMIT), as is one that is not a JSON
 * object (ERR_MALFORMED).  Values may be secrets (tokens, a private key):
 * oauth2_json_free() wipes them, and errors never quote the text.
 */
#ifndef DMARCSIFT_OAUTH2_JSON_H
#define DMARCSIFT_OAUTH2_JSON_H

#include <stddef.h>

struct err;

#define OAUTH2_JSON_MEMBERS 64
#define OAUTH2_JSON_TEXT_MAX (64 * 1024)
#define OAUTH2_JSON_DEPTH 16

struct oauth2_json_member {
	char *key;
	char *value; /* NUL-terminated; a string may hold no NUL */
	int is_string; /* 0: a number, true, false, null or a skipped value */
};

struct oauth2_json {
	size_t n;
	struct oauth2_json_member m[OAUTH2_JSON_MEMBERS];
};

/* Parses text (len bytes) into *j, which owns its strings until
 * oauth2_json_free(); *j is empty after a failure. */
int oauth2_json_parse(
    struct oauth2_json *j, const char *text, size_t len, struct err *err);
/* The string member key, or NULL (absent, or not a string). */
const char *oauth2_json_str(const struct oauth2_json *j, const char *key);
/* The number member key when it is a whole number (or a string of digits,
 * as some servers write expires_in), else dflt. */
long long oauth2_json_int(
    const struct oauth2_json *j, const char *key, long long dflt);
/* Wipes and frees the members; a zeroed j is fine. */
void oauth2_json_free(struct oauth2_json *j);

#endif
