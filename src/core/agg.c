/*
 * agg.c - report aggregates kept in step with the messages (core/agg.h).
 *
 * Everything rests on agg_contrib(): what one message adds to the tables.
 * The transition hook applies the difference between a message's
 * contribution after and before the change; the recount (--verify,
 * --rebuild) sums contributions over every message with the same function,
 * so the two can only disagree if a change bypassed the hook.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "core/agg.h"
#include "core/msg.h"
#include "fa/jalali.h"
#include "fa/tehran.h"
#include "store/store.h"

/* ---- histogram bins ---- */

#define HOUR 3600
#define DAY 86400

int agg_bin_of(int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 168 * HOUR)
		return (int)(s / HOUR);
	if (s < 365 * (int64_t)DAY)
		return (int)(161 + s / DAY);
	return AGG_BINS - 1;
}

int64_t agg_bin_lo(int bin)
{
	if (bin < 168)
		return (int64_t)bin * HOUR;
	if (bin < AGG_BINS - 1)
		return (int64_t)(bin - 161) * DAY;
	return 365 * (int64_t)DAY;
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

static size_t put_uvarint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

static int get_uvarint(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;

	while (*pos < len && shift < 64) {
		unsigned char b = p[(*pos)++];

		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
		shift += 7;
	}
	return ERR_INVALID;
}

static uint64_t zz(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzz(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Blob: per bin, in increasing order, varint(bin - previous bin) then the
 * zigzag varints of count and sum. */
unsigned char *agg_hist_encode(const struct agg_hist *h, size_t *len)
{
	unsigned char *p = xmalloc(h->n * 30 + 1);
	size_t n = 0, i;
	int prev = 0;

	for (i = 0; i < h->n; i++) {
		n += put_uvarint(p + n, (uint64_t)(h->v[i].bin - prev));
		n += put_uvarint(p + n, zz(h->v[i].count));
		n += put_uvarint(p + n, zz(h->v[i].sum));
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
		if (get_uvarint(p, len, &pos, &d) < 0 || get_uvarint(p, len, &pos, &c) < 0 ||
		    get_uvarint(p, len, &pos, &s) < 0)
			return ERR_INVALID;
		if (d >= AGG_BINS || bin + (int64_t)d >= AGG_BINS)
			return ERR_INVALID;
		bin += (int64_t)d;
		agg_hist_add(h, (int)bin, sign * unzz(c), sign * unzz(s));
	}
	return 0;
}

int agg_hist_decode_dense(const unsigned char *p, size_t len, int64_t *count, int64_t *sum)
{
	size_t pos = 0;
	uint64_t d, c, s;
	int64_t bin = 0;

	while (pos < len) {
		if (get_uvarint(p, len, &pos, &d) < 0 || get_uvarint(p, len, &pos, &c) < 0 ||
		    get_uvarint(p, len, &pos, &s) < 0)
			return ERR_INVALID;
		if (d >= AGG_BINS || bin + (int64_t)d >= AGG_BINS)
			return ERR_INVALID;
		bin += (int64_t)d;
		count[bin] += unzz(c);
		sum[bin] += unzz(s);
	}
	return 0;
}

/* ---- contribution ---- */

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

int agg_contrib(const struct msg *m, struct agg_contrib *out, struct err *err)
{
	bool answered, has_answer;
	int rc;

	memset(out, 0, sizeof(*out));
	out->bin = -1;
	out->category_id = m->category_id;
	out->channel = m->channel;
	if (m->first_referred_at > 0 && m->first_referred_unit > 0) {
		out->referred = true;
		out->unit = m->first_referred_unit;
		rc = agg_day_of(m->first_referred_at, &out->day, err);
		if (rc < 0)
			return rc;
		out->month_day = agg_month_start(out->day);
		out->c[AGG_REFERRED] = 1;
		/* answered: the answer stands now (a reopened message owes one) */
		answered = (m->state == STATE_ANSWERED || m->state == STATE_CLOSED) &&
			   m->answered_at > 0;
		has_answer = m->answered_at > 0;
		if (answered) {
			out->c[AGG_ANSWERED] = 1;
			if (m->due_at <= 0 || m->answered_at <= m->due_at)
				out->c[AGG_ON_TIME] = 1;
			out->handling = m->answered_at - m->first_referred_at;
			if (out->handling < 0)
				out->handling = 0;
			out->c[AGG_HANDLING_SUM] = out->handling;
			out->bin = agg_bin_of(out->handling);
		}
		/* the latest evaluation of the latest answer, also when it reopened
		 * the message: the grade wins over the citizen's verdict */
		if (has_answer && m->grade != GRADE_NONE) {
			out->c[AGG_EVALUATED] = 1;
			out->c[AGG_ACCEPTABLE] = m->grade == GRADE_ACCEPTABLE;
		} else if (has_answer && m->verdict != VERDICT_NONE) {
			out->c[AGG_EVALUATED] = 1;
			out->c[AGG_ACCEPTABLE] = m->verdict == VERDICT_ACCEPT;
		}
		/* every verdict the citizen gave, not only the standing one: an
		 * objection that reopened the message stays counted after the
		 * next answer clears the verdict */
		out->c[AGG_VERDICT_ACCEPT] = m->accepts;
		out->c[AGG_VERDICT_OBJECT] = m->objections;
		out->c[AGG_RETURNS] = m->return_count;
		out->c[AGG_REREFERRALS] = m->referral_count > 1 ? m->referral_count - 1 : 0;
		out->c[AGG_REOPENS] = m->reopen_count;
	}
	/* the backlog mirrors msg_is_overdue: open = not answered, closed or
	 * rejected, with a deadline, wherever it is now */
	if (m->due_at > 0 && m->state != STATE_ANSWERED && m->state != STATE_CLOSED &&
	    m->state != STATE_REJECTED && m->unit_id > 0) {
		out->open = true;
		out->open_unit = m->unit_id;
		rc = agg_day_of(m->due_at, &out->due_day, err);
		if (rc < 0)
			return rc;
		out->due_month = agg_month_start(out->due_day);
	}
	return 0;
}

static struct agg_key contrib_key(const struct agg_contrib *ct, int dim)
{
	struct agg_key k = { dim, ct->unit, dim >= AGG_DIM_MONTH ? ct->month_day : ct->day, 0 };

	if (dim % AGG_DIM_MONTH == AGG_DIM_CATEGORY)
		k.key = ct->category_id;
	else if (dim % AGG_DIM_MONTH == AGG_DIM_CHANNEL)
		k.key = ct->channel;
	return k;
}

static bool key_eq(const struct agg_key *a, const struct agg_key *b)
{
	return a->dim == b->dim && a->unit == b->unit && a->day == b->day && a->key == b->key;
}

static struct agg_open open_key(const struct agg_contrib *ct, int dim, int64_t n)
{
	struct agg_open o = { dim, ct->open_unit, dim >= AGG_DIM_MONTH ? ct->due_month :
			      ct->due_day, 0, n };

	if (dim % AGG_DIM_MONTH == AGG_DIM_CATEGORY)
		o.key = ct->category_id;
	else if (dim % AGG_DIM_MONTH == AGG_DIM_CHANNEL)
		o.key = ct->channel;
	return o;
}

static bool open_eq(const struct agg_open *a, const struct agg_open *b)
{
	return a->dim == b->dim && a->unit == b->unit && a->due_day == b->due_day &&
	       a->key == b->key;
}

static bool contrib_same(const struct agg_contrib *a, const struct agg_contrib *b)
{
	return memcmp(a->c, b->c, sizeof(a->c)) == 0 && a->bin == b->bin &&
	       a->handling == b->handling;
}

/* ---- the transition hook ---- */

/* Add sign_a * a (and sign_b * b when b) to the stored cell k. */
static int cell_apply(struct store *st, const struct agg_key *k, const struct agg_contrib *a,
		      int sign_a, const struct agg_contrib *b, int sign_b, struct err *err)
{
	struct agg_row row;
	struct agg_hist h = { 0 };
	int rc, i;

	rc = st->ops->agg_cell_get(st, k, &row, err);
	if (rc == ERR_NOTFOUND) {
		memset(&row, 0, sizeof(row));
		row.k = *k;
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
	row.hist = NULL;
	for (i = 0; i < AGG_NCOUNTERS; i++) {
		row.c[i] += sign_a * a->c[i];
		if (b)
			row.c[i] += sign_b * b->c[i];
	}
	if (a->bin >= 0)
		agg_hist_add(&h, a->bin, sign_a, sign_a * a->handling);
	if (b && b->bin >= 0)
		agg_hist_add(&h, b->bin, sign_b, sign_b * b->handling);
	row.hist = agg_hist_encode(&h, &row.hist_len);
	rc = st->ops->agg_cell_put(st, &row, err);
	free(row.hist);
	agg_hist_release(&h);
	return rc;
}

int agg_on_change(struct store *st, const struct msg *before, const struct msg *after,
		  int64_t now, struct err *err)
{
	struct agg_contrib b, a;
	struct agg_key kb, ka;
	int rc, dim;

	(void)now;
	memset(&b, 0, sizeof(b));
	memset(&a, 0, sizeof(a));
	if (before && (rc = agg_contrib(before, &b, err)) < 0)
		return rc;
	if (after && (rc = agg_contrib(after, &a, err)) < 0)
		return rc;
	for (dim = 0; dim < AGG_DIM_COUNT; dim++) {
		kb = contrib_key(&b, dim);
		ka = contrib_key(&a, dim);
		if (b.referred && a.referred && key_eq(&kb, &ka)) {
			if (contrib_same(&a, &b))
				continue;
			rc = cell_apply(st, &ka, &a, 1, &b, -1, err);
		} else {
			rc = 0;
			if (b.referred)
				rc = cell_apply(st, &kb, &b, -1, NULL, 0, err);
			if (rc == 0 && a.referred)
				rc = cell_apply(st, &ka, &a, 1, NULL, 0, err);
		}
		if (rc < 0)
			return rc;
	}
	for (dim = 0; dim < AGG_DIM_COUNT; dim++) {
		struct agg_open ob = open_key(&b, dim, -1), oa = open_key(&a, dim, 1);

		if (b.open && a.open && open_eq(&ob, &oa))
			continue;
		if (b.open && (rc = st->ops->agg_open_add(st, &ob, err)) < 0)
			return rc;
		if (a.open && (rc = st->ops->agg_open_add(st, &oa, err)) < 0)
			return rc;
	}
	return 0;
}

/* ---- the in-memory tally ---- */

struct tcell {
	bool used, seen;
	struct agg_key k;
	int64_t c[AGG_NCOUNTERS];
	struct agg_hist h;
};

struct topen {
	bool used, seen;
	struct agg_open o;
};

struct agg_tally {
	struct tcell *cells;
	size_t ncells, capcells;	/* capacity a power of two */
	struct topen *opens;
	size_t nopens, capopens;
};

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

static uint64_t open_hash(const struct agg_open *o)
{
	return mix(mix(mix(mix(2, (uint64_t)o->dim), (uint64_t)o->unit), (uint64_t)o->due_day),
		   (uint64_t)o->key);
}

struct agg_tally *agg_tally_new(void)
{
	struct agg_tally *t = xcalloc(1, sizeof(*t));

	t->capcells = 1024;
	t->cells = xcalloc(t->capcells, sizeof(*t->cells));
	t->capopens = 256;
	t->opens = xcalloc(t->capopens, sizeof(*t->opens));
	return t;
}

void agg_tally_free(struct agg_tally *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->capcells; i++)
		agg_hist_release(&t->cells[i].h);
	free(t->cells);
	free(t->opens);
	free(t);
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

static struct topen *open_find(struct agg_tally *t, const struct agg_open *o, bool create)
{
	size_t mask, i;

	if (create && (t->nopens + 1) * 2 > t->capopens) {
		struct topen *old = t->opens;
		size_t oldcap = t->capopens, j;

		t->capopens *= 2;
		t->opens = xcalloc(t->capopens, sizeof(*t->opens));
		mask = t->capopens - 1;
		for (j = 0; j < oldcap; j++) {
			if (!old[j].used)
				continue;
			i = open_hash(&old[j].o) & mask;
			while (t->opens[i].used)
				i = (i + 1) & mask;
			t->opens[i] = old[j];
		}
		free(old);
	}
	mask = t->capopens - 1;
	i = open_hash(o) & mask;
	while (t->opens[i].used) {
		if (open_eq(&t->opens[i].o, o))
			return &t->opens[i];
		i = (i + 1) & mask;
	}
	if (!create)
		return NULL;
	t->opens[i].used = true;
	t->opens[i].o = *o;
	t->opens[i].o.n = 0;
	t->nopens++;
	return &t->opens[i];
}

void agg_tally_add_contrib(struct agg_tally *t, const struct agg_contrib *ct, int sign)
{
	struct agg_key k;
	struct tcell *c;
	struct topen *o;
	int dim, i;

	if (ct->referred) {
		for (dim = 0; dim < AGG_DIM_COUNT; dim++) {
			k = contrib_key(ct, dim);
			c = cell_find(t, &k, true);
			for (i = 0; i < AGG_NCOUNTERS; i++)
				c->c[i] += sign * ct->c[i];
			if (ct->bin >= 0)
				agg_hist_add(&c->h, ct->bin, sign, sign * ct->handling);
		}
	}
	for (dim = 0; ct->open && dim < AGG_DIM_COUNT; dim++) {
		struct agg_open ok = open_key(ct, dim, 0);

		o = open_find(t, &ok, true);
		o->o.n += sign;
	}
}

int agg_tally_add_msg(struct agg_tally *t, const struct msg *m, int sign, struct err *err)
{
	struct agg_contrib ct;
	int rc = agg_contrib(m, &ct, err);

	if (rc < 0)
		return rc;
	agg_tally_add_contrib(t, &ct, sign);
	return 0;
}

static bool cell_zero(const struct tcell *c)
{
	int i;

	for (i = 0; i < AGG_NCOUNTERS; i++)
		if (c->c[i])
			return false;
	return c->h.n == 0;
}

int agg_tally_write(struct agg_tally *t, struct store *st, struct err *err)
{
	struct agg_row row;
	size_t i;
	int rc;

	for (i = 0; i < t->capcells; i++) {
		struct tcell *c = &t->cells[i];

		if (!c->used || cell_zero(c))
			continue;
		row.k = c->k;
		memcpy(row.c, c->c, sizeof(row.c));
		row.hist = agg_hist_encode(&c->h, &row.hist_len);
		rc = st->ops->agg_cell_put(st, &row, err);
		free(row.hist);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < t->capopens; i++) {
		if (!t->opens[i].used || t->opens[i].o.n == 0)
			continue;
		rc = st->ops->agg_open_add(st, &t->opens[i].o, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- verify and rebuild ---- */

#define VERIFY_PAGE 1000
#define VERIFY_REPORT_MAX 100

struct verify_ctx {
	struct agg_tally *t;
	struct agg_verify_result *res;
	void (*report)(const char *line, void *arg);
	void *arg;
};

static void differ(struct verify_ctx *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void differ(struct verify_ctx *v, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	v->res->differences++;
	if (!v->report || v->res->differences > VERIFY_REPORT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	v->report(line, v->arg);
}

static const char *const counter_names[AGG_NCOUNTERS] = {
	"referred", "answered", "on_time", "handling_sum", "evaluated", "acceptable",
	"verdict_accept", "verdict_object", "returns", "rereferrals", "reopens",
};

static int verify_cell(const struct agg_row *r, void *arg)
{
	struct verify_ctx *v = arg;
	struct tcell *c = cell_find(v->t, &r->k, false);
	struct agg_hist h = { 0 };
	int i;
	size_t j;
	bool same;

	if (agg_hist_decode_add(&h, r->hist, r->hist_len, 1) < 0) {
		differ(v, "cell dim %d unit %lld day %lld key %lld: damaged histogram", r->k.dim,
		       (long long)r->k.unit, (long long)r->k.day, (long long)r->k.key);
		agg_hist_release(&h);
		return 0;
	}
	if (!c) {
		differ(v, "cell dim %d unit %lld day %lld key %lld: stored (referred %lld) "
		       "but no message makes it", r->k.dim, (long long)r->k.unit,
		       (long long)r->k.day, (long long)r->k.key, (long long)r->c[AGG_REFERRED]);
		agg_hist_release(&h);
		return 0;
	}
	c->seen = true;
	for (i = 0; i < AGG_NCOUNTERS; i++) {
		if (r->c[i] != c->c[i])
			differ(v, "cell dim %d unit %lld day %lld key %lld: %s stored %lld, "
			       "recount %lld", r->k.dim, (long long)r->k.unit, (long long)r->k.day,
			       (long long)r->k.key, counter_names[i], (long long)r->c[i],
			       (long long)c->c[i]);
	}
	same = h.n == c->h.n;
	for (j = 0; same && j < h.n; j++)
		same = h.v[j].bin == c->h.v[j].bin && h.v[j].count == c->h.v[j].count &&
		       h.v[j].sum == c->h.v[j].sum;
	if (!same)
		differ(v, "cell dim %d unit %lld day %lld key %lld: handling-time histogram "
		       "differs", r->k.dim, (long long)r->k.unit, (long long)r->k.day,
		       (long long)r->k.key);
	agg_hist_release(&h);
	return 0;
}

static int verify_open(const struct agg_open *o, void *arg)
{
	struct verify_ctx *v = arg;
	struct topen *t = open_find(v->t, o, false);

	if (t)
		t->seen = true;
	if (!t || t->o.n != o->n)
		differ(v, "backlog dim %d unit %lld due day %lld key %lld: stored %lld, "
		       "recount %lld", o->dim, (long long)o->unit, (long long)o->due_day,
		       (long long)o->key, (long long)o->n, (long long)(t ? t->o.n : 0));
	return 0;
}

static int recount(struct store *st, struct agg_tally *t, size_t *messages, struct err *err)
{
	int64_t after = 0;
	struct msg *list;
	size_t n, i;
	int rc;

	for (;;) {
		rc = st->ops->msg_scan(st, after, VERIFY_PAGE, &list, &n, err);
		if (rc < 0)
			return rc;
		for (i = 0; i < n && rc == 0; i++)
			rc = agg_tally_add_msg(t, &list[i], 1, err);
		if (n)
			after = list[n - 1].id;
		free(list);
		if (rc < 0)
			return rc;
		*messages += n;
		if (n < VERIFY_PAGE)
			return 0;
	}
}

int agg_verify(struct store *st, struct agg_verify_result *res,
	       void (*report)(const char *line, void *arg), void *arg, struct err *err)
{
	struct verify_ctx v;
	size_t i;
	int rc, dim;

	memset(res, 0, sizeof(*res));
	v.t = agg_tally_new();
	v.res = res;
	v.report = report;
	v.arg = arg;
	/* hold the writer lock so the recount and the tables are one moment */
	rc = st->ops->begin(st, err);
	if (rc < 0)
		goto out;
	rc = recount(st, v.t, &res->messages, err);
	for (dim = 0; rc == 0 && dim < AGG_DIM_COUNT; dim++)
		rc = st->ops->agg_cell_scan(st, dim, 0, INT64_MIN, INT64_MAX, verify_cell, &v, err);
	for (dim = 0; rc == 0 && dim < AGG_DIM_COUNT; dim++)
		rc = st->ops->agg_open_scan(st, dim, 0, INT64_MIN, INT64_MAX, verify_open, &v, err);
	st->ops->rollback(st);
	if (rc < 0)
		goto out;
	for (i = 0; i < v.t->capcells; i++) {
		struct tcell *c = &v.t->cells[i];

		if (!c->used || cell_zero(c))
			continue;
		res->cells++;
		if (!c->seen)
			differ(&v, "cell dim %d unit %lld day %lld key %lld: missing (recount "
			       "referred %lld)", c->k.dim, (long long)c->k.unit, (long long)c->k.day,
			       (long long)c->k.key, (long long)c->c[AGG_REFERRED]);
	}
	for (i = 0; i < v.t->capopens; i++) {
		struct topen *o = &v.t->opens[i];

		if (!o->used || o->o.n == 0)
			continue;
		res->backlog++;
		if (!o->seen)
			differ(&v, "backlog dim %d unit %lld due day %lld key %lld: missing "
			       "(recount %lld)", o->o.dim, (long long)o->o.unit,
			       (long long)o->o.due_day, (long long)o->o.key, (long long)o->o.n);
	}
out:
	agg_tally_free(v.t);
	return rc;
}

int agg_rebuild(struct store *st, struct agg_verify_result *res, struct err *err)
{
	struct agg_tally *t = agg_tally_new();
	int rc;

	memset(res, 0, sizeof(*res));
	rc = st->ops->begin(st, err);
	if (rc < 0)
		goto out;
	rc = st->ops->agg_clear(st, err);
	if (rc == 0)
		rc = recount(st, t, &res->messages, err);
	if (rc == 0)
		rc = agg_tally_write(t, st, err);
	if (rc == 0)
		rc = st->ops->commit(st, err);
	if (rc < 0)
		st->ops->rollback(st);
	res->cells = t->ncells;
	res->backlog = t->nopens;
out:
	agg_tally_free(t);
	return rc;
}
