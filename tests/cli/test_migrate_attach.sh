# The attachments migration: a database of the release before it (schema
# 3, with a message in it) upgrades in place with `hamgan init --db` and
# keeps its data.
. "$(dirname "$0")/../lib.sh"
export HAMGAN_PWHASH_FAST=1
DB="$T_TMP/old.db"
"$HAMGAN" init --db "$DB" >/dev/null &&
"$HAMGAN" unit import "$HAMGAN_ROOT/data/units-tehran.csv" --db "$DB" >/dev/null || { t_fail "setup"; t_done; exit 1; }
sqlite3 "$DB" "INSERT INTO messages (code, channel, kind, subject, body, state, unit_id, created_at, updated_at)
	SELECT '1234567890', 0, 1, 'قدیمی', 'پیام پیش از پیوست‌ها', 0, min(id), 1700000000, 1700000000 FROM units" 2>"$T_TMP/err" ||
	{ t_fail "setup: an old message" "$(cat "$T_TMP/err")"; t_done; exit 1; }
# back to the previous release's schema: no attachments table, version 3
sqlite3 "$DB" "DROP TABLE attachments; PRAGMA user_version = 3"
t_eq "the old database is at version 3 without attachments" \
	"$(sqlite3 "$DB" "PRAGMA user_version; SELECT count(*) FROM sqlite_master WHERE name = 'attachments'")" "3
0"
t_run "init upgrades it in place" 0 "database '$DB' is at schema version 7" "$HAMGAN" init --db "$DB"
t_eq "the attachments table and its index are there" \
	"$(sqlite3 "$DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE tbl_name = 'attachments' ORDER BY name)")" \
	"attachments attachments_msg"
t_eq "the old message is kept" "$(sqlite3 "$DB" "SELECT subject FROM messages WHERE code = '1234567890'")" "قدیمی"
t_run "a second init changes nothing" 0 "database '$DB' is at schema version 7" "$HAMGAN" init --db "$DB"
t_done
