/* geojson.c - GeoJSON boundaries in and out (geojson.h). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/geojson.h"
#include "http/jval.h"

static int ring(const cJSON *r, struct geo_outline *o, struct err *err)
{
	const cJSON *p;
	int rc;

	if (!cJSON_IsArray(r))
		return err_set(err, ERR_INVALID, "geometry", "a ring is not an array of positions");
	cJSON_ArrayForEach(p, r) {
		const cJSON *x = cJSON_GetArrayItem(p, 0), *y = cJSON_GetArrayItem(p, 1);

		if (!cJSON_IsArray(p) || !cJSON_IsNumber(x) || !cJSON_IsNumber(y))
			return err_set(err, ERR_INVALID, "geometry", "a position is not [longitude, "
				       "latitude]");
		rc = geo_outline_point(o, x->valuedouble, y->valuedouble, err);
		if (rc < 0)
			return rc;
	}
	return geo_outline_end_ring(o, err);
}

static int polygon(const cJSON *poly, struct geo_outline *o, struct err *err)
{
	const cJSON *r;
	int rc;

	if (!cJSON_IsArray(poly))
		return err_set(err, ERR_INVALID, "geometry", "a polygon is not an array of rings");
	cJSON_ArrayForEach(r, poly) {
		rc = ring(r, o, err);
		if (rc < 0)
			return rc;
	}
	return geo_outline_end_polygon(o, err);
}

/* A geometry node into o (released on failure). */
static int geometry(const cJSON *g, struct geo_outline *o, struct err *err)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(g, "type");
	const cJSON *coords = cJSON_GetObjectItemCaseSensitive(g, "coordinates");
	const cJSON *p;
	int rc = 0;

	geo_outline_init(o);
	if (!cJSON_IsObject(g) || !cJSON_IsString(type) || !cJSON_IsArray(coords))
		return err_set(err, ERR_INVALID, "geometry", "not a GeoJSON geometry with "
			       "coordinates");
	if (str_eq(type->valuestring, "Polygon")) {
		rc = polygon(coords, o, err);
	} else if (str_eq(type->valuestring, "MultiPolygon")) {
		o->multi = true;
		cJSON_ArrayForEach(p, coords) {
			rc = polygon(p, o, err);
			if (rc < 0)
				break;
		}
		if (rc == 0)
			rc = geo_outline_check(o, err);
	} else {
		rc = err_set(err, ERR_INVALID, "geometry", "geometry type '%.32s' is not Polygon "
			     "or MultiPolygon", type->valuestring);
	}
	if (rc < 0)
		geo_outline_release(o);
	return rc;
}

static int parse_text(const char *text, size_t len, cJSON **out, struct err *err)
{
	int rc;

	*out = NULL;
	if (len > CAP_GEO_FILE)
		return err_set(err, ERR_TOOBIG, "file", "GeoJSON larger than %d bytes",
			       CAP_GEO_FILE);
	rc = jval_scan(text, len, err);
	if (rc < 0)
		return rc;
	*out = cJSON_ParseWithLength(text, len);
	if (!*out)
		return err_set(err, ERR_INVALID, "file", "not valid JSON");
	return 0;
}

int geojson_parse_geometry(const char *text, size_t len, struct geo_outline *o,
			   struct err *err)
{
	cJSON *g;
	int rc = parse_text(text, len, &g, err);

	geo_outline_init(o);
	if (rc < 0)
		return rc;
	rc = geometry(g, o, err);
	cJSON_Delete(g);
	return rc;
}

void geojson_fc_release(struct geojson_fc *fc)
{
	size_t i;

	for (i = 0; i < fc->n; i++) {
		free((char *)fc->features[i].unit);
		geo_outline_release(&fc->features[i].outline);
	}
	free(fc->features);
	free(fc->attribution);
	memset(fc, 0, sizeof(*fc));
}

int geojson_parse(const char *text, size_t len, const char *property, struct geojson_fc *fc,
		  struct err *err)
{
	const cJSON *type, *features, *attr, *f;
	cJSON *root;
	int rc, nf;

	memset(fc, 0, sizeof(*fc));
	if (!property || !*property)
		property = "unit";
	rc = parse_text(text, len, &root, err);
	if (rc < 0)
		return rc;
	type = cJSON_GetObjectItemCaseSensitive(root, "type");
	features = cJSON_GetObjectItemCaseSensitive(root, "features");
	attr = cJSON_GetObjectItemCaseSensitive(root, "attribution");
	nf = cJSON_GetArraySize(features);
	if (!cJSON_IsString(type) || !str_eq(type->valuestring, "FeatureCollection") ||
	    !cJSON_IsArray(features)) {
		rc = err_set(err, ERR_INVALID, "file", "not a GeoJSON FeatureCollection");
	} else if (nf > CAP_GEO_FEATURES) {
		rc = err_set(err, ERR_TOOBIG, "file", "more than %d features", CAP_GEO_FEATURES);
	} else if (attr && (!cJSON_IsString(attr) || strlen(attr->valuestring) > CAP_NOTE)) {
		rc = err_set(err, ERR_INVALID, "attribution", "the attribution is not a string of "
			     "at most %d bytes", CAP_NOTE);
	}
	if (rc == 0 && nf > 0)
		fc->features = xcalloc((size_t)nf, sizeof(*fc->features));
	if (rc == 0 && cJSON_IsString(attr))
		fc->attribution = xstrdup(attr->valuestring);
	if (rc == 0) {
		cJSON_ArrayForEach(f, features) {
			const cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");
			const cJSON *code = cJSON_GetObjectItemCaseSensitive(props, property);
			struct geo_feature *g = &fc->features[fc->n];
			struct err e2;

			if (!cJSON_IsString(code) || strlen(code->valuestring) >= CAP_CODE) {
				rc = err_set(err, ERR_INVALID, "file", "feature %zu: no '%.40s' "
					     "property naming its unit", fc->n + 1, property);
				break;
			}
			err_clear(&e2);
			rc = geometry(cJSON_GetObjectItemCaseSensitive(f, "geometry"), &g->outline,
				      &e2);
			if (rc < 0) {
				rc = err_set(err, rc, e2.field[0] ? e2.field : "file",
					     "feature %zu: %s", fc->n + 1, e2.msg);
				break;
			}
			g->unit = xstrdup(code->valuestring);
			fc->n++;
		}
	}
	cJSON_Delete(root);
	if (rc < 0)
		geojson_fc_release(fc);
	return rc;
}

static cJSON *ring_json(const struct geo_outline *o, size_t r)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = r ? o->ring_end[r - 1] : 0; i < o->ring_end[r]; i++) {
		cJSON *pos = cJSON_CreateArray();

		cJSON_AddItemToArray(pos, cJSON_CreateNumber(o->lon[i]));
		cJSON_AddItemToArray(pos, cJSON_CreateNumber(o->lat[i]));
		cJSON_AddItemToArray(arr, pos);
	}
	return arr;
}

cJSON *geojson_geometry(const struct geo_outline *o)
{
	bool multi = o->multi || o->npolys > 1;
	cJSON *g = cJSON_CreateObject(), *coords = cJSON_CreateArray();
	size_t p, r = 0;

	cJSON_AddStringToObject(g, "type", multi ? "MultiPolygon" : "Polygon");
	for (p = 0; p < o->npolys; p++) {
		cJSON *poly = multi ? cJSON_CreateArray() : coords;

		for (; r < o->poly_end[p]; r++)
			cJSON_AddItemToArray(poly, ring_json(o, r));
		if (multi)
			cJSON_AddItemToArray(coords, poly);
	}
	cJSON_AddItemToObject(g, "coordinates", coords);
	return g;
}

int geojson_import(struct core *c, const struct actor *a, const char *text, size_t len,
		   const char *property, size_t *count, struct err *err)
{
	struct geojson_fc fc;
	int rc = geojson_parse(text, len, property, &fc, err);

	*count = 0;
	if (rc < 0)
		return rc;
	rc = geo_import(c, a, fc.features, fc.n, fc.attribution, count, err);
	geojson_fc_release(&fc);
	return rc;
}
