/*
 * nearby.h - messages that may be the same as another: open messages of a
 * category near a point (shown to a citizen before sending, FixMyStreet's
 * "is this yours?"), and a message's likely duplicates (shown to operators
 * and units with one step to mark one a duplicate of the other).
 *
 * What comes back is a projection safe for its reader: never a citizen's
 * name, mobile or national id.
 */
#ifndef HAMGAN_CORE_NEARBY_H
#define HAMGAN_CORE_NEARBY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/msg.h"

struct core;
struct actor;

enum near_why {
	NEAR_PLACE = 1 << 0,	/* the same category within CAP_NEARBY_METRES */
	NEAR_MOBILE = 1 << 1,	/* the same citizen (mobile) */
};

struct near_msg {
	int64_t id;
	char code[TRACKING_CODE_LEN + 1];
	char subject[CAP_MSG_SUBJECT + 1];
	int64_t category_id;
	int64_t unit_id;		/* current unit */
	enum msg_state state;
	enum msg_kind kind;
	int64_t created_at;
	bool has_point;
	double lat, lon;
	double distance_m;		/* from the point asked about; -1 without a point */
	unsigned why;			/* enum near_why bits (msg_similar) */
};

/*
 * Open (not answered, closed or rejected), non-confidential messages of
 * category_id whose point is within CAP_NEARBY_METRES of (lat, lon),
 * nearest first, at most CAP_NEARBY_SHOWN.  Anyone may ask (the front end
 * rate-limits).  *out malloc'd.
 */
int msg_nearby(struct core *c, double lat, double lon, int64_t category_id,
	       struct near_msg **out, size_t *n, struct err *err);

/*
 * Likely duplicates of message id: messages created within CAP_SIMILAR_DAYS
 * of it from the same mobile, or of the same category within
 * CAP_NEARBY_METRES of its point; never rejected ones, only those the actor
 * may read, newest first, at most CAP_SIMILAR_SHOWN.  Operators,
 * inspectors, admins, staff and managers.  For staff and managers a
 * confidential message (either side) is never linked by its mobile.
 * Same rights as msg_get on id.  *out malloc'd.
 */
int msg_similar(struct core *c, const struct actor *a, int64_t id, struct near_msg **out,
		size_t *n, struct err *err);

#endif
