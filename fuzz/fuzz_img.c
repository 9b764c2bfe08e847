/* fuzz_img.c - the image containers: sniffing, metadata stripping and the
 * bounded preview decoder on any bytes.  Properties: stripping keeps the
 * kind, never grows the file, and is idempotent (a stripped image has
 * nothing more to strip). */
#include "fuzz_common.h"

#include "base/buf.h"
#include "base/caps.h"
#include "base/img.h"
#include "base/thumb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf once = BUF_INIT(CAP_ATTACH_BYTES), twice = BUF_INIT(CAP_ATTACH_BYTES);
	struct buf thumb = BUF_INIT(CAP_THUMB_BYTES);
	enum img_kind k = img_sniff(data, size);
	struct err e;

	if (k != IMG_NONE && img_strip(k, data, size, &once, &e) == 0) {
		FUZZ_ASSERT(img_sniff(once.data, once.len) == k);
		FUZZ_ASSERT(k == IMG_WEBP ? once.len <= size + 1 : once.len <= size);
		FUZZ_ASSERT(img_strip(k, once.data, once.len, &twice, &e) == 0);
		FUZZ_ASSERT(twice.len == once.len && memcmp(twice.data, once.data, once.len) == 0);
		if (k != IMG_PDF)
			thumb_make(k, once.data, once.len, &thumb, &e);
	}
	buf_release(&once);
	buf_release(&twice);
	buf_release(&thumb);
	return 0;
}
