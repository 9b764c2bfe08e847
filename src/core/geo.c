/*
 * geo.c - boundaries and point look-ups (geo.h).
 *
 * The index: a grid over the bounding box of every outline, each cell
 * listing the outlines whose box meets it; inside an outline, its edges
 * bucketed into horizontal latitude bands.  A look-up finds the point's
 * cell, then for each outline there whose box holds the point casts a ray
 * east over the edges of one band only (even-odd over every ring of every
 * part, which counts holes and the parts of a MultiPolygon correctly).
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/mem.h"
#include "base/str.h"
#include "core/audit.h"
#include "core/core_int.h"
#include "core/geo.h"

/* Cells of the grid per side, and the most band entries an outline may
 * make per edge before its bands are made coarser (a spiky outline whose
 * edges span every band must not cost nedges x nbands memory). */
#define GRID 64
#define BAND_EDGES 4
#define BAND_MAX 4096
#define BAND_DUP 8

struct edge {
	double y0, y1;	/* latitude, y0 < y1 */
	double x0, x1;	/* longitude at y0 and y1 */
};

struct shape {
	int64_t unit_id;
	double minx, miny, maxx, maxy;
	struct edge *edges;
	size_t nedges, vertices;
	size_t nbands;
	double band_h;
	uint32_t *band_start;	/* nbands + 1 */
	uint32_t *band_edge;
};

struct geo_index {
	struct shape *shapes;
	size_t n, cap;
	bool built;
	double minx, miny, maxx, maxy, cw, ch;
	uint32_t *cell_start;	/* GRID * GRID + 1 */
	uint32_t *cell_shape;
};

static void shape_release(struct shape *s)
{
	free(s->edges);
	free(s->band_start);
	free(s->band_edge);
	memset(s, 0, sizeof(*s));
}

/* ---- parsing ---- */

static int position(const cJSON *p, double *x, double *y, struct err *err)
{
	const cJSON *a = cJSON_GetArrayItem(p, 0), *b = cJSON_GetArrayItem(p, 1);

	if (!cJSON_IsArray(p) || !cJSON_IsNumber(a) || !cJSON_IsNumber(b))
		return err_set(err, ERR_INVALID, "geometry", "a position is not [longitude, "
			       "latitude]");
	*x = a->valuedouble;
	*y = b->valuedouble;
	if (!(*x >= -180 && *x <= 180 && *y >= -90 && *y <= 90))
		return err_set(err, ERR_INVALID, "geometry", "position [%g, %g] is not a "
			       "longitude and latitude", *x, *y);
	return 0;
}

static void edge_push(struct shape *s, size_t *cap, double x0, double y0, double x1,
		      double y1)
{
	struct edge *e;
	size_t bytes;

	if (y0 == y1)
		return;	/* horizontal: never crossed by an eastward ray */
	if (s->nedges == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if (!size_mul(*cap, sizeof(*s->edges), &bytes))
			abort();
		s->edges = xrealloc(s->edges, bytes);
	}
	e = &s->edges[s->nedges++];
	if (y0 < y1) {
		e->y0 = y0, e->x0 = x0, e->y1 = y1, e->x1 = x1;
	} else {
		e->y0 = y1, e->x0 = x1, e->y1 = y0, e->x1 = x0;
	}
}

static int ring(struct shape *s, size_t *cap, size_t *rings, const cJSON *r, struct err *err)
{
	double fx = 0, fy = 0, px = 0, py = 0, x = 0, y = 0;
	int i, n = cJSON_GetArraySize(r);
	int rc;

	if (!cJSON_IsArray(r) || n < 4)
		return err_set(err, ERR_INVALID, "geometry", "a ring needs at least 4 positions");
	if (++*rings > CAP_GEO_RINGS)
		return err_set(err, ERR_TOOBIG, "geometry", "more than %d rings in one outline",
			       CAP_GEO_RINGS);
	if ((size_t)n > CAP_GEO_VERTICES || s->vertices + (size_t)n > CAP_GEO_VERTICES)
		return err_set(err, ERR_TOOBIG, "geometry", "more than %d positions in one "
			       "outline", CAP_GEO_VERTICES);
	s->vertices += (size_t)n;
	i = 0;
	for (const cJSON *p = r->child; p; p = p->next, i++) {
		rc = position(p, &x, &y, err);
		if (rc < 0)
			return rc;
		if (i == 0) {
			fx = x, fy = y;
		} else {
			edge_push(s, cap, px, py, x, y);
		}
		if (x < s->minx)
			s->minx = x;
		if (x > s->maxx)
			s->maxx = x;
		if (y < s->miny)
			s->miny = y;
		if (y > s->maxy)
			s->maxy = y;
		px = x, py = y;
	}
	if (px != fx || py != fy)
		return err_set(err, ERR_INVALID, "geometry", "a ring does not end where it starts");
	return 0;
}

static int polygon(struct shape *s, size_t *cap, size_t *rings, const cJSON *poly,
		   struct err *err)
{
	int rc;

	if (!cJSON_IsArray(poly) || cJSON_GetArraySize(poly) < 1)
		return err_set(err, ERR_INVALID, "geometry", "a polygon needs its outer ring");
	for (const cJSON *r = poly->child; r; r = r->next) {
		rc = ring(s, cap, rings, r, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Bucket the edges into latitude bands (CSR arrays). */
static void shape_bands(struct shape *s)
{
	size_t nb = s->nedges / BAND_EDGES, total, i, b, b0, b1;
	uint32_t *fill;

	if (nb < 1)
		nb = 1;
	if (nb > BAND_MAX)
		nb = BAND_MAX;
	for (;;) {
		s->nbands = nb;
		s->band_h = (s->maxy - s->miny) / (double)nb;
		if (!(s->band_h > 0))
			s->band_h = 1;
		total = 0;
		for (i = 0; i < s->nedges; i++) {
			b0 = (size_t)((s->edges[i].y0 - s->miny) / s->band_h);
			b1 = (size_t)((s->edges[i].y1 - s->miny) / s->band_h);
			if (b1 >= nb)
				b1 = nb - 1;
			if (b0 > b1)
				b0 = b1;
			total += b1 - b0 + 1;
		}
		if (nb == 1 || total <= BAND_DUP * s->nedges)
			break;
		nb /= 2;
	}
	s->band_start = xcalloc(nb + 1, sizeof(*s->band_start));
	s->band_edge = xcalloc(total ? total : 1, sizeof(*s->band_edge));
	fill = xcalloc(nb, sizeof(*fill));
	for (i = 0; i < s->nedges; i++) {
		b0 = (size_t)((s->edges[i].y0 - s->miny) / s->band_h);
		b1 = (size_t)((s->edges[i].y1 - s->miny) / s->band_h);
		if (b1 >= nb)
			b1 = nb - 1;
		if (b0 > b1)
			b0 = b1;
		for (b = b0; b <= b1; b++)
			s->band_start[b + 1]++;
	}
	for (b = 0; b < nb; b++)
		s->band_start[b + 1] += s->band_start[b];
	for (i = 0; i < s->nedges; i++) {
		b0 = (size_t)((s->edges[i].y0 - s->miny) / s->band_h);
		b1 = (size_t)((s->edges[i].y1 - s->miny) / s->band_h);
		if (b1 >= nb)
			b1 = nb - 1;
		if (b0 > b1)
			b0 = b1;
		for (b = b0; b <= b1; b++)
			s->band_edge[s->band_start[b] + fill[b]++] = (uint32_t)i;
	}
	free(fill);
}

/* Parse a geometry node into s (released on failure). */
static int shape_parse(struct shape *s, int64_t unit_id, const cJSON *g, struct err *err)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(g, "type");
	const cJSON *coords = cJSON_GetObjectItemCaseSensitive(g, "coordinates");
	size_t cap = 0, rings = 0;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->unit_id = unit_id;
	s->minx = s->miny = INFINITY;
	s->maxx = s->maxy = -INFINITY;
	if (!cJSON_IsObject(g) || !cJSON_IsString(type) || !cJSON_IsArray(coords))
		return err_set(err, ERR_INVALID, "geometry", "not a GeoJSON geometry with "
			       "coordinates");
	if (str_eq(type->valuestring, "Polygon")) {
		rc = polygon(s, &cap, &rings, coords, err);
	} else if (str_eq(type->valuestring, "MultiPolygon")) {
		if (cJSON_GetArraySize(coords) < 1)
			rc = err_set(err, ERR_INVALID, "geometry", "a MultiPolygon without polygons");
		for (const cJSON *p = coords->child; rc == 0 && p; p = p->next)
			rc = polygon(s, &cap, &rings, p, err);
	} else {
		rc = err_set(err, ERR_INVALID, "geometry", "geometry type '%.32s' is not Polygon "
			     "or MultiPolygon", type->valuestring);
	}
	if (rc < 0) {
		shape_release(s);
		return rc;
	}
	shape_bands(s);
	return 0;
}

/* Nesting depth of JSON text, refusing deeper than max before cJSON builds
 * anything (strings skipped, escapes honoured). */
static int depth_check(const char *s, size_t len, int max, struct err *err)
{
	bool quoted = false;
	int depth = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (quoted) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				quoted = false;
		} else if (s[i] == '"') {
			quoted = true;
		} else if (s[i] == '[' || s[i] == '{') {
			if (++depth > max)
				return err_set(err, ERR_INVALID, "file", "GeoJSON nested deeper than "
					       "%d levels", max);
		} else if (s[i] == ']' || s[i] == '}') {
			depth--;
		}
	}
	return 0;
}

static int parse_text(const char *text, size_t len, cJSON **out, struct err *err)
{
	int rc;

	*out = NULL;
	if (len > CAP_GEO_FILE)
		return err_set(err, ERR_TOOBIG, "file", "GeoJSON larger than %d bytes",
			       CAP_GEO_FILE);
	if (!str_utf8_valid(text, len))
		return err_set(err, ERR_INVALID, "file", "GeoJSON is not valid UTF-8");
	rc = depth_check(text, len, CAP_GEO_DEPTH, err);
	if (rc < 0)
		return rc;
	*out = cJSON_ParseWithLength(text, len);
	if (!*out)
		return err_set(err, ERR_INVALID, "file", "not valid JSON");
	return 0;
}

static void index_push(struct geo_index *idx, struct shape *s)
{
	size_t bytes;

	if (idx->n == idx->cap) {
		idx->cap = idx->cap ? idx->cap * 2 : 32;
		if (!size_mul(idx->cap, sizeof(*idx->shapes), &bytes))
			abort();
		idx->shapes = xrealloc(idx->shapes, bytes);
	}
	idx->shapes[idx->n++] = *s;
	idx->built = false;
}

int geo_index_add(struct geo_index **idx, int64_t unit_id, const char *geometry, size_t len,
		  struct err *err)
{
	struct shape s;
	cJSON *g;
	int rc = parse_text(geometry, len, &g, err);

	if (rc < 0)
		return rc;
	rc = shape_parse(&s, unit_id, g, err);
	cJSON_Delete(g);
	if (rc < 0)
		return rc;
	if (!*idx)
		*idx = xcalloc(1, sizeof(**idx));
	index_push(*idx, &s);
	return 0;
}

static void cell_range(const struct geo_index *idx, double lo, double hi, double origin,
		       double size, size_t *c0, size_t *c1)
{
	double a = (lo - origin) / size, b = (hi - origin) / size;

	*c0 = a < 0 ? 0 : (a >= GRID ? GRID - 1 : (size_t)a);
	*c1 = b < 0 ? 0 : (b >= GRID ? GRID - 1 : (size_t)b);
	(void)idx;
}

void geo_index_build(struct geo_index *idx)
{
	size_t i, x, y, x0, x1, y0, y1, total = 0;
	uint32_t *fill;

	if (!idx || idx->built)
		return;
	free(idx->cell_start);
	free(idx->cell_shape);
	idx->minx = idx->miny = INFINITY;
	idx->maxx = idx->maxy = -INFINITY;
	for (i = 0; i < idx->n; i++) {
		idx->minx = fmin(idx->minx, idx->shapes[i].minx);
		idx->miny = fmin(idx->miny, idx->shapes[i].miny);
		idx->maxx = fmax(idx->maxx, idx->shapes[i].maxx);
		idx->maxy = fmax(idx->maxy, idx->shapes[i].maxy);
	}
	idx->cw = (idx->maxx - idx->minx) / GRID;
	idx->ch = (idx->maxy - idx->miny) / GRID;
	if (!(idx->cw > 0))
		idx->cw = 1;
	if (!(idx->ch > 0))
		idx->ch = 1;
	idx->cell_start = xcalloc(GRID * GRID + 1, sizeof(*idx->cell_start));
	for (i = 0; i < idx->n; i++) {
		cell_range(idx, idx->shapes[i].minx, idx->shapes[i].maxx, idx->minx, idx->cw, &x0,
			   &x1);
		cell_range(idx, idx->shapes[i].miny, idx->shapes[i].maxy, idx->miny, idx->ch, &y0,
			   &y1);
		for (y = y0; y <= y1; y++)
			for (x = x0; x <= x1; x++)
				idx->cell_start[y * GRID + x + 1]++;
	}
	for (i = 0; i < GRID * GRID; i++)
		idx->cell_start[i + 1] += idx->cell_start[i];
	total = idx->cell_start[GRID * GRID];
	idx->cell_shape = xcalloc(total ? total : 1, sizeof(*idx->cell_shape));
	fill = xcalloc(GRID * GRID, sizeof(*fill));
	for (i = 0; i < idx->n; i++) {
		cell_range(idx, idx->shapes[i].minx, idx->shapes[i].maxx, idx->minx, idx->cw, &x0,
			   &x1);
		cell_range(idx, idx->shapes[i].miny, idx->shapes[i].maxy, idx->miny, idx->ch, &y0,
			   &y1);
		for (y = y0; y <= y1; y++)
			for (x = x0; x <= x1; x++)
				idx->cell_shape[idx->cell_start[y * GRID + x] +
						fill[y * GRID + x]++] = (uint32_t)i;
	}
	free(fill);
	idx->built = true;
}

static bool shape_holds(const struct shape *s, double x, double y)
{
	size_t b, i;
	bool in = false;

	if (x < s->minx || x > s->maxx || y < s->miny || y > s->maxy)
		return false;
	b = (size_t)((y - s->miny) / s->band_h);
	if (b >= s->nbands)
		b = s->nbands - 1;
	for (i = s->band_start[b]; i < s->band_start[b + 1]; i++) {
		const struct edge *e = &s->edges[s->band_edge[i]];

		/* half-open in latitude, so a vertex on the ray counts once */
		if (y >= e->y0 && y < e->y1 &&
		    x < e->x0 + (y - e->y0) * (e->x1 - e->x0) / (e->y1 - e->y0))
			in = !in;
	}
	return in;
}

size_t geo_index_lookup(const struct geo_index *idx, double lat, double lon, int64_t *units,
			size_t max)
{
	size_t cx, cy, cell, i, n = 0;

	if (!idx || !idx->built || !idx->n || !(lon >= idx->minx && lon <= idx->maxx &&
						 lat >= idx->miny && lat <= idx->maxy))
		return 0;
	cell_range(idx, lon, lon, idx->minx, idx->cw, &cx, &cx);
	cell_range(idx, lat, lat, idx->miny, idx->ch, &cy, &cy);
	cell = cy * GRID + cx;
	for (i = idx->cell_start[cell]; i < idx->cell_start[cell + 1] && n < max; i++) {
		const struct shape *s = &idx->shapes[idx->cell_shape[i]];

		if (shape_holds(s, lon, lat))
			units[n++] = s->unit_id;
	}
	return n;
}

size_t geo_index_count(const struct geo_index *idx)
{
	return idx ? idx->n : 0;
}

void geo_index_free(struct geo_index *idx)
{
	size_t i;

	if (!idx)
		return;
	for (i = 0; i < idx->n; i++)
		shape_release(&idx->shapes[i]);
	free(idx->shapes);
	free(idx->cell_start);
	free(idx->cell_shape);
	free(idx);
}

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180, r = 6371000.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);

	return 2 * r * asin(fmin(1.0, sqrt(a)));
}

/* ---- boundaries in the store ---- */

int geo_import(struct core *c, const struct actor *a, const char *data, size_t len,
	       const char *property, size_t *count, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	const cJSON *type, *features, *attr, *f;
	struct store_boundary b;
	struct geo_index *seen = NULL;
	struct shape s;
	struct unit u;
	cJSON *root = NULL;
	char *geometry = NULL;
	size_t i = 0, k;
	bool begun = false;
	int rc;

	*count = 0;
	if (a->role != ROLE_ADMIN && a->role != ROLE_SYSTEM)
		return err_set(err, ERR_DENIED, "", "only an admin may load boundaries");
	if (!property || !*property)
		property = "unit";
	rc = parse_text(data, len, &root, err);
	if (rc < 0)
		goto out;
	type = cJSON_GetObjectItemCaseSensitive(root, "type");
	features = cJSON_GetObjectItemCaseSensitive(root, "features");
	attr = cJSON_GetObjectItemCaseSensitive(root, "attribution");
	if (!cJSON_IsString(type) || !str_eq(type->valuestring, "FeatureCollection") ||
	    !cJSON_IsArray(features)) {
		rc = err_set(err, ERR_INVALID, "file", "not a GeoJSON FeatureCollection");
		goto out;
	}
	if (cJSON_GetArraySize(features) > CAP_GEO_FEATURES) {
		rc = err_set(err, ERR_TOOBIG, "file", "more than %d features", CAP_GEO_FEATURES);
		goto out;
	}
	if (attr && (!cJSON_IsString(attr) || strlen(attr->valuestring) > CAP_NOTE)) {
		rc = err_set(err, ERR_INVALID, "attribution", "the attribution is not a string of "
			     "at most %d bytes", CAP_NOTE);
		goto out;
	}
	rc = core_begin(c, err);
	if (rc < 0)
		goto out;
	begun = true;
	for (f = features->child; f; f = f->next) {
		const cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(props, property);
		struct err e2;

		i++;
		err_clear(&e2);
		if (!cJSON_IsString(code)) {
			rc = err_set(err, ERR_INVALID, "file", "feature %zu: no '%.40s' property "
				     "naming its unit", i, property);
			break;
		}
		rc = unit_get_by_code(c, code->valuestring, &u, &e2);
		if (rc == ERR_NOTFOUND || (rc == 0 && !u.active)) {
			rc = err_set(err, ERR_INVALID, "file", "feature %zu: no active unit '%.64s'",
				     i, code->valuestring);
			break;
		}
		if (rc == 0)
			rc = shape_parse(&s, u.id, cJSON_GetObjectItemCaseSensitive(f, "geometry"),
					 &e2);
		if (rc < 0) {
			rc = err_set(err, rc, e2.field[0] ? e2.field : "file", "feature %zu: %s", i,
				     e2.msg);
			break;
		}
		for (k = 0; seen && k < seen->n; k++)
			if (seen->shapes[k].unit_id == u.id)
				break;
		if (seen && k < seen->n) {
			shape_release(&s);
			rc = err_set(err, ERR_INVALID, "file", "feature %zu: unit '%s' is named "
				     "twice", i, u.code);
			break;
		}
		geometry = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(f, "geometry"));
		if (!geometry)
			abort();
		memset(&b, 0, sizeof(b));
		b.unit_id = u.id;
		b.geometry = geometry;
		b.attribution = cJSON_IsString(attr) ? attr->valuestring : "";
		b.min_lat = s.miny, b.min_lon = s.minx, b.max_lat = s.maxy, b.max_lon = s.maxx;
		b.vertices = (int64_t)s.vertices;
		b.updated_at = core_now(c);
		if (!seen)
			seen = xcalloc(1, sizeof(*seen));
		index_push(seen, &s);
		rc = OPS(c)->boundary_put(c->st, &b, err);
		cJSON_free(geometry);
		geometry = NULL;
		if (rc < 0)
			break;
		(*count)++;
	}
	if (rc == 0 && *count == 0)
		rc = err_set(err, ERR_INVALID, "file", "the file holds no features");
	if (rc == 0) {
		payload_begin(&p);
		payload_int(&p, "features", (int64_t)*count);
		payload_str(&p, "property", property);
		payload_end(&p);
		rc = audit_append(c, a, "unit.boundaries_import", 0, p.data, err);
	}
	if (rc == 0)
		rc = core_commit(c, err);
out:
	if (rc < 0) {
		if (begun)
			core_rollback(c);
		*count = 0;
	}
	geo_index_free(seen);
	cJSON_Delete(root);
	buf_release(&p);
	return rc;
}

/* The core's index of the stored boundaries (core.h: c->geo). */
struct geo_cache {
	struct geo_index *idx;
	int64_t stamp;
	bool loaded;
};

static int load_one(const struct store_boundary *b, void *arg)
{
	struct geo_index **idx = arg;
	struct err e;

	/* rows were checked on import; one that no longer parses is skipped
	 * rather than taking every look-up down */
	if (geo_index_add(idx, b->unit_id, b->geometry, strlen(b->geometry), &e) < 0)
		return 0;
	return 0;
}

/* The index, rebuilt when the stored boundaries changed since it was made. */
static int cache_get(struct core *c, const struct geo_index **out, struct err *err)
{
	struct geo_index *idx = NULL;
	int64_t stamp;
	int rc;

	*out = NULL;
	if (!c->geo)
		c->geo = xcalloc(1, sizeof(*c->geo));
	rc = OPS(c)->boundary_stamp(c->st, &stamp, err);
	if (rc < 0)
		return rc;
	if (!c->geo->loaded || c->geo->stamp != stamp) {
		rc = OPS(c)->boundary_scan(c->st, load_one, &idx, err);
		if (rc < 0) {
			geo_index_free(idx);
			return rc;
		}
		geo_index_build(idx);
		geo_index_free(c->geo->idx);
		c->geo->idx = idx;
		c->geo->stamp = stamp;
		c->geo->loaded = true;
	}
	*out = c->geo->idx;
	return 0;
}

int geo_place(struct core *c, double lat, double lon, struct place *p, struct err *err)
{
	const struct geo_index *idx;
	int64_t hits[CAP_GEO_HITS];
	struct unit u;
	size_t n, i;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
		return err_set(err, ERR_INVALID, "lat", "the point is not a latitude/longitude");
	rc = cache_get(c, &idx, err);
	if (rc < 0)
		return rc;
	n = geo_index_lookup(idx, lat, lon, hits, CAP_GEO_HITS);
	for (i = 0; i < n; i++) {
		rc = OPS(c)->unit_get(c->st, hits[i], &u, err);
		if (rc == ERR_NOTFOUND || (rc == 0 && !u.active))
			continue;
		if (rc < 0)
			return rc;
		if (u.kind == UNIT_REGION && !p->region.id)
			p->region = u;
		else if (u.kind == UNIT_DISTRICT && !p->district.id)
			p->district = u;
	}
	if (p->district.id && !p->region.id) {
		rc = OPS(c)->unit_get(c->st, p->district.parent_id, &u, err);
		if (rc < 0 && rc != ERR_NOTFOUND)
			return rc;
		if (rc == 0 && u.kind == UNIT_REGION && u.active)
			p->region = u;
	}
	/* a district belongs to the region the point is in, or it is not used */
	if (p->district.id && p->district.parent_id != p->region.id)
		memset(&p->district, 0, sizeof(p->district));
	return 0;
}

struct scan_arg {
	struct core *c;
	int (*fn)(const struct unit *u, const char *geometry, const char *attribution,
		  void *arg);
	void *arg;
	struct err *err;
};

static int scan_one(const struct store_boundary *b, void *arg)
{
	struct scan_arg *s = arg;
	struct unit u;
	int rc = OPS(s->c)->unit_get(s->c->st, b->unit_id, &u, s->err);

	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	return s->fn(&u, b->geometry, b->attribution, s->arg);
}

int geo_boundaries(struct core *c, int (*fn)(const struct unit *u, const char *geometry,
					     const char *attribution, void *arg),
		   void *arg, int64_t *stamp, struct err *err)
{
	struct scan_arg s = { c, fn, arg, err };
	int rc;

	if (stamp) {
		rc = OPS(c)->boundary_stamp(c->st, stamp, err);
		if (rc < 0)
			return rc;
	}
	return OPS(c)->boundary_scan(c->st, scan_one, &s, err);
}

void geo_core_release(struct core *c)
{
	if (!c->geo)
		return;
	geo_index_free(c->geo->idx);
	free(c->geo);
	c->geo = NULL;
}
