/*
 * model/note.h - a unit's internal note on a message.
 */
#ifndef HAMGAN_MODEL_NOTE_H
#define HAMGAN_MODEL_NOTE_H

#include <stdint.h>

#include "base/caps.h"

struct msg_note {
	int64_t id;
	int64_t msg_id;
	int64_t user_id;
	char author[CAP_NAME];		/* the writer's name (username when none) */
	char body[CAP_NOTE + 1];
	int64_t at;
};

#endif
