/*
 * model/names.c - the names of the model's enums (the API, CSV and database
 * spelling) and their parsers: tables and look-ups, nothing else.
 */
#include "base/err.h"
#include "base/str.h"
#include "model/msg.h"
#include "model/role.h"
#include "model/sms.h"
#include "model/unit.h"

/* ---- messages ---- */

static const char *const state_names[STATE_COUNT] = {
	"registered", "referred", "in_progress", "answered", "closed", "returned", "rejected",
	"reopened",
};
static const char *const channel_names[CHANNEL_COUNT] = {
	"phone", "web", "sms", "open311", "live",
};
static const char *const kind_names[KIND_COUNT] = {
	"criticism", "complaint", "suggestion", "appreciation", "request",
};
static const char *const kind_names_fa[KIND_COUNT] = {
	"انتقاد", "شکایت", "پیشنهاد", "تقدیر", "درخواست",
};
static const char *const verdict_names[VERDICT_COUNT] = { "none", "accept", "object" };
static const char *const grade_names[GRADE_COUNT] = { "none", "acceptable", "unacceptable" };
static const char *const reject_names[REJECT_COUNT] = {
	"none", "incomplete", "duplicate", "outside_remit", "abusive",
};
static const char *const return_names[RETURN_COUNT] = {
	"none", "not_ours", "wrong_region", "outside_remit", "incomplete",
};
static const char *const hop_names[HOP_COUNT] = { "refer", "transfer", "return", "reopen" };
static const char *const priority_names[PRIORITY_COUNT] = { "normal", "high", "urgent" };

static const char *name_of(const char *const *names, int count, int v)
{
	if (v < 0 || v >= count)
		return "?";
	return names[v];
}

static int parse_of(const char *const *names, int count, int first, const char *s, int *out)
{
	int i;

	for (i = first; s && i < count; i++) {
		if (str_eq(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return ERR_INVALID;
}

#define NAMES(fn, parse, type, names, count, first) \
	const char *fn(type v) { return name_of(names, count, (int)v); } \
	int parse(const char *s, type *out) \
	{ \
		int v, rc = parse_of(names, count, first, s, &v); \
		if (rc == 0) \
			*out = (type)v; \
		return rc; \
	}

NAMES(msg_state_name, msg_state_parse, enum msg_state, state_names, STATE_COUNT, 0)
NAMES(msg_channel_name, msg_channel_parse, enum msg_channel, channel_names, CHANNEL_COUNT, 0)
NAMES(msg_kind_name, msg_kind_parse, enum msg_kind, kind_names, KIND_COUNT, 0)
NAMES(verdict_name, verdict_parse, enum verdict, verdict_names, VERDICT_COUNT, 1)
NAMES(grade_name, grade_parse, enum grade, grade_names, GRADE_COUNT, 1)
NAMES(reject_reason_name, reject_reason_parse, enum reject_reason, reject_names, REJECT_COUNT, 1)
NAMES(return_reason_name, return_reason_parse, enum return_reason, return_names, RETURN_COUNT, 1)
NAMES(priority_name, priority_parse, enum msg_priority, priority_names, PRIORITY_COUNT, 0)

const char *msg_kind_name_fa(enum msg_kind k)
{
	return name_of(kind_names_fa, KIND_COUNT, (int)k);
}

const char *hop_kind_name(enum hop_kind k)
{
	return name_of(hop_names, HOP_COUNT, (int)k);
}

/* ---- roles ---- */

static const char *const role_names[ROLE_COUNT] = {
	"none", "citizen", "operator", "staff", "manager", "inspector", "admin", "system",
};

const char *role_name(enum role r)
{
	return (int)r < 0 || r >= ROLE_COUNT ? "none" : role_names[r];
}

/* only the five account roles, operator .. admin */
int role_parse(const char *s, enum role *out)
{
	int v, rc = parse_of(role_names, ROLE_ADMIN + 1, ROLE_OPERATOR, s, &v);

	if (rc == 0)
		*out = (enum role)v;
	return rc;
}

/* ---- SMS outbox ---- */

static const char *const sms_state_names[SMS_STATE_COUNT] = { "pending", "sending", "sent",
							   "failed" };

const char *sms_state_name(enum sms_state s)
{
	return name_of(sms_state_names, SMS_STATE_COUNT, (int)s);
}

/* ---- units ---- */

static const char *const unit_kind_names[UNIT_KIND_COUNT] = {
	"organisation", "centre", "region", "district", "department",
};

NAMES(unit_kind_name, unit_kind_parse, enum unit_kind, unit_kind_names, UNIT_KIND_COUNT, 0)
