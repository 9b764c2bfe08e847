# Issue 14, the queues: deadline order with overdue first, overdue=false, a
# message in one section only, totals exact up to 1,000; assignment within
# the unit and "mine"; internal notes (never for the citizen); canned
# answers per category.
. "$(dirname "$0")/lib.sh"
h_seed
h_start --set track_rate=1000

OP=$(h_token op); ST=$(h_token st12); ST121=$(h_token st121); ST03=$(h_token st03)
MG=$(h_token mg12); INSP=$(h_token insp); ADM=$(h_token adm)
MOB=09121234567

new() { # new SUBJECT DEADLINE_HOURS UNIT: a message referred to UNIT, its code in $C
	h_api "register $1" POST /api/v1/messages 201 "$OP" \
		"{\"kind\":\"complaint\",\"category\":\"roads\",\"subject\":\"$1\",\"body\":\"متن\",\"mobile\":\"$MOB\"}"
	C=$(jq -r .code "$T_TMP/body")
	h_api "refer $1" POST /api/v1/messages/$C/refer 200 "$OP" "{\"unit\":\"$3\",\"deadline_hours\":$2}"
}
new "دیر یک" 1 region-12; LATE1=$C
new "دیر دو" 2 region-12; LATE2=$C
new "تازه" 48 district-12-1; FRESH=$C
new "تازه‌تر" 24 region-12; FRESH2=$C
# make two of them overdue: move their deadlines into the past
if t_pg; then NOW="extract(epoch FROM now())::bigint"; else NOW="strftime('%s','now')"; fi
h_sql "UPDATE messages SET due_at = $NOW - 3*86400 WHERE code = '$LATE1';
	UPDATE messages SET due_at = $NOW - 86400 WHERE code = '$LATE2';"

h_api "overdue section, by deadline" GET "/api/v1/messages?overdue=true&sort=due" 200 "$ST"
h_jq "the longest overdue first" '[.items[].code] | join(",")' "$LATE1,$LATE2"
h_jq "its total" .total 2
h_jq "exact" .total_capped false
h_api "referred, not overdue" GET "/api/v1/messages?state=referred&overdue=false&sort=due" 200 "$ST"
h_jq "the others, nearest deadline first" '[.items[].code] | join(",")' "$FRESH2,$FRESH"
h_jq "none of the overdue ones" '[.items[].overdue] | any' false
h_api "paging by deadline" GET "/api/v1/messages?state=referred&sort=due&limit=1" 200 "$ST"
h_jq "first page" '.items[0].code' "$LATE1"
CUR=$(jq -r .next_cursor "$T_TMP/body")
h_jq "a due cursor" '.next_cursor | startswith("d")' true
h_api "second page" GET "/api/v1/messages?state=referred&sort=due&limit=1&cursor=$CUR" 200 "$ST"
h_jq "the next one" '.items[0].code' "$LATE2"
h_api "a cursor of another order is 422" GET "/api/v1/messages?sort=due&cursor=k1.1" 422 "$ST"
h_api "an unknown sort is 422" GET "/api/v1/messages?sort=random" 422 "$ST"
h_api "text and deadline order together is 422" GET "/api/v1/messages?sort=due&q=x" 422 "$ST"

# assignment
h_api "who may take it" GET /api/v1/messages/$FRESH/assignable 200 "$ST"
h_jq "the district's staff only (the message is in the district)" '[.items[].username] | join(",")' "st121"
h_api "who may take a region's message" GET /api/v1/messages/$LATE1/assignable 200 "$ST"
h_jq "the region's and its district's staff and managers" '[.items[].username] | sort | join(",")' "mg12,st12,st121"
h_api "not for another region" GET /api/v1/messages/$LATE1/assignable 404 "$ST03"
h_api "staff of region 12 assigns to the district's staff" PUT /api/v1/messages/$FRESH/assignee 200 "$ST" '{"user":"st121"}'
h_jq "assigned" .assignee.username st121
h_api "shown on the message" GET /api/v1/messages/$FRESH 200 "$ST"
h_jq "with the name" .assignee.name "کاربر st121"
h_jq "and on the timeline" '[.timeline[] | select(.event == "assign") | .details.user] | join(",")' st121
h_api "mine, for st121" GET "/api/v1/messages?assigned=me" 200 "$ST121"
h_jq "only that one" '[.items[].code] | join(",")' "$FRESH"
h_jq "lists show the assignee" '.items[0].assignee.username' st121
h_api "mine, for st12" GET "/api/v1/messages?assigned=me" 200 "$ST"
h_jq "nothing" .total 0
h_api "assigned=someone-else is 422" GET "/api/v1/messages?assigned=st121" 422 "$ST"
h_api "not to a user outside the message's unit" PUT /api/v1/messages/$LATE1/assignee 422 "$ST" '{"user":"st03"}'
h_api "nor from a district to its region's message" PUT /api/v1/messages/$LATE1/assignee 404 "$ST121" '{"user":"st121"}'
h_api "not to an operator" PUT /api/v1/messages/$LATE1/assignee 422 "$ST" '{"user":"op"}'
h_api "not by staff of another region" PUT /api/v1/messages/$LATE1/assignee 404 "$ST03" '{"user":"st03"}'
h_api "not by an operator" PUT /api/v1/messages/$LATE1/assignee 403 "$OP" '{"user":"st12"}'
h_api "to oneself" PUT /api/v1/messages/$LATE1/assignee 200 "$ST" '{"user":"st12"}'
h_api "taken back" PUT /api/v1/messages/$LATE1/assignee 200 "$MG" '{}'
h_jq "nobody" .assignee null
h_api "an unknown user is 422" PUT /api/v1/messages/$LATE1/assignee 422 "$ST" '{"user":"nobody"}'
h_api "assign before a transfer" PUT /api/v1/messages/$FRESH2/assignee 200 "$ST" '{"user":"st12"}'
h_jq "assigned" .assignee.username st12
h_api "transfer to the district" POST /api/v1/messages/$FRESH2/transfer 200 "$ST" '{"unit":"district-12-1"}'
h_jq "a transfer leaves the assignee behind" '.assignee == null and has("assignee")' true

# internal notes
h_api "staff leaves a note" POST /api/v1/messages/$LATE1/notes 201 "$ST" '{"body":"با پیمانکار هماهنگ شد"}'
h_jq "signed with the name" .author "کاربر st12"
h_api "the operator adds one" POST /api/v1/messages/$LATE1/notes 201 "$OP" '{"body":"شهروند دوباره تماس گرفت"}'
h_api "the inspector reads them" GET /api/v1/messages/$LATE1/notes 200 "$INSP"
h_jq "both, oldest first" '[.items[].body] | join("|")' "با پیمانکار هماهنگ شد|شهروند دوباره تماس گرفت"
h_api "staff of another region may not" GET /api/v1/messages/$LATE1/notes 404 "$ST03"
h_api "an admin may not" GET /api/v1/messages/$LATE1/notes 403 "$ADM"
h_api "an empty note is 422" POST /api/v1/messages/$LATE1/notes 422 "$ST" '{"body":""}'
h_api "notes are audited" GET /api/v1/messages/$LATE1 200 "$ST"
h_jq "on the timeline, without the text" '[.timeline[] | select(.event == "note")] | length' 2
h_body_lacks "the text is not in the message" "پیمانکار"
h_req "the citizen never sees them" GET "/api/v1/track?code=$LATE1&mobile=$MOB" 200
h_body_lacks "no note on tracking" "پیمانکار"
h_body_lacks "no note event on tracking" '"note"'

# canned answers
h_api "staff may not add canned answers" POST /api/v1/canned 403 "$ST" '{"category":"roads","title":"ترمیم","body":"چاله ترمیم شد."}'
h_api "a manager adds one" POST /api/v1/canned 201 "$MG" '{"category":"roads","title":"ترمیم","body":"چاله ترمیم و آسفالت شد."}'
CID=$(jq -r .id "$T_TMP/body")
h_api "an admin adds another" POST /api/v1/canned 201 "$ADM" '{"category":"roads","title":"ارجاع به پیمانکار","body":"به پیمانکار سپرده شد."}'
C2=$(jq -r .id "$T_TMP/body")
h_api "unknown category is 422" POST /api/v1/canned 422 "$ADM" '{"category":"nope","title":"x","body":"y"}'
h_api "staff lists them for a category" GET "/api/v1/canned?category=roads" 200 "$ST"
h_jq "by title" '[.items[].title] | join("|")' "ارجاع به پیمانکار|ترمیم"
h_api "the admin retires one" PATCH /api/v1/canned/$C2 200 "$ADM" '{"active":false}'
h_api "active ones only" GET "/api/v1/canned?category=roads" 200 "$ST"
h_jq "one left" '[.items[].id] | join(",")' "$CID"
h_api "all of them for the admin" GET "/api/v1/canned?category=roads&all=true" 200 "$ADM"
h_jq "two" '.items | length' 2
h_api "an unknown id is 404" PATCH /api/v1/canned/999 404 "$ADM" '{"active":false}'
h_api "the citizen side has none" GET "/api/v1/canned" 401 ""

# totals: exact up to 1,000, then capped
if t_pg; then
	h_sql "INSERT INTO messages (code, channel, kind, subject, body, state, unit_id, created_at)
		SELECT '9' || lpad(i::text, 9, '0'), 0, 1, 'انبوه', 'انبوه', 0,
		(SELECT id FROM units WHERE code = 'centre'), 1 FROM generate_series(1, 1005) AS i;"
else
	h_sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1005)
		INSERT INTO messages (code, channel, kind, subject, body, state, unit_id, created_at)
		SELECT printf('9%09d', i), 0, 1, 'انبوه', 'انبوه', 0,
		(SELECT id FROM units WHERE code = 'centre'), 1 FROM n;"
fi
h_api "a big list" GET "/api/v1/messages?state=registered&limit=5" 200 "$OP"
h_jq "more than 1,000" .total_capped true
h_jq "counted to 1,000" .total 1000
h_jq "a page of 5" '.items | length' 5
t_done
