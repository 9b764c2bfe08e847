#!/bin/bash
# bench/page_memory.sh - the server's peak memory (VmHWM) while it serves
# pages of the message list or of a text search (docs/performance.md, "The
# message record").
#
# usage: bench/page_memory.sh HAMGAN DB list|search [ROUNDS]
#
# DB is a demo database (hamgan demo --db DB --messages 20000) with an
# operator "benchfast" whose password is "bench-password-1", added with
# HAMGAN_PWHASH_FAST=1 so that signing in does not make the password hash's
# 64 MiB the process's peak:
#   echo bench-password-1 | HAMGAN_PWHASH_FAST=1 hamgan user add benchfast \
#       --role operator --name bench --password-stdin --db DB
# Each round sends two requests at once (both of the two workers busy): a
# page of 100 (walking the cursor) and a page of closed messages.  Prints the
# idle server's VmHWM, the peak after the rounds, and the growth, in kB.
set -eu
H=$1 DB=$2 KIND=$3 N=${4:-20}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/web"
echo '<html></html>' >"$T/web/index.html"
HAMGAN_PWHASH_FAST=1 "$H" serve --listen 127.0.0.1:0 --db "$DB" --web-root "$T/web" \
	--threads 2 >"$T/out" 2>"$T/err" &
PID=$!
for i in $(seq 1 200); do
	grep -q '^listening on' "$T/out" 2>/dev/null && break
	sleep 0.05
done
URL=$(sed -n 's/^listening on //p' "$T/out" | head -1)
TOK=$(curl -s -X POST -H 'Content-Type: application/json' \
	-d '{"username":"benchfast","password":"bench-password-1","bearer":true}' \
	"$URL/api/v1/auth/login" | jq -r .token)
curl -s -H "Authorization: Bearer $TOK" "$URL/api/v1/messages?limit=1" >/dev/null
base=$(awk '/VmHWM/{print $2}' /proc/$PID/status)
Q="limit=100"
[ "$KIND" = search ] && Q="limit=100&q=%D8%AE%DB%8C%D8%A7%D8%A8%D8%A7%D9%86"	# خیابان
cursor=""
for i in $(seq 1 "$N"); do
	curl -s -H "Authorization: Bearer $TOK" "$URL/api/v1/messages?$Q$cursor" -o "$T/a" &
	CP=$!
	curl -s -H "Authorization: Bearer $TOK" "$URL/api/v1/messages?$Q&state=closed" -o "$T/b"
	wait $CP
	nc=$(jq -r .next_cursor "$T/a")
	if [ "$nc" != null ]; then cursor="&cursor=$nc"; else cursor=""; fi
done
peak=$(awk '/VmHWM/{print $2}' /proc/$PID/status)
kill -TERM $PID
wait $PID || true
echo "$KIND idle_kB=$base peak_kB=$peak growth_kB=$((peak - base))"
