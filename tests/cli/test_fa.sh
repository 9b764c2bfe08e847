# hamgan fa: every sub-command, arguments and stdin, exit codes 0/1/2.
. "$(dirname "$0")/../lib.sh"

nl=$'\n'

# to-jalali / to-gregorian
t_run "to-jalali nowruz 1403" 0 "1403-01-01" "$HAMGAN" fa to-jalali 2024-03-20
t_run "to-jalali nowruz 1404 and 1402" 0 "1404-01-01${nl}1402-01-01" "$HAMGAN" fa to-jalali 2025-03-21 2023-03-21
t_run "to-jalali persian digits and slashes" 0 "1403-12-30" "$HAMGAN" fa to-jalali ۲۰۲۵/۰۳/۲۰
t_run "to-jalali arabic-indic digits" 0 "1399-12-30" "$HAMGAN" fa to-jalali ٢٠٢١-٠٣-٢٠
t_run "to-jalali out of range" 1 "invalid${nl}1178-01-01${nl}invalid" "$HAMGAN" fa to-jalali 1799-03-20 1799-03-21 2255-03-21
t_run "to-jalali nonexistent gregorian" 1 "invalid" "$HAMGAN" fa to-jalali 2023-02-29
t_run "to-gregorian esfand 30 of leap years" 0 "2025-03-20${nl}2021-03-20" "$HAMGAN" fa to-gregorian 1403-12-30 1399-12-30
t_run "to-gregorian impossible days" 1 "invalid${nl}invalid${nl}invalid${nl}invalid${nl}invalid${nl}2024-10-21" \
	"$HAMGAN" fa to-gregorian 1404-12-30 1403-07-31 1403-13-01 1403-00-01 1403-01-32 1403-07-30
t_run "to-gregorian range edges" 1 "invalid${nl}1799-03-21${nl}2255-03-20${nl}invalid" \
	"$HAMGAN" fa to-gregorian 1177-12-29 1178-01-01 1633-12-29 1634-01-01
t_run "to-gregorian stdin with CRLF and a blank line" 1 "2024-03-20${nl}invalid${nl}2025-03-20" \
	"$HAMGAN" fa to-gregorian < <(printf '1403-01-01\r\n\r\n۱۴۰۳/۱۲/۳۰')

# national-id
t_run "national-id" 1 "valid${nl}valid${nl}invalid${nl}invalid${nl}invalid${nl}invalid${nl}valid" \
	"$HAMGAN" fa national-id 0499370899 0790419904 1111111111 1230000003 0499-370899 0499370898 ۰۴۹۹۳۷۰۸۹۹
t_run "national-id all valid exits 0" 0 "valid" "$HAMGAN" fa national-id 0013542419

# mobile
t_run "mobile forms" 0 "$(printf '09121234567\n%.0s' 1 2 3 4 5 6 7 | head -c -1)" \
	"$HAMGAN" fa mobile "+98 912 123 4567" 00989121234567 989121234567 9121234567 "(0912) 123-4567" ۰۹۱۲۱۲۳۴۵۶۷ "0912 123 45 67"
t_run "mobile invalid" 1 "invalid${nl}invalid${nl}invalid" "$HAMGAN" fa mobile 02112345678 0912123456 "+1 912 123 4567"

# digits
t_run "digits --persian" 0 "۱۴۰۳/۱۲/۳۰ abc" "$HAMGAN" fa digits --persian "1403/12/30 abc"
t_run "digits --arabic" 0 "١٢٣" "$HAMGAN" fa digits --arabic ۱۲3
t_run "digits --ascii" 0 "0912 345" "$HAMGAN" fa digits --ascii "۰۹۱۲ ٣٤٥"
t_run "digits -- then a dash" 0 "-۵" "$HAMGAN" fa digits --persian -- -5
t_run "digits empty argument" 0 "" "$HAMGAN" fa digits --persian ""
t_exit "digits without a script" 2 "$HAMGAN" fa digits
t_exit "digits unknown script" 2 "$HAMGAN" fa digits --roman 12

# normalize
t_run "normalize three spellings agree" 0 "میکند${nl}میکند${nl}میکند" "$HAMGAN" fa normalize "می‌کند" "می کند" "میکند"
t_run "normalize arabic letters, harakat, digits, case" 0 "علی کتاب 1403 tehran" \
	"$HAMGAN" fa normalize "  عَلي   كتاب ۱۴۰۳ TEHRAN "
t_run "normalize invalid utf-8" 1 "invalid${nl}ok" "$HAMGAN" fa normalize < <(printf '\xff\xfe\nOK\n')
t_run "normalize empty line" 0 "" "$HAMGAN" fa normalize < <(printf '\n')
head -c 70000 /dev/zero | tr '\0' 'a' >"$T_TMP/long"
printf '\nshort\n' >>"$T_TMP/long"
t_run "normalize over-long line is invalid, next line fine" 1 "invalid${nl}short" "$HAMGAN" fa normalize <"$T_TMP/long"

# tracking-code
"$HAMGAN" fa tracking-code --new 50 >"$T_TMP/codes"
t_eq "tracking-code --new 50 prints 50" "$(wc -l <"$T_TMP/codes" | tr -d ' ')" 50
t_grep "tracking codes are 10 digits, first non-zero" '^[1-9][0-9]{9}$' "$T_TMP/codes"
t_eq "every line is a code" "$(grep -cvE '^[1-9][0-9]{9}$' "$T_TMP/codes")" 0
t_run "fresh codes check valid" 0 "$(sed 's/.*/valid/' "$T_TMP/codes")" "$HAMGAN" fa tracking-code <"$T_TMP/codes"
t_run "tracking-code fixed code and its errors" 1 "valid${nl}invalid${nl}invalid${nl}invalid${nl}valid" \
	"$HAMGAN" fa tracking-code 1234567894 2134567894 1234567849 1234567895 ۱۲۳۴۵۶۷۸۹۴
t_run "tracking-code default one" 0 "1" sh -c "\"$HAMGAN\" fa tracking-code --new | wc -l | tr -d ' '"
t_exit "tracking-code --new 0" 2 "$HAMGAN" fa tracking-code --new 0
t_exit "tracking-code --new too many" 2 "$HAMGAN" fa tracking-code --new 1000001
t_exit "tracking-code --new junk" 2 "$HAMGAN" fa tracking-code --new 5x

# period
t_run "period 1399-01..1399-09" 0 "1399-F9	1399-01-01	1399-09-30	2020-03-19T20:30:00Z	2020-12-20T20:30:00Z" \
	"$HAMGAN" fa period 1399-01..1399-09
t_run "period summer month in DST" 0 "1398-03	1398-03-01	1398-03-31	2019-05-21T19:30:00Z	2019-06-21T19:30:00Z" \
	"$HAMGAN" fa period ۱۳۹۸-۰۳
t_run "period --previous-year esfand 30" 0 "1402-12-29	1402-12-29	1402-12-29	2024-03-18T20:30:00Z	2024-03-19T20:30:00Z" \
	"$HAMGAN" fa period --previous-year 1403-12-30
t_run "period --months" 0 "1399-01${nl}1399-02${nl}1399-03" sh -c "\"$HAMGAN\" fa period --months 1399-Q1 | cut -f1"
t_run "period --weeks count" 0 "53" sh -c "\"$HAMGAN\" fa period --weeks 1403 | wc -l | tr -d ' '"
t_run "period invalid" 1 "invalid" "$HAMGAN" fa period 1399-Q5
t_grep "period error message" "invalid period '1399-Q5'" "$T_TMP/stderr"
t_exit "period two modes" 2 "$HAMGAN" fa period --months --weeks 1399

# today
t_run "today prints a Jalali date" 0 "ok" sh -c "\"$HAMGAN\" fa today | grep -qE '^1[34][0-9]{2}-[01][0-9]-[0-3][0-9] ' && echo ok"

# usage, help
t_exit "fa without sub-command" 2 "$HAMGAN" fa
t_exit "fa unknown sub-command" 2 "$HAMGAN" fa frobnicate
t_exit "fa -h" 0 "$HAMGAN" fa -h
for c in to-jalali to-gregorian national-id mobile digits normalize tracking-code period today; do
	t_exit "fa $c -h" 0 "$HAMGAN" fa "$c" -h
done
t_exit "unknown option" 2 "$HAMGAN" fa to-jalali --frobnicate
t_exit "today takes no arguments" 2 "$HAMGAN" fa today 1

# 100,000 lines through stdin: every day from 1970 on, one per line
awk 'BEGIN { for (i = 0; i < 100000; i++) print i }' >"$T_TMP/n"
seq_dates() {
	# Gregorian dates for day numbers 0..99999 without date(1) per line
	awk 'function civil(z,   era, doe, yoe, y, doy, mp, d, m) {
		z += 719468; era = int(z / 146097); doe = z - era * 146097
		yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
		y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
		mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
		m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++
		return sprintf("%04d-%02d-%02d", y, m, d) }
	{ print civil($1) }' "$T_TMP/n"
}
seq_dates >"$T_TMP/g"
start=$(date +%s)
"$HAMGAN" fa to-jalali <"$T_TMP/g" >"$T_TMP/j"
rc=$?
"$HAMGAN" fa to-gregorian <"$T_TMP/j" >"$T_TMP/g2"
rc2=$?
elapsed=$(( $(date +%s) - start ))
t_eq "100k lines: exit 0 both ways" "$rc $rc2" "0 0"
t_eq "100k lines: line count" "$(wc -l <"$T_TMP/j" | tr -d ' ')" 100000
t_eq "100k lines: first is 1348-10-11" "$(head -1 "$T_TMP/j")" "1348-10-11"
t_eq "100k lines: 2024-03-20 is 1403-01-01" "$(sed -n "$(grep -n '^2024-03-20$' "$T_TMP/g" | cut -d: -f1)p" "$T_TMP/j")" "1403-01-01"
t_eq "100k lines: round trip" "$(cmp -s "$T_TMP/g" "$T_TMP/g2" && echo same)" "same"
if [ "$elapsed" -le 10 ]; then t_pass "100k lines under 10 s ($elapsed s)"; else t_fail "100k lines took $elapsed s"; fi

t_done
