# Crash soak, short form (`make soak` runs the long one): clients register
# messages and refer and answer them while the server is killed with
# SIGKILL at random moments and started again; every acknowledged code is
# then there in the state acknowledged, the database passes SQLite's
# integrity check, the audit chain verifies and the reports equal a recount.
# SOAK_SECONDS (default 25) and SOAK_KILLS (default 6) change the run.
. "$(dirname "$0")/lib.sh"
h_seed
SECONDS_=${SOAK_SECONDS:-25}
KILLS=${SOAK_KILLS:-6}
python3 "$HAMGAN_ROOT/tests/http/soak.py" --hamgan "$HAMGAN" --db "$H_DB" \
	--web-root "$HAMGAN_ROOT/web" --dir "$T_TMP" --seconds "$SECONDS_" --kills "$KILLS" \
	${SOAK_CLIENTS:+--clients "$SOAK_CLIENTS"} ${SOAK_SEED:+--seed "$SOAK_SEED"} \
	>"$T_TMP/summary" 2>"$T_TMP/soak.err"
rc=$?
S=$(tail -n 1 "$T_TMP/summary")
echo "# soak: $S"
t_eq "soak driver exits 0" "$rc" 0
[ "$rc" = 0 ] || echo "# $(head -c 600 "$T_TMP/soak.err")"
sj() { jq -r "$1" <<<"$S" 2>/dev/null; }
echo "# soak summary: acknowledged $(sj .acknowledged) registrations and $(sj .transitions)" \
	"transitions, found $(sj .found), kills $(sj .kills), duration $(sj .duration_s) s" \
	"(seed $(sj .seed); SOAK_SEED=$(sj .seed) repeats the kill times)"
t_eq "the server was killed $KILLS times" "$(sj .kills)" "$KILLS"
t_eq "every kill was a SIGKILL death" "$(sj '.kill_exit_unexpected | length')" 0
n=$(sj .acknowledged)
[ "${n:-0}" -gt 0 ] 2>/dev/null && t_pass "some registrations were acknowledged ($n)" ||
	t_fail "some registrations were acknowledged" "$S"
t=$(sj .transitions)
[ "${t:-0}" -gt 0 ] 2>/dev/null && t_pass "some transitions were acknowledged ($t)" ||
	t_fail "some transitions were acknowledged" "$S"
t_eq "every acknowledged code is found" "$(sj .found)" "$n"
t_eq "none is missing" "$(sj .missing_count)" 0
t_eq "each in the state acknowledged" "$(sj .wrong_count)" 0
t_eq "the last server stops cleanly" "$(sj .final_stop_rc)" 0
t_eq "no sanitizer report from any server" "$(sj '.sanitizer_reports_in_starts | length')" 0
t_run "hamgan db check (integrity_check) ok" 0 "ok" "$HAMGAN" db check --db "$H_DB"
t_exit "audit verify passes" 0 "$HAMGAN" audit verify --db "$H_DB"
t_exit "report --verify passes" 0 "$HAMGAN" report --verify --db "$H_DB"
t_done
