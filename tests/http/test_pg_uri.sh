# A postgresql:// URI as --db everywhere: the commands and the server take
# it, and a password in it (user:PASSWORD@ or ?password=) is never printed
# or logged, whatever succeeds or fails.  PostgreSQL only (tests/run runs it
# over the test cluster alone): the test's role must give its password, so
# the URI's password is really the one that opens the database.
. "$(dirname "$0")/lib.sh"
t_pg || { echo "test_pg_uri.sh runs over PostgreSQL only (HAMGAN_TEST_BACKEND=postgresql)" >&2; exit 2; }

ROLE=hamgan_pw_$$
PW="Zx9-secret-$$-Qk"
q() { psql -XAtq -v ON_ERROR_STOP=1 "$HAMGAN_TEST_PG" -c "$1"; }

# The role and its database; for this role only, the cluster asks for the
# password (the lines go before the cluster's "trust" ones, which match
# first otherwise).
q "CREATE ROLE $ROLE LOGIN PASSWORD '$PW'" || { t_fail "make the role"; t_done; exit 1; }
dbname=${T_PGPREFIX}pw
q "CREATE DATABASE $dbname OWNER $ROLE" || { t_fail "make the database"; t_done; exit 1; }
HBA=$(q "SHOW hba_file")
{ printf 'local all %s scram-sha-256\nhost all %s 127.0.0.1/32 scram-sha-256\n' "$ROLE" "$ROLE"
  cat "$HBA"; } >"$T_TMP/hba" && cat "$T_TMP/hba" >"$HBA" && q "SELECT pg_reload_conf()" >/dev/null
empty=${T_PGPREFIX}empty
moved=${T_PGPREFIX}moved
drop_role() {
	# the lines for the role out again, then its databases and the role
	grep -v " $ROLE " "$HBA" >"$T_TMP/hba2" && cat "$T_TMP/hba2" >"$HBA"
	q "SELECT pg_reload_conf()" >/dev/null
	q "DROP DATABASE IF EXISTS $dbname WITH (FORCE)"
	q "DROP DATABASE IF EXISTS $empty WITH (FORCE)"
	q "DROP DATABASE IF EXISTS $moved WITH (FORCE)"
	q "DROP ROLE IF EXISTS $ROLE"
}
trap 'drop_role; h_cleanup' EXIT

# the cluster's URI with ROLE:PW as its user, and with the password as a parameter
base=$(t_pg_uri "$dbname")
U1=$(printf %s "$base" | sed "s|://[^@/]*@|://$ROLE:$PW@|")
U2=$(printf %s "$base" | sed "s|://[^@/]*@|://$ROLE@|")"&password=$PW"
BAD=$(printf %s "$base" | sed "s|://[^@/]*@|://$ROLE:wrong-$PW@|")
H_DB=$U1
OUT=$T_TMP/all.out
: >"$OUT"

# run NAME WANT_RC CMD...: the exit code, every byte of output kept for the grep
run() {
	local name=$1 want=$2; shift 2
	"$@" >"$T_TMP/o" 2>&1
	local rc=$?
	cat "$T_TMP/o" >>"$OUT"
	t_eq "$name (exit $want)" "$rc" "$want"
}

run "init with user:password@" 0 "$HAMGAN" init --db "$U1"
t_grep "init names the database with the password masked" "^database 'postgresql://$ROLE:\*\*\*@" "$T_TMP/o"
run "init again with ?password=" 0 "$HAMGAN" init --db "$U2"
t_grep "the parameter is masked too" "password=\*\*\*" "$T_TMP/o"
run "a wrong password is refused" 1 "$HAMGAN" init --db "$BAD"
t_grep "saying why" "password authentication failed" "$T_TMP/o"
printf 'code,name,kind,parent_code\ntehran,شهرداری تهران,organisation,\ncentre,مرکز ۱۸۸۸,centre,tehran\nregion-12,منطقه ۱۲,region,tehran\n' >"$T_TMP/u.csv"
run "unit import" 0 "$HAMGAN" unit import "$T_TMP/u.csv" --db "$U1"
printf 'code,name,parent_code,deadline_hours,kinds,confidential,service_code\nroads,معابر,,72,all,0,roads\n' >"$T_TMP/c.csv"
run "category import" 0 "$HAMGAN" category import "$T_TMP/c.csv" --db "$U2"
run "user add" 0 sh -c "echo '$H_PW' | '$HAMGAN' user add op --role operator --unit centre --password-stdin --db '$U1'"
run "report --verify" 0 "$HAMGAN" report --db "$U1" --verify
run "a report of an unknown unit fails" 1 "$HAMGAN" report --db "$U1" --unit nowhere --period 1399
run "audit verify" 0 "$HAMGAN" audit verify --db "$U2"
run "db check" 0 "$HAMGAN" db check --db "$U1"
run "apikey add" 0 "$HAMGAN" apikey add app --db "$U1"
run "sms list" 0 "$HAMGAN" sms list --db "$U1"
run "overdue" 0 "$HAMGAN" overdue --db "$U1"
run "a demo into a database with data is refused" 1 "$HAMGAN" demo --db "$U1" --messages 1000
t_grep "saying so" "holds hamgan data already" "$T_TMP/o"
run "a report with the wrong password fails" 1 "$HAMGAN" report --db "$BAD" --verify
run "serve --print-config" 0 "$HAMGAN" serve --db "$U2" --print-config
t_grep "prints the database masked" "^db=postgresql://$ROLE@.*password=\*\*\*" "$T_TMP/o"
run "HAMGAN_DB in the environment" 0 env HAMGAN_DB="$U1" "$HAMGAN" serve --print-config
t_grep "masked too" "^db=postgresql://$ROLE:\*\*\*@" "$T_TMP/o"
run "serve with the wrong password fails at once" 1 "$HAMGAN" serve --db "$BAD" --listen 127.0.0.1:0
q "CREATE DATABASE $empty OWNER $ROLE"
run "serve on an empty database says to init it" 1 "$HAMGAN" serve --listen 127.0.0.1:0 \
	--db "$(printf %s "$U1" | sed "s|/$dbname?|/$empty?|")"
t_grep "naming it masked" "not found: run 'hamgan init --db postgresql://$ROLE:\*\*\*@" "$T_TMP/o"

# hamgan migrate into a database of the role, and refused a second time
q "CREATE DATABASE $moved OWNER $ROLE"
UM=$(printf %s "$U1" | sed "s|/$dbname?|/$moved?|")
run "a SQLite city to migrate" 0 "$HAMGAN" init --db "$T_TMP/src.db"
run "migrate into the URI" 0 "$HAMGAN" migrate --from "$T_TMP/src.db" --to "$UM"
run "a second migrate is refused" 1 "$HAMGAN" migrate --from "$T_TMP/src.db" --to "$UM"

# the server on the URI: it answers, logs in, registers, and says nothing
# of the password in its output or log
h_start
h_req "healthz over PostgreSQL" GET /healthz 200
h_jq "ok" .status ok
OP=$(h_token op)
h_api "a login and a phone message" POST /api/v1/messages 201 "$OP" \
	'{"kind":"request","category":"roads","subject":"چاله","body":"چاله در خیابان","mobile":"09121234567"}'
h_req "a failed login" POST /api/v1/auth/login 401 -H 'Content-Type: application/json' \
	-d '{"username":"op","password":"wrong-wrong"}'
h_stop
cat "$T_TMP/serve.out" "$T_TMP/serve.err" >>"$OUT"
run "the message is in the database" 0 sh -c "'$HAMGAN' message show \"\$(psql -XAtq '$U1' -c 'SELECT code FROM messages')\" --db '$U1'"

t_eq "the commands and the server ran (output kept)" "$([ -s "$OUT" ] && echo yes)" yes
if grep -aqF -- "$PW" "$OUT"; then
	t_fail "the password appears nowhere in any output or log" "$(grep -aF -- "$PW" "$OUT" | head -5)"
else
	t_pass "the password appears nowhere in any output or log"
fi
t_done
