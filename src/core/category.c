/*
 * category.c - the category tree: add, read, kinds masks and CSV import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/audit.h"
#include "core/category.h"
#include "core/core_int.h"
#include "core/csv.h"
#include "core/open311.h"
#include "core/unit.h"

int category_kinds_parse(const char *s, unsigned *out)
{
	char word[32];
	unsigned mask = 0;
	const char *p = s;
	enum msg_kind k;

	if (!s || !*s)
		return ERR_INVALID;
	if (str_eq(s, "all")) {
		*out = CATEGORY_ALL_KINDS;
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, "|");

		if (n == 0 || n >= sizeof(word))
			return ERR_INVALID;
		memcpy(word, p, n);
		word[n] = '\0';
		if (msg_kind_parse(word, &k) < 0)
			return ERR_INVALID;
		mask |= 1u << k;
		p += n;
		if (*p == '|' && !*++p)
			return ERR_INVALID;
	}
	*out = mask;
	return 0;
}

void category_kinds_format(unsigned kinds, char *out, size_t outsz)
{
	size_t off = 0;
	int k;

	if (outsz)
		out[0] = '\0';
	for (k = 0; k < KIND_COUNT; k++) {
		if (!(kinds & (1u << k)))
			continue;
		off += (size_t)snprintf(out + (off < outsz ? off : outsz - 1),
					off < outsz ? outsz - off : 1, "%s%s", off ? "|" : "",
					msg_kind_name((enum msg_kind)k));
	}
}

static int cat_validate(const struct category *cat, struct err *err)
{
	int rc = code_check("code", cat->code, err);

	if (rc < 0)
		return rc;
	rc = text_check("name", cat->name, CAP_NAME - 1, true, false, err);
	if (rc < 0)
		return rc;
	if (cat->deadline_hours < 1 || cat->deadline_hours > CAP_DEADLINE_HOURS)
		return err_set(err, ERR_INVALID, "deadline_hours", "the deadline must be 1..%d hours",
			       CAP_DEADLINE_HOURS);
	if (cat->kinds == 0 || (cat->kinds & ~CATEGORY_ALL_KINDS))
		return err_set(err, ERR_INVALID, "kinds", "a category takes at least one kind");
	if (cat->service_code[0])
		return code_check("service_code", cat->service_code, err);
	return 0;
}

static int cat_insert_tx(struct core *c, struct category *cat, struct err *err)
{
	struct category parent;
	int64_t up;
	int depth = 0, rc;

	for (up = cat->parent_id; up; up = parent.parent_id) {
		if (++depth > CAP_TREE_DEPTH)
			return err_set(err, ERR_INVALID, "parent", "the category tree is deeper "
				       "than %d", CAP_TREE_DEPTH);
		rc = OPS(c)->category_get(c->st, up, &parent, err);
		if (rc == ERR_NOTFOUND)
			return err_set(err, ERR_INVALID, "parent", "the parent category does not "
				       "exist");
		if (rc < 0)
			return rc;
	}
	rc = OPS(c)->category_insert(c->st, cat, err);
	if (rc == ERR_CONFLICT)
		return err_set(err, ERR_CONFLICT, "code", "category '%s' already exists", cat->code);
	return rc;
}

int category_add(struct core *c, const struct actor *a, struct category *cat, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	int rc;

	if (a->role != ROLE_ADMIN && a->role != ROLE_SYSTEM)
		return err_set(err, ERR_DENIED, "", "only an admin may add categories");
	rc = cat_validate(cat, err);
	if (rc < 0)
		return rc;
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = cat_insert_tx(c, cat, err);
	if (rc == 0) {
		payload_begin(&p);
		payload_str(&p, "code", cat->code);
		payload_int(&p, "deadline_hours", cat->deadline_hours);
		payload_end(&p);
		rc = audit_append(c, a, "category.add", 0, p.data, err);
	}
	rc = core_end(c, rc, err);
	buf_release(&p);
	return rc;
}

int category_get(struct core *c, int64_t id, struct category *out, struct err *err)
{
	return OPS(c)->category_get(c->st, id, out, err);
}

int category_get_by_code(struct core *c, const char *code, struct category *out,
			 struct err *err)
{
	int rc = code_check("category", code, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->category_get_by_code(c->st, code, out, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_NOTFOUND, "category", "no category '%s'", code);
	return rc;
}

int category_get_by_service(struct core *c, const char *service_code, struct category *out,
			    struct err *err)
{
	int rc = code_check("service_code", service_code, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->category_get_by_service(c->st, service_code, out, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_NOTFOUND, "service_code", "no service '%s'", service_code);
	return rc;
}

int category_list(struct core *c, struct category **out, size_t *n, struct err *err)
{
	return OPS(c)->category_list(c->st, out, n, err);
}

int category_has_children(struct core *c, int64_t cat_id, bool *yes, struct err *err)
{
	return OPS(c)->category_has_children(c->st, cat_id, yes, err);
}

/* One CSV row into cat; errors into e (without the line number). */
static int cat_from_row(struct core *c, const struct csv *r, struct category *cat, struct err *e)
{
	struct category parent;
	int64_t hours;
	int rc;

	memset(cat, 0, sizeof(*cat));
	if (strlen(r->fields[0]) >= sizeof(cat->code) || strlen(r->fields[1]) >= sizeof(cat->name) ||
	    strlen(r->fields[6]) >= sizeof(cat->service_code))
		return err_set(e, ERR_INVALID, "", "a field is too long");
	str_copy(cat->code, sizeof(cat->code), r->fields[0]);
	str_copy(cat->name, sizeof(cat->name), r->fields[1]);
	str_copy(cat->service_code, sizeof(cat->service_code), r->fields[6]);
	cat->active = true;
	if (num_parse(r->fields[3], 1, CAP_DEADLINE_HOURS, &hours) < 0)
		return err_set(e, ERR_INVALID, "deadline_hours", "deadline_hours must be a number "
			       "of hours 1..%d, not '%.20s'", CAP_DEADLINE_HOURS, r->fields[3]);
	cat->deadline_hours = (int)hours;
	if (category_kinds_parse(r->fields[4], &cat->kinds) < 0)
		return err_set(e, ERR_INVALID, "kinds", "kinds must be 'all' or kinds joined by '|' "
			       "(criticism, complaint, suggestion, appreciation, request)");
	if (str_eq(r->fields[5], "1") || str_eq(r->fields[5], "yes"))
		cat->confidential = true;
	else if (!str_eq(r->fields[5], "0") && !str_eq(r->fields[5], "no") && r->fields[5][0])
		return err_set(e, ERR_INVALID, "confidential", "confidential must be 0 or 1");
	rc = cat_validate(cat, e);
	if (rc < 0)
		return rc;
	if (r->fields[2][0]) {
		rc = OPS(c)->category_get_by_code(c->st, r->fields[2], &parent, e);
		if (rc == ERR_NOTFOUND)
			return err_set(e, ERR_INVALID, "parent_code", "unknown parent '%.64s' (a "
				       "parent must come first)", r->fields[2]);
		if (rc < 0)
			return rc;
		cat->parent_id = parent.id;
	}
	return 0;
}

/*
 * A routing rule (docs/routing.md): empty, a unit's code (that unit takes
 * every message of the category), or a code with "{region}" standing for
 * the code of the region the message's point is in ("{region}-green").
 */
static int route_check(struct core *c, const char *rule, struct err *e)
{
	const char *mark = strstr(rule, "{region}");
	char code[2 * CAP_CODE];
	struct unit u;
	int rc;

	if (!rule[0])
		return 0;
	if (strlen(rule) >= CAP_CODE)
		return err_set(e, ERR_INVALID, "route", "the routing rule is too long");
	if (mark) {
		if (strstr(mark + 1, "{region}"))
			return err_set(e, ERR_INVALID, "route", "'{region}' may appear once");
		snprintf(code, sizeof(code), "%.*sregion-01%s", (int)(mark - rule), rule,
			 mark + strlen("{region}"));
		return code_check("route", code, e);
	}
	rc = code_check("route", rule, e);
	if (rc < 0)
		return rc;
	rc = OPS(c)->unit_get_by_code(c->st, rule, &u, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_INVALID, "route", "the routing rule names no unit '%s'", rule);
	if (rc == 0 && u.kind == UNIT_CENTRE)
		return err_set(e, ERR_INVALID, "route", "a rule cannot route to the centre");
	return rc;
}

/* One row of a category import: parse, then insert or update by code; an
 * eighth column sets the routing rule. */
static int cat_import_row(struct core *c, const struct csv *r, struct err *e)
{
	struct category cat, old;
	int rc;

	bool route = r->nfields == 8 || r->nfields == 10;

	rc = cat_from_row(c, r, &cat, e);
	if (rc == 0 && route)
		rc = route_check(c, r->fields[7], e);
	if (rc < 0)
		return rc;
	rc = OPS(c)->category_get_by_code(c->st, cat.code, &old, e);
	if (rc == ERR_NOTFOUND) {
		rc = cat_insert_tx(c, &cat, e);
	} else if (rc == 0) {
		if (old.parent_id != cat.parent_id)
			return err_set(e, ERR_INVALID, "parent_code", "category '%s' exists under "
				       "another parent", cat.code);
		cat.id = old.id;
		rc = OPS(c)->category_update(c->st, &cat, e);
	}
	if (rc == 0 && route)
		rc = OPS(c)->category_route_set(c->st, cat.id, r->fields[7], e);
	return rc;
}

/* The same with the Open311 columns keywords and attributes (open311.h). */
static int cat_import_row_open311(struct core *c, const struct csv *r, struct err *e)
{
	struct service_meta *sm;
	struct category cat;
	const char *kw, *attrs;
	int rc = cat_import_row(c, r, e);

	if (rc < 0)
		return rc;
	rc = OPS(c)->category_get_by_code(c->st, r->fields[0], &cat, e);
	if (rc < 0)
		return rc;
	/* the last two columns, after "route" when the file has it */
	kw = r->fields[r->nfields - 2];
	attrs = r->fields[r->nfields - 1];
	if (strlen(kw) > CAP_OPEN311_KEYWORDS || strlen(attrs) > CAP_OPEN311_ATTR_TEXT)
		return err_set(e, ERR_INVALID, "attributes", "keywords or attributes too long");
	sm = xcalloc(1, sizeof(*sm));
	sm->category_id = cat.id;
	str_copy(sm->keywords, sizeof(sm->keywords), kw);
	str_copy(sm->attributes, sizeof(sm->attributes), attrs);
	rc = open311_service_check(sm, e);
	if (rc == 0)
		rc = OPS(c)->service_put(c->st, sm, e);
	free(sm);
	return rc;
}

/* The file's columns: the seven of every category file, then optionally
 * "route" (docs/routing.md), then optionally the Open311 pair "keywords",
 * "attributes" (open311.h): 7, 8, 9 or 10.  A header that is none of these
 * is read as 7, and the import says what it expected. */
static size_t header_columns(const char *data, size_t len)
{
	struct csv r;
	struct err e;
	size_t n = 7;

	if (csv_init(&r, data, len, &e) == 0 && csv_next(&r, &e) == 1) {
		bool route = r.nfields > 7 && str_eq(r.fields[7], "route");
		size_t k = route ? 8 : 7;

		if (r.nfields == k + 2 && str_eq(r.fields[k], "keywords") &&
		    str_eq(r.fields[k + 1], "attributes"))
			n = k + 2;
		else if (r.nfields == 8 && route)
			n = 8;
	}
	csv_release(&r);
	return n;
}

int category_import_csv(struct core *c, const struct actor *a, const char *data, size_t len,
			size_t *count, struct err *err)
{
	static const char *const header[] = { "code", "name", "parent_code", "deadline_hours",
					      "kinds", "confidential", "service_code", "route",
					      "keywords", "attributes" };
	static const char *const header_311[] = { "code", "name", "parent_code",
						  "deadline_hours", "kinds", "confidential",
						  "service_code", "keywords", "attributes" };
	size_t ncols = header_columns(data, len);

	*count = 0;
	if (a->role != ROLE_ADMIN && a->role != ROLE_SYSTEM)
		return err_set(err, ERR_DENIED, "", "only an admin may import categories");
	if (ncols >= 9)
		return csv_import(c, a, data, len, ncols == 9 ? header_311 : header, ncols,
				  "category.import", cat_import_row_open311, count, err);
	return csv_import(c, a, data, len, header, ncols, "category.import", cat_import_row,
			  count, err);
}

int category_edit(struct core *c, const struct actor *a, struct category *cat, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct category old;
	char kinds[128];
	int rc;

	if (a->role != ROLE_ADMIN && a->role != ROLE_SYSTEM)
		return err_set(err, ERR_DENIED, "", "only an admin may edit categories");
	rc = cat_validate(cat, err);
	if (rc < 0)
		return rc;
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->category_get(c->st, cat->id, &old, err);
	if (rc == 0 && (old.parent_id != cat->parent_id || !str_eq(old.code, cat->code)))
		rc = err_set(err, ERR_INVALID, "code", "a category keeps its code and parent");
	if (rc == 0)
		rc = OPS(c)->category_update(c->st, cat, err);
	if (rc == 0) {
		category_kinds_format(cat->kinds, kinds, sizeof(kinds));
		payload_begin(&p);
		payload_str(&p, "code", cat->code);
		payload_str(&p, "name", cat->name);
		payload_int(&p, "deadline_hours", cat->deadline_hours);
		payload_str(&p, "kinds", kinds);
		payload_str(&p, "service_code", cat->service_code);
		payload_int(&p, "active", cat->active);
		payload_end(&p);
		rc = audit_append(c, a, "category.edit", 0, p.data, err);
	}
	rc = core_end(c, rc, err);
	buf_release(&p);
	return rc;
}
