/*
 * thumb.h - a small JPEG preview of a photo (JPEG, PNG or WebP), for the
 * lists that show what was attached without sending megabytes.
 *
 * Decoding untrusted images is bounded: the size in the header is checked
 * against CAP_IMAGE_PIXELS before any pixel is decoded, a JPEG is decoded
 * at 1/2, 1/4 or 1/8 scale and a WebP straight at the preview's size (so a
 * 40-megapixel photo costs a few MB), and a PNG, decoded whole, against the
 * smaller CAP_PNG_PIXELS.  Debian's libjpeg-turbo, libpng and libwebp do the
 * decoding; a decoder's error is an ordinary error, never an exit.
 */
#ifndef HAMGAN_BASE_THUMB_H
#define HAMGAN_BASE_THUMB_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/img.h"

/*
 * Append to out a JPEG at most CAP_THUMB_SIDE pixels on its longer side
 * (never larger than the image) of the image data (len bytes, kind k:
 * IMG_JPEG, IMG_PNG or IMG_WEBP).  0; ERR_INVALID when the image cannot be
 * decoded (corrupt, animated WebP, unsupported colour model); ERR_TOOBIG
 * past the pixel caps.
 */
int thumb_make(enum img_kind k, const void *data, size_t len, struct buf *out, struct err *err);

#endif
