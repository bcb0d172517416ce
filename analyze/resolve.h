/*
 * resolve: many DNS lookups at once, on c-ares.  The only c-ares user.
 *
 * A resolver asks either the system's name servers (/etc/resolv.conf) or a
 * list given by the caller, never /etc/hosts.  Lookups are queued, then
 * resolve_wait() runs them, at most RESOLVE_MAX_INFLIGHT at a time, each
 * with its own timeout and retries, until every one has finished.
 * A budget (struct resolve_budget), which resolvers may share, bounds
 * the time all of them together spend waiting.
 *
 * A result keeps DNS trouble apart from absence: a name that does not exist
 * (NXDOMAIN) or has no record of the type asked (NODATA) is an answer; a
 * server that failed (SERVFAIL), refused (REFUSED) or never answered
 * (TIMEOUT) says nothing about the records.  Callers must not report
 * trouble as "record missing".
 *
 * Everything in an answer comes from strangers.  Names are decoded here,
 * bounded and made printable (see struct resolve_record); TXT data is kept
 * as the bytes published, with its length, for parsers that need them.
 */
#ifndef DMARCSIFT_RESOLVE_H
#define DMARCSIFT_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"

struct err;
struct resolver;

/* Lookups in flight at once; the rest wait in the queue. */
#define RESOLVE_MAX_INFLIGHT 64
/* Records kept from one answer; more are dropped (and counted). */
#define RESOLVE_MAX_RECORDS 64
/* Servers in a list given to resolve_new(). */
#define RESOLVE_MAX_SERVERS 8
/* PTR names resolve_ptr_confirmed() follows. */
#define RESOLVE_MAX_PTR_NAMES 5
/* The longest printable name: 255 wire bytes, each escaped as "\DDD". */
#define RESOLVE_NAME_MAX 1024

enum resolve_type {
	RESOLVE_A,
	RESOLVE_AAAA,
	RESOLVE_PTR, /* the name asked is an IP address */
	RESOLVE_TXT,
	RESOLVE_MX,
	RESOLVE_TLSA, /* DANE (RFC 6698): the name is _PORT._tcp.HOST */
};

enum resolve_status {
	RESOLVE_OK = 0, /* one or more records */
	RESOLVE_NXDOMAIN, /* the name does not exist */
	RESOLVE_NODATA, /* the name exists, with no record of this type */
	RESOLVE_SERVFAIL, /* the server failed (e.g. DNSSEC, dead upstream) */
	RESOLVE_REFUSED, /* the server refused to answer */
	RESOLVE_TIMEOUT, /* no server answered (timed out or unreachable) */
	RESOLVE_BADNAME, /* the name asked cannot be a DNS name; not sent */
	RESOLVE_OTHER, /* a malformed answer, another rcode, ... */
	RESOLVE_BUDGET, /* not asked, or given up: the time budget is spent */
};

/*
 * One record of an answer.  For A and AAAA, text is the address as
 * inet_ntop() writes it (RFC 5952 form for IPv6).  For PTR and MX, text is the
 * target name lower-cased, without the final dot, printable: a byte that is not
 * a letter, digit, '-' or '_' is written "\DDD" (a dot inside a label as
 * "\046"), so the text holds no control character, space or quote and is
 * at most RESOLVE_NAME_MAX - 1 bytes; hostname says whether the name is
 * one that may be looked up (letters, digits, '-' and '_' only, labels of
 * 1-63 bytes, 253 bytes in all).  MX also has pref; "." (null MX, RFC 7505)
 * is the text "".  For TXT, text is the record's strings joined with
 * nothing between them (RFC 7208 section 3.3, RFC 6376 section 3.6.2.2),
 * exactly as published: it may hold any byte, NUL included, so len counts
 * them (text is NUL-terminated as well).  For TLSA, text is the record
 * as its presentation form has it: usage, selector and matching type in
 * decimal, then the certificate association data in lower-case hex
 * ("3 1 1 0a1b..."; data of no byte is "3 1 1 -").
 */
struct resolve_record {
	char *text;
	size_t len;
	unsigned pref; /* MX only */
	int hostname; /* PTR, MX: 1 when text may be looked up */
};

/*
 * The outcome of one lookup.  name is the name asked (for PTR the address,
 * canonical), status says what happened, and with RESOLVE_OK the records
 * of the type asked, in the order of the answer, follow (a CNAME chain is
 * followed within the answer).  ttl is the least TTL of those records and
 * of the CNAMEs leading to them, for caching; for NXDOMAIN and NODATA it is
 * the negative-caching TTL of the SOA in the answer (RFC 2308), or 0 when
 * there is none; 0 otherwise.  dropped counts the records past
 * RESOLVE_MAX_RECORDS.  detail is a short, printable note on trouble
 * ("connection refused", "answer truncated", ...) or "".
 *
 * A result filled by the resolver belongs to whoever holds the slot:
 * release it with resolve_result_clear().
 */
struct resolve_result {
	enum resolve_type type;
	enum resolve_status status;
	char *name;
	unsigned ttl;
	size_t n;
	struct resolve_record *rr;
	size_t dropped;
	char detail[96];
};

/*
 * Forward-confirmed reverse DNS of one address.  status is the PTR
 * lookup's.  With names found, name is the first PTR name (in answer
 * order) whose A or AAAA records give back the address, and confirmed is
 * 1; when none does, name is the first PTR name, confirmed is 0 and
 * fwd_status is the worst status the forward lookups had (RESOLVE_OK when
 * they answered but with other addresses; trouble when one of them failed,
 * so "not confirmed" may only mean "could not tell"; RESOLVE_BADNAME when
 * no PTR name was a host name to follow).  name is printable
 * as in struct resolve_record, and NULL when there is none.  nnames counts
 * the PTR names, of which the first RESOLVE_MAX_PTR_NAMES that are host
 * names were followed.  ttl is the PTR answer's.  Release with
 * resolve_fcrdns_clear().
 */
struct resolve_fcrdns {
	char ip[IP_TEXT_MAX];
	enum resolve_status status;
	char *name;
	int confirmed;
	enum resolve_status fwd_status;
	size_t nnames;
	unsigned ttl;
};

/*
 * Called from resolve_wait() when a lookup ends.  res is borrowed for the
 * call only (copy what you keep, or take it with resolve_result_move()).
 * The callback may queue more lookups; they run in the same
 * resolve_wait().
 */
typedef void resolve_cb(void *arg, struct resolve_result *res);

/*
 * Makes a resolver.  servers is NULL for the system's name servers, or a
 * list "HOST[:PORT][,HOST[:PORT]...]" of at most RESOLVE_MAX_SERVERS
 * addresses (IPv4 "192.0.2.53:5353", IPv6 "2001:db8::53" or
 * "[2001:db8::53]:5353"; blanks around entries allowed).  timeout_ms
 * (>= 1) is the wait for the first try of a lookup; c-ares doubles it on
 * each later round over the servers.  tries (>= 1) is the number of rounds.
 * A server that does not answer (or is unreachable) is followed by the
 * next; an answer, SERVFAIL and REFUSED included, is final: c-ares 1.18
 * would otherwise try on and report only "connection refused".
 * ERR_USAGE for a bad list or value, ERR_IO when c-ares cannot start.
 * *out belongs to the caller: resolve_free().
 */
int resolve_new(struct resolver **out, const char *servers, int timeout_ms,
    int tries, struct err *err);
/* Cancels every lookup queued or in flight, whose callbacks run with
 * RESOLVE_OTHER and the detail "cancelled" (slots get that result), then
 * frees r.  NULL does nothing. */
void resolve_free(struct resolver *r);

/*
 * A time budget for DNS work, shared by the resolvers given it, so that a
 * command's lookups, in whatever phase and resolver, cost at most so much
 * however silent the servers.  The time resolve_wait() spends waiting is
 * taken from ms_left; once none is left, every lookup queued, in flight or
 * started later ends at once with RESOLVE_BUDGET (detail "DNS time budget
 * spent"), and skipped counts them.  Fill ms_left, zero skipped; the
 * caller owns the budget.
 */
struct resolve_budget {
	int64_t ms_left;
	size_t skipped;
};

/* Makes r take its time from b (borrowed: it must outlive r; NULL: no
 * budget, the default). */
void resolve_set_budget(struct resolver *r, struct resolve_budget *b);

/* Whether b is spent: 1 or 0 (NULL: 0). */
int resolve_budget_spent(const struct resolve_budget *b);

/*
 * Queues a lookup of name (for RESOLVE_PTR: an IPv4 or IPv6 address) and
 * returns at once; cb(arg, result) runs from resolve_wait().  A name that
 * cannot be a DNS name (a usable one has labels of letters, digits, '-' and
 * '_', 1-63 bytes each, 253 bytes in all, one final dot allowed), or for
 * PTR that is not an address, is not sent: its callback gets
 * RESOLVE_BADNAME.  name is copied.
 */
void resolve_start(struct resolver *r, enum resolve_type type, const char *name,
    resolve_cb *cb, void *arg);

/*
 * As resolve_start(), with the result stored in *slot, which the caller
 * owns and keeps in place until resolve_wait() returns.  The slot is
 * initialised here (status RESOLVE_OTHER, detail "not run" until done).
 * Release it with resolve_result_clear().
 */
void resolve_into(struct resolver *r, enum resolve_type type, const char *name,
    struct resolve_result *slot);

/*
 * Queues forward-confirmed reverse DNS for ip into *slot (owned by the
 * caller, kept in place until resolve_wait() returns): PTR, then A (for an
 * IPv4 ip) or AAAA (IPv6) of each PTR name that is a host name, at most
 * RESOLVE_MAX_PTR_NAMES of them, in parallel.
 */
void resolve_ptr_confirmed(
    struct resolver *r, const char *ip, struct resolve_fcrdns *slot);

/*
 * Runs the queued lookups, and those their callbacks queue, until all have
 * ended.  Returns 0; ERR_IO when polling fails (the lookups not done are
 * then cancelled as by resolve_free(), but r stays usable).
 */
int resolve_wait(struct resolver *r, struct err *err);

/* Queues one lookup into *out and waits for it (and for anything else
 * queued). */
int resolve_one(struct resolver *r, enum resolve_type type, const char *name,
    struct resolve_result *out, struct err *err);

/* Frees what res holds and leaves it empty (status RESOLVE_OTHER). */
void resolve_result_clear(struct resolve_result *res);
/* Moves what src holds into dst (dst is overwritten, not freed); src is
 * left empty. */
void resolve_result_move(
    struct resolve_result *dst, struct resolve_result *src);
void resolve_fcrdns_clear(struct resolve_fcrdns *f);

/* "ok", "nxdomain", "nodata", "servfail", "refused", "timeout", "badname",
 * "other", "budget". */
const char *resolve_status_name(enum resolve_status s);
/* 1 for SERVFAIL, REFUSED, TIMEOUT, OTHER and BUDGET: the answer says
 * nothing about the records. */
int resolve_status_trouble(enum resolve_status s);
/* "A", "AAAA", "PTR", "TXT", "MX", "TLSA". */
const char *resolve_type_name(enum resolve_type t);

/*
 * Writes the reverse-lookup name of ip ("1.2.0.192.in-addr.arpa",
 * nibbles under ip6.arpa) to out; returns 0, or -1 when ip is not an
 * address or outlen is too small (74 bytes always suffice).
 */
int resolve_reverse_name(const char *ip, char *out, size_t outlen);

#endif
