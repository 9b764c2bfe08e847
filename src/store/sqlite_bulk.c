/*
 * sqlite_bulk.c - what the SQLite store remembers of units, categories and
 * the audit log's tail while they cannot change behind it:
 *
 *	- in bulk mode (sq_bulk, the demo generator), where nothing else
 *	  writes them meanwhile (the store's own writes of them forget it
 *	  all, and so does a rollback).  A bulk load reads these at every
 *	  step otherwise: a few statements a message.
 *	- inside a read snapshot (sq_snapshot, a tracking look-up's), where
 *	  every read sees the database as it was when the snapshot began:
 *	  the category's and the region's names of one look-up are the next
 *	  one's while the snapshot is kept (sqlite_snap.c; up to
 *	  CAP_SNAPSHOT_KEEP_US).  A new snapshot forgets it all.
 *
 * Otherwise (a write transaction, no snapshot) the ops go straight through.
 * Forgetting is a new generation: an entry is valid only with the cache's.
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "store/sqlite_int.h"

/* Unit and category ids kept (ids above: read each time) and slots for
 * (ancestor, unit) answers (open addressing): a bulk load's, and a read
 * snapshot's, which keeps a server thread's memory small (a city has a few
 * hundred units and categories). */
#define BULK_IDS 4096
#define BULK_WITHIN 8192
#define SNAP_IDS 1024
#define SNAP_WITHIN 512

struct sq_bulk_cache {
	uint32_t gen;			/* what is valid now (never 0) */
	uint32_t tail_gen;
	int64_t tail_seq;
	char tail_hash[AUDIT_HASH_HEX + 1];
	struct unit *unit;		/* [id], valid when unit_gen[id] == gen */
	uint32_t *unit_gen;
	struct unit first[UNIT_KIND_COUNT];
	uint32_t first_gen[UNIT_KIND_COUNT];
	struct category *cat;
	uint32_t *cat_gen;
	struct kids {
		uint32_t gen;
		bool yes;
	} *kids, *ukids;		/* categories' and units' [id] */
	struct within {
		int64_t ancestor, unit;	/* empty unless gen == the cache's */
		uint32_t gen;
		bool yes;
	} *within;
	size_t nids, nwithin;
};

void sq_bulk_cache_reset(struct sqlite_store *s)
{
	struct sq_bulk_cache *b = s->cache;

	if (!b)
		return;
	free(b->unit);
	free(b->unit_gen);
	free(b->cat);
	free(b->cat_gen);
	free(b->kids);
	free(b->ukids);
	free(b->within);
	free(b);
	s->cache = NULL;
}

/* Forget what was read, keeping the memory (a unit or category written,
 * a rollback, a new snapshot). */
void sq_bulk_cache_forget(struct sqlite_store *s)
{
	struct sq_bulk_cache *b = s->cache;

	if (!b)
		return;
	if (++b->gen == 0) {
		/* once in four billion: the old generations are cleared */
		b->tail_gen = 0;
		memset(b->unit_gen, 0, b->nids * sizeof(*b->unit_gen));
		memset(b->first_gen, 0, sizeof(b->first_gen));
		memset(b->cat_gen, 0, b->nids * sizeof(*b->cat_gen));
		memset(b->kids, 0, b->nids * sizeof(*b->kids));
		memset(b->ukids, 0, b->nids * sizeof(*b->ukids));
		memset(b->within, 0, b->nwithin * sizeof(*b->within));
		b->gen = 1;
	}
}

/* Reading inside a snapshot, not writing: what is read cannot change. */
static bool snapshot_reading(struct sqlite_store *s)
{
	return s->snap_open && !s->depth && sqlite3_txn_state(s->db, "main") == SQLITE_TXN_READ;
}

static struct sq_bulk_cache *cache(struct sqlite_store *s)
{
	struct sq_bulk_cache *b;

	if (!s->bulk && !snapshot_reading(s))
		return NULL;
	if (s->cache)
		return s->cache;
	/* sized by the mode that made it: bulk mode's start and end free it
	 * (sq_bulk_cache_reset) */
	b = xcalloc(1, sizeof(*b));
	b->gen = 1;
	b->nids = s->bulk ? BULK_IDS : SNAP_IDS;
	b->nwithin = s->bulk ? BULK_WITHIN : SNAP_WITHIN;
	b->unit = xcalloc(b->nids, sizeof(*b->unit));
	b->unit_gen = xcalloc(b->nids, sizeof(*b->unit_gen));
	b->cat = xcalloc(b->nids, sizeof(*b->cat));
	b->cat_gen = xcalloc(b->nids, sizeof(*b->cat_gen));
	b->kids = xcalloc(b->nids, sizeof(*b->kids));
	b->ukids = xcalloc(b->nids, sizeof(*b->ukids));
	b->within = xcalloc(b->nwithin, sizeof(*b->within));
	s->cache = b;
	return b;
}

static bool id_kept(const struct sq_bulk_cache *b, int64_t id)
{
	return id > 0 && (uint64_t)id < b->nids;
}

int sq_bulk_unit_get(struct store *st, int64_t id, struct unit *out, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || !id_kept(b, id))
		return sq_unit_get(st, id, out, err);
	if (b->unit_gen[id] == b->gen) {
		*out = b->unit[id];
		return 0;
	}
	rc = sq_unit_get(st, id, out, err);
	if (rc == 0) {
		b->unit[id] = *out;
		b->unit_gen[id] = b->gen;
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
	if (b->first_gen[kind] == b->gen) {
		*out = b->first[kind];
		return 0;
	}
	rc = sq_unit_first_of_kind(st, kind, out, err);
	if (rc == 0) {
		b->first[kind] = *out;
		b->first_gen[kind] = b->gen;
	}
	return rc;
}

int sq_bulk_unit_within(struct store *st, int64_t ancestor, int64_t unit, bool *yes,
			struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	uint64_t h;
	size_t i = 0, k;
	int rc;

	if (!b || ancestor <= 0)
		return sq_unit_within(st, ancestor, unit, yes, err);
	h = ((uint64_t)ancestor * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)unit * 0xbf58476d1ce4e5b9ULL);
	for (k = 0; k < b->nwithin; k++) {
		i = (size_t)((h + k) % b->nwithin);
		if (b->within[i].gen != b->gen)
			break;
		if (b->within[i].ancestor == ancestor && b->within[i].unit == unit) {
			*yes = b->within[i].yes;
			return 0;
		}
	}
	rc = sq_unit_within(st, ancestor, unit, yes, err);
	/* a full table (a load of that many units) just reads */
	if (rc == 0 && k < b->nwithin && k < 64) {
		b->within[i].ancestor = ancestor;
		b->within[i].unit = unit;
		b->within[i].gen = b->gen;
		b->within[i].yes = *yes;
	}
	return rc;
}

int sq_bulk_unit_has_children(struct store *st, int64_t id, bool *yes, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || !id_kept(b, id))
		return sq_unit_has_children(st, id, yes, err);
	if (b->ukids[id].gen == b->gen) {
		*yes = b->ukids[id].yes;
		return 0;
	}
	rc = sq_unit_has_children(st, id, yes, err);
	if (rc == 0)
		b->ukids[id] = (struct kids){ b->gen, *yes };
	return rc;
}

int sq_bulk_category_get(struct store *st, int64_t id, struct category *out, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || !id_kept(b, id))
		return sq_category_get(st, id, out, err);
	if (b->cat_gen[id] == b->gen) {
		*out = b->cat[id];
		return 0;
	}
	rc = sq_category_get(st, id, out, err);
	if (rc == 0) {
		b->cat[id] = *out;
		b->cat_gen[id] = b->gen;
	}
	return rc;
}

int sq_bulk_category_has_children(struct store *st, int64_t id, bool *yes, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc;

	if (!b || !id_kept(b, id))
		return sq_category_has_children(st, id, yes, err);
	if (b->kids[id].gen == b->gen) {
		*yes = b->kids[id].yes;
		return 0;
	}
	rc = sq_category_has_children(st, id, yes, err);
	if (rc == 0)
		b->kids[id] = (struct kids){ b->gen, *yes };
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

	if (b && b->tail_gen == b->gen) {
		*seq = b->tail_seq;
		str_copy(hash, AUDIT_HASH_HEX + 1, b->tail_hash);
		return 0;
	}
	rc = sq_audit_tail(st, seq, hash, err);
	if (rc == 0 && b) {
		b->tail_seq = *seq;
		str_copy(b->tail_hash, sizeof(b->tail_hash), hash);
		b->tail_gen = b->gen;
	}
	return rc;
}

int sq_bulk_audit_insert(struct store *st, const struct audit_entry *e, struct err *err)
{
	struct sq_bulk_cache *b = cache(sq(st));
	int rc = sq_audit_insert(st, e, err);

	if (b) {
		b->tail_gen = rc == 0 ? b->gen : 0;
		b->tail_seq = e->seq;
		str_copy(b->tail_hash, sizeof(b->tail_hash), e->hash);
	}
	return rc;
}
