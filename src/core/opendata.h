/*
 * opendata.h - history in and out in the layout the 311 world publishes
 * (NYC Open Data's 311 Service Requests, dataset erm2-nwe9), so a city can
 * bring in what an older system recorded and publish hamgan's own messages
 * on a transparency portal.  docs/open-data.md is the user's side.
 *
 * Import: columns are found by name in the header (any order; others are
 * ignored); unique_key, created_date, agency and complaint_type must be
 * there.  Times are local wall-clock times in the zone given, ISO 8601
 * ("2013-12-25T00:00:00", optional ".000" fraction) or as NYC's portal
 * exports them ("12/25/2013 12:00:00 AM").  Each agency becomes a department
 * under the organisation (code: the acronym in lower case), each complaint
 * type a category under the "imported-311" root; each row a message
 * registered at created_date on its channel, referred at once to its agency,
 * answered and closed at closed_date when the row has one.  A row is written
 * whole or not at all: one that cannot be read is reported with its line and
 * skipped.  unique_key is recorded, so a second import of the same rows adds
 * nothing.
 *
 * Export: the same header the import reads, one row per message created in
 * a period, anonymised (no name, mobile or national id ever; for a
 * confidential message no free text and no place either).
 */
#ifndef HAMGAN_CORE_OPENDATA_H
#define HAMGAN_CORE_OPENDATA_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct core;
struct actor;
struct tz;

struct od_import_stats {
	size_t rows;		/* data rows read */
	size_t imported;	/* messages made */
	size_t already;		/* rows imported before (unique_key known) */
	size_t skipped;		/* rows that could not be read */
	size_t warnings;	/* closed_date dropped (before created_date) */
};

/*
 * Called for every problem (a skipped row, a dropped closed_date) with its
 * line and a message in English, and every few hundred rows with progress
 * (line 0, msg NULL, done/total bytes).  May be NULL.
 */
typedef void od_report_fn(void *ctx, size_t line, const char *msg, size_t done, size_t total);

/*
 * Import data (len bytes of CSV) with local times in zone tz.  Errors that
 * stop the whole import (a bad header, an unreadable file, a store failure)
 * return < 0 with nothing of the current batch written; row problems go to
 * report and are counted.  System actor only.
 */
int od_import_311(struct core *c, const struct actor *a, const char *data, size_t len,
		  const struct tz *tz, od_report_fn *report, void *ctx,
		  struct od_import_stats *st, struct err *err);

/* The header both directions use. */
extern const char od_311_header[];

/* Where the export goes: 0, or < 0 when the bytes could not be written. */
typedef int od_write_fn(void *ctx, const char *data, size_t len);

/*
 * Export the messages created in [from, to), oldest first, through write
 * (CSV with od_311_header, written a few hundred rows at a time), times
 * local in zone tz without an offset.  *count gets the rows written.
 * Admin, inspector and system only.
 */
int od_export_311(struct core *c, const struct actor *a, int64_t from, int64_t to,
		  const struct tz *tz, od_write_fn *write, void *ctx, size_t *count,
		  struct err *err);

#endif
