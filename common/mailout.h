/*
 * mailout: sends a report by mail: one multipart/alternative message (a
 * text part and an HTML part) through an SMTP server with libcurl, as the
 * smtp_* settings say (common/config.h).
 *
 * The message is built here (RFC 5322 and MIME): headers folded and
 * encoded (RFC 2047 for a non-ASCII subject), bodies in quoted-printable
 * with CRLF line ends, a Date and a Message-ID.  Addresses are checked
 * before they reach the SMTP dialogue: plain local@domain in printable
 * ASCII, at most 254 bytes, with no blank, CR, LF, '<', '>', ',', quote,
 * parenthesis, ';', ':', '[', ']' or backslash (no SMTPUTF8, no quoted
 * local parts); at most 100 recipients.
 */
#ifndef DMARCSIFT_MAILOUT_H
#define DMARCSIFT_MAILOUT_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct err;

struct mail_message {
	/* addr-spec; NULL: smtp_from (mailout_send only), else
	 * dmarcsift@ the host name */
	const char *from;
	const char *const *to; /* addr-specs */
	size_t nto;
	/* UTF-8; NULL is empty.  Made one line (a control character becomes
	 * a space, invalid UTF-8 U+FFFD), cut at 900 bytes. */
	const char *subject;
	const char *text; /* UTF-8, LF line ends (CRLF is taken as one) */
	const char *html; /* UTF-8; NULL for a text-only mail */
};

/*
 * The whole message as sent, CRLF line ends, 7-bit; *out is the caller's
 * (free()), NUL-terminated, *outlen its length (outlen may be NULL).  now
 * is the Date (Unix seconds).  ERR_USAGE for a bad address or no
 * recipient, ERR_LIMIT for a text or HTML body over 16 MiB.
 */
int mailout_build(const struct mail_message *m, int64_t now, char **out,
    size_t *outlen, struct err *err);

/*
 * Builds and sends m through the server smtp_url names (STARTTLS required
 * on smtp:// unless smtp_allow_plain), logging in when smtp_user is set
 * with config_smtp_password(); the From is m->from, else smtp_from, else
 * dmarcsift@ the host name, and it is also the envelope sender.  Every
 * recipient must be taken, or nothing is sent.  ERR_USAGE when smtp_url is
 * not set, an address is bad, or smtp_user and a password do not come
 * together; ERR_IO when the server cannot be reached or refuses (the
 * message names the server URL, and the code and line it answered; never
 * the password).  Waits at most smtp_timeout seconds.
 */
int mailout_send(
    const struct config *cfg, const struct mail_message *m, struct err *err);

#endif
