/* csv_import.c - the all-or-nothing CSV import shared by units and
 * categories (core_int.h). */
#include <stdbool.h>

#include "base/buf.h"
#include "core/audit.h"
#include "core/core_int.h"
#include "core/csv.h"

int csv_import(struct core *c, const struct actor *a, const char *data, size_t len,
	       const char *const *header, size_t ncols, const char *action, csv_row_fn *row,
	       size_t *count, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct csv r;
	struct err e2;
	bool begun = false;
	int rc;

	*count = 0;
	rc = csv_init(&r, data, len, err);
	if (rc < 0)
		goto out;
	rc = csv_next(&r, err);
	if (rc == 0)
		rc = err_set(err, ERR_INVALID, "file", "the file is empty");
	if (rc < 0)
		goto out;
	rc = csv_expect_header(&r, header, ncols, err);
	if (rc < 0)
		goto out;
	rc = core_begin(c, err);
	if (rc < 0)
		goto out;
	begun = true;
	for (rc = csv_next(&r, err); rc == 1; rc = csv_next(&r, err)) {
		if (r.nfields != ncols) {
			rc = err_set(err, ERR_INVALID, "file", "line %zu: expected %zu fields, "
				     "found %zu", r.record_line, ncols, r.nfields);
			break;
		}
		err_clear(&e2);
		rc = row(c, &r, &e2);
		if (rc < 0) {
			rc = err_set(err, rc, e2.field, "line %zu: %s", r.record_line, e2.msg);
			break;
		}
		(*count)++;
	}
	if (rc == 0) {
		payload_begin(&p);
		payload_int(&p, "rows", (int64_t)*count);
		payload_end(&p);
		rc = audit_append(c, a, action, 0, p.data, err);
	}
	if (rc == 0)
		rc = core_commit(c, err);
out:
	if (rc < 0) {
		if (begun)
			core_rollback(c);
		*count = 0;
	}
	csv_release(&r);
	buf_release(&p);
	return rc;
}
