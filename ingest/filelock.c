/* filelock: one ingest run per set of paths (filelock.h). */
#include "filelock.h"

#include "db.h"
#include "err.h"
#include "locks.h"
#include "xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct filelock {
	struct db *db;
	char **keys;
	size_t n, held;
};

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
key_of(const char *path)
{
	char *real = realpath(path, NULL);
	const char *p = real != NULL ? real : path;
	size_t len = strlen("files ") + strlen(p) + 1;
	char *k = xmalloc(len);

	snprintf(k, len, "files %s", p);
	free(real);
	return k;
}

void
filelock_release(struct filelock *fl)
{
	struct err ignored;

	if (fl == NULL)
		return;
	while (fl->held > 0) {
		const char *params[] = {fl->keys[--fl->held]};

		(void)db_exec(fl->db,
		    "SELECT pg_advisory_unlock(" LOCK_CLASS_FILES
		    ", hashtext($1))",
		    1, params, &ignored);
	}
	for (size_t i = 0; i < fl->n; i++)
		free(fl->keys[i]);
	free(fl->keys);
	free(fl);
}

int
filelock_take(struct db *db, char *const *paths, size_t n,
    struct filelock **out, const char **busy, struct err *err)
{
	static char busy_path[PATH_MAX + 8];
	struct filelock *fl = xcalloc(1, sizeof(*fl));
	int rc = 0;

	*out = NULL;
	*busy = NULL;
	fl->db = db;
	fl->keys = xcalloc(n > 0 ? n : 1, sizeof(*fl->keys));
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], "-") != 0)
			fl->keys[fl->n++] = key_of(paths[i]);
	/* The same order in every run: no two wait on each other. */
	qsort(fl->keys, fl->n, sizeof(*fl->keys), cmp_key);
	while (fl->held < fl->n) {
		const char *params[] = {fl->keys[fl->held]};
		char *v = NULL;
		int yes;

		/* One path named twice is one key, locked once. */
		if (fl->held > 0 &&
		    strcmp(fl->keys[fl->held], fl->keys[fl->held - 1]) == 0) {
			free(fl->keys[fl->held]);
			memmove(&fl->keys[fl->held], &fl->keys[fl->held + 1],
			    (fl->n - fl->held - 1) * sizeof(*fl->keys));
			fl->n--;
			continue;
		}
		rc = db_value(db,
		    "SELECT pg_try_advisory_lock(" LOCK_CLASS_FILES
		    ", hashtext($1))",
		    1, params, &v, err);
		yes = rc == 0 && v != NULL && strcmp(v, "t") == 0;
		free(v);
		if (!yes) {
			if (rc == 0) {
				snprintf(busy_path, sizeof(busy_path), "%s",
				    fl->keys[fl->held] + strlen("files "));
				*busy = busy_path;
			}
			break;
		}
		fl->held++;
	}
	if (fl->held < fl->n) {
		filelock_release(fl);
		return rc < 0 ? -1 : 0;
	}
	*out = fl;
	return 0;
}
