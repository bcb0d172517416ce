/*
 * migrations: the schema, as numbered SQL files from sql/ compiled in.
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

#endif
