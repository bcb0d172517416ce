/*
 * words: lists of allowed words; see words.h.
 */
#include "words.h"

#include <string.h>
#include <strings.h>

#include "xalloc.h"

int
words_find(const char *words, const char *word, size_t len, int fold)
{
	const char *p = words;

	for (int i = 0;; i++) {
		size_t n = strcspn(p, "|");

		if (n == len &&
		    (fold ? strncasecmp(p, word, len)
		          : strncmp(p, word, len)) == 0)
			return i;
		if (p[n] == '\0')
			return -1;
		p += n + 1;
	}
}

char *
words_text_each(const char *words, const char *tail)
{
	size_t tl = strlen(tail);
	char *s = xmalloc(strlen(words) * (tl + 4) + tl + 8), *o = s;
	const char *last = strrchr(words, '|');

	for (const char *p = words;; p++) {
		if (*p == '|' || *p == '\0') {
			memcpy(o, tail, tl);
			o += tl;
		}
		if (*p == '\0')
			break;
		if (*p != '|') {
			*o++ = *p;
		} else if (p == last) {
			memcpy(o, " or ", 4);
			o += 4;
		} else {
			memcpy(o, ", ", 2);
			o += 2;
		}
	}
	*o = '\0';
	return s;
}

char *
words_text(const char *words)
{
	return words_text_each(words, "");
}
