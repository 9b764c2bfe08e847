/*
 * live.h - direct-connection sessions (ارتباط مستقیم): a unit's manager takes
 * citizens' calls live for a couple of hours.  Calls taken are messages on
 * the live channel linked to the session (msg_register with
 * live_session_id); the host's promises are referrals with deadlines like any
 * other.
 */
#ifndef HAMGAN_CORE_LIVE_H
#define HAMGAN_CORE_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "model/live.h"

struct core;
struct actor;

/* Admin/system, or a manager for a session in their subtree that they host. */
int live_create(struct core *c, const struct actor *a, struct live_session *s, struct err *err);
int live_get(struct core *c, int64_t id, struct live_session *out, struct err *err);
/* Sessions of a unit (0: all), newest first. */
int live_list(struct core *c, int64_t unit_id, size_t max, struct live_session **out, size_t *n,
	      struct err *err);

#endif
