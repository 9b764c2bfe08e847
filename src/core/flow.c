/*
 * flow.c - the message state machine.  flow_check() is the whole rule table
 * (who may apply which transition from which state); transition() runs one
 * change as a single store transaction: message, referral hop, audit entry,
 * SMS, report aggregates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"
#include "core/agg.h"
#include "core/audit.h"
#include "core/bulk.h"
#include "core/category.h"
#include "core/core_int.h"
#include "core/flow.h"
#include "core/sms.h"
#include "core/unit.h"

#define R(x) (1u << (x))
#define S(x) (1u << (x))

/* Every transition once: its name (the audit's "msg.NAME" and the API's
 * action), the roles that may apply it and the states it leaves from. */
static const struct {
	const char *name;
	unsigned roles;
	unsigned from;
} rules[TR_COUNT] = {
	[TR_REFER] = { "refer", R(ROLE_OPERATOR) | R(ROLE_SYSTEM),
		       S(STATE_REGISTERED) | S(STATE_RETURNED) | S(STATE_REFERRED) },
	[TR_START] = { "start", R(ROLE_STAFF) | R(ROLE_MANAGER),
		       S(STATE_REFERRED) | S(STATE_REOPENED) },
	[TR_TRANSFER] = { "transfer", R(ROLE_STAFF) | R(ROLE_MANAGER),
			  S(STATE_REFERRED) | S(STATE_IN_PROGRESS) | S(STATE_REOPENED) },
	[TR_RETURN] = { "return", R(ROLE_STAFF) | R(ROLE_MANAGER),
			S(STATE_REFERRED) | S(STATE_IN_PROGRESS) | S(STATE_REOPENED) },
	[TR_ANSWER] = { "answer", R(ROLE_STAFF) | R(ROLE_MANAGER),
			S(STATE_REFERRED) | S(STATE_IN_PROGRESS) | S(STATE_REOPENED) },
	[TR_CLOSE] = { "close", R(ROLE_OPERATOR) | R(ROLE_INSPECTOR) | R(ROLE_SYSTEM),
		       S(STATE_ANSWERED) },
	[TR_REJECT] = { "reject", R(ROLE_OPERATOR) | R(ROLE_SYSTEM) | R(ROLE_STAFF) |
			R(ROLE_MANAGER), S(STATE_REGISTERED) | S(STATE_RETURNED) },
	[TR_VERDICT] = { "verdict", R(ROLE_CITIZEN) | R(ROLE_OPERATOR) | R(ROLE_SYSTEM),
			 S(STATE_ANSWERED) | S(STATE_CLOSED) },
	[TR_GRADE] = { "grade", R(ROLE_INSPECTOR), S(STATE_ANSWERED) | S(STATE_CLOSED) },
	[TR_REOPEN] = { "reopen", R(ROLE_INSPECTOR), S(STATE_ANSWERED) | S(STATE_CLOSED) },
};

const char *transition_name(enum transition t)
{
	if ((int)t < 0 || t >= TR_COUNT)
		return "?";
	return rules[t].name;
}

/* A unit marks a message it holds a duplicate of another (issue 14): from
 * these states instead of the centre's. */
#define UNIT_REJECT_FROM (S(STATE_REFERRED) | S(STATE_IN_PROGRESS) | S(STATE_REOPENED))

static bool unit_role(const struct actor *a)
{
	return a->role == ROLE_STAFF || a->role == ROLE_MANAGER;
}

int flow_check(const struct actor *a, enum transition t, const struct msg *m, bool in_scope,
	       struct err *err)
{
	unsigned from;

	if ((int)t < 0 || t >= TR_COUNT)
		return err_set(err, ERR_INVALID, "", "unknown transition");
	if ((int)a->role < 0 || a->role >= ROLE_COUNT || !(rules[t].roles & R(a->role)))
		return err_set(err, ERR_DENIED, "", "a %s may not %s a message",
			       role_name(a->role), rules[t].name);
	if ((a->role == ROLE_STAFF || a->role == ROLE_MANAGER) && !in_scope)
		return err_set(err, ERR_DENIED, "", "message %s is not in your unit", m->code);
	if (a->role == ROLE_CITIZEN && (!a->citizen_id || a->citizen_id != m->citizen_id))
		return err_set(err, ERR_DENIED, "", "message %s is not yours", m->code);
	from = (t == TR_REJECT && unit_role(a)) ? UNIT_REJECT_FROM : rules[t].from;
	if ((int)m->state < 0 || m->state >= STATE_COUNT || !(from & S(m->state)))
		return err_set(err, ERR_CONFLICT, "state", "cannot %s message %s: it is %s",
			       rules[t].name, m->code, msg_state_name(m->state));
	if (t == TR_VERDICT && m->verdict != VERDICT_NONE)
		return err_set(err, ERR_CONFLICT, "state", "message %s already has the citizen's "
			       "verdict", m->code);
	return 0;
}

/* The arguments of every transition; each uses its own. */
struct tr_args {
	int64_t to_unit;
	int64_t category_id;
	int deadline_hours;
	const char *text;		/* reason, note or answer */
	enum return_reason return_reason;
	enum reject_reason reject_reason;
	int64_t duplicate_of;
	enum verdict verdict;
	int rating;
	enum grade grade;
	bool reopen;
};

/* Deadline hours for m: its category's, else the default. */
static int deadline_hours(struct core *c, const struct msg *m, int *hours, struct err *err)
{
	struct category cat;
	int rc;

	*hours = c->cfg.default_deadline_hours;
	if (!m->category_id)
		return 0;
	rc = OPS(c)->category_get(c->st, m->category_id, &cat, err);
	if (rc < 0)
		return rc;
	*hours = cat.deadline_hours;
	return 0;
}

static int hop(struct core *c, const struct actor *a, const struct msg *m, enum hop_kind kind,
	       int64_t from, const char *reason, struct err *err)
{
	struct referral r;

	memset(&r, 0, sizeof(r));
	r.msg_id = m->id;
	r.kind = kind;
	r.from_unit = from;
	r.to_unit = m->unit_id;
	r.actor_id = a->user_id;
	actor_label(a, r.actor, sizeof(r.actor));
	str_copy(r.reason, sizeof(r.reason), reason ? reason : "");
	str_utf8_trim_partial(r.reason);
	r.deadline = m->due_at;
	r.at = core_now(c);
	return OPS(c)->referral_insert(c->st, &r, err);
}

/* Classify m under category id (a leaf that takes m's kind). */
static int reclassify(struct core *c, struct msg *m, int64_t id, struct err *err)
{
	struct category cat;
	bool kids;
	int rc = OPS(c)->category_get(c->st, id, &cat, err);

	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_INVALID, "category", "no such category");
	if (rc < 0)
		return rc;
	rc = OPS(c)->category_has_children(c->st, id, &kids, err);
	if (rc < 0)
		return rc;
	if (kids || !cat.active)
		return err_set(err, ERR_INVALID, "category", "category '%s' is not an active leaf",
			       cat.code);
	if (!(cat.kinds & (1u << m->kind)))
		return err_set(err, ERR_INVALID, "category", "category '%s' does not take kind %s",
			       cat.code, msg_kind_name(m->kind));
	m->category_id = id;
	if (m->kind == KIND_COMPLAINT && cat.confidential)
		m->confidential = true;
	return 0;
}

/* Send m back to its unit with a fresh deadline (objection, grade or the
 * inspector's reopen); the hop's reason is "why" or "why: text". */
static int reopen(struct core *c, const struct actor *a, struct msg *m, const char *why,
		  const char *text, struct err *err)
{
	char reason[CAP_NOTE + 1];
	int64_t now = core_now(c);
	int hours, rc = deadline_hours(c, m, &hours, err);

	if (rc < 0)
		return rc;
	snprintf(reason, sizeof(reason), "%s%s%s", why, text && *text ? ": " : "",
		 text ? text : "");
	m->state = STATE_REOPENED;
	m->referred_at = now;
	m->due_at = now + (int64_t)hours * HOUR;
	m->closed_at = 0;
	m->reopen_count++;
	return hop(c, a, m, HOP_REOPEN, 0, reason, err);
}

/* The per-transition part: validate the arguments against the store and
 * change m (a copy of before) and, for the transitions that change a text
 * (answer, grade), its texts t (read before the call). */
static int apply(struct core *c, const struct actor *a, enum transition t, struct msg *m,
		 struct msg_text *tx, const struct tr_args *x, struct buf *p, struct err *err)
{
	int64_t now = core_now(c), from = m->unit_id;
	struct unit to, centre;
	struct msg other;
	bool yes;
	int hours, rc;

	switch (t) {
	case TR_REFER:
		rc = OPS(c)->unit_get(c->st, x->to_unit, &to, err);
		if (rc == ERR_NOTFOUND)
			return err_set(err, ERR_INVALID, "unit", "no such unit");
		if (rc < 0)
			return rc;
		if (!to.active || to.kind == UNIT_CENTRE)
			return err_set(err, ERR_INVALID, "unit", "cannot refer to unit '%s'",
				       to.code);
		if (x->category_id) {
			rc = reclassify(c, m, x->category_id, err);
			if (rc < 0)
				return rc;
		}
		if (x->deadline_hours) {
			hours = x->deadline_hours;
		} else {
			rc = deadline_hours(c, m, &hours, err);
			if (rc < 0)
				return rc;
		}
		m->state = STATE_REFERRED;
		m->unit_id = to.id;
		m->referred_at = now;
		m->due_at = now + (int64_t)hours * HOUR;
		if (!m->first_referred_at) {
			m->first_referred_at = now;
			m->first_referred_unit = to.id;
		}
		m->referral_count++;
		payload_str(p, "to", to.code);
		payload_int(p, "due_at", m->due_at);
		return hop(c, a, m, HOP_REFER, from, x->text, err);
	case TR_START:
		m->state = STATE_IN_PROGRESS;
		return 0;
	case TR_TRANSFER:
		rc = OPS(c)->unit_get(c->st, x->to_unit, &to, err);
		if (rc == ERR_NOTFOUND)
			return err_set(err, ERR_INVALID, "unit", "no such unit");
		if (rc < 0)
			return rc;
		rc = OPS(c)->unit_within(c->st, a->unit_id, to.id, &yes, err);
		if (rc < 0)
			return rc;
		if (!yes)
			return err_set(err, ERR_DENIED, "unit", "unit '%s' is outside your unit",
				       to.code);
		if (!to.active || to.id == m->unit_id)
			return err_set(err, ERR_INVALID, "unit", "cannot transfer to unit '%s'",
				       to.code);
		m->state = STATE_REFERRED;
		m->unit_id = to.id;
		m->referred_at = now;
		m->referral_count++;
		payload_str(p, "to", to.code);
		return hop(c, a, m, HOP_TRANSFER, from, x->text, err);
	case TR_RETURN:
		rc = unit_centre(c, &centre, err);
		if (rc < 0)
			return rc;
		m->state = STATE_RETURNED;
		m->unit_id = centre.id;
		m->return_reason = x->return_reason;
		m->return_count++;
		payload_str(p, "reason", return_reason_name(x->return_reason));
		{
			char why[CAP_NOTE + 1];

			snprintf(why, sizeof(why), "%s%s%s", return_reason_name(x->return_reason),
				 x->text && *x->text ? ": " : "", x->text ? x->text : "");
			return hop(c, a, m, HOP_RETURN, from, why, err);
		}
	case TR_ANSWER:
		m->state = STATE_ANSWERED;
		m->answered_at = now;
		str_copy(tx->answer, sizeof(tx->answer), x->text);
		/* a new answer is judged afresh */
		m->verdict = VERDICT_NONE;
		m->rating = 0;
		m->verdict_at = 0;
		m->grade = GRADE_NONE;
		tx->grade_note[0] = '\0';
		m->graded_at = 0;
		m->graded_by = 0;
		payload_str(p, "answer", x->text);
		return 0;
	case TR_CLOSE:
		m->state = STATE_CLOSED;
		m->closed_at = now;
		return 0;
	case TR_REJECT:
		if (unit_role(a) && x->reject_reason != REJECT_DUPLICATE)
			return err_set(err, ERR_DENIED, "reason", "a unit rejects a message only as a "
				       "duplicate of another");
		if (x->reject_reason == REJECT_DUPLICATE) {
			if (!x->duplicate_of || x->duplicate_of == m->id)
				return err_set(err, ERR_INVALID, "duplicate_of", "a duplicate names "
					       "another message");
			rc = OPS(c)->msg_get(c->st, x->duplicate_of, &other, err);
			/* a unit names only a message it may read */
			if (rc == 0)
				rc = msg_may_read(c, a, &other, NULL);
			if (rc == ERR_NOTFOUND)
				return err_set(err, ERR_INVALID, "duplicate_of", "no such message");
			if (rc < 0)
				return rc;
		} else if (x->duplicate_of) {
			return err_set(err, ERR_INVALID, "duplicate_of", "only a duplicate names "
				       "another message");
		}
		m->state = STATE_REJECTED;
		m->reject_reason = x->reject_reason;
		m->duplicate_of = x->duplicate_of;
		m->closed_at = now;
		payload_str(p, "reason", reject_reason_name(x->reject_reason));
		payload_int(p, "duplicate_of", x->duplicate_of);
		return 0;
	case TR_VERDICT:
		if (x->verdict == VERDICT_ACCEPT)
			m->accepts++;
		else
			m->objections++;
		m->verdict = x->verdict;
		m->rating = x->rating;
		m->verdict_at = now;
		payload_str(p, "verdict", verdict_name(x->verdict));
		payload_int(p, "rating", x->rating);
		if (x->text && *x->text)
			payload_str(p, "why", x->text);
		if (x->verdict == VERDICT_ACCEPT) {
			if (m->state != STATE_CLOSED) {
				m->state = STATE_CLOSED;
				m->closed_at = now;
			}
			return 0;
		}
		return reopen(c, a, m, "objection", x->text, err);
	case TR_GRADE:
		m->grade = x->grade;
		str_copy(tx->grade_note, sizeof(tx->grade_note), x->text ? x->text : "");
		m->graded_at = now;
		m->graded_by = a->user_id;
		payload_str(p, "grade", grade_name(x->grade));
		payload_str(p, "note", x->text);
		if (x->reopen)
			return reopen(c, a, m, "inspector", NULL, err);
		return 0;
	case TR_REOPEN:
		payload_str(p, "note", x->text);
		return reopen(c, a, m, "inspector", x->text, err);
	case TR_COUNT:
		break;
	}
	return err_set(err, ERR_INVALID, "", "unknown transition");
}

static int transition(struct core *c, const struct actor *a, enum transition t, int64_t id,
		      int64_t expected_version, const struct tr_args *x, struct msg *out,
		      struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct msg before_rec, after_rec, *before = &before_rec, *after = &after_rec;
	/* only answer and grade change a text: the others never read one */
	struct msg_text *tx = (t == TR_ANSWER || t == TR_GRADE) ? &c->scratch->text : NULL;
	struct bulk_held *held = bulk_held_for(c, id);
	char action[CAP_CODE];
	bool in_scope = false;
	int rc = core_begin(c, err);

	if (rc < 0)
		goto out;
	if (held) {
		*before = *held->m;
		if (tx)
			tx = held->tx;
	} else {
		rc = OPS(c)->msg_get(c->st, id, before, err);
	}
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "id", "no message %lld", (long long)id);
	if (rc < 0)
		goto fail;
	rc = actor_unit_scope(c, a, before->unit_id, &in_scope, err);
	if (rc < 0)
		goto fail;
	rc = flow_check(a, t, before, in_scope, err);
	if (rc < 0)
		goto fail;
	if (expected_version && expected_version != before->version) {
		rc = err_set(err, ERR_CONFLICT, "version", "message %s was changed meanwhile "
			     "(version %lld, not %lld)", before->code, (long long)before->version,
			     (long long)expected_version);
		goto fail;
	}
	if (tx && !held) {
		rc = OPS(c)->msg_text_get(c->st, id, tx, err);
		if (rc < 0)
			goto fail;
	}
	*after = *before;
	payload_begin(&p);
	payload_str(&p, "code", before->code);
	payload_str(&p, "from", msg_state_name(before->state));
	rc = apply(c, a, t, after, tx, x, &p, err);
	if (rc < 0)
		goto fail;
	payload_str(&p, "to_state", msg_state_name(after->state));
	payload_end(&p);
	if (buf_error(&p)) {
		rc = err_set(err, ERR_TOOBIG, "", "audit payload too large");
		goto fail;
	}
	after->version = before->version + 1;
	after->updated_at = core_now(c);
	if (held)
		*held->m = *after;	/* written once, by bulk_save */
	else
		rc = OPS(c)->msg_update(c->st, after, tx, err);
	if (rc < 0)
		goto fail;
	/* a message handed on (transfer, return) leaves its assignee behind */
	if (t == TR_TRANSFER || t == TR_RETURN) {
		rc = OPS(c)->assign_set(c->st, after->id, 0, after->updated_at, err);
		if (rc < 0)
			goto fail;
	}
	snprintf(action, sizeof(action), "msg.%s", rules[t].name);
	rc = audit_append(c, a, action, after->id, p.data, err);
	if (rc == 0 && t == TR_ANSWER && msg_texts_citizen(after) && tx->citizen_mobile[0]) {
		char text[CAP_SMS_TEXT + 1];

		rc = sms_text_answered(after, tx->answer, text, sizeof(text));
		if (rc == 0)
			rc = sms_queue(c, tx->citizen_mobile, text, after->id, err);
		else
			rc = err_set(err, rc, "", "cannot make the SMS text");
	}
	if (rc == 0 && !c->agg_deferred)
		rc = agg_on_change(c->st, before, after, after->updated_at, err);
	if (rc < 0)
		goto fail;
	rc = core_commit(c, err);
	if (rc == 0 && out) {
		*out = *after;
		msg_hide_identity(out);
	}
	goto out;
fail:
	core_rollback(c);
out:
	buf_release(&p);
	return rc;
}

static int note_check(const char *field, const char *s, size_t max, bool required,
		      struct err *err)
{
	return text_check(field, s, max, required, true, err);
}

int msg_refer(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	      int64_t to_unit, int64_t category_id, int hours, const char *reason,
	      struct msg *out, struct err *err)
{
	struct tr_args x = { .to_unit = to_unit, .category_id = category_id,
			     .deadline_hours = hours, .text = reason };
	int rc;

	if (hours < 0 || hours > CAP_DEADLINE_HOURS)
		return err_set(err, ERR_INVALID, "deadline_hours", "the deadline must be 1..%d hours",
			       CAP_DEADLINE_HOURS);
	rc = note_check("reason", reason, CAP_NOTE, false, err);
	if (rc < 0)
		return rc;
	return transition(c, a, TR_REFER, id, expected_version, &x, out, err);
}

int msg_start(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	      struct msg *out, struct err *err)
{
	struct tr_args x = { 0 };

	return transition(c, a, TR_START, id, expected_version, &x, out, err);
}

int msg_transfer(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
		 int64_t to_unit, const char *reason, struct msg *out, struct err *err)
{
	struct tr_args x = { .to_unit = to_unit, .text = reason };
	int rc = note_check("reason", reason, CAP_NOTE, false, err);

	if (rc < 0)
		return rc;
	return transition(c, a, TR_TRANSFER, id, expected_version, &x, out, err);
}

int msg_return(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	       enum return_reason why, const char *note, struct msg *out, struct err *err)
{
	struct tr_args x = { .return_reason = why, .text = note };
	int rc;

	if ((int)why <= RETURN_NONE || why >= RETURN_COUNT)
		return err_set(err, ERR_INVALID, "reason", "a return needs a reason (not_ours, "
			       "wrong_region, outside_remit, incomplete)");
	rc = note_check("note", note, CAP_NOTE - 32, false, err);
	if (rc < 0)
		return rc;
	return transition(c, a, TR_RETURN, id, expected_version, &x, out, err);
}

int msg_answer(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	       const char *answer, struct msg *out, struct err *err)
{
	struct tr_args x = { .text = answer };
	int rc = note_check("answer", answer, CAP_MSG_ANSWER, true, err);

	if (rc < 0)
		return rc;
	return transition(c, a, TR_ANSWER, id, expected_version, &x, out, err);
}

int msg_close(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	      struct msg *out, struct err *err)
{
	struct tr_args x = { 0 };

	return transition(c, a, TR_CLOSE, id, expected_version, &x, out, err);
}

int msg_reject(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	       enum reject_reason why, int64_t duplicate_of, const char *note, struct msg *out,
	       struct err *err)
{
	struct tr_args x = { .reject_reason = why, .duplicate_of = duplicate_of, .text = note };
	int rc;

	if ((int)why <= REJECT_NONE || why >= REJECT_COUNT)
		return err_set(err, ERR_INVALID, "reason", "a rejection needs a reason (incomplete, "
			       "duplicate, outside_remit, abusive)");
	rc = note_check("note", note, CAP_NOTE, false, err);
	if (rc < 0)
		return rc;
	return transition(c, a, TR_REJECT, id, expected_version, &x, out, err);
}

int msg_verdict(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
		enum verdict v, int rating, struct msg *out, struct err *err)
{
	return msg_verdict_why(c, a, id, expected_version, v, rating, NULL, out, err);
}

int msg_verdict_why(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
		    enum verdict v, int rating, const char *why, struct msg *out,
		    struct err *err)
{
	struct tr_args x = { .verdict = v, .rating = rating, .text = why };
	int rc;

	if (v != VERDICT_ACCEPT && v != VERDICT_OBJECT)
		return err_set(err, ERR_INVALID, "verdict", "the verdict is accept or object");
	if (rating < 0 || rating > 5)
		return err_set(err, ERR_INVALID, "rating", "the rating is 1..5");
	if (why && *why && v != VERDICT_OBJECT)
		return err_set(err, ERR_INVALID, "reason", "only an objection says why");
	rc = note_check("reason", why, CAP_OBJECTION, false, err);
	if (rc < 0)
		return rc;
	return transition(c, a, TR_VERDICT, id, expected_version, &x, out, err);
}

int msg_grade(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	      enum grade g, const char *note, bool reopen_it, struct msg *out, struct err *err)
{
	struct tr_args x = { .grade = g, .text = note, .reopen = reopen_it };
	int rc;

	if (g != GRADE_ACCEPTABLE && g != GRADE_UNACCEPTABLE)
		return err_set(err, ERR_INVALID, "grade", "the grade is acceptable or unacceptable");
	if (reopen_it && g != GRADE_UNACCEPTABLE)
		return err_set(err, ERR_INVALID, "reopen", "only an unacceptable answer is "
			       "reopened");
	rc = note_check("note", note, CAP_NOTE, false, err);
	if (rc < 0)
		return rc;
	return transition(c, a, TR_GRADE, id, expected_version, &x, out, err);
}

int msg_reopen(struct core *c, const struct actor *a, int64_t id, int64_t expected_version,
	       const char *note, struct msg *out, struct err *err)
{
	struct tr_args x = { .text = note };
	int rc = note_check("note", note, CAP_NOTE - 16, false, err);

	if (rc < 0)
		return rc;
	return transition(c, a, TR_REOPEN, id, expected_version, &x, out, err);
}
