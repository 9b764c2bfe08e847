/* fuzz_search.c - the SQLite backend's full-text query (sqlite_search.c):
 * for any words, the FTS5 query it writes runs without an FTS5 error
 * against an index like msg_fts (no positions: no word is read as syntax,
 * no term asked as a phrase), and any text is found by its own
 * words (fa_query_words) in an index holding its index text
 * (fa_index_text), as a search for a message's own words finds it. */
#include "fuzz_common.h"

#include <stdbool.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/str.h"
#include "fa/terms.h"
#include "store/sqlite_int.h"

static sqlite3 *db;
static struct sq_fts_tok *tok;

/* Rows of t matching the FTS5 query fts: -1 on an error. */
static int matches(const char *fts)
{
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

/* Whether every space-separated word of s holds a letter or digit FTS5's
 * tokenizer keeps (ASCII, Arabic-script letters and digits): fa counts
 * other code points as word characters too (e.g. U+0604), and a word made
 * only of those has no token to find. */
static bool tokens_in_every_word(const char *s)
{
	bool have = false;
	unsigned cp;
	size_t n;

	for (; *s; s += n) {
		n = str_utf8_decode(s, strlen(s), &cp);
		if (n == 0)
			return false;
		if (cp == ' ') {
			if (!have)
				return false;
			have = false;
		}
		if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 0x0621 && cp <= 0x063A) || (cp >= 0x0641 && cp <= 0x064A) ||
		    (cp >= 0x0660 && cp <= 0x0669) || (cp >= 0x0671 && cp <= 0x06D3) ||
		    (cp >= 0x06F0 && cp <= 0x06F9))
			have = true;
	}
	return have;
}

/* The query for the space-separated words in s (split in place). */
static int query_of(char *s, struct buf *out)
{
	const char *w[CAP_SEARCH_WORDS];
	struct store_search q;
	char *p = s;

	memset(&q, 0, sizeof(q));
	while (*p && q.nwords < CAP_SEARCH_WORDS) {
		size_t k = strcspn(p, " ");

		if (k)
			w[q.nwords++] = p;
		p += k;
		if (*p)
			*p++ = '\0';
	}
	q.words = w;
	return sq_fts_query(tok, &q, out, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = fuzz_cstr(data, size);
	struct buf idx = BUF_INIT(CAP_INDEX_TEXT), words = BUF_INIT(4 * CAP_NORMALIZE_IN);
	struct buf fts = BUF_INIT(CAP_SEARCH_QUERY);

	if (!db) {
		if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
		    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(text, content = '',"
				 " tokenize = 'unicode61', detail = none, columnsize = 0)",
				 NULL, NULL, NULL) != SQLITE_OK || !(tok = sq_fts_tok_open(db)))
			abort();
	}
	if (size > CAP_SEARCH_TEXT || !str_utf8_valid(raw, strlen(raw)))
		goto out;
	sqlite3_exec(db, "INSERT INTO t (t) VALUES ('delete-all')", NULL, NULL, NULL);
	/* any words, as they come: quoted, never syntax */
	if (query_of(raw, &fts) == 0 && fts.len)
		FUZZ_ASSERT(matches(fts.data) >= 0);
	/* a text's own words find it */
	memcpy(raw, data, strlen(raw));
	if (fa_index_text(raw, strlen(raw), &idx) == 0 &&
	    fa_query_words(raw, strlen(raw), CAP_SEARCH_WORDS, &words) == 0 && words.len &&
	    tokens_in_every_word(words.data)) {
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(db, "INSERT INTO t (rowid, text) VALUES (1, ?)", -1, &st, NULL) !=
		    SQLITE_OK)
			abort();
		sqlite3_bind_text(st, 1, idx.data, (int)idx.len, SQLITE_STATIC);
		FUZZ_ASSERT(sqlite3_step(st) == SQLITE_DONE);
		sqlite3_finalize(st);
		buf_reset(&fts);
		FUZZ_ASSERT(query_of(words.data, &fts) == 0);
		FUZZ_ASSERT(matches(fts.data) == 1);
	}
out:
	buf_release(&idx);
	buf_release(&words);
	buf_release(&fts);
	free(raw);
	return 0;
}
