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
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	uint64_t id;
	long long begin;
	int rfc9990;
};

static void
write_report(struct out *o, const struct report_meta *m, unsigned long records)
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
	put(o, "    <adkim>%s</adkim>\n    <aspf>%s</aspf>\n",
	    chance(80) ? "r" : "s", chance(80) ? "r" : "s");
	put(o, "    <p>%s</p>\n    <sp>%s</sp>\n", m->policy, m->policy);
	if (m->rfc9990)
		put(o, "    <np>%s</np>\n    <testing>n</testing>\n",
		    m->policy);
	else
		put(o, "    <pct>100</pct>\n");
	put(o, "  </policy_published>\n");
	for (unsigned long i = 0; i < records; i++)
		write_record(o, m->domain, m->policy);
	put(o, "</feedback>\n");
}

static int
write_one(const char *path, int gzip, const struct report_meta *m,
    unsigned long records)
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
	write_report(&o, m, records);
	rc = gzclose(o.gz);
	if (o.failed || rc != Z_OK) {
		fprintf(stderr, "dmarcsift-gen: %s: write failed\n", path);
		return -1;
	}
	return 0;
}

static void
usage(FILE *fp)
{
	fputs("usage: dmarcsift-gen [-n REPORTS] [-r RECORDS] [-s SEED] [-z] "
	      "(-d DIR | -o FILE)\n"
	      "  -n REPORTS  reports to write (default 1; with -o only 1)\n"
	      "  -r RECORDS  records per report (default 100)\n"
	      "  -s SEED     PRNG seed (default 1): same seed, same bytes\n"
	      "  -z          gzip the output (level 6, as senders do)\n"
	      "  -d DIR      write REPORTS files into DIR (created)\n"
	      "  -o FILE     write one report to FILE, - for stdout\n",
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
	const char *dir = NULL, *file = NULL;
	int gzip = 0, c;

	while ((c = getopt(argc, argv, "n:r:s:zd:o:h")) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(c, optarg, &reports) < 0)
				return 2;
			break;
		case 'r':
			if (parse_count(c, optarg, &records) < 0)
				return 2;
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
	    (file != NULL && reports != 1)) {
		usage(stderr);
		return 2;
	}
	if (dir != NULL && mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(
		    stderr, "dmarcsift-gen: %s: %s\n", dir, strerror(errno));
		return 2;
	}

	rng_state = seed;
	for (unsigned long i = 0; i < reports; i++) {
		struct report_meta m;
		char path[4096];

		m.rep = &reporters[pick(N(reporters))];
		m.domain = domains[pick(N(domains))];
		m.policy = policies[pick(N(policies))];
		m.id = rnd() >> 1;
		m.begin = 1700006400LL + 86400LL * (long long)(i % 365);
		m.rfc9990 = chance(33);
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
		if (write_one(path, gzip, &m, records) < 0)
			return 1;
	}
	return 0;
}
