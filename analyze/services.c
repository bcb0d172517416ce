/*
 * services: a sorted array of (domain, kind, source) entries, searched with
 * a binary search for each suffix of the name asked about; each entry
 * carries its service name and role.
 */
#include "services.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>
#include <ctype.h>

#include "err.h"
#include "orgdomain.h"
#include "sha256.h"
#include "text.h"
#include "xalloc.h"

/* analyze/data/services.tsv, compiled in by analyze/CMakeLists.txt. */
extern const char services_tsv[];
extern const size_t services_tsv_len;

#define BUILTIN_NAME "services.tsv (built-in)"

struct entry {
	char *domain;
	char *service;
	unsigned char kind; /* enum services_kind */
	unsigned char role; /* enum services_role */
	unsigned char user; /* 1: from the user's file */
	size_t line;
};

struct services {
	struct entry *e;
	size_t n, cap;
	size_t distinct;
};

static const char *const kind_names[] = {
    [SERVICES_ANY] = "any",
    [SERVICES_PTR] = "ptr",
    [SERVICES_DKIM] = "dkim",
    [SERVICES_SPF] = "spf",
};

#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

static const char *const role_names[] = {
    [SERVICES_ROLE_NONE] = "none",
    [SERVICES_ROLE_FORWARDER] = "forwarder",
    [SERVICES_ROLE_LIST] = "list",
};

#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

const char *
services_kind_name(enum services_kind kind)
{
	if ((unsigned)kind >= NKINDS)
		return "unknown";
	return kind_names[kind];
}

int
services_kind_parse(const char *word)
{
	size_t k;

	if (word == NULL)
		return -1;
	for (k = 0; k < NKINDS; k++)
		if (strcmp(word, kind_names[k]) == 0)
			return (int)k;
	return -1;
}

const char *
services_role_name(enum services_role role)
{
	if ((unsigned)role >= NROLES)
		return "unknown";
	return role_names[role];
}

int
services_role_parse(const char *word)
{
	size_t r;

	if (word == NULL)
		return -1;
	/* "none" is what no fourth field says; a file does not write it. */
	for (r = SERVICES_ROLE_NONE + 1; r < NROLES; r++)
		if (strcmp(word, role_names[r]) == 0)
			return (int)r;
	return -1;
}

/* Domain, then the user's entries first, then kind (any first). */
static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c;

	if ((c = strcmp(x->domain, y->domain)) != 0)
		return c;
	if (x->user != y->user)
		return x->user ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
service_name_ok(const char *s, size_t len)
{
	size_t i, n;

	if (len == 0 || len > SERVICES_NAME_MAX)
		return 0;
	for (i = 0; i < len; i += n) {
		const unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
		n = c < 0x80
		    ? 1
		    : utf8_seq_len((const unsigned char *)s + i, len - i);
		if (n == 0)
			return 0;
	}
	return 1;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits line in place on runs of tabs into at most nf fields, trimming
 * spaces around each; returns the number of fields found. */
static size_t
split_fields(char *line, char **f, size_t nf)
{
	size_t n = 0;
	char *p = line, *end;

	while (*p != '\0') {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		if (n == nf)
			return nf + 1;
		f[n++] = p;
		while (*p != '\0' && *p != '\t')
			p++;
		end = p;
		while (end > f[n - 1] && end[-1] == ' ')
			end--;
		if (*p != '\0')
			p++;
		*end = '\0';
	}
	return n;
}

static int
parse_line(struct services *s, char *line, const char *src, size_t lineno,
    int user, struct err *err)
{
	char *f[4], shown[64], dom[ORGDOMAIN_MAX];
	struct entry *e;
	size_t nf;
	int kind, role = SERVICES_ROLE_NONE;

	nf = split_fields(line, f, 4);
	if (nf < 3 || nf > 4)
		return err_set(err, ERR_MALFORMED,
		    "%s:%zu: expected 3 or 4 tab-separated fields (kind, "
		    "domain, service, role), found %s",
		    src, lineno,
		    nf > 4        ? "more"
		        : nf == 2 ? "2"
		                  : "1");
	if ((kind = services_kind_parse(f[0])) < 0) {
		text_printable(f[0], shown, sizeof(shown));
		return err_set(err, ERR_MALFORMED,
		    "%s:%zu: unknown kind '%s' (expected ptr, dkim, spf or "
		    "any)",
		    src, lineno, shown);
	}
	if (orgdomain_normalize(f[1], dom, sizeof(dom)) < 0) {
		text_printable(f[1], shown, sizeof(shown));
		return err_set(err, ERR_MALFORMED,
		    "%s:%zu: invalid domain '%s'", src, lineno, shown);
	}
	if (!service_name_ok(f[2], strlen(f[2]))) {
		text_printable(f[2], shown, sizeof(shown));
		return err_set(err, ERR_MALFORMED,
		    "%s:%zu: invalid service name '%s' (1 to %d bytes of "
		    "UTF-8 text)",
		    src, lineno, shown, SERVICES_NAME_MAX);
	}
	if (nf == 4 && (role = services_role_parse(f[3])) < 0) {
		text_printable(f[3], shown, sizeof(shown));
		return err_set(err, ERR_MALFORMED,
		    "%s:%zu: unknown role '%s' (expected forwarder or list)",
		    src, lineno, shown);
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 512;
		s->e = xrealloc(s->e, s->cap * sizeof(*s->e));
	}
	e = &s->e[s->n++];
	e->domain = xstrdup(dom);
	e->service = xstrdup(f[2]);
	e->kind = (unsigned char)kind;
	e->role = (unsigned char)role;
	e->user = (unsigned char)user;
	e->line = lineno;
	return 0;
}

/* Sorts the entries and refuses a (domain, kind) given twice by one
 * source. */
static int
sort_check(struct services *s, const char *src, struct err *err)
{
	size_t i;

	qsort(s->e, s->n, sizeof(*s->e), entry_cmp);
	for (i = 1; i < s->n; i++) {
		const struct entry *a = &s->e[i - 1], *b = &s->e[i];

		if (entry_cmp(a, b) != 0)
			continue;
		return err_set(err, ERR_MALFORMED,
		    "%s:%zu: %s %s listed twice (also line %zu)", src,
		    a->line > b->line ? a->line : b->line, kind_names[a->kind],
		    a->domain, a->line > b->line ? b->line : a->line);
	}
	return 0;
}

static int
parse_buffer(struct services *s, const char *buf, size_t len, const char *src,
    int user, struct err *err)
{
	char line[SERVICES_LINE_MAX + 1];
	const char *p = buf, *end = buf + len, *nl;
	size_t lineno = 0, n;
	char *q;
	int rc;

	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > SERVICES_LINE_MAX)
			return err_set(err, ERR_MALFORMED,
			    "%s:%zu: line longer than %d bytes", src, lineno,
			    SERVICES_LINE_MAX);
		if (memchr(p, '\0', n) != NULL)
			return err_set(err, ERR_MALFORMED,
			    "%s:%zu: NUL byte in line", src, lineno);
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl != NULL ? nl + 1 : end;

		q = line;
		while (is_blank(*q))
			q++;
		if (*q == '\0' || *q == '#')
			continue;
		if ((rc = parse_line(s, q, src, lineno, user, err)) < 0)
			return rc;
	}
	return sort_check(s, src, err);
}

static int
read_file(const char *path, char **out, size_t *outlen, struct err *err)
{
	char shown[256], *buf;
	size_t len = 0, got;
	FILE *fp;

	*out = NULL;
	text_printable(path, shown, sizeof(shown));
	if ((fp = fopen(path, "rb")) == NULL)
		return err_set(err, ERR_IO,
		    "cannot open services file '%s': %s", shown,
		    strerror(errno));
	/* One byte past the ceiling tells a file that crosses it. */
	buf = xmalloc(SERVICES_FILE_MAX + 1);
	while (
	    (got = fread(buf + len, 1, SERVICES_FILE_MAX + 1 - len, fp)) > 0) {
		len += got;
		if (len > SERVICES_FILE_MAX)
			break;
	}
	if (ferror(fp)) {
		int e = errno;

		fclose(fp);
		free(buf);
		return err_set(err, ERR_IO,
		    "cannot read services file '%s': %s", shown, strerror(e));
	}
	fclose(fp);
	if (len > SERVICES_FILE_MAX) {
		free(buf);
		return err_set(err, ERR_LIMIT,
		    "services file '%s' is larger than %u bytes", shown,
		    SERVICES_FILE_MAX);
	}
	*out = buf;
	*outlen = len;
	return 0;
}

static void
count_distinct(struct services *s)
{
	char **names;
	size_t i;

	s->distinct = 0;
	if (s->n == 0)
		return;
	names = xmalloc(s->n * sizeof(*names));
	for (i = 0; i < s->n; i++)
		names[i] = s->e[i].service;
	qsort(names, s->n, sizeof(*names), name_cmp);
	s->distinct = 1;
	for (i = 1; i < s->n; i++)
		if (strcmp(names[i - 1], names[i]) != 0)
			s->distinct++;
	free(names);
}

int
services_load(struct services **out, const char *user_file, struct err *err)
{
	struct services *s = xcalloc(1, sizeof(*s));
	char *buf, shown[256];
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = parse_buffer(
	    s, services_tsv, services_tsv_len, BUILTIN_NAME, 0, err);
	if (rc == 0 && user_file != NULL) {
		if ((rc = read_file(user_file, &buf, &len, err)) == 0) {
			text_printable(user_file, shown, sizeof(shown));
			rc = parse_buffer(s, buf, len, shown, 1, err);
			free(buf);
		}
	}
	if (rc < 0) {
		services_free(s);
		return rc;
	}
	count_distinct(s);
	*out = s;
	return 0;
}

void
services_free(struct services *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->e[i].domain);
		free(s->e[i].service);
	}
	free(s->e);
	free(s);
}

/* Index of the first entry for domain, or s->n when there is none. */
static size_t
find_domain(const struct services *s, const char *domain)
{
	size_t lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(s->e[mid].domain, domain) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && strcmp(s->e[lo].domain, domain) == 0)
		return lo;
	return s->n;
}

/* Among the entries for one domain (user's first, then by kind). */
static const struct entry *
pick(const struct services *s, size_t i, enum services_kind kind)
{
	const struct entry *fallback = NULL;
	const char *domain = s->e[i].domain;
	int user = s->e[i].user;

	for (; i < s->n && strcmp(s->e[i].domain, domain) == 0; i++) {
		const struct entry *e = &s->e[i];

		if (e->user != user) {
			if (fallback != NULL)
				return fallback;
			user = e->user;
		}
		if (kind == SERVICES_ANY || e->kind == kind)
			return e;
		if (e->kind == SERVICES_ANY)
			fallback = e;
	}
	return fallback;
}

const char *
services_find(const struct services *s, enum services_kind kind,
    const char *domain, enum services_role *role)
{
	char norm[ORGDOMAIN_MAX];
	const struct entry *hit = NULL;
	const char *p;
	size_t i;

	if ((unsigned)kind < NKINDS &&
	    orgdomain_normalize(domain, norm, sizeof(norm)) == 0) {
		for (p = norm;;) {
			if ((i = find_domain(s, p)) < s->n &&
			    (hit = pick(s, i, kind)) != NULL)
				break;
			/* The next suffix on a label boundary. */
			if ((p = strchr(p, '.')) == NULL)
				break;
			p++;
		}
	}
	if (role != NULL)
		*role = hit != NULL ? (enum services_role)hit->role
		                    : SERVICES_ROLE_NONE;
	return hit != NULL ? hit->service : NULL;
}

const char *
services_lookup(
    const struct services *s, enum services_kind kind, const char *domain)
{
	return services_find(s, kind, domain, NULL);
}

size_t
services_entries(const struct services *s)
{
	return s->n;
}

size_t
services_count(const struct services *s)
{
	return s->distinct;
}

void
services_digest(const struct services *s, unsigned char out[32])
{
	struct sha256 h = {0};

	sha256_init(&h);
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *e = &s->e[i];
		unsigned char tag[3] = {e->kind, e->role, e->user};

		sha256_update(&h, tag, sizeof(tag));
		/* With their NULs, so that field borders count. */
		sha256_update(&h, e->domain, strlen(e->domain) + 1);
		sha256_update(&h, e->service, strlen(e->service) + 1);
	}
	sha256_final(&h, out);
	sha256_free(&h);
}

const char *
services_name(const struct services *s, const char *name, const char **closest)
{
	size_t best = SIZE_MAX, limit = strlen(name) / 4 + 1;
	const char *near = NULL;

	if (closest != NULL)
		*closest = NULL;
	for (size_t i = 0; s != NULL && i < s->n; i++)
		if (strcasecmp(s->e[i].service, name) == 0)
			return s->e[i].service;
	for (size_t i = 0; s != NULL && i < s->n; i++) {
		size_t d = text_distance(name, s->e[i].service, 1);

		if (d < best) {
			best = d;
			near = s->e[i].service;
		}
	}
	if (closest != NULL && best <= limit)
		*closest = near;
	return NULL;
}
