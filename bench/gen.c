/*
 * dmarcsift-gen: writes synthetic DMARC aggregate reports for benchmarks.
 *
 * The reports look like what large receivers send: the RFC 7489 element
 * layout, two-space indentation, IPv4 and IPv6 sources, mostly small counts
 * with a long tail, DKIM and SPF results that agree with the evaluated
 * policy, now and then a second signature, an envelope_from or a reason.
 * A third use RFC 9990's namespace and elements.  Everything comes from a
 * seeded PRNG, so the same options write the same bytes.
 *
 * Output is one file (-o), or -n files in a directory (-d) named the way
 * receivers name them: org!domain!begin!end!id.xml, with .gz under -z.
 *
 * -m month writes a whole month instead, as a large sender receives it:
 * a report a day from each of 8 receivers, about -R records in all, for
 * one domain or -N sharing them (see write_month()).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

struct reporter {
	const char *file; /* first part of the file name */
	const char *org, *email, *contact;
};

static const struct reporter reporters[] = {
    {"google.com", "google.com", "noreply-dmarc-support@google.com",
        "https://support.google.com/a/answer/2466580"},
    {"yahoo.com", "Yahoo", "dmarchelp@yahooinc.com", NULL},
    {"enterprise.protection.outlook.com", "Enterprise Outlook",
        "dmarcreport@microsoft.com", NULL},
    {"mail.ru", "Mail.Ru", "dmarc_support@corp.mail.ru",
        "http://help.mail.ru/mail"},
    {"fastmail.com", "fastmail.com", "noreply-dmarc@fastmail.com",
        "https://www.fastmail.com/"},
    {"comcast.net", "comcast.net", "dmarc_report@comcast.net", NULL},
};

static const char *const domains[] = {
    "example.com",
    "example.org",
    "example.net",
    "shop.example",
    "news.example.com",
    "mail.example.org",
    "corp.example",
    "billing.example",
};

/* Where mail for those domains is sent from: an ESP, the domain's own
 * servers, forwarders and spoofers. */
static const char *const other_domains[] = {
    "sendgrid.net",
    "amazonses.com",
    "mailchimp.example",
    "forwarder.example",
    "list.example.edu",
    "spoof.invalid",
    "bounces.example.net",
};

/* The receiver's own domains, for envelope_to. */
static const char *const recipients[] = {
    "outlook.com",
    "hotmail.com",
    "live.com",
    "customer.example",
};

static const char *const selectors[] = {
    "google",
    "s1",
    "s2",
    "selector1",
    "k1",
    "mte1",
    "20230601",
    "default",
};

static const char *const reasons[] = {
    "forwarded",
    "sampled_out",
    "trusted_forwarder",
    "mailing_list",
    "local_policy",
    "other",
};

static const char *const policies[] = {"none", "quarantine", "reject"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: tiny, fast, and good enough to vary test data. */
static uint64_t rng_state;

static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static unsigned
pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* True with probability pct / 100. */
static int
chance(unsigned pct)
{
	return pick(100) < pct;
}

struct out {
	gzFile gz;
	const char *path;
	int failed;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		fprintf(stderr, "dmarcsift-gen: line too long\n");
		exit(2);
	}
	if (n > 0 && gzwrite(o->gz, buf, (unsigned)n) != n)
		o->failed = 1;
}

static void
source_ip(char *buf, size_t sz)
{
	if (chance(75)) {
		/* Public-looking IPv4, clustered like real sending ranges. */
		static const unsigned nets[][2] = {
		    {209, 85},
		    {40, 107},
		    {52, 100},
		    {198, 2},
		    {185, 12},
		    {66, 163},
		    {167, 89},
		    {77, 88},
		    {203, 0},
		    {149, 72},
		};
		const unsigned *net = nets[pick(N(nets))];

		snprintf(buf, sz, "%u.%u.%u.%u", net[0], net[1], pick(256),
		    1 + pick(254));
	} else if (chance(70)) {
		snprintf(buf, sz, "2a01:111:f400:%x::%x", pick(0x10000),
		    1 + pick(0xfff));
	} else {
		snprintf(buf, sz, "2607:f8b0:%x:%x::%x", 0x4000 + pick(0x100),
		    pick(0x100), 1 + pick(0x200));
	}
}

/* Most rows are one message; a few carry a bulk sender's day. */
static unsigned
message_count(void)
{
	if (chance(60))
		return 1;
	if (chance(80))
		return 2 + pick(20);
	return 20 + pick(5000);
}

static void
write_record(struct out *o, const char *pdomain, const char *policy)
{
	char ip[64];
	const char *hfrom = chance(85) ? pdomain : domains[pick(N(domains))];
	const char *other = other_domains[pick(N(other_domains))];
	int dkim_ok = chance(70), spf_ok = chance(60);
	int aligned = dkim_ok || spf_ok;
	const char *disp = aligned ? "none" : chance(80) ? policy : "none";
	const char *spf_domain = chance(50) ? hfrom : other;

	source_ip(ip, sizeof(ip));
	put(o, "  <record>\n    <row>\n");
	put(o, "      <source_ip>%s</source_ip>\n", ip);
	put(o, "      <count>%u</count>\n", message_count());
	put(o, "      <policy_evaluated>\n");
	put(o, "        <disposition>%s</disposition>\n", disp);
	put(o, "        <dkim>%s</dkim>\n", dkim_ok ? "pass" : "fail");
	put(o, "        <spf>%s</spf>\n", spf_ok ? "pass" : "fail");
	if (chance(5)) {
		put(o, "        <reason>\n          <type>%s</type>\n",
		    reasons[pick(N(reasons))]);
		if (chance(50))
			put(o, "          <comment>arc=%s</comment>\n",
			    chance(50) ? "pass" : "fail");
		put(o, "        </reason>\n");
	}
	put(o, "      </policy_evaluated>\n    </row>\n");
	put(o, "    <identifiers>\n");
	if (chance(20))
		put(o, "      <envelope_to>%s</envelope_to>\n",
		    recipients[pick(N(recipients))]);
	if (chance(40))
		put(o, "      <envelope_from>%s</envelope_from>\n", spf_domain);
	put(o, "      <header_from>%s</header_from>\n    </identifiers>\n",
	    hfrom);
	put(o, "    <auth_results>\n");
	for (unsigned i = 0, n = chance(90) ? 1 + chance(25) : 0; i < n; i++) {
		put(o, "      <dkim>\n        <domain>%s</domain>\n",
		    i == 0 && dkim_ok ? hfrom : other);
		put(o, "        <selector>%s</selector>\n",
		    selectors[pick(N(selectors))]);
		put(o, "        <result>%s</result>\n",
		    i == 0 && dkim_ok ? "pass"
		        : chance(50)  ? "fail"
		                      : "pass");
		if (i == 0 && !dkim_ok && chance(30))
			put(o,
			    "        <human_result>body hash did not "
			    "verify</human_result>\n");
		put(o, "      </dkim>\n");
	}
	put(o, "      <spf>\n        <domain>%s</domain>\n", spf_domain);
	if (chance(50))
		put(o, "        <scope>mfrom</scope>\n");
	put(o, "        <result>%s</result>\n      </spf>\n",
	    spf_ok           ? "pass"
	        : chance(50) ? "softfail"
	                     : "fail");
	put(o, "    </auth_results>\n  </record>\n");
}

struct report_meta {
	const struct reporter *rep;
	const char *domain, *policy;
	const char *adkim, *aspf; /* NULL: drawn at random */
	uint64_t id;
	long long begin;
	int rfc9990;
};

/* Everything before the first record.  adkim and aspf are drawn at random
 * when the meta leaves them NULL. */
static void
write_head(struct out *o, const struct report_meta *m)
{
	put(o, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n");
	if (m->rfc9990)
		put(o,
		    "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n"
		    "  <version>1.0</version>\n");
	else
		put(o, "<feedback>\n");
	put(o, "  <report_metadata>\n    <org_name>%s</org_name>\n",
	    m->rep->org);
	put(o, "    <email>%s</email>\n", m->rep->email);
	if (m->rep->contact != NULL)
		put(o, "    <extra_contact_info>%s</extra_contact_info>\n",
		    m->rep->contact);
	put(o, "    <report_id>%" PRIu64 "</report_id>\n", m->id);
	put(o,
	    "    <date_range>\n      <begin>%lld</begin>\n"
	    "      <end>%lld</end>\n    </date_range>\n",
	    m->begin, m->begin + 86399);
	if (m->rfc9990)
		put(o, "    <generator>dmarcsift-gen</generator>\n");
	put(o, "  </report_metadata>\n  <policy_published>\n");
	put(o, "    <domain>%s</domain>\n", m->domain);
	if (m->rfc9990)
		put(o, "    <discovery_method>treewalk</discovery_method>\n");
	if (m->adkim == NULL)
		put(o, "    <adkim>%s</adkim>\n    <aspf>%s</aspf>\n",
		    chance(80) ? "r" : "s", chance(80) ? "r" : "s");
	else
		put(o, "    <adkim>%s</adkim>\n    <aspf>%s</aspf>\n", m->adkim,
		    m->aspf);
	put(o, "    <p>%s</p>\n    <sp>%s</sp>\n", m->policy, m->policy);
	if (m->rfc9990)
		put(o, "    <np>%s</np>\n    <testing>n</testing>\n",
		    m->policy);
	else
		put(o, "    <pct>100</pct>\n");
	put(o, "  </policy_published>\n");
}

struct random_report {
	const struct report_meta *meta;
	unsigned long records;
};

static void
write_report(struct out *o, const void *arg)
{
	const struct random_report *r = arg;

	write_head(o, r->meta);
	for (unsigned long i = 0; i < r->records; i++)
		write_record(o, r->meta->domain, r->meta->policy);
	put(o, "</feedback>\n");
}

/* Writes one file: body(o, arg) writes the report. */
static int
write_one(const char *path, int gzip,
    void (*body)(struct out *o, const void *arg), const void *arg)
{
	struct out o = {NULL, path, 0};
	int rc;

	/* Mode "T" writes plain bytes through the same gzwrite() path. */
	if (strcmp(path, "-") == 0)
		o.gz = gzdopen(STDOUT_FILENO, gzip ? "wb6" : "wbT");
	else
		o.gz = gzopen(path, gzip ? "wb6" : "wbT");
	if (o.gz == NULL) {
		fprintf(stderr, "dmarcsift-gen: %s: cannot open: %s\n", path,
		    strerror(errno));
		return -1;
	}
	/* Fewer, larger writes: the default 8 kB buffer costs time. */
	gzbuffer(o.gz, 256 * 1024);
	body(&o, arg);
	rc = gzclose(o.gz);
	if (o.failed || rc != Z_OK) {
		fprintf(stderr, "dmarcsift-gen: %s: write failed\n", path);
		return -1;
	}
	return 0;
}

/*
 * -m month: a month of one or more domains as a large sender sees it.
 * Every receiver sends one report a day per domain.  The records are
 * split between
 * - the domain's own mail: its servers, hosted mail (Microsoft 365, Google
 *   Workspace) and ESPs, the same addresses every day in every receiver's
 *   report, nearly all passing aligned, some at an ESP not set up for the
 *   domain (its own DKIM and return path only);
 * - forwarders and mailing lists: the domain's signature passes (or the
 *   list broke it and signed itself), SPF fails;
 * - spoofers and botnets: mostly a new address each time, one message, no
 *   authentication.
 * Addresses and volumes of the domain's own senders come from a hash of
 * the seed, the domain and the sender's number, so they stay put over the
 * month; everything else from the PRNG in order.
 */

struct month_reporter {
	const struct reporter *rep;
	unsigned weight; /* share of spoofing and forwarded mail; mean 10 */
	int rfc9990;
};

static const struct reporter more_reporters[] = {
    {"web.de", "WEB.DE", "noreply-dmarc@web.de", NULL},
    {"yandex.ru", "Yandex", "dmarc_support@yandex.ru", NULL},
};

static const struct month_reporter month_reporters[] = {
    {&reporters[0], 20, 0},
    {&reporters[2], 16, 0},
    {&reporters[1], 12, 0},
    {&more_reporters[0], 8, 0},
    {&reporters[3], 6, 0},
    {&reporters[4], 6, 1},
    {&reporters[5], 6, 0},
    {&more_reporters[1], 6, 0},
};

/* A sending service: its network a.b.c.0/bits, the domain it signs and
 * bounces with, and the selector its customers' keys go under. */
struct esp {
	unsigned a, b, c, bits;
	const char *dkim, *bounce, *selector;
};

static const struct esp esps[] = {
    {149, 72, 0, 16, "sendgrid.net", "sendgrid.net", "s1"},
    {54, 240, 0, 16, "amazonses.com", "amazonses.com", "ses2026"},
    {198, 2, 0, 16, "mcsv.net", "mcsv.net", "k1"},
    {69, 72, 0, 16, "mailgun.org", "mailgun.org", "mta"},
};

static const struct esp m365 = {40, 107, 0, 16, NULL, NULL, "selector1"};
static const struct esp gworkspace = {209, 85, 128, 17, NULL, NULL, "google"};

/* Where botnets send from: /8s busy with infected home connections. */
static const unsigned botnet_nets[] = {1, 14, 27, 36, 37, 39, 41, 42, 45, 49,
    58, 59, 60, 61, 77, 78, 79, 91, 93, 95, 101, 103, 106, 110, 111, 112, 113,
    114, 115, 116, 117, 119, 171, 175, 176, 177, 179, 180, 181, 182, 183, 186,
    187, 189, 190, 191, 196, 197, 200, 201, 222, 223};

static const char *const junk_tlds[] = {
    "top", "xyz", "click", "shop", "online", "site", "icu", "buzz"};

/* The mix of a month, in percent of the records. */
#define MONTH_OWN_PCT 60 /* own servers, hosted mail, ESPs */
#define MONTH_FWD_PCT 8 /* forwarders and lists */
#define MONTH_SPOOF_PCT 32
/* Records per own sender per report: 1 + the share of second records. */
#define MONTH_VARIANT_PCT 10
#define MONTH_RING 8192 /* spoofers that come back */

static uint64_t
mix(uint64_t a, uint64_t b)
{
	uint64_t z = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* x rounded up or down at random, in proportion. */
static unsigned long
round_random(double x)
{
	unsigned long n = (unsigned long)x;

	if ((double)pick(1000000) < (x - (double)n) * 1e6)
		n++;
	return n;
}

struct month_domain {
	char name[64];
	const char *policy;
	unsigned index;
	double per_report; /* records per report, on average */
	unsigned long own; /* own senders: every report has them all */
	unsigned long fwd; /* forwarding addresses to pick from */
	unsigned long records;
};

struct month {
	uint64_t seed;
	struct month_domain *domains;
	unsigned ndomains, days;
	long long begin;
	char (*ring)[48];
	unsigned long ring_n;
	unsigned long long records, messages;
};

struct mrec {
	char ip[48];
	unsigned long count;
	const char *hfrom;
	const char *env_from;
	const char *reason, *comment;
	unsigned ndkim;
	struct {
		const char *domain, *selector, *result;
		int human;
	} dkim[2];
	const char *spf_domain, *spf_result;
	int spf_scope;
	char buf_hfrom[128], buf_junk[64], buf_spf[128];
};

/* Relaxed alignment: d is dom or below it. */
static int
aligned(const char *d, const char *dom)
{
	size_t n = strlen(d), m = strlen(dom);

	if (strcmp(d, dom) == 0)
		return 1;
	return n > m && d[n - m - 1] == '.' && strcmp(d + n - m, dom) == 0;
}

static void
write_mrec(struct out *o, const struct mrec *r, const struct month_domain *d)
{
	int dkim_ok = 0, spf_ok;
	const char *disp;

	for (unsigned i = 0; i < r->ndkim; i++)
		if (strcmp(r->dkim[i].result, "pass") == 0 &&
		    aligned(r->dkim[i].domain, d->name))
			dkim_ok = 1;
	spf_ok = strcmp(r->spf_result, "pass") == 0 &&
	    aligned(r->spf_domain, d->name);
	disp = dkim_ok || spf_ok || r->reason != NULL ? "none" : d->policy;
	put(o, "  <record>\n    <row>\n");
	put(o, "      <source_ip>%s</source_ip>\n", r->ip);
	put(o, "      <count>%lu</count>\n", r->count);
	put(o, "      <policy_evaluated>\n");
	put(o, "        <disposition>%s</disposition>\n", disp);
	put(o, "        <dkim>%s</dkim>\n", dkim_ok ? "pass" : "fail");
	put(o, "        <spf>%s</spf>\n", spf_ok ? "pass" : "fail");
	if (r->reason != NULL) {
		put(o, "        <reason>\n          <type>%s</type>\n",
		    r->reason);
		if (r->comment != NULL)
			put(o, "          <comment>%s</comment>\n", r->comment);
		put(o, "        </reason>\n");
	}
	put(o, "      </policy_evaluated>\n    </row>\n");
	put(o, "    <identifiers>\n");
	if (r->env_from != NULL)
		put(o, "      <envelope_from>%s</envelope_from>\n",
		    r->env_from);
	put(o, "      <header_from>%s</header_from>\n    </identifiers>\n",
	    r->hfrom);
	put(o, "    <auth_results>\n");
	for (unsigned i = 0; i < r->ndkim; i++) {
		put(o, "      <dkim>\n        <domain>%s</domain>\n",
		    r->dkim[i].domain);
		put(o, "        <selector>%s</selector>\n",
		    r->dkim[i].selector);
		put(o, "        <result>%s</result>\n", r->dkim[i].result);
		if (r->dkim[i].human)
			put(o,
			    "        <human_result>body hash did not "
			    "verify</human_result>\n");
		put(o, "      </dkim>\n");
	}
	put(o, "      <spf>\n        <domain>%s</domain>\n", r->spf_domain);
	if (r->spf_scope)
		put(o, "        <scope>mfrom</scope>\n");
	put(o, "        <result>%s</result>\n      </spf>\n", r->spf_result);
	put(o, "    </auth_results>\n  </record>\n");
}

static void
mrec_init(struct mrec *r, const struct month_domain *d)
{
	memset(r, 0, sizeof(*r));
	r->hfrom = d->name;
	r->spf_scope = chance(50);
}

static void
add_dkim(struct mrec *r, const char *domain, const char *selector,
    const char *result)
{
	r->dkim[r->ndkim].domain = domain;
	r->dkim[r->ndkim].selector = selector;
	r->dkim[r->ndkim].result = result;
	r->dkim[r->ndkim].human = strcmp(result, "pass") != 0 && chance(50);
	r->ndkim++;
}

/* The address at offset off of a network. */
static void
net_ip(char *buf, size_t sz, const struct esp *e, uint64_t off)
{
	uint64_t host = off % ((1ULL << (32 - e->bits)) - 2) + 1;

	snprintf(buf, sz, "%u.%u.%u.%u", e->a, e->b,
	    e->c + (unsigned)(host >> 8), (unsigned)(host & 255));
}

/*
 * Own sender k of domain d: what it is and its address.  Of 100 senders,
 * 10 are the domain's own servers, 15 Microsoft 365, 10 Google Workspace,
 * 62 an ESP with the domain's DKIM key and 3 an ESP account nobody set up
 * for it.  Distinct k of one kind get distinct addresses (an odd stride
 * over the network), and other domains of the same ESP share its
 * addresses, as they do.  A variant is the same sender with a broken
 * signature, a few messages.
 */
static void
own_sender(const struct month *mo, const struct month_domain *d,
    unsigned long k, struct mrec *r, int variant, unsigned weight)
{
	uint64_t h = mix(mo->seed ^ ((uint64_t)d->index << 32), k);
	unsigned kind = (unsigned)(h % 100);
	uint64_t off = (uint64_t)d->index * 2654435761ULL + k * 40503ULL;
	/* Daily volume at a big receiver: 1 to 400 messages, most small. */
	uint64_t base = 1 + ((h >> 8) % 1000) * ((h >> 8) % 1000) / 2500;
	const struct esp *e = &esps[(h >> 24) % N(esps)];

	r->count = (unsigned long)((double)base * weight / 10.0 *
	    (0.5 + (double)pick(100) / 100.0));
	if (r->count == 0)
		r->count = 1;
	if (variant)
		r->count = 1 + pick(3);
	if (kind < 35) {
		/* Own servers (a /22 of its own), Microsoft 365, Google. */
		if (kind < 10)
			snprintf(r->ip, sizeof(r->ip), "185.%u.%u.%u",
			    16 + d->index / 64,
			    (d->index % 64) * 4 + (unsigned)(k % 1016 / 254),
			    1 + (unsigned)(k % 1016 % 254));
		else
			net_ip(r->ip, sizeof(r->ip),
			    kind < 25 ? &m365 : &gworkspace, off);
		add_dkim(r, d->name,
		    kind < 10       ? "mail2026"
		        : kind < 25 ? m365.selector
		                    : gworkspace.selector,
		    variant ? "fail" : "pass");
		r->spf_domain = d->name;
		r->spf_result = "pass";
		if (chance(40))
			r->env_from = d->name;
		return;
	}
	net_ip(r->ip, sizeof(r->ip), e, off);
	r->spf_result = "pass";
	if (kind < 97) {
		/* An ESP with the domain's own DKIM key, and now and then
		 * a return path under the domain (custom MAIL FROM). */
		add_dkim(r, d->name, e->selector, variant ? "fail" : "pass");
		add_dkim(r, e->dkim, "s1", "pass");
		if (((h >> 40) & 3) == 0) {
			snprintf(r->buf_spf, sizeof(r->buf_spf), "bounce.%s",
			    d->name);
			r->spf_domain = r->buf_spf;
		} else {
			r->spf_domain = e->bounce;
		}
	} else {
		/* An ESP account nobody set up for the domain. */
		add_dkim(r, e->dkim, "s1", "pass");
		r->spf_domain = e->bounce;
	}
}

/* A forwarder or a mailing list, one of a few hundred addresses shared by
 * every domain. */
static void
forwarder(const struct month_domain *d, unsigned long f, struct mrec *r)
{
	static const struct esp groups = {
	    209, 85, 220, 24, "googlegroups.com", "googlegroups.com", NULL};
	static const struct esp outlook = {
	    40, 92, 0, 16, NULL, "outlook.com", NULL};
	static const struct esp campus = {
	    130, 83, 0, 16, "alumni.example.edu", "alumni.example.edu", NULL};
	static const struct esp lists = {
	    193, 5, 0, 16, "lists.example.org", "lists.example.org", NULL};
	static const char *const own_selectors[] = {
	    "mail2026", "selector1", "google", "s1"};
	const char *sel = own_selectors[f / 4 % N(own_selectors)];
	int broken = chance(40);

	r->count = 1 + pick(chance(90) ? 5 : 50);
	r->spf_result = chance(50) ? "fail" : "softfail";
	switch (f % 4) {
	case 0: /* Google Groups: a list that signs what it resends */
		net_ip(r->ip, sizeof(r->ip), &groups, f / 4 * 37);
		add_dkim(r, d->name, sel, broken ? "fail" : "pass");
		add_dkim(r, groups.dkim, "20230601", "pass");
		r->spf_domain = groups.bounce;
		r->spf_result = "pass";
		if (broken && chance(50)) {
			r->reason = "local_policy";
			r->comment = "arc=pass";
		}
		break;
	case 1: /* mailbox forwarding at Outlook.com: DKIM survives */
		net_ip(r->ip, sizeof(r->ip), &outlook, f * 40503);
		add_dkim(r, d->name, sel, "pass");
		r->spf_domain = d->name;
		break;
	case 2: /* a university's alumni forwarder that re-signs */
		net_ip(r->ip, sizeof(r->ip), &campus, f * 40503);
		add_dkim(r, d->name, sel, broken ? "fail" : "pass");
		if (broken)
			add_dkim(r, campus.dkim, "fwd", "pass");
		r->spf_domain = d->name;
		if (chance(20))
			r->reason = "forwarded";
		break;
	default: /* a mailing list that adds a footer */
		net_ip(r->ip, sizeof(r->ip), &lists, f * 40503);
		add_dkim(r, d->name, sel, "fail");
		add_dkim(r, lists.dkim, "list", "pass");
		r->spf_domain = lists.bounce;
		r->spf_result = "pass";
		if (chance(30))
			r->reason = "mailing_list";
		break;
	}
}

static void
junk_domain(char *buf, size_t sz)
{
	char label[12];
	unsigned n = 5 + pick(6);

	for (unsigned i = 0; i < n; i++)
		label[i] = (char)(i > 0 && chance(20) ? '0' + pick(10)
		                                      : 'a' + pick(26));
	label[n] = '\0';
	snprintf(buf, sz, "%s.%s", label, junk_tlds[pick(N(junk_tlds))]);
}

/* A spoofer: a new address (a botnet's), or one seen lately again. */
static void
spoofer(struct month *mo, const struct month_domain *d, struct mrec *r)
{
	unsigned u = pick(100);

	if (mo->ring_n > 0 && chance(20)) {
		unsigned long i = mo->ring_n < MONTH_RING
		    ? pick((unsigned)mo->ring_n)
		    : pick(MONTH_RING);

		memcpy(r->ip, mo->ring[i], sizeof(r->ip));
	} else {
		if (chance(8))
			snprintf(r->ip, sizeof(r->ip), "2a02:%x:%x:%x::%x",
			    pick(0x10000), pick(0x10000), pick(0x10000),
			    1 + pick(0xffff));
		else
			snprintf(r->ip, sizeof(r->ip), "%u.%u.%u.%u",
			    botnet_nets[pick(N(botnet_nets))], pick(256),
			    pick(256), 1 + pick(254));
		memcpy(mo->ring[mo->ring_n % MONTH_RING], r->ip, sizeof(r->ip));
		mo->ring_n++;
	}
	r->count = u < 80 ? 1 : u < 95 ? 2 + pick(4) : 6 + pick(45);
	if (chance(15)) {
		/* A made-up name under the domain. */
		junk_domain(r->buf_junk, sizeof(r->buf_junk));
		snprintf(r->buf_hfrom, sizeof(r->buf_hfrom), "%.*s.%s",
		    (int)strcspn(r->buf_junk, "."), r->buf_junk, d->name);
		r->hfrom = r->buf_hfrom;
	}
	u = pick(100);
	if (u < 80) {
		/* Nothing: the From domain's SPF fails or is absent. */
		r->spf_domain = r->hfrom;
		r->spf_result = chance(60) ? "fail"
		    : chance(50)           ? "softfail"
		                           : "none";
	} else {
		/* A throwaway domain of its own, signed or with SPF. */
		junk_domain(r->buf_junk, sizeof(r->buf_junk));
		if (u < 92) {
			add_dkim(r, r->buf_junk, "default", "pass");
			r->spf_domain = r->hfrom;
			r->spf_result = "fail";
		} else {
			r->spf_domain = r->buf_junk;
			r->spf_result = "pass";
			r->env_from = r->buf_junk;
		}
	}
}

struct month_report {
	struct month *mo;
	struct month_domain *d;
	const struct month_reporter *mr;
	struct report_meta meta;
	unsigned long records;
};

static void
write_month_report(struct out *o, const void *arg)
{
	const struct month_report *mr = arg;
	struct month_domain *d = mr->d;
	unsigned w = mr->mr->weight;
	unsigned long n = 0;
	struct mrec r;

	write_head(o, &mr->meta);
	for (unsigned long k = 0; k < d->own; k++) {
		mrec_init(&r, d);
		own_sender(mr->mo, d, k, &r, 0, w);
		write_mrec(o, &r, d);
		mr->mo->messages += r.count;
		n++;
		if (chance(MONTH_VARIANT_PCT)) {
			/* The same sender with a broken signature. */
			mrec_init(&r, d);
			own_sender(mr->mo, d, k, &r, 1, w);
			write_mrec(o, &r, d);
			mr->mo->messages += r.count;
			n++;
		}
	}
	for (unsigned long i =
	         round_random(d->per_report * MONTH_FWD_PCT / 100.0 * w / 10.0);
	     i > 0; i--) {
		mrec_init(&r, d);
		forwarder(d, pick((unsigned)d->fwd), &r);
		write_mrec(o, &r, d);
		mr->mo->messages += r.count;
		n++;
	}
	for (unsigned long i = round_random(
	         d->per_report * MONTH_SPOOF_PCT / 100.0 * w / 10.0);
	     i > 0; i--) {
		mrec_init(&r, d);
		spoofer(mr->mo, d, &r);
		write_mrec(o, &r, d);
		mr->mo->messages += r.count;
		n++;
	}
	put(o, "</feedback>\n");
	d->records += n;
	mr->mo->records += n;
}

/*
 * Writes DIR/YYYY-MM-DD/org!domain!begin!end!id.xml[.gz], day by day, so
 * that a directory walk in name order stores the month in the order it
 * arrived.  Domain 0 is example.com, the others brandNNN.example; with
 * several, domain i gets a share of the records in proportion to
 * 1 / (i + 1), as a hosting company's customers do.  Prints what it wrote
 * on stdout: a line per domain, then the totals.
 */
static int
write_month(const char *dir, int gzip, uint64_t seed, unsigned long records,
    unsigned ndomains, unsigned days, long long begin)
{
	const unsigned nrep = N(month_reporters);
	struct month mo;
	double wsum = 0;
	int rc = 0;

	memset(&mo, 0, sizeof(mo));
	mo.seed = seed;
	mo.ndomains = ndomains;
	mo.days = days;
	mo.begin = begin;
	mo.domains = calloc(ndomains, sizeof(*mo.domains));
	mo.ring = calloc(MONTH_RING, sizeof(*mo.ring));
	if (mo.domains == NULL || mo.ring == NULL) {
		fprintf(stderr, "dmarcsift-gen: out of memory\n");
		exit(2);
	}
	for (unsigned i = 0; i < ndomains; i++)
		wsum += 1.0 / (i + 1);
	for (unsigned i = 0; i < ndomains; i++) {
		struct month_domain *d = &mo.domains[i];
		double share = 1.0 / (i + 1) / wsum;
		double own;

		d->index = i;
		if (i == 0)
			snprintf(d->name, sizeof(d->name), "example.com");
		else
			snprintf(
			    d->name, sizeof(d->name), "brand%03u.example", i);
		d->policy = i == 0 ? "quarantine"
		                   : policies[mix(seed, i) % N(policies)];
		d->per_report = (double)records * share / nrep / days;
		own = d->per_report * MONTH_OWN_PCT / 100.0 /
		    (1.0 + MONTH_VARIANT_PCT / 100.0);
		d->own = own < 1 ? 1 : (unsigned long)(own + 0.5);
		d->fwd = 2 *
		    (unsigned long)(d->per_report * MONTH_FWD_PCT / 100.0 + 1);
	}

	rng_state = seed;
	for (unsigned day = 0; day < days && rc == 0; day++) {
		long long t = begin + 86400LL * day;
		time_t tt = (time_t)t;
		char daydir[4096], path[4096], ymd[16];
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(ymd, sizeof(ymd), "%Y-%m-%d", &tm);
		if (snprintf(daydir, sizeof(daydir), "%s/%s", dir, ymd) >=
		        (int)sizeof(daydir) ||
		    (mkdir(daydir, 0777) < 0 && errno != EEXIST)) {
			fprintf(stderr, "dmarcsift-gen: %s: cannot make %s\n",
			    dir, ymd);
			rc = 2;
			break;
		}
		for (unsigned i = 0; i < ndomains && rc == 0; i++) {
			for (unsigned j = 0; j < nrep; j++) {
				struct month_report mr;

				mr.mo = &mo;
				mr.d = &mo.domains[i];
				mr.mr = &month_reporters[j];
				mr.meta.rep = mr.mr->rep;
				mr.meta.domain = mr.d->name;
				mr.meta.policy = mr.d->policy;
				mr.meta.adkim = mr.meta.aspf = "r";
				mr.meta.id = rnd() >> 1;
				mr.meta.begin = t;
				mr.meta.rfc9990 = mr.mr->rfc9990;
				if (snprintf(path, sizeof(path),
				        "%s/%s!%s!%lld!%lld!%" PRIu64 ".xml%s",
				        daydir, mr.meta.rep->file, mr.d->name,
				        t, t + 86399, mr.meta.id,
				        gzip ? ".gz" : "") >=
				    (int)sizeof(path)) {
					fprintf(stderr,
					    "dmarcsift-gen: %s: path too "
					    "long\n",
					    dir);
					rc = 2;
					break;
				}
				if (write_one(path, gzip, write_month_report,
				        &mr) < 0) {
					rc = 1;
					break;
				}
			}
		}
	}
	if (rc == 0) {
		for (unsigned i = 0; i < ndomains; i++)
			printf("domain: %s records %lu own_senders %lu "
			       "own_network 185.%u.%u.0/22 p=%s\n",
			    mo.domains[i].name, mo.domains[i].records,
			    mo.domains[i].own, 16 + i / 64, (i % 64) * 4,
			    mo.domains[i].policy);
		printf("reports: %lu\nrecords: %llu\nmessages: %llu\n"
		       "spoofer_new_addresses: %lu\n",
		    (unsigned long)days * ndomains * nrep, mo.records,
		    mo.messages, mo.ring_n);
	}
	free(mo.ring);
	free(mo.domains);
	return rc;
}

static void
usage(FILE *fp)
{
	fputs(
	    "usage: dmarcsift-gen [-n REPORTS] [-r RECORDS] [-s SEED] [-z] "
	    "(-d DIR | -o FILE)\n"
	    "       dmarcsift-gen -m month [-R RECORDS] [-D DAYS] [-N DOMAINS] "
	    "[-b BEGIN]\n"
	    "                     [-s SEED] [-z] -d DIR\n"
	    "  -n REPORTS  reports to write (default 1; with -o only 1)\n"
	    "  -r RECORDS  records per report (default 100)\n"
	    "  -s SEED     PRNG seed (default 1): same seed, same bytes\n"
	    "  -z          gzip the output (level 6, as senders do)\n"
	    "  -d DIR      write REPORTS files into DIR (created)\n"
	    "  -o FILE     write one report to FILE, - for stdout\n"
	    "  -m month    a month as a large sender sees it: 8 receivers "
	    "send a report\n"
	    "              a day per domain; own servers and ESPs, "
	    "forwarders and lists,\n"
	    "              a long tail of spoofers; files in DIR/YYYY-MM-DD/; "
	    "prints what\n"
	    "              it wrote\n"
	    "  -R RECORDS  records in all, about (default 1000000)\n"
	    "  -D DAYS     days (default 30)\n"
	    "  -N DOMAINS  domains sharing the records, 1 to 4096 (default "
	    "1)\n"
	    "  -b BEGIN    the first day, Unix seconds (default 1793491200, "
	    "2026-11-01)\n",
	    fp);
}

static int
parse_count(int opt, const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
		fprintf(
		    stderr, "dmarcsift-gen: -%c: not a number: %s\n", opt, s);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long reports = 1, records = 100, seed = 1;
	unsigned long total = 1000000, days = 30, ndomains = 1;
	unsigned long begin = 1793491200;
	const char *dir = NULL, *file = NULL, *mode = NULL;
	int gzip = 0, c, per_report = 0, per_month = 0;

	while ((c = getopt(argc, argv, "n:r:s:zd:o:m:R:D:N:b:h")) != -1) {
		switch (c) {
		case 'm':
			mode = optarg;
			break;
		case 'R':
		case 'D':
		case 'N':
		case 'b':
			if (parse_count(c, optarg,
			        c == 'R'       ? &total
			            : c == 'D' ? &days
			            : c == 'N' ? &ndomains
			                       : &begin) < 0)
				return 2;
			per_month = 1;
			break;
		case 'n':
			if (parse_count(c, optarg, &reports) < 0)
				return 2;
			per_report = 1;
			break;
		case 'r':
			if (parse_count(c, optarg, &records) < 0)
				return 2;
			per_report = 1;
			break;
		case 's':
			if (parse_count(c, optarg, &seed) < 0)
				return 2;
			break;
		case 'z':
			gzip = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'o':
			file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (dir == NULL) == (file == NULL) ||
	    (file != NULL && reports != 1) ||
	    (mode != NULL && strcmp(mode, "month") != 0) ||
	    (mode != NULL && (per_report || file != NULL)) ||
	    (mode == NULL && per_month) ||
	    (mode != NULL &&
	        (days < 1 || days > 366 || ndomains < 1 || ndomains > 4096))) {
		usage(stderr);
		return 2;
	}
	if (dir != NULL && mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(
		    stderr, "dmarcsift-gen: %s: %s\n", dir, strerror(errno));
		return 2;
	}

	if (mode != NULL)
		return write_month(dir, gzip, seed, total, (unsigned)ndomains,
		    (unsigned)days, (long long)begin);
	rng_state = seed;
	for (unsigned long i = 0; i < reports; i++) {
		struct report_meta m;
		struct random_report rr;
		char path[4096];

		m.rep = &reporters[pick(N(reporters))];
		m.domain = domains[pick(N(domains))];
		m.policy = policies[pick(N(policies))];
		m.id = rnd() >> 1;
		m.begin = 1700006400LL + 86400LL * (long long)(i % 365);
		m.rfc9990 = chance(33);
		m.adkim = m.aspf = NULL;
		if (file != NULL)
			snprintf(path, sizeof(path), "%s", file);
		else if (snprintf(path, sizeof(path),
		             "%s/%s!%s!%lld!%lld!%lu.xml%s", dir, m.rep->file,
		             m.domain, m.begin, m.begin + 86399, i + 1,
		             gzip ? ".gz" : "") >= (int)sizeof(path)) {
			fprintf(
			    stderr, "dmarcsift-gen: %s: path too long\n", dir);
			return 2;
		}
		rr.meta = &m;
		rr.records = records;
		if (write_one(path, gzip, write_report, &rr) < 0)
			return 1;
	}
	return 0;
}
