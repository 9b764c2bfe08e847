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

#endif
