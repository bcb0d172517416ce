/*
 * resolve_wire: DNS names and answers as bytes, for resolve.c.  No socket,
 * no c-ares: the name a lookup sends, checked, and the answer that comes
 * back, parsed into a struct resolve_result.  Pure functions, so a test or
 * a fuzz target can feed them any bytes.
 *
 * An answer comes from strangers and is read under hard bounds: every read
 * is checked against the message length; a name is decoded to at most 255
 * wire bytes, following at most 64 compression pointers, each pointing
 * before the one that holds it, so no message can make the reader loop; a
 * CNAME chain is followed for at most 8 names; RESOLVE_MAX_RECORDS records
 * are kept.  What comes out is bounded and printable as struct
 * resolve_record says.
 */
#ifndef DMARCSIFT_RESOLVE_WIRE_H
#define DMARCSIFT_RESOLVE_WIRE_H

#include <stddef.h>

#include "resolve.h"

/* The RR type of t on the wire: 1 for A, 28 AAAA, 12 PTR, 16 TXT, 15 MX,
 * 52 TLSA. */
int resolve_wire_type(enum resolve_type t);

/*
 * Checks a name to send: letters, digits, '-' and '_' in labels of 1-63
 * bytes, 253 bytes in all, one final dot allowed (the names that
 * resolve_record.hostname calls host names, and more case).  Returns a
 * lower-cased copy without the final dot, which the caller frees; NULL for
 * NULL or a name that fails.
 */
char *resolve_wire_qname(const char *name);

/*
 * Reads msg[0..len), a DNS answer message, as the answer to a question of
 * type res->type, and fills res: status from the rcode and the records,
 * the records of the type asked (in answer order, along the CNAME chain
 * from the message's one question), ttl, dropped and detail, as struct
 * resolve_result says.  The question is taken as it is in the message;
 * matching the answer to the query sent is c-ares' part.  res->type and
 * res->name are not changed; records res held before are freed.  Records
 * come with RESOLVE_OK only, whatever the message says.
 *
 * Returns 0.  Returns -1 when the message itself is malformed (a header,
 * question or record cut short or past the end, a bad name): res then
 * has status RESOLVE_OTHER, detail "malformed answer", no record and ttl
 * 0.  A record of the type asked that cannot be read is skipped; when an
 * answer without error (rcode 0) has no other, the status is RESOLVE_OTHER
 * with the detail "malformed record in the answer".  Another rcode than
 * those resolve.h names gives RESOLVE_OTHER with the detail "rcode N".
 */
int resolve_wire_answer(
    const unsigned char *msg, size_t len, struct resolve_result *res);

/* Frees the records of res (what resolve_wire_answer() fills), keeping its
 * name and status. */
void resolve_wire_clear(struct resolve_result *res);

#endif
