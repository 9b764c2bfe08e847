/*
 * sms.c - Persian SMS texts, the outbox (queue, claim, done, list) and the
 * sender (posix_spawn, no shell, time-limited).  It sits below the state
 * machine and registration, which queue their texts here; inbound SMS, which
 * calls them, is sms_inbound.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/units.h"
#include "core/audit.h"
#include "core/core_int.h"
#include "core/msg.h"
#include "core/sms.h"
#include "fa/text.h"

extern char **environ;

/* The tracking code in Persian digits. */
static void code_fa(const struct msg *m, struct buf *b)
{
	fa_digits(m->code, strlen(m->code), DIGITS_PERSIAN, b);
}

int sms_text_registered(const struct msg *m, char *out, size_t outsz)
{
	struct buf b = BUF_INIT(CAP_SMS_TEXT);
	int rc;

	buf_adds(&b, "همگان: پیام شما ثبت شد. کد رهگیری: ");
	code_fa(m, &b);
	rc = buf_error(&b) ? ERR_TOOBIG : 0;
	if (rc == 0 && str_copy(out, outsz, b.data) >= outsz)
		rc = ERR_TOOBIG;
	buf_release(&b);
	return rc;
}

int sms_text_answered(const struct msg *m, const char *answer_text, char *out, size_t outsz)
{
	struct buf b = BUF_INIT(CAP_SMS_TEXT);
	char answer[CAP_SMS_ANSWER + 4];
	int rc;

	str_copy(answer, sizeof(answer) - 3, answer_text);
	str_utf8_trim_partial(answer);
	if (strlen(answer_text) > strlen(answer))
		str_copy(answer + strlen(answer), 4, "…");
	buf_adds(&b, "همگان: پاسخ پیام ");
	code_fa(m, &b);
	buf_adds(&b, ": ");
	buf_adds(&b, answer);
	buf_adds(&b, "\nپذیرش: ۳۱ ـ اعتراض: ۳۳");
	rc = buf_error(&b) ? ERR_TOOBIG : 0;
	if (rc == 0 && str_copy(out, outsz, b.data) >= outsz)
		rc = ERR_TOOBIG;
	buf_release(&b);
	return rc;
}

int sms_queue(struct core *c, const char *to, const char *text, int64_t msg_id, struct err *err)
{
	struct sms s;

	memset(&s, 0, sizeof(s));
	if (str_copy(s.to, sizeof(s.to), to) >= sizeof(s.to) ||
	    str_copy(s.body, sizeof(s.body), text) >= sizeof(s.body))
		return err_set(err, ERR_TOOBIG, "", "SMS too long");
	s.msg_id = msg_id;
	s.state = SMS_PENDING;
	s.created_at = core_now(c);
	s.next_at = s.created_at;
	return OPS(c)->sms_insert(c->st, &s, err);
}

/* The lease: long enough for the command's time limit twice over. */
static int64_t sms_lease(const struct core *c)
{
	int64_t lease = c->cfg.sms_lease_sec;

	if (lease < 2 * (int64_t)c->cfg.sms_timeout_sec)
		lease = 2 * (int64_t)c->cfg.sms_timeout_sec;
	return lease > 0 ? lease : 1;
}

int sms_claim(struct core *c, struct sms *out, struct err *err)
{
	int64_t now = core_now(c);
	size_t released = 0;
	int rc = core_begin(c, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->sms_release_expired(c->st, now, c->cfg.sms_max_attempts,
					 "lease expired: the sender stopped before recording"
					 " the outcome", &released, err);
	if (rc == 0)
		rc = OPS(c)->sms_next_due(c->st, now, out, err);
	if (rc == 0) {
		out->state = SMS_SENDING;
		out->attempts++;
		out->claimed_at = now;
		out->next_at = now + sms_lease(c);
		rc = OPS(c)->sms_update(c->st, out, SMS_PENDING, err);
	}
	if (rc == ERR_NOTFOUND) {
		/* keep the releases (rows gone to failed) though none is due; a
		 * commit, not a rollback, also when there were none: inside a
		 * bulk batch (the demo's sender) a rollback would end the batch */
		int rc2 = core_commit(c, err);

		return rc2 < 0 ? rc2 : ERR_NOTFOUND;
	}
	if (rc == 0)
		return core_commit(c, err);
	core_rollback(c);
	return rc;
}

int sms_done(struct core *c, const struct sms *s, bool ok, const char *error, struct err *err)
{
	struct sms u = *s;
	int64_t now = core_now(c), delay;
	int rc, i;

	if (ok) {
		u.state = SMS_SENT;
		u.sent_at = now;
		u.last_error[0] = '\0';
	} else {
		str_copy(u.last_error, sizeof(u.last_error), error ? error : "failed");
		str_utf8_trim_partial(u.last_error);
		if (u.attempts >= c->cfg.sms_max_attempts) {
			u.state = SMS_FAILED;
		} else {
			delay = c->cfg.sms_backoff_sec;
			for (i = 1; i < u.attempts && delay < CAP_SMS_BACKOFF; i++)
				delay *= 2;
			if (delay > CAP_SMS_BACKOFF)
				delay = CAP_SMS_BACKOFF;
			u.state = SMS_PENDING;
			u.next_at = now + delay;
		}
	}
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->sms_update(c->st, &u, SMS_SENDING, err);
	if (rc == 0)
		return core_commit(c, err);
	core_rollback(c);
	return rc;
}

int sms_run_command(const char *cmd, const char *to, const char *text, int timeout_sec,
		    struct err *err)
{
	posix_spawn_file_actions_t fa;
	char *argv[4];
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	long waited_ms = 0;
	pid_t pid, w;
	int rc, status = 0;

	if (!cmd || !*cmd)
		return err_set(err, ERR_INVALID, "command", "no send command");
	argv[0] = (char *)cmd;
	argv[1] = (char *)to;
	argv[2] = (char *)text;
	argv[3] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	rc = posix_spawnp(&pid, cmd, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return err_set(err, ERR_IO, "command", "cannot run '%s': %s", cmd, strerror(rc));
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return err_set(err, ERR_IO, "command", "waiting for '%s': %s", cmd,
				       strerror(errno));
		if (waited_ms >= (long)timeout_sec * 1000) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return err_set(err, ERR_IO, "command", "'%s' took longer than %d seconds",
				       cmd, timeout_sec);
		}
		nanosleep(&nap, NULL);
		waited_ms += 10;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return err_set(err, ERR_IO, "command", "'%s' exited with status %d", cmd,
			       WEXITSTATUS(status));
	return err_set(err, ERR_IO, "command", "'%s' was killed by signal %d", cmd,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int sms_send_due(struct core *c, const char *cmd, size_t *sent, size_t *failed, struct err *err)
{
	struct sms s;
	struct err e2;
	int rc;

	*sent = 0;
	*failed = 0;
	for (;;) {
		rc = sms_claim(c, &s, err);
		if (rc == ERR_NOTFOUND) {
			err_clear(err);
			return 0;
		}
		if (rc < 0)
			return rc;
		err_clear(&e2);
		/* no text is sent empty (a stored text that no longer unpacks
		 * reads empty): it fails, and is tried again as any failure */
		if (!s.body[0])
			rc = err_set(&e2, ERR_STORE, "", "the text is empty or damaged");
		else
			rc = sms_run_command(cmd, s.to, s.body, c->cfg.sms_timeout_sec, &e2);
		if (rc == 0)
			(*sent)++;
		else
			(*failed)++;
		rc = sms_done(c, &s, rc == 0, e2.msg, err);
		if (rc == ERR_CONFLICT) {
			/* our lease ended and another sender took the row: its
			 * outcome is the one recorded */
			err_clear(err);
			continue;
		}
		if (rc < 0)
			return rc;
	}
}

/* One batch of sms_prune, in its own transaction with its audit entry. */
static int prune_batch(struct core *c, const struct actor *a, int64_t before, int64_t after,
		       struct sms_pruned *p, struct err *err)
{
	struct buf b = BUF_INIT(CAP_AUDIT_PAYLOAD);
	int rc = core_begin(c, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->sms_prune(c->st, before, after, CAP_SMS_PRUNE_BATCH, p, err);
	if (rc == 0 && p->last_id) {
		payload_begin(&b);
		payload_int(&b, "before", before);
		payload_int(&b, "sent", (int64_t)p->sent);
		payload_int(&b, "failed", (int64_t)p->failed);
		payload_int(&b, "first_id", p->first_id);
		payload_int(&b, "last_id", p->last_id);
		payload_end(&b);
		rc = audit_append(c, a, "sms.prune", 0, b.data, err);
	}
	buf_release(&b);
	return core_end(c, rc, err);
}

int sms_prune(struct core *c, const struct actor *a, int64_t days,
	      void (*progress)(size_t sent, size_t failed, void *arg), void *arg,
	      size_t *sent, size_t *failed, struct err *err)
{
	struct sms_pruned p;
	int64_t before, after = 0;
	int rc;

	*sent = 0;
	*failed = 0;
	if (a->role != ROLE_SYSTEM)
		return err_set(err, ERR_DENIED, "", "only the system prunes the SMS outbox");
	if (days < 1 || days > CAP_SMS_PRUNE_DAYS)
		return err_set(err, ERR_INVALID, "days", "days must be 1..%d", CAP_SMS_PRUNE_DAYS);
	/* a backend still being written may lack the op: an error, not a crash */
	if (!OPS(c)->sms_prune)
		return err_set(err, ERR_STORE, "", "the %s store cannot prune the SMS outbox yet",
			       OPS(c)->name);
	before = core_now(c) - days * DAY;
	for (;;) {
		rc = prune_batch(c, a, before, after, &p, err);
		if (rc < 0 || !p.last_id)
			return rc;
		*sent += p.sent;
		*failed += p.failed;
		after = p.last_id;
		if (progress)
			progress(*sent, *failed, arg);
	}
}

int sms_list(struct core *c, const struct actor *a, size_t max, struct sms **out, size_t *n,
	     struct err *err)
{
	bool conf;
	size_t i;
	int rc;

	if (max == 0 || max > 1000)
		max = 1000;
	rc = OPS(c)->sms_list(c->st, max, out, n, err);
	if (rc < 0 || role_sees_identity(a->role))
		return rc;
	/* the number a confidential message's texts went to is its citizen's */
	for (i = 0; i < *n && rc == 0; i++) {
		rc = msg_is_confidential(c, (*out)[i].msg_id, &conf, err);
		if (rc == 0 && conf)
			(*out)[i].to[0] = '\0';
	}
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
