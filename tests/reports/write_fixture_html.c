/*
 * write_fixture_html: writes the HTML digest of a hand-built fixture
 * (tests/unit/digest_fixture_html.h) to stdout, for the browser test and
 * for the README's screenshot.
 *
 * usage: write_fixture_html [normal|first|empty|nodata|hostile|huge]
 */
#include "digest_fixture_html.h"
#include "digest_render.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	struct digest *(*make)(void);
} fixtures[] = {
    {"normal", fixture_html_normal},
    {"first", fixture_html_first},
    {"empty", fixture_html_empty},
    {"nodata", fixture_html_nodata},
    {"hostile", fixture_html_hostile},
    {"huge", fixture_html_huge},
};

int
main(int argc, char **argv)
{
	const char *want = argc > 1 ? argv[1] : "normal";

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		struct digest *d;
		int rc;

		if (strcmp(want, fixtures[i].name) != 0)
			continue;
		d = fixtures[i].make();
		rc = digest_html(stdout, d);
		fixture_html_free(d);
		if (rc < 0 || fclose(stdout) != 0) {
			fprintf(stderr,
			    "write_fixture_html: cannot write: %s\n",
			    strerror(errno));
			return 1;
		}
		return 0;
	}
	fprintf(stderr,
	    "usage: write_fixture_html "
	    "[normal|first|empty|nodata|hostile|huge]\n");
	return 2;
}
