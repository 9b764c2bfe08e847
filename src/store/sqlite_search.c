/*
 * sqlite_search.c - the SQLite backend's full-text query: a search's words
 * (store.h, struct store_search) made into FTS5 query syntax.
 *
 * Word i becomes ("t1" OR "t2" OR "t3") over the terms fa_word_terms gives
 * (its stem, and its stem joined with the word before and after), and the
 * words are joined with AND: every word must match, each term a whole token
 * of msg_fts (never a prefix: no *).  Every term is a double-quoted FTS5
 * string with its quotes doubled, so no word is ever read as FTS5 syntax
 * (AND, OR, NOT, NEAR, column filters, ^ and * are all just text there).
 * This file is the only place that writes FTS5 syntax.
 */
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "fa/terms.h"
#include "store/sqlite_int.h"

static void add_quoted(struct buf *out, const char *t, size_t n)
{
	buf_addc(out, '"');
	for (; n; n--, t++) {
		if (*t == '"')
			buf_addc(out, '"');
		buf_addc(out, *t);
	}
	buf_addc(out, '"');
}

int sq_fts_query(const struct store_search *q, struct buf *out, struct err *err)
{
	struct buf terms = BUF_INIT(CAP_SEARCH_QUERY);
	size_t i;
	int rc = 0;

	rc = store_search_words_check(q, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < q->nwords && rc == 0; i++) {
		const char *p;

		buf_reset(&terms);
		rc = fa_word_terms(q->words, q->nwords, i, &terms);
		if (rc < 0)
			break;
		if (i)
			buf_adds(out, " AND ");
		buf_addc(out, '(');
		for (p = terms.data; *p;) {
			size_t k = strcspn(p, " ");

			if (p != terms.data)
				buf_adds(out, " OR ");
			add_quoted(out, p, k);
			p += k;
			if (*p == ' ')
				p++;
		}
		buf_addc(out, ')');
	}
	buf_release(&terms);
	if (rc < 0 || buf_error(out))
		return err_set(err, ERR_TOOBIG, "q", "the search text is too long");
	return 0;
}
