/*
 * tlsrpt: one SMTP TLS report (RFC 8460) from a JSON byte stream (json-c).
 *
 * Bounded rather than streaming: json-c builds a tree, so nothing reaches
 * it before a cheap scan of each chunk has counted the values the chunk
 * opens; the tree of an accepted report is small and is freed before this
 * returns.  The ceilings below are fixed (a real report is a few KB: one
 * policy per domain, a failure detail per failing sender and MX), except
 * the length of one string, which is limit string_bytes as for XML.
 * Every refusal names the member and the reason.
 *
 * Accepted: the members of RFC 8460 section 4.4, others ignored; "mx-host"
 * as a string or an array of strings; "policy-type" in any case.  Refused:
 * anything that is not strict JSON (RFC 8259), invalid UTF-8 or a NUL in a
 * string, a required member missing or of the wrong type, a count that is
 * not a whole number from 0 to 2^32, an end-datetime before the start.
 */
#ifndef DMARCSIFT_TLSRPT_H
#define DMARCSIFT_TLSRPT_H

#include <stddef.h>
#include <stdint.h>

struct bytesrc;
struct err;
struct limits;

#define TLSRPT_MAX_BYTES (16 * 1024 * 1024) /* the JSON text */
#define TLSRPT_MAX_DEPTH 16 /* nesting; a report needs 5 */
/* '{', '[' and ',' outside strings, counted before json-c builds what
 * they open: its tree costs up to 400 bytes for each (an empty object's
 * hash table), so 40 MB at most.  A failure detail takes 9. */
#define TLSRPT_MAX_MARKS 100000
#define TLSRPT_MAX_POLICIES 1000
#define TLSRPT_MAX_FAILURES 10000 /* failure details of one policy */
#define TLSRPT_MAX_STRINGS 1000 /* policy-string or mx-host entries */
/* Counts above this are absurd (four billion sessions to one policy in a
 * report), and the sums over a day's reports of a domain must stay within
 * a bigint: 1,000 policies at 2^32 are 2^42 a report. */
#define TLSRPT_MAX_COUNT (UINT64_C(1) << 32)

struct tlsrpt_failure {
	char *result_type; /* lower case as sent: "certificate-expired" */
	char *sending_mta_ip; /* these may be NULL: left out */
	char *receiving_mx_hostname;
	char *receiving_mx_helo;
	char *receiving_ip;
	char *additional_information;
	char *failure_reason_code;
	uint64_t failed_sessions;
};

struct tlsrpt_policy {
	char *type; /* "sts", "tlsa" or "no-policy-found" */
	char *domain; /* policy-domain, as sent */
	char **strings; /* policy-string entries */
	size_t n_strings;
	char **mx_hosts;
	size_t n_mx_hosts;
	uint64_t successful, failed; /* the summary's session counts */
	struct tlsrpt_failure *failures;
	size_t n_failures;
};

struct tlsrpt_report {
	char *org_name;
	char *report_id;
	char *contact_info; /* NULL when left out */
	int64_t begin, end; /* Unix seconds */
	struct tlsrpt_policy *policies;
	size_t n_policies;
};

/*
 * Reads the report in src into *out (the caller's: tlsrpt_free()).
 * Returns 0, or ERR_MALFORMED (not JSON, not a TLS report, a member
 * missing or wrong), ERR_LIMIT (a ceiling above, or string_bytes) or the
 * stream's error, with err saying why.
 */
int tlsrpt_parse(struct bytesrc *src, const struct limits *lim,
    struct tlsrpt_report **out, struct err *err);

void tlsrpt_free(struct tlsrpt_report *rep);

/*
 * Whether the first n bytes of a JSON text look like a TLS report: they
 * name "organization-name" and "policies".  How a report is found by
 * content.
 */
int tlsrpt_sniff(const unsigned char *p, size_t n);

#define TLSRPT_DIGEST_LEN 32

/*
 * The SHA-256 of what the report says, whatever the order of its policies
 * and of each policy's failure details (reporters that send a report
 * again may order them otherwise): with the reporter, report id, policy
 * domains and range, what says that two copies are one report.
 */
void tlsrpt_digest(
    const struct tlsrpt_report *rep, unsigned char out[TLSRPT_DIGEST_LEN]);

#endif
