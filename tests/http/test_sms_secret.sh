# The SMS webhook secret (issue 9, point 13): a short secret is refused at
# start; wrong secrets are throttled per address while the gateway, at an
# address that never fails, is still served.
. "$(dirname "$0")/lib.sh"
unset HAMGAN_SMS_SECRET
h_seed
S31=0123456789abcdef0123456789abcde
S32=${S31}f
secret=gateway-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

t_exit "one-character sms_secret: serve exits 1" 1 timeout 10 "$HAMGAN" serve --db "$H_DB" --listen 127.0.0.1:0 --set sms_secret=x
t_grep "the message names the setting and the minimum" "sms_secret.*at least 32" "$T_TMP/stderr"
t_exit "31 characters: exits 1" 1 timeout 10 "$HAMGAN" serve --db "$H_DB" --listen 127.0.0.1:0 --set sms_secret=$S31
t_exit "short secret from the environment: exits 1" 1 timeout 10 env HAMGAN_SMS_SECRET=short "$HAMGAN" serve --db "$H_DB" --listen 127.0.0.1:0
t_exit "short secret from a config file: exits 1" 1 timeout 10 "$HAMGAN" serve --db "$H_DB" --listen 127.0.0.1:0 \
	--config <(printf '[server]\nsms_secret = s3cret\n')
t_exit "--print-config refuses it too" 1 "$HAMGAN" serve --print-config --set sms_secret=x
t_exit "32 characters are enough" 0 "$HAMGAN" serve --print-config --set sms_secret=$S32

h_start --set sms_secret="$secret"
J=(-H 'Content-Type: application/json')
body='{"from":"09121234567","text":"چراغ کوچه خاموش است"}'

# 300 wrong secrets from 127.0.0.1 in one go (one curl process, keep-alive).
for i in $(seq 1 300); do
	[ "$i" -gt 1 ] && echo next
	printf 'url = "%s/api/v1/sms/inbound"\nrequest = "POST"\nheader = "Content-Type: application/json"\n' "$H_URL"
	printf 'header = "X-Hamgan-SMS-Secret: guess-%d"\ndata = "{}"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n' "$i"
done >"$T_TMP/guesses"
t0=$(date +%s%N)
curl -s -K "$T_TMP/guesses" >"$T_TMP/codes"
ms=$((($(date +%s%N) - t0) / 1000000))
n401=$(grep -c '^401$' "$T_TMP/codes")
n429=$(grep -c '^429$' "$T_TMP/codes")
# 10 a minute with a burst of 10: one more token every 6 s of the run.
most=$((10 + ms / 6000))
if [ "$n401" -ge 10 ] && [ "$n401" -le "$most" ] && [ $((n401 + n429)) -eq 300 ]; then
	t_pass "300 wrong secrets in $ms ms: $n401 checked (401), $n429 throttled (429)"
else
	t_fail "300 wrong secrets throttled" "401: $n401 (wanted 10..$most), 429: $n429, in $ms ms"
fi
h_req "the guessing address is throttled even with the right secret" POST /api/v1/sms/inbound 429 \
	"${J[@]}" -H "X-Hamgan-SMS-Secret: $secret" --data-binary "$body"
h_header "429 says when to retry" '^Retry-After: [0-9]+'
h_jq "429 error code" .error.code rate_limited
h_req "the gateway at another address is served" POST /api/v1/sms/inbound 201 \
	--interface 127.0.0.2 "${J[@]}" -H "X-Hamgan-SMS-Secret: $secret" --data-binary "$body"
h_jq "and its text became a message" .result new
h_req "a wrong secret from the gateway's address is 401, not 429" POST /api/v1/sms/inbound 401 \
	--interface 127.0.0.2 "${J[@]}" -H "X-Hamgan-SMS-Secret: guess" --data-binary "$body"
h_stop
t_done
