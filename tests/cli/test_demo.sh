# hamgan demo: usage and exit codes, refusing an existing database, --force,
# the printed logins, and a database the other commands accept.
. "$(dirname "$0")/../lib.sh"
export HAMGAN_PWHASH_FAST=1
DB="$T_TMP/d.db"

t_exit "-h" 0 "$HAMGAN" demo -h
t_grep "-h prints the usage" "^usage: hamgan demo" "$T_TMP/stdout"
t_exit "help demo" 0 "$HAMGAN" help demo
t_exit "unknown option" 2 "$HAMGAN" demo --frob
t_exit "--messages below the minimum" 2 "$HAMGAN" demo --db "$DB" --messages 10
t_grep "says the bounds" "1000..10000000" "$T_TMP/stderr"
t_exit "--messages not a number" 2 "$HAMGAN" demo --db "$DB" --messages 5e3
t_exit "--messages above the maximum" 2 "$HAMGAN" demo --db "$DB" --messages 10000001
t_exit "--seed not a number" 2 "$HAMGAN" demo --db "$DB" --seed -1
t_exit "--db without a value" 2 "$HAMGAN" demo --db
t_eq "no database after usage errors" "$(ls "$T_TMP" | grep -c '^d.db')" "0"

t_exit "makes a database" 0 "$HAMGAN" demo --db "$DB" --messages 1000 --seed 7
t_grep "prints progress on stderr" "^hamgan: demo: messages 50%" "$T_TMP/stderr"
t_grep "prints the admin login" "^  admin +admin +- +[A-Za-z0-9]{16}$" "$T_TMP/stdout"
t_grep "prints the region 12 manager" "^  manager12 +manager +region-12 +[A-Za-z0-9]{16}$" "$T_TMP/stdout"
cp "$T_TMP/stdout" "$T_TMP/first"
t_eq "1000 messages" "$(sqlite3 "$DB" 'SELECT count(*) FROM messages')" "1000"
t_eq "22 regions" "$(sqlite3 "$DB" "SELECT count(*) FROM units WHERE kind = 2")" "22"
t_eq "the 1888 centre" "$(sqlite3 "$DB" "SELECT name FROM units WHERE code = 'centre-1888'")" \
	"مرکز نظارت همگانی ۱۸۸۸"
t_exit "the audit chain verifies" 0 "$HAMGAN" audit verify --db "$DB"
t_exit "the database is left in normal durability" 0 sqlite3 "$DB" "PRAGMA integrity_check"

t_exit "an existing database is refused" 1 "$HAMGAN" demo --db "$DB" --messages 1000
t_grep "and told about --force" "exists; use --force" "$T_TMP/stderr"
t_eq "and left alone" "$(sqlite3 "$DB" 'SELECT count(*) FROM messages')" "1000"
t_exit "--force replaces it" 0 "$HAMGAN" demo --db "$DB" --messages 1200 --force --seed 7
t_eq "with the new content" "$(sqlite3 "$DB" 'SELECT count(*) FROM messages')" "1200"
pw1=$(awk '$1 == "admin" { print $4 }' "$T_TMP/first")
pw2=$(awk '$1 == "admin" { print $4 }' "$T_TMP/stdout")
pw=$(awk '$1 == "staff12" { print $4 }' "$T_TMP/stdout")
t_exit "fresh passwords each time, whatever the seed" 1 test "$pw1" = "$pw2"
t_exit "staff12 has a password" 0 test -n "$pw"

t_exit "a directory that does not exist" 1 "$HAMGAN" demo --db "$T_TMP/no/such/d.db" --messages 1000
t_done
