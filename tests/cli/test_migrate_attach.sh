# The attachments migration: a database of the previous release (schema 3,
# tests/fixtures/release-3.sql) upgrades in place with `hamgan init --db`
# and keeps its data.
. "$(dirname "$0")/../lib.sh"
export HAMGAN_PWHASH_FAST=1
DB="$T_TMP/old.db"
LATEST=$(t_schema_latest)
t_release3_db "$DB"
t_eq "the old database is at version 3 without attachments" \
	"$(sqlite3 "$DB" "PRAGMA user_version; SELECT count(*) FROM sqlite_master WHERE name = 'attachments'")" "3
0"
t_run "init upgrades it in place" 0 "database '$DB' is at schema version $LATEST" "$HAMGAN" init --db "$DB"
t_eq "the attachments table and its index are there" \
	"$(sqlite3 "$DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE tbl_name = 'attachments' ORDER BY name)")" \
	"attachments attachments_msg"
t_eq "the old messages are kept" "$(sqlite3 "$DB" "SELECT count(*) FROM messages")" 5
t_run "a second init changes nothing" 0 "database '$DB' is at schema version $LATEST" "$HAMGAN" init --db "$DB"
t_done
