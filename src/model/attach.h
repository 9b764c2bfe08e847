/*
 * model/attach.h - a file on a message (metadata; the bytes travel apart).
 */
#ifndef HAMGAN_MODEL_ATTACH_H
#define HAMGAN_MODEL_ATTACH_H

#include <stdint.h>

#include "base/caps.h"

struct attachment {
	int64_t id;
	int64_t msg_id;
	char name[CAP_ATTACH_NAME];	/* as given, without any directory */
	char mime[32];			/* from the bytes: image/jpeg, ... */
	char by[CAP_CODE];		/* actor label: username or "citizen:ID" */
	int by_role;			/* enum role of who attached it */
	int64_t size;			/* bytes stored (after stripping) */
	int64_t thumb_size;		/* 0: no preview (a PDF) */
	int64_t created_at;
};

#endif
