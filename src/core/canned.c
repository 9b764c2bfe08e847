/*
 * canned.c - canned answers per category (canned.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "core/canned.h"
#include "core/category.h"
#include "core/core_int.h"

static int check(struct core *c, const struct canned *ca, struct err *err)
{
	struct category cat;
	int rc = text_check("title", ca->title, CAP_CANNED_TITLE, true, false, err);

	if (rc == 0)
		rc = text_check("body", ca->body, CAP_MSG_ANSWER, true, true, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->category_get(c->st, ca->category_id, &cat, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_INVALID, "category", "no such category");
	return rc;
}

static int may_manage(const struct actor *a, struct err *err)
{
	if (a->role == ROLE_ADMIN || a->role == ROLE_MANAGER)
		return 0;
	return err_set(err, ERR_DENIED, "", "only admins and managers edit canned answers");
}

static int canned_write(struct core *c, const struct actor *a, struct canned *ca, bool add,
		 struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct canned old;
	int rc = may_manage(a, err);

	if (rc == 0)
		rc = check(c, ca, err);
	if (rc < 0)
		return rc;
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	if (add) {
		ca->created_at = core_now(c);
		rc = OPS(c)->canned_insert(c->st, ca, err);
	} else {
		rc = OPS(c)->canned_get(c->st, ca->id, &old, err);
		if (rc == ERR_NOTFOUND)
			rc = err_set(err, ERR_NOTFOUND, "id", "no canned answer %lld",
				     (long long)ca->id);
		if (rc == 0 && old.category_id != ca->category_id)
			rc = err_set(err, ERR_INVALID, "category", "a canned answer keeps its "
				     "category");
		if (rc == 0)
			rc = OPS(c)->canned_update(c->st, ca, err);
	}
	if (rc == 0) {
		payload_begin(&p);
		payload_int(&p, "id", ca->id);
		payload_int(&p, "category_id", ca->category_id);
		payload_str(&p, "title", ca->title);
		payload_int(&p, "active", ca->active);
		payload_end(&p);
		rc = audit_append(c, a, add ? "canned.add" : "canned.edit", 0, p.data, err);
	}
	rc = core_end(c, rc, err);
	buf_release(&p);
	return rc;
}

int canned_add(struct core *c, const struct actor *a, struct canned *ca, struct err *err)
{
	ca->active = true;
	return canned_write(c, a, ca, true, err);
}

int canned_edit(struct core *c, const struct actor *a, const struct canned *ca,
		struct err *err)
{
	struct canned copy = *ca;

	return canned_write(c, a, &copy, false, err);
}

static int may_read(const struct actor *a, struct err *err)
{
	switch (a->role) {
	case ROLE_STAFF:
	case ROLE_MANAGER:
	case ROLE_OPERATOR:
	case ROLE_ADMIN:
	case ROLE_INSPECTOR:
	case ROLE_SYSTEM:
		break;
	default:
		return err_set(err, ERR_DENIED, "", "canned answers are for the staff");
	}
	return 0;
}

int canned_get(struct core *c, const struct actor *a, int64_t id, struct canned *out,
	       struct err *err)
{
	int rc = may_read(a, err);

	if (rc == 0)
		rc = OPS(c)->canned_get(c->st, id, out, err);
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "id", "no canned answer %lld", (long long)id);
	return rc;
}

int canned_list(struct core *c, const struct actor *a, int64_t category_id, bool all,
		struct canned **out, size_t *n, struct err *err)
{
	int rc = may_read(a, err);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	return OPS(c)->canned_list(c->st, category_id, all, CAP_CANNED, out, n, err);
}
