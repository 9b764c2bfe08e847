/* fuzz_geojson.c - boundaries files: the GeoJSON reader and the core's stored
 * form of an outline.  Properties: whatever the reader accepts is a valid
 * outline that survives the stored form unchanged and goes into the index;
 * any bytes given to the stored-form decoder are refused or make a valid
 * outline, never a read past their end.  (geojson.c and jval.c live in
 * src/http, outside libhamgan.a, so they are compiled in here.) */
#include "fuzz_common.h"

#include <cjson/cJSON.h>

#include "core/geo.h"
#include "http/jval.c"
#include "http/geojson.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct geojson_fc fc;
	struct geo_outline o;
	struct geo_index *idx = NULL;
	unsigned char *blob;
	size_t len, i;
	int64_t hits[4];
	struct err e;

	if (geojson_parse((const char *)data, size, "unit", &fc, &e) == 0) {
		for (i = 0; i < fc.n; i++) {
			const struct geo_outline *f = &fc.features[i].outline;

			FUZZ_ASSERT(geo_outline_check(f, &e) == 0);
			geo_outline_encode(f, &blob, &len);
			FUZZ_ASSERT(geo_outline_decode(blob, len, &o, &e) == 0);
			FUZZ_ASSERT(o.npts == f->npts && o.nrings == f->nrings &&
				    o.npolys == f->npolys);
			FUZZ_ASSERT(memcmp(o.lon, f->lon, o.npts * sizeof(double)) == 0);
			free(blob);
			geo_outline_release(&o);
			FUZZ_ASSERT(geo_index_add(&idx, (int64_t)i + 1, f, &e) == 0);
		}
		geo_index_build(idx);
		if (fc.n)
			geo_index_lookup(idx, fc.features[0].outline.lat[0],
					 fc.features[0].outline.lon[0], hits, 4);
		geo_index_free(idx);
		geojson_fc_release(&fc);
	}
	if (geo_outline_decode(data, size, &o, &e) == 0) {
		FUZZ_ASSERT(geo_outline_check(&o, &e) == 0);
		geo_outline_release(&o);
	}
	return 0;
}
