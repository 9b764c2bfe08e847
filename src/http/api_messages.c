/*
 * api_messages.c - messages: register, read, list and search, and every
 * transition of the state machine (core/flow.h), each taking an optional
 * expected "version" (409 when the message moved on meanwhile).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/core.h"
#include "core/flow.h"
#include "core/msg.h"
#include "core/search.h"
#include "core/verify.h"
#include "core/timeline.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

/* ---- register ---- */

struct create_in {
	const char *channel, *kind, *category, *subject, *body, *address, *region;
	struct jv_num lat, lon;
	struct jv_bool anonymous, confidential;
	const char *mobile, *name, *national_id, *priority;
	struct jv_int live_session_id;
	const char *verification_code;
};

static const struct jval_field create_fields[] = {
	JV_STR(struct create_in, channel, false, 16, 0),
	JV_STR(struct create_in, kind, true, 16, 0),
	JV_STR(struct create_in, category, false, CAP_CODE - 1, 0),
	JV_STR(struct create_in, subject, true, CAP_MSG_SUBJECT, 0),
	JV_STR(struct create_in, body, true, CAP_MSG_BODY, 0),
	JV_STR(struct create_in, address, false, CAP_MSG_ADDRESS, 0),
	JV_STR(struct create_in, region, false, CAP_CODE - 1, 0),
	JV_NUM(struct create_in, lat, false, -90, 90),
	JV_NUM(struct create_in, lon, false, -180, 180),
	JV_BOOL(struct create_in, anonymous, false),
	JV_BOOL(struct create_in, confidential, false),
	JV_STR_CHECK(struct create_in, mobile, false, 32, jval_mobile),
	JV_STR(struct create_in, name, false, CAP_NAME - 1, 0),
	JV_STR_CHECK(struct create_in, national_id, false, 40, jval_national_id),
	JV_STR(struct create_in, priority, false, 16, 0),
	JV_INT(struct create_in, live_session_id, false, 1, INT64_MAX / 2),
	JV_STR(struct create_in, verification_code, false, 32, 0),
	JV_END,
};

/* What create's first call (the worker's) keeps for its second (the
 * writer's): the checked request and its search text. */
struct create_prep {
	struct create_in in;
	struct msg_new mn;
	char *search;
	struct msg m;		/* what the writer registered */
};

static void create_prep_free(void *p)
{
	struct create_prep *cp = p;

	if (cp)
		free(cp->search);
	free(cp);
}

/* The worker's part: read and check the request, resolve its codes and
 * make the search text; false when it has answered. */
static bool create_check(struct http_req *r, struct create_prep *cp)
{
	struct create_in *in = &cp->in;
	struct msg_new *mn = &cp->mn;
	struct core *c;
	struct err e;
	enum msg_channel ch;
	enum msg_kind k;
	enum msg_priority p;

	/* a citizen's web form: limited like tracking look-ups */
	if (!r->auth.signed_in && !api_limit(r, r->srv->rl_track, NULL))
		return false;
	if (!api_body(r, create_fields, in))
		return false;
	/* the urgency and the region are the centre's to judge, not the
	 * submitter's: refused like an unknown member (operators set them) */
	if (!r->auth.signed_in && (in->priority || in->region)) {
		http_reply_error(r, ERR_INVALID, in->priority ? "priority" : "region",
				 "unknown member '%s'", in->priority ? "priority" : "region");
		return false;
	}
	c = api_core(r);
	if (!c)
		return false;
	if (r->auth.signed_in)
		mn->channel = r->auth.actor.role == ROLE_MANAGER ? CHANNEL_LIVE : CHANNEL_PHONE;
	else
		mn->channel = CHANNEL_WEB;
	if (in->channel) {
		if (msg_channel_parse(in->channel, &ch)) {
			http_reply_error(r, ERR_INVALID, "channel", "unknown channel '%s'",
					 in->channel);
			return false;
		}
		if (!r->auth.signed_in && ch != CHANNEL_WEB) {
			http_reply_error(r, ERR_INVALID, "channel", "citizens submit on the web channel");
			return false;
		}
		mn->channel = ch;
	}
	if (msg_kind_parse(in->kind, &k)) {
		http_reply_error(r, ERR_INVALID, "kind", "unknown kind '%s'", in->kind);
		return false;
	}
	mn->kind = k;
	if (in->category && !api_category_ref(r, c, "category", in->category, &mn->category_id))
		return false;
	if (in->region && !api_unit_ref(r, c, "region", in->region, &mn->region_id))
		return false;
	if (in->lat.set != in->lon.set) {
		http_reply_error(r, ERR_INVALID, in->lat.set ? "lon" : "lat",
				 "give both lat and lon, or neither");
		return false;
	}
	mn->has_point = in->lat.set;
	mn->lat = in->lat.v;
	mn->lon = in->lon.v;
	mn->subject = in->subject;
	mn->body = in->body;
	mn->address = in->address;
	mn->anonymous = in->anonymous.v;
	mn->mobile = in->mobile;
	mn->citizen_name = in->name;
	mn->national_id = in->national_id;
	mn->confidential = in->confidential.v;
	if (in->priority) {
		if (priority_parse(in->priority, &p)) {
			http_reply_error(r, ERR_INVALID, "priority", "unknown priority '%s'",
					 in->priority);
			return false;
		}
		mn->priority = p;
	}
	mn->live_session_id = in->live_session_id.v;
	/* the index terms: the writer's batch would otherwise make them */
	err_clear(&e);
	if (msg_search_text(mn->subject, mn->body, &cp->search, &e)) {
		http_reply_err(r, &e);
		return false;
	}
	mn->search = cp->search;
	return true;
}

/* The desk's answer: the registered message as it sees it. */
static void create_finish(struct http_req *r)
{
	struct create_prep *cp = r->prep;
	struct core *c = api_core(r);
	cJSON *o;
	struct err e;

	if (!c)
		return;
	err_clear(&e);
	o = api_msg_json_row(c, &cp->m, core_now(c), &e);
	if (o)
		http_reply_json(r, 201, o);
	else
		http_reply_err(r, &e);
}

/*
 * POST /api/v1/messages (ROUTE_PREP): the worker checks the request and
 * makes its search text (create_check); the writer registers it; the
 * worker again makes the desk's answer (create_finish).
 */
static void create(struct http_req *r)
{
	struct create_prep *cp = r->prep;
	struct msg mrec, *m = &mrec;
	struct actor a;
	struct core *c;
	struct err e;

	if (r->preparing || !cp) {
		cp = xcalloc(1, sizeof(*cp));
		r->prep = cp;
		r->prep_free = create_prep_free;
		if (!create_check(r, cp) || r->preparing)
			return;
	}
	c = api_core(r);
	if (!c)
		return;
	a = r->auth.signed_in ? r->auth.actor : actor_citizen(0);
	memset(m, 0, sizeof(*m));
	err_clear(&e);
	/* the public web proves the mobile with a texted code (issue 9); the
	 * desk has the caller on the line */
	if (r->auth.signed_in ? msg_register(c, &a, &cp->mn, m, &e)
			      : verify_register(c, &a, &cp->mn, cp->in.verification_code, m, &e)) {
		http_reply_err(r, &e);
	} else if (!r->auth.signed_in) {
		/* A citizen learns the code and nothing else. */
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "code", m->code);
		cJSON_AddStringToObject(o, "state", msg_state_name(m->state));
		api_add_time(o, "created_at", m->created_at);
		http_reply_json(r, 201, o);
	} else {
		/* the message as the desk sees it: read by the worker once
		 * the batch is durable (create_finish) */
		cp->m = *m;
		http_reply_json(r, 201, NULL);
		r->finish = create_finish;
	}
}

/* ---- read ---- */

/* Load the message named by the path's {code} as the actor may see it. */
bool api_msg_load(struct http_req *r, struct core *c, struct msg *m, struct msg_text *text)
{
	const char *code = http_param(r, "code");
	struct err e;
	size_t i;

	for (i = 0; code[i]; i++)
		if (code[i] < '0' || code[i] > '9')
			break;
	if (code[i] || i != TRACKING_CODE_LEN) {
		http_reply_error(r, ERR_NOTFOUND, "code", "no message '%s'", code);
		return false;
	}
	err_clear(&e);
	if (msg_get_by_code(c, &r->auth.actor, code, m, text, &e))
		return api_fail(r, &e);
	return true;
}

bool api_msg_id(struct http_req *r, struct core *c, int64_t *id)
{
	struct msg m;
	bool ok = api_msg_load(r, c, &m, NULL);

	*id = ok ? m.id : 0;
	return ok;
}

static void get_one(struct http_req *r)
{
	struct core *c = api_core(r);
	struct msg mrec, *m = &mrec;
	struct msg_text *text;
	struct referral *hops = NULL;
	struct msg_event *ev = NULL;
	size_t n = 0, i;
	bool cut = false;
	struct err e;
	cJSON *o, *arr;

	if (!c)
		return;
	text = xmalloc(sizeof(*text));
	if (!api_msg_load(r, c, m, text))
		goto out;
	o = api_msg_json(m, text, core_now(c));
	free(text);
	text = NULL;
	cJSON_AddItemToObject(o, "assignee", api_assignee_json(c, &r->auth.actor, m->id));
	err_clear(&e);
	if (msg_referrals(c, &r->auth.actor, m->id, &hops, &n, &e) == 0) {
		arr = cJSON_AddArrayToObject(o, "referrals");
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, api_referral_json(c, &hops[i]));
	}
	free(hops);
	err_clear(&e);
	if (msg_timeline(c, &r->auth.actor, m, &ev, &n, &cut, &e) == 0) {
		cJSON_AddItemToObject(o, "timeline", api_timeline_json(c, ev, n));
		cJSON_AddBoolToObject(o, "timeline_cut", cut);
	}
	free(ev);
	http_reply_json(r, 200, o);
out:
	free(text);
}

/* ---- list and search ---- */

static bool enum_query(struct http_req *r, const char *name, int (*parse)(const char *, int *),
		       int *out)
{
	bool ok = true;
	const char *v = api_query_text(r, name, 32, &ok);

	if (!ok)
		return false;
	if (!v || !*v)
		return true;
	if (parse(v, out)) {
		http_reply_error(r, ERR_INVALID, name, "unknown %s '%s'", name, v);
		return false;
	}
	return true;
}

static int parse_state(const char *s, int *out)
{
	enum msg_state v;
	int rc = msg_state_parse(s, &v);

	*out = (int)v;
	return rc;
}

static int parse_kind(const char *s, int *out)
{
	enum msg_kind v;
	int rc = msg_kind_parse(s, &v);

	*out = (int)v;
	return rc;
}

static int parse_channel(const char *s, int *out)
{
	enum msg_channel v;
	int rc = msg_channel_parse(s, &v);

	*out = (int)v;
	return rc;
}

static bool time_query(struct http_req *r, const char *name, int64_t *out)
{
	bool ok = true;
	const char *v = api_query_text(r, name, 32, &ok);

	if (!ok)
		return false;
	if (!v || !*v)
		return true;
	if (api_parse_time(v, out)) {
		http_reply_error(r, ERR_INVALID, name,
				 "'%s' must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", name);
		return false;
	}
	return true;
}

static void list(struct http_req *r)
{
	struct core *c = api_core(r);
	struct search_query q;
	struct search_result res;
	struct err e;
	const char *v;
	bool ok = true, present, overdue = false;
	int64_t n;
	size_t i;
	cJSON *o, *arr;

	if (!c)
		return;
	search_query_init(&q);
	q.count = true;
	q.text = api_query_text(r, "q", CAP_SEARCH_TEXT, &ok);
	if (!ok || !enum_query(r, "state", parse_state, &q.state) ||
	    !enum_query(r, "kind", parse_kind, &q.kind) ||
	    !enum_query(r, "channel", parse_channel, &q.channel) ||
	    !time_query(r, "from", &q.from) || !time_query(r, "to", &q.to) ||
	    !api_query_bool(r, "overdue", &overdue, &present))
		return;
	/* overdue=true: only overdue; overdue=false: only the others */
	q.overdue = present && overdue;
	q.not_overdue = present && !overdue;
	v = api_query_text(r, "sort", 16, &ok);
	if (!ok)
		return;
	if (v && *v) {
		if (str_eq(v, "due")) {
			q.by_due = true;
		} else if (!str_eq(v, "new")) {
			http_reply_error(r, ERR_INVALID, "sort", "sort is new or due");
			return;
		}
	}
	v = api_query_text(r, "assigned", 8, &ok);
	if (!ok)
		return;
	if (v && *v) {
		if (!str_eq(v, "me") || !r->auth.actor.user_id) {
			http_reply_error(r, ERR_INVALID, "assigned", "assigned is 'me'");
			return;
		}
		q.assigned_to = r->auth.actor.user_id;
	}
	v = api_query_text(r, "unit", CAP_CODE - 1, &ok);
	if (!ok || (v && *v && !api_unit_ref(r, c, "unit", v, &q.unit_id)))
		return;
	v = api_query_text(r, "category", CAP_CODE - 1, &ok);
	if (!ok || (v && *v && !api_category_ref(r, c, "category", v, &q.category_id)))
		return;
	q.cursor = api_query_text(r, "cursor", SEARCH_CURSOR_MAX - 1, &ok);
	if (!ok)
		return;
	if (q.cursor && !*q.cursor)
		q.cursor = NULL;
	v = api_query_text(r, "limit", 8, &ok);
	if (!ok)
		return;
	if (v) {
		if (num_parse(v, 1, CAP_SEARCH_LIMIT, &n)) {
			http_reply_error(r, ERR_INVALID, "limit", "'limit' must be 1 to %d",
					 CAP_SEARCH_LIMIT);
			return;
		}
		q.limit = (size_t)n;
	}
	memset(&res, 0, sizeof(res));
	err_clear(&e);
	if (msg_search(c, &r->auth.actor, &q, &res, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < res.n; i++) {
		/* one row's texts at a time: the page holds small records */
		cJSON *m = api_msg_json_row(c, &res.items[i], core_now(c), &e);

		if (!m) {
			cJSON_Delete(o);
			search_result_release(&res);
			http_reply_err(r, &e);
			return;
		}
		cJSON_AddItemToObject(m, "assignee",
				      api_assignee_json(c, &r->auth.actor, res.items[i].id));
		cJSON_AddItemToArray(arr, m);
	}
	if (res.next_cursor[0])
		cJSON_AddStringToObject(o, "next_cursor", res.next_cursor);
	else
		cJSON_AddNullToObject(o, "next_cursor");
	/* exact up to CAP_SEARCH_COUNT, then "more than" */
	cJSON_AddNumberToObject(o, "total", (double)res.total);
	cJSON_AddBoolToObject(o, "total_capped", res.total_capped);
	arr = cJSON_AddArrayToObject(o, "terms");
	for (v = res.terms; *v;) {
		size_t k = strcspn(v, " ");
		char *t = xstrndup(v, k);

		cJSON_AddItemToArray(arr, cJSON_CreateString(t));
		free(t);
		v += k;
		while (*v == ' ')
			v++;
	}
	search_result_release(&res);
	http_reply_json(r, 200, o);
}

/* ---- transitions ---- */

struct tr_in {
	struct jv_int version;
	const char *unit, *category, *reason, *note, *answer, *duplicate_of, *grade, *verdict;
	struct jv_int deadline_hours, rating;
	struct jv_bool reopen;
};

#define TR_VERSION JV_INT(struct tr_in, version, false, 1, INT64_MAX / 2)

static const struct jval_field refer_fields[] = {
	TR_VERSION,
	JV_STR(struct tr_in, unit, true, CAP_CODE - 1, 0),
	JV_STR(struct tr_in, category, false, CAP_CODE - 1, 0),
	JV_INT(struct tr_in, deadline_hours, false, 1, CAP_DEADLINE_HOURS),
	JV_STR(struct tr_in, reason, false, CAP_NOTE, 0),
	JV_END,
};
static const struct jval_field version_fields[] = { TR_VERSION, JV_END };
static const struct jval_field transfer_fields[] = {
	TR_VERSION,
	JV_STR(struct tr_in, unit, true, CAP_CODE - 1, 0),
	JV_STR(struct tr_in, reason, false, CAP_NOTE, 0),
	JV_END,
};
static const struct jval_field return_fields[] = {
	TR_VERSION,
	JV_STR(struct tr_in, reason, true, 32, 0),
	JV_STR(struct tr_in, note, false, CAP_NOTE, 0),
	JV_END,
};
static const struct jval_field answer_fields[] = {
	TR_VERSION,
	JV_STR(struct tr_in, answer, true, CAP_MSG_ANSWER, 0),
	JV_END,
};
static const struct jval_field reject_fields[] = {
	TR_VERSION,
	JV_STR(struct tr_in, reason, true, 32, 0),
	JV_STR(struct tr_in, duplicate_of, false, TRACKING_CODE_LEN, 0),
	JV_STR(struct tr_in, note, false, CAP_NOTE, 0),
	JV_END,
};
static const struct jval_field grade_fields[] = {
	TR_VERSION,
	JV_STR(struct tr_in, grade, true, 32, 0),
	JV_STR(struct tr_in, note, false, CAP_NOTE, 0),
	JV_BOOL(struct tr_in, reopen, false),
	JV_END,
};
static const struct jval_field reopen_fields[] = {
	TR_VERSION,
	JV_STR(struct tr_in, note, false, CAP_NOTE, 0),
	JV_END,
};
static const struct jval_field verdict_fields[] = {
	TR_VERSION,
	JV_STR(struct tr_in, verdict, true, 16, 0),
	JV_INT(struct tr_in, rating, false, 1, 5),
	JV_END,
};

/* One transition's call: the request, its declared input and the core's
 * arguments. */
struct tr_call {
	struct http_req *r;
	struct core *c;
	const struct actor *a;
	int64_t id, ver;
	const struct tr_in *in;
	struct msg *out;
	struct err *e;
};

/* Each returns the core's result (0, or < 0 with t->e set), or 1 when it
 * has answered already (a field that names nothing). */
static int tr_refer(const struct tr_call *t)
{
	int64_t unit = 0, cat = 0;

	if (!api_unit_ref(t->r, t->c, "unit", t->in->unit, &unit) ||
	    (t->in->category && !api_category_ref(t->r, t->c, "category", t->in->category, &cat)))
		return 1;
	return msg_refer(t->c, t->a, t->id, t->ver, unit, cat, (int)t->in->deadline_hours.v,
			 t->in->reason, t->out, t->e);
}

static int tr_start(const struct tr_call *t)
{
	return msg_start(t->c, t->a, t->id, t->ver, t->out, t->e);
}

static int tr_transfer(const struct tr_call *t)
{
	int64_t unit = 0;

	if (!api_unit_ref(t->r, t->c, "unit", t->in->unit, &unit))
		return 1;
	return msg_transfer(t->c, t->a, t->id, t->ver, unit, t->in->reason, t->out, t->e);
}

static int tr_return(const struct tr_call *t)
{
	enum return_reason why;

	if (return_reason_parse(t->in->reason, &why)) {
		http_reply_error(t->r, ERR_INVALID, "reason", "unknown reason '%s'", t->in->reason);
		return 1;
	}
	return msg_return(t->c, t->a, t->id, t->ver, why, t->in->note, t->out, t->e);
}

static int tr_answer(const struct tr_call *t)
{
	return msg_answer(t->c, t->a, t->id, t->ver, t->in->answer, t->out, t->e);
}

static int tr_close(const struct tr_call *t)
{
	return msg_close(t->c, t->a, t->id, t->ver, t->out, t->e);
}

static int tr_reject(const struct tr_call *t)
{
	enum reject_reason why;
	int64_t dup = 0;

	if (reject_reason_parse(t->in->reason, &why)) {
		http_reply_error(t->r, ERR_INVALID, "reason", "unknown reason '%s'", t->in->reason);
		return 1;
	}
	if (t->in->duplicate_of) {
		struct msg d;
		int rc = msg_get_by_code(t->c, t->a, t->in->duplicate_of, &d, NULL, t->e);

		if (rc) {
			http_reply_error(t->r, ERR_INVALID, "duplicate_of", "no message '%s'",
					 t->in->duplicate_of);
			return 1;
		}
		dup = d.id;
	}
	return msg_reject(t->c, t->a, t->id, t->ver, why, dup, t->in->note, t->out, t->e);
}

static int tr_verdict(const struct tr_call *t)
{
	enum verdict v;

	if (verdict_parse(t->in->verdict, &v) || v == VERDICT_NONE) {
		http_reply_error(t->r, ERR_INVALID, "verdict", "verdict is accept or object");
		return 1;
	}
	return msg_verdict(t->c, t->a, t->id, t->ver, v, (int)t->in->rating.v, t->out, t->e);
}

static int tr_grade(const struct tr_call *t)
{
	enum grade g;

	if (grade_parse(t->in->grade, &g)) {
		http_reply_error(t->r, ERR_INVALID, "grade", "unknown grade '%s'", t->in->grade);
		return 1;
	}
	return msg_grade(t->c, t->a, t->id, t->ver, g, t->in->note, t->in->reopen.v, t->out,
			 t->e);
}

static int tr_reopen(const struct tr_call *t)
{
	/* the note is the reason for reopening, not a grade */
	return msg_reopen(t->c, t->a, t->id, t->ver, t->in->note, t->out, t->e);
}

/* Every transition the API takes, by the core's enum: its URL word is the
 * core's transition_name, so the actions are listed once. */
static const struct {
	const struct jval_field *fields;
	int (*run)(const struct tr_call *t);
} actions[TR_COUNT] = {
	[TR_REFER] = { refer_fields, tr_refer },
	[TR_START] = { version_fields, tr_start },
	[TR_TRANSFER] = { transfer_fields, tr_transfer },
	[TR_RETURN] = { return_fields, tr_return },
	[TR_ANSWER] = { answer_fields, tr_answer },
	[TR_CLOSE] = { version_fields, tr_close },
	[TR_REJECT] = { reject_fields, tr_reject },
	[TR_VERDICT] = { verdict_fields, tr_verdict },
	[TR_GRADE] = { grade_fields, tr_grade },
	[TR_REOPEN] = { reopen_fields, tr_reopen },
};

static void transition(struct http_req *r)
{
	const char *action = http_param(r, "action");
	struct core *c = api_core(r);
	struct msg outrec;
	struct tr_in in;
	struct err e;
	struct tr_call t = { r, c, &r->auth.actor, 0, 0, &in, NULL, &e };
	int i, rc;

	for (i = 0; i < TR_COUNT && !str_eq(transition_name((enum transition)i), action); i++)
		;
	if (i == TR_COUNT || !actions[i].run) {
		http_reply_error(r, ERR_NOTFOUND, "action", "no action '%s'", action);
		return;
	}
	if (!c || !api_body(r, actions[i].fields, &in))
		return;
	if (!api_msg_id(r, c, &t.id))
		return;
	t.out = &outrec;
	t.ver = in.version.set ? in.version.v : 0;
	err_clear(&e);
	rc = actions[i].run(&t);
	if (rc < 0) {
		http_reply_err(r, &e);
	} else if (rc == 0) {
		cJSON *o = api_msg_json_row(c, t.out, core_now(c), &e);

		if (!o) {
			http_reply_err(r, &e);
			return;
		}
		cJSON_AddItemToObject(o, "assignee", api_assignee_json(c, t.a, t.out->id));
		http_reply_json(r, 200, o);
	}
}

const struct http_route api_messages_routes[] = {
	{ HTTP_POST, "/api/v1/messages", create, ROUTE_JSON | ROUTE_PREP },
	{ HTTP_GET, "/api/v1/messages", list, ROUTE_AUTH },
	{ HTTP_GET, "/api/v1/messages/{code}", get_one, ROUTE_AUTH },
	{ HTTP_POST, "/api/v1/messages/{code}/{action}", transition, ROUTE_AUTH | ROUTE_JSON },
	{ 0, NULL, NULL, 0 },
};
