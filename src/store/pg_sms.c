/*
 * pg_sms.c - the SMS outbox's retention in PostgreSQL: store op sms_prune
 * (store.h), the twin of sqlite_msg.c's sq_sms_prune.  One statement picks
 * the first max done rows by id after `after` (the primary key's order)
 * and deletes them, so a batch reads its own rows, never every done row.
 */
#include <string.h>

#include "store/pg_int.h"

int pg_sms_prune(struct store *st, int64_t before, int64_t after, size_t max,
		 struct sms_pruned *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int64_t count;

	memset(out, 0, sizeof(*out));
	pg_p_int(&p, before);
	pg_p_int(&p, after);
	pg_p_int(&p, (int64_t)max);
	res = pg_run(pg(st), PG_SMS_PRUNE, "WITH picked AS (SELECT id FROM sms_outbox"
		     " WHERE id > $2 AND state IN (" SMS_STATE_SENT_SQL ", " SMS_STATE_FAILED_SQL ")"
		     " AND CASE state WHEN " SMS_STATE_SENT_SQL " THEN sent_at"
		     " ELSE greatest(created_at, claimed_at) END < $1 ORDER BY id LIMIT $3),"
		     " gone AS (DELETE FROM sms_outbox o USING picked WHERE o.id = picked.id"
		     " RETURNING o.id, o.state)"
		     " SELECT count(*), coalesce(sum((state = " SMS_STATE_SENT_SQL ")::int), 0),"
		     " coalesce(min(id), 0), coalesce(max(id), 0) FROM gone", &p, "sms", err);
	if (!res)
		return pg_failed(err);
	count = pg_int(res, 0, 0);
	out->sent = (size_t)pg_int(res, 0, 1);
	out->failed = (size_t)(count - pg_int(res, 0, 1));
	out->first_id = pg_int(res, 0, 2);
	out->last_id = pg_int(res, 0, 3);
	PQclear(res);
	return 0;
}
