/* The numbered migration files, embedded at build time (tools/embed_sql.py): those of SQLite
 * (src/store/migrations) and of PostgreSQL (src/store/migrations/pg), the same numbers and names;
 * the build fails if the two lists differ. */
#ifndef LMN_MIGRATIONS_H
#define LMN_MIGRATIONS_H

struct migration {
	int number;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const int migration_count;
extern const struct migration pg_migrations[];
extern const int pg_migration_count;

#endif
