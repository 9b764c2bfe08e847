/*
 * msg.c - the message model's names, intake (msg_register) and reads, with
 * confidentiality applied here and nowhere else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"
#include "core/agg.h"
#include "core/audit.h"
#include "core/category.h"
#include "core/citizen.h"
#include "core/core_int.h"
#include "core/geo.h"
#include "core/live.h"
#include "core/msg.h"
#include "core/search.h"
#include "core/sms.h"
#include "core/unit.h"
#include "fa/ids.h"
#include "fa/terms.h"

#define CODE_TRIES 8

bool msg_is_overdue(const struct msg *m, int64_t now)
{
	return m->due_at > 0 && m->due_at < now && !msg_state_done(m->state);
}

/* ---- confidentiality and read rights ---- */

bool role_sees_identity(enum role r)
{
	return r == ROLE_OPERATOR || r == ROLE_INSPECTOR || r == ROLE_SYSTEM;
}

void msg_hide_identity_all(struct msg *m)
{
	m->identity_hidden = true;
}

/* The texts show the identity only when the record's read allowed it. */
static void text_view(const struct msg *m, struct msg_text *t)
{
	if (m->identity_hidden || !m->citizen_id) {
		t->citizen_name[0] = '\0';
		t->citizen_mobile[0] = '\0';
		t->citizen_national_id[0] = '\0';
	}
}

int msg_text_get(struct core *c, const struct msg *m, struct msg_text *out, struct err *err)
{
	int rc = OPS(c)->msg_text_get(c->st, m->id, out, err);

	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "id", "no message %lld", (long long)m->id);
	if (rc < 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	text_view(m, out);
	return 0;
}

int msg_is_confidential(struct core *c, int64_t id, bool *yes, struct err *err)
{
	struct msg m;
	int rc;

	*yes = false;
	if (!id)
		return 0;
	rc = OPS(c)->msg_get(c->st, id, &m, err);
	if (rc == 0)
		*yes = m.confidential;
	if (rc == ERR_NOTFOUND)
		rc = 0;
	return rc;
}

int msg_hide_links(struct core *c, const struct actor *a, struct msg *m, struct err *err)
{
	bool conf = m->confidential;
	int rc = 0;

	if (!m->duplicate_of || role_sees_identity(a->role))
		return 0;
	if (!conf)
		rc = msg_is_confidential(c, m->duplicate_of, &conf, err);
	if (rc == 0 && conf)
		m->duplicate_of = 0;
	return rc;
}

void msg_hide_identity(struct msg *m)
{
	if (m->confidential)
		msg_hide_identity_all(m);
}

int msg_may_read(struct core *c, const struct actor *a, const struct msg *m, struct err *err)
{
	bool yes;
	int rc;

	switch (a->role) {
	case ROLE_OPERATOR:
	case ROLE_INSPECTOR:
	case ROLE_ADMIN:
	case ROLE_SYSTEM:
		return 0;
	case ROLE_STAFF:
	case ROLE_MANAGER:
		rc = actor_unit_scope(c, a, m->unit_id, &yes, err);
		if (rc < 0)
			return rc;
		if (yes)
			return 0;
		break;
	case ROLE_CITIZEN:
		if (a->citizen_id && a->citizen_id == m->citizen_id)
			return 0;
		break;
	default:
		break;
	}
	/* not ERR_DENIED: a unit must not learn that a code it may not read
	 * exists (docs/security.md) */
	return err_set(err, ERR_NOTFOUND, "code", "no message %s", m->code);
}

/*
 * What the actor may see of m: identity blanked for a confidential message
 * unless the role sees identities and the texts are read (then the read is
 * audited) or the actor is the citizen.  A read of the record alone marks a
 * confidential identity hidden, so texts read later for it stay blank.
 */
static int msg_view(struct core *c, const struct actor *a, struct msg *m, bool texts,
		    struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	int rc;

	if (a->role == ROLE_CITIZEN)
		return 0;
	if (!role_sees_identity(a->role)) {
		msg_hide_identity(m);
		return msg_hide_links(c, a, m, err);
	}
	if (!m->confidential || !m->citizen_id)
		return 0;
	if (!texts) {
		msg_hide_identity(m);
		return 0;
	}
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	payload_begin(&p);
	payload_str(&p, "code", m->code);
	payload_end(&p);
	rc = audit_append(c, a, "msg.identity_read", m->id, p.data, err);
	rc = core_end(c, rc, err);
	buf_release(&p);
	if (rc < 0)
		msg_hide_identity(m);
	return rc;
}

/* After a read of the record: rights, view and, when asked for, texts. */
static int msg_read_rest(struct core *c, const struct actor *a, struct msg *out,
			 struct msg_text *text, struct err *err)
{
	int rc = msg_may_read(c, a, out, err);

	if (rc == 0)
		rc = msg_view(c, a, out, text != NULL, err);
	if (rc == 0 && text)
		rc = msg_text_get(c, out, text, err);
	return rc;
}

static void msg_read_wipe(struct msg *out, struct msg_text *text)
{
	memset(out, 0, sizeof(*out));
	if (text)
		memset(text, 0, sizeof(*text));
}

int msg_get(struct core *c, const struct actor *a, int64_t id, struct msg *out,
	    struct msg_text *text, struct err *err)
{
	int rc = OPS(c)->msg_get(c->st, id, out, err);

	if (rc == 0)
		rc = msg_read_rest(c, a, out, text, err);
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "id", "no message %lld", (long long)id);
	if (rc < 0)
		msg_read_wipe(out, text);
	return rc;
}

int msg_get_by_code(struct core *c, const struct actor *a, const char *code, struct msg *out,
		    struct msg_text *text, struct err *err)
{
	char ascii[TRACKING_CODE_LEN + 1];
	int rc;

	if (tracking_code_ascii(code, ascii) < 0)
		return err_set(err, ERR_INVALID, "code", "'%.40s' is not a tracking code",
			       code ? code : "");
	rc = OPS(c)->msg_get_by_code(c->st, ascii, out, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_NOTFOUND, "code", "no message %s", ascii);
	if (rc == 0)
		rc = msg_read_rest(c, a, out, text, err);
	if (rc < 0)
		msg_read_wipe(out, text);
	return rc;
}

/* A citizen's code and mobile in the forms stored (ASCII digits, 09...),
 * or ERR_NOTFOUND: a code or mobile that cannot be one finds nothing. */
static int citizen_keys(const char *code, const char *mobile, char ascii[TRACKING_CODE_LEN + 1],
			char norm[12], struct err *err)
{
	if (tracking_code_ascii(code, ascii) < 0 || !mobile || strlen(mobile) > 64 ||
	    fa_mobile_normalize(mobile, norm) < 0)
		return err_set(err, ERR_NOTFOUND, "code", "no message with that code and mobile");
	return 0;
}

int msg_get_for_citizen(struct core *c, const char *code, const char *mobile, struct msg *out,
			struct err *err)
{
	char ascii[TRACKING_CODE_LEN + 1], norm[12];
	struct citizen ci;
	int rc = citizen_keys(code, mobile, ascii, norm, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->msg_get_by_code(c->st, ascii, out, err);
	if (rc == 0 && !out->citizen_id)
		rc = ERR_NOTFOUND;
	if (rc == 0) {
		rc = OPS(c)->citizen_get(c->st, out->citizen_id, &ci, err);
		if (rc == 0 && !str_eq(ci.mobile, norm))
			rc = ERR_NOTFOUND;
	}
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "code", "no message with that code and mobile");
	if (rc < 0)
		msg_read_wipe(out, NULL);
	return rc;
}

int msg_public_get(struct core *c, const char *code, const char *mobile, struct msg_public *out,
		   struct err *err)
{
	char ascii[TRACKING_CODE_LEN + 1], norm[12];
	int rc = citizen_keys(code, mobile, ascii, norm, err);

	/* the citizen's mobile comes in the same read: one statement */
	if (rc == 0)
		rc = OPS(c)->msg_public_get(c->st, ascii, out, err);
	if (rc == 0 && (!out->citizen_id || !str_eq(out->mobile, norm)))
		rc = ERR_NOTFOUND;
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "code", "no message with that code and mobile");
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int msg_referrals(struct core *c, const struct actor *a, int64_t msg_id, struct referral **out,
		  size_t *n, struct err *err)
{
	struct msg m;
	int rc = OPS(c)->msg_get(c->st, msg_id, &m, err);

	*out = NULL;
	*n = 0;
	if (rc == 0)
		rc = msg_may_read(c, a, &m, err);
	if (rc == 0)
		rc = OPS(c)->referral_list(c->st, msg_id, out, n, err);
	return rc;
}

/* ---- intake ---- */

int msg_search_text(const char *subject, const char *body, char **out, struct err *err)
{
	struct buf b = BUF_INIT(CAP_INDEX_TEXT);
	int rc;

	*out = NULL;
	rc = fa_index_text(subject, strlen(subject), &b);
	if (rc == 0)
		rc = fa_index_text(body, strlen(body), &b);
	if (rc < 0) {
		buf_release(&b);
		return err_set(err, rc, "body", "cannot index the text");
	}
	*out = buf_detach(&b, NULL);
	return 0;
}

/* Who may register on which channel. */
static int register_allowed(struct core *c, const struct actor *a, const struct msg_new *in,
			    struct err *err)
{
	struct live_session ls;
	int rc;

	if (in->channel == CHANNEL_LIVE) {
		if (!in->live_session_id)
			return err_set(err, ERR_INVALID, "live_session_id", "a live call needs "
				       "its session");
		rc = OPS(c)->live_get(c->st, in->live_session_id, &ls, err);
		if (rc == ERR_NOTFOUND)
			return err_set(err, ERR_INVALID, "live_session_id", "no such live session");
		if (rc < 0)
			return rc;
		if (a->role == ROLE_OPERATOR || a->role == ROLE_SYSTEM)
			return 0;
		if (a->role == ROLE_MANAGER && a->user_id == ls.host_user_id)
			return 0;
		return err_set(err, ERR_DENIED, "", "only an operator or the session's host may "
			       "register live calls");
	}
	if (in->live_session_id)
		return err_set(err, ERR_INVALID, "live_session_id", "only live calls belong to a "
			       "session");
	switch (a->role) {
	case ROLE_SYSTEM:
		return 0;
	case ROLE_OPERATOR:
		if (in->channel == CHANNEL_PHONE)
			return 0;
		break;
	case ROLE_CITIZEN:
		if (in->channel == CHANNEL_WEB || in->channel == CHANNEL_OPEN311)
			return 0;
		break;
	default:
		break;
	}
	return err_set(err, ERR_DENIED, "", "a %s may not register messages on the %s channel",
		       role_name(a->role), msg_channel_name(in->channel));
}

static int msg_new_check(struct core *c, const struct msg_new *in, struct category *cat,
			 struct err *err)
{
	struct unit region;
	int rc;

	if ((int)in->channel < 0 || in->channel >= CHANNEL_COUNT)
		return err_set(err, ERR_INVALID, "channel", "unknown channel");
	if ((int)in->kind < 0 || in->kind >= KIND_COUNT)
		return err_set(err, ERR_INVALID, "kind", "unknown kind");
	if ((int)in->priority < 0 || in->priority >= PRIORITY_COUNT)
		return err_set(err, ERR_INVALID, "priority", "unknown priority");
	rc = text_check("subject", in->subject, CAP_MSG_SUBJECT, true, false, err);
	if (rc == 0)
		rc = text_check("body", in->body, CAP_MSG_BODY, true, true, err);
	if (rc == 0)
		rc = text_check("address", in->address, CAP_MSG_ADDRESS, false, true, err);
	if (rc < 0)
		return rc;
	if (in->has_point && !(in->lat >= -90 && in->lat <= 90 && in->lon >= -180 &&
			       in->lon <= 180))
		return err_set(err, ERR_INVALID, "lat", "the point is not a latitude/longitude");
	if (in->anonymous) {
		if ((in->mobile && *in->mobile) || (in->citizen_name && *in->citizen_name) ||
		    (in->national_id && *in->national_id))
			return err_set(err, ERR_INVALID, "mobile", "an anonymous message carries no "
				       "name, mobile or national id");
	} else if (!in->mobile || !*in->mobile) {
		return err_set(err, ERR_INVALID, "mobile", "a mobile number is required unless "
			       "the message is anonymous");
	}
	memset(cat, 0, sizeof(*cat));
	if (in->category_id) {
		bool kids;

		rc = OPS(c)->category_get(c->st, in->category_id, cat, err);
		if (rc == ERR_NOTFOUND)
			return err_set(err, ERR_INVALID, "category", "no such category");
		if (rc < 0)
			return rc;
		rc = OPS(c)->category_has_children(c->st, cat->id, &kids, err);
		if (rc < 0)
			return rc;
		if (kids || !cat->active)
			return err_set(err, ERR_INVALID, "category", "category '%s' is not an "
				       "active leaf", cat->code);
		if (!(cat->kinds & (1u << in->kind)))
			return err_set(err, ERR_INVALID, "kind", "category '%s' does not take "
				       "kind %s", cat->code, msg_kind_name(in->kind));
	}
	if (in->region_id) {
		rc = OPS(c)->unit_get(c->st, in->region_id, &region, err);
		if (rc == ERR_NOTFOUND || (rc == 0 && region.kind != UNIT_REGION))
			return err_set(err, ERR_INVALID, "region", "the region is not a unit of "
				       "kind region");
		if (rc < 0)
			return rc;
	}
	return 0;
}

bool msg_texts_citizen(const struct msg *m)
{
	/* An Open311 client follows the request itself (GET requests/{id}) and
	 * tells its user; a text from us would be a second, unasked-for
	 * channel to a number the citizen gave an app, not us. */
	return m->citizen_id && m->channel != CHANNEL_OPEN311;
}

/* Queue the SMS with the tracking code for m, when the citizen (whose
 * mobile is given) is texted. */
static int queue_registered(struct core *c, const struct msg *m, const char *mobile,
			    struct err *err)
{
	char text[CAP_SMS_TEXT + 1];
	int rc;

	if (!msg_texts_citizen(m) || !mobile[0])
		return 0;
	rc = sms_text_registered(m, text, sizeof(text));
	if (rc < 0)
		return err_set(err, rc, "", "cannot make the SMS text");
	return sms_queue(c, mobile, text, m->id, err);
}

int msg_register(struct core *c, const struct actor *a, const struct msg_new *in,
		 struct msg *out, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct msg mr, *m = &mr;
	struct msg_text *t = &c->scratch->text;
	struct place pl;
	struct category cat;
	struct citizen ci;
	struct unit centre;
	char *search = NULL;
	int rc, tries;

	memset(m, 0, sizeof(*m));
	memset(t, 0, sizeof(*t));
	memset(&ci, 0, sizeof(ci));
	rc = msg_new_check(c, in, &cat, err);
	if (rc == 0)
		rc = register_allowed(c, a, in, err);
	if (rc == 0)
		rc = unit_centre(c, &centre, err);
	/* (a bulk load's store indexes the texts itself at the end) */
	if (rc == 0 && !in->search && !(c->agg_deferred && OPS(c)->bulk_indexes_at_end))
		rc = msg_search_text(in->subject, in->body, &search, err);
	memset(&pl, 0, sizeof(pl));
	if (rc == 0 && in->has_point && !in->no_route)
		rc = geo_place(c, in->lat, in->lon, &pl, err);
	if (rc < 0)
		goto out;
	rc = core_begin(c, err);
	if (rc < 0)
		goto out;
	if (!in->anonymous) {
		rc = citizen_find_or_add(c, in->mobile, in->citizen_name, in->national_id, &ci, err);
		/* the caller on the operator's line may correct their record
		 * (audited); a web, SMS or Open311 submission never does */
		if (rc == 0 && a->role == ROLE_OPERATOR)
			rc = citizen_correct(c, a, ci.mobile, in->citizen_name, in->national_id,
					     NULL, &ci, err);
		if (rc < 0)
			goto fail;
		m->citizen_id = ci.id;
	}
	/* unique, random tracking codes: retry the rare collision */
	for (tries = 0;; tries++) {
		struct msg other;

		if ((c->code_new ? c->code_new(c->code_ctx, m->code)
				 : tracking_code_new(m->code)) < 0) {
			rc = err_set(err, ERR_IO, "", "no randomness for a tracking code");
			goto fail;
		}
		rc = OPS(c)->msg_get_by_code(c->st, m->code, &other, NULL);
		if (rc == ERR_NOTFOUND)
			break;
		if (rc < 0 && rc != ERR_NOTFOUND) {
			rc = err_set(err, rc, "", "cannot check the tracking code");
			goto fail;
		}
		if (tries == CODE_TRIES) {
			rc = err_set(err, ERR_UNAVAILABLE, "", "no free tracking code");
			goto fail;
		}
	}
	m->channel = in->channel;
	m->kind = in->kind;
	m->category_id = in->category_id;
	str_copy(t->subject, sizeof(t->subject), in->subject);
	str_copy(t->body, sizeof(t->body), in->body);
	str_copy(t->address, sizeof(t->address), in->address ? in->address : "");
	m->has_point = in->has_point;
	m->lat = in->has_point ? in->lat : 0;
	m->lon = in->has_point ? in->lon : 0;
	m->region_id = in->region_id;
	if (pl.region.id && (route_channel(in->channel) || !m->region_id))
		m->region_id = pl.region.id;
	m->confidential = in->confidential ||
			  (in->kind == KIND_COMPLAINT && in->category_id && cat.confidential);
	m->state = STATE_REGISTERED;
	m->unit_id = centre.id;
	m->priority = in->priority;
	m->live_session_id = in->live_session_id;
	m->registered_by = (a->role == ROLE_OPERATOR || a->role == ROLE_MANAGER) ? a->user_id : 0;
	m->created_at = core_now(c);
	m->updated_at = m->created_at;
	m->version = 1;
	rc = OPS(c)->msg_insert(c->st, m, t, in->search ? in->search : search, err);
	if (rc < 0)
		goto fail;
	payload_begin(&p);
	payload_str(&p, "code", m->code);
	payload_str(&p, "channel", msg_channel_name(m->channel));
	payload_str(&p, "kind", msg_kind_name(m->kind));
	payload_int(&p, "confidential", m->confidential);
	payload_end(&p);
	rc = audit_append(c, a, "msg.register", m->id, p.data, err);
	if (rc == 0)
		rc = queue_registered(c, m, ci.mobile, err);
	if (rc == 0)
		rc = agg_on_change(c->st, NULL, m, m->created_at, err);
	if (rc == 0 && route_channel(m->channel) && !in->no_route)
		rc = route_refer(c, m, &pl, err);
	if (rc < 0)
		goto fail;
	rc = core_commit(c, err);
	if (rc < 0)
		goto out;
	if (out) {
		*out = *m;
		msg_hide_identity(out);
	}
	goto out;
fail:
	core_rollback(c);
out:
	free(search);
	buf_release(&p);
	return rc;
}

/* ---- lists ---- */

int msg_history_by_mobile(struct core *c, const struct actor *a, const char *mobile, size_t max,
			  struct msg **out, size_t *n, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct search_result res;
	struct search_query q;
	struct citizen ci;
	char hash[CITIZEN_MOBILE_HASH_HEX + 1];
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&res, 0, sizeof(res));
	if (!role_sees_identity(a->role) && a->role != ROLE_MANAGER)
		return err_set(err, ERR_DENIED, "", "only operators, inspectors and managers (live "
			       "sessions) see a caller's history");
	rc = citizen_get_by_mobile(c, mobile, &ci, err);
	if (rc < 0 && rc != ERR_NOTFOUND)
		return rc;
	if (rc == 0) {
		search_query_init(&q);
		q.citizen_id = ci.id;
		/* A manager taking calls live sees the caller's messages in the
		 * unit's subtree (msg_search scopes them), never a confidential
		 * one: it would link the citizen to a complaint the unit must not
		 * tie to them. */
		q.public_only = !role_sees_identity(a->role);
		q.limit = (max == 0 || max > CAP_HISTORY) ? CAP_HISTORY : max;
		if (q.limit > CAP_SEARCH_LIMIT)
			q.limit = CAP_SEARCH_LIMIT;
		rc = msg_search(c, a, &q, &res, err);
		if (rc < 0)
			return rc;
		for (i = 0; i < res.n; i++) {
			/* the caller is on the line: their own identity is
			 * shown (these are the caller's messages, so the texts
			 * carry the caller's identity) */
			res.items[i].identity_hidden = false;
		}
	}
	/* every look-up is audited, a first-time caller's too, without the
	 * number in clear (docs/security.md) */
	rc = core_begin(c, err);
	if (rc == 0) {
		rc = citizen_mobile_hash(c, mobile, hash, err);
		if (rc == 0) {
			payload_begin(&p);
			payload_str(&p, "mobile_hash", hash);
			payload_int(&p, "messages", (int64_t)res.n);
			payload_end(&p);
			rc = audit_append(c, a, "citizen.history", 0, p.data, err);
		}
		rc = core_end(c, rc, err);
	}
	buf_release(&p);
	if (rc < 0) {
		search_result_release(&res);
		return rc;
	}
	*out = res.items;
	*n = res.n;
	return 0;
}

static int overdue_cmp(const void *x, const void *y)
{
	const struct msg *a = x, *b = y;

	if (a->unit_id != b->unit_id)
		return a->unit_id < b->unit_id ? -1 : 1;
	if (a->due_at != b->due_at)
		return a->due_at < b->due_at ? -1 : 1;
	return a->id < b->id ? -1 : (a->id > b->id);
}

int msg_overdue(struct core *c, const struct actor *a, size_t max, struct msg **out, size_t *n,
		struct err *err)
{
	struct search_result res;
	struct search_query q;
	char cursor[SEARCH_CURSOR_MAX];
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	search_query_init(&q);
	q.overdue = true;
	q.limit = CAP_SEARCH_LIMIT;
	for (;;) {
		rc = msg_search(c, a, &q, &res, err);
		if (rc < 0)
			break;
		if (res.n) {
			size_t take = res.n, bytes;

			if (*n + take > max)
				take = max - *n;
			if (*n + take > cap) {
				cap = (*n + take) * 2;
				if (!size_mul(cap, sizeof(**out), &bytes))
					abort();
				*out = xrealloc(*out, bytes);
			}
			memcpy(*out + *n, res.items, take * sizeof(**out));
			*n += take;
		}
		str_copy(cursor, sizeof(cursor), res.next_cursor);
		search_result_release(&res);
		if (!cursor[0] || *n >= max)
			break;
		q.cursor = cursor;
	}
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), overdue_cmp);
	return 0;
}

