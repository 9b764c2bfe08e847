/*
 * model/unit.h - a unit of the organisation (a node of the unit tree).
 */
#ifndef HAMGAN_MODEL_UNIT_H
#define HAMGAN_MODEL_UNIT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/caps.h"

enum unit_kind {
	UNIT_ORGANISATION = 0,
	UNIT_CENTRE,		/* the centre that registers and refers (1888/137) */
	UNIT_REGION,
	UNIT_DISTRICT,
	UNIT_DEPARTMENT,
	UNIT_KIND_COUNT
};

struct unit {
	int64_t id;
	char code[CAP_CODE];	/* [a-z0-9._-], unique */
	char name[CAP_NAME];	/* Persian display name */
	enum unit_kind kind;
	int64_t parent_id;	/* 0 for a root */
	bool active;
};

const char *unit_kind_name(enum unit_kind k);	/* "organisation", "centre", ... */
int unit_kind_parse(const char *s, enum unit_kind *out);

#endif
