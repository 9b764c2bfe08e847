#!/bin/bash
# GET /api/v1/reports and /api/v1/reports/evaluation on a real server: the
# figures after real API transitions, role scoping (a manager sees their
# subtree; operators, inspectors, admins everything; staff and anonymous
# callers nothing), bad arguments, CSV and xlsx downloads.
. "$(dirname "$0")/lib.sh"
h_seed
echo "$H_PW" | "$HAMGAN" user add mayor --role manager --unit tehran --name "شهردار" \
	--password-stdin --db "$H_DB" >/dev/null || t_fail "seed the mayor"
h_start

declare -A TOK
for u in op st12 mg12 mayor insp adm; do TOK[$u]=$(h_token "$u"); done
TOK[anon]=

# three messages referred now to region-12 (one via its district), one
# answered; one to region-03
for i in 1 2 3 4; do
	unit=region-12
	[ $i = 2 ] && unit=district-12-1
	[ $i = 4 ] && unit=region-03
	h_api "setup: register $i" POST /api/v1/messages 201 "${TOK[op]}" \
		"{\"kind\":\"criticism\",\"category\":\"roads\",\"subject\":\"موضوع $i\",\"body\":\"متن $i\",\"mobile\":\"0912000000$i\"}"
	code=$(jq -r .code "$T_TMP/body")
	h_api "setup: refer $i" POST /api/v1/messages/$code/refer 200 "${TOK[op]}" "{\"unit\":\"$unit\"}"
	[ $i = 1 ] && h_api "setup: answer $i" POST /api/v1/messages/$code/answer 200 "${TOK[st12]}" \
		'{"answer":"انجام شد"}'
done
MONTH=$("$HAMGAN" fa to-jalali "$(date -u +%F)" | cut -c1-7)
Q="period=$MONTH"

h_api "inspector: region-12 report" GET "/api/v1/reports?unit=region-12&$Q" 200 "${TOK[insp]}"
h_jq "referred counts the subtree" .referred 3
h_jq "answered" .answered 1
h_jq "quantitative rate" '.quantitative_rate * 3 | round' 1
h_jq "rank among tehran's children that received messages" '"\(.rank)/\(.rank_of)"' "1/2"
h_jq "as_of is now for the current month" '.as_of == .generated_at' true
h_jq "overdue now is stamped" '.overdue_now_at == .generated_at' true
h_api "manager: own region by child" GET "/api/v1/reports?unit=region-12&$Q&by=child&compare=previous-year" 200 "${TOK[mg12]}"
h_jq "by child: district row" '.rows[0].key' district-12-1
h_jq "by child: district referred" '.rows[0].referred' 1
h_jq "compare: previous is there" '.previous.referred' 0
h_jq "compare: change is null against 0" '.change_pct.referred' null
h_jq "compare: a rate changes in points" '.change_pp | has("quantitative_rate")' true
h_jq "by child: the unit's own row last" '.rows[-1] | "\(.key) \(.self) \(.referred)"' "region-12 true 2"
h_api "manager: own district" GET "/api/v1/reports?unit=district-12-1&$Q" 200 "${TOK[mg12]}"
h_api "manager: another region is refused" GET "/api/v1/reports?unit=region-03&$Q" 403 "${TOK[mg12]}"
h_api "manager: the whole city is refused" GET "/api/v1/reports?unit=tehran&$Q" 403 "${TOK[mg12]}"
h_api "manager: the evaluation is refused" GET "/api/v1/reports/evaluation?$Q" 403 "${TOK[mg12]}"
h_api "the mayor (manager of the city): the evaluation" GET "/api/v1/reports/evaluation?$Q" 200 "${TOK[mayor]}"
h_jq "the evaluation says its weights" '.weights.quantity + .weights.quality + .weights.timeliness' 1
h_api "the mayor: the city by region" GET "/api/v1/reports?unit=tehran&$Q&by=child" 200 "${TOK[mayor]}"
h_api "staff: refused" GET "/api/v1/reports?unit=region-12&$Q" 403 "${TOK[st12]}"
h_api "anonymous: sign in first" GET "/api/v1/reports?unit=region-12&$Q" 401 ""
h_api "operator: the city" GET "/api/v1/reports?unit=tehran&$Q&by=child" 200 "${TOK[op]}"
h_jq "operator: city referred" .referred 4
h_api "admin: region-03" GET "/api/v1/reports?unit=region-03&$Q" 200 "${TOK[adm]}"
h_jq "admin: region-03 referred" .referred 1
h_api "inspector: evaluation" GET "/api/v1/reports/evaluation?$Q" 200 "${TOK[insp]}"
h_jq "evaluation ranks both regions" '[.rows[].rank] | sort | map(tostring) | join(",")' "1,2"
h_api "bad period" GET "/api/v1/reports?unit=region-12&period=1399-13" 422 "${TOK[insp]}"
h_jq "bad period names the field" .error.field period
h_api "no period" GET "/api/v1/reports?unit=region-12" 422 "${TOK[insp]}"
h_api "bad grouping" GET "/api/v1/reports?unit=region-12&$Q&by=street" 422 "${TOK[insp]}"
h_api "bad comparison" GET "/api/v1/reports?unit=region-12&$Q&compare=yesterday" 422 "${TOK[insp]}"
h_api "bad format" GET "/api/v1/reports?unit=region-12&$Q&format=pdf" 422 "${TOK[insp]}"
h_api "unknown unit" GET "/api/v1/reports?unit=region-99&$Q" 404 "${TOK[insp]}"
h_api "csv download" GET "/api/v1/reports?unit=region-12&$Q&by=month&format=csv" 200 "${TOK[insp]}"
h_header "csv content type" '^content-type: text/csv'
t_eq "csv starts with a byte-order mark" "$(head -c 3 "$T_TMP/body" | od -An -tx1 | tr -d ' ')" "efbbbf"
h_api "xlsx download" GET "/api/v1/reports/evaluation?$Q&format=xlsx" 200 "${TOK[insp]}"
t_eq "xlsx is a zip" "$(head -c 2 "$T_TMP/body")" "PK"
h_stop
t_run "the aggregates equal a recount" 0 "recounted 4 messages: 0 differences" \
	sh -c "'$HAMGAN' report --db '$H_DB' --verify | sed 's/: .* rows, /: /'"
t_done
