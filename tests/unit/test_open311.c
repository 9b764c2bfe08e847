/*
 * test_open311.c - issue 10's core and parsers on a real SQLite database:
 * any tz zone (New York's DST gap and overlap), ISO 8601 text, the form
 * reader, attribute definitions, API keys, Open311 intake (attributes in the
 * body, no SMS to the citizen, both steps or none), the public reads
 * (confidential absent, identities blanked), and a schema-3 database
 * upgraded in place.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core_fixture.h"
#include "core/apikey.h"
#include "core/open311.h"
#include "core/sms.h"
#include "fa/tehran.h"
#include "http/form.h"
#include "store/sqlite_int.h"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	fx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fx_teardown(f);
	free(f);
	return 0;
}

/* ---- zones and times ---- */

static void any_zone(void **state)
{
	struct tz *ny = NULL, *teh = NULL;
	int64_t utc;

	(void)state;
	assert_int_equal(tz_load("America/New_York", &ny), 0);
	assert_int_equal(tz_load("Asia/Tehran", &teh), 0);
	/* 2013-12-25 00:00 EST = 05:00 UTC; 2024-05-27 12:00 EDT = 16:00 UTC */
	assert_int_equal(tz_local_to_utc(ny, 1387929600, &utc), 0);
	assert_int_equal(utc, 1387929600 + 5 * 3600);
	assert_int_equal(tz_local_to_utc(ny, 1716811200, &utc), 0);
	assert_int_equal(utc, 1716811200 + 4 * 3600);
	/* 2024-03-10 02:30 never happened in New York: the change, 07:00 UTC */
	assert_int_equal(tz_local_to_utc(ny, 1710037800, &utc), 0);
	assert_int_equal(utc, 1710054000);
	/* 2024-11-03 01:30 happened twice: the first, 05:30 UTC (EDT) */
	assert_int_equal(tz_local_to_utc(ny, 1730597400, &utc), 0);
	assert_int_equal(utc, 1730597400 + 4 * 3600);
	/* Tehran: +04:30 in the summer of 1399, +03:30 since 1401 */
	assert_int_equal(tz_offset(teh, 1593597600), 16200);
	assert_int_equal(tz_offset(teh, 1719835200), 12600);
	tz_free(ny);
	tz_free(teh);
	assert_int_equal(tz_load("../../etc/passwd", &ny), ERR_INVALID);
	assert_int_equal(tz_load("/etc/localtime", &ny), ERR_INVALID);
	assert_int_equal(tz_load("Mars/Olympus", &ny), ERR_NOTFOUND);
	assert_int_equal(tz_load("", &ny), ERR_INVALID);
}

static void iso_times(void **state)
{
	int64_t l;
	bool has;
	int off;
	char s[40];

	(void)state;
	assert_int_equal(iso_time_parse("2013-12-25T00:00:00", &l, &has, &off), 0);
	assert_int_equal(l, 1387929600);
	assert_false(has);
	assert_int_equal(iso_time_parse("2013-12-25T00:00:00.000", &l, &has, &off), 0);
	assert_int_equal(l, 1387929600);
	assert_int_equal(iso_time_parse("2013-12-25 00:00", &l, &has, &off), 0);
	assert_int_equal(iso_time_parse("2013-12-25", &l, &has, &off), 0);
	assert_int_equal(iso_time_parse("2026-03-20T08:30:00+03:30", &l, &has, &off), 0);
	assert_true(has);
	assert_int_equal(off, 12600);
	assert_int_equal(iso_time_parse("2026-03-20T08:30:00-0500", &l, &has, &off), 0);
	assert_int_equal(off, -18000);
	assert_int_equal(iso_time_parse("2026-03-20T08:30:00Z", &l, &has, &off), 0);
	assert_true(has);
	assert_int_equal(off, 0);
	assert_int_equal(iso_time_parse("2026-02-30T08:30:00", &l, &has, &off), ERR_INVALID);
	assert_int_equal(iso_time_parse("2026-03-20T24:00:00", &l, &has, &off), ERR_INVALID);
	assert_int_equal(iso_time_parse("2026-03-20T08:30:00.", &l, &has, &off), ERR_INVALID);
	assert_int_equal(iso_time_parse("2026-03-20T08:30:00+3", &l, &has, &off), ERR_INVALID);
	assert_int_equal(iso_time_parse("yesterday", &l, &has, &off), ERR_INVALID);
	iso_time_format(1593597600, 16200, true, s, sizeof(s));
	assert_string_equal(s, "2020-07-01T14:30:00+04:30");
	iso_time_format(1593597600, -18000, false, s, sizeof(s));
	assert_string_equal(s, "2020-07-01T05:00:00");
}

/* The formatted times agree with libc's calendar over four centuries of
 * instants and every zone's offset, whichever way the digits are made; a
 * buffer too small for the whole text gets what fits, terminated. */
static void iso_times_agree_with_libc(void **state)
{
	static const int offsets[] = { 0, 12600, 16200, -18000, 45 * 60, -12 * 3600, 14 * 3600 };
	int64_t t;
	size_t i;

	(void)state;
	for (t = -2208988800LL; t < 10413792000LL; t += 86400LL * 37 + 3607) {
		for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
			int off = offsets[i], a = off < 0 ? -off : off;
			time_t lt = (time_t)(t + off);
			struct tm tm;
			char want[64], got[40], small[12];

			assert_non_null(gmtime_r(&lt, &tm));
			snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
				 tm.tm_sec, off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
			iso_time_format(t, off, true, got, sizeof(got));
			assert_string_equal(got, want);
			want[19] = '\0';
			iso_time_format(t, off, false, got, sizeof(got));
			assert_string_equal(got, want);
			iso_time_format(t, off, true, small, sizeof(small));
			want[sizeof(small) - 1] = '\0';
			assert_string_equal(small, want);
		}
		{
			char z[24];

			iso_utc_format(t, z, sizeof(z));
			assert_int_equal(strlen(z), 20);
			assert_int_equal(z[19], 'Z');
		}
	}
}

/* ---- the form reader ---- */

static void form_reader(void **state)
{
	struct form f;
	struct err e;
	bool dup;
	const char ok[] = "a=1&&b=x+y%20z&c&d=%D8%A7&a=2&e=";
	char many[4 * CAP_FORM_FIELDS + 8];
	int i, off = 0;

	(void)state;
	assert_int_equal(form_parse(&f, ok, strlen(ok), &e), 0);
	assert_int_equal(f.n, 6);
	assert_string_equal(form_get(&f, "a", &dup), "1");
	assert_true(dup);
	assert_string_equal(form_get(&f, "b", &dup), "x y z");
	assert_false(dup);
	assert_string_equal(form_get(&f, "c", NULL), "");
	assert_string_equal(form_get(&f, "d", NULL), "ا");
	assert_null(form_get(&f, "zz", NULL));
	form_release(&f);
	assert_int_equal(form_parse(&f, "a=%ZZ", 5, &e), ERR_INVALID);
	form_release(&f);
	assert_int_equal(form_parse(&f, "a=%0", 4, &e), ERR_INVALID);
	form_release(&f);
	assert_int_equal(form_parse(&f, "a=%00", 5, &e), ERR_INVALID);
	form_release(&f);
	assert_int_equal(form_parse(&f, "a=%01", 5, &e), ERR_INVALID);
	form_release(&f);
	assert_int_equal(form_parse(&f, "a=%FF", 5, &e), ERR_INVALID);
	form_release(&f);
	for (i = 0; i <= CAP_FORM_FIELDS; i++)
		off += snprintf(many + off, sizeof(many) - (size_t)off, "a&");
	assert_int_equal(form_parse(&f, many, strlen(many), &e), ERR_TOOBIG);
	form_release(&f);
}

/* ---- attribute definitions ---- */

static void attribute_definitions(void **state)
{
	struct o311_attr *a = NULL;
	struct err e;
	size_t n;

	(void)state;
	assert_int_equal(o311_attrs_parse("depth|number|required|عمق\n\n"
					  "lane|singlevaluelist|optional|خط|left=چپ; right = راست\r\n"
					  "note|string|info|فقط برای آگاهی", &a, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].code, "depth");
	assert_int_equal(a[0].datatype, O311_NUMBER);
	assert_true(a[0].required);
	assert_true(a[0].variable);
	assert_int_equal(a[1].order, 2);
	assert_int_equal(a[1].nvalues, 2);
	assert_string_equal(a[1].values[1].key, "right");
	assert_string_equal(a[1].values[1].name, "راست");
	assert_false(a[2].variable);
	assert_false(a[2].required);
	free(a);
	assert_int_equal(o311_attrs_parse("", &a, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(o311_attrs_parse("x|colour|required|c", &a, &n, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "colour"));
	assert_int_equal(o311_attrs_parse("x|number|maybe|c", &a, &n, &e), ERR_INVALID);
	assert_int_equal(o311_attrs_parse("x|number|required", &a, &n, &e), ERR_INVALID);
	assert_int_equal(o311_attrs_parse("X Y|number|required|c", &a, &n, &e), ERR_INVALID);
	assert_int_equal(o311_attrs_parse("x|singlevaluelist|required|c", &a, &n, &e), ERR_INVALID);
	assert_int_equal(o311_attrs_parse("x|string|required|c|a=b", &a, &n, &e), ERR_INVALID);
	assert_int_equal(o311_attrs_parse("x|multivaluelist|required|c|a=b;a=c", &a, &n, &e),
			 ERR_INVALID);
	assert_int_equal(o311_attrs_parse("x|string|required|c\nx|text|optional|d", &a, &n, &e),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "twice"));
	assert_int_equal(o311_attrs_parse("x|string|required|c|a=b|z", &a, &n, &e), ERR_INVALID);
	assert_null(a);
}

/* ---- API keys ---- */

static void api_keys(void **state)
{
	struct fx *f = *state;
	char key[APIKEY_HEX + 1], other[APIKEY_HEX + 1];
	struct apikey k, *list = NULL;
	struct err e;
	size_t n = 0;

	assert_int_equal(apikey_add(&f->c, &f->op, "app", key, NULL, &e), ERR_DENIED);
	assert_int_equal(apikey_add(&f->c, &f->adm, "app", key, &k, &e), 0);
	assert_int_equal(strlen(key), APIKEY_HEX);
	assert_string_not_equal(k.key_hash, key);
	assert_int_equal(apikey_add(&f->c, &f->sys, "app", other, NULL, &e), ERR_CONFLICT);
	assert_int_equal(apikey_add(&f->c, &f->sys, "Bad Name", other, NULL, &e), ERR_INVALID);
	assert_int_equal(apikey_add(&f->c, &f->sys, "app2", other, NULL, &e), 0);
	assert_string_not_equal(other, key);
	assert_int_equal(apikey_check(&f->c, key, &k, &e), 0);
	assert_string_equal(k.name, "app");
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_int_equal(apikey_check(&f->c, other, &k, &e), ERR_DENIED);
	assert_int_equal(apikey_check(&f->c, "short", &k, &e), ERR_DENIED);
	assert_int_equal(apikey_revoke(&f->c, &f->sys, "app", &e), 0);
	assert_int_equal(apikey_check(&f->c, key, &k, &e), ERR_DENIED);
	assert_int_equal(apikey_revoke(&f->c, &f->sys, "app", &e), ERR_CONFLICT);
	assert_int_equal(apikey_revoke(&f->c, &f->sys, "none", &e), ERR_NOTFOUND);
	assert_int_equal(apikey_list(&f->c, &f->adm, &list, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(list[0].revoked_at > 0);
	assert_int_equal(list[1].revoked_at, 0);
	free(list);
}

/* ---- intake and reads ---- */

static int64_t sms_count(struct fx *f)
{
	struct sms *list = NULL;
	size_t n = 0;

	assert_int_equal(sms_list(&f->c, &f->sys, 1000, &list, &n, NULL), 0);
	free(list);
	return (int64_t)n;
}

static void set_attrs(struct fx *f)
{
	struct service_meta *sm = calloc(1, sizeof(*sm));

	sm->category_id = f->cat_roads;
	str_copy(sm->attributes, sizeof(sm->attributes),
		 "depth|number|required|عمق\nlane|multivaluelist|optional|خط|l=چپ;r=راست");
	assert_int_equal(open311_service_check(sm, NULL), 0);
	assert_int_equal(f->c.st->ops->service_put(f->c.st, sm, NULL), 0);
	free(sm);
}

static void intake_and_reads(void **state)
{
	struct fx *f = *state;
	struct o311_attr_in attrs[] = { { "depth", "12" }, { "lane", "l" }, { "lane", "r" } };
	struct o311_submit in;
	struct o311_meta meta;
	struct msg *m = calloc(1, sizeof(*m)), *list = NULL;
	struct o311_query q;
	struct msg_new web;
	struct err e;
	int64_t before;
	size_t n = 0;
	char key[APIKEY_HEX + 1];
	struct apikey k;

	set_attrs(f);
	assert_int_equal(apikey_add(&f->c, &f->sys, "app", key, &k, &e), 0);
	memset(&in, 0, sizeof(in));
	in.category_id = f->cat_roads;
	in.api_key_id = k.id;
	in.m.body = "چاله";
	in.m.mobile = "09121112233";
	in.m.citizen_name = "زهرا";
	in.m.has_point = true;
	in.m.lat = 35.6745;
	in.m.lon = 51.4221;
	in.media_url = "https://img.example.org/a.jpg";
	in.address_id = "A-7";
	in.attrs = attrs;
	in.nattrs = 1;
	before = sms_count(f);
	/* a required attribute missing: nothing written */
	in.nattrs = 0;
	assert_int_equal(open311_submit(&f->c, &in, m, &e), ERR_INVALID);
	in.nattrs = 3;
	in.media_url = "ftp://x";
	assert_int_equal(open311_submit(&f->c, &in, m, &e), ERR_INVALID);
	in.media_url = "https://img.example.org/a.jpg";
	assert_int_equal(open311_submit(&f->c, &in, m, &e), 0);
	assert_int_equal(m->channel, CHANNEL_OPEN311);
	assert_string_equal(fx_text(f, m)->body, "چاله\n\nاطلاعات تکمیلی:\nعمق: 12\nخط: چپ\nخط: راست\n"
			    "پیوند تصویر: https://img.example.org/a.jpg");
	assert_string_equal(fx_text(f, m)->citizen_mobile, "");
	assert_int_equal(sms_count(f), before);	/* open311: never texted */
	assert_int_equal(open311_meta_get(&f->c, m->id, &meta, &e), 0);
	assert_string_equal(meta.media_url, "https://img.example.org/a.jpg");
	assert_string_equal(meta.address_id, "A-7");
	assert_int_equal(meta.api_key_id, k.id);
	/* its answer is not texted either */
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, NULL, &e), 0);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "انجام شد", NULL, &e), 0);
	assert_int_equal(sms_count(f), before);
	/* a web citizen is texted */
	memset(&web, 0, sizeof(web));
	web.channel = CHANNEL_WEB;
	web.kind = KIND_COMPLAINT;
	web.subject = "وب";
	web.body = "متن";
	web.mobile = "09124445566";
	{
		struct actor cit = actor_citizen(0);

		assert_int_equal(msg_register(&f->c, &cit, &web, NULL, &e), 0);
	}
	assert_int_equal(sms_count(f), before + 1);
	/* a confidential message: absent from the public reads */
	web.channel = CHANNEL_PHONE;
	web.category_id = f->cat_conduct;
	web.mobile = "09127778899";
	{
		struct msg *secret = calloc(1, sizeof(*secret));
		char code[TRACKING_CODE_LEN + 1];

		assert_int_equal(msg_register(&f->c, &f->op, &web, secret, &e), 0);
		assert_true(secret->confidential);
		str_copy(code, sizeof(code), secret->code);
		assert_int_equal(open311_get(&f->c, code, secret, NULL, &e), ERR_NOTFOUND);
		free(secret);
	}
	memset(&q, 0, sizeof(q));
	q.status = -1;
	q.limit = 100;
	assert_int_equal(open311_list(&f->c, &q, &list, &n, &e), 0);
	assert_int_equal(n, 2);	/* the open311 one and the web one */
	assert_false(list[0].confidential);
	assert_false(list[1].confidential);
	assert_string_equal(fx_text(f, &list[0])->citizen_mobile, "");
	assert_string_equal(fx_text(f, &list[1])->citizen_mobile, "");
	free(list);
	q.status = 1;
	assert_int_equal(open311_list(&f->c, &q, &list, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].state, STATE_ANSWERED);
	free(list);
	q.status = -1;
	q.from = FX_T0 + 1;
	assert_int_equal(open311_list(&f->c, &q, &list, &n, &e), 0);
	assert_int_equal(n, 0);
	free(list);
	free(m);
}

/* ---- a database of the previous release upgrades in place ---- */

static void upgrade_from_schema_3(void **state)
{
	struct fx *f = *state;
	char path[700];
	sqlite3 *db;
	struct core c;
	struct err e;
	int have, want;
	char key[APIKEY_HEX + 1];

	snprintf(path, sizeof(path), "%s/old.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sq_schema_migrate(db, 3, NULL, &e), 0);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO units (code, name, kind, path) VALUES "
				      "('c', 'مرکز', 1, '/1/')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(core_open(&c, path, &e), 0);
	assert_int_equal(core_schema_version(&c, &have, &want, &e), 0);
	assert_int_equal(have, want);
	assert_true(have >= 4);
	assert_int_equal(apikey_add(&c, &f->sys, "after-upgrade", key, NULL, &e), 0);
	core_close(&c);
	unlink(path);
}

int main(void)
{
	int rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(any_zone),
		cmocka_unit_test(iso_times),
		cmocka_unit_test(iso_times_agree_with_libc),
		cmocka_unit_test(form_reader),
		cmocka_unit_test(attribute_definitions),
		cmocka_unit_test_setup_teardown(api_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(intake_and_reads, setup, teardown),
	};
	/* an upgrade of a SQLite file of an older schema: SQLite's own */
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test_setup_teardown(upgrade_from_schema_3, setup, teardown),
	};

	rc = cmocka_run_group_tests_name("open311", tests, NULL, NULL);
	if (!fx_backend_pg())
		rc |= cmocka_run_group_tests_name("open311_sqlite", sqlite_tests, NULL, NULL);
	return rc;
}
