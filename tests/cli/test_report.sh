#!/bin/bash
# test_report.sh - `hamgan report`: options, errors, formats on a real
# database, --verify and --rebuild.  (The figures themselves are checked by
# hand in tests/unit/test_report.c.)
. "$(dirname "$0")/../lib.sh"

DB=$(t_db h)
"$HAMGAN" init --db "$DB" >/dev/null 2>&1
printf 'code,name,kind,parent_code\ntehran,شهرداری تهران,organisation,\nregion-01,منطقه ۱,region,tehran\nregion-12,منطقه ۱۲,region,tehran\n' >"$T_TMP/u.csv"
"$HAMGAN" unit import --db "$DB" "$T_TMP/u.csv" >/dev/null

t_exit "report -h" 0 "$HAMGAN" report -h
t_exit "report without --db is a usage error" 2 "$HAMGAN" report --unit region-12 --period 1399
t_exit "report without --period is a usage error" 2 "$HAMGAN" report --db "$DB" --unit region-12
t_exit "report with a bad period is a usage error" 2 "$HAMGAN" report --db "$DB" --unit region-12 --period 1399-13
t_exit "report with a reversed range is a usage error" 2 "$HAMGAN" report --db "$DB" --unit region-12 --period 1399-09..1399-01
t_exit "report with an unknown format" 2 "$HAMGAN" report --db "$DB" --unit region-12 --period 1399 --format pdf
t_exit "report with an unknown grouping" 2 "$HAMGAN" report --db "$DB" --unit region-12 --period 1399 --by street
t_exit "report with an unknown comparison" 2 "$HAMGAN" report --db "$DB" --unit region-12 --period 1399 --compare last-week
t_exit "xlsx needs --output" 2 "$HAMGAN" report --db "$DB" --unit region-12 --period 1399 --format xlsx
t_exit "an unknown unit fails" 1 "$HAMGAN" report --db "$DB" --unit region-99 --period 1399
t_exit "a missing database fails" 1 "$HAMGAN" report --db "$(t_db_missing none)" --unit region-12 --period 1399

"$HAMGAN" report --db "$DB" --unit region-12 --period 1399-01..1399-09 --compare previous-year \
	--format json >"$T_TMP/r.json"
t_eq "json is valid and names the unit" "$(jq -r .unit "$T_TMP/r.json")" "region-12"
t_eq "json period label" "$(jq -r .period "$T_TMP/r.json")" "1399-F9"
t_eq "json previous period" "$(jq -r .previous_period "$T_TMP/r.json")" "1398-F9"
t_eq "json has every documented field" \
	"$(jq -r '[.referred,.answered,.answers,.quantitative_rate,.judgements,.objections,.messages_with_objection,.qualitative_rate,.obligations,.late,.on_time_rate,.mean_handling_hours,.median_handling_hours,.p90_handling_hours,.mean_handoff_hours,.overdue,.overdue_now,.transferred_out,.returns,.internal_transfers,.rank,.previous.referred,.previous.overdue,.change_pct.referred,.change_pp.quantitative_rate] | map(tostring) | join(",")' "$T_TMP/r.json")" \
	"0,0,0,null,0,0,0,null,0,0,null,null,null,null,null,0,0,0,0,0,null,0,0,null,null"
t_eq "json: as_of is the period's end for a past period" "$(jq -r .as_of "$T_TMP/r.json")" "2020-12-20T20:30:00Z"
t_eq "json: rates change in points, never in percent" \
	"$(jq -r '[(.change_pct | has("quantitative_rate")), (.change_pp | has("quantitative_rate")), (.change_pp | has("referred"))] | map(tostring) | join(",")' "$T_TMP/r.json")" \
	"false,true,false"
t_eq "json: every field of previous has its change" \
	"$(jq -r '(.previous | keys) - ((.change_pct | keys) + (.change_pp | keys)) | length' "$T_TMP/r.json")" "0"
"$HAMGAN" report --db "$DB" --unit tehran --period ۱۳۹۹-H1 --by child --format json >"$T_TMP/c.json"
t_eq "by child lists the regions and the unit's own row (Persian digits accepted)" \
	"$(jq -r '[.rows[] | "\(.key)\(if .self then "*" else "" end)"] | join(" ")' "$T_TMP/c.json")" \
	"region-01 region-12 tehran*"
"$HAMGAN" report --db "$DB" --unit region-12 --period 1399 --by month --format csv --output "$T_TMP/r.csv"
t_eq "csv starts with a byte-order mark" "$(head -c 3 "$T_TMP/r.csv" | od -An -tx1 | tr -d ' ')" "efbbbf"
t_eq "csv has a header, the unit and 12 months" "$(wc -l <"$T_TMP/r.csv" | tr -d ' ')" "14"
"$HAMGAN" report --db "$DB" --unit region-12 --period 1399 >"$T_TMP/r.txt"
t_grep "the table is Persian with Persian digits" "دوره: سال ۱۳۹۹ \(۱۳۹۹/۰۱/۰۱ تا ۱۳۹۹/۱۲/۳۰\)" "$T_TMP/r.txt"
t_exit "xlsx is written" 0 "$HAMGAN" report --db "$DB" --evaluation 1399-H1 --format xlsx --output "$T_TMP/e.xlsx"
t_eq "xlsx is a zip" "$(head -c 2 "$T_TMP/e.xlsx")" "PK"
"$HAMGAN" report --db "$DB" --evaluation 1399-H1 --format json >"$T_TMP/e.json"
t_eq "evaluation lists every region, ranking none without messages" \
	"$(jq -r '[.rows[] | "\(.key):\(.rank)"] | join(",")' "$T_TMP/e.json")" "region-01:null,region-12:null"
t_eq "evaluation states its weights" "$(jq -c .weights "$T_TMP/e.json")" \
	'{"quantity":0.4,"quality":0.4,"timeliness":0.2}'
t_exit "evaluation takes no --unit" 2 "$HAMGAN" report --db "$DB" --evaluation 1399-H1 --unit region-12
t_run "verify an empty database" 0 "recounted 0 messages: 0 cells, 0 pair rows, 0 differences" \
	"$HAMGAN" report --db "$DB" --verify
# a cell of dim 0, unit 5, day 18000, key 0: SQLite keeps the key in the
# rowid and the counters sparse (store/cell_pack.h), PostgreSQL in columns
if t_pg; then
	t_sql "$DB" "INSERT INTO agg_cells (dim, unit, day, key, c) VALUES (0, 5, 18000, 0, '\\x02'::bytea)"
else
	t_sql "$DB" "INSERT INTO agg_cells (id, c) VALUES ($(( (5 + (1 << 24)) << 35 | 18000 << 16 )), x'0102')"
fi
t_exit "verify finds a stray aggregate" 1 "$HAMGAN" report --db "$DB" --verify
t_exit "rebuild" 0 "$HAMGAN" report --db "$DB" --rebuild
t_exit "verify after rebuild" 0 "$HAMGAN" report --db "$DB" --verify

# a migration leaves the aggregates stale: the next open (hamgan init)
# rebuilds them from the messages
D=$(t_db d)
t_exit "a demo of 1000 messages" 0 "$HAMGAN" demo --db "$D" --messages 1000 --seed 5
t_sql "$D" "DELETE FROM agg_cells; DELETE FROM agg_pairs"
t_exit "emptied aggregates differ from a recount" 1 "$HAMGAN" report --db "$D" --verify
t_sql "$D" "INSERT INTO agg_meta VALUES ('stale', 1)"
t_exit "init on a stale database" 0 "$HAMGAN" init --db "$D"
t_eq "the mark is gone" "$(t_sql "$D" "SELECT count(*) FROM agg_meta WHERE k = 'stale'")" "0"
t_exit "and the aggregates equal a recount" 0 "$HAMGAN" report --db "$D" --verify
t_exit "the audit chain still holds" 0 "$HAMGAN" audit verify --db "$D"

# the recount by ranges of 7 messages (temporary runs, merged into one every
# 5 on the way) says what one range says; a temporary directory that cannot
# be written is a clear error and changes nothing
ONE=$("$HAMGAN" report --db "$D" --verify)
t_run "verify by ranges of 7 messages" 0 "$ONE" \
	env HAMGAN_TEST_AGG_RANGE=7 HAMGAN_TEST_AGG_RUNS=5 "$HAMGAN" report --db "$D" --verify
t_run "rebuild by ranges of 7 messages" 0 "$(echo "$ONE" | sed 's/^recounted \(.*\), 0 differences$/rebuilt from \1/')" \
	env HAMGAN_TEST_AGG_RANGE=7 HAMGAN_TEST_AGG_RUNS=5 "$HAMGAN" report --db "$D" --rebuild
t_run "and one range verifies what it wrote" 0 "$ONE" "$HAMGAN" report --db "$D" --verify
t_sql "$D" "DELETE FROM agg_pairs WHERE day = (SELECT min(day) FROM agg_pairs)"
t_exit "a deleted pair row is found by ranges" 1 \
	env HAMGAN_TEST_AGG_RANGE=7 "$HAMGAN" report --db "$D" --verify
t_grep "and said missing" ": missing \(recount [0-9]+\)$" "$T_TMP/stdout"
t_exit "rebuild with no temporary directory fails" 1 \
	env TMPDIR="$T_TMP/none" "$HAMGAN" report --db "$D" --rebuild
t_grep "saying why" "cannot rebuild the aggregates: cannot make a temporary file in" "$T_TMP/stderr"
t_exit "and changes nothing: the pair row is still missing" 1 "$HAMGAN" report --db "$D" --verify
t_done
