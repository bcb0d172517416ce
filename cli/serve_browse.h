/*
 * serve_browse: the detail pages of `dmarcsift serve`, one source, one
 * report, the refused inputs, the search, and the download of an input's
 * bytes, each
 * with the database calls behind it (analyze/browse.h) and its renderer
 * (reports/web_render.h).
 *
 * Each fills out, HTML or JSON as json says (an error page too), and sets
 * *broken when the database failed, so that the caller gives the
 * connection back to be opened again.
 */
#ifndef DMARCSIFT_SERVE_BROWSE_H
#define DMARCSIFT_SERVE_BROWSE_H

#include <stdint.h>

struct analysis_env;
struct httpd_reply;
struct web_period;

/* /source/IP?domain=D: ip canonical (ip_normalize()), domain checked. */
void serve_source_page(struct analysis_env *e, const char *domain,
    const char *ip, const struct web_period *p, int json,
    struct httpd_reply *out, int *broken);

/* /source/IP: the address across the domains it sent for. */
void serve_source_domains_page(struct analysis_env *e, const char *ip,
    const struct web_period *p, int json, struct httpd_reply *out, int *broken);

/* /report/ID?page=N. */
void serve_report_page(struct analysis_env *e, int64_t id, uint64_t page,
    int json, struct httpd_reply *out, int *broken);

/* /refused: the refused parts of the inputs received in the period. */
void serve_refused_page(struct analysis_env *e, const struct web_period *p,
    int json, struct httpd_reply *out, int *broken);

/* /search?q=TEXT: q checked by serve_search_text(), "" for the form
 * alone. */
void serve_search_page(struct analysis_env *e, const char *q,
    const struct web_period *p, int json, struct httpd_reply *out, int *broken);

/*
 * The text of ?q= into q (BROWSE_SEARCH_MAX + 1 bytes), white space
 * trimmed from its ends: NULL, or what is wrong (too long, not UTF-8, a
 * control character), a sentence of ours.
 */
const char *serve_search_text(const char *v, char *q);

/*
 * /report/ID/raw (report set: id is a report's, its input is sent) and
 * /input/ID/raw: the input's bytes as received, as an attachment of type
 * application/octet-stream with a file name made safe.
 */
void serve_raw_download(struct analysis_env *e, int64_t id, int report,
    struct httpd_reply *out, int *broken);

#endif
