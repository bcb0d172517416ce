/*
 * words: the lists of allowed words that settings and options take,
 * written "a|b|c" in their tables: finding a value among them, and the
 * list as a person reads it in a message.
 */
#ifndef DMARCSIFT_WORDS_H
#define DMARCSIFT_WORDS_H

#include <stddef.h>

/*
 * The place (from 0) of word[0..len) among the '|'-separated words, or
 * -1.  fold: compare without ASCII case (settings), else exactly
 * (option values).
 */
int words_find(const char *words, const char *word, size_t len, int fold);

/* "a, b or c" from "a|b|c"; the caller frees it. */
char *words_text(const char *words);
/* The same with tail after each word: "a://H or b://H" for tail "://H". */
char *words_text_each(const char *words, const char *tail);

#endif
