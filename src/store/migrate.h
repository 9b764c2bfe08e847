/*
 * migrate.h - moving a city's SQLite database into an empty PostgreSQL one
 * (`hamgan migrate`, docs/migrate.md).  A store-level tool: it reads the
 * SQLite file and writes PostgreSQL below the store's ops, table by table,
 * so it knows both backends' tables; the front end that runs it sees only
 * this header (no SQLite or libpq type in it).
 *
 * The copy is one PostgreSQL transaction: a failure, or the process killed
 * part-way, leaves the target without a row.  The source is read in one
 * read transaction, so it is copied as it was at the start even while a
 * server writes to it.
 */
#ifndef HAMGAN_STORE_MIGRATE_H
#define HAMGAN_STORE_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* Where the copy is: table (the PostgreSQL table being filled; "msg_fts"
 * for the search index; "(indexes, keys)" for the secondary indexes and
 * foreign keys made after the rows, counted one by one), done of total rows, seconds spent on the
 * table so far; end is true once for each table, when it is whole. */
struct store_migrate_progress {
	const char *table;
	int64_t done, total;
	double secs;
	bool end;
};

typedef void store_migrate_progress_fn(const struct store_migrate_progress *p, void *arg);

/*
 * Copy the SQLite database at from_path into the PostgreSQL database
 * to_uri, making its schema when it has none.  progress (may be NULL) is
 * called when a table starts, every CAP_MIGRATE_PROGRESS_ROWS rows and when
 * it ends.  Refused, with nothing written: a source whose schema version
 * is not this program's (ERR_INVALID: upgrade it with `hamgan init --db`
 * first), a target holding any row in a hamgan table (ERR_CONFLICT), a
 * source table the target lacks or a target column the source lacks
 * (ERR_INVALID).  On any failure the target keeps no row of the source.
 */
int store_migrate(const char *from_path, const char *to_uri,
		  store_migrate_progress_fn *progress, void *arg, struct err *err);

/*
 * Count the rows of every table in both (the search index against the
 * messages it indexes) and call fn for each; *differ counts the tables
 * whose counts differ.
 */
typedef void store_migrate_count_fn(const char *table, int64_t from_rows, int64_t to_rows,
				    void *arg);
int store_migrate_counts(const char *from_path, const char *to_uri, store_migrate_count_fn *fn,
			 void *arg, int64_t *differ, struct err *err);

/*
 * Empty the target again after a check failed: drop every hamgan table
 * (the target's tables that the source also has, the search index and
 * hamgan_schema) and the
 * audit log's trigger function, in one transaction and without CASCADE, so
 * nothing of another application in the same database is touched (when
 * one of its objects depends on a hamgan table, nothing is dropped and the
 * error says so).
 */
int store_migrate_undo(const char *from_path, const char *to_uri, struct err *err);

#endif
