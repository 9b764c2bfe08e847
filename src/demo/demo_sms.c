/*
 * demo_sms.c - the demo city's SMS sender (demo_sms.h).
 */
#include "base/units.h"
#include "core/core.h"
#include "core/sms.h"
#include "demo/demo_sms.h"

/* Claim and mark sent every text due by the core's clock. */
static int send_due(struct core *c, struct demo_sender *s, struct err *err)
{
	struct sms m;
	int rc;

	while ((rc = sms_claim(c, &m, err)) == 0) {
		rc = sms_done(c, &m, true, NULL, err);
		if (rc < 0)
			return rc;
		s->sent++;
	}
	if (rc != ERR_NOTFOUND)
		return rc;
	err_clear(err);
	return 0;
}

int demo_sms_tick(struct core *c, struct demo_sender *s, const struct actor *a, bool last,
		  struct err *err)
{
	int64_t now = core_now(c);
	size_t sent, failed;
	int rc;

	if (!last && now - s->sent_at < DEMO_SMS_EVERY)
		return 0;
	s->sent_at = now;
	rc = send_due(c, s, err);
	if (rc < 0 || (!last && now - s->pruned_at < DAY))
		return rc;
	s->pruned_at = now;
	rc = sms_prune(c, a, DEMO_SMS_KEEP_DAYS, NULL, NULL, &sent, &failed, err);
	s->pruned += (long)(sent + failed);
	return rc;
}
