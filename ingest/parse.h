/*
 * parse: one DMARC aggregate report from an XML byte stream (libxml2 SAX2).
 *
 * Streaming: records go to the sink one at a time and are freed after the
 * callback returns, so memory does not grow with the number of records.
 * Safe by construction: no network, no DTD (a DOCTYPE refuses the input
 * before any entity can be declared), no external entities, and the limits
 * in struct limits on depth, records, results per record and text length.
 *
 * Accepted: no namespace, dmarc-xml/0.1, 0.2, RFC 9990's
 * urn:ietf:params:xml:ns:dmarc-2.0 (others with a warning); elements in
 * any order; unknown elements ignored; values trimmed; known enumeration
 * words case-folded.  Salvaged with a warning: invalid UTF-8 in text (made
 * U+FFFD), a stray element wrapping <feedback>, trouble after </feedback>.
 */
#ifndef DMARCSIFT_PARSE_H
#define DMARCSIFT_PARSE_H

struct bytesrc;
struct dmarc_record;
struct dmarc_report;
struct err;
struct limits;

struct report_sink {
	void *ctx;
	/* A record is complete.  rep may still lack fields that come later in
	 * the document.  rec is borrowed for the call. */
	int (*record)(void *ctx, const struct dmarc_report *rep,
	    const struct dmarc_record *rec, struct err *err);
	/* The report is complete and accepted; where is its place in the
	 * input ("" at top level).  rep is borrowed for the call. */
	int (*report)(void *ctx, const struct dmarc_report *rep,
	    const char *where, struct err *err);
	/* The report was refused after records were handed over. */
	void (*discard)(void *ctx);
};

/*
 * Parses the report in src.  Returns 0 after sink->report() accepted it;
 * otherwise a negative err_code with err set: ERR_MALFORMED (bad XML,
 * missing required fields, a DOCTYPE), ERR_LIMIT, ERR_NOT_AGGREGATE (well-
 * formed XML that is not a <feedback> report), ERR_SINK, or the error of
 * the stream.  where (the report's place in its input) is passed on to
 * sink->report() and names the document for libxml2.
 */
int parse_report(struct bytesrc *src, const char *where,
    const struct limits *lim, const struct report_sink *sink, struct err *err);

#endif
