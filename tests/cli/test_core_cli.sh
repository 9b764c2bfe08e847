# hamgan init/unit/category/user/message/overdue/audit/sms on a real database:
# exit codes, clear errors, and no partial write on a failure.
. "$(dirname "$0")/../lib.sh"
export HAMGAN_PWHASH_FAST=1
DB="$T_TMP/h.db"
D="$HAMGAN_ROOT/data"
count() { sqlite3 "$DB" "SELECT count(*) FROM $1"; }
counts() { for t in units categories users messages referrals audit sms_outbox citizens; do printf '%s=%s ' "$t" "$(count "$t")"; done; }

# init
t_exit "a command on a missing database fails" 1 "$HAMGAN" unit list --db "$T_TMP/none.db"
t_grep "and says how to make one" "hamgan init" "$T_TMP/stderr"
t_eq "and creates no file" "$(ls "$T_TMP")" "stderr
stdout"
# the version is however many migrations this build has (several branches
# append theirs): what init prints is what the file says, at least 4
t_exit "init creates" 0 "$HAMGAN" init --db "$DB"
V=$(sqlite3 "$DB" 'PRAGMA user_version')
t_eq "at the latest schema version" "$([ "$V" -ge 4 ] && echo yes)" "yes"
t_run "init again is harmless" 0 "database '$DB' is at schema version $V" "$HAMGAN" init --db "$DB"
t_eq "WAL mode" "$(sqlite3 "$DB" 'PRAGMA journal_mode')" "wal"
cp "$DB" "$T_TMP/future.db"
sqlite3 "$T_TMP/future.db" "PRAGMA user_version = 99"
t_exit "a newer database is refused" 1 "$HAMGAN" init --db "$T_TMP/future.db"
t_grep "with a clear message" "newer than this program" "$T_TMP/stderr"
t_exit "init takes no arguments" 2 "$HAMGAN" init extra --db "$DB"
t_exit "unknown option" 2 "$HAMGAN" init --frob

# units and categories
t_run "unit import" 0 "imported 24 units" "$HAMGAN" unit import "$D/units-tehran.csv" --db "$DB"
"$HAMGAN" unit list --db "$DB" >"$T_TMP/units"
t_grep "unit list shows region-12" "^region-12	region	tehran	active	منطقه ۱۲$" "$T_TMP/units"
before=$(counts)
printf 'code,name,kind,parent_code\nregion-23,منطقه ۲۳,region,tehran\nregion-24,x,moon,tehran\n' >"$T_TMP/bad.csv"
t_exit "a bad unit row fails the import" 1 "$HAMGAN" unit import "$T_TMP/bad.csv" --db "$DB"
t_grep "naming the line" "line 3" "$T_TMP/stderr"
t_eq "and nothing is written" "$(counts)" "$before"
t_exit "a missing file" 1 "$HAMGAN" unit import "$T_TMP/nope.csv" --db "$DB"
t_exit "import needs a file" 2 "$HAMGAN" unit import --db "$DB"
t_run "category import" 0 "imported 9 categories" "$HAMGAN" category import "$D/categories.csv" --db "$DB"
"$HAMGAN" category list --db "$DB" >"$T_TMP/cats"
t_grep "category list" "^conduct	-	72	criticism\|complaint\|appreciation	1	-	" "$T_TMP/cats"
before=$(counts)
printf 'code,name,parent_code,deadline_hours,kinds,confidential,service_code\nx,y,,abc,all,0,\n' >"$T_TMP/badcat.csv"
t_exit "a bad category row" 1 "$HAMGAN" category import "$T_TMP/badcat.csv" --db "$DB"
t_grep "names the line and field" "line 2: deadline_hours" "$T_TMP/stderr"
t_eq "and nothing is written" "$(counts)" "$before"

# users
t_run "user add" 0 "added user 'ali' (staff)" sh -c "echo 'secret-pass-1' | '$HAMGAN' user add ali --role staff --unit region-12 --name 'علی' --password-stdin --db '$DB'"
t_exit "user add needs a role" 2 "$HAMGAN" user add bob --password-stdin --db "$DB"
t_exit "an unknown role" 2 "$HAMGAN" user add bob --role king --password-stdin --db "$DB"
before=$(counts)
t_exit "a taken username" 1 sh -c "echo 'secret-pass-1' | '$HAMGAN' user add ali --role operator --password-stdin --db '$DB'"
t_exit "a short password" 1 sh -c "echo 'short' | '$HAMGAN' user add bob --role operator --password-stdin --db '$DB'"
t_exit "staff without a unit" 1 sh -c "echo 'secret-pass-1' | '$HAMGAN' user add bob --role staff --password-stdin --db '$DB'"
t_exit "an unknown unit" 1 sh -c "echo 'secret-pass-1' | '$HAMGAN' user add bob --role staff --unit mars --password-stdin --db '$DB'"
t_exit "no password on stdin" 1 sh -c "'$HAMGAN' user add bob --role operator --password-stdin --db '$DB' </dev/null"
if command -v setsid >/dev/null; then
	t_exit "no terminal to prompt on" 1 setsid -w "$HAMGAN" user add bob --role operator --db "$DB" </dev/null
	t_grep "says to use --password-stdin" "password-stdin" "$T_TMP/stderr"
fi
t_eq "no failed add wrote anything" "$(counts)" "$before"
t_eq "the password is not stored in clear" "$(sqlite3 "$DB" "SELECT pwhash LIKE '\$argon2id\$%' FROM users WHERE username = 'ali'")" "1"
t_run "user list" 0 "ali	staff	region-12	active	علی" "$HAMGAN" user list --db "$DB"
t_run "user passwd" 0 "changed the password of 'ali'" sh -c "echo 'another-pass-2' | '$HAMGAN' user passwd ali --password-stdin --db '$DB'"
t_exit "passwd of nobody" 1 sh -c "echo 'another-pass-2' | '$HAMGAN' user passwd nobody --password-stdin --db '$DB'"
t_run "user disable" 0 "disabled 'ali'" "$HAMGAN" user disable ali --db "$DB"
t_run "shown disabled" 0 "ali	staff	region-12	disabled	علی" "$HAMGAN" user list --db "$DB"

# messages through an inbound SMS, referral, overdue, outbox
out=$("$HAMGAN" sms receive --from "+98 912 123 4567" --text "چراغ کوچه خاموش است" --db "$DB")
code=${out#registered }
t_eq "sms receive registers a message" "$(printf %s "$out" | sed 's/[0-9]\{10\}/CODE/')" "registered CODE"
t_exit "sms receive from a bad number" 1 "$HAMGAN" sms receive --from 123 --text hi --db "$DB"
t_exit "sms receive needs --from" 2 "$HAMGAN" sms receive --text hi --db "$DB"
export HAMGAN_NOW=1700000000
t_exit "message refer" 0 "$HAMGAN" message refer "$code" --unit region-12 --category lighting --db "$DB"
t_exit "refer to an unknown unit" 1 "$HAMGAN" message refer "$code" --unit region-99 --db "$DB"
t_exit "refer with bad hours" 2 "$HAMGAN" message refer "$code" --unit region-12 --hours 0 --db "$DB"
"$HAMGAN" message show "$code" --db "$DB" >"$T_TMP/show"
t_grep "message show: state" "^state: +referred$" "$T_TMP/show"
t_grep "message show: the hop" "^hop 1: +refer centre-1888 -> region-12 by system:cli" "$T_TMP/show"
t_grep "message show: the citizen" "^citizen: +09121234567" "$T_TMP/show"
t_exit "message show of a bad code" 1 "$HAMGAN" message show 12345 --db "$DB"
t_grep "says why" "not a tracking code" "$T_TMP/stderr"
t_exit "message show needs a code" 2 "$HAMGAN" message show --db "$DB"
t_run "nothing overdue before the deadline" 0 "" "$HAMGAN" overdue --db "$DB"
export HAMGAN_NOW=$((1700000000 + 49 * 3600))
t_run "overdue after the 48 h deadline" 0 "region-12	$code	referred	2023-11-16T22:13:20Z (1402-08-26)	1" "$HAMGAN" overdue --db "$DB"
unset HAMGAN_NOW

cat >"$T_TMP/send.sh" <<EOS
#!/bin/sh
printf '%s|%s\n' "\$1" "\$2" >> "$T_TMP/sent.log"
EOS
chmod +x "$T_TMP/send.sh"
t_run "sms send" 0 "sent 1, failed 0" "$HAMGAN" sms send --command "$T_TMP/send.sh" --db "$DB"
t_grep "the command got the number and the Persian text" "^09121234567\|همگان: پیام شما ثبت شد" "$T_TMP/sent.log"
t_run "sms send again sends nothing" 0 "sent 0, failed 0" "$HAMGAN" sms send --command "$T_TMP/send.sh" --db "$DB"
"$HAMGAN" sms receive --from 09351234567 --text "درخواست جمع‌آوری زباله" --db "$DB" >/dev/null
timeout -s TERM 3 "$HAMGAN" sms send --command "$T_TMP/send.sh" --loop --interval 1 --db "$DB" >"$T_TMP/loop" 2>&1
t_grep "sms send --loop sends and stops on SIGTERM" "^sent 1, failed 0$" "$T_TMP/loop"
t_eq "the loop sent the new row once" "$(grep -c '^09351234567|' "$T_TMP/sent.log")" "1"
"$HAMGAN" sms list --db "$DB" >"$T_TMP/outbox"
t_grep "sms list shows the sent rows" "^[0-9]+	09351234567	sent	1	" "$T_TMP/outbox"
t_exit "sms list with a bad limit" 2 "$HAMGAN" sms list --limit 0 --db "$DB"
t_exit "sms send needs --command" 2 "$HAMGAN" sms send --db "$DB"
t_exit "sms send with a bad interval" 2 "$HAMGAN" sms send --command x --interval 0 --db "$DB"

# the audit chain
t_exit "audit verify holds" 0 "$HAMGAN" audit verify --db "$DB"
n=$(count audit)
t_exit "the audit table refuses an update" 0 sh -c "! sqlite3 '$DB' \"UPDATE audit SET actor_id = actor_id WHERE seq = 3\" 2>/dev/null"
t_exit "and so does its names table" 0 sh -c "! sqlite3 '$DB' \"UPDATE audit_names SET name = 'x' WHERE id = 1\" 2>/dev/null"
t_exit "audit list prints the entries" 0 "$HAMGAN" audit list --db "$DB"
t_eq "every one of them" "$(wc -l <"$T_TMP/stdout")" "$n"
t_grep "as the core wrote them (seq, time, actor, action, message, payload, hash)" \
	'^3	[0-9]+	[^	]+	[a-z_.]+	[0-9]+	\{.*\}	[0-9a-f]{64}$' "$T_TMP/stdout"
t_exit "audit list after an entry, at most 2" 0 "$HAMGAN" audit list --after 3 --limit 2 --db "$DB"
t_eq "entries 4 and 5" "$(cut -f 1 "$T_TMP/stdout" | tr '\n' ' ')" "4 5 "
t_exit "audit list with a bad limit" 2 "$HAMGAN" audit list --limit 0 --db "$DB"
sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET payload = '{}' WHERE seq = 3"
t_exit "audit verify fails after tampering" 1 "$HAMGAN" audit verify --db "$DB"
# entry 3 keeps no hash of its own (only every 32nd and the tail do): the
# next kept one no longer matches, and the change lies between
last=$((n < 32 ? n : 32))
t_eq "naming the first entry it may be" "$(cat "$T_TMP/stdout")" "broken at entry 1"
t_grep "and the entries it lies in" "^hamgan: audit entries 1 to $last: one of them was changed" \
	"$T_TMP/stderr"
t_eq "no entry was lost" "$(count audit)" "$n"

# -h everywhere
for c in "init" "user add" "user list" "user passwd" "user disable" "unit import" "unit list" \
	"category import" "category list" "message show" "message refer" "overdue" "audit verify" "audit list" \
	"sms send" "sms receive" "sms list" "sms prune"; do
	# shellcheck disable=SC2086
	t_exit "$c -h" 0 "$HAMGAN" $c -h
done
t_done
