/* test_geo.c - src/core/geo: point in Polygon and MultiPolygon outlines with
 * holes through the index, bad geometries refused, the shipped Tehran
 * boundaries (the Grand Bazaar in Region 12), distances. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "base/caps.h"
#include "core/geo.h"
#include "http/geojson.h"

/* GeoJSON text through the parser into the index; the outline also makes
 * the round trip through the stored form on the way. */
static int add(struct geo_index **idx, int64_t unit, const char *g)
{
	struct geo_outline o, back;
	unsigned char *blob;
	size_t len;
	struct err e;
	int rc = geojson_parse_geometry(g, strlen(g), &o, &e);

	if (rc < 0)
		return rc;
	geo_outline_encode(&o, &blob, &len);
	assert_int_equal(geo_outline_decode(blob, len, &back, &e), 0);
	assert_int_equal(back.npts, o.npts);
	assert_int_equal(back.nrings, o.nrings);
	assert_int_equal(back.npolys, o.npolys);
	assert_memory_equal(back.lat, o.lat, o.npts * sizeof(double));
	geo_outline_release(&o);
	/* a damaged stored form is refused, never read past its end */
	assert_int_not_equal(geo_outline_decode(blob, len - 1, &o, &e), 0);
	blob[12] ^= 0x40;
	assert_int_not_equal(geo_outline_decode(blob, len, &o, &e), 0);
	free(blob);
	rc = geo_index_add(idx, unit, &back, &e);
	geo_outline_release(&back);
	return rc;
}

static int64_t at(const struct geo_index *idx, double lat, double lon)
{
	int64_t hits[4];
	size_t n = geo_index_lookup(idx, lat, lon, hits, 4);

	return n ? hits[0] : 0;
}

/* A 10x10 square (unit 1) with a 4x4 hole; unit 2 is a MultiPolygon of two
 * squares, the first holding unit 3 (a small square) in its hole. */
static void holes_and_parts(void **state)
{
	struct geo_index *idx = NULL;
	int64_t hits[4];

	(void)state;
	assert_int_equal(add(&idx, 1, "{\"type\":\"Polygon\",\"coordinates\":["
			     "[[0,0],[10,0],[10,10],[0,10],[0,0]],"
			     "[[3,3],[7,3],[7,7],[3,7],[3,3]]]}"), 0);
	assert_int_equal(add(&idx, 2, "{\"type\":\"MultiPolygon\",\"coordinates\":["
			     "[[[20,0],[30,0],[30,10],[20,10],[20,0]],[[24,4],[26,4],[26,6],[24,6],[24,4]]],"
			     "[[[40,40],[41,40],[41,41],[40,41],[40,40]]]]}"), 0);
	assert_int_equal(add(&idx, 3, "{\"type\":\"Polygon\",\"coordinates\":["
			     "[[24.5,4.5],[25.5,4.5],[25.5,5.5],[24.5,5.5],[24.5,4.5]]]}"), 0);
	geo_index_build(idx);
	assert_int_equal(geo_index_count(idx), 3);
	/* positions are [lon, lat]: at(lat, lon) */
	assert_int_equal(at(idx, 1, 1), 1);
	assert_int_equal(at(idx, 9.5, 9.5), 1);
	assert_int_equal(at(idx, 5, 5), 0);		/* in the hole */
	assert_int_equal(at(idx, 3.5, 5), 0);
	assert_int_equal(at(idx, 2.5, 5), 1);		/* just outside the hole */
	assert_int_equal(at(idx, -1, 5), 0);
	assert_int_equal(at(idx, 5, 22), 2);		/* first part */
	assert_int_equal(at(idx, 40.5, 40.5), 2);	/* second part */
	assert_int_equal(at(idx, 4.2, 24.2), 0);	/* the first part's hole */
	assert_int_equal(at(idx, 5, 25), 3);		/* the island in the hole */
	assert_int_equal(geo_index_lookup(idx, 5, 25, hits, 4), 1);
	assert_int_equal(at(idx, 35, 35), 0);		/* between the parts */
	assert_int_equal(at(idx, 100, 100), 0);
	geo_index_free(idx);
}

/* A concave outline (a U): the notch is outside. */
static void concave(void **state)
{
	struct geo_index *idx = NULL;

	(void)state;
	assert_int_equal(add(&idx, 7, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[9,0],[9,9],"
			     "[6,9],[6,3],[3,3],[3,9],[0,9],[0,0]]]}"), 0);
	geo_index_build(idx);
	assert_int_equal(at(idx, 6, 4.5), 0);
	assert_int_equal(at(idx, 6, 1.5), 7);
	assert_int_equal(at(idx, 6, 7.5), 7);
	assert_int_equal(at(idx, 1, 4.5), 7);
	geo_index_free(idx);
}

static void refused(void **state)
{
	static const char *const bad[] = {
		"{\"type\":\"Point\",\"coordinates\":[1,2]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}",	/* open */
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",	/* 3 positions */
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[200,0],[1,1],[0,0]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"a\",0],[1,1],[0,0]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[]}",
		"{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
		"{\"type\":\"Polygon\"}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"{\"type\":\"Polygon\",",
		"not json",
	};
	struct geo_index *idx = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (add(&idx, 1, bad[i]) == 0)
			fail_msg("accepted %s", bad[i]);
	}
	assert_null(idx);
}

static void vertex_cap(void **state)
{
	size_t n = CAP_GEO_VERTICES + 1, i, len = 0, cap = n * 24 + 64;
	char *g = malloc(cap);
	struct geo_outline o;
	struct err e;

	(void)state;
	len += (size_t)snprintf(g + len, cap - len, "{\"type\":\"Polygon\",\"coordinates\":[[");
	for (i = 0; i < n - 1; i++)
		len += (size_t)snprintf(g + len, cap - len, "[%.6f,%.6f],", (double)i / n, (double)(i % 2));
	len += (size_t)snprintf(g + len, cap - len, "[0,0]]]}");
	assert_int_equal(geojson_parse_geometry(g, len, &o, &e), ERR_TOOBIG);
	assert_int_equal(o.npts, 0);
	free(g);
}

/* The shipped file: each region's outline holds its own demo points and the
 * Grand Bazaar is in Region 12. */
static void tehran(void **state)
{
	char path[4096];
	const char *root = getenv("HAMGAN_ROOT");
	struct geo_index *idx = NULL;
	cJSON *fc, *f;
	FILE *fp;
	char *data;
	long size;
	int64_t code;

	(void)state;
	snprintf(path, sizeof(path), "%s/data/tehran-regions.geojson", root ? root : ".");
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	data = malloc((size_t)size + 1);
	assert_int_equal(fread(data, 1, (size_t)size, fp), (size_t)size);
	data[size] = '\0';
	fclose(fp);
	fc = cJSON_Parse(data);
	assert_non_null(fc);
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(fc, "features")) {
		const char *unit = cJSON_GetObjectItem(cJSON_GetObjectItem(f, "properties"),
						       "unit")->valuestring;
		char *g = cJSON_PrintUnformatted(cJSON_GetObjectItem(f, "geometry"));

		assert_int_equal(strncmp(unit, "region-", 7), 0);
		code = strtol(unit + 7, NULL, 10);
		assert_int_equal(add(&idx, code, g), 0);
		free(g);
	}
	geo_index_build(idx);
	assert_int_equal(geo_index_count(idx), 22);
	assert_int_equal(at(idx, 35.6745, 51.4221), 12);	/* the Grand Bazaar */
	assert_int_equal(at(idx, 35.6997, 51.3380), 9);	/* Azadi Tower */
	assert_int_equal(at(idx, 35.7575, 51.4098), 3);	/* Vanak Square */
	assert_int_equal(at(idx, 35.0, 51.0), 0);
	cJSON_Delete(fc);
	free(data);
	geo_index_free(idx);
}

static void distance(void **state)
{
	double d = geo_distance_m(35.6745, 51.4221, 35.6763, 51.4221);

	(void)state;
	assert_true(d > 195 && d < 205);	/* 0.0018 degrees of latitude: ~200 m */
	assert_true(geo_distance_m(1, 1, 1, 1) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holes_and_parts),
		cmocka_unit_test(concave),
		cmocka_unit_test(refused),
		cmocka_unit_test(vertex_cap),
		cmocka_unit_test(tehran),
		cmocka_unit_test(distance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
