/*
 * unpack: what wraps a report (gzip, zip, mail), recognised by content.
 *
 * Nothing here trusts a file name or a MIME type: unpack_sniff() looks at the
 * first bytes.  Each container is a backend with one function, each(), that
 * calls fn once for every inner stream it holds (a gzip stream: once; a zip:
 * per member; a mail: per leaf MIME part).  The reader sniffs each inner
 * stream again, so gzip in gzip, zip in mail and the like just work, up to
 * limit "layers".  A test can call a backend directly or swap one in.
 *
 * Ownership: each() owns the inner streams it makes and frees them after fn
 * returns; fn must not keep them.
 */
#ifndef DMARCSIFT_UNPACK_H
#define DMARCSIFT_UNPACK_H

#include <stddef.h>
#include <stdint.h>

struct bytesrc;
struct err;
struct limits;

enum content_kind {
	CONTENT_EMPTY, /* no bytes, or only white space */
	CONTENT_XML, /* "<" after an optional BOM and white space */
	CONTENT_GZIP, /* 1f 8b */
	CONTENT_ZIP, /* PK 03 04, or PK 05 06 (empty archive) */
	CONTENT_MAIL, /* a "From " line or RFC 5322 header fields */
	CONTENT_JSON, /* "{": an SMTP TLS report, or something else */
	CONTENT_UNKNOWN, /* anything else */
};

/* Hints a mail leaves about what it is, when it holds no aggregate report. */
enum unpack_hint {
	HINT_NONE = 0,
	HINT_FAILURE_REPORT = 1, /* ARF: message/feedback-report (ruf) */
	HINT_TLS_REPORT = 2, /* RFC 8460: report-type=tlsrpt */
};

/*
 * What the rest of an ARF report (RFC 5965, RFC 6591) says, handed with its
 * message/feedback-report part: the mail backend sets env->arf while fn
 * reads that one part, NULL otherwise.  Borrowed for the call.
 */
struct unpack_arf {
	const char *from; /* the address in the report mail's From, or NULL */
	/* The original message's header block: text/rfc822-headers as
	 * decoded, or a message/rfc822's fields as "Name: raw value" lines
	 * (never its body); NULL when the report carries none. */
	const char *orig;
	size_t orig_len;
};

/* State shared by every layer of one input. */
struct unpack_env {
	const struct limits *lim;
	uint64_t inflated; /* bytes inflated so far, all layers; limit
	                      decompressed_bytes */
	int hint; /* enum unpack_hint, set by the mail backend */
	const struct unpack_arf *arf; /* see struct unpack_arf */
};

/*
 * Called once per inner stream.  label says where it is, for messages
 * ("zip member 'a.xml'", "part 2 application/gzip 'r.xml.gz'"); a
 * transparent layer (gzip) passes "".  When the
 * container could not open this item, inner is NULL and err says why.
 * Returns 0 to go on, or a negative err_code (err set) to stop the whole
 * container, which then returns that code.
 */
typedef int (*unpack_item_fn)(
    void *arg, struct bytesrc *inner, const char *label, struct err *err);

struct unpack_backend {
	const char *name; /* "gzip", "zip", "mail" */
	/* Returns 0, or a negative err_code when the container itself is
	 * unreadable or fn asked to stop. */
	int (*each)(struct bytesrc *src, struct unpack_env *env,
	    unpack_item_fn fn, void *arg, struct err *err);
};

extern const struct unpack_backend unpack_gzip;
extern const struct unpack_backend unpack_zip;
extern const struct unpack_backend unpack_mail;

/* Looks at the first bytes of src (without consuming them). */
int unpack_sniff(struct bytesrc *src, enum content_kind *kind, struct err *err);
const char *unpack_kind_name(enum content_kind kind);

/*
 * Counts n freshly inflated bytes against limit decompressed_bytes, and
 * out/in against limit ratio once out passes ratio_after.  For the
 * gzip and zip backends.  Returns 0 or ERR_LIMIT with err set.
 */
int unpack_account(struct unpack_env *env, uint64_t n, uint64_t in,
    uint64_t out, struct err *err);

/*
 * gzip-compresses len bytes (under 4 GiB) of buf into a new buffer, the
 * caller's (*out, free()), for archiving inputs.  Returns 0 or -1.
 */
int unpack_gzip_compress(
    const void *buf, size_t len, unsigned char **out, size_t *out_len);

/*
 * Inflates one gzip member of buf into a new buffer (the caller's), for
 * archived inputs; more than max bytes, or bad data, returns -1.
 */
int unpack_gzip_decompress(const void *buf, size_t len, uint64_t max,
    unsigned char **out, size_t *out_len);

#endif
