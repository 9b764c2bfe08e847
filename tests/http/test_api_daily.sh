# Issue 14, the message page and the citizen: the timeline in time order
# with every step (start, grades, SMS), the inspector's reopen that is not a
# grade, the objection's reason, SMS hidden from a unit on a confidential
# message, and what tracking shows (text, category, region, rejection).
. "$(dirname "$0")/lib.sh"
h_seed
h_start --set track_rate=1000

OP=$(h_token op); ST=$(h_token st12); INSP=$(h_token insp)
MOB=09121234567

h_api "register" POST /api/v1/messages 201 "$OP" \
	"{\"kind\":\"complaint\",\"category\":\"roads\",\"subject\":\"چاله\",\"body\":\"چالهٔ بزرگ جلوی پلاک ۷\",\"mobile\":\"$MOB\"}"
CODE=$(jq -r .code "$T_TMP/body")
h_api "refer to a district" POST /api/v1/messages/$CODE/refer 200 "$OP" '{"unit":"district-12-1","reason":"حوزهٔ ناحیه"}'
h_api "start" POST /api/v1/messages/$CODE/start 200 "$ST" '{}'
h_api "answer" POST /api/v1/messages/$CODE/answer 200 "$ST" '{"answer":"ترمیم شد"}'
sleep 1
h_req "the citizen objects, saying why" POST /api/v1/track/verdict 200 \
	-H 'Content-Type: application/json' \
	-d "{\"code\":\"$CODE\",\"mobile\":\"$MOB\",\"verdict\":\"object\",\"reason\":\"چاله هنوز هست\"}"
h_jq "reopened" .state reopened
h_jq "tracking timeline in time order" '[.timeline[].at] == ([.timeline[].at] | sort)' true
h_jq "tracking: the reopen after the answer" \
	'[.timeline[].event | select(. == "answered" or . == "reopened")] | join(",")' "answered,reopened"
h_jq "tracking shows the citizen's own text" .body "چالهٔ بزرگ جلوی پلاک ۷"
h_jq "tracking shows the category" .category "معابر و آسفالت"
h_jq "tracking names the region, not the district office" .handled_by.name "منطقه ۱۲"
h_body_lacks "tracking never names the district" "ناحیه"
h_body_lacks "tracking never names the person" "st12"
h_req "a reason with an acceptance is 422" POST /api/v1/track/verdict 422 \
	-H 'Content-Type: application/json' \
	-d "{\"code\":\"$CODE\",\"mobile\":\"$MOB\",\"verdict\":\"accept\",\"reason\":\"$(head -c 1000 /dev/zero | tr '\0' 'x')\"}"

h_api "the unit reads it" GET /api/v1/messages/$CODE 200 "$ST"
h_jq "timeline in time order" '[.timeline[].at] == ([.timeline[].at] | sort)' true
h_jq "every step is there" '[.timeline[].event | select(. != "sms")] | join(",")' "register,refer,start,answer,verdict"
h_jq "with the two texts sent (code, answer)" '[.timeline[] | select(.event == "sms")] | length' 2
h_jq "the objection's reason reaches the unit" \
	'.timeline[] | select(.event == "verdict") | .hop.reason' "objection: چاله هنوز هست"
h_jq "the SMS texts are shown" '[.timeline[] | select(.event == "sms") | .sms.to] | unique | join(",")' "$MOB"
h_jq "the refer hop carries its reason" '.timeline[] | select(.event == "refer") | .hop.reason' "حوزهٔ ناحیه"

h_api "answer again" POST /api/v1/messages/$CODE/answer 200 "$ST" '{"answer":"این بار کامل"}'
h_api "the inspector reopens with a note" POST /api/v1/messages/$CODE/reopen 200 "$INSP" '{"note":"عکس پیوست نشده"}'
h_jq "reopened" .state reopened
h_jq "regression: no grade is filed" .grade null
h_jq "regression: the note is no grade note" .grade_note null
h_api "read again" GET /api/v1/messages/$CODE 200 "$INSP"
h_jq "the reopen event with its note" '.timeline[] | select(.event == "reopen") | .hop.reason' "inspector: عکس پیوست نشده"
h_jq "no grade event" '[.timeline[] | select(.event == "grade")] | length' 0
h_api "answer a third time" POST /api/v1/messages/$CODE/answer 200 "$ST" '{"answer":"سوم"}'
h_api "the inspector grades" POST /api/v1/messages/$CODE/grade 200 "$INSP" '{"grade":"acceptable","note":"خوب"}'
h_api "read once more" GET /api/v1/messages/$CODE 200 "$ST"
h_jq "the grade is on the timeline" '.timeline[] | select(.event == "grade") | .details.grade' acceptable

# confidential: the unit sees that texts went out, not the number or the text
h_api "register a confidential complaint" POST /api/v1/messages 201 "$OP" \
	"{\"kind\":\"complaint\",\"category\":\"conduct\",\"subject\":\"رفتار مأمور\",\"body\":\"برخورد بد\",\"mobile\":\"09351112233\"}"
CC=$(jq -r .code "$T_TMP/body")
h_api "refer it" POST /api/v1/messages/$CC/refer 200 "$OP" '{"unit":"region-12"}'
h_api "the unit reads it" GET /api/v1/messages/$CC 200 "$ST"
h_jq "SMS events shown" '[.timeline[] | select(.event == "sms")] | length' 1
h_jq "SMS hidden from the unit" '[.timeline[] | select(.event == "sms") | .sms.hidden] | all' true
h_body_lacks "no mobile anywhere" "09351112233"
h_api "the inspector reads it" GET /api/v1/messages/$CC 200 "$INSP"
h_jq "the inspector sees the SMS" '.timeline[] | select(.event == "sms") | .sms.to' 09351112233

# a rejected message shows its reason on tracking
h_api "register another" POST /api/v1/messages 201 "$OP" \
	"{\"kind\":\"request\",\"subject\":\"نامفهوم\",\"body\":\"...\",\"mobile\":\"$MOB\"}"
RC=$(jq -r .code "$T_TMP/body")
h_api "reject it" POST /api/v1/messages/$RC/reject 200 "$OP" '{"reason":"incomplete"}'
h_req "track it" GET "/api/v1/track?code=$RC&mobile=$MOB" 200
h_jq "rejected" .state rejected
h_jq "with its reason" .reject_reason incomplete
h_jq "handled by no one" .handled_by null
h_jq "the rejection on the timeline" '[.timeline[].event | select(. != "sms")][-1]' rejected
t_done
