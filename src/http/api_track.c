/*
 * api_track.c - the citizen's side, no account: follow a message with its
 * tracking code and mobile number, and accept or object to the answer.
 *
 * The answer holds the state, the citizen's own text, the category, the
 * region (or top-level office) handling it, a public timeline in time order
 * (what happened and when, the texts sent to them; never who inside or
 * why), the answer, and a rejection's reason; nothing about anyone else.
 * An objection may say why (kept for the unit).
 * A wrong code and a wrong mobile get the same 404.  Both endpoints are rate
 * limited per client address (track_rate a minute), so codes cannot be
 * guessed at speed.
 */
#include <stdlib.h>
#include <string.h>

#include "base/jw.h"
#include "base/mem.h"
#include "core/batch.h"
#include "core/category.h"
#include "core/core.h"
#include "core/flow.h"
#include "core/msg.h"
#include "core/timeline.h"
#include "core/track.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

/* The answer, written with jw (base/jw.h) rather than as a cJSON tree:
 * this is the busiest public answer, and building, printing and freeing
 * the tree was a tenth of the server's time a look-up. */
static void public_view(struct core *c, const struct msg_public *p, struct buf *b)
{
	struct msg_public_event *ev = NULL;
	struct category cat;
	struct unit u;
	size_t n = 0;
	struct err e;

	jw_object(b, NULL);
	jw_str(b, "code", p->code);
	jw_str(b, "state", msg_state_name(p->state));
	jw_str(b, "kind", msg_kind_name(p->kind));
	jw_str(b, "subject", p->subject);
	/* the citizen's own words, the category and the region handling it */
	jw_str(b, "body", p->body);
	err_clear(&e);
	if (p->category_id && category_get(c, p->category_id, &cat, &e) == 0)
		jw_str(b, "category", cat.name);
	else
		jw_null(b, "category");
	err_clear(&e);
	if (track_handler(c, p->unit_id, &u, &e) == 0 && p->state != STATE_REJECTED) {
		jw_object(b, "handled_by");
		jw_str(b, "code", u.code);
		jw_str(b, "name", u.name);
		jw_object_end(b);
	} else {
		jw_null(b, "handled_by");
	}
	api_jw_time(b, "created_at", p->created_at);
	api_jw_time(b, "due_at", p->due_at);
	err_clear(&e);
	if (msg_public_timeline_of(c, p, true, &ev, &n, &e) == 0)
		api_public_timeline_jw(b, "timeline", ev, n);
	else
		api_public_timeline_jw(b, "timeline", NULL, 0);
	free(ev);
	if (p->answer[0])
		jw_str(b, "answer", p->answer);
	else
		jw_null(b, "answer");
	api_jw_time(b, "answered_at", p->answered_at);
	if (p->state == STATE_REJECTED)
		jw_str(b, "reject_reason", reject_reason_name(p->reject_reason));
	else
		jw_null(b, "reject_reason");
	if (p->verdict)
		jw_str(b, "verdict", verdict_name(p->verdict));
	else
		jw_null(b, "verdict");
	if (p->rating)
		jw_int(b, "rating", p->rating);
	else
		jw_null(b, "rating");
	jw_bool(b, "can_give_verdict",
		!p->verdict && (p->state == STATE_ANSWERED || p->state == STATE_CLOSED));
	jw_object_end(b);
}

/* The citizen's view of the message with code and mobile, as the answer. */
static void lookup(struct http_req *r, const char *code, const char *mobile)
{
	struct core *c = api_core(r);
	struct msg_public *p;
	struct err e;
	bool snap;

	if (!c)
		return;
	p = xmalloc(sizeof(*p));
	err_clear(&e);
	/* one read snapshot for the message, its category, units and
	 * timeline: the read lock is taken once, not once a statement, and
	 * kept for the thread's next look-up while nothing changes */
	snap = core_batch_snapshot(c, true, &e) == 0;
	err_clear(&e);
	if (msg_public_get(c, code, mobile, p, &e)) {
		if (e.code == ERR_NOTFOUND || e.code == ERR_INVALID || e.code == ERR_DENIED)
			http_reply_error(r, ERR_NOTFOUND, NULL,
					 "no message with this tracking code and mobile number");
		else
			http_reply_err(r, &e);
	} else {
		public_view(c, p, http_reply_json_begin(r, 200));
		http_reply_json_end(r);
	}
	if (snap)
		core_batch_snapshot_keep(c, &e);
	free(p);
}

struct track_in {
	const char *code, *mobile, *verdict, *reason;
	struct jv_int rating;
};

static const struct jval_field track_fields[] = {
	JV_STR(struct track_in, code, true, 64, 0),
	JV_STR(struct track_in, mobile, true, 64, 0),
	JV_END,
};

static void track_get(struct http_req *r)
{
	bool ok = true;
	const char *code, *mobile;

	if (!api_limit(r, r->srv->rl_track, NULL))
		return;
	code = api_query_text(r, "code", 64, &ok);
	if (!ok)
		return;
	mobile = api_query_text(r, "mobile", 64, &ok);
	if (!ok)
		return;
	if (!code || !mobile) {
		http_reply_error(r, ERR_INVALID, code ? "mobile" : "code",
				 "give both 'code' and 'mobile'");
		return;
	}
	lookup(r, code, mobile);
}

static void track_post(struct http_req *r)
{
	struct track_in in;

	if (!api_limit(r, r->srv->rl_track, NULL) || !api_body(r, track_fields, &in))
		return;
	lookup(r, in.code, in.mobile);
}

static const struct jval_field verdict_fields[] = {
	JV_STR(struct track_in, code, true, 64, 0),
	JV_STR(struct track_in, mobile, true, 64, 0),
	JV_STR(struct track_in, verdict, true, 16, 0),
	JV_INT(struct track_in, rating, false, 1, 5),
	JV_STR(struct track_in, reason, false, CAP_OBJECTION, 0),
	JV_END,
};

static void verdict(struct http_req *r)
{
	struct track_in in;
	struct core *c;
	struct msg mrec, outrec, *m = &mrec, *out = &outrec;
	struct actor a;
	enum verdict v;
	struct err e;

	if (!api_limit(r, r->srv->rl_track, NULL) || !api_body(r, verdict_fields, &in))
		return;
	if (verdict_parse(in.verdict, &v) || v == VERDICT_NONE) {
		http_reply_error(r, ERR_INVALID, "verdict", "verdict is accept or object");
		return;
	}
	c = api_core(r);
	if (!c)
		return;
	err_clear(&e);
	if (msg_get_for_citizen(c, in.code, in.mobile, m, &e)) {
		http_reply_error(r, ERR_NOTFOUND, NULL,
				 "no message with this tracking code and mobile number");
		return;
	}
	a = actor_citizen(m->citizen_id);
	if (msg_verdict_why(c, &a, m->id, 0, v, (int)in.rating.v, in.reason, out, &e))
		http_reply_err(r, &e);
	else
		lookup(r, in.code, in.mobile);	/* the page as it is now */
}

const struct http_route api_track_routes[] = {
	{ HTTP_GET, "/api/v1/track", track_get, ROUTE_KEEP },
	{ HTTP_POST, "/api/v1/track", track_post,
	  ROUTE_JSON | ROUTE_NOCSRF | ROUTE_SOLO | ROUTE_KEEP },
	{ HTTP_POST, "/api/v1/track/verdict", verdict, ROUTE_JSON | ROUTE_NOCSRF },
	{ 0, NULL, NULL, 0 },
};
