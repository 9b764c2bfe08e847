/*
 * demo_sms.h - the demo city's SMS sender.
 *
 * The texts the demo's messages queue (a tracking code on registration,
 * the answer when answered) are sent as a sender beside the server sends
 * them, by the same calls (sms_claim, then sms_done): whenever the demo's
 * clock has moved DEMO_SMS_EVERY seconds past the last round, every text
 * due is sent.  Once a day of the clock the outbox is pruned of the texts
 * sent more than DEMO_SMS_KEEP_DAYS days before, as `hamgan sms send
 * --loop --prune-days 90` does (sms_prune, with its sms.prune audit
 * entries).  A demo database thus holds what a city following the outbox
 * policy of docs/deployment.md holds: the last 90 days' texts, sent.
 */
#ifndef HAMGAN_DEMO_DEMO_SMS_H
#define HAMGAN_DEMO_DEMO_SMS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

struct core;
struct actor;

#define DEMO_SMS_EVERY 60	/* seconds of the demo's clock between rounds */
#define DEMO_SMS_KEEP_DAYS 90

struct demo_sender {
	int64_t sent_at, pruned_at;	/* the clock at the last round, prune */
	long sent, pruned;		/* texts sent, rows pruned */
};

/* A round at the core's clock when it is due (always when last): send the
 * texts due, and prune once a day (and when last) as actor a (the
 * system).  0 or the error of the core call that failed. */
int demo_sms_tick(struct core *c, struct demo_sender *s, const struct actor *a, bool last,
		  struct err *err);

#endif
