/*
 * timeline.h - everything that happened to one message, in time order.
 *
 * The events come from the two records every change already leaves: the
 * audit log (registration and every transition, with its payload) and the
 * SMS outbox (each text queued for the citizen, and whether it was sent).
 * Nothing is kept twice, so the timeline cannot drift from the facts: a
 * transition that is audited is on it.  Identity reads ("msg.identity_read")
 * are audit matters, not events of the message, and are left out.
 *
 * Events are ordered by time, then by the order they were written (an SMS
 * after the transition that queued it in the same second).
 */
#ifndef HAMGAN_CORE_TIMELINE_H
#define HAMGAN_CORE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/audit.h"
#include "core/msg.h"
#include "core/sms.h"

struct core;
struct actor;

struct msg_event {
	int64_t at;
	/* "register", "refer", "start", "transfer", "return", "answer",
	 * "close", "reject", "verdict", "grade", "reopen", or "sms" */
	char event[CAP_CODE];
	char actor[CAP_CODE];		/* the audit actor label; "" for "sms" */
	const char *payload;		/* the audit payload (JSON object), "{}" for sms */
	/* the referral hop this event made (refer, transfer, return, and any
	 * reopen: the inspector's, a grade's or an objection's) */
	bool has_hop;
	struct referral hop;
	/* "sms" only */
	bool sms_hidden;		/* confidential and the reader is a unit: no number, no text */
	char sms_to[12];
	const char *sms_text;		/* "" when hidden */
	enum sms_state sms_state;
	int64_t order;			/* tie-break: write order */
};

/*
 * The timeline of message m (a record the caller read: msg_get and the
 * like; it is not read again) as actor a may see it (same rights as
 * msg_get: ERR_NOTFOUND out of their sight, ERR_DENIED).  For a
 * confidential message an actor that does not see identities (units,
 * managers, admins) gets the SMS events without the number and the text
 * (sms_hidden).  At most CAP_TIMELINE events, the oldest; *cut says more
 * were left out.  *out is one malloc'd block that also holds the texts
 * the events point to: free(*out) frees them all.
 */
int msg_timeline(struct core *c, const struct actor *a, const struct msg *m,
		 struct msg_event **out, size_t *n, bool *cut, struct err *err);

/* One step of a message as the citizen is told of it (msg_public_timeline). */
struct msg_public_event {
	int64_t at;
	/* "registered", "referred", "in_progress", "under_review", "answered",
	 * "closed", "rejected", "reopened", or "sms" (static strings) */
	const char *event;
	const char *sms_text;	/* "sms": the text; NULL otherwise */
	bool sms_sent;		/* "sms": sent, not only queued */
	int64_t order;		/* tie-break: write order */
};

/*
 * What the citizen is told happened to message m (the tracking page,
 * Open311's updates), in time order: each transition by its public name
 * (a transfer is "referred", a return "under_review"; a verdict that
 * accepts closes, one that objects reopens) and, when texts is true, each
 * SMS queued for the citizen with its text ("sms").  A grade that does not
 * reopen and a verdict on a message already closed are the inspectors'
 * business and are left out, as are notes and identity reads.  Read from
 * the audit entries' steps (store op audit_steps, which reads only the
 * members it needs of a payload), so a look-up makes no payload's text.
 * Rights as msg_timeline; the events of the first CAP_TIMELINE
 * transitions and texts.  *out is one malloc'd block that also holds the
 * texts: free(*out) frees them all.
 */
int msg_public_timeline(struct core *c, const struct actor *a, const struct msg *m,
			bool texts, struct msg_public_event **out, size_t *n,
			struct err *err);
/* The same of a message the citizen looked up with its code and mobile
 * (msg_public_get: that pair is the right to read it). */
int msg_public_timeline_of(struct core *c, const struct msg_public *p, bool texts,
			   struct msg_public_event **out, size_t *n, struct err *err);

#endif
