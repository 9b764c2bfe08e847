# The authorisation matrix: every endpoint x every role x own unit / other
# unit / confidential message, each cell allowed or refused; and no answer
# to a unit ever holds the identity of a confidential citizen.
. "$(dirname "$0")/lib.sh"
h_seed
h_start --set track_rate=1000

declare -A TOK
for u in op st12 st121 st03 mg12 insp adm; do TOK[$u]=$(h_token "$u"); done
TOK[anon]=

SECRET_NAME="رازدار محرمانه"
SECRET_MOBILE=09351112233
SECRET_NID=1234567891

mk() { # mk SUBJECT UNIT [extra json] -> code of a message referred to UNIT
	h_api "setup: register $1" POST /api/v1/messages 201 "${TOK[op]}" \
		"{\"kind\":\"complaint\",\"subject\":\"$1\",\"body\":\"متن $1\",\"mobile\":\"$3\",\"name\":\"$4\"${5:+,$5}}" >/dev/null
	local code
	code=$(jq -r .code "$T_TMP/body")
	h_api "setup: refer $1" POST /api/v1/messages/$code/refer 200 "${TOK[op]}" "{\"unit\":\"$2\"}" >/dev/null
	echo "$code"
}
OWN=$(mk own region-12 09121111111 "شهروند عادی")
OTHER=$(mk other region-03 09122222222 "شهروند دیگر")
CONF=$(mk conf region-12 $SECRET_MOBILE "$SECRET_NAME" "\"category\":\"conduct\",\"confidential\":true,\"national_id\":\"$SECRET_NID\"")

# cell ROLE METHOD PATH WANT [BODY]
cell() {
	local role=$1 method=$2 path=$3 want=$4 body=${5-}
	h_api "$role $method $path -> $want" "$method" "$path" "$want" "${TOK[$role]}" "$body"
	case $role in
	st12|st121|st03|mg12)
		if grep -Fq -e "$SECRET_NAME" -e "$SECRET_MOBILE" -e "$SECRET_NID" "$T_TMP/body"; then
			t_fail "$role $method $path leaks the confidential identity" "$(head -c 300 "$T_TMP/body")"
		else
			t_pass "$role $method $path keeps the confidential identity hidden"
		fi
		;;
	esac
}

# Reading one message: own unit, other unit, confidential.  Outside a
# unit's scope a code answers 404 exactly as an unknown one (issue 9): a
# unit does not learn which codes exist.
while read -r role own other conf; do
	cell "$role" GET /api/v1/messages/$OWN "$own"
	cell "$role" GET /api/v1/messages/$OTHER "$other"
	cell "$role" GET /api/v1/messages/$CONF "$conf"
done <<'M'
anon  401 401 401
op    200 200 200
st12  200 404 200
st121 404 404 404
st03  404 200 404
mg12  200 404 200
insp  200 200 200
adm   200 200 200
M
h_api "operator sees the confidential identity" GET /api/v1/messages/$CONF 200 "${TOK[op]}"
h_jq "operator: citizen name" .citizen.name "$SECRET_NAME"
h_api "inspector sees the confidential identity" GET /api/v1/messages/$CONF 200 "${TOK[insp]}"
h_jq "inspector: national id" .citizen.national_id "$SECRET_NID"
h_api "unit staff reads it without identity" GET /api/v1/messages/$CONF 200 "${TOK[st12]}"
h_jq "staff: identity hidden" .identity_hidden true
h_jq "staff: no citizen" .citizen null

# Lists and searches: scoped, never an identity for units.
while read -r role want count; do
	cell "$role" GET '/api/v1/messages?limit=100' "$want"
	[ "$want" = 200 ] && h_jq "$role list size" '.items | length' "$count"
	cell "$role" GET "/api/v1/messages?q=$(jq -rn --arg s 'متن' '$s|@uri')" "$want"
done <<'M'
anon  401 0
op    200 3
st12  200 2
st121 200 0
st03  200 1
mg12  200 2
insp  200 3
adm   200 3
M
cell st12 GET '/api/v1/messages?unit=region-03' 403
cell st03 GET '/api/v1/messages?unit=region-03' 200

# Caller history (operators, inspectors; a manager, hosting live calls, gets
# only the unit's messages that are not confidential: here none, and
# nothing of the caller; staff never).
while read -r role want; do
	cell "$role" GET /api/v1/callers/$SECRET_MOBILE "$want"
done <<'M'
anon  401
op    200
st12  403
st121 403
st03  403
mg12  200
insp  200
adm   403
M

# Transitions on own / other unit.  Each allowed cell moves the message,
# so the refusals come first and the allowed ones last.
while read -r role start_own start_other; do
	[ "$start_own" != - ] && cell "$role" POST /api/v1/messages/$OWN/start "$start_own" '{}'
	[ "$start_other" != - ] && cell "$role" POST /api/v1/messages/$OTHER/start "$start_other" '{}'
done <<'M'
anon  401 401
op    403 403
st12  - 404
st121 404 404
st03  404 -
mg12  - 404
insp  403 403
adm   403 403
M
# want ROLE: 401 anonymous, 404 for a unit outside the message's scope (it
# cannot see it), else 403 (the role may not do this)
want_for() {
	case $1 in anon) echo 401 ;; st121|st03) echo 404 ;; *) echo 403 ;; esac
}
for role in anon st12 st121 st03 mg12 insp adm; do
	want=$(want_for $role)
	cell $role POST /api/v1/messages/$CONF/refer $want '{"unit":"region-03"}'
	cell $role POST /api/v1/messages/$CONF/reject $want '{"reason":"abusive"}'
done
for role in anon op st121 st03 insp adm; do
	want=$(want_for $role)
	cell $role POST /api/v1/messages/$CONF/answer $want '{"answer":"x"}'
	cell $role POST /api/v1/messages/$CONF/transfer $want '{"unit":"district-12-1"}'
	cell $role POST /api/v1/messages/$CONF/return $want '{"reason":"not_ours"}'
done
cell mg12 POST /api/v1/messages/$CONF/answer 200 '{"answer":"پاسخ مدیر"}'
for role in anon st12 st121 st03 mg12 adm; do
	want=$(want_for $role)
	cell $role POST /api/v1/messages/$CONF/grade $want '{"grade":"acceptable"}'
	cell $role POST /api/v1/messages/$CONF/reopen $want '{}'
done
cell insp POST /api/v1/messages/$CONF/grade 200 '{"grade":"acceptable"}'
for role in st12 st121 st03 mg12; do
	cell $role POST /api/v1/messages/$CONF/close $(want_for $role) '{}'
done
cell op POST /api/v1/messages/$CONF/close 200 '{}'

# Admin areas.
while read -r role users users_w audit units_w cats_w sessions; do
	cell "$role" GET /api/v1/users "$users"
	cell "$role" GET /api/v1/audit/verify "$audit"
	cell "$role" GET /api/v1/audit "$audit"
	cell "$role" POST /api/v1/units "$units_w" "{\"code\":\"u-$role\",\"name\":\"واحد\",\"kind\":\"department\",\"parent\":\"tehran\"}"
	cell "$role" POST /api/v1/categories "$cats_w" "{\"code\":\"c-$role\",\"name\":\"دسته\",\"deadline_hours\":24}"
	cell "$role" POST /api/v1/users "$users_w" "{\"username\":\"n-$role\",\"name\":\"تازه\",\"role\":\"operator\",\"password\":\"long-enough-pw\"}"
	cell "$role" GET /api/v1/units "$sessions"
	cell "$role" GET /api/v1/sessions "$sessions"
done <<'M'
anon  401 401 401 401 401 401
op    403 403 403 403 403 200
st12  403 403 403 403 403 200
st03  403 403 403 403 403 200
mg12  403 403 403 403 403 200
insp  403 403 200 403 403 200
adm   200 201 200 201 201 200
M
h_req "categories are public" GET /api/v1/categories 200

# Who am I, updates of units and users, sessions, the operator's verdict.
SESS='{"unit":"region-12","host":"mg12","title":"ارتباط مستقیم","starts_at":"2026-12-01T10:00:00Z","ends_at":"2026-12-01T12:00:00Z"}'
while read -r role me unit_w user_w sess; do
	cell "$role" GET /api/v1/auth/me "$me"
	cell "$role" PATCH /api/v1/units/region-12 "$unit_w" '{"name":"شهرداری منطقه ۱۲"}'
	cell "$role" PATCH /api/v1/users/n-adm "$user_w" '{"password":"a-new-long-password"}'
	cell "$role" POST /api/v1/sessions "$sess" "$SESS"
	cell "$role" GET /api/v1/sessions "$me"
done <<'M'
anon  401 401 401 401
op    200 403 403 403
st12  200 403 403 403
st03  200 403 403 403
mg12  200 403 403 201
insp  200 403 403 403
adm   200 200 200 201
M
for role in st12 st03 mg12 insp; do
	cell $role POST /api/v1/messages/$CONF/verdict $(want_for $role) '{"verdict":"accept"}'
done
cell op POST /api/v1/messages/$CONF/verdict 200 '{"verdict":"accept","rating":4}'
for role in op st12 mg12 insp adm; do cell $role GET /api/v1/sessions/1 200; done
h_stop
t_done
