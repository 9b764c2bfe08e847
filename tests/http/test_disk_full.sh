# A full disk (issue 9, point 7): a write that finds no room answers 503 with
# Retry-After and a Persian message, /healthz says "degraded", the log gets a
# few summary lines instead of one per request, and once room returns the
# server writes again by itself, with nothing acknowledged lost.
#
# "Full" here is SQLite's max_page_count, set through the testing-only
# HAMGAN_TEST_MAX_PAGES (a small filesystem would need mount rights that a
# test cannot count on); SQLite answers SQLITE_FULL exactly as for ENOSPC.
. "$(dirname "$0")/lib.sh"
h_seed
db=$H_DB
# Ballast: about 800 KiB the test frees later to "free disk space".
sqlite3 "$db" "CREATE TABLE ballast(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO ballast SELECT randomblob(4000) FROM n;" ||
	{ t_fail "ballast"; t_done; exit 1; }
pages=$(sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA page_count;" | tail -1)
HAMGAN_TEST_MAX_PAGES=$((pages + 10)) h_start
OP=$(h_token op)
sub='{"kind":"complaint","category":"roads","subject":"چاله در خیابان ولیعصر","body":"یک چالهٔ بزرگ جلوی پلاک ۱۲","mobile":"09121234567","name":"مریم احمدی","address":"خیابان ولیعصر"}'
submit() {
	curl -s -o "$T_TMP/body" -D "$T_TMP/headers" -w '%{http_code}' --max-time 20 -X POST \
		-H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
		--data-binary "$sub" "$H_URL/api/v1/messages"
}

# Fill the room that is left with real submissions, keeping their codes.
: >"$T_TMP/codes"
code=
for i in $(seq 1 3000); do
	code=$(submit)
	[ "$code" = 201 ] || break
	jq -r .code "$T_TMP/body" >>"$T_TMP/codes"
done
accepted=$(wc -l <"$T_TMP/codes")
t_eq "the disk fills up: a submission is refused with 503 (after $accepted accepted)" "$code" 503
h_jq "error code storage_full" .error.code storage_full
if jq -r .error.message "$T_TMP/body" | grep -q 'فضای ذخیره‌سازی'; then
	t_pass "the message is in Persian"
else
	t_fail "the message is in Persian" "$(head -c 300 "$T_TMP/body")"
fi
h_header "503 says when to retry" '^Retry-After: [0-9]+'

# A storm of refused writes: 300 more in one curl process.
for i in $(seq 1 300); do
	[ "$i" -gt 1 ] && echo next
	printf 'url = "%s/api/v1/messages"\nrequest = "POST"\nheader = "Authorization: Bearer %s"\n' "$H_URL" "$OP"
	printf 'header = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "%s"\nwrite-out = "%%{http_code}\\n"\n' "$T_TMP/sub.json" "$T_TMP/storm.$i"
done >"$T_TMP/storm"
printf '%s' "$sub" >"$T_TMP/sub.json"
curl -s -K "$T_TMP/storm" >"$T_TMP/storm.codes"
# A small write can still find a page freed meanwhile (so can one on a real
# disk): every answer is 503 or, rarely, 201 - never 500.
n503=$(grep -c '^503$' "$T_TMP/storm.codes")
n201=$(grep -c '^201$' "$T_TMP/storm.codes")
if [ $((n503 + n201)) -eq 300 ] && [ "$n503" -ge 270 ]; then
	t_pass "300 more writes: $n503 refused with 503, $n201 fitted, none failed otherwise"
else
	t_fail "300 more writes refused with 503" "503: $n503, 201: $n201, other: $((300 - n503 - n201))"
fi
for i in $(seq 1 300); do
	[ "$(sed -n "${i}p" "$T_TMP/storm.codes")" = 201 ] && jq -r .code "$T_TMP/storm.$i" >>"$T_TMP/codes"
done
n=$(grep -c 'storage full' "$T_TMP/serve.err")
if [ "$n" -ge 1 ] && [ "$n" -le 3 ]; then
	t_pass "$((n503 + 1)) refused writes, $n log line(s) about it"
else
	t_fail "the log has a few lines about a full disk, not one per request" "$n lines"
fi
t_eq "no 'internal' error logged for it" "$(grep -c 'internal\|storage: ' "$T_TMP/serve.err")" 0
h_req "healthz still answers" GET /healthz 200
h_jq "healthz says degraded" .status degraded
h_jq "healthz says why" .storage full
first=$(head -1 "$T_TMP/codes")
h_req "reads still work: tracking an accepted message" GET "/api/v1/track?code=$first&mobile=09121234567" 200

# Room returns (the ballast is deleted) while the server runs.
sqlite3 -cmd '.timeout 5000' "$db" "DROP TABLE ballast;" || t_fail "drop the ballast"
code=$(submit)
t_eq "after space returns, a submission is accepted without a restart" "$code" 201
new=$(jq -r .code "$T_TMP/body")
h_req "healthz says ok again" GET /healthz 200
h_jq "status ok" .status ok
h_stop
t_grep "the recovery is logged" 'storage: writes succeed again' "$T_TMP/serve.err"

# Nothing acknowledged was lost: every 201's code is in the database.
lost=0
for c in $(cat "$T_TMP/codes") "$new"; do
	[ "$(sqlite3 "$db" "SELECT count(*) FROM messages WHERE code = '$c'")" = 1 ] || lost=$((lost + 1))
done
acked=$(($(wc -l <"$T_TMP/codes") + 1))
t_eq "every acknowledged submission ($acked) is stored" "$lost" 0
t_eq "and nothing refused was stored" "$(sqlite3 "$db" 'SELECT count(*) FROM messages')" "$acked"
t_done
