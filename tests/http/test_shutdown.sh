# Graceful shutdown: SIGTERM stops accepting, lets the request in flight
# finish with a full answer, then exits 0.
. "$(dirname "$0")/lib.sh"
h_start

# A request in flight: headers sent, half the body still to come.
exec {fd}<>/dev/tcp/127.0.0.1/$H_PORT
printf 'POST /api/v1/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{"code":' >&$fd
sleep 0.3
kill -TERM "$H_PID"
sleep 0.5
if kill -0 "$H_PID" 2>/dev/null; then
	t_pass "server waits for the request in flight"
else
	t_fail "server waits for the request in flight"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$H_URL/healthz")
t_eq "no new connections while draining" "$code" 000
printf '"1",  "x":1}' >&$fd
status=
if read -r -t 10 -u "$fd" status; then :; fi
status=${status%$'\r'}
case $status in
"HTTP/1.1 "[1-5][0-9][0-9]*) t_pass "request in flight got its answer ($status)" ;;
*) t_fail "request in flight got its answer" "got '$status'" ;;
esac
cat <&$fd >"$T_TMP/rest" 2>/dev/null
t_grep "draining answer says Connection: close" '^Connection: close' "$T_TMP/rest"
exec {fd}>&-
rc=0
wait "$H_PID" || rc=$?
H_PID=
t_eq "server exits 0 after draining" "$rc" 0
t_grep "server says it stopped" 'stopped' "$T_TMP/serve.err"

# SIGINT works the same when nothing is in flight.
h_start
h_req "second server up" GET /healthz 200
kill -INT "$H_PID"
rc=0
wait "$H_PID" || rc=$?
H_PID=
t_eq "SIGINT exits 0" "$rc" 0
t_done
