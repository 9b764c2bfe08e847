/*
 * demo.h - the demo database generator behind `hamgan demo`: Tehran's
 * municipality (22 regions, their districts, the 1888 centre, deputies), a
 * category tree for a city, one account for each role, and messages from
 * 1398-01-01 to 1400-12-29 with realistic channels, kinds, rhythms, referral
 * chains, answers, verdicts and grades.  Every change goes through the real
 * core functions (msg_register, msg_refer, ...) at its historical time
 * (core_set_now), so the audit chain and the report aggregates are real;
 * each message is held in memory from its registration to its last step
 * (core/bulk.h), so its row is written twice, not once a step.
 *
 * The content is a function of (seed, messages) only.  Region 12 is shaped
 * by construction, whatever the seed: docs/demo.md says how.
 */
#ifndef HAMGAN_DEMO_DEMO_H
#define HAMGAN_DEMO_DEMO_H

#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/actor.h"

struct core;

/* --messages bounds: below DEMO_MIN_MESSAGES the Region 12 figures cannot
 * be hit to a percent; DEMO_MAX_MESSAGES is the largest benchmark database
 * (docs/performance.md), about 1.2 GB of plan in memory. */
#define DEMO_DEFAULT_MESSAGES 100000
#define DEMO_MIN_MESSAGES 1000
#define DEMO_MAX_MESSAGES 10000000

/* The accounts printed at the end. */
#define DEMO_LOGINS 6
#define DEMO_PASSWORD_LEN 16

struct demo_login {
	char username[CAP_CODE];
	char password[DEMO_PASSWORD_LEN + 1];
	enum role role;
	char unit_code[CAP_CODE];	/* "" when none */
	char name[CAP_NAME];
};

/* Called every tenth of the work (pct 0..100) on stderr's behalf. */
typedef void (*demo_progress_fn)(void *ctx, int pct, const char *what);

struct demo_opts {
	uint64_t seed;
	long messages;		/* DEMO_MIN_MESSAGES..DEMO_MAX_MESSAGES */
	demo_progress_fn progress;	/* may be NULL */
	void *progress_ctx;
};

/* What was made (counts of core calls that succeeded). */
struct demo_result {
	struct demo_login logins[DEMO_LOGINS];
	int nlogins;
	long units, categories, users, sessions;
	long registered, rejected, referred, returned, transferred, answered, reopened,
	     verdicts, grades, closed;
	long open_at_end;	/* neither answered, closed nor rejected at the end */
	long sms_sent, sms_pruned;	/* the demo's sender (demo_sms.h) */
};

/*
 * Fill the empty database open in c (units, categories, users must not exist
 * yet: ERR_CONFLICT otherwise).  Passwords of the printed logins are fresh
 * random (libsodium), not derived from the seed.  The clock of c is left at
 * the real time.  Commits in batches (core_batch_*); on error the batch in
 * progress is rolled back and err says what failed.
 */
int demo_generate(struct core *c, const struct demo_opts *o, struct demo_result *res,
		  struct err *err);

/* The Jalali window of the data: [1398-01-01 00:00, 1401-01-01 00:00)
 * Tehran time, as UTC instants. */
int demo_span(int64_t *from, int64_t *to, struct err *err);

#endif
