# A city's database made by the previous release (schema 3,
# tests/fixtures/release-3.sql) upgrades in place: `hamgan init --db` runs
# every migration since (confidential labels, verification codes, place,
# attachments, the figures' aggregates, the search terms, the SMS lease,
# the packed texts), keeps the history
# (the audit chain and the report recount pass), and the server then works on
# it: Persian search through the rebuilt index, a confidential complainant
# still hidden from the unit and the old "citizen:ID" hops shown as «شهروند».
. "$(dirname "$0")/lib.sh"
t_release3_db "$H_DB"
t_eq "the fixture is at schema 3" "$(sqlite3 "$H_DB" 'PRAGMA user_version')" 3
t_eq "its objections name the citizen by id" \
	"$(sqlite3 "$H_DB" "SELECT count(*) FROM referrals WHERE actor GLOB 'citizen:*'")" 2
# the old release's sender died while sending one text: left "sending"
STUCK=$(sqlite3 "$H_DB" "UPDATE sms_outbox SET state = 1, attempts = 1
	WHERE id = (SELECT min(id) FROM sms_outbox) RETURNING id")
# every audit entry as the old release wrote it, to compare with what the
# upgraded log gives back
sqlite3 -json "$H_DB" "SELECT seq, actor, action, msg_id, payload, at FROM audit ORDER BY seq" |
	jq -c '[.[] | [.seq, .actor, .action, .msg_id, (.payload | fromjson), (.at | todate)]]' \
	>"$T_TMP/audit-before"
# on a terminal the upgrade shows each migration and the recount they ask
# for (a copy: the upgrade below is the one checked in full)
cp "$H_DB" "$T_TMP/tty.db"
script -qec "'$HAMGAN' init --db '$T_TMP/tty.db'" /dev/null >"$T_TMP/tty.out" 2>&1
t_grep "on a terminal, init shows each migration" \
	"^hamgan: $T_TMP/tty.db: schema: migration 4 of $(t_schema_latest) 0%" "$T_TMP/tty.out"
t_grep "and the last" "schema: version $(t_schema_latest) 100%" "$T_TMP/tty.out"
t_grep "and the aggregates' recount" "aggregates: recount 100%" "$T_TMP/tty.out"
script -qec "'$HAMGAN' init --db '$T_TMP/new.db'" /dev/null >"$T_TMP/new.out" 2>&1
t_eq "a new database is made without a progress line" "$(tr -d '\r' <"$T_TMP/new.out")" \
	"database '$T_TMP/new.db' is at schema version $(t_schema_latest)"
t_run "init upgrades it in place" 0 "database '$H_DB' is at schema version $(t_schema_latest)" \
	"$HAMGAN" init --db "$H_DB"
t_run "the audit chain still verifies" 0 "audit log holds: $(sqlite3 "$H_DB" 'SELECT count(*) FROM audit') entries" \
	"$HAMGAN" audit verify --db "$H_DB"
t_eq "every payload is packed (schema 16)" \
	"$(sqlite3 "$H_DB" "SELECT count(*) FROM audit WHERE typeof(payload) <> 'blob' OR hex(substr(payload, 1, 1)) <> '01'")" 0
t_eq "actor and action are ids of their names" \
	"$(sqlite3 "$H_DB" "SELECT count(DISTINCT name) = count(*) FROM audit_names")" 1
t_exit "the report recount matches" 0 "$HAMGAN" report --verify --db "$H_DB"
t_grep "with no difference" " 0 differences" "$T_TMP/stdout"
t_eq "the hops no longer name the citizen" \
	"$(sqlite3 "$H_DB" "SELECT count(*) FROM referrals WHERE actor GLOB 'citizen:*'")" 0
t_eq "nothing was lost" "$(sqlite3 "$H_DB" 'SELECT count(*) FROM messages')" 5
printf '#!/bin/sh\necho "$1" >> "%s"\n' "$T_TMP/sent.log" >"$T_TMP/send.sh"
chmod +x "$T_TMP/send.sh"
t_exit "the sender runs on the upgraded outbox" 0 "$HAMGAN" sms send --command "$T_TMP/send.sh" --db "$H_DB"
t_eq "the text left sending is sent after the upgrade (its lease is long over)" \
	"$(sqlite3 "$H_DB" "SELECT state, attempts FROM sms_outbox WHERE id = $STUCK")" "2|2"

h_start
H_PW=password-1234
ST=$(h_token st12)
OP=$(h_token op)
CONF=$(sqlite3 "$H_DB" 'SELECT code FROM messages WHERE confidential = 1')
INSP=$(h_token insp)
h_api "the upgraded audit log read through the API" GET "/api/v1/audit?limit=1000" 200 "$INSP"
# (the logins since have appended theirs)
jq -c --argjson n "$(jq length "$T_TMP/audit-before")" \
	'[.items[] | [.seq, .actor, .action, .msg_id, .payload, .at]] | .[:$n]' "$T_TMP/body" \
	>"$T_TMP/audit-after"
t_eq "every entry reads as the old release wrote it" \
	"$(cmp -s "$T_TMP/audit-before" "$T_TMP/audit-after" && echo same)" same
h_api "a plural found through the rebuilt index" GET "/api/v1/messages?q=$(jq -rn '"چاله‌ها"|@uri')" 200 "$OP"
h_jq "both messages about potholes" '.items | length' 2
h_api "staff read the confidential complaint" GET "/api/v1/messages/$CONF" 200 "$ST"
h_jq "its citizen is hidden" '[.citizen.name?, .citizen.mobile?, .citizen.national_id?, .citizen_id?] | map(select(. != null)) | length' 0
h_jq "no hop names the citizen" '[.referrals[] | .actor | select(startswith("citizen"))] | length' 0
h_jq "the old objection reads «شهروند»" '[.referrals[] | select(.kind == "reopen" and .actor == "شهروند")] | length' 1
h_body_lacks "no mobile in it" "09121110001"
h_body_lacks "no name in it" "مریم"
h_api "the operator still sees who complained" GET "/api/v1/messages/$CONF" 200 "$OP"
h_jq "the operator sees the mobile" .citizen.mobile 09121110001
# the texts are packed (migration 17) and read as the old release wrote them
t_eq "the Persian texts are kept packed" \
	"$(sqlite3 "$H_DB" "SELECT typeof(subject), typeof(body), typeof(answer), typeof(grade_note) FROM messages WHERE id = 1")" \
	"blob|blob|blob|blob"
h_api "a message's texts after the upgrade" GET /api/v1/messages/8220300735 200 "$OP"
h_jq "its subject" .subject "رفتار مأمور"
h_jq "its body" .body "مأمور شهرداری بی‌ادبی کرد"
h_jq "its answer" .answer "با مأمور برخورد شد."
h_jq "its grade note" .grade_note "پاسخ ناقص"
h_jq "its empty address" .address null
h_stop
t_done
