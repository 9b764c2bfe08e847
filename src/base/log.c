/* log.c - diagnostics on standard error; see log.h. */
#include <stdarg.h>
#include <stdio.h>

#include "base/caps.h"
#include "base/log.h"

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	min_level = level;
}

enum log_level log_get_level(void)
{
	return min_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warning", "error", "" };
	char line[CAP_LOG_LINE];
	va_list ap;

	if (level < min_level || level >= LOG_QUIET)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "hamgan: %s: %s\n", names[level], line);
}
