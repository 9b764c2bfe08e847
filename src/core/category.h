/*
 * category.h - the subject tree messages are filed under.  Each leaf has a
 * deadline in hours, the message kinds it takes, whether complaints in it are
 * confidential by default, and an Open311 service code.
 */
#ifndef HAMGAN_CORE_CATEGORY_H
#define HAMGAN_CORE_CATEGORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/msg.h"
#include "model/category.h"

struct core;
struct actor;

/* Same contract as unit_add. */
int category_add(struct core *c, const struct actor *a, struct category *cat, struct err *err);
int category_get(struct core *c, int64_t id, struct category *out, struct err *err);
int category_get_by_code(struct core *c, const char *code, struct category *out, struct err *err);
int category_get_by_service(struct core *c, const char *service_code, struct category *out,
			    struct err *err);
int category_list(struct core *c, struct category **out, size_t *n, struct err *err);
/* *yes when another category has cat_id as parent. */
int category_has_children(struct core *c, int64_t cat_id, bool *yes, struct err *err);

/* Change a category's name, deadline, kinds, confidentiality, service code
 * and active flag (cat->id names it; code and parent stay).  Admin or
 * system; validated like category_add; audited ("category.edit"). */
int category_edit(struct core *c, const struct actor *a, struct category *cat, struct err *err);

/* Parse "complaint|criticism" (or "all") into a kinds mask. */
int category_kinds_parse(const char *s, unsigned *out);
/* Write the kinds mask as "criticism|complaint". */
void category_kinds_format(unsigned kinds, char *out, size_t outsz);

/*
 * Import from CSV, header
 *	code,name,parent_code,deadline_hours,kinds,confidential,service_code
 * (kinds "a|b" or "all"; confidential 0/1), optionally followed by a
 * column "route", the category's routing rule (docs/routing.md: empty, a
 * unit's code, or a code with "{region}"; without the column the rules
 * stay as they are), and optionally then by the Open311 columns
 * keywords,attributes (a comma-separated keyword line and the attribute
 * definitions, one a line, core/open311.h; both may be empty).  All or
 * nothing, like units.
 */
int category_import_csv(struct core *c, const struct actor *a, const char *data, size_t len,
			size_t *count, struct err *err);

#endif
