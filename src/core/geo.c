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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/mem.h"
#include "base/str.h"
#include "core/audit.h"
#include "core/core_int.h"
#include "core/geo.h"

/* Cells of the grid per side, and the most band entries an outline may
 * make per edge before its bands are made coarser (a spiky outline whose
 * edges span every band must not cost nedges x nbands memory); the most
 * bands is CAP_GEO_BANDS. */
#define GRID 64
#define BAND_EDGES 4
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

/* ---- outlines ---- */

void geo_outline_init(struct geo_outline *o)
{
	memset(o, 0, sizeof(*o));
}

void geo_outline_release(struct geo_outline *o)
{
	free(o->poly_end);
	free(o->ring_end);
	free(o->lon);
	free(o->lat);
	geo_outline_init(o);
}

/* Room for one more element in an array of *cap elements of sz bytes. */
static void grow(void **arr, size_t n, size_t *cap, size_t sz)
{
	size_t bytes;

	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 16;
	if (!size_mul(*cap, sz, &bytes))
		abort();
	*arr = xrealloc(*arr, bytes);
}

/* Where the open ring starts. */
static size_t ring_start(const struct geo_outline *o)
{
	return o->nrings ? o->ring_end[o->nrings - 1] : 0;
}

int geo_outline_point(struct geo_outline *o, double lon, double lat, struct err *err)
{
	size_t cap;

	if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
		return err_set(err, ERR_INVALID, "geometry", "position [%g, %g] is not a "
			       "longitude and latitude", lon, lat);
	if (o->npts >= CAP_GEO_VERTICES)
		return err_set(err, ERR_TOOBIG, "geometry", "more than %d positions in one "
			       "outline", CAP_GEO_VERTICES);
	cap = o->caps[2];
	grow((void **)&o->lon, o->npts, &cap, sizeof(double));
	cap = o->caps[2];
	grow((void **)&o->lat, o->npts, &cap, sizeof(double));
	o->caps[2] = cap;
	o->lon[o->npts] = lon;
	o->lat[o->npts] = lat;
	o->npts++;
	return 0;
}

int geo_outline_end_ring(struct geo_outline *o, struct err *err)
{
	size_t first = ring_start(o), n = o->npts - first;

	if (n < 4)
		return err_set(err, ERR_INVALID, "geometry", "a ring needs at least 4 positions");
	if (o->lon[first] != o->lon[o->npts - 1] || o->lat[first] != o->lat[o->npts - 1])
		return err_set(err, ERR_INVALID, "geometry", "a ring does not end where it starts");
	if (o->nrings >= CAP_GEO_RINGS)
		return err_set(err, ERR_TOOBIG, "geometry", "more than %d rings in one outline",
			       CAP_GEO_RINGS);
	grow((void **)&o->ring_end, o->nrings, &o->caps[1], sizeof(size_t));
	o->ring_end[o->nrings++] = o->npts;
	return 0;
}

int geo_outline_end_polygon(struct geo_outline *o, struct err *err)
{
	size_t first = o->npolys ? o->poly_end[o->npolys - 1] : 0;

	if (o->nrings == first || o->npts != ring_start(o))
		return err_set(err, ERR_INVALID, "geometry", "a polygon needs its outer ring");
	grow((void **)&o->poly_end, o->npolys, &o->caps[0], sizeof(size_t));
	o->poly_end[o->npolys++] = o->nrings;
	return 0;
}

int geo_outline_check(const struct geo_outline *o, struct err *err)
{
	size_t i;

	if (!o->npolys || o->poly_end[o->npolys - 1] != o->nrings || ring_start(o) != o->npts)
		return err_set(err, ERR_INVALID, "geometry", "an outline needs a polygon with "
			       "its rings closed");
	for (i = 0; i < o->nrings; i++) {
		size_t first = i ? o->ring_end[i - 1] : 0;

		if (o->ring_end[i] < first + 4 || o->ring_end[i] > o->npts)
			return err_set(err, ERR_INVALID, "geometry", "a ring needs at least 4 "
				       "positions");
	}
	for (i = 0; i < o->npolys; i++)
		if (o->poly_end[i] <= (i ? o->poly_end[i - 1] : 0))
			return err_set(err, ERR_INVALID, "geometry", "a polygon without rings");
	return 0;
}

/* The stored form: "GEO1", the counts, the polygon and ring ends (u32), the
 * positions (lon, lat as IEEE doubles), all little-endian. */
static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_f64(unsigned char *p, double d)
{
	uint64_t v;

	memcpy(&v, &d, 8);
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static double get_f64(const unsigned char *p)
{
	uint64_t v = (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
	double d;

	memcpy(&d, &v, 8);
	return d;
}

void geo_outline_encode(const struct geo_outline *o, unsigned char **out, size_t *len)
{
	size_t n = 20 + 4 * (o->npolys + o->nrings) + 16 * o->npts, i;
	unsigned char *p = xmalloc(n), *q = p;

	memcpy(q, "GEO1", 4);
	put_u32(q + 4, (uint32_t)o->multi);
	put_u32(q + 8, (uint32_t)o->npolys);
	put_u32(q + 12, (uint32_t)o->nrings);
	put_u32(q + 16, (uint32_t)o->npts);
	q += 20;
	for (i = 0; i < o->npolys; i++, q += 4)
		put_u32(q, (uint32_t)o->poly_end[i]);
	for (i = 0; i < o->nrings; i++, q += 4)
		put_u32(q, (uint32_t)o->ring_end[i]);
	for (i = 0; i < o->npts; i++, q += 16) {
		put_f64(q, o->lon[i]);
		put_f64(q + 8, o->lat[i]);
	}
	*out = p;
	*len = n;
}

int geo_outline_decode(const unsigned char *p, size_t len, struct geo_outline *o,
		       struct err *err)
{
	size_t np, nr, nv, i, k, first = 0;
	int rc = 0;

	geo_outline_init(o);
	if (len < 20 || memcmp(p, "GEO1", 4) != 0)
		return err_set(err, ERR_INVALID, "geometry", "not a stored outline");
	np = get_u32(p + 8);
	nr = get_u32(p + 12);
	nv = get_u32(p + 16);
	if (np > CAP_GEO_RINGS || nr > CAP_GEO_RINGS || nv > CAP_GEO_VERTICES ||
	    len != 20 + 4 * (np + nr) + 16 * nv)
		return err_set(err, ERR_INVALID, "geometry", "a stored outline of the wrong size");
	o->multi = get_u32(p + 4) != 0;
	p += 20;
	/* rebuilt through the checking builders: a damaged row cannot mislead */
	for (i = 0, k = 0; rc == 0 && i < nr; i++) {
		size_t end = get_u32(p + 4 * (np + i));

		if (end > nv || end < first + 4) {
			rc = err_set(err, ERR_INVALID, "geometry", "a stored ring out of range");
			break;
		}
		for (; rc == 0 && k < end; k++)
			rc = geo_outline_point(o, get_f64(p + 4 * (np + nr) + 16 * k),
					       get_f64(p + 4 * (np + nr) + 16 * k + 8), err);
		if (rc == 0)
			rc = geo_outline_end_ring(o, err);
		first = end;
		/* end the polygons whose last ring this was */
		while (rc == 0 && o->npolys < np && get_u32(p + 4 * o->npolys) == o->nrings)
			rc = geo_outline_end_polygon(o, err);
	}
	if (rc == 0)
		rc = geo_outline_check(o, err);
	if (rc == 0 && (k != nv || o->npolys != np))
		rc = err_set(err, ERR_INVALID, "geometry", "a stored outline out of range");
	if (rc < 0)
		geo_outline_release(o);
	return rc;
}

/* ---- the index ---- */

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

/* The bands an edge spans, with s->nbands and s->band_h set. */
static void band_range(const struct shape *s, const struct edge *e, size_t *b0, size_t *b1)
{
	*b0 = (size_t)((e->y0 - s->miny) / s->band_h);
	*b1 = (size_t)((e->y1 - s->miny) / s->band_h);
	if (*b1 >= s->nbands)
		*b1 = s->nbands - 1;
	if (*b0 > *b1)
		*b0 = *b1;
}

/* Bucket the edges into latitude bands (CSR arrays). */
static void shape_bands(struct shape *s)
{
	size_t nb = s->nedges / BAND_EDGES, total, i, b, b0, b1;
	uint32_t *fill;

	if (nb < 1)
		nb = 1;
	if (nb > CAP_GEO_BANDS)
		nb = CAP_GEO_BANDS;
	for (;;) {
		s->nbands = nb;
		s->band_h = (s->maxy - s->miny) / (double)nb;
		if (!(s->band_h > 0))
			s->band_h = 1;
		total = 0;
		for (i = 0; i < s->nedges; i++) {
			band_range(s, &s->edges[i], &b0, &b1);
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
		band_range(s, &s->edges[i], &b0, &b1);
		for (b = b0; b <= b1; b++)
			s->band_start[b + 1]++;
	}
	for (b = 0; b < nb; b++)
		s->band_start[b + 1] += s->band_start[b];
	for (i = 0; i < s->nedges; i++) {
		band_range(s, &s->edges[i], &b0, &b1);
		for (b = b0; b <= b1; b++)
			s->band_edge[s->band_start[b] + fill[b]++] = (uint32_t)i;
	}
	free(fill);
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

int geo_index_add(struct geo_index **idx, int64_t unit_id, const struct geo_outline *o,
		  struct err *err)
{
	struct shape sh;
	size_t cap = 0, r, i, first = 0;
	int rc = geo_outline_check(o, err);

	if (rc < 0)
		return rc;
	memset(&sh, 0, sizeof(sh));
	sh.unit_id = unit_id;
	sh.vertices = o->npts;
	sh.minx = sh.miny = INFINITY;
	sh.maxx = sh.maxy = -INFINITY;
	for (r = 0; r < o->nrings; first = o->ring_end[r++]) {
		for (i = first; i < o->ring_end[r]; i++) {
			sh.minx = fmin(sh.minx, o->lon[i]);
			sh.maxx = fmax(sh.maxx, o->lon[i]);
			sh.miny = fmin(sh.miny, o->lat[i]);
			sh.maxy = fmax(sh.maxy, o->lat[i]);
			if (i > first)
				edge_push(&sh, &cap, o->lon[i - 1], o->lat[i - 1], o->lon[i],
					  o->lat[i]);
		}
	}
	shape_bands(&sh);
	if (!*idx)
		*idx = xcalloc(1, sizeof(**idx));
	index_push(*idx, &sh);
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

int geo_import(struct core *c, const struct actor *a, const struct geo_feature *f, size_t n,
	       const char *attribution, size_t *count, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct store_boundary b;
	struct geo_index *seen = NULL;
	struct unit u;
	unsigned char *blob = NULL;
	size_t i, k;
	bool begun = false;
	int rc = 0;

	*count = 0;
	if (a->role != ROLE_ADMIN && a->role != ROLE_SYSTEM)
		return err_set(err, ERR_DENIED, "", "only an admin may load boundaries");
	if (n == 0)
		return err_set(err, ERR_INVALID, "file", "the file holds no features");
	if (n > CAP_GEO_FEATURES)
		return err_set(err, ERR_TOOBIG, "file", "more than %d features", CAP_GEO_FEATURES);
	if (!attribution)
		attribution = "";
	rc = text_check("attribution", attribution, CAP_NOTE, false, false, err);
	if (rc < 0)
		return rc;
	rc = core_begin(c, err);
	if (rc < 0)
		goto out;
	begun = true;
	for (i = 0; i < n; i++) {
		struct err e2;

		err_clear(&e2);
		rc = f[i].unit ? unit_get_by_code(c, f[i].unit, &u, &e2) : ERR_NOTFOUND;
		if (rc == ERR_NOTFOUND || rc == ERR_INVALID || (rc == 0 && !u.active)) {
			rc = err_set(err, ERR_INVALID, "file", "feature %zu: no active unit '%.64s'",
				     i + 1, f[i].unit ? f[i].unit : "");
			break;
		}
		if (rc == 0)
			rc = geo_index_add(&seen, u.id, &f[i].outline, &e2);
		if (rc < 0) {
			rc = err_set(err, rc, e2.field[0] ? e2.field : "file", "feature %zu: %s",
				     i + 1, e2.msg);
			break;
		}
		for (k = 0; k + 1 < seen->n; k++)
			if (seen->shapes[k].unit_id == u.id)
				break;
		if (k + 1 < seen->n) {
			rc = err_set(err, ERR_INVALID, "file", "feature %zu: unit '%s' is named "
				     "twice", i + 1, u.code);
			break;
		}
		memset(&b, 0, sizeof(b));
		b.unit_id = u.id;
		geo_outline_encode(&f[i].outline, &blob, &b.blob_len);
		b.blob = blob;
		b.attribution = attribution;
		b.min_lat = seen->shapes[seen->n - 1].miny;
		b.min_lon = seen->shapes[seen->n - 1].minx;
		b.max_lat = seen->shapes[seen->n - 1].maxy;
		b.max_lon = seen->shapes[seen->n - 1].maxx;
		b.vertices = (int64_t)f[i].outline.npts;
		b.updated_at = core_now(c);
		rc = OPS(c)->boundary_put(c->st, &b, err);
		free(blob);
		blob = NULL;
		if (rc < 0)
			break;
		(*count)++;
	}
	if (rc == 0) {
		payload_begin(&p);
		payload_int(&p, "features", (int64_t)*count);
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
	buf_release(&p);
	return rc;
}

/* The core's index of the stored boundaries (core.h: c->geo). */
struct geo_cache {
	struct geo_index *idx;
	int64_t stamp;
	bool loaded;
	struct timespec checked;	/* when the stamp was last read */
};

/* The stamp is read at most this often: a new import is seen within a
 * second, and a look-up costs no query most of the time. */
#define STAMP_CHECK_NS 1000000000LL

static bool stamp_due(struct geo_cache *g)
{
	struct timespec now;
	int64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (int64_t)(now.tv_sec - g->checked.tv_sec) * 1000000000LL +
	     (now.tv_nsec - g->checked.tv_nsec);
	if (g->loaded && ns >= 0 && ns < STAMP_CHECK_NS)
		return false;
	g->checked = now;
	return true;
}

static int load_one(const struct store_boundary *b, void *arg)
{
	struct geo_index **idx = arg;
	struct geo_outline o;
	struct err e;

	/* rows were checked on import; one that no longer decodes is skipped
	 * rather than taking every look-up down */
	if (geo_outline_decode(b->blob, b->blob_len, &o, &e) == 0) {
		geo_index_add(idx, b->unit_id, &o, &e);
		geo_outline_release(&o);
	}
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
	if (!stamp_due(c->geo)) {
		*out = c->geo->idx;
		return 0;
	}
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
	int (*fn)(const struct unit *u, const struct geo_outline *o, const char *attribution,
		  void *arg);
	void *arg;
	struct err *err;
};

static int scan_one(const struct store_boundary *b, void *arg)
{
	struct scan_arg *s = arg;
	struct geo_outline o;
	struct unit u;
	struct err e;
	int rc = OPS(s->c)->unit_get(s->c->st, b->unit_id, &u, s->err);

	if (rc == ERR_NOTFOUND || (rc == 0 && geo_outline_decode(b->blob, b->blob_len, &o, &e)))
		return 0;
	if (rc < 0)
		return rc;
	rc = s->fn(&u, &o, b->attribution, s->arg);
	geo_outline_release(&o);
	return rc;
}

int geo_boundaries(struct core *c, int (*fn)(const struct unit *u, const struct geo_outline *o,
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
