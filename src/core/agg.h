/*
 * agg.h - the hook that keeps report aggregates up to date.
 *
 * Every message change calls agg_on_change inside its store transaction,
 * after the message row is written: before is the message as it was (NULL on
 * registration), after as it is now, now the transition's time.  A non-zero
 * return rolls the whole change back.  The reports module owns agg.c.
 */
#ifndef HAMGAN_CORE_AGG_H
#define HAMGAN_CORE_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct store;
struct msg;

int agg_on_change(struct store *st, const struct msg *before, const struct msg *after,
		  int64_t now, struct err *err);

/*
 * ---- The aggregates (issue 5; docs/reports.md "How the figures are kept") ----
 *
 * A message contributes to report figures only once it has been referred.
 * Its contribution is a function of the message alone (agg_contrib): one
 * increment of the cell keyed (unit = first_referred_unit, day = Tehran day
 * of first_referred_at) in each of three dimensions (all / its category / its
 * channel), plus, while it is open with a deadline, one count in the backlog
 * keyed by (current unit, Tehran day of due_at, category, channel).
 * agg_on_change applies contribution(after) - contribution(before), so the
 * stored tables always equal the sum of contributions over all messages;
 * agg_verify recounts that sum from the messages and compares.
 */

/* Day numbers are days since 1970-01-01 of the Tehran local date
 * (jalali_to_days of tehran_day_of). */

/* Each message counts in a day cell and a month cell of each of the three
 * groupings; a month cell's day is the day number of the Jalali month's
 * first day.  Reports read month cells for the whole months of a period and
 * day cells for the ragged ends, so their cost does not grow with the
 * number of messages per day. */
enum agg_dim {
	AGG_DIM_ALL = 0,	/* key 0 */
	AGG_DIM_CATEGORY,	/* key category_id */
	AGG_DIM_CHANNEL,	/* key channel */
	AGG_DIM_MONTH,		/* AGG_DIM_MONTH + d: the same by Jalali month */
	AGG_DIM_COUNT = 2 * AGG_DIM_MONTH
};

enum agg_counter {
	AGG_REFERRED = 0,	/* first referred on that day */
	AGG_ANSWERED,		/* now answered or closed */
	AGG_ON_TIME,		/* answered with answered_at <= due_at (or no deadline) */
	AGG_HANDLING_SUM,	/* seconds, answered_at - first_referred_at, over answered */
	AGG_EVALUATED,		/* answered with an inspector grade or a citizen verdict */
	AGG_ACCEPTABLE,		/* of those, the grade (else the verdict) says acceptable */
	AGG_VERDICT_ACCEPT,	/* citizen accepted (31) */
	AGG_VERDICT_OBJECT,	/* citizen objected (33) */
	AGG_RETURNS,		/* sum of return_count ("not ours") */
	AGG_REREFERRALS,	/* sum of referral_count - 1 (hops after the first) */
	AGG_REOPENS,		/* sum of reopen_count */
	AGG_NCOUNTERS
};

/* Handling-time histogram: 1-hour bins below 7 days (0..167), 1-day bins
 * below 365 days (168..525), one bin for a year or more (526).  Each bin
 * keeps its count and the sum of its seconds, so a percentile is the mean of
 * its bin: exact when the values in that bin are equal, always within it. */
#define AGG_BINS 527
int agg_bin_of(int64_t seconds);
int64_t agg_bin_lo(int bin);	/* first second of the bin */
int64_t agg_bin_hi(int bin);	/* first second after it (INT64_MAX for the last) */

struct agg_key {
	int dim;		/* enum agg_dim */
	int64_t unit;		/* first_referred_unit */
	int64_t day;		/* Tehran day of first_referred_at (month dims: its
				 * month's first day) */
	int64_t key;		/* category id, channel, or 0 for AGG_DIM_ALL */
};

/* A stored cell: counters and the histogram in its compact encoding
 * (agg_hist_encode).  Store reads hand back hist malloc'd (free()) or, in
 * scans, valid during the callback only. */
struct agg_row {
	struct agg_key k;
	int64_t c[AGG_NCOUNTERS];
	unsigned char *hist;
	size_t hist_len;
};

/* One backlog count: open messages with a deadline, keyed like the cells
 * (dim, unit = current unit, due_day = Tehran day of due_at or, in month
 * dims, its month's first day, key = category / channel / 0). */
struct agg_open {
	int dim;		/* enum agg_dim */
	int64_t unit;
	int64_t due_day;
	int64_t key;
	int64_t n;
};

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

/* A message's contribution. */
struct agg_contrib {
	bool referred;		/* false: contributes no cell */
	int64_t unit, day, month_day, category_id, channel;
	int64_t c[AGG_NCOUNTERS];
	int bin;		/* -1 unless answered */
	int64_t handling;	/* seconds, when answered */
	bool open;		/* contributes a backlog count in each dim */
	int64_t open_unit, due_day, due_month;
};

/* Tehran day number of instant t: 0 or ERR_IO / ERR_INVALID. */
int agg_day_of(int64_t t, int64_t *day, struct err *err);
/* The day number of the first day of the Jalali month holding day. */
int64_t agg_month_start(int64_t day);
int agg_contrib(const struct msg *m, struct agg_contrib *out, struct err *err);

/*
 * An in-memory sum of contributions (the recount of --verify and --rebuild,
 * the benchmark generator): a hash of cells and of backlog counts.
 */
struct agg_tally;
struct agg_tally *agg_tally_new(void);
void agg_tally_free(struct agg_tally *t);
/* Add sign * contribution of m. */
int agg_tally_add_msg(struct agg_tally *t, const struct msg *m, int sign, struct err *err);
void agg_tally_add_contrib(struct agg_tally *t, const struct agg_contrib *ct, int sign);
size_t agg_tally_cells(const struct agg_tally *t);
/* Write every cell and backlog count into the store (which should hold no
 * aggregates: use agg_clear first); the caller holds the transaction. */
int agg_tally_write(struct agg_tally *t, struct store *st, struct err *err);

/* What agg_verify found. */
struct agg_verify_result {
	size_t messages;	/* messages recounted */
	size_t cells, backlog;	/* rows in the recount */
	size_t differences;	/* cells or backlog rows that differ */
};
/*
 * Recount every aggregate from the messages and compare with the stored
 * tables.  Each difference is described to report(line, arg) when given (at
 * most the first 100).  0 even when there are differences (see result).
 */
int agg_verify(struct store *st, struct agg_verify_result *res,
	       void (*report)(const char *line, void *arg), void *arg, struct err *err);
/* Throw the stored aggregates away and write the recount, in one transaction. */
int agg_rebuild(struct store *st, struct agg_verify_result *res, struct err *err);

#endif
