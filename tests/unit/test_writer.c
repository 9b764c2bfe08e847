/*
 * test_writer.c - group commit (http/writer.h) over a real database (SQLite,
 * or PostgreSQL with HAMGAN_TEST_BACKEND=postgresql: core_fixture.h): a
 * job is told it is done only once its batch is committed (another
 * connection sees its message then, and did not while it ran); jobs waiting
 * together share one batch; a failing job undoes only itself; jobs run and
 * are answered in the order they were queued; stopping runs every queued
 * job and refuses later ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <time.h>

#include "core/batch.h"
#include "core_fixture.h"
#include "http/writer.h"

enum job_kind { JOB_REGISTER, JOB_FAIL, JOB_SLOW };

struct tjob {
	struct writer_job job;	/* first */
	struct fx *f;
	enum job_kind kind;
	int *clock;		/* shared sequence (the writer's thread only) */
	int run_at, done_at;
	int rc;
	bool in_writer;		/* writer_thread_core() was the core given */
	char code[16];
	long long seen_running, seen_done;	/* rows with code, another connection */
	bool lost;
};

/* rows with code, seen by another connection (a tracking code is digits:
 * safe in the SQL text) */
static long long count_code(struct fx *f, const char *code)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM messages WHERE code = '%s'", code);
	return fx_int(f, sql);
}

static void job_run(struct writer_job *j, struct core *c)
{
	struct tjob *t = (struct tjob *)j;
	struct msg_new in;
	struct msg m;
	struct err err;

	t->run_at = ++*t->clock;
	t->in_writer = writer_thread_core() == c;
	if (t->kind == JOB_SLOW) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);	/* the others pile up behind it */
	}
	memset(&in, 0, sizeof(in));
	in.channel = CHANNEL_PHONE;
	in.kind = KIND_COMPLAINT;
	/* a failing job: a category that does not exist */
	in.category_id = t->kind == JOB_FAIL ? 999999 : t->f->cat_roads;
	in.subject = "چاله در خیابان";
	in.body = "یک چاله‌ی بزرگ در خیابان ولی‌عصر";
	in.mobile = "09121234567";
	in.citizen_name = "مریم رضایی";
	err_clear(&err);
	t->rc = msg_register(c, &t->f->op, &in, &m, &err);
	if (t->rc == 0) {
		str_copy(t->code, sizeof(t->code), m.code);
		t->seen_running = count_code(t->f, m.code);
	}
}

static void job_done(struct writer_job *j, const struct err *lost)
{
	struct tjob *t = (struct tjob *)j;

	t->done_at = ++*t->clock;
	t->lost = lost != NULL;
	if (t->rc == 0)
		t->seen_done = count_code(t->f, t->code);
}

static void tjob_init(struct tjob *t, struct fx *f, int *clock, enum job_kind kind)
{
	memset(t, 0, sizeof(*t));
	t->job.run = job_run;
	t->job.done = job_done;
	t->f = f;
	t->clock = clock;
	t->kind = kind;
	t->seen_running = t->seen_done = -1;
}

#define NJOBS 40

static void done_only_after_commit(void **state)
{
	struct fx f;
	struct writer *w;
	struct writer_stats st;
	struct tjob jobs[NJOBS];
	struct err err;
	int clock = 0, i;
	long long before;
	int64_t count, bad;

	(void)state;
	fx_setup(&f);
	before = fx_count(&f, "messages");
	assert_int_equal(writer_start(&w, f.path, &err), 0);
	assert_null(writer_thread_core());
	for (i = 0; i < NJOBS; i++) {
		tjob_init(&jobs[i], &f, &clock, i == 0 ? JOB_SLOW : JOB_REGISTER);
		assert_true(writer_submit(w, &jobs[i].job));
	}
	writer_stop(w);
	writer_stats(w, &st);
	for (i = 0; i < NJOBS; i++) {
		assert_true(jobs[i].in_writer);
		assert_int_equal(jobs[i].rc, 0);
		assert_false(jobs[i].lost);
		/* not visible to anyone while its batch was open, there once
		 * it was told */
		assert_int_equal(jobs[i].seen_running, 0);
		assert_int_equal(jobs[i].seen_done, 1);
	}
	/* those queued behind the slow one waited together: at most two
	 * batches for the forty */
	assert_int_equal(st.jobs, NJOBS);
	assert_true(st.batches <= 2);
	assert_true(st.max_batch >= NJOBS / 2);
	assert_int_equal(fx_count(&f, "messages"), before + NJOBS);
	assert_int_equal(audit_verify(&f.c, &count, &bad, &err), 0);
	writer_free(w);
	fx_teardown(&f);
}

static void failing_job_undoes_only_itself(void **state)
{
	struct fx f;
	struct writer *w;
	struct tjob jobs[5];
	struct err err;
	int clock = 0, i;
	long long before, citizens;
	int64_t count, bad;
	enum job_kind kinds[5] = { JOB_SLOW, JOB_REGISTER, JOB_FAIL, JOB_REGISTER, JOB_FAIL };

	(void)state;
	fx_setup(&f);
	before = fx_count(&f, "messages");
	assert_int_equal(writer_start(&w, f.path, &err), 0);
	for (i = 0; i < 5; i++) {
		tjob_init(&jobs[i], &f, &clock, kinds[i]);
		assert_true(writer_submit(w, &jobs[i].job));
	}
	writer_stop(w);
	for (i = 0; i < 5; i++) {
		assert_false(jobs[i].lost);
		if (kinds[i] == JOB_FAIL) {
			assert_true(jobs[i].rc < 0);
		} else {
			assert_int_equal(jobs[i].rc, 0);
			assert_int_equal(jobs[i].seen_done, 1);
		}
	}
	assert_int_equal(fx_count(&f, "messages"), before + 3);
	citizens = fx_count(&f, "citizens");
	assert_true(citizens >= 1);
	assert_int_equal(audit_verify(&f.c, &count, &bad, &err), 0);
	assert_int_equal(bad, 0);
	writer_free(w);
	fx_teardown(&f);
}

static void queue_order_kept(void **state)
{
	struct fx f;
	struct writer *w;
	struct tjob jobs[NJOBS];
	struct err err;
	int clock = 0, i;

	(void)state;
	fx_setup(&f);
	assert_int_equal(writer_start(&w, f.path, &err), 0);
	for (i = 0; i < NJOBS; i++) {
		tjob_init(&jobs[i], &f, &clock, i % 7 == 0 ? JOB_SLOW : i % 5 == 0 ? JOB_FAIL :
			  JOB_REGISTER);
		assert_true(writer_submit(w, &jobs[i].job));
	}
	writer_stop(w);
	for (i = 1; i < NJOBS; i++) {
		assert_true(jobs[i].run_at > jobs[i - 1].run_at);
		assert_true(jobs[i].done_at > jobs[i - 1].done_at);
		/* answered after every job of its batch ran */
		assert_true(jobs[i].done_at > jobs[i].run_at);
	}
	writer_free(w);
	fx_teardown(&f);
}

static void stop_runs_queued_refuses_later(void **state)
{
	struct fx f;
	struct writer *w;
	struct tjob jobs[8], late;
	struct err err;
	int clock = 0, i;

	(void)state;
	fx_setup(&f);
	assert_int_equal(writer_start(&w, f.path, &err), 0);
	for (i = 0; i < 8; i++) {
		tjob_init(&jobs[i], &f, &clock, i == 0 ? JOB_SLOW : JOB_REGISTER);
		assert_true(writer_submit(w, &jobs[i].job));
	}
	writer_stop(w);
	for (i = 0; i < 8; i++) {
		assert_true(jobs[i].done_at > 0);
		assert_int_equal(jobs[i].seen_done, 1);
	}
	tjob_init(&late, &f, &clock, JOB_REGISTER);
	assert_false(writer_submit(w, &late.job));
	assert_int_equal(late.run_at, 0);
	writer_free(w);
	fx_teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(done_only_after_commit),
		cmocka_unit_test(failing_job_undoes_only_itself),
		cmocka_unit_test(queue_order_kept),
		cmocka_unit_test(stop_runs_queued_refuses_later),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
