#!/usr/bin/env bash
# bench/search_same.sh A.db B.db [N] - do two databases' search indexes find
# the same messages?  Takes N terms of A's index (default 300, spread from
# the commonest to the rarest), and for each term, each pair of neighbouring
# terms (AND) and each such pair as alternatives (OR), compares the whole
# list of rowids each index finds, newest first (the order a search reads
# them in).  Prints the number of queries and of differences; exit 1 on any
# difference.  For a change to the index's storage (docs/performance.md,
# "Database size"): the same messages before and after an upgrade.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: bench/search_same.sh A.db B.db [N]" >&2; exit 2; }
A=$1 B=$2 N=${3:-300}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
sqlite3 "$A" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, msg_fts, row);
	SELECT term FROM (SELECT term, row_number() OVER (ORDER BY doc DESC, term) AS r,
	count(*) OVER () AS n FROM temp.v) WHERE r % max(1, n / $N) = 0 LIMIT $N" >"$T/terms"
prev=
while IFS= read -r t; do
	echo "\"$t\""
	if [ -n "$prev" ]; then
		echo "\"$prev\" AND \"$t\""
		echo "(\"$prev\" OR \"$t\")"
	fi
	prev=$t
done <"$T/terms" >"$T/queries"
ids() {
	while IFS= read -r q; do
		q=${q//\'/\'\'}
		echo "SELECT '$q', count(*), coalesce(group_concat(rowid), '') FROM"
		echo " (SELECT rowid FROM msg_fts WHERE msg_fts MATCH '$q' ORDER BY rowid DESC);"
	done <"$T/queries" | sqlite3 "$1" | md5sum -
}

n=$(wc -l <"$T/queries")
a=$(ids "$A") b=$(ids "$B")
if [ "$a" = "$b" ]; then
	echo "$n queries, 0 differences"
	exit 0
fi
echo "$n queries: the lists differ" >&2
exit 1
