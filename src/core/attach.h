/*
 * attach.h - photos and files on a message: citizens (at submission, with
 * their code and mobile), operators and the units handling it attach JPEG,
 * PNG and WebP photos and PDFs; everyone who may read the message may see
 * them.
 *
 * What a file is comes from its bytes (base/img.h), never its name or a
 * declared type; a photo loses its EXIF/GPS, XMP and other metadata before
 * it is stored and gets a JPEG preview (base/thumb.h); a photo that cannot
 * be decoded is refused.  The file, its preview and who attached it are one
 * row in the database (so every server node reads the same), written with
 * an audit entry in one transaction.  Caps: CAP_ATTACH_BYTES a file,
 * CAP_ATTACH_PER_MSG a message.
 */
#ifndef HAMGAN_CORE_ATTACH_H
#define HAMGAN_CORE_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/actor.h"
#include "model/attach.h"

struct core;

/*
 * Messages are named by tracking code (any digit script); a code the actor
 * may not read is ERR_DENIED, one that does not exist ERR_NOTFOUND.
 *
 * Attach data (len bytes) named name (may be NULL or "") to message code.
 * The actor must be able to read the message and be its citizen (while it
 * is open: ERR_CONFLICT, field "state", once closed or rejected), an
 * operator, or staff/manager of a unit that holds it.  out gets the stored
 * row.  ERR_DENIED (no right to read it; field "role" when the role adds
 * no files), ERR_NOTFOUND (no message),
 * ERR_TOOBIG (file size, pixel count or CAP_ATTACH_PER_MSG), ERR_INVALID
 * (not JPEG/PNG/WebP/PDF by its bytes, a malformed or undecodable image).
 */
int attach_add(struct core *c, const struct actor *a, const char *code, const char *name,
	       const void *data, size_t len, struct attachment *out, struct err *err);

/* The attachments of a message the actor may read, oldest first (*out
 * malloc'd, metadata only). */
int attach_list(struct core *c, const struct actor *a, const char *code,
		struct attachment **out, size_t *n, struct err *err);

/*
 * One attachment id of message code with its bytes (*data malloc'd,
 * *len) or, when thumb, its preview.  ERR_NOTFOUND when it is not on that
 * message or has no preview; ERR_DENIED when the actor may not read the
 * message.
 */
int attach_get(struct core *c, const struct actor *a, const char *code, int64_t id, int thumb,
	       struct attachment *out, void **data, size_t *len, struct err *err);

#endif
