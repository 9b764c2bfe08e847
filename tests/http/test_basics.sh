# HTTP basics: healthz, error shape, methods, security headers, access log.
. "$(dirname "$0")/lib.sh"
h_start

h_req "healthz answers 200" GET /healthz 200
h_jq "healthz says ok" .status ok
h_header "healthz is JSON" '^content-type: application/json; charset=utf-8$'
h_header "API answers are not cached" '^cache-control: no-store$'
h_header "CSP on every answer" "^content-security-policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'$"
h_header "nosniff" '^x-content-type-options: nosniff$'
h_header "referrer policy" '^referrer-policy: no-referrer$'
h_header "no framing" '^x-frame-options: DENY$'
h_header "keep-alive answer (queued on the second call)" '^content-length: 16$'
if tr -d '\r' <"$T_TMP/headers" | grep -qi '^connection: close'; then
	t_fail "healthz keeps the connection open" "$(cat "$T_TMP/headers")"
else
	t_pass "healthz keeps the connection open"
fi
n=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' "$H_URL/healthz" "$H_URL/healthz" | paste -sd' ')
t_eq "two requests reuse one connection" "$n" "1 0"

h_req "HEAD healthz" HEAD /healthz 200 -I
h_req "unknown API path is 404" GET /api/v1/no-such-thing 404
h_jq "404 error code" .error.code not_found
h_jq "404 has a message" '.error.message | length > 0' true
h_header "404 is JSON too" '^content-type: application/json'
h_header "security headers on errors too" '^x-frame-options: DENY$'

h_req "wrong method is 405" DELETE /healthz 405
h_jq "405 error code" .error.code method_not_allowed
h_header "405 says what is allowed" '^allow: GET, HEAD$'

h_req "encoded NUL in the path is 400" GET '/api/v1/x%00y' 400 --path-as-is
h_jq "400 error code" .error.code bad_request
h_req "bad percent escape is 400" GET '/a%zz' 400 --path-as-is
h_req "invalid UTF-8 in the path is 400" GET '/%ff%fe' 400 --path-as-is


h_stop
t_grep_log "access log line for healthz" '^hamgan: access: 127\.0\.0\.1 "GET /healthz" 200 16 [0-9]+us$' "$T_TMP/serve.err"
t_grep_log "access log line for a 404" '"GET /api/v1/no-such-thing" 404 [0-9]+ [0-9]+us$' "$T_TMP/serve.err"
t_grep_log "access log escapes the path" '"GET /api/v1/x%00y" 400' "$T_TMP/serve.err"
t_done
