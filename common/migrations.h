/*
 * migrations: the schema, as numbered SQL files from sql/ compiled in: the
 * migrations (history: tables and their data, applied once each, in
 * order) and the definitions (sql/defs/: the views and functions whose one
 * home is there, all applied again, after the migrations, whenever any of
 * them changed; see sql/README.md).
 */
#ifndef DMARCSIFT_MIGRATIONS_H
#define DMARCSIFT_MIGRATIONS_H

struct migration {
	int version; /* the NNN of sql/NNN_name.sql */
	const char *name; /* the file name */
	const char *sql;
};

/* In version order, ending with a NULL name.  Generated at build time. */
extern const struct migration migrations[];

struct schema_def {
	const char *name; /* the file name, NN_name.sql */
	const char *sql;
};

/* In file-name order, ending with a NULL name.  Generated at build time. */
extern const struct schema_def schema_defs[];

#endif
