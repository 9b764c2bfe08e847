/*
 * verify.h - one-time codes (کد تأیید) that prove a citizen on the public web
 * holds the mobile number they give, so that nobody can make the city text
 * someone else's phone.
 *
 * verify_request texts a fresh CAP_VERIFY_DIGITS-digit code to the number:
 * «کد تأیید همگان: 12345».  Only a keyed BLAKE2b hash of the code (a random
 * salt per code, the number and the code) is kept, with the asking address,
 * in the database, so limits hold across processes and restarts.  A code is
 * valid CAP_VERIFY_TTL seconds; only the newest code of a number counts;
 * each wrong try counts and CAP_VERIFY_TRIES of them burn it; a right one is
 * used up by the submission it proves.  Limits: CAP_VERIFY_PER_NUMBER codes
 * per number in CAP_VERIFY_NUMBER_WINDOW and CAP_VERIFY_PER_NUMBER_DAY a day;
 * CAP_VERIFY_PER_ADDR per address in CAP_VERIFY_ADDR_WINDOW.  Rows older
 * than a day are deleted when a new code is made.
 *
 * Who needs a code: a citizen submitting on the public web with a mobile
 * (verify_register).  The operator desk (a caller on the line), Open311 (the
 * API key's holder answers for it), inbound SMS (the number proved itself by
 * sending) and anonymous submissions (no number) do not.
 */
#ifndef HAMGAN_CORE_VERIFY_H
#define HAMGAN_CORE_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/actor.h"
#include "model/verify.h"

struct core;
struct msg;
struct msg_new;

/*
 * Text a new code to mobile (any common spelling), asked from addr (may be
 * "").  ERR_INVALID (field "mobile") on a bad number; ERR_LIMITED with
 * *retry_after seconds when the number or the address is over its limit
 * (nothing sent).  The SMS goes through the outbox (core/sms.h).
 */
int verify_request(struct core *c, const char *mobile, const char *addr, int64_t *retry_after,
		   struct err *err);

/*
 * Register a public web submission (msg_register with actor a) when `code`
 * proves in->mobile; a submission without a mobile (anonymous) needs no
 * code.  A right code is used up in the same transaction as the
 * registration (a failed registration leaves it valid).  ERR_INVALID with
 * field "verification_code": none given, not CAP_VERIFY_DIGITS digits
 * (ASCII, Persian or Arabic-Indic), wrong (the try is counted and stored),
 * or no valid code for the number (never asked, expired, burnt or used).
 */
int verify_register(struct core *c, const struct actor *a, const struct msg_new *in,
		    const char *code, struct msg *out, struct err *err);

/* The SMS text for code (CAP_VERIFY_DIGITS ASCII digits) into out. */
int verify_text(const char *code, char *out, size_t outsz);

#endif
