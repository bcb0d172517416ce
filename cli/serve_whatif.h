/*
 * serve_whatif: the what-if of a domain in `dmarcsift serve`: the form's
 * fields (?p=&sp=&np=&pct=&t=) checked as `advise --what-if` checks its
 * argument, and /api/domain/NAME/what-if, the JSON of `advise --what-if
 * POLICY --json` (offline, as serve is) for the policy they make.
 */
#ifndef DMARCSIFT_SERVE_WHATIF_H
#define DMARCSIFT_SERVE_WHATIF_H

struct analysis_env;
struct httpd_reply;
struct httpd_request;
struct web_period;
struct web_whatif;

/*
 * The form's fields of rq into *w: p quarantine or reject (absent or
 * empty: not asked, w->asked 0); sp and np none, quarantine or reject;
 * pct 0 to 100; t y or n (any case; empty: left out).  The record text
 * they make ("p=reject; sp=none; pct=50") is then read by whatif_parse(),
 * the reader of --what-if.  NULL, or what is wrong (a sentence of ours:
 * nothing of the request is repeated).
 */
const char *serve_whatif_args(
    const struct httpd_request *rq, struct web_whatif *w);

/* /api/domain/NAME/what-if, before it is computed or read from memory:
 * 1 when w was asked and e attached to the domain's period, else 0 with
 * *out the answer (400 not asked, 404 no report about the domain). */
int serve_whatif_ready(struct analysis_env *e, const char *domain,
    const struct web_period *p, const struct web_whatif *w,
    struct httpd_reply *out, int *broken);

/* Then its answer, advise --what-if --json: 0, or -1 with *out a failure
 * (500 and *broken when the database failed). */
int serve_whatif_json(struct analysis_env *e, const char *domain,
    const struct web_period *p, const struct web_whatif *w,
    struct httpd_reply *out, int *broken);

#endif
