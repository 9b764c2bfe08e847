/*
 * agg_recount.c - the recount of every aggregate from the messages'
 * histories (core/agg.h: agg_verify, agg_rebuild) in memory that does not
 * grow with the database.
 *
 * The messages are replayed in id order a range at a time into a tally
 * (agg_tally_add_msg, the replay the transition hook applies); each range's
 * sums go, sorted by key, to a temporary file (a run: its cells, then its
 * pairs).  Merging the runs yields every cell and pair row of the recount
 * once, summed over the ranges, in the order the store's scans return the
 * tables: --rebuild writes that stream into the emptied tables, --verify
 * walks it beside the stored rows (a merge join).  Either holds one range's
 * tally, then a read buffer and a head row a run; past CAP_AGG_RUNS runs
 * the runs so far are merged into one on the way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/varint.h"
#include "core/agg.h"
#include "core/agg_int.h"
#include "core/msg.h"
#include "store/store.h"

/* ---- the recount by ranges ---- */

/* A test's setting n (1 up), else dflt. */
static size_t test_setting(const char *name, size_t dflt)
{
	const char *v = getenv(name);
	int64_t n;

	if (v && num_parse(v, 1, INT32_MAX, &n) == 0)
		return (size_t)n;
	return dflt;
}

/* Messages in one range: HAMGAN_TEST_AGG_RANGE (tests force many ranges
 * with it), else no limit but the tally's size. */
static size_t range_messages(void)
{
	return test_setting("HAMGAN_TEST_AGG_RANGE", SIZE_MAX);
}

/* Runs waiting before they are merged into one: HAMGAN_TEST_AGG_RUNS
 * (tests), else CAP_AGG_RUNS. */
static size_t max_runs(void)
{
	return test_setting("HAMGAN_TEST_AGG_RUNS", CAP_AGG_RUNS);
}

/* Every message's contribution, a range at a time: a range ends when the
 * tally holds CAP_AGG_RANGE_ROWS cells and pair rows (or
 * HAMGAN_TEST_AGG_RANGE messages); flush takes its sums and t starts
 * empty again. */
static int recount(struct store *st, struct agg_tally *t,
		   int (*flush)(struct agg_tally *t, void *arg, struct err *err), void *arg,
		   const struct progress *prog, size_t *messages, struct err *err)
{
	size_t limit = range_messages(), in_range = 0, n, i;
	int64_t after = 0, total = 0;
	struct store_search all;
	struct msg *list;
	bool partial;
	int rc = 0, last = -1;

	if (prog && prog->fn) {
		memset(&all, 0, sizeof(all));
		all.state = all.kind = all.channel = -1;	/* any */
		rc = st->ops->msg_count(st, &all, INT64_MAX, 0, &total, &partial, err);
		if (rc < 0)
			return rc;
		progress_step(prog, 0, total, &last, "aggregates: recount");
	}
	for (;;) {
		rc = st->ops->msg_scan(st, after, CAP_AGG_VERIFY_PAGE, &list, &n, err);
		if (rc < 0)
			return rc;
		for (i = 0; i < n && rc == 0; i++) {
			rc = agg_tally_add_msg(t, st, &list[i], 1, err);
			if (rc == 0 && (++in_range >= limit ||
					t->ncells + t->npairs >= CAP_AGG_RANGE_ROWS)) {
				rc = flush(t, arg, err);
				agg_tally_clear(t);
				in_range = 0;
			}
		}
		if (n)
			after = list[n - 1].id;
		free(list);
		if (rc < 0)
			return rc;
		*messages += n;
		progress_step(prog, (int64_t)*messages, total, &last, "aggregates: recount");
		if (n < CAP_AGG_VERIFY_PAGE)
			break;
	}
	if (in_range)
		rc = flush(t, arg, err);
	agg_tally_clear(t);
	return rc;
}

/* ---- keys in the store's scan order ---- */

int agg_key_cmp(const struct agg_key *x, const struct agg_key *y)
{
	if (x->dim != y->dim)
		return AGG_CMP3(x->dim, y->dim);
	if (x->unit != y->unit)
		return AGG_CMP3(x->unit, y->unit);
	if (x->day != y->day)
		return AGG_CMP3(x->day, y->day);
	return AGG_CMP3(x->key, y->key);
}

/* agg_pair_scan's, called a dimension and a kind at a time: dim, kind,
 * then unit, day, key, day2 (n is no part of the key). */
static int cmp_pkey(const struct agg_pair *x, const struct agg_pair *y)
{
	if (x->dim != y->dim)
		return AGG_CMP3(x->dim, y->dim);
	if (x->kind != y->kind)
		return AGG_CMP3(x->kind, y->kind);
	if (x->unit != y->unit)
		return AGG_CMP3(x->unit, y->unit);
	if (x->day != y->day)
		return AGG_CMP3(x->day, y->day);
	if (x->key != y->key)
		return AGG_CMP3(x->key, y->key);
	return AGG_CMP3(x->day2, y->day2);
}

/* A cell to spill: its key beside it, so the sort reads one array. */
struct spill_cell {
	struct agg_key k;
	const struct tcell *c;
};

static int cmp_spill_cell(const void *a, const void *b)
{
	return agg_key_cmp(&((const struct spill_cell *)a)->k, &((const struct spill_cell *)b)->k);
}

static int cmp_pair(const void *a, const void *b)
{
	return cmp_pkey(a, b);
}

/* ---- runs: a range's sums on temporary files ---- */

enum { RUN_CELLS = 0, RUN_PAIRS = 1 };

/* A run: its cells, then its pairs, on one file. */
struct run {
	FILE *f;
	off_t pairs_at;
	size_t n[2];		/* cells, pairs */
};

struct runs {
	struct run *v;
	size_t n, cap;
};

/* A cell on file: this, then clen bytes of counters (varints) and hlen of
 * histogram (agg_hist_encode). */
struct cell_rec {
	struct agg_key k;
	uint16_t clen, hlen;
};

static void runs_release(struct runs *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		fclose(rs->v[i].f);
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

/* An anonymous file in $TMPDIR (else /tmp), gone when closed. */
static FILE *temp_file(struct err *err)
{
	const char *dir = getenv("TMPDIR");
	char path[1024];
	FILE *f;
	int fd, n;

	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(path, sizeof(path), "%s/hamgan-recount.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		err_set(err, ERR_IO, "", "the temporary directory's name is too long");
		return NULL;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		err_set(err, ERR_IO, "", "cannot make a temporary file in '%s'", dir);
		return NULL;
	}
	unlink(path);
	f = fdopen(fd, "w+b");
	if (!f) {
		close(fd);
		err_set(err, ERR_IO, "", "cannot open a temporary file in '%s'", dir);
	}
	return f;
}

static void write_cell(FILE *f, const struct agg_key *k, const int64_t *c,
		       const unsigned char *hist, size_t hlen)
{
	unsigned char cb[AGG_NCOUNTERS * 10];
	struct cell_rec rec;

	memset(&rec, 0, sizeof(rec));
	rec.k = *k;
	rec.clen = (uint16_t)varint_encode_i64s(c, AGG_NCOUNTERS, cb);
	rec.hlen = (uint16_t)hlen;	/* at most AGG_BINS * 30 bytes */
	fwrite(&rec, sizeof(rec), 1, f);
	fwrite(cb, 1, rec.clen, f);
	if (hlen)
		fwrite(hist, 1, hlen, f);
}

/* Check what went to r's file and add r to the runs (r's file closed on
 * failure). */
static int run_add(struct runs *rs, struct run *r, struct err *err)
{
	if (fflush(r->f) != 0 || ferror(r->f)) {
		fclose(r->f);
		return err_set(err, ERR_IO, "", "cannot write the recount's temporary file "
			       "(is the temporary directory full?)");
	}
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 8;
		rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	rs->v[rs->n++] = *r;
	return 0;
}

/* ---- merging the runs ---- */

/* A run's next row. */
struct head {
	size_t left;		/* rows of the run not read yet */
	struct agg_key k;
	int64_t c[AGG_NCOUNTERS];
	unsigned char *hist;
	size_t hlen, hcap;
	struct agg_pair p;
};

/* The runs' cells (or pairs) in key order, each key once with its sums:
 * after merge_next, has says whether there is a row, in k/c/hist (cells;
 * the histogram encoded, as stored) or p (pairs).  A cell only one run
 * holds (most of them) passes its histogram through undecoded. */
struct merge {
	struct runs *rs;
	int which;		/* RUN_CELLS or RUN_PAIRS */
	struct head *heads;
	size_t *heap, nheap;	/* runs with a row, a binary heap by head key */
	bool has;
	struct agg_key k;
	int64_t c[AGG_NCOUNTERS];
	unsigned char *hist;
	size_t hlen, hcap;
	struct agg_hist h;	/* the sum, when two runs or more hold the cell */
	struct agg_pair p;
	size_t rows;		/* rows yielded */
};

static int damaged_run(struct err *err)
{
	return err_set(err, ERR_IO, "", "the recount's temporary file reads back wrong");
}

/* 1 with run i's next row in its head, 0 at its end, or ERR_IO. */
static int read_head(struct merge *m, size_t i, struct err *err)
{
	FILE *f = m->rs->v[i].f;
	struct head *h = &m->heads[i];
	unsigned char cb[AGG_NCOUNTERS * 10];
	struct cell_rec rec;

	if (!h->left)
		return 0;
	h->left--;
	if (m->which == RUN_PAIRS) {
		return fread(&h->p, sizeof(h->p), 1, f) == 1 ? 1 : damaged_run(err);
	}
	if (fread(&rec, sizeof(rec), 1, f) != 1)
		return damaged_run(err);
	if (rec.clen > sizeof(cb) || fread(cb, 1, rec.clen, f) != rec.clen ||
	    varint_decode_i64s(cb, rec.clen, h->c, AGG_NCOUNTERS) < 0)
		return damaged_run(err);
	if (rec.hlen > h->hcap) {
		h->hcap = rec.hlen;
		h->hist = xrealloc(h->hist, h->hcap);
	}
	if (fread(h->hist, 1, rec.hlen, f) != rec.hlen)
		return damaged_run(err);
	h->hlen = rec.hlen;
	h->k = rec.k;
	return 1;
}

static int head_cmp(const struct merge *m, size_t a, size_t b)
{
	if (m->which == RUN_PAIRS)
		return cmp_pkey(&m->heads[a].p, &m->heads[b].p);
	return agg_key_cmp(&m->heads[a].k, &m->heads[b].k);
}

static void sift_down(struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i, tmp;

		if (l < m->nheap && head_cmp(m, m->heap[l], m->heap[min]) < 0)
			min = l;
		if (r < m->nheap && head_cmp(m, m->heap[r], m->heap[min]) < 0)
			min = r;
		if (min == i)
			return;
		tmp = m->heap[i];
		m->heap[i] = m->heap[min];
		m->heap[min] = tmp;
		i = min;
	}
}

static void sift_up(struct merge *m, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2, tmp;

		if (head_cmp(m, m->heap[i], m->heap[parent]) >= 0)
			return;
		tmp = m->heap[i];
		m->heap[i] = m->heap[parent];
		m->heap[parent] = tmp;
		i = parent;
	}
}

static void merge_release(struct merge *m)
{
	size_t i;

	for (i = 0; m->heads && i < m->rs->n; i++)
		free(m->heads[i].hist);
	free(m->heads);
	free(m->heap);
	free(m->hist);
	agg_hist_release(&m->h);
	memset(m, 0, sizeof(*m));
}

/* Start merging the runs' cells or pairs. */
static int merge_open(struct merge *m, struct runs *rs, int which, struct err *err)
{
	size_t i;
	int rc;

	memset(m, 0, sizeof(*m));
	m->rs = rs;
	m->which = which;
	m->heads = xcalloc(rs->n ? rs->n : 1, sizeof(*m->heads));
	m->heap = xcalloc(rs->n ? rs->n : 1, sizeof(*m->heap));
	for (i = 0; i < rs->n; i++) {
		m->heads[i].left = rs->v[i].n[which];
		if (fseeko(rs->v[i].f, which == RUN_CELLS ? 0 : rs->v[i].pairs_at, SEEK_SET) != 0)
			return damaged_run(err);
		rc = read_head(m, i, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		m->heap[m->nheap++] = i;
		sift_up(m, m->nheap - 1);
	}
	return 0;
}

/* Whether the top run's head holds the row being summed. */
static bool top_is_current(const struct merge *m)
{
	const struct head *h = &m->heads[m->heap[0]];

	if (m->which == RUN_PAIRS)
		return cmp_pkey(&h->p, &m->p) == 0;
	return agg_key_cmp(&h->k, &m->k) == 0;
}

static bool current_zero(const struct merge *m)
{
	int i;

	if (m->which == RUN_PAIRS)
		return m->p.n == 0;
	for (i = 0; i < AGG_NCOUNTERS; i++)
		if (m->c[i])
			return false;
	return m->hlen == 0;
}

static void set_hist(struct merge *m, const unsigned char *p, size_t len)
{
	if (len > m->hcap) {
		m->hcap = len;
		m->hist = xrealloc(m->hist, m->hcap);
	}
	if (len)
		memcpy(m->hist, p, len);
	m->hlen = len;
}

/* The next row (m->has false past the last): the sum of the runs' rows of
 * the smallest key left.  0 or ERR_IO. */
static int merge_next(struct merge *m, struct err *err)
{
	unsigned char *enc;
	size_t runs;
	int rc, j;

	for (;;) {
		if (!m->nheap) {
			m->has = false;
			return 0;
		}
		if (m->which == RUN_PAIRS) {
			m->p = m->heads[m->heap[0]].p;
			m->p.n = 0;
		} else {
			m->k = m->heads[m->heap[0]].k;
			memset(m->c, 0, sizeof(m->c));
		}
		for (runs = 0; m->nheap && top_is_current(m); runs++) {
			size_t i = m->heap[0];
			struct head *h = &m->heads[i];

			if (m->which == RUN_PAIRS) {
				m->p.n += h->p.n;
			} else {
				for (j = 0; j < AGG_NCOUNTERS; j++)
					m->c[j] += h->c[j];
				if (runs == 0) {
					set_hist(m, h->hist, h->hlen);
				} else {
					if (runs == 1) {
						m->h.n = 0;
						if (agg_hist_decode_add(&m->h, m->hist, m->hlen, 1) < 0)
							return damaged_run(err);
					}
					if (agg_hist_decode_add(&m->h, h->hist, h->hlen, 1) < 0)
						return damaged_run(err);
				}
			}
			rc = read_head(m, i, err);
			if (rc < 0)
				return rc;
			if (rc == 0)
				m->heap[0] = m->heap[--m->nheap];
			sift_down(m, 0);
		}
		if (m->which == RUN_CELLS && runs > 1) {
			enc = agg_hist_encode(&m->h, &m->hlen);
			set_hist(m, enc, m->hlen);
			free(enc);
		}
		if (!current_zero(m)) {
			m->has = true;
			m->rows++;
			return 0;
		}
	}
}

/* ---- a range's sums as a run ---- */

/* Write the merge of every run so far as one run, in their place: the
 * runs, and the files open, stay at most CAP_AGG_RUNS (max_runs). */
static int runs_compact(struct runs *rs, struct err *err)
{
	struct run r;
	struct merge m;
	int rc;

	memset(&r, 0, sizeof(r));
	r.f = temp_file(err);
	if (!r.f)
		return ERR_IO;
	rc = merge_open(&m, rs, RUN_CELLS, err);
	if (rc == 0)
		rc = merge_next(&m, err);
	while (rc == 0 && m.has) {
		write_cell(r.f, &m.k, m.c, m.hist, m.hlen);
		rc = merge_next(&m, err);
	}
	r.n[RUN_CELLS] = m.rows;
	merge_release(&m);
	r.pairs_at = ftello(r.f);
	if (rc == 0)
		rc = merge_open(&m, rs, RUN_PAIRS, err);
	if (rc == 0)
		rc = merge_next(&m, err);
	while (rc == 0 && m.has) {
		fwrite(&m.p, sizeof(m.p), 1, r.f);
		rc = merge_next(&m, err);
	}
	r.n[RUN_PAIRS] = m.rows;
	merge_release(&m);
	if (rc < 0) {
		fclose(r.f);
		return rc;
	}
	runs_release(rs);
	return run_add(rs, &r, err);
}

/* The recount's flush: t's non-zero cells and pairs, sorted, as a new run. */
static int spill(struct agg_tally *t, void *arg, struct err *err)
{
	struct runs *rs = arg;
	struct run r;
	struct spill_cell *cells = xcalloc(t->ncells ? t->ncells : 1, sizeof(*cells));
	struct agg_pair *pairs = xcalloc(t->npairs ? t->npairs : 1, sizeof(*pairs));
	unsigned char *hist;
	size_t i, nc = 0, np = 0, hlen;
	int rc = 0;

	for (i = 0; i < t->capcells && nc < t->ncells; i++) {
		if (t->cells[i].used && !agg_cell_zero(&t->cells[i])) {
			cells[nc].k = t->cells[i].k;
			cells[nc++].c = &t->cells[i];
		}
	}
	for (i = 0; i < t->cappairs && np < t->npairs; i++)
		if (t->pairs[i].used && t->pairs[i].p.n != 0)
			pairs[np++] = t->pairs[i].p;
	qsort(cells, nc, sizeof(*cells), cmp_spill_cell);
	qsort(pairs, np, sizeof(*pairs), cmp_pair);
	memset(&r, 0, sizeof(r));
	r.f = temp_file(err);
	if (!r.f) {
		rc = ERR_IO;
		goto out;
	}
	for (i = 0; i < nc; i++) {
		hist = agg_hist_encode(&cells[i].c->h, &hlen);
		write_cell(r.f, &cells[i].k, cells[i].c->c, hist, hlen);
		free(hist);
	}
	r.pairs_at = ftello(r.f);
	if (np)
		fwrite(pairs, sizeof(*pairs), np, r.f);
	r.n[RUN_CELLS] = nc;
	r.n[RUN_PAIRS] = np;
	rc = run_add(rs, &r, err);
	if (rc == 0 && rs->n >= max_runs())
		rc = runs_compact(rs, err);
out:
	free(cells);
	free(pairs);
	return rc;
}

/* ---- verify: the merged recount beside the stored rows ---- */

#define LINE_MAX_LEN 512

struct verify_ctx {
	struct merge m;
	struct agg_verify_result *res;
	void (*report)(const char *line, void *arg);
	void *arg;
	struct err *err;
	/* rows of the recount with no stored row: described after the stored
	 * rows' differences (cells, then pairs), the first ones kept here */
	char (*held)[CAP_AGG_VERIFY_SHOWN][LINE_MAX_LEN];
	size_t nheld[2], missing[2];
};

static void differ(struct verify_ctx *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void differ(struct verify_ctx *v, const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	va_list ap;

	v->res->differences++;
	if (!v->report || v->res->differences > CAP_AGG_VERIFY_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	v->report(line, v->arg);
}

static void missing(struct verify_ctx *v, int which, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void missing(struct verify_ctx *v, int which, const char *fmt, ...)
{
	va_list ap;

	v->missing[which]++;
	if (v->nheld[which] == CAP_AGG_VERIFY_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(v->held[which][v->nheld[which]++], LINE_MAX_LEN, fmt, ap);
	va_end(ap);
}

static const char *const counter_names[AGG_NCOUNTERS] = {
	"referred", "reentries", "internal", "answers", "handling_sum", "transferred_out",
	"returns", "handoff_sum", "reopens", "obligations", "late", "verdict_accept",
	"verdict_object", "grade_ok", "grade_bad", "objected",
};

/* The recount's current cell has no stored row; on to the next. */
static int cell_missing(struct verify_ctx *v)
{
	const struct merge *m = &v->m;

	missing(v, RUN_CELLS, "cell dim %d unit %lld day %lld key %lld: missing (recount "
		"referred %lld)", m->k.dim, (long long)m->k.unit, (long long)m->k.day,
		(long long)m->k.key, (long long)m->c[AGG_REFERRED]);
	return merge_next(&v->m, v->err);
}

static int pair_missing(struct verify_ctx *v)
{
	const struct agg_pair *p = &v->m.p;

	missing(v, RUN_PAIRS, "pair dim %d unit %lld kind %d day %lld day2 %lld key %lld: "
		"missing (recount %lld)", p->dim, (long long)p->unit, p->kind, (long long)p->day,
		(long long)p->day2, (long long)p->key, (long long)p->n);
	return merge_next(&v->m, v->err);
}

/* Whether stored histogram a (valid) holds what the recount's encoded one
 * does: the same bytes (both written by agg_hist_encode), else the same
 * bins once decoded. */
static bool same_hist(const struct agg_hist *a, const unsigned char *p, size_t len)
{
	struct agg_hist b = { 0 };
	bool same;
	size_t j;

	if (agg_hist_decode_add(&b, p, len, 1) < 0)
		return false;
	same = a->n == b.n;
	for (j = 0; same && j < a->n; j++)
		same = a->v[j].bin == b.v[j].bin && a->v[j].count == b.v[j].count &&
		       a->v[j].sum == b.v[j].sum;
	agg_hist_release(&b);
	return same;
}

/* A stored cell, beside the recount's cells of smaller keys (missing) and
 * of its own key.  A damaged histogram matches nothing: the recount's cell
 * is missing. */
static int verify_cell(const struct agg_row *r, void *arg)
{
	struct verify_ctx *v = arg;
	const struct merge *m = &v->m;
	struct agg_hist h = { 0 };
	bool bytes, damaged;
	int rc = 0, i;

	while (rc == 0 && m->has && agg_key_cmp(&m->k, &r->k) < 0)
		rc = cell_missing(v);
	if (rc < 0)
		return rc;
	bytes = m->has && agg_key_cmp(&m->k, &r->k) == 0 && r->hist_len == m->hlen &&
		(!m->hlen || memcmp(r->hist, m->hist, m->hlen) == 0);
	damaged = !bytes && agg_hist_decode_add(&h, r->hist, r->hist_len, 1) < 0;
	if (damaged)
		differ(v, "cell dim %d unit %lld day %lld key %lld: damaged histogram", r->k.dim,
		       (long long)r->k.unit, (long long)r->k.day, (long long)r->k.key);
	if (!m->has || agg_key_cmp(&m->k, &r->k) != 0) {
		if (!damaged)
			differ(v, "cell dim %d unit %lld day %lld key %lld: stored (referred %lld) "
			       "but no message makes it", r->k.dim, (long long)r->k.unit,
			       (long long)r->k.day, (long long)r->k.key,
			       (long long)r->c[AGG_REFERRED]);
		agg_hist_release(&h);
		return 0;
	}
	if (damaged) {
		agg_hist_release(&h);
		return cell_missing(v);
	}
	for (i = 0; i < AGG_NCOUNTERS; i++) {
		if (r->c[i] != m->c[i])
			differ(v, "cell dim %d unit %lld day %lld key %lld: %s stored %lld, "
			       "recount %lld", r->k.dim, (long long)r->k.unit, (long long)r->k.day,
			       (long long)r->k.key, counter_names[i], (long long)r->c[i],
			       (long long)m->c[i]);
	}
	if (!bytes && !same_hist(&h, m->hist, m->hlen))
		differ(v, "cell dim %d unit %lld day %lld key %lld: handling-time histogram "
		       "differs", r->k.dim, (long long)r->k.unit, (long long)r->k.day,
		       (long long)r->k.key);
	agg_hist_release(&h);
	return merge_next(&v->m, v->err);
}

static int verify_pair(const struct agg_pair *p, void *arg)
{
	struct verify_ctx *v = arg;
	bool made = false;
	int64_t n = 0;
	int rc = 0;

	while (rc == 0 && v->m.has && cmp_pkey(&v->m.p, p) < 0)
		rc = pair_missing(v);
	if (rc < 0)
		return rc;
	if (v->m.has && cmp_pkey(&v->m.p, p) == 0) {
		made = true;
		n = v->m.p.n;
		rc = merge_next(&v->m, v->err);
	}
	if (!made || n != p->n)
		differ(v, "pair dim %d unit %lld kind %d day %lld day2 %lld key %lld: stored "
		       "%lld, recount %lld", p->dim, (long long)p->unit, p->kind,
		       (long long)p->day, (long long)p->day2, (long long)p->key,
		       (long long)p->n, (long long)n);
	return rc;
}

/* Walk the stored cells, then pairs, beside the merged recount. */
static int verify_join(struct store *st, struct verify_ctx *v, struct runs *rs)
{
	int rc, dim, kind;

	rc = merge_open(&v->m, rs, RUN_CELLS, v->err);
	if (rc == 0)
		rc = merge_next(&v->m, v->err);
	for (dim = 0; rc == 0 && dim < AGG_DIM_COUNT; dim++) {
		rc = st->ops->agg_cell_scan(st, dim, 0, INT64_MIN, INT64_MAX, verify_cell, v,
					    v->err);
		while (rc == 0 && v->m.has && v->m.k.dim <= dim)
			rc = cell_missing(v);
	}
	while (rc == 0 && v->m.has)
		rc = cell_missing(v);
	v->res->cells = v->m.rows;
	merge_release(&v->m);
	if (rc < 0)
		return rc;
	rc = merge_open(&v->m, rs, RUN_PAIRS, v->err);
	if (rc == 0)
		rc = merge_next(&v->m, v->err);
	for (dim = 0; rc == 0 && dim < AGG_DIM_COUNT; dim++) {
		for (kind = 0; rc == 0 && kind < AGG_PAIR_KINDS; kind++) {
			rc = st->ops->agg_pair_scan(st, dim, 0, kind, INT64_MIN, INT64_MAX,
						    INT64_MIN, verify_pair, v, v->err);
			while (rc == 0 && v->m.has && (v->m.p.dim < dim ||
			       (v->m.p.dim == dim && v->m.p.kind <= kind)))
				rc = pair_missing(v);
		}
	}
	while (rc == 0 && v->m.has)
		rc = pair_missing(v);
	v->res->pairs = v->m.rows;
	merge_release(&v->m);
	return rc;
}

int agg_verify(struct store *st, struct agg_verify_result *res,
	       void (*report)(const char *line, void *arg), void *arg,
	       const struct progress *prog, struct err *err)
{
	struct agg_tally *t = agg_tally_new();
	struct runs rs = { 0 };
	struct verify_ctx v;
	size_t i;
	int rc, w;

	memset(res, 0, sizeof(*res));
	memset(&v, 0, sizeof(v));
	v.res = res;
	v.report = report;
	v.arg = arg;
	v.err = err;
	v.held = xcalloc(2, sizeof(*v.held));
	/* hold the writer lock so the recount and the tables are one moment */
	rc = st->ops->begin(st, err);
	if (rc < 0)
		goto out;
	rc = recount(st, t, spill, &rs, prog, &res->messages, err);
	if (rc == 0)
		progress_show(prog, 0, "aggregates: comparing with the tables");
	if (rc == 0)
		rc = verify_join(st, &v, &rs);
	if (rc == 0)
		progress_show(prog, 100, "aggregates: comparing with the tables");
	st->ops->rollback(st);
	if (rc < 0)
		goto out;
	for (w = RUN_CELLS; w <= RUN_PAIRS; w++) {
		for (i = 0; i < v.nheld[w]; i++)
			differ(&v, "%s", v.held[w][i]);
		res->differences += v.missing[w] - v.nheld[w];
	}
out:
	free(v.held);
	runs_release(&rs);
	agg_tally_free(t);
	return rc;
}

/* ---- rebuild: the merged recount into the emptied tables ---- */

static int write_merged(struct store *st, struct runs *rs, struct agg_verify_result *res,
			struct err *err)
{
	static unsigned char empty[1];
	struct merge m;
	struct agg_row row;
	int rc;

	rc = merge_open(&m, rs, RUN_CELLS, err);
	if (rc == 0)
		rc = merge_next(&m, err);
	while (rc == 0 && m.has) {
		row.k = m.k;
		memcpy(row.c, m.c, sizeof(row.c));
		/* an empty histogram is an empty blob, as the hook writes it */
		row.hist = m.hlen ? m.hist : empty;
		row.hist_len = m.hlen;
		rc = st->ops->agg_cell_put(st, &row, err);
		if (rc == 0)
			rc = merge_next(&m, err);
	}
	res->cells = m.rows;
	merge_release(&m);
	if (rc < 0)
		return rc;
	rc = merge_open(&m, rs, RUN_PAIRS, err);
	if (rc == 0)
		rc = merge_next(&m, err);
	while (rc == 0 && m.has) {
		rc = st->ops->agg_pair_add(st, &m.p, err);
		if (rc == 0)
			rc = merge_next(&m, err);
	}
	res->pairs = m.rows;
	merge_release(&m);
	return rc;
}

int agg_rebuild(struct store *st, struct agg_verify_result *res, const struct progress *prog,
		struct err *err)
{
	struct agg_tally *t = agg_tally_new();
	struct runs rs = { 0 };
	int rc;

	memset(res, 0, sizeof(*res));
	rc = st->ops->begin(st, err);
	if (rc < 0)
		goto out;
	rc = st->ops->agg_clear(st, err);
	if (rc == 0)
		rc = recount(st, t, spill, &rs, prog, &res->messages, err);
	if (rc == 0)
		progress_show(prog, 0, "aggregates: writing");
	if (rc == 0)
		rc = write_merged(st, &rs, res, err);
	if (rc == 0)
		progress_show(prog, 100, "aggregates: writing");
	if (rc == 0)
		rc = st->ops->commit(st, err);
	if (rc < 0)
		st->ops->rollback(st);
out:
	runs_release(&rs);
	agg_tally_free(t);
	return rc;
}

int agg_rebuild_if_stale(struct store *st, const struct progress *prog, struct err *err)
{
	struct agg_verify_result res;
	struct msg *first;
	bool stale = false;
	size_t n;
	int rc = st->ops->agg_stale(st, &stale, err);

	if (rc < 0 || !stale)
		return rc;
	/* a new database's migrations mark it stale too: with no message its
	 * recount takes no time, and shows nothing */
	rc = st->ops->msg_scan(st, 0, 1, &first, &n, err);
	if (rc < 0)
		return rc;
	free(first);
	return agg_rebuild(st, &res, n ? prog : NULL, err);
}
