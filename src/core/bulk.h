/*
 * bulk.h - a bulk load (the demo generator) holds each message in memory
 * from its registration to its last step.
 *
 * While a message is held, the transitions on it (msg_refer, msg_answer,
 * ... the same functions, checks, referral hops, audit entries and SMS as
 * the server's) read and change the caller's record instead of reading
 * and rewriting the store's row; bulk_save writes the record once at the
 * end.  A message's row is then written twice (msg_register's insert and
 * the save) instead of once per step, and no step reads it back.  Only
 * inside a bulk batch (core/batch.h, core_batch_bulk): a reader of the
 * store meanwhile sees the row as registered.
 *
 *	msg_register(c, &a, &in, &m, &err);	   (m: the record to hold)
 *	bulk_hold(c, &m, &tx);	msg_refer(c, &a, m.id, ...);	bulk_unhold(c);
 *	...
 *	bulk_save(c, &m, &tx, &err);
 *
 * tx holds the texts a transition reads and changes: the answer and the
 * grade note, and the citizen's mobile (the answer's SMS goes to it).  The
 * caller keeps them with the record and gives them back at each hold.
 */
#ifndef HAMGAN_CORE_BULK_H
#define HAMGAN_CORE_BULK_H

#include <stdint.h>

#include "base/err.h"
#include "model/msg.h"

struct core;

struct bulk_held {
	struct msg *m;
	struct msg_text *tx;
};

/* Transitions of message m->id work on *m and *tx until bulk_unhold (one
 * message at a time; m and tx must stay valid meanwhile). */
void bulk_hold(struct core *c, struct msg *m, struct msg_text *tx);
void bulk_unhold(struct core *c);

/* The held record for message id, or NULL (the transitions' look-up). */
struct bulk_held *bulk_held_for(struct core *c, int64_t id);

/* Write the record m and the answer and grade note of tx over the
 * message's row (its texts as registered stay). */
int bulk_save(struct core *c, const struct msg *m, const struct msg_text *tx,
	      struct err *err);

#endif
