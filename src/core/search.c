/*
 * search.c - full-text search with filters, rights and keyset pagination.
 *
 * The query text is normalised by src/fa exactly as the indexed text was,
 * split on white space, and each word becomes a double-quoted FTS5 string
 * (quotes doubled), so no user text is ever read as FTS5 syntax.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/num.h"
#include "base/str.h"
#include "core/core_int.h"
#include "core/search.h"
#include "fa/text.h"

#define SEARCH_WORDS_MAX 16

void search_query_init(struct search_query *q)
{
	memset(q, 0, sizeof(*q));
	q->state = -1;
	q->kind = -1;
	q->channel = -1;
}

void search_result_release(struct search_result *r)
{
	free(r->items);
	r->items = NULL;
	r->n = 0;
	r->next_cursor[0] = '\0';
}

/* "k<created_at>.<id>" */
static int cursor_parse(const char *s, int64_t *at, int64_t *id)
{
	const char *dot;

	if (!s || s[0] != 'k' || strlen(s) >= SEARCH_CURSOR_MAX)
		return ERR_INVALID;
	dot = strchr(s, '.');
	if (!dot)
		return ERR_INVALID;
	if (num_parsen(s + 1, (size_t)(dot - s - 1), 0, INT64_MAX, at) < 0 ||
	    num_parse(dot + 1, 1, INT64_MAX, id) < 0)
		return ERR_INVALID;
	return 0;
}

/* The FTS5 query for text, or "" when it has no words. */
static int fts_query(const char *text, struct buf *out, struct err *err)
{
	struct buf norm = BUF_INIT(4 * CAP_SEARCH_TEXT);
	const char *p;
	int rc, words = 0;

	rc = fa_normalize(text, strlen(text), &norm);
	if (rc < 0) {
		buf_release(&norm);
		return err_set(err, ERR_INVALID, "q", "the search text is not valid text");
	}
	for (p = norm.data; *p;) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n == 0)
			break;
		if (++words > SEARCH_WORDS_MAX) {
			buf_release(&norm);
			return err_set(err, ERR_INVALID, "q", "at most %d words", SEARCH_WORDS_MAX);
		}
		if (out->len)
			buf_addc(out, ' ');
		buf_addc(out, '"');
		for (; n; n--, p++) {
			if (*p == '"')
				buf_addc(out, '"');
			buf_addc(out, *p);
		}
		buf_addc(out, '"');
	}
	buf_release(&norm);
	if (buf_error(out))
		return err_set(err, ERR_TOOBIG, "q", "the search text is too long");
	return 0;
}

int msg_search(struct core *c, const struct actor *a, const struct search_query *q,
	       struct search_result *out, struct err *err)
{
	struct buf fts = BUF_INIT(8 * CAP_SEARCH_TEXT);
	struct store_search s;
	bool yes;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.state = q->state;
	s.kind = q->kind;
	s.channel = q->channel;
	s.unit_id = q->unit_id;
	s.category_id = q->category_id;
	s.citizen_id = q->citizen_id;
	s.live_session_id = q->live_session_id;
	s.from = q->from;
	s.to = q->to;
	s.overdue = q->overdue;
	s.now = core_now(c);
	s.limit = q->limit ? q->limit : 20;
	if (q->state < -1 || q->state >= STATE_COUNT)
		return err_set(err, ERR_INVALID, "state", "unknown state");
	if (q->kind < -1 || q->kind >= KIND_COUNT)
		return err_set(err, ERR_INVALID, "kind", "unknown kind");
	if (q->channel < -1 || q->channel >= CHANNEL_COUNT)
		return err_set(err, ERR_INVALID, "channel", "unknown channel");
	if (s.limit > CAP_SEARCH_LIMIT)
		return err_set(err, ERR_INVALID, "limit", "at most %d a page", CAP_SEARCH_LIMIT);
	if (q->from < 0 || q->to < 0 || (q->from && q->to && q->from >= q->to))
		return err_set(err, ERR_INVALID, "from", "the date range is empty");
	if (q->cursor && *q->cursor) {
		if (cursor_parse(q->cursor, &s.cursor_at, &s.cursor_id) < 0)
			return err_set(err, ERR_INVALID, "cursor", "invalid cursor");
		s.has_cursor = true;
	}
	if (q->text && *q->text) {
		rc = text_check("q", q->text, CAP_SEARCH_TEXT, false, false, err);
		if (rc < 0)
			return rc;
	}
	/* "every message of this citizen" ties confidential messages to the
	 * citizen's others: only for the roles that see identities */
	if (q->citizen_id && !role_sees_identity(a->role) && a->role != ROLE_CITIZEN)
		return err_set(err, ERR_DENIED, "citizen", "you may not search by citizen");
	switch (a->role) {
	case ROLE_OPERATOR:
	case ROLE_INSPECTOR:
	case ROLE_ADMIN:
	case ROLE_SYSTEM:
		break;
	case ROLE_STAFF:
	case ROLE_MANAGER:
		if (!a->unit_id)
			return err_set(err, ERR_DENIED, "", "you belong to no unit");
		s.scope_unit = a->unit_id;
		if (q->unit_id) {
			rc = OPS(c)->unit_within(c->st, a->unit_id, q->unit_id, &yes, err);
			if (rc == ERR_NOTFOUND)
				return err_set(err, ERR_INVALID, "unit", "no such unit");
			if (rc < 0)
				return rc;
			if (!yes)
				return err_set(err, ERR_DENIED, "unit", "that unit is outside yours");
		}
		break;
	case ROLE_CITIZEN:
		if (!a->citizen_id)
			return err_set(err, ERR_DENIED, "", "you may not search");
		s.citizen_id = a->citizen_id;
		break;
	default:
		return err_set(err, ERR_DENIED, "", "you may not search");
	}
	if (q->text && *q->text) {
		rc = fts_query(q->text, &fts, err);
		if (rc < 0)
			goto out;
		if (fts.len)
			s.fts = fts.data;
	}
	s.limit++;	/* one more tells whether there is a next page */
	rc = OPS(c)->msg_search(c->st, &s, &out->items, &out->n, err);
	if (rc < 0)
		goto out;
	if (out->n == s.limit) {
		const struct msg *last;

		out->n--;
		last = &out->items[out->n - 1];
		snprintf(out->next_cursor, sizeof(out->next_cursor), "k%lld.%lld",
			 (long long)last->created_at, (long long)last->id);
	}
	for (i = 0; i < out->n && rc == 0; i++) {
		if (a->role == ROLE_CITIZEN)
			continue;
		msg_hide_identity(&out->items[i]);
		rc = msg_hide_links(c, a, &out->items[i], err);
	}
	if (rc < 0)
		search_result_release(out);
out:
	buf_release(&fts);
	return rc;
}
