/*
 * assign.h - a message given to one person of the unit that has it, and
 * the unit's internal notes on a message.
 *
 * Assignment: staff and managers whose unit subtree holds the message give
 * it to an active staff member or manager of the message's current unit's
 * subtree (themselves included), or take it back (user 0).  Audited
 * ("msg.assign").  A message has at most one assignee; the lists filter
 * "mine" on it.
 *
 * Notes: short texts the people working on a message leave for each other.
 * Staff and managers in scope, operators and inspectors read and write
 * them; the citizen never sees them, nor does anyone else.  Each note is
 * audited ("msg.note", with the note's id, not its text).
 */
#ifndef HAMGAN_CORE_ASSIGN_H
#define HAMGAN_CORE_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/user.h"
#include "model/note.h"

struct core;
struct actor;

/* Assign message msg_id to user_id (0: nobody).  ERR_DENIED (role, scope,
 * or the assignee is not of the message's unit), ERR_INVALID (no such user,
 * inactive, not staff/manager), ERR_NOTFOUND. */
int msg_assign(struct core *c, const struct actor *a, int64_t msg_id, int64_t user_id,
	       struct err *err);
/* Who msg_id may be assigned to: the active staff and managers of its
 * current unit's subtree, by name (at most CAP_ASSIGNABLE); the same rights
 * as msg_assign.  *out malloc'd. */
int msg_assignable(struct core *c, const struct actor *a, int64_t msg_id, struct user **out,
		   size_t *n, struct err *err);
/* The assignee of msg_id (ERR_NOTFOUND when none); same rights as msg_get. */
int msg_assignee(struct core *c, const struct actor *a, int64_t msg_id, struct user *out,
		 struct err *err);

/* Add a note (1..CAP_NOTE bytes of text); sets out (may be NULL). */
int note_add(struct core *c, const struct actor *a, int64_t msg_id, const char *body,
	     struct msg_note *out, struct err *err);
/* The notes of msg_id, oldest first, at most CAP_NOTES; *out malloc'd. */
int note_list(struct core *c, const struct actor *a, int64_t msg_id, struct msg_note **out,
	      size_t *n, struct err *err);

#endif
