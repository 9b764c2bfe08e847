/*
 * log.h - one-line diagnostics on standard error.
 *
 * Only front ends (cli, http start-up and access log) log; the core returns
 * errors instead.  Lines are "hamgan: LEVEL: message".  log_set_level() is
 * the only global state, set once at start-up from the config.
 */
#ifndef HAMGAN_BASE_LOG_H
#define HAMGAN_BASE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_QUIET };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The server's access log: "hamgan: access: " and the line, whatever the
 * level. */
void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
