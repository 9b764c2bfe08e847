# Messages end to end: register, refer, start, answer, the citizen's
# tracking and verdict, reopen, grade, close, transfer, return, reject;
# stale versions; search with filters and cursor; caller history; SMS.
. "$(dirname "$0")/lib.sh"
h_seed
h_start --set track_rate=1000 --set sms_secret=gateway-secret-1-0123456789abcdef0123

OP=$(h_token op); ST=$(h_token st12); ST121=$(h_token st121); INSP=$(h_token insp)
MOB=09121234567
NOCODE=$("$HAMGAN" fa tracking-code --new 1)

h_api "operator registers a phone message" POST /api/v1/messages 201 "$OP" \
	"{\"kind\":\"complaint\",\"category\":\"roads\",\"subject\":\"چاله در خیابان ولیعصر\",\"body\":\"یک چالهٔ بزرگ جلوی پلاک ۱۲\",\"mobile\":\"+98 912 123 4567\",\"name\":\"مریم احمدی\",\"address\":\"خیابان ولیعصر\",\"lat\":35.6745,\"lon\":51.4221}"
h_jq "state registered" .state registered
h_jq "channel phone" .channel phone
h_jq "mobile normalised" .citizen.mobile $MOB
h_jq "point kept" .point.lat 35.6745
h_jq "created_at is ISO 8601 UTC" '.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' true
CODE=$(jq -r .code "$T_TMP/body")
V=$(jq -r .version "$T_TMP/body")
[[ $CODE =~ ^[1-9][0-9]{9}$ ]] && t_pass "10-digit tracking code" || t_fail "10-digit tracking code" "$CODE"

h_api "read it back" GET /api/v1/messages/$CODE 200 "$OP"
h_jq "same subject" .subject "چاله در خیابان ولیعصر"
h_api "unknown code is 404" GET /api/v1/messages/$NOCODE 404 "$OP"
h_api "code with a wrong check digit is 422" GET /api/v1/messages/1000000000 422 "$OP"
h_api "non-numeric code is 404" GET /api/v1/messages/abc 404 "$OP"
h_api "unknown action is 404" POST /api/v1/messages/$CODE/teleport 404 "$OP" '{}'

h_api "staff cannot refer (a message at the centre is not theirs to see)" POST /api/v1/messages/$CODE/refer 404 "$ST" '{"unit":"region-12"}'
h_api "refer to an unknown unit is 422" POST /api/v1/messages/$CODE/refer 422 "$OP" '{"unit":"region-99"}'
h_api "operator refers to region 12" POST /api/v1/messages/$CODE/refer 200 "$OP" \
	"{\"unit\":\"region-12\",\"reason\":\"حوزهٔ منطقه\",\"version\":$V}"
h_jq "state referred" .state referred
h_jq "due date set" '.due_at != null' true
h_api "stale version is 409" POST /api/v1/messages/$CODE/start 409 "$ST" "{\"version\":$V}"
h_jq "409 code" .error.code conflict
h_api "staff of another unit cannot see it (404, as an unknown code)" GET /api/v1/messages/$CODE 404 "$(h_token st03)"
h_api "staff starts work" POST /api/v1/messages/$CODE/start 200 "$ST" '{}'
h_jq "state in_progress" .state in_progress
h_api "empty body counts as {}" POST /api/v1/messages/$CODE/answer 422 "$ST"
h_api "staff answers" POST /api/v1/messages/$CODE/answer 200 "$ST" '{"answer":"چاله ترمیم شد."}'
h_jq "state answered" .state answered
h_api "answering twice is 409" POST /api/v1/messages/$CODE/answer 409 "$ST" '{"answer":"باز هم"}'

# The citizen follows it with code + mobile (any spelling).
h_req "citizen tracks (GET)" GET "/api/v1/track?code=$CODE&mobile=0912%20123%204567" 200
h_jq "track: state" .state answered
h_jq "track: answer" .answer "چاله ترمیم شد."
h_jq "track: timeline, every step in time order" '[.timeline[].event | select(. != "sms")] | join(",")' \
	"registered,referred,in_progress,answered"
h_jq "track: the texts sent to the citizen" '[.timeline[] | select(.event == "sms")] | length' 2
h_jq "track: may give a verdict" .can_give_verdict true
h_body_lacks "track shows no name" "مریم"
h_body_lacks "track shows no staff user" "st12"
h_jq "track names the region handling it (issue 14)" .handled_by.code region-12
h_body_lacks "track names no district office" "district"
h_req "citizen tracks (POST)" POST /api/v1/track 200 -H 'Content-Type: application/json' \
	-d "{\"code\":\"$CODE\",\"mobile\":\"$MOB\"}"
h_req "wrong mobile is 404" GET "/api/v1/track?code=$CODE&mobile=09120000000" 404
wrong_mobile=$(cat "$T_TMP/body")
h_req "wrong code is 404" GET "/api/v1/track?code=1000000000&mobile=$MOB" 404
t_eq "same answer for wrong code and wrong mobile" "$(cat "$T_TMP/body")" "$wrong_mobile"
h_req "missing mobile is 422" GET "/api/v1/track?code=$CODE" 422

h_req "citizen objects" POST /api/v1/track/verdict 200 -H 'Content-Type: application/json' \
	-d "{\"code\":\"$CODE\",\"mobile\":\"$MOB\",\"verdict\":\"object\",\"rating\":2}"
h_jq "objection reopens" .state reopened
h_jq "the page shows the objection" .verdict object
h_jq "and its rating" .rating 2
h_req "verdict with a wrong mobile is 404" POST /api/v1/track/verdict 404 -H 'Content-Type: application/json' \
	-d "{\"code\":\"$CODE\",\"mobile\":\"09120000000\",\"verdict\":\"accept\"}"
h_req "bad verdict is 422" POST /api/v1/track/verdict 422 -H 'Content-Type: application/json' \
	-d "{\"code\":\"$CODE\",\"mobile\":\"$MOB\",\"verdict\":\"meh\"}"
h_api "staff answers again" POST /api/v1/messages/$CODE/answer 200 "$ST" '{"answer":"این بار کامل ترمیم شد."}'
h_api "inspector grades" POST /api/v1/messages/$CODE/grade 200 "$INSP" '{"grade":"acceptable","note":"پاسخ دقیق"}'
h_jq "grade recorded" .grade acceptable
h_api "staff cannot close" POST /api/v1/messages/$CODE/close 403 "$ST" '{}'
h_api "operator closes" POST /api/v1/messages/$CODE/close 200 "$OP" '{}'
h_jq "state closed" .state closed
h_api "inspector reopens" POST /api/v1/messages/$CODE/reopen 200 "$INSP" '{"note":"پاسخ ناکافی"}'
h_jq "state reopened" .state reopened
h_api "history has the hops" GET /api/v1/messages/$CODE 200 "$OP"
h_jq "referral chain" '[.referrals[].kind] | join(",")' "refer,reopen,reopen"

# transfer inside the subtree, return, reject
h_api "second message" POST /api/v1/messages 201 "$OP" \
	'{"kind":"request","subject":"درخواست نصب چراغ","body":"کوچه تاریک است","mobile":"09129876543"}'
C2=$(jq -r .code "$T_TMP/body")
h_api "refer second" POST /api/v1/messages/$C2/refer 200 "$OP" '{"unit":"region-12","category":"roads","deadline_hours":24}'
h_api "transfer outside the subtree refused" POST /api/v1/messages/$C2/transfer 403 "$ST" '{"unit":"region-03"}'
h_api "transfer to the district" POST /api/v1/messages/$C2/transfer 200 "$ST" '{"unit":"district-12-1","reason":"ناحیه ۱"}'
h_api "district staff sees it" GET /api/v1/messages/$C2 200 "$ST121"
h_api "bad return reason is 422" POST /api/v1/messages/$C2/return 422 "$ST121" '{"reason":"bored"}'
h_api "district returns it" POST /api/v1/messages/$C2/return 200 "$ST121" '{"reason":"not_ours","note":"کار برق است"}'
h_jq "state returned" .state returned
h_api "district no longer sees it" GET /api/v1/messages/$C2 404 "$ST121"
h_api "operator rejects as outside remit" POST /api/v1/messages/$C2/reject 200 "$OP" '{"reason":"outside_remit"}'
h_jq "state rejected" .state rejected
h_api "third message" POST /api/v1/messages 201 "$OP" \
	'{"kind":"criticism","subject":"تکراری","body":"همان چاله","mobile":"09121234567"}'
C3=$(jq -r .code "$T_TMP/body")
h_api "reject as duplicate of an unknown code is 422" POST /api/v1/messages/$C3/reject 422 "$OP" '{"reason":"duplicate","duplicate_of":"1000000000"}'
h_api "reject as duplicate" POST /api/v1/messages/$C3/reject 200 "$OP" "{\"reason\":\"duplicate\",\"duplicate_of\":\"$CODE\"}"
h_jq "duplicate linked" '.duplicate_of != null' true

# A citizen on the web, no account, proving the mobile with a texted code.
vcode=$(h_code 09351112233)
h_req "citizen submits on the web" POST /api/v1/messages 201 -H 'Content-Type: application/json' \
	-d '{"kind":"suggestion","subject":"پیشنهاد پارک","body":"یک پارک کوچک در محله","mobile":"09351112233","verification_code":"'"$vcode"'"}'
h_jq "citizen gets the code" '.code | test("^[0-9]{10}$")' true
h_jq "citizen gets nothing internal" '[keys[]] | join(",")' "code,created_at,state"
C4=$(jq -r .code "$T_TMP/body")
h_req "citizen cannot choose the phone channel" POST /api/v1/messages 422 -H 'Content-Type: application/json' \
	-d '{"kind":"suggestion","channel":"phone","subject":"s","body":"b","mobile":"09351112233"}'
h_req "citizen cannot list messages" GET /api/v1/messages 401
h_api "web channel recorded" GET /api/v1/messages/$C4 200 "$OP"
h_jq "channel web" .channel web

# Search and filters.
h_api "list all (operator)" GET '/api/v1/messages?limit=100' 200 "$OP"
h_jq "four messages" '.items | length' 4
h_api "full-text search in Persian" GET "/api/v1/messages?q=$(jq -rn --arg s 'چراغ' '$s|@uri')" 200 "$OP"
h_jq "search finds the lamp request" '[.items[].code] | join(",")' "$C2"
h_api "Arabic letter forms match too" GET "/api/v1/messages?q=$(jq -rn --arg s 'كوچه' '$s|@uri')" 200 "$OP"
h_jq "Arabic kaf finds Persian kaf" '[.items[].code] | join(",")' "$C2"
h_api "state filter" GET "/api/v1/messages?state=rejected" 200 "$OP"
h_jq "two rejected" '.items | length' 2
h_api "kind filter" GET '/api/v1/messages?kind=suggestion' 200 "$OP"
h_jq "one suggestion" '[.items[].kind] | join(",")' suggestion
h_api "channel filter" GET '/api/v1/messages?channel=web' 200 "$OP"
h_jq "one web message" '.items | length' 1
h_api "unit filter" GET '/api/v1/messages?unit=region-12' 200 "$OP"
h_jq "region-12 subtree" '.items | length' 1
h_api "category filter" GET '/api/v1/messages?category=roads' 200 "$OP"
h_api "date filter in the future" GET '/api/v1/messages?from=2200-01-01' 200 "$OP"
h_jq "nothing from the future" '.items | length' 0
h_api "overdue filter" GET '/api/v1/messages?overdue=true' 200 "$OP"
h_jq "nothing overdue yet" '.items | length' 0
h_api "page 1 of 2" GET '/api/v1/messages?limit=2' 200 "$OP"
h_jq "two on page 1" '.items | length' 2
cur=$(jq -r .next_cursor "$T_TMP/body")
p1=$(jq -r '[.items[].code] | join(",")' "$T_TMP/body")
h_api "page 2" GET "/api/v1/messages?limit=2&cursor=$cur" 200 "$OP"
h_jq "two on page 2" '.items | length' 2
p2=$(jq -r '[.items[].code] | join(",")' "$T_TMP/body")
[ "$p1" != "$p2" ] && t_pass "pages differ" || t_fail "pages differ" "$p1 / $p2"
h_api "bad cursor is 422" GET '/api/v1/messages?cursor=zzz' 422 "$OP"
h_api "staff list is scoped" GET '/api/v1/messages' 200 "$ST"
h_jq "staff sees region-12 only" '[.items[].code] | join(",")' "$CODE"

# Caller history for the phone system.
h_api "caller history" GET /api/v1/callers/0912-123-4567 200 "$OP"
h_jq "history mobile" .mobile $MOB
h_jq "history has both messages" '.messages | length' 2
h_jq "caller name" .citizen.name "مریم احمدی"
h_api "history of a new caller is empty" GET /api/v1/callers/09100000000 200 "$OP"
h_jq "no messages" '.messages | length' 0
h_api "bad mobile is 422" GET /api/v1/callers/12 422 "$OP"
h_api "staff may not see caller history" GET /api/v1/callers/$MOB 403 "$ST"

# Inbound SMS.
S=(-H 'Content-Type: application/json')
h_req "SMS without the secret is 401" POST /api/v1/sms/inbound 401 "${S[@]}" -d '{"from":"09121234567","text":"31"}'
h_req "SMS with a wrong secret is 401" POST /api/v1/sms/inbound 401 "${S[@]}" -H 'X-Hamgan-SMS-Secret: nope' \
	-d '{"from":"09121234567","text":"31"}'
h_req "SMS text registers a message" POST /api/v1/sms/inbound 201 "${S[@]}" -H 'X-Hamgan-SMS-Secret: gateway-secret-1-0123456789abcdef0123' \
	-d '{"from":"09131112222","text":"آب‌گرفتگی در کوچهٔ ما"}'
h_jq "SMS result new" .result new

# A word finds its comparative however it is written (docs/fa.md, "Search
# terms"): «بزرگ» finds «بزرگ» and «بزرگ‌تر»; «بزرگتر» only the comparative.
h_api "a message with a comparative" POST /api/v1/messages 201 "$OP" \
	'{"kind":"complaint","subject":"گودال","body":"گودال جلوی مدرسه بزرگ‌تر شده","mobile":"09131112224"}'
C5=$(jq -r .code "$T_TMP/body")
h_api "search a word" GET "/api/v1/messages?q=$(jq -rn --arg s 'بزرگ' '$s|@uri')" 200 "$OP"
h_jq "it finds the word and its comparative" '[.items[].code] | sort | join(",")' \
	"$(printf '%s\n' "$CODE" "$C5" | sort | paste -sd, -)"
h_api "search the glued comparative" GET "/api/v1/messages?q=$(jq -rn --arg s 'بزرگتر' '$s|@uri')" 200 "$OP"
h_jq "it finds only the comparative" '[.items[].code] | join(",")' "$C5"
h_api "answer something for the SMS verdict" POST /api/v1/messages/$CODE/answer 200 "$ST" '{"answer":"پاسخ سوم"}'
h_req "SMS 31 accepts" POST /api/v1/sms/inbound 200 "${S[@]}" -H 'X-Hamgan-SMS-Secret: gateway-secret-1-0123456789abcdef0123' \
	-d '{"from":"09121234567","text":"۳۱"}'
h_jq "SMS result verdict" .result verdict
h_jq "SMS verdict closes" .state closed
h_stop

h_start
h_req "SMS hook off without a secret" POST /api/v1/sms/inbound 503 -H 'Content-Type: application/json' \
	-H 'X-Hamgan-SMS-Secret: ' -d '{"from":"09121234567","text":"31"}'
h_stop

# Citizen tracking is rate limited.
h_start --set track_rate=3
for i in 1 2 3; do h_req "track look-up $i" GET "/api/v1/track?code=1000000000&mobile=$MOB" 404; done
h_req "4th look-up in a minute is 429" GET "/api/v1/track?code=1000000000&mobile=$MOB" 429
h_header "track 429 has Retry-After" '^retry-after: [1-9]'
h_stop
t_done
