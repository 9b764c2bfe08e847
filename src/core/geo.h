/*
 * geo.h - places: which unit's boundary holds a point, and the boundaries a
 * city loads (GeoJSON Polygon and MultiPolygon outlines, holes included).
 *
 * Boundaries are data: a front end reads a GeoJSON FeatureCollection whose
 * features name a unit by a property (http/geojson.h) and geo_import()
 * stores each outline (one per unit; a new import replaces it).  The
 * core keeps an index of the outlines per struct core, built on first use
 * and rebuilt when the stored boundaries change (seen within a second: the
 * change stamp is read at most once a second), so a look-up touches the
 * few outlines whose cells hold the point and, in each, only the edges of
 * the point's latitude band: never every vertex (docs/routing.md).
 *
 * Points are WGS84 latitude/longitude in degrees; GeoJSON positions are
 * [longitude, latitude].  A point on an edge may fall on either side.
 */
#ifndef HAMGAN_CORE_GEO_H
#define HAMGAN_CORE_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/unit.h"

struct core;
struct actor;

/* ---- outlines ---- */

/*
 * A unit's outline: polygons, each an outer ring and its holes, each ring a
 * closed list of positions (the first repeated last).  Front ends parse
 * GeoJSON into this (http/geojson.h); the core stores and indexes it.
 * Build it with geo_outline_point / _end_ring / _end_polygon, which check
 * as they go: positions within [-180,180] x [-90,90], rings of 4+ positions
 * that end where they start, polygons with a ring, CAP_GEO_VERTICES and
 * CAP_GEO_RINGS (ERR_INVALID or ERR_TOOBIG, err says why).
 */
struct geo_outline {
	size_t npolys, nrings, npts;
	size_t *poly_end;	/* polygon i's rings end before ring poly_end[i] */
	size_t *ring_end;	/* ring i's positions end before position ring_end[i] */
	double *lon, *lat;
	bool multi;		/* given as a MultiPolygon (written back as one) */
	size_t caps[3];		/* allocated: polygons, rings, positions */
};

void geo_outline_init(struct geo_outline *o);
void geo_outline_release(struct geo_outline *o);
int geo_outline_point(struct geo_outline *o, double lon, double lat, struct err *err);
int geo_outline_end_ring(struct geo_outline *o, struct err *err);
int geo_outline_end_polygon(struct geo_outline *o, struct err *err);
/* 0 when o holds at least one polygon and every ring is ended. */
int geo_outline_check(const struct geo_outline *o, struct err *err);

/* Stored form: a compact little-endian byte string (*out malloc'd), and back
 * (ERR_INVALID on anything malformed; o released on failure). */
void geo_outline_encode(const struct geo_outline *o, unsigned char **out, size_t *len);
int geo_outline_decode(const unsigned char *p, size_t len, struct geo_outline *o,
		       struct err *err);

/* ---- the index, on its own (no store): unit tests and the benchmark ---- */

struct geo_index;

/* Add unit_id's outline (checked, copied) to idx (made on first call when
 * *idx is NULL).  ERR_INVALID leaves idx as it was. */
int geo_index_add(struct geo_index **idx, int64_t unit_id, const struct geo_outline *o,
		  struct err *err);
/* Build the look-up structures after the last add (idempotent). */
void geo_index_build(struct geo_index *idx);
/* Units whose outline holds (lat, lon), at most max, in the order added.
 * Returns how many were written. */
size_t geo_index_lookup(const struct geo_index *idx, double lat, double lon, int64_t *units,
			size_t max);
size_t geo_index_count(const struct geo_index *idx);
void geo_index_free(struct geo_index *idx);

/* Great-circle distance in metres (haversine on a 6,371 km sphere). */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* ---- boundaries in the store ---- */

/* A unit's outline as a front end read it from a file. */
struct geo_feature {
	const char *unit;		/* the unit's code */
	struct geo_outline outline;
};

/*
 * Store the outlines of n features (at most CAP_GEO_FEATURES), each the
 * boundary of the unit it names (replacing any it had).  attribution (may
 * be NULL) is kept with each (maps show it; at most CAP_NOTE bytes).  Admin
 * or system.  All or nothing: an unknown or inactive unit, a unit named
 * twice, a bad outline refuses them all, err naming the feature (1-based).
 * *count = features stored.  Audited as "unit.boundaries_import".
 */
int geo_import(struct core *c, const struct actor *a, const struct geo_feature *f, size_t n,
	       const char *attribution, size_t *count, struct err *err);

/* Where a point is: the region whose boundary holds it and, below it, the
 * district (0 ids when none).  A district found without its region's
 * boundary still gives its region (the district's parent). */
struct place {
	struct unit region;
	struct unit district;
};

/* Fill p for (lat, lon); ids stay 0 when no boundary holds the point or
 * there are no boundaries. */
int geo_place(struct core *c, double lat, double lon, struct place *p, struct err *err);

/* Call fn for every stored boundary (unit, outline, attribution), ordered
 * by unit code; a non-zero return from fn stops and is returned.  *stamp
 * (may be NULL) gets a number that changes whenever the boundaries change
 * (an ETag). */
int geo_boundaries(struct core *c, int (*fn)(const struct unit *u, const struct geo_outline *o,
					     const char *attribution, void *arg),
		   void *arg, int64_t *stamp, struct err *err);

/* Free the core's index (core_close). */
void geo_core_release(struct core *c);

#endif
