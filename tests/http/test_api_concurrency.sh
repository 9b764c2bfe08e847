# Many writers at once: each worker thread has its own database connection
# and SQLite serialises the writes; every registration must succeed once,
# with a distinct tracking code, and none may fail with 500 or 503.
. "$(dirname "$0")/lib.sh"
h_seed
h_start --threads 4
OP=$(h_token op)
N=200
: >"$T_TMP/cfg"
for i in $(seq 1 $N); do
	[ "$i" -gt 1 ] && echo next >>"$T_TMP/cfg"
	cat >>"$T_TMP/cfg" <<CFG
url = "$H_URL/api/v1/messages"
request = "POST"
header = "Authorization: Bearer $OP"
header = "Content-Type: application/json"
data = "{\"kind\":\"complaint\",\"subject\":\"همزمان $i\",\"body\":\"پیام شمارهٔ $i\",\"mobile\":\"0912$(printf '%07d' $i)\"}"
output = "$T_TMP/out.$i"
write-out = "%{http_code}\\n"
CFG
done
curl -s --parallel --parallel-max 50 -K "$T_TMP/cfg" >"$T_TMP/codes" 2>/dev/null
t_eq "all $N concurrent registrations answered 201" "$(sort "$T_TMP/codes" | uniq -c | awk '{print $2 ":" $1}')" "201:$N"
t_eq "all tracking codes distinct" "$(cat "$T_TMP"/out.* | jq -r .code | sort -u | wc -l)" "$N"
h_api "all $N are there" GET '/api/v1/messages?limit=100' 200 "$OP"
h_jq "first page full" '.items | length' 100

# Two units race to answer the same message: one wins, one gets 409.
ST=$(h_token st12); MG=$(h_token mg12)
code=$(jq -r .code "$T_TMP/out.1")
h_api "refer one" POST /api/v1/messages/$code/refer 200 "$OP" '{"unit":"region-12"}'
v=$(jq -r .version "$T_TMP/body")
pids=()
for who in "$ST" "$MG"; do
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $who" \
		-H 'Content-Type: application/json' -d "{\"answer\":\"پاسخ\",\"version\":$v}" \
		"$H_URL/api/v1/messages/$code/answer" >>"$T_TMP/race" &
	pids+=($!)
done
wait "${pids[@]}"
t_eq "one answer wins, the other is 409" "$(sort "$T_TMP/race" | paste -sd,)" "200,409"
h_api "audit chain still holds" GET /api/v1/audit/verify 200 "$(h_token insp)"
h_jq "chain ok after concurrent writes" .ok true
h_stop
t_done
