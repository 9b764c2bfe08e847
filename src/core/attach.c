/* attach.c - photos and files on a message; see attach.h. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/img.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/thumb.h"
#include "core/attach.h"
#include "core/core_int.h"
#include "fa/ids.h"

/*
 * The message with tracking code `code` as stored, and whether the actor
 * may read it.  Read straight from the store: listing files is not a read
 * of the citizen's identity, so it is not audited as one.
 */
static int readable(struct core *c, const struct actor *a, const char *code, struct msg *m,
		    struct err *err)
{
	char ascii[TRACKING_CODE_LEN + 1];
	int rc;

	if (tracking_code_ascii(code, ascii) < 0)
		return err_set(err, ERR_NOTFOUND, "code", "no message '%.40s'", code ? code : "");
	rc = OPS(c)->msg_get_by_code(c->st, ascii, m, err);
	if (rc == 0)
		rc = msg_may_read(c, a, m, err);
	return rc;
}

/* Who may add files: the citizen while the message is open, the centre's
 * operators, the units holding it (msg_may_read checked the scope) and the
 * system; inspectors and admins look, they do not add evidence. */
static int may_attach(const struct actor *a, const struct msg *m, struct err *err)
{
	switch (a->role) {
	case ROLE_CITIZEN:
		if (m->state == STATE_CLOSED || m->state == STATE_REJECTED)
			return err_set(err, ERR_CONFLICT, "state", "message %s is closed", m->code);
		return 0;
	case ROLE_OPERATOR:
	case ROLE_STAFF:
	case ROLE_MANAGER:
	case ROLE_SYSTEM:
		return 0;
	default:
		return err_set(err, ERR_DENIED, "role", "your role does not attach files");
	}
}

/* The last path component of name, checked as one line of text. */
static int clean_name(const char *name, char out[CAP_ATTACH_NAME], struct err *err)
{
	const char *base = name ? name : "";
	const char *p;

	for (p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (text_check("name", base, CAP_ATTACH_NAME - 1, false, false, err) < 0)
		return ERR_INVALID;
	str_copy(out, CAP_ATTACH_NAME, base);
	return 0;
}

int attach_add(struct core *c, const struct actor *a, const char *code, const char *name,
	       const void *data, size_t len, struct attachment *out, struct err *err)
{
	struct msg mrec, *m = &mrec;
	struct attachment *have = NULL;
	struct buf body = BUF_INIT(CAP_ATTACH_BYTES), thumb = BUF_INIT(CAP_THUMB_BYTES);
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	enum img_kind kind;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = readable(c, a, code, m, err);
	if (rc == 0)
		rc = may_attach(a, m, err);
	if (rc == 0)
		rc = clean_name(name, out->name, err);
	if (rc < 0)
		goto out;
	if (len == 0) {
		rc = err_set(err, ERR_INVALID, "file", "the file is empty");
		goto out;
	}
	if (len > CAP_ATTACH_BYTES) {
		rc = err_set(err, ERR_TOOBIG, "file", "the file is larger than %d bytes",
			     CAP_ATTACH_BYTES);
		goto out;
	}
	kind = img_sniff(data, len);
	if (kind == IMG_NONE) {
		rc = err_set(err, ERR_INVALID, "file", "the file is not a JPEG, PNG, WebP or PDF");
		goto out;
	}
	rc = img_strip(kind, data, len, &body, err);
	if (rc == 0 && kind != IMG_PDF)
		rc = thumb_make(kind, body.data, body.len, &thumb, err);
	if (rc < 0)
		goto out;
	rc = core_begin(c, err);
	if (rc < 0)
		goto out;
	rc = OPS(c)->attach_list(c->st, m->id, &have, &n, err);
	if (rc == 0 && n >= CAP_ATTACH_PER_MSG)
		rc = err_set(err, ERR_TOOBIG, "file", "message %s has %d files already", m->code,
			     CAP_ATTACH_PER_MSG);
	if (rc == 0) {
		out->msg_id = m->id;
		str_copy(out->mime, sizeof(out->mime), img_mime(kind));
		actor_label(a, out->by, sizeof(out->by));
		out->by_role = a->role;
		out->created_at = core_now(c);
		rc = OPS(c)->attach_insert(c->st, out, body.data, body.len,
					   thumb.len ? thumb.data : NULL, thumb.len, err);
	}
	if (rc == 0) {
		payload_begin(&p);
		payload_int(&p, "attachment", out->id);
		payload_str(&p, "name", out->name);
		payload_str(&p, "mime", out->mime);
		payload_int(&p, "size", out->size);
		payload_end(&p);
		rc = audit_append(c, a, "attach", m->id, p.data, err);
	}
	rc = core_end(c, rc, err);
out:
	free(have);
	buf_release(&body);
	buf_release(&thumb);
	buf_release(&p);
	return rc;
}

int attach_list(struct core *c, const struct actor *a, const char *code,
		struct attachment **out, size_t *n, struct err *err)
{
	struct msg mrec, *m = &mrec;
	int rc = readable(c, a, code, m, err);

	*out = NULL;
	*n = 0;
	if (rc == 0)
		rc = OPS(c)->attach_list(c->st, m->id, out, n, err);
	return rc;
}

int attach_get(struct core *c, const struct actor *a, const char *code, int64_t id, int thumb,
	       struct attachment *out, void **data, size_t *len, struct err *err)
{
	struct msg mrec, *m = &mrec;
	int rc = readable(c, a, code, m, err);

	*data = NULL;
	*len = 0;
	if (rc == 0)
		rc = OPS(c)->attach_get(c->st, id, thumb, out, data, len, err);
	if (rc == 0 && out->msg_id != m->id) {
		free(*data);
		*data = NULL;
		*len = 0;
		rc = err_set(err, ERR_NOTFOUND, "", "no attachment %lld on this message",
			     (long long)id);
	}
	return rc;
}
