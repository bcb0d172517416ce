/* serve_target: what a request to serve asks for; see serve_target.h. */
#include "serve_target.h"

#include "analysis_env.h"
#include "clock.h"
#include "cliopt.h"
#include "err.h"
#include "httpd.h"
#include "ipaddr.h"
#include "serve_browse.h"
#include "serve_whatif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A period asked for without ?since=. */
#define DEFAULT_DAYS 30

void
serve_period_default(struct web_period *p)
{
	memset(p, 0, sizeof(*p));
	p->days = DEFAULT_DAYS;
	snprintf(p->name, sizeof(p->name), "%dd", DEFAULT_DAYS);
	p->until = analysis_default_until();
	p->since = p->until - (int64_t)p->days * CLOCK_DAY;
}

const char *
serve_period_of(const struct httpd_request *rq, struct web_period *p)
{
	const char *since = httpd_arg(rq, "since");
	const char *until = httpd_arg(rq, "until");
	char day[16];
	size_t o = 0;

	serve_period_default(p);
	/* An empty field of the form is a value left out. */
	if (since != NULL && since[0] != '\0') {
		if ((p->days = cliopt_days(since)) < 0)
			return "since: want Nd (1 to 366 days), week or month";
		if (strcmp(since, "week") == 0 || strcmp(since, "month") == 0)
			snprintf(p->name, sizeof(p->name), "%s", since);
		else
			snprintf(p->name, sizeof(p->name), "%dd", p->days);
		o += (size_t)snprintf(
		    p->query + o, sizeof(p->query) - o, "?since=%s", p->name);
	}
	if (until != NULL && until[0] != '\0') {
		if (cliopt_date(until, &p->until) < 0)
			return "until: want a date YYYY-MM-DD";
		p->until_given = 1;
		clock_day_text(p->until, day, sizeof(day));
		snprintf(p->query + o, sizeof(p->query) - o, "%suntil=%s",
		    o ? "&" : "?", day);
	}
	p->since = p->until - (int64_t)p->days * CLOCK_DAY;
	return NULL;
}

#define WHATIF_PATH "/what-if"

/* A database id, 1 to 18 digits, then end; 0, or -1. */
static int
id_of(const char *s, const char *end, int64_t *id)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 18 || strcmp(s + n, end) != 0)
		return -1;
	*id = strtoll(s, NULL, 10);
	return *id > 0 ? 0 : -1;
}

const char *
serve_target_of(const struct httpd_request *rq, const char *path, int json,
    struct serve_target *t, int *status)
{
	const char *rest = json ? path + 4 : path, *v;
	struct err err;

	memset(t, 0, sizeof(*t));
	*status = 404;
	if (strcmp(rest, json ? "/domains" : "/") == 0) {
		t->page = SERVE_PAGE_DOMAINS;
	} else if (strncmp(rest, "/domain/", 8) == 0) {
		char name[DOMAIN_MAX + sizeof(WHATIF_PATH)];
		size_t n = strlen(rest + 8), w = strlen(WHATIF_PATH);

		t->page = SERVE_PAGE_DOMAIN;
		if (n >= sizeof(name))
			return "that is not a domain name";
		memcpy(name, rest + 8, n + 1);
		/* No domain name has a '/': NAME/what-if is NAME's what-if. */
		if (n > w && strcmp(name + n - w, WHATIF_PATH) == 0) {
			t->page = SERVE_PAGE_WHATIF;
			name[n - w] = '\0';
		}
		if (domain_check(name, t->domain, sizeof(t->domain), &err) < 0)
			return "that is not a domain name";
		*status = 400;
		if (t->page == SERVE_PAGE_WHATIF &&
		    (v = serve_whatif_args(rq, &t->whatif)) != NULL)
			return v;
		if (t->page == SERVE_PAGE_WHATIF && json && !t->whatif.asked)
			return "p: want quarantine or reject";
		*status = 404;
	} else if (strncmp(rest, "/source/", 8) == 0) {
		t->page = SERVE_PAGE_SOURCE;
		if (ip_normalize(rest + 8, t->ip) < 0)
			return "that is not an IP address";
		*status = 400;
		v = httpd_arg(rq, "domain");
		/* Without a domain: every domain it sent for. */
		if (v == NULL || v[0] == '\0')
			t->page = SERVE_PAGE_SOURCE_ALL;
		else if (domain_check(v, t->domain, sizeof(t->domain), &err) <
		    0)
			return "domain: that is not a domain name";
	} else if (strncmp(rest, "/report/", 8) == 0) {
		t->page = SERVE_PAGE_REPORT;
		if (id_of(rest + 8, "", &t->id) == 0) {
			*status = 400;
			v = httpd_arg(rq, "page");
			if (v != NULL && v[0] != '\0') {
				if (strspn(v, "0123456789") != strlen(v) ||
				    strlen(v) > 9)
					return "page: want a number from 0";
				t->n = strtoull(v, NULL, 10);
			}
		} else if (!json && id_of(rest + 8, "/raw", &t->id) == 0) {
			t->page = SERVE_PAGE_REPORT_RAW;
		} else {
			return "there is no such report";
		}
	} else if (!json && strncmp(rest, "/input/", 7) == 0) {
		t->page = SERVE_PAGE_INPUT_RAW;
		if (id_of(rest + 7, "/raw", &t->id) < 0)
			return "there is no such input";
	} else if (!json && strcmp(rest, "/metrics") == 0) {
		t->page = SERVE_PAGE_METRICS;
	} else if (strcmp(rest, "/refused") == 0) {
		t->page = SERVE_PAGE_REFUSED;
	} else if (strcmp(rest, "/search") == 0) {
		t->page = SERVE_PAGE_SEARCH;
		*status = 400;
		if ((v = serve_search_text(httpd_arg(rq, "q"), t->q)) != NULL)
			return v;
	} else {
		return "there is no such page";
	}
	return NULL;
}
