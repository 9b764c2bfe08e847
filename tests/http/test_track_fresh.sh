# Tracking look-ups may read in a snapshot their server thread kept from
# the look-up before (docs/core.md, "Read snapshots"); they must never
# answer from an older state than a citizen could know of:
#  - a message acknowledged (201) is found by the look-up right after it,
#    and a step taken through the server shows at once, while other
#    clients keep every thread's snapshot warm with look-ups of their own;
#  - what another process writes (hamgan sms send) shows on the next
#    look-up;
#  - a snapshot left kept on a thread with nothing more to do is let go,
#    so a checkpoint reaches the end of the log (SQLite).
. "$(dirname "$0")/lib.sh"
h_seed
h_start --set track_rate=1000000 --set max_per_ip=0

OP=$(h_token op); ST=$(h_token st12)
submit() { # N: registers a message from mobile 0912 000 000N; prints its code
	curl -s --max-time 20 -o "$T_TMP/sub" -X POST -H 'Content-Type: application/json' \
		-H "Authorization: Bearer $OP" \
		-d "{\"kind\":\"request\",\"category\":\"roads\",\"subject\":\"آسفالت\",\"body\":\"آسفالت کوچهٔ $1\",\"mobile\":\"0912$(printf '%07d' "$1")\"}" \
		"$H_URL/api/v1/messages"
	jq -r '.code // empty' "$T_TMP/sub"
}
track() { # CODE N: prints "STATUS STATE"
	curl -s --max-time 20 -o "$T_TMP/tr" -w '%{http_code}' \
		"$H_URL/api/v1/track?code=$1&mobile=0912$(printf '%07d' "$2")"
	echo " $(jq -r '.state // empty' "$T_TMP/tr" 2>/dev/null)"
}

C0=$(submit 0)
t_eq "a first message" "$([ -n "$C0" ] && echo registered)" registered
URLS=()
for _ in $(seq 20); do URLS+=("$H_URL/api/v1/track?code=$C0&mobile=09120000000"); done
: >"$T_TMP/warm"
for w in 1 2 3; do
	( while [ -f "$T_TMP/warm" ]; do curl -s "${URLS[@]}" >/dev/null; done ) &
done

bad=""
CODES=()
for i in $(seq 1 40); do
	code=$(submit "$i")
	CODES[i]=$code
	got=$(track "$code" "$i")
	[ "$got" = "200 registered" ] || bad="$bad [$i: ${code:-$(head -c 200 "$T_TMP/sub")} $got]"
done
t_eq "each acknowledged message is found by the look-up right after" "$bad" ""

bad=""
for i in $(seq 1 10); do
	code=${CODES[i]}
	curl -s -o /dev/null --max-time 20 -X POST -H 'Content-Type: application/json' \
		-H "Authorization: Bearer $OP" -d '{"unit":"region-12"}' \
		"$H_URL/api/v1/messages/$code/refer"
	got=$(track "$code" "$i")
	[ "$got" = "200 referred" ] || bad="$bad [$i: refer $got]"
	curl -s -o /dev/null --max-time 20 -X POST -H 'Content-Type: application/json' \
		-H "Authorization: Bearer $ST" -d '{}' "$H_URL/api/v1/messages/$code/start"
	got=$(track "$code" "$i")
	[ "$got" = "200 in_progress" ] || bad="$bad [$i: start $got]"
done
t_eq "a step taken through the server shows at the next look-up" "$bad" ""

# another process sends the texts waiting: the next look-up shows them sent
sent_before=$(curl -s "$H_URL/api/v1/track?code=$C0&mobile=09120000000" |
	jq '[.timeline[] | select(.event == "sms" and .sent)] | length')
t_eq "the first message's text is not sent yet" "$sent_before" 0
printf '#!/bin/sh\nexit 0\n' >"$T_TMP/gateway"
chmod +x "$T_TMP/gateway"
"$HAMGAN" sms send --db "$H_DB" --command "$T_TMP/gateway" >/dev/null 2>&1
sent_after=$(curl -s "$H_URL/api/v1/track?code=$C0&mobile=09120000000" |
	jq '[.timeline[] | select(.event == "sms" and .sent)] | length')
t_eq "what hamgan sms send wrote shows at the next look-up" "$sent_after" 1
rm -f "$T_TMP/warm"
h_wait_jobs

if ! t_pg; then
	# the look-ups' threads are idle now; their kept snapshots go stale
	# and the server's sweeper ends them: nothing holds the log
	curl -s "${URLS[@]}" >/dev/null
	sleep 0.6
	"$HAMGAN" sms send --db "$H_DB" --command "$T_TMP/gateway" >/dev/null 2>&1
	got=$(sqlite3 "$H_DB" "PRAGMA wal_checkpoint(TRUNCATE)")
	t_eq "no reader holds the log once the look-ups stop (busy|log|copied)" "${got%%|*}" 0
	# a signed-in look-up refused after its session was read (no mobile)
	# right after good ones on the same connection: the snapshot it took
	# back for its reads is given back, and let go too (a new message
	# first, so that hamgan sms send has a text to send, a commit the
	# kept snapshot would hold back from the database file)
	busy=""
	for k in 1 2 3 4 5; do
		submit $((100 + k)) >/dev/null
		curl -s -H "Authorization: Bearer $OP" "${URLS[@]}" \
			"$H_URL/api/v1/track?code=$C0" >/dev/null
		sleep 0.6
		"$HAMGAN" sms send --db "$H_DB" --command "$T_TMP/gateway" >/dev/null 2>&1
		got=$(sqlite3 "$H_DB" "PRAGMA wal_checkpoint(TRUNCATE)")
		busy="$busy${got%%|*}"
	done
	t_eq "no reader holds the log after a look-up refused once its session was read" "$busy" 00000
fi
h_stop
t_done
