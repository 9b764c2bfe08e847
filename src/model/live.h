/*
 * model/live.h - a direct-connection session (ارتباط مستقیم).
 */
#ifndef HAMGAN_MODEL_LIVE_H
#define HAMGAN_MODEL_LIVE_H

#include <stdint.h>

#include "base/caps.h"

struct live_session {
	int64_t id;
	int64_t unit_id;
	int64_t host_user_id;	/* a manager of the unit (or above it) */
	char title[CAP_NAME];
	int64_t starts_at, ends_at;
	int64_t created_at;
};

#endif
