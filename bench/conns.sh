#!/usr/bin/env bash
# bench/conns.sh - many connections at once: wrk opens 64, 1,000 and 5,000
# connections at the same moment against a real `hamgan serve` and keeps each
# busy for the run, on GET /healthz and on the citizen's tracking look-up;
# then 5,000 idle kept-alive connections for the memory one costs.
#
#   bench/conns.sh [--db PATH] [--conns "64 1000 5000"] [--duration S]
#                  [--runs N] [--threads T] [--hamgan PATH] [--paced MS]
#                  [--nginx] [--server-threads N]
#
# Prints, per connection count and URL, the median over N interleaved runs
# of requests/s, p50 and p99 latency, and the errors of all runs (socket
# errors: connect, read, write, time-outs; non-2xx answers).  The server
# runs with the per-address limits out of the benchmark's way (every wrk
# connection comes from 127.0.0.1): max_per_ip=0, track_rate=100000000;
# max_connections stays at its default.  Without --db a 2,000-message demo
# database is made in build/bench (a look-up is an indexed read: its cost
# does not grow with the database).  With --paced MS each connection count
# and URL is also run paced (bench/http/paced.lua): every connection waits
# about MS milliseconds (half to one and a half times) after each answer, so
# that N connections offer about N * 1000 / MS requests a second, below the
# server's ceiling; its rows are named healthz~MS and track~MS.  With
# --nginx the same runs also go to nginx answering every request with a
# fixed 200 from memory (Debian package nginx-light; two worker processes,
# one a core, no access log): the machine's own limit for a closed loop of
# that many connections, taken in the same run (row "nginx").  With
# --server-threads N the server runs N worker threads (the setting threads;
# without it, the server's default: 2).  Each run of the server also says
# how evenly its worker threads shared the CPU: every 100 ms their CPU time
# is read, and "uneven" is the share of those windows where one worker got
# less than half of another's (a worker short of CPU answers its own
# connections late, so their requests make the tail); and "mean ms" is the
# mean latency Little's law gives (connections / requests a second), to set
# p99 beside ("-" for a paced run, whose clients also pause).  Needs wrk
# (Debian package wrk).
set -euo pipefail

cd "$(dirname "$0")/.."
DB=""
CONNS="64 1000 5000"
DURATION=10
RUNS=3
THREADS=2
SERVER_THREADS=""
HAMGAN=build/hamgan
PACED=""
NGINX=""
while [ $# -gt 0 ]; do
	case "$1" in
	--db) DB=$2; shift 2 ;;
	--conns) CONNS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	--threads) THREADS=$2; shift 2 ;;
	--server-threads) SERVER_THREADS=$2; shift 2 ;;
	--hamgan) HAMGAN=$2; shift 2 ;;
	--paced) PACED=$2; shift 2 ;;
	--nginx) NGINX=1; shift ;;
	-h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "conns.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
command -v wrk >/dev/null || { echo "conns.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -x "$HAMGAN" ] || { echo "conns.sh: '$HAMGAN' is missing (make)" >&2; exit 1; }
[ -z "$NGINX" ] || [ -x /usr/sbin/nginx ] ||
	{ echo "conns.sh: --nginx needs nginx (apt-get install nginx-light)" >&2; exit 1; }

OUT=build/bench/conns
mkdir -p "$OUT"
if [ -z "$DB" ]; then
	DB=$OUT/demo.db
	[ -f "$DB" ] || "$HAMGAN" demo --db "$DB" --messages 2000 >/dev/null
fi
# a public message's code and its citizen's mobile: the look-up wrk repeats
read -r CODE MOBILE < <(sqlite3 -separator ' ' "$DB" "SELECT m.code, c.mobile FROM messages m
	JOIN citizens c ON c.id = m.citizen_id WHERE m.confidential = 0 ORDER BY m.id LIMIT 1")

# wrk holds one descriptor per connection
ulimit -Sn "$(ulimit -Hn)"

# The server raises its own limit on open files (logged); its access log
# goes to a file so the terminal is not the bottleneck.
"$HAMGAN" serve --listen 127.0.0.1:0 --db "$DB" --web-root web --set max_per_ip=0 \
	--set track_rate=100000000 ${SERVER_THREADS:+--set threads=$SERVER_THREADS} \
	>"$OUT/serve.out" 2>"$OUT/serve.err" &
PID=$!
NGINX_PID=""
trap 'kill $PID $NGINX_PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
	grep -q '^listening on' "$OUT/serve.out" 2>/dev/null && break
	sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$OUT/serve.out")
[ -n "$URL" ] || { echo "conns.sh: the server did not start" >&2; cat "$OUT/serve.err" >&2; exit 1; }
grep -h 'open files' "$OUT/serve.err" || true

declare -A PATHS=([healthz]="/healthz" [track]="/api/v1/track?code=$CODE&mobile=$MOBILE")
declare -A URLS=([healthz]="$URL" [track]="$URL")
NAMES="healthz track"

# The reference: nginx on another free loopback port, in the foreground
# (its master's pid is NGINX_PID), with its files in $OUT.
if [ -n "$NGINX" ]; then
	NGINX_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	NGINX_DIR=$PWD/$OUT/nginx
	mkdir -p "$NGINX_DIR"
	cat >"$NGINX_DIR/nginx.conf" <<CONF
daemon off;
worker_processes 2;
worker_rlimit_nofile 20000;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 12000; }
http {
	access_log off;
	keepalive_requests 100000000;
	keepalive_timeout 75s;
	client_body_temp_path $NGINX_DIR/body;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		location / { default_type text/plain; return 200 "ok\n"; }
	}
}
CONF
	/usr/sbin/nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" &
	NGINX_PID=$!
	for _ in $(seq 1 50); do
		curl -sf "http://127.0.0.1:$NGINX_PORT/" >/dev/null 2>&1 && break
		sleep 0.1
	done
	curl -sf "http://127.0.0.1:$NGINX_PORT/" >/dev/null ||
		{ echo "conns.sh: nginx did not start" >&2; cat "$NGINX_DIR/error.log" >&2; exit 1; }
	PATHS[nginx]="/"
	URLS[nginx]="http://127.0.0.1:$NGINX_PORT"
	NAMES="nginx $NAMES"
fi

# Wait until the server is idle (its CPU time still for half a second, at
# most 30 s): a closed-loop run ends with thousands of requests still
# queued, and a run started before they are drained times out on them.
settle() {
	local a b
	for _ in $(seq 60); do
		a=$(awk '{ print $14 + $15 }' /proc/$PID/stat)
		sleep 0.5
		b=$(awk '{ print $14 + $15 }' /proc/$PID/stat)
		[ "$((b - a))" -le 1 ] && return
	done
}

# How evenly the server's worker threads (named hamgan-http) share the CPU
# for S seconds: every 100 ms each one's CPU time is read; prints the
# percentage of windows where one of them got less than half of another's
# (windows where none ran more than a tick are left out), "-" for nginx.
uneven() { # pid seconds
	python3 - "$1" "$2" <<'EOF' 2>/dev/null || echo -
import os, sys, time
pid, secs = sys.argv[1], float(sys.argv[2])
task = f"/proc/{pid}/task"
tids = [t for t in os.listdir(task) if open(f"{task}/{t}/comm").read().strip() == "hamgan-http"]
def ticks(t):
    f = open(f"{task}/{t}/stat").read().rsplit(") ", 1)[1].split()
    return int(f[11]) + int(f[12])
prev = [ticks(t) for t in tids]
seen = bad = 0
end = time.monotonic() + secs
while len(tids) > 1 and time.monotonic() < end:
    time.sleep(0.1)
    cur = [ticks(t) for t in tids]
    d = [c - p for c, p in zip(cur, prev)]
    prev = cur
    if max(d) > 1:
        seen += 1
        bad += 2 * min(d) < max(d)
print(f"{100 * bad / seen:.0f}" if seen else "-")
EOF
}

# one wrk run: "req/s p50_ms p99_ms socket_errors non2xx uneven_%"; a third
# argument runs it paced (bench/http/paced.lua) with that pause
one() {
	local c=$1 name=$2 out path url share=/dev/null
	path=${PATHS[$name]}
	url=${URLS[$name]}
	settle
	if [ "$name" != nginx ]; then
		share=$OUT/uneven.txt
		uneven "$PID" "$DURATION" >"$share" &
	fi
	if [ -n "${3-}" ]; then
		out=$(PACED_PATH=$path PACED_MS=$3 wrk -t"$THREADS" -c"$c" -d"${DURATION}s" \
			--timeout 5s --latency -s bench/http/paced.lua "$url" 2>&1)
	else
		out=$(wrk -t"$THREADS" -c"$c" -d"${DURATION}s" --timeout 5s --latency "$url$path" 2>&1)
	fi
	wait
	echo "$out" | awk -v uneven="$(cat "$share" 2>/dev/null)" '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
				 if (v ~ /m$/) return v * 60000; return v * 1000 }
		/Requests\/sec/ { rps = $2 }
		/^ +50%/ { p50 = ms($2) }
		/^ +99%/ { p99 = ms($2) }
		/Socket errors/ { gsub(",", ""); se = $4 + $6 + $8 + $10 }
		/Non-2xx/ { n2 = $NF }
		END { printf "%.0f %.2f %.2f %d %d %s\n", rps, p50, p99, se, n2, uneven == "" ? "-" : uneven }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Memory first, on the fresh server: 5,000 idle kept-alive connections,
# each after one answered request (so libmicrohttpd has used its memory
# pool), held while VmRSS is read; the difference over the idle server is
# what a connection costs.
python3 - "$URL" "$PID" 5000 <<'EOF'
import resource, socket, sys, time, urllib.parse
url, pid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
u = urllib.parse.urlparse(url)
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
time.sleep(1)
before = rss()
socks, ok = [], 0
for i in range(n):
    s = socket.create_connection((u.hostname, u.port))
    s.settimeout(10)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    socks.append(s)
for s in socks:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            got = s.recv(4096)
            if not got:
                break
            data += got
    except OSError:
        pass
    ok += data.startswith(b"HTTP/1.1 200")
time.sleep(1)
after = rss()
print(f"idle connections: {ok} of {n} answered 200 and held; VmRSS {before} KiB -> {after} KiB, "
      f"{(after - before) / n:.1f} KiB a connection")
for s in socks:
    s.close()
EOF

: >"$OUT/runs.txt"
for run in $(seq 1 "$RUNS"); do
	for c in $CONNS; do
		for name in $NAMES; do
			echo "$c $name $run $(one "$c" "$name")" | tee -a "$OUT/runs.txt" >&2
			[ -z "$PACED" ] || echo "$c $name~$PACED $run $(one "$c" "$name" "$PACED")" |
				tee -a "$OUT/runs.txt" >&2
		done
	done
done

printf '\n%-6s %-12s %10s %9s %9s %9s %8s %8s %7s\n' conns url 'req/s' 'p50 ms' 'p99 ms' \
	'mean ms' 'sockerr' 'non-2xx' 'uneven'
ROWS=$NAMES
[ -z "$PACED" ] || for name in $NAMES; do ROWS="$ROWS $name~$PACED"; done
for c in $CONNS; do
	for name in $ROWS; do
		sel=$(awk -v c="$c" -v n="$name" '$1 == c && $2 == n' "$OUT/runs.txt")
		rps=$(echo "$sel" | awk '{ print $4 }' | median)
		printf '%-6s %-12s %10s %9s %9s %9s %8s %8s %7s\n' "$c" "$name" "$rps" \
			"$(echo "$sel" | awk '{ print $5 }' | median)" \
			"$(echo "$sel" | awk '{ print $6 }' | median)" \
			"$(awk -v c="$c" -v r="$rps" -v n="$name" 'BEGIN { if (n ~ /~/ || r <= 0) print "-"; else printf "%.1f", 1000 * c / r }')" \
			"$(echo "$sel" | awk '{ s += $7 } END { print s }')" \
			"$(echo "$sel" | awk '{ s += $8 } END { print s }')" \
			"$(u=$(echo "$sel" | awk '$9 != "" && $9 != "-" { print $9 }')
			   [ -n "$u" ] && echo "$(echo "$u" | median)%" || echo -)"
	done
done
echo "track / healthz (req/s, same runs): $(awk '
	$2 == "healthz" { h[$1] += $4 } $2 == "track" { t[$1] += $4 }
	END { for (c in h) printf "%s conns %.2f  ", c, t[c] / h[c] }' "$OUT/runs.txt")"

grep -h VmHWM /proc/$PID/status | sed 's/^/server /'
