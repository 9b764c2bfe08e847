#!/usr/bin/env bash
# bench/search_grow.sh SRC.db DST.db K - a search benchmark's database of
# K times SRC's messages: SRC (a `hamgan demo` database) copied, then its
# messages and their search index repeated K-1 more times with ids shifted
# past the last (so the copies are the newer messages) and tracking codes
# suffixed (the search index holds no text: a copy's entry is made of the
# original's terms, read back from the index).  Everything a search reads
# (messages, units, citizens, the index) is real demo data; the audit chain
# and aggregates are SRC's alone, so the result is for measuring searches
# only, never for `audit verify`.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: bench/search_grow.sh SRC.db DST.db K" >&2; exit 2; }
SRC=$1 DST=$2 K=$3
cols=$(sqlite3 "$SRC" "SELECT group_concat(name, ', ') FROM pragma_table_info('messages')")
sel=$(echo "$cols" | sed -e 's/^id, code,/m.id + k.v * n.m, m.code || '"'"'-'"'"' || k.v,/')
rm -f "$DST" "$DST-wal" "$DST-shm"
sqlite3 "$SRC" "VACUUM INTO '$DST'"
sqlite3 "$DST" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
CREATE TEMP TABLE k (v INTEGER PRIMARY KEY);
WITH RECURSIVE r(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM r WHERE v < $K - 1)
INSERT INTO temp.k SELECT v FROM r;
CREATE TEMP TABLE n AS SELECT max(id) AS m FROM messages;
BEGIN;
INSERT INTO messages ($cols)
	SELECT $sel FROM temp.k k, temp.n n, messages m WHERE m.id <= n.m ORDER BY k.v, m.id;
-- the index keeps no text (content=''): each message's terms are read back
-- from the index itself, in their order, and indexed again for each copy
CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, msg_fts, instance);
CREATE TEMP TABLE t AS SELECT doc AS id, group_concat(term, ' ') AS text
	FROM (SELECT doc, term FROM temp.v ORDER BY doc, offset) GROUP BY doc;
INSERT INTO msg_fts (rowid, text)
	SELECT t.id + k.v * n.m, t.text FROM temp.k k, temp.n n, temp.t t
	WHERE t.id <= n.m ORDER BY k.v, t.id;
COMMIT;
SQL
echo "$DST: $(sqlite3 "$DST" 'SELECT count(*) FROM messages') messages, $(du -h "$DST" | cut -f1)"
