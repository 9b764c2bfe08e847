#!/bin/bash
# bench/scale_out.sh - durable submissions per second with 1, 2 and 3 server
# nodes on one PostgreSQL database, beside PostgreSQL's own insert limit
# measured with pgbench in the same run (docs/scale-out.md).
#
# A throw-away cluster (scripts/pg-cluster, fsync on), one database made with
# `hamgan init --db URI`, three `hamgan serve` nodes on it (default
# configuration, 2 worker threads each; rate limits out of the way as in
# bench/http.sh).  Each of ROUNDS interleaved rounds runs, SECONDS_PER_RUN
# seconds each:
#   - pgbench -c 64 -j 2 -M prepared on scratch copies of the tables
#     (CREATE TABLE ... LIKE, no foreign keys, no triggers):
#       pg_row         one messages row a transaction;
#       pg_submission  the rows one submission leaves (citizen, message,
#                      search terms, SMS, audit entry) a transaction;
#       pg_locked      pg_submission taking the write lock first, as every
#                      hamgan write transaction does (src/store/pg.c);
#   - wrk with bench/http/submit.lua (POST /api/v1/messages as the
#     operator's desk, each 201 sent once its batch's commit is durable)
#     against node 1, nodes 1-2 and nodes 1-3, CONNS connections in all,
#     split evenly, one wrk per node: the rates are summed, the p99 is the
#     worst node's.
# Prints each run and the medians.
#
#	make bench-scale                     (ROUNDS=3 SECONDS_PER_RUN=10 CONNS=64)
#	bench/scale_out.sh --summary FILE    (the medians of saved lines)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1-}" = --summary ]; then
	SUMMARY_ONLY=$2
fi
if [ -z "${SUMMARY_ONLY-}" ]; then
ROUNDS=${ROUNDS:-3}
SECS=${SECONDS_PER_RUN:-10}
CONNS=${CONNS:-64}
HAMGAN=${HAMGAN:-build/hamgan}
for t in wrk pgbench psql jq; do
	command -v $t >/dev/null || { echo "bench/scale_out.sh: $t is missing" >&2; exit 1; }
done
T=$(mktemp -d /tmp/hamgan-bench-scale.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	scripts/pg-cluster stop "$T/pg" || true
	rm -rf "$T"
}
trap cleanup EXIT
BASE=$(scripts/pg-cluster start "$T/pg")
URI=${BASE/\/postgres\?/\/bench?}
psql -X -q "$BASE" -c 'CREATE DATABASE bench'
PW=bench-password-1

. bench/seed.sh
bench_seed "$URI" "$PW"

# the scratch tables pgbench writes: the same columns, indexes and defaults
psql -X -q -v ON_ERROR_STOP=1 "$URI" <<'SQL'
CREATE TABLE pgb_citizens (LIKE citizens INCLUDING ALL);
CREATE TABLE pgb_messages (LIKE messages INCLUDING ALL);
CREATE TABLE pgb_fts (LIKE msg_fts INCLUDING ALL);
CREATE TABLE pgb_sms (LIKE sms_outbox INCLUDING ALL);
CREATE TABLE pgb_audit (LIKE audit INCLUDING ALL);
CREATE SEQUENCE pgb_code START 1000000000;
CREATE SEQUENCE pgb_seq;
SQL
# one message as the desk registers it: Persian texts of the same length;
# the audit entry in its stored form (the hash's 32 bytes, prev_hash NULL
# when it is the entry before's, actor and action as ids of audit_names, the
# payload packed: a registration's 13 bytes; src/store/pg_schema.c)
cat >"$T/row.sql" <<'SQL'
INSERT INTO pgb_messages (code, channel, kind, category_id, subject, body, address, state,
  unit_id, priority, registered_by, created_at, due_at, updated_at)
  VALUES (nextval('pgb_code')::text, 1, 1, 1, 'چاله در خیابان ولیعصر',
  'یک چاله‌ی بزرگ در خیابان ولی‌عصر نزدیک پلاک ۱۲۳ که برای موتورسواران خطرناک است.', '', 0,
  2, 0, 1, 1764680000, 1764939200, 1764680000);
SQL
{
	echo "\\set n random(1, 999999999)"
	echo "BEGIN;"
	cat <<'SQL'
INSERT INTO pgb_citizens (mobile, name, national_id, created_at)
  VALUES ('09' || lpad(:n::text, 9, '0'), 'مریم رضایی', '', 1764680000)
  ON CONFLICT (mobile) DO NOTHING;
INSERT INTO pgb_messages (code, channel, kind, category_id, subject, body, address, state,
  unit_id, priority, registered_by, created_at, due_at, updated_at)
  VALUES (nextval('pgb_code')::text, 1, 1, 1, 'چاله در خیابان ولیعصر',
  'یک چاله‌ی بزرگ در خیابان ولی‌عصر نزدیک پلاک ۱۲۳ که برای موتورسواران خطرناک است.', '', 0,
  2, 0, 1, 1764680000, 1764939200, 1764680000);
INSERT INTO pgb_fts (id, tsv) VALUES (currval(pg_get_serial_sequence('pgb_messages', 'id')),
  'چاله خیابان ولیعصر بزرگ ولی عصر نزدیک پلاک ۱۲۳ موتورسوار خطرناک'::tsvector);
INSERT INTO pgb_sms (to_mobile, body, msg_id, created_at, next_at)
  VALUES ('09' || lpad(:n::text, 9, '0'), 'همگان: پیام شما ثبت شد. کد رهگیری: ۱۲۳۴۵۶۷۸۹۰',
  currval(pg_get_serial_sequence('pgb_messages', 'id')), 1764680000, 1764680000);
INSERT INTO pgb_audit (seq, actor_id, action_id, msg_id, payload, at, prev_hash, hash)
  VALUES (nextval('pgb_seq'), 1, 2,
  currval(pg_get_serial_sequence('pgb_messages', 'id')),
  decode('010aa080a2cd0a13081b0d2000', 'hex'),
  1764680000, NULL, sha256(:n::text::bytea));
COMMIT;
SQL
} >"$T/submission.sql"
# the lock's key is PG_WRITE_LOCK_KEY (src/store/pg_int.h): "hamgan" as a number
LOCK_KEY=$(printf %d 0x68616d67616e)
sed "s/^BEGIN;\$/BEGIN;\nSELECT pg_advisory_xact_lock($LOCK_KEY);/" "$T/submission.sql" \
	>"$T/locked.sql"

URLS=()
for n in 1 2 3; do
	"$HAMGAN" serve --listen 127.0.0.1:0 --db "$URI" --web-root web \
		--set track_rate=100000000 --set login_rate=100000 --set max_per_ip=0 \
		>"$T/serve$n.out" 2>"$T/serve$n.err" &
	PIDS+=($!)
	for _ in $(seq 200); do grep -q '^listening on' "$T/serve$n.out" && break; sleep 0.1; done
	u=$(sed -n 's/^listening on //p' "$T/serve$n.out" | head -1)
	[ -n "$u" ] || { cat "$T/serve$n.err" >&2; exit 1; }
	URLS+=("${u%/}")
done
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
	-d "{\"username\":\"op\",\"password\":\"$PW\",\"bearer\":true}" \
	"${URLS[0]}/api/v1/auth/login" | jq -r .token)
export BENCH_TOKEN=$TOKEN

run_pgbench() { # name script
	pgbench -n -c 64 -j 2 -T "$SECS" -M prepared -f "$2" "$URI" >"$T/pgb.out" 2>&1 ||
		{ cat "$T/pgb.out" >&2; exit 1; }
	awk -v n="$1" '/^tps = / {t=$3} /^latency average/ {l=$4}
		END {print n, "tps=" t, "lat_avg_ms=" l}' "$T/pgb.out"
}

run_nodes() { # k: wrk against nodes 1..k, CONNS split evenly
	local k=$1 i c pids=()
	for i in $(seq 0 $((k - 1))); do
		c=$(((CONNS + i) / k))
		wrk -t$((k == 1 ? 2 : 1)) -c"$c" -d"${SECS}s" --latency -s bench/http/submit.lua \
			"${URLS[$i]}/" >"$T/wrk$i.out" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	cat "$T"/wrk*.out | awk -v n="nodes_$k" '/^RESULT/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		rps += v["rps"]; bad += v["not_201"] + v["socket_errors"]
		if (v["p99_ms"] > p99) p99 = v["p99_ms"]; if (v["p50_ms"] > p50) p50 = v["p50_ms"] }
		END { printf "%s rps=%.0f p50_ms=%.2f p99_ms=%.2f not_201=%d\n", n, rps, p50, p99, bad }'
	rm -f "$T"/wrk*.out
}

echo "load $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before round 1"
for round in $(seq "$ROUNDS"); do
	{
		run_pgbench pg_row "$T/row.sql"
		run_pgbench pg_submission "$T/submission.sql"
		run_pgbench pg_locked "$T/locked.sql"
		for k in 1 2 3; do run_nodes "$k"; done
	} | sed "s/^/round $round /"
done | tee "$T/all"
echo "load $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) after round $ROUNDS"
echo "messages in the database: $(psql -X -t -A "$URI" -c 'SELECT count(*) FROM messages')"
mkdir -p build
cp "$T/all" build/bench-scale.txt	# the raw lines, for --summary
ALL=$T/all
else
ALL=$SUMMARY_ONLY
fi
awk '
function med(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function val(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2) + 0; return 0 }
$3 ~ /^pg_/ { pg[$3, ++npg[$3]] = val("tps"); pgr[$3, $2] = val("tps") }
$3 ~ /^nodes_/ { r[$3, ++nr[$3]] = val("rps"); p99[$3, nr[$3]] = val("p99_ms"); bad[$3] += val("not_201")
	if (pgr["pg_submission", $2]) q[$3, nr[$3]] = 100 * val("rps") / pgr["pg_submission", $2] }
END {
	split("pg_row pg_submission pg_locked", P, " ")
	for (i = 1; i <= 3; i++) {
		delete a; for (j = 1; j <= npg[P[i]]; j++) a[j] = pg[P[i], j]
		printf "median %s %.0f transactions/s\n", P[i], med(a, npg[P[i]])
	}
	for (k = 1; k <= 3; k++) {
		n = "nodes_" k
		delete a; delete b
		delete c
		for (j = 1; j <= nr[n]; j++) { a[j] = r[n, j]; b[j] = p99[n, j]; c[j] = q[n, j] }
		printf "median %s submissions %.0f/s p99 %.2f ms (not 201: %d); %.0f%% of pg_submission (median of the rounds'"'"' ratios)\n", n, med(a, nr[n]), med(b, nr[n]), bad[n], med(c, nr[n])
	}
}' "$ALL"
