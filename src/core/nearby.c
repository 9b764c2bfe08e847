/*
 * nearby.c - open messages near a point and a message's likely duplicates
 * (nearby.h), read through the store's place index: a box around the point
 * in the index, then the exact distance here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "core/core_int.h"
#include "core/geo.h"
#include "core/nearby.h"

/* The box around (lat, lon) that holds every point within metres. */
static void box(struct store_near *q, double lat, double lon, double metres)
{
	double dlat = metres / 111320.0 * 1.01;
	double c = cos(lat * M_PI / 180);
	double dlon = c > 0.01 ? dlat / c : 180;

	q->lat_min = lat - dlat;
	q->lat_max = lat + dlat;
	q->lon_min = lon - dlon;
	q->lon_max = lon + dlon;
}

static void project(const struct msg *m, double lat, double lon, bool has_point,
		    struct near_msg *o)
{
	memset(o, 0, sizeof(*o));
	o->id = m->id;
	str_copy(o->code, sizeof(o->code), m->code);
	o->category_id = m->category_id;
	o->unit_id = m->unit_id;
	o->state = m->state;
	o->kind = m->kind;
	o->created_at = m->created_at;
	o->has_point = m->has_point;
	o->lat = m->lat;
	o->lon = m->lon;
	o->distance_m = has_point && m->has_point ? geo_distance_m(lat, lon, m->lat, m->lon) : -1;
}

/* The subjects of the rows shown, one message's texts at a time. */
static int fill_subjects(struct core *c, struct near_msg *rows, size_t n, struct err *err)
{
	struct msg_text *t;
	size_t i;
	int rc = 0;

	if (!n)
		return 0;
	t = xmalloc(sizeof(*t));
	for (i = 0; i < n && rc == 0; i++) {
		rc = OPS(c)->msg_text_get(c->st, rows[i].id, t, err);
		if (rc == 0)
			str_copy(rows[i].subject, sizeof(rows[i].subject), t->subject);
	}
	free(t);
	return rc;
}

static int by_distance(const void *x, const void *y)
{
	const struct near_msg *a = x, *b = y;

	if (a->distance_m != b->distance_m)
		return a->distance_m < b->distance_m ? -1 : 1;
	return a->id < b->id ? -1 : (a->id > b->id);
}

static int by_newest(const void *x, const void *y)
{
	const struct near_msg *a = x, *b = y;

	if (a->created_at != b->created_at)
		return a->created_at > b->created_at ? -1 : 1;
	return a->id > b->id ? -1 : (a->id < b->id);
}

int msg_nearby(struct core *c, double lat, double lon, int64_t category_id,
	       struct near_msg **out, size_t *n, struct err *err)
{
	struct store_near q;
	struct msg *rows = NULL;
	size_t nrows = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
		return err_set(err, ERR_INVALID, "lat", "the point is not a latitude/longitude");
	if (category_id <= 0)
		return err_set(err, ERR_INVALID, "category", "a category is required");
	memset(&q, 0, sizeof(q));
	box(&q, lat, lon, CAP_NEARBY_METRES);
	q.category_id = category_id;
	q.from = 0;
	q.to = INT64_MAX;
	q.open_only = true;
	q.public_only = true;
	q.max = CAP_NEARBY_SCAN;
	rc = OPS(c)->msg_near(c->st, &q, &rows, &nrows, err);
	if (rc < 0)
		return rc;
	*out = xcalloc(nrows ? nrows : 1, sizeof(**out));
	for (i = 0; i < nrows; i++) {
		project(&rows[i], lat, lon, true, &(*out)[*n]);
		if ((*out)[*n].distance_m <= CAP_NEARBY_METRES)
			(*n)++;
	}
	free(rows);
	qsort(*out, *n, sizeof(**out), by_distance);
	if (*n > CAP_NEARBY_SHOWN)
		*n = CAP_NEARBY_SHOWN;
	rc = fill_subjects(c, *out, *n, err);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Add the rows the actor may read to the list, merging by id. */
static int merge(struct core *c, const struct actor *a, const struct msg *self,
		 const struct msg *rows, size_t nrows, unsigned why, bool unit_reader,
		 struct near_msg **out, size_t *n, size_t *cap, struct err *err)
{
	size_t i, j, bytes;
	int rc;

	for (i = 0; i < nrows; i++) {
		const struct msg *m = &rows[i];

		if (m->id == self->id)
			continue;
		if (why == NEAR_PLACE &&
		    geo_distance_m(self->lat, self->lon, m->lat, m->lon) > CAP_NEARBY_METRES)
			continue;
		/* a unit never links a confidential message to the citizen's others */
		if (why == NEAR_MOBILE && unit_reader && m->confidential)
			continue;
		/* out of the reader's scope: not found for it, so left out */
		rc = msg_may_read(c, a, m, NULL);
		if (rc == ERR_NOTFOUND)
			continue;
		if (rc < 0)
			return err_set(err, rc, "", "cannot check the rights on a message");
		for (j = 0; j < *n; j++)
			if ((*out)[j].id == m->id)
				break;
		if (j < *n) {
			(*out)[j].why |= why;
			continue;
		}
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			if (!size_mul(*cap, sizeof(**out), &bytes))
				abort();
			*out = xrealloc(*out, bytes);
		}
		project(m, self->lat, self->lon, self->has_point, &(*out)[*n]);
		(*out)[*n].why = why;
		(*n)++;
	}
	return 0;
}

int msg_similar(struct core *c, const struct actor *a, int64_t id, struct near_msg **out,
		size_t *n, struct err *err)
{
	struct msg selfrec, *self = &selfrec, *rows = NULL;
	bool unit_reader = a->role == ROLE_STAFF || a->role == ROLE_MANAGER;
	struct store_near q;
	size_t nrows = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (a->role != ROLE_OPERATOR && a->role != ROLE_INSPECTOR && a->role != ROLE_ADMIN &&
	    a->role != ROLE_SYSTEM && !unit_reader) {
		rc = err_set(err, ERR_DENIED, "", "only staff see likely duplicates");
		goto out;
	}
	rc = msg_get(c, a, id, self, NULL, err);
	if (rc < 0)
		goto out;
	memset(&q, 0, sizeof(q));
	q.from = self->created_at - (int64_t)CAP_SIMILAR_DAYS * 86400;
	q.to = self->created_at + (int64_t)CAP_SIMILAR_DAYS * 86400;
	q.max = CAP_NEARBY_SCAN;
	if (self->citizen_id && !(unit_reader && self->confidential)) {
		q.citizen_id = self->citizen_id;
		rc = OPS(c)->msg_near(c->st, &q, &rows, &nrows, err);
		if (rc == 0)
			rc = merge(c, a, self, rows, nrows, NEAR_MOBILE, unit_reader, out, n, &cap,
				   err);
		free(rows);
		rows = NULL;
		if (rc < 0)
			goto out;
	}
	if (self->has_point && self->category_id) {
		q.citizen_id = 0;
		q.category_id = self->category_id;
		box(&q, self->lat, self->lon, CAP_NEARBY_METRES);
		rc = OPS(c)->msg_near(c->st, &q, &rows, &nrows, err);
		if (rc == 0)
			rc = merge(c, a, self, rows, nrows, NEAR_PLACE, unit_reader, out, n, &cap,
				   err);
		free(rows);
		if (rc < 0)
			goto out;
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), by_newest);
	if (*n > CAP_SIMILAR_SHOWN)
		*n = CAP_SIMILAR_SHOWN;
	rc = fill_subjects(c, *out, *n, err);
out:
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
