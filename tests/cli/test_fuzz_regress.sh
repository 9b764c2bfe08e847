# Every fuzz target's seeds (fuzz/seeds/NAME) and every input that once
# crashed it (fuzz/regress/NAME) run through the target once more, built
# without libFuzzer by the test build (fuzz/driver.c, BUILD/fuzz-regress):
# a bug fixed after fuzzing stays fixed.  One check per target.  The HTTP
# targets start the real server in process on a temporary database.
. "$(dirname "$0")/../lib.sh"
BUILD=$(dirname "$HAMGAN")
cd "$HAMGAN_ROOT"
export TMPDIR=$T_TMP
shopt -s nullglob
n=0
for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=$BUILD/fuzz-regress/$name
	if [ ! -x "$bin" ]; then
		t_fail "$name: regression driver built" "no $bin (make SAN=1 tests builds it)"
		continue
	fi
	dirs=()
	[ -d "fuzz/seeds/$name" ] && dirs+=("fuzz/seeds/$name")
	[ -d "fuzz/regress/$name" ] && dirs+=("fuzz/regress/$name")
	if [ ${#dirs[@]} -eq 0 ]; then
		t_fail "$name: has seeds or regression inputs" "fuzz/seeds/$name is missing"
		continue
	fi
	"$bin" "${dirs[@]}" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	rc=$?
	ran=$(sed -n 's/^driver: \([0-9]*\) inputs ran$/\1/p' "$T_TMP/$name.out")
	want=$(find "${dirs[@]}" -maxdepth 1 -type f ! -name '.*' | wc -l)
	if [ "$rc" -eq 0 ] && [ "${ran:-0}" -eq "$want" ] &&
		! grep -Eq 'Sanitizer|runtime error|property failed' "$T_TMP/$name.err"; then
		t_pass "$name: $ran inputs (${dirs[*]})"
	else
		t_fail "$name: every kept input runs clean" "exit $rc, ran ${ran:-0} of $want" \
			"last input: $(grep '^driver: running' "$T_TMP/$name.err" | tail -1)" \
			"$(grep -E -A12 'Sanitizer|runtime error|property failed|fuzz http' "$T_TMP/$name.err" | head -30)"
	fi
	n=$((n + 1))
done
t_eq "every target ran" "$n" "$(ls fuzz/fuzz_*.c | wc -l)"
t_done
