/*
 * sms.h - the SMS outbox and the sender (inbound SMS: sms_inbound.h).
 *
 * Outbox rows are written by the transition that causes them (tracking code
 * on registration, the answer when answered), in its transaction.  A sender
 * claims one due row in a transaction (state sending, attempts + 1,
 * claimed_at now, next_at the end of its lease: now + cfg.sms_lease_sec)
 * before running the send command; then marks it sent, or pending again with
 * a doubled back-off, or failed after cfg.sms_max_attempts.
 *
 * A row left "sending" by a sender that died (a crash, a kill, a power cut)
 * goes back to pending when its lease has ended: every claim first releases
 * the expired leases (the crashed try counts as an attempt: a row that has
 * had cfg.sms_max_attempts goes to failed instead).  The lease is at least
 * twice the send command's time limit, so a live sender always records its
 * outcome within it and no row is sent twice within a lease; a sender that
 * lost its lease anyway (stopped for longer) finds its outcome refused
 * (ERR_CONFLICT on its claim).  Delivery is therefore at least once: a
 * sender that dies after the gateway took the text but before "sent" was
 * recorded makes the citizen get that text twice, a lease later
 * (docs/durability.md).
 *
 * The send command is a program run with two arguments, the number and the
 * text, with no shell (posix_spawn); exit status 0 means sent.
 */
#ifndef HAMGAN_CORE_SMS_H
#define HAMGAN_CORE_SMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "model/sms.h"

struct core;
struct actor;
struct msg;

/* The Persian texts (docs/core.md, "SMS texts"), into out (<= CAP_SMS_TEXT). */
int sms_text_registered(const struct msg *m, char *out, size_t outsz);
int sms_text_answered(const struct msg *m, const char *answer, char *out, size_t outsz);

/* Queue a text (inside a core write).  Used by the transitions. */
int sms_queue(struct core *c, const char *to, const char *text, int64_t msg_id, struct err *err);

/* Release the expired leases, then claim the oldest due pending row:
 * ERR_NOTFOUND when none is due. */
int sms_claim(struct core *c, struct sms *out, struct err *err);
/* Record the outcome of a claimed row (error text may be NULL): ERR_CONFLICT
 * when its lease ended and another sender took it. */
int sms_done(struct core *c, const struct sms *s, bool ok, const char *error, struct err *err);

/* Run cmd with (to, text) as its two arguments, no shell, at most timeout_sec
 * seconds.  0 when it exited 0; ERR_IO with the reason in err otherwise. */
int sms_run_command(const char *cmd, const char *to, const char *text, int timeout_sec,
		    struct err *err);

/* Claim and send every due row with cmd; counts of sent and failed tries (a
 * try whose lease was lost counts as sent or failed as the command said). */
int sms_send_due(struct core *c, const char *cmd, size_t *sent, size_t *failed, struct err *err);

/*
 * The outbox's retention (docs/deployment.md, "The SMS outbox: what is
 * kept"): delete the rows done with (sent, or failed for good) more than
 * `days` days before now, in batches of CAP_SMS_PRUNE_BATCH, each in its
 * own transaction with one audit entry "sms.prune" giving the cut-off, how
 * many sent and failed rows and their first and last id.  Pending and
 * sending rows are never deleted.  Only the system may (ERR_DENIED
 * otherwise); days is 1..CAP_SMS_PRUNE_DAYS (ERR_INVALID).  progress, when
 * not NULL, is called after each batch with the totals so far.  *sent and
 * *failed are the totals (what was committed, also on an error).
 */
int sms_prune(struct core *c, const struct actor *a, int64_t days,
	      void (*progress)(size_t sent, size_t failed, void *arg), void *arg,
	      size_t *sent, size_t *failed, struct err *err);

/* Outbox rows (newest first) for inspection, as actor a may see them: for
 * a reader who does not see identities (admin, staff, manager) the number
 * of a text about a confidential message is blanked ("to" empty); *out
 * malloc'd. */
int sms_list(struct core *c, const struct actor *a, size_t max, struct sms **out, size_t *n,
	     struct err *err);

#endif
