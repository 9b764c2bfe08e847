/*
 * route.c - where a new message goes by itself (docs/routing.md): its
 * category's routing rule, then its place (the district whose boundary
 * holds the point, else the region), else it stays with the centre for an
 * operator.  Called by msg_register inside its transaction.
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "core/category.h"
#include "core/core_int.h"
#include "core/flow.h"
#include "core/geo.h"
#include "core/unit.h"

bool route_channel(enum msg_channel ch)
{
	return ch == CHANNEL_WEB || ch == CHANNEL_SMS || ch == CHANNEL_OPEN311;
}

/* The unit a rule names: "{region}" in it stands for the code of the region
 * the point is in (no region: no unit).  *to = 0 when none is active. */
static int rule_unit(struct core *c, const char *rule, const struct place *pl, int64_t *to,
		     struct err *err)
{
	const char *mark = strstr(rule, "{region}");
	char code[CAP_CODE];
	struct unit u;
	int rc;

	*to = 0;
	if (mark) {
		if (!pl->region.id)
			return 0;
		if ((size_t)snprintf(code, sizeof(code), "%.*s%s%s", (int)(mark - rule), rule,
				     pl->region.code, mark + strlen("{region}")) >= sizeof(code))
			return 0;
	} else {
		str_copy(code, sizeof(code), rule);
	}
	rc = OPS(c)->unit_get_by_code(c->st, code, &u, err);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	if (u.active && u.kind != UNIT_CENTRE)
		*to = u.id;
	return 0;
}

int route_refer(struct core *c, struct msg *m, const struct place *pl, struct err *err)
{
	struct actor sys = actor_system("place");
	char rule[CAP_CODE] = "", why[CAP_NOTE + 1];
	int64_t to = 0;
	int rc;

	if (m->category_id) {
		rc = OPS(c)->category_route_get(c->st, m->category_id, rule, sizeof(rule), err);
		if (rc < 0 && rc != ERR_NOTFOUND)
			return rc;
	}
	if (rule[0]) {
		rc = rule_unit(c, rule, pl, &to, err);
		if (rc < 0)
			return rc;
		if (to)
			snprintf(why, sizeof(why), "category rule %s", rule);
	}
	if (!to && pl->district.id) {
		to = pl->district.id;
		snprintf(why, sizeof(why), "place: %s", pl->district.code);
	}
	if (!to && pl->region.id) {
		to = pl->region.id;
		snprintf(why, sizeof(why), "place: %s", pl->region.code);
	}
	if (!to)
		return 0;
	return msg_refer(c, &sys, m->id, m->version, to, 0, 0, why, m, err);
}
