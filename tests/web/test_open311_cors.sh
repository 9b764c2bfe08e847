#!/bin/bash
# test_open311_cors.sh - Open311's CORS in Debian's chromium against a real
# `hamgan serve`: tests/web/open311_cors.mjs prints the TAP.
set -u
: "${HAMGAN:?HAMGAN must name the hamgan binary}"
ROOT=${HAMGAN_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d "${TMPROOT:-/tmp}/cors.XXXXXX")
PID=""
cleanup() {
	if [ -n "$PID" ]; then
		kill -TERM "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
bail() { echo "not ok 1 - $*"; echo "1..1"; exit 1; }

[ -x /usr/bin/chromium ] || bail "needs /usr/bin/chromium (scripts/bootstrap installs it)"
command -v node >/dev/null || bail "needs node (scripts/bootstrap installs it)"
[ -d "$ROOT/node_modules/playwright-core" ] || bail "needs node_modules (scripts/bootstrap runs npm ci)"

DB="$TMP/hamgan.db"
{
	"$HAMGAN" init --db "$DB" &&
	"$HAMGAN" unit import "$ROOT/data/units-tehran.csv" --db "$DB" &&
	printf 'code,name,parent_code,deadline_hours,kinds,confidential,service_code\nroads,معابر,,72,all,0,roads\n' >"$TMP/c.csv" &&
	"$HAMGAN" category import "$TMP/c.csv" --db "$DB"
} >"$TMP/setup.log" 2>&1 || bail "cannot build the database: $(tail -3 "$TMP/setup.log")"
KEY=$("$HAMGAN" apikey add browser-app --db "$DB" | tail -1)

"$HAMGAN" serve --listen 127.0.0.1:0 --db "$DB" --web-root "$ROOT/web" >"$TMP/serve.out" 2>"$TMP/serve.err" &
PID=$!
URL=""
for _ in $(seq 1 100); do
	URL=$(sed -n 's/^listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$TMP/serve.out" | head -1)
	[ -n "$URL" ] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
[ -n "$URL" ] || bail "the server did not start: $(tail -3 "$TMP/serve.err")"

export HOME=${HOME:-$TMP} XDG_CONFIG_HOME="$TMP/xdg-config" XDG_CACHE_HOME="$TMP/xdg-cache"
cd "$ROOT" && BASE_URL="$URL" API_KEY="$KEY" node tests/web/open311_cors.mjs
