/*
 * canned.h - canned answers per category: ready texts a unit starts its
 * answer from («چاله ترمیم و آسفالت شد»).  Admins and managers add and
 * edit them; staff, managers, operators and admins read the active ones of
 * a category.  Adding and editing is audited ("canned.add", "canned.edit").
 */
#ifndef HAMGAN_CORE_CANNED_H
#define HAMGAN_CORE_CANNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "model/canned.h"

struct core;
struct actor;

/* Add (sets ca->id, created_at) or edit (title, body, active of ca->id).
 * ERR_DENIED, ERR_INVALID (empty or long text, no such category),
 * ERR_NOTFOUND (edit). */
int canned_add(struct core *c, const struct actor *a, struct canned *ca, struct err *err);
int canned_edit(struct core *c, const struct actor *a, const struct canned *ca,
		struct err *err);
/* One canned answer (ERR_NOTFOUND); readable by those who may list them. */
int canned_get(struct core *c, const struct actor *a, int64_t id, struct canned *out,
	       struct err *err);
/* The answers of category_id (0: every category), active ones only unless
 * all; by title; at most CAP_CANNED. *out malloc'd. */
int canned_list(struct core *c, const struct actor *a, int64_t category_id, bool all,
		struct canned **out, size_t *n, struct err *err);

#endif
