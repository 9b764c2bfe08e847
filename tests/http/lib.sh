# tests/http/lib.sh - start a real `hamgan serve` on a free loopback port for
# a shell test, talk to it with curl and jq, stop it with SIGTERM (sourced).
#
#	. "$(dirname "$0")/lib.sh"
#	h_start                       # extra serve flags may follow
#	h_req "healthz" GET /healthz 200
#	h_jq "healthz says ok" .status ok
#	h_stop                        # asserts a clean exit
#	t_done
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
H_PID=
H_URL=
H_PORT=
H_DB=$T_TMP/hamgan.db
export HAMGAN_PWHASH_FAST=1

h_cleanup() {
	if [ -n "$H_PID" ] && kill -0 "$H_PID" 2>/dev/null; then
		kill -KILL "$H_PID" 2>/dev/null
	fi
	rm -rf "$T_TMP"
}
trap h_cleanup EXIT

# h_start [serve flags...]: start the server, wait for "listening on".
h_start() {
	"$HAMGAN" serve --listen 127.0.0.1:0 --db "$H_DB" --web-root "$HAMGAN_ROOT/web" "$@" \
		>"$T_TMP/serve.out" 2>"$T_TMP/serve.err" &
	H_PID=$!
	local i
	for i in $(seq 1 200); do
		if grep -q '^listening on http://' "$T_TMP/serve.out" 2>/dev/null; then
			H_URL=$(sed -n 's/^listening on //p' "$T_TMP/serve.out" | head -1)
			H_PORT=${H_URL##*:}
			return 0
		fi
		kill -0 "$H_PID" 2>/dev/null || break
		sleep 0.05
	done
	t_fail "server starts" "$(head -c 600 "$T_TMP/serve.err")"
	t_done
	exit 1
}

# h_stop: SIGTERM, wait, assert exit 0 and no sanitizer report.
h_stop() {
	local rc
	kill -TERM "$H_PID"
	wait "$H_PID"
	rc=$?
	H_PID=
	t_eq "server exits 0 on SIGTERM" "$rc" 0
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$T_TMP/serve.err"; then
		t_fail "server stderr has no sanitizer report" "$(grep -E -A12 'Sanitizer|runtime error' "$T_TMP/serve.err" | head -40)"
	else
		t_pass "server stderr has no sanitizer report"
	fi
}

# h_req NAME METHOD PATH WANT_STATUS [curl args...]: body in $T_TMP/body,
# headers in $T_TMP/headers, status in $H_STATUS.
h_req() {
	local name=$1 method=$2 path=$3 want=$4; shift 4
	: >"$T_TMP/body"
	H_STATUS=$(curl -s -o "$T_TMP/body" -D "$T_TMP/headers" -w '%{http_code}' \
		--max-time 20 -X "$method" "$@" "$H_URL$path")
	if [ "$H_STATUS" = "$want" ]; then
		t_pass "$name"
	else
		t_fail "$name" "$method $path: status $H_STATUS, wanted $want" \
			"body: $(head -c 400 "$T_TMP/body")"
	fi
}

# h_jq NAME FILTER WANT: jq -r FILTER on the last body equals WANT.
h_jq() {
	local got
	got=$(jq -r "$2" <"$T_TMP/body" 2>&1)
	t_eq "$1" "$got" "$3"
}

# h_header NAME REGEX: the last answer has a header line matching REGEX
# (case-insensitive).
h_header() {
	if tr -d '\r' <"$T_TMP/headers" | grep -Eiq -- "$2"; then
		t_pass "$1"
	else
		t_fail "$1" "no header matching '$2'" "$(head -c 600 "$T_TMP/headers")"
	fi
}

# h_body_lacks NAME STRING: the last body does not contain STRING.
h_body_lacks() {
	if grep -Fq -- "$2" "$T_TMP/body"; then
		t_fail "$1" "body contains '$2'" "$(head -c 400 "$T_TMP/body")"
	else
		t_pass "$1"
	fi
}
