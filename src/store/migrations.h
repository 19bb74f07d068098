/* The numbered migration files, embedded at build time (tools/embed_sql.py). */
#ifndef LMN_MIGRATIONS_H
#define LMN_MIGRATIONS_H

struct migration {
	int number;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const int migration_count;

#endif
