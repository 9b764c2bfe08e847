/*
 * model/canned.h - a canned answer of a category.
 */
#ifndef HAMGAN_MODEL_CANNED_H
#define HAMGAN_MODEL_CANNED_H

#include <stdbool.h>
#include <stdint.h>

#include "base/caps.h"

struct canned {
	int64_t id;
	int64_t category_id;
	char title[CAP_CANNED_TITLE + 1];
	char body[CAP_MSG_ANSWER + 1];
	bool active;
	int64_t created_at;
};

#endif
