/* test_flow.c - the message state machine: the rule table over every
 * (state, transition, role, scope), real transitions with their hops, audit
 * entries and SMS rows, stale transitions, and bad input changing nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include "core_fixture.h"
#include "core/sms.h"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	fx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_teardown(*state);
	free(*state);
	return 0;
}

static void vertical_slice(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct referral *hops;
	struct err err;
	int64_t count, bad;
	size_t n;

	assert_int_equal(fx_register(f, "+98 912 123 4567", KIND_CRITICISM, f->cat_roads, m), 0);
	assert_int_equal(strlen(m->code), 10);
	assert_int_equal(m->state, STATE_REGISTERED);
	assert_int_equal(m->unit_id, f->centre);
	assert_string_equal(fx_text(f, m)->citizen_mobile, FX_MOBILE);
	assert_int_equal(m->version, 1);
	assert_int_equal(fx_count(f, "sms_outbox"), 1);

	core_set_now(&f->c, FX_T0 + 60);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 1, f->r12, 0, 0, "برای اقدام", m, &err), 0);
	assert_int_equal(m->state, STATE_REFERRED);
	assert_int_equal(m->unit_id, f->r12);
	assert_int_equal(m->due_at, FX_T0 + 60 + 48 * 3600);	/* the category's 48 h */
	assert_int_equal(m->first_referred_at, FX_T0 + 60);
	assert_int_equal(m->first_referred_unit, f->r12);
	assert_int_equal(m->referral_count, 1);
	assert_int_equal(m->version, 2);

	core_set_now(&f->c, FX_T0 + 3600);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 2, "چاله پر شد", m, &err), 0);
	assert_int_equal(m->state, STATE_ANSWERED);
	assert_int_equal(m->answered_at, FX_T0 + 3600);
	assert_int_equal(fx_count(f, "sms_outbox"), 2);

	assert_int_equal(msg_referrals(&f->c, &f->op, m->id, &hops, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hops[0].kind, HOP_REFER);
	assert_int_equal(hops[0].from_unit, f->centre);
	assert_int_equal(hops[0].to_unit, f->r12);
	assert_int_equal(hops[0].deadline, FX_T0 + 60 + 48 * 3600);
	assert_string_equal(hops[0].actor, "op");
	assert_string_equal(hops[0].reason, "برای اقدام");
	free(hops);

	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), 0);
	assert_true(count >= 3);
	free(m);
}

/* ---- the rule table, restated independently of flow.c ---- */

enum { A_CIT_OWN, A_CIT_OTHER, A_OP, A_S12, A_S01, A_M12, A_M01, A_INSP, A_ADM, A_SYS, A_COUNT };
static const char *const actor_names[A_COUNT] = {
	"citizen(own)", "citizen(other)", "operator", "staff(in)", "staff(out)", "manager(in)",
	"manager(out)", "inspector", "admin", "system",
};

/* who may, by transition: letters c o s m i a y (citizen operator
 * staff/manager inspector admin system) */
static const struct {
	const char *roles;
	const char *from;	/* states, by first letters below */
} table[TR_COUNT] = {
	[TR_REFER] = { "oy", "registered returned referred" },
	[TR_START] = { "sm", "referred reopened" },
	[TR_TRANSFER] = { "sm", "referred in_progress reopened" },
	[TR_RETURN] = { "sm", "referred in_progress reopened" },
	[TR_ANSWER] = { "sm", "referred in_progress reopened" },
	[TR_CLOSE] = { "oiy", "answered" },
	[TR_REJECT] = { "osmy", "registered returned" },	/* units: see expected() */
	[TR_VERDICT] = { "coy", "answered closed" },
	[TR_GRADE] = { "i", "answered closed" },
	[TR_REOPEN] = { "i", "answered closed" },
};

static char role_letter(int a)
{
	switch (a) {
	case A_CIT_OWN: case A_CIT_OTHER: return 'c';
	case A_OP: return 'o';
	case A_S12: case A_S01: case A_M12: case A_M01: return a == A_S12 || a == A_S01 ? 's' : 'm';
	case A_INSP: return 'i';
	case A_ADM: return 'a';
	default: return 'y';
	}
}

static int expected(enum transition t, int a, enum msg_state s, int64_t unit, struct fx *f)
{
	char word[32];
	const char *p;
	bool in12 = unit == f->r12 || unit == f->d12;

	if (!strchr(table[t].roles, role_letter(a)))
		return ERR_DENIED;
	if ((a == A_S12 || a == A_M12) && !in12)
		return ERR_DENIED;
	if (a == A_S01 || a == A_M01)
		return ERR_DENIED;	/* no message is ever in region-01 here */
	if (a == A_CIT_OTHER)
		return ERR_DENIED;
	p = table[t].from;
	if (t == TR_REJECT && strchr("sm", role_letter(a)))
		p = "referred in_progress reopened";	/* a unit marks a duplicate */
	for (; *p;) {
		size_t n = strcspn(p, " ");

		memcpy(word, p, n);
		word[n] = '\0';
		if (str_eq(word, msg_state_name(s)))
			return 0;
		p += n;
		while (*p == ' ')
			p++;
	}
	return ERR_CONFLICT;
}

static struct actor actor_of(struct fx *f, int a, int64_t own_citizen)
{
	switch (a) {
	case A_CIT_OWN: return actor_citizen(own_citizen);
	case A_CIT_OTHER: return actor_citizen(own_citizen + 1000);
	case A_OP: return f->op;
	case A_S12: return f->s12;
	case A_S01: return f->s01;
	case A_M12: return f->m12;
	case A_M01: return f->m01;
	case A_INSP: return f->insp;
	case A_ADM: return f->adm;
	default: return f->sys;
	}
}

/* Bring a fresh message to state s. */
static void make_in_state(struct fx *f, enum msg_state s, struct msg *m)
{
	struct err err;
	struct actor cit;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	if (s == STATE_REGISTERED)
		return;
	if (s == STATE_REJECTED) {
		assert_int_equal(msg_reject(&f->c, &f->op, m->id, 0, REJECT_INCOMPLETE, 0, NULL, m,
					    &err), 0);
		return;
	}
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	if (s == STATE_REFERRED)
		return;
	if (s == STATE_RETURNED) {
		assert_int_equal(msg_return(&f->c, &f->s12, m->id, 0, RETURN_NOT_OURS, NULL, m, &err), 0);
		return;
	}
	assert_int_equal(msg_start(&f->c, &f->s12, m->id, 0, m, &err), 0);
	if (s == STATE_IN_PROGRESS)
		return;
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "انجام شد", m, &err), 0);
	if (s == STATE_ANSWERED)
		return;
	if (s == STATE_CLOSED) {
		assert_int_equal(msg_close(&f->c, &f->op, m->id, 0, m, &err), 0);
		return;
	}
	cit = actor_citizen(m->citizen_id);
	assert_int_equal(msg_verdict(&f->c, &cit, m->id, 0, VERDICT_OBJECT, 2, m, &err), 0);
	assert_int_equal(m->state, STATE_REOPENED);
}

/* The original a unit names when it marks a message a duplicate (in
 * region-12, so Region 12's staff may read it). */
static int64_t dup_original;

static int attempt(struct fx *f, enum transition t, const struct actor *a, struct msg *m,
		   struct err *err)
{
	if (t == TR_REJECT && (a->role == ROLE_STAFF || a->role == ROLE_MANAGER))
		return msg_reject(&f->c, a, m->id, 0, REJECT_DUPLICATE, dup_original, NULL, NULL,
				  err);
	switch (t) {
	case TR_REFER: return msg_refer(&f->c, a, m->id, 0, f->r12, 0, 0, NULL, NULL, err);
	case TR_START: return msg_start(&f->c, a, m->id, 0, NULL, err);
	case TR_TRANSFER: return msg_transfer(&f->c, a, m->id, 0, f->d12, NULL, NULL, err);
	case TR_RETURN: return msg_return(&f->c, a, m->id, 0, RETURN_WRONG_REGION, NULL, NULL, err);
	case TR_ANSWER: return msg_answer(&f->c, a, m->id, 0, "پاسخ", NULL, err);
	case TR_CLOSE: return msg_close(&f->c, a, m->id, 0, NULL, err);
	case TR_REJECT: return msg_reject(&f->c, a, m->id, 0, REJECT_ABUSIVE, 0, NULL, NULL, err);
	case TR_VERDICT: return msg_verdict(&f->c, a, m->id, 0, VERDICT_ACCEPT, 5, NULL, err);
	case TR_GRADE: return msg_grade(&f->c, a, m->id, 0, GRADE_ACCEPTABLE, "خوب", false, NULL, err);
	case TR_REOPEN: return msg_reopen(&f->c, a, m->id, 0, "دوباره ببینید", NULL, err);
	default: return ERR_INVALID;
	}
}

static void rule_table_every_combination(void **state)
{
	struct fx *f = *state;
	struct msg *base = calloc(STATE_COUNT, sizeof(*base));
	struct msg *m = calloc(1, sizeof(*m)), *after = calloc(1, sizeof(*after));
	struct err err;
	int s, t, a, allowed = 0, refused = 0, failures = 0;

	for (s = 0; s < STATE_COUNT; s++)
		make_in_state(f, (enum msg_state)s, &base[s]);
	{
		struct msg *orig = calloc(1, sizeof(*orig));

		make_in_state(f, STATE_REFERRED, orig);
		dup_original = orig->id;
		free(orig);
	}
	for (s = 0; s < STATE_COUNT; s++) {
		for (t = 0; t < TR_COUNT; t++) {
			for (a = 0; a < A_COUNT; a++) {
				struct actor act = actor_of(f, a, base[s].citizen_id);
				int want = expected((enum transition)t, a, (enum msg_state)s,
						    base[s].unit_id, f);
				int got;

				/* the pure rule function agrees with the restated table */
				bool in_scope = (a == A_S12 || a == A_M12) &&
						(base[s].unit_id == f->r12 || base[s].unit_id == f->d12);
				got = flow_check(&act, (enum transition)t, &base[s], in_scope, NULL);
				if (got != want) {
					print_error("flow_check %s %s by %s: got %d want %d\n",
						    transition_name(t), msg_state_name(s), actor_names[a],
						    got, want);
					failures++;
				}
				/* and so does the real transition on the database */
				if (want == 0) {
					make_in_state(f, (enum msg_state)s, m);
					act = actor_of(f, a, m->citizen_id);
					got = attempt(f, (enum transition)t, &act, m, &err);
					allowed++;
				} else {
					got = attempt(f, (enum transition)t, &act, &base[s], &err);
					refused++;
					assert_int_equal(msg_get(&f->c, &f->sys, base[s].id, after, NULL, NULL), 0);
					assert_int_equal(after->version, base[s].version);
					assert_int_equal(after->state, base[s].state);
				}
				if (got != want) {
					print_error("%s %s by %s: got %d (%s) want %d\n",
						    transition_name(t), msg_state_name(s), actor_names[a],
						    got, err.msg, want);
					failures++;
				}
			}
		}
	}
	assert_int_equal(failures, 0);
	assert_true(allowed > 40);
	assert_true(refused > 500);
	free(base);
	free(m);
	free(after);
}

static void stale_transition_is_conflict(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;
	int64_t v;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 1, f->r12, 0, 0, NULL, m, &err), 0);
	v = m->version;
	/* a second operator refers the same message from the version it saw */
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 1, f->r01, 0, 0, NULL, NULL, &err),
			 ERR_CONFLICT);
	/* staff answer; a second answer is a transition from a state it left */
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, v, "جواب", m, &err), 0);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "جواب دوم", NULL, &err), ERR_CONFLICT);
	assert_int_equal(msg_get(&f->c, &f->sys, m->id, m, NULL, &err), 0);
	assert_string_equal(fx_text(f, m)->answer, "جواب");
	free(m);
}

static void refer_deadline_override_and_reclassify(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_COMPLAINT, 0, m), 0);
	assert_false(m->confidential);
	/* no category: the default 72 h */
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	assert_int_equal(m->due_at, FX_T0 + 72 * 3600);
	assert_int_equal(msg_return(&f->c, &f->m12, m->id, 0, RETURN_NOT_OURS, "مال ما نیست", m,
				    &err), 0);
	assert_int_equal(m->unit_id, f->centre);
	assert_int_equal(m->return_count, 1);
	/* re-referral under the confidential category with an override */
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r01, f->cat_conduct, 5, NULL, m,
				   &err), 0);
	assert_int_equal(m->due_at, FX_T0 + 5 * 3600);
	assert_true(m->confidential);
	assert_int_equal(m->first_referred_unit, f->r12);
	assert_int_equal(m->referral_count, 2);
	/* a non-leaf or a missing category is refused, nothing changes */
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, f->cat_city, 0, NULL, NULL,
				   &err), ERR_INVALID);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 99999, 0, NULL, NULL, &err),
			 ERR_INVALID);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->centre, 0, 0, NULL, NULL, &err),
			 ERR_INVALID);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, -1, NULL, NULL, &err),
			 ERR_INVALID);
	free(m);
}

static void transfer_stays_in_subtree(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	assert_int_equal(msg_transfer(&f->c, &f->m12, m->id, 0, f->r01, NULL, NULL, &err),
			 ERR_DENIED);
	assert_int_equal(msg_transfer(&f->c, &f->m12, m->id, 0, f->d12, "ناحیه", m, &err), 0);
	assert_int_equal(m->unit_id, f->d12);
	/* the region still sees it (subtree) and the district's deadline is the region's */
	assert_int_equal(m->due_at, FX_T0 + 48 * 3600);
	assert_int_equal(msg_get(&f->c, &f->s12, m->id, m, NULL, &err), 0);
	assert_int_equal(msg_get(&f->c, &f->s01, m->id, m, NULL, &err), ERR_NOTFOUND);
	free(m);
}

static void verdict_and_grade(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct actor cit;
	struct err err;

	make_in_state(f, STATE_ANSWERED, m);
	cit = actor_citizen(m->citizen_id);
	assert_int_equal(msg_verdict(&f->c, &cit, m->id, 0, VERDICT_ACCEPT, 9, NULL, &err),
			 ERR_INVALID);
	core_set_now(&f->c, FX_T0 + 7200);
	assert_int_equal(msg_verdict(&f->c, &cit, m->id, 0, VERDICT_OBJECT, 1, m, &err), 0);
	assert_int_equal(m->state, STATE_REOPENED);
	assert_int_equal(m->due_at, FX_T0 + 7200 + 48 * 3600);
	assert_int_equal(m->reopen_count, 1);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "دوباره انجام شد", m, &err), 0);
	assert_int_equal(m->verdict, VERDICT_NONE);
	assert_int_equal(msg_grade(&f->c, &f->insp, m->id, 0, GRADE_ACCEPTABLE, "x", true, NULL,
				   &err), ERR_INVALID);
	assert_int_equal(msg_grade(&f->c, &f->insp, m->id, 0, GRADE_UNACCEPTABLE, "ناقص", true, m,
				   &err), 0);
	assert_int_equal(m->state, STATE_REOPENED);
	assert_int_equal(m->grade, GRADE_UNACCEPTABLE);
	assert_int_equal(m->reopen_count, 2);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "کامل", m, &err), 0);
	assert_int_equal(msg_verdict(&f->c, &cit, m->id, 0, VERDICT_ACCEPT, 5, m, &err), 0);
	assert_int_equal(m->state, STATE_CLOSED);
	assert_int_equal(m->rating, 5);
	/* the objection to the first answer stays counted (acceptance rate) */
	assert_int_equal(m->accepts, 1);
	assert_int_equal(m->objections, 1);
	assert_int_equal(msg_get(&f->c, &f->insp, m->id, m, NULL, &err), 0);
	assert_int_equal(m->accepts, 1);
	assert_int_equal(m->objections, 1);
	/* a second verdict is a conflict */
	assert_int_equal(msg_verdict(&f->c, &cit, m->id, 0, VERDICT_OBJECT, 0, NULL, &err),
			 ERR_CONFLICT);
	free(m);
}

static void reject_duplicate(void **state)
{
	struct fx *f = *state;
	struct msg *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct err err;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, 0, a), 0);
	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, 0, b), 0);
	assert_int_equal(msg_reject(&f->c, &f->op, b->id, 0, REJECT_DUPLICATE, 0, NULL, NULL, &err),
			 ERR_INVALID);
	assert_int_equal(msg_reject(&f->c, &f->op, b->id, 0, REJECT_DUPLICATE, b->id, NULL, NULL,
				    &err), ERR_INVALID);
	assert_int_equal(msg_reject(&f->c, &f->op, b->id, 0, REJECT_INCOMPLETE, a->id, NULL, NULL,
				    &err), ERR_INVALID);
	assert_int_equal(msg_reject(&f->c, &f->op, b->id, 0, REJECT_DUPLICATE, a->id, "تکراری", b,
				    &err), 0);
	assert_int_equal(b->duplicate_of, a->id);
	assert_int_equal(b->state, STATE_REJECTED);
	free(a);
	free(b);
}

static void bad_input_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	char before[1024], after[1024];
	char big[CAP_MSG_BODY + 10];
	struct msg_new in;
	struct err err;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, 0, m), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	fx_counts(f, before, sizeof(before));

	memset(&in, 0, sizeof(in));
	in.channel = CHANNEL_PHONE;
	in.kind = KIND_CRITICISM;
	in.subject = "موضوع";
	in.body = "متن";
	in.mobile = "12345";
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);
	assert_string_equal(err.field, "mobile");
	in.mobile = FX_MOBILE;
	in.national_id = "1234567890";
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);
	in.national_id = NULL;
	in.body = "\xff\xfe";
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	in.body = big;
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_TOOBIG);
	in.body = "   ";
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);
	in.body = "متن";
	in.kind = (enum msg_kind)77;
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);
	in.kind = KIND_CRITICISM;
	in.category_id = f->cat_conduct;
	in.kind = KIND_REQUEST;	/* staff-conduct takes complaints and criticism only */
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);
	in.kind = KIND_CRITICISM;
	in.category_id = 0;
	in.has_point = true;
	in.lat = 135;
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);
	in.has_point = false;
	in.region_id = f->d12;	/* not a region */
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);
	in.region_id = 0;
	in.channel = CHANNEL_WEB;	/* an operator takes calls, not web forms */
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_DENIED);
	in.channel = CHANNEL_LIVE;
	assert_int_equal(msg_register(&f->c, &f->op, &in, NULL, &err), ERR_INVALID);

	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "", NULL, &err), ERR_INVALID);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "a\001b", NULL, &err), ERR_INVALID);
	assert_int_equal(msg_answer(&f->c, &f->s12, 999999, 0, "x", NULL, &err), ERR_NOTFOUND);
	assert_int_equal(msg_return(&f->c, &f->s12, m->id, 0, RETURN_NONE, NULL, NULL, &err),
			 ERR_INVALID);
	assert_int_equal(msg_transfer(&f->c, &f->s12, m->id, 0, 424242, NULL, NULL, &err),
			 ERR_INVALID);
	assert_int_equal(msg_verdict(&f->c, &f->op, m->id, 0, VERDICT_NONE, 0, NULL, &err),
			 ERR_INVALID);
	assert_int_equal(msg_grade(&f->c, &f->insp, m->id, 0, (enum grade)9, NULL, false, NULL,
				   &err), ERR_INVALID);
	fx_counts(f, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(msg_get(&f->c, &f->sys, m->id, m, NULL, &err), 0);
	assert_int_equal(m->version, 2);
	free(m);
}

static void overdue_is_derived(void **state)
{
	struct fx *f = *state;
	struct msg *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b)), *list;
	struct err err;
	size_t n;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, a), 0);
	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, b), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, a->id, 0, f->r12, 0, 1, NULL, a, &err), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, b->id, 0, f->r01, 0, 1, NULL, b, &err), 0);
	assert_int_equal(msg_answer(&f->c, &f->s01, b->id, 0, "done", b, &err), 0);
	assert_false(msg_is_overdue(a, FX_T0 + 3600));
	core_set_now(&f->c, FX_T0 + 3601);
	assert_true(msg_is_overdue(a, FX_T0 + 3601));
	assert_false(msg_is_overdue(b, FX_T0 + 3601));
	assert_int_equal(msg_overdue(&f->c, &f->sys, 100, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, a->id);
	free(list);
	assert_int_equal(msg_overdue(&f->c, &f->s01, 100, &list, &n, &err), 0);
	assert_int_equal(n, 0);
	free(list);
	free(a);
	free(b);
}

/* ---- several cores (one per thread) on one database ---- */

#define RACERS 4

struct racer {
	struct fx *f;
	struct actor who;
	int64_t msg_id, version;
	int rc, registered;
};

static void *race_answer(void *arg)
{
	struct racer *r = arg;
	struct core c;
	struct err err;

	if (core_open(&c, r->f->path, &err) < 0) {
		r->rc = 999;
		return NULL;
	}
	r->rc = msg_answer(&c, &r->who, r->msg_id, r->version, "پاسخ همزمان", NULL, &err);
	core_close(&c);
	return NULL;
}

static void *race_register(void *arg)
{
	struct racer *r = arg;
	struct msg_new in;
	struct core c;
	struct err err;
	int i;

	if (core_open(&c, r->f->path, &err) < 0) {
		r->rc = 999;
		return NULL;
	}
	memset(&in, 0, sizeof(in));
	in.channel = CHANNEL_PHONE;
	in.kind = KIND_CRITICISM;
	in.subject = "همزمان";
	in.body = "ثبت همزمان";
	in.mobile = FX_MOBILE;
	for (i = 0; i < 25; i++) {
		r->rc = msg_register(&c, &r->f->op, &in, NULL, &err);
		if (r->rc < 0)
			break;
		r->registered++;
	}
	core_close(&c);
	return NULL;
}

static void concurrent_writers(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct racer r[RACERS];
	pthread_t th[RACERS];
	struct err err;
	int64_t count, bad;
	int i, ok = 0, conflict = 0;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	/* four staff answer the same version at once: exactly one wins */
	for (i = 0; i < RACERS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].f = f;
		r[i].who = i % 2 ? f->s12 : f->m12;
		r[i].msg_id = m->id;
		r[i].version = m->version;
		assert_int_equal(pthread_create(&th[i], NULL, race_answer, &r[i]), 0);
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		ok += r[i].rc == 0;
		conflict += r[i].rc == ERR_CONFLICT;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(conflict, RACERS - 1);
	/* concurrent registrations keep the audit chain whole */
	for (i = 0; i < RACERS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].f = f;
		assert_int_equal(pthread_create(&th[i], NULL, race_register, &r[i]), 0);
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r[i].rc, 0);
		assert_int_equal(r[i].registered, 25);
	}
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), 0);
	assert_int_equal(fx_count(f, "messages"), 1 + RACERS * 25);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(vertical_slice, setup, teardown),
		cmocka_unit_test_setup_teardown(rule_table_every_combination, setup, teardown),
		cmocka_unit_test_setup_teardown(stale_transition_is_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(refer_deadline_override_and_reclassify, setup, teardown),
		cmocka_unit_test_setup_teardown(transfer_stays_in_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(verdict_and_grade, setup, teardown),
		cmocka_unit_test_setup_teardown(reject_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_input_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(overdue_is_derived, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_writers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
