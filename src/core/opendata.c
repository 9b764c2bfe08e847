/*
 * opendata.c - `import 311-csv` and `export 311-csv`: NYC's published 311
 * layout in and out (opendata.h, docs/open-data.md).
 *
 * The import replays each row through the ordinary core calls with the
 * clock set to the row's times (register, refer, answer, close), so the
 * audit chain, the referral hops and the report aggregates are exactly what
 * a live system would have recorded.  Each row is a savepoint inside a batch
 * of rows: a row that fails is undone alone.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/batch.h"
#include "core/category.h"
#include "core/core_int.h"
#include "core/csv.h"
#include "core/flow.h"
#include "core/opendata.h"
#include "core/unit.h"
#include "fa/jalali.h"
#include "fa/tehran.h"

#define SOURCE "311-csv"
#define ROOT_CATEGORY "imported-311"
#define BATCH_ROWS 500
#define PROGRESS_ROWS 100
/* Deadline of the categories made for complaint types (the file's own
 * due dates vary by agency and are not carried over). */
#define IMPORT_DEADLINE_HOURS 72

const char od_311_header[] = "unique_key,created_date,closed_date,agency,agency_name,"
	"complaint_type,descriptor,status,resolution_description,incident_address,latitude,"
	"longitude,open_data_channel_type";

enum col {
	C_KEY, C_CREATED, C_CLOSED, C_AGENCY, C_AGENCY_NAME, C_TYPE, C_DESCRIPTOR, C_STATUS,
	C_RESOLUTION, C_ADDRESS, C_LAT, C_LON, C_CHANNEL, C_COUNT
};

static const char *const col_names[C_COUNT] = {
	"unique_key", "created_date", "closed_date", "agency", "agency_name", "complaint_type",
	"descriptor", "status", "resolution_description", "incident_address", "latitude",
	"longitude", "open_data_channel_type",
};

/* Columns without which a row cannot become a message. */
static bool col_required(enum col c)
{
	return c == C_KEY || c == C_CREATED || c == C_AGENCY || c == C_TYPE;
}

/* ---- times ---- */

/* "12/25/2013 12:00:00 AM" (NYC's portal) as local seconds. */
static int nyc_time_parse(const char *s, int64_t *local)
{
	struct gdate g;
	int64_t mo, d, y, h, mi, se;

	if (strlen(s) != 22 || s[2] != '/' || s[5] != '/' || s[10] != ' ' || s[13] != ':' ||
	    s[16] != ':' || s[19] != ' ' || (s[21] != 'M') || (s[20] != 'A' && s[20] != 'P') ||
	    num_parsen(s, 2, 1, 12, &mo) || num_parsen(s + 3, 2, 1, 31, &d) ||
	    num_parsen(s + 6, 4, 1, 9999, &y) || num_parsen(s + 11, 2, 1, 12, &h) ||
	    num_parsen(s + 14, 2, 0, 59, &mi) || num_parsen(s + 17, 2, 0, 59, &se))
		return ERR_INVALID;
	g.y = (int)y;
	g.m = (int)mo;
	g.d = (int)d;
	if (!gregorian_valid(&g))
		return ERR_INVALID;
	h = h % 12 + (s[20] == 'P' ? 12 : 0);
	*local = gregorian_to_days(&g) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

/* A row's time in zone tz (or at the offset it names) as a UTC instant. */
static int row_time(const char *s, const struct tz *tz, int64_t *utc)
{
	int64_t local;
	bool has_off;
	int off;

	if (iso_time_parse(s, &local, &has_off, &off) == 0) {
		if (has_off) {
			*utc = local - off;
			return 0;
		}
	} else if (nyc_time_parse(s, &local) < 0) {
		return ERR_INVALID;
	}
	return tz_local_to_utc(tz, local, utc);
}

/* ---- units and categories made on the way ---- */

/* The organisation root and the centre, made when the database has none. */
static int ensure_tree(struct core *c, const struct actor *a, int64_t *org, struct err *err)
{
	struct unit u, ctr;
	int rc = OPS(c)->unit_first_of_kind(c->st, UNIT_ORGANISATION, &u, err);

	if (rc == ERR_NOTFOUND) {
		memset(&u, 0, sizeof(u));
		str_copy(u.code, sizeof(u.code), "city");
		str_copy(u.name, sizeof(u.name), "شهرداری");
		u.kind = UNIT_ORGANISATION;
		u.active = true;
		rc = unit_add(c, a, &u, err);
	}
	if (rc < 0)
		return rc;
	*org = u.id;
	rc = unit_centre(c, &ctr, err);
	if (rc == ERR_NOTFOUND) {
		memset(&ctr, 0, sizeof(ctr));
		str_copy(ctr.code, sizeof(ctr.code), "centre");
		str_copy(ctr.name, sizeof(ctr.name), "مرکز ارتباط مردمی");
		ctr.kind = UNIT_CENTRE;
		ctr.parent_id = u.id;
		ctr.active = true;
		rc = unit_add(c, a, &ctr, err);
	}
	return rc;
}

/* The unit of an agency: its acronym in lower case, a department under the
 * organisation, named after agency_name when the file has one. */
static int agency_unit(struct core *c, const struct actor *a, int64_t org, const char *agency,
		       const char *name, struct unit *out, struct err *err)
{
	char code[CAP_CODE];
	size_t i, len = strlen(agency);
	int rc;

	if (len == 0 || len >= sizeof(code))
		return err_set(err, ERR_INVALID, "agency", "agency '%.64s' is not an acronym",
			       agency);
	for (i = 0; i <= len; i++)
		code[i] = (agency[i] >= 'A' && agency[i] <= 'Z') ? (char)(agency[i] - 'A' + 'a')
								  : agency[i];
	if (code_check("agency", code, err) < 0)
		return err_set(err, ERR_INVALID, "agency", "agency '%.64s' is not an acronym "
			       "([A-Za-z0-9._-])", agency);
	rc = unit_get_by_code(c, code, out, err);
	if (rc != ERR_NOTFOUND)
		return rc;
	memset(out, 0, sizeof(*out));
	str_copy(out->code, sizeof(out->code), code);
	str_copy(out->name, sizeof(out->name), name && *name ? name : agency);
	str_utf8_trim_partial(out->name);
	out->kind = UNIT_DEPARTMENT;
	out->parent_id = org;
	out->active = true;
	return unit_add(c, a, out, err);
}

/*
 * The code of a complaint type: "311-" and its letters and digits in lower
 * case, '-' between words; when that is empty, too long or taken by another
 * name, the slug's first part and 8 hex digits of the name's BLAKE2b hash.
 */
static void type_code(const char *type, bool hashed, char out[CAP_CODE])
{
	unsigned char h[4];
	size_t o = 4, i;
	bool dash = false;

	memcpy(out, "311-", 4);
	for (i = 0; type[i] && o < 44; i++) {
		char ch = type[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && o > 4)
				out[o++] = '-';
			out[o++] = ch;
			dash = false;
		} else {
			dash = true;
		}
	}
	if (hashed || o == 4 || type[i]) {
		crypto_generichash(h, sizeof(h), (const unsigned char *)type, strlen(type), NULL, 0);
		snprintf(out + o, CAP_CODE - o, "%s%02x%02x%02x%02x", o > 4 ? "-" : "", h[0], h[1],
			 h[2], h[3]);
		return;
	}
	out[o] = '\0';
}

static int type_category(struct core *c, const struct actor *a, const char *type,
			 struct category *out, struct err *err)
{
	struct category root;
	char code[CAP_CODE];
	int rc, pass;

	if (text_check("complaint_type", type, CAP_NAME - 1, true, false, err) < 0)
		return ERR_INVALID;
	for (pass = 0; pass < 2; pass++) {
		type_code(type, pass == 1, code);
		rc = category_get_by_code(c, code, out, err);
		if (rc == 0 && str_eq(out->name, type))
			return 0;
		if (rc == 0)
			continue;	/* another name has this slug */
		if (rc != ERR_NOTFOUND)
			return rc;
		rc = category_get_by_code(c, ROOT_CATEGORY, &root, err);
		if (rc == ERR_NOTFOUND) {
			memset(&root, 0, sizeof(root));
			str_copy(root.code, sizeof(root.code), ROOT_CATEGORY);
			str_copy(root.name, sizeof(root.name), "واردشده از سامانهٔ ۳۱۱");
			root.deadline_hours = IMPORT_DEADLINE_HOURS;
			root.kinds = CATEGORY_ALL_KINDS;
			root.active = true;
			rc = category_add(c, a, &root, err);
		}
		if (rc < 0)
			return rc;
		memset(out, 0, sizeof(*out));
		str_copy(out->code, sizeof(out->code), code);
		str_copy(out->name, sizeof(out->name), type);
		out->parent_id = root.id;
		out->deadline_hours = IMPORT_DEADLINE_HOURS;
		out->kinds = CATEGORY_ALL_KINDS;
		out->active = true;
		return category_add(c, a, out, err);
	}
	return err_set(err, ERR_CONFLICT, "complaint_type", "no free code for '%s'", type);
}

/* ---- rows ---- */

static enum msg_channel channel_of(const char *s)
{
	if (str_eq(s, "ONLINE"))
		return CHANNEL_WEB;
	if (str_eq(s, "MOBILE"))
		return CHANNEL_OPEN311;
	return CHANNEL_PHONE;	/* PHONE, OTHER, UNKNOWN, none */
}

struct importer {
	struct core *c;
	const struct actor *a;
	const struct tz *tz;
	int64_t org;
	int col[C_COUNT];	/* field index, -1 absent */
	od_report_fn *report;
	void *ctx;
	struct od_import_stats *st;
	struct msg *m;		/* the row's message */
};

static const char *fld(const struct importer *im, const struct csv *r, enum col c)
{
	return im->col[c] >= 0 ? r->fields[im->col[c]] : "";
}

/* A bounded copy of a text field (cut at a character boundary). */
static void clip(char *dst, size_t dstsz, const char *s)
{
	str_copy(dst, dstsz, s);
	str_utf8_trim_partial(dst);
}

/* One row, inside its savepoint.  Returns 0, 1 (known already), or an
 * error: ERR_INVALID / ERR_TOOBIG / ERR_CONFLICT skip the row, others stop. */
static int import_row(struct importer *im, const struct csv *r, struct err *err)
{
	struct core *c = im->c;
	const char *key = fld(im, r, C_KEY), *closed_s = fld(im, r, C_CLOSED);
	const char *lat = fld(im, r, C_LAT), *lon = fld(im, r, C_LON);
	char subject[CAP_MSG_SUBJECT + 1], body[CAP_MSG_BODY + 1], addr[CAP_MSG_ADDRESS + 1];
	char answer[CAP_MSG_ANSWER + 1], warn[160];
	int64_t created, closed = 0, id;
	struct msg_new in;
	struct unit unit;
	struct category cat;
	struct msg *m = im->m;
	struct actor staff;
	int rc;

	if (!*key || strlen(key) > CAP_OPEN311_ID)
		return err_set(err, ERR_INVALID, "unique_key", "no unique_key");
	rc = OPS(c)->import_key_get(c->st, SOURCE, key, &id, err);
	if (rc == 0)
		return 1;
	if (rc != ERR_NOTFOUND)
		return rc;
	if (row_time(fld(im, r, C_CREATED), im->tz, &created) < 0)
		return err_set(err, ERR_INVALID, "created_date", "created_date '%.40s' is not a "
			       "date-time", fld(im, r, C_CREATED));
	if (*closed_s && row_time(closed_s, im->tz, &closed) < 0)
		return err_set(err, ERR_INVALID, "closed_date", "closed_date '%.40s' is not a "
			       "date-time", closed_s);
	memset(&in, 0, sizeof(in));
	if (*lat || *lon) {
		if (num_parse_decimal(lat, -90, 90, &in.lat) < 0 ||
		    num_parse_decimal(lon, -180, 180, &in.lon) < 0)
			return err_set(err, ERR_INVALID, "latitude", "latitude/longitude '%.32s', "
				       "'%.32s' are not coordinates", lat, lon);
		in.has_point = true;
	}
	rc = agency_unit(c, im->a, im->org, fld(im, r, C_AGENCY), fld(im, r, C_AGENCY_NAME),
			 &unit, err);
	if (rc == 0)
		rc = type_category(c, im->a, fld(im, r, C_TYPE), &cat, err);
	if (rc < 0)
		return rc;
	if (closed && closed < created) {
		snprintf(warn, sizeof(warn), "closed_date %.30s is before created_date %.30s: "
			 "dropped, the row stays unanswered", closed_s, fld(im, r, C_CREATED));
		if (im->report)
			im->report(im->ctx, r->record_line, warn, 0, 0);
		im->st->warnings++;
		closed = 0;
	}
	clip(subject, sizeof(subject), fld(im, r, C_TYPE));
	clip(body, sizeof(body), *fld(im, r, C_DESCRIPTOR) ? fld(im, r, C_DESCRIPTOR)
							   : fld(im, r, C_TYPE));
	clip(addr, sizeof(addr), fld(im, r, C_ADDRESS));
	in.channel = channel_of(fld(im, r, C_CHANNEL));
	/* the row is referred to its agency right after, as the other system did:
	 * never routed by rule or place (docs/routing.md) */
	in.no_route = true;
	in.kind = KIND_REQUEST;
	in.category_id = cat.id;
	in.subject = subject;
	in.body = body;
	in.address = addr;
	in.anonymous = true;
	core_set_now(c, created);
	rc = msg_register(c, im->a, &in, m, err);
	if (rc == 0)
		rc = msg_refer(c, im->a, m->id, 0, unit.id, cat.id, 0, "import 311-csv", m, err);
	if (rc == 0 && closed) {
		/* the answer is the agency's: an actor of that unit, no account */
		memset(&staff, 0, sizeof(staff));
		staff.role = ROLE_STAFF;
		staff.unit_id = unit.id;
		str_copy(staff.name, sizeof(staff.name), "import:" SOURCE);
		clip(answer, sizeof(answer), fld(im, r, C_RESOLUTION));
		if (!answer[0])
			str_copy(answer, sizeof(answer), "در سامانهٔ مبدأ بسته شده است.");
		core_set_now(c, closed);
		rc = msg_answer(c, &staff, m->id, 0, answer, m, err);
		if (rc == 0)
			rc = msg_close(c, im->a, m->id, 0, m, err);
	}
	if (rc == 0)
		rc = OPS(c)->import_key_put(c->st, SOURCE, key, m->id, err);
	return rc;
}

static bool row_skippable(int rc)
{
	return rc == ERR_INVALID || rc == ERR_TOOBIG || rc == ERR_CONFLICT;
}

static int find_columns(struct importer *im, const struct csv *r, struct err *err)
{
	size_t i;
	int k;

	for (k = 0; k < C_COUNT; k++)
		im->col[k] = -1;
	for (i = 0; i < r->nfields; i++)
		for (k = 0; k < C_COUNT; k++)
			if (str_eq(r->fields[i], col_names[k]) && im->col[k] < 0)
				im->col[k] = (int)i;
	for (k = 0; k < C_COUNT; k++)
		if (col_required((enum col)k) && im->col[k] < 0)
			return err_set(err, ERR_INVALID, "file", "line 1: the header has no "
				       "'%s' column (NYC's 311 layout: unique_key, created_date, "
				       "closed_date, agency, complaint_type, ...)", col_names[k]);
	return 0;
}

int od_import_311(struct core *c, const struct actor *a, const char *data, size_t len,
		  const struct tz *tz, od_report_fn *report, void *ctx,
		  struct od_import_stats *st, struct err *err)
{
	struct importer im;
	struct csv r;
	struct err e2;
	int64_t saved_now = c->fixed_now;
	size_t header_fields, in_batch = 0;
	bool batch = false;
	char msg[ERR_MSG_MAX + 32];
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	im.c = c;
	im.a = a;
	im.tz = tz;
	im.report = report;
	im.ctx = ctx;
	im.st = st;
	if (a->role != ROLE_SYSTEM)
		return err_set(err, ERR_DENIED, "", "only the system imports history");
	im.m = xmalloc(sizeof(*im.m));
	rc = csv_init_cap(&r, data, len, CAP_311_CSV_FILE, err);
	if (rc == 0)
		rc = csv_next(&r, err);
	if (rc == 0)
		rc = err_set(err, ERR_INVALID, "file", "the file is empty");
	if (rc < 0)
		goto out;
	rc = find_columns(&im, &r, err);
	if (rc < 0)
		goto out;
	header_fields = r.nfields;
	rc = core_begin(c, err);
	if (rc == 0) {
		rc = ensure_tree(c, a, &im.org, err);
		rc = core_end(c, rc, err);
	}
	if (rc < 0)
		goto out;
	for (;;) {
		err_clear(&e2);
		rc = csv_next(&r, &e2);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* the reader cannot find where the next record starts: keep
			 * the rows before it, stop */
			if (batch && core_batch_commit(c, NULL) < 0)
				core_batch_rollback(c);
			batch = false;
			rc = err_set(err, rc, "file", "%s (import stopped there; the rows before it "
				     "are imported)", e2.msg);
			break;
		}
		st->rows++;
		if (!batch) {
			rc = core_batch_begin(c, err);
			if (rc < 0)
				break;
			batch = true;
		}
		rc = core_begin(c, &e2);
		if (rc == 0) {
			if (r.nfields != header_fields)
				rc = err_set(&e2, ERR_INVALID, "file", "%zu fields where the header "
					     "has %zu", r.nfields, header_fields);
			else
				rc = import_row(&im, &r, &e2);
			if (rc >= 0)
				rc = core_commit(c, &e2) < 0 ? e2.code : rc;
			else
				core_rollback(c);
		}
		if (rc == 1) {
			st->already++;
		} else if (rc == 0) {
			st->imported++;
		} else if (row_skippable(rc)) {
			st->skipped++;
			snprintf(msg, sizeof(msg), "skipped: %s", e2.msg);
			if (report)
				report(ctx, r.record_line, msg, 0, 0);
		} else {
			rc = err_set(err, rc, e2.field, "line %zu: %s", r.record_line, e2.msg);
			break;
		}
		rc = 0;
		if (++in_batch == BATCH_ROWS) {
			rc = core_batch_commit(c, err);
			batch = false;
			in_batch = 0;
			if (rc < 0)
				break;
		}
		if (report && st->rows % PROGRESS_ROWS == 0)
			report(ctx, 0, NULL, (size_t)(r.p - data), len);
	}
	if (batch) {
		if (rc == 0)
			rc = core_batch_commit(c, err);
		else
			core_batch_rollback(c);
	}
	if (rc == 0 && report)
		report(ctx, 0, NULL, len, len);
out:
	core_set_now(c, saved_now);
	csv_release(&r);
	free(im.m);
	return rc;
}

/* ---- export ---- */

static const char *status_of(enum msg_state s)
{
	switch (s) {
	case STATE_REGISTERED:
	case STATE_REOPENED:
		return "Open";
	case STATE_REFERRED:
		return "Assigned";
	case STATE_IN_PROGRESS:
		return "In Progress";
	case STATE_RETURNED:
		return "Pending";
	default:
		return "Closed";
	}
}

static const char *channel_name_311(enum msg_channel ch)
{
	switch (ch) {
	case CHANNEL_PHONE:
		return "PHONE";
	case CHANNEL_WEB:
		return "ONLINE";
	case CHANNEL_OPEN311:
		return "MOBILE";
	default:
		return "OTHER";
	}
}

/*
 * One CSV field.  Text a person typed is guarded against spreadsheet
 * formulas (a leading = + - @ gets a leading apostrophe); every field with
 * a comma, quote or line break is quoted.
 */
static void csv_field(struct buf *b, const char *s, bool text, bool last)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		buf_addc(b, '"');
	if (text && (*s == '=' || *s == '+' || *s == '-' || *s == '@'))
		buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	if (quote)
		buf_addc(b, '"');
	buf_addc(b, last ? '\n' : ',');
}

static void csv_time(struct buf *b, const struct tz *tz, int64_t t)
{
	char s[40] = "";

	if (t)
		iso_time_format(t, tz_offset(tz, t), false, s, sizeof(s));
	csv_field(b, s, false, false);
}

static void export_row(struct buf *b, const struct msg *m, const struct msg_text *t,
		       const struct unit *u, const struct category *cat, const struct tz *tz)
{
	bool open = !m->confidential;
	int64_t closed = m->answered_at;
	char num[32];

	if (m->state == STATE_REJECTED)
		closed = m->closed_at;
	else if (m->state != STATE_ANSWERED && m->state != STATE_CLOSED)
		closed = 0;
	csv_field(b, m->code, false, false);
	csv_time(b, tz, m->created_at);
	csv_time(b, tz, closed);
	csv_field(b, u ? u->code : "", false, false);
	csv_field(b, u ? u->name : "", true, false);
	csv_field(b, cat ? cat->name : msg_kind_name_fa(m->kind), true, false);
	csv_field(b, open ? t->subject : "", true, false);
	csv_field(b, status_of(m->state), false, false);
	csv_field(b, open && m->state != STATE_REJECTED ? t->answer : "", true, false);
	csv_field(b, open ? t->address : "", true, false);
	snprintf(num, sizeof(num), "%.7f", m->lat);
	csv_field(b, open && m->has_point ? num : "", false, false);
	snprintf(num, sizeof(num), "%.7f", m->lon);
	csv_field(b, open && m->has_point ? num : "", false, false);
	csv_field(b, channel_name_311(m->channel), false, true);
}

int od_export_311(struct core *c, const struct actor *a, int64_t from, int64_t to,
		  const struct tz *tz, od_write_fn *write, void *ctx, size_t *count,
		  struct err *err)
{
	struct buf b = BUF_INIT(SIZE_MAX / 2);
	struct store_msg_ids q;
	struct unit *units = NULL;
	struct category *cats = NULL;
	struct msg mrec, *m = &mrec;
	struct msg_text *t = xmalloc(sizeof(*t));
	int64_t *ids = NULL;
	size_t nunits = 0, ncats = 0, nids = 0, i, j;
	int rc;

	*count = 0;
	if (a->role != ROLE_SYSTEM && a->role != ROLE_ADMIN && a->role != ROLE_INSPECTOR) {
		free(t);
		return err_set(err, ERR_DENIED, "", "only an admin or inspector exports data");
	}
	rc = unit_list(c, &units, &nunits, err);
	if (rc == 0)
		rc = category_list(c, &cats, &ncats, err);
	if (rc < 0)
		goto out;
	buf_adds(&b, od_311_header);
	buf_addc(&b, '\n');
	memset(&q, 0, sizeof(q));
	q.from = from;
	q.to = to;
	q.limit = BATCH_ROWS;
	for (;;) {
		rc = OPS(c)->msg_ids(c->st, &q, &ids, &nids, err);
		if (rc < 0 || nids == 0)
			break;
		for (i = 0; i < nids && rc == 0; i++) {
			const struct unit *u = NULL;
			const struct category *cat = NULL;

			rc = OPS(c)->msg_get(c->st, ids[i], m, err);
			if (rc < 0)
				break;
			msg_hide_identity_all(m);
			/* the texts of a confidential message are left out */
			memset(t, 0, sizeof(*t));
			if (!m->confidential)
				rc = msg_text_get(c, m, t, err);
			if (rc < 0)
				break;
			for (j = 0; j < nunits && !u; j++)
				if (units[j].id == m->unit_id)
					u = &units[j];
			for (j = 0; j < ncats && !cat; j++)
				if (cats[j].id == m->category_id)
					cat = &cats[j];
			export_row(&b, m, t, u, cat, tz);
			(*count)++;
			q.has_after = true;
			q.after_at = m->created_at;
			q.after_id = m->id;
		}
		free(ids);
		ids = NULL;
		if (rc == 0 && b.len && write(ctx, b.data, b.len) < 0)
			rc = err_set(err, ERR_IO, "output", "cannot write the export");
		buf_reset(&b);
		if (rc < 0)
			break;
	}
	if (rc == 0 && b.len && write(ctx, b.data, b.len) < 0)
		rc = err_set(err, ERR_IO, "output", "cannot write the export");
out:
	free(ids);
	free(units);
	free(cats);
	free(t);
	buf_release(&b);
	return rc;
}
