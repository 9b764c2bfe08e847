# tests/lib.sh - TAP helpers for the shell tests (sourced).
#
#	. "$(dirname "$0")/../lib.sh"
#	t_run "fa to-jalali nowruz" 0 "1403-01-01" "$HAMGAN" fa to-jalali 2024-03-20
#	t_done
# Each check prints "ok N - name" or "not ok N - name" with the difference.
set -u
: "${HAMGAN:?HAMGAN must name the hamgan binary}"
T_N=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPROOT:-/tmp}/t.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

# t_release3_db PATH: a database written by the previous release (schema
# 3, commit 10d016f; tests/fixtures/release-3.sql, made by
# tests/fixtures/make-release-3.sh): 5 messages, a confidential one among
# them objected to on the web, another by SMS 33, a duplicate, a return.
t_release3_db() {
	rm -f "$1" "$1-wal" "$1-shm"
	sqlite3 "$1" <"$HAMGAN_ROOT/tests/fixtures/release-3.sql"
}

# t_schema_latest: the schema version this build writes.
t_schema_latest() {
	local d
	d=$(mktemp -d "$T_TMP/schema.XXXXXX")
	"$HAMGAN" init --db "$d/x.db" | sed -n 's/.* at schema version //p'
	rm -rf "$d"
}

t_pass() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
t_fail() {
	T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $1"; shift
	for line in "$@"; do echo "#   $line"; done
}

# t_run NAME EXPECTED_EXIT EXPECTED_STDOUT CMD...  (stdin passes through)
t_run() {
	local name=$1 want_rc=$2 want_out=$3; shift 3
	local out rc
	out=$("$@" 2>"$T_TMP/stderr")
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ]; then
		t_pass "$name"
	else
		t_fail "$name" "command: $*" "exit $rc, wanted $want_rc" \
			"stdout: $(printf %s "$out" | head -c 400)" "wanted: $(printf %s "$want_out" | head -c 400)" \
			"stderr: $(head -c 400 "$T_TMP/stderr")"
	fi
}

# t_exit NAME EXPECTED_EXIT CMD...  (output ignored)
t_exit() {
	local name=$1 want_rc=$2; shift 2
	local rc
	"$@" >"$T_TMP/stdout" 2>"$T_TMP/stderr"
	rc=$?
	if [ "$rc" = "$want_rc" ]; then
		t_pass "$name"
	else
		t_fail "$name" "command: $*" "exit $rc, wanted $want_rc" "stderr: $(head -c 400 "$T_TMP/stderr")"
	fi
}

# t_grep NAME PATTERN FILE: FILE contains a line matching PATTERN (grep -E)
t_grep() {
	if grep -Eq -- "$2" "$3"; then t_pass "$1"; else t_fail "$1" "no '$2' in $3" "$(head -c 400 "$3")"; fi
}

t_eq() {
	if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got:    $2" "wanted: $3"; fi
}

t_done() { echo "1..$T_N"; [ "$T_FAILED" -eq 0 ]; }
