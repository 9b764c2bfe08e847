/*
 * api_timeline.c - a message's timeline as JSON: every event in time order
 * for those who work on it (GET /api/v1/messages/{code}), and the public
 * steps for the citizen who tracks it (core/timeline.h has the events).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/jw.h"
#include "base/str.h"
#include "core/timeline.h"
#include "core/user.h"
#include "http/api.h"

static const char *const sms_states[SMS_STATE_COUNT] = { "pending", "sending", "sent",
							  "failed" };

static cJSON *sms_json(const struct msg_event *e)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "state", sms_states[e->sms_state]);
	cJSON_AddBoolToObject(o, "hidden", e->sms_hidden);
	if (e->sms_hidden) {
		cJSON_AddNullToObject(o, "to");
		cJSON_AddNullToObject(o, "text");
	} else {
		cJSON_AddStringToObject(o, "to", e->sms_to);
		cJSON_AddStringToObject(o, "text", e->sms_text);
	}
	return o;
}

/* "actor" (the audit label) and "actor_name" (a person's name): a citizen
 * is «شهروند», never who; a user by their name; the system by its label. */
static void add_actor(struct core *c, cJSON *o, const char *label)
{
	struct user u;
	struct err e;

	if (!label[0]) {
		cJSON_AddNullToObject(o, "actor");
		cJSON_AddNullToObject(o, "actor_name");
		return;
	}
	if (str_eq(label, "citizen") || str_starts(label, "citizen:")) {
		cJSON_AddStringToObject(o, "actor", "شهروند");
		cJSON_AddStringToObject(o, "actor_name", "شهروند");
		return;
	}
	cJSON_AddStringToObject(o, "actor", label);
	err_clear(&e);
	if (!strchr(label, ':') && user_get_by_name(c, label, &u, &e) == 0 && u.name[0])
		cJSON_AddStringToObject(o, "actor_name", u.name);
	else
		cJSON_AddNullToObject(o, "actor_name");
}

cJSON *api_timeline_json(struct core *c, const struct msg_event *ev, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++) {
		const struct msg_event *e = &ev[i];
		cJSON *o = cJSON_CreateObject();
		cJSON *d = cJSON_Parse(e->payload);

		cJSON_AddStringToObject(o, "event", e->event);
		api_add_time(o, "at", e->at);
		add_actor(c, o, e->actor);
		/* the audit payload's facts, less what the message itself says */
		if (!cJSON_IsObject(d)) {
			cJSON_Delete(d);
			d = cJSON_CreateObject();
		}
		cJSON_DeleteItemFromObjectCaseSensitive(d, "code");
		cJSON_AddItemToObject(o, "details", d);
		if (e->has_hop)
			cJSON_AddItemToObject(o, "hop", api_referral_json(c, &e->hop));
		if (str_eq(e->event, "sms"))
			cJSON_AddItemToObject(o, "sms", sms_json(e));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

void api_public_timeline_jw(struct buf *b, const char *key, const struct msg_public_event *ev,
			    size_t n)
{
	size_t i;

	jw_array(b, key);
	for (i = 0; i < n; i++) {
		jw_object(b, NULL);
		jw_str(b, "event", ev[i].event);
		api_jw_time(b, "at", ev[i].at);
		if (ev[i].sms_text) {
			jw_str(b, "text", ev[i].sms_text);
			jw_bool(b, "sent", ev[i].sms_sent);
		}
		jw_object_end(b);
	}
	jw_array_end(b);
}
