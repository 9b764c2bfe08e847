/*
 * search.c - full-text search with filters, rights and keyset pagination.
 *
 * The query text is split into src/fa's normalised words (fa/terms.h) and
 * handed to the store as words; the store matches them as the index text
 * was made (store.h, struct store_search), in whatever query language its
 * backend speaks.  The core writes no query syntax.
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
#include "fa/terms.h"

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

/* "k<created_at>.<id>" (newest first), "d<due_at>.<id>" (by deadline) or
 * "i<id>" (text search, by id); the letter must match the query's order. */
static int cursor_parse(const char *s, char want, int64_t *at, int64_t *id)
{
	const char *dot;

	if (!s || s[0] != want || strlen(s) >= SEARCH_CURSOR_MAX)
		return ERR_INVALID;
	if (want == 'i') {
		*at = 0;
		return num_parse(s + 1, 1, INT64_MAX, id) < 0 ? ERR_INVALID : 0;
	}
	dot = strchr(s, '.');
	if (!dot)
		return ERR_INVALID;
	if (num_parsen(s + 1, (size_t)(dot - s - 1), 0, INT64_MAX, at) < 0 ||
	    num_parse(dot + 1, 1, INT64_MAX, id) < 0)
		return ERR_INVALID;
	return 0;
}

/*
 * The words of text for the store (store.h, struct store_search): src/fa's
 * normalised words, at most CAP_SEARCH_WORDS, split in place in *words
 * (which w[] points into); *n is 0 when text has none.  terms gets their
 * stems, space-separated, for highlighting.
 */
static int text_words(const char *text, struct buf *words, const char *w[CAP_SEARCH_WORDS],
		      size_t *n, char *terms, size_t termsz, struct err *err)
{
	struct buf hl = BUF_INIT(termsz - 1);
	char *p;
	int rc;

	*n = 0;
	rc = fa_query_words(text, strlen(text), CAP_SEARCH_WORDS, words);
	if (rc == ERR_TOOBIG)
		return err_set(err, ERR_INVALID, "q", "at most %d words", CAP_SEARCH_WORDS);
	if (rc < 0)
		return err_set(err, ERR_INVALID, "q", "the search text is not valid text");
	for (p = words->data; *p && *n < CAP_SEARCH_WORDS;) {
		size_t k = strcspn(p, " ");

		w[(*n)++] = p;
		if (hl.len)
			buf_addc(&hl, ' ');
		buf_add(&hl, p, fa_stem_len(p, k));
		p += k;
		if (*p)
			*p++ = '\0';
	}
	if (!buf_error(&hl))
		str_copy(terms, termsz, hl.data);
	buf_release(&hl);
	return 0;
}

int msg_search(struct core *c, const struct actor *a, const struct search_query *q,
	       struct search_result *out, struct err *err)
{
	struct buf words = BUF_INIT(4 * CAP_SEARCH_TEXT);
	const char *w[CAP_SEARCH_WORDS];
	struct store_search s;
	int64_t scan_end = 0;
	char letter;
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
	s.public_only = q->public_only;
	s.live_session_id = q->live_session_id;
	s.from = q->from;
	s.to = q->to;
	s.overdue = q->overdue;
	s.not_overdue = q->not_overdue;
	s.sort = q->by_due ? STORE_SORT_DUE : STORE_SORT_NEW;
	s.assigned_to = q->assigned_to;
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
	if (q->overdue && q->not_overdue)
		return err_set(err, ERR_INVALID, "overdue", "overdue and not overdue at once");
	if (q->text && *q->text) {
		rc = text_check("q", q->text, CAP_SEARCH_TEXT, false, false, err);
		if (rc < 0)
			return rc;
	}
	/* "every message of this citizen" ties confidential messages to the
	 * citizen's others: only for the roles that see identities, or with the
	 * confidential ones left out */
	if (q->citizen_id && !q->public_only && !role_sees_identity(a->role) &&
	    a->role != ROLE_CITIZEN)
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
		rc = text_words(q->text, &words, w, &s.nwords, out->terms, sizeof(out->terms),
				err);
		if (rc < 0)
			goto out;
		s.words = w;
	}
	if (s.nwords && q->by_due) {
		rc = err_set(err, ERR_INVALID, "sort", "a text search is ordered by its matches");
		goto out;
	}
	letter = s.nwords ? 'i' : q->by_due ? 'd' : 'k';
	if (q->cursor && *q->cursor) {
		if (cursor_parse(q->cursor, letter, &s.cursor_at, &s.cursor_id) < 0) {
			rc = err_set(err, ERR_INVALID, "cursor", "invalid cursor");
			goto out;
		}
		s.has_cursor = true;
	}
	s.limit++;	/* one more tells whether there is a next page */
	if (s.nwords) {
		/* a page reads a bounded share of the words' matches: a rare
		 * filter gives a short page with a cursor to read on */
		s.scan = CAP_SEARCH_SCAN;
		s.scan_end = &scan_end;
	}
	rc = OPS(c)->msg_search(c->st, &s, &out->items, &out->n, err);
	if (rc < 0)
		goto out;
	/*
	 * A first page that came back short read everything the count would
	 * read (every match, or the same newest CAP_SEARCH_SCAN of the words'
	 * matches): its rows are the count, and a stop at the scan is the
	 * count's too.  Otherwise the count is its own bounded query.
	 */
	if (q->count && !s.has_cursor && out->n < s.limit) {
		out->total = out->n;
		out->total_capped = scan_end != 0;
	} else if (q->count) {
		int64_t total = 0;
		bool partial = false;

		s.limit--;
		rc = OPS(c)->msg_count(c->st, &s, CAP_SEARCH_COUNT + 1, CAP_SEARCH_SCAN, &total,
				       &partial, err);
		s.limit++;
		if (rc < 0) {
			search_result_release(out);
			goto out;
		}
		out->total_capped = total > CAP_SEARCH_COUNT || partial;
		out->total = (size_t)(total > CAP_SEARCH_COUNT ? CAP_SEARCH_COUNT : total);
	}
	if (out->n < s.limit && scan_end) {
		snprintf(out->next_cursor, sizeof(out->next_cursor), "i%lld", (long long)scan_end);
	} else if (out->n == s.limit) {
		const struct msg *last;

		out->n--;
		last = &out->items[out->n - 1];
		if (letter == 'i')
			snprintf(out->next_cursor, sizeof(out->next_cursor), "i%lld",
				 (long long)last->id);
		else
			snprintf(out->next_cursor, sizeof(out->next_cursor), "%c%lld.%lld", letter,
				 (long long)(letter == 'd' ? last->due_at : last->created_at),
				 (long long)last->id);
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
	buf_release(&words);
	return rc;
}
