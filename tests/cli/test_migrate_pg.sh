# `hamgan migrate`: a demo city's SQLite database into PostgreSQL, checked,
# then served; a second migrate into the same target refused and the target
# intact; a migrate that fails half way (a row PostgreSQL refuses) leaves the
# target empty; a source at an older schema refused with the upgrade hint.
# Needs PostgreSQL: the cluster tests/run starts (HAMGAN_TEST_PG), else one
# of its own in the test's directory.
. "$(dirname "$0")/../http/lib.sh"

PG_OWN=
if [ -z "${HAMGAN_TEST_PG:-}" ]; then
	PG_OWN=$T_TMP/pg
	HAMGAN_TEST_PG=$("$HAMGAN_ROOT/scripts/pg-cluster" start "$PG_OWN" 2>"$T_TMP/pg.err" | tail -1)
	if [ -z "$HAMGAN_TEST_PG" ]; then
		echo "# no PostgreSQL: $(head -c 300 "$T_TMP/pg.err")"
		echo "1..0 # SKIP no PostgreSQL cluster"
		exit 0
	fi
fi
PG_DBS=()
pg_cleanup() {
	local d
	if [ -n "$H_PID" ] && kill -0 "$H_PID" 2>/dev/null; then
		kill -KILL "$H_PID" 2>/dev/null
		wait "$H_PID" 2>/dev/null
	fi
	for d in "${PG_DBS[@]}"; do
		psql "$HAMGAN_TEST_PG" -qc "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1
	done
	[ -n "$PG_OWN" ] && "$HAMGAN_ROOT/scripts/pg-cluster" stop "$PG_OWN" >/dev/null 2>&1
	rm -rf "$T_TMP"
}
trap pg_cleanup EXIT

# pg_db NAME: a fresh database; its URI on stdout
pg_db() {
	local name=hamgan_mig_$$_$1
	psql "$HAMGAN_TEST_PG" -qc "CREATE DATABASE $name" >/dev/null || return 1
	PG_DBS+=("$name")
	# the base URI's database (the path after the authority) replaced
	printf '%s\n' "$HAMGAN_TEST_PG" | sed -E "s#^(postgres(ql)?://[^/?]*)/?[^?]*#\\1/$name#"
}

# rows URI: the rows of the target's hamgan tables, "table n" a line
rows() {
	psql "$1" -At -F ' ' -c "SELECT 'audit', count(*) FROM audit UNION ALL
		SELECT 'messages', count(*) FROM messages UNION ALL
		SELECT 'units', count(*) FROM units UNION ALL
		SELECT 'sms_outbox', count(*) FROM sms_outbox UNION ALL
		SELECT 'msg_fts', count(*) FROM msg_fts UNION ALL
		SELECT 'agg_cells', count(*) FROM agg_cells ORDER BY 1" 2>&1
}

SRC=$T_TMP/city.db
"$HAMGAN" demo --db "$SRC" --messages 2000 >"$T_TMP/demo.out" 2>"$T_TMP/demo.err" ||
	{ t_fail "demo database" "$(head -c 400 "$T_TMP/demo.err")"; t_done; exit 1; }
# an attachment, so that bytea travels too (the demo makes none)
sqlite3 "$SRC" "INSERT INTO attachments (msg_id, name, mime, by_actor, by_role, size, created_at, bytes, thumb)
	VALUES (7, 'a	b\\c.png', 'image/png', 'citizen', 0, 4, 1, x'00ff5c0a', NULL)"

# ---- the migration ----
TO=$(pg_db a)
"$HAMGAN" migrate --from "$SRC" --to "$TO" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
t_eq "migrate exits 0" "$rc" 0
[ "$rc" = 0 ] || echo "# $(tail -c 600 "$T_TMP/err")"
t_grep "progress: a line per table" '^  messages +2000 rows' "$T_TMP/err"
t_grep "check 1: the counts" '^check 1/3: row counts equal' "$T_TMP/err"
t_grep "check 2: the reports and the recount" '^check 2/3: [0-9]+ reports equal' "$T_TMP/err"
t_grep "check 3: the audit chain" '^check 3/3: the audit chain verifies' "$T_TMP/err"
t_grep "done with the counts and time" '^done: [0-9]+ rows in [0-9]+ tables' "$T_TMP/out"

for t in messages audit sms_outbox units citizens referrals agg_cells attachments; do
	t_eq "$t: as many rows as the source" "$(psql "$TO" -Atc "SELECT count(*) FROM $t")" \
		"$(sqlite3 "$SRC" "SELECT count(*) FROM $t")"
done
# SQLite packs the pairs of a (dim, unit, kind, day, key) into one row
# (schema 19), PostgreSQL keeps a row a pair: as many as the recount makes
t_eq "agg_pairs: a row a pair of the source" "$(psql "$TO" -Atc "SELECT count(*) FROM agg_pairs")" \
	"$("$HAMGAN" report --db "$SRC" --verify | sed -n 's/.* cells, \([0-9]*\) pair rows.*/\1/p')"
t_eq "the source's pairs are packed" \
	"$(sqlite3 "$SRC" "SELECT count(*) < $(psql "$TO" -Atc "SELECT count(*) FROM agg_pairs") FROM agg_pairs")" 1
t_eq "the audit chain's last hash" \
	"$(psql "$TO" -Atc "SELECT encode(hash, 'hex') FROM audit ORDER BY seq DESC LIMIT 1")" \
	"$(sqlite3 "$SRC" 'SELECT lower(hex(hash)) FROM audit ORDER BY seq DESC LIMIT 1')"
# the source's texts are packed (SQLite's migration 17): read through an
# oracle of the documented form, written apart from the C decoder
unpacked() { python3 "$HAMGAN_ROOT/tests/cli/sqlite_unpacked.py" "$@"; }
t_eq "the source's texts are packed" \
	"$(sqlite3 "$SRC" "SELECT count(*) > 1000 FROM messages WHERE typeof(body) = 'blob'")" 1
t_eq "texts byte for byte (every message's subject, body, address, answer)" \
	"$(psql "$TO" -Atc "SELECT md5(string_agg(subject || '|' || body || '|' || address || '|' || answer, '#' ORDER BY id)) FROM messages")" \
	"$(unpacked "$SRC" "SELECT group_concat(s || '|' || b || '|' || d || '|' || a, '#') FROM (SELECT hamgan_unpack(subject) s, hamgan_unpack(body) b, hamgan_unpack(address) d, hamgan_unpack(answer) a FROM messages ORDER BY id)" | tr -d '\n' | md5sum | cut -d' ' -f1)"
t_eq "places to the last digit" "$(psql "$TO" -Atc "SELECT lat, lon FROM messages WHERE has_point = 1 ORDER BY id LIMIT 1")" \
	"$(sqlite3 "$SRC" "SELECT lat, lon FROM messages WHERE has_point = 1 ORDER BY id LIMIT 1")"
t_eq "bytes and an odd name" "$(psql "$TO" -Atc "SELECT encode(bytes, 'hex'), name = E'a\\tb\\\\c.png' FROM attachments")" \
	"00ff5c0a|t"
t_eq "a search term of message 1 in its tsvector" \
	"$(psql "$TO" -Atc "SELECT tsv @@ 'جدول'::tsquery FROM msg_fts WHERE id = 1")" "t"
t_eq "new ids follow the copied ones" "$(psql "$TO" -Atc "SELECT nextval(pg_get_serial_sequence('messages', 'id'))")" \
	"$(($(sqlite3 "$SRC" 'SELECT max(id) FROM messages') + 1))"

# ---- the target serves: a citizen's tracking look-up over HTTP, and the
# operator's searches find what they find on the SQLite source ----
OPPW=$(awk '$1 == "operator" && $2 == "operator" { print $4 }' "$T_TMP/demo.out")
read -r CODE MOBILE <<<"$(sqlite3 -separator ' ' "$SRC" "SELECT m.code, c.mobile FROM messages m
	JOIN citizens c ON c.id = m.citizen_id WHERE m.confidential = 0 ORDER BY m.id LIMIT 1")"
SUBJECT=$(unpacked "$SRC" "SELECT hamgan_unpack(subject) FROM messages WHERE code = '$CODE'")
WORDS=(چاله خیابان آسفالت زباله روشنایی)

# serve DSN: start a server on DSN (H_URL set), or fail the test
serve() {
	: >"$T_TMP/serve.out"
	"$HAMGAN" serve --listen 127.0.0.1:0 --db "$1" --web-root "$HAMGAN_ROOT/web" \
		>"$T_TMP/serve.out" 2>"$T_TMP/serve.err" &
	H_PID=$!
	H_URL=
	for i in $(seq 1 200); do
		grep -q '^listening on http://' "$T_TMP/serve.out" 2>/dev/null && break
		kill -0 "$H_PID" 2>/dev/null || break
		sleep 0.05
	done
	H_URL=$(sed -n 's/^listening on //p' "$T_TMP/serve.out" | head -1)
	[ -n "$H_URL" ] && return 0
	t_fail "serve $1" "$(head -c 600 "$T_TMP/serve.err")"
	t_done
	exit 1
}

# searches OUT: the codes each of WORDS finds (the first 100, newest first)
searches() {
	local tok w
	tok=$(curl -s -X POST -H 'Content-Type: application/json' \
		-d "{\"username\":\"operator\",\"password\":\"$OPPW\",\"bearer\":true}" \
		"$H_URL/api/v1/auth/login" | jq -r .token)
	for w in "${WORDS[@]}"; do
		printf '%s: ' "$w"
		curl -s -G -H "Authorization: Bearer $tok" --data-urlencode "q=$w" \
			--data-urlencode limit=100 "$H_URL/api/v1/messages" | jq -r '[.items[].code] | join(" ")'
	done >"$1"
}

serve "$TO"
h_req "track a migrated message by its code" POST /api/v1/track 200 \
	-H 'Content-Type: application/json' --data "{\"code\":\"$CODE\",\"mobile\":\"$MOBILE\"}"
h_jq "its subject" .subject "$SUBJECT"
searches "$T_TMP/found.pg"
h_stop
# the source as it was, served from a copy (a login writes a session)
cp "$SRC" "$T_TMP/src-copy.db"
serve "$T_TMP/src-copy.db"
searches "$T_TMP/found.sqlite"
h_stop
if [ -n "$(sed -n 's/^[^:]*: //p' "$T_TMP/found.pg" | tr -d ' \n')" ] &&
	cmp -s "$T_TMP/found.pg" "$T_TMP/found.sqlite"; then
	t_pass "searches find the same messages in the same order in both"
else
	t_fail "searches find the same messages in the same order in both" \
		"$(diff <(tr ' ' '\n' <"$T_TMP/found.sqlite") <(tr ' ' '\n' <"$T_TMP/found.pg") | head -20)"
fi

# ---- a word longer than a tsvector lexeme may be (2,047 bytes): left out
# of the search index, as on intake, never a failed move (a copy of the
# source: its own index keeps the body it had) ----
LONGSRC=$T_TMP/long.db
cp "$SRC" "$LONGSRC"
LONG=$(printf 'ب%.0s' $(seq 1 1100))
sqlite3 "$LONGSRC" "UPDATE messages SET body = '$LONG چاله' WHERE id = 8"
TO7=$(pg_db g)
"$HAMGAN" migrate --from "$LONGSRC" --to "$TO7" >/dev/null 2>"$T_TMP/err"
t_eq "a message with an overlong word migrates" "$?" 0
t_eq "and is indexed without the word" \
	"$(psql "$TO7" -Atc "SELECT tsv @@ 'چاله'::tsquery, length(tsv) < 40 FROM msg_fts WHERE id = 8")" "t|t"

# ---- a second migrate into the same target ----
BEFORE=$(rows "$TO")
"$HAMGAN" migrate --from "$SRC" --to "$TO" >/dev/null 2>"$T_TMP/err"
t_eq "a second migrate is refused" "$?" 1
t_grep "it says the target holds data" 'already holds hamgan data' "$T_TMP/err"
t_eq "the target is intact" "$(rows "$TO")" "$BEFORE"

# ---- a failure half way: a row PostgreSQL refuses (invalid UTF-8) ----
BROKEN=$T_TMP/broken.db
cp "$SRC" "$BROKEN"
sqlite3 "$BROKEN" "UPDATE messages SET body = CAST(x'41ff42' AS TEXT) WHERE id = 1500"
TO2=$(pg_db b)
"$HAMGAN" migrate --from "$BROKEN" --to "$TO2" >/dev/null 2>"$T_TMP/err"
t_eq "a migrate failing half way exits 1" "$?" 1
t_grep "the error names the table and line" "copying table 'messages': .*line 1500" "$T_TMP/err"
t_grep "tables before it were copied (progress)" '^  audit +[0-9]+ rows' "$T_TMP/err"
t_eq "the target is left empty" "$(rows "$TO2" | tr '\n' ' ')" \
	"agg_cells 0 audit 0 messages 0 msg_fts 0 sms_outbox 0 units 0 "

# a row referring to a message that is not there (SQLite does not enforce
# its foreign keys): the key, added back after the rows, refuses it
DANGLING=$T_TMP/dangling.db
cp "$SRC" "$DANGLING"
sqlite3 "$DANGLING" "UPDATE referrals SET msg_id = 999999 WHERE id = 3"
"$HAMGAN" migrate --from "$DANGLING" --to "$TO2" >/dev/null 2>"$T_TMP/err"
t_eq "a dangling reference fails the migrate" "$?" 1
t_grep "the error names the key" 'referrals_msg_id_fkey.*999999' "$T_TMP/err"
t_eq "the target is left empty again" "$(rows "$TO2" | tr '\n' ' ')" \
	"agg_cells 0 audit 0 messages 0 msg_fts 0 sms_outbox 0 units 0 "
t_eq "its indexes and keys are back" \
	"$(psql "$TO2" -Atc "SELECT (SELECT count(*) FROM pg_indexes WHERE tablename = 'messages'),
		(SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'messages'::regclass)")" \
	"9|9"
"$HAMGAN" migrate --from "$SRC" --to "$TO2" >/dev/null 2>"$T_TMP/err"
t_eq "and takes a whole migrate afterwards" "$?" 0

# ---- killed part-way (SIGTERM: a background job of a script ignores
# SIGINT, Ctrl-C's signal; both end the process the same way): the copy
# is one transaction ----
TO5=$(pg_db e)
"$HAMGAN" migrate --from "$SRC" --to "$TO5" >/dev/null 2>"$T_TMP/int.err" &
MPID=$!
for i in $(seq 1 1000); do
	grep -q '^  agg_cells ' "$T_TMP/int.err" 2>/dev/null && break
	kill -0 "$MPID" 2>/dev/null || break
	sleep 0.01
done
kill -TERM "$MPID" 2>/dev/null
wait "$MPID"
rc=$?
if [ "$rc" = 0 ]; then
	t_fail "the interrupt came in time" "the migrate had finished"
else
	t_pass "a killed migrate stops (exit $rc)"
fi
t_eq "the target of the killed migrate is left empty" "$(rows "$TO5" | tr '\n' ' ')" \
	"agg_cells 0 audit 0 messages 0 msg_fts 0 sms_outbox 0 units 0 "
"$HAMGAN" migrate --from "$SRC" --to "$TO5" >/dev/null 2>"$T_TMP/err"
t_eq "and takes a whole migrate afterwards" "$?" 0

# ---- the source written to during the copy: the copy is the state at its
# start (one read transaction), the counts, read afterwards, differ, and
# the target is emptied again ----
LIVE=$T_TMP/live.db
cp "$SRC" "$LIVE"
TO6=$(pg_db f)
"$HAMGAN" migrate --from "$LIVE" --to "$TO6" >/dev/null 2>"$T_TMP/live.err" &
MPID=$!
for i in $(seq 1 1000); do
	grep -q '^  agg_cells ' "$T_TMP/live.err" 2>/dev/null && break
	kill -0 "$MPID" 2>/dev/null || break
	sleep 0.01
done
sqlite3 "$LIVE" "INSERT INTO login_failures (key, at) VALUES ('user:x', 1)"
wait "$MPID"
t_eq "a source written to meanwhile fails the checks" "$?" 1
t_grep "the counts name the table and the cause" \
	"login_failures \(1 in the source, 0 in the target\).*written to during the copy" "$T_TMP/live.err"
t_eq "and the target is emptied" \
	"$(psql "$TO6" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0

# ---- a check that fails: the source's audit chain broken (the copy is
# whole, the audit check fails) empties the target again, and another
# application's table in the same database stays ----
TAMPERED=$T_TMP/tampered.db
cp "$SRC" "$TAMPERED"
sqlite3 "$TAMPERED" "DROP TRIGGER audit_no_update; UPDATE audit SET payload = '{}' WHERE seq = 5"
TO4=$(pg_db d)
psql "$TO4" -qc "CREATE TABLE other_app (x int); INSERT INTO other_app VALUES (42)"
"$HAMGAN" migrate --from "$TAMPERED" --to "$TO4" >/dev/null 2>"$T_TMP/err"
t_eq "a failed check exits 1" "$?" 1
t_grep "it says which check" "check failed: .*audit chain" "$T_TMP/err"
t_grep "and that the target was emptied" "the target was emptied again" "$T_TMP/err"
t_eq "no hamgan table is left" "$(psql "$TO4" -Atc "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'")" \
	"other_app"
t_eq "another application's row stays" "$(psql "$TO4" -Atc 'SELECT x FROM other_app')" 42
"$HAMGAN" migrate --from "$SRC" --to "$TO4" >/dev/null 2>"$T_TMP/err"
t_eq "the emptied target takes a whole migrate" "$?" 0

# ---- a source at an older schema version ----
OLD=$T_TMP/old.db
t_release3_db "$OLD"
TO3=$(pg_db c)
"$HAMGAN" migrate --from "$OLD" --to "$TO3" >/dev/null 2>"$T_TMP/err"
t_eq "an older source is refused" "$?" 1
t_grep "with the upgrade hint" "upgrade it first with 'hamgan init --db $OLD'" "$T_TMP/err"
t_eq "the target is untouched (no schema made)" \
	"$(psql "$TO3" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
t_eq "the source is untouched (still at version 3)" "$(sqlite3 "$OLD" 'PRAGMA user_version')" 3

# ---- bad input ----
t_exit "no --to is a usage error" 2 "$HAMGAN" migrate --from "$SRC"
t_exit "a SQLite target is refused" 1 "$HAMGAN" migrate --from "$SRC" --to "$T_TMP/x.db"
t_exit "a missing source is refused" 1 "$HAMGAN" migrate --from "$T_TMP/none.db" --to "$TO3"
t_done
