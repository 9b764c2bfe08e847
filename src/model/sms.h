/*
 * model/sms.h - a row of the SMS outbox and its states.
 */
#ifndef HAMGAN_MODEL_SMS_H
#define HAMGAN_MODEL_SMS_H

#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"

/* The pending state's number, and the same as SQL text for the store's
 * statements (the sender's queue). */
#define SMS_STATE_NUM_PENDING 0
#define SMS_SQL_STR_(x) #x
#define SMS_SQL(x) SMS_SQL_STR_(x)
#define SMS_STATE_PENDING_SQL SMS_SQL(SMS_STATE_NUM_PENDING)
#define SMS_STATE_NUM_SENDING 1
#define SMS_STATE_NUM_SENT 2
#define SMS_STATE_NUM_FAILED 3
#define SMS_STATE_SENDING_SQL SMS_SQL(SMS_STATE_NUM_SENDING)
#define SMS_STATE_SENT_SQL SMS_SQL(SMS_STATE_NUM_SENT)
#define SMS_STATE_FAILED_SQL SMS_SQL(SMS_STATE_NUM_FAILED)

enum sms_state {
	SMS_PENDING = SMS_STATE_NUM_PENDING, SMS_SENDING = SMS_STATE_NUM_SENDING,
	SMS_SENT = SMS_STATE_NUM_SENT,
	SMS_FAILED = SMS_STATE_NUM_FAILED, SMS_STATE_COUNT
};

struct sms {
	int64_t id;
	char to[12];			/* 09xxxxxxxxx */
	char body[CAP_SMS_TEXT + 1];
	int64_t msg_id;			/* 0 when not about a message */
	enum sms_state state;
	int attempts;
	int64_t created_at;
	int64_t next_at;		/* not before; while sending, the lease's end */
	int64_t sent_at;
	int64_t claimed_at;		/* when a sender last claimed it (0: never) */
	char last_error[CAP_NOTE + 1];
};

/* A batch of done rows deleted from the outbox (store op sms_prune). */
struct sms_pruned {
	size_t sent, failed;
	int64_t first_id, last_id;	/* 0 when none */
};

const char *sms_state_name(enum sms_state s);

#endif
