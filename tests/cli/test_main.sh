# CLI dispatch: --help, --version, help CMD, -h, exit codes.
. "$(dirname "$0")/../lib.sh"

t_exit "--help exits 0" 0 "$HAMGAN" --help
"$HAMGAN" --help >"$T_TMP/help"
t_grep "--help lists fa" '^  fa ' "$T_TMP/help"
t_run "--version" 0 "hamgan 0.1.0" "$HAMGAN" --version
t_exit "no arguments is a usage error" 2 "$HAMGAN"
t_exit "unknown command is a usage error" 2 "$HAMGAN" frobnicate
t_exit "unknown option is a usage error" 2 "$HAMGAN" --frobnicate
t_exit "help fa" 0 "$HAMGAN" help fa
t_exit "help of unknown command" 2 "$HAMGAN" help frobnicate
for c in $("$HAMGAN" --help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
	t_exit "$c -h exits 0" 0 "$HAMGAN" "$c" -h
done
t_done
