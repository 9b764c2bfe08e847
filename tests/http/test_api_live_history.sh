# Caller history for a manager taking calls live: the caller's messages in
# the manager's unit that are not confidential (as the unit reads them
# already, with the name they carry), never the citizen record; nothing at all for a
# caller with none there.
. "$(dirname "$0")/lib.sh"
h_seed
h_start
OP=$(h_token op); MG=$(h_token mg12); ST=$(h_token st12)

mk() { # mk SUBJECT UNIT MOBILE [extra json]
	h_api "setup: $1" POST /api/v1/messages 201 "$OP" \
		"{\"kind\":\"complaint\",\"subject\":\"$1\",\"body\":\"متن\",\"mobile\":\"$3\",\"name\":\"نرگس رضوی\",\"national_id\":\"0010350829\"${4:+,$4}}"
	local code
	code=$(jq -r .code "$T_TMP/body")
	h_api "setup: refer $1" POST "/api/v1/messages/$code/refer" 200 "$OP" "{\"unit\":\"$2\"}"
}
mk "آب‌گرفتگی" region-12 09123334455
mk "رفتار مأمور" region-12 09123334455 '"category":"conduct","confidential":true'
mk "سد معبر" region-03 09123334455
mk "درخت" region-03 09125556677

h_api "the manager sees the caller's history" GET /api/v1/callers/09123334455 200 "$MG"
h_jq "only the unit's message that is not confidential" '[.messages[].subject] | join(",")' "آب‌گرفتگی"
h_jq "the caller's name, from that message" '.messages[0].citizen.name' "نرگس رضوی"
h_jq "never the citizen's record (no id, no national id)" .citizen null
h_api "a caller with nothing in the unit" GET /api/v1/callers/09125556677 200 "$MG"
h_jq "nothing of them" '[(.messages | length), (.citizen | tostring), (.mobile | tostring)] | join(",")' "0,null,null"
h_api "the operator sees all three" GET /api/v1/callers/09123334455 200 "$OP"
h_jq "three messages and the national id" '[(.messages | length), .citizen.national_id] | map(tostring) | join(",")' "3,0010350829"
h_api "staff still do not" GET /api/v1/callers/09123334455 403 "$ST"
h_stop
t_done
