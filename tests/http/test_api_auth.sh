# Sign in, sessions, cookies, CSRF, bearer tokens, login rate limit.
. "$(dirname "$0")/lib.sh"
h_seed
h_start --set login_rate=30

login() { printf '{"username":"%s","password":"%s"}' "$1" "$2"; }
J=(-H 'Content-Type: application/json')

h_req "wrong password is 401" POST /api/v1/auth/login 401 "${J[@]}" -d "$(login op wrong-password)"
h_jq "401 code" .error.code unauthenticated
msg_wrong=$(jq -r .error.message "$T_TMP/body")
h_req "unknown user is 401" POST /api/v1/auth/login 401 "${J[@]}" -d "$(login nobody "$H_PW")"
h_jq "same message for unknown user and wrong password" .error.message "$msg_wrong"
h_req "missing password is 422" POST /api/v1/auth/login 422 "${J[@]}" -d '{"username":"op"}'
h_jq "422 names the field" .error.field password

h_req "login" POST /api/v1/auth/login 200 "${J[@]}" -c "$T_TMP/jar" -d "$(login op "$H_PW")"
h_jq "login names the user" .user.username op
h_jq "login gives the role" .user.role operator
h_body_lacks "login answer holds no password hash" 'argon2'
csrf=$(jq -r .csrf_token "$T_TMP/body")
[ ${#csrf} -eq 32 ] && t_pass "login gives a CSRF token" || t_fail "login gives a CSRF token" "$csrf"
h_header "session cookie set" '^set-cookie: hamgan_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict; Max-Age=[0-9]+$'
if tr -d '\r' <"$T_TMP/headers" | grep -i '^set-cookie' | grep -q Secure; then
	t_fail "no Secure flag without secure_cookies"
else
	t_pass "no Secure flag without secure_cookies"
fi

h_req "me with the cookie" GET /api/v1/auth/me 200 -b "$T_TMP/jar"
h_jq "me is op" .user.username op
h_jq "me repeats the CSRF token" .csrf_token "$csrf"
h_req "me without a session is 401" GET /api/v1/auth/me 401
h_req "me with a made-up cookie is 401" GET /api/v1/auth/me 401 -b "hamgan_session=$(printf '%064d' 7)"
h_req "me with a malformed cookie is 401" GET /api/v1/auth/me 401 -b 'hamgan_session=../../x'

body='{"kind":"complaint","subject":"چاله","body":"چاله در خیابان","mobile":"09121234567"}'
h_req "cookie POST without CSRF header refused" POST /api/v1/messages 403 -b "$T_TMP/jar" "${J[@]}" -d "$body"
h_jq "CSRF refusal names the header" .error.field X-Hamgan-CSRF
h_req "cookie POST with a wrong CSRF token refused" POST /api/v1/messages 403 -b "$T_TMP/jar" \
	"${J[@]}" -H "X-Hamgan-CSRF: $(printf '%032d' 0)" -d "$body"
h_req "cookie POST with the CSRF token works" POST /api/v1/messages 201 -b "$T_TMP/jar" \
	"${J[@]}" -H "X-Hamgan-CSRF: $csrf" -d "$body"
h_req "cross-site POST refused even with the token" POST /api/v1/messages 403 -b "$T_TMP/jar" \
	"${J[@]}" -H "X-Hamgan-CSRF: $csrf" -H 'Sec-Fetch-Site: cross-site' -d "$body"
h_req "foreign Origin refused" POST /api/v1/messages 403 -b "$T_TMP/jar" \
	"${J[@]}" -H "X-Hamgan-CSRF: $csrf" -H 'Origin: https://evil.example' -d "$body"
h_req "same Origin accepted" POST /api/v1/messages 201 -b "$T_TMP/jar" \
	"${J[@]}" -H "X-Hamgan-CSRF: $csrf" -H "Origin: $H_URL" -H 'Sec-Fetch-Site: same-origin' -d "$body"
h_req "cross-site login refused" POST /api/v1/auth/login 403 "${J[@]}" -H 'Sec-Fetch-Site: cross-site' \
	-d "$(login op "$H_PW")"

h_req "bearer login" POST /api/v1/auth/login 200 "${J[@]}" \
	-d "{\"username\":\"op\",\"password\":\"$H_PW\",\"bearer\":true}"
tok=$(jq -r .token "$T_TMP/body")
[ ${#tok} -eq 64 ] && t_pass "bearer login gives a token" || t_fail "bearer login gives a token" "$tok"
if tr -d '\r' <"$T_TMP/headers" | grep -qi '^set-cookie'; then t_fail "bearer login sets no cookie"; else t_pass "bearer login sets no cookie"; fi
h_req "bearer POST needs no CSRF token" POST /api/v1/messages 201 -H "Authorization: Bearer $tok" \
	"${J[@]}" -d "$body"
h_req "bad bearer token is 401" GET /api/v1/auth/me 401 -H "Authorization: Bearer $(printf '%064d' 1)"

h_req "logout" POST /api/v1/auth/logout 200 -b "$T_TMP/jar" -c "$T_TMP/jar" -H "X-Hamgan-CSRF: $csrf"
h_header "logout clears the cookie" '^set-cookie: hamgan_session=; .*Max-Age=0'
h_req "the old cookie no longer works" GET /api/v1/auth/me 401 -b "hamgan_session=$(grep hamgan_session "$T_TMP/jar" | awk '{print $7}')x"
h_req "bearer logout" POST /api/v1/auth/logout 200 -H "Authorization: Bearer $tok"
h_req "revoked bearer token is 401" GET /api/v1/auth/me 401 -H "Authorization: Bearer $tok"
h_req "logout without a session is 401" POST /api/v1/auth/logout 401
h_stop

# Login rate limit per client address: 3 a minute here.
h_start --set login_rate=3
for i in 1 2 3; do
	h_req "login attempt $i allowed" POST /api/v1/auth/login 401 "${J[@]}" -d "$(login op bad)"
done
h_req "4th login attempt in a minute is 429" POST /api/v1/auth/login 429 "${J[@]}" -d "$(login op "$H_PW")"
h_jq "429 code" .error.code rate_limited
h_header "429 says when to retry" '^retry-after: [1-9][0-9]*$'
h_stop

# Secure cookies behind TLS (from another address: 127.0.0.1 failed five
# times above, so it is throttled for a moment; test_login_throttle.sh).
h_start --set secure_cookies=1
h_req "login (secure)" POST /api/v1/auth/login 200 --interface 127.0.0.3 "${J[@]}" \
	-d "$(login adm "$H_PW")"
h_header "Secure cookie" '^set-cookie: hamgan_session=.*; Secure$'
h_header "HSTS behind TLS" '^strict-transport-security: max-age=31536000$'
h_stop
t_done
