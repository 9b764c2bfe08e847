/*
 * tehran.h - Asia/Tehran local time, read from the system tz database.
 *
 * The zone file (default /usr/share/zoneinfo/Asia/Tehran, TZif version 2 or
 * later; the 64-bit section is used) is parsed once by a small bounded parser
 * on first use (pthread_once), never via setenv("TZ") + localtime.  Instants
 * after the last transition use the file's POSIX TZ footer when it is a plain
 * standard-offset rule ("<+0330>-3:30"), else the last transition's offset.
 * Iran observed DST (+04:30) until 2022; from then on it is +03:30 all year.
 * When the file cannot be read, the functions return ERR_IO.
 */
#ifndef HAMGAN_FA_TEHRAN_H
#define HAMGAN_FA_TEHRAN_H

#include <stddef.h>
#include <stdint.h>

#include "fa/jalali.h"

#define TEHRAN_TZFILE_DEFAULT "/usr/share/zoneinfo/Asia/Tehran"

/*
 * For tests: use path instead of the default.  Must be called before any
 * other tehran_* function (later calls return ERR_INVALID and change nothing).
 */
int tehran_set_tzfile(const char *path);

/* UTC offset in seconds (e.g. 12600 for +03:30) at the UTC instant utc
 * (seconds since the epoch).  0, ERR_IO (zone unreadable). */
int tehran_offset(int64_t utc, int *offset_sec);

/* The Jalali date in Tehran at that instant: 0, ERR_IO, or ERR_INVALID when
 * it falls outside the supported years. */
int tehran_day_of(int64_t utc, struct jdate *out);

/* The UTC instant of 00:00 Tehran time on day d (when a DST change made
 * 00:00 not exist, the first instant of that day): 0, ERR_IO, ERR_INVALID. */
int tehran_day_start(const struct jdate *d, int64_t *utc);

/* The same for a day number (days since 1970-01-01 of the local date), so
 * the end of the last supported day can be computed too. */
int tehran_local_midnight(int64_t days, int64_t *utc);

/* Parse a TZif image with the same reader (for tests and fuzzing) and give
 * the offset at t: 0, or ERR_INVALID.  The loaded zone is not touched. */
int tehran_tzif_offset(const void *data, size_t len, int64_t t, int *offset_sec);

#endif
