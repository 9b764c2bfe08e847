# Open311 GeoReport v2 under /open311/v2 against a real server: every
# endpoint and error in JSON and XML (JSON validated with ajv against the
# Open311 project's schemas, XML parsed and its element names checked by
# open311_check.mjs), exact content types, CORS on GETs only, API keys
# (hashed, revoked, rate-limited per key), form-encoded POSTs without CSRF,
# attributes and media_url, no SMS to an open311 citizen, confidential
# messages invisible, times with Tehran's offset (+04:30 in a summer before
# 1401), extensions (timeline, the citizen's verdict); /api/v1 keeps its rules.
. "$(dirname "$0")/lib.sh"
CHECK="$(dirname "$0")/open311_check.mjs"
O=/open311/v2
h_seed

# A service with attribute definitions (the category CSV's Open311 columns).
cat >"$T_TMP/cats311.csv" <<'CSV'
code,name,parent_code,deadline_hours,kinds,confidential,service_code,keywords,attributes
streets,معابر,,72,all,0,,,
potholes,چاله و ترک آسفالت,streets,48,request|complaint,0,pothole,"چاله,آسفالت","depth|number|required|عمق (سانتی‌متر)
lane|singlevaluelist|optional|خط|left=چپ;right=راست
note|string|info|عکس را با media_url بفرستید"
CSV
t_exit "category import with Open311 columns" 0 "$HAMGAN" category import "$T_TMP/cats311.csv" --db "$H_DB"
printf 'code,name,parent_code,deadline_hours,kinds,confidential,service_code,keywords,attributes\nok,خوب,,72,all,0,,,\nbad,بد,,72,all,0,,,"x|number|required|عدد\ny|colour|optional|رنگ"\n' >"$T_TMP/bad.csv"
t_exit "a bad attribute definition is refused" 1 "$HAMGAN" category import "$T_TMP/bad.csv" --db "$H_DB"
t_grep "the refusal names the line, the attribute line and the datatype" "line 3: attribute line 2: unknown datatype 'colour'" "$T_TMP/stderr"
printf 'code,name,parent_code,deadline_hours,kinds,confidential,service_code,keywords,attributes\nbad,بد,,72,all,0,,,"l|singlevaluelist|required|فهرست"\n' >"$T_TMP/bad2.csv"
t_exit "a list without values is refused" 1 "$HAMGAN" category import "$T_TMP/bad2.csv" --db "$H_DB"
t_grep "the refusal says a list needs values" "a list needs its values" "$T_TMP/stderr"
t_exit "nothing of a refused file is written" 1 sh -c "'$HAMGAN' category list --db '$H_DB' | grep -q '^ok'"

# API keys: printed once, alone on the last line; only a hash is stored.
"$HAMGAN" apikey add fixmystreet --db "$H_DB" >"$T_TMP/key.out" 2>&1
KEY=$(tail -1 "$T_TMP/key.out")
[[ $KEY =~ ^[0-9a-f]{64}$ ]] && t_pass "apikey add prints a 256-bit key alone on its last line" ||
	t_fail "apikey add prints a 256-bit key alone on its last line" "$(cat "$T_TMP/key.out")"
KEY2=$("$HAMGAN" apikey add rate-test --db "$H_DB" | tail -1)
KEY3=$("$HAMGAN" apikey add old-app --db "$H_DB" | tail -1)
t_exit "a second key of the same name is refused" 1 "$HAMGAN" apikey add fixmystreet --db "$H_DB"
t_exit "a bad key name is refused" 1 "$HAMGAN" apikey add 'Bad Name' --db "$H_DB"
t_run "revoke a key" 0 "revoked 'old-app'" "$HAMGAN" apikey revoke old-app --db "$H_DB"
t_exit "revoking twice fails" 1 "$HAMGAN" apikey revoke old-app --db "$H_DB"
t_exit "revoking an unknown key fails" 1 "$HAMGAN" apikey revoke nobody --db "$H_DB"
"$HAMGAN" apikey list --db "$H_DB" >"$T_TMP/keys.txt"
t_grep "list shows the working key" "^fixmystreet	active	" "$T_TMP/keys.txt"
t_grep "list shows the revoked key" "^old-app	revoked	" "$T_TMP/keys.txt"
# every byte of the database: the file and its log, or PostgreSQL's dump
if t_pg; then
	pg_dump --no-owner "$H_DB" >"$T_TMP/dump.sql" || t_fail "pg_dump"
	db_bytes=("$T_TMP/dump.sql")
else
	db_bytes=("$H_DB" "$H_DB-wal")
fi
if grep -aq "$KEY" "${db_bytes[@]}" "$T_TMP/keys.txt" 2>/dev/null; then
	t_fail "the key itself is stored nowhere (only its hash)"
else
	t_pass "the key itself is stored nowhere (only its hash)"
fi

h_start --set apikey_rate=1000 --set track_rate=1000

# check NAME KIND FORMAT: the last body passes open311_check.mjs
check() {
	local out
	out=$(node "$CHECK" "$2" "$3" "$T_TMP/body" 2>&1)
	t_eq "$1" "$out" ok
}
# ctype NAME TYPE: the Content-Type header is exactly TYPE
ctype() {
	local got
	got=$(tr -d '\r' <"$T_TMP/headers" | sed -n 's/^[Cc]ontent-[Tt]ype: //p' | tail -1)
	t_eq "$1" "$got" "$2"
}
# get NAME PATH STATUS KIND: GET in both formats; status, type, CORS, shape
get() {
	local name=$1 path=$2 want=$3 kind=$4 base query
	base=${path%%\?*}
	query=${path#"$base"}
	h_req "$name (json)" GET "$base.json$query" "$want"
	ctype "$name (json): Content-Type exactly application/json" application/json
	h_header "$name (json): Access-Control-Allow-Origin: *" '^access-control-allow-origin: \*'
	check "$name (json): valid $kind" "$kind" json
	cp "$T_TMP/body" "$T_TMP/last.json"
	h_req "$name (xml)" GET "$base.xml$query" "$want"
	ctype "$name (xml): Content-Type exactly text/xml" text/xml
	h_header "$name (xml): Access-Control-Allow-Origin: *" '^access-control-allow-origin: \*'
	check "$name (xml): well-formed $kind with the spec's names" "$kind" xml
	cp "$T_TMP/body" "$T_TMP/last.xml"
	cp "$T_TMP/last.json" "$T_TMP/body"
}
# post NAME FORMAT STATUS KIND FORM...: a form-encoded POST requests.FORMAT
# (FORMAT both: the same POST as JSON, then as XML)
post() {
	local name=$1 fmt=$2 want=$3 kind=$4; shift 4
	local args=() f
	if [ "$fmt" = both ]; then
		post "$name (xml)" xml "$want" "$kind" "$@"
		fmt=json
		name="$name (json)"
	fi
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	h_req "$name" POST "$O/requests.$fmt" "$want" -H 'Origin: https://app.example.org' "${args[@]}"
	if [ "$fmt" = json ]; then ctype "$name: application/json" application/json
	else ctype "$name: text/xml" text/xml; fi
	check "$name: valid $kind" "$kind" "$fmt"
}

# ---- discovery, services, service definitions ----
get "discovery" "$O/discovery" 200 discovery
h_jq "discovery names the spec" '.endpoints[0].specification' "http://wiki.open311.org/GeoReport_v2"
h_jq "discovery gives this server's URL" '.endpoints[0].url' "$H_URL/open311/v2"
get "services" "$O/services" 200 services
h_jq "services: every active, non-confidential leaf" '[.[].service_code] | sort | join(",")' "pothole,roads"
h_jq "services: name, group, keywords" '.[] | select(.service_code == "pothole") | [.service_name, .group, .keywords, .metadata, .type] | join("|")' \
	"چاله و ترک آسفالت|معابر|چاله,آسفالت|true|realtime"
h_jq "services: no attributes, no metadata" '.[] | select(.service_code == "roads") | .metadata' false
t_grep "services (xml): the Persian name as text" "<service_name>چاله و ترک آسفالت</service_name>" "$T_TMP/last.xml"
get "service definition" "$O/services/pothole" 200 service-definition
h_jq "definition: attribute codes in order" '[.attributes[].code] | join(",")' "depth,lane,note"
h_jq "definition: list values" '.attributes[1].values | map(.key + "=" + .name) | join(",")' "left=چپ,right=راست"
h_jq "definition: information-only attribute" '.attributes[2].variable' false
get "definition of a service without attributes" "$O/services/roads" 200 service-definition
h_jq "no attributes is an empty list" '.attributes | length' 0
get "unknown service is 404" "$O/services/nothing" 404 errors
h_jq "404 error: code and description" '.[0].code' 404
t_grep "404 error (xml): <errors><error><code>404</code>" "<errors><error><code>404</code><description>" "$T_TMP/last.xml"
get "a category that is not a leaf is no service" "$O/services/streets" 404 errors
get "a confidential category is no service" "$O/services/conduct" 404 errors
post "POST to a confidential category is 404" both 404 errors api_key=$KEY service_code=conduct address_id=X

# ---- POST requests ----
post "POST without api_key is 403" both 403 errors service_code=pothole lat=35.6745 long=51.4221 attribute[depth]=5
post "POST with a wrong api_key is 403" both 403 errors api_key=$(printf '0%.0s' {1..64}) service_code=roads lat=35.7 long=51.4
post "POST with a revoked api_key is 403" both 403 errors api_key=$KEY3 service_code=roads lat=35.7 long=51.4
post "POST without service_code is 400" both 400 errors api_key=$KEY lat=35.7 long=51.4
post "POST with an unknown service_code is 404" both 404 errors api_key=$KEY service_code=nope lat=35.7 long=51.4
post "POST without a location is 400" both 400 errors api_key=$KEY service_code=roads description=x
post "POST with lat but no long is 400" both 400 errors api_key=$KEY service_code=roads lat=35.7
post "POST with a bad latitude is 400" both 400 errors api_key=$KEY service_code=roads lat=95 long=51.4
post "POST without a required attribute is 400" both 400 errors api_key=$KEY service_code=pothole lat=35.7 long=51.4
h_jq "the error names the attribute" '.[0].description' "attribute 'depth' is required"
post "POST with a value outside the list is 400" both 400 errors api_key=$KEY service_code=pothole lat=35.7 long=51.4 attribute[depth]=3 attribute[lane]=middle
post "POST with a non-numeric number is 400" both 400 errors api_key=$KEY service_code=pothole lat=35.7 long=51.4 attribute[depth]=deep
post "POST with an unknown attribute is 400" both 400 errors api_key=$KEY service_code=roads lat=35.7 long=51.4 attribute[colour]=red
post "POST with a bad media_url is 400" both 400 errors api_key=$KEY service_code=roads lat=35.7 long=51.4 'media_url=javascript:alert(1)'
post "POST with a field twice is 400" both 400 errors api_key=$KEY service_code=roads lat=35.7 long=51.4 description=a description=b
post "POST with a bad phone is 400" both 400 errors api_key=$KEY service_code=roads address_string=x phone=12345
h_req "POST that is JSON, not a form, is 400" POST "$O/requests.json" 400 -H 'Content-Type: application/json' \
	--data-binary "{\"api_key\":\"$KEY\",\"service_code\":\"roads\"}"
check "JSON body error: valid errors" errors json
h_req "POST with bad percent-encoding is 400" POST "$O/requests.xml" 400 \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "api_key=$KEY&service_code=roads&description=%ZZ&lat=1&long=1"
check "bad encoding error: valid errors (xml)" errors xml
h_req "POST with an encoded NUL is 400" POST "$O/requests.json" 400 \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "api_key=$KEY&service_code=roads&description=a%00b&lat=1&long=1"
"$HAMGAN" sms list --db "$H_DB" >"$T_TMP/sms0.txt"

post "POST a pothole from another site's app (json)" json 200 posted api_key=$KEY service_code=pothole \
	lat=35.6745 long=51.4221 "description=چاله‌ای بزرگ جلوی بازار" attribute[depth]=12.5 attribute[lane]=right \
	media_url=https://img.example.org/p/1.jpg?size=large address_id=TEH-12-884 phone=09121112233 \
	first_name=زهرا last_name=کریمی email=z@example.org device_id=abc jurisdiction_id=tehran
CODE=$(jq -r '.[0].service_request_id' "$T_TMP/body")
h_jq "the answer carries a service notice" '.[0].service_notice | test("^درخواست ثبت شد")' true
h_header "a POST answer has no CORS header" '^cache-control'
if tr -d '\r' <"$T_TMP/headers" | grep -iq '^access-control-allow-origin'; then
	t_fail "POST answers carry no Access-Control-Allow-Origin"
else
	t_pass "POST answers carry no Access-Control-Allow-Origin"
fi
post "POST by address only (xml)" xml 200 posted api_key=$KEY service_code=roads "address_string=خیابان ولیعصر، پلاک ۱۲" description=آسفالت
CODE2=$(grep -o '<service_request_id>[0-9]*' "$T_TMP/body" | grep -o '[0-9]*$')
post "POST by address_id only, no description" json 200 posted api_key=$KEY service_code=roads address_id=A-1
CODE3=$(jq -r '.[0].service_request_id' "$T_TMP/body")

# the open311 citizen gets no SMS (the operator's caller does)
"$HAMGAN" sms list --db "$H_DB" >"$T_TMP/sms1.txt"
t_eq "no SMS queued for Open311 requests" "$(wc -l <"$T_TMP/sms1.txt")" "$(wc -l <"$T_TMP/sms0.txt")"
OP=$(h_token op)
h_api "operator registers a phone call" POST /api/v1/messages 201 "$OP" \
	'{"kind":"complaint","category":"roads","subject":"تلفنی","body":"متن","mobile":"09125556677"}'
"$HAMGAN" sms list --db "$H_DB" >"$T_TMP/sms2.txt"
t_grep "a phone caller does get the tracking SMS" "09125556677" "$T_TMP/sms2.txt"
if grep -q 09121112233 "$T_TMP/sms2.txt"; then t_fail "the Open311 phone never gets an SMS"; else t_pass "the Open311 phone never gets an SMS"; fi

# ---- GET requests/{id} ----
get "GET one request" "$O/requests/$CODE" 200 requests
h_jq "one request: id, status, service" '.[0] | [.service_request_id, .status, .service_code, .service_name] | join("|")' \
	"$CODE|open|pothole|چاله و ترک آسفالت"
h_jq "status_notes says registered" '.[0].status_notes' "ثبت شده"
h_jq "point, address_id and media_url kept" '.[0] | [.lat, .long, .address_id, .media_url] | map(tostring) | join("|")' \
	"35.6745|51.4221|TEH-12-884|https://img.example.org/p/1.jpg?size=large"
h_jq "attributes and the media link appended to the description" '.[0].description' \
	"$(printf 'چاله‌ای بزرگ جلوی بازار\n\nاطلاعات تکمیلی:\nعمق (سانتی‌متر): 12.5\nخط: راست\nپیوند تصویر: https://img.example.org/p/1.jpg?size=large')"
h_jq "agency_responsible is the unit holding it" '.[0].agency_responsible' "مرکز ۱۸۸۸"
h_jq "requested_datetime with Tehran's offset" '.[0].requested_datetime | test("^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+03:30$")' true
h_jq "no deadline before referral" '.[0].expected_datetime' null
h_body_lacks "no citizen name in the request" "زهرا"
h_body_lacks "no citizen mobile in the request" "09121112233"
h_body_lacks "no email in the request" "example.org\","
t_grep "one request (xml): <lat> as a number" "<lat>35.6745</lat><long>51.4221</long>" "$T_TMP/last.xml"
get "unknown request is 404" "$O/requests/$("$HAMGAN" fa tracking-code --new 1)" 404 errors
UNKNOWN_BODY=$(jq -c '.[0].description' "$T_TMP/body")
get "malformed request id is 404" "$O/requests/12ab" 404 errors
get "tokens: creation is never deferred, 404" "$O/tokens/abc" 404 errors

# ---- confidential messages do not exist here ----
h_api "operator registers a confidential complaint" POST /api/v1/messages 201 "$OP" \
	'{"kind":"complaint","category":"conduct","subject":"برخورد بد مأمور","body":"محرمانه","mobile":"09127778899","name":"رضا"}'
SECRET=$(jq -r .code "$T_TMP/body")
h_jq "it is confidential" .confidential true
get "a confidential message is 404 like an unknown one" "$O/requests/$SECRET" 404 errors
t_eq "the same 404 description as an unknown id" "$(jq -c '.[0].description' "$T_TMP/body")" "$UNKNOWN_BODY"
get "a list never holds confidential messages" "$O/requests" 200 requests
h_body_lacks "list: no confidential code" "$SECRET"
h_body_lacks "list: no confidential text" "برخورد بد"
h_jq "list: newest first, ours in it" "[.[].service_request_id] | index(\"$CODE\") != null" true
get "asking for the confidential id answers nothing" "$O/requests?service_request_id=$SECRET,$CODE2" 200 requests
h_jq "only the public one comes back" '[.[].service_request_id] | join(",")' "$CODE2"

# ---- GET requests filters ----
get "filter by service_code" "$O/requests?service_code=pothole" 200 requests
h_jq "only potholes" '[.[].service_code] | unique | join(",")' pothole
get "status=closed before anything is closed" "$O/requests?status=closed" 200 requests
h_jq "no closed requests yet" 'length' 0
get "status=open" "$O/requests?status=open" 200 requests
h_jq "four open ones (three Open311, one phone)" 'length' 4
get "page_size and page" "$O/requests?page_size=2&page=2" 200 requests
h_jq "the second page of two" 'length' 2
get "several ids at once" "$O/requests?service_request_id=$CODE,$CODE3" 200 requests
h_jq "both, in the order asked" '[.[].service_request_id] | join(",")' "$CODE,$CODE3"
MANY=$(for i in $(seq 1 51); do printf '%s,' "$CODE"; done)
get "more than 50 ids at once is 400" "$O/requests?service_request_id=${MANY%,}" 400 errors
get "an empty id in the list is 400" "$O/requests?service_request_id=$CODE,,$CODE3" 400 errors
get "jurisdiction_id is accepted and ignored" "$O/requests/$CODE?jurisdiction_id=tehran" 200 requests
get "a window over 90 days is 400" "$O/requests?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z" 400 errors
h_jq "the 90-day rule is named" '.[0].description | test("90 days")' true
get "exactly 90 days is fine" "$O/requests?start_date=2026-01-01T00:00:00%2B03:30&end_date=2026-04-01T00:00:00%2B03:30" 200 requests
get "start after end is 400" "$O/requests?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z" 400 errors
get "a bad date is 400" "$O/requests?start_date=yesterday" 400 errors
get "a bad status is 400" "$O/requests?status=pending" 400 errors
get "page_size 0 is 400" "$O/requests?page_size=0" 400 errors
get "page_size over 100 is 400" "$O/requests?page_size=101" 400 errors
get "an unknown service_code filter is 404" "$O/requests?service_code=nope" 404 errors

# ---- the life of a request, the timeline and the verdict extensions ----
ST=$(h_token st12)
h_api "operator refers it to region 12" POST /api/v1/messages/$CODE/refer 200 "$OP" '{"unit":"region-12"}'
get "referred: the deadline and the agency" "$O/requests/$CODE" 200 requests
h_jq "agency is region 12" '.[0].agency_responsible' "منطقه ۱۲"
h_jq "expected_datetime is the deadline, 48 hours on" '.[0] | ((.expected_datetime | sub("\\+03:30$"; "Z") | fromdate) - (.requested_datetime | sub("\\+03:30$"; "Z") | fromdate)) >= 48*3600' true
h_api "staff answers" POST /api/v1/messages/$CODE/answer 200 "$ST" '{"answer":"چاله پر شد."}'
h_req "the citizen accepts with a rating" POST /api/v1/track/verdict 200 -H 'Content-Type: application/json' \
	-d "{\"code\":\"$CODE\",\"mobile\":\"09121112233\",\"verdict\":\"accept\",\"rating\":5}"
get "closed, with the answer as status_notes" "$O/requests/$CODE" 200 requests
h_jq "status closed" '.[0].status' closed
h_jq "status_notes is the answer" '.[0].status_notes' "چاله پر شد."
h_jq "no extensions unless asked" '.[0] | has("extended_attributes")' false
get "extensions=true" "$O/requests/$CODE?extensions=true" 200 requests
h_jq "the public timeline" '[.[0].extended_attributes.timeline[].event] | join(",")' "registered,referred,answered,closed"
h_jq "the citizen's verdict extension" '.[0].extended_attributes.citizen_verdict | [.verdict, .rating, .accepts, .objections] | map(tostring) | join(",")' "accept,5,1,0"
h_jq "the channel extension" '.[0].extended_attributes.channel' open311
h_body_lacks "the timeline names no staff" "st12"
t_grep "extensions (xml): timeline entries" "<timeline><entry><event>registered</event><at>" "$T_TMP/last.xml"
t_grep "extensions (xml): verdict" "<citizen_verdict><verdict>accept</verdict><rating>5</rating>" "$T_TMP/last.xml"
get "extensions=maybe is 400" "$O/requests/$CODE?extensions=maybe" 400 errors
get "status=closed now lists it" "$O/requests?status=closed&extensions=true" 200 requests
h_jq "the closed one" '[.[].service_request_id] | join(",")' "$CODE"

# ---- an imported history row of a summer before 1401: +04:30 ----
printf 'unique_key,created_date,closed_date,agency,complaint_type,descriptor\nX1,2020-07-01T10:00:00,2020-07-02T10:00:00,region-12,roads-old,پیاده‌رو\n' >"$T_TMP/old.csv"
t_exit "import a 1399 row while the server runs" 0 "$HAMGAN" import 311-csv "$T_TMP/old.csv" --db "$H_DB"
get "requests of summer 1399" "$O/requests?start_date=2020-06-15T00:00:00%2B04:30&end_date=2020-07-15T00:00:00%2B04:30" 200 requests
h_jq "one of them" 'length' 1
h_jq "requested_datetime at +04:30 (DST before 1401)" '.[0].requested_datetime' "2020-07-01T10:00:00+04:30"
h_jq "updated_datetime (the close) at +04:30" '.[0].updated_datetime' "2020-07-02T10:00:00+04:30"

# ---- paths and methods ----
h_req "unknown Open311 resource is 404 in JSON" GET "$O/nothing.json" 404
check "unknown resource: valid errors" errors json
h_req "unknown Open311 resource is 404 in XML" GET "$O/nothing.xml" 404
check "unknown resource: valid errors (xml)" errors xml
h_req "a path without a format is 404" GET "$O/services" 404
check "no format: errors in JSON" errors json
h_req "another version is 404" GET /open311/v3/services.json 404
h_req "DELETE is 405" DELETE "$O/requests.json" 405
h_header "405 names the allowed methods" '^allow: GET, HEAD, POST'
check "405: valid errors" errors json
h_req "PUT on services is 405 (xml)" PUT "$O/services.xml" 405
h_header "405 (xml) names the allowed methods" '^allow: GET, HEAD'
check "405: valid errors (xml)" errors xml
h_req "a CORS preflight (OPTIONS) is 204" OPTIONS "$O/requests.json" 204 -H 'Origin: https://app.example.org' \
	-H 'Access-Control-Request-Method: GET' -H 'Access-Control-Request-Headers: accept-language'
h_header "preflight: any origin" '^access-control-allow-origin: \*'
h_header "preflight: GET and HEAD only" '^access-control-allow-methods: GET, HEAD$'
h_header "preflight: the headers a reader sends" '^access-control-allow-headers: Accept, Accept-Language$'
h_req "OPTIONS on /api/v1 is no preflight" OPTIONS /api/v1/categories 405 -H 'Origin: https://app.example.org'
h_req "HEAD services.xml" HEAD "$O/services.xml" 200 -I
ctype "HEAD: text/xml" text/xml

# ---- rate limit per key (a server with apikey_rate=5) ----
h_stop
rm -f "$T_TMP/serve.out"	# the new server's address, not the old one's
h_start --set apikey_rate=5
n429=0
for i in $(seq 1 8); do
	s=$(curl -s -o "$T_TMP/body" -D "$T_TMP/headers" -w '%{http_code}' --data-urlencode "api_key=$KEY2" \
		--data-urlencode service_code=roads --data-urlencode address_id=R-$i "$H_URL$O/requests.xml")
	[ "$s" = 429 ] && n429=$((n429 + 1))
done
t_eq "a key past its rate gets 429 (3 of 8 at 5 a minute)" "$n429" 3
check "429: valid errors (xml)" errors xml
h_header "429 says when to retry" '^retry-after: [0-9]+'
post "another key is not limited by the first" json 200 posted api_key=$KEY service_code=roads address_id=R-x

# ---- /api/v1 keeps its rules ----
h_req "/api/v1 still refuses a form-encoded body" POST /api/v1/track 415 \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "code=$CODE&mobile=09121112233"
h_req "/api/v1 still refuses a cross-site POST" POST /api/v1/track 403 -H 'Origin: https://app.example.org' \
	-H 'Content-Type: application/json' -d "{\"code\":\"$CODE\",\"mobile\":\"09121112233\"}"
h_req "/api/v1 answers are not CORS" GET /api/v1/categories 200
if tr -d '\r' <"$T_TMP/headers" | grep -iq '^access-control-allow-origin'; then
	t_fail "/api/v1 carries no Access-Control-Allow-Origin"
else
	t_pass "/api/v1 carries no Access-Control-Allow-Origin"
fi
ctype "/api/v1 keeps its JSON type" "application/json; charset=utf-8"

h_stop
t_done
