#!/bin/bash
# test_figures.sh - the dashboard and the six-monthly evaluation (issue 8) in
# Debian's chromium (playwright-core) against a real `hamgan serve` on a
# loopback port and a real demo database: tests/web/figures.mjs prints the
# TAP (the period picker, the definitions, the charts and their tables, the
# CSV/XLSX downloads, the print layout, the evaluation for the mayor).
set -u
: "${HAMGAN:?HAMGAN must name the hamgan binary}"
ROOT=${HAMGAN_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d "${TMPROOT:-/tmp}/figures.XXXXXX")
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
[ -f "$ROOT/web/vendor/chartjs/chart.umd.min.js" ] ||
	bail "web/vendor/chartjs/chart.umd.min.js is missing (plain `make` copies it from node_modules)"

export HAMGAN_PWHASH_FAST=1
DB="$TMP/hamgan.db"
PASS=figures-pass-1234
"$HAMGAN" demo --db "$DB" --messages 2000 --seed 8 >"$TMP/setup.log" 2>&1 ||
	bail "hamgan demo failed: $(tail -3 "$TMP/setup.log")"
for u in manager12 mayor inspector; do
	echo "$PASS" | "$HAMGAN" user passwd "$u" --password-stdin --db "$DB" >>"$TMP/setup.log" 2>&1 ||
		bail "cannot set the password of $u: $(tail -3 "$TMP/setup.log")"
done

# the suites sign in as every role many times a minute from one address:
# the login limit (tested on its own in tests/http) is set out of their way
"$HAMGAN" serve --listen 127.0.0.1:0 --db "$DB" --web-root "$ROOT/web" --set login_rate=1000 >"$TMP/serve.out" 2>"$TMP/serve.err" &
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
BASE_URL="$URL" PASSWORD="$PASS" DOWNLOADS="$TMP/downloads" \
	timeout 240 node "$ROOT/tests/web/figures.mjs"
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
