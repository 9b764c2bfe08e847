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
trap 't_cleanup' EXIT
# stopped from outside (tests/run interrupted): clean up all the same
trap 'exit 143' TERM

# The backend a test's databases live in: HAMGAN_TEST_BACKEND=postgresql
# (tests/run's second run; databases on the cluster HAMGAN_TEST_PG names),
# else SQLite files in $T_TMP.
case ${HAMGAN_TEST_BACKEND:-sqlite} in
sqlite) T_BACKEND=sqlite ;;
postgresql)
	T_BACKEND=postgresql
	: "${HAMGAN_TEST_PG:?HAMGAN_TEST_BACKEND=postgresql needs the URI of the test cluster in HAMGAN_TEST_PG}" ;;
*) echo "HAMGAN_TEST_BACKEND=$HAMGAN_TEST_BACKEND: not sqlite or postgresql" >&2; exit 2 ;;
esac
# every database this test makes on the cluster starts with this (dropped at exit)
T_PGPREFIX=hamgan_s_$$_

t_pg() { [ "$T_BACKEND" = postgresql ]; }

# t_pg_uri NAME: the cluster's URI naming database NAME
t_pg_uri() {
	printf '%s\n' "$HAMGAN_TEST_PG" | sed "s|^\(postgres[a-z]*://[^/?]*\)/[^?]*|\1/$1|"
}

# t_db NAME: a fresh, empty place for a database, printed as its dsn: the
# file $T_TMP/NAME.db (not created), or a new database on the cluster.
t_db() {
	if ! t_pg; then
		echo "$T_TMP/$1.db"
		return
	fi
	local name="$T_PGPREFIX${1//[^a-z0-9_]/_}_$RANDOM$RANDOM"
	psql -XAtq -v ON_ERROR_STOP=1 "$HAMGAN_TEST_PG" -c "CREATE DATABASE $name" >&2 || return 1
	t_pg_uri "$name"
}

# t_db_missing NAME: the dsn of a database that does not exist
t_db_missing() {
	if t_pg; then t_pg_uri "${T_PGPREFIX}none"; else echo "$T_TMP/$1.db"; fi
}

# t_sql DSN SQL: run SQL on the database past hamgan (a test's look or its
# tampering), rows on stdout with '|' between columns; the SQL must be in
# the backend's dialect (t_pg tells which).
t_sql() {
	if t_pg; then
		psql -XAtq -v ON_ERROR_STOP=1 -d "$1" -c "$2"
	else
		sqlite3 "$1" "$2"
	fi
}

# t_cleanup: drop this test's databases on the cluster, remove its files.
t_cleanup() {
	local d like sql dbs
	if t_pg; then
		# LIKE's own '_' is any character: the prefix's are meant literally
		like=$(printf %s "$T_PGPREFIX" | sed 's/_/\\_/g')
		sql="SELECT datname FROM pg_database WHERE datname LIKE '$like%'"
		dbs=$(psql -XAtq "$HAMGAN_TEST_PG" -c "$sql" 2>/dev/null)
		for d in $dbs; do
			sql="DROP DATABASE IF EXISTS $d WITH (FORCE)"
			psql -XAtq "$HAMGAN_TEST_PG" -c "$sql" >/dev/null 2>&1
		done
	fi
	rm -rf "$T_TMP"
}

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

# t_grep for a line a running server writes: its access line goes out
# after the answer, so a client can read the answer first; wait up to 5 s.
t_grep_log() {
	local i
	for i in $(seq 50); do
		grep -Eq -- "$2" "$3" && break
		sleep 0.1
	done
	t_grep "$@"
}

t_eq() {
	if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got:    $2" "wanted: $3"; fi
}

t_done() { echo "1..$T_N"; [ "$T_FAILED" -eq 0 ]; }
