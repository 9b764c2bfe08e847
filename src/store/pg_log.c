/*
 * pg_log.c - the PostgreSQL audit log, SMS outbox and verification codes,
 * row for row as SQLite keeps them (sqlite_msg.c, sqlite_verify.c), and the
 * statement helpers of pg_log.h.
 *
 * Two things matter when several nodes share the database.  The audit
 * chain is one line: an entry is written only when it extends the tail
 * (its seq follows the last one and its prev_hash is the last one's hash),
 * and an entry written outside a transaction takes the cluster-wide write
 * lock for its insert, as every write transaction does (pg.c, pg_begin).
 * And an SMS is claimed once: sms_update changes a row only while it is in
 * the state the caller read (and, while sending, under the caller's
 * claim); a second node's UPDATE waits for the first's row lock, then finds
 * the state moved on and changes nothing (ERR_CONFLICT).
 */
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "store/audit_pack.h"
#include "store/pg_int.h"
#include "store/pg_log.h"

/* ---- statement helpers ---- */

int64_t pl_limit(size_t max)
{
	return max > (size_t)INT64_MAX ? INT64_MAX : (int64_t)max;
}

void pl_p_text(struct pg_params *p, const char *v)
{
	pg_p_text(p, v ? v : "");
}

int pl_run(struct store *st, enum pg_log_stmt id, const char *sql, const struct pg_params *p,
	   const char *what, struct err *err, PGresult **res)
{
	struct err local = { 0 };
	struct err *e = err ? err : &local;

	*res = pg_run(pg(st), (enum pg_stmt_id)id, sql, p, what, e);
	if (*res)
		return 0;
	return e->code < 0 ? e->code : ERR_STORE;
}

int pl_exec(struct store *st, enum pg_log_stmt id, const char *sql, const struct pg_params *p,
	    const char *what, int64_t *changes, struct err *err)
{
	PGresult *res;
	int rc = pl_run(st, id, sql, p, what, err, &res);

	if (rc < 0)
		return rc;
	if (changes)
		*changes = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int pl_list(struct store *st, enum pg_log_stmt id, const char *sql, const struct pg_params *p,
	    const char *what, void (*read)(const PGresult *res, int r, void *rec), size_t sz,
	    void **out, size_t *n, struct err *err)
{
	PGresult *res;
	int rc = pl_run(st, id, sql, p, what, err, &res);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	return pg_list_rows(res, read, sz, out, n, err);
}

int pl_one(struct store *st, enum pg_log_stmt id, const char *sql, const struct pg_params *p,
	   const char *what, void (*read)(const PGresult *res, int r, void *rec), void *rec,
	   struct err *err)
{
	PGresult *res;
	int rc = pl_run(st, id, sql, p, what, err, &res);

	if (rc < 0)
		return rc;
	return pg_one_row(res, read, rec, what, err);
}

/* ---- audit ----
 *
 * As SQLite's since its schema 15: a hash is stored as its 32 bytes, and an
 * entry's prev_hash only when it is not the hash of the entry before it (of
 * seq - 1; 32 zero bytes for the first): NULL otherwise, as it always is
 * for what the core appends.  Since schema 16 actor and action are ids in
 * audit_names and the payload is packed (audit_pack.h).  Since schema 23 an
 * entry keeps its hash only when audit_hash_kept(seq) (every 32nd; the
 * others an empty bytea) and audit_head the tail's seq and hash, written
 * by the entry's own statement.  The reads give back the same texts and
 * hex, and "" for a hash not kept (and for a prev_hash whose entry keeps
 * none): the core computes those (core/audit.c).
 */

/* the first entry's prev_hash: 32 zero bytes */
#define AUDIT_ZERO "decode(repeat('00', 32), 'hex')"

int pl_audit_tail(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1],
		  struct err *err)
{
	PGresult *res;
	int rc;

	*seq = 0;
	hash[0] = '\0';
	if (pg(st)->tail_known && pg(st)->depth > 0) {
		/* this transaction's own last append (pg_int.h) */
		*seq = pg(st)->tail_seq;
		str_copy(hash, AUDIT_HASH_HEX + 1, pg(st)->tail_hash);
		return 0;
	}
	/* the head, not the last entry: that one keeps no hash most times */
	rc = pl_run(st, PL_AUDIT_TAIL, "SELECT seq, encode(hash, 'hex') FROM audit_head",
		    NULL, "audit", err, &res);
	if (rc < 0)
		return rc;
	if (PQntuples(res) > 0) {
		*seq = pg_int(res, 0, 0);
		pg_text(res, 0, 1, hash, AUDIT_HASH_HEX + 1);
	}
	PQclear(res);
	return 0;
}

/* The tail now, for the next append in this transaction: e's seq and its
 * hash as encode(hash, 'hex') reads it back (lower case). */
static void remember_tail(struct pg_store *s, const struct audit_entry *e)
{
	char *h;

	s->tail_known = true;
	s->tail_seq = e->seq;
	str_copy(s->tail_hash, sizeof(s->tail_hash), e->hash);
	for (h = s->tail_hash; *h; h++)
		if (*h >= 'A' && *h <= 'F')
			*h = (char)(*h - 'A' + 'a');
}

/* The insert itself: nothing when e does not extend the chain's tail
 * (the first entry extends an empty log whatever its prev_hash).  A
 * refusal raises no error, so a transaction goes on as SQLite's does. */
static int audit_put(struct store *st, const struct audit_entry *e, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT, names = PG_PARAMS_INIT;
	char hash[AUDIT_HASH_HEX + 1];
	unsigned char payload[AUDIT_PACKED_SIZE];
	int64_t n = 0, tail;
	size_t len;
	int rc;

	pl_p_text(&names, e->actor);
	pl_p_text(&names, e->action);
	rc = pl_exec(st, PL_AUDIT_NAMES, "INSERT INTO audit_names (name) VALUES ($1::text),"
		     " ($2::text) ON CONFLICT (name) DO NOTHING", &names, "audit", NULL, err);
	if (rc < 0) {
		pg(st)->tail_known = false;
		return rc;
	}
	len = audit_pack(e->payload, e->at, payload);
	pg_p_int(&p, e->seq);
	pl_p_text(&p, e->actor);
	pl_p_text(&p, e->action);
	pg_p_id(&p, e->msg_id);
	pg_p_blob(&p, payload, len);
	pg_p_int(&p, e->at);
	pl_p_text(&p, e->prev_hash);
	pl_p_text(&p, e->hash);
	pl_p_text(&p, audit_hash_kept(e->seq) ? e->hash : "");
	/* one statement: the entry, when it extends the head, and the head
	 * moved on to it (n counts the head's row: 0 when the entry was not
	 * written) */
	rc = pl_exec(st, PL_AUDIT_INSERT, "WITH ins AS (INSERT INTO audit (seq, actor_id,"
		     " action_id, msg_id, payload, at, prev_hash, hash) SELECT $1::bigint,"
		     " (SELECT id FROM audit_names WHERE name = $2::text),"
		     " (SELECT id FROM audit_names WHERE name = $3::text), $4::bigint,"
		     " $5::bytea, $6::bigint, CASE WHEN decode($7::text, 'hex') = coalesce(t.hash,"
		     " " AUDIT_ZERO ") THEN NULL ELSE decode($7::text, 'hex') END,"
		     " decode($9::text, 'hex')"
		     " FROM (SELECT 1) one LEFT JOIN audit_head t ON true"
		     " WHERE $1::bigint = coalesce(t.seq, 0) + 1"
		     " AND (t.seq IS NULL OR t.hash = decode($7::text, 'hex')) ON CONFLICT DO NOTHING"
		     " RETURNING seq)"
		     " INSERT INTO audit_head (one, seq, hash) SELECT 1, seq, decode($8::text, 'hex')"
		     " FROM ins ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
		     &p, "audit", &n, err);
	if (rc == 0 && n > 0) {
		remember_tail(pg(st), e);
		return 0;
	}
	pg(st)->tail_known = false;
	if (rc < 0)
		return rc;
	/* a seq the log has is a duplicate, in SQLite's words; the rest
	 * (a gap, another prev_hash) SQLite would take and break the chain */
	rc = pl_audit_tail(st, &tail, hash, err);
	if (rc < 0)
		return rc;
	if (e->seq <= tail)
		return err_set(err, ERR_CONFLICT, "", "audit: already exists");
	return err_set(err, ERR_CONFLICT, "", "audit: entry %lld does not follow the log's "
		       "last entry", (long long)e->seq);
}

/*
 * Inside a write transaction the write lock is held already.  Outside one,
 * the insert runs in a transaction of its own that takes the lock first,
 * so it never slips between another writer's audit_tail and audit_insert,
 * and its statement reads the tail after the lock is granted.
 */
int pl_audit_insert(struct store *st, const struct audit_entry *e, struct err *err)
{
	int rc;

	if (pg(st)->depth > 0)
		return audit_put(st, e, err);
	rc = st->ops->begin(st, err);
	if (rc < 0)
		return rc;
	rc = audit_put(st, e, err);
	if (rc == 0)
		return st->ops->commit(st, err);
	st->ops->rollback(st);
	return rc;
}

/* A stored payload (column c) as its text; one that does not unpack reads
 * as "", so that `audit verify` finds its entry's content changed. */
void pl_audit_payload(const PGresult *res, int r, int c, int64_t at, char *dst, size_t dstsz)
{
	size_t n;
	unsigned char *p = pg_blob(res, r, c, &n);

	if (!p || audit_unpack(p, n, at, dst, dstsz, NULL) < 0)
		str_copy(dst, dstsz, "");
	free(p);
}

static void read_audit(const PGresult *res, int r, void *rec)
{
	struct audit_entry *e = rec;

	e->seq = pg_int(res, r, 0);
	pg_text(res, r, 1, e->actor, sizeof(e->actor));
	pg_text(res, r, 2, e->action, sizeof(e->action));
	e->msg_id = pg_int(res, r, 3);
	e->at = pg_int(res, r, 5);
	pl_audit_payload(res, r, 4, e->at, e->payload, sizeof(e->payload));
	pg_text(res, r, 6, e->prev_hash, sizeof(e->prev_hash));
	pg_text(res, r, 7, e->hash, sizeof(e->hash));
}

#define AUDIT_NAMES " FROM audit a JOIN audit_names who ON who.id = a.actor_id" \
	" JOIN audit_names what ON what.id = a.action_id"
#define AUDIT_COLS "a.seq, who.name, what.name, a.msg_id, a.payload, a.at," \
	" encode(coalesce(a.prev_hash, (SELECT p.hash FROM audit p WHERE p.seq = a.seq - 1), " \
	AUDIT_ZERO "), 'hex'), encode(a.hash, 'hex')" AUDIT_NAMES

int pl_audit_list(struct store *st, int64_t after, size_t max, struct audit_entry **out,
		  size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, after);
	pg_p_int(&p, pl_limit(max));
	return pl_list(st, PL_AUDIT_LIST, "SELECT " AUDIT_COLS " WHERE a.seq > $1"
		       " ORDER BY a.seq LIMIT $2", &p, "audit", read_audit, sizeof(**out),
		       (void **)out, n, err);
}

int pl_audit_list_msg(struct store *st, int64_t msg_id, size_t max, struct audit_entry **out,
		      size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, msg_id);
	pg_p_int(&p, pl_limit(max));
	/* without the hashes (a timeline does not need them) */
	return pl_list(st, PL_AUDIT_LIST_MSG, "SELECT a.seq, who.name, what.name, a.msg_id,"
		       " a.payload, a.at, NULL, NULL" AUDIT_NAMES
		       " WHERE a.msg_id = $1 ORDER BY a.seq LIMIT $2", &p, "audit", read_audit, sizeof(**out),
		       (void **)out, n, err);
}

/* ---- SMS outbox ---- */

#define SMS_COLS "id, to_mobile, body, msg_id, state, attempts, created_at, next_at, sent_at," \
	" last_error, claimed_at"

static void read_sms(const PGresult *res, int r, void *rec)
{
	struct sms *m = rec;

	memset(m, 0, sizeof(*m));
	m->id = pg_int(res, r, 0);
	pg_text(res, r, 1, m->to, sizeof(m->to));
	pg_text(res, r, 2, m->body, sizeof(m->body));
	m->msg_id = pg_int(res, r, 3);
	m->state = (enum sms_state)pg_int(res, r, 4);
	m->attempts = (int)pg_int(res, r, 5);
	m->created_at = pg_int(res, r, 6);
	m->next_at = pg_int(res, r, 7);
	m->sent_at = pg_int(res, r, 8);
	pg_text(res, r, 9, m->last_error, sizeof(m->last_error));
	m->claimed_at = pg_int(res, r, 10);
}

/* What a timeline shows of a text (store.h, sms_list_msg), as SQLite's */
static void read_sms_shown(const PGresult *res, int r, void *rec)
{
	struct sms *m = rec;

	memset(m, 0, sizeof(*m));
	m->id = pg_int(res, r, 0);
	pg_text(res, r, 1, m->to, sizeof(m->to));
	pg_text(res, r, 2, m->body, sizeof(m->body));
	m->state = (enum sms_state)pg_int(res, r, 3);
	m->created_at = pg_int(res, r, 4);
	m->sent_at = pg_int(res, r, 5);
}

int pl_sms_insert(struct store *st, struct sms *m, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int rc;

	pl_p_text(&p, m->to);
	pl_p_text(&p, m->body);
	pg_p_id(&p, m->msg_id);
	pg_p_int(&p, m->state);
	pg_p_int(&p, m->attempts);
	pg_p_int(&p, m->created_at);
	pg_p_int(&p, m->next_at);
	rc = pl_run(st, PL_SMS_INSERT, "INSERT INTO sms_outbox (to_mobile, body, msg_id, state,"
		    " attempts, created_at, next_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
		    " RETURNING id", &p, "sms", err, &res);
	if (rc < 0)
		return rc;
	m->id = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

int pl_sms_next_due(struct store *st, int64_t now, struct sms *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, now);
	return pl_one(st, PL_SMS_NEXT, "SELECT " SMS_COLS " FROM sms_outbox"
		      " WHERE state = " SMS_STATE_PENDING_SQL " AND next_at <= $1"
		      " ORDER BY next_at, id LIMIT 1", &p, "sms", read_sms, out, err);
}

/* The claim: a row changes only from the state the caller read, and a
 * sending row only under the caller's claim (claimed_at). */
int pl_sms_update(struct store *st, const struct sms *m, enum sms_state from, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t n = 0;
	int rc;

	pg_p_int(&p, m->state);
	pg_p_int(&p, m->attempts);
	pg_p_int(&p, m->next_at);
	pg_p_int(&p, m->sent_at);
	pl_p_text(&p, m->last_error);
	pg_p_int(&p, m->id);
	pg_p_int(&p, from);
	pg_p_int(&p, m->claimed_at);
	rc = pl_exec(st, PL_SMS_UPDATE, "UPDATE sms_outbox SET state = $1, attempts = $2,"
		     " next_at = $3, sent_at = $4, last_error = $5, claimed_at = $8"
		     " WHERE id = $6 AND state = $7"
		     " AND (state <> " SMS_STATE_SENDING_SQL " OR claimed_at = $8)", &p, "sms", &n,
		     err);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(err, ERR_CONFLICT, "", "sms %lld is no longer %s", (long long)m->id,
			       sms_state_name(from));
	return 0;
}

int pl_sms_release_expired(struct store *st, int64_t now, int max_attempts, const char *error,
			   size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t changed = 0;
	int rc;

	*n = 0;
	pg_p_int(&p, max_attempts);
	pl_p_text(&p, error);
	pg_p_int(&p, now);
	rc = pl_exec(st, PL_SMS_RELEASE, "UPDATE sms_outbox SET state ="
		     " CASE WHEN attempts >= $1 THEN " SMS_STATE_FAILED_SQL
		     " ELSE " SMS_STATE_PENDING_SQL " END, last_error = $2"
		     " WHERE state = " SMS_STATE_SENDING_SQL " AND next_at <= $3", &p, "sms",
		     &changed, err);
	if (rc == 0)
		*n = (size_t)changed;
	return rc;
}

/* The rows sms_prune may delete, as SQLite's: done with, and done before
 * $1, walking by id from $2. */
#define SMS_PRUNABLE " id > $2 AND state IN (" SMS_STATE_SENT_SQL ", " SMS_STATE_FAILED_SQL ")" \
	" AND CASE state WHEN " SMS_STATE_SENT_SQL " THEN sent_at" \
	" ELSE greatest(created_at, claimed_at) END < $1"

int pl_sms_prune(struct store *st, int64_t before, int64_t after, size_t max,
		 struct sms_pruned *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int64_t count, changed = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	pg_p_int(&p, before);
	pg_p_int(&p, after);
	pg_p_int(&p, pl_limit(max));
	rc = pl_run(st, PL_SMS_PRUNE_PICK, "SELECT count(*), coalesce(sum((state = "
		    SMS_STATE_SENT_SQL ")::int), 0), coalesce(min(id), 0), coalesce(max(id), 0)"
		    " FROM (SELECT id, state FROM sms_outbox WHERE" SMS_PRUNABLE
		    " ORDER BY id LIMIT $3) picked", &p, "sms", err, &res);
	if (rc < 0)
		return rc;
	count = pg_int(res, 0, 0);
	out->sent = (size_t)pg_int(res, 0, 1);
	out->failed = (size_t)(count - pg_int(res, 0, 1));
	out->first_id = pg_int(res, 0, 2);
	out->last_id = pg_int(res, 0, 3);
	PQclear(res);
	if (count == 0)
		return 0;
	p.n = 2;
	pg_p_int(&p, out->last_id);
	rc = pl_exec(st, PL_SMS_PRUNE_DEL, "DELETE FROM sms_outbox WHERE" SMS_PRUNABLE
		     " AND id <= $3", &p, "sms", &changed, err);
	if (rc == 0 && changed != count)
		rc = err_set(err, ERR_CONFLICT, "", "the SMS outbox changed while it was pruned");
	return rc;
}

int pl_sms_list(struct store *st, size_t max, struct sms **out, size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, pl_limit(max));
	return pl_list(st, PL_SMS_LIST, "SELECT " SMS_COLS " FROM sms_outbox"
		       " ORDER BY id DESC LIMIT $1", &p, "sms", read_sms, sizeof(**out),
		       (void **)out, n, err);
}

int pl_sms_list_msg(struct store *st, int64_t msg_id, size_t max, struct sms **out, size_t *n,
		    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, msg_id);
	pg_p_int(&p, pl_limit(max));
	return pl_list(st, PL_SMS_LIST_MSG, "SELECT id, to_mobile, body, state, created_at,"
		       " sent_at FROM sms_outbox WHERE msg_id = $1 ORDER BY id LIMIT $2", &p,
		       "sms", read_sms_shown, sizeof(**out), (void **)out, n, err);
}

/* ---- verification codes ---- */

#define VERIFY_COLS "id, mobile, addr, salt, hash, created_at, expires_at, tries, used"

static void read_verify(const PGresult *res, int r, void *rec)
{
	struct verify_code *v = rec;

	memset(v, 0, sizeof(*v));
	v->id = pg_int(res, r, 0);
	pg_text(res, r, 1, v->mobile, sizeof(v->mobile));
	pg_text(res, r, 2, v->addr, sizeof(v->addr));
	pg_text(res, r, 3, v->salt, sizeof(v->salt));
	pg_text(res, r, 4, v->hash, sizeof(v->hash));
	v->created_at = pg_int(res, r, 5);
	v->expires_at = pg_int(res, r, 6);
	v->tries = (int)pg_int(res, r, 7);
	v->used = pg_bool(res, r, 8);
}

int pl_verify_insert(struct store *st, struct verify_code *v, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int rc;

	pl_p_text(&p, v->mobile);
	pl_p_text(&p, v->addr);
	pl_p_text(&p, v->salt);
	pl_p_text(&p, v->hash);
	pg_p_int(&p, v->created_at);
	pg_p_int(&p, v->expires_at);
	pg_p_int(&p, v->tries);
	pg_p_bool(&p, v->used);
	rc = pl_run(st, PL_VERIFY_INSERT, "INSERT INTO verify_codes (mobile, addr, salt, hash,"
		    " created_at, expires_at, tries, used) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
		    " RETURNING id", &p, "verification code", err, &res);
	if (rc < 0)
		return rc;
	v->id = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

int pl_verify_latest(struct store *st, const char *mobile, struct verify_code *out,
		     struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pl_p_text(&p, mobile);
	return pl_one(st, PL_VERIFY_LATEST, "SELECT " VERIFY_COLS " FROM verify_codes"
		      " WHERE mobile = $1 ORDER BY created_at DESC, id DESC LIMIT 1", &p,
		      "verification code", read_verify, out, err);
}

int pl_verify_update(struct store *st, const struct verify_code *v, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t n = 0;
	int rc;

	pg_p_int(&p, v->tries);
	pg_p_bool(&p, v->used);
	pg_p_int(&p, v->id);
	rc = pl_exec(st, PL_VERIFY_UPDATE, "UPDATE verify_codes SET tries = $1, used = $2"
		     " WHERE id = $3", &p, "verification code", &n, err);
	if (rc == 0 && n == 0)
		return err_set(err, ERR_NOTFOUND, "", "verification code: not found");
	return rc;
}

/* count(*) and min(created_at) of the rows of key since a time. */
static int count_since(struct store *st, enum pg_log_stmt id, const char *sql, const char *key,
		       int64_t since, int64_t *n, int64_t *oldest, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int rc;

	*n = 0;
	*oldest = 0;
	pl_p_text(&p, key);
	pg_p_int(&p, since);
	rc = pl_run(st, id, sql, &p, "verification codes", err, &res);
	if (rc < 0)
		return rc;
	*n = pg_int(res, 0, 0);
	*oldest = pg_int(res, 0, 1);
	PQclear(res);
	return 0;
}

int pl_verify_count_mobile(struct store *st, const char *mobile, int64_t since, int64_t *n,
			   int64_t *oldest, struct err *err)
{
	return count_since(st, PL_VERIFY_COUNT_MOBILE, "SELECT count(*),"
			   " coalesce(min(created_at), 0) FROM verify_codes"
			   " WHERE mobile = $1 AND created_at >= $2", mobile, since, n, oldest, err);
}

int pl_verify_count_addr(struct store *st, const char *addr, int64_t since, int64_t *n,
			 int64_t *oldest, struct err *err)
{
	return count_since(st, PL_VERIFY_COUNT_ADDR, "SELECT count(*),"
			   " coalesce(min(created_at), 0) FROM verify_codes"
			   " WHERE addr = $1 AND created_at >= $2", addr, since, n, oldest, err);
}

int pl_verify_prune(struct store *st, int64_t before, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, before);
	return pl_exec(st, PL_VERIFY_PRUNE, "DELETE FROM verify_codes WHERE created_at < $1", &p,
		       "verification codes", NULL, err);
}
