/*
 * tehran.c - Asia/Tehran offsets from the TZif file (RFC 8536).
 *
 * The file is read once, under pthread_once, into a fixed table; every
 * count in it is checked against the file's length and against our own caps
 * before use.  Only the version 2+ (64-bit) section and the footer are used.
 */
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "fa/tehran.h"


struct zone {
	int rc;				/* 0 loaded, or ERR_IO */
	size_t ntrans;
	int64_t at[CAP_TZ_TRANSITIONS];	/* transition instants, ascending */
	int off[CAP_TZ_TRANSITIONS];		/* offset in force from at[i] on */
	int first_off;			/* before the first transition */
	bool have_footer;
	int footer_off;			/* after the last transition */
};

static struct zone zone;
static pthread_once_t zone_once = PTHREAD_ONCE_INIT;
static char zone_path[CAP_TZ_PATH] = TEHRAN_TZFILE_DEFAULT;
static bool zone_started;
static pthread_mutex_t path_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/*
 * Parse a POSIX TZ footer naming a standard time only: "<+0330>-3:30" or
 * "IRST-3:30".  A footer with a DST part is refused (the last transition's
 * offset is used then).  The POSIX sign is west-positive, so "-3:30" is
 * UTC+03:30.
 */
static int parse_footer(const char *s, int *off)
{
	int sign = 1, h = 0, m = 0, sec = 0, nd = 0;

	if (*s == '<') {
		while (*s && *s != '>')
			s++;
		if (*s++ != '>')
			return ERR_INVALID;
	} else {
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
			s++;
	}
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (; *s >= '0' && *s <= '9' && nd < 3; s++, nd++)
		h = h * 10 + (*s - '0');
	if (nd == 0 || h > 24)
		return ERR_INVALID;
	if (*s == ':') {
		s++;
		for (nd = 0; *s >= '0' && *s <= '9' && nd < 2; s++, nd++)
			m = m * 10 + (*s - '0');
		if (nd != 2 || m > 59)
			return ERR_INVALID;
	}
	if (*s == ':') {
		s++;
		for (nd = 0; *s >= '0' && *s <= '9' && nd < 2; s++, nd++)
			sec = sec * 10 + (*s - '0');
		if (nd != 2 || sec > 59)
			return ERR_INVALID;
	}
	if (*s != '\0')
		return ERR_INVALID;	/* a DST part follows */
	*off = -sign * (h * 3600 + m * 60 + sec);
	return 0;
}

/* The six counts of a TZif header at p. */
struct tzcounts { uint32_t isut, isstd, leap, time, type, chars; };

static void read_counts(const unsigned char *p, struct tzcounts *c)
{
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
}

/* Size of a data block with the given counts and time size (4 or 8). */
static size_t block_size(const struct tzcounts *c, size_t tsz)
{
	return (size_t)c->time * tsz + c->time + (size_t)c->type * 6 + c->chars +
	       (size_t)c->leap * (tsz + 4) + c->isstd + c->isut;
}

static bool counts_sane(const struct tzcounts *c)
{
	return c->time <= CAP_TZ_TRANSITIONS && c->type >= 1 && c->type <= CAP_TZ_TYPES &&
	       c->chars <= CAP_TZ_FILE && c->leap <= CAP_TZ_FILE && c->isstd <= CAP_TZ_TYPES &&
	       c->isut <= CAP_TZ_TYPES;
}

static int parse_tzif(const unsigned char *f, size_t len, struct zone *z)
{
	struct tzcounts c1, c2;
	const unsigned char *p, *times, *idx, *types;
	size_t pos, i, flen;
	char footer[128];

	if (len < 44 || memcmp(f, "TZif", 4) != 0 || f[4] < '2')
		return ERR_INVALID;
	read_counts(f, &c1);
	if (!counts_sane(&c1))
		return ERR_INVALID;
	pos = 44 + block_size(&c1, 4);
	if (pos + 44 > len || memcmp(f + pos, "TZif", 4) != 0)
		return ERR_INVALID;
	read_counts(f + pos, &c2);
	if (!counts_sane(&c2))
		return ERR_INVALID;
	p = f + pos + 44;
	if (block_size(&c2, 8) > len - (pos + 44))
		return ERR_INVALID;
	times = p;
	idx = times + (size_t)c2.time * 8;
	types = idx + c2.time;
	z->ntrans = c2.time;
	for (i = 0; i < c2.time; i++) {
		z->at[i] = be64(times + 8 * i);
		if (idx[i] >= c2.type || (i > 0 && z->at[i] <= z->at[i - 1]))
			return ERR_INVALID;
		z->off[i] = (int32_t)be32(types + 6 * (size_t)idx[i]);
	}
	z->first_off = (int32_t)be32(types);	/* type 0, RFC 8536 3.2 */
	for (i = 0; i < c2.type; i++) {
		int32_t o = (int32_t)be32(types + 6 * i);

		if (o < -26 * 3600 || o > 26 * 3600)
			return ERR_INVALID;
	}
	/* Footer: "\n" TZ "\n" right after the block. */
	pos = pos + 44 + block_size(&c2, 8);
	z->have_footer = false;
	if (pos < len && f[pos] == '\n') {
		for (flen = 0; pos + 1 + flen < len && f[pos + 1 + flen] != '\n'; flen++)
			;
		if (pos + 1 + flen < len && flen < sizeof(footer)) {
			memcpy(footer, f + pos + 1, flen);
			footer[flen] = '\0';
			z->have_footer = parse_footer(footer, &z->footer_off) == 0;
		}
	}
	return 0;
}

static void zone_load(void)
{
	static unsigned char f[CAP_TZ_FILE];
	FILE *fp;
	size_t len;

	pthread_mutex_lock(&path_lock);
	zone_started = true;
	pthread_mutex_unlock(&path_lock);
	zone.rc = ERR_IO;
	fp = fopen(zone_path, "rb");
	if (!fp)
		return;
	len = fread(f, 1, sizeof(f), fp);
	/* a file filling the whole buffer may be longer: refuse it */
	if (!ferror(fp) && len < sizeof(f) && parse_tzif(f, len, &zone) == 0)
		zone.rc = 0;
	fclose(fp);
}

int tehran_set_tzfile(const char *path)
{
	int rc = 0;

	pthread_mutex_lock(&path_lock);
	if (zone_started || str_copy(zone_path, sizeof(zone_path), path) >= sizeof(zone_path))
		rc = ERR_INVALID;
	pthread_mutex_unlock(&path_lock);
	return rc;
}

static int zone_get(const struct zone **z)
{
	pthread_once(&zone_once, zone_load);
	*z = &zone;
	return zone.rc;
}

static int offset_at(const struct zone *z, int64_t t)
{
	size_t lo = 0, hi = z->ntrans;

	if (z->ntrans == 0 || t < z->at[0])
		return z->ntrans == 0 && z->have_footer ? z->footer_off : z->first_off;
	if (t >= z->at[z->ntrans - 1] && z->have_footer)
		return z->footer_off;
	/* the last i with at[i] <= t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off[lo];
}

int tehran_tzif_offset(const void *data, size_t len, int64_t t, int *offset_sec)
{
	struct zone *z = xcalloc(1, sizeof(*z));
	int rc = ERR_INVALID;

	if (len <= CAP_TZ_FILE && parse_tzif(data, len, z) == 0) {
		*offset_sec = offset_at(z, t);
		rc = 0;
	}
	free(z);
	return rc;
}

int tehran_offset(int64_t utc, int *offset_sec)
{
	const struct zone *z;
	int rc = zone_get(&z);

	if (rc != 0)
		return rc;
	*offset_sec = offset_at(z, utc);
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int tehran_day_of(int64_t utc, struct jdate *out)
{
	const struct zone *z;
	int rc = zone_get(&z);

	if (rc != 0)
		return rc;
	/* far outside the calendar range; keeps the sum below from overflowing */
	if (utc < -(INT64_C(1) << 40) || utc > (INT64_C(1) << 40))
		return ERR_INVALID;
	return jalali_from_days(floor_div(utc + offset_at(z, utc), 86400), out);
}

/* The local wall-clock second at utc. */
static int64_t local_at(const struct zone *z, int64_t utc)
{
	return utc + offset_at(z, utc);
}

/*
 * The first instant whose wall clock reads l or later while the instant
 * before read earlier: l minus one of the zone's offsets near l, or (when a
 * change skipped l) a transition close to l.  So a wall time that happens
 * twice (clocks set back) is its first occurrence, and one that never
 * happens (clocks set forward) is the instant of the change.
 */
static int zone_from_local(const struct zone *z, int64_t l, int64_t *utc)
{
	int64_t best = INT64_MAX, u;
	size_t i;

	for (i = 0; i <= z->ntrans + 2; i++) {
		if (i < z->ntrans) {
			if (z->at[i] < l - 2 * 86400 || z->at[i] > l + 2 * 86400)
				continue;
			u = z->at[i];
		} else if (i == z->ntrans) {
			u = l - z->first_off;
		} else if (i == z->ntrans + 1) {
			u = l - offset_at(z, l - 86400);
		} else {
			u = l - offset_at(z, l + 86400);
		}
		if (u < best && local_at(z, u) >= l && local_at(z, u - 1) < l)
			best = u;
	}
	/* the offsets near l are all tried above, so some candidate holds;
	 * local time only jumps by whole offsets */
	if (best == INT64_MAX)
		return ERR_INVALID;
	*utc = best;
	return 0;
}

int tehran_local_midnight(int64_t days, int64_t *utc)
{
	const struct zone *z;
	int rc = zone_get(&z);

	if (rc != 0)
		return rc;
	if (days < -(INT64_C(1) << 30) || days > (INT64_C(1) << 30))
		return ERR_INVALID;
	return zone_from_local(z, days * 86400, utc);
}

int tehran_day_start(const struct jdate *d, int64_t *utc)
{
	if (!jalali_valid(d))
		return ERR_INVALID;
	return tehran_local_midnight(jalali_to_days(d), utc);
}

/* ---- any zone of the system's tz database ---- */

struct tz {
	struct zone z;
};

/* A zone name is path segments of [A-Za-z0-9_+-] (no "..", no absolute
 * path): it names a file under the tz directory and nothing else. */
static bool tz_name_ok(const char *name)
{
	size_t i, seg = 0, len = strlen(name);

	if (len == 0 || len > 128)
		return false;
	for (i = 0; i < len; i++) {
		char ch = name[i];

		if (ch == '/') {
			if (seg == 0)
				return false;
			seg = 0;
			continue;
		}
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '+' || ch == '-'))
			return false;
		seg++;
	}
	return seg > 0;
}

int tz_load(const char *name, struct tz **out)
{
	const char *dir = getenv("TZDIR");
	char path[CAP_TZ_PATH];
	unsigned char *f = NULL;
	struct tz *t = NULL;
	FILE *fp;
	size_t len;
	int rc = ERR_IO;

	*out = NULL;
	if (!name || !tz_name_ok(name))
		return ERR_INVALID;
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return ERR_INVALID;
	fp = fopen(path, "rb");
	if (!fp)
		return ERR_NOTFOUND;
	f = xmalloc(CAP_TZ_FILE);
	t = xcalloc(1, sizeof(*t));
	len = fread(f, 1, CAP_TZ_FILE, fp);
	if (!ferror(fp) && len < CAP_TZ_FILE)
		rc = parse_tzif(f, len, &t->z) == 0 ? 0 : ERR_INVALID;
	fclose(fp);
	free(f);
	if (rc < 0) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void tz_free(struct tz *t)
{
	free(t);
}

int tz_offset(const struct tz *t, int64_t utc)
{
	return offset_at(&t->z, utc);
}

int tz_local_to_utc(const struct tz *t, int64_t local, int64_t *utc)
{
	if (local < -(INT64_C(1) << 40) || local > (INT64_C(1) << 40))
		return ERR_INVALID;
	return zone_from_local(&t->z, local, utc);
}

/* ---- ISO 8601 text ---- */

static int two(const char *s, int64_t max, int64_t *out)
{
	return num_parsen(s, 2, 0, max, out);
}

int iso_time_parse(const char *s, int64_t *local, bool *has_offset, int *offset_sec)
{
	char date[11];
	struct gdate g;
	int64_t h = 0, mi = 0, se = 0, oh = 0, om = 0;
	size_t len = strlen(s), i = 10;
	int sign;

	*has_offset = false;
	*offset_sec = 0;
	if (len < 10 || len > 40)
		return ERR_INVALID;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date[4] != '-' || date[7] != '-' || gregorian_parse(date, &g) < 0)
		return ERR_INVALID;
	if (len > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || len < 16 || two(s + 11, 23, &h) ||
		    s[13] != ':' || two(s + 14, 59, &mi))
			return ERR_INVALID;
		i = 16;
		if (i < len && s[i] == ':') {
			if (len < 19 || two(s + 17, 59, &se))
				return ERR_INVALID;
			i = 19;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
					;
				if (s[i - 1] == '.' || s[i - 1] == ',')
					return ERR_INVALID;
			}
		}
	}
	if (i < len) {
		if (s[i] == 'Z' && i + 1 == len) {
			*has_offset = true;
		} else if (s[i] == '+' || s[i] == '-') {
			sign = s[i] == '-' ? -1 : 1;
			i++;
			if (len - i == 2 && !two(s + i, 23, &oh))
				om = 0;
			else if (len - i == 4 && !two(s + i, 23, &oh) && !two(s + i + 2, 59, &om))
				;
			else if (len - i == 5 && s[i + 2] == ':' && !two(s + i, 23, &oh) &&
				 !two(s + i + 3, 59, &om))
				;
			else
				return ERR_INVALID;
			*has_offset = true;
			*offset_sec = sign * (int)(oh * 3600 + om * 60);
		} else {
			return ERR_INVALID;
		}
	}
	*local = gregorian_to_days(&g) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

/* v (0 <= v < 10^width) in width ASCII digits at p; the end */
static char *digits(char *p, int v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

void iso_utc_format(int64_t t, char *out, size_t outsz)
{
	size_t n;

	iso_time_format(t, 0, false, out, outsz);
	n = strlen(out);
	if (n + 1 < outsz) {
		out[n] = 'Z';
		out[n + 1] = '\0';
	}
}

void iso_time_format(int64_t utc, int offset_sec, bool with_offset, char *out, size_t outsz)
{
	int64_t l = utc + offset_sec, days = floor_div(l, 86400), secs = l - days * 86400;
	int a = offset_sec < 0 ? -offset_sec : offset_sec;
	struct gdate g;
	int n;

	gregorian_from_days(days, &g);
	/* the digits by hand where they fit (every answer carries several of
	 * these times; snprintf was 3% of a tracking look-up) */
	if (g.y >= 0 && g.y <= 9999 && a < 100 * 3600 && outsz >= sizeof("0000-00-00T00:00:00+00:00")) {
		char *p = out;

		p = digits(p, g.y, 4);
		*p++ = '-';
		p = digits(p, g.m, 2);
		*p++ = '-';
		p = digits(p, g.d, 2);
		*p++ = 'T';
		p = digits(p, (int)(secs / 3600), 2);
		*p++ = ':';
		p = digits(p, (int)(secs / 60 % 60), 2);
		*p++ = ':';
		p = digits(p, (int)(secs % 60), 2);
		if (with_offset) {
			*p++ = offset_sec < 0 ? '-' : '+';
			p = digits(p, a / 3600, 2);
			*p++ = ':';
			p = digits(p, a / 60 % 60, 2);
		}
		*p = '\0';
		return;
	}
	n = snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d", g.y, g.m, g.d,
		     (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (with_offset && n > 0 && (size_t)n < outsz)
		snprintf(out + n, outsz - (size_t)n, "%c%02d:%02d", offset_sec < 0 ? '-' : '+',
			 a / 3600, a / 60 % 60);
}
