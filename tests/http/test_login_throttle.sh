# Issue 9, point 3: failed logins throttle the address that fails and never
# lock the account.  Wrong passwords for the region manager from 127.0.0.2
# must not stop the right password from 127.0.0.1; the failing address waits
# (a growing delay kept in the database, so a restart does not reset it).
. "$(dirname "$0")/lib.sh"
h_seed
# a high in-memory rate so that every 429 below comes from the stored throttle
h_start --set login_rate=1000
J=(-H 'Content-Type: application/json')
login() { printf '{"username":"%s","password":"%s"}' "$1" "$2"; }
ATTACKER=(--interface 127.0.0.2)
OWNER=(--interface 127.0.0.1)

for i in 1 2 3 4 5; do
	h_req "wrong password $i from 127.0.0.2 is 401" POST /api/v1/auth/login 401 "${ATTACKER[@]}" \
		"${J[@]}" -d "$(login mg12 "wrong-$i")"
done
h_req "the failing address is throttled, even with the right password" POST /api/v1/auth/login \
	429 "${ATTACKER[@]}" "${J[@]}" -d "$(login mg12 "$H_PW")"
h_jq "throttle code" .error.code rate_limited
h_header "throttle says when to retry" '^retry-after: [12]$'

start=$(date +%s%N)
h_req "the right password from 127.0.0.1 succeeds" POST /api/v1/auth/login 200 "${OWNER[@]}" \
	"${J[@]}" -d "$(login mg12 "$H_PW")"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 2000 ] && t_pass "and promptly (${ms} ms)" || t_fail "and promptly" "${ms} ms"
h_jq "as the manager" .user.username mg12

# each further failure doubles the wait: 2, 4, 8 seconds
sleep 2.1
h_req "after the wait the address may try again" POST /api/v1/auth/login 401 "${ATTACKER[@]}" \
	"${J[@]}" -d "$(login mg12 wrong-6)"
h_req "then waits longer" POST /api/v1/auth/login 429 "${ATTACKER[@]}" "${J[@]}" \
	-d "$(login insp wrong-7)"
h_header "Retry-After 4" '^retry-after: [1-4]$'
sleep 4.1
h_req "and after it one more try" POST /api/v1/auth/login 401 "${ATTACKER[@]}" "${J[@]}" \
	-d "$(login mg12 wrong-8)"
h_req "then waits 8 seconds" POST /api/v1/auth/login 429 "${ATTACKER[@]}" "${J[@]}" \
	-d "$(login mg12 wrong-9)"
h_header "Retry-After 8" '^retry-after: [5-8]$'

# the throttle is in the database: a restarted server still applies it
# (the 8-second wait outlasts a restart)
h_stop
h_start --set login_rate=1000
h_req "throttled after a restart" POST /api/v1/auth/login 429 "${ATTACKER[@]}" "${J[@]}" \
	-d "$(login mg12 "$H_PW")"
h_req "the owner still signs in after a restart" POST /api/v1/auth/login 200 "${OWNER[@]}" \
	"${J[@]}" -d "$(login mg12 "$H_PW")"
t_eq "failures stored under the address" \
	"$(sqlite3 "$H_DB" "SELECT count(*) FROM login_failures WHERE key = 'addr:127.0.0.2'")" 7
h_stop
t_done
