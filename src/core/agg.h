/*
 * agg.h - the hook that keeps report aggregates up to date.
 *
 * Every message change calls agg_on_change inside its store transaction,
 * after the message row, its referral hop and its audit entry are written:
 * before is the message as it was (NULL on registration), after as it is
 * now, now the transition's time.  A non-zero return rolls the whole change
 * back.  The reports module owns agg.c.
 */
#ifndef HAMGAN_CORE_AGG_H
#define HAMGAN_CORE_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/progress.h"
#include "model/agg.h"

struct store;
struct msg;

int agg_on_change(struct store *st, const struct msg *before, const struct msg *after,
		  int64_t now, struct err *err);

/*
 * ---- The aggregates (issue 8; docs/reports.md "How the figures are kept") ----
 *
 * A message's contribution is a function of the message and its history:
 * the hops of its referral chain (refer, transfer, return, reopen) merged in
 * audit order with its answers, citizen verdicts and inspector grades
 * (agg_history).  Replaying that history gives facts about each *scope* that
 * held the message: a unit with its subtree (scope = unit id) and the unit
 * alone (scope = -unit id, the "self" row of --by child; stored only for a
 * unit with child units, agg_scope_stored below).  Each fact lands
 * in the cell of its own day: an entry on the day of the hop, an answer on
 * the day of the answer, an obligation on the day of its deadline, a
 * judgement on the day it was given.  agg_on_change applies
 * contribution(after) - contribution(before); agg_verify recounts the sum
 * of contributions over every message and compares.
 *
 * Two quantities need two days and live in pair rows: a message's first
 * entry into a scope with the day of the scope's first answer after it
 * (answered by as_of), and an obligation's deadline day with the day it
 * ended (overdue at as_of).
 */

/*
 * Which scopes are stored.  A unit without child units holds, alone, the
 * same messages as its subtree: the same facts on the same days, so the
 * alone scope's rows would repeat the subtree's byte for byte.  They are
 * not stored: the replay leaves the alone scope -u of such a unit out of
 * the scopes holding a message, and a reader of -u reads u's rows instead.
 * A unit that gets its first child gets its alone rows then, copied from
 * its subtree's (agg_unit_first_child).  has_children: whether unit
 * |scope| has child units.
 */
static inline bool agg_scope_stored(int64_t scope, bool has_children)
{
	return scope > 0 || has_children;
}

/* The scope whose rows hold scope's figures. */
static inline int64_t agg_scope_read(int64_t scope, bool has_children)
{
	return agg_scope_stored(scope, has_children) ? scope : -scope;
}

/* Unit parent is about to get its first child unit: copy its subtree's
 * cells and pair rows to its alone scope (-parent), which are stored from
 * now on.  Inside the caller's transaction, before the child is inserted. */
int agg_unit_first_child(struct store *st, int64_t parent, struct err *err);

/*
 * Handling-time histogram: 6-minute bins below 10 hours (0..99), then bins
 * 1% wide (bin b >= 100 starts at 36000 * 1.01^(b-100) seconds, rounded
 * down) up to ten years, one bin beyond.  Each bin keeps its count and the
 * sum of its seconds, so a percentile read as the mean of its bin is within
 * max(1%, 6 minutes) of the exact nearest-rank value.
 */
#define AGG_BINS 1013
int agg_bin_of(int64_t seconds);
int64_t agg_bin_lo(int bin);	/* first second of the bin */
int64_t agg_bin_hi(int bin);	/* first second after it (INT64_MAX for the last) */

/* A sparse histogram: bins in increasing order. */
struct agg_bin {
	int bin;
	int64_t count, sum;
};
struct agg_hist {
	struct agg_bin *v;
	size_t n, cap;
};

void agg_hist_release(struct agg_hist *h);
/* Add count/sum to bin (either may be negative); a bin reaching 0/0 goes. */
void agg_hist_add(struct agg_hist *h, int bin, int64_t count, int64_t sum);
/* Decode (ERR_INVALID on a malformed blob) adding into h; encode h into a
 * malloc'd blob. */
int agg_hist_decode_add(struct agg_hist *h, const unsigned char *p, size_t len, int sign);
unsigned char *agg_hist_encode(const struct agg_hist *h, size_t *len);
/* Decode a blob adding into dense arrays count[AGG_BINS], sum[AGG_BINS]
 * (the report's accumulators).  0 or ERR_INVALID. */
int agg_hist_decode_dense(const unsigned char *p, size_t len, int64_t *count, int64_t *sum);

/* Tehran day number of instant t: 0 or ERR_IO / ERR_INVALID. */
int agg_day_of(int64_t t, int64_t *day, struct err *err);
/* The day number of the first day of the Jalali month holding day. */
int64_t agg_month_start(int64_t day);

/*
 * A message's history as the aggregates read it, oldest first.  Hops carry
 * the unit they went to (0 for the centre or a return) and the deadline they
 * set; verdicts and grades whether they were positive.
 */
enum agg_ev { AGG_EV_HOP = 0, AGG_EV_ANSWER, AGG_EV_VERDICT, AGG_EV_GRADE };
struct agg_event {
	enum agg_ev ev;
	int hop;		/* enum hop_kind, for AGG_EV_HOP */
	int64_t unit, deadline, at;
	bool positive;
	size_t step;		/* the transition (0, 1, ...) that made it */
};
/* Read m's history from the store (referral chain merged with the audit
 * entries of its changes).  *out malloc'd; *nsteps (may be NULL) the number
 * of changes, including those that made no event (registration, start,
 * close, reject); the hook relies on the transition's own audit entry being
 * the last.  ERR_TOOBIG past CAP_AGG_STEPS, ERR_STORE when the chain and the
 * audit disagree. */
int agg_history(struct store *st, int64_t msg_id, struct agg_event **out, size_t *n,
		size_t *nsteps, struct err *err);

/*
 * An in-memory sum of contributions (the recount of --verify and --rebuild,
 * the hook's difference, the benchmark generator): a hash of cells and of
 * pair counts.
 */
struct agg_tally;
struct agg_tally *agg_tally_new(void);
void agg_tally_free(struct agg_tally *t);
/* Add sign * contribution of m with its first nev events of ev (a unit
 * cache lives in the tally: units must not move meanwhile). */
int agg_tally_add(struct agg_tally *t, struct store *st, const struct msg *m,
		  const struct agg_event *ev, size_t nev, int sign, struct err *err);
/* The same reading m's history from the store. */
int agg_tally_add_msg(struct agg_tally *t, struct store *st, const struct msg *m, int sign,
		      struct err *err);
size_t agg_tally_cells(const struct agg_tally *t);
/* Add every cell and pair count to the stored rows (the same store ops as
 * the transition hook); the caller holds the transaction. */
int agg_tally_write(struct agg_tally *t, struct store *st, struct err *err);

/* What agg_verify found. */
struct agg_verify_result {
	size_t messages;	/* messages recounted */
	size_t cells, pairs;	/* rows in the recount */
	size_t differences;	/* cells or pair rows that differ */
};
/*
 * The recount of agg_verify and agg_rebuild (agg_recount.c) replays the
 * messages a range at a time (a range ends at CAP_AGG_RANGE_ROWS cells and
 * pair rows, or at HAMGAN_TEST_AGG_RANGE messages when that is set), puts
 * each range's sums sorted on a temporary file in $TMPDIR (else /tmp) and
 * merges them (the files so far into one past CAP_AGG_RUNS of them, or
 * HAMGAN_TEST_AGG_RUNS): its memory is one range's whatever the database's
 * size; ERR_IO when the temporary files cannot be written.
 *
 * Recount every aggregate from the messages and their histories and compare
 * with the stored tables.  Each difference is described to report(line,
 * arg) when given (at most the first CAP_AGG_VERIFY_SHOWN): stored rows
 * that differ or that no message makes in the tables' order, then the
 * recount's cells and pair rows that are not stored.  0 even when there
 * are differences (see result).
 */
int agg_verify(struct store *st, struct agg_verify_result *res,
	       void (*report)(const char *line, void *arg), void *arg,
	       const struct progress *prog, struct err *err);
/* Throw the stored aggregates away and write the recount, in one
 * transaction.  Both show their progress to prog when given (NULL:
 * none): the recount by messages replayed, then the writing or the
 * comparison. */
int agg_rebuild(struct store *st, struct agg_verify_result *res, const struct progress *prog,
		struct err *err);
/* agg_rebuild when a schema migration left the aggregates stale (called
 * when the core opens a database), its progress on prog. */
int agg_rebuild_if_stale(struct store *st, const struct progress *prog, struct err *err);

#endif
