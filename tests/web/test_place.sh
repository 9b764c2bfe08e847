#!/bin/bash
# test_place.sh - maps in the browser (issue 10) and the likely-duplicates
# flag (issue 14): Debian's chromium (playwright-core) against a real
# `hamgan serve` on a demo database that holds Tehran's boundaries;
# tests/web/place.mjs prints the TAP.  Saves build/web-place.png.
set -u
: "${HAMGAN:?HAMGAN must name the hamgan binary}"
ROOT=${HAMGAN_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d "${TMPROOT:-/tmp}/place.XXXXXX")
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

[ -x /usr/bin/chromium ] || bail "web tests need /usr/bin/chromium (scripts/bootstrap installs it)"
command -v node >/dev/null || bail "web tests need node (scripts/bootstrap installs it)"
[ -d "$ROOT/node_modules/playwright-core" ] || bail "web tests need node_modules (scripts/bootstrap runs npm ci)"
[ -f "$ROOT/web/vendor/leaflet/leaflet.js" ] || bail "web/vendor/leaflet is missing (plain `make` copies it from node_modules)"

export HAMGAN_PWHASH_FAST=1
DB="$TMP/hamgan.db"
"$HAMGAN" demo --db "$DB" --messages 1000 --boundaries "$ROOT/data/tehran-regions.geojson" \
	>"$TMP/setup.log" 2>&1 || bail "hamgan demo failed: $(tail -3 "$TMP/setup.log")"
pass() { awk -v u="$1" '$1 == u { print $4 }' "$TMP/setup.log"; }
OP_PASS=$(pass operator) ST_PASS=$(pass staff12)
[ -n "$OP_PASS" ] && [ -n "$ST_PASS" ] || bail "no logins in hamgan demo's output"

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

mkdir -p "$ROOT/build"
export HOME=${HOME:-$TMP} XDG_CONFIG_HOME="$TMP/xdg-config" XDG_CACHE_HOME="$TMP/xdg-cache"
BASE_URL="$URL" DB="$DB" OPERATOR=operator OPERATOR_PASSWORD="$OP_PASS" STAFF=staff12 \
	STAFF_PASSWORD="$ST_PASS" SHOT="$ROOT/build/web-place.png" \
	timeout 180 node "$ROOT/tests/web/place.mjs"
rc=$?
kill -TERM "$PID" 2>/dev/null
wait "$PID"
src=$?
PID=""
if [ "$src" -ne 0 ]; then
	echo "# the server exited $src on SIGTERM"
	sed 's/^/#   /' "$TMP/serve.err" | tail -20
	exit 1
fi
exit "$rc"
