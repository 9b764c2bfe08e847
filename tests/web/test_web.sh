#!/bin/bash
# test_web.sh - the web app in Debian's chromium (driven by playwright-core)
# against a real `hamgan serve` on a loopback port and a real database:
# tests/web/flows.mjs prints the TAP.  Needs scripts/bootstrap's chromium,
# node and node_modules (make test runs it first).  Saves the operator
# desk's screenshot as build/web-desk.png.  WEB_SCRIPT names another script
# of tests/web to run against the same setup (test_forms.sh: forms.mjs),
# WEB_TIMEOUT its time limit in seconds (default 180).
set -u
: "${HAMGAN:?HAMGAN must name the hamgan binary}"
ROOT=${HAMGAN_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d "${TMPROOT:-/tmp}/web.XXXXXX")
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
[ -f "$ROOT/web/fonts/Vazirmatn-wght.woff2" ] || bail "web/fonts/Vazirmatn-wght.woff2 is missing (plain `make` copies it from node_modules)"

export HAMGAN_PWHASH_FAST=1
DB="$TMP/hamgan.db"
OPERATOR=web-op OP_PASS=op-pass-1234
STAFF=web-staff ST_PASS=staff-pass-1234
INSPECTOR=web-insp IN_PASS=insp-pass-1234
ADMIN=web-admin AD_PASS=admin-pass-1234
MANAGER=web-manager MG_PASS=manager-pass-1234
if "$HAMGAN" demo -h >/dev/null 2>&1; then
	# the realistic database: Tehran's units, years of messages, one login per role
	"$HAMGAN" demo --db "$DB" --messages 2000 >"$TMP/setup.log" 2>&1 ||
		bail "hamgan demo failed: $(tail -3 "$TMP/setup.log")"
	OPERATOR=operator STAFF=staff12 INSPECTOR=inspector ADMIN=admin MANAGER=manager12
	MG_PASS=$(awk '$1 == "manager12" && $2 == "manager" { print $4 }' "$TMP/setup.log")
	OP_PASS=$(awk '$1 == "operator" && $2 == "operator" { print $4 }' "$TMP/setup.log")
	ST_PASS=$(awk '$1 == "staff12" && $2 == "staff" { print $4 }' "$TMP/setup.log")
	IN_PASS=$(awk '$1 == "inspector" && $2 == "inspector" { print $4 }' "$TMP/setup.log")
	AD_PASS=$(awk '$1 == "admin" && $2 == "admin" { print $4 }' "$TMP/setup.log")
	[ -n "$OP_PASS" ] && [ -n "$ST_PASS" ] && [ -n "$IN_PASS" ] && [ -n "$AD_PASS" ] &&
		[ -n "$MG_PASS" ] ||
		bail "no logins in hamgan demo's output"
else
	{
		"$HAMGAN" init --db "$DB" &&
		"$HAMGAN" unit import "$ROOT/data/units-tehran.csv" --db "$DB" &&
		"$HAMGAN" category import "$ROOT/data/categories.csv" --db "$DB" &&
		echo "$OP_PASS" | "$HAMGAN" user add "$OPERATOR" --role operator --unit centre-1888 \
			--name "زهرا کریمی" --password-stdin --db "$DB" &&
		echo "$ST_PASS" | "$HAMGAN" user add "$STAFF" --role staff --unit region-12 \
			--name "علی رضایی" --password-stdin --db "$DB" &&
		echo "$IN_PASS" | "$HAMGAN" user add "$INSPECTOR" --role inspector \
			--name "بازرس" --password-stdin --db "$DB" &&
		echo "$AD_PASS" | "$HAMGAN" user add "$ADMIN" --role admin \
			--name "مدیر سامانه" --password-stdin --db "$DB" &&
		echo "$MG_PASS" | "$HAMGAN" user add "$MANAGER" --role manager --unit region-12 \
			--name "شهردار منطقه" --password-stdin --db "$DB"
	} >"$TMP/setup.log" 2>&1 || bail "cannot build the database: $(tail -3 "$TMP/setup.log")"
fi

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

mkdir -p "$ROOT/build"
# chromium's own config and cache go to the temp dir, whatever HOME is
export HOME=${HOME:-$TMP} XDG_CONFIG_HOME="$TMP/xdg-config" XDG_CACHE_HOME="$TMP/xdg-cache"
BASE_URL="$URL" OPERATOR="$OPERATOR" OPERATOR_PASSWORD="$OP_PASS" STAFF="$STAFF" \
	STAFF_PASSWORD="$ST_PASS" STAFF_UNIT=region-12 INSPECTOR="$INSPECTOR" \
	INSPECTOR_PASSWORD="$IN_PASS" ADMIN="$ADMIN" ADMIN_PASSWORD="$AD_PASS" \
	MANAGER="$MANAGER" MANAGER_PASSWORD="$MG_PASS" SHOT="$ROOT/build/web-desk.png" DB="$DB" \
	FIXTURES="$ROOT/tests/http/fixtures" timeout "${WEB_TIMEOUT:-180}" node "$ROOT/tests/web/${WEB_SCRIPT:-flows.mjs}"
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
