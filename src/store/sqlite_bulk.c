/*
 * sqlite_bulk.c - what the SQLite store remembers in bulk mode (sq_bulk,
 * the demo generator): the units and categories it has read (nothing else
 * writes them meanwhile; the store's own writes of them forget it all) and
 * the audit log's tail (the entry it inserted last).  A bulk load reads
 * these at every step otherwise: a few statements a message.  A rollback
 * forgets everything too.  Outside bulk mode the ops go straight through.
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "store/sqlite_int.h"

#define CACHE_IDS 4096		/* unit and category ids kept (ids above: read) */
#define WITHIN_SLOTS 8192	/* (ancestor, unit) answers, open addressing */

struct sq_bulk_cache {
	bool tail_ok;
	int64_t tail_seq;
	char tail_hash[AUDIT_HASH_HEX + 1];
	struct unit *unit;		/* [id], valid when unit_ok[id] */
	bool *unit_ok;
	struct unit first[UNIT_KIND_COUNT];
	bool first_ok[UNIT_KIND_COUNT];
	struct category *cat;
	bool *cat_ok;
	signed char *kids;		/* categories [id]: -1 unknown, 0, 1 */
	signed char *ukids;		/* units [id]: -1 unknown, 0, 1 */
	struct {
		int64_t ancestor, unit;	/* ancestor 0: empty */
		bool yes;
	} within[WITHIN_SLOTS];
};

void sq_bulk_cache_reset(struct sqlite_store *s)
{
	struct sq_bulk_cache *b = s->cache;

	if (!b)
		return;
	free(b->unit);
	free(b->unit_ok);
	free(b->cat);
	free(b->cat_ok);
	free(b->kids);
	free(b->ukids);
	free(b);
	s->cache = NULL;
}

/* Forget what was read, keeping the memory (a unit or category written,
 * a rollback). */
void sq_bulk_cache_forget(struct sqlite_store *s)
{
	struct sq_bulk_cache *b = s->cache;

	if (!b)
		return;
	b->tail_ok = false;
	memset(b->unit_ok, 0, CACHE_IDS * sizeof(*b->unit_ok));
	memset(b->first_ok, 0, sizeof(b->first_ok));
	memset(b->cat_ok, 0, CACHE_IDS * sizeof(*b->cat_ok));
	memset(b->kids, -1, CACHE_IDS);
	memset(b->ukids, -1, CACHE_IDS);
	memset(b->within, 0, sizeof(b->within));
}

static struct sq_bulk_cache *cache(struct sqlite_store *s)
{
	struct sq_bulk_cache *b;

	if (!s->bulk)
		return NULL;
	if (s->cache)
		return s->cache;
	b = xcalloc(1, sizeof(*b));
	b->unit = xcalloc(CACHE_IDS, sizeof(*b->unit));
	b->unit_ok = xcalloc(CACHE_IDS, sizeof(*b->unit_ok));
	b->cat = xcalloc(CACHE_IDS, sizeof(*b->cat));
	b->cat_ok = xcalloc(CACHE_IDS, sizeof(*b->cat_ok));
	b->kids = xcalloc(CACHE_IDS, sizeof(*b->kids));
	memset(b->kids, -1, CACHE_IDS);
	b->ukids = xcalloc(CACHE_IDS, sizeof(*b->ukids));
	memset(b->ukids, -1, CACHE_IDS);
	s->cache = b;
	return b;
}

static bool id_kept(int64_t id)
{
	return id > 0 && id < CACHE_IDS;
}

int sq_bulk_unit_get(struct store *st, int64_t id, struct unit *out, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || !id_kept(id))
		return sq_unit_get(st, id, out, err);
	if (b->unit_ok[id]) {
		*out = b->unit[id];
		return 0;
	}
	rc = sq_unit_get(st, id, out, err);
	if (rc == 0) {
		b->unit[id] = *out;
		b->unit_ok[id] = true;
	}
	return rc;
}

int sq_bulk_unit_first_of_kind(struct store *st, enum unit_kind kind, struct unit *out,
			       struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || (int)kind < 0 || kind >= UNIT_KIND_COUNT)
		return sq_unit_first_of_kind(st, kind, out, err);
	if (b->first_ok[kind]) {
		*out = b->first[kind];
		return 0;
	}
	rc = sq_unit_first_of_kind(st, kind, out, err);
	if (rc == 0) {
		b->first[kind] = *out;
		b->first_ok[kind] = true;
	}
	return rc;
}

int sq_bulk_unit_within(struct store *st, int64_t ancestor, int64_t unit, bool *yes,
			struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	uint64_t h;
	size_t i, k;
	int rc;

	if (!b || ancestor <= 0)
		return sq_unit_within(st, ancestor, unit, yes, err);
	h = ((uint64_t)ancestor * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)unit * 0xbf58476d1ce4e5b9ULL);
	for (k = 0; k < WITHIN_SLOTS; k++) {
		i = (size_t)((h + k) % WITHIN_SLOTS);
		if (b->within[i].ancestor == ancestor && b->within[i].unit == unit) {
			*yes = b->within[i].yes;
			return 0;
		}
		if (!b->within[i].ancestor)
			break;
	}
	rc = sq_unit_within(st, ancestor, unit, yes, err);
	/* a full table (a load of that many units) just reads */
	if (rc == 0 && k < WITHIN_SLOTS && k < 64) {
		b->within[i].ancestor = ancestor;
		b->within[i].unit = unit;
		b->within[i].yes = *yes;
	}
	return rc;
}

int sq_bulk_unit_has_children(struct store *st, int64_t id, bool *yes, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || !id_kept(id))
		return sq_unit_has_children(st, id, yes, err);
	if (b->ukids[id] >= 0) {
		*yes = b->ukids[id] != 0;
		return 0;
	}
	rc = sq_unit_has_children(st, id, yes, err);
	if (rc == 0)
		b->ukids[id] = *yes ? 1 : 0;
	return rc;
}

int sq_bulk_category_get(struct store *st, int64_t id, struct category *out, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || !id_kept(id))
		return sq_category_get(st, id, out, err);
	if (b->cat_ok[id]) {
		*out = b->cat[id];
		return 0;
	}
	rc = sq_category_get(st, id, out, err);
	if (rc == 0) {
		b->cat[id] = *out;
		b->cat_ok[id] = true;
	}
	return rc;
}

int sq_bulk_category_has_children(struct store *st, int64_t id, bool *yes, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || !id_kept(id))
		return sq_category_has_children(st, id, yes, err);
	if (b->kids[id] >= 0) {
		*yes = b->kids[id] != 0;
		return 0;
	}
	rc = sq_category_has_children(st, id, yes, err);
	if (rc == 0)
		b->kids[id] = *yes ? 1 : 0;
	return rc;
}

/* The writes of units and categories: whatever was read may have changed. */
int sq_bulk_unit_insert(struct store *st, struct unit *u, struct err *err)
{
	sq_bulk_cache_forget(sq(st));
	return sq_unit_insert(st, u, err);
}

int sq_bulk_unit_update(struct store *st, const struct unit *u, struct err *err)
{
	sq_bulk_cache_forget(sq(st));
	return sq_unit_update(st, u, err);
}

int sq_bulk_category_insert(struct store *st, struct category *cat, struct err *err)
{
	sq_bulk_cache_forget(sq(st));
	return sq_category_insert(st, cat, err);
}

int sq_bulk_category_update(struct store *st, const struct category *cat, struct err *err)
{
	sq_bulk_cache_forget(sq(st));
	return sq_category_update(st, cat, err);
}

int sq_bulk_audit_tail(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1],
		       struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (b && b->tail_ok) {
		*seq = b->tail_seq;
		str_copy(hash, AUDIT_HASH_HEX + 1, b->tail_hash);
		return 0;
	}
	rc = sq_audit_tail(st, seq, hash, err);
	if (rc == 0 && b) {
		b->tail_seq = *seq;
		str_copy(b->tail_hash, sizeof(b->tail_hash), hash);
		b->tail_ok = true;
	}
	return rc;
}

int sq_bulk_audit_insert(struct store *st, const struct audit_entry *e, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc = sq_audit_insert(st, e, err);

	if (b) {
		b->tail_ok = rc == 0;
		b->tail_seq = e->seq;
		str_copy(b->tail_hash, sizeof(b->tail_hash), e->hash);
	}
	return rc;
}
