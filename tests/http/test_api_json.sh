# Request bodies: content types, malformed JSON, bad UTF-8, deep nesting,
# duplicate and unknown members, wrong types, overlong text.  Each is refused
# with the documented status while the server goes on serving everyone.
. "$(dirname "$0")/lib.sh"
h_seed
h_start --set login_rate=1000 --set track_rate=1000

J=(-H 'Content-Type: application/json')
L=/api/v1/auth/login

h_req "form body is 415" POST $L 415 -d 'username=op&password=x'
h_jq "415 code" .error.code unsupported_media_type
h_req "text/plain is 415" POST $L 415 -H 'Content-Type: text/plain' -d '{}'
h_req "application/jsonx is 415" POST $L 415 -H 'Content-Type: application/jsonx' -d '{}'
h_req "charset parameter accepted" POST $L 401 -H 'Content-Type: application/json; charset=utf-8' \
	-d '{"username":"op","password":"wrong-pass"}'
h_req "malformed JSON is 400" POST $L 400 "${J[@]}" -d '{"username":'
h_jq "400 code" .error.code bad_request
h_req "trailing garbage is 400" POST $L 400 "${J[@]}" -d '{"username":"op","password":"x"} x'
h_req "an array body is 400" POST $L 400 "${J[@]}" -d '[1]'
printf '{"username":"op\xff","password":"x"}' >"$T_TMP/bad"
h_req "invalid UTF-8 is 400" POST $L 400 "${J[@]}" --data-binary @"$T_TMP/bad"
printf '{"username":"op\xc0\xaf","password":"x"}' >"$T_TMP/bad"
h_req "overlong UTF-8 is 400" POST $L 400 "${J[@]}" --data-binary @"$T_TMP/bad"
h_req "escaped NUL is 400" POST $L 400 "${J[@]}" -d '{"username":"op\u0000admin","password":"x"}'

deep=$(printf '%.0s[' $(seq 1 10000))$(printf '%.0s]' $(seq 1 10000))
t0=$(date +%s%N)
h_req "JSON nested 10,000 deep is 400" POST $L 400 "${J[@]}" -d "{\"a\":$deep}"
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -lt 2000 ] && t_pass "deep nesting refused quickly (${ms} ms)" || t_fail "deep nesting refused quickly" "${ms} ms"
h_jq "deep nesting message" '.error.message | test("nested")' true
h_req "still serving after deep nesting" GET /healthz 200

h_req "duplicate member is 422" POST $L 422 "${J[@]}" -d '{"username":"op","username":"adm","password":"x"}'
h_jq "duplicate names the field" .error.field username
h_req "unknown member is 422" POST $L 422 "${J[@]}" -d '{"username":"op","password":"x","role":"admin"}'
h_jq "unknown member named" .error.field role
h_req "wrong type is 422" POST $L 422 "${J[@]}" -d '{"username":"op","password":12345678}'
h_jq "wrong type named" .error.field password
h_req "overlong username is 422" POST $L 422 "${J[@]}" -d "{\"username\":\"$(head -c 300 /dev/zero | tr '\0' a)\",\"password\":\"x\"}"
h_req "bool as string is 422" POST $L 422 "${J[@]}" -d '{"username":"op","password":"x","bearer":"yes"}'
h_req "control character in text is 422" POST /api/v1/track 422 "${J[@]}" -d '{"code":"12\u0007","mobile":"09121234567"}'

mtok=$(h_token op)
h_api "message with a too long subject is 422" POST /api/v1/messages 422 "$mtok" \
	"{\"kind\":\"complaint\",\"subject\":\"$(head -c 600 /dev/zero | tr '\0' a)\",\"body\":\"b\",\"mobile\":\"09121234567\"}"
h_jq "names subject" .error.field subject
h_api "lat out of range is 422" POST /api/v1/messages 422 "$mtok" \
	'{"kind":"complaint","subject":"s","body":"b","mobile":"09121234567","lat":91,"lon":51}'
h_api "lat without lon is 422" POST /api/v1/messages 422 "$mtok" \
	'{"kind":"complaint","subject":"s","body":"b","mobile":"09121234567","lat":35.6}'
h_api "unknown kind is 422" POST /api/v1/messages 422 "$mtok" \
	'{"kind":"praise","subject":"s","body":"b","mobile":"09121234567"}'
h_api "bad mobile is 422" POST /api/v1/messages 422 "$mtok" \
	'{"kind":"complaint","subject":"s","body":"b","mobile":"12345"}'
h_api "bad query filter is 422" GET '/api/v1/messages?state=flying' 422 "$mtok"
h_api "bad date filter is 422" GET '/api/v1/messages?from=yesterday' 422 "$mtok"
h_api "bad limit is 422" GET '/api/v1/messages?limit=100000' 422 "$mtok"
h_api "bad UTF-8 in a query is 422" GET '/api/v1/messages?q=%ff' 422 "$mtok"
h_req "still serving" GET /healthz 200
h_stop
t_done
