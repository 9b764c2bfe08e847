#!/bin/bash
# test_report.sh - `hamgan report`: options, errors, formats on a real
# database, --verify and --rebuild.  (The figures themselves are checked by
# hand in tests/unit/test_report.c.)
. "$(dirname "$0")/../lib.sh"

DB="$T_TMP/h.db"
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
t_exit "a missing database fails" 1 "$HAMGAN" report --db "$T_TMP/none.db" --unit region-12 --period 1399

"$HAMGAN" report --db "$DB" --unit region-12 --period 1399-01..1399-09 --compare previous-year \
	--format json >"$T_TMP/r.json"
t_eq "json is valid and names the unit" "$(jq -r .unit "$T_TMP/r.json")" "region-12"
t_eq "json period label" "$(jq -r .period "$T_TMP/r.json")" "1399-F9"
t_eq "json previous period" "$(jq -r .previous_period "$T_TMP/r.json")" "1398-F9"
t_eq "json has every documented field" \
	"$(jq -r '[.referred,.answered,.quantitative_rate,.qualitative_rate,.on_time_rate,.mean_handling_hours,.median_handling_hours,.p90_handling_hours,.overdue,.previous.referred,.change_pct.referred] | map(tostring) | join(",")' "$T_TMP/r.json")" \
	"0,0,null,null,null,null,null,null,0,0,null"
"$HAMGAN" report --db "$DB" --unit tehran --period ۱۳۹۹-H1 --by child --format json >"$T_TMP/c.json"
t_eq "by child lists the regions (Persian digits accepted)" "$(jq -r '[.rows[].key] | join(" ")' "$T_TMP/c.json")" "region-01 region-12"
"$HAMGAN" report --db "$DB" --unit region-12 --period 1399 --by month --format csv --output "$T_TMP/r.csv"
t_eq "csv starts with a byte-order mark" "$(head -c 3 "$T_TMP/r.csv" | od -An -tx1 | tr -d ' ')" "efbbbf"
t_eq "csv has a header, the unit and 12 months" "$(wc -l <"$T_TMP/r.csv" | tr -d ' ')" "14"
"$HAMGAN" report --db "$DB" --unit region-12 --period 1399 >"$T_TMP/r.txt"
t_grep "the table is Persian with Persian digits" "دوره: سال ۱۳۹۹ \(۱۳۹۹/۰۱/۰۱ تا ۱۳۹۹/۱۲/۳۰\)" "$T_TMP/r.txt"
t_exit "xlsx is written" 0 "$HAMGAN" report --db "$DB" --evaluation 1399-H1 --format xlsx --output "$T_TMP/e.xlsx"
t_eq "xlsx is a zip" "$(head -c 2 "$T_TMP/e.xlsx")" "PK"
"$HAMGAN" report --db "$DB" --evaluation 1399-H1 --format json >"$T_TMP/e.json"
t_eq "evaluation ranks every region" "$(jq -r '[.rows[].rank] | sort | map(tostring) | join(",")' "$T_TMP/e.json")" "1,2"
t_exit "evaluation takes no --unit" 2 "$HAMGAN" report --db "$DB" --evaluation 1399-H1 --unit region-12
t_run "verify an empty database" 0 "recounted 0 messages: 0 cells, 0 backlog rows, 0 differences" \
	"$HAMGAN" report --db "$DB" --verify
sqlite3 "$DB" "INSERT INTO agg_cells (dim, unit, day, key, referred, answered, on_time, handling_sum, evaluated, acceptable, verdict_accept, verdict_object, returns, rereferrals, reopens) VALUES (0, 5, 18000, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)"
t_exit "verify finds a stray aggregate" 1 "$HAMGAN" report --db "$DB" --verify
t_exit "rebuild" 0 "$HAMGAN" report --db "$DB" --rebuild
t_exit "verify after rebuild" 0 "$HAMGAN" report --db "$DB" --verify
t_done
