# hamgan db check: SQLite's integrity check over the whole file says "ok"
# (exit 0) for a sound database and fails (exit 1) for a damaged one.
. "$(dirname "$0")/../lib.sh"
DB=$T_TMP/h.db
"$HAMGAN" init --db "$DB" >/dev/null
t_run "a fresh database is sound" 0 "ok" "$HAMGAN" db check --db "$DB"
# a table and an index over a few hundred pages, in a rollback journal so the
# file holds every page
sqlite3 "$DB" "PRAGMA journal_mode = DELETE; CREATE TABLE junk(x);
	INSERT INTO junk SELECT hex(randomblob(40)) FROM generate_series(1, 3000);
	CREATE INDEX junk_x ON junk(x);" >/dev/null
t_run "still sound with the index" 0 "ok" "$HAMGAN" db check --db "$DB"
# one page of the index (the file's end) overwritten with noise
pages=$(( $(stat -c %s "$DB") / 4096 ))
head -c 4096 /dev/urandom | dd of="$DB" bs=4096 seek=$((pages - 3)) count=1 conv=notrunc 2>/dev/null
t_exit "a damaged page fails the check" 1 "$HAMGAN" db check --db "$DB"
t_grep "and says why" "malformed|corrupt|Page|page|index" "$T_TMP/stderr"
t_exit "a missing database is an error" 1 "$HAMGAN" db check --db "$T_TMP/none.db"
t_done
