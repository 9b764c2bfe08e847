/* err.c - error detail helpers; see err.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"

void err_clear(struct err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->field[0] = '\0';
	err->msg[0] = '\0';
}

int err_set(struct err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	str_copy(err->field, sizeof(err->field), field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	str_utf8_trim_partial(err->msg);
	return code;
}

const char *err_name(int code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_INVALID: return "invalid";
	case ERR_NOTFOUND: return "not_found";
	case ERR_CONFLICT: return "conflict";
	case ERR_TOOBIG: return "too_big";
	case ERR_DENIED: return "forbidden";
	case ERR_STORE: return "storage";
	case ERR_AUTH: return "unauthenticated";
	case ERR_LIMITED: return "rate_limited";
	case ERR_IO: return "io";
	case ERR_UNAVAILABLE: return "unavailable";
	case ERR_FULL: return "storage_full";
	}
	return "internal";
}
