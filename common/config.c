#include "config.h"

#include "childproc.h"
#include "domain.h"
#include "dynbuf.h"
#include "err.h"
#include "ipaddr.h"
#include "log.h"
#include "text.h"
#include "words.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef DMARCSIFT_SYSCONFDIR
#define DMARCSIFT_SYSCONFDIR "/etc/dmarcsift"
#endif

#define CONFIG_NAME "dmarcsift.conf"
/* How long a token command may take. */
#define TOKEN_COMMAND_SECONDS 60

#define CONFIG_ROW_(                                                           \
    id, name, flag, group, type, dflt, min, max, words, mask, env, help)       \
	[CONFIG_##id] = {name, flag, CONFIG_GROUP_##group, CONFIG_##type,      \
	    dflt, min, max, words, mask, env, help},
const struct config_setting config_settings[CONFIG_NKEYS] = {
    CONFIG_SETTINGS(CONFIG_ROW_)};
#undef CONFIG_ROW_

struct config_value {
	char *value; /* checked and in canonical form */
	char *origin;
	enum config_level level;
};

struct config_seen {
	char *path;
	int found;
};

/* A line of a [mailbox NAME] section: checked, in canonical form. */
struct config_line {
	enum config_key key;
	char *value, *origin;
};

struct config_section {
	char *name;
	struct config_line *l;
	size_t n, cap;
	/* Its last header, to refuse a second one in the same file. */
	char *path;
	unsigned line;
};

struct config {
	struct config_value v[CONFIG_NKEYS];
	struct config_seen files[2];
	size_t nfiles;
	struct config_section *sec;
	size_t nsec, sec_cap;
};

struct config *
config_new(void)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));

	for (int k = 0; k < CONFIG_NKEYS; k++) {
		cfg->v[k].value = xstrdup(config_settings[k].dflt);
		cfg->v[k].origin = xstrdup("default");
		cfg->v[k].level = CONFIG_FROM_DEFAULT;
	}
	return cfg;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (int k = 0; k < CONFIG_NKEYS; k++) {
		free(cfg->v[k].value);
		free(cfg->v[k].origin);
	}
	for (size_t i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i].path);
	for (size_t i = 0; i < cfg->nsec; i++) {
		struct config_section *sec = &cfg->sec[i];

		for (size_t j = 0; j < sec->n; j++) {
			free(sec->l[j].value);
			free(sec->l[j].origin);
		}
		free(sec->l);
		free(sec->name);
		free(sec->path);
	}
	free(cfg->sec);
	free(cfg);
}

int
config_key(const char *name)
{
	for (int k = 0; k < CONFIG_NKEYS; k++)
		if (strcmp(config_settings[k].name, name) == 0)
			return k;
	return -1;
}

/* The key closest to an unknown name, or NULL when none is close. */
static const char *
suggest(const char *name)
{
	const char *best = NULL;
	size_t d, bestd = 3;

	for (int k = 0; k < CONFIG_NKEYS; k++) {
		d = text_distance(name, config_settings[k].name, 0);
		if (d < bestd) {
			bestd = d;
			best = config_settings[k].name;
		}
	}
	return best;
}

/* Whether word is one of the '|'-separated words; *index is its place. */
static int
word_in(const char *words, const char *word, size_t len, int *index)
{
	return (*index = words_find(words, word, len, 1)) >= 0;
}

static int
check_int(const struct config_setting *s, const char *value, char **canon,
    struct err *err)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(value, &end, 10);
	if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno != 0 ||
	    v < s->min || v > s->max)
		return err_set(err, ERR_USAGE,
		    "%s: want a whole number from %lld to %lld, got '%s'",
		    s->name, s->min, s->max, value);
	*canon = xasprintf("%lld", v);
	return 0;
}

int
config_parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		mul = CONFIG_KiB, end++;
	else if (*end == 'M')
		mul = CONFIG_MiB, end++;
	else if (*end == 'G')
		mul = CONFIG_GiB, end++;
	if (*end != '\0' || (mul > 1 && v > ULLONG_MAX / mul))
		return -1;
	*out = v * mul;
	return 0;
}

/* v with the largest of k, M, G that divides it, or plain; 0 is "0". */
static char *
size_text(unsigned long long v)
{
	if (v > 0 && v % CONFIG_KiB != 0)
		return xasprintf("%llu", v);
	if (v != 0 && v % CONFIG_GiB == 0)
		return xasprintf("%lluG", v / CONFIG_GiB);
	if (v != 0 && v % CONFIG_MiB == 0)
		return xasprintf("%lluM", v / CONFIG_MiB);
	if (v != 0 && v % CONFIG_KiB == 0)
		return xasprintf("%lluk", v / CONFIG_KiB);
	return xasprintf("%llu", v);
}

/*
 * A COUNT or SIZE keeps a suffix when it was given one: "1024k" is "1M",
 * "1024" is itself.  The range of a SIZE is told with k, M and G.
 */
static int
check_size(const struct config_setting *s, const char *value, char **canon,
    struct err *err)
{
	unsigned long long v;
	char *lo, *hi;

	if (config_parse_size(value, &v) < 0 ||
	    v < (unsigned long long)s->min || v > (unsigned long long)s->max) {
		lo = s->type == CONFIG_SIZE ? size_text(s->min)
		                            : xasprintf("%lld", s->min);
		hi = s->type == CONFIG_SIZE ? size_text(s->max)
		                            : xasprintf("%lld", s->max);
		err_set(err, ERR_USAGE,
		    "%s: want a whole number from %s to %s (it may end in k, M "
		    "or G), got '%s'",
		    s->name, lo, hi, value);
		free(lo);
		free(hi);
		return ERR_USAGE;
	}
	*canon = isdigit((unsigned char)value[strlen(value) - 1])
	    ? xasprintf("%llu", v)
	    : size_text(v);
	return 0;
}

static int
check_bool(const struct config_setting *s, const char *value, char **canon,
    struct err *err)
{
	int i;

	if (word_in("yes|true|on|1", value, strlen(value), &i))
		*canon = xstrdup("yes");
	else if (word_in("no|false|off|0", value, strlen(value), &i))
		*canon = xstrdup("no");
	else
		return err_set(err, ERR_USAGE,
		    "%s: want yes or no (true/false, on/off, 1/0), got '%s'",
		    s->name, value);
	return 0;
}

static int
check_enum(const struct config_setting *s, const char *value, char **canon,
    struct err *err)
{
	char *w;
	int i;

	if (!word_in(s->words, value, strlen(value), &i)) {
		w = words_text(s->words);
		err_set(
		    err, ERR_USAGE, "%s: want %s, got '%s'", s->name, w, value);
		free(w);
		return ERR_USAGE;
	}
	*canon = xstrdup(value);
	for (char *p = *canon; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

/*
 * A server URL: an allowed scheme, a host, maybe a port, no password and no
 * path.  Messages never repeat the value: it might hold a password.
 */
static int
check_url(const struct config_setting *s, const char *value, struct err *err)
{
	const char *sep = strstr(value, "://"), *auth, *end, *at, *host, *port;
	char *w;
	int i;

	if (sep == NULL || !word_in(s->words, value, sep - value, &i)) {
		w = words_text_each(s->words, "://HOST[:PORT]");
		err_set(err, ERR_USAGE, "%s: want %s", s->name, w);
		free(w);
		return ERR_USAGE;
	}
	if (strpbrk(value, " \t") != NULL)
		return err_set(
		    err, ERR_USAGE, "%s: a URL has no blanks", s->name);
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	/* The secret's keys are named after the URL's: imap_url has
	 * imap_password_file. */
	at = memrchr(auth, '@', end - auth);
	if (at != NULL && memchr(auth, ':', at - auth) != NULL)
		return err_set(err, ERR_USAGE,
		    "%s: a password in the URL is refused (others could see "
		    "it); see %.*s_password_file and %.*s_password_env",
		    s->name, (int)(strlen(s->name) - 4), s->name,
		    (int)(strlen(s->name) - 4), s->name);
	host = at != NULL ? at + 1 : auth;
	if (*host == '[') {
		const char *close = memchr(host, ']', end - host);

		port = close != NULL ? close + 1 : NULL;
		if (close == NULL || close == host + 1 ||
		    (port < end && *port != ':'))
			return err_set(err, ERR_USAGE,
			    "%s: bad IPv6 address in the URL", s->name);
	} else {
		port = memchr(host, ':', end - host);
		if (port == NULL)
			port = end;
		if (port == host)
			return err_set(err, ERR_USAGE,
			    "%s: the URL names no host", s->name);
	}
	if (port < end) {
		long n = 0;
		const char *p = port + 1;

		for (; p < end && isdigit((unsigned char)*p) && n <= 65535; p++)
			n = n * 10 + (*p - '0');
		if (p != end || p == port + 1 || n < 1 || n > 65535)
			return err_set(err, ERR_USAGE,
			    "%s: the port in the URL is not a number from 1 to "
			    "65535",
			    s->name);
	}
	if (*end != '\0' && strcmp(end, "/") != 0)
		return err_set(err, ERR_USAGE,
		    "%s: the URL names only the server%s", s->name,
		    strncmp(s->name, "imap", 4) == 0
		        ? "; set the folder with imap_mailbox"
		        : "");
	return 0;
}

static int
check_envvar(const struct config_setting *s, const char *value, struct err *err)
{
	if (isdigit((unsigned char)value[0]) ||
	    strspn(value,
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	        "0123456789_") != strlen(value))
		return err_set(err, ERR_USAGE,
		    "%s: want the name of an environment variable (letters, "
		    "digits, _), got '%s'",
		    s->name, value);
	return 0;
}

/* Checks value for s; *canon is the form to keep. */
static int
check_value(const struct config_setting *s, const char *value, char **canon,
    struct err *err)
{
	int rc;

	*canon = NULL;
	if (strlen(value) > CONFIG_LINE_MAX)
		return err_set(err, ERR_USAGE, "%s: value longer than %d bytes",
		    s->name, CONFIG_LINE_MAX);
	for (const char *p = value; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(err, ERR_USAGE,
			    "%s: control characters are not allowed in a "
			    "value",
			    s->name);
	if (value[0] == '\0') {
		if (s->type == CONFIG_INT || s->type == CONFIG_COUNT ||
		    s->type == CONFIG_SIZE || s->type == CONFIG_BOOL ||
		    s->type == CONFIG_ENUM)
			return err_set(
			    err, ERR_USAGE, "%s: want a value", s->name);
		*canon = xstrdup("");
		return 0;
	}
	switch (s->type) {
	case CONFIG_INT:
		return check_int(s, value, canon, err);
	case CONFIG_COUNT:
	case CONFIG_SIZE:
		return check_size(s, value, canon, err);
	case CONFIG_BOOL:
		return check_bool(s, value, canon, err);
	case CONFIG_ENUM:
		return check_enum(s, value, canon, err);
	case CONFIG_URL:
		rc = check_url(s, value, err);
		break;
	case CONFIG_ENVVAR:
		rc = check_envvar(s, value, err);
		break;
	default:
		rc = 0;
		break;
	}
	if (rc == 0)
		*canon = xstrdup(value);
	return rc;
}

int
config_set(struct config *cfg, enum config_key key, const char *value,
    enum config_level level, const char *origin, struct err *err)
{
	struct config_value *v;
	char *canon;
	int rc;

	if ((unsigned)key >= CONFIG_NKEYS)
		return err_set(err, ERR_USAGE, "no such setting");
	if ((rc = check_value(&config_settings[key], value, &canon, err)) < 0)
		return rc;
	v = &cfg->v[key];
	if (level < v->level) {
		free(canon);
		return 0;
	}
	free(v->value);
	free(v->origin);
	v->value = canon;
	v->origin = xstrdup(origin);
	v->level = level;
	return 0;
}

/* Blanks: space and tab. */
static const char *
skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * The value after '=' into out (at least strlen(p) + 1 bytes): quoted with
 * \" and \\, or bare up to a '#' after a blank; blanks around it go.
 */
static int
parse_value(const char *p, char *out, struct err *err)
{
	char *o = out;

	p = skip_blank(p);
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return err_set(err, ERR_USAGE,
				    "missing the closing '\"' of the value");
			if (*p == '\\') {
				p++;
				if (*p != '"' && *p != '\\')
					return err_set(err, ERR_USAGE,
					    "in quotes, a backslash goes only "
					    "before \" or \\");
			}
			*o++ = *p;
		}
		p = skip_blank(p + 1);
		if (*p != '\0' && *p != '#')
			return err_set(err, ERR_USAGE,
			    "text after the closing '\"' of the value");
		*o = '\0';
		return 0;
	}
	for (; *p != '\0'; p++) {
		if (*p == '#' && (o == out || o[-1] == ' ' || o[-1] == '\t'))
			break;
		*o++ = *p;
	}
	while (o > out && (o[-1] == ' ' || o[-1] == '\t'))
		o--;
	*o = '\0';
	return 0;
}

/*
 * The key and value of a "key = value" line (NUL-terminated, no line end)
 * into *k and *value (the caller's); *k is -1 for a blank line or a
 * comment.
 */
static int
split_line(const char *path, unsigned lineno, const char *line, int *k,
    char **value, struct err *err)
{
	const char *p = skip_blank(line), *name = p, *hint;
	char *key;
	size_t nlen;
	int rc;

	*k = -1;
	*value = NULL;
	if (*p == '\0' || *p == '#')
		return 0;
	while (*p != '\0' && *p != '=' && *p != ' ' && *p != '\t')
		p++;
	nlen = p - name;
	p = skip_blank(p);
	if (*p != '=' || nlen == 0)
		return err_set(err, ERR_USAGE,
		    "%s:%u: want 'key = value' (or a # comment)", path, lineno);
	key = xstrndup(name, nlen);
	if ((*k = config_key(key)) < 0) {
		hint = suggest(key);
		if (hint != NULL)
			err_set(err, ERR_USAGE,
			    "%s:%u: unknown setting '%s' (did you mean %s?)",
			    path, lineno, key, hint);
		else
			err_set(err, ERR_USAGE,
			    "%s:%u: unknown setting '%s' (dmarcsift config "
			    "--help lists them)",
			    path, lineno, key);
		free(key);
		return ERR_USAGE;
	}
	free(key);
	*value = xmalloc(strlen(p + 1) + 1);
	if ((rc = parse_value(p + 1, *value, err)) < 0) {
		free(*value);
		*value = NULL;
		return err_prefix(
		    err, "%s:%u: %s", path, lineno, config_settings[*k].name);
	}
	return 0;
}

/* Refuses a key set a second time in one file (or one section of it):
 * first[] holds the line where each was set. */
static int
once(unsigned *first, int k, const char *path, unsigned lineno,
    const char *where, struct err *err)
{
	if (first[k] != 0)
		return err_set(err, ERR_USAGE,
		    "%s:%u: %s is set twice in this %s (first on line %u)",
		    path, lineno, config_settings[k].name, where, first[k]);
	first[k] = lineno;
	return 0;
}

/* One line outside sections. */
static int
parse_line(struct config *cfg, const char *path, unsigned lineno,
    const char *line, enum config_level level, unsigned *first, struct err *err)
{
	char *value, *origin;
	int k, rc;

	if ((rc = split_line(path, lineno, line, &k, &value, err)) < 0 || k < 0)
		return rc;
	if ((rc = once(first, k, path, lineno, "file", err)) < 0) {
		free(value);
		return rc;
	}
	origin = xasprintf("%s:%u", path, lineno);
	rc = config_set(cfg, k, value, level, origin, err);
	free(origin);
	free(value);
	if (rc < 0)
		return err_prefix(err, "%s:%u", path, lineno);
	return 0;
}

/* The section called name, made when new. */
static struct config_section *
section(struct config *cfg, const char *name)
{
	struct config_section *sec;

	for (size_t i = 0; i < cfg->nsec; i++)
		if (strcmp(cfg->sec[i].name, name) == 0)
			return &cfg->sec[i];
	if (cfg->nsec == cfg->sec_cap) {
		cfg->sec_cap = cfg->sec_cap ? 2 * cfg->sec_cap : 4;
		cfg->sec = xrealloc(cfg->sec, cfg->sec_cap * sizeof(*cfg->sec));
	}
	sec = &cfg->sec[cfg->nsec++];
	memset(sec, 0, sizeof(*sec));
	sec->name = xstrdup(name);
	return sec;
}

/* Where read_lines() is: outside sections, in one, or in one whose
 * header was refused (its lines are passed over). */
struct place {
	struct config_section *sec;
	int bad;
	unsigned first[CONFIG_NKEYS];
};

/* A "[mailbox NAME]" line; pl is in that section after it. */
static int
parse_header(struct config *cfg, const char *path, unsigned lineno,
    const char *line, struct place *pl, struct err *err)
{
	static const char kind[] = "mailbox";
	const char *p = skip_blank(skip_blank(line) + 1), *name, *end;
	char nm[CONFIG_MAILBOX_NAME_MAX + 1];
	struct config_section *sec;
	size_t n;

	pl->sec = NULL;
	pl->bad = 1;
	memset(pl->first, 0, sizeof(pl->first));
	if (strncmp(p, kind, sizeof(kind) - 1) != 0 ||
	    (p[sizeof(kind) - 1] != ' ' && p[sizeof(kind) - 1] != '\t'))
		return err_set(err, ERR_USAGE,
		    "%s:%u: want a section '[mailbox NAME]'", path, lineno);
	name = skip_blank(p + sizeof(kind) - 1);
	for (end = name; isalnum((unsigned char)*end) || *end == '.' ||
	     *end == '_' || *end == '-';
	     end++)
		;
	n = (size_t)(end - name);
	if (*skip_blank(end) != ']' || *skip_blank(skip_blank(end) + 1) != '\0')
		return err_set(err, ERR_USAGE,
		    "%s:%u: a mailbox's name is letters, digits, '.', '_' and "
		    "'-', then ']'",
		    path, lineno);
	if (n == 0 || n > CONFIG_MAILBOX_NAME_MAX)
		return err_set(err, ERR_USAGE,
		    "%s:%u: a mailbox's name is 1 to %d characters", path,
		    lineno, CONFIG_MAILBOX_NAME_MAX);
	memcpy(nm, name, n);
	nm[n] = '\0';
	sec = section(cfg, nm);
	if (sec->path != NULL && strcmp(sec->path, path) == 0)
		return err_set(err, ERR_USAGE,
		    "%s:%u: [mailbox %s] is in this file twice (first on "
		    "line %u)",
		    path, lineno, nm, sec->line);
	free(sec->path);
	sec->path = xstrdup(path);
	sec->line = lineno;
	pl->sec = sec;
	pl->bad = 0;
	return 0;
}

/* Only the settings of one mailbox may differ between mailboxes. */
static int
per_mailbox(int k)
{
	return k != CONFIG_MAILBOX &&
	    strncmp(config_settings[k].name, "imap_", 5) == 0;
}

/* A line of the section pl is in: checked now, put in later. */
static int
parse_section_line(const char *path, unsigned lineno, const char *line,
    struct place *pl, struct err *err)
{
	struct config_section *sec = pl->sec;
	struct config_line *l;
	char *value, *canon;
	int k, rc;

	if ((rc = split_line(path, lineno, line, &k, &value, err)) < 0 || k < 0)
		return rc;
	if (!per_mailbox(k)) {
		free(value);
		return err_set(err, ERR_USAGE,
		    "%s:%u: %s is not set per mailbox: only imap_* settings "
		    "go in a [mailbox] section (put it above the first one)",
		    path, lineno, config_settings[k].name);
	}
	rc = once(pl->first, k, path, lineno, "section", err);
	if (rc == 0 &&
	    (rc = check_value(&config_settings[k], value, &canon, err)) < 0)
		err_prefix(err, "%s:%u", path, lineno);
	free(value);
	if (rc < 0)
		return rc;
	if (sec->n == sec->cap) {
		sec->cap = sec->cap ? 2 * sec->cap : 8;
		sec->l = xrealloc(sec->l, sec->cap * sizeof(*sec->l));
	}
	l = &sec->l[sec->n++];
	l->key = k;
	l->value = canon;
	l->origin = xasprintf("%s:%u", path, lineno);
	return 0;
}

/* Reads all of fd into b, at most its ceiling (more is ERR_LIMIT). */
static int
read_all(int fd, struct dynbuf *b, struct err *err)
{
	size_t got;
	int rc;

	while ((rc = dynbuf_read(b, fd, &got)) == 0 && got > 0)
		;
	if (rc == ERR_IO)
		return err_set(err, ERR_IO, "cannot read: %s", strerror(errno));
	if (rc == ERR_LIMIT)
		return err_set(err, ERR_LIMIT, "longer than %zu bytes", b->max);
	return 0;
}

/* Reads all of fd, at most max bytes, into a new string (the caller's)
 * with its length in *len. */
static int
read_text(int fd, size_t max, char **out, size_t *len, struct err *err)
{
	struct dynbuf b;
	int rc;

	dynbuf_init(&b, max);
	if ((rc = read_all(fd, &b, err)) < 0) {
		dynbuf_free(&b);
		return rc;
	}
	*out = dynbuf_take(&b, len);
	return 0;
}

static void
note_file(struct config *cfg, const char *path, int found)
{
	if (cfg->nfiles < sizeof(cfg->files) / sizeof(cfg->files[0])) {
		cfg->files[cfg->nfiles].path = xstrdup(path);
		cfg->files[cfg->nfiles++].found = found;
	}
}

/*
 * The lines of buf (len bytes, NUL-terminated at buf[len], changed in
 * place).  A bad line stops the reading, unless problem is set: then it
 * hears of each and the reading goes on.  Returns 0 or the first error.
 */
static int
read_lines(struct config *cfg, const char *path, char *buf, size_t len,
    enum config_level level, void (*problem)(void *arg, const struct err *why),
    void *arg, struct err *err)
{
	unsigned first[CONFIG_NKEYS] = {0}, lineno = 0;
	char *line, *nl, *end = buf + len;
	int rc, first_rc = 0;
	struct place pl = {NULL, 0, {0}};
	struct err e;

	for (line = buf; line < end; line = nl + 1) {
		lineno++;
		nl = memchr(line, '\n', end - line);
		if (nl == NULL)
			nl = end;
		if (memchr(line, '\0', nl - line) != NULL) {
			rc = err_set(&e, ERR_USAGE,
			    "%s:%u: a NUL byte; a config file is text", path,
			    lineno);
		} else if (nl - line > CONFIG_LINE_MAX) {
			rc = err_set(&e, ERR_USAGE,
			    "%s:%u: line longer than %d bytes", path, lineno,
			    CONFIG_LINE_MAX);
		} else {
			*nl = '\0';
			if (nl > line && nl[-1] == '\r')
				nl[-1] = '\0';
			if (*skip_blank(line) == '[')
				rc = parse_header(
				    cfg, path, lineno, line, &pl, &e);
			else if (pl.bad)
				rc = 0; /* under a header refused already */
			else if (pl.sec != NULL)
				rc = parse_section_line(
				    path, lineno, line, &pl, &e);
			else
				rc = parse_line(
				    cfg, path, lineno, line, level, first, &e);
		}
		if (rc == 0)
			continue;
		if (first_rc == 0) {
			first_rc = rc;
			*err = e;
		}
		if (problem == NULL)
			break;
		problem(arg, &e);
	}
	return first_rc;
}

int
config_read_buffer(struct config *cfg, const char *name, const char *buf,
    size_t len, enum config_level level, struct err *err)
{
	char *copy;
	int rc;

	if (len > CONFIG_FILE_MAX)
		return err_set(err, ERR_LIMIT,
		    "config file %s: longer than %d bytes", name,
		    CONFIG_FILE_MAX);
	copy = xmalloc(len + 1);
	memcpy(copy, buf, len);
	copy[len] = '\0';
	rc = read_lines(cfg, name, copy, len, level, NULL, NULL, err);
	free(copy);
	return rc;
}

/* config_read_file(), telling problem of every bad line when it is set. */
static int
read_file(struct config *cfg, const char *path, enum config_level level,
    int must_exist, void (*problem)(void *arg, const struct err *why),
    void *arg, struct err *err)
{
	struct stat sb;
	char *buf;
	size_t len;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist) {
			note_file(cfg, path, 0);
			return 0;
		}
		return err_set(err, ERR_IO, "cannot read config file %s: %s",
		    path, strerror(errno));
	}
	if (fstat(fd, &sb) < 0 || S_ISDIR(sb.st_mode)) {
		close(fd);
		return err_set(err, ERR_IO,
		    "cannot read config file %s: is a directory", path);
	}
	if (S_ISREG(sb.st_mode) && (sb.st_mode & (S_IWGRP | S_IWOTH)))
		log_exposed(
		    "config file %s may be changed by others (chmod go-w "
		    "it)",
		    path);
	note_file(cfg, path, 1);
	rc = read_text(fd, CONFIG_FILE_MAX, &buf, &len, err);
	close(fd);
	if (rc < 0)
		return err_prefix(err, "config file %s", path);
	rc = read_lines(cfg, path, buf, len, level, problem, arg, err);
	free(buf);
	return rc;
}

int
config_read_file(struct config *cfg, const char *path, enum config_level level,
    int must_exist, struct err *err)
{
	return read_file(cfg, path, level, must_exist, NULL, NULL, err);
}

char *
config_system_path(void)
{
	const char *dir = getenv("DMARCSIFT_SYSCONFDIR");

	if (dir == NULL || dir[0] == '\0')
		dir = DMARCSIFT_SYSCONFDIR;
	return xasprintf("%s/%s", dir, CONFIG_NAME);
}

char *
config_user_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	/* The XDG spec: a relative XDG_CONFIG_HOME is ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/dmarcsift/%s", xdg, CONFIG_NAME);
	if ((home == NULL || home[0] != '/') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] != '/')
		return NULL;
	return xasprintf("%s/.config/dmarcsift/%s", home, CONFIG_NAME);
}

/* Counts the problems told on the way (config_load_all()). */
struct tally {
	void (*problem)(void *arg, const struct err *why);
	void *arg;
	size_t n;
};

static void
tell(void *arg, const struct err *why)
{
	struct tally *t = arg;

	t->n++;
	t->problem(t->arg, why);
}

/*
 * One file for load(): with t, its bad lines are told one by one and so
 * is a file that cannot be read; the loading goes on.
 */
static int
load_file(struct config *cfg, const char *path, enum config_level level,
    int must_exist, struct tally *t, struct err *err)
{
	int rc =
	    read_file(cfg, path, level, must_exist, t ? tell : NULL, t, err);

	if (rc < 0 && t != NULL) {
		if (rc != ERR_USAGE) /* not a line: not told yet */
			tell(t, err);
		rc = 0;
	}
	return rc;
}

static const struct config_section *
find_section(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nsec; i++)
		if (strcmp(cfg->sec[i].name, name) == 0)
			return &cfg->sec[i];
	return NULL;
}

size_t
config_mailbox_count(const struct config *cfg)
{
	return cfg->nsec;
}

const char *
config_mailbox_name(const struct config *cfg, size_t i)
{
	return i < cfg->nsec ? cfg->sec[i].name : NULL;
}

/* Puts the lines of sec into cfg, above the files and below the flags. */
static int
apply_section(
    struct config *cfg, const struct config_section *sec, struct err *err)
{
	int rc;

	for (size_t i = 0; i < sec->n; i++)
		if ((rc = config_set(cfg, sec->l[i].key, sec->l[i].value,
		         CONFIG_FROM_ENV, sec->l[i].origin, err)) < 0)
			return err_prefix(err, "%s", sec->l[i].origin);
	return 0;
}

/* "no [mailbox NAME] section (there are: a, b)" */
static int
no_section(const struct config *cfg, const char *name, struct err *err)
{
	char names[400];
	size_t n = 0;

	names[0] = '\0';
	for (size_t i = 0; i < cfg->nsec && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
		    i ? ", " : "", cfg->sec[i].name);
	if (cfg->nsec == 0)
		return err_set(err, ERR_USAGE,
		    "mailbox %s: the settings have no [mailbox NAME] section",
		    name);
	return err_set(err, ERR_USAGE,
	    "mailbox %s: no [mailbox %s] section (there are: %s)", name, name,
	    names);
}

/*
 * With mailbox set, its section's lines go into cfg itself.  Without it,
 * the mailbox line of `dmarcsift config` names the sections there are.
 */
static int
pick_mailbox(struct config *cfg, struct err *err)
{
	const char *name = config_str(cfg, CONFIG_MAILBOX);
	const struct config_section *sec;
	struct config_value *v = &cfg->v[CONFIG_MAILBOX];
	size_t n = 0;

	if (name == NULL) {
		if (cfg->nsec == 0 || v->level != CONFIG_FROM_DEFAULT)
			return 0;
		free(v->origin);
		v->origin = xstrdup("default: every section:");
		for (size_t i = 0; i < cfg->nsec && n < 10; i++, n++) {
			char *o =
			    xasprintf("%s %s", v->origin, cfg->sec[i].name);

			free(v->origin);
			v->origin = o;
		}
		return 0;
	}
	if ((sec = find_section(cfg, name)) == NULL)
		return no_section(cfg, name, err);
	return apply_section(cfg, sec, err);
}

int
config_for_mailbox(const struct config *cfg, const char *name,
    struct config **out, struct err *err)
{
	const struct config_section *sec = find_section(cfg, name);
	struct config *c;
	int rc;

	*out = NULL;
	if (sec == NULL)
		return no_section(cfg, name, err);
	c = xcalloc(1, sizeof(*c));
	for (int k = 0; k < CONFIG_NKEYS; k++) {
		c->v[k].value = xstrdup(cfg->v[k].value);
		c->v[k].origin = xstrdup(cfg->v[k].origin);
		c->v[k].level = cfg->v[k].level;
	}
	for (size_t i = 0; i < cfg->nfiles; i++)
		note_file(c, cfg->files[i].path, cfg->files[i].found);
	if ((rc = apply_section(c, sec, err)) < 0 ||
	    (rc = config_set(c, CONFIG_MAILBOX, name, CONFIG_FROM_ENV,
	         "section", err)) < 0 ||
	    (rc = config_check(c, err)) < 0) {
		config_free(c);
		return err_prefix(err, "mailbox %s", name);
	}
	*out = c;
	return 0;
}

/*
 * A cache holds the tokens of one grant's settings: two mailboxes with a
 * grant and one cache would each throw the other's tokens away.  c is
 * section i's settings; an earlier section sharing its cache is an error.
 */
static int
shared_cache(
    const struct config *cfg, size_t i, const struct config *c, struct err *err)
{
	const char *mine = config_str(c, CONFIG_IMAP_OAUTH2_CACHE), *theirs;
	struct config *o;
	int same;

	if (config_enum(c, CONFIG_IMAP_OAUTH2_GRANT) == CONFIG_GRANT_NONE)
		return 0;
	for (size_t j = 0; j < i; j++) {
		if (config_for_mailbox(cfg, cfg->sec[j].name, &o, err) < 0)
			continue;
		theirs = config_str(o, CONFIG_IMAP_OAUTH2_CACHE);
		same = config_enum(o, CONFIG_IMAP_OAUTH2_GRANT) !=
		        CONFIG_GRANT_NONE &&
		    (mine == NULL
		            ? theirs == NULL
		            : theirs != NULL && strcmp(mine, theirs) == 0);
		config_free(o);
		if (same)
			return err_set(err, ERR_USAGE,
			    "mailbox %s: its OAuth2 tokens would go to the "
			    "cache of mailbox %s (%s); give each its own "
			    "imap_oauth2_cache",
			    cfg->sec[i].name, cfg->sec[j].name,
			    mine != NULL ? mine : "the default");
	}
	return 0;
}

/*
 * Checks each section's settings as a whole (a password and a token from
 * two places).  With t, each problem a section adds to those of the lines
 * outside sections is told; without, the first is the error.
 */
static int
check_sections(const struct config *cfg, struct tally *t, struct err *err)
{
	struct config *c;
	struct err outside;
	int rc;

	/* One picked: its lines are in cfg, checked with it. */
	if (config_str(cfg, CONFIG_MAILBOX) != NULL)
		return 0;
	for (size_t i = 0; i < cfg->nsec; i++) {
		rc = config_for_mailbox(cfg, cfg->sec[i].name, &c, err);
		if (rc == 0)
			rc = shared_cache(cfg, i, c, err);
		config_free(c);
		if (rc == 0)
			continue;
		if (t == NULL)
			return rc;
		/* A problem outside the sections is told once, as such. */
		if (config_check(cfg, &outside) == 0)
			tell(t, err);
	}
	return 0;
}

/* config_load(); with t, every problem is told and the loading goes on. */
static int
load(struct config *cfg, const char *file, struct tally *t, struct err *err)
{
	const char *env;
	char *sys, *user;
	int rc;

	if (file == NULL && (env = getenv("DMARCSIFT_CONFIG")) != NULL &&
	    env[0] != '\0')
		file = env;
	if (file != NULL) {
		if ((rc = load_file(cfg, file, CONFIG_FROM_USER, 1, t, err)) <
		    0)
			return rc;
	} else {
		sys = config_system_path();
		user = config_user_path();
		rc = load_file(cfg, sys, CONFIG_FROM_SYSTEM, 0, t, err);
		if (rc == 0 && user != NULL && strcmp(user, sys) != 0)
			rc = load_file(cfg, user, CONFIG_FROM_USER, 0, t, err);
		free(sys);
		free(user);
		if (rc < 0)
			return rc;
	}
	for (int k = 0; k < CONFIG_NKEYS; k++) {
		const char *var = config_settings[k].env;

		if (var == NULL || (env = getenv(var)) == NULL ||
		    env[0] == '\0' ||
		    (rc = config_set(cfg, k, env, CONFIG_FROM_ENV, var, err)) ==
		        0)
			continue;
		err_prefix(err, "%s", var);
		if (t == NULL)
			return rc;
		tell(t, err);
	}
	if ((rc = pick_mailbox(cfg, err)) < 0) {
		if (t == NULL)
			return rc;
		tell(t, err);
	}
	if (t == NULL) {
		if ((rc = config_check(cfg, err)) < 0)
			return rc;
		return check_sections(cfg, NULL, err);
	}
	config_problems(cfg, tell, t);
	(void)check_sections(cfg, t, err);
	return 0;
}

int
config_load(struct config *cfg, const char *file, struct err *err)
{
	return load(cfg, file, NULL, err);
}

size_t
config_load_all(struct config *cfg, const char *file,
    void (*problem)(void *arg, const struct err *why), void *arg)
{
	struct tally t = {problem, arg, 0};
	struct err err;

	(void)load(cfg, file, &t, &err);
	return t.n;
}

size_t
config_file_count(const struct config *cfg)
{
	return cfg->nfiles;
}

const char *
config_file(const struct config *cfg, size_t i, int *found)
{
	if (i >= cfg->nfiles)
		return NULL;
	*found = cfg->files[i].found;
	return cfg->files[i].path;
}

/* Refuses two keys set at once, naming where each was set. */
static int
exclusive(const struct config *cfg, enum config_key a, enum config_key b,
    const char *why, struct err *err)
{
	if (config_str(cfg, a) == NULL || config_str(cfg, b) == NULL)
		return 0;
	return err_set(err, ERR_USAGE,
	    "%s (from %s) and %s (from %s) are both set: %s; an empty value "
	    "unsets one",
	    config_settings[a].name, config_origin(cfg, a),
	    config_settings[b].name, config_origin(cfg, b), why);
}

/* ------------------------------------------------------------------------
 * What a value means, for the settings that have structure.  Each check
 * says what is wrong without the setting's name, which config_problems()
 * puts in front with where the value came from. */

/* The longest entry of a list setting (an address, a network, a service
 * or a domain name). */
#define ENTRY_MAX 256

/* Each entry of a comma-separated list through check; the first bad one
 * is the error. */
static int
each_entry(const char *value, int (*check)(const char *item, struct err *err),
    struct err *err)
{
	const char *p = value;
	char item[ENTRY_MAX + 1], shown[80];
	long n;
	int rc;

	while ((n = text_list_next(&p, item, sizeof(item))) >= 0) {
		if ((size_t)n > ENTRY_MAX) {
			text_printable(item, shown, sizeof(shown));
			return err_set(err, ERR_USAGE,
			    "'%s...' is longer than %d bytes", shown,
			    ENTRY_MAX);
		}
		if ((rc = check(item, err)) < 0)
			return rc;
	}
	return 0;
}

/*
 * trusted_sources, ignored_sources: an address, a network ADDRESS/BITS, or
 * a service name (a word of letters; whether dmarcsift knows the service
 * is checked where the list of services is loaded).  What looks like an
 * address must be one, so that a typo is not silently a name.
 */
static int
check_source(const char *item, struct err *err)
{
	char addr[ENTRY_MAX + 1], ip[IP_TEXT_MAX], *slash;
	size_t len = strlen(item);
	long bits, max;

	if (len > 127)
		return err_set(err, ERR_USAGE,
		    "'%.40s...' is longer than 127 bytes", item);
	if (strpbrk(item, "\"\\") != NULL)
		return err_set(err, ERR_USAGE,
		    "'%s': a quote or a backslash is neither an address nor "
		    "a service name",
		    item);
	if ((slash = strchr(item, '/')) == NULL) {
		if (strspn(item, "0123456789abcdefABCDEF.:") == len &&
		    ip_normalize(item, ip) < 0)
			return err_set(err, ERR_USAGE,
			    "'%s' is not an IP address (a service name needs "
			    "a letter past f)",
			    item);
		return 0;
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - item), item);
	if (ip_normalize(addr, ip) < 0)
		return err_set(err, ERR_USAGE,
		    "'%s' is not a network: '%s' is not an IP address "
		    "(write ADDRESS/BITS)",
		    item, addr);
	max = strchr(ip, ':') != NULL ? 128 : 32;
	errno = 0;
	bits = strtol(slash + 1, NULL, 10);
	if (slash[1] == '\0' ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
	    errno != 0 || bits > max)
		return err_set(err, ERR_USAGE,
		    "'%s' is not a network: the prefix length '%s' is not a "
		    "number from 0 to %ld (IPv%d)",
		    item, slash + 1, max, max == 32 ? 4 : 6);
	return 0;
}

static int
check_sources(const char *value, struct err *err)
{
	return each_entry(value, check_source, err);
}

/* A domain name, as every command takes one (domain.h). */
static int
check_domain(const char *item, struct err *err)
{
	char name[DOMAIN_MAX];

	return domain_check(item, name, sizeof(name), err);
}

static int
check_domains(const char *value, struct err *err)
{
	return each_entry(value, check_domain, err);
}

/*
 * authserv_id: the names a mail server writes first in its
 * Authentication-Results (RFC 8601 authserv-id): no blanks, no ';', no
 * quotes, printable ASCII.
 */
static int
check_authserv(const char *item, struct err *err)
{
	for (const char *p = item; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr(";\"()=", *p) != NULL)
			return err_set(err, ERR_USAGE,
			    "'%s' is not a server name as Authentication-"
			    "Results writes it (no blanks, ';', '=', quotes or "
			    "parentheses)",
			    item);
	return 0;
}

static int
check_authserv_ids(const char *value, struct err *err)
{
	return each_entry(value, check_authserv, err);
}

/* A plain address, local@domain, that mail can be sent to as it is. */
static int
check_address(const char *item, struct err *err)
{
	const char *at = strchr(item, '@');

	for (const char *p = item; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("<>,\"()\\;:[]", *p) != NULL)
			return err_set(err, ERR_USAGE,
			    "'%s' is not a plain address local@domain (no "
			    "blanks, quotes, brackets or names)",
			    item);
	if (at == NULL || at == item || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return err_set(err, ERR_USAGE,
		    "'%s' is not an address local@domain", item);
	return check_domain(at + 1, err) < 0
	    ? err_set(err, ERR_USAGE, "'%s': '%s' is not a domain name", item,
	          at + 1)
	    : 0;
}

static int
check_addresses(const char *value, struct err *err)
{
	return each_entry(value, check_address, err);
}

static int
check_one_address(const char *value, struct err *err)
{
	return check_address(value, err);
}

/* dns_servers: HOST[:PORT], HOST an IPv4 or IPv6 address ([V6]:PORT with
 * a port), at most CONFIG_DNS_SERVERS_MAX of them. */
static int
check_server(const char *item, struct err *err)
{
	char host[ENTRY_MAX + 1];
	const char *port = NULL, *close, *colon;
	unsigned char bin[16];
	long p;

	if (item[0] == '[') {
		if ((close = strchr(item, ']')) == NULL ||
		    (close[1] != '\0' && close[1] != ':'))
			return err_set(err, ERR_USAGE,
			    "'%s' is not HOST[:PORT] ([IPV6]:PORT)", item);
		snprintf(host, sizeof(host), "%.*s", (int)(close - item - 1),
		    item + 1);
		if (inet_pton(AF_INET6, host, bin) != 1)
			return err_set(err, ERR_USAGE,
			    "'%s': '%s' is not an IPv6 address", item, host);
		port = close[1] == ':' ? close + 2 : NULL;
	} else if ((colon = strchr(item, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {
		if (inet_pton(AF_INET6, item, bin) != 1)
			return err_set(err, ERR_USAGE,
			    "'%s' is not an IPv6 address (write [ADDRESS]:PORT "
			    "for a port)",
			    item);
	} else {
		snprintf(host, sizeof(host), "%.*s",
		    (int)(colon != NULL ? (size_t)(colon - item)
		                        : strlen(item)),
		    item);
		if (inet_pton(AF_INET, host, bin) != 1)
			return err_set(err, ERR_USAGE,
			    "'%s': '%s' is not an IPv4 or IPv6 address (name "
			    "servers are given by address)",
			    item, host);
		port = colon != NULL ? colon + 1 : NULL;
	}
	if (port != NULL) {
		errno = 0;
		p = strtol(port, NULL, 10);
		if (port[0] == '\0' ||
		    strspn(port, "0123456789") != strlen(port) || errno != 0 ||
		    p < 1 || p > 65535)
			return err_set(err, ERR_USAGE,
			    "'%s': the port is not a number from 1 to 65535",
			    item);
	}
	return 0;
}

static int
check_servers(const char *value, struct err *err)
{
	const char *p = value;
	char item[ENTRY_MAX + 1];
	int n = 0;

	/* An empty entry is a mistake here, not nothing. */
	for (const char *c = value;; c++) {
		const char *q = c;

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == ',' || *q == '\0')
			return err_set(
			    err, ERR_USAGE, "an empty entry in the list");
		if ((c = strchr(q, ',')) == NULL)
			break;
	}
	while (text_list_next(&p, item, sizeof(item)) >= 0)
		n++;
	if (n > CONFIG_DNS_SERVERS_MAX)
		return err_set(err, ERR_USAGE, "more than %d servers",
		    CONFIG_DNS_SERVERS_MAX);
	return each_entry(value, check_server, err);
}

/* The kinds and roles of a services file (analyze/services.h). */
#define SERVICES_KINDS "ptr|dkim|spf|any"
#define SERVICES_ROLES "forwarder|list"
#define SERVICES_LINE_MAX 1024
#define SERVICES_FILE_MAX (8u << 20)

/* Whether w is one of the '|'-separated words, case and all. */
static int
exact_word(const char *words, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = words;; p++) {
		if (strncmp(p, w, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, '|')) == NULL)
			return 0;
	}
}

/* One line of a services file: kind TAB domain TAB service [TAB role]. */
static int
check_services_line(
    char *line, const char *path, unsigned lineno, struct err *err)
{
	char *f[5], *p = line, *end;
	size_t nf = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	while (*p != '\0' && nf < 5) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		f[nf++] = p;
		while (*p != '\0' && *p != '\t')
			p++;
		end = p;
		while (end > f[nf - 1] && end[-1] == ' ')
			end--;
		if (*p != '\0')
			p++;
		*end = '\0';
	}
	if (nf < 3 || nf > 4)
		return err_set(err, ERR_USAGE,
		    "%s:%u: want 3 or 4 tab-separated fields (kind, domain, "
		    "service, role), found %s",
		    path, lineno,
		    nf > 4        ? "more"
		        : nf == 2 ? "2"
		                  : "1");
	if (!exact_word(SERVICES_KINDS, f[0]))
		return err_set(err, ERR_USAGE,
		    "%s:%u: unknown kind '%.40s' (want ptr, dkim, spf or any)",
		    path, lineno, f[0]);
	if (nf == 4 && !exact_word(SERVICES_ROLES, f[3]))
		return err_set(err, ERR_USAGE,
		    "%s:%u: unknown role '%.40s' (want forwarder or list)",
		    path, lineno, f[3]);
	return 0;
}

/*
 * services_file: a regular file that can be read, of at most 8 MiB, whose
 * lines have the shape of analyze/data/services.tsv.  What its entries say
 * (a domain listed twice) is checked where the services are loaded.
 */
static int
check_services_file(const char *path, struct err *err)
{
	struct stat sb;
	char *buf, *line, *nl, *end;
	size_t len;
	unsigned lineno = 0;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(err, ERR_USAGE, "cannot read %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(
		    err, ERR_USAGE, "%s is not a regular file", path);
	}
	rc = read_text(fd, SERVICES_FILE_MAX, &buf, &len, err);
	close(fd);
	if (rc < 0)
		return err_prefix(err, "%s", path);
	end = buf + len;
	for (line = buf; line < end && rc == 0; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', end - line)) == NULL)
			nl = end;
		if (memchr(line, '\0', nl - line) != NULL) {
			rc = err_set(
			    err, ERR_USAGE, "%s:%u: a NUL byte", path, lineno);
			break;
		}
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (strlen(line) > SERVICES_LINE_MAX)
			rc = err_set(err, ERR_USAGE,
			    "%s:%u: line longer than %d bytes", path, lineno,
			    SERVICES_LINE_MAX);
		else
			rc = check_services_line(line, path, lineno, err);
	}
	free(buf);
	return rc;
}

/* The check of each setting that has one; indexed by enum config_key. */
static int (*const meaning[CONFIG_NKEYS])(const char *, struct err *) = {
    [CONFIG_TRUSTED_SOURCES] = check_sources,
    [CONFIG_IGNORED_SOURCES] = check_sources,
    [CONFIG_DOMAINS] = check_domains,
    [CONFIG_SERVICES_FILE] = check_services_file,
    [CONFIG_DNS_SERVERS] = check_servers,
    [CONFIG_AUTHSERV_ID] = check_authserv_ids,
    [CONFIG_MAIL_TO] = check_addresses,
    [CONFIG_SMTP_FROM] = check_one_address,
};

size_t
config_problems(const struct config *cfg,
    void (*problem)(void *arg, const struct err *why), void *arg)
{
	static const struct {
		enum config_key a, b;
		const char *why;
	} pairs[] = {
	    {CONFIG_IMAP_PASSWORD_FILE, CONFIG_IMAP_PASSWORD_ENV,
	        "the password comes from one of them"},
	    {CONFIG_IMAP_OAUTH2_TOKEN_FILE, CONFIG_IMAP_OAUTH2_TOKEN_COMMAND,
	        "the token comes from one of them"},
	    {CONFIG_IMAP_PASSWORD_FILE, CONFIG_IMAP_OAUTH2_TOKEN_FILE,
	        "log in with a password or a token"},
	    {CONFIG_IMAP_PASSWORD_FILE, CONFIG_IMAP_OAUTH2_TOKEN_COMMAND,
	        "log in with a password or a token"},
	    {CONFIG_IMAP_PASSWORD_ENV, CONFIG_IMAP_OAUTH2_TOKEN_FILE,
	        "log in with a password or a token"},
	    {CONFIG_IMAP_PASSWORD_ENV, CONFIG_IMAP_OAUTH2_TOKEN_COMMAND,
	        "log in with a password or a token"},
	    {CONFIG_SMTP_PASSWORD_FILE, CONFIG_SMTP_PASSWORD_ENV,
	        "the password comes from one of them"},
	    {CONFIG_IMAP_OAUTH2_CLIENT_SECRET_FILE,
	        CONFIG_IMAP_OAUTH2_CLIENT_SECRET_ENV,
	        "the client secret comes from one of them"},
	};
	struct err e;
	size_t n = 0;

	for (int k = 0; k < CONFIG_NKEYS; k++) {
		const char *v = config_str(cfg, k);

		if (meaning[k] == NULL || v == NULL || meaning[k](v, &e) == 0)
			continue;
		err_prefix(&e, "%s (%s)", config_settings[k].name,
		    config_origin(cfg, k));
		problem(arg, &e);
		n++;
	}
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (exclusive(cfg, pairs[i].a, pairs[i].b, pairs[i].why, &e) <
		    0) {
			problem(arg, &e);
			n++;
		}
	return n;
}

static void
keep_first(void *arg, const struct err *why)
{
	struct err *first = arg;

	if (first->code == ERR_OK)
		*first = *why;
}

int
config_check(const struct config *cfg, struct err *err)
{
	err_clear(err);
	if (config_problems(cfg, keep_first, err) == 0)
		return 0;
	return err->code;
}

const char *
config_str(const struct config *cfg, enum config_key key)
{
	const char *v = cfg->v[key].value;

	return v[0] != '\0' ? v : NULL;
}

/* An INT or SIZE value that config_set() checked, or a default. */
static long long
int_of(const struct config_setting *s, const char *v)
{
	unsigned long long n = 0;

	if (s->type == CONFIG_COUNT || s->type == CONFIG_SIZE)
		return config_parse_size(v, &n) == 0 ? (long long)n : 0;
	return strtoll(v, NULL, 10);
}

long long
config_int(const struct config *cfg, enum config_key key)
{
	return int_of(&config_settings[key], cfg->v[key].value);
}

long long
config_default_int(enum config_key key)
{
	return int_of(&config_settings[key], config_settings[key].dflt);
}

int
config_bool(const struct config *cfg, enum config_key key)
{
	return strcmp(cfg->v[key].value, "yes") == 0;
}

int
config_enum(const struct config *cfg, enum config_key key)
{
	const char *v = cfg->v[key].value;
	int i = 0;

	if (config_settings[key].words == NULL ||
	    !word_in(config_settings[key].words, v, strlen(v), &i))
		return 0;
	return i;
}

const char *
config_origin(const struct config *cfg, enum config_key key)
{
	return cfg->v[key].origin;
}

enum config_level
config_level(const struct config *cfg, enum config_key key)
{
	return cfg->v[key].level;
}

#define MASK "********"

/* A copy of v with some spans replaced by MASK: each byte of v gives at
 * most itself and a MASK, so no put() can reach the ceiling. */
static void
mask_init(struct dynbuf *m, const char *v)
{
	dynbuf_init(m, (strlen(v) + 1) * (sizeof(MASK) + 1));
}

static void
put(struct dynbuf *m, const char *p, size_t n)
{
	(void)dynbuf_add(m, p, n);
}

/* scheme://[user[:password]@]host...[?a=b&password=c&sslpassword=d]: all
 * hidden. */
static char *
mask_url(const char *v, const char *sep)
{
	struct dynbuf m;
	const char *auth = sep + 3, *query = strchr(auth, '?'), *at, *colon;
	const char *p, *amp;

	mask_init(&m, v);
	/* The last '@' before the query: a password that holds '/' still
	 * hides. */
	at = memrchr(auth, '@', (query ? query : auth + strlen(auth)) - auth);
	colon = at ? memchr(auth, ':', at - auth) : NULL;
	if (colon != NULL) {
		put(&m, v, colon + 1 - v);
		put(&m, MASK, strlen(MASK));
		p = at;
	} else {
		p = v;
	}
	if (query == NULL) {
		put(&m, p, strlen(p));
		return dynbuf_take(&m, NULL);
	}
	put(&m, p, query + 1 - p);
	for (p = query + 1; *p != '\0'; p = amp + 1) {
		amp = p + strcspn(p, "&#");
		if (strncmp(p, "password=", 9) == 0 ||
		    strncmp(p, "sslpassword=", 12) == 0) {
			put(&m, p, strchr(p, '=') + 1 - p);
			put(&m, MASK, strlen(MASK));
		} else {
			put(&m, p, amp - p);
		}
		if (*amp == '\0')
			break;
		put(&m, amp, 1);
		if (*amp == '#') {
			put(&m, amp + 1, strlen(amp + 1));
			break;
		}
	}
	return dynbuf_take(&m, NULL);
}

/*
 * keyword = value pairs as libpq reads them: values bare (backslash escapes)
 * or in single quotes.  What cannot be read is hidden whole.
 */
static char *
mask_conninfo(const char *v)
{
	struct dynbuf m;
	const char *p = v, *kw, *val;
	size_t kwlen;

	mask_init(&m, v);
	while (*p != '\0') {
		const char *start = p;

		while (isspace((unsigned char)*p))
			p++;
		kw = p;
		while (*p != '\0' && *p != '=' && !isspace((unsigned char)*p))
			p++;
		kwlen = p - kw;
		while (isspace((unsigned char)*p))
			p++;
		if (kwlen == 0 && *p == '\0') {
			put(&m, start, p - start);
			break;
		}
		if (*p != '=' || kwlen == 0) {
			put(&m, start, kw - start);
			put(&m, MASK, strlen(MASK));
			break;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		put(&m, start, p - start);
		val = p;
		if (*p == '\'') {
			for (p++; *p != '\0' && *p != '\''; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p == '\0') {
				put(&m, MASK, strlen(MASK));
				break;
			}
			p++;
		} else {
			for (; *p != '\0' && !isspace((unsigned char)*p); p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
		}
		if ((kwlen == 8 && strncmp(kw, "password", 8) == 0) ||
		    (kwlen == 11 && strncmp(kw, "sslpassword", 11) == 0))
			put(&m, MASK, strlen(MASK));
		else
			put(&m, val, p - val);
	}
	return dynbuf_take(&m, NULL);
}

char *
config_mask(const char *value)
{
	const char *sep = strstr(value, "://");
	size_t n = strspn(value,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+."
	    "-");

	if (sep != NULL && n > 0 && value + n == sep)
		return mask_url(value, sep);
	return mask_conninfo(value);
}

char *
config_mask_host(const char *url)
{
	const char *sep = strstr(url, "://"), *host, *end, *at;
	struct dynbuf m;

	if (sep == NULL)
		return xstrdup("(a URL)");
	host = sep + 3;
	end = host + strcspn(host, "/?#");
	/* user:password@ goes too */
	at = memchr(host, '@', end - host);
	if (at != NULL)
		host = at + 1;
	mask_init(&m, url);
	put(&m, url, sep + 3 - url);
	put(&m, host, end - host);
	if (*end != '\0')
		put(&m, "/...", 4);
	return dynbuf_take(&m, NULL);
}

char *
config_display(const struct config *cfg, enum config_key key)
{
	const char *v = cfg->v[key].value;

	switch (config_settings[key].mask) {
	case CONFIG_MASK_PASSWORD:
		return config_mask(v);
	case CONFIG_MASK_PATH:
		return v[0] != '\0' ? config_mask_host(v) : xstrdup(v);
	}
	return xstrdup(v);
}

void
config_print_help(FILE *fp, unsigned groups)
{
	for (int k = 0; k < CONFIG_NKEYS; k++) {
		const struct config_setting *s = &config_settings[k];
		char *w;

		if ((s->group & groups) == 0)
			continue;
		fprintf(fp, "  %s =%s%s\n      %s", s->name,
		    s->dflt[0] != '\0' ? " " : "", s->dflt, s->help);
		if (s->type == CONFIG_INT || s->type == CONFIG_COUNT)
			fprintf(fp, "; %lld to %lld", s->min, s->max);
		if (s->type == CONFIG_SIZE) {
			char *lo = size_text(s->min), *hi = size_text(s->max);

			fprintf(fp, "; %s to %s", lo, hi);
			free(lo);
			free(hi);
		}
		if (s->type == CONFIG_ENUM) {
			w = words_text(s->words);
			fprintf(fp, ": %s", w);
			free(w);
		}
		fputc('\n', fp);
	}
}

void
config_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

/* The first line of buf[0..len) as a secret, or an error (no content). */
static int
first_line(const char *buf, size_t len, char **out, struct err *err)
{
	size_t n = 0;

	while (n < len && buf[n] != '\n')
		n++;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (memchr(buf, '\0', n) != NULL)
		return err_set(err, ERR_USAGE, "holds a NUL byte");
	if (n == 0)
		return err_set(err, ERR_USAGE, "the first line is empty");
	*out = xstrndup(buf, n);
	return 0;
}

/* Reads the secret file at path, all of it up to max bytes, into b (a
 * secret buffer the caller frees). */
static int
read_secret(const char *path, size_t max, struct dynbuf *b, struct err *err)
{
	struct stat sb;
	int fd, rc;

	dynbuf_init_secret(b, max);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(
		    err, ERR_IO, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(err, ERR_IO, "%s: not a regular file", path);
	}
	if (sb.st_mode & S_IROTH)
		log_exposed(
		    "%s holds a secret and everybody may read it (chmod "
		    "o-r it)",
		    path);
	rc = read_all(fd, b, err);
	close(fd);
	return rc < 0 ? err_prefix(err, "%s", path) : 0;
}

int
config_read_secret_file(const char *path, char **out, struct err *err)
{
	struct dynbuf buf;
	int rc;

	*out = NULL;
	if ((rc = read_secret(path, CONFIG_SECRET_MAX, &buf, err)) == 0 &&
	    (rc = first_line(dynbuf_str(&buf), buf.len, out, err)) < 0)
		err_prefix(err, "%s", path);
	dynbuf_free(&buf);
	return rc;
}

int
config_run_token_command(const char *cmd, char **out, struct err *err)
{
	/* The setting is a shell command line, as a user writes one. */
	char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
	const struct childproc_opts o = {
	    .name = "the command",
	    .stderr_to = CHILDPROC_STDERR_PASS,
	    .out_max = CONFIG_SECRET_MAX,
	    .out_secret = 1,
	    .timeout_s = TOKEN_COMMAND_SECONDS,
	};
	struct childproc_result res;
	char status[80];
	int rc;

	*out = NULL;
	if ((rc = childproc_run(argv, &o, &res, err)) < 0)
		return rc;
	if (!childproc_ok(res.status))
		rc = err_set(err, ERR_IO, "the command %s",
		    childproc_status_text(res.status, status, sizeof(status)));
	else if ((rc = first_line(
	              dynbuf_str(&res.out), res.out.len, out, err)) < 0)
		err_set(err, ERR_IO, "the command printed no token");
	childproc_result_free(&res);
	return rc;
}

/* The password from the file setting, else the variable the env setting
 * names; *out NULL when neither is set. */
static int
password_from(const struct config *cfg, enum config_key file_key,
    enum config_key env_key, char **out, struct err *err)
{
	const char *file = config_str(cfg, file_key);
	const char *var = config_str(cfg, env_key), *v;
	const char *env_name = config_settings[env_key].name;
	int rc;

	*out = NULL;
	if ((rc = config_check(cfg, err)) < 0)
		return rc;
	if (file != NULL) {
		if ((rc = config_read_secret_file(file, out, err)) < 0)
			return err_prefix(
			    err, "%s", config_settings[file_key].name);
		return 0;
	}
	if (var == NULL)
		return 0;
	v = getenv(var);
	if (v == NULL || v[0] == '\0')
		return err_set(err, ERR_USAGE,
		    "%s: the environment variable %s is not set", env_name,
		    var);
	if (strpbrk(v, "\r\n") != NULL)
		return err_set(err, ERR_USAGE,
		    "%s: the environment variable %s holds a line break",
		    env_name, var);
	*out = xstrdup(v);
	return 0;
}

int
config_imap_password(const struct config *cfg, char **out, struct err *err)
{
	return password_from(
	    cfg, CONFIG_IMAP_PASSWORD_FILE, CONFIG_IMAP_PASSWORD_ENV, out, err);
}

int
config_smtp_password(const struct config *cfg, char **out, struct err *err)
{
	return password_from(
	    cfg, CONFIG_SMTP_PASSWORD_FILE, CONFIG_SMTP_PASSWORD_ENV, out, err);
}

int
config_imap_oauth2_token(const struct config *cfg, char **out, struct err *err)
{
	const char *file = config_str(cfg, CONFIG_IMAP_OAUTH2_TOKEN_FILE);
	const char *cmd = config_str(cfg, CONFIG_IMAP_OAUTH2_TOKEN_COMMAND);
	int rc;

	*out = NULL;
	if ((rc = config_check(cfg, err)) < 0)
		return rc;
	if (file != NULL && (rc = config_read_secret_file(file, out, err)) < 0)
		return err_prefix(err, "imap_oauth2_token_file");
	if (cmd != NULL && (rc = config_run_token_command(cmd, out, err)) < 0)
		return err_prefix(err, "imap_oauth2_token_command");
	return 0;
}

int
config_imap_oauth2_client_secret(
    const struct config *cfg, char **out, struct err *err)
{
	return password_from(cfg, CONFIG_IMAP_OAUTH2_CLIENT_SECRET_FILE,
	    CONFIG_IMAP_OAUTH2_CLIENT_SECRET_ENV, out, err);
}

int
config_imap_oauth2_key(
    const struct config *cfg, char **out, size_t *len, struct err *err)
{
	const char *path = config_str(cfg, CONFIG_IMAP_OAUTH2_KEY_FILE);
	struct dynbuf buf;
	int rc;

	*out = NULL;
	*len = 0;
	if (path == NULL)
		return 0;
	if ((rc = read_secret(path, CONFIG_KEY_FILE_MAX, &buf, err)) < 0) {
		dynbuf_free(&buf);
		return err_prefix(err, "imap_oauth2_key_file");
	}
	if (buf.len == 0) {
		dynbuf_free(&buf);
		return err_set(
		    err, ERR_USAGE, "imap_oauth2_key_file: %s is empty", path);
	}
	*out = dynbuf_take(&buf, len);
	return 0;
}
