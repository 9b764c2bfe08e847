# Slow clients (issue 9, point 5): connections that send one byte a second
# never hit the idle timeout.  Over a thousand of them, from 20 loopback
# addresses each under the per-address limit (127.0.0.2 and up), must not
# stop the server from answering a prompt client at 127.0.0.1 within 100 ms;
# and a request's head and body each have a total deadline.
. "$(dirname "$0")/lib.sh"
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
TRICKLE="python3 $(dirname "$0")/trickle.py"
# the default (8192) would hold every slow client: the attack must outnumber
# the slots for the room kept for newcomers to matter
h_start --set max_connections=1024

# A prompt client's latency with nobody else around, for comparison.
base=0
for i in 1 2 3; do
	t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 "$H_URL/healthz")
	ms=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
	[ "$ms" -gt "$base" ] && base=$ms
done

# 20 addresses x 60 connections = 1200, more than max_connections (1024),
# each sending a byte every 2 s and coming back 1 s after being closed.
$TRICKLE flood "$H_PORT" --addresses 20 --per-address 60 --interval 2 --retry 1 \
	--status "$T_TMP/flood" &
FLOOD=$!
stat() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$T_TMP/flood" 2>/dev/null; }
for i in $(seq 1 100); do
	[ "$(stat opened)" -ge 1200 ] 2>/dev/null && break
	sleep 0.2
done
sleep 2	# past CAP_HTTP_EVICT_GRACE_MS: the slow ones are settled in
held=$(stat open)
fast=0 slow=0 failed=0 worst=0
for i in $(seq 1 10); do
	out=$(curl -s -o "$T_TMP/hz" -w '%{http_code} %{time_total}' --max-time 5 "$H_URL/healthz")
	ms=$(awk -v t="${out#* }" 'BEGIN { printf "%d", t * 1000 }')
	[ "$ms" -gt "$worst" ] && worst=$ms
	if [ "${out%% *}" != 200 ]; then failed=$((failed + 1))
	elif [ "$ms" -le 100 ]; then fast=$((fast + 1))
	else slow=$((slow + 1)); fi
	sleep 0.2
done
held_after=$(stat open)
kill "$FLOOD"; wait "$FLOOD" 2>/dev/null
if [ "${held:-0}" -ge 800 ] && [ "${held_after:-0}" -ge 800 ]; then
	t_pass "the slow clients held their connections ($held, then $held_after open)"
else
	t_fail "the slow clients held their connections" "open: ${held:-?}, then ${held_after:-?}"
fi
t_eq "every probe from 127.0.0.1 answered 200 during the attack" "$failed" 0
# 100 ms under ASan on a 2-core machine shared with the rest of the suite:
# allow two probes of ten to miss it (scheduling noise: the same machine
# gives a lone client up to $base ms), none to take a second.  Before the
# fix no probe was answered at all.
if [ "$fast" -ge 8 ] && [ "$worst" -lt 1000 ]; then
	t_pass "probes served within 100 ms during the attack ($fast of 10; worst $worst ms, alone $base ms)"
else
	t_fail "probes served within 100 ms during the attack" \
		"$fast of 10 within 100 ms, worst $worst ms (alone: $base ms)"
fi
h_req "served after the attack" GET /healthz 200
h_stop
n=$(grep -c 'http: connections:' "$T_TMP/serve.err")
if [ "$n" -ge 1 ] && [ "$n" -le 5 ]; then
	t_pass "the attack is logged as a few summary lines ($n)"
else
	t_fail "the attack is logged as a few summary lines" "$n lines"
fi

# Deadlines, with short ones: 2 s for the head, 2 s (+ 1 s per KiB) for the
# body, while the idle timeout (30 s) never fires for a byte every 0.4 s.
h_start --set header_timeout=2 --set body_timeout=2
between() { awk -v t="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(t != "open" && t >= lo && t <= hi) }'; }
t=$($TRICKLE one "$H_PORT" --what head --interval 0.4 --limit 15)
if between "$t" 1.5 4; then t_pass "a trickling head is cut at its deadline ($t s)"
else t_fail "a trickling head is cut at its deadline" "closed after: $t (wanted 2-4 s)"; fi
t=$($TRICKLE one "$H_PORT" --what body --interval 0.4 --limit 15)
if between "$t" 1.5 4.5; then t_pass "a trickling body is cut at its deadline ($t s)"
else t_fail "a trickling body is cut at its deadline" "closed after: $t (wanted 2-4.5 s)"; fi
# A prompt client on a kept-alive connection is not hurried.
h_req "a normal request is untouched" POST /api/v1/auth/login 401 \
	-H 'Content-Type: application/json' --data-binary '{"username":"nobody","password":"wrong-password"}'
h_stop
t_done
