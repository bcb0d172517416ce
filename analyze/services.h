/*
 * services: which sending service a domain belongs to ("sendgrid.net" ->
 * "SendGrid"), from a curated list compiled into the program
 * (analyze/data/services.tsv) and an optional file of the user's.
 *
 * Both files have one entry a line: kind TAB domain TAB service, and
 * optionally TAB role.  kind says which identifier the domain is matched
 * against:
 *   ptr   the reverse-DNS name of a source IP
 *   dkim  a DKIM d= domain
 *   spf   an SPF (return-path, MAIL FROM) domain
 *   any   all of them
 * role, when present, says the service resends other people's mail, so that
 * its passing signature or bounce domain on a failing record is evidence of
 * forwarding rather than of a sender to set up (verdict.h):
 *   forwarder  a forwarding or alias service
 *   list       a mailing-list service
 * Without it the service sends its own customers' mail.
 * Blank lines and lines starting with '#' are skipped.  A domain matches
 * itself and every name below it on a label boundary: google.com matches
 * mail-sor-f41.google.com but not notgoogle.com.
 *
 * Lookup: the longest matching domain wins.  For the same domain, an entry
 * of the user's beats a built-in one, and an entry of the kind asked for
 * beats an "any" one.
 */
#ifndef DMARCSIFT_SERVICES_H
#define DMARCSIFT_SERVICES_H

#include <stddef.h>

struct err;
struct services;

enum services_kind {
	SERVICES_ANY, /* as a query: entries of every kind */
	SERVICES_PTR,
	SERVICES_DKIM,
	SERVICES_SPF,
};

enum services_role {
	SERVICES_ROLE_NONE, /* sends mail of its own customers */
	SERVICES_ROLE_FORWARDER,
	SERVICES_ROLE_LIST,
};

/* Ceilings for the user's file. */
#define SERVICES_FILE_MAX (8u << 20) /* bytes */
#define SERVICES_LINE_MAX 1024 /* bytes, newline excluded */
#define SERVICES_NAME_MAX 100 /* bytes of a service name */

/*
 * Loads the built-in list and, when user_file is not NULL, the user's file
 * on top.  ERR_IO when the file cannot be read, ERR_LIMIT past
 * SERVICES_FILE_MAX, ERR_MALFORMED for a bad line ("path:12: unknown kind
 * 'mx'", "path:3: unknown role 'relay'"); a domain listed twice with the same
 * kind in one file is an error.  *out belongs to the caller: services_free().
 */
int services_load(
    struct services **out, const char *user_file, struct err *err);
void services_free(struct services *s);

/*
 * The service of domain (any case, one trailing dot allowed) for an
 * identifier of that kind, or NULL.  SERVICES_ANY asks across kinds: for
 * the same domain, any before ptr, dkim, spf.  The string is borrowed from
 * s.
 */
const char *services_lookup(
    const struct services *s, enum services_kind kind, const char *domain);

/*
 * services_lookup(), and the role of the entry found through *role (when
 * role is not NULL): SERVICES_ROLE_NONE when there is no entry or it has
 * no role.
 */
const char *services_find(const struct services *s, enum services_kind kind,
    const char *domain, enum services_role *role);

/*
 * The service name of s that equals name ignoring ASCII case (borrowed),
 * or NULL; then *closest (when not NULL) is the known name nearest to it
 * in edit distance ignoring case, or NULL when none is near (more than a
 * quarter of its letters, plus one, apart).
 */
const char *services_name(
    const struct services *s, const char *name, const char **closest);

/* Number of entries, and of distinct service names among them. */
size_t services_entries(const struct services *s);
size_t services_count(const struct services *s);

/*
 * SHA-256 of every entry (kind, domain, service, role, whose), in order: it
 * changes when the built-in list or the user's file does, so that what was
 * computed with the old list can be computed again.
 */
void services_digest(const struct services *s, unsigned char out[32]);

/* "ptr", "dkim", "spf", "any"; and back (-1 for an unknown word). */
const char *services_kind_name(enum services_kind kind);
int services_kind_parse(const char *word);
/* "none", "forwarder", "list"; and back for the words a file may give,
 * "forwarder" and "list" (-1 for any other). */
const char *services_role_name(enum services_role role);
int services_role_parse(const char *word);

#endif
