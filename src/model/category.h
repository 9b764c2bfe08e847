/*
 * model/category.h - a category of the subject tree messages are filed under.
 */
#ifndef HAMGAN_MODEL_CATEGORY_H
#define HAMGAN_MODEL_CATEGORY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/caps.h"
#include "model/msg.h"

struct category {
	int64_t id;
	char code[CAP_CODE];
	char name[CAP_NAME];
	int64_t parent_id;	/* 0 for a root */
	int deadline_hours;	/* 1..CAP_DEADLINE_HOURS */
	unsigned kinds;		/* bit (1u << enum msg_kind) per kind taken */
	bool confidential;	/* complaints here are confidential by default */
	char service_code[CAP_CODE];	/* Open311 service_code, may be empty */
	bool active;
};

#define CATEGORY_ALL_KINDS ((1u << KIND_COUNT) - 1)

#endif
