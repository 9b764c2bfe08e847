/*
 * err.h - error codes and the optional error detail every fallible function
 * fills.
 *
 * Functions return int: 0 on success, a negative ERR_* code on failure.  When
 * the caller passes a non-NULL struct err, the callee fills it with the code,
 * the offending field (may be empty) and a human-readable message in lower case
 * without a full stop.  err_set() returns the code so a failure reads
 *	return err_set(err, ERR_INVALID, "mobile", "invalid mobile '%s'", s);
 * One table (err_name) turns a code into a stable identifier; the HTTP layer
 * maps those to a status and a JSON body.
 */
#ifndef HAMGAN_BASE_ERR_H
#define HAMGAN_BASE_ERR_H

enum err_code {
	ERR_OK = 0,
	ERR_INVALID = -1,	/* bad input: a field failed validation */
	ERR_NOTFOUND = -2,	/* the thing named does not exist */
	ERR_CONFLICT = -3,	/* stale transition, duplicate key */
	ERR_TOOBIG = -4,	/* a cap was hit */
	ERR_DENIED = -5,	/* the actor may not do this */
	ERR_STORE = -6,		/* the storage backend failed */
	ERR_AUTH = -7,		/* not authenticated / bad credentials */
	ERR_LIMITED = -8,	/* rate limited; try later */
	ERR_IO = -9,		/* file or network I/O failed */
	ERR_UNAVAILABLE = -10,	/* temporarily unable (busy, shutting down) */
	ERR_FULL = -11,		/* the storage is full: nothing was written */
};

#define ERR_FIELD_MAX 64
#define ERR_MSG_MAX 256

struct err {
	int code;
	char field[ERR_FIELD_MAX];
	char msg[ERR_MSG_MAX];
};

/* Reset to "no error". */
void err_clear(struct err *err);

/*
 * Record an error (err may be NULL) and return code.  The message is
 * truncated to ERR_MSG_MAX - 1 bytes at a UTF-8 character boundary.
 */
int err_set(struct err *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Stable lower-case identifier of a code: "invalid", "not_found", ... */
const char *err_name(int code);

#endif
