#!/bin/bash
# Issue 9, point 12: names an admin typed (a unit's, a category's) that a
# spreadsheet would run as a formula come out of every CSV and XLSX export
# as text: a cell starting with = + - @ (or a tab or CR) gets a leading
# apostrophe.  Checked over HTTP (reports by child, by category, the
# evaluation; CSV and xlsx) and from the command line.
. "$(dirname "$0")/lib.sh"
h_seed
h_start

declare -A TOK
for u in op st12 adm; do TOK[$u]=$(h_token "$u"); done
EVIL='=HYPERLINK(\"http://evil.example/?x\",\"منطقه ۹۹\")'
h_api "admin adds a region with a formula for a name" POST /api/v1/units 201 "${TOK[adm]}" \
	"{\"code\":\"region-99\",\"name\":\"$EVIL\",\"kind\":\"region\",\"parent\":\"tehran\"}"
h_api "admin renames region 3 to a formula" PATCH /api/v1/units/region-03 200 "${TOK[adm]}" \
	'{"name":"@SUM(1+1)*cmd|calc"}'
h_api "admin adds a category with a formula for a name" POST /api/v1/categories 201 "${TOK[adm]}" \
	'{"code":"evil","name":"+1+cmd|calc","deadline_hours":24}'
for unit in region-99 region-03 region-12; do
	h_api "setup: register for $unit" POST /api/v1/messages 201 "${TOK[op]}" \
		'{"kind":"criticism","category":"evil","subject":"موضوع","body":"متن","mobile":"09121234567"}'
	code=$(jq -r .code "$T_TMP/body")
	h_api "setup: refer to $unit" POST /api/v1/messages/$code/refer 200 "${TOK[op]}" "{\"unit\":\"$unit\"}"
done
MONTH=$("$HAMGAN" fa to-jalali "$(date -u +%F)" | cut -c1-7)

# no_formula NAME FILE: no CSV field of FILE starts with a formula character
no_formula() {
	if grep -Eq '(^|,)"?(=|\+|-|@)' "$2"; then
		t_fail "$1" "$(grep -E '(^|,)"?(=|\+|-|@)' "$2" | head -3)"
	else
		t_pass "$1"
	fi
}

h_api "report by child as CSV" GET "/api/v1/reports?unit=tehran&period=$MONTH&by=child&format=csv" 200 "${TOK[adm]}"
t_grep "the unit's name is there, as text" "^\"region-99\",\"'=HYPERLINK\(" "$T_TMP/body"
t_grep "the renamed unit too" "^\"region-03\",\"'@SUM\(1\+1\)" "$T_TMP/body"
no_formula "no cell of the report starts a formula" "$T_TMP/body"
h_api "report by category as CSV" GET "/api/v1/reports?unit=tehran&period=$MONTH&by=category&format=csv" 200 "${TOK[adm]}"
t_grep "the category's name, as text" "^\"evil\",\"'\+1\+cmd" "$T_TMP/body"
no_formula "no cell of the category report starts a formula" "$T_TMP/body"
h_api "the evaluation as CSV" GET "/api/v1/reports/evaluation?period=$MONTH&format=csv" 200 "${TOK[adm]}"
no_formula "no cell of the evaluation starts a formula" "$T_TMP/body"
t_grep "the evaluation names the region as text" "\"'=HYPERLINK\(" "$T_TMP/body"

h_api "report by child as xlsx" GET "/api/v1/reports?unit=tehran&period=$MONTH&by=child&format=xlsx" 200 "${TOK[adm]}"
mv "$T_TMP/body" "$T_TMP/r.xlsx"
unzip -p "$T_TMP/r.xlsx" xl/sharedStrings.xml >"$T_TMP/strings.xml" 2>/dev/null
t_grep "xlsx: the name is a text with its apostrophe" "<t>'=HYPERLINK\(" "$T_TMP/strings.xml"
t_grep "xlsx: the renamed unit too" "<t>'@SUM" "$T_TMP/strings.xml"
if grep -Eq '<t[^>]*>[=+@-]' "$T_TMP/strings.xml"; then
	t_fail "xlsx: no text cell starts a formula" "$(grep -Eo '<t[^>]*>[=+@-][^<]*' "$T_TMP/strings.xml" | head -3)"
else
	t_pass "xlsx: no text cell starts a formula"
fi
unzip -p "$T_TMP/r.xlsx" 'xl/worksheets/*.xml' >"$T_TMP/sheet.xml" 2>/dev/null
if grep -q '<f>' "$T_TMP/sheet.xml"; then
	t_fail "xlsx: the sheet holds no formula" "$(grep -o '<f>[^<]*' "$T_TMP/sheet.xml" | head -3)"
else
	t_pass "xlsx: the sheet holds no formula"
fi
h_api "a unit's own report as xlsx (its name is the chart's title)" GET \
	"/api/v1/reports?unit=region-99&period=$MONTH&format=xlsx" 200 "${TOK[adm]}"
mv "$T_TMP/body" "$T_TMP/u.xlsx"
unzip -p "$T_TMP/u.xlsx" 'xl/charts/*.xml' >"$T_TMP/chart.xml" 2>/dev/null
if grep -q 'HYPERLINK' "$T_TMP/chart.xml" && ! grep -Eq '<c:f>[^<]*HYPERLINK' "$T_TMP/chart.xml"; then
	t_pass "xlsx: the chart's title is a text, not a formula"
else
	t_fail "xlsx: the chart's title is a text, not a formula" "$(grep -o 'HYPERLINK.\{0,40\}' "$T_TMP/chart.xml" | head -2)"
fi

h_stop
"$HAMGAN" report --db "$H_DB" --unit tehran --period "$MONTH" --by child --format csv >"$T_TMP/cli.csv" 2>&1
t_grep "hamgan report --format csv: the name as text" "\"'=HYPERLINK\(" "$T_TMP/cli.csv"
no_formula "hamgan report --format csv: no cell starts a formula" "$T_TMP/cli.csv"
t_done
