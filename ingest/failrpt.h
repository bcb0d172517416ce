/*
 * failrpt: one DMARC failure report (RFC 6591 auth-failure, RFC 7489
 * section 7.3) from the text of its message/feedback-report part and the
 * header block of the original message it carries.
 *
 * A failure report holds personal data: the original's addresses,
 * subject, and often its whole body.  Only what names the failure is read:
 * the feedback fields below, and of the original its header field NAMES
 * and the values of From, Subject, Message-ID and Date.  Bodies and every
 * other value (Received, Authentication-Results, DKIM-Canonicalized-Body,
 * which carries the body) are never copied out of the input's bytes.
 * MIME is unpack_mail's: this module sees two header blocks, no GMime.
 *
 * Bounded: fixed ceilings on the part's size and the number of fields of
 * each block, limit string_bytes on one value.  Refused (ERR_MALFORMED):
 * a feedback field that is not "Name: value", a value with invalid UTF-8
 * or a control character, Reported-Domain missing or not a domain name,
 * a Source-IP that is not one address, an Arrival-Date that is no date.
 * Not refused but skipped (ERR_NOT_AGGREGATE): a feedback report of
 * another type (abuse, fraud ...).  The original's values are another
 * sender's text: invalid UTF-8 and control characters there become
 * U+FFFD, the report is kept.
 */
#ifndef DMARCSIFT_FAILRPT_H
#define DMARCSIFT_FAILRPT_H

#include <stddef.h>
#include <stdint.h>

struct bytesrc;
struct err;
struct limits;

#define FAILRPT_MAX_BYTES (256 * 1024) /* the feedback-report part */
#define FAILRPT_MAX_FIELDS 200 /* fields of that part; a real one has 15 */
#define FAILRPT_MAX_HEADERS 1000 /* header fields of the original */
#define FAILRPT_MAX_LIST 50 /* Auth-Failure or Original-Rcpt-To fields */

struct failrpt_report {
	/* Who sent the report: the address of its mail's From, lower case,
	 * else the name Reporting-MTA gives, else "". */
	char *reporter;
	char *reported_domain; /* lower case; always there */
	char *source_ip; /* canonical (ipaddr.h); NULL when not said */
	int64_t arrival; /* Arrival-Date (or Received-Date), Unix seconds */
	int has_arrival;
	char **auth_failures; /* lower case: dkim, spf, dmarc, bodyhash ... */
	size_t n_auth_failures;
	/* The rest of the feedback fields as sent (unfolded, trimmed); NULL
	 * when left out.  identity_alignment and delivery_result in lower
	 * case. */
	char *dkim_domain, *dkim_selector, *dkim_identity;
	char *spf_dns; /* "txt; example.com" */
	char *identity_alignment, *delivery_result;
	char *original_mail_from;
	char **original_rcpt_to;
	size_t n_original_rcpt_to;
	char *reporting_mta, *user_agent, *version;
	/* The original message: the names of its header fields in order (as
	 * spelt), and four values; all NULL / 0 when the report has none.
	 * message_id falls back to the feedback part's own Message-ID field,
	 * which some reporters write there. */
	char **header_names;
	size_t n_header_names;
	char *orig_from, *orig_subject, *orig_message_id, *orig_date;
};

/*
 * Reads the message/feedback-report part in src and the original's
 * header block orig (orig_len bytes; NULL when the report carries none:
 * text/rfc822-headers as sent, or a message/rfc822's fields as "Name:
 * value" lines).  report_from is the address of the report mail's From
 * (NULL: unknown).  *out is the caller's (failrpt_free()).  Returns 0,
 * ERR_NOT_AGGREGATE (another feedback type), ERR_MALFORMED, ERR_LIMIT or
 * the stream's error, with err naming the field and the reason.
 */
int failrpt_parse(struct bytesrc *src, const char *orig, size_t orig_len,
    const char *report_from, const struct limits *lim,
    struct failrpt_report **out, struct err *err);

void failrpt_free(struct failrpt_report *rep);

#define FAILRPT_KEY_LEN 32

/*
 * What says two copies are one report: the SHA-256 of its reporter,
 * Source-IP, Arrival-Date and the original's Message-ID, or, when it has
 * no Message-ID, of every field read.
 */
void failrpt_key(
    const struct failrpt_report *rep, unsigned char out[FAILRPT_KEY_LEN]);

#endif
