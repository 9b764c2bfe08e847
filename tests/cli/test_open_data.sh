# hamgan import/export 311-csv: NYC's 5,310-row sample gives, for every
# agency, `referred` = its rows and the mean handling time = the mean of
# (closed - created) over its rows with a valid close, both computed here
# straight from the CSV (python3 and the system's tz database); a second
# import adds nothing; unreadable rows are reported by line and skipped
# whole; NYC portal dates and ISO dates; --tz; a progress bar only on a
# terminal; the export is anonymised and reads back to the same figures.
. "$(dirname "$0")/../lib.sh"
SAMPLE="$HAMGAN_ROOT/../shared/data/nyc311-sample.csv"
DB=$T_TMP/nyc.db
PERIOD=1392-01..1403-12

"$HAMGAN" init --db "$DB" >/dev/null
"$HAMGAN" import 311-csv "$SAMPLE" --db "$DB" --tz America/New_York >"$T_TMP/imp.out" 2>"$T_TMP/imp.err"
t_eq "import exits 0" "$?" 0
t_eq "import summary" "$(cat "$T_TMP/imp.out")" \
	"imported 5310 of 5310 rows (0 imported before, 0 skipped, 11 close times dropped)"
t_eq "each dropped close time is reported once" "$(grep -c 'dropped, the row stays unanswered' "$T_TMP/imp.err")" 11
t_grep "the warning names the line" "^hamgan: line 2860: closed_date 2018-08-30T09:26:00 is before created_date 2018-08-31T09:27:00" "$T_TMP/imp.err"
if grep -q '\[#' "$T_TMP/imp.err"; then t_fail "no progress bar when stderr is not a terminal"; else t_pass "no progress bar when stderr is not a terminal"; fi

# figures straight from the CSV: agency -> rows, mean hours over valid closes
expected() {
	python3 - "$1" "$2" <<'PY'
import csv, sys
from datetime import datetime
from zoneinfo import ZoneInfo
zone = ZoneInfo(sys.argv[2])
def utc(s):
    if '/' in s:
        d = datetime.strptime(s, '%m/%d/%Y %I:%M:%S %p')
    else:
        d = datetime.fromisoformat(s.replace('.000', ''))
    return d.replace(tzinfo=zone).timestamp()
rows, total, n = {}, {}, {}
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')):
    a = r['agency'].lower()
    rows[a] = rows.get(a, 0) + 1
    if r['closed_date']:
        c, o = utc(r['closed_date']), utc(r['created_date'])
        if c >= o:
            total[a] = total.get(a, 0) + (c - o) / 3600
            n[a] = n.get(a, 0) + 1
for a in sorted(rows):
    mean = '%.4f' % (total[a] / n[a]) if n.get(a) else 'null'
    print(a, rows[a], mean)
PY
}
# report DB: the same three columns from `hamgan report` for every agency
report() {
	local a
	for a in $(cut -d' ' -f1 "$T_TMP/expected.txt"); do
		"$HAMGAN" report --db "$1" --unit "$a" --period $PERIOD --format json |
			jq -r --arg a "$a" '"\($a) \(.referred) \(if .mean_handling_hours == null then "null" else (.mean_handling_hours * 10000 | round / 10000 | tostring) end)"'
	done
}
expected "$SAMPLE" America/New_York >"$T_TMP/expected.txt"
t_eq "19 agencies in the sample" "$(wc -l <"$T_TMP/expected.txt")" 19
t_grep "DEP: 211 rows" "^dep 211 " "$T_TMP/expected.txt"
# the report rounds hours to 6 decimals; compare at 4
awk '{ if ($3 != "null") $3 = sprintf("%.4f", $3); print }' "$T_TMP/expected.txt" >"$T_TMP/want.txt"
report "$DB" | awk '{ if ($3 != "null") $3 = sprintf("%.4f", $3); print }' >"$T_TMP/got.txt"
if diff "$T_TMP/want.txt" "$T_TMP/got.txt" >"$T_TMP/diff.txt"; then
	t_pass "every agency: referred = rows, mean handling = mean(closed - created)"
else
	t_fail "every agency: referred = rows, mean handling = mean(closed - created)" "$(head -20 "$T_TMP/diff.txt")"
fi
t_eq "DEP as the issue asks" "$("$HAMGAN" report --db "$DB" --unit dep --period $PERIOD --format json | jq -c '[.referred, (.mean_handling_hours * 1000 | round)]')" \
	"[211,$(awk '$1 == "dep" { printf "%d", $3 * 1000 + 0.5 }' "$T_TMP/expected.txt")]"
t_exit "aggregates equal a recount" 0 "$HAMGAN" report --db "$DB" --verify
t_exit "the audit chain holds" 0 "$HAMGAN" audit verify --db "$DB"
"$HAMGAN" unit list --db "$DB" >"$T_TMP/units.txt"
t_grep "agencies are departments under the organisation" "^dep	department	city	active	Department of Environmental Protection$" "$T_TMP/units.txt"
"$HAMGAN" category list --db "$DB" >"$T_TMP/cats.txt"
t_eq "each complaint type a category" "$(grep -c '	imported-311	' "$T_TMP/cats.txt")" \
	"$(python3 -c "import csv,sys; print(len({r['complaint_type'] for r in csv.DictReader(open(sys.argv[1]))}))" "$SAMPLE")"

# a second import of the same file adds nothing
t_run "second import adds nothing" 0 "imported 0 of 5310 rows (5310 imported before, 0 skipped, 0 close times dropped)" \
	"$HAMGAN" import 311-csv "$SAMPLE" --db "$DB" --tz America/New_York
report "$DB" | awk '{ if ($3 != "null") $3 = sprintf("%.4f", $3); print }' >"$T_TMP/got2.txt"
t_eq "figures unchanged after the second import" "$(cat "$T_TMP/got2.txt")" "$(cat "$T_TMP/got.txt")"

# unreadable rows: reported by line, skipped whole (no unit or category left behind)
cat >"$T_TMP/mixed.csv" <<'CSV'
unique_key,created_date,closed_date,agency,agency_name,complaint_type,descriptor,status,latitude,longitude
A1,12/25/2013 11:30:00 PM,12/26/2013 01:00:00 AM,DSNY,Sanitation,Dirty Conditions,Trash,Closed,40.7,-73.9
A2,yesterday,,ZZA,Nobody,Ghost Type,,Open,,
A3,2013-12-25T10:00:00,,ZZB,Nobody,Ghost Type,,Open,91.5,-73.9
A4,2013-12-25T10:00:00,,,Nobody,Ghost Type,,Open,,
A5,2013-12-25T10:00:00,2013-12-25T09:00:00,DSNY,Sanitation,Dirty Conditions,,Closed,,
A6,2013-12-25T10:00:00
A7,2013-12-25T10:00:00.000,2013-12-25T12:30:00.000,DSNY,Sanitation,Dirty Conditions,,Closed,,
A8,2013-12-25T10:00:00,12/31/2013 25:00:00 AM,ZZC,Nobody,Ghost Type,,Closed,,
,2013-12-25T10:00:00,,ZZD,Nobody,Ghost Type,,Open,,
CSV
DB2=$T_TMP/mixed.db
"$HAMGAN" init --db "$DB2" >/dev/null
"$HAMGAN" import 311-csv "$T_TMP/mixed.csv" --db "$DB2" --tz America/New_York >"$T_TMP/m.out" 2>"$T_TMP/m.err"
t_eq "mixed file: summary" "$(cat "$T_TMP/m.out")" \
	"imported 3 of 9 rows (0 imported before, 6 skipped, 1 close times dropped)"
t_grep "a bad created_date is named with its line" "^hamgan: line 3: skipped: created_date 'yesterday' is not a date-time" "$T_TMP/m.err"
t_grep "a bad latitude is named" "^hamgan: line 4: skipped: latitude" "$T_TMP/m.err"
t_grep "a missing agency is named" "^hamgan: line 5: skipped: agency '' is not an acronym" "$T_TMP/m.err"
t_grep "a short row is named" "^hamgan: line 7: skipped: 2 fields where the header has 10" "$T_TMP/m.err"
t_grep "a bad NYC-style time is named" "^hamgan: line 9: skipped: closed_date '12/31/2013 25:00:00 AM'" "$T_TMP/m.err"
t_grep "a row without unique_key is named" "^hamgan: line 10: skipped: no unique_key" "$T_TMP/m.err"
t_grep "the close before the creation is a warning" "^hamgan: line 6: closed_date 2013-12-25T09:00:00 is before" "$T_TMP/m.err"
"$HAMGAN" unit list --db "$DB2" >"$T_TMP/units2.txt"
if grep -q '^zz' "$T_TMP/units2.txt"; then t_fail "skipped rows leave no unit behind" "$(cat "$T_TMP/units2.txt")"; else t_pass "skipped rows leave no unit behind"; fi
"$HAMGAN" category list --db "$DB2" >"$T_TMP/cats2.txt"
if grep -q 'Ghost Type' "$T_TMP/cats2.txt"; then t_fail "skipped rows leave no category behind"; else t_pass "skipped rows leave no category behind"; fi
"$HAMGAN" report --db "$DB2" --unit dsny --period 1392 --format json >"$T_TMP/r.json"
t_eq "DSNY: three referred" "$(jq .referred "$T_TMP/r.json")" 3
# A1 (portal format, 11:30 PM to 01:00 AM) 1.5 h, A7 (ISO with .000) 2.5 h, A5 unanswered
t_eq "portal and ISO times: mean (1.5 h + 2.5 h) / 2" "$(jq .mean_handling_hours "$T_TMP/r.json")" 2
t_eq "the dropped close leaves its row unanswered" "$(jq .answered "$T_TMP/r.json")" 2

# a broken quote stops the import there; the rows before it stay
printf 'unique_key,created_date,agency,complaint_type\nQ1,2024-03-20T12:00:00,dsny,Noise\nQ2,"2024-03-20T12:00:00,dsny,Noise\n' >"$T_TMP/broken.csv"
t_exit "a broken quote stops the import (exit 1)" 1 "$HAMGAN" import 311-csv "$T_TMP/broken.csv" --db "$DB2"
t_grep "the stop names the line" "line 3: a quoted field is not closed" "$T_TMP/stderr"
t_eq "the row before it is imported" "$("$HAMGAN" report --db "$DB2" --unit dsny --period 1403 --format json | jq .referred)" 1

# --tz: the default is Asia/Tehran; a bad zone is a usage error
printf 'unique_key,created_date,agency,complaint_type\nT1,2024-03-20T12:00:00,region-x,آسفالت\n' >"$T_TMP/teh.csv"
DB3=$T_TMP/teh.db
"$HAMGAN" init --db "$DB3" >/dev/null
t_exit "a zone outside the tz database is a usage error" 2 "$HAMGAN" import 311-csv "$T_TMP/teh.csv" --db "$DB3" --tz Mars/Olympus
t_exit "a path is no zone" 2 "$HAMGAN" import 311-csv "$T_TMP/teh.csv" --db "$DB3" --tz ../../etc/passwd
t_exit "default zone import" 0 "$HAMGAN" import 311-csv "$T_TMP/teh.csv" --db "$DB3"
t_eq "Tehran local time kept (export in Asia/Tehran)" \
	"$("$HAMGAN" export 311-csv --db "$DB3" --period 1403 | sed -n 2p | cut -d, -f2,4,6)" "2024-03-20T12:00:00,region-x,آسفالت"
t_eq "the same instant in UTC is 08:30" \
	"$("$HAMGAN" export 311-csv --db "$DB3" --period 1403 --tz UTC | sed -n 2p | cut -d, -f2)" "2024-03-20T08:30:00"

# a progress bar on a terminal
if command -v script >/dev/null; then
	DB4=$T_TMP/tty.db
	"$HAMGAN" init --db "$DB4" >/dev/null
	script -qec "'$HAMGAN' import 311-csv '$T_TMP/mixed.csv' --db '$DB4' --tz America/New_York" /dev/null >"$T_TMP/tty.out" 2>&1
	t_grep "a progress bar on a terminal" '\] 100%' "$T_TMP/tty.out"
fi

# ---- export ----
"$HAMGAN" export 311-csv --db "$DB" --period $PERIOD --tz America/New_York >"$T_TMP/out.csv"
t_eq "export exits 0" "$?" 0
t_eq "the header import reads" "$(head -1 "$T_TMP/out.csv")" \
	"unique_key,created_date,closed_date,agency,agency_name,complaint_type,descriptor,status,resolution_description,incident_address,latitude,longitude,open_data_channel_type"
t_eq "one row a message" "$(python3 -c "import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))" "$T_TMP/out.csv")" 5310
t_exit "export --output FILE" 0 "$HAMGAN" export 311-csv --db "$DB" --period $PERIOD --tz America/New_York --output "$T_TMP/out2.csv"
t_eq "the file equals standard output" "$(cmp "$T_TMP/out.csv" "$T_TMP/out2.csv" && echo same)" same
t_exit "export without --period is a usage error" 2 "$HAMGAN" export 311-csv --db "$DB"
t_exit "a bad period is a usage error" 2 "$HAMGAN" export 311-csv --db "$DB" --period 1399-13
t_eq "an empty period has the header only" "$("$HAMGAN" export 311-csv --db "$DB" --period 1380 | wc -l)" 1
# read back into a fresh database: the same figures
DB5=$T_TMP/back.db
"$HAMGAN" init --db "$DB5" >/dev/null
t_run "the export imports" 0 "imported 5310 of 5310 rows (0 imported before, 0 skipped, 0 close times dropped)" \
	"$HAMGAN" import 311-csv "$T_TMP/out.csv" --db "$DB5" --tz America/New_York
report "$DB5" | awk '{ if ($3 != "null") $3 = sprintf("%.4f", $3); print }' >"$T_TMP/got5.txt"
t_eq "round trip: every agency's figures" "$(cat "$T_TMP/got5.txt")" "$(cat "$T_TMP/got.txt")"

# anonymised: a demo city's names, mobiles, national ids never; confidential text never
DB6=$T_TMP/demo.db
"$HAMGAN" demo --db "$DB6" --messages 1000 >/dev/null 2>&1
"$HAMGAN" export 311-csv --db "$DB6" --period 1398-01..1400-12 >"$T_TMP/demo.csv" 2>"$T_TMP/demo.err"
t_eq "demo export exits 0" "$?" 0
sqlite3 "$DB6" "SELECT COUNT(*) FROM messages" >"$T_TMP/n.txt"
t_eq "as many rows as messages" "$(python3 -c "import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))" "$T_TMP/demo.csv")" "$(cat "$T_TMP/n.txt")"
leaks=0
while IFS='|' read -r mobile name nid; do
	for v in "$mobile" "$name" "$nid"; do
		[ -n "$v" ] && grep -qF -- "$v" "$T_TMP/demo.csv" && leaks=$((leaks + 1))
	done
done < <(sqlite3 "$DB6" "SELECT mobile, name, national_id FROM citizens WHERE name <> ''")
t_eq "no citizen mobile, name or national id in the export" "$leaks" 0
t_exit "no mobile number pattern at all" 1 grep -Eq '09[0-9]{9}' "$T_TMP/demo.csv"
conf=$(sqlite3 "$DB6" "SELECT COUNT(*) FROM messages WHERE confidential = 1")
[ "$conf" -gt 0 ] && t_pass "the demo has confidential messages ($conf)" || t_fail "the demo has confidential messages"
python3 - "$T_TMP/demo.csv" "$DB6" >"$T_TMP/conf.txt" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
conf = {c: (s, a, addr) for c, s, a, addr in db.execute(
    "SELECT code, subject, answer, address FROM messages WHERE confidential = 1")}
bad = 0
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')):
    if r['unique_key'] in conf:
        if r['descriptor'] or r['resolution_description'] or r['incident_address'] or r['latitude']:
            bad += 1
print(bad)
PY
t_eq "confidential rows carry no text and no place" "$(cat "$T_TMP/conf.txt")" 0

t_done
