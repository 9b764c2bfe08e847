/*
 * unit.h - the organisation's units: a tree of organisation, the 1888 centre,
 * Tehran's regions (codes region-01..region-22), districts and departments.
 *
 * Staff and managers have rights over their unit's subtree; unit_within()
 * answers "is U in the subtree of A".  Only admins and the system add units.
 * Lists are malloc'd arrays the caller free()s.
 */
#ifndef HAMGAN_CORE_UNIT_H
#define HAMGAN_CORE_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "model/unit.h"

struct core;
struct actor;

/* Check a code: 1..CAP_CODE-1 bytes of [a-z0-9._-].  0 or ERR_INVALID. */
int code_check(const char *what, const char *code, struct err *err);

/* Add u (code, name, kind, parent_id, active); sets u->id.  ERR_DENIED unless
 * admin/system, ERR_INVALID on a bad field or missing parent, ERR_CONFLICT on
 * a duplicate code. */
int unit_add(struct core *c, const struct actor *a, struct unit *u, struct err *err);
int unit_get(struct core *c, int64_t id, struct unit *out, struct err *err);
int unit_get_by_code(struct core *c, const char *code, struct unit *out, struct err *err);
/* Every unit ordered by code; *out malloc'd (free()), *n entries. */
int unit_list(struct core *c, struct unit **out, size_t *n, struct err *err);
/* *yes = unit is ancestor or in its subtree. */
int unit_within(struct core *c, int64_t ancestor, int64_t unit, bool *yes, struct err *err);
/* The first active unit of kind centre (where returned messages go). */
int unit_centre(struct core *c, struct unit *out, struct err *err);

/*
 * Import units from CSV text (header "code,name,kind,parent_code", then one
 * unit a line; a parent must come before its children or exist already).  A
 * known code is updated (name, kind, active; its parent may not change).
 * All or nothing: on any error nothing is written and err names the line.
 * *count = rows imported.
 */
int unit_import_csv(struct core *c, const struct actor *a, const char *data, size_t len,
		    size_t *count, struct err *err);

#endif
