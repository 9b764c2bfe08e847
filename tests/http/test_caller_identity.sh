#!/bin/bash
# Issue 9, points 2, 8 and 11 and the 404 rule, on a real server:
# - a submission under a known mobile never rewrites the citizen's name or
#   national id; the operator corrects them (by registering the call, or
#   POST /api/v1/callers/correct), audited with a keyed hash of the number;
# - caller look-ups are audited with that hash, never the number, the desk
#   posts the number (POST /api/v1/callers) and the GET form is logged as
#   /api/v1/callers/*;
# - a public submission carrying priority or region is refused with 422
#   naming the field, and nothing is stored; operators still set both;
# - a code outside a unit's scope answers exactly as an unknown code (404).
. "$(dirname "$0")/lib.sh"
h_seed
h_start --set track_rate=1000

declare -A TOK
for u in op st12 st03 insp adm; do TOK[$u]=$(h_token "$u"); done
J=(-H 'Content-Type: application/json')
MOB=09127776655
NAME="مریم رضایی"
NID=1234567891

# ---- point 2: a submission never rewrites who a citizen is ----
h_api "operator registers the caller's first call" POST /api/v1/messages 201 "${TOK[op]}" \
	"{\"kind\":\"criticism\",\"subject\":\"چاله\",\"body\":\"چاله در خیابان\",\"mobile\":\"$MOB\",\"name\":\"$NAME\",\"national_id\":\"$NID\"}"
FIRST=$(jq -r .code "$T_TMP/body")
# (the attacker holds the phone here: the verification code is no defence)
VC=$(h_code "$MOB")
h_req "anyone submits under the same mobile with another name and national id" POST /api/v1/messages 201 "${J[@]}" \
	--data-binary "{\"kind\":\"criticism\",\"subject\":\"آزمون\",\"body\":\"متن\",\"mobile\":\"+98${MOB#0}\",\"name\":\"مهاجم\",\"national_id\":\"0499370899\",\"verification_code\":\"$VC\"}"
h_api "operator: caller history" POST /api/v1/callers 200 "${TOK[op]}" "{\"mobile\":\"$MOB\"}"
h_jq "the name is unchanged" .citizen.name "$NAME"
h_jq "the national id is unchanged" .citizen.national_id "$NID"
h_jq "both messages are the caller's" '.messages | length' 2
h_jq "every message shows the real name" '[.messages[].citizen.name] | unique | join(",")' "$NAME"
h_api "the first message still shows it" GET /api/v1/messages/$FIRST 200 "${TOK[op]}"
h_jq "first message: name" .citizen.name "$NAME"
h_api "inspector: audit" GET '/api/v1/audit?limit=1000' 200 "${TOK[insp]}"
h_jq "no correction was recorded" '[.items[] | select(.action == "citizen.correct")] | length' 0

h_api "operator registers a call giving a corrected name" POST /api/v1/messages 201 "${TOK[op]}" \
	"{\"kind\":\"criticism\",\"subject\":\"چاله\",\"body\":\"چاله دیگر\",\"mobile\":\"$MOB\",\"name\":\"مریم رضایی‌نژاد\"}"
h_api "operator: caller history" POST /api/v1/callers 200 "${TOK[op]}" "{\"mobile\":\"$MOB\"}"
h_jq "the operator's correction holds" .citizen.name "مریم رضایی‌نژاد"
h_jq "the national id stays" .citizen.national_id "$NID"
h_api "inspector: audit" GET '/api/v1/audit?limit=1000' 200 "${TOK[insp]}"
h_jq "one correction, by the operator" \
	'[.items[] | select(.action == "citizen.correct") | "\(.actor):\(.payload.fields)"] | join(",")' "op:name"
h_body_lacks "the correction holds no mobile" "$MOB"

CORR="{\"mobile\":\"$MOB\",\"national_id\":\"0499370899\"}"
h_req "anonymous may not correct" POST /api/v1/callers/correct 401 "${J[@]}" --data-binary "$CORR"
h_api "an admin may not correct" POST /api/v1/callers/correct 403 "${TOK[adm]}" "$CORR"
h_api "a unit may not correct" POST /api/v1/callers/correct 403 "${TOK[st12]}" "$CORR"
h_api "an inspector may not correct" POST /api/v1/callers/correct 403 "${TOK[insp]}" "$CORR"
h_api "an unknown caller is 404" POST /api/v1/callers/correct 404 "${TOK[op]}" \
	'{"mobile":"09120000001","name":"کسی"}'
h_api "a bad national id is 422" POST /api/v1/callers/correct 422 "${TOK[op]}" \
	"{\"mobile\":\"$MOB\",\"national_id\":\"0499370898\"}"
h_jq "naming the field" .error.field national_id
h_api "nothing to correct is 422" POST /api/v1/callers/correct 422 "${TOK[op]}" "{\"mobile\":\"$MOB\"}"
h_api "the operator corrects the national id" POST /api/v1/callers/correct 200 "${TOK[op]}" "$CORR"
h_jq "changed" .changed true
h_jq "new national id" .citizen.national_id 0499370899
h_api "the same again changes nothing" POST /api/v1/callers/correct 200 "${TOK[op]}" "$CORR"
h_jq "unchanged" .changed false
h_api "inspector: audit" GET '/api/v1/audit?limit=1000' 200 "${TOK[insp]}"
h_jq "two corrections now" '[.items[] | select(.action == "citizen.correct")] | length' 2

# ---- point 8: look-ups audited with a keyed hash; the number out of the logs ----
h_api "GET form still answers" GET /api/v1/callers/$MOB 200 "${TOK[op]}"
h_jq "GET form: the caller" .citizen.national_id 0499370899
h_api "POST form: an unknown caller" POST /api/v1/callers 200 "${TOK[op]}" '{"mobile":"09120000001"}'
h_jq "no citizen" .citizen null
h_api "POST form: not a mobile" POST /api/v1/callers 422 "${TOK[op]}" '{"mobile":"12"}'
h_api "POST form: the mobile is required" POST /api/v1/callers 422 "${TOK[op]}" '{}'
h_api "inspector: audit" GET '/api/v1/audit?limit=1000' 200 "${TOK[insp]}"
h_body_lacks "no look-up holds the number" "$MOB"
h_body_lacks "nor its other spelling" "${MOB#0}"
h_jq "every look-up (first-time callers too) is audited with a hash" \
	'[.items[] | select(.action == "citizen.history") | (.payload | keys | join("+"))] | unique | join(",")' \
	"messages+mobile_hash"
h_jq "the look-ups of one number share one hash" \
	'[.items[] | select(.action == "citizen.history") | select(.payload.messages == 3) | .payload.mobile_hash] | unique | length' 1
h_jq "another number, another hash" \
	'[.items[] | select(.action == "citizen.history") | .payload.mobile_hash] | unique | length' 2
t_run "hamgan audit mobile-hash gives the same hash" 0 \
	"$(jq -r '[.items[] | select(.action == "citizen.history") | select(.payload.messages == 3) | .payload.mobile_hash][0]' "$T_TMP/body")" \
	"$HAMGAN" audit mobile-hash "۰۹۱۲ ۷۷۷ ۶۶۵۵" --db "$H_DB"

# ---- point 11: citizens set neither priority nor region ----
h_api "operator: count before" GET '/api/v1/messages?limit=100' 200 "${TOK[op]}"
BEFORE=$(jq '.items | length' "$T_TMP/body")
h_req "a public submission with priority is refused" POST /api/v1/messages 422 "${J[@]}" \
	--data-binary '{"kind":"criticism","subject":"فوری","body":"متن","mobile":"09121112222","priority":"urgent"}'
h_jq "naming priority" .error.field priority
h_req "a public submission with a region is refused" POST /api/v1/messages 422 "${J[@]}" \
	--data-binary '{"kind":"criticism","subject":"منطقه","body":"متن","mobile":"09121112222","region":"region-12"}'
h_jq "naming region" .error.field region
h_req "even priority normal" POST /api/v1/messages 422 "${J[@]}" \
	--data-binary '{"kind":"criticism","subject":"عادی","body":"متن","anonymous":true,"priority":"normal"}'
h_api "operator: count after" GET '/api/v1/messages?limit=100' 200 "${TOK[op]}"
h_jq "nothing was stored" '.items | length' "$BEFORE"
h_api "the operator may set both" POST /api/v1/messages 201 "${TOK[op]}" \
	'{"kind":"criticism","subject":"فوری","body":"متن","mobile":"09121112222","priority":"urgent","region":"region-12"}'
h_jq "urgent" .priority urgent
h_jq "with its region" '.region_id != null' true

# ---- a code outside a unit's scope reads as an unknown one ----
h_api "refer the first message to region 12" POST /api/v1/messages/$FIRST/refer 200 "${TOK[op]}" '{"unit":"region-12"}'
UNKNOWN=$("$HAMGAN" fa tracking-code --new 1)
while [ "$UNKNOWN" = "$FIRST" ]; do UNKNOWN=$("$HAMGAN" fa tracking-code --new 1); done
h_api "region 3 reads region 12's code" GET /api/v1/messages/$FIRST 404 "${TOK[st03]}"
A=$(jq -c '.error | {code, field, message: (.message | sub("[0-9]+$"; "N"))}' "$T_TMP/body")
h_api "region 3 reads an unknown code" GET /api/v1/messages/$UNKNOWN 404 "${TOK[st03]}"
B=$(jq -c '.error | {code, field, message: (.message | sub("[0-9]+$"; "N"))}' "$T_TMP/body")
t_eq "the two answers are the same but for the code" "$A" "$B"
h_jq "not_found" .error.code not_found
h_api "region 3 acting on it: 404 as well" POST /api/v1/messages/$FIRST/answer 404 "${TOK[st03]}" '{"answer":"x"}'
h_api "region 12 may not refer it: 403 (the action, not existence)" POST /api/v1/messages/$FIRST/refer 403 \
	"${TOK[st12]}" '{"unit":"region-03"}'

h_stop
t_grep "the log shows the GET form with a star" '"GET /api/v1/callers/\*" 200' "$T_TMP/serve.err"
if grep -Fq -e "$MOB" -e "${MOB#0}" "$T_TMP/serve.err"; then
	t_fail "the server log holds no caller number" "$(grep -F -e "$MOB" -e "${MOB#0}" "$T_TMP/serve.err" | head -3)"
else
	t_pass "the server log holds no caller number"
fi
t_done
