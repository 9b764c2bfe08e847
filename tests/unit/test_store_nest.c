/*
 * test_store_nest.c - nested store transactions (savepoints), run over every
 * backend in store_backends (HAMGAN_TEST_BACKEND=sqlite|postgresql: that
 * one only; PostgreSQL on a fresh database of the cluster HAMGAN_TEST_PG
 * names, pg_test.h): an inner commit folds into the outer transaction, an
 * inner rollback undoes only the inner work, an outer rollback undoes
 * everything, and bulk mode switches on and off.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/store.h"
#include "pg_test.h"

struct nfx {
	const struct store_ops *ops;
	char dir[512], path[600];
	struct store *st;
};

static void add(struct nfx *f, const char *code, int64_t parent, int want)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	snprintf(u.code, sizeof(u.code), "%s", code);
	snprintf(u.name, sizeof(u.name), "واحد %s", code);
	u.kind = parent ? UNIT_REGION : UNIT_ORGANISATION;
	u.parent_id = parent;
	u.active = true;
	assert_int_equal(f->ops->unit_insert(f->st, &u, NULL), want);
}

static bool has(struct nfx *f, const char *code)
{
	struct unit u;

	return f->ops->unit_get_by_code(f->st, code, &u, NULL) == 0;
}

typedef void (*nest_test)(struct nfx *f);

/* Every backend, or the one HAMGAN_TEST_BACKEND names; PostgreSQL is left
 * out only when nothing asked for it and no cluster is there. */
static bool backend_runs(const struct store_ops *ops)
{
	const char *only = getenv("HAMGAN_TEST_BACKEND");

	if (only && *only)
		return !strcmp(only, ops->name);
	return ops != &store_pg_ops || getenv("HAMGAN_TEST_PG");
}

static void run_all(nest_test fn)
{
	const struct store_ops *const *b;
	int ran = 0;

	for (b = store_backends; *b; b++) {
		struct nfx f;
		struct err err;
		const char *tmp = getenv("TMPROOT");
		char p[700];

		if (!backend_runs(*b))
			continue;
		ran++;
		memset(&f, 0, sizeof(f));
		f.ops = *b;
		snprintf(f.dir, sizeof(f.dir), "%s/nest.XXXXXX", tmp ? tmp : "/tmp");
		assert_non_null(mkdtemp(f.dir));
		if (f.ops == &store_pg_ops)
			assert_int_equal(pg_test_db(f.path, sizeof(f.path)), 0);
		else
			snprintf(f.path, sizeof(f.path), "%s/n.db", f.dir);
		assert_int_equal(f.ops->open(&f.st, f.path, STORE_CREATE, NULL, &err), 0);
		fn(&f);
		f.ops->close(f.st);
		if (f.ops == &store_pg_ops)
			pg_test_drop(f.path);
		unlink(f.path);
		snprintf(p, sizeof(p), "%s-wal", f.path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", f.path);
		unlink(p);
		rmdir(f.dir);
	}
	if (!ran)
		fail_msg("no backend named '%s'", getenv("HAMGAN_TEST_BACKEND"));
}

static void t_inner_commit_folds(struct nfx *f)
{
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "a", 0, 0);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "b", 0, 0);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);	/* inner */
	assert_true(has(f, "b"));
	assert_int_equal(f->ops->commit(f->st, NULL), 0);	/* outer */
	assert_true(has(f, "a"));
	assert_true(has(f, "b"));
}

static void inner_commit_folds(void **state)
{
	(void)state;
	run_all(t_inner_commit_folds);
}

static void t_inner_rollback_only_inner(struct nfx *f)
{
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "a", 0, 0);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "b", 0, 0);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);	/* three deep */
	add(f, "c", 0, 0);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	f->ops->rollback(f->st);	/* undoes b and c */
	assert_false(has(f, "b"));
	assert_false(has(f, "c"));
	assert_true(has(f, "a"));
	/* a failed write inside, rolled back, leaves the outer usable */
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "a", 0, ERR_CONFLICT);
	f->ops->rollback(f->st);
	add(f, "d", 0, 0);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	assert_true(has(f, "a"));
	assert_true(has(f, "d"));
	assert_false(has(f, "b"));
}

static void inner_rollback_only_inner(void **state)
{
	(void)state;
	run_all(t_inner_rollback_only_inner);
}

static void t_outer_rollback_all(struct nfx *f)
{
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "a", 0, 0);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "b", 0, 0);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	f->ops->rollback(f->st);
	assert_false(has(f, "a"));
	assert_false(has(f, "b"));
	/* and a rollback with nothing open is harmless; a new one works */
	f->ops->rollback(f->st);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "e", 0, 0);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	assert_true(has(f, "e"));
}

static void outer_rollback_all(void **state)
{
	(void)state;
	run_all(t_outer_rollback_all);
}

static void t_bulk_mode(struct nfx *f)
{
	if (!f->ops->bulk)
		return;
	assert_int_equal(f->ops->bulk(f->st, true, NULL), 0);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "a", 0, 0);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add(f, "b", 0, 0);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	assert_int_equal(f->ops->bulk(f->st, false, NULL), 0);
	assert_true(has(f, "a"));
	assert_true(has(f, "b"));
}

static void bulk_mode(void **state)
{
	(void)state;
	run_all(t_bulk_mode);
}

/* The next audit entry after the tail, as the core appends it (a made-up
 * hash: the store does not check it): its seq. */
static int64_t append(struct nfx *f, const char *action)
{
	struct audit_entry *e = calloc(1, sizeof(*e));
	int64_t seq;

	assert_int_equal(f->ops->audit_tail(f->st, &seq, e->prev_hash, NULL), 0);
	if (!e->prev_hash[0])
		snprintf(e->prev_hash, sizeof(e->prev_hash), "%064d", 0);
	e->seq = seq + 1;
	snprintf(e->actor, sizeof(e->actor), "t");
	snprintf(e->action, sizeof(e->action), "%s", action);
	snprintf(e->payload, sizeof(e->payload), "{}");
	e->at = 1000 + seq;
	snprintf(e->hash, sizeof(e->hash), "%064llx", (unsigned long long)e->seq * 7919);
	assert_int_equal(f->ops->audit_insert(f->st, e, NULL), 0);
	free(e);
	return seq + 1;
}

static void tail_is(struct nfx *f, int64_t want)
{
	char hash[AUDIT_HASH_HEX + 1], made[AUDIT_HASH_HEX + 1];
	int64_t seq;

	assert_int_equal(f->ops->audit_tail(f->st, &seq, hash, NULL), 0);
	assert_int_equal(seq, want);
	snprintf(made, sizeof(made), "%064llx", (unsigned long long)want * 7919);
	assert_string_equal(hash, made);
}

/* The audit log's head (schema 23) follows the levels: SQLite holds it
 * back until the outer commit (sqlite_int.h, struct sq_head), PostgreSQL
 * writes it with each entry; either way a level rolled back takes its
 * entries' head with it, and what is committed is the last entry's. */
static void t_audit_head_in_levels(struct nfx *f)
{
	struct audit_entry *list;
	size_t n;

	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	assert_int_equal(append(f, "a"), 1);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	assert_int_equal(append(f, "b.gone"), 2);
	tail_is(f, 2);
	f->ops->rollback(f->st);
	tail_is(f, 1);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	assert_int_equal(append(f, "c"), 2);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	assert_int_equal(append(f, "d"), 3);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	tail_is(f, 3);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	assert_int_equal(append(f, "e"), 4);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	tail_is(f, 4);
	/* an outer rollback */
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	assert_int_equal(append(f, "f.gone"), 5);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	assert_int_equal(append(f, "g.gone"), 6);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	f->ops->rollback(f->st);
	tail_is(f, 4);
	/* outside a transaction, and in bulk mode */
	assert_int_equal(append(f, "h"), 5);
	tail_is(f, 5);
	if (f->ops->bulk) {
		assert_int_equal(f->ops->bulk(f->st, true, NULL), 0);
		assert_int_equal(f->ops->begin(f->st, NULL), 0);
		assert_int_equal(f->ops->begin(f->st, NULL), 0);
		assert_int_equal(append(f, "i"), 6);
		assert_int_equal(f->ops->commit(f->st, NULL), 0);
		assert_int_equal(append(f, "j"), 7);
		assert_int_equal(f->ops->begin(f->st, NULL), 0);
		assert_int_equal(append(f, "k"), 8);
		assert_int_equal(f->ops->commit(f->st, NULL), 0);
		assert_int_equal(f->ops->commit(f->st, NULL), 0);
		assert_int_equal(f->ops->bulk(f->st, false, NULL), 0);
		tail_is(f, 8);
	}
	assert_int_equal(f->ops->audit_list(f->st, 0, 100, &list, &n, NULL), 0);
	assert_true(n >= 5);
	assert_string_equal(list[1].action, "c");
	assert_string_equal(list[2].action, "d");
	assert_string_equal(list[4].action, "h");
	free(list);
}

static void audit_head_in_levels(void **state)
{
	(void)state;
	run_all(t_audit_head_in_levels);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inner_commit_folds),
		cmocka_unit_test(inner_rollback_only_inner),
		cmocka_unit_test(outer_rollback_all),
		cmocka_unit_test(audit_head_in_levels),
		cmocka_unit_test(bulk_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
