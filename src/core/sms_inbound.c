/*
 * sms_inbound.c - an SMS that reaches us (the gateway's webhook, `hamgan sms
 * receive`): 31 or 33 is the citizen's verdict on their latest answered
 * message, anything else a new message on the SMS channel.  It stands above
 * the state machine (flow) and registration (msg) and calls them like a front
 * end would; the outbox (sms.c) knows nothing of it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "core/citizen.h"
#include "core/core_int.h"
#include "core/flow.h"
#include "core/msg.h"
#include "core/sms_inbound.h"
#include "fa/ids.h"
#include "fa/text.h"

/* Subject for an SMS message: its first line, at most 80 bytes. */
static void sms_subject(const char *text, char *out, size_t outsz)
{
	size_t n = strcspn(text, "\r\n");

	if (n >= outsz)
		n = outsz - 1;
	if (n > 80)
		n = 80;
	memcpy(out, text, n);
	out[n] = '\0';
	str_utf8_trim_partial(out);
}

int sms_inbound(struct core *c, const char *from, const char *text, int *what, struct msg *out,
		struct err *err)
{
	char mobile[12], ascii[16], subject[96];
	const char *s, *e;
	struct citizen ci;
	struct msg *m;
	int rc;

	*what = 0;
	if (!from || strlen(from) > 64 || fa_mobile_normalize(from, mobile) < 0)
		return err_set(err, ERR_INVALID, "from", "'%.64s' is not an Iranian mobile number",
			       from ? from : "");
	rc = text_check("text", text, CAP_MSG_BODY, true, true, err);
	if (rc < 0)
		return rc;
	/* trim, then see whether it is 31 or 33 in any digits */
	for (s = text; *s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'; s++)
		;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' ||
					  e[-1] == '\t'); e--)
		;
	if (e - s <= 8) {
		char tmp[16];

		memcpy(tmp, s, (size_t)(e - s));
		tmp[e - s] = '\0';
		if (fa_ascii_digits(tmp, ascii, sizeof(ascii)) == 0 &&
		    (str_eq(ascii, "31") || str_eq(ascii, "33"))) {
			struct actor a;

			rc = citizen_get_by_mobile(c, mobile, &ci, err);
			if (rc < 0)
				return err_set(err, ERR_NOTFOUND, "from", "no answered message from "
					       "%s", mobile);
			m = xcalloc(1, sizeof(*m));
			rc = OPS(c)->msg_latest_answered(c->st, ci.id, m, err);
			if (rc == ERR_NOTFOUND)
				rc = err_set(err, ERR_NOTFOUND, "from", "no answered message from %s",
					     mobile);
			if (rc == 0) {
				a = actor_citizen(ci.id);
				rc = msg_verdict(c, &a, m->id, m->version,
						 str_eq(ascii, "31") ? VERDICT_ACCEPT : VERDICT_OBJECT,
						 0, out, err);
			}
			free(m);
			if (rc == 0)
				*what = SMS_IN_VERDICT;
			return rc;
		}
	}
	{
		struct actor sys = actor_system("sms");
		struct msg_new in;

		memset(&in, 0, sizeof(in));
		sms_subject(s, subject, sizeof(subject));
		in.channel = CHANNEL_SMS;
		in.kind = KIND_CRITICISM;
		in.subject = subject;
		in.body = text;
		in.mobile = mobile;
		rc = msg_register(c, &sys, &in, out, err);
		if (rc == 0)
			*what = SMS_IN_NEW;
		return rc;
	}
}
