# Per-address limits count an IPv6 client by its /64 (issue 9, point 6): one
# subscriber or host holds a whole /64, so full addresses would hand it 2^64
# fresh buckets.  Over real IPv6 loopback when ::1 works, through
# trusted_proxy (X-Forwarded-For) for addresses of one /64, and, where this
# test may have a network namespace of its own (root), from real source
# addresses of two /64s added to its private loopback.
if [ -z "${HAMGAN_NET_NS:-}" ] && unshare -n true 2>/dev/null; then
	exec env HAMGAN_NET_NS=1 unshare -n bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
q="/api/v1/track?code=1000000000&mobile=09121234567"

if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	h_start --listen '[::1]:0' --set track_rate=2
	for i in 1 2; do h_req "IPv6 loopback look-up $i" GET "$q" 404 -g; done
	h_req "IPv6 loopback client limited" GET "$q" 429 -g
	h_header "429 says when to retry" '^Retry-After: [0-9]+'
	h_stop
	t_grep_log "access log shows the IPv6 client" '^hamgan: access: ::1 "GET /api/v1/track"' "$T_TMP/serve.err"
else
	t_pass "# SKIP no IPv6 loopback here"
fi

h_start --set track_rate=2 --set trusted_proxy=127.0.0.1
for a in 2001:db8:1:2::a 2001:db8:1:2:ffff:ffff:ffff:1; do
	h_req "look-up from $a" GET "$q" 404 -H "X-Forwarded-For: $a"
done
h_req "a third address of the same /64 is limited" GET "$q" 429 \
	-H 'X-Forwarded-For: 2001:db8:1:2:1234::99'
h_req "the neighbouring /64 has its own bucket" GET "$q" 404 -H 'X-Forwarded-For: 2001:db8:1:3::a'
h_req "an IPv4 client has its own bucket" GET "$q" 404 -H 'X-Forwarded-For: 192.0.2.1'
h_req "IPv4-mapped form of that client shares it" GET "$q" 404 -H 'X-Forwarded-For: ::ffff:192.0.2.1'
h_req "and is limited with it" GET "$q" 429 -H 'X-Forwarded-For: 192.0.2.1'
h_stop
t_grep_log "access log keeps the full address" '^hamgan: access: 2001:db8:1:2:1234::99 ' "$T_TMP/serve.err"

if [ -n "${HAMGAN_NET_NS:-}" ] &&
	ip -6 addr add 2001:db8:1:2::a/64 dev lo nodad 2>/dev/null &&
	ip -6 addr add 2001:db8:1:2::b/64 dev lo nodad &&
	ip -6 addr add 2001:db8:1:3::a/64 dev lo nodad; then
	h_start --listen '[::1]:0' --set track_rate=2 --set max_per_ip=4
	from() { local a=$1; shift; h_req "$@" -g --interface "$a"; }
	from 2001:db8:1:2::a "look-up from 2001:db8:1:2::a" GET "$q" 404
	from 2001:db8:1:2::b "look-up from 2001:db8:1:2::b" GET "$q" 404
	from 2001:db8:1:2::b "a third look-up from the same /64 is limited" GET "$q" 429
	from 2001:db8:1:3::a "another /64 is not" GET "$q" 404
	# Connections: 4 held from ::a fill the /64's share; ::b is refused.
	python3 -c '
import socket, sys, time
cs = []
for i in range(4):
    c = socket.socket(socket.AF_INET6)
    c.bind(("2001:db8:1:2::a", 0))
    c.connect(("::1", int(sys.argv[1])))
    cs.append(c)
print("held", flush=True)
time.sleep(30)
' "$H_PORT" >"$T_TMP/held" &
	HOLD=$!
	for i in $(seq 1 50); do grep -q held "$T_TMP/held" && break; sleep 0.1; done
	sleep 0.3
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -g --interface 2001:db8:1:2::b "$H_URL/healthz")
	t_eq "a connection from another address of the same /64 is over max_per_ip" "$code" 000
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -g --interface 2001:db8:1:3::a "$H_URL/healthz")
	t_eq "a connection from another /64 is served" "$code" 200
	kill "$HOLD"; wait "$HOLD" 2>/dev/null
	h_stop
else
	t_pass "# SKIP no private network namespace here: no second /64 to test from"
fi
t_done
