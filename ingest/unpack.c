#include "unpack.h"

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"

#include <string.h>

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* An RFC 5322 header field name followed by a colon, at the start. */
static int
looks_like_header(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && i < 77 &&
	    ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') ||
	        (p[i] >= '0' && p[i] <= '9') || p[i] == '-' || p[i] == '_'))
		i++;
	return i > 0 && i < n && p[i] == ':';
}

int
unpack_sniff(struct bytesrc *src, enum content_kind *kind, struct err *err)
{
	const unsigned char *p;
	ssize_t got = bytesrc_peek(src, 512, &p, err);
	size_t n, i = 0;

	if (got < 0)
		return (int)got;
	n = (size_t)got;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		*kind = CONTENT_GZIP;
		return 0;
	}
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6))) {
		*kind = CONTENT_ZIP;
		return 0;
	}
	/* UTF-16 and UTF-32 documents: a BOM, or "<" with zero bytes. */
	if (n >= 2 &&
	    ((p[0] == 0xfe && p[1] == 0xff) || (p[0] == 0xff && p[1] == 0xfe) ||
	        (p[0] == 0 && p[1] == '<') || (p[0] == '<' && p[1] == 0))) {
		*kind = CONTENT_XML;
		return 0;
	}
	if (n >= 5 && memcmp(p, "From ", 5) == 0) {
		*kind = CONTENT_MAIL;
		return 0;
	}
	if (looks_like_header(p, n)) {
		*kind = CONTENT_MAIL;
		return 0;
	}
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && is_space(p[i]))
		i++;
	if (i == n)
		*kind = src->eof ? CONTENT_EMPTY : CONTENT_UNKNOWN;
	else if (p[i] == '<')
		*kind = CONTENT_XML;
	else if (p[i] == '{')
		*kind = CONTENT_JSON;
	else
		*kind = CONTENT_UNKNOWN;
	return 0;
}

const char *
unpack_kind_name(enum content_kind kind)
{
	switch (kind) {
	case CONTENT_EMPTY:
		return "empty";
	case CONTENT_XML:
		return "XML";
	case CONTENT_GZIP:
		return "gzip";
	case CONTENT_ZIP:
		return "zip";
	case CONTENT_MAIL:
		return "mail";
	case CONTENT_JSON:
		return "JSON";
	case CONTENT_UNKNOWN:
		break;
	}
	return "unknown";
}

int
unpack_account(struct unpack_env *env, uint64_t n, uint64_t in, uint64_t out,
    struct err *err)
{
	const struct limits *lim = env->lim;

	env->inflated += n;
	if (env->inflated > lim->decompressed_bytes)
		return err_set(err, ERR_LIMIT,
		    "more than %llu bytes decompressed (limit "
		    "decompressed_bytes)",
		    (unsigned long long)lim->decompressed_bytes);
	if (out > lim->ratio_after && in > 0 && out / in > lim->ratio)
		return err_set(err, ERR_LIMIT,
		    "compression ratio over %llu:1 (limit ratio): a "
		    "decompression bomb?",
		    (unsigned long long)lim->ratio);
	return 0;
}
