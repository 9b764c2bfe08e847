#!/bin/bash
# bench/http.sh - durable submissions and tracking look-ups over HTTP
# (docs/performance.md, "Group commit"): the real server (build/hamgan) on
# loopback, wrk with 64 connections, in ROUNDS interleaved rounds of
#   - the references (bench/bench_commit.c) on copies of the database as it
#     is: core_batched_full, the same submissions through the core, and
#     sqlite_batched_full, the same rows inserted straight into SQLite, both
#     100 to a transaction with synchronous=FULL; and what one commit costs
#     alone with FULL and with NORMAL;
#   - submit: POST /api/v1/messages as the operator's desk (bearer token),
#     each 201 sent only after its batch is fsynced (bench/http/submit.lua);
#   - healthz: GET /healthz; healthz_lua: the same through a wrk script
#     doing the client-side work track's does (bench/http/healthz.lua), so
#     that track/healthz_lua compares the server's work only;
#   - track: GET /api/v1/track over 500 existing codes (bench/http/track.lua).
# Prints each run, then the medians and the ratios the targets are about.
#
#	make bench-http                      (ROUNDS=3 SECONDS_PER_RUN=10 CONNS=64)
#	ROUNDS=5 SECONDS_PER_RUN=20 bench/http.sh
#
# The rate limits are set out of the way with --set (track_rate, login_rate,
# max_per_ip); everything else is the default configuration (2 threads).
set -euo pipefail
cd "$(dirname "$0")/.."
# bench/http.sh --summary FILE: the medians of a saved run (its "round" lines)
if [ "${1-}" = --summary ]; then
	SUMMARY_ONLY=$2
fi
if [ -z "${SUMMARY_ONLY-}" ]; then
ROUNDS=${ROUNDS:-3}
SECS=${SECONDS_PER_RUN:-10}
CONNS=${CONNS:-64}
REF_ROWS=${REF_ROWS:-10000}
HAMGAN=${HAMGAN:-build/hamgan}
BENCH_COMMIT=${BENCH_COMMIT:-build/bench/bench_commit}
command -v wrk >/dev/null || { echo "bench/http.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
T=$(mktemp -d /tmp/hamgan-bench-http.XXXXXX)
SRV=""
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
DB=$T/bench.db
PW=bench-password-1

. bench/seed.sh
bench_seed "$DB" "$PW"

"$HAMGAN" serve --listen 127.0.0.1:0 --db "$DB" --web-root web \
	--set track_rate=100000000 --set login_rate=100000 --set max_per_ip=0 \
	>"$T/serve.out" 2>"$T/serve.err" &
SRV=$!
for _ in $(seq 100); do grep -q '^listening on' "$T/serve.out" && break; sleep 0.1; done
[ -n "$(sed -n "s/^listening on //p" "$T/serve.out")" ] || { cat "$T/serve.err" >&2; exit 1; }
URL=$(sed -n 's/^listening on //p' "$T/serve.out" | head -1)
URL=${URL%/}
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
	-d "{\"username\":\"op\",\"password\":\"$PW\",\"bearer\":true}" "$URL/api/v1/auth/login" | jq -r .token)
export BENCH_TOKEN=$TOKEN
# 500 messages to follow
for i in $(seq 500); do
	m=$(printf '0935%07d' "$i")
	code=$(curl -s -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
		-d "{\"kind\":\"request\",\"category\":\"roads\",\"subject\":\"درخواست آسفالت\",\"body\":\"آسفالت کوچه‌ی ما خراب است.\",\"mobile\":\"$m\"}" \
		"$URL/api/v1/messages" | jq -r .code)
	echo "$code $m"
done >"$T/codes"

run_wrk() { # name args...
	local name=$1
	shift
	wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$@" 2>&1 | tee "$T/wrk.out" >/dev/null
	if grep -q '^RESULT' "$T/wrk.out"; then
		sed -n "s/^RESULT /$name /p" "$T/wrk.out"
	else
		awk -v n="$name" '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
			END {print n, "rps=" r, "p50=" p50, "p99=" p99}' "$T/wrk.out"
	fi
}

for round in $(seq "$ROUNDS"); do
	# the reference, on a copy of the database as it is now (server idle);
	# the copies are flushed before it and after they are gone, so that
	# neither the reference's commits nor the server's wait for the disk
	# to write out the benchmark's own copying (up to a gigabyte by the
	# last round)
	sqlite3 "$DB" ".backup '$T/core.db'"
	cp "$T/core.db" "$T/raw.db"
	sync
	"$BENCH_COMMIT" "$T/core.db" "$T/raw.db" "$REF_ROWS" | sed "s/^/round $round /"
	rm -f "$T"/core.db* "$T"/raw.db*
	sync
	run_wrk submit -s bench/http/submit.lua "$URL/" | sed "s/^/round $round /"
	run_wrk healthz "$URL/healthz" | sed "s/^/round $round /"
	run_wrk healthz_lua -s bench/http/healthz.lua "$URL/" | sed "s/^/round $round /"
	BENCH_CODES=$T/codes run_wrk track -s bench/http/track.lua "$URL/" | sed "s/^/round $round /"
done | tee "$T/all"
echo "messages in the database: $(sqlite3 "$DB" 'SELECT count(*) FROM messages')"
kill "$SRV" && wait "$SRV" 2>/dev/null || true
SRV=""
sed -n 's/^hamgan: info: writer: /the writer: /p' "$T/serve.err"	# batch sizes
mkdir -p build
cp "$T/all" build/bench-http.txt	# the raw lines, for --summary
ALL=$T/all
else
ALL=$SUMMARY_ONLY
fi
awk '
function med(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function val(s, k,   i, f) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2) + 0; return 0 }
$3 == "core_batched_full" { core[++ncore] = $4 + 0 }
$3 == "sqlite_batched_full" { ref[++nref] = $4 + 0; rref[$2] = $4 + 0 }
$3 == "commit_full_ms" { cf[++ncf] = $4 + 0; cn[ncf] = $6 + 0 }
$3 == "sqlite_batched_commit_ms" { bc50[++nbc] = $5 + 0; bc99[nbc] = $7 + 0; bcmax[nbc] = $9 + 0 }
$3 == "submit" { s[++ns] = val($0, "rps"); rs[$2] = s[ns]; s50[ns] = val($0, "p50_ms"); s99[ns] = val($0, "p99_ms"); sbad += val($0, "not_201") }
$3 == "healthz" { h[++nh] = val($0, "rps") + 0; rh[$2] = h[nh] }
$3 == "healthz_lua" { hl[++nhl] = val($0, "rps") + 0; rhl[$2] = hl[nhl] }
$3 == "track" { t[++nt] = val($0, "rps"); rt[$2] = t[nt]; t50[nt] = val($0, "p50_ms"); t99[nt] = val($0, "p99_ms"); tbad += val($0, "not_200") }
END {
	R = med(ref, nref); C = med(core, ncore); S = med(s, ns); H = med(h, nh); TR = med(t, nt)
	printf "median sqlite_batched_full %.0f rows/s, core_batched_full %.0f rows/s\n", R, C
	printf "median one commit alone: FULL %.2f ms, NORMAL %.2f ms\n", med(cf, ncf), med(cn, ncf)
	if (nbc) printf "median of sqlite_batched_full'"'"'s COMMITs (the disk'"'"'s fsync; a submission waits for at least one): p50 %.2f ms, p99 %.2f ms, slowest %.2f ms\n", med(bc50, nbc), med(bc99, nbc), med(bcmax, nbc)
	printf "median submit %.0f/s p50 %.2f ms p99 %.2f ms (not 201: %d) = %.0f%% of sqlite_batched_full, %.0f%% of core_batched_full\n", S, med(s50, ns), med(s99, ns), sbad, 100 * S / R, 100 * S / C
	for (r in rs) if (rref[r]) qs[++nqs] = 100 * rs[r] / rref[r]
	for (r in rt) if (rh[r]) qt[++nqt] = 100 * rt[r] / rh[r]
	for (r in rt) if (rhl[r]) qtl[++nqtl] = 100 * rt[r] / rhl[r]
	printf "median of the rounds'"'"' ratios: submit/sqlite_batched_full %.0f%%, track/healthz %.0f%%, track/healthz_lua %.0f%%\n", med(qs, nqs), med(qt, nqt), med(qtl, nqtl)
	printf "median healthz %.0f/s, healthz_lua (the same client work as track) %.0f/s\n", H, med(hl, nhl)
	printf "median track %.0f/s p50 %.2f ms p99 %.2f ms (not 200: %d) = %.0f%% of healthz\n", TR, med(t50, nt), med(t99, nt), tbad, 100 * TR / H
}' "$ALL"
