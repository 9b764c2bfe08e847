#!/usr/bin/env bash
# bench/storm.sh - the storm day: NYC 311's worst day had about 280,000
# contacts; replay that many submissions through HTTP against a big database
# (the 10-million-message demo) as fast as the server acknowledges them, and
# show how long it took, the latency over time and that every acknowledged
# message is in the database afterwards.
#
#   bench/storm.sh --db PATH [--messages N] [--conns C] [--window S]
#                  [--hamgan PATH] [--no-verify]
#
# The database is written to (the storm's messages are added, as a real
# storm would; copy it first to keep it).  An operator account storm-N is
# added with a random password; the server runs with the per-address limits
# out of the way (--set max_per_ip=0 --set track_rate=100000000), otherwise
# in its default configuration.  wrk (C connections, default 64) runs in
# windows of S seconds (default 10) until N (default 280,000) submissions
# were answered 201; each window prints its rate and latency (p50, p90,
# p99, max), so the lines are the latency over time.  Every tracking code
# answered 201 is written down by the client (bench/http/storm.lua) and
# looked up in the database once the server has stopped; then, unless
# --no-verify (they read the whole database: minutes at 10 million), `hamgan
# db check`, `hamgan audit verify` and `hamgan report --verify` run on it.  The server's peak memory (VmHWM) is printed at the
# end.  Needs wrk and sqlite3.
set -euo pipefail

cd "$(dirname "$0")/.."
DB=""
N=280000
CONNS=64
WINDOW=10
HAMGAN=build/hamgan
VERIFY=1
while [ $# -gt 0 ]; do
	case "$1" in
	--db) DB=$2; shift 2 ;;
	--messages) N=$2; shift 2 ;;
	--conns) CONNS=$2; shift 2 ;;
	--window) WINDOW=$2; shift 2 ;;
	--hamgan) HAMGAN=$2; shift 2 ;;
	--no-verify) VERIFY=0; shift ;;
	-h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "storm.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$DB" ] && [ -f "$DB" ] || { echo "storm.sh: --db PATH of an existing database" >&2; exit 2; }
case "$N$CONNS$WINDOW" in *[!0-9]*) echo "storm.sh: numbers only" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { echo "storm.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -x "$HAMGAN" ] || { echo "storm.sh: '$HAMGAN' is missing (make)" >&2; exit 1; }

T=$(mktemp -d /tmp/hamgan-storm.XXXXXX)
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ulimit -Sn "$(ulimit -Hn)"

"$HAMGAN" init --db "$DB" >/dev/null	# brings an older database up to date
USER=storm-$(date +%s)
PW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
echo "$PW" | "$HAMGAN" user add "$USER" --role operator --name "اپراتور طوفان" \
	--password-stdin --db "$DB" >/dev/null
CATEGORY=$(sqlite3 "$DB" "SELECT code FROM categories c WHERE NOT EXISTS
	(SELECT 1 FROM categories k WHERE k.parent_id = c.id) ORDER BY id LIMIT 1")
BEFORE=$(sqlite3 "$DB" "SELECT count(*) FROM messages")
echo "database: $DB, $BEFORE messages; category $CATEGORY; $N submissions, $CONNS connections"

"$HAMGAN" serve --listen 127.0.0.1:0 --db "$DB" --web-root web --set max_per_ip=0 \
	--set track_rate=100000000 >"$T/serve.out" 2>"$T/serve.err" &
PID=$!
for _ in $(seq 600); do grep -q '^listening on' "$T/serve.out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$T/serve.out" | head -1)
[ -n "$URL" ] || { cat "$T/serve.err" >&2; exit 1; }
URL=${URL%/}
export BENCH_TOKEN
BENCH_TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
	-d "{\"username\":\"$USER\",\"password\":\"$PW\",\"bearer\":true}" \
	"$URL/api/v1/auth/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$BENCH_TOKEN" ] || { echo "storm.sh: cannot sign in as $USER" >&2; exit 1; }
export STORM_CATEGORY=$CATEGORY STORM_CODES=$T/codes

acked() { cat "$T"/codes.* 2>/dev/null | wc -l; }
start=$(date +%s.%N)
round=0
printf '%8s %8s %8s %8s %8s %8s %9s %8s\n' t_s rate/s p50_ms p90_ms p99_ms max_ms acked not_201
while [ "$(acked)" -lt "$N" ]; do
	round=$((round + 1))
	STORM_ROUND=$round wrk -t2 -c"$CONNS" -d"${WINDOW}s" --timeout 10s -s bench/http/storm.lua \
		"$URL/" >"$T/wrk.out" 2>&1 || true
	line=$(grep '^RESULT' "$T/wrk.out") || { cat "$T/wrk.out" >&2; exit 1; }
	val() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	now=$(date +%s.%N)
	printf '%8.0f %8s %8s %8s %8s %8s %9s %8s\n' "$(echo "$now - $start" | bc)" "$(val rps)" \
		"$(val p50_ms)" "$(val p90_ms)" "$(val p99_ms)" "$(val max_ms)" "$(acked)" \
		"$(( $(val not_201) + $(val socket_errors) ))"
done
took=$(echo "$(date +%s.%N) - $start" | bc)
HWM=$(awk '/VmHWM/ {print $2, $3}' /proc/$PID/status)
kill "$PID"
wait "$PID" 2>/dev/null || true
PID=""
ACKED=$(acked)
AFTER=$(sqlite3 "$DB" "SELECT count(*) FROM messages")
cat "$T"/codes.* | sort -u >"$T/all"
MISSING=$(sqlite3 "$DB" "CREATE TEMP TABLE acked (code TEXT PRIMARY KEY)" ".import $T/all acked" \
	"SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.code = a.code)")
printf 'storm: %d acknowledged in %.0f s (%.0f a second); the database went from %d to %d messages\n' \
	"$ACKED" "$took" "$(echo "$ACKED / $took" | bc -l)" "$BEFORE" "$AFTER"
echo "acknowledged but missing: $MISSING; distinct codes: $(wc -l <"$T/all")"
echo "registered but not seen acknowledged by the client: $((AFTER - BEFORE - ACKED))" \
	"(in flight when a window ended: at most $CONNS a window)"
echo "server VmHWM: $HWM"
if [ "$VERIFY" = 1 ]; then
	/usr/bin/time -f "db check: %e s" "$HAMGAN" db check --db "$DB"
	/usr/bin/time -f "audit verify: %e s" "$HAMGAN" audit verify --db "$DB"
	/usr/bin/time -f "report --verify: %e s, %M KB peak" "$HAMGAN" report --verify --db "$DB"
fi
[ "$MISSING" = 0 ]
