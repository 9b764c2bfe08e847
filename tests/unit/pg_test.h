/*
 * pg_test.h - a fresh PostgreSQL database for a test, on the throw-away
 * cluster tests/run starts (scripts/pg-cluster; its base URI in
 * HAMGAN_TEST_PG).  Header-only: each test program includes it once.
 *
 * pg_test_db(out, outsz) creates database hamgan_t_<pid>_<n> and writes its
 * URI to out; pg_test_drop(uri) drops it again.  Without HAMGAN_TEST_PG
 * both return -1 and the caller skips its PostgreSQL run.
 */
#ifndef HAMGAN_TESTS_PG_TEST_H
#define HAMGAN_TESTS_PG_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libpq-fe.h>

static inline int pg_test_admin(const char *sql)
{
	const char *base = getenv("HAMGAN_TEST_PG");
	PGconn *c;
	PGresult *r;
	int ok;

	if (!base || !*base)
		return -1;
	c = PQconnectdb(base);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg_test: %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "pg_test: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* base URI's database (the path after the authority) replaced by name */
static inline void pg_test_uri(const char *name, char *out, size_t outsz)
{
	const char *base = getenv("HAMGAN_TEST_PG");
	const char *auth = strstr(base, "://") + 3;
	const char *path = auth + strcspn(auth, "/?");
	const char *query = path + strcspn(path, "?");

	snprintf(out, outsz, "%.*s/%s%s", (int)(path - base), base, name, query);
}

static inline int pg_test_db(char *out, size_t outsz)
{
	static int n;
	char name[64], sql[128];

	if (!getenv("HAMGAN_TEST_PG"))
		return -1;
	snprintf(name, sizeof(name), "hamgan_t_%ld_%d", (long)getpid(), ++n);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	if (pg_test_admin(sql) < 0)
		return -1;
	pg_test_uri(name, out, outsz);
	return 0;
}

static inline void pg_test_drop(const char *uri)
{
	const char *auth = strstr(uri, "://") + 3;
	const char *path = auth + strcspn(auth, "/?");
	char sql[160];

	if (*path != '/')
		return;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %.*s WITH (FORCE)",
		 (int)strcspn(path + 1, "?"), path + 1);
	pg_test_admin(sql);
}

/* Remove a test database: drop a PostgreSQL one, unlink a SQLite file
 * with its -wal and -shm. */
static inline void test_db_remove(bool pg, const char *path)
{
	char p[1100];

	if (pg) {
		pg_test_drop(path);
		return;
	}
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* Append a formatted line to a growing transcript (*log, *len, *cap). */
static inline void transcript_add(char **log, size_t *len, size_t *cap, const char *fmt,
				  va_list ap)
{
	va_list aq;
	int n;

	for (;;) {
		va_copy(aq, ap);
		n = vsnprintf(*log ? *log + *len : NULL, *log ? *cap - *len : 0, fmt, aq);
		va_end(aq);
		if (n < 0)
			abort();
		if (*log && *len + (size_t)n < *cap)
			break;
		*cap = (*cap + (size_t)n) * 2;
		*log = realloc(*log, *cap);
		if (!*log)
			abort();
	}
	*len += (size_t)n;
}

/* 0 when two transcripts are the same line for line; else the first line
 * that differs (1-based), printed with both sides to stderr. */
static inline int transcripts_differ(const char *a, const char *b)
{
	size_t la, lb;
	int line = 1;

	for (;; a += la + 1, b += lb + 1, line++) {
		la = strcspn(a, "\n");
		lb = strcspn(b, "\n");
		if (la != lb || memcmp(a, b, la) != 0) {
			fprintf(stderr, "transcripts differ at line %d:\n  sqlite:     %.*s\n"
				"  postgresql: %.*s\n", line, (int)la, a, (int)lb, b);
			return line;
		}
		if (!a[la] || !b[lb])
			return 0;
	}
}

#endif
