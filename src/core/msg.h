/*
 * msg.h - the message (a citizen's criticism, complaint, suggestion,
 * appreciation or service request) and its reads.
 *
 * Registration and every later change go through the state machine in
 * core/flow.h; the record and its enums are model/msg.h; this header holds
 * intake (msg_register) and reads.
 *
 * A message is read as a small record (struct msg: ids, state, times,
 * counters) and, only when asked for, its texts (struct msg_text: subject,
 * body, address, answer, grade note and the citizen's identity).  Lists and
 * searches hand back records; a front end that shows a row's texts reads
 * them one row at a time with msg_text_get.
 *
 * Confidentiality is enforced here, in the read functions: when a message is
 * confidential and the reader is not an operator, inspector or the system,
 * identity_hidden is set on the record and the citizen's name, mobile and
 * national id in its texts come back blank.  A read that does reveal a
 * confidential identity (msg_get with texts by an operator, inspector or the
 * system) writes an audit entry ("msg.identity_read"); a read of the record
 * alone reveals nothing and marks the identity hidden.  Complaints filed
 * under a category marked confidential are confidential.
 *
 * Times are seconds since the epoch, UTC; 0 means "not yet".
 */
#ifndef HAMGAN_CORE_MSG_H
#define HAMGAN_CORE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "model/msg.h"

struct core;
struct actor;

/* What intake fills; strings may be NULL (empty). */
struct msg_new {
	enum msg_channel channel;
	enum msg_kind kind;
	int64_t category_id;		/* 0: classify later (at referral) */
	const char *subject;		/* required (SMS: made from the body) */
	const char *body;		/* required */
	const char *address;
	bool has_point;
	double lat, lon;
	int64_t region_id;		/* a unit of kind region, or 0 */
	bool anonymous;			/* no citizen: mobile etc. must be empty */
	const char *mobile;		/* required unless anonymous */
	const char *citizen_name;
	const char *national_id;
	bool confidential;
	enum msg_priority priority;
	int64_t live_session_id;	/* required for CHANNEL_LIVE */
	bool no_route;			/* the caller refers it itself (imports, the
					 * demo): no routing by place or rule */
	const char *search;		/* msg_search_text(subject, body) made
					 * beforehand, outside the transaction (the
					 * server's worker threads do, so that the
					 * writer does not), or NULL: made here */
};

/*
 * The search index's text of a message: the index terms of subject and body
 * (fa_index_text), in *out (malloc'd; free it).  msg_register makes it
 * unless msg_new.search brings it.
 */
int msg_search_text(const char *subject, const char *body, char **out, struct err *err);

/*
 * Register a new message (state registered, current unit the centre) with a
 * fresh tracking code, and in the same transaction: the citizen, the audit
 * entry, the SMS with the tracking code (when msg_texts_citizen),
 * agg_on_change(NULL, m).  Who may:
 * operator (phone, live), manager (live, in their sessions), citizen (web,
 * open311), system (sms, and any channel for imports).  *out (may be NULL)
 * gets the message as the actor may see it.
 *
 * Place (docs/routing.md): a point inside a region's boundary sets the
 * region (on the web, SMS and Open311 channels it replaces the one given;
 * elsewhere it fills an empty one), and a web, SMS or Open311 message is
 * then referred by the system ("system:place"), in the same transaction,
 * to the unit its category's rule or its place names; otherwise it stays
 * with the centre.  in->no_route turns all of this off.  Its texts, as the
 * actor may see them: msg_text_get(c, out, ...).
 */
int msg_register(struct core *c, const struct actor *a, const struct msg_new *in,
		 struct msg *out, struct err *err);

/*
 * Read one message as actor a may see it: ERR_NOTFOUND when it does not
 * exist and, with the same words, when it is outside the actor's rights
 * (staff and managers see messages whose current unit is in their subtree;
 * operators, inspectors, admins and the system see all; a citizen actor
 * only their own), so that a code's existence is not told to whoever may
 * not read it.  For readers who do not see identities, a duplicate link
 * between a confidential message and another is cleared (duplicate_of 0).
 * text (may be NULL: the record only) gets the texts as the actor may see
 * them; on any error out and text are zeroed.
 */
int msg_get(struct core *c, const struct actor *a, int64_t id, struct msg *out,
	    struct msg_text *text, struct err *err);
int msg_get_by_code(struct core *c, const struct actor *a, const char *code, struct msg *out,
		    struct msg_text *text, struct err *err);
/* The citizen's look-up: tracking code + mobile must both match, else
 * ERR_NOTFOUND (the same answer whichever was wrong).  The record only. */
int msg_get_for_citizen(struct core *c, const char *code, const char *mobile, struct msg *out,
			struct err *err);
/* The same look-up for the tracking page: the citizen's view of the message
 * (struct msg_public), in one read; on any error out is zeroed. */
int msg_public_get(struct core *c, const char *code, const char *mobile, struct msg_public *out,
		   struct err *err);

/*
 * The texts of m, a record the core handed this reader (msg_get, a search,
 * a list, a transition's result): read rights were checked with the record,
 * and the citizen's identity comes back blank when m->identity_hidden (or
 * the message is anonymous), as that read decided.  For a row of a list,
 * read one row's texts at a time.  ERR_NOTFOUND when the message is gone.
 */
int msg_text_get(struct core *c, const struct msg *m, struct msg_text *out, struct err *err);

/* The referral chain of a message, oldest first (*out malloc'd). Same rights
 * as msg_get. */
int msg_referrals(struct core *c, const struct actor *a, int64_t msg_id, struct referral **out,
		  size_t *n, struct err *err);

/*
 * Caller history for the operator's screen: every message of this mobile,
 * newest first, at most max (<= CAP_HISTORY).  Operators, inspectors and the
 * system; a manager (a live session's host) gets the messages in the unit's
 * subtree that are not confidential.  Audited.  *out malloc'd.
 */
int msg_history_by_mobile(struct core *c, const struct actor *a, const char *mobile, size_t max,
			  struct msg **out, size_t *n, struct err *err);

/*
 * Overdue messages (due_at < now and not answered, closed or rejected)
 * ordered by current unit, then deadline; staff/managers get their subtree
 * only.  *out malloc'd, at most max.
 */
int msg_overdue(struct core *c, const struct actor *a, size_t max, struct msg **out, size_t *n,
		struct err *err);

/* Whether the citizen of m gets SMS (tracking code, answer): only when
 * there is a mobile, and never for the open311 channel (docs/open311.md). */
bool msg_texts_citizen(const struct msg *m);

/* True when m is overdue at now. */
bool msg_is_overdue(const struct msg *m, int64_t now);

#endif
