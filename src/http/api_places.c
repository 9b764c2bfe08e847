/*
 * api_places.c - place: the units' boundaries for maps, the region a point
 * is in, open messages near a point (public, before a citizen sends) and a
 * message's likely duplicates (staff).  docs/api.md, docs/routing.md.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jw.h"
#include "base/str.h"
#include "core/core.h"
#include "core/geo.h"
#include "core/msg.h"
#include "core/nearby.h"
#include "core/unit.h"
#include "http/api.h"
#include "http/geojson.h"
#include "http/http.h"
#include "http/server.h"
#include "http/server_int.h"

/* A coordinate from the query: a plain decimal number within [min, max]. */
static bool query_coord(struct http_req *r, const char *name, double min, double max,
			double *out)
{
	bool ok = true;
	const char *v = api_query_text(r, name, 32, &ok);
	char *end = NULL;

	if (!ok)
		return false;
	if (!v || !*v) {
		http_reply_error(r, ERR_INVALID, name, "'%s' is required", name);
		return false;
	}
	*out = strtod(v, &end);
	if (*end || !isfinite(*out) || *out < min || *out > max || strspn(v, "+-.0123456789") !=
	    strlen(v)) {
		http_reply_error(r, ERR_INVALID, name, "'%s' must be a number from %g to %g", name,
				 min, max);
		return false;
	}
	return true;
}

static bool query_point(struct http_req *r, double *lat, double *lon)
{
	return query_coord(r, "lat", -90, 90, lat) && query_coord(r, "lon", -180, 180, lon);
}

static cJSON *unit_or_null(const struct unit *u)
{
	return u->id ? api_unit_json(u) : cJSON_CreateNull();
}

/* GET /api/v1/places/region?lat=&lon= */
static void region(struct http_req *r)
{
	struct core *c = api_core(r);
	struct place pl;
	struct err e;
	double lat, lon;
	cJSON *o;

	if (!c || !query_point(r, &lat, &lon))
		return;
	err_clear(&e);
	if (geo_place(c, lat, lon, &pl, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "lat", lat);
	cJSON_AddNumberToObject(o, "lon", lon);
	cJSON_AddItemToObject(o, "region", unit_or_null(&pl.region));
	cJSON_AddItemToObject(o, "district", unit_or_null(&pl.district));
	http_reply_json(r, 200, o);
}

struct fc {
	struct buf *b;
	struct buf attribution;
};

static int add_feature(const struct unit *u, const struct geo_outline *o,
		       const char *attribution, void *arg)
{
	struct fc *f = arg;
	cJSON *g = geojson_geometry(o);
	char *geometry = cJSON_PrintUnformatted(g);

	cJSON_Delete(g);
	if (!geometry)
		abort();
	jw_object(f->b, NULL);
	jw_str(f->b, "type", "Feature");
	jw_object(f->b, "properties");
	jw_str(f->b, "unit", u->code);
	jw_str(f->b, "name", u->name);
	jw_str(f->b, "kind", unit_kind_name(u->kind));
	jw_int(f->b, "id", u->id);
	jw_object_end(f->b);
	jw_raw(f->b, "geometry", geometry);
	jw_object_end(f->b);
	cJSON_free(geometry);
	/* every distinct attribution once, joined (each file's licence holds) */
	if (attribution[0] && !strstr(f->attribution.data, attribution)) {
		if (f->attribution.len)
			buf_adds(&f->attribution, " · ");
		buf_adds(&f->attribution, attribution);
	}
	return buf_error(f->b) ? ERR_TOOBIG : 0;
}

/* GET /api/v1/boundaries: a GeoJSON FeatureCollection, revalidated by ETag. */
static void boundaries(struct http_req *r)
{
	struct core *c = api_core(r);
	struct buf b = BUF_INIT(CAP_GEO_FILE + 64 * 1024);
	struct fc f = { &b, BUF_INIT(8 * CAP_NOTE) };
	const char *inm;
	char etag[48];
	int64_t stamp;
	struct err e;

	if (!c)
		return;
	err_clear(&e);
	jw_object(&b, NULL);
	jw_str(&b, "type", "FeatureCollection");
	jw_array(&b, "features");
	if (geo_boundaries(c, add_feature, &f, &stamp, &e)) {
		buf_release(&b);
		buf_release(&f.attribution);
		if (e.code == ERR_TOOBIG || !e.msg[0])
			err_set(&e, ERR_TOOBIG, "", "the boundaries are too large to send");
		http_reply_err(r, &e);
		return;
	}
	snprintf(etag, sizeof(etag), "\"b%lld\"", (long long)stamp);
	inm = http_header(r, "If-None-Match");
	if (inm && str_eq(inm, etag)) {
		buf_release(&b);
		buf_release(&f.attribution);
		http_reply_bytes(r, 304, NULL, "", 0);
		r->reply.no_store = false;
		http_reply_header(r, "ETag", etag);
		return;
	}
	jw_array_end(&b);
	jw_str(&b, "attribution", f.attribution.data);
	buf_release(&f.attribution);
	jw_object_end(&b);
	if (buf_error(&b)) {
		buf_release(&b);
		http_reply_error(r, ERR_TOOBIG, NULL, "the boundaries are too large to send");
		return;
	}
	http_reply_bytes(r, 200, "application/geo+json", b.data, b.len);
	r->reply.no_store = false;	/* cacheable, revalidated by its ETag */
	http_reply_header(r, "ETag", etag);
	buf_release(&b);
}

static cJSON *near_json(struct core *c, const struct near_msg *m, bool staff)
{
	cJSON *o = cJSON_CreateObject();
	struct category cat;
	struct unit u;
	struct err e;

	cJSON_AddStringToObject(o, "code", m->code);
	cJSON_AddStringToObject(o, "subject", m->subject);
	cJSON_AddStringToObject(o, "kind", msg_kind_name(m->kind));
	if (m->category_id && category_get(c, m->category_id, &cat, &e) == 0) {
		cJSON_AddStringToObject(o, "category", cat.code);
		cJSON_AddStringToObject(o, "category_name", cat.name);
	} else {
		cJSON_AddNullToObject(o, "category");
	}
	cJSON_AddStringToObject(o, "state", msg_state_name(m->state));
	api_add_time(o, "created_at", m->created_at);
	if (m->distance_m >= 0)
		cJSON_AddNumberToObject(o, "distance_m", round(m->distance_m));
	else
		cJSON_AddNullToObject(o, "distance_m");
	if (m->has_point) {
		cJSON_AddNumberToObject(o, "lat", m->lat);
		cJSON_AddNumberToObject(o, "lon", m->lon);
	}
	if (staff) {
		cJSON *why = cJSON_AddArrayToObject(o, "why");

		if (m->why & NEAR_MOBILE)
			cJSON_AddItemToArray(why, cJSON_CreateString("mobile"));
		if (m->why & NEAR_PLACE)
			cJSON_AddItemToArray(why, cJSON_CreateString("place"));
		if (unit_get(c, m->unit_id, &u, &e) == 0)
			cJSON_AddStringToObject(o, "unit", u.code);
	}
	return o;
}

/* GET /api/v1/messages/nearby?lat=&lon=&category= (public, rate-limited) */
static void nearby(struct http_req *r)
{
	struct core *c = api_core(r);
	struct near_msg *list = NULL;
	const char *cat;
	int64_t cat_id;
	size_t n = 0, i;
	struct err e;
	double lat, lon;
	bool ok = true;
	cJSON *o, *arr;

	if (!c)
		return;
	if (!r->auth.signed_in && !api_limit(r, r->srv->rl_track, NULL))
		return;
	if (!query_point(r, &lat, &lon))
		return;
	cat = api_query_text(r, "category", CAP_CODE - 1, &ok);
	if (!ok)
		return;
	if (!cat || !*cat) {
		http_reply_error(r, ERR_INVALID, "category", "'category' is required");
		return;
	}
	if (!api_category_ref(r, c, "category", cat, &cat_id))
		return;
	err_clear(&e);
	if (msg_nearby(c, lat, lon, cat_id, &list, &n, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "radius_m", CAP_NEARBY_METRES);
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, near_json(c, &list[i], false));
	free(list);
	http_reply_json(r, 200, o);
}

/* GET /api/v1/messages/{code}/similar (operators, inspectors, admins, units) */
static void similar(struct http_req *r)
{
	struct core *c = api_core(r);
	struct near_msg *list = NULL;
	size_t n = 0, i;
	int64_t id;
	struct err e;
	cJSON *o, *arr;

	if (!c || !api_msg_id(r, c, &id))
		return;
	err_clear(&e);
	if (msg_similar(c, &r->auth.actor, id, &list, &n, &e)) {
		free(list);
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", http_param(r, "code"));
	cJSON_AddNumberToObject(o, "days", CAP_SIMILAR_DAYS);
	cJSON_AddNumberToObject(o, "radius_m", CAP_NEARBY_METRES);
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, near_json(c, &list[i], true));
	free(list);
	http_reply_json(r, 200, o);
}

/* GET /api/v1/map: what the web app's maps need from the configuration. */
static void map_settings(struct http_req *r)
{
	const struct http_config *cfg = http_server_config(r->srv);
	cJSON *o = cJSON_CreateObject();

	if (cfg->map_tiles[0]) {
		cJSON_AddStringToObject(o, "tiles", cfg->map_tiles);
		cJSON_AddStringToObject(o, "tiles_attribution", cfg->map_tiles_attribution);
	} else {
		cJSON_AddNullToObject(o, "tiles");
		cJSON_AddNullToObject(o, "tiles_attribution");
	}
	cJSON_AddNumberToObject(o, "nearby_radius_m", CAP_NEARBY_METRES);
	http_reply_json(r, 200, o);
}

const struct http_route api_places_routes[] = {
	{ HTTP_GET, "/api/v1/map", map_settings, 0 },
	{ HTTP_GET, "/api/v1/boundaries", boundaries, 0 },
	{ HTTP_GET, "/api/v1/places/region", region, 0 },
	{ HTTP_GET, "/api/v1/messages/nearby", nearby, 0 },
	{ HTTP_GET, "/api/v1/messages/{code}/similar", similar, ROUTE_AUTH },
	{ 0, NULL, NULL, 0 },
};
