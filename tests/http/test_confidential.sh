#!/bin/bash
# Issue 9, point 1: a unit, a manager or an admin can never tie a
# confidential message to its citizen or to that citizen's other messages.
#
# The scenario: one citizen has two open (non-confidential) messages and two
# confidential conduct complaints, all referred to region 12 and answered;
# the citizen objects to one open message and to the first confidential one
# on the web, then to the confidential one again by SMS 33 (the webhook);
# the operator looks the caller up (by POST and by the GET form) before
# registering the second complaint; a later message is rejected as a
# duplicate of the first complaint.  Then every endpoint a unit's staff, a
# manager and an admin may call (src/http/router.c: auth, messages, callers,
# track, sms, units, categories, users, sessions, audit, reports in JSON, CSV
# and xlsx, healthz) is walked as each of them, and no answer may hold the
# citizen's name, mobile (any spelling), national id or id, nor a duplicate
# link or a "citizen:" label; the server's log neither.  The audit chain
# still verifies.
. "$(dirname "$0")/lib.sh"
h_seed
SECRET=sms-gateway-secret-long-enough-for-sec-http-0123
h_start --set track_rate=1000 --set sms_secret=$SECRET

declare -A TOK
for u in op st12 st121 st03 mg12 insp adm; do TOK[$u]=$(h_token "$u"); done

NAME="رازدار محرمانه"
MOB=09351112233
NID=1234567891
# every spelling of the number and the national id that could leak
LEAKS=("$NAME" "$MOB" "9351112233" "۰۹۳۵۱۱۱۲۲۳۳" "۹۳۵۱۱۱۲۲۳۳" "$NID" "۱۲۳۴۵۶۷۸۹۱")

# clean NAME: the last body ties no confidential message to the citizen.
# The citizen's open messages show who they are, as they should: in a JSON
# answer those objects are set aside, and what remains may hold nothing of
# the citizen's identity.  Whatever the answer, no "citizen:" label (with
# its id), no citizen_id and no open message pointing at another as its
# duplicate (the only duplicate here names a confidential complaint).
clean() {
	local s found= links
	cp "$T_TMP/body" "$T_TMP/scan"
	if jq -e . "$T_TMP/body" >/dev/null 2>&1; then
		jq 'del(.. | objects | select(.confidential == false))' "$T_TMP/body" >"$T_TMP/scan"
		links=$(jq '[.. | objects | select(.confidential == false) | .duplicate_of // empty] | length' \
			"$T_TMP/body")
		[ "$links" = 0 ] || found="a duplicate link"
	fi
	for s in "${LEAKS[@]}"; do
		[ -z "$found" ] && grep -Fq -- "$s" "$T_TMP/scan" && found="$s"
	done
	for s in "citizen:" "citizen_id"; do
		[ -z "$found" ] && grep -Fq -- "$s" "$T_TMP/body" && found="$s"
	done
	if [ -n "$found" ]; then
		t_fail "$1" "the answer holds '$found'" "$(head -c 400 "$T_TMP/body")"
	else
		t_pass "$1"
	fi
}

# reg SUBJECT KIND CATEGORY [extra json]: the operator registers a call of
# the citizen; the code is printed
# (it runs in $(...): its check line is dropped, an empty code fails later)
reg() {
	h_api "setup: register $1" POST /api/v1/messages 201 "${TOK[op]}" \
		"{\"kind\":\"$2\",\"category\":\"$3\",\"subject\":\"$1\",\"body\":\"متن $1\",\"mobile\":\"$MOB\",\"name\":\"$NAME\",\"national_id\":\"$NID\"${4:+,$4}}" >/dev/null
	jq -r .code "$T_TMP/body"
}
# refer_answer CODE: referred to region 12 and answered by its staff
refer_answer() {
	h_api "setup: refer $1" POST /api/v1/messages/$1/refer 200 "${TOK[op]}" '{"unit":"region-12"}'
	h_api "setup: answer $1" POST /api/v1/messages/$1/answer 200 "${TOK[st12]}" '{"answer":"بررسی و پیگیری شد"}'
	clean "the unit's answer to $1: nothing of the citizen"
}

OPEN1=$(reg "آسفالت خیابان" criticism roads)
OPEN2=$(reg "چراغ خاموش" criticism roads)
refer_answer "$OPEN1"
refer_answer "$OPEN2"
h_req "the citizen objects to an open message on the web" POST /api/v1/track/verdict 200 \
	-H 'Content-Type: application/json' --data-binary "{\"code\":\"$OPEN1\",\"mobile\":\"$MOB\",\"verdict\":\"object\"}"

# the operator looks the caller up before registering the complaints
h_api "operator: caller history (POST)" POST /api/v1/callers 200 "${TOK[op]}" "{\"mobile\":\"$MOB\"}"
h_jq "operator sees the caller's name" .citizen.name "$NAME"
h_api "operator: caller history (GET form)" GET /api/v1/callers/$MOB 200 "${TOK[op]}"
CONF1=$(reg "رفتار مأمور" complaint conduct)
h_api "operator: caller history again" POST /api/v1/callers 200 "${TOK[op]}" "{\"mobile\":\"+98 935 111 2233\"}"
CONF2=$(reg "رشوه در منطقه" complaint conduct '"confidential":true')
h_api "the complaint is confidential" GET /api/v1/messages/$CONF1 200 "${TOK[op]}"
h_jq "confidential by its category" .confidential true

refer_answer "$CONF1"
h_req "the citizen objects on the web" POST /api/v1/track/verdict 200 \
	-H 'Content-Type: application/json' --data-binary "{\"code\":\"$CONF1\",\"mobile\":\"$MOB\",\"verdict\":\"object\"}"
h_jq "reopened" .state reopened
h_api "the unit answers again" POST /api/v1/messages/$CONF1/answer 200 "${TOK[st12]}" '{"answer":"دوباره بررسی شد"}'
h_req "the citizen objects by SMS 33" POST /api/v1/sms/inbound 200 -H "X-Hamgan-SMS-Secret: $SECRET" \
	-H 'Content-Type: application/json' --data-binary "{\"from\":\"+98${MOB#0}\",\"text\":\"۳۳\"}"
h_jq "the SMS verdict was on the complaint" .code "$CONF1"
refer_answer "$CONF2"
DUP=$(reg "رفتار مأمور دوباره" complaint roads)
h_api "operator rejects it as a duplicate of the complaint" POST /api/v1/messages/$DUP/reject 200 "${TOK[op]}" \
	"{\"reason\":\"duplicate\",\"duplicate_of\":\"$CONF1\"}"
SESS='{"unit":"region-12","host":"mg12","title":"ارتباط مستقیم","starts_at":"2026-12-01T10:00:00Z","ends_at":"2026-12-01T12:00:00Z"}'
h_api "setup: a direct-connection session" POST /api/v1/sessions 201 "${TOK[adm]}" "$SESS"
SID=$(jq -r .id "$T_TMP/body")
LIVE=$(reg "تماس زنده: رفتار مأمور" complaint conduct "\"channel\":\"live\",\"live_session_id\":$SID")
h_api "the live call is in the session (the admin sees all)" GET /api/v1/sessions/$SID 200 "${TOK[adm]}"
h_jq "one call, confidential" '[.messages[] | select(.confidential)] | length' 1
h_jq "session: the code" '.messages[0].code' "$LIVE"

# walk NAME TOKEN METHOD PATH [JSON]: one call; any answer but a 5xx is
# fine here (refusals included): what matters is what the body holds
walk() {
	local name=$1 tok=$2 method=$3 path=$4 body=${5-}
	local args=(-s -o "$T_TMP/body" -w '%{http_code}' --max-time 20 -X "$method"
		-H "Authorization: Bearer $tok")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	H_STATUS=$(curl "${args[@]}" "$H_URL$path")
	case $H_STATUS in
	2??|401|403|404|422) t_pass "$name answers ($H_STATUS)" ;;
	*) t_fail "$name answers" "status $H_STATUS" "$(head -c 300 "$T_TMP/body")" ;;
	esac
	clean "$name: nothing of the citizen"
}

MONTH=$("$HAMGAN" fa to-jalali "$(date -u +%F)" | cut -c1-7)
U=$(jq -rn --arg s 'رفتار' '$s|@uri')
for who in st12 mg12 st121 st03 adm; do
	tok=${TOK[$who]}
	for path in /healthz /api/v1/auth/me /api/v1/categories /api/v1/units /api/v1/units/region-12 \
		/api/v1/users /api/v1/sessions /api/v1/sessions/$SID /api/v1/audit/verify \
		'/api/v1/audit?limit=1000' "/api/v1/callers/$MOB" \
		'/api/v1/messages?limit=100' "/api/v1/messages?q=$U" '/api/v1/messages?state=reopened' \
		'/api/v1/messages?channel=phone&kind=complaint' '/api/v1/messages?overdue=false' \
		'/api/v1/messages?state=rejected' '/api/v1/messages?unit=region-12' \
		"/api/v1/reports?unit=region-12&period=$MONTH" \
		"/api/v1/reports?unit=region-12&period=$MONTH&by=child&format=csv" \
		"/api/v1/reports?unit=tehran&period=$MONTH&by=category&format=csv" \
		"/api/v1/reports/evaluation?period=$MONTH&format=csv" \
		"/api/v1/track?code=$CONF1&mobile=09120000000" \
		/api/v1/messages/$OPEN1 /api/v1/messages/$OPEN2 /api/v1/messages/$CONF1 \
		/api/v1/messages/$CONF2 /api/v1/messages/$DUP \
		/api/v1/messages/$CONF1/similar /api/v1/messages/$OPEN1/similar \
		/api/v1/messages/$OPEN2/similar /api/v1/messages/$CONF1/notes \
		/api/v1/messages/$CONF1/attachments /api/v1/messages/$CONF1/assignable \
		'/api/v1/canned?category=roads' \
		"/open311/v2/requests.json?start_date=$(date -u -d '-30 days' +%FT%TZ)" \
		"/open311/v2/requests/$CONF1.json?extensions=true" \
		"/open311/v2/requests/$OPEN1.json?extensions=true"; do
		walk "$who GET $path" "$tok" GET "$path"
	done
	walk "$who POST /api/v1/callers" "$tok" POST /api/v1/callers "{\"mobile\":\"$MOB\"}"
	walk "$who xlsx report" "$tok" GET "/api/v1/reports?unit=region-12&period=$MONTH&by=child&format=xlsx"
	if [ "$H_STATUS" = 200 ]; then
		mv "$T_TMP/body" "$T_TMP/r.xlsx"
		unzip -p "$T_TMP/r.xlsx" >"$T_TMP/body" 2>/dev/null
		clean "$who xlsx, unpacked: nothing of the citizen"
	fi
done
walk "the unit starts on the reopened complaint" "${TOK[st12]}" POST /api/v1/messages/$CONF1/start '{}'

# What each reads of the complaint itself.
for who in st12 mg12 adm; do
	h_api "$who reads the complaint" GET /api/v1/messages/$CONF1 200 "${TOK[$who]}"
	h_jq "$who: no citizen" .citizen null
	h_jq "$who: identity hidden" .identity_hidden true
	h_jq "$who: both objections are «شهروند»" \
		'[.referrals[] | select(.kind == "reopen") | .actor] | join(",")' "شهروند,شهروند"
	h_api "$who reads the open message" GET /api/v1/messages/$OPEN1 200 "${TOK[$who]}"
	h_jq "$who: the open message's objection is «شهروند» too" \
		'[.referrals[] | select(.kind == "reopen") | .actor] | join(",")' "شهروند"
done
h_api "admin reads the duplicate" GET /api/v1/messages/$DUP 200 "${TOK[adm]}"
h_jq "admin: the duplicate's citizen is shown (not confidential)" .citizen.mobile "$MOB"
h_jq "admin: but not its link to the confidential complaint" .duplicate_of null
h_api "operator sees the duplicate link" GET /api/v1/messages/$DUP 200 "${TOK[op]}"
h_jq "operator: duplicate_of" '.duplicate_of != null' true

# The admin's audit view: no citizen label with an id, caller look-ups
# without payload or hash; the inspector's: hashes of the number, never it.
h_api "admin: the audit log" GET '/api/v1/audit?limit=1000' 200 "${TOK[adm]}"
h_jq "admin: no actor names a citizen id" '[.items[] | select(.actor | startswith("citizen:"))] | length' 0
h_jq "admin: the objections' actor is citizen" \
	'[.items[] | select(.action == "msg.verdict" and .msg_id != null) | .actor] | unique | join(",")' "citizen"
h_jq "admin: caller look-ups show no payload" \
	'[.items[] | select(.action == "citizen.history") | .payload | length] | unique | join(",")' "0"
h_jq "admin: no hash on any entry to guess a hidden part back from" \
	'[.items[] | .hash] | unique | map(tostring) | join(",")' "null"
h_jq "admin: the rejection names no duplicate" \
	'[.items[] | select(.action == "msg.reject") | .payload | has("duplicate_of")] | unique | join(",")' "false"
h_api "inspector: the audit log" GET '/api/v1/audit?limit=1000' 200 "${TOK[insp]}"
h_body_lacks "inspector: the look-ups hold no mobile" "$MOB"
h_jq "inspector: each look-up holds a keyed hash" \
	'[.items[] | select(.action == "citizen.history") | .payload.mobile_hash | length] | unique | join(",")' "32"
h_jq "inspector: one hash for one number (three look-ups)" \
	'[.items[] | select(.action == "citizen.history") | .payload.mobile_hash] | unique | length' 1
h_api "the chain still verifies" GET /api/v1/audit/verify 200 "${TOK[adm]}"
h_jq "verify ok" .ok true
t_exit "hamgan audit verify" 0 "$HAMGAN" audit verify --db "$H_DB"

h_stop
# The server's log (access and error lines): no number, name or id.
cp "$T_TMP/serve.err" "$T_TMP/body"
clean "the server log holds nothing of the citizen"
t_grep "the log shows the caller look-up's GET form with a star" \
	'"GET /api/v1/callers/\*" 200' "$T_TMP/serve.err"
t_done
