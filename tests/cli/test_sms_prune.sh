# hamgan sms prune and sms send --prune-days on a real database: sent and
# failed rows older than the cut-off go, in batches with an audit entry
# each; pending and sending rows (however old) and recent ones stay; the
# audit chain and the report aggregates still verify; bad input changes
# nothing.  The clock is set with HAMGAN_NOW.
. "$(dirname "$0")/../lib.sh"
export HAMGAN_PWHASH_FAST=1
DB="$T_TMP/h.db"
D="$HAMGAN_ROOT/data"
OLD=1700000000			# 2023-11-14
PRUNE=$((OLD + 200 * 86400))	# when the prune runs
RECENT=$((PRUNE - 10 * 86400))
states() { sqlite3 "$DB" "SELECT group_concat(to_mobile || '=' || s, ' ') FROM (SELECT to_mobile,
	CASE state WHEN 0 THEN 'pending' WHEN 1 THEN 'sending' WHEN 2 THEN 'sent' ELSE 'failed' END AS s
	FROM sms_outbox ORDER BY to_mobile)"; }
audits() { sqlite3 "$DB" "SELECT count(*) FROM audit"; }
at() { local t=$1; shift; HAMGAN_NOW=$t "$@"; }
receive() { at "$1" "$HAMGAN" sms receive --from "$2" --text "چراغ کوچه خاموش است" --db "$DB" >/dev/null; }

"$HAMGAN" init --db "$DB" >/dev/null
"$HAMGAN" unit import "$D/units-tehran.csv" --db "$DB" >/dev/null
"$HAMGAN" category import "$D/categories.csv" --db "$DB" >/dev/null

# a sender that fails for one number and hangs for another
cat >"$T_TMP/send.sh" <<'EOS'
#!/bin/sh
case "$1" in
09122222222) exit 1 ;;
09123333333) exec sleep 60 ;;
esac
exit 0
EOS
chmod +x "$T_TMP/send.sh"

# long ago: A is sent, B fails five times (a day apart) and is given up
receive "$OLD" 09121111111
receive "$OLD" 09122222222
for d in 0 1 2 3 4 5; do
	at $((OLD + 60 + d * 86400)) "$HAMGAN" sms send --command "$T_TMP/send.sh" --db "$DB" >/dev/null
done
# ten days before the prune: H is sent
receive "$RECENT" 09128888888
at $((RECENT + 60)) "$HAMGAN" sms send --command "$T_TMP/send.sh" --db "$DB" >/dev/null
# long ago again: C's sender is killed while sending (left "sending"), G
# is never tried (pending)
receive $((OLD + 7 * 86400)) 09123333333
at $((OLD + 7 * 86400)) timeout -s KILL 3 "$HAMGAN" sms send --command "$T_TMP/send.sh" --db "$DB" \
	>/dev/null 2>&1
receive $((OLD + 7 * 86400)) 09127777777
t_eq "the outbox before" "$(states)" \
	"09121111111=sent 09122222222=failed 09123333333=sending 09127777777=pending 09128888888=sent"

# bad input: a usage error, nothing deleted, nothing audited
before="$(states) $(audits)"
t_exit "--days 0 is refused" 2 at "$PRUNE" "$HAMGAN" sms prune --days 0 --db "$DB"
t_grep "saying the range" "days must be 1\.\.36500" "$T_TMP/stderr"
t_exit "--days abc is refused" 2 at "$PRUNE" "$HAMGAN" sms prune --days abc --db "$DB"
t_exit "--days 36501 is refused" 2 at "$PRUNE" "$HAMGAN" sms prune --days 36501 --db "$DB"
t_exit "an unknown option" 2 at "$PRUNE" "$HAMGAN" sms prune --weeks 3 --db "$DB"
t_exit "a missing database" 1 at "$PRUNE" "$HAMGAN" sms prune --db "$T_TMP/none.db"
t_exit "--prune-days 0 is refused" 2 at "$PRUNE" "$HAMGAN" sms send --command /bin/true \
	--prune-days 0 --db "$DB"
t_eq "and nothing changed" "$(states) $(audits)" "$before"

# the prune: 90 days by default
n=$(audits)
t_run "prune deletes the old sent and failed rows" 0 "pruned 2 rows (1 sent, 1 failed)" \
	at "$PRUNE" "$HAMGAN" sms prune --db "$DB"
t_eq "pending, sending and recent rows stay" "$(states)" \
	"09123333333=sending 09127777777=pending 09128888888=sent"
t_eq "one audit entry for the batch" "$(audits)" $((n + 1))
t_eq "saying what went" "$("$HAMGAN" audit list --after "$n" --db "$DB" | cut -f 3,4,6)" \
	"$(printf 'system:cli\tsms.prune\t{"before":%s,"sent":1,"failed":1,"first_id":1,"last_id":2}' \
		$((PRUNE - 90 * 86400)))"
t_eq "the messages' registrations are kept" \
	"$("$HAMGAN" audit list --db "$DB" | cut -f 4 | grep -c '^msg\.register$')" 5
t_run "the audit chain verifies" 0 "audit log holds: $((n + 1)) entries" "$HAMGAN" audit verify --db "$DB"
t_exit "report --verify passes" 0 "$HAMGAN" report --verify --db "$DB"
t_grep "with no difference" "0 differences" "$T_TMP/stdout"
t_run "a second prune finds nothing" 0 "pruned 0 rows (0 sent, 0 failed)" \
	at "$PRUNE" "$HAMGAN" sms prune --db "$DB"
t_eq "and audits nothing" "$(audits)" $((n + 1))
t_run "--days 11 keeps the row sent ten days ago" 0 "pruned 0 rows (0 sent, 0 failed)" \
	at "$PRUNE" "$HAMGAN" sms prune --days 11 --db "$DB"

# the sender prunes as it starts (then daily when it loops): C's lease has
# ended, so C and G are sent now; H, sent ten days ago, goes
t_run "sms send --prune-days 9 sends, then prunes" 0 "sent 2, failed 0" \
	at "$PRUNE" "$HAMGAN" sms send --command /bin/true --prune-days 9 --db "$DB"
t_grep "and says what it deleted" "sms prune: 1 rows older than 9 days deleted" "$T_TMP/stderr"
t_eq "the rows just sent stay" "$(states)" "09123333333=sent 09127777777=sent"
t_exit "the audit chain still verifies" 0 "$HAMGAN" audit verify --db "$DB"
t_done
