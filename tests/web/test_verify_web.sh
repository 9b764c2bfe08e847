#!/bin/bash
# test_verify_web.sh - the citizen's «کد تأیید» step in Debian's chromium
# (tests/web/verify.mjs) against a real server and database (issue 9,
# point 4).  Needs what tests/web/test_web.sh needs (scripts/bootstrap).
. "$(dirname "$0")/../http/lib.sh"
ROOT=$HAMGAN_ROOT
for need in /usr/bin/chromium "$ROOT/node_modules/playwright-core"; do
	[ -e "$need" ] || { t_fail "web tests need $need (scripts/bootstrap installs it)"; t_done; exit 1; }
done
command -v node >/dev/null || { t_fail "web tests need node"; t_done; exit 1; }
h_seed
h_start --set track_rate=1000
export HOME=${HOME:-$T_TMP} XDG_CONFIG_HOME="$T_TMP/xdg-config" XDG_CACHE_HOME="$T_TMP/xdg-cache"
BASE_URL="$H_URL" DB="$H_DB" timeout 120 node "$ROOT/tests/web/verify.mjs" >"$T_TMP/tap" 2>&1
rc=$?
cat "$T_TMP/tap"
# the browser's checks count as this script's
T_N=$(grep -c '^\(not \)\?ok ' "$T_TMP/tap")
T_FAILED=$(grep -c '^not ok ' "$T_TMP/tap")
[ "$rc" -eq 0 ] || [ "$T_FAILED" -gt 0 ] || t_fail "verify.mjs exits 0" "exit $rc: $(tail -5 "$T_TMP/tap")"
h_stop
t_done
