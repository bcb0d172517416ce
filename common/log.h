/*
 * log: messages for people, on stderr.
 *
 * Normal output goes to stdout; everything here goes to stderr prefixed with
 * the program name.  Verbosity: 0 quiet (errors only), 1 normal (warnings),
 * 2 -v (info), 3 -vv (debug).
 */
#ifndef DMARCSIFT_LOG_H
#define DMARCSIFT_LOG_H

void log_set_verbosity(int level);
int log_verbosity(void);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A warning that -q does not silence: a secret or a setting others may
 * read or change.  Cron runs with -q, and that is where it must be seen. */
void log_exposed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
