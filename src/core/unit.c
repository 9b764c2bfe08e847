/*
 * unit.c - the unit tree: add, read, scope checks and CSV import.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "core/agg.h"
#include "core/audit.h"
#include "core/core_int.h"
#include "core/csv.h"
#include "core/unit.h"

int code_check(const char *what, const char *code, struct err *err)
{
	size_t i, len = code ? strlen(code) : 0;

	if (len == 0)
		return err_set(err, ERR_INVALID, what, "'%s' is required", what);
	if (len >= CAP_CODE)
		return err_set(err, ERR_INVALID, what, "'%s' is longer than %d bytes", what,
			       CAP_CODE - 1);
	for (i = 0; i < len; i++) {
		char ch = code[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		      ch == '_' || ch == '.'))
			return err_set(err, ERR_INVALID, what, "'%s' may hold only a-z, 0-9, '.', "
				       "'_' and '-'", what);
	}
	return 0;
}

static bool may_admin(const struct actor *a)
{
	return a->role == ROLE_ADMIN || a->role == ROLE_SYSTEM;
}

/* Depth of the chain above parent (parent itself counts 1). */
static int tree_depth(struct core *c, int64_t parent, int *depth, struct err *err)
{
	struct unit u;
	int rc;

	*depth = 0;
	while (parent) {
		if (++*depth > CAP_TREE_DEPTH)
			return err_set(err, ERR_INVALID, "parent", "the unit tree is deeper than %d",
				       CAP_TREE_DEPTH);
		rc = OPS(c)->unit_get(c->st, parent, &u, err);
		if (rc < 0)
			return rc;
		parent = u.parent_id;
	}
	return 0;
}

static int unit_validate(const struct unit *u, struct err *err)
{
	int rc = code_check("code", u->code, err);

	if (rc < 0)
		return rc;
	rc = text_check("name", u->name, CAP_NAME - 1, true, false, err);
	if (rc < 0)
		return rc;
	if ((int)u->kind < 0 || u->kind >= UNIT_KIND_COUNT)
		return err_set(err, ERR_INVALID, "kind", "unknown unit kind");
	return 0;
}

/* Insert inside an open transaction. */
static int unit_insert_tx(struct core *c, struct unit *u, struct err *err)
{
	struct unit parent;
	bool kids = true;
	int depth, rc;

	if (u->parent_id) {
		rc = OPS(c)->unit_get(c->st, u->parent_id, &parent, err);
		if (rc == ERR_NOTFOUND)
			return err_set(err, ERR_INVALID, "parent", "the parent unit does not exist");
		if (rc < 0)
			return rc;
		rc = tree_depth(c, u->parent_id, &depth, err);
		if (rc == 0)
			rc = OPS(c)->unit_has_children(c->st, u->parent_id, &kids, err);
		/* the parent's alone figures are stored from its first child on
		 * (core/agg.h, agg_scope_stored) */
		if (rc == 0 && !kids)
			rc = agg_unit_first_child(c->st, u->parent_id, err);
		if (rc < 0)
			return rc;
	}
	rc = OPS(c)->unit_insert(c->st, u, err);
	if (rc == ERR_CONFLICT)
		return err_set(err, ERR_CONFLICT, "code", "unit '%s' already exists", u->code);
	return rc;
}

int unit_add(struct core *c, const struct actor *a, struct unit *u, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	int rc;

	if (!may_admin(a))
		return err_set(err, ERR_DENIED, "", "only an admin may add units");
	rc = unit_validate(u, err);
	if (rc < 0)
		return rc;
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = unit_insert_tx(c, u, err);
	if (rc == 0) {
		payload_begin(&p);
		payload_str(&p, "code", u->code);
		payload_str(&p, "name", u->name);
		payload_str(&p, "kind", unit_kind_name(u->kind));
		payload_int(&p, "parent_id", u->parent_id);
		payload_end(&p);
		rc = audit_append(c, a, "unit.add", 0, p.data, err);
	}
	rc = core_end(c, rc, err);
	buf_release(&p);
	if (rc < 0)
		u->id = 0;
	return rc;
}

int unit_get(struct core *c, int64_t id, struct unit *out, struct err *err)
{
	return OPS(c)->unit_get(c->st, id, out, err);
}

int unit_get_by_code(struct core *c, const char *code, struct unit *out, struct err *err)
{
	int rc = code_check("code", code, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->unit_get_by_code(c->st, code, out, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_NOTFOUND, "unit", "no unit '%s'", code);
	return rc;
}

int unit_list(struct core *c, struct unit **out, size_t *n, struct err *err)
{
	return OPS(c)->unit_list(c->st, out, n, err);
}

int unit_within(struct core *c, int64_t ancestor, int64_t unit, bool *yes, struct err *err)
{
	return OPS(c)->unit_within(c->st, ancestor, unit, yes, err);
}

int unit_centre(struct core *c, struct unit *out, struct err *err)
{
	int rc = OPS(c)->unit_first_of_kind(c->st, UNIT_CENTRE, out, err);

	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_NOTFOUND, "unit", "there is no unit of kind 'centre' "
			       "(import the units first)");
	return rc;
}

/* One row of a unit import: parse, then insert or update by code. */
static int unit_import_row(struct core *c, const struct csv *r, struct err *e)
{
	struct unit u, old, parent;
	int rc = 0;

	memset(&u, 0, sizeof(u));
	str_copy(u.code, sizeof(u.code), r->fields[0]);
	if (strlen(r->fields[0]) >= sizeof(u.code) || strlen(r->fields[1]) >= sizeof(u.name))
		return err_set(e, ERR_INVALID, "", "a field is too long");
	str_copy(u.name, sizeof(u.name), r->fields[1]);
	u.active = true;
	if (unit_kind_parse(r->fields[2], &u.kind) < 0)
		return err_set(e, ERR_INVALID, "kind", "unknown kind '%.40s' (organisation, "
			       "centre, region, district, department)", r->fields[2]);
	rc = unit_validate(&u, e);
	if (rc < 0)
		return rc;
	if (r->fields[3][0]) {
		rc = OPS(c)->unit_get_by_code(c->st, r->fields[3], &parent, e);
		if (rc == ERR_NOTFOUND)
			return err_set(e, ERR_INVALID, "parent_code", "unknown parent '%.64s' "
				       "(a parent must come first)", r->fields[3]);
		if (rc < 0)
			return rc;
		u.parent_id = parent.id;
	}
	rc = OPS(c)->unit_get_by_code(c->st, u.code, &old, e);
	if (rc == ERR_NOTFOUND)
		return unit_insert_tx(c, &u, e);
	if (rc < 0)
		return rc;
	if (old.parent_id != u.parent_id)
		return err_set(e, ERR_INVALID, "parent_code", "unit '%s' exists under another "
			       "parent", u.code);
	u.id = old.id;
	return OPS(c)->unit_update(c->st, &u, e);
}

int unit_import_csv(struct core *c, const struct actor *a, const char *data, size_t len,
		    size_t *count, struct err *err)
{
	static const char *const header[] = { "code", "name", "kind", "parent_code" };

	*count = 0;
	if (!may_admin(a))
		return err_set(err, ERR_DENIED, "", "only an admin may import units");
	return csv_import(c, a, data, len, header, 4, "unit.import", unit_import_row, count, err);
}
