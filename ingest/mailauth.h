/*
 * mailauth: is a report mail from whom its report says it is from?
 *
 * Anyone who can mail the rua address can send a report under the name of
 * a real receiver.  What the owner's own mail server verified on arrival
 * tells them apart: it writes an Authentication-Results field (RFC 8601)
 * at the top of the mail, naming itself with an authserv-id.  A sender can
 * write such a field into the mail too, so only fields whose authserv-id
 * the owner named (setting authserv_id) are read, and of those only the
 * topmost run: from the first such field down to the next Received field,
 * which marks the hop before the owner's server.  (Servers that add the
 * field also remove copies of it that arrive from outside, RFC 8601
 * section 5; Exchange Online renames them Authentication-Results-Original
 * and writes its own authserv-id after a result, not first: both forms
 * are read.)
 *
 * A report is genuine when that field shows DKIM passing for a domain of
 * the report's own organization (the domain of its <email>, or of the
 * mail's From when it has none), or DMARC passing for such a From.  SPF is
 * not taken: it says which servers may send, not who wrote the mail.
 */
#ifndef DMARCSIFT_MAILAUTH_H
#define DMARCSIFT_MAILAUTH_H

#include <stddef.h>

struct orgdomain;

/* Domains one field may vouch for; more are not read. */
#define MAILAUTH_MAX_DOMAINS 8
/* Bytes of the header block read; a report mail's is some 10 kB. */
#define MAILAUTH_HEADER_MAX (256 * 1024)
#define MAILAUTH_NAME_MAX 254
#define MAILAUTH_TEXT_MAX 512

enum mailauth_state {
	MAILAUTH_NOT_MAIL, /* the input is not one mail (a file, an mbox) */
	MAILAUTH_NOT_SET, /* no authserv_id given */
	MAILAUTH_NO_FIELD, /* no Authentication-Results by a trusted server */
	MAILAUTH_FIELD, /* a trusted field was read */
};

struct mailauth {
	enum mailauth_state state;
	/* The mail's From domain, lower case ("" when none or several). */
	char from[MAILAUTH_NAME_MAX];
	/* The authserv-id of the topmost Authentication-Results field,
	 * trusted or not: what to set authserv_id to ("" when there is no
	 * such field, "(none)" when it names no authserv-id). */
	char top[MAILAUTH_NAME_MAX];
	/* MAILAUTH_FIELD: the trusted fields' authserv-id and results as
	 * printable text ("dkim=pass header.d=google.com; spf=pass ..."),
	 * cut at MAILAUTH_TEXT_MAX. */
	char by[MAILAUTH_NAME_MAX];
	char results[MAILAUTH_TEXT_MAX];
	/* Domains the field vouches for: DKIM pass (header.d, else the
	 * domain of header.i) and DMARC pass (header.from). */
	char domains[MAILAUTH_MAX_DOMAINS][MAILAUTH_NAME_MAX];
	size_t n_domains;
};

/*
 * Reads the header block of the mail in buf (len bytes; an mbox "From "
 * line first is skipped) into *out.  trusted is the authserv_id setting
 * (comma-separated, case-insensitive), NULL or "" for none.  Any bytes are
 * accepted; what is not a mail gives MAILAUTH_NOT_MAIL.
 */
void mailauth_scan(const unsigned char *buf, size_t len, const char *trusted,
    struct mailauth *out);

/*
 * Judges one report of the mail: 1 genuine, 0 not, -1 could not tell.
 * email is the report's <email> (NULL when it has none).  why (whylen
 * bytes) says why, in words: "dkim=pass for google.com, checked by
 * mx.example.com" or "mx.example.com saw no DKIM or DMARC pass for
 * google.com (dkim=pass header.d=attacker.example)".
 */
int mailauth_judge(const struct mailauth *ma, const struct orgdomain *od,
    const char *email, char *why, size_t whylen);

#endif
