/*
 * progress: the line on a terminal that says how far a long step has
 * come, on stderr, each one written over the one before ("\r", then
 * the rest of the line erased).  Only the caller knows whether a
 * terminal is watching and wants it (isatty(STDERR_FILENO), and the
 * verbosity its command keeps it for): it says so with on, and when on
 * is 0 nothing is written.
 */
#ifndef DMARCSIFT_PROGRESS_H
#define DMARCSIFT_PROGRESS_H

/* The line fmt makes, in place of the last one. */
void progress_show(int on, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Erases the line, before anything else is written to stderr. */
void progress_end(int on);

#endif
