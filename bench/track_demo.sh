#!/usr/bin/env bash
# bench/track_demo.sh - citizens following demo messages: the tracking
# look-up over 500 codes spread through a demo database (messages with their
# whole life: referrals, answers, verdicts, grades, texts), where
# bench/http.sh follows 500 messages it has just registered (one step each).
# With two builds the servers run side by side on the same database and
# their runs alternate, so a change is measured against the build before it
# in the same minutes.
#
#   bench/track_demo.sh --db DEMO.db [--hamgan A [--hamgan B]] [--rounds N]
#                       [--duration S] [--conns C]
#
# Prints one line a run (build, round, requests/s, p50 and p99 in ms, the
# server's CPU time a look-up in microseconds) and the median of each build.
# The servers run with the per-address limits out of the benchmark's way
# (max_per_ip=0, track_rate=100000000).  Needs wrk (Debian package wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=""
BUILDS=()
ROUNDS=3
DURATION=6
CONNS=64
while [ $# -gt 0 ]; do
	case "$1" in
	--db) DB=$2; shift 2 ;;
	--hamgan) BUILDS+=("$2"); shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--conns) CONNS=$2; shift 2 ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "track_demo.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$DB" ] && [ -f "$DB" ] || { echo "track_demo.sh: --db DEMO.db is needed (hamgan demo --db DEMO.db)" >&2; exit 2; }
[ ${#BUILDS[@]} -gt 0 ] || BUILDS=(build/hamgan)
command -v wrk >/dev/null || { echo "track_demo.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
T=$(mktemp -d /tmp/hamgan-track-demo.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
ulimit -Sn "$(ulimit -Hn)"

# 500 public messages spread over the ids (a fixed stride, the same each run)
sqlite3 -separator ' ' "$DB" "SELECT m.code, c.mobile FROM messages m
	JOIN citizens c ON c.id = m.citizen_id WHERE m.confidential = 0
	ORDER BY (m.id * 7919) % 100003 LIMIT 500" >"$T/codes"

URLS=()
for i in "${!BUILDS[@]}"; do
	[ -x "${BUILDS[$i]}" ] || { echo "track_demo.sh: '${BUILDS[$i]}' is missing (make)" >&2; exit 1; }
	"${BUILDS[$i]}" serve --listen 127.0.0.1:0 --db "$DB" --web-root web --set max_per_ip=0 \
		--set track_rate=100000000 >"$T/serve$i.out" 2>/dev/null &
	PIDS+=($!)
	for _ in $(seq 100); do grep -q '^listening on' "$T/serve$i.out" && break; sleep 0.1; done
	URLS+=("$(sed -n 's/^listening on //p' "$T/serve$i.out")")
	[ -n "${URLS[$i]}" ] || { echo "track_demo.sh: ${BUILDS[$i]} did not start" >&2; exit 1; }
done

for r in $(seq "$ROUNDS"); do
	for i in "${!BUILDS[@]}"; do
		a=$(awk '{ print $14 + $15 }' "/proc/${PIDS[$i]}/stat")
		out=$(BENCH_CODES=$T/codes wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency \
			-s bench/http/track.lua "${URLS[$i]%/}/")
		b=$(awk '{ print $14 + $15 }' "/proc/${PIDS[$i]}/stat")
		echo "$out" | awk -v build="${BUILDS[$i]}" -v r="$r" -v ticks=$((b - a)) \
			-v hz="$(getconf CLK_TCK)" '
			/^RESULT/ { for (k = 2; k <= NF; k++) { split($k, kv, "="); v[kv[1]] = kv[2] } }
			END { if (v["not_200"] + v["socket_errors"] > 0) bad = " (not 200: " v["not_200"] ", socket errors: " v["socket_errors"] ")"
			      printf "%s round %d rps=%d p50_ms=%.2f p99_ms=%.2f cpu_us=%.1f%s\n", build, r, v["rps"],
				v["p50_ms"], v["p99_ms"], ticks * 1e6 / hz / v["requests"], bad }'
		sleep 2
	done
done | tee "$T/runs"
for b in "${BUILDS[@]}"; do
	awk -v b="$b" '$1 == b' "$T/runs" | sed 's/.*rps=\([0-9]*\) .*p99_ms=\([0-9.]*\) cpu_us=\([0-9.]*\).*/\1 \2 \3/' |
		sort -n | awk -v b="$b" '{ r[NR] = $0 } END { split(r[int((NR + 1) / 2)], m, " ");
			printf "median %s: %d look-ups/s, p99 %.2f ms, %.1f us of server CPU a look-up\n", b, m[1], m[2], m[3] }'
done
