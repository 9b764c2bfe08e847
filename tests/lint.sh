# Source hygiene: no banned functions (STYLE.md), layering (DESIGN.md,
# docs/architecture.md).
. "$(dirname "$0")/lib.sh"
cd "$HAMGAN_ROOT"

banned='\b(strcpy|strcat|strncpy|sprintf|vsprintf|strtok|atoi|atol|gmtime|localtime|gets)\s*\('
if grep -rnE "$banned" src fuzz tests/unit >"$T_TMP/banned"; then
	t_fail "no banned functions in src" "$(head -5 "$T_TMP/banned")"
else
	t_pass "no banned functions in src"
fi

# layer NAME ALLOWED FILES...: every quoted #include in FILES names a header
# under one of the folders (or the files) ALLOWED, an extended regex such
# as 'base/|model/'.
layer() {
	local name=$1 allowed=$2
	shift 2
	if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$@" |
		grep -vE "#[[:space:]]*include[[:space:]]*\"($allowed)" >"$T_TMP/layer"; then
		t_fail "$name" "$(head -5 "$T_TMP/layer")"
	else
		t_pass "$name"
	fi
}

# never NAME PATTERN FILES...: no #include in FILES matches PATTERN.
never() {
	local name=$1 pattern=$2
	shift 2
	if grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)" "$@" >"$T_TMP/never"; then
		t_fail "$name" "$(head -5 "$T_TMP/never")"
	else
		t_pass "$name"
	fi
}

layer "base includes only base" 'base/' src/base/*.[ch]
layer "fa includes only base and fa" 'base/|fa/' src/fa/*.[ch]
layer "the model includes only base" 'base/|model/' src/model/*.[ch]
layer "store backends include model, base and fa, never core" \
	'base/|fa/|model/|store/' src/store/*.[ch]
layer "core includes model, store.h, fa and base" \
	'base/|fa/|model/|core/|store/store\.h"' src/core/*.[ch]
never "model, core, fa and base include no library of a front end or backend" \
	'sqlite3|microhttpd|cjson/|libpq' src/model/*.[ch] src/core/*.[ch] src/fa/*.[ch] src/base/*.[ch]
never "front ends include no store backend" \
	'store/sqlite|sqlite3|libpq' src/http/*.[ch] src/cli/*.[ch]
t_done
