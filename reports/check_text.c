#include "check_text.h"

#include "check.h"
#include "dnscheck.h"
#include "present.h"

#include <string.h>

static const struct {
	const char *prefix;
	const char *title;
} sections[] = {
    {"dmarc.", "DMARC"},
    {"spf.", "SPF"},
    {"dkim.", "DKIM"},
    {"mx.", "MX"},
    {"dane.", "DANE (TLSA records of the MX hosts; DNSSEC not validated)"},
    {"sts.", "MTA-STS"},
    {"tlsrpt.", "SMTP TLS reporting (TLS-RPT)"},
    {"ptr.", "PTR (reverse DNS of the sending addresses)"},
    {"reports.", "Against the reports"},
};

/* The index of the section of id, or -1. */
static int
section_of(const char *id)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (strncmp(id, sections[i].prefix,
		        strlen(sections[i].prefix)) == 0)
			return (int)i;
	}
	return -1;
}

static void
heading(FILE *fp, const char *title, int color)
{
	fprintf(fp, "\n%s%s%s\n", color ? PRESENT_BOLD : "", title,
	    color ? PRESENT_RESET : "");
}

/* Networks listed; --json has them all. */
#define TEXT_NETS 16

static void
networks(FILE *fp, const struct check *c)
{
	if (c->nnet == 0)
		return;
	fputs("  SPF authorises:", fp);
	for (size_t i = 0; i < c->nnet && i < TEXT_NETS; i++) {
		fprintf(fp, "%s %s", i ? "," : "", c->nets[i].text);
		if (c->nets[i].via[0] != '\0' &&
		    strcmp(c->nets[i].via, c->domain) != 0)
			fprintf(fp, " (%s)", c->nets[i].via);
	}
	if (c->nnet > TEXT_NETS)
		fprintf(fp, " and %zu more (--json lists them)",
		    c->nnet - TEXT_NETS);
	fputc('\n', fp);
}

void
check_text(FILE *fp, const struct check *c, int color)
{
	const struct dnscheck_list *l = &c->findings;
	size_t count[DNSCHECK_DNSERROR + 1] = {0};
	int cur = -2, sec;
	/* DANE is optional: its absence is a note, not a finding. */
	int no_dane = c->mx_hosts > 0 && c->dane_hosts == 0;

	fprintf(fp, "%s%s%s: ", color ? PRESENT_BOLD : "", c->domain,
	    color ? PRESENT_RESET : "");
	if (c->gathered) {
		char period[64];

		check_period(c, period, sizeof(period));
		fprintf(fp, "%llu report%s from %s\n",
		    (unsigned long long)c->reports, c->reports == 1 ? "" : "s",
		    period);
	} else
		fputs("DNS only, reports not read\n", fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct dnscheck_finding *f = &l->v[i];

		sec = section_of(f->id);
		if (sec != cur) {
			if (cur >= 0 &&
			    strcmp(sections[cur].prefix, "spf.") == 0)
				networks(fp, c);
			heading(fp, sec >= 0 ? sections[sec].title : "Other",
			    color);
			cur = sec;
		}
		count[f->status]++;
		fprintf(fp, "  %s%-8s%s %-15s %s: %s\n",
		    color ? present_status_ansi(f->status) : "",
		    dnscheck_status_name(f->status), color ? PRESENT_RESET : "",
		    f->id, f->subject, f->text);
		if (f->fix != NULL && f->status != DNSCHECK_PASS)
			fprintf(fp, "  %-8s %-15s fix: %s\n", "", "", f->fix);
	}
	if (cur >= 0 && strcmp(sections[cur].prefix, "spf.") == 0)
		networks(fp, c);

	if (c->nip == 0 || c->ips_left_out > 0 || no_dane)
		heading(fp, "Notes", color);
	if (no_dane)
		fprintf(fp,
		    "  DANE not published: no TLSA record at _25._tcp of the "
		    "%zu MX host%s (optional, and it needs DNSSEC)\n",
		    c->mx_hosts, c->mx_hosts == 1 ? "" : "s");
	if (c->nip == 0)
		fprintf(fp,
		    "  PTR not checked: no sending address known (%s); give "
		    "--ip ADDR\n",
		    c->gathered ? "no mail passed DMARC in the reports of the "
		                  "period"
		                : "reports not read");
	if (c->ips_left_out > 0)
		fprintf(fp,
		    "  PTR of %zu more sending address%s not checked (the %d "
		    "with the most passing mail were)\n",
		    c->ips_left_out, c->ips_left_out == 1 ? "" : "es",
		    CHECK_MAX_PTR_IPS);
	fprintf(fp, "\n%zu pass, %zu warn, %zu fail, %zu dnserror\n",
	    count[DNSCHECK_PASS], count[DNSCHECK_WARN], count[DNSCHECK_FAIL],
	    count[DNSCHECK_DNSERROR]);
}
