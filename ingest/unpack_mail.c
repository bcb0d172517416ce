/*
 * unpack_mail: the leaf parts of a mail (or of every mail in an mbox), with
 * GMime.
 *
 * Every leaf part goes to fn, decoded (base64, quoted-printable, uuencode)
 * but otherwise as sent, whatever its content type claims: the reader sniffs
 * it.  message/rfc822 parts are walked into, so a forwarded report is found.
 * On the way the mail's shape says whether it is a failure or TLS report
 * (env->hint).  The message/feedback-report part of an ARF report goes to
 * fn with the original's header block beside it (env->arf), so that a
 * failure report can be read whole from the two.
 *
 * GMime parses the whole message up front and builds objects for every part,
 * header field, address and parameter, at a few hundred bytes each: five
 * bytes of "--b\n\n" cost 1.3 kB, three bytes of "a:;" in a To field 460
 * bytes.  A cheap scan of the raw bytes first counts boundary lines and
 * header bytes per message and refuses mails with absurdly many; that keeps
 * GMime's objects near 100 MB at worst, whatever the input.
 */
#include "unpack.h"

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "text.h"

#include <gmime/gmime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Real reports nest three or four deep (an ARF report forwarded inside a
 * multipart/mixed); GMime itself stops at 1024 multipart and 512 message
 * levels, which is too deep for our recursion to be comfortable.
 */
#define MAIL_MAX_DEPTH 32
/* Per message: lines starting with "--" (one per part at most), and bytes
 * in header blocks.  A report mail has a handful of parts and some 10 kB
 * of header fields. */
#define MAIL_MAX_BOUNDARY_LINES 20000
#define MAIL_MAX_HEADER_BYTES (512 * 1024)

#define MAIL_LABEL_MAX 1024
/* One read; keeps a count well within ssize_t. */
#define PART_READ_MAX (1U << 30)

/* GMime keeps global tables; set up once, on first use (dmarcsift unpacks
 * in one thread). */
static int gmime_ready;

struct mail_walk {
	struct unpack_env *env;
	unpack_item_fn fn;
	void *arg;
	struct err *err;
	unsigned mail_no; /* 0: not an mbox, no "mail N: " prefix */
	unsigned path[MAIL_MAX_DEPTH];
	GMimeStream *whole; /* the stream the parser reads: every byte */
	/* The From address of the message being walked ("": none). */
	char from[256];
};

/* The decoded content of one leaf part, as a bytesrc. */
struct partsrc {
	struct bytesrc base;
	GMimeStream *stream; /* NULL: no content */
};

static int walk_object(struct mail_walk *w, GMimeObject *obj, size_t depth);

static void
mail_init(void)
{
	if (!gmime_ready) {
		g_mime_init();
		gmime_ready = 1;
	}
}

static ssize_t
part_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct partsrc *p = (struct partsrc *)src;
	ssize_t n;

	if (p->stream == NULL)
		return 0;
	if (len > PART_READ_MAX)
		len = PART_READ_MAX;
	/*
	 * A filter stream returns 0 when one chunk of input decodes to
	 * nothing (say 4 kB of junk in base64), before the real end; only
	 * eos tells.  Each turn consumes input, so this ends.
	 */
	do
		n = g_mime_stream_read(p->stream, buf, len);
	while (n == 0 && !g_mime_stream_eos(p->stream));
	if (n < 0)
		return err_set(
		    err, ERR_MALFORMED, "mail: cannot read MIME part content");
	return n;
}

static void
part_close(struct bytesrc *src)
{
	struct partsrc *p = (struct partsrc *)src;

	if (p->stream != NULL)
		g_object_unref(p->stream);
	g_free(p);
}

/*
 * raw, or a stream of what GMime should have taken as the content.
 *
 * GMime (3.2.13) ends a part before the line end that belongs to the next
 * boundary line, and takes that line end for CRLF whenever the boundary
 * line itself ends in CRLF.  A part whose last line ends in a bare LF in
 * an otherwise CRLF mail (a forwarding client's pasted attachment) thus
 * loses its last byte: base64 its last group, a zip the end of its
 * directory.  raw is then a part of whole that stops one byte before
 * "\n--": the content goes on to that LF.  Nothing else is changed.
 */
static GMimeStream *
content_stream(GMimeStream *raw, GMimeStream *whole)
{
	GByteArray *all;
	gint64 end = raw->bound_end;
	const guint8 *d;

	if (whole == NULL || !GMIME_IS_STREAM_MEM(raw) ||
	    !GMIME_IS_STREAM_MEM(whole))
		return g_object_ref(raw);
	all = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(raw));
	if (all == NULL ||
	    all != g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(whole)) ||
	    end < raw->bound_start || end < 0 || (guint64)end + 4 > all->len)
		return g_object_ref(raw);
	d = all->data + end;
	if (d[0] == '\r' || d[0] == '\n' || d[1] != '\n' || d[2] != '-' ||
	    d[3] != '-')
		return g_object_ref(raw);
	return g_mime_stream_substream(whole, raw->bound_start, end + 1);
}

/* A stream of part's decoded content; the message must outlive it. */
static struct partsrc *
partsrc_new(GMimePart *part, GMimeStream *whole)
{
	struct partsrc *p = g_new0(struct partsrc, 1);
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeContentEncoding enc;
	GMimeStream *raw;
	GMimeFilter *filter;

	p->base.read = part_read;
	p->base.close = part_close;
	if (content == NULL ||
	    (raw = g_mime_data_wrapper_get_stream(content)) == NULL)
		return p;
	raw = content_stream(raw, whole);
	g_mime_stream_reset(raw);
	enc = g_mime_data_wrapper_get_encoding(content);
	switch (enc) {
	case GMIME_CONTENT_ENCODING_BASE64:
	case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
	case GMIME_CONTENT_ENCODING_UUENCODE:
		p->stream = g_mime_stream_filter_new(raw);
		filter = g_mime_filter_basic_new(enc, FALSE);
		g_mime_stream_filter_add(
		    GMIME_STREAM_FILTER(p->stream), filter);
		g_object_unref(filter);
		g_object_unref(raw);
		break;
	default:
		/* 7bit, 8bit, binary and unknown encodings: as is. */
		p->stream = raw;
		break;
	}
	return p;
}

/* Only the first evidence counts: the outermost container says most. */
static void
set_hint(struct mail_walk *w, int hint)
{
	if (w->env->hint == HINT_NONE)
		w->env->hint = hint;
}

/*
 * Evidence for a failure report: ARF (RFC 5965, RFC 6591) is a
 * multipart/report with report-type=feedback-report and a
 * message/feedback-report part; some senders (Netease) put that part in a
 * multipart/mixed.  Exim sends a multipart/report without report-type and
 * without ARF part.  RFC 6522 makes report-type mandatory, and DSNs, MDNs
 * and TLS reports do carry it, so a bare multipart/report is taken as a
 * failure report too.  Evidence for a TLS report (RFC 8460): report-type
 * tlsrpt, the application/tlsrpt+* media types, and TLS-Report-Domain /
 * TLS-Report-Submitter header fields.
 */
static void
check_type_hint(struct mail_walk *w, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *rt;

	if (ct == NULL)
		return;
	if (g_mime_content_type_is_type(ct, "multipart", "report")) {
		rt = g_mime_content_type_get_parameter(ct, "report-type");
		if (rt == NULL ||
		    g_ascii_strcasecmp(rt, "feedback-report") == 0)
			set_hint(w, HINT_FAILURE_REPORT);
		else if (g_ascii_strcasecmp(rt, "tlsrpt") == 0)
			set_hint(w, HINT_TLS_REPORT);
	} else if (g_mime_content_type_is_type(
	               ct, "message", "feedback-report"))
		set_hint(w, HINT_FAILURE_REPORT);
	else if (g_mime_content_type_is_type(
	             ct, "application", "tlsrpt+gzip") ||
	    g_mime_content_type_is_type(ct, "application", "tlsrpt+json"))
		set_hint(w, HINT_TLS_REPORT);
}

static void
check_header_hint(struct mail_walk *w, GMimeMessage *msg)
{
	GMimeObject *obj = GMIME_OBJECT(msg);

	if (g_mime_object_get_header(obj, "TLS-Report-Domain") != NULL ||
	    g_mime_object_get_header(obj, "TLS-Report-Submitter") != NULL)
		set_hint(w, HINT_TLS_REPORT);
}

/* "mail 2: part 1.3 application/gzip 'r.xml.gz'", cut to fit. */
static void
make_label(struct mail_walk *w, GMimeObject *obj, size_t depth, char *out,
    size_t outsz)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *type = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	const char *name = GMIME_IS_PART(obj)
	    ? g_mime_part_get_filename(GMIME_PART(obj))
	    : NULL;
	char ptype[128], pname[256];
	size_t o = 0;
	int n;

	out[0] = '\0';
	if (w->mail_no > 0) {
		n = snprintf(out, outsz, "mail %u: ", w->mail_no);
		if (n > 0 && (size_t)n < outsz)
			o = (size_t)n;
	}
	n = snprintf(out + o, outsz - o, "part ");
	if (n > 0 && (size_t)n < outsz - o)
		o += (size_t)n;
	for (size_t i = 0; i < depth; i++) {
		n = snprintf(
		    out + o, outsz - o, i == 0 ? "%u" : ".%u", w->path[i]);
		if (n > 0 && (size_t)n < outsz - o)
			o += (size_t)n;
	}
	text_printable(type != NULL ? type : "?", ptype, sizeof(ptype));
	g_free(type);
	if (name != NULL) {
		text_printable(name, pname, sizeof(pname));
		snprintf(out + o, outsz - o, " %s '%s'", ptype, pname);
	} else
		snprintf(out + o, outsz - o, " %s", ptype);
}

/* One leaf to fn; arf (NULL for most) rides along in env. */
static int
emit_leaf(struct mail_walk *w, GMimePart *part, size_t depth,
    const struct unpack_arf *arf)
{
	char label[MAIL_LABEL_MAX];
	struct partsrc *p;
	int rc;

	make_label(w, GMIME_OBJECT(part), depth, label, sizeof(label));
	p = partsrc_new(part, w->whole);
	w->env->arf = arf;
	rc = w->fn(w->arg, &p->base, label, w->err);
	w->env->arf = NULL;
	bytesrc_free(&p->base);
	return rc < 0 ? rc : 0;
}

static int
is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

static int
by_offset(const void *a, const void *b)
{
	gint64 x = g_mime_header_get_offset(*(GMimeHeader *const *)a);
	gint64 y = g_mime_header_get_offset(*(GMimeHeader *const *)b);

	return x < y ? -1 : x > y;
}

/*
 * A message's header fields as "Name: raw value" lines in the order sent,
 * at most MAIL_MAX_HEADER_BYTES of them (the shape check keeps them
 * below).  GMime keeps the Content-* fields with the body part: both
 * lists are merged by their place in the stream.
 */
/*
 * A Subject or From value with its encoded words (RFC 2047) decoded to
 * UTF-8, as a person reads it, on one line: a line break or NUL an
 * encoded word carries becomes a space, or it would start a field of
 * its own in the block the failure report's reader takes apart.
 */
static void
append_decoded(GString *s, const char *raw)
{
	char *text = g_mime_utils_header_decode_text(NULL, raw);

	if (text == NULL) {
		g_string_append(s, raw);
		return;
	}
	g_string_append_c(s, ' ');
	for (const char *p = text; *p != '\0'; p++)
		g_string_append_c(s, *p == '\r' || *p == '\n' ? ' ' : *p);
	g_free(text);
}

static GString *
header_lines(GMimeMessage *msg)
{
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	GMimeHeaderList *lists[2] = {
	    g_mime_object_get_header_list(GMIME_OBJECT(msg)),
	    body != NULL ? g_mime_object_get_header_list(body) : NULL};
	GPtrArray *all = g_ptr_array_new();
	GString *s = g_string_new(NULL);

	for (int k = 0; k < 2; k++) {
		int n = lists[k] != NULL
		    ? g_mime_header_list_get_count(lists[k])
		    : 0;

		for (int i = 0; i < n; i++) {
			GMimeHeader *h =
			    g_mime_header_list_get_header_at(lists[k], i);
			const char *name = g_mime_header_get_name(h);

			/* The body part's own fields only: GMime lists the
			 * message's Content-* fields there too. */
			if (k == 0 ||
			    (name != NULL &&
			        g_ascii_strncasecmp(name, "Content-", 8) == 0 &&
			        g_mime_object_get_header(
			            GMIME_OBJECT(msg), name) == NULL))
				g_ptr_array_add(all, h);
		}
	}
	g_ptr_array_sort(all, by_offset);
	for (guint i = 0; i < all->len; i++) {
		GMimeHeader *h = g_ptr_array_index(all, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		size_t before = s->len;

		g_string_append(s, name != NULL ? name : "");
		g_string_append_c(s, ':');
		if (raw != NULL && name != NULL &&
		    (g_ascii_strcasecmp(name, "Subject") == 0 ||
		        g_ascii_strcasecmp(name, "From") == 0))
			append_decoded(s, raw);
		else
			g_string_append(s, raw != NULL ? raw : "");
		if (s->str[s->len - 1] != '\n')
			g_string_append_c(s, '\n');
		if (s->len > MAIL_MAX_HEADER_BYTES) {
			g_string_truncate(s, before);
			break;
		}
	}
	g_ptr_array_free(all, TRUE);
	return s;
}

/*
 * The original message of an ARF report: the first part after the
 * feedback-report part (index fb) that is a message/rfc822 (its header
 * fields, never its body) or text/rfc822-headers (as decoded).  NULL
 * when there is none.
 */
static GString *
arf_original(struct mail_walk *w, GMimeMultipart *mp, int fb)
{
	int count = g_mime_multipart_get_count(mp);

	for (int i = fb + 1; i < count; i++) {
		GMimeObject *o = g_mime_multipart_get_part(mp, i);

		if (GMIME_IS_MESSAGE_PART(o)) {
			GMimeMessage *m = g_mime_message_part_get_message(
			    GMIME_MESSAGE_PART(o));

			return m != NULL ? header_lines(m) : NULL;
		}
		if (GMIME_IS_PART(o) &&
		    (is_type(o, "text", "rfc822-headers") ||
		        is_type(o, "message", "rfc822-headers"))) {
			struct partsrc *p =
			    partsrc_new(GMIME_PART(o), w->whole);
			unsigned char *buf = NULL;
			size_t len = 0;
			struct err ignored;
			GString *s = NULL;

			/* Too long a header block: only its head counts. */
			if (bytesrc_slurp(&p->base, MAIL_MAX_HEADER_BYTES, "",
			        &buf, &len, &ignored) == 0)
				s = g_string_new_len(
				    (const char *)buf, (gssize)len);
			free(buf);
			bytesrc_free(&p->base);
			return s;
		}
	}
	return NULL;
}

/* The feedback-report part fb of mp to fn, with the rest of the report. */
static int
emit_arf(struct mail_walk *w, GMimeMultipart *mp, int fb, size_t depth)
{
	GString *orig = arf_original(w, mp, fb);
	struct unpack_arf arf = {w->from[0] != '\0' ? w->from : NULL,
	    orig != NULL ? orig->str : NULL, orig != NULL ? orig->len : 0};
	int rc;

	rc = emit_leaf(
	    w, GMIME_PART(g_mime_multipart_get_part(mp, fb)), depth, &arf);
	if (orig != NULL)
		g_string_free(orig, TRUE);
	return rc;
}

/* Tells fn about a container we will not open. */
static int
emit_too_deep(struct mail_walk *w, GMimeObject *obj, size_t depth)
{
	char label[MAIL_LABEL_MAX];
	int rc;

	make_label(w, obj, depth, label, sizeof(label));
	err_set(w->err, ERR_LIMIT, "mail: MIME parts nested deeper than %d",
	    MAIL_MAX_DEPTH);
	rc = w->fn(w->arg, NULL, label, w->err);
	return rc < 0 ? rc : 0;
}

/* The children of mp, numbered path[0..depth).1, .2 ... */
static int
walk_children(struct mail_walk *w, GMimeMultipart *mp, size_t depth)
{
	int count = g_mime_multipart_get_count(mp), rc, fb = -1;

	if (depth >= MAIL_MAX_DEPTH)
		return emit_too_deep(w, GMIME_OBJECT(mp), depth);
	for (int i = 0; i < count && fb < 0; i++) {
		GMimeObject *o = g_mime_multipart_get_part(mp, i);

		if (GMIME_IS_PART(o) &&
		    is_type(o, "message", "feedback-report"))
			fb = i;
	}
	for (int i = 0; i < count; i++) {
		w->path[depth] = (unsigned)i + 1;
		if (i == fb) {
			check_type_hint(w, g_mime_multipart_get_part(mp, i));
			rc = emit_arf(w, mp, fb, depth + 1);
		} else if (fb >= 0) {
			/* A failure report's other parts are words for a
			 * person and the original message, a stranger's mail:
			 * its attachments are neither reports nor ours to
			 * keep (their names would be stored as problems, an
			 * XML one stored as an aggregate report under the
			 * reporter's mail). */
			continue;
		} else
			rc = walk_object(
			    w, g_mime_multipart_get_part(mp, i), depth + 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * The body of a message numbered path[0..depth): a multipart body's
 * children are depth.1, depth.2 ..., a single part is depth.1 (as IMAP
 * numbers sections).
 */
static int
walk_message(struct mail_walk *w, GMimeMessage *msg, size_t depth)
{
	GMimeObject *body;
	InternetAddressList *from;
	InternetAddress *a;
	const char *addr;
	char outer[sizeof(w->from)];
	int rc;

	check_header_hint(w, msg);
	body = g_mime_message_get_mime_part(msg);
	if (body == NULL)
		return 0;
	/* The From of the message that holds a report names its reporter;
	 * a message inside has its own, and the outer one comes back. */
	memcpy(outer, w->from, sizeof(outer));
	w->from[0] = '\0';
	from = g_mime_message_get_from(msg);
	if (from != NULL && internet_address_list_length(from) > 0 &&
	    (a = internet_address_list_get_address(from, 0)) != NULL &&
	    INTERNET_ADDRESS_IS_MAILBOX(a) &&
	    (addr = internet_address_mailbox_get_addr(
	         INTERNET_ADDRESS_MAILBOX(a))) != NULL) {
		snprintf(w->from, sizeof(w->from), "%s", addr);
		text_utf8_cut(w->from);
	}
	if (GMIME_IS_MULTIPART(body)) {
		check_type_hint(w, body);
		rc = walk_children(w, GMIME_MULTIPART(body), depth);
	} else if (depth >= MAIL_MAX_DEPTH) {
		rc = emit_too_deep(w, body, depth);
	} else {
		w->path[depth] = 1;
		rc = walk_object(w, body, depth + 1);
	}
	memcpy(w->from, outer, sizeof(outer));
	return rc;
}

/* One part, numbered path[0..depth). */
static int
walk_object(struct mail_walk *w, GMimeObject *obj, size_t depth)
{
	if (obj == NULL)
		return 0;
	check_type_hint(w, obj);
	if (GMIME_IS_MULTIPART(obj))
		return walk_children(w, GMIME_MULTIPART(obj), depth);
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *msg =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		return msg != NULL ? walk_message(w, msg, depth) : 0;
	}
	if (GMIME_IS_PART(obj))
		return emit_leaf(w, GMIME_PART(obj), depth, NULL);
	return 0;
}

/*
 * What the scan below knows about the message it is in.  It follows the
 * blocks GMime parses as header fields: the top of a message, the lines
 * after a possible boundary ("--..."), and the body of a part whose
 * Content-Type mentions "message" (message/rfc822: an embedded mail) or of
 * any part once "digest" was seen (multipart/digest parts default to
 * message/rfc822).  It errs towards counting too much.
 */
struct shape {
	size_t boundaries, header_bytes;
	int in_header; /* inside a header block */
	int next_header; /* the block after this one is headers too */
	int msg_first; /* at the first line of an embedded message */
	int in_ctype; /* inside a Content-Type field */
	int digest;
};

/* Whether word (lower case) occurs in p[0..n), ignoring ASCII case. */
static int
has_word(const unsigned char *p, size_t n, const char *word)
{
	size_t m = strlen(word);

	for (size_t i = 0; i + m <= n; i++)
		if (g_ascii_strncasecmp((const char *)p + i, word, m) == 0)
			return 1;
	return 0;
}

/* One line, without its "\n". */
static int
shape_line(struct shape *s, const unsigned char *p, size_t n, int mbox,
    struct err *err)
{
	int first = s->msg_first;

	s->msg_first = 0;
	/* GMime splits an mbox at every "From " line but that one. */
	if (mbox && !first && n >= 5 && memcmp(p, "From ", 5) == 0) {
		memset(s, 0, sizeof(*s));
		s->in_header = 1;
		return 0;
	}
	if (n >= 2 && p[0] == '-' && p[1] == '-') {
		if (++s->boundaries > MAIL_MAX_BOUNDARY_LINES)
			return err_set(err, ERR_LIMIT,
			    "mail: more than %d MIME boundary lines in one "
			    "message (fixed limit)",
			    MAIL_MAX_BOUNDARY_LINES);
		s->in_header = 1;
		s->next_header = s->in_ctype = 0;
		return 0;
	}
	if (!s->in_header)
		return 0;
	if (n == 0 || (n == 1 && p[0] == '\r')) {
		s->in_header = s->msg_first = s->next_header || s->digest;
		s->next_header = s->in_ctype = 0;
		return 0;
	}
	s->header_bytes += n + 1;
	if (s->header_bytes > MAIL_MAX_HEADER_BYTES)
		return err_set(err, ERR_LIMIT,
		    "mail: more than %d bytes of header fields in one "
		    "message (fixed limit)",
		    MAIL_MAX_HEADER_BYTES);
	if (p[0] != ' ' && p[0] != '\t')
		s->in_ctype = n >= 12 &&
		    g_ascii_strncasecmp((const char *)p, "content-type", 12) ==
		        0;
	if (s->in_ctype) {
		if (has_word(p, n, "message"))
			s->next_header = 1;
		if (has_word(p, n, "digest"))
			s->digest = 1;
	}
	return 0;
}

/* Refuses mails that would make GMime build absurdly many objects. */
static int
check_shape(const unsigned char *p, size_t len, int mbox, struct err *err)
{
	struct shape s = {.in_header = 1};
	size_t i = 0;
	int rc;

	while (i < len) {
		const unsigned char *nl = memchr(p + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - p) : len;

		rc = shape_line(&s, p + i, end - i, mbox, err);
		if (rc < 0)
			return rc;
		i = end + 1;
	}
	return 0;
}

static int
mail_each(struct bytesrc *src, struct unpack_env *env, unpack_item_fn fn,
    void *arg, struct err *err)
{
	struct mail_walk w = {.env = env, .fn = fn, .arg = arg, .err = err};
	unsigned char *buf;
	size_t len;
	int mbox, rc;
	GByteArray *bytes;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	mail_init();
	rc = bytesrc_slurp(
	    src, env->lim->input_bytes, "input_bytes", &buf, &len, err);
	if (rc < 0)
		return rc;
	/* GByteArray counts in guint. */
	if (len > (size_t)(guint)-1) {
		free(buf);
		return err_set(err, ERR_LIMIT,
		    "mail: larger than %u bytes, too large for GMime",
		    (guint)-1);
	}
	mbox = len >= 5 && memcmp(buf, "From ", 5) == 0;
	rc = check_shape(buf, len, mbox, err);
	if (rc < 0) {
		free(buf);
		return rc;
	}

	/* The stream takes buf; g_free() is free() since GLib 2.46. */
	bytes = g_byte_array_new_take(buf, len);
	stream = g_mime_stream_mem_new_with_byte_array(bytes);
	w.whole = stream;
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(
	    parser, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);

	for (;;) {
		msg = g_mime_parser_construct_message(parser, NULL);
		if (msg == NULL) {
			if (w.mail_no == 0)
				rc = err_set(err, ERR_MALFORMED,
				    "mail: cannot parse message");
			break;
		}
		if (mbox)
			w.mail_no++;
		rc = walk_message(&w, msg, 0);
		g_object_unref(msg);
		if (rc < 0 || !mbox || g_mime_parser_eos(parser))
			break;
	}

	/* Parts refer into stream's buffer: it goes last. */
	g_object_unref(parser);
	g_object_unref(stream);
	return rc;
}

const struct unpack_backend unpack_mail = {"mail", mail_each};
