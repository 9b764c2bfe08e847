# Limits on untrusted input: headers, bodies, connections per address, idle
# time.  Each refusal leaves the server serving everyone else.
. "$(dirname "$0")/lib.sh"
h_start --set max_per_ip=8 --set idle_timeout=2 --set max_body=4096

big() { head -c "$1" /dev/zero | tr '\0' a; }

h_req "header of 40 KiB refused" GET /healthz 431 -H "X-Big: $(big 40000)"
h_req "still serving after huge header" GET /healthz 200
h_req "many headers refused" GET /healthz 431 $(for i in $(seq 1 600); do printf -- "-H X-H$i:%s " "$(big 60)"; done)
h_req "long URL refused" GET "/healthz?x=$(big 40000)" 414

big 5000 >"$T_TMP/5k"
h_req "body over the cap (Content-Length) is 413" POST /api/v1/auth/login 413 \
	-H 'Content-Type: application/json' --data-binary @"$T_TMP/5k"
h_jq "413 error code" .error.code too_big
h_req "body over the cap (chunked) is 413" POST /api/v1/auth/login 413 \
	-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$T_TMP/5k"
big 3000000 >"$T_TMP/3m"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST -H 'Transfer-Encoding: chunked' \
	--data-binary @"$T_TMP/3m" "$H_URL/api/v1/auth/login")
case $code in 000|100|413) t_pass "endless chunked body cut off ($code)" ;; *) t_fail "endless chunked body cut off" "$code" ;; esac
h_req "declared 1 GB body refused at once" POST /api/v1/auth/login 413 \
	-H 'Content-Type: application/json' -H 'Content-Length: 1000000000' --data-binary 'x'
h_req "still serving after big bodies" GET /healthz 200

# A body shorter than its Content-Length, then the client hangs up.
for i in 1 2 3; do
	timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$H_PORT
printf 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user' >&3
exec 3>&-" 2>/dev/null
done
h_req "still serving after truncated bodies" GET /healthz 200
# Garbage instead of HTTP.
printf 'NOT HTTP AT ALL\r\n\r\n' | timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$H_PORT; cat >&3; cat <&3" >"$T_TMP/garbage" 2>/dev/null
t_grep "garbage request line gets 400" '^HTTP/1.1 400' "$T_TMP/garbage"

# Connections per address: hold 8 open, the 9th is refused, then freed.
# The server learns of a closed connection on its next turn (longer under
# ASan on a loaded machine), so "freed" is polled for, up to 10 s, rather
# than assumed after a fixed sleep; likewise the idle close is awaited with
# a deadline and its timing checked, not sampled once.
fds=()
for i in $(seq 1 8); do
	exec {fd}<>/dev/tcp/127.0.0.1/$H_PORT
	fds+=("$fd")
done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$H_URL/healthz")
t_eq "connection over the per-address limit refused" "$code" 000
for fd in "${fds[@]}"; do exec {fd}>&-; done
code=000
for i in $(seq 1 50); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$H_URL/healthz")
	[ "$code" = 200 ] && break
	sleep 0.2
done
t_eq "served again once connections close" "$code" 200

# Idle connections are closed after idle_timeout (2 s here), not before.
exec {fd}<>/dev/tcp/127.0.0.1/$H_PORT
t0=$(date +%s%N)
if timeout 10 cat <&$fd >/dev/null 2>&1; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$ms" -ge 1500 ]; then
		t_pass "idle connection closed by the server ($ms ms)"
	else
		t_fail "idle connection closed by the server" "closed after $ms ms, before the idle timeout"
	fi
else
	t_fail "idle connection closed by the server" "still open after 10 s"
fi
exec {fd}>&-

h_stop

# Behind a trusted proxy the client is the last X-Forwarded-For address:
# each citizen gets their own tracking bucket; others' claims are ignored.
h_start --set track_rate=2 --set trusted_proxy=127.0.0.1
q="/api/v1/track?code=1000000000&mobile=09121234567"
for i in 1 2; do h_req "client A look-up $i" GET "$q" 404 -H 'X-Forwarded-For: 10.0.0.1'; done
h_req "client A limited" GET "$q" 429 -H 'X-Forwarded-For: 10.0.0.1'
h_req "client B has its own bucket" GET "$q" 404 -H 'X-Forwarded-For: 10.0.0.1, 10.0.0.2'
h_req "a forged earlier entry does not help A" GET "$q" 429 -H 'X-Forwarded-For: 10.9.9.9, 10.0.0.1'
h_req "garbage X-Forwarded-For falls back to the peer" GET "$q" 404 -H 'X-Forwarded-For: not-an-ip'
h_stop
t_grep_log "access log shows the forwarded client" '^hamgan: access: 10\.0\.0\.2 "GET /api/v1/track"' "$T_TMP/serve.err"
h_start --set track_rate=2
for i in 1 2; do h_req "untrusted peer look-up $i" GET "$q" 404 -H "X-Forwarded-For: 10.0.0.$i"; done
h_req "X-Forwarded-For ignored without trusted_proxy" GET "$q" 429 -H 'X-Forwarded-For: 10.0.0.3'
h_stop
t_done
