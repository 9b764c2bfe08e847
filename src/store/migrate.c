/*
 * migrate.c - `hamgan migrate`'s copy from SQLite to PostgreSQL (migrate.h,
 * docs/migrate.md).  The one file that speaks to both databases: it reads
 * the SQLite file with sqlite3 directly (opening it as a store would apply
 * migrations, a write) and writes PostgreSQL through the backend's
 * connection with COPY, the fastest way in.
 *
 * The copy is generic: the tables and their columns are PostgreSQL's (the
 * catalogue of the target's schema), read from SQLite by the same names,
 * in the order their foreign keys need.  A table is hamgan's when both
 * databases have it; another application's tables in the same PostgreSQL
 * schema are left alone.  Two are not copied as rows: hamgan_schema (each
 * side keeps its own version) and the search index, which PostgreSQL keeps
 * as a tsvector of the index terms and which is made again from each
 * message's subject and body, as the SQLite migrations do
 * (hamgan_index_text: fa_index_text of each).  The report aggregates'
 * pair rows are packed in SQLite, a row of one (dim, unit, kind, day, key)
 * holding their (day2, n) counts (pair_pack.h, SQLite's schema 19), and a
 * row a pair here: they are unpacked on the way and counted as pairs.
 * The cells are rows with their key packed in the rowid and their
 * counters sparse in SQLite (cell_pack.h, schema 21), and rows with the
 * key in columns and the counters dense here: they are unpacked on the
 * way, numbered 1, 2, ... for the target's id.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/tpack.h"
#include "fa/terms.h"
#include "base/varint.h"
#include "store/cell_pack.h"
#include "store/migrate.h"
#include "store/pair_pack.h"
#include "store/pg_int.h"

/* How a column's value is written in COPY's text format. */
enum col_kind { COL_TEXT, COL_INT, COL_REAL, COL_BYTEA };

struct column {
	char *name;
	enum col_kind kind;
	bool identity;
};

struct table {
	char *name;
	struct column *cols;
	size_t ncols;
	int64_t total;		/* rows in the source */
	bool done;		/* placed in the copy order */
};

struct mig {
	sqlite3 *src;
	struct store *dst;
	PGconn *conn;
	struct table *tables;	/* in foreign-key order once ordered */
	size_t ntables;
	store_migrate_progress_fn *progress;
	void *arg;
	struct buf data;	/* COPY text waiting to be sent */
	char **indexes;		/* the indexes' and foreign keys' statements to
				 * run after the rows (set_aside) */
	size_t nindexes;
	int pair_col[7];	/* agg_pairs: each target column's index in
				 * (dim, unit, kind, day, key, day2, n) */
	int cell_col[7];	/* agg_cells: each in (id, dim, unit, day, key,
				 * c, hist) */
	int64_t cell_id;	/* the last cell's id in the target */
};

/* Tables never copied as rows (the file comment says why). */
static bool skipped(const char *name)
{
	return str_eq(name, "hamgan_schema") || str_eq(name, "msg_fts");
}

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- errors ---- */

static int sq_err(struct mig *m, int code, const char *what, struct err *err)
{
	return err_set(err, code, "", "%s: %s", what, sqlite3_errmsg(m->src));
}

/* A failed PostgreSQL result, with its detail (the key a foreign key
 * misses) and the line COPY stopped at when it says. */
static int pg_err(struct mig *m, PGresult *res, const char *what, struct err *err)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *where = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	int code = pg_fail(pg(m->dst), res, what, err);	/* the code, and the
							 * message without one */

	if (!msg)
		return code;
	return err_set(err, code, "", "%s: %s%s%s%s%s%s", what, msg, detail ? ": " : "",
		       detail ? detail : "", where ? " (" : "", where ? where : "",
		       where ? ")" : "");
}

static int pg_sql(struct mig *m, const char *sql, const char *what, struct err *err)
{
	PGresult *res = PQexec(m->conn, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_err(m, res, what, err);
	PQclear(res);
	return rc;
}

/* ---- opening ---- */

static void mig_close(struct mig *m)
{
	size_t i, j;

	for (i = 0; i < m->ntables; i++) {
		for (j = 0; j < m->tables[i].ncols; j++)
			free(m->tables[i].cols[j].name);
		free(m->tables[i].cols);
		free(m->tables[i].name);
	}
	free(m->tables);
	for (i = 0; i < m->nindexes; i++)
		free(m->indexes[i]);
	free(m->indexes);
	if (m->src) {
		sqlite3_exec(m->src, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(m->src);
	}
	if (m->dst)
		store_pg_ops.close(m->dst);
	buf_release(&m->data);
	memset(m, 0, sizeof(*m));
}

/*
 * The source, read-only, in one read transaction held until the end: every
 * table is read as it was when the first one was.  A "sqlite:" prefix is
 * allowed, as store_open allows it.
 */
static int open_source(struct mig *m, const char *path, int *version, struct err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (str_starts(path, "sqlite:"))
		path += strlen("sqlite:");
	rc = sqlite3_open_v2(path, &m->src, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK)
		return err_set(err, ERR_NOTFOUND, "from", "cannot open '%s': %s", path,
			       m->src ? sqlite3_errmsg(m->src) : "out of memory");
	sqlite3_busy_timeout(m->src, 10000);
	if (sqlite3_exec(m->src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return sq_err(m, ERR_STORE, "cannot read the source", err);
	rc = sqlite3_prepare_v2(m->src, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(err, ERR_INVALID, "from", "'%s' is not a hamgan database: %s", path,
			       sqlite3_errmsg(m->src));
	}
	*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (*version == 0)
		return err_set(err, ERR_INVALID, "from", "'%s' is not a hamgan database", path);
	return 0;
}

/* The source's version must be the target's: the tables then have the
 * same columns.  Checked before the target is touched. */
static int check_version(const char *path, int have, struct err *err)
{
	int want = pg_schema_latest();

	if (have < want)
		return err_set(err, ERR_INVALID, "from", "'%s' is at schema version %d and this "
			       "program writes %d: upgrade it first with 'hamgan init --db %s'",
			       path, have, want, path);
	if (have > want)
		return err_set(err, ERR_INVALID, "from", "'%s' is at schema version %d, newer than "
			       "this program knows (%d): use a newer hamgan", path, have, want);
	return 0;
}

static int open_target(struct mig *m, const char *uri, unsigned flags, struct err *err)
{
	if (store_backend_for(uri) != &store_pg_ops)
		return err_set(err, ERR_INVALID, "to", "the target must be a postgresql:// URI");
	if (store_pg_ops.open(&m->dst, uri, flags, NULL, err) < 0)
		return err ? err->code : ERR_STORE;
	m->conn = pg(m->dst)->conn;
	return 0;
}

/* ---- the tables ---- */

static bool source_has(struct mig *m, const char *table)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;

	if (sqlite3_prepare_v2(m->src, "SELECT 1 FROM sqlite_master WHERE type = 'table' "
			       "AND name = ?", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

static enum col_kind kind_of(const char *type)
{
	if (str_eq(type, "bigint") || str_eq(type, "integer") || str_eq(type, "smallint"))
		return COL_INT;
	if (str_eq(type, "double precision") || str_eq(type, "real"))
		return COL_REAL;
	if (str_eq(type, "bytea"))
		return COL_BYTEA;
	return COL_TEXT;
}

static struct table *table_add(struct mig *m, const char *name)
{
	struct table *t;

	m->tables = xrealloc(m->tables, (m->ntables + 1) * sizeof(*m->tables));
	t = &m->tables[m->ntables++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	return t;
}

static void column_add(struct table *t, const char *name, const char *type, bool identity)
{
	struct column *c;

	t->cols = xrealloc(t->cols, (t->ncols + 1) * sizeof(*t->cols));
	c = &t->cols[t->ncols++];
	c->name = xstrdup(name);
	c->kind = kind_of(type);
	c->identity = identity;
}

/* The target's tables that the source also has, with their columns. */
static int load_tables(struct mig *m, struct err *err)
{
	PGresult *res;
	struct table *t = NULL;
	int i, rows;

	res = PQexec(m->conn, "SELECT c.table_name, c.column_name, c.data_type, c.is_identity"
		     " FROM information_schema.columns c JOIN information_schema.tables t"
		     " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
		     " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
		     " ORDER BY c.table_name, c.ordinal_position");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = pg_err(m, res, "cannot read the target's tables", err);

		PQclear(res);
		return rc;
	}
	rows = PQntuples(res);
	for (i = 0; i < rows; i++) {
		const char *name = PQgetvalue(res, i, 0);

		if (skipped(name))
			continue;
		if (!t || !str_eq(t->name, name)) {
			t = NULL;
			if (!source_has(m, name))
				continue;	/* not hamgan's */
			t = table_add(m, name);
		}
		column_add(t, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
			   str_eq(PQgetvalue(res, i, 3), "YES"));
	}
	PQclear(res);
	return 0;
}

static struct table *find_table(struct mig *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->ntables; i++)
		if (str_eq(m->tables[i].name, name))
			return &m->tables[i];
	return NULL;
}

/* A table of the source that the target lacks would be lost: refuse.
 * (SQLite's own tables and the search index's shadow tables aside.) */
static int check_source_tables(struct mig *m, struct err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(m->src, "SELECT name FROM sqlite_master WHERE type = 'table'"
			       " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
			       " AND name NOT LIKE 'msg\\_fts%' ESCAPE '\\'", -1, &st,
			       NULL) != SQLITE_OK)
		return sq_err(m, ERR_STORE, "cannot read the source's tables", err);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (!find_table(m, name))
			rc = err_set(err, ERR_INVALID, "", "the target has no table '%s' of the "
				     "source", name);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Does t refer (by a foreign key) to a table not yet placed? */
static bool waits(struct mig *m, const PGresult *fks, const struct table *t)
{
	int i, rows = PQntuples(fks);

	for (i = 0; i < rows; i++) {
		const struct table *to;

		if (!str_eq(PQgetvalue(fks, i, 0), t->name))
			continue;
		to = find_table(m, PQgetvalue(fks, i, 1));
		if (to && to != t && !to->done)
			return true;
	}
	return false;
}

/*
 * Order the tables so that each comes after every table it refers to.  The
 * foreign keys are set aside during the copy (set_aside) and check every
 * row when they are made again, so the order is not needed for them; it
 * keeps the copy correct should a key ever stay (a reference to itself,
 * as a unit's parent, is checked at the end of its COPY statement).
 */
static int order_tables(struct mig *m, struct err *err)
{
	struct table *sorted = xcalloc(m->ntables ? m->ntables : 1, sizeof(*sorted));
	PGresult *fks;
	size_t n = 0, i;
	bool moved = true;

	fks = PQexec(m->conn, "SELECT a.relname, b.relname FROM pg_constraint f"
		     " JOIN pg_class a ON a.oid = f.conrelid JOIN pg_class b ON b.oid = f.confrelid"
		     " WHERE f.contype = 'f' AND f.connamespace = current_schema()::regnamespace");
	if (PQresultStatus(fks) != PGRES_TUPLES_OK) {
		int rc = pg_err(m, fks, "cannot read the target's foreign keys", err);

		PQclear(fks);
		free(sorted);
		return rc;
	}
	while (n < m->ntables && moved) {
		moved = false;
		for (i = 0; i < m->ntables; i++) {
			struct table *t = &m->tables[i];

			if (t->done || waits(m, fks, t))
				continue;
			t->done = true;
			sorted[n++] = *t;
			moved = true;
		}
	}
	PQclear(fks);
	if (n < m->ntables) {
		free(sorted);
		return err_set(err, ERR_INVALID, "", "the target's tables refer to one another "
			       "in a circle");
	}
	free(m->tables);
	m->tables = sorted;
	return 0;
}

/* ---- quoting ---- */

/* "name" for SQLite (the names come from PostgreSQL's catalogue). */
static void sq_ident(struct buf *b, const char *name)
{
	buf_addc(b, '"');
	for (; *name; name++) {
		if (*name == '"')
			buf_addc(b, '"');
		buf_addc(b, *name);
	}
	buf_addc(b, '"');
}

static void pg_ident(struct mig *m, struct buf *b, const char *name)
{
	char *q = PQescapeIdentifier(m->conn, name, strlen(name));

	if (!q)
		abort();	/* out of memory */
	buf_adds(b, q);
	PQfreemem(q);
}

/* ---- the target must be empty ---- */

/*
 * Any row in a hamgan table refuses the target.  agg_meta is left out: a
 * new schema writes its "stale" mark there, and the copy replaces it with
 * the source's.
 */
static int check_empty(struct mig *m, struct err *err)
{
	struct buf q = BUF_INIT(4096);
	PGresult *res;
	size_t i;
	int rc = 0;

	for (i = 0; i <= m->ntables && rc == 0; i++) {
		const char *name = i < m->ntables ? m->tables[i].name : "msg_fts";

		if (str_eq(name, "agg_meta"))
			continue;
		buf_reset(&q);
		buf_adds(&q, "SELECT EXISTS (SELECT 1 FROM ");
		pg_ident(m, &q, name);
		buf_addc(&q, ')');
		res = PQexec(m->conn, q.data);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			rc = pg_err(m, res, "cannot read the target", err);
		else if (str_eq(PQgetvalue(res, 0, 0), "t"))
			rc = err_set(err, ERR_CONFLICT, "to", "the target already holds hamgan "
				     "data (table '%s' has rows): migrate only into an empty "
				     "database",
				     name);
		PQclear(res);
	}
	buf_release(&q);
	return rc;
}

/* ---- reading the source ---- */

/* The packed pair rows (the file comment): the pairs they hold. */
static bool packed_pairs(const char *table)
{
	return str_eq(table, "agg_pairs");
}

static int pairs_select(struct mig *m, sqlite3_stmt **st, struct err *err)
{
	if (sqlite3_prepare_v2(m->src, "SELECT dim, unit, kind, day, key, counts FROM agg_pairs",
			       -1, st, NULL) != SQLITE_OK)
		return err_set(err, ERR_INVALID, "", "table 'agg_pairs' differs between the source "
			       "and the target: %s", sqlite3_errmsg(m->src));
	return 0;
}

static int damaged_pairs(int64_t day, struct err *err)
{
	return err_set(err, ERR_INVALID, "from", "a pair row of the report aggregates (day %lld) is "
		       "damaged: run 'hamgan report --rebuild' on the source first", (long long)day);
}

static int count_pairs(struct mig *m, int64_t *n, struct err *err)
{
	sqlite3_stmt *st = NULL;
	struct pair_iter it;
	int64_t day2, c;
	int rc, step, more;

	*n = 0;
	rc = pairs_select(m, &st, err);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		pair_iter_init(&it, sqlite3_column_blob(st, 5), (size_t)sqlite3_column_bytes(st, 5),
			       sqlite3_column_int64(st, 3));
		while ((more = pair_iter_next(&it, &day2, &c)) == 1)
			(*n)++;
		if (more < 0)
			rc = damaged_pairs(sqlite3_column_int64(st, 3), err);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sq_err(m, ERR_STORE, "cannot read the source", err);
	sqlite3_finalize(st);
	return rc;
}

static int count_rows(struct mig *m, const char *table, int64_t *n, struct err *err)
{
	struct buf q = BUF_INIT(512);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (packed_pairs(table))
		return count_pairs(m, n, err);
	buf_adds(&q, "SELECT count(*) FROM ");
	sq_ident(&q, table);
	if (sqlite3_prepare_v2(m->src, q.data, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = sq_err(m, ERR_STORE, "cannot count the source's rows", err);
	else
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	buf_release(&q);
	return rc;
}

/* SELECT the target's columns by name; a column the source lacks is a
 * schema that differs. */
static int select_table(struct mig *m, const struct table *t, sqlite3_stmt **st, struct err *err)
{
	struct buf q = BUF_INIT(8192);
	size_t i;
	int rc = 0;

	buf_adds(&q, "SELECT ");
	for (i = 0; i < t->ncols; i++) {
		if (i)
			buf_addc(&q, ',');
		sq_ident(&q, t->cols[i].name);
	}
	buf_adds(&q, " FROM ");
	sq_ident(&q, t->name);
	if (sqlite3_prepare_v2(m->src, q.data, -1, st, NULL) != SQLITE_OK)
		rc = err_set(err, ERR_INVALID, "", "table '%s' differs between the source and the "
			     "target: %s", t->name, sqlite3_errmsg(m->src));
	buf_release(&q);
	return rc;
}

/* ---- COPY text ---- */

/* Text in COPY's text format: backslash, tab, newline and carriage return
 * escaped (a NUL cannot be in it: PostgreSQL refuses the row). */
static void copy_text(struct buf *b, const unsigned char *s, size_t len)
{
	size_t i, from = 0;

	for (i = 0; i < len; i++) {
		const char *esc = NULL;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		buf_add(b, s + from, i - from);
		buf_adds(b, esc);
		from = i + 1;
	}
	buf_add(b, s + from, len - from);
}

/* bytea as \x hex, its backslash escaped for COPY. */
static void copy_bytea(struct buf *b, const unsigned char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	buf_adds(b, "\\\\x");
	for (i = 0; i < len; i++) {
		buf_addc(b, hex[s[i] >> 4]);
		buf_addc(b, hex[s[i] & 15]);
	}
}

/* The text of a source column: a BLOB is a packed text (SQLite's migration
 * 17 packs the messages' texts; base/tpack.h), unpacked into a malloc'd
 * string (*tofree); NULL with *len 0 for one no encoder wrote, which is
 * then copied as the bytes it is for PostgreSQL to refuse. */
static const char *src_text(sqlite3_stmt *st, int i, size_t *len, char **tofree)
{
	const unsigned char *p;
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	int out;

	*tofree = NULL;
	if (sqlite3_column_type(st, i) != SQLITE_BLOB) {
		p = sqlite3_column_text(st, i);
		*len = p ? (size_t)sqlite3_column_bytes(st, i) : 0;
		return p ? (const char *)p : "";
	}
	p = sqlite3_column_blob(st, i);
	out = tpack_decoded_len(p, n);
	*len = 0;
	if (out < 0)
		return NULL;
	*tofree = xmalloc((size_t)out + 1);
	*len = (size_t)tpack_decode(p, n, *tofree, (size_t)out + 1);
	return *tofree;
}

static void copy_value(struct buf *b, sqlite3_stmt *st, int i, enum col_kind kind)
{
	int type = sqlite3_column_type(st, i);

	if (type == SQLITE_NULL) {
		buf_adds(b, "\\N");
	} else if (kind == COL_BYTEA) {
		const unsigned char *p = sqlite3_column_blob(st, i);

		copy_bytea(b, p, (size_t)sqlite3_column_bytes(st, i));
	} else if (kind == COL_INT && type == SQLITE_INTEGER) {
		buf_addf(b, "%lld", (long long)sqlite3_column_int64(st, i));
	} else if (kind == COL_REAL && (type == SQLITE_INTEGER || type == SQLITE_FLOAT)) {
		/* 17 significant digits: the same double back */
		buf_addf(b, "%.17g", sqlite3_column_double(st, i));
	} else {
		/* text (a packed one unpacked), or a value of the wrong type,
		 * which PostgreSQL then refuses with the table and line (a row
		 * SQLite let through) */
		char *tofree = NULL;
		size_t len = 0;
		const char *t = kind == COL_TEXT ? src_text(st, i, &len, &tofree) : NULL;

		if (t)
			copy_text(b, (const unsigned char *)t, len);
		else
			copy_text(b, sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
		free(tofree);
	}
}

/* ---- COPY ---- */

static int copy_begin(struct mig *m, const char *table, const struct table *t, struct err *err)
{
	struct buf q = BUF_INIT(8192);
	PGresult *res;
	size_t i;
	int rc = 0;

	buf_adds(&q, "COPY ");
	pg_ident(m, &q, table);
	buf_adds(&q, " (");
	for (i = 0; t && i < t->ncols; i++) {
		if (i)
			buf_addc(&q, ',');
		pg_ident(m, &q, t->cols[i].name);
	}
	if (!t)
		buf_adds(&q, "id, text");
	buf_adds(&q, ") FROM STDIN");
	res = PQexec(m->conn, q.data);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = pg_err(m, res, "cannot start the copy", err);
	PQclear(res);
	buf_release(&q);
	return rc;
}

/* libpq's message of the connection, without its newline. */
static void conn_msg(struct mig *m, char *out, size_t outsz)
{
	size_t len;

	str_copy(out, outsz, PQerrorMessage(m->conn));
	len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	str_utf8_trim_partial(out);
}

/* Send what waits in m->data. */
static int copy_flush(struct mig *m, const char *table, struct err *err)
{
	char msg[200];

	if (buf_error(&m->data))
		return err_set(err, ERR_TOOBIG, "", "table '%s': a row is larger than %ld bytes",
			       table, (long)CAP_MIGRATE_ROW);
	if (m->data.len && PQputCopyData(m->conn, m->data.data, (int)m->data.len) != 1) {
		conn_msg(m, msg, sizeof(msg));
		return err_set(err, ERR_UNAVAILABLE, "", "copying table '%s': %s", table, msg);
	}
	buf_reset(&m->data);
	return 0;
}

/* End the COPY: with failed set, abort it (the transaction is then
 * failed too, and rolled back by the caller). */
static int copy_end(struct mig *m, const char *table, bool failed, struct err *err)
{
	char what[128];
	PGresult *res;
	int rc = 0;

	snprintf(what, sizeof(what), "copying table '%s'", table);
	if (PQputCopyEnd(m->conn, failed ? "the migration stopped" : NULL) != 1 && !failed) {
		char msg[200];

		conn_msg(m, msg, sizeof(msg));
		rc = err_set(err, ERR_UNAVAILABLE, "", "%s: %s", what, msg);
	}
	while ((res = PQgetResult(m->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0 && !failed)
			rc = pg_err(m, res, what, err);
		PQclear(res);
	}
	buf_reset(&m->data);
	return rc;
}

static void report(struct mig *m, const char *table, int64_t done, int64_t total, double t0,
		   bool end)
{
	struct store_migrate_progress p = { table, done, total, now_secs() - t0, end };

	if (m->progress)
		m->progress(&p, m->arg);
}

/* Writes the COPY lines of the source row st is on into m->data: 0 or an
 * error; *lines the lines written. */
typedef int copy_row_fn(struct mig *m, sqlite3_stmt *st, const struct table *t, int64_t *lines,
			struct err *err);

/* A row of the SQLite statement, a line of COPY text. */
static int copy_row(struct mig *m, sqlite3_stmt *st, const struct table *t, int64_t *lines,
		    struct err *err)
{
	size_t i;

	(void)err;
	for (i = 0; i < t->ncols; i++) {
		if (i)
			buf_addc(&m->data, '\t');
		copy_value(&m->data, st, (int)i, t->cols[i].kind);
	}
	buf_addc(&m->data, '\n');
	*lines = 1;
	return 0;
}

/* Every row st selects, through row, into t's COPY; st is finalized. */
static int copy_rows(struct mig *m, struct table *t, sqlite3_stmt *st, copy_row_fn *row,
		     struct err *err)
{
	double t0 = now_secs();
	int64_t done = 0, lines;
	int rc, step = SQLITE_ROW;

	rc = copy_begin(m, t->name, t, err);
	if (rc < 0) {
		sqlite3_finalize(st);
		return rc;
	}
	report(m, t->name, 0, t->total, t0, false);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		lines = 0;
		rc = row(m, st, t, &lines, err);
		if (rc == 0 && (m->data.len >= CAP_MIGRATE_CHUNK || buf_error(&m->data)))
			rc = copy_flush(m, t->name, err);
		if ((done + lines) / CAP_MIGRATE_PROGRESS_ROWS != done / CAP_MIGRATE_PROGRESS_ROWS)
			report(m, t->name, done + lines, t->total, t0, false);
		done += lines;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sq_err(m, ERR_STORE, "cannot read the source", err);
	sqlite3_finalize(st);
	if (rc == 0)
		rc = copy_flush(m, t->name, err);
	if (rc == 0)
		rc = copy_end(m, t->name, false, err);
	else
		copy_end(m, t->name, true, NULL);
	if (rc == 0)
		report(m, t->name, done, t->total, t0, true);
	return rc;
}

/* The target's columns of the packed table in col[]: each one's index in
 * names[0..n), once a copy. */
static int map_columns(const struct table *t, const char *const *names, int n, int *col,
		       struct err *err)
{
	size_t i;
	int k;

	if (t->ncols > (size_t)n)
		return err_set(err, ERR_INVALID, "", "table '%s' differs between the source "
			       "and the target: %zu columns", t->name, t->ncols);
	for (i = 0; i < t->ncols; i++) {
		for (k = 0; k < n && !str_eq(t->cols[i].name, names[k]); k++)
			;
		if (k == n)
			return err_set(err, ERR_INVALID, "", "table '%s' differs between the "
				       "source and the target: column '%s'", t->name,
				       t->cols[i].name);
		col[i] = k;
	}
	return 0;
}

static int pair_columns(struct mig *m, const struct table *t, struct err *err)
{
	static const char *const names[] = { "dim", "unit", "kind", "day", "key", "day2", "n" };

	return map_columns(t, names, 7, m->pair_col, err);
}

static int cell_columns(struct mig *m, const struct table *t, struct err *err)
{
	static const char *const names[] = { "id", "dim", "unit", "day", "key", "c", "hist" };

	m->cell_id = 0;
	return map_columns(t, names, 7, m->cell_col, err);
}

static int cells_select(struct mig *m, sqlite3_stmt **st, struct err *err)
{
	if (sqlite3_prepare_v2(m->src, "SELECT id, c, hist FROM agg_cells ORDER BY id", -1, st,
			       NULL) != SQLITE_OK)
		return err_set(err, ERR_INVALID, "", "table 'agg_cells' differs between the source "
			       "and the target: %s", sqlite3_errmsg(m->src));
	return 0;
}

/* A packed cell row (cells_select's columns), a line with the target's
 * columns. */
static int copy_cell_row(struct mig *m, sqlite3_stmt *st, const struct table *t, int64_t *lines,
			 struct err *err)
{
	const unsigned char *c = sqlite3_column_blob(st, 1);
	unsigned char dense[AGG_NCOUNTERS * VARINT_BYTES];
	int64_t counters[AGG_NCOUNTERS], v[5];
	struct agg_key k;
	size_t i;

	if (cell_id_unpack(sqlite3_column_int64(st, 0), &k) < 0 ||
	    varint_decode_sparse_i64s(c, c ? (size_t)sqlite3_column_bytes(st, 1) : 0, counters,
				      AGG_NCOUNTERS) < 0)
		return err_set(err, ERR_INVALID, "from", "a cell of the report aggregates (row %lld) "
			       "is damaged: run 'hamgan report --rebuild' on the source first",
			       (long long)sqlite3_column_int64(st, 0));
	v[0] = ++m->cell_id;
	v[1] = k.dim;
	v[2] = k.unit;
	v[3] = k.day;
	v[4] = k.key;
	for (i = 0; i < t->ncols; i++) {
		int col = m->cell_col[i];

		if (i)
			buf_addc(&m->data, '\t');
		if (col < 5)
			buf_addf(&m->data, "%lld", (long long)v[col]);
		else if (col == 5)
			copy_bytea(&m->data, dense, varint_encode_i64s(counters, AGG_NCOUNTERS, dense));
		else
			copy_value(&m->data, st, 2, COL_BYTEA);
	}
	buf_addc(&m->data, '\n');
	*lines = 1;
	return 0;
}

/* A packed pair row (pairs_select's columns), a line a pair. */
static int copy_pair_row(struct mig *m, sqlite3_stmt *st, const struct table *t, int64_t *lines,
			 struct err *err)
{
	struct pair_iter it;
	int64_t v[7];
	size_t i;
	int more;

	for (i = 0; i < 5; i++)
		v[i] = sqlite3_column_int64(st, (int)i);
	pair_iter_init(&it, sqlite3_column_blob(st, 5), (size_t)sqlite3_column_bytes(st, 5), v[3]);
	while ((more = pair_iter_next(&it, &v[5], &v[6])) == 1) {
		for (i = 0; i < t->ncols; i++)
			buf_addf(&m->data, i ? "\t%lld" : "%lld", (long long)v[m->pair_col[i]]);
		buf_addc(&m->data, '\n');
		++*lines;
	}
	return more < 0 ? damaged_pairs(v[3], err) : 0;
}

static int copy_table(struct mig *m, struct table *t, struct err *err)
{
	sqlite3_stmt *st = NULL;
	bool pairs = packed_pairs(t->name), cells = str_eq(t->name, "agg_cells");
	copy_row_fn *row = pairs ? copy_pair_row : cells ? copy_cell_row : copy_row;
	int rc = pairs ? pair_columns(m, t, err) : cells ? cell_columns(m, t, err) : 0;

	if (rc == 0)
		rc = pairs ? pairs_select(m, &st, err) : cells ? cells_select(m, &st, err) :
			select_table(m, t, &st, err);
	if (rc < 0) {
		sqlite3_finalize(st);
		return rc;
	}
	return copy_rows(m, t, st, row, err);
}

/* ---- the search index ---- */

/* The index text of a message, as the core makes it on registration and
 * SQLite's hamgan_index_text in its migrations. */
static int index_text(sqlite3_stmt *st, struct buf *out)
{
	int i, rc = 0;

	buf_reset(out);
	for (i = 1; i <= 2 && rc == 0; i++) {
		char *tofree;
		size_t len;
		const char *s = src_text(st, i, &len, &tofree);

		rc = s ? fa_index_text(s, len, out) : ERR_INVALID;
		free(tofree);
	}
	return rc;
}

/*
 * Every message's terms into a temporary table by COPY, then msg_fts from
 * it in one statement: the tsvector of the terms as fa made them (split at
 * the single spaces, empty strings dropped), no parser of PostgreSQL's, as
 * msg_insert makes it (pg_msg.c): a term longer than a lexeme may be
 * (CAP_PG_LEXEME) is left out, as there.
 */
static int copy_index(struct mig *m, struct err *err)
{
	struct buf text = BUF_INIT(CAP_INDEX_TEXT);
	struct table *msgs = find_table(m, "messages");
	sqlite3_stmt *st = NULL;
	double t0 = now_secs();
	int64_t done = 0, total = msgs ? msgs->total : 0;
	int rc, step = SQLITE_ROW;

	rc = pg_sql(m, "CREATE TEMPORARY TABLE hamgan_migrate_fts (id BIGINT, text TEXT)"
		    " ON COMMIT DROP", "cannot make the index's work table", err);
	if (rc == 0 && sqlite3_prepare_v2(m->src, "SELECT id, subject, body FROM messages", -1,
					  &st, NULL) != SQLITE_OK)
		rc = sq_err(m, ERR_STORE, "cannot read the messages", err);
	if (rc == 0)
		rc = copy_begin(m, "hamgan_migrate_fts", NULL, err);
	if (rc < 0) {
		sqlite3_finalize(st);
		return rc;
	}
	report(m, "msg_fts", 0, total, t0, false);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (index_text(st, &text) < 0) {
			rc = err_set(err, ERR_INVALID, "", "message %lld: cannot index its text",
				     (long long)sqlite3_column_int64(st, 0));
			break;
		}
		buf_addf(&m->data, "%lld\t", (long long)sqlite3_column_int64(st, 0));
		copy_text(&m->data, (const unsigned char *)text.data, text.len);
		buf_addc(&m->data, '\n');
		if (m->data.len >= CAP_MIGRATE_CHUNK)
			rc = copy_flush(m, "msg_fts", err);
		if (++done % CAP_MIGRATE_PROGRESS_ROWS == 0)
			report(m, "msg_fts", done, total, t0, false);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sq_err(m, ERR_STORE, "cannot read the messages", err);
	sqlite3_finalize(st);
	buf_release(&text);
	if (rc == 0)
		rc = copy_flush(m, "msg_fts", err);
	if (rc == 0)
		rc = copy_end(m, "msg_fts", false, err);
	else
		copy_end(m, "msg_fts", true, NULL);
	if (rc == 0)
		rc = pg_sql(m, "INSERT INTO msg_fts (id, tsv) SELECT f.id, array_to_tsvector(ARRAY("
			    "SELECT t FROM unnest(string_to_array(f.text, ' ')) t WHERE t <> ''"
			    " AND octet_length(t) <= " MSG_SQL(CAP_PG_LEXEME) "))"
			    " FROM hamgan_migrate_fts f",
			    "cannot fill the search index", err);
	if (rc == 0)
		report(m, "msg_fts", done, total, t0, true);
	return rc;
}

/* ---- indexes and foreign keys, set aside ---- */

/*
 * The secondary indexes (those that back no constraint) and the foreign
 * keys are dropped before the rows go in and made again after, inside the
 * same transaction, as pg_restore does: one sorted build of an index is
 * several times faster than an entry per row (the search index's GIN most
 * of all), and a foreign key added to full tables is checked by one join
 * instead of a look-up per row.  Adding it back checks every row as the
 * look-ups would have; a failure rolls the drops back with the rest.
 */
static int set_aside(struct mig *m, const char *sql, bool index, const char *what,
		     struct err *err)
{
	struct buf q = BUF_INIT(4096);
	PGresult *res;
	int i, rows, rc = 0;

	res = PQexec(m->conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = pg_err(m, res, what, err);
		PQclear(res);
		return rc;
	}
	rows = PQntuples(res);
	for (i = 0; i < rows && rc == 0; i++) {
		const char *table = PQgetvalue(res, i, 0);

		if (!find_table(m, table) && !str_eq(table, "msg_fts"))
			continue;	/* not hamgan's */
		buf_reset(&q);
		if (index) {
			buf_adds(&q, "DROP INDEX ");
		} else {
			buf_adds(&q, "ALTER TABLE ");
			pg_ident(m, &q, table);
			buf_adds(&q, " DROP CONSTRAINT ");
		}
		pg_ident(m, &q, PQgetvalue(res, i, 1));
		rc = pg_sql(m, q.data, what, err);
		if (rc < 0)
			break;
		m->indexes = xrealloc(m->indexes, (m->nindexes + 1) * sizeof(*m->indexes));
		if (index) {
			m->indexes[m->nindexes++] = xstrdup(PQgetvalue(res, i, 2));
			continue;
		}
		buf_reset(&q);
		buf_adds(&q, "ALTER TABLE ");
		pg_ident(m, &q, table);
		buf_adds(&q, " ADD CONSTRAINT ");
		pg_ident(m, &q, PQgetvalue(res, i, 1));
		buf_addf(&q, " %s", PQgetvalue(res, i, 2));
		m->indexes[m->nindexes++] = buf_detach(&q, NULL);
	}
	PQclear(res);
	buf_release(&q);
	return rc;
}

static int drop_indexes(struct mig *m, struct err *err)
{
	int rc;

	rc = set_aside(m, "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i"
		       " WHERE i.schemaname = current_schema() AND NOT EXISTS (SELECT 1"
		       " FROM pg_constraint c WHERE c.connamespace = current_schema()::regnamespace"
		       " AND c.conname = i.indexname) ORDER BY 1, 2", true,
		       "cannot set the indexes aside", err);
	if (rc == 0)
		rc = set_aside(m, "SELECT a.relname, f.conname, pg_get_constraintdef(f.oid)"
			       " FROM pg_constraint f JOIN pg_class a ON a.oid = f.conrelid"
			       " WHERE f.contype = 'f'"
			       " AND f.connamespace = current_schema()::regnamespace ORDER BY 1, 2",
			       false, "cannot set the foreign keys aside", err);
	return rc;
}

/* The indexes first: the foreign keys' checks then find them. */
static int make_indexes(struct mig *m, struct err *err)
{
	double t0 = now_secs();
	size_t i;
	int rc = 0;

	report(m, "(indexes, keys)", 0, (int64_t)m->nindexes, t0, false);
	for (i = 0; i < m->nindexes && rc == 0; i++) {
		rc = pg_sql(m, m->indexes[i], "cannot make an index or key again", err);
		report(m, "(indexes, keys)", (int64_t)i + 1, (int64_t)m->nindexes, t0, false);
	}
	if (rc == 0)
		report(m, "(indexes, keys)", (int64_t)m->nindexes, (int64_t)m->nindexes, t0, true);
	return rc;
}

/* ---- after the rows ---- */

/* Every identity column's next value past the largest copied: the rows
 * came with their ids, which leave the sequences where they were. */
static int set_sequences(struct mig *m, struct err *err)
{
	struct buf q = BUF_INIT(4096);
	size_t i, j;
	int rc = 0;

	for (i = 0; i < m->ntables && rc == 0; i++) {
		const struct table *t = &m->tables[i];

		for (j = 0; j < t->ncols && rc == 0; j++) {
			char *lit;

			if (!t->cols[j].identity)
				continue;
			buf_reset(&q);
			lit = PQescapeLiteral(m->conn, t->name, strlen(t->name));
			if (!lit)
				abort();
			buf_addf(&q, "SELECT setval(pg_get_serial_sequence(%s, ", lit);
			PQfreemem(lit);
			lit = PQescapeLiteral(m->conn, t->cols[j].name, strlen(t->cols[j].name));
			if (!lit)
				abort();
			buf_addf(&q, "%s), COALESCE(max(", lit);
			PQfreemem(lit);
			pg_ident(m, &q, t->cols[j].name);
			buf_adds(&q, "), 0) + 1, false) FROM ");
			pg_ident(m, &q, t->name);
			rc = pg_sql(m, q.data, "cannot set the ids' sequence", err);
		}
	}
	buf_release(&q);
	return rc;
}

/* The tables in one transaction, under the write lock every hamgan node
 * takes (pg_int.h), so no node writes between the check and the copy. */
static int copy_all(struct mig *m, struct err *err)
{
	char lock[96];
	size_t i;
	int rc;

	snprintf(lock, sizeof(lock), "BEGIN; SELECT pg_advisory_xact_lock(%lld)",
		 (long long)PG_WRITE_LOCK_KEY);
	rc = pg_sql(m, lock, "cannot begin the copy", err);
	if (rc == 0)
		rc = check_empty(m, err);
	for (i = 0; i < m->ntables && rc == 0; i++)
		rc = count_rows(m, m->tables[i].name, &m->tables[i].total, err);
	if (rc == 0 && find_table(m, "agg_meta"))
		rc = pg_sql(m, "DELETE FROM agg_meta", "cannot clear agg_meta", err);
	if (rc == 0)
		rc = pg_sql(m, "SET LOCAL maintenance_work_mem = '256MB'", "settings", err);
	if (rc == 0)
		rc = drop_indexes(m, err);
	for (i = 0; i < m->ntables && rc == 0; i++)
		rc = copy_table(m, &m->tables[i], err);
	if (rc == 0)
		rc = copy_index(m, err);
	if (rc == 0)
		rc = make_indexes(m, err);
	if (rc == 0)
		rc = set_sequences(m, err);
	if (rc == 0)
		rc = pg_sql(m, "COMMIT", "cannot commit the copy", err);
	if (rc < 0)
		pg_sql(m, "ROLLBACK", "rollback", NULL);
	return rc;
}

int store_migrate(const char *from_path, const char *to_uri,
		  store_migrate_progress_fn *progress, void *arg, struct err *err)
{
	struct mig m;
	int version, have, want, rc;

	memset(&m, 0, sizeof(m));
	buf_init(&m.data, CAP_MIGRATE_ROW);
	m.progress = progress;
	m.arg = arg;
	rc = open_source(&m, from_path, &version, err);
	if (rc == 0)
		rc = check_version(from_path, version, err);
	if (rc == 0)
		rc = open_target(&m, to_uri, STORE_CREATE, err);
	if (rc == 0)
		rc = store_pg_ops.schema_version(m.dst, &have, &want, err);
	if (rc == 0 && have != version)
		rc = err_set(err, ERR_INVALID, "to", "the target is at schema version %d, the "
			     "source at %d", have, version);
	if (rc == 0)
		rc = load_tables(&m, err);
	if (rc == 0)
		rc = check_source_tables(&m, err);
	if (rc == 0)
		rc = order_tables(&m, err);
	if (rc == 0)
		rc = copy_all(&m, err);
	mig_close(&m);
	return rc;
}

/* ---- for the checks (cmd_migrate.c) ---- */

/* The source and an existing target open, the tables known: what the
 * checks and the undo start from. */
static int open_both(struct mig *m, const char *from_path, const char *to_uri,
		     struct err *err)
{
	int version, rc;

	memset(m, 0, sizeof(*m));
	buf_init(&m->data, 0);
	rc = open_source(m, from_path, &version, err);
	if (rc == 0)
		rc = open_target(m, to_uri, 0, err);
	if (rc == 0)
		rc = load_tables(m, err);
	return rc;
}

static int count_target(struct mig *m, const char *table, int64_t *n, struct err *err)
{
	struct buf q = BUF_INIT(512);
	PGresult *res;
	int rc = 0;

	buf_adds(&q, "SELECT count(*) FROM ");
	pg_ident(m, &q, table);
	res = PQexec(m->conn, q.data);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_err(m, res, "cannot count the target's rows", err);
	else
		*n = pg_int(res, 0, 0);
	PQclear(res);
	buf_release(&q);
	return rc;
}

int store_migrate_counts(const char *from_path, const char *to_uri, store_migrate_count_fn *fn,
			 void *arg, int64_t *differ, struct err *err)
{
	struct mig m;
	int64_t a = 0, b = 0;
	size_t i;
	int rc;

	*differ = 0;
	rc = open_both(&m, from_path, to_uri, err);
	if (rc == 0)
		rc = pg_sql(&m, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			    "cannot read the target", err);
	for (i = 0; i < m.ntables && rc == 0; i++) {
		rc = count_rows(&m, m.tables[i].name, &a, err);
		if (rc == 0)
			rc = count_target(&m, m.tables[i].name, &b, err);
		if (rc == 0 && fn)
			fn(m.tables[i].name, a, b, arg);
		if (rc == 0 && a != b)
			(*differ)++;
	}
	/* the search index: a row for every message */
	if (rc == 0)
		rc = count_rows(&m, "messages", &a, err);
	if (rc == 0)
		rc = count_target(&m, "msg_fts", &b, err);
	if (rc == 0 && fn)
		fn("msg_fts", a, b, arg);
	if (rc == 0 && a != b)
		(*differ)++;
	pg_sql(&m, "COMMIT", "commit", NULL);
	mig_close(&m);
	return rc;
}

int store_migrate_undo(const char *from_path, const char *to_uri, struct err *err)
{
	struct buf q = BUF_INIT(16384);
	struct mig m;
	size_t i;
	int rc;

	rc = open_both(&m, from_path, to_uri, err);
	if (rc == 0) {
		buf_adds(&q, "BEGIN; DROP TABLE msg_fts, hamgan_schema");
		for (i = 0; i < m.ntables; i++) {
			buf_adds(&q, ", ");
			pg_ident(&m, &q, m.tables[i].name);
		}
		buf_adds(&q, "; DROP FUNCTION hamgan_audit_append_only(); COMMIT");
		if (buf_error(&q))
			rc = err_set(err, ERR_TOOBIG, "", "too many tables to drop");
	}
	if (rc == 0)
		rc = pg_sql(&m, q.data, "cannot empty the target", err);
	if (rc < 0 && m.conn)
		pg_sql(&m, "ROLLBACK", "rollback", NULL);
	buf_release(&q);
	mig_close(&m);
	return rc;
}
