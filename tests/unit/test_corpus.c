/*
 * Every file of the shared corpus (real reports gathered from public
 * projects) has an asserted outcome here: the key fields and record totals
 * for readable reports, the specific error for the rest.  Expected values
 * were taken with an independent XML reader, not from dmarcsift.  A corpus
 * file without an entry fails the test, so new material gets looked at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "reader.h"
#include "report.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct expect {
	const char *path; /* below the corpus directory */
	int rc; /* reader_read's return */
	const char *msg; /* in the first problem, when rc != 0 */
	const char *org, *id, *domain;
	int64_t begin, end;
	uint64_t records, messages;
	const char *warning; /* in the report's warnings, or NULL for none */
};

#define PD "parsedmarc/samples/"
#define AG PD "aggregate/"
#define FAILURE_REPORT                                                         \
	ERR_NOT_AGGREGATE, "not an aggregate report (failure report)"
#define TLS_REPORT ERR_NOT_AGGREGATE, "not an aggregate report (TLS report)"

static const struct expect corpus[] = {
    {"draft-ietf-dmarc-aggregate-reporting/dmarc-xml-0.2.xml", 0, NULL,
        "Sample Reporter", "3v98abbp8ya9n3va8yr8oa3ya", "example.com",
        302832000, 302918399, 1, 123, NULL},
    {"draft-ietf-dmarc-aggregate-reporting/dmarc-xmlalt-0.2.xml", 0, NULL,
        "Sample Reporter", "3v98abbp8ya9n3va8yr8oa3ya", "example.com",
        161212415, 161221511, 1, 123, NULL},
    {"draft-ietf-dmarc-aggregate-reporting/dmarc-xml-0.2.xsd", ERR_MALFORMED,
        "root element is <schema>"},
    {"mail-dmarc/share/rua-schema.xsd", ERR_MALFORMED,
        "root element is <schema>"},
    {"parsedmarc/_history/16a4be2/samples/"
     "estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940"
     ".xml.sample",
        0, NULL, "XYZ Corporation", "2940", "example.com", 1536853302,
        1536939702, 1, 1, NULL},
    {"parsedmarc/_history/d0bb858/samples/aggregate/"
     "zoho.com!example.com!1581753600!1581840000.xml",
        0, NULL, "zoho.com", "e2cb5d97-dcbb-470f-b2dd-45519a2abbb3",
        "example.com", 1581753600, 1581840000, 8, 9, NULL},
    {AG "!example.com!1538204542!1538463818.xml", 0, NULL, "",
        "example.com:1538463741", "example.com", 1538413632, 1538413632, 1, 1,
        "report has no <org_name>"},
    {AG "!large-example.com!1711897200!1711983600.xml", 0, NULL, "",
        "example.com:1711897200", "example.com", 1711897200, 1711983600, 2286,
        2286, "report has no <org_name>"},
    {AG "Report domain- borschow.com Submitter- google.com Report-ID- "
        "949348866075514174.eml",
        0, NULL, "google.com", "949348866075514174", "borschow.com", 1549929600,
        1550015999, 1, 1, NULL},
    {AG "addisonfoods.com!example.com!1536105600!1536191999.xml", 0, NULL,
        "addisonfoods.com", "3ceb5548498640beaeb47327e202b0b9", "example.com",
        1536105600, 1536191999, 1, 1, NULL},
    {AG "empty_reason.xml", 0, NULL, "example.org", "20240125141224705995",
        "example.com", 1706159544, 1706185733, 1, 2, NULL},
    {AG "estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!"
        "2940.xml.zip",
        0, NULL, "XYZ Corporation", "2940", "example.com", 1536853302,
        1536939702, 1, 1, NULL},
    {AG "example.net!example.com!1529366400!1529452799.xml", 0, NULL,
        "example.net", "b043f0e264cf4ea995e93765242f6dfb", "example.com",
        1529366400, 1529452799, 1, 1, "stray text between elements"},
    {AG "fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz", 0,
        NULL, "FastMail Pty Ltd", "102675056", "indemed.com", 1516060800,
        1516147199, 1, 1, NULL},
    {AG "ikea.com!example.de!1538690400!1538776800.xml", 0, NULL, "ikea.com",
        "aggr_report_2018_10_05_5bc7e9b4f3e8a", "example.de", 1538690400,
        1538776800, 1, 1, "wrapped in an unexpected <schema>"},
    {AG "invalid_utf_8.xml", 0, NULL, "", "example.com:1538463741",
        "example.com", 1538413632, 1538413632, 1, 1,
        "1 invalid UTF-8 byte(s) replaced with U+FFFD"},
    {AG "invalid_xml.xml", ERR_MALFORMED,
        "XML error at line 5: error parsing attribute name"},
    {AG "mimecast-weird-gzip.eml", 0, NULL, "Mimecast",
        "157a5fe30ec76f4bc0d8bccfc96c118a167a1280fee7c7465af5115e73082e5e",
        "ab.id.au", 1693353600, 1693439999, 1, 1, NULL},
    {AG "old_draft_from_wiki.xml", 0, NULL, "acme.com", "9391651994964116463",
        "example.com", 1335571200, 1335657599, 1, 2, NULL},
    {AG "protection.outlook.com!example.com!1711756800!1711843200.xml", 0, NULL,
        "Outlook.com", "cfeafefe4129445e8c81018bd9177197", "example.com",
        1711756800, 1711843200, 1, 1, NULL},
    {AG "rfc9990-example.net!example.com!1700000000!1700086399.xml", 0, NULL,
        "example.net", "dmarcbis-test-report-001", "example.com", 1700000000,
        1700086399, 2, 7, NULL},
    {AG "rfc9990-sample.xml", 0, NULL, "Sample Reporter",
        "3v98abbp8ya9n3va8yr8oa3ya", "example.com", 302832000, 302918399, 1,
        123, NULL},
    {AG "twilight.eml", 0, NULL, "google.com", "1627703331531660819",
        "twlnet.com", 1549756800, 1549843199, 1, 1, NULL},
    {AG "usssa.com!example.com!1538784000!1538870399.xml", 0, NULL, "usssa.com",
        "8953b4d4a4ee4218b6ac0e2cb2667ee1", "example.com", 1538784000,
        1538870399, 2, 2, NULL},
    {AG "veeam.com!example.com!1530133200!1530219600.xml", 0, NULL, "veeam.com",
        "sonexushealth.com:1530233361", "example.com", 1530133200, 1530219600,
        1, 1, NULL},
    {PD "aggregate_invalid/report_with_upper_cased_pass.xml", 0, NULL,
        "example.com", "aggr_report_example.com_20191202_1638", "example.com",
        1574955300, 1575304683, 1, 1, NULL},
    {PD "empty.xml", ERR_MALFORMED, "empty input"},
    {PD "extract_report/changed-input.xml", 0, NULL, "fred.com",
        "11038226378739404135", "example.com", 1718236800, 1718323199, 20, 3047,
        NULL},
    {PD "extract_report/nice-input.xml", 0, NULL, "google.com",
        "11038226378739404135", "example.com", 1718236800, 1718323199, 20, 3047,
        NULL},
    {PD "extract_report/nice-input.xml.gz", 0, NULL, "google.com",
        "11038226378739404135", "example.com", 1718236800, 1718323199, 20, 3047,
        NULL},
    {PD "extract_report/nice-input.xml.zip", 0, NULL, "google.com",
        "11038226378739404135", "example.com", 1718236800, 1718323199, 20, 3047,
        NULL},
    {PD "failure/DMARC Failure Report for domain.de "
        "(mail-from=sharepoint@domain.de, ip=10.10.10.10).eml",
        FAILURE_REPORT},
    {PD "failure/[Netease DMARC Failure Report] Rent Reminder.eml",
        FAILURE_REPORT},
    {PD "failure/dmarc_ruf_report_linkedin.crlf.eml", FAILURE_REPORT},
    {PD "failure/dmarc_ruf_report_linkedin.eml", FAILURE_REPORT},
    {PD "failure/exim_plain_text_only_no_arf_part.eml", FAILURE_REPORT},
    {PD "smtp_tls/google.com_smtp_tls_report.eml", TLS_REPORT},
    {PD "smtp_tls/mail.ru.json", TLS_REPORT},
    {PD "smtp_tls/rfc8460.json", TLS_REPORT},
    {PD "smtp_tls/smtp_tls.json", TLS_REPORT},
};

#define NCORPUS (sizeof(corpus) / sizeof(corpus[0]))

struct outcome {
	int reports;
	uint64_t records, messages;
	char org[128], id[128], domain[128];
	int64_t begin, end;
	char warnings[2048];
	char problem[1024];
};

static int
on_record(void *ctx, const struct dmarc_report *rep,
    const struct dmarc_record *rec, struct err *err)
{
	struct outcome *o = ctx;

	o->records++;
	o->messages += rec->count;
	return 0;
}

static int
on_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	struct outcome *o = ctx;

	if (o->reports++ > 0)
		return 0;
	snprintf(
	    o->org, sizeof(o->org), "%s", rep->org_name ? rep->org_name : "");
	snprintf(o->id, sizeof(o->id), "%s", rep->report_id);
	snprintf(o->domain, sizeof(o->domain), "%s", rep->policy.domain);
	o->begin = rep->begin;
	o->end = rep->end;
	for (size_t i = 0; i < rep->n_warnings; i++) {
		strncat(o->warnings, rep->warnings[i],
		    sizeof(o->warnings) - strlen(o->warnings) - 2);
		strcat(o->warnings, "|");
	}
	return 0;
}

static void
on_problem(void *ctx, const char *where, const struct err *why)
{
	struct outcome *o = ctx;

	if (o->problem[0] == '\0')
		snprintf(o->problem, sizeof(o->problem), "%s", why->msg);
}

static void
read_file(const char *rel, struct outcome *o, int *rc)
{
	char path[4096];
	struct limits lim;
	struct reader_stats stats;
	struct reader_sink sink = {{o, on_record, on_report, NULL}, on_problem};
	struct err err;
	struct bytesrc *src;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", DS_CORPUS, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail_msg("cannot open corpus file %s", path);
	limits_init(&lim);
	memset(o, 0, sizeof(*o));
	src = bytesrc_fd_new(fd, 1, lim.input_bytes);
	*rc = reader_read(src, &lim, &sink, &stats, &err);
	bytesrc_free(src);
}

static void
test_each_corpus_file(void **state)
{
	int failures = 0;

	for (size_t i = 0; i < NCORPUS; i++) {
		const struct expect *e = &corpus[i];
		struct outcome o;
		int rc, ok;

		read_file(e->path, &o, &rc);
		if (e->rc != 0) {
			ok = rc == e->rc && o.reports == 0 &&
			    strstr(o.problem, e->msg) != NULL;
		} else {
			ok = rc == 0 && o.reports == 1 &&
			    strcmp(o.org, e->org) == 0 &&
			    strcmp(o.id, e->id) == 0 &&
			    strcmp(o.domain, e->domain) == 0 &&
			    o.begin == e->begin && o.end == e->end &&
			    o.records == e->records &&
			    o.messages == e->messages &&
			    (e->warning ? strstr(o.warnings, e->warning) != NULL
			                : o.warnings[0] == '\0');
		}
		if (!ok) {
			print_error("%s:\n  got rc=%d reports=%d org='%s' "
			            "id='%s' domain='%s' %lld-%lld "
			            "records=%llu messages=%llu\n  "
			            "warnings='%s'\n  problem='%s'\n",
			    e->path, rc, o.reports, o.org, o.id, o.domain,
			    (long long)o.begin, (long long)o.end,
			    (unsigned long long)o.records,
			    (unsigned long long)o.messages, o.warnings,
			    o.problem);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* Every file in the corpus must have an entry above. */
static int
count_unlisted(const char *dir, const char *rel)
{
	char path[8192], sub[2048];
	DIR *d;
	struct dirent *de;
	int missing = 0;

	snprintf(path, sizeof(path), "%s/%s", DS_CORPUS, dir);
	d = opendir(path);
	if (d == NULL)
		fail_msg("cannot open %s", path);
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		int found = 0;

		if (de->d_name[0] == '.' ||
		    strcmp(de->d_name, "MANIFEST.tsv") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "",
		    de->d_name);
		snprintf(path, sizeof(path), "%s/%s", DS_CORPUS, sub);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			missing += count_unlisted(sub, sub);
			continue;
		}
		for (size_t i = 0; i < NCORPUS; i++)
			found |= strcmp(corpus[i].path, sub) == 0;
		if (!found) {
			print_error(
			    "corpus file without expectation: %s\n", sub);
			missing++;
		}
	}
	closedir(d);
	return missing;
}

static void
test_every_file_listed(void **state)
{
	assert_int_equal(count_unlisted("", ""), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_corpus_file),
	    cmocka_unit_test(test_every_file_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
