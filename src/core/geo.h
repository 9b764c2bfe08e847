/*
 * geo.h - places: which unit's boundary holds a point, and the boundaries a
 * city loads (GeoJSON Polygon and MultiPolygon outlines, holes included).
 *
 * Boundaries are data: geo_import() reads a GeoJSON FeatureCollection whose
 * features name a unit by a property (default "unit") and stores each
 * outline (one per unit; a new import of a unit replaces its outline).  The
 * core keeps an index of the outlines per struct core, built on first use
 * and rebuilt when the stored boundaries change, so a look-up touches the
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

/* ---- the index, on its own (no store): unit tests and the benchmark ---- */

struct geo_index;

/*
 * Parse one GeoJSON geometry object (text of {"type":"Polygon"|"MultiPolygon",
 * "coordinates":...}) into the outline of unit_id and add it to idx (made on
 * first call when *idx is NULL).  Rings need 4+ positions, closed, every
 * position within [-180,180]x[-90,90]; caps: CAP_GEO_VERTICES, CAP_GEO_RINGS.
 * ERR_INVALID (err says why) leaves idx as it was.
 */
int geo_index_add(struct geo_index **idx, int64_t unit_id, const char *geometry, size_t len,
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

/*
 * Import the features of a GeoJSON FeatureCollection (data, len bytes, at
 * most CAP_GEO_FILE): each names its unit's code in properties[property]
 * (NULL: "unit"); its Polygon or MultiPolygon becomes the unit's boundary.
 * A top-level "attribution" string is kept with each boundary (maps show
 * it).  Admin or system.  All or nothing: an unknown unit, a bad geometry, a
 * unit named twice refuses the file, err naming the feature (1-based).
 * *count = features imported.  Audited as "unit.boundaries_import".
 */
int geo_import(struct core *c, const struct actor *a, const char *data, size_t len,
	       const char *property, size_t *count, struct err *err);

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

/* Call fn for every stored boundary (unit, its GeoJSON geometry text and
 * attribution), ordered by unit code; a non-zero return from fn stops and
 * is returned.  *stamp (may be NULL) gets a number that changes whenever
 * the boundaries change (an ETag). */
int geo_boundaries(struct core *c, int (*fn)(const struct unit *u, const char *geometry,
					     const char *attribution, void *arg),
		   void *arg, int64_t *stamp, struct err *err);

/* Free the core's index (core_close). */
void geo_core_release(struct core *c);

#endif
