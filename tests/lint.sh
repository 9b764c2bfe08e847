# Source hygiene: no banned functions (strcpy, sprintf, atoi, gmtime, ...),
# layering (docs/architecture.md), and one way to do each thing (below).
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
layer "the demo generator uses the core's API, never the store" \
	'base/|fa/|model/|core/|demo/' src/demo/*.[ch]
never "model, core, fa and base include no library of a front end or backend" \
	'sqlite3|microhttpd|cjson/|libpq' src/model/*.[ch] src/core/*.[ch] src/fa/*.[ch] src/base/*.[ch]
never "front ends include no store backend" \
	'store/sqlite|sqlite3|libpq' src/http/*.[ch] src/cli/*.[ch]
# The store suite speaks only store.h, so it runs unchanged on any backend;
# what only SQLite has is tested in tests/unit/test_sqlite.c.
never "the store tests include no backend" \
	'store/sqlite|sqlite3|libpq' tests/unit/test_store*.c

# The core hands the store a search's words (store.h, struct store_search);
# only a backend writes query syntax: no FTS5 operator, table or function in
# src/core, and no quoting of terms in its search.
if grep -nE '\b(MATCH|NEAR)\b|msg_fts|fts5|" (AND|OR|NOT) "' src/core/*.[ch] >"$T_TMP/fts" ||
	grep -nE "'\"'|\"\\\"\"" src/core/search.c >>"$T_TMP/fts"; then
	t_fail "the core writes no FTS5 syntax" "$(head -5 "$T_TMP/fts")"
else
	t_pass "the core writes no FTS5 syntax"
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
# ---- one way to do each thing ----

# check NAME FILE: FILE holds the offending lines found (empty: pass).
check() {
	if [ -s "$2" ]; then
		t_fail "$1" "$(head -5 "$2")"
	else
		t_pass "$1"
	fi
}

# Allocation goes through base/mem.h (xmalloc, xcalloc, xrealloc, xstrdup,
# xstrndup): running out of memory aborts in one place, never a NULL to
# check (or forget to) in every caller.
grep -rnE '(^|[^_[:alnum:]])(malloc|calloc|realloc|strdup|strndup)[[:space:]]*\(' src \
	--include='*.[ch]' | grep -v '^src/base/mem\.c:' >"$T_TMP/alloc"
check "allocation only through base/mem.h" "$T_TMP/alloc"

# Every limit lives in src/base/caps.h with its reason.  A name ending in
# _MAX or _MIN elsewhere is a size of a format, not a policy, and is listed here:
# PWHASH_MAX (libsodium's hash string), JALALI_FMT_MAX (a formatted date),
# ERR_FIELD_MAX and ERR_MSG_MAX (struct err's texts), SEARCH_CURSOR_MAX (the
# cursor the server itself makes), PERIOD_PARTS_MAX (the months of the
# calendar's range) and PATH_MAX (the system's, where <limits.h> lacks it).
grep -rnE '#[[:space:]]*define[[:space:]]+(CAP_[A-Z0-9_]*|[A-Z0-9_]*_(MAX|MIN))\b' src --include='*.[ch]' |
	grep -v '^src/base/caps\.h:' |
	grep -vE 'define[[:space:]]+(PWHASH_MAX|JALALI_FMT_MAX|ERR_FIELD_MAX|ERR_MSG_MAX|SEARCH_CURSOR_MAX|PERIOD_PARTS_MAX|PATH_MAX)\b' \
	>"$T_TMP/caps"
check "limits only in src/base/caps.h" "$T_TMP/caps"

# The spans of time are base/units.h's.
grep -rnE '#[[:space:]]*define[[:space:]]+(HOUR|DAY|MINUTE|WEEK)\b' src --include='*.[ch]' |
	grep -v '^src/base/units\.h:' >"$T_TMP/units"
check "HOUR and DAY defined once (base/units.h)" "$T_TMP/units"

# JSON text is written by cJSON (the HTTP server's answers) or base/jw.h
# (audit payloads, reports, streamed documents), never by hand: no string
# literal opening an object with a key, and no "key": in a buffer append or
# a printf.
grep -rnE '"\{\\"|(buf_add[a-z]*|printf)[[:space:]]*\(.*\\"[A-Za-z_]+\\":' src --include='*.c' |
	grep -v '^src/base/jw\.c:' >"$T_TMP/json"
check "no hand-written JSON outside base/jw.c" "$T_TMP/json"

# The handlers reach a rate limiter through api_limit / api_limit_wait
# (src/http/api_common.c) only.
grep -rnE '\bratelimit_(take|peek)[[:space:]]*\(' src --include='*.c' |
	grep -vE '^src/http/(ratelimit|api_common)\.c:' >"$T_TMP/rl"
check "rate limits only through api_limit" "$T_TMP/rl"
t_done
