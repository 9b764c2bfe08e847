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
# the test's database: a file, or with HAMGAN_TEST_BACKEND=postgresql a
# fresh database on the test cluster (tests/lib.sh t_db), dropped at exit
H_DB=$(t_db hamgan) || { echo "no database for the test" >&2; exit 1; }
export HAMGAN_PWHASH_FAST=1

h_cleanup() {
	if [ -n "$H_PID" ] && kill -0 "$H_PID" 2>/dev/null; then
		kill -KILL "$H_PID" 2>/dev/null
		wait "$H_PID" 2>/dev/null
	fi
	t_cleanup
}
trap h_cleanup EXIT

# h_sql SQL: t_sql on the test's database
h_sql() { t_sql "$H_DB" "$1"; }

# Wait for this test's background jobs, all but the server.
h_wait_jobs() { local p; for p in $(jobs -p); do [ "$p" = "$H_PID" ] || wait "$p"; done; }

# h_db_made: hamgan init has made the test's database
h_db_made() {
	if t_pg; then
		h_sql "SELECT 1 FROM hamgan_schema" >/dev/null 2>&1
	else
		[ -f "$H_DB" ]
	fi
}

# h_start [serve flags...]: start the server, wait for "listening on".
h_start() {
	h_db_made || "$HAMGAN" init --db "$H_DB" >/dev/null
	# empty the files first: the redirections below happen in the child, and
	# a restart must never read the previous server's "listening on" line
	: >"$T_TMP/serve.out"
	: >"$T_TMP/serve.err"
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

H_PW=correct-horse-battery

# h_seed: a database with units, categories and one user per role:
# op (operator), st12 (staff, region-12), st121 (staff, district-12-1 under
# region-12), st03 (staff, region-03), mg12 (manager, region-12), insp
# (inspector), adm (admin).  Every password is $H_PW.
h_seed() {
	"$HAMGAN" init --db "$H_DB" >/dev/null || { t_fail "hamgan init"; t_done; exit 1; }
	cat >"$T_TMP/units.csv" <<'CSV'
code,name,kind,parent_code
tehran,شهرداری تهران,organisation,
centre,مرکز ۱۸۸۸,centre,tehran
region-12,منطقه ۱۲,region,tehran
district-12-1,ناحیه ۱ منطقه ۱۲,district,region-12
region-03,منطقه ۳,region,tehran
CSV
	cat >"$T_TMP/cats.csv" <<'CSV'
code,name,parent_code,deadline_hours,kinds,confidential,service_code
roads,معابر و آسفالت,,72,all,0,roads
conduct,رفتار کارکنان,,48,complaint|criticism,1,conduct
CSV
	"$HAMGAN" unit import "$T_TMP/units.csv" --db "$H_DB" >/dev/null &&
	"$HAMGAN" category import "$T_TMP/cats.csv" --db "$H_DB" >/dev/null || {
		t_fail "seed units and categories"; t_done; exit 1; }
	local u
	for u in "op operator" "st12 staff region-12" "st121 staff district-12-1" \
		"st03 staff region-03" "mg12 manager region-12" "insp inspector" "adm admin"; do
		set -- $u
		echo "$H_PW" | "$HAMGAN" user add "$1" --role "$2" ${3:+--unit "$3"} --name "کاربر $1" \
			--password-stdin --db "$H_DB" >/dev/null || { t_fail "seed user $1"; t_done; exit 1; }
	done
}

# h_token USER: sign in for a bearer token (printed).
h_token() {
	curl -s -X POST -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$H_PW\",\"bearer\":true}" \
		"$H_URL/api/v1/auth/login" | jq -r .token
}

# h_api NAME METHOD PATH WANT_STATUS TOKEN [JSON]: a bearer-token API call.
h_api() {
	local name=$1 method=$2 path=$3 want=$4 tok=$5 body=${6-}
	if [ -n "$body" ]; then
		h_req "$name" "$method" "$path" "$want" -H "Authorization: Bearer $tok" \
			-H 'Content-Type: application/json' --data-binary "$body"
	elif [ -n "$tok" ]; then
		h_req "$name" "$method" "$path" "$want" -H "Authorization: Bearer $tok"
	else
		h_req "$name" "$method" "$path" "$want"
	fi
}

# h_code MOBILE [curl args...]: ask POST /api/v1/verify to text MOBILE
# (09xxxxxxxxx) a verification code and print the code, read from the SMS
# outbox as the citizen reads their phone; empty when none was sent.  A
# public web submission with a mobile needs it as verification_code.
h_code() {
	local m=$1; shift
	curl -s -o /dev/null --max-time 20 -X POST -H 'Content-Type: application/json' "$@" \
		-d "{\"mobile\":\"$m\"}" "$H_URL/api/v1/verify"
	# SQLite keeps the text packed (a byte a Persian letter): the code's
	# ASCII digits are in it as they are
	h_sql "SELECT body FROM sms_outbox WHERE to_mobile = '$m' AND msg_id IS NULL
		ORDER BY id DESC LIMIT 1" | grep -a -o '[0-9]\{5\}' | head -1
}
