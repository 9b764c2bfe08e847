/*
 * flow.h - the message state machine: one function per transition.
 *
 * Each transition, in one store transaction: reads the message, checks the
 * actor's role and unit scope and the message's state, writes the new state
 * (version + 1), its referral hop when there is one, the audit entry, the SMS
 * outbox row when the citizen is told, and calls agg_on_change(before, after).
 * Errors: ERR_DENIED (role or scope), ERR_CONFLICT (the message is not in a
 * state this transition leaves from, e.g. it already moved on; or
 * expected_version is non-zero and differs), ERR_INVALID (bad argument),
 * ERR_NOTFOUND.  On any error nothing is written.  *out may be NULL; when
 * given it gets the message after the change, as msg_get would return it.
 *
 * Who may do what is docs/core.md's table; flow_check() is that table.
 */
#ifndef HAMGAN_CORE_FLOW_H
#define HAMGAN_CORE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/msg.h"

struct core;
struct actor;

enum transition {
	TR_REFER = 0,	/* operator: registered/returned/referred -> referred */
	TR_START,	/* unit: referred/reopened -> in_progress */
	TR_TRANSFER,	/* unit: referred/in_progress/reopened -> referred (to a unit in its subtree) */
	TR_RETURN,	/* unit: referred/in_progress/reopened -> returned */
	TR_ANSWER,	/* unit: referred/in_progress/reopened -> answered */
	TR_CLOSE,	/* operator/inspector/system: answered -> closed */
	TR_REJECT,	/* operator: registered/returned -> rejected; unit (as a duplicate
			 * only): referred/in_progress/reopened -> rejected */
	TR_VERDICT,	/* citizen/operator/system: answered/closed (no verdict yet) -> closed or reopened */
	TR_GRADE,	/* inspector: answered/closed -> same, or reopened */
	TR_REOPEN,	/* inspector: answered/closed -> reopened (no grade) */
	TR_COUNT
};

const char *transition_name(enum transition t);

/*
 * The rule table, without touching the store: may actor a apply t to m, given
 * in_scope (m's current unit is in a's unit subtree)?  0, ERR_DENIED (role or
 * scope) or ERR_CONFLICT (state).  The role is checked before the state.
 */
int flow_check(const struct actor *a, enum transition t, const struct msg *m, bool in_scope,
	       struct err *err);

/* Refer to unit to_unit.  category_id non-zero (re)classifies the message
 * first; deadline_hours > 0 overrides the category's deadline.  reason may be
 * NULL. */
int msg_refer(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	      int64_t to_unit, int64_t category_id, int deadline_hours, const char *reason,
	      struct msg *out, struct err *err);
int msg_start(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	      struct msg *out, struct err *err);
/* Move to to_unit inside the actor's unit subtree; the deadline stays. */
int msg_transfer(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
		 int64_t to_unit, const char *reason, struct msg *out, struct err *err);
/* "Not ours": back to the centre (state returned) with a reason code. */
int msg_return(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	       enum return_reason why, const char *note, struct msg *out, struct err *err);
/* Answer (text required); the answer goes to the citizen by SMS. */
int msg_answer(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	       const char *answer, struct msg *out, struct err *err);
int msg_close(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	      struct msg *out, struct err *err);
/* Reject; REJECT_DUPLICATE needs duplicate_of (another existing message).
 * Staff and managers may reject a message in their unit only as a duplicate
 * of another they may read (the likely-duplicates flag, core/nearby.h). */
int msg_reject(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	       enum reject_reason why, int64_t duplicate_of, const char *note, struct msg *out,
	       struct err *err);
/* The citizen's verdict: accept -> closed, object -> reopened with a new
 * deadline.  rating 0 (none) or 1..5.  A citizen actor must own the message. */
int msg_verdict(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
		enum verdict v, int rating, struct msg *out, struct err *err);
/* The same with the citizen's own words on why they object (why may be NULL;
 * only with VERDICT_OBJECT; <= CAP_OBJECTION bytes): kept on the reopen hop
 * ("objection: why") and in the audit entry, shown to the unit. */
int msg_verdict_why(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
		    enum verdict v, int rating, const char *why, struct msg *out,
		    struct err *err);
/* The inspector's grade with a note; reopen (only with GRADE_UNACCEPTABLE)
 * sends it back to the unit with a new deadline. */
int msg_grade(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	      enum grade g, const char *note, bool reopen, struct msg *out, struct err *err);
/* The inspector sends an answered or closed message back to its unit with a
 * new deadline, without grading it: the note is the reopen hop's reason
 * ("inspector: note"), never a grade. */
int msg_reopen(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	       const char *note, struct msg *out, struct err *err);

#endif
