/*
 * bench_geo.c - look-ups by place (docs/routing.md): the boundaries index
 * alone, against a scan of every edge of every outline, and geo_place()
 * through the core on a real SQLite file (the staleness check and the unit
 * reads included), over random points in the city's box and points inside
 * each region.
 *
 *	make bench      (runs it after the report benchmark), or
 *	build/bench/bench_geo [FILE.geojson] [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/num.h"
#include "core/actor.h"
#include "core/core.h"
#include "core/geo.h"
#include "core/unit.h"
#include "http/geojson.h"

static double secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *d;
	long n;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0) {
		fprintf(stderr, "bench_geo: cannot read '%s'\n", path);
		exit(1);
	}
	rewind(f);
	d = malloc((size_t)n + 1);
	if (!d || fread(d, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	d[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return d;
}

/* The naive way, for comparison: even-odd over every edge of every ring. */
struct flat {
	double *x, *y;		/* vertices, rings closed */
	int *ring_end;		/* exclusive end of each ring in x/y */
	int nrings, nv, *unit_ring_end, nunits;
};

static void flat_add(struct flat *f, const struct geo_outline *o)
{
	size_t i, r;

	for (i = 0; i < o->npts; i++) {
		f->x[f->nv + (int)i] = o->lon[i];
		f->y[f->nv + (int)i] = o->lat[i];
	}
	for (r = 0; r < o->nrings; r++)
		f->ring_end[f->nrings++] = f->nv + (int)o->ring_end[r];
	f->nv += (int)o->npts;
}

static int naive(const struct flat *f, double lat, double lon)
{
	int u, r = 0, i;

	for (u = 0; u < f->nunits; u++) {
		int in = 0;

		for (; r < f->unit_ring_end[u]; r++) {
			int start = r ? f->ring_end[r - 1] : 0;

			for (i = start + 1; i < f->ring_end[r]; i++) {
				double x0 = f->x[i - 1], y0 = f->y[i - 1], x1 = f->x[i], y1 = f->y[i];

				if ((y0 > lat) != (y1 > lat) &&
				    lon < (x1 - x0) * (lat - y0) / (y1 - y0) + x0)
					in = !in;
			}
		}
		if (in)
			return u + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "data/tehran-regions.geojson";
	int64_t n = 1000000, i, hits = 0, hits2 = 0, hits_naive = 0, k;
	struct geo_index *idx = NULL;
	struct flat f = { 0 };
	struct actor sys = actor_system("bench");
	struct place pl;
	struct core c;
	struct err err;
	double t0, t_idx, t_naive, t_core, minx = 180, miny = 90, maxx = -180, maxy = -90;
	double (*pts)[2];
	char *data, dbpath[] = "/tmp/bench_geo.XXXXXX";
	size_t len, count, j;
	struct geojson_fc fc;
	int unit = 0, fd;

	if (argc > 2 && num_parse(argv[2], 1000, 100000000, &n) < 0) {
		fprintf(stderr, "usage: bench_geo [FILE.geojson] [N]\n");
		return 2;
	}
	data = slurp(path, &len);
	if (geojson_parse(data, len, "unit", &fc, &err) < 0) {
		fprintf(stderr, "bench_geo: %s\n", err.msg);
		return 1;
	}
	f.x = malloc(400000 * sizeof(double));
	f.y = malloc(400000 * sizeof(double));
	f.ring_end = malloc(10000 * sizeof(int));
	f.unit_ring_end = malloc(2000 * sizeof(int));
	for (j = 0; j < fc.n; j++) {
		if (geo_index_add(&idx, ++unit, &fc.features[j].outline, &err) < 0) {
			fprintf(stderr, "bench_geo: feature %d: %s\n", unit, err.msg);
			return 1;
		}
		flat_add(&f, &fc.features[j].outline);
		f.unit_ring_end[f.nunits++] = f.nrings;
	}
	geo_index_build(idx);
	for (i = 0; i < f.nv; i++) {
		minx = f.x[i] < minx ? f.x[i] : minx;
		maxx = f.x[i] > maxx ? f.x[i] : maxx;
		miny = f.y[i] < miny ? f.y[i] : miny;
		maxy = f.y[i] > maxy ? f.y[i] : maxy;
	}
	pts = malloc((size_t)n * sizeof(*pts));
	srand(1888);
	for (i = 0; i < n; i++) {
		pts[i][0] = miny + (maxy - miny) * rand() / (double)RAND_MAX;
		pts[i][1] = minx + (maxx - minx) * rand() / (double)RAND_MAX;
	}
	printf("bench_geo: %s: %d outlines, %d vertices; %lld random points in the box "
	       "%.4f..%.4f N, %.4f..%.4f E\n", path, unit, f.nv, (long long)n, miny, maxy, minx,
	       maxx);

	t0 = secs();
	for (i = 0; i < n; i++) {
		int64_t u[4];

		hits += geo_index_lookup(idx, pts[i][0], pts[i][1], u, 4) > 0;
	}
	t_idx = secs() - t0;
	t0 = secs();
	k = n / 20;	/* the scan is slow: a twentieth of the points */
	for (i = 0; i < k; i++)
		hits_naive += naive(&f, pts[i][0], pts[i][1]) > 0;
	t_naive = (secs() - t0) * 20;
	for (i = 0, hits2 = 0; i < k; i++) {
		int64_t u[4];
		size_t got = geo_index_lookup(idx, pts[i][0], pts[i][1], u, 4);
		int want = naive(&f, pts[i][0], pts[i][1]);

		if ((got ? (int)u[0] : 0) != want)
			hits2++;
	}
	printf("  index:        %10.0f look-ups/s (%.2f us each), %.1f%% of points inside a region\n",
	       n / t_idx, t_idx / n * 1e6, 100.0 * hits / n);
	printf("  every edge:   %10.0f look-ups/s (%.2f us each): the index is %.0fx faster\n",
	       n / t_naive, t_naive / n * 1e6, t_naive / t_idx);
	printf("  disagreements between the two on %lld points: %lld (%lld inside by the scan)\n",
	       (long long)k, (long long)hits2, (long long)hits_naive);

	/* through the core: a real SQLite file with the units and boundaries */
	fd = mkstemp(dbpath);
	if (fd < 0)
		return 1;
	close(fd);
	remove(dbpath);
	if (core_open_flags(&c, dbpath, CORE_CREATE, NULL, &err) < 0) {
		fprintf(stderr, "bench_geo: %s\n", err.msg);
		return 1;
	}
	{
		size_t ulen;
		char *units = slurp("data/units-tehran.csv", &ulen);

		if (unit_import_csv(&c, &sys, units, ulen, &count, &err) < 0 ||
		    geojson_import(&c, &sys, data, len, "unit", &count, &err) < 0) {
			fprintf(stderr, "bench_geo: %s\n", err.msg);
			return 1;
		}
		free(units);
	}
	k = n / 10 < 200000 ? n / 10 : 200000;
	hits = 0;
	t0 = secs();
	for (i = 0; i < k; i++) {
		if (geo_place(&c, pts[i][0], pts[i][1], &pl, &err) < 0) {
			fprintf(stderr, "bench_geo: %s\n", err.msg);
			return 1;
		}
		hits += pl.region.id != 0;
	}
	t_core = secs() - t0;
	printf("  geo_place():  %10.0f look-ups/s (%.2f us each, SQLite staleness check and unit "
	       "reads included; %lld points)\n", k / t_core, t_core / k * 1e6, (long long)k);
	core_close(&c);
	remove(dbpath);
	{
		char side[64];

		snprintf(side, sizeof(side), "%s-wal", dbpath);
		remove(side);
		snprintf(side, sizeof(side), "%s-shm", dbpath);
		remove(side);
	}
	geo_index_free(idx);
	geojson_fc_release(&fc);
	free(pts);
	free(f.x);
	free(f.y);
	free(f.ring_end);
	free(f.unit_ring_end);
	free(data);
	return 0;
}
