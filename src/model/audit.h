/*
 * model/audit.h - an entry of the hash-chained audit log, and a message's
 * transition as the report aggregates read it.
 */
#ifndef HAMGAN_MODEL_AUDIT_H
#define HAMGAN_MODEL_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/caps.h"

#define AUDIT_HASH_HEX 64

struct audit_entry {
	int64_t seq;
	char actor[CAP_CODE];
	char action[CAP_CODE];
	int64_t msg_id;		/* 0: not about a message */
	char payload[CAP_AUDIT_PAYLOAD + 1];	/* JSON object text */
	int64_t at;
	char prev_hash[AUDIT_HASH_HEX + 1];
	char hash[AUDIT_HASH_HEX + 1];
};

/* A message's transition as the report aggregates read it (store op
 * audit_steps): the action ("msg.answer", ...), the verdict or grade it gave
 * ("" otherwise), whether it reopened the message, and when. */
struct audit_step {
	char action[CAP_CODE];
	char value[CAP_CODE];
	bool reopened;
	int64_t at;
};

#endif
