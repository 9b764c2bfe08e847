/*
 * test_search_sms.c - Persian full-text search with filters, scope and
 * keyset pagination; the SMS outbox, sender (a real program run without a
 * shell) and inbound SMS; direct-connection sessions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "core_fixture.h"
#include "core/live.h"
#include "core/search.h"
#include "core/sms.h"
#include "core/sms_inbound.h"
#include "fa/text.h"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	fx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[700];

	snprintf(p, sizeof(p), "%s/send.sh", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sent.log", f->dir);
	unlink(p);
	fx_teardown(f);
	free(f);
	return 0;
}

static int64_t reg(struct fx *f, const char *subject, const char *body, enum msg_kind kind,
		   enum msg_channel ch, struct msg *out)
{
	struct msg_new in;
	struct err err;
	struct actor cit = actor_citizen(0);

	memset(&in, 0, sizeof(in));
	in.channel = ch;
	in.kind = kind;
	in.subject = subject;
	in.body = body;
	in.mobile = FX_MOBILE;
	assert_int_equal(msg_register(&f->c, ch == CHANNEL_WEB ? &cit : &f->op, &in, out, &err), 0);
	return out->id;
}

static size_t search_n(struct fx *f, const struct actor *a, const char *text)
{
	struct search_query q;
	struct search_result r;
	struct err err;
	size_t n;

	search_query_init(&q);
	q.text = text;
	assert_int_equal(msg_search(&f->c, a, &q, &r, &err), 0);
	n = r.n;
	search_result_release(&r);
	return n;
}

static void persian_normalised_search(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct search_query q;
	struct search_result r;
	struct err err;

	/* Arabic yeh and kaf, a ZWNJ, Persian digits */
	reg(f, "كيفيت آسفالت", "خيابان ولي‌عصر پلاک ۱۲۳ را خراب می‌کند", KIND_CRITICISM,
	    CHANNEL_PHONE, m);
	reg(f, "درخت", "قطع درختان پارک", KIND_SUGGESTION, CHANNEL_PHONE, m);
	assert_int_equal(search_n(f, &f->op, "کیفیت"), 1);	/* Persian letters */
	assert_int_equal(search_n(f, &f->op, "كيفيت"), 1);	/* Arabic letters */
	assert_int_equal(search_n(f, &f->op, "میکند"), 1);	/* no ZWNJ */
	assert_int_equal(search_n(f, &f->op, "می کند"), 1);	/* a space */
	assert_int_equal(search_n(f, &f->op, "123"), 1);	/* ASCII digits */
	assert_int_equal(search_n(f, &f->op, "١٢٣"), 1);	/* Arabic-Indic digits */
	assert_int_equal(search_n(f, &f->op, "آسفالت ولیعصر"), 1);	/* every word */
	assert_int_equal(search_n(f, &f->op, "آسفالت درخت"), 0);
	assert_int_equal(search_n(f, &f->op, "درختان"), 1);
	assert_int_equal(search_n(f, &f->op, ""), 2);
	/* FTS5 syntax in the text is just text */
	assert_int_equal(search_n(f, &f->op, "\"درخت"), 1);	/* the quote is punctuation */
	assert_int_equal(search_n(f, &f->op, "NEAR(a b) OR *"), 0);
	assert_int_equal(search_n(f, &f->op, "درختان )"), 1);
	search_query_init(&q);
	q.text = "\xff";
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), ERR_INVALID);
	free(m);
}

static void filters_and_scope(void **state)
{
	struct fx *f = *state;
	struct msg *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b)), *c = calloc(1, sizeof(*c));
	struct search_query q;
	struct search_result r;
	struct err err;

	reg(f, "الف", "متن الف", KIND_CRITICISM, CHANNEL_PHONE, a);
	core_set_now(&f->c, FX_T0 + 100);
	reg(f, "ب", "متن ب", KIND_REQUEST, CHANNEL_WEB, b);
	core_set_now(&f->c, FX_T0 + 200);
	reg(f, "ج", "متن ج", KIND_CRITICISM, CHANNEL_PHONE, c);
	assert_int_equal(msg_refer(&f->c, &f->op, a->id, 0, f->r12, 0, 1, NULL, a, &err), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, b->id, 0, f->r01, 0, 0, NULL, b, &err), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, c->id, 0, f->r12, 0, 0, NULL, c, &err), 0);
	assert_int_equal(msg_transfer(&f->c, &f->s12, c->id, 0, f->d12, NULL, c, &err), 0);

	search_query_init(&q);
	q.kind = KIND_REQUEST;
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.items[0].id, b->id);
	search_result_release(&r);

	search_query_init(&q);
	q.channel = CHANNEL_PHONE;
	q.unit_id = f->r12;	/* subtree: a (region-12) and c (district) */
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.items[0].id, c->id);	/* newest first */
	search_result_release(&r);

	search_query_init(&q);
	q.from = FX_T0 + 50;
	q.to = FX_T0 + 150;
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.items[0].id, b->id);
	search_result_release(&r);

	core_set_now(&f->c, FX_T0 + 2 * 3600);
	search_query_init(&q);
	q.overdue = true;
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.items[0].id, a->id);
	search_result_release(&r);

	search_query_init(&q);
	q.state = STATE_REFERRED;
	/* staff of region-01 see region-01 only */
	assert_int_equal(msg_search(&f->c, &f->s01, &q, &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.items[0].id, b->id);
	search_result_release(&r);
	q.unit_id = f->r12;
	assert_int_equal(msg_search(&f->c, &f->s01, &q, &r, &err), ERR_DENIED);
	/* a citizen actor sees their own messages only */
	{
		struct actor mine = actor_citizen(a->citizen_id), none = actor_citizen(0);

		search_query_init(&q);
		assert_int_equal(msg_search(&f->c, &mine, &q, &r, &err), 0);
		assert_int_equal(r.n, 3);
		search_result_release(&r);
		assert_int_equal(msg_search(&f->c, &none, &q, &r, &err), ERR_DENIED);
	}
	search_query_init(&q);
	q.limit = 1000;
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), ERR_INVALID);
	q.limit = 0;
	q.state = 42;
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), ERR_INVALID);
	free(a);
	free(b);
	free(c);
}

static size_t search_q(struct fx *f, const struct actor *a, const struct search_query *q)
{
	struct search_result r;
	struct err err;
	size_t n;

	assert_int_equal(msg_search(&f->c, a, q, &r, &err), 0);
	n = r.n;
	search_result_release(&r);
	return n;
}

/* In SQLite, the index entry of message id holds tag (its unit's or its
 * category's; sqlite_search.c) and its words: 1, else 0. */
static long long index_has(struct fx *f, int64_t id, const char *tag)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM msg_fts WHERE msg_fts MATCH"
		 " '\"چراغ\" AND \"%s\"' AND rowid = %lld", tag, (long long)id);
	return fx_int(f, sql);
}

/*
 * A search filtered by unit or category (or confidentiality, a filter of
 * the rows alone) finds a message where it is now: the filters' tags in
 * the index follow each referral, transfer and reclassification (their
 * words stay).
 */
static void search_tags_follow_the_message(void **state)
{
	struct fx *f = *state;
	struct msg *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct search_query q;
	struct err err;
	char tag[64];

	reg(f, "چراغ خاموش", "چراغ کوچه روشن نمی‌شود", KIND_COMPLAINT, CHANNEL_PHONE, a);
	reg(f, "چراغ", "چراغ راهنما", KIND_CRITICISM, CHANNEL_PHONE, b);
	assert_int_equal(msg_refer(&f->c, &f->op, b->id, 0, f->r01, f->cat_roads, 0, NULL, b,
				   &err), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, a->id, 0, f->r12, f->cat_roads, 0, NULL, a,
				   &err), 0);
	assert_false(a->confidential);
	assert_int_equal(search_n(f, &f->s12, "چراغ"), 1);
	assert_int_equal(search_n(f, &f->s01, "چراغ"), 1);
	assert_int_equal(search_n(f, &f->insp, "چراغ"), 2);
	search_query_init(&q);
	q.text = "چراغ";
	q.category_id = f->cat_roads;
	assert_int_equal(search_q(f, &f->insp, &q), 2);
	q.public_only = true;
	assert_int_equal(search_q(f, &f->insp, &q), 2);

	/* within the subtree, then out of it under a confidential category
	 * (a complaint there becomes confidential) */
	assert_int_equal(msg_transfer(&f->c, &f->s12, a->id, 0, f->d12, NULL, a, &err), 0);
	assert_int_equal(search_n(f, &f->s12, "چراغ"), 1);
	search_query_init(&q);
	q.text = "چراغ";
	q.unit_id = f->d12;
	assert_int_equal(search_q(f, &f->insp, &q), 1);
	q.unit_id = f->r01;
	assert_int_equal(search_q(f, &f->insp, &q), 1);
	assert_int_equal(msg_return(&f->c, &f->s12, a->id, 0, RETURN_NOT_OURS, NULL, a, &err), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, a->id, 0, f->r01, f->cat_conduct, 0, NULL, a,
				   &err), 0);
	assert_true(a->confidential);
	assert_int_equal(search_n(f, &f->s12, "چراغ"), 0);
	assert_int_equal(search_n(f, &f->s01, "چراغ"), 2);
	assert_int_equal(search_n(f, &f->insp, "چراغ"), 2);
	search_query_init(&q);
	q.text = "چراغ";
	q.category_id = f->cat_conduct;
	assert_int_equal(search_q(f, &f->insp, &q), 1);
	q.category_id = f->cat_roads;
	assert_int_equal(search_q(f, &f->insp, &q), 1);
	q.category_id = 0;
	q.public_only = true;
	assert_int_equal(search_q(f, &f->insp, &q), 1);
	q.public_only = false;
	q.unit_id = f->r12;
	assert_int_equal(search_q(f, &f->insp, &q), 0);
	if (!f->pg) {
		snprintf(tag, sizeof(tag), "¹u%lld", (long long)f->r01);
		assert_int_equal(index_has(f, a->id, tag), 1);
		snprintf(tag, sizeof(tag), "¹u%lld", (long long)f->d12);
		assert_int_equal(index_has(f, a->id, tag), 0);
		snprintf(tag, sizeof(tag), "¹c%lld", (long long)f->cat_conduct);
		assert_int_equal(index_has(f, a->id, tag), 1);
		snprintf(tag, sizeof(tag), "¹c%lld", (long long)f->cat_roads);
		assert_int_equal(index_has(f, a->id, tag), 0);
		snprintf(tag, sizeof(tag), "¹c%lld", (long long)f->cat_roads);
		assert_int_equal(index_has(f, b->id, tag), 1);
		assert_int_equal(fx_exec(f, "INSERT INTO msg_fts (msg_fts) VALUES"
					 " ('integrity-check')"), 0);
	}
	free(a);
	free(b);
}

static void keyset_pagination(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct search_query q;
	struct search_result r;
	char cursor[SEARCH_CURSOR_MAX];
	int64_t seen[32], last_at = INT64_MAX;
	struct err err;
	size_t total = 0, pages = 0, i, j;

	for (i = 0; i < 25; i++) {
		/* several share a created_at: the id breaks the tie */
		core_set_now(&f->c, FX_T0 + (int64_t)(i / 3));
		reg(f, "صفحه", "متن صفحه‌بندی", KIND_CRITICISM, CHANNEL_PHONE, m);
	}
	search_query_init(&q);
	q.text = "صفحه";
	q.limit = 10;
	for (;;) {
		assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
		pages++;
		for (i = 0; i < r.n; i++) {
			for (j = 0; j < total; j++)
				assert_true(seen[j] != r.items[i].id);
			assert_true(r.items[i].created_at <= last_at);
			last_at = r.items[i].created_at;
			seen[total++] = r.items[i].id;
		}
		snprintf(cursor, sizeof(cursor), "%s", r.next_cursor);
		search_result_release(&r);
		if (!cursor[0])
			break;
		q.cursor = cursor;
	}
	assert_int_equal(total, 25);
	assert_int_equal(pages, 3);
	q.cursor = "k12.x";
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), ERR_INVALID);
	q.cursor = "garbage";
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), ERR_INVALID);
	free(m);
}

/* ---- SMS ---- */

static void write_script(struct fx *f, const char *body, char *path, size_t pathsz)
{
	FILE *fp;

	snprintf(path, pathsz, "%s/send.sh", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	fclose(fp);
	chmod(path, 0755);
}

/* A send command that writes "NUMBER|TEXT" a line to sent.log (log_lines). */
static void logging_script(struct fx *f, char *path, size_t pathsz)
{
	char logp[700], body[1024];

	snprintf(logp, sizeof(logp), "%s/sent.log", f->dir);
	snprintf(body, sizeof(body), "printf '%%s|%%s\\n' \"$1\" \"$2\" >> '%s'", logp);
	write_script(f, body, path, pathsz);
}

static int log_lines(struct fx *f)
{
	char p[700], line[4096];
	FILE *fp;
	int n = 0;

	snprintf(p, sizeof(p), "%s/sent.log", f->dir);
	fp = fopen(p, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (strchr(line, '|'))
			n++;
	fclose(fp);
	return n;
}

static void sms_outbox_and_sender(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	char script[700];
	struct sms *list;
	struct err err;
	size_t sent, failed, n;

	reg(f, "چراغ", "چراغ خاموش", KIND_CRITICISM, CHANNEL_PHONE, m);
	assert_int_equal(sms_list(&f->c, &f->sys, 10, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].to, FX_MOBILE);
	assert_int_equal(list[0].msg_id, m->id);
	assert_non_null(strstr(list[0].body, "کد رهگیری"));
	{
		/* the code is in Persian digits */
		struct buf b = BUF_INIT(64);

		fa_digits(m->code, 10, DIGITS_PERSIAN, &b);
		assert_non_null(strstr(list[0].body, b.data));
		buf_release(&b);
	}
	free(list);

	logging_script(f, script, sizeof(script));
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(sent, 1);
	assert_int_equal(failed, 0);
	assert_int_equal(log_lines(f), 1);
	/* nothing is sent twice */
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(log_lines(f), 1);

	/* the answer goes out too, and a failing command is retried later */
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "لامپ عوض شد", m, &err), 0);
	write_script(f, "exit 3", script, sizeof(script));
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(failed, 1);
	assert_int_equal(sms_list(&f->c, &f->sys, 10, &list, &n, &err), 0);
	assert_int_equal(list[0].state, SMS_PENDING);
	assert_int_equal(list[0].attempts, 1);
	assert_int_equal(list[0].next_at, FX_T0 + 30);
	assert_non_null(strstr(list[0].last_error, "status 3"));
	assert_non_null(strstr(list[0].body, "لامپ عوض شد"));
	assert_non_null(strstr(list[0].body, "۳۱"));
	free(list);
	/* not due yet */
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(failed, 0);
	/* back-off doubles, then gives up after 5 tries */
	core_set_now(&f->c, FX_T0 + 30);
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(failed, 1);
	assert_int_equal(sms_list(&f->c, &f->sys, 1, &list, &n, &err), 0);
	assert_int_equal(list[0].next_at, FX_T0 + 30 + 60);
	free(list);
	core_set_now(&f->c, FX_T0 + 100000);
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	core_set_now(&f->c, FX_T0 + 200000);
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	core_set_now(&f->c, FX_T0 + 300000);
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(sms_list(&f->c, &f->sys, 1, &list, &n, &err), 0);
	assert_int_equal(list[0].state, SMS_FAILED);
	assert_int_equal(list[0].attempts, 5);
	free(list);
	free(m);
}

/* No text is sent empty: one emptied, or (SQLite) a packed one that no
 * longer unpacks, fails as a failed command does, and nothing runs. */
static void sms_no_empty_text(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	char script[700];
	struct sms *list;
	struct err err;
	size_t sent, failed, n;

	reg(f, "چراغ", "چراغ خاموش", KIND_CRITICISM, CHANNEL_PHONE, m);
	assert_int_equal(fx_exec(f, f->pg ? "UPDATE sms_outbox SET body = ''"
				 : "UPDATE sms_outbox SET body = x'9280ff'"), 0);
	logging_script(f, script, sizeof(script));
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(failed, 1);
	assert_int_equal(log_lines(f), 0);
	assert_int_equal(sms_list(&f->c, &f->sys, 10, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].state, SMS_PENDING);
	assert_int_equal(list[0].attempts, 1);
	assert_non_null(strstr(list[0].last_error, "empty or damaged"));
	free(list);
	free(m);
}

/* A sender killed after its command took the text leaves the row "sending";
 * no sender sends it again within the lease; after the lease the next one
 * sends it exactly once more (at least once: the citizen may get it twice);
 * a sender that lost its lease has its outcome refused; a row out of
 * attempts goes to failed when its lease ends. */
static void sms_lease_after_a_killed_sender(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	char script[700], body[1024], logp[700];
	struct sms *list, a, b;
	struct err err;
	size_t sent, failed, n;
	pid_t pid;
	int status = 0;

	reg(f, "چراغ", "چراغ خاموش", KIND_CRITICISM, CHANNEL_PHONE, m);
	snprintf(logp, sizeof(logp), "%s/sent.log", f->dir);
	/* the gateway takes the text, then the sender dies (SIGKILL) */
	snprintf(body, sizeof(body), "printf '%%s|%%s\\n' \"$1\" \"$2\" >> '%s'\nkill -KILL $PPID",
		 logp);
	write_script(f, body, script, sizeof(script));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct core c2;

		if (core_open_flags(&c2, f->path, 0, NULL, &err) < 0)
			_exit(2);
		core_set_now(&c2, FX_T0);
		sms_send_due(&c2, script, &sent, &failed, &err);
		_exit(3);	/* not reached: the command kills us */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_int_equal(log_lines(f), 1);
	assert_int_equal(sms_list(&f->c, &f->sys, 10, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].state, SMS_SENDING);
	assert_int_equal(list[0].attempts, 1);
	assert_int_equal(list[0].claimed_at, FX_T0);
	assert_int_equal(list[0].next_at, FX_T0 + 300);
	free(list);

	/* a sender started again within the lease leaves it alone */
	snprintf(body, sizeof(body), "printf '%%s|%%s\\n' \"$1\" \"$2\" >> '%s'", logp);
	write_script(f, body, script, sizeof(script));
	core_set_now(&f->c, FX_T0 + 299);
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(log_lines(f), 1);
	/* the lease ends: sent once more, and only once */
	core_set_now(&f->c, FX_T0 + 300);
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(sent, 1);
	assert_int_equal(log_lines(f), 2);
	core_set_now(&f->c, FX_T0 + 5000);
	assert_int_equal(sms_send_due(&f->c, script, &sent, &failed, &err), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(log_lines(f), 2);
	assert_int_equal(sms_list(&f->c, &f->sys, 1, &list, &n, &err), 0);
	assert_int_equal(list[0].state, SMS_SENT);
	assert_int_equal(list[0].attempts, 2);
	assert_int_equal(list[0].sent_at, FX_T0 + 300);
	free(list);

	/* a sender that lost its lease: its outcome is refused, the new
	 * claimer's stands */
	core_set_now(&f->c, FX_T0 + 10000);
	reg(f, "آب", "لوله شکسته", KIND_COMPLAINT, CHANNEL_PHONE, m);
	assert_int_equal(sms_claim(&f->c, &a, &err), 0);
	core_set_now(&f->c, FX_T0 + 10000 + 299);
	assert_int_equal(sms_claim(&f->c, &b, &err), ERR_NOTFOUND);
	core_set_now(&f->c, FX_T0 + 10000 + 300);
	assert_int_equal(sms_claim(&f->c, &b, &err), 0);
	assert_int_equal(b.id, a.id);
	assert_int_equal(b.attempts, 2);
	assert_int_equal(sms_done(&f->c, &a, true, NULL, &err), ERR_CONFLICT);
	assert_int_equal(sms_done(&f->c, &b, true, NULL, &err), 0);
	assert_int_equal(sms_done(&f->c, &a, false, "late", &err), ERR_CONFLICT);
	assert_int_equal(sms_list(&f->c, &f->sys, 1, &list, &n, &err), 0);
	assert_int_equal(list[0].state, SMS_SENT);
	free(list);

	/* out of attempts when the lease ends: failed, with the reason */
	f->c.cfg.sms_max_attempts = 1;
	core_set_now(&f->c, FX_T0 + 20000);
	reg(f, "درخت", "درخت افتاده", KIND_COMPLAINT, CHANNEL_PHONE, m);
	assert_int_equal(sms_claim(&f->c, &a, &err), 0);
	core_set_now(&f->c, FX_T0 + 20000 + 300);
	assert_int_equal(sms_claim(&f->c, &b, &err), ERR_NOTFOUND);
	assert_int_equal(sms_list(&f->c, &f->sys, 1, &list, &n, &err), 0);
	assert_int_equal(list[0].state, SMS_FAILED);
	assert_non_null(strstr(list[0].last_error, "lease expired"));
	free(list);

	/* the lease is never shorter than twice the command's time limit */
	f->c.cfg.sms_max_attempts = 5;
	f->c.cfg.sms_lease_sec = 10;
	core_set_now(&f->c, FX_T0 + 30000);
	reg(f, "پل", "پل خراب", KIND_COMPLAINT, CHANNEL_PHONE, m);
	assert_int_equal(sms_claim(&f->c, &a, &err), 0);
	assert_int_equal(a.next_at, FX_T0 + 30000 + 2 * 30);
	free(m);
}

static void sms_command_is_not_a_shell(void **state)
{
	struct fx *f = *state;
	char script[700], body[1024], logp[700], line[4096];
	struct err err;
	FILE *fp;

	snprintf(logp, sizeof(logp), "%s/sent.log", f->dir);
	snprintf(body, sizeof(body), "printf '%%s|%%s\\n' \"$1\" \"$2\" >> '%s'", logp);
	write_script(f, body, script, sizeof(script));
	assert_int_equal(sms_run_command(script, "09121234567", "$(touch /tmp/x); `id` 'q' \"", 5,
					 &err), 0);
	fp = fopen(logp, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	assert_string_equal(line, "09121234567|$(touch /tmp/x); `id` 'q' \"\n");
	assert_int_equal(sms_run_command("/nonexistent/prog", "0912", "x", 5, &err), ERR_IO);
	write_script(f, "sleep 5", script, sizeof(script));
	assert_int_equal(sms_run_command(script, "0912", "x", 1, &err), ERR_IO);
	assert_non_null(strstr(err.msg, "longer than"));
}

static void sms_inbound_verdicts(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m)), *out = calloc(1, sizeof(*out));
	struct err err;
	int what;

	/* 31 with nothing answered */
	assert_int_equal(sms_inbound(&f->c, FX_MOBILE, "31", &what, out, &err), ERR_NOTFOUND);
	reg(f, "آب", "قطعی آب", KIND_CRITICISM, CHANNEL_PHONE, m);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "وصل شد", m, &err), 0);
	/* 33 in Persian digits with spaces: objection, reopened */
	assert_int_equal(sms_inbound(&f->c, "+98 912 123 4567", " ۳۳ \n", &what, out, &err), 0);
	assert_int_equal(what, SMS_IN_VERDICT);
	assert_int_equal(out->id, m->id);
	assert_int_equal(out->state, STATE_REOPENED);
	assert_int_equal(out->verdict, VERDICT_OBJECT);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "این بار درست وصل شد", m, &err), 0);
	assert_int_equal(sms_inbound(&f->c, FX_MOBILE, "31", &what, out, &err), 0);
	assert_int_equal(out->state, STATE_CLOSED);
	assert_int_equal(out->verdict, VERDICT_ACCEPT);
	/* anything else is a new message on the SMS channel */
	assert_int_equal(sms_inbound(&f->c, FX_MOBILE, "۳۱۳۱ سطل زباله پر است", &what, out, &err), 0);
	assert_int_equal(what, SMS_IN_NEW);
	assert_int_equal(out->channel, CHANNEL_SMS);
	assert_int_equal(out->state, STATE_REGISTERED);
	assert_string_equal(fx_text(f, out)->body, "۳۱۳۱ سطل زباله پر است");
	assert_int_equal(sms_inbound(&f->c, "12", "hi", &what, out, &err), ERR_INVALID);
	assert_int_equal(sms_inbound(&f->c, FX_MOBILE, "", &what, out, &err), ERR_INVALID);
	assert_int_equal(sms_inbound(&f->c, FX_MOBILE, "\xc3", &what, out, &err), ERR_INVALID);
	free(m);
	free(out);
}

static void live_sessions(void **state)
{
	struct fx *f = *state;
	struct live_session s, *list;
	struct msg *m = calloc(1, sizeof(*m));
	struct search_query q;
	struct search_result r;
	struct msg_new in;
	struct err err;
	size_t n;

	memset(&s, 0, sizeof(s));
	s.unit_id = f->r12;
	s.host_user_id = f->m12.user_id;
	snprintf(s.title, sizeof(s.title), "ارتباط مستقیم شهردار منطقه ۱۲");
	s.starts_at = FX_T0;
	s.ends_at = FX_T0 + 2 * 3600;
	assert_int_equal(live_create(&f->c, &f->s12, &s, &err), ERR_DENIED);
	assert_int_equal(live_create(&f->c, &f->m01, &s, &err), ERR_DENIED);
	s.host_user_id = f->s12.user_id;
	assert_int_equal(live_create(&f->c, &f->adm, &s, &err), ERR_INVALID);
	s.host_user_id = f->m12.user_id;
	s.ends_at = s.starts_at;
	assert_int_equal(live_create(&f->c, &f->m12, &s, &err), ERR_INVALID);
	s.ends_at = FX_T0 + 2 * 3600;
	assert_int_equal(live_create(&f->c, &f->m12, &s, &err), 0);
	assert_true(s.id > 0);

	memset(&in, 0, sizeof(in));
	in.channel = CHANNEL_LIVE;
	in.kind = KIND_REQUEST;
	in.subject = "تماس زنده";
	in.body = "درخواست آسفالت کوچه";
	in.mobile = FX_MOBILE;
	in.live_session_id = s.id;
	assert_int_equal(msg_register(&f->c, &f->m01, &in, m, &err), ERR_DENIED);
	assert_int_equal(msg_register(&f->c, &f->m12, &in, m, &err), 0);
	assert_int_equal(m->channel, CHANNEL_LIVE);
	assert_int_equal(m->live_session_id, s.id);
	/* the host's promise is a referral with a deadline like any other */
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->d12, 0, 24 * 7, "قول شهردار", m,
				   &err), 0);
	assert_int_equal(m->due_at, FX_T0 + 24 * 7 * 3600);
	search_query_init(&q);
	q.live_session_id = s.id;
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
	assert_int_equal(r.n, 1);
	search_result_release(&r);
	assert_int_equal(live_list(&f->c, f->r12, 10, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	free(list);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(persian_normalised_search, setup, teardown),
		cmocka_unit_test_setup_teardown(filters_and_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(search_tags_follow_the_message, setup, teardown),
		cmocka_unit_test_setup_teardown(keyset_pagination, setup, teardown),
		cmocka_unit_test_setup_teardown(sms_outbox_and_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(sms_no_empty_text, setup, teardown),
		cmocka_unit_test_setup_teardown(sms_lease_after_a_killed_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(sms_command_is_not_a_shell, setup, teardown),
		cmocka_unit_test_setup_teardown(sms_inbound_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(live_sessions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
