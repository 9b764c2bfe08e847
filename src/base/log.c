/* log.c - diagnostics on standard error; see log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

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

/*
 * Format one line into a buffer and hand it to the kernel in one write(2):
 * no stdio lock, which the server's threads contended for on every access
 * line (a futex sleep and wake each), and lines from different threads
 * never interleave.  A line longer than CAP_LOG_LINE is cut, keeping its
 * newline.
 */
__attribute__((format(printf, 2, 0)))
static void emit(const char *prefix, const char *fmt, va_list ap)
{
	char line[CAP_LOG_LINE + 64];
	size_t len, off = 0;
	int n;

	n = snprintf(line, sizeof(line), "%s", prefix);
	len = n > 0 ? (size_t)n : 0;
	n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	if (n > 0)
		len += (size_t)n;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	while (off < len) {
		ssize_t w = write(STDERR_FILENO, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* nowhere to report it */
		off += (size_t)w;
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const prefixes[] = { "hamgan: debug: ", "hamgan: info: ",
						"hamgan: warning: ", "hamgan: error: ", "" };
	va_list ap;

	if (level < min_level || level >= LOG_QUIET)
		return;
	va_start(ap, fmt);
	emit(prefixes[level], fmt, ap);
	va_end(ap);
}

void log_access(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("hamgan: access: ", fmt, ap);
	va_end(ap);
}
