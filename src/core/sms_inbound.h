/*
 * sms_inbound.h - inbound SMS, above the state machine: a text from a
 * citizen's mobile is either their verdict on an answer (31 accept, 33
 * object) or a new message.  The SMS gateway's webhook (POST
 * /api/v1/sms/inbound) and `hamgan sms receive` call it.
 */
#ifndef HAMGAN_CORE_SMS_INBOUND_H
#define HAMGAN_CORE_SMS_INBOUND_H

#include "base/err.h"

struct core;
struct msg;

enum sms_inbound_result { SMS_IN_VERDICT = 1, SMS_IN_NEW };

/*
 * An SMS from `from` (any mobile spelling) with text: "31" or "33" (ASCII,
 * Persian or Arabic-Indic digits, surrounding space ignored) is the verdict
 * (accept, object) on the sender's latest answered message (ERR_NOTFOUND when
 * there is none); any other text registers a new message on the SMS channel.
 * *what says which; *out (may be NULL) the message.
 */
int sms_inbound(struct core *c, const char *from, const char *text, int *what, struct msg *out,
		struct err *err);

#endif
