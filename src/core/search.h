/*
 * search.h - finding messages: Persian full-text search over subject and
 * body (both indexed in src/fa's normalised form, and the query normalised
 * the same way, so letter forms, digit scripts and ZWNJ do not matter) with
 * filters, scoped by the actor's rights, newest first, paginated with an
 * opaque cursor (keyset on created_at, id).
 *
 * Results never carry a confidential message's citizen identity (whoever
 * asks): open the message with msg_get for that.
 */
#ifndef HAMGAN_CORE_SEARCH_H
#define HAMGAN_CORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/msg.h"

struct core;
struct actor;

#define SEARCH_CURSOR_MAX 48

struct search_query {
	const char *text;	/* words, all must match; NULL or "" for none */
	int state;		/* enum msg_state, or -1 for any */
	int64_t unit_id;	/* current unit in this unit's subtree; 0 any */
	int64_t category_id;	/* 0 any */
	int kind;		/* enum msg_kind or -1 */
	int channel;		/* enum msg_channel or -1 */
	int64_t from, to;	/* created_at in [from, to); 0 open */
	bool overdue;		/* only overdue messages */
	bool not_overdue;	/* only messages that are not overdue */
	bool by_due;		/* open messages only, by deadline, the earliest first */
	int64_t assigned_to;	/* assigned to this user (msg_assign); 0 any */
	bool count;		/* fill total / total_capped */
	int64_t citizen_id;	/* 0 any; roles that do not see identities only with public_only */
	bool public_only;	/* confidential messages left out */
	int64_t live_session_id;	/* 0 any */
	const char *cursor;	/* from the previous page's next_cursor, or NULL */
	size_t limit;		/* 1..CAP_SEARCH_LIMIT; 0 means 20 */
};

struct search_result {
	struct msg *items;	/* malloc'd */
	size_t n;
	char next_cursor[SEARCH_CURSOR_MAX];	/* "" when this is the last page */
	size_t total;		/* with count: matches, at most CAP_SEARCH_COUNT ... */
	bool total_capped;	/* ... and true when there may be more than that (the
				 * count stopped at CAP_SEARCH_COUNT, or read
				 * CAP_SEARCH_SCAN of the words' matches) */
	/* the stems the text matched on, space-separated, for highlighting */
	char terms[4 * CAP_SEARCH_TEXT + 1];
};

void search_query_init(struct search_query *q);
/* ERR_INVALID for a bad cursor, text or filter; ERR_DENIED when a unit
 * filter lies outside a staff/manager's subtree. */
int msg_search(struct core *c, const struct actor *a, const struct search_query *q,
	       struct search_result *out, struct err *err);
void search_result_release(struct search_result *r);

#endif
