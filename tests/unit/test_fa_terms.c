/*
 * test_fa_terms.c - search terms (fa/terms.h): stems of plural forms,
 * joined neighbours, comparatives, word splitting on punctuation, and the
 * search itself finding «چاله‌ها», «ناصر خسرو»/«ناصرخسرو» and «بزرگ»/
 * «بزرگ تر»/«بزرگ‌تر»/«بزرگتر» through the real store.  Issues 14 and 12
 * (the index rebuilt at upgrade: tests/unit/test_sqlite.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "core/batch.h"
#include "core/search.h"
#include "fa/terms.h"
#include "store/store.h"

static char *index_of(const char *s)
{
	static struct buf b = BUF_INIT(CAP_INDEX_TEXT);

	buf_reset(&b);
	assert_int_equal(fa_index_text(s, strlen(s), &b), 0);
	return b.data;
}

static char *stem(const char *w)
{
	static char out[256];
	size_t n = fa_stem_len(w, strlen(w));

	memcpy(out, w, n);
	out[n] = '\0';
	return out;
}

static void stems(void **state)
{
	(void)state;
	assert_string_equal(stem("چالهها"), "چاله");
	assert_string_equal(stem("چالههای"), "چاله");
	assert_string_equal(stem("چالههایی"), "چاله");
	assert_string_equal(stem("درختان"), "درخت");
	assert_string_equal(stem("اطلاعات"), "اطلاع");
	assert_string_equal(stem("چاله"), "چاله");
	/* regression: a plural of a word ending in «ان» has the word's stem */
	assert_string_equal(stem("خیابانها"), stem("خیابان"));
	assert_string_equal(stem("درختانها"), "درخت");
	/* short words keep their ending */
	assert_string_equal(stem("نان"), "نان");
	assert_string_equal(stem("ها"), "ها");
	assert_string_equal(stem("مات"), "مات");
}

static void index_terms(void **state)
{
	(void)state;
	/* each word's stem, then each pair joined */
	assert_string_equal(index_of("چاله‌ها"), "چاله");
	assert_string_equal(index_of("ناصر خسرو"), "ناصر خسرو ناصرخسرو");
	assert_string_equal(index_of("خیابانِ ناصر‌خسرو، پلاک ۱۲"),
			    "خیاب ناصرخسرو خیابانناصرخسرو پلاک ناصرخسروپلاک 12 پلاک12");
	assert_string_equal(index_of("«چاله‌های» خیابان!"), "چاله خیاب چالههایخیاب");
	assert_string_equal(index_of(""), "");
	/* a comparative or superlative is also its base word, when three
	 * letters remain; a word that only ends like one stays whole */
	assert_string_equal(index_of("بزرگ‌تر"), "بزرگتر بزرگ");
	assert_string_equal(index_of("بزرگترین"), "بزرگترین بزرگ");
	assert_string_equal(index_of("گران‌ترها"), "گرانتر گران");
	assert_string_equal(index_of("ارزانتر"), "ارزانتر ارز");
	assert_string_equal(index_of("بزرگ تر"), "بزرگ تر بزرگتر");
	assert_string_equal(index_of("دفتر دختر متر بهتر"),
			    "دفتر دختر دفتردختر متر دخترمتر بهتر متربهتر");
	assert_string_equal(index_of("ویترین"), "ویترین");
	{
		struct buf b = BUF_INIT(CAP_INDEX_TEXT);

		assert_int_equal(fa_index_text("\xff", 1, &b), ERR_INVALID);
		assert_int_equal(b.len, 0);
		buf_release(&b);
	}
}

static void query_words(void **state)
{
	struct buf b = BUF_INIT(1024);

	(void)state;
	assert_int_equal(fa_query_words("ناصر، خسرو!", strlen("ناصر، خسرو!"), 16, &b), 0);
	assert_string_equal(b.data, "ناصر خسرو");
	buf_reset(&b);
	assert_int_equal(fa_query_words("a b c", 5, 2, &b), ERR_TOOBIG);
	buf_release(&b);
}

/* The search itself, through the real store (SQLite, or PostgreSQL with
 * HAMGAN_TEST_BACKEND=postgresql: core_fixture.h). */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	fx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_teardown(*state);
	free(*state);
	return 0;
}

static int add(struct fx *f, const char *subject, const char *body)
{
	struct msg_new in;
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.channel = CHANNEL_PHONE;
	in.kind = KIND_COMPLAINT;
	in.subject = subject;
	in.body = body;
	in.mobile = FX_MOBILE;
	assert_int_equal(msg_register(&f->c, &f->op, &in, m, &err), 0);
	id = m->id;
	free(m);
	return (int)id;
}

static size_t hits(struct fx *f, const char *text)
{
	struct search_query q;
	struct search_result r;
	struct err err;
	size_t n;

	search_query_init(&q);
	q.text = text;
	q.count = true;
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
	n = r.n;
	assert_int_equal(r.total, n);
	search_result_release(&r);
	return n;
}

static void persian_search(void **state)
{
	struct fx *f = *state;

	add(f, "چاله‌های خیابان", "در خیابان ناصرخسرو");
	add(f, "چاله", "کوچهٔ ناصر خسرو، بزرگ تر از قبل");
	add(f, "درخت", "شاخه‌ها بزرگتر شده");
	add(f, "خیابان‌ها", "آب گرفته");
	/* plural and singular find each other */
	assert_int_equal(hits(f, "چاله"), 2);
	assert_int_equal(hits(f, "چاله‌ها"), 2);
	assert_int_equal(hits(f, "چاله ها"), 2);
	assert_int_equal(hits(f, "شاخه"), 1);
	assert_int_equal(hits(f, "خیابان‌ها"), 2);
	assert_int_equal(hits(f, "خیابان"), 2);
	/* joined and split */
	assert_int_equal(hits(f, "ناصرخسرو"), 2);
	assert_int_equal(hits(f, "ناصر خسرو"), 2);
	/* a comparative written spaced, with ZWNJ or glued: its base word
	 * finds all three, and so does each spelling (issue 12) */
	add(f, "پیاده‌رو", "شکاف بزرگ‌تر شد");
	assert_int_equal(hits(f, "بزرگ"), 3);
	assert_int_equal(hits(f, "بزرگتر"), 3);
	assert_int_equal(hits(f, "بزرگ‌تر"), 3);
	assert_int_equal(hits(f, "بزرگ تر"), 3);
	assert_int_equal(hits(f, "بزرگترین"), 0);
	/* every word must match */
	assert_int_equal(hits(f, "چاله درخت"), 0);
	assert_int_equal(hits(f, "خیابان چاله"), 1);
	assert_int_equal(hits(f, "خیابانها چاله"), 1);
	/* FTS5 syntax in the query is just text */
	assert_int_equal(hits(f, "\"چاله\" OR NEAR("), 0);
}

static void capped_total_and_pages(void **state)
{
	struct fx *f = *state;
	struct search_query q;
	struct search_result r;
	struct err err;
	char cursor[SEARCH_CURSOR_MAX];
	int i, seen = 0, last = 1 << 30;

	assert_int_equal(core_batch_begin(&f->c, &err), 0);
	for (i = 0; i < CAP_SEARCH_COUNT + 5; i++)
		add(f, "آب‌گرفتگی", "آب گرفتگی در کوچه");
	assert_int_equal(core_batch_commit(&f->c, &err), 0);
	search_query_init(&q);
	q.text = "آبگرفتگی";
	q.count = true;
	q.limit = 100;
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
	assert_true(r.total_capped);
	assert_int_equal(r.total, CAP_SEARCH_COUNT);
	assert_int_equal(r.n, 100);
	assert_string_equal(r.terms, "ابگرفتگی");
	/* pages in the index's order, newest first, no repeats */
	for (;;) {
		size_t k;

		for (k = 0; k < r.n; k++) {
			assert_true(r.items[k].id < last);
			last = (int)r.items[k].id;
			seen++;
		}
		if (!r.next_cursor[0])
			break;
		str_copy(cursor, sizeof(cursor), r.next_cursor);
		search_result_release(&r);
		q.cursor = cursor;
		assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), 0);
	}
	search_result_release(&r);
	assert_int_equal(seen, CAP_SEARCH_COUNT + 5);
	/* a cursor of another order is refused */
	q.cursor = "k1.1";
	assert_int_equal(msg_search(&f->c, &f->op, &q, &r, &err), ERR_INVALID);
	/* with a filter, the count reads a bounded number of the matches and
	 * says when it stopped there */
	{
		static const char *const words[] = { "ابگرفتگی" };
		struct store_search ss;
		int64_t count = 0;
		bool partial = false;

		memset(&ss, 0, sizeof(ss));
		ss.words = words;
		ss.nwords = 1;
		ss.state = STATE_REGISTERED;
		ss.kind = ss.channel = -1;
		assert_int_equal(f->c.st->ops->msg_count(f->c.st, &ss, 1001, 10, &count, &partial,
							  &err), 0);
		assert_int_equal(count, 10);
		assert_true(partial);
		assert_int_equal(f->c.st->ops->msg_count(f->c.st, &ss, 1001, 5000, &count, &partial,
							  &err), 0);
		assert_int_equal(count, 1001);
		assert_false(partial);
		ss.state = STATE_CLOSED;
		assert_int_equal(f->c.st->ops->msg_count(f->c.st, &ss, 1001, 10, &count, &partial,
							  &err), 0);
		assert_int_equal(count, 0);
		assert_true(partial);
		/* a page reads a bounded share too: nothing matches the filter,
		 * so the page is empty and says where to read on */
		{
			struct msg *items = NULL;
			size_t n = 0;
			int64_t end = -1, first;

			ss.scan = 10;
			ss.scan_end = &end;
			ss.limit = 5;
			assert_int_equal(f->c.st->ops->msg_search(f->c.st, &ss, &items, &n, &err), 0);
			assert_int_equal(n, 0);
			assert_true(end > 0);
			first = end;
			ss.has_cursor = true;
			ss.cursor_id = end;
			assert_int_equal(f->c.st->ops->msg_search(f->c.st, &ss, &items, &n, &err), 0);
			assert_true(end > 0 && end < first);
			/* the matching rows come, newest first, ten read at a time */
			ss.state = STATE_REGISTERED;
			ss.has_cursor = false;
			assert_int_equal(f->c.st->ops->msg_search(f->c.st, &ss, &items, &n, &err), 0);
			assert_int_equal(n, 5);
			assert_int_equal(end, 0);
			free(items);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stems),
		cmocka_unit_test(index_terms),
		cmocka_unit_test(query_words),
		cmocka_unit_test_setup_teardown(persian_search, setup, teardown),
		cmocka_unit_test_setup_teardown(capped_total_and_pages, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
