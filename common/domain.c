/* domain: the syntax of a domain name; see domain.h. */
#include "domain.h"

#include "err.h"
#include "text.h"

#include <string.h>

/* The longest name, without a final dot. */
#define NAME_LEN 253
#define LABEL_LEN 63

static int
ldh_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* domain_scan() without clearing out on failure. */
static const char *
scan(const unsigned char *p, size_t n, char *out, unsigned flags)
{
	size_t label = 0, step;
	int digits = 1;

	/* i == n stands for the dot that ends the last label. */
	for (size_t i = 0; i <= n; i += step) {
		unsigned char c = i < n ? p[i] : '.';

		step = 1;
		if (c == '.') {
			if (label == 0)
				return "an empty label";
			if (label > LABEL_LEN)
				return "a label over 63 bytes";
			if (p[i - 1] == '-' && !(flags & DOMAIN_HYPHEN_EDGES))
				return "a label that ends with '-'";
			if (i == n && digits)
				return "an address, not a name";
			if (i < n)
				out[i] = '.';
			label = 0;
			digits = 1;
			continue;
		}
		if (c >= 0x80 && (flags & DOMAIN_UTF8) &&
		    (step = utf8_seq_len(p + i, n - i)) > 0) {
			memcpy(out + i, p + i, step);
			digits = 0;
			label += step;
			continue;
		}
		step = 1;
		if (!ldh_byte(c))
			return flags & DOMAIN_UTF8
			    ? "letters, digits, '-', '_', dots and UTF-8"
			    : "letters, digits, '-', '_' and dots; IDNs in "
			      "A-label form, xn--";
		if (label == 0 && c == '-' && !(flags & DOMAIN_HYPHEN_EDGES))
			return "a label that begins with '-'";
		if (c < '0' || c > '9')
			digits = 0;
		label++;
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[n] = '\0';
	return NULL;
}

const char *
domain_scan(const char *name, char *out, size_t outlen, unsigned flags)
{
	const char *why;
	size_t n;

	if (outlen > 0)
		out[0] = '\0';
	if (name == NULL)
		return "1 to 253 bytes";
	/* Never walk further than a name could reach: names from strangers
	 * may be long. */
	n = strnlen(name, NAME_LEN + 2);
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > NAME_LEN || n >= outlen)
		return "1 to 253 bytes";
	if ((why = scan((const unsigned char *)name, n, out, flags)) != NULL)
		out[0] = '\0'; /* out holds part of the name: none of it */
	return why;
}

int
domain_check(const char *name, char *out, size_t outlen, struct err *err)
{
	const char *why = domain_scan(name, out, outlen, 0);
	char shown[80];

	if (why == NULL)
		return 0;
	text_printable(name != NULL ? name : "", shown, sizeof(shown));
	return err_set(
	    err, ERR_USAGE, "'%s' is not a domain name (%s)", shown, why);
}
