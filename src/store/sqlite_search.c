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
 *
 * The index keeps no positions (detail=none, since schema 22), so a quoted
 * string of two tokens, a phrase, is refused by FTS5.  fa's words and
 * FTS5's tokens differ at the edges (fa keeps an emoji or a combining
 * mark inside a word, FTS5's unicode61 splits there), so each term is
 * given to FTS5's own tokenizer first: a term of several tokens becomes
 * ("a" AND "b"), all of its tokens in the message, where a phrase asked
 * for them side by side.
 *
 * Besides its words, a message's index entry holds its search tags: one
 * token for its current unit and one for its category, each starting with
 * «¹» (U+00B9), a character a word never holds (fa/terms.h splits words on
 * it; unicode61 keeps it in a token), so no word is a tag and no query word
 * matches one.  A search filtered on them reads the tags' matches too
 * (sq_fts_tags) and only the messages in both lists are read through the
 * filters (sqlite_msg.c): a narrow filter reads its own messages rather
 * than every match of the words (docs/performance.md, "Search").  The
 * filters themselves stay in the SQL: the tags only skip messages that
 * could not pass.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/mem.h"
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

/* FTS5's unicode61 tokenizer of a connection, and the tokens of a term. */
struct sq_fts_tok {
	fts5_tokenizer api;
	Fts5Tokenizer *t;
	struct buf *out;
	int n;
};

struct sq_fts_tok *sq_fts_tok_open(sqlite3 *db)
{
	struct sq_fts_tok *k = xcalloc(1, sizeof(*k));
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	void *ud = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (!api || api->xFindTokenizer(api, "unicode61", &ud, &k->api) != SQLITE_OK ||
	    k->api.xCreate(ud, NULL, 0, &k->t) != SQLITE_OK) {
		free(k);
		return NULL;
	}
	return k;
}

void sq_fts_tok_close(struct sq_fts_tok *k)
{
	if (!k)
		return;
	k->api.xDelete(k->t);
	free(k);
}

static int on_token(void *arg, int flags, const char *token, int n, int start, int end)
{
	struct sq_fts_tok *k = arg;

	(void)flags;
	(void)start;
	(void)end;
	if (k->n++)
		buf_adds(k->out, " AND ");
	add_quoted(k->out, token, (size_t)n);
	return SQLITE_OK;
}

/* Term t (n bytes) as FTS5 query text: "t" when it is one token (or none:
 * it then matches nothing, as before), ("a" AND "b") when several. */
static int add_term(struct sq_fts_tok *k, const char *t, size_t n, struct buf *out)
{
	size_t mark = out->len;

	k->out = out;
	k->n = 0;
	buf_addc(out, '(');
	if (k->api.xTokenize(k->t, k, FTS5_TOKENIZE_QUERY, t, (int)n, on_token) != SQLITE_OK)
		return ERR_STORE;
	if (k->n > 1) {
		buf_addc(out, ')');
		return 0;
	}
	buf_truncate(out, mark);
	add_quoted(out, t, n);
	return 0;
}

int sq_fts_query(struct sq_fts_tok *tok, const struct store_search *q, struct buf *out,
		 struct err *err)
{
	struct buf terms = BUF_INIT(CAP_SEARCH_QUERY);
	size_t i;
	int rc = 0;

	rc = store_search_words_check(q, err);
	if (rc < 0)
		return rc;
	if (q->nwords && !tok)
		return err_set(err, ERR_STORE, "", "search: FTS5's tokenizer is missing");
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
			if (add_term(tok, p, k, out) < 0)
				rc = ERR_STORE;
			p += k;
			if (*p == ' ')
				p++;
		}
		buf_addc(out, ')');
	}
	buf_release(&terms);
	if (rc == ERR_STORE)
		return err_set(err, ERR_STORE, "", "search: FTS5 could not split a word");
	if (rc < 0 || buf_error(out))
		return err_set(err, ERR_TOOBIG, "q", "the search text is too long");
	return 0;
}

#define TAG "\xc2\xb9"	/* U+00B9, never in a word */

void sq_search_tags(int64_t unit_id, int64_t category_id, struct buf *out)
{
	buf_addf(out, " " TAG "u%" PRId64, unit_id);
	if (category_id)
		buf_addf(out, " " TAG "c%" PRId64, category_id);
}

/* A subtree of more units than this is no narrow filter: its tag is left
 * out (the SQL filter alone decides). */
#define TAG_UNITS 64

/* ("¹u1" OR "¹u2" ...): the message's unit is in root's subtree; nothing
 * when the subtree is too large to be a narrow filter. */
static int subtree_tag(struct sqlite_store *s, int64_t root, struct buf *out, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SEARCH_UNITS, "SELECT id FROM units WHERE path GLOB"
				     " (SELECT path FROM units WHERE id = ?1) || '*' LIMIT ?2", err);
	size_t mark = out->len, n = 0;
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, root);
	sq_bind_int(stmt, 2, TAG_UNITS + 1);
	buf_adds(out, out->len ? " AND (" : "(");
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW; rc = sqlite3_step(stmt), n++)
		buf_addf(out, "%s\"" TAG "u%" PRId64 "\"", n ? " OR " : "",
			 (int64_t)sqlite3_column_int64(stmt, 0));
	if (rc != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(s->db);
		sqlite3_reset(stmt);
		return sq_fail(s, rc, "search", err);
	}
	sqlite3_reset(stmt);
	if (n == 0 || n > TAG_UNITS)
		buf_truncate(out, mark);
	else
		buf_addc(out, ')');
	return 0;
}

int sq_fts_tags(struct sqlite_store *s, const struct store_search *q, struct buf *out,
		struct err *err)
{
	int rc = 0;

	if (q->scope_unit)
		rc = subtree_tag(s, q->scope_unit, out, err);
	if (rc == 0 && q->unit_id)
		rc = subtree_tag(s, q->unit_id, out, err);
	if (rc < 0)
		return rc;
	if (q->category_id)
		buf_addf(out, "%s\"" TAG "c%" PRId64 "\"", out->len ? " AND " : "",
			 q->category_id);
	if (buf_error(out))
		return err_set(err, ERR_TOOBIG, "q", "the search text is too long");
	return 0;
}

int sq_tags_read(struct sqlite_store *s, int64_t id, struct sq_tags *out, struct err *err)
{
	sqlite3_stmt *stmt;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (s->bulk_fts_from && id >= s->bulk_fts_from)
		return 0;
	for (i = 0; i < s->nfts; i++)
		if (s->fts[i].rowid == id)
			return 0;
	stmt = sq_stmt(s, SQ_MSG_TAGS_GET, "SELECT unit_id, category_id FROM messages"
		       " WHERE id = ?", err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, id);
	rc = sq_step_row(s, stmt, "message", err);
	if (rc == ERR_NOTFOUND)
		return 0;	/* the update says so */
	if (rc < 0)
		return rc;
	out->unit_id = sqlite3_column_int64(stmt, 0);
	out->category_id = sqlite3_column_int64(stmt, 1);
	out->indexed = true;
	sqlite3_reset(stmt);
	return 0;
}

/*
 * The index keeps no text (content=''): an entry is taken out by giving
 * FTS5 its terms again, the words made from the message's subject and body
 * (unpacked: base/tpack.h) as at registration (they never change after
 * it) and the old tags.
 */
int sq_tags_keep(struct sqlite_store *s, const struct msg *m, const struct sq_tags *old,
		 struct err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!old->indexed || (old->unit_id == m->unit_id && old->category_id == m->category_id))
		return 0;
	stmt = sq_stmt(s, SQ_MSG_FTS_DELETE, "INSERT INTO msg_fts (msg_fts, rowid, text)"
		       " SELECT 'delete', id, hamgan_index_text(hamgan_unpack(subject),"
		       " hamgan_unpack(body)) || hamgan_search_tags(?2, ?3) FROM messages"
		       " WHERE id = ?1", err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, m->id);
	sq_bind_int(stmt, 2, old->unit_id);
	sq_bind_int(stmt, 3, old->category_id);
	rc = sq_exec_stmt(s, stmt, "message index", err);
	if (rc < 0)
		return rc;
	stmt = sq_stmt(s, SQ_MSG_FTS_REINDEX, "INSERT INTO msg_fts (rowid, text)"
		       " SELECT id, hamgan_index_text(hamgan_unpack(subject), hamgan_unpack(body))"
		       " || hamgan_search_tags(unit_id, category_id) FROM messages WHERE id = ?1",
		       err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, m->id);
	return sq_exec_stmt(s, stmt, "message index", err);
}
