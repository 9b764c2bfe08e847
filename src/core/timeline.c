/*
 * timeline.c - a message's events from its audit entries and SMS rows,
 * merged in time order (timeline.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "core/core_int.h"
#include "core/timeline.h"

static int by_time(const void *pa, const void *pb)
{
	const struct msg_event *a = pa, *b = pb;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return 0;
}

/* Copies s into the text area after the events; returns the copy. */
static const char *keep(char **tail, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = memcpy(*tail, s, len);

	*tail += len;
	return p;
}

static bool moves(const char *event, const char *payload)
{
	return str_eq(event, "refer") || str_eq(event, "transfer") || str_eq(event, "return") ||
	       str_eq(event, "reopen") || strstr(payload, "\"to_state\":\"reopened\"");
}

int msg_timeline(struct core *c, const struct actor *a, const struct msg *m,
		 struct msg_event **out, size_t *n, bool *cut, struct err *err)
{
	int64_t id = m->id;
	struct audit_entry *au = NULL;
	struct sms *sm = NULL;
	struct referral *hops = NULL;
	struct msg_event *ev = NULL;
	size_t na = 0, ns = 0, nh = 0, h = 0, i, k = 0, texts = 0;
	char *tail;
	bool hide;
	int rc;

	*out = NULL;
	*n = 0;
	*cut = false;
	rc = msg_may_read(c, a, m, err);
	if (rc == 0)
		rc = OPS(c)->audit_list_msg(c->st, id, CAP_TIMELINE + 1, &au, &na, err);
	if (rc == 0)
		rc = OPS(c)->referral_list(c->st, id, &hops, &nh, err);
	if (rc == 0)
		rc = OPS(c)->sms_list_msg(c->st, id, CAP_TIMELINE + 1, &sm, &ns, err);
	if (rc < 0)
		goto out;
	hide = m->confidential && a->role != ROLE_CITIZEN && !role_sees_identity(a->role);
	/* the entries that are events, as the reader may see them (no citizen
	 * id, no link from a confidential message to another: audit_list's
	 * rule), and the room their texts take */
	for (i = 0; i < na; i++) {
		if (!str_starts(au[i].action, "msg.") || str_eq(au[i].action, "msg.identity_read")) {
			au[i].action[0] = '\0';
			continue;
		}
		rc = audit_redact(c, a, &au[i], err);
		if (rc < 0)
			goto out;
		texts += strlen(au[i].payload) + 1;
	}
	for (i = 0; i < ns && !hide; i++)
		texts += strlen(sm[i].body) + 1;
	ev = xcalloc(1, (na + ns + 1) * sizeof(*ev) + texts);
	tail = (char *)(ev + na + ns + 1);
	for (i = 0; i < na; i++) {
		struct msg_event *e = &ev[k];

		if (!au[i].action[0])
			continue;
		e->at = au[i].at;
		e->order = au[i].seq * 2;
		str_copy(e->event, sizeof(e->event), au[i].action + 4);
		str_copy(e->actor, sizeof(e->actor), au[i].actor);
		e->payload = keep(&tail, au[i].payload);
		/* every transition that moves the message writes one hop, in the
		 * same order as its audit entry */
		if (h < nh && moves(e->event, e->payload)) {
			e->has_hop = true;
			e->hop = hops[h++];
		}
		k++;
	}
	for (i = 0; i < ns; i++) {
		struct msg_event *e = &ev[k++];

		/* a sent text at its sending time, else when it was queued */
		e->at = sm[i].state == SMS_SENT && sm[i].sent_at ? sm[i].sent_at : sm[i].created_at;
		/* after the audit entries of the same second */
		e->order = INT64_MAX / 2 + sm[i].id;
		str_copy(e->event, sizeof(e->event), "sms");
		e->payload = "{}";
		e->sms_state = sm[i].state;
		e->sms_hidden = hide;
		e->sms_text = "";
		if (!hide) {
			str_copy(e->sms_to, sizeof(e->sms_to), sm[i].to);
			e->sms_text = keep(&tail, sm[i].body);
		}
	}
	qsort(ev, k, sizeof(*ev), by_time);
	if (k > CAP_TIMELINE) {
		k = CAP_TIMELINE;
		*cut = true;
	}
	*out = ev;
	*n = k;
	ev = NULL;
out:
	free(ev);
	free(au);
	free(sm);
	free(hops);
	return rc;
}

/* ---- the citizen's view ---- */

static int by_public_time(const void *pa, const void *pb)
{
	const struct msg_public_event *a = pa, *b = pb;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return 0;
}

/* The public name of step s, or NULL when the citizen is not told of it. */
static const char *public_name(const struct audit_step *s)
{
	static const struct {
		const char *audit, *pub;
	} names[] = {
		{ "msg.register", "registered" }, { "msg.refer", "referred" },
		{ "msg.transfer", "referred" }, { "msg.start", "in_progress" },
		{ "msg.return", "under_review" }, { "msg.answer", "answered" },
		{ "msg.close", "closed" }, { "msg.reject", "rejected" },
		{ "msg.reopen", "reopened" },
	};
	size_t i;

	if (str_eq(s->action, "msg.verdict"))
		return s->reopened ? "reopened" : s->from_closed ? NULL : "closed";
	if (str_eq(s->action, "msg.grade"))
		return s->reopened ? "reopened" : NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (str_eq(s->action, names[i].audit))
			return names[i].pub;
	return NULL;
}

static int public_timeline(struct core *c, int64_t msg_id, bool texts,
			   struct msg_public_event **out, size_t *n, struct err *err)
{
	struct audit_step *st = NULL;
	struct sms *sm = NULL;
	struct msg_public_event *ev = NULL;
	size_t ns = 0, nsm = 0, i, k = 0, room = 0;
	char *tail;
	int rc;

	rc = OPS(c)->audit_steps(c->st, msg_id, &st, &ns, err);
	if (rc == 0 && texts)
		rc = OPS(c)->sms_list_msg(c->st, msg_id, CAP_TIMELINE, &sm, &nsm, err);
	if (rc < 0)
		goto out;
	if (ns > CAP_TIMELINE)
		ns = CAP_TIMELINE;
	for (i = 0; i < nsm; i++)
		room += strlen(sm[i].body) + 1;
	ev = xcalloc(1, (ns + nsm + 1) * sizeof(*ev) + room);
	tail = (char *)(ev + ns + nsm + 1);
	for (i = 0; i < ns; i++) {
		const char *what = public_name(&st[i]);

		if (what)
			ev[k++] = (struct msg_public_event){ .at = st[i].at, .event = what,
							    .order = (int64_t)i };
	}
	for (i = 0; i < nsm; i++) {
		/* a sent text at its sending time, else when it was queued,
		 * after the transitions of the same second */
		ev[k++] = (struct msg_public_event){
			.at = sm[i].state == SMS_SENT && sm[i].sent_at ? sm[i].sent_at :
				sm[i].created_at,
			.event = "sms",
			.sms_text = keep(&tail, sm[i].body),
			.sms_sent = sm[i].state == SMS_SENT,
			.order = INT64_MAX / 2 + sm[i].id,
		};
	}
	qsort(ev, k, sizeof(*ev), by_public_time);
	*out = ev;
	*n = k;
	ev = NULL;
out:
	free(ev);
	free(st);
	free(sm);
	return rc;
}

int msg_public_timeline(struct core *c, const struct actor *a, const struct msg *m,
			bool texts, struct msg_public_event **out, size_t *n,
			struct err *err)
{
	int rc;

	*out = NULL;
	*n = 0;
	rc = msg_may_read(c, a, m, err);
	return rc < 0 ? rc : public_timeline(c, m->id, texts, out, n, err);
}

int msg_public_timeline_of(struct core *c, const struct msg_public *p, bool texts,
			   struct msg_public_event **out, size_t *n, struct err *err)
{
	*out = NULL;
	*n = 0;
	return public_timeline(c, p->id, texts, out, n, err);
}
