# Issue 9, point 4: nobody can make the city text someone else's phone.  A
# public web submission with a mobile needs the code POST /api/v1/verify
# texted to that mobile; codes are limited per number and per address,
# expire, count wrong tries and are used up; only a hash is stored.  The
# operator desk (a caller on the line) and anonymous submissions need none.
. "$(dirname "$0")/lib.sh"
h_seed
# a high in-memory rate so that every 429 below comes from the stored limits
h_start --set track_rate=1000
J=(-H 'Content-Type: application/json')
OP=$(h_token op)
VICTIM=09351112233
# instr in PostgreSQL's dialect
if t_pg; then INSTR=strpos; else INSTR=instr; fi
sms_to() { h_sql "SELECT count(*) FROM sms_outbox WHERE to_mobile = '$1'"; }
msgs() { h_sql "SELECT count(*) FROM messages"; }
web() { # web NAME WANT MOBILE CODE: a public web submission
	local extra=""
	[ -n "$4" ] && extra=",\"verification_code\":\"$4\""
	h_req "$1" POST /api/v1/messages "$2" "${J[@]}" \
		-d "{\"kind\":\"complaint\",\"subject\":\"چاله\",\"body\":\"چالهٔ بزرگ در کوچه\",\"mobile\":\"$3\"$extra}"
}

# Before: any submission texted any number.  Now a code is required.
web "a web submission with a mobile and no code is refused" 422 "$VICTIM" ""
h_jq "naming verification_code" .error.field verification_code
t_eq "nothing registered" "$(msgs)" 0
t_eq "nothing texted to the number" "$(sms_to $VICTIM)" 0

h_req "verify with a bad mobile is 422" POST /api/v1/verify 422 "${J[@]}" -d '{"mobile":"0912"}'
h_jq "naming mobile" .error.field mobile
h_req "verify without a mobile is 422" POST /api/v1/verify 422 "${J[@]}" -d '{}'
h_req "verify texts a code" POST /api/v1/verify 202 "${J[@]}" -d '{"mobile":"+98 935 111 2233"}'
h_jq "good for five minutes" .expires_in 300
h_jq "five digits" .digits 5
# the text as the phone gets it: the sender hands it to the send command
printf '#!/bin/sh\nprintf %%s "$2" > "%s"\n' "$T_TMP/sms.txt" >"$T_TMP/send.sh"
chmod +x "$T_TMP/send.sh"
t_exit "the sender sends it" 0 "$HAMGAN" sms send --command "$T_TMP/send.sh" --db "$H_DB"
body=$(cat "$T_TMP/sms.txt")
code=$(printf %s "$body" | grep -o '[0-9]\{5\}' | head -1)
t_eq "the SMS is Persian and holds the code" "$body" "کد تأیید همگان: $code
اعتبار: ۵ دقیقه"
t_eq "only a hash of the code is stored" \
	"$(h_sql "SELECT count(*) FROM verify_codes WHERE $INSTR(mobile || addr || salt || hash, '$code') > 0")" 0

wrong=$(printf %05d $(((10#$code + 1) % 100000)))
web "a wrong code is refused" 422 "$VICTIM" "$wrong"
h_jq "naming verification_code" .error.field verification_code
t_eq "the wrong try is counted" "$(h_sql "SELECT tries FROM verify_codes")" 1
web "a malformed code is refused" 422 "$VICTIM" "12ab5"
t_eq "nothing registered yet" "$(msgs)" 0
web "the right code registers" 201 "$VICTIM" "$code"
h_jq "the citizen gets the tracking code" '.code | test("^[0-9]{10}$")' true
t_eq "the number gets the tracking code too" "$(sms_to $VICTIM)" 2
web "the code is used up" 422 "$VICTIM" "$code"
t_eq "one message" "$(msgs)" 1

# five wrong tries burn a code
code=$(h_code $VICTIM)
wrong=$(printf %05d $(((10#$code + 1) % 100000)))
for i in 1 2 3 4 5; do
	web "wrong try $i" 422 "$VICTIM" "$wrong"
done
web "after five wrong tries the right code is refused" 422 "$VICTIM" "$code"
t_eq "still one message" "$(msgs)" 1

# three codes per number in 15 minutes: the third was just above
h_req "a third code for the number" POST /api/v1/verify 202 "${J[@]}" -d "{\"mobile\":\"$VICTIM\"}"
sent=$(sms_to $VICTIM)
h_req "a fourth code for the number in 15 minutes is 429" POST /api/v1/verify 429 \
	--interface 127.0.0.9 "${J[@]}" -d "{\"mobile\":\"$VICTIM\"}"
h_jq "rate_limited" .error.code rate_limited
h_header "with Retry-After" '^retry-after: [0-9]+$'
t_eq "and no SMS" "$(sms_to $VICTIM)" "$sent"

# one address may ask codes for 30 numbers an hour
bad=0
for i in $(seq 1 30); do
	s=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.5 -X POST "${J[@]}" \
		-d "{\"mobile\":\"0912$(printf %07d "$i")\"}" "$H_URL/api/v1/verify")
	[ "$s" = 202 ] || bad=$((bad + 1))
done
t_eq "30 numbers from one address get codes" "$bad" 0
h_req "the 31st number from that address is 429" POST /api/v1/verify 429 --interface 127.0.0.5 \
	"${J[@]}" -d '{"mobile":"09127777777"}'
h_req "another address still gets codes" POST /api/v1/verify 202 --interface 127.0.0.6 \
	"${J[@]}" -d '{"mobile":"09127777777"}'

# no code needed: anonymous web submissions, and the operator desk (which texts)
h_req "an anonymous web submission needs no code" POST /api/v1/messages 201 "${J[@]}" \
	-d '{"kind":"criticism","subject":"بی‌نام","body":"پیامی بی‌نام","anonymous":true}'
h_api "the operator desk needs no code" POST /api/v1/messages 201 "$OP" \
	'{"kind":"complaint","subject":"تلفنی","body":"تماس تلفنی","mobile":"09198887766"}'
t_eq "and texts the caller the tracking code" "$(sms_to 09198887766)" 1

# the limits live in the database: they hold after a restart
h_stop
h_start --set track_rate=1000
h_req "the number is still limited after a restart" POST /api/v1/verify 429 "${J[@]}" \
	-d "{\"mobile\":\"$VICTIM\"}"
h_stop
t_done
