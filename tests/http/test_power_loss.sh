# Power loss: the server runs with the power-loss shim (tests/power/lossy.c,
# docs/durability.md) while clients register, refer and answer messages;
# at random moments the shim undoes every write to the database and its WAL
# that was not yet synced and kills the server, as a power cut would.  A
# server without the shim then knows every acknowledged code in the state
# acknowledged, and the database passes SQLite's integrity check, the audit
# chain verifies and the reports equal a recount.
# Needs durable commits (synchronous=FULL, group commit): with
# synchronous=NORMAL the acknowledged writes since the last checkpoint are
# lost and this test fails, as it should.
# POWER_SECONDS (default 20) and POWER_CUTS (default 4) change the run.
. "$(dirname "$0")/lib.sh"
LOSSY=$(dirname "$HAMGAN")/tests/liblossy.so
if [ ! -f "$LOSSY" ]; then
	t_fail "the shim is built" "no $LOSSY: make tests builds it"
	t_done
	exit 1
fi
# an ASan program needs its runtime first in the list of preloads
ASAN_RT=$(ldd "$HAMGAN" | awk '/libasan/ { print $3 }')
PRELOAD="${ASAN_RT:+$ASAN_RT }$LOSSY"
h_seed
CUTS=${POWER_CUTS:-4}
LOSSY_DB=$H_DB LOSSY_LOG=$T_TMP/lossy.log python3 "$HAMGAN_ROOT/tests/http/soak.py" \
	--hamgan "$HAMGAN" --db "$H_DB" --web-root "$HAMGAN_ROOT/web" --dir "$T_TMP" \
	--seconds "${POWER_SECONDS:-20}" --kills "$CUTS" --preload "$PRELOAD" --power-cut \
	${SOAK_SEED:+--seed "$SOAK_SEED"} >"$T_TMP/summary" 2>"$T_TMP/soak.err"
rc=$?
S=$(tail -n 1 "$T_TMP/summary")
echo "# power: $S"
sed 's/^/# shim: /' "$T_TMP/lossy.log" 2>/dev/null
t_eq "power-loss driver exits 0" "$rc" 0
[ "$rc" = 0 ] || echo "# $(head -c 600 "$T_TMP/soak.err")"
sj() { jq -r "$1" <<<"$S" 2>/dev/null; }
t_eq "the power was cut $CUTS times" "$(sj .kills)" "$CUTS"
t_eq "the shim cut the power each time" "$(grep -c '^cut (SIGUSR1' "$T_TMP/lossy.log" 2>/dev/null)" "$CUTS"
t_grep "the shim watched the database" "^  $H_DB: size" "$T_TMP/lossy.log"
t_grep "the shim watched its WAL" "^  $H_DB-wal: size" "$T_TMP/lossy.log"
t_grep "a cut dropped writes not yet synced" 'undone \([1-9]|, [1-9][0-9]* bytes past' "$T_TMP/lossy.log"
n=$(sj .acknowledged)
[ "${n:-0}" -gt 0 ] 2>/dev/null && t_pass "some registrations were acknowledged ($n)" ||
	t_fail "some registrations were acknowledged" "$S"
t_eq "every acknowledged code is found after the power cuts" "$(sj .found)" "$n"
t_eq "each in the state acknowledged" "$(sj .wrong_count)" 0
t_eq "the last server (no shim) stops cleanly" "$(sj .final_stop_rc)" 0
t_run "hamgan db check (integrity_check) ok" 0 "ok" "$HAMGAN" db check --db "$H_DB"
t_exit "audit verify passes" 0 "$HAMGAN" audit verify --db "$H_DB"
t_exit "report --verify passes" 0 "$HAMGAN" report --verify --db "$H_DB"
t_done
