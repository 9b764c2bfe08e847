/*
 * test_batch.c - core_batch_*: core writes inside a batch are one store
 * transaction (invisible to other connections until the batch commits), a
 * failing write inside rolls back only itself, a batch rollback undoes all,
 * and the audit chain holds across batches.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/batch.h"
#include "core/bulk.h"
#include "core/search.h"
#include "core_fixture.h"

static void commit_makes_visible(void **state)
{
	struct fx f;
	struct msg m;
	struct err err;
	int64_t count, bad;

	(void)state;
	fx_setup(&f);
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, &m), 0);
	assert_int_equal(msg_refer(&f.c, &f.op, m.id, 0, f.r12, 0, 0, NULL, NULL, &err), 0);
	assert_int_equal(fx_register(&f, NULL, KIND_REQUEST, f.cat_roads, NULL), 0);
	assert_int_equal(fx_count(&f, "messages"), 0);	/* not committed yet */
	assert_int_equal(core_batch_commit(&f.c, &err), 0);
	assert_int_equal(fx_count(&f, "messages"), 2);
	assert_int_equal(fx_count(&f, "referrals"), 1);
	assert_int_equal(audit_verify(&f.c, &count, &bad, &err), 0);
	fx_teardown(&f);
}

static void failed_write_undoes_only_itself(void **state)
{
	struct fx f;
	struct msg m;
	struct err err;
	long long audit_before;

	(void)state;
	fx_setup(&f);
	audit_before = fx_count(&f, "audit");
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, &m), 0);
	/* staff of another region may not answer: refused, nothing written */
	assert_int_equal(msg_refer(&f.c, &f.op, m.id, 0, f.r12, 0, 0, NULL, NULL, &err), 0);
	assert_int_equal(msg_answer(&f.c, &f.s01, m.id, 0, "پاسخ", NULL, &err), ERR_DENIED);
	/* the batch goes on */
	assert_int_equal(msg_answer(&f.c, &f.s12, m.id, 0, "پاسخ", NULL, &err), 0);
	assert_int_equal(core_batch_commit(&f.c, &err), 0);
	assert_int_equal(msg_get(&f.c, &f.op, m.id, &m, NULL, &err), 0);
	assert_int_equal(m.state, STATE_ANSWERED);
	assert_int_equal(m.version, 3);
	assert_int_equal(fx_count(&f, "audit"), audit_before + 3);
	fx_teardown(&f);
}

static void rollback_undoes_the_batch(void **state)
{
	struct fx f;
	struct err err;
	int64_t count, bad;
	char before[512], after[512];

	(void)state;
	fx_setup(&f);
	fx_counts(&f, before, sizeof(before));
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	core_batch_rollback(&f.c);
	fx_counts(&f, after, sizeof(after));
	assert_string_equal(before, after);
	/* and the core works normally afterwards */
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	assert_int_equal(fx_count(&f, "messages"), 1);
	assert_int_equal(audit_verify(&f.c, &count, &bad, &err), 0);
	/* bulk mode on and off around a batch */
	assert_int_equal(core_batch_bulk(&f.c, true, &err), 0);
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	assert_int_equal(core_batch_commit(&f.c, &err), 0);
	assert_int_equal(core_batch_bulk(&f.c, false, &err), 0);
	assert_int_equal(fx_count(&f, "messages"), 2);
	fx_teardown(&f);
}

static size_t found(struct fx *f, const char *words)
{
	struct search_query q;
	struct search_result res;
	struct err err;
	size_t n;

	search_query_init(&q);
	q.text = words;
	assert_int_equal(msg_search(&f->c, &f->insp, &q, &res, &err), 0);
	n = res.n;
	search_result_release(&res);
	return n;
}

/* Bulk mode: the writes inside a batch are not savepoints, so one that
 * fails inside the transaction undoes the batch, and the store refuses
 * work until the batch is rolled back; the search index of the messages
 * registered meanwhile is made when bulk mode ends. */
static void bulk_mode_batch(void **state)
{
	struct fx f;
	struct msg m;
	struct err err;
	int64_t count, bad;

	(void)state;
	fx_setup(&f);
	assert_int_equal(core_batch_bulk(&f.c, true, &err), 0);
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, &m), 0);
	assert_int_equal(msg_refer(&f.c, &f.op, m.id, 0, f.r12, 0, 0, NULL, NULL, &err), 0);
	assert_int_equal(fx_register(&f, NULL, KIND_REQUEST, f.cat_roads, NULL), 0);
	assert_int_equal(core_batch_commit(&f.c, &err), 0);
	assert_int_equal(core_batch_bulk(&f.c, false, &err), 0);
	assert_int_equal(fx_count(&f, "messages"), 2);
	assert_int_equal(found(&f, "ولی‌عصر"), 2);
	assert_int_equal(found(&f, "چاله"), 2);
	assert_int_equal(audit_verify(&f.c, &count, &bad, &err), 0);
	assert_int_equal(bad, 0);

	/* a write that fails inside the transaction takes the batch with it:
	 * SQLite's bulk mode (no savepoints); PostgreSQL's keeps them, so this
	 * half is SQLite's own */
	if (f.pg) {
		fx_teardown(&f);
		return;
	}
	assert_int_equal(core_batch_bulk(&f.c, true, &err), 0);
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, &m), 0);
	assert_int_equal(msg_refer(&f.c, &f.op, m.id, 0, f.r12, 0, 0, NULL, NULL, &err), 0);
	/* a stale version: refused after reading the message in the transaction */
	assert_int_equal(msg_refer(&f.c, &f.op, m.id, 1, f.r12, 0, 0, NULL, NULL, &err),
			 ERR_CONFLICT);
	assert_true(fx_register(&f, NULL, KIND_REQUEST, f.cat_roads, NULL) < 0);
	assert_true(core_batch_commit(&f.c, &err) < 0);
	core_batch_rollback(&f.c);
	assert_int_equal(core_batch_bulk(&f.c, false, &err), 0);
	assert_int_equal(fx_count(&f, "messages"), 2);
	assert_int_equal(found(&f, "چاله"), 2);
	/* and the core works normally afterwards */
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	assert_int_equal(found(&f, "چاله"), 3);
	assert_int_equal(audit_verify(&f.c, &count, &bad, &err), 0);
	assert_int_equal(bad, 0);
	fx_teardown(&f);
}

/* A message held in memory (core/bulk.h): its transitions change the
 * caller's record and leave the stored row as registered, write their
 * referral hops, audit entries and SMS as usual, and bulk_save writes the
 * record and its answer once; the result is the row the ordinary path
 * makes.  In SQLite's bulk mode a rollback also forgets the audit tail the
 * store remembered, so the chain still links after it. */
static void held_message(void **state)
{
	struct fx f;
	struct msg m, held, plain;
	struct msg_text *tx = calloc(1, sizeof(*tx)), *t2 = calloc(1, sizeof(*t2));
	struct err err;
	int64_t count, bad, audit0, sms0;

	(void)state;
	assert_non_null(tx);
	assert_non_null(t2);
	fx_setup(&f);
	/* the ordinary path, for comparison */
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, &plain), 0);
	assert_int_equal(msg_refer(&f.c, &f.op, plain.id, 0, f.r12, 0, 0, "برو", NULL, &err), 0);
	assert_int_equal(msg_answer(&f.c, &f.s12, plain.id, 0, "انجام شد", &plain, &err), 0);

	audit0 = fx_count(&f, "audit");
	sms0 = fx_count(&f, "sms_outbox");
	assert_int_equal(core_batch_bulk(&f.c, true, &err), 0);
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, &m), 0);
	held = m;
	held.identity_hidden = false;
	snprintf(tx->citizen_mobile, sizeof(tx->citizen_mobile), "%s", FX_MOBILE);
	bulk_hold(&f.c, &held, tx);
	assert_int_equal(msg_refer(&f.c, &f.op, held.id, 0, f.r12, 0, 0, "برو", NULL, &err), 0);
	assert_int_equal(msg_answer(&f.c, &f.s12, held.id, 0, "انجام شد", NULL, &err), 0);
	bulk_unhold(&f.c);
	assert_int_equal(held.state, STATE_ANSWERED);
	assert_int_equal(held.version, 3);
	assert_string_equal(tx->answer, "انجام شد");
	/* the row is still as registered */
	assert_int_equal(msg_get(&f.c, &f.op, held.id, &m, t2, &err), 0);
	assert_int_equal(m.state, STATE_REGISTERED);
	assert_int_equal(m.version, 1);
	assert_int_equal(bulk_save(&f.c, &held, tx, &err), 0);
	assert_int_equal(core_batch_commit(&f.c, &err), 0);

	/* a rolled back batch in bulk mode: the next entry still links */
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, NULL, KIND_REQUEST, f.cat_roads, NULL), 0);
	core_batch_rollback(&f.c);
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, NULL, KIND_REQUEST, f.cat_roads, NULL), 0);
	assert_int_equal(core_batch_commit(&f.c, &err), 0);
	assert_int_equal(core_batch_bulk(&f.c, false, &err), 0);

	assert_int_equal(msg_get(&f.c, &f.op, held.id, &m, t2, &err), 0);
	assert_int_equal(m.state, STATE_ANSWERED);
	assert_int_equal(m.version, 3);
	assert_int_equal(m.unit_id, plain.unit_id);
	assert_int_equal(m.referral_count, 1);
	assert_int_equal(m.due_at - m.referred_at, plain.due_at - plain.referred_at);
	assert_string_equal(t2->answer, "انجام شد");
	assert_string_equal(t2->subject, "چاله در خیابان");
	/* register, refer, answer of the held one and the one registration */
	assert_int_equal(fx_count(&f, "audit"), audit0 + 4);
	/* the registration's SMS and the answer's */
	assert_int_equal(fx_count(&f, "sms_outbox"), sms0 + 2);
	assert_int_equal(audit_verify(&f.c, &count, &bad, &err), 0);
	assert_int_equal(bad, 0);
	free(tx);
	free(t2);
	fx_teardown(&f);
}

/* Inside a batch the search index rows are held back until the outer
 * commit (sqlite_int.h; in PostgreSQL another connection sees none of the
 * batch before it commits): a rolled back level drops its own, the rest
 * are all indexed and found. */
static void search_rows_follow_their_level(void **state)
{
	struct fx f;
	struct err err;
	struct search_query q;
	struct search_result res;
	long long msgs, fts;

	(void)state;
	fx_setup(&f);
	msgs = fx_count(&f, "messages");
	fts = fx_count(&f, "msg_fts");
	assert_int_equal(core_batch_begin(&f.c, &err), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	assert_int_equal(core_batch_begin(&f.c, &err), 0);	/* a savepoint */
	assert_int_equal(fx_register(&f, NULL, KIND_REQUEST, f.cat_roads, NULL), 0);
	core_batch_rollback(&f.c);				/* undoes only it */
	assert_int_equal(fx_register(&f, NULL, KIND_REQUEST, f.cat_roads, NULL), 0);
	assert_int_equal(fx_count(&f, "msg_fts"), fts);	/* nothing written yet */
	assert_int_equal(core_batch_commit(&f.c, &err), 0);
	assert_int_equal(fx_count(&f, "messages"), msgs + 2);
	assert_int_equal(fx_count(&f, "msg_fts"), fts + 2);
	search_query_init(&q);
	q.text = "چاله";
	assert_int_equal(msg_search(&f.c, &f.op, &q, &res, &err), 0);
	assert_int_equal(res.n, (size_t)(msgs + 2));
	search_result_release(&res);
	fx_teardown(&f);
}

/* The writer's checkpoints: one runs when enough of the log is new and
 * says so, none when nothing is (the server counts those that ran); a
 * store without a log has none to run. */
static void checkpoint_says_when_it_ran(void **state)
{
	bool sqlite;
	struct fx f;
	struct err err;

	(void)state;
	fx_setup(&f);
	sqlite = strncmp(f.path, "postgresql:", 11) != 0;
	/* the first call takes the checkpoints over; the log's size is
	 * followed from then on */
	assert_true(core_batch_checkpoint(&f.c, 0, &err) >= 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	assert_int_equal(core_batch_checkpoint(&f.c, 0, &err), sqlite ? 1 : 0);
	assert_int_equal(core_batch_checkpoint(&f.c, 0, &err), 0);	/* nothing new */
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	/* a few pages are not the thousands asked for */
	assert_int_equal(core_batch_checkpoint(&f.c, 100000, &err), 0);
	assert_int_equal(core_batch_checkpoint(&f.c, 0, &err), sqlite ? 1 : 0);
	fx_teardown(&f);
}

/* The checkpointer's part (the server's writer.c): a second core that
 * never writes copies the log back, saying what it could not copy; the
 * writing core's own checkpoint then finds the rest, and its next write
 * starts the log again.  A store without a log has none of it. */
static void checkpoint_copy_beside_the_writer(void **state)
{
	bool sqlite;
	struct fx f;
	struct core ck;
	sqlite3 *rd;
	struct err err;
	int left = -1, before, after;

	(void)state;
	fx_setup(&f);
	sqlite = strncmp(f.path, "postgresql:", 11) != 0;
	assert_int_equal(core_open(&ck, f.path, &err), 0);
	assert_true(core_batch_checkpoint(&f.c, 0, &err) >= 0);	/* taken over */
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	before = core_batch_log_pages(&f.c);
	if (!sqlite) {
		assert_int_equal(before, -1);
		assert_int_equal(core_batch_checkpoint_copy(&ck, &left, &err), 0);
		assert_int_equal(left, 0);
		core_close(&ck);
		fx_teardown(&f);
		return;
	}
	assert_true(before > 0);
	/* nothing written meanwhile: all of it copied */
	assert_int_equal(core_batch_checkpoint_copy(&ck, &left, &err), 1);
	assert_int_equal(left, 0);
	/* the writing core's next write starts the log from its beginning */
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	after = core_batch_log_pages(&f.c);
	assert_true(after > 0);
	assert_true(after < before);
	/* what it cannot copy it says: here the pages written after a reader
	 * began, which a passive checkpoint leaves alone */
	assert_int_equal(sqlite3_open_v2(f.path, &rd, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(rd, "BEGIN; SELECT count(*) FROM messages;", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(fx_register(&f, FX_MOBILE, KIND_COMPLAINT, f.cat_roads, NULL), 0);
	assert_int_equal(core_batch_checkpoint_copy(&ck, &left, &err), 1);
	assert_true(left > 0);
	assert_true(left <= core_batch_log_pages(&f.c));
	assert_int_equal(sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	/* the writer's own checkpoint copies that rest */
	assert_int_equal(core_batch_checkpoint(&f.c, 0, &err), 1);
	assert_int_equal(core_batch_checkpoint_copy(&ck, &left, &err), 1);
	assert_int_equal(left, 0);
	assert_int_equal(fx_count(&f, "messages"), 4);
	sqlite3_close(rd);
	core_close(&ck);
	fx_teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_makes_visible),
		cmocka_unit_test(failed_write_undoes_only_itself),
		cmocka_unit_test(rollback_undoes_the_batch),
		cmocka_unit_test(bulk_mode_batch),
		cmocka_unit_test(held_message),
		cmocka_unit_test(search_rows_follow_their_level),
		cmocka_unit_test(checkpoint_says_when_it_ran),
		cmocka_unit_test(checkpoint_copy_beside_the_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
