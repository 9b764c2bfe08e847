/*
 * model/agg.h - the report aggregates' rows: cells (counters and a handling-time
 * histogram) and pair counts, and their keys (core/agg.h says what they hold).
 */
#ifndef HAMGAN_MODEL_AGG_H
#define HAMGAN_MODEL_AGG_H

#include <stddef.h>
#include <stdint.h>

/* Day numbers are days since 1970-01-01 of the Tehran local date
 * (jalali_to_days of tehran_day_of). */

/* Each fact counts in a day cell and a month cell of each of the three
 * groupings; a month cell's day is the day number of the Jalali month's
 * first day.  Reports read month cells for the whole months of a period and
 * day cells for the ragged ends. */
enum agg_dim {
	AGG_DIM_ALL = 0,	/* key 0 */
	AGG_DIM_CATEGORY,	/* key category_id */
	AGG_DIM_CHANNEL,	/* key channel */
	AGG_DIM_MONTH,		/* AGG_DIM_MONTH + d: the same by Jalali month */
	AGG_DIM_COUNT = 2 * AGG_DIM_MONTH
};

enum agg_counter {
	AGG_REFERRED = 0,	/* first entry of the message into the scope */
	AGG_REENTRIES,		/* later entries from outside (rereferrals) */
	AGG_INTERNAL,		/* first entry into another row (child or self) of the
				 * scope after the first (internal_transfers) */
	AGG_ANSWERS,		/* answers given while the scope held the message */
	AGG_HANDLING_SUM,	/* seconds, the hop's arrival to the answer */
	AGG_TRANSFERRED_OUT,	/* transfers out of the scope */
	AGG_RETURNS,		/* returns to the centre ("not ours") */
	AGG_HANDOFF_SUM,	/* seconds, arrival to the transfer or return */
	AGG_REOPENS,		/* reopens while the scope held it */
	AGG_OBLIGATIONS,	/* hops with a deadline (day: the deadline's) */
	AGG_LATE,		/* of those, not answered within the hop by the deadline */
	AGG_VERDICT_ACCEPT,	/* citizen verdicts on the scope's answers */
	AGG_VERDICT_OBJECT,
	AGG_GRADE_OK,		/* inspector grades on the scope's answers */
	AGG_GRADE_BAD,
	AGG_OBJECTED,		/* messages with an objection to the scope's answer
				 * (day of the first) */
	AGG_NCOUNTERS
};

/* The kinds of pair rows. */
enum agg_pair_kind {
	AGG_PAIR_ANSWERED = 0,	/* day: first entry; day2: first answer after it */
	AGG_PAIR_DUE,		/* day: deadline; day2: answer or hand-off, AGG_OPEN
				 * while neither (only obligations not over before
				 * their deadline's day) */
	AGG_PAIR_KINDS
};
#define AGG_OPEN INT64_C(99999999)

struct agg_key {
	int dim;		/* enum agg_dim */
	int64_t unit;		/* scope: unit id (with subtree) or -unit id (alone) */
	int64_t day;		/* day of the fact (month dims: its month's first day) */
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

/* One pair count. */
struct agg_pair {
	int dim;		/* enum agg_dim */
	int64_t unit;		/* scope */
	int kind;		/* enum agg_pair_kind */
	int64_t day;		/* first day (month dims: its month's first day) */
	int64_t day2;		/* second day, exact */
	int64_t key;
	int64_t n;
};

#endif
