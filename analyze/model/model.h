/*
 * model: the vocabulary of the analysis, apart from the code that computes
 * it: the causes of a DMARC failure, the classes of a source, the statuses
 * of a DNS finding, the DMARC tags `check` compares, with their stable
 * machine names and their words for a person, and the few pure functions
 * over the analysis structs that every format shows the same way.
 *
 * This is library dsmodel: no database, no DNS, no I/O.  The formatters
 * (reports/) link it instead of dsanalyze, so presenting a result never
 * pulls in libpq; analyze/ uses it for the same names.  Every string
 * returned is static.  The structs the functions read are defined in
 * analyze/'s headers (sources.h, dnscheck.h, readiness.h), which include
 * this one for the enums.
 */
#ifndef DMARCSIFT_MODEL_H
#define DMARCSIFT_MODEL_H

#include <stddef.h>

struct dnscheck_list;
struct reporter_trust;
struct source;
struct source_group;

/* Why our DMARC verdict failed: the chain in verdict.h, first match wins. */
enum verdict_cause {
	VERDICT_NONE = 0,
	VERDICT_MAILING_LIST,
	VERDICT_FORWARDED,
	VERDICT_RECEIVER_OVERRIDE,
	VERDICT_RESIGNED,
	VERDICT_DKIM_FAIL,
	VERDICT_STRICT_UNALIGNED,
	VERDICT_DKIM_UNALIGNED,
	VERDICT_SPF_UNALIGNED,
	VERDICT_SPF_ERROR,
	VERDICT_NO_AUTH,
	VERDICT_AUTH_FAIL,
	VERDICT_NCAUSES
};

/* Stable machine name ("spf_unaligned"); "unknown" out of range. */
const char *verdict_cause_name(enum verdict_cause c);
/* One line saying what happened, for a postmaster. */
const char *verdict_cause_text(enum verdict_cause c);
/* One line saying what to do about it. */
const char *verdict_cause_fix(enum verdict_cause c);
/* The cause with that machine name, or -1. */
int verdict_cause_from_name(const char *name);

/* Whose a source is (sources.h says how it is decided). */
enum source_class {
	SOURCE_LEGITIMATE,
	SOURCE_FORWARDER,
	SOURCE_UNKNOWN,
	SOURCE_SPOOFING,
	SOURCE_IGNORED, /* in ignored_sources: the owner said not theirs */
	SOURCE_NCLASSES
};

/* "legitimate", "forwarder", "unknown", "spoofing", "ignored"; and back
 * (-1). */
const char *source_class_name(enum source_class c);
int source_class_parse(const char *name);

/*
 * What to do about a failing source, by its class and then its cause
 * (verdict_cause_fix()): the one text every command and format gives.
 * NULL when nothing fails or the cause is not known to this build.
 */
const char *source_fix(const struct source *s);

/* A DMARC policy's strength, as p=, sp= and np= say it (dmarc_record.h
 * reads records), weakest first. */
#define DMARC_ABSENT (-1)
#define DMARC_NONE 0
#define DMARC_QUARANTINE 1
#define DMARC_REJECT 2

/* "none", "quarantine", "reject" for DMARC_NONE..DMARC_REJECT; NULL
 * otherwise: the one list of the words, for records and for forms. */
const char *dmarc_policy_word(int strength);

/* The status of one DNS finding (dnscheck.h), from best to worst. */
enum dnscheck_status {
	DNSCHECK_PASS,
	DNSCHECK_WARN,
	DNSCHECK_FAIL,
	DNSCHECK_DNSERROR,
};

/* "pass", "warn", "fail", "dnserror"; and back (-1 for anything else, as
 * a status read from a stored check may be). */
const char *dnscheck_status_name(enum dnscheck_status s);
int dnscheck_status_parse(const char *name);
/* The worst status in the list (PASS for an empty list); DNSERROR ranks
 * above FAIL. */
enum dnscheck_status dnscheck_worst(const struct dnscheck_list *l);

/* The DMARC tags compared with the reports (check.h). */
enum check_tag {
	CHECK_TAG_P,
	CHECK_TAG_SP,
	CHECK_TAG_ADKIM,
	CHECK_TAG_ASPF,
	CHECK_TAG_PCT,
	CHECK_NTAGS
};

/* The "check" tag names: "p", "sp", "adkim", "aspf", "pct". */
const char *check_tag_name(enum check_tag t);

/* An SPF result by its qualifier (check_source.spf): '+' "pass", '-'
 * "fail", '~' "softfail", '?' "neutral"; NULL for anything else (no
 * record to ask). */
const char *check_spf_name(char qualifier);

/* A reporter's busiest day is a jump: at least READINESS_JUMP_FACTOR times
 * its usual day, READINESS_JUMP_MIN messages above it, with at least
 * READINESS_JUMP_HISTORY days of history (struct reporter_trust,
 * readiness.h). */
#define READINESS_JUMP_FACTOR 10
#define READINESS_JUMP_MIN 1000
#define READINESS_JUMP_HISTORY 7
int readiness_jump(const struct reporter_trust *rt);

#endif
