/* fuzz_cells.c - an aggregate cell of the SQLite store as bytes read from
 * a file nobody checked: the first 8 bytes its rowid, the packed key
 * (store/cell_pack.h), the rest its counters in base/varint.h's sparse
 * form. */
#include "fuzz_common.h"

#include "base/err.h"
#include "base/varint.h"
#include "store/cell_pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char again[(AGG_NCOUNTERS + 1) * VARINT_BYTES];
	int64_t c[AGG_NCOUNTERS], id, back, lo, hi;
	struct agg_key k;
	size_t n;
	int rc;

	if (size < 8)
		return 0;
	memcpy(&id, data, 8);
	/* a key read back packs to the same rowid, within its scope's range
	 * of its day and its dim's range */
	if (cell_id_unpack(id, &k) == 0) {
		FUZZ_ASSERT(cell_id_pack(&k, &back) == 0 && back == id);
		cell_id_range(k.dim, k.unit, k.day, k.day, &lo, &hi);
		FUZZ_ASSERT(lo <= id && id <= hi);
		cell_id_range(k.dim, 0, INT64_MIN, INT64_MAX, &lo, &hi);
		FUZZ_ASSERT(lo <= id && id <= hi);
	}
	/* counters read back encode to the same bytes: one form of each */
	rc = varint_decode_sparse_i64s(data + 8, size - 8, c, AGG_NCOUNTERS);
	FUZZ_ASSERT(rc == 0 || rc == ERR_INVALID);
	if (rc == 0) {
		n = varint_encode_sparse_i64s(c, AGG_NCOUNTERS, again);
		FUZZ_ASSERT(n == size - 8 && memcmp(again, data + 8, n) == 0);
	}
	return 0;
}
