/*
 * geojson.h - GeoJSON (RFC 7946) in and out for units' boundaries: a
 * FeatureCollection read into the core's outlines (core/geo.h) and an
 * outline written back as a geometry.  Only Polygon and MultiPolygon are
 * taken (holes included); positions are [longitude, latitude].
 *
 * Input is bounded before cJSON sees it: CAP_GEO_FILE bytes, valid UTF-8,
 * nested at most CAP_JSON_DEPTH deep (jval_scan); the outlines' own caps
 * are the core's (CAP_GEO_VERTICES, CAP_GEO_RINGS, CAP_GEO_FEATURES).
 */
#ifndef HAMGAN_HTTP_GEOJSON_H
#define HAMGAN_HTTP_GEOJSON_H

#include <stddef.h>

#include "base/err.h"
#include "core/geo.h"

struct cJSON;
struct core;
struct actor;

/* A parsed FeatureCollection: features[i].unit and .outline owned here. */
struct geojson_fc {
	struct geo_feature *features;
	size_t n;
	char *attribution;	/* the top-level "attribution" string, or NULL */
};

/*
 * Parse text (len bytes) as a FeatureCollection whose features name their
 * unit in properties[property] (NULL: "unit").  ERR_INVALID / ERR_TOOBIG
 * with err naming the feature (1-based); fc is empty on failure.
 */
int geojson_parse(const char *text, size_t len, const char *property, struct geojson_fc *fc,
		  struct err *err);
void geojson_fc_release(struct geojson_fc *fc);

/* Parse one geometry object's text into o (tests, tools). */
int geojson_parse_geometry(const char *text, size_t len, struct geo_outline *o,
			   struct err *err);

/* The outline as a GeoJSON geometry (Polygon, or MultiPolygon when it was
 * one or has several polygons). */
struct cJSON *geojson_geometry(const struct geo_outline *o);

/* geojson_parse, then geo_import of every feature with the attribution
 * (`hamgan unit boundaries import`, `hamgan demo`). */
int geojson_import(struct core *c, const struct actor *a, const char *text, size_t len,
		   const char *property, size_t *count, struct err *err);

#endif
