/*
 * core.h - the core context every front end opens: the store, the clock and
 * the configuration.
 *
 *	struct core core;
 *	struct err err;
 *	if (core_open(&core, "hamgan.db", &err) < 0) ... err.msg ...
 *	...
 *	core_close(&core);
 *
 * The dsn is a file path (SQLite), "sqlite:PATH", or a "postgresql://" URI
 * (PostgreSQL; several nodes may share one).  A URI may hold a password:
 * whatever shows or logs a dsn shows core_dsn_safe's form.  Opening applies the
 * schema migrations the database lacks; a database made by a newer program is
 * refused (ERR_INVALID, "... newer than this program ...").
 *
 * Time: every core function reads "now" from core_now(), which is the real
 * clock unless a test or the demo generator set a fixed time with
 * core_set_now() (0 goes back to the real clock).  So historical data is
 * made by setting the time before each call.
 *
 * A struct core is not thread-safe: open one per thread (SQLite in WAL mode
 * lets them read concurrently; writers queue on the busy timeout).
 */
#ifndef HAMGAN_CORE_CORE_H
#define HAMGAN_CORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/progress.h"

struct store;
struct core_scratch;	/* per-core work space (core_int.h) */
struct geo_cache;	/* the boundaries' index (geo.c) */

struct core_config {
	int default_deadline_hours;	/* when a message has no category: 72 */
	int session_ttl_sec;		/* session lifetime: 12 h */
	int login_window_sec;		/* failed-login window: 15 min */
	int login_user_max;		/* failures on one account that make its
					 * guessers lose their free tries: 5 */
	int login_addr_free;		/* failures per address before its delay: 5 */
	bool pwhash_fast;		/* argon2id MIN limits (tests); else INTERACTIVE */
	int sms_max_attempts;		/* give up on an SMS after this many: 5 */
	int sms_backoff_sec;		/* first retry delay, doubled each time: 30 */
	int sms_timeout_sec;		/* the send command's time limit: 30 */
	int sms_lease_sec;		/* a claim's lease (core/sms.h): 300, at least
					 * twice sms_timeout_sec */
};

struct core {
	struct store *st;
	struct core_config cfg;
	int64_t fixed_now;	/* non-zero: the clock (tests, demo) */
	struct core_scratch *scratch;	/* big records reused across calls */
	/* Tracking-code source: NULL is the kernel's randomness (fa's
	 * tracking_code_new); the demo sets a seeded one so that a seed makes
	 * the same codes.  Returns 0 or a negative ERR_*. */
	int (*code_new)(void *ctx, char out[11]);
	void *code_ctx;
	struct geo_cache *geo;	/* built on the first look-up by place */
	/* bulk mode (core_batch_bulk): transitions leave the aggregates alone,
	 * which are rebuilt when bulk mode ends */
	bool agg_deferred;
	/* a bulk load's message held in memory (core/bulk.h), NULL none */
	struct bulk_held *held;
	/* where the end of bulk mode shows its progress (no fn: nowhere) */
	struct progress progress;
};

enum core_open_flags {
	CORE_CREATE = 1 << 0,	/* create the database when missing (hamgan init) */
};

/*
 * Open the database named by dsn; without CORE_CREATE a missing database is
 * ERR_NOTFOUND.  Reads HAMGAN_PWHASH_FAST=1 from the environment to set
 * cfg.pwhash_fast (see docs/core.md).  On failure nothing needs closing.
 * An older database is upgraded first (its schema migrations, then the
 * aggregates' recount a migration may ask for), the progress of that long
 * work on prog (NULL: nowhere).
 */
int core_open(struct core *c, const char *dsn, struct err *err);
int core_open_flags(struct core *c, const char *dsn, unsigned flags, const struct progress *prog,
		    struct err *err);
void core_close(struct core *c);

/* dsn as it may be printed or logged: a URI's password becomes "***"
 * (out holds at least CAP_DSN_SHOWN bytes to keep a long one whole). */
void core_dsn_safe(const char *dsn, char *out, size_t outsz);

/* Whether dsn names a database on a server (PostgreSQL) rather than a file
 * of this machine's (SQLite): there is no file to stat, remove or copy. */
bool core_dsn_server(const char *dsn);

/* Schema version of the open database and the one this program writes. */
int core_schema_version(struct core *c, int *have, int *want, struct err *err);

/* The store's check of its own consistency (SQLite's integrity_check):
 * *problems (0 when sound) and the first ones, a line each, in report. */
int core_check(struct core *c, char *report, size_t reportsz, size_t *problems,
	       struct err *err);

/* The time, seconds since the epoch (UTC). */
int64_t core_now(const struct core *c);
/* Fix the clock at t (0: back to the real clock). */
void core_set_now(struct core *c, int64_t t);

/* Default configuration (used by core_open). */
void core_config_init(struct core_config *cfg);

#endif
