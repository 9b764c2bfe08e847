# Source hygiene: no banned functions (STYLE.md), layering (DESIGN.md).
. "$(dirname "$0")/lib.sh"
cd "$HAMGAN_ROOT"

banned='\b(strcpy|strcat|strncpy|sprintf|vsprintf|strtok|atoi|atol|gmtime|localtime|gets)\s*\('
if grep -rnE "$banned" src fuzz tests/unit >"$T_TMP/banned"; then
	t_fail "no banned functions in src" "$(head -5 "$T_TMP/banned")"
else
	t_pass "no banned functions in src"
fi
if grep -rnE '#include [<"](sqlite3|microhttpd|cjson/|libpq|http/|cli/)' src/core src/fa src/base >"$T_TMP/layer"; then
	t_fail "core, fa and base include no front-end or backend header" "$(head -5 "$T_TMP/layer")"
else
	t_pass "core, fa and base include no front-end or backend header"
fi
if grep -rnE '#include [<"](core/|store/|http/|cli/)' src/fa src/base >"$T_TMP/layer2"; then
	t_fail "fa and base depend on base only" "$(head -5 "$T_TMP/layer2")"
else
	t_pass "fa and base depend on base only"
fi
# The demo generator (src/demo) sits above the core like a front end: the
# library and the server never include it nor call it.
if grep -rnE '#include [<"]demo/|\bdemo_(generate|span)\s*\(' src/core src/http src/store src/fa src/base \
	>"$T_TMP/demo"; then
	t_fail "core, store and http never include or call the demo generator" "$(head -5 "$T_TMP/demo")"
else
	t_pass "core, store and http never include or call the demo generator"
fi
# The outbox sits below the state machine; inbound SMS (sms_inbound.c) above it.
if grep -nE '#include "core/(flow|citizen|sms_inbound)\.h"|\bmsg_(register|verdict)\s*\(' src/core/sms.c \
	>"$T_TMP/sms"; then
	t_fail "the SMS outbox calls neither the state machine nor registration" "$(head -5 "$T_TMP/sms")"
else
	t_pass "the SMS outbox calls neither the state machine nor registration"
fi
t_done
