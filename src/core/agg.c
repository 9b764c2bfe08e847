/*
 * agg.c - report aggregates kept in step with the messages (core/agg.h).
 *
 * Everything rests on the replay of a message's history (agg_tally_add):
 * what one message adds to the tables.  The transition hook applies the
 * difference between the replay with and without the new step; the recount
 * (--verify, --rebuild) sums the replays of every message with the same
 * function, so the two can only disagree if a change bypassed the hook.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/units.h"
#include "base/varint.h"
#include "core/agg.h"
#include "core/agg_int.h"
#include "core/audit.h"
#include "core/msg.h"
#include "core/unit.h"
#include "fa/jalali.h"
#include "fa/tehran.h"
#include "store/store.h"

/* ---- histogram bins ---- */

#define LIN_BINS 100		/* 6-minute bins below 10 hours */
#define LIN_WIDTH 360
#define LOG_BASE 36000.0

/* Bin b >= LIN_BINS starts at floor(36000 * 1.01^(b - LIN_BINS)); a pure
 * function, so agg_bin_of (a binary search over it) and agg_bin_lo agree
 * exactly, with no table to share between threads. */
int64_t agg_bin_lo(int bin)
{
	if (bin <= 0)
		return 0;
	if (bin >= AGG_BINS)
		bin = AGG_BINS - 1;
	if (bin < LIN_BINS)
		return (int64_t)bin * LIN_WIDTH;
	return (int64_t)floor(LOG_BASE * pow(1.01, bin - LIN_BINS));
}

int agg_bin_of(int64_t s)
{
	int lo, hi, mid;

	if (s < 0)
		s = 0;
	if (s < (int64_t)LIN_BINS * LIN_WIDTH)
		return (int)(s / LIN_WIDTH);
	if (s >= agg_bin_lo(AGG_BINS - 1))
		return AGG_BINS - 1;
	lo = LIN_BINS;
	hi = AGG_BINS - 1;	/* agg_bin_lo(lo) <= s < agg_bin_lo(hi) */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (agg_bin_lo(mid) <= s)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int64_t agg_bin_hi(int bin)
{
	if (bin >= AGG_BINS - 1)
		return INT64_MAX;
	return agg_bin_lo(bin + 1);
}

/* ---- sparse histograms and their blob ---- */

void agg_hist_release(struct agg_hist *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

void agg_hist_add(struct agg_hist *h, int bin, int64_t count, int64_t sum)
{
	size_t lo = 0, hi = h->n, mid;

	if (count == 0 && sum == 0)
		return;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->v[mid].bin < bin)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->n && h->v[lo].bin == bin) {
		h->v[lo].count += count;
		h->v[lo].sum += sum;
		if (h->v[lo].count == 0 && h->v[lo].sum == 0) {
			memmove(&h->v[lo], &h->v[lo + 1], (h->n - lo - 1) * sizeof(h->v[0]));
			h->n--;
		}
		return;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->v = xrealloc(h->v, h->cap * sizeof(h->v[0]));
	}
	memmove(&h->v[lo + 1], &h->v[lo], (h->n - lo) * sizeof(h->v[0]));
	h->v[lo].bin = bin;
	h->v[lo].count = count;
	h->v[lo].sum = sum;
	h->n++;
}

/* Blob: per bin, in increasing order, varint(bin - previous bin) then the
 * zigzag varints of count and sum. */
unsigned char *agg_hist_encode(const struct agg_hist *h, size_t *len)
{
	unsigned char *p = xmalloc(h->n * 30 + 1);
	size_t n = 0, i;
	int prev = 0;

	for (i = 0; i < h->n; i++) {
		n += varint_put(p + n, (uint64_t)(h->v[i].bin - prev));
		n += varint_put(p + n, varint_zigzag(h->v[i].count));
		n += varint_put(p + n, varint_zigzag(h->v[i].sum));
		prev = h->v[i].bin;
	}
	*len = n;
	return p;
}

int agg_hist_decode_add(struct agg_hist *h, const unsigned char *p, size_t len, int sign)
{
	size_t pos = 0;
	uint64_t d, c, s;
	int64_t bin = 0;

	while (pos < len) {
		if (varint_get(p, len, &pos, &d) < 0 || varint_get(p, len, &pos, &c) < 0 ||
		    varint_get(p, len, &pos, &s) < 0)
			return ERR_INVALID;
		if (d >= AGG_BINS || bin + (int64_t)d >= AGG_BINS)
			return ERR_INVALID;
		bin += (int64_t)d;
		agg_hist_add(h, (int)bin, sign * varint_unzigzag(c), sign * varint_unzigzag(s));
	}
	return 0;
}

/* One bin of a histogram blob into the dense arrays: 0, or ERR_INVALID
 * when its step leaves them. */
static inline int dense_bin(int64_t *bin, uint64_t d, uint64_t c, uint64_t s, int64_t *count,
			    int64_t *sum)
{
	if (d >= AGG_BINS || *bin + (int64_t)d >= AGG_BINS)
		return ERR_INVALID;
	*bin += (int64_t)d;
	count[*bin] += varint_unzigzag(c);
	sum[*bin] += varint_unzigzag(s);
	return 0;
}

/* Every report decodes its month cells' histograms, most of its time once
 * the pair rows are packed (docs/performance.md): the bins that start at
 * least three whole varints before the end are read without a bounds test
 * a byte, the rest with one. */
int agg_hist_decode_dense(const unsigned char *p, size_t len, int64_t *count, int64_t *sum)
{
	const unsigned char *q = p;
	const unsigned char *fast_end = len > 3 * VARINT_BYTES ? p + len - 3 * VARINT_BYTES : p;
	size_t pos;
	uint64_t d, c, s;
	int64_t bin = 0;

	while (q < fast_end)
		if (varint_next(&q, &d) < 0 || varint_next(&q, &c) < 0 || varint_next(&q, &s) < 0 ||
		    dense_bin(&bin, d, c, s, count, sum) < 0)
			return ERR_INVALID;
	for (pos = (size_t)(q - p); pos < len;)
		if (varint_get(p, len, &pos, &d) < 0 || varint_get(p, len, &pos, &c) < 0 ||
		    varint_get(p, len, &pos, &s) < 0 || dense_bin(&bin, d, c, s, count, sum) < 0)
			return ERR_INVALID;
	return 0;
}

/* ---- days ---- */

int agg_day_of(int64_t t, int64_t *day, struct err *err)
{
	struct jdate d;
	int rc = tehran_day_of(t, &d);

	if (rc < 0)
		return err_set(err, rc, "", "cannot place instant %lld in a Tehran day",
			       (long long)t);
	*day = jalali_to_days(&d);
	return 0;
}

int64_t agg_month_start(int64_t day)
{
	struct jdate d;

	if (jalali_from_days(day, &d) < 0)
		return day;
	return day - (d.d - 1);
}

/* ---- a message's history ---- */

static int step_hop(const struct audit_step *s, enum hop_kind *kind)
{
	if (str_eq(s->action, "msg.refer"))
		*kind = HOP_REFER;
	else if (str_eq(s->action, "msg.transfer"))
		*kind = HOP_TRANSFER;
	else if (str_eq(s->action, "msg.return"))
		*kind = HOP_RETURN;
	else
		return 0;
	return 1;
}

static void ev_push(struct agg_event **v, size_t *n, size_t *cap, const struct agg_event *e)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = *e;
}

int agg_history(struct store *st, int64_t msg_id, struct agg_event **out, size_t *n,
		size_t *nsteps, struct err *err)
{
	struct audit_step *steps = NULL;
	struct referral *refs = NULL;
	struct agg_event *v = NULL, e;
	size_t ns = 0, nr = 0, i, j = 0, cap = 0, nv = 0;
	enum hop_kind kind;
	int rc;

	*out = NULL;
	*n = 0;
	if (nsteps)
		*nsteps = 0;
	rc = st->ops->audit_steps(st, msg_id, &steps, &ns, err);
	if (rc == 0)
		rc = st->ops->referral_list(st, msg_id, &refs, &nr, err);
	if (rc < 0)
		goto out;
	if (ns + nr > CAP_AGG_STEPS) {
		rc = err_set(err, ERR_TOOBIG, "", "message %lld has more than %d steps",
			     (long long)msg_id, CAP_AGG_STEPS);
		goto out;
	}
	/* each hop row was written by one transition: refer, transfer and
	 * return, and a verdict or grade that reopened the message */
	for (i = 0; i < ns; i++) {
		const struct audit_step *s = &steps[i];
		bool hop = step_hop(s, &kind) != 0;

		memset(&e, 0, sizeof(e));
		e.at = s->at;
		e.step = i;
		if (str_eq(s->action, "msg.answer")) {
			e.ev = AGG_EV_ANSWER;
			ev_push(&v, &nv, &cap, &e);
		} else if (str_eq(s->action, "msg.verdict")) {
			e.ev = AGG_EV_VERDICT;
			e.positive = str_eq(s->value, "accept");
			ev_push(&v, &nv, &cap, &e);
		} else if (str_eq(s->action, "msg.grade")) {
			e.ev = AGG_EV_GRADE;
			e.positive = str_eq(s->value, "acceptable");
			ev_push(&v, &nv, &cap, &e);
		}
		if (s->reopened) {
			hop = true;
			kind = HOP_REOPEN;
		}
		if (!hop)
			continue;
		if (j >= nr || refs[j].kind != kind) {
			rc = err_set(err, ERR_STORE, "", "message %lld: referral chain and audit "
				     "log disagree at step %zu", (long long)msg_id, i + 1);
			goto out;
		}
		memset(&e, 0, sizeof(e));
		e.ev = AGG_EV_HOP;
		e.step = i;
		e.hop = kind;
		e.unit = kind == HOP_RETURN ? 0 : refs[j].to_unit;
		e.deadline = refs[j].deadline;
		e.at = refs[j].at;
		ev_push(&v, &nv, &cap, &e);
		j++;
	}
	*out = v;
	*n = nv;
	if (nsteps)
		*nsteps = ns;
	v = NULL;
out:
	free(v);
	free(steps);
	free(refs);
	return rc;
}

/* ---- the tally: cells and pairs in hashes ---- */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

static uint64_t key_hash(const struct agg_key *k)
{
	return mix(mix(mix(mix(1, (uint64_t)k->dim), (uint64_t)k->unit), (uint64_t)k->day),
		   (uint64_t)k->key);
}

static bool key_eq(const struct agg_key *a, const struct agg_key *b)
{
	return a->dim == b->dim && a->unit == b->unit && a->day == b->day && a->key == b->key;
}

static uint64_t pair_hash(const struct agg_pair *p)
{
	return mix(mix(mix(mix(mix(mix(2, (uint64_t)p->dim), (uint64_t)p->unit),
			       (uint64_t)p->kind), (uint64_t)p->day), (uint64_t)p->day2),
		   (uint64_t)p->key);
}

static bool pair_eq(const struct agg_pair *a, const struct agg_pair *b)
{
	return a->dim == b->dim && a->unit == b->unit && a->kind == b->kind &&
	       a->day == b->day && a->day2 == b->day2 && a->key == b->key;
}

static struct agg_tally *tally_new(size_t cells)
{
	struct agg_tally *t = xcalloc(1, sizeof(*t));

	t->capcells = cells;
	t->cells = xcalloc(t->capcells, sizeof(*t->cells));
	t->cappairs = cells / 2;
	t->pairs = xcalloc(t->cappairs, sizeof(*t->pairs));
	return t;
}

struct agg_tally *agg_tally_new(void)
{
	return tally_new(1024);
}

void agg_tally_free(struct agg_tally *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->capcells; i++)
		agg_hist_release(&t->cells[i].h);
	free(t->cells);
	free(t->pairs);
	free(t->units);
	free(t);
}

void agg_tally_clear(struct agg_tally *t)
{
	size_t i;

	for (i = 0; i < t->capcells; i++)
		agg_hist_release(&t->cells[i].h);
	memset(t->cells, 0, t->capcells * sizeof(*t->cells));
	memset(t->pairs, 0, t->cappairs * sizeof(*t->pairs));
	t->ncells = t->npairs = 0;
}

size_t agg_tally_cells(const struct agg_tally *t)
{
	return t->ncells;
}

static struct tcell *cell_find(struct agg_tally *t, const struct agg_key *k, bool create)
{
	size_t mask, i;

	if (create && (t->ncells + 1) * 2 > t->capcells) {
		struct tcell *old = t->cells;
		size_t oldcap = t->capcells, j;

		t->capcells *= 2;
		t->cells = xcalloc(t->capcells, sizeof(*t->cells));
		mask = t->capcells - 1;
		for (j = 0; j < oldcap; j++) {
			if (!old[j].used)
				continue;
			i = key_hash(&old[j].k) & mask;
			while (t->cells[i].used)
				i = (i + 1) & mask;
			t->cells[i] = old[j];
		}
		free(old);
	}
	mask = t->capcells - 1;
	i = key_hash(k) & mask;
	while (t->cells[i].used) {
		if (key_eq(&t->cells[i].k, k))
			return &t->cells[i];
		i = (i + 1) & mask;
	}
	if (!create)
		return NULL;
	t->cells[i].used = true;
	t->cells[i].k = *k;
	t->ncells++;
	return &t->cells[i];
}

static struct tpair *pair_find(struct agg_tally *t, const struct agg_pair *p, bool create)
{
	size_t mask, i;

	if (create && (t->npairs + 1) * 2 > t->cappairs) {
		struct tpair *old = t->pairs;
		size_t oldcap = t->cappairs, j;

		t->cappairs *= 2;
		t->pairs = xcalloc(t->cappairs, sizeof(*t->pairs));
		mask = t->cappairs - 1;
		for (j = 0; j < oldcap; j++) {
			if (!old[j].used)
				continue;
			i = pair_hash(&old[j].p) & mask;
			while (t->pairs[i].used)
				i = (i + 1) & mask;
			t->pairs[i] = old[j];
		}
		free(old);
	}
	mask = t->cappairs - 1;
	i = pair_hash(p) & mask;
	while (t->pairs[i].used) {
		if (pair_eq(&t->pairs[i].p, p))
			return &t->pairs[i];
		i = (i + 1) & mask;
	}
	if (!create)
		return NULL;
	t->pairs[i].used = true;
	t->pairs[i].p = *p;
	t->pairs[i].p.n = 0;
	t->npairs++;
	return &t->pairs[i];
}

/* The unit's parent and whether it can hold a message, cached in t. */
static int unit_of(struct agg_tally *t, struct store *st, int64_t id, struct ucache **out,
		   struct err *err)
{
	struct unit u;
	size_t i;
	int rc;

	for (i = 0; i < t->nunits; i++) {
		if (t->units[i].id == id) {
			*out = &t->units[i];
			return 0;
		}
	}
	rc = st->ops->unit_get(st, id, &u, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_STORE, "", "a message's history names unit %lld, which "
			       "does not exist", (long long)id);
	if (rc < 0)
		return rc;
	if (t->nunits == t->capunits) {
		t->capunits = t->capunits ? t->capunits * 2 : 32;
		t->units = xrealloc(t->units, t->capunits * sizeof(*t->units));
	}
	t->units[t->nunits].id = id;
	t->units[t->nunits].parent = u.parent_id;
	t->units[t->nunits].holder = u.kind != UNIT_CENTRE;
	t->units[t->nunits].kids = -1;
	*out = &t->units[t->nunits++];
	return 0;
}

/* ---- a message's contribution: replaying its history ---- */

/* A scope's state during the replay. */
struct sstate {
	int64_t scope;		/* unit id (subtree) or -unit id (alone) */
	bool entered;		/* ever */
	int64_t first_day;	/* day of the first entry */
	bool answered_once;	/* the ANSWERED pair is written */
	bool holding;
	int64_t arrival;	/* of the current hop */
	bool ob;		/* an obligation is running */
	int64_t dl;		/* its deadline */
	bool objected;
	int64_t *rows;		/* rows (children, -self) entered, subtree scopes */
	size_t nrows, caprows;
};

struct replay {
	struct agg_tally *t;
	struct store *st;
	const struct msg *m;
	int sign;
	struct err *err;
	struct sstate *s;
	size_t ns, caps;
	/* the holder's scopes: chain[0] = holder ... root, then -holder when
	 * it is stored */
	int64_t chain[CAP_TREE_DEPTH + 1];
	size_t nchain;
	int64_t answerer;	/* holder when the latest answer was given */
};

static struct sstate *scope_get(struct replay *r, int64_t scope)
{
	size_t i;

	for (i = 0; i < r->ns; i++)
		if (r->s[i].scope == scope)
			return &r->s[i];
	if (r->ns == r->caps) {
		r->caps = r->caps ? r->caps * 2 : 16;
		r->s = xrealloc(r->s, r->caps * sizeof(*r->s));
	}
	memset(&r->s[r->ns], 0, sizeof(r->s[0]));
	r->s[r->ns].scope = scope;
	return &r->s[r->ns++];
}

/* The scopes holding a message at unit h: h, its ancestors, then -h when
 * it is stored (h has child units, agg_scope_stored); none when h is 0 or
 * the centre. */
static int scopes_of(struct replay *r, int64_t h, int64_t *out, size_t *n)
{
	struct ucache *u;
	int64_t id = h;
	bool kids = false;
	int rc;

	*n = 0;
	if (!h)
		return 0;
	rc = unit_of(r->t, r->st, h, &u, r->err);
	if (rc < 0)
		return rc;
	if (!u->holder)
		return 0;
	while (id && *n < CAP_TREE_DEPTH) {
		rc = unit_of(r->t, r->st, id, &u, r->err);
		if (rc < 0)
			return rc;
		out[(*n)++] = id;
		id = u->parent;
	}
	/* looked up again: the ancestors' lookups may have moved the cache */
	rc = unit_of(r->t, r->st, h, &u, r->err);
	if (rc == 0 && u->kids < 0) {
		rc = r->st->ops->unit_has_children(r->st, h, &kids, r->err);
		u->kids = kids ? 1 : 0;
	}
	if (rc < 0)
		return rc;
	if (agg_scope_stored(-h, u->kids > 0))
		out[(*n)++] = -h;
	return 0;
}

static bool in_list(const int64_t *v, size_t n, int64_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Add v to counter c of scope's cell of the day of instant at, in the six
 * groupings. */
static int fact(struct replay *r, int64_t scope, int64_t at, int c, int64_t v, int bin)
{
	int64_t day = 0, month;
	int rc = agg_day_of(at, &day, r->err), dim;

	if (rc < 0)
		return rc;
	month = agg_month_start(day);
	for (dim = 0; dim < AGG_DIM_COUNT; dim++) {
		struct agg_key k = { dim, scope, dim >= AGG_DIM_MONTH ? month : day, 0 };
		struct tcell *cell;

		if (dim % AGG_DIM_MONTH == AGG_DIM_CATEGORY)
			k.key = r->m->category_id;
		else if (dim % AGG_DIM_MONTH == AGG_DIM_CHANNEL)
			k.key = r->m->channel;
		cell = cell_find(r->t, &k, true);
		cell->c[c] += r->sign * v;
		if (bin >= 0)
			agg_hist_add(&cell->h, bin, r->sign, r->sign * v);
	}
	return 0;
}

/* One pair count (days already Tehran day numbers). */
static void pair(struct replay *r, int64_t scope, int kind, int64_t day, int64_t day2)
{
	int64_t month = agg_month_start(day);
	int dim;

	for (dim = 0; dim < AGG_DIM_COUNT; dim++) {
		struct agg_pair p = { dim, scope, kind, dim >= AGG_DIM_MONTH ? month : day, day2,
				      0, 0 };

		if (dim % AGG_DIM_MONTH == AGG_DIM_CATEGORY)
			p.key = r->m->category_id;
		else if (dim % AGG_DIM_MONTH == AGG_DIM_CHANNEL)
			p.key = r->m->channel;
		pair_find(r->t, &p, true)->p.n += r->sign;
	}
}

/* The obligation of s ends at `at` (0: still running) by an answer or not:
 * counted by its deadline's day, late unless answered by the deadline; a
 * hop handed on before its deadline was no obligation. */
static int ob_end(struct replay *r, struct sstate *s, int64_t at, bool answered)
{
	int64_t dday = 0, rday = AGG_OPEN;
	bool late;
	int rc;

	if (!s->ob)
		return 0;
	s->ob = false;
	if (at && !answered && at <= s->dl)
		return 0;
	late = !(answered && at <= s->dl);
	rc = fact(r, s->scope, s->dl, AGG_OBLIGATIONS, 1, -1);
	if (rc == 0 && late)
		rc = fact(r, s->scope, s->dl, AGG_LATE, 1, -1);
	if (rc == 0)
		rc = agg_day_of(s->dl, &dday, r->err);
	if (rc == 0 && at)
		rc = agg_day_of(at, &rday, r->err);
	if (rc == 0 && rday >= dday)
		pair(r, s->scope, AGG_PAIR_DUE, dday, rday);
	return rc;
}

/* The row of subtree scope p where a message at holder h (chain[0]) sits:
 * the child of p on the way to h, or -p when h is p. */
static int64_t row_of(const int64_t *chain, size_t n, int64_t p)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (chain[i] == p)
			return i == 0 ? -p : chain[i - 1];
	}
	return 0;
}

static int on_hop(struct replay *r, const struct agg_event *e)
{
	int64_t nchain[CAP_TREE_DEPTH + 1];
	size_t nn = 0, i;
	int64_t h2 = e->hop == HOP_RETURN ? 0 : e->unit;
	int rc = scopes_of(r, h2, nchain, &nn);

	if (rc < 0)
		return rc;
	/* scopes left: the message was handed on */
	for (i = 0; i < r->nchain && rc == 0; i++) {
		struct sstate *s;

		if (in_list(nchain, nn, r->chain[i]))
			continue;
		s = scope_get(r, r->chain[i]);
		rc = fact(r, s->scope, e->at, e->hop == HOP_RETURN ? AGG_RETURNS :
			  AGG_TRANSFERRED_OUT, 1, -1);
		if (rc == 0)
			rc = fact(r, s->scope, e->at, AGG_HANDOFF_SUM, e->at - s->arrival, -1);
		if (rc == 0)
			rc = ob_end(r, s, e->at, false);
		s->holding = false;
	}
	/* scopes entered, or held on: a reopen or a new referral there is a
	 * new arrival with its own obligation */
	for (i = 0; i < nn && rc == 0; i++) {
		struct sstate *s = scope_get(r, nchain[i]);
		bool stays = in_list(r->chain, r->nchain, nchain[i]);

		if (stays && e->hop == HOP_TRANSFER)
			continue;
		if (stays) {
			rc = ob_end(r, s, e->at, false);
			if (rc == 0 && e->hop == HOP_REOPEN)
				rc = fact(r, s->scope, e->at, AGG_REOPENS, 1, -1);
		} else if (!s->entered) {
			s->entered = true;
			rc = fact(r, s->scope, e->at, AGG_REFERRED, 1, -1);
			if (rc == 0)
				rc = agg_day_of(e->at, &s->first_day, r->err);
		} else {
			rc = fact(r, s->scope, e->at, AGG_REENTRIES, 1, -1);
		}
		s->holding = true;
		s->arrival = e->at;
		if (e->deadline > 0) {
			s->ob = true;
			s->dl = e->deadline;
		}
	}
	/* rows of each subtree scope: a row entered for the first time after
	 * the scope's first row is an internal transfer */
	for (i = 0; i < nn && rc == 0; i++) {
		struct sstate *s;
		int64_t row;

		if (nchain[i] < 0)
			continue;	/* the holder alone */
		s = scope_get(r, nchain[i]);
		row = row_of(nchain, nn, nchain[i]);
		if (in_list(s->rows, s->nrows, row))
			continue;
		if (s->nrows && (rc = fact(r, s->scope, e->at, AGG_INTERNAL, 1, -1)) < 0)
			break;
		if (s->nrows == s->caprows) {
			s->caprows = s->caprows ? s->caprows * 2 : 4;
			s->rows = xrealloc(s->rows, s->caprows * sizeof(*s->rows));
		}
		s->rows[s->nrows++] = row;
	}
	memcpy(r->chain, nchain, nn * sizeof(nchain[0]));
	r->nchain = nn;
	return rc;
}

static int on_answer(struct replay *r, const struct agg_event *e)
{
	size_t i;
	int rc = 0;

	r->answerer = r->nchain ? r->chain[0] : 0;
	for (i = 0; i < r->nchain && rc == 0; i++) {
		struct sstate *s = scope_get(r, r->chain[i]);
		int64_t secs = e->at - s->arrival, aday = 0;

		if (secs < 0)
			secs = 0;
		rc = fact(r, s->scope, e->at, AGG_ANSWERS, 1, -1);
		if (rc == 0)
			rc = fact(r, s->scope, e->at, AGG_HANDLING_SUM, secs, agg_bin_of(secs));
		if (rc == 0 && s->entered && !s->answered_once) {
			s->answered_once = true;
			rc = agg_day_of(e->at, &aday, r->err);
			if (rc == 0)
				pair(r, s->scope, AGG_PAIR_ANSWERED, s->first_day, aday);
		}
		if (rc == 0)
			rc = ob_end(r, s, e->at, true);
	}
	return rc;
}

static int on_judgement(struct replay *r, const struct agg_event *e)
{
	int64_t chain[CAP_TREE_DEPTH + 1];
	size_t n = 0, i;
	int c, rc = scopes_of(r, r->answerer, chain, &n);

	if (e->ev == AGG_EV_VERDICT)
		c = e->positive ? AGG_VERDICT_ACCEPT : AGG_VERDICT_OBJECT;
	else
		c = e->positive ? AGG_GRADE_OK : AGG_GRADE_BAD;
	for (i = 0; i < n && rc == 0; i++) {
		struct sstate *s = scope_get(r, chain[i]);

		rc = fact(r, chain[i], e->at, c, 1, -1);
		if (rc == 0 && c == AGG_VERDICT_OBJECT && !s->objected) {
			s->objected = true;
			rc = fact(r, chain[i], e->at, AGG_OBJECTED, 1, -1);
		}
	}
	return rc;
}

int agg_tally_add(struct agg_tally *t, struct store *st, const struct msg *m,
		  const struct agg_event *ev, size_t nev, int sign, struct err *err)
{
	struct replay r;
	size_t i;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.t = t;
	r.st = st;
	r.m = m;
	r.sign = sign;
	r.err = err;
	for (i = 0; i < nev && rc == 0; i++) {
		switch (ev[i].ev) {
		case AGG_EV_HOP:
			rc = on_hop(&r, &ev[i]);
			break;
		case AGG_EV_ANSWER:
			rc = on_answer(&r, &ev[i]);
			break;
		case AGG_EV_VERDICT:
		case AGG_EV_GRADE:
			rc = on_judgement(&r, &ev[i]);
			break;
		}
	}
	/* obligations still running: late once their deadline passes */
	for (i = 0; i < r.ns && rc == 0; i++)
		rc = ob_end(&r, &r.s[i], 0, false);
	for (i = 0; i < r.ns; i++)
		free(r.s[i].rows);
	free(r.s);
	return rc;
}

int agg_tally_add_msg(struct agg_tally *t, struct store *st, const struct msg *m, int sign,
		      struct err *err)
{
	struct agg_event *ev = NULL;
	size_t n = 0;
	int rc;

	if (!m->first_referred_at)
		return 0;	/* never referred: no history to count */
	rc = agg_history(st, m->id, &ev, &n, NULL, err);
	if (rc == 0)
		rc = agg_tally_add(t, st, m, ev, n, sign, err);
	free(ev);
	return rc;
}

bool agg_cell_zero(const struct tcell *c)
{
	int i;

	for (i = 0; i < AGG_NCOUNTERS; i++)
		if (c->c[i])
			return false;
	return c->h.n == 0;
}

/* The stored tables' key orders: rows written in key order append to the
 * B-trees instead of landing on a random page each (a rebuild writes a
 * million of them). */
static int cmp_cell(const void *a, const void *b)
{
	return agg_key_cmp(&(*(struct tcell *const *)a)->k, &(*(struct tcell *const *)b)->k);
}

static int cmp_pair(const void *a, const void *b)
{
	const struct agg_pair *x = &(*(struct tpair *const *)a)->p;
	const struct agg_pair *y = &(*(struct tpair *const *)b)->p;

	if (x->dim != y->dim)
		return AGG_CMP3(x->dim, y->dim);
	if (x->unit != y->unit)
		return AGG_CMP3(x->unit, y->unit);
	if (x->kind != y->kind)
		return AGG_CMP3(x->kind, y->kind);
	if (x->day != y->day)
		return AGG_CMP3(x->day, y->day);
	if (x->key != y->key)
		return AGG_CMP3(x->key, y->key);
	return AGG_CMP3(x->day2, y->day2);
}

/* ---- adding a tally to the stored rows ---- */

/* Add the tally cell's difference to the stored cell. */
static int cell_apply(struct store *st, const struct tcell *d, struct err *err)
{
	struct agg_row row;
	struct agg_hist h = { 0 };
	size_t i;
	int rc, j;

	rc = st->ops->agg_cell_get(st, &d->k, &row, err);
	if (rc == ERR_NOTFOUND) {
		memset(&row, 0, sizeof(row));
		row.k = d->k;
	} else if (rc < 0) {
		return rc;
	}
	if (row.hist_len && agg_hist_decode_add(&h, row.hist, row.hist_len, 1) < 0) {
		free(row.hist);
		agg_hist_release(&h);
		return err_set(err, ERR_STORE, "", "aggregate histogram is damaged "
			       "(run 'hamgan report --rebuild')");
	}
	free(row.hist);
	for (j = 0; j < AGG_NCOUNTERS; j++)
		row.c[j] += d->c[j];
	for (i = 0; i < d->h.n; i++)
		agg_hist_add(&h, d->h.v[i].bin, d->h.v[i].count, d->h.v[i].sum);
	row.hist = agg_hist_encode(&h, &row.hist_len);
	rc = st->ops->agg_cell_put(st, &row, err);
	free(row.hist);
	agg_hist_release(&h);
	return rc;
}

/* Add every cell and pair count of t to the stored rows, in the tables' key
 * order (rows written in key order append to the B-trees instead of landing
 * on a random page each). */
static int tally_apply(struct agg_tally *t, struct store *st, struct err *err)
{
	struct tcell **cells = xcalloc(t->ncells ? t->ncells : 1, sizeof(*cells));
	struct tpair **pairs = xcalloc(t->npairs ? t->npairs : 1, sizeof(*pairs));
	size_t i, nc = 0, np = 0;
	int rc = 0;

	for (i = 0; i < t->capcells && nc < t->ncells; i++)
		if (t->cells[i].used && !agg_cell_zero(&t->cells[i]))
			cells[nc++] = &t->cells[i];
	for (i = 0; i < t->cappairs && np < t->npairs; i++)
		if (t->pairs[i].used && t->pairs[i].p.n != 0)
			pairs[np++] = &t->pairs[i];
	qsort(cells, nc, sizeof(*cells), cmp_cell);
	qsort(pairs, np, sizeof(*pairs), cmp_pair);
	for (i = 0; i < nc && rc == 0; i++)
		rc = cell_apply(st, cells[i], err);
	for (i = 0; i < np && rc == 0; i++)
		rc = st->ops->agg_pair_add(st, &pairs[i]->p, err);
	free(cells);
	free(pairs);
	return rc;
}

int agg_tally_write(struct agg_tally *t, struct store *st, struct err *err)
{
	return tally_apply(t, st, err);
}

/* ---- a unit's first child ---- */

/* The rows of one scope, read before any is written (a scan does not see
 * its own writes the same way in every store). */
struct scope_copy {
	struct agg_row *cells;
	size_t ncells, capcells;
	struct agg_pair *pairs;
	size_t npairs, cappairs;
};

static int copy_cell(const struct agg_row *r, void *arg)
{
	struct scope_copy *c = arg;
	struct agg_row *to;

	if (c->ncells == c->capcells) {
		c->capcells = c->capcells ? c->capcells * 2 : 64;
		c->cells = xrealloc(c->cells, c->capcells * sizeof(*c->cells));
	}
	to = &c->cells[c->ncells++];
	*to = *r;
	to->hist = xmalloc(r->hist_len ? r->hist_len : 1);
	if (r->hist_len)
		memcpy(to->hist, r->hist, r->hist_len);
	return 0;
}

static int copy_pair(const struct agg_pair *p, void *arg)
{
	struct scope_copy *c = arg;

	if (c->npairs == c->cappairs) {
		c->cappairs = c->cappairs ? c->cappairs * 2 : 64;
		c->pairs = xrealloc(c->pairs, c->cappairs * sizeof(*c->pairs));
	}
	c->pairs[c->npairs++] = *p;
	return 0;
}

/* Until now -parent was read as parent (agg_scope_read): the same rows,
 * written under -parent, keep its figures what they were; every later
 * replay of a message at parent counts in -parent as well. */
int agg_unit_first_child(struct store *st, int64_t parent, struct err *err)
{
	struct scope_copy c;
	size_t i;
	int dim, kind, rc = 0;

	if (parent <= 0)
		return 0;
	memset(&c, 0, sizeof(c));
	for (dim = 0; dim < AGG_DIM_COUNT && rc == 0; dim++) {
		c.ncells = 0;
		rc = st->ops->agg_cell_scan(st, dim, parent, INT64_MIN, INT64_MAX, copy_cell, &c,
					    err);
		for (i = 0; i < c.ncells; i++) {
			c.cells[i].k.unit = -parent;
			if (rc == 0)
				rc = st->ops->agg_cell_put(st, &c.cells[i], err);
			free(c.cells[i].hist);
		}
	}
	for (dim = 0; dim < AGG_DIM_COUNT && rc == 0; dim++) {
		for (kind = 0; kind < AGG_PAIR_KINDS && rc == 0; kind++) {
			c.npairs = 0;
			rc = st->ops->agg_pair_scan(st, dim, parent, kind, INT64_MIN, INT64_MAX,
						    INT64_MIN, copy_pair, &c, err);
			for (i = 0; i < c.npairs && rc == 0; i++) {
				c.pairs[i].unit = -parent;
				rc = st->ops->agg_pair_add(st, &c.pairs[i], err);
			}
		}
	}
	free(c.cells);
	free(c.pairs);
	return rc;
}

/* ---- the transition hook ---- */

/* How many of ev the message had before this transition: the events of
 * the earlier transitions (this one wrote the last audit step). */
static size_t events_before(const struct agg_event *ev, size_t n, size_t nsteps)
{
	while (n && nsteps && ev[n - 1].step == nsteps - 1)
		n--;
	return n;
}

int agg_on_change(struct store *st, const struct msg *before, const struct msg *after,
		  int64_t now, struct err *err)
{
	struct agg_tally *t;
	struct agg_event *ev = NULL;
	size_t n = 0, nb, nsteps = 0;
	int rc = 0;

	(void)now;
	if (!after || !after->first_referred_at)
		return 0;	/* not referred yet: counts nowhere */
	rc = agg_history(st, after->id, &ev, &n, &nsteps, err);
	if (rc < 0)
		return rc;
	nb = before && before->first_referred_at ? events_before(ev, n, nsteps) : 0;
	t = tally_new(64);
	if (nb)
		rc = agg_tally_add(t, st, before, ev, nb, -1, err);
	if (rc == 0)
		rc = agg_tally_add(t, st, after, ev, n, 1, err);
	if (rc == 0)
		rc = tally_apply(t, st, err);
	agg_tally_free(t);
	free(ev);
	return rc;
}
