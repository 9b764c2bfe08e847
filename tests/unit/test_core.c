/*
 * test_core.c - units and categories (CSV import, all or nothing), users,
 * passwords, sessions and the failed-login limit, citizens, the audit chain
 * (and the tamper test), confidentiality.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core_fixture.h"
#include "base/str.h"
#include "core/citizen.h"
#include "core/csv.h"
#include "core/core_int.h"
#include "core/live.h"
#include "core/search.h"
#include "core/sms.h"
#include "core/sms_inbound.h"
#include "fa/text.h"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	fx_setup(f);
	*state = f;
	return 0;
}

static int setup_empty(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	fx_setup_empty(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_teardown(*state);
	free(*state);
	return 0;
}

/* ---- CSV ---- */

/* Issue 9: a text cell a spreadsheet would run as a formula is written as
 * text (a leading apostrophe), in CSV fields and in XLSX cells alike. */
static void csv_cells_are_never_formulas(void **state)
{
	static const struct {
		const char *in, *cell, *field;
	} cases[] = {
		{ "=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")",
		  "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "+1", "'+1", "\"'+1\"" },
		{ "-2+3", "'-2+3", "\"'-2+3\"" },
		{ "@SUM(A1)", "'@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "\t=1", "'\t=1", "\"'\t=1\"" },
		{ "\r=1", "'\r=1", "\"'\r=1\"" },
		{ "منطقه ۱۲", "منطقه ۱۲", "\"منطقه ۱۲\"" },
		{ "a=b", "a=b", "\"a=b\"" },
		{ "", "", "\"\"" },
	};
	struct buf b = BUF_INIT(1024);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		csv_cell_safe(&b, cases[i].in);
		assert_string_equal(b.data, cases[i].cell);
		buf_reset(&b);
		csv_add_cell(&b, cases[i].in);
		assert_string_equal(b.data, cases[i].field);
	}
	buf_release(&b);
}

static void csv_reader(void **state)
{
	static const char text[] = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3";
	struct csv r;
	struct err err;

	(void)state;
	assert_int_equal(csv_init(&r, text, strlen(text), &err), 0);
	assert_int_equal(csv_next(&r, &err), 1);
	assert_int_equal(r.nfields, 3);
	assert_string_equal(r.fields[2], "c");
	assert_int_equal(csv_next(&r, &err), 1);
	assert_string_equal(r.fields[0], "x, y");
	assert_string_equal(r.fields[1], "say \"hi\"");
	assert_string_equal(r.fields[2], "two\nlines");
	assert_int_equal(r.record_line, 2);
	assert_int_equal(csv_next(&r, &err), 1);
	assert_int_equal(r.record_line, 5);
	assert_string_equal(r.fields[1], "");
	assert_int_equal(csv_next(&r, &err), 0);
	csv_release(&r);

	assert_int_equal(csv_init(&r, "a,\"b", 4, &err), 0);
	assert_int_equal(csv_next(&r, &err), ERR_INVALID);
	assert_non_null(strstr(err.msg, "line 1"));
	csv_release(&r);
	assert_int_equal(csv_init(&r, "ok\na\"b\n", 7, &err), 0);
	assert_int_equal(csv_next(&r, &err), 1);
	assert_int_equal(csv_next(&r, &err), ERR_INVALID);
	assert_non_null(strstr(err.msg, "line 2"));
	csv_release(&r);
	assert_int_equal(csv_init(&r, "\xff", 1, &err), ERR_INVALID);
	csv_release(&r);
	{
		char many[4 * CAP_CSV_FIELDS];
		int i, off = 0;

		for (i = 0; i < CAP_CSV_FIELDS + 8; i++)
			off += snprintf(many + off, sizeof(many) - (size_t)off, "x,");
		assert_int_equal(csv_init(&r, many, strlen(many), &err), 0);
		assert_int_equal(csv_next(&r, &err), ERR_TOOBIG);
		csv_release(&r);
	}
}

/* ---- units and categories ---- */

static void unit_import_all_or_nothing(void **state)
{
	struct fx *f = *state;
	static const char bad[] =
		"code,name,kind,parent_code\n"
		"tehran,تهران,organisation,\n"
		"region-01,منطقه ۱,region,tehran\n"
		"region-02,منطقه ۲,planet,tehran\n";
	static const char orphan[] =
		"code,name,kind,parent_code\n"
		"region-03,منطقه ۳,region,nowhere\n";
	static const char header[] = "code,name,kind\nx,y,region\n";
	static const char badcode[] = "code,name,kind,parent_code\nRegion 1,x,region,\n";
	static const char good[] =
		"code,name,kind,parent_code\n"
		"tehran,شهرداری تهران,organisation,\n"
		"centre-1888,\"مرکز ۱۸۸۸, نظارت همگانی\",centre,tehran\n"
		"region-01,منطقه ۱,region,tehran\n";
	char before[1024], after[1024];
	struct unit u, *list;
	struct err err;
	size_t n;
	struct actor staff = { .role = ROLE_STAFF, .unit_id = 1 };

	fx_counts(f, before, sizeof(before));
	assert_int_equal(unit_import_csv(&f->c, &f->sys, bad, strlen(bad), &n, &err), ERR_INVALID);
	assert_non_null(strstr(err.msg, "line 4"));
	assert_int_equal(n, 0);
	assert_int_equal(unit_import_csv(&f->c, &f->sys, orphan, strlen(orphan), &n, &err),
			 ERR_INVALID);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(unit_import_csv(&f->c, &f->sys, header, strlen(header), &n, &err),
			 ERR_INVALID);
	assert_non_null(strstr(err.msg, "header"));
	assert_int_equal(unit_import_csv(&f->c, &f->sys, badcode, strlen(badcode), &n, &err),
			 ERR_INVALID);
	assert_int_equal(unit_import_csv(&f->c, &f->sys, "", 0, &n, &err), ERR_INVALID);
	assert_int_equal(unit_import_csv(&f->c, &staff, good, strlen(good), &n, &err), ERR_DENIED);
	fx_counts(f, after, sizeof(after));
	assert_string_equal(before, after);

	assert_int_equal(unit_import_csv(&f->c, &f->sys, good, strlen(good), &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(unit_get_by_code(&f->c, "centre-1888", &u, &err), 0);
	assert_string_equal(u.name, "مرکز ۱۸۸۸, نظارت همگانی");
	assert_int_equal(u.kind, UNIT_CENTRE);
	assert_int_equal(unit_centre(&f->c, &u, &err), 0);
	assert_string_equal(u.code, "centre-1888");
	/* importing again updates, and stays one row per code */
	assert_int_equal(unit_import_csv(&f->c, &f->sys, good, strlen(good), &n, &err), 0);
	assert_int_equal(unit_list(&f->c, &list, &n, &err), 0);
	assert_int_equal(n, 3);
	free(list);
}

static void unit_tree_depth_capped(void **state)
{
	struct fx *f = *state;
	struct unit u;
	struct err err;
	int64_t parent = 0;
	int i, rc = 0;

	for (i = 0; i < CAP_TREE_DEPTH + 2 && rc == 0; i++) {
		memset(&u, 0, sizeof(u));
		snprintf(u.code, sizeof(u.code), "u%d", i);
		snprintf(u.name, sizeof(u.name), "واحد");
		u.kind = UNIT_DEPARTMENT;
		u.parent_id = parent;
		u.active = true;
		rc = unit_add(&f->c, &f->sys, &u, &err);
		parent = u.id;
	}
	assert_int_equal(rc, ERR_INVALID);
	assert_int_equal(i, CAP_TREE_DEPTH + 2);
}

static void category_import(void **state)
{
	struct fx *f = *state;
	static const char bad[] =
		"code,name,parent_code,deadline_hours,kinds,confidential,service_code\n"
		"lights,روشنایی,,0,all,0,\n";
	static const char badkinds[] =
		"code,name,parent_code,deadline_hours,kinds,confidential,service_code\n"
		"lights,روشنایی,,24,complaint|gossip,0,\n";
	static const char good[] =
		"code,name,parent_code,deadline_hours,kinds,confidential,service_code\n"
		"lights,روشنایی معابر,,24,request|complaint,0,streetlight\n";
	struct category cat;
	char kinds[64];
	struct err err;
	size_t n;

	assert_int_equal(category_import_csv(&f->c, &f->sys, bad, strlen(bad), &n, &err),
			 ERR_INVALID);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(category_import_csv(&f->c, &f->sys, badkinds, strlen(badkinds), &n, &err),
			 ERR_INVALID);
	assert_int_equal(category_get_by_code(&f->c, "lights", &cat, &err), ERR_NOTFOUND);
	assert_int_equal(category_import_csv(&f->c, &f->sys, good, strlen(good), &n, &err), 0);
	assert_int_equal(category_get_by_service(&f->c, "streetlight", &cat, &err), 0);
	assert_int_equal(cat.deadline_hours, 24);
	category_kinds_format(cat.kinds, kinds, sizeof(kinds));
	assert_string_equal(kinds, "complaint|request");
}

/* ---- users, sessions, login limit ---- */

static void users_and_sessions(void **state)
{
	struct fx *f = *state;
	char token[SESSION_TOKEN_HEX + 1], token2[SESSION_TOKEN_HEX + 1];
	struct actor who;
	struct user u;
	struct err err;
	int64_t retry;

	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "s12");
	u.role = ROLE_STAFF;
	u.unit_id = f->r12;
	assert_int_equal(user_add(&f->c, &f->sys, &u, "password-123", &err), ERR_CONFLICT);
	snprintf(u.username, sizeof(u.username), "new");
	assert_int_equal(user_add(&f->c, &f->sys, &u, "short", &err), ERR_INVALID);
	u.unit_id = 0;
	assert_int_equal(user_add(&f->c, &f->sys, &u, "password-123", &err), ERR_INVALID);
	u.unit_id = f->r12;
	assert_int_equal(user_add(&f->c, &f->op, &u, "password-123", &err), ERR_DENIED);

	assert_int_equal(user_login(&f->c, "s12", "password-123", "10.0.0.1", token, &who, &retry,
				    &err), 0);
	assert_int_equal(strlen(token), 64);
	assert_int_equal(who.role, ROLE_STAFF);
	assert_int_equal(who.unit_id, f->r12);
	memset(&who, 0, sizeof(who));
	assert_int_equal(session_lookup(&f->c, token, &who, &err), 0);
	assert_string_equal(who.name, "s12");
	/* only the hash is stored (the token is 64 hex digits: safe in SQL) */
	{
		char sql[160];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash = '%s'",
			 token);
		assert_int_equal(fx_int(f, sql), 0);
	}
	/* expiry */
	core_set_now(&f->c, FX_T0 + 12 * 3600 + 1);
	assert_int_equal(session_lookup(&f->c, token, &who, &err), ERR_AUTH);
	core_set_now(&f->c, FX_T0);
	/* revoke */
	assert_int_equal(session_create(&f->c, who.user_id, token2, &err), 0);
	assert_int_equal(session_lookup(&f->c, token2, &who, &err), 0);
	assert_int_equal(session_revoke(&f->c, token2, &err), 0);
	assert_int_equal(session_lookup(&f->c, token2, &who, &err), ERR_AUTH);
	assert_int_equal(session_lookup(&f->c, "zz", &who, &err), ERR_AUTH);
	assert_int_equal(session_lookup(&f->c, NULL, &who, &err), ERR_AUTH);
	/* disabling ends sessions */
	assert_int_equal(user_login(&f->c, "s12", "password-123", "", token, &who, &retry, &err), 0);
	assert_int_equal(user_disable(&f->c, &f->sys, "s12", &err), 0);
	assert_int_equal(session_lookup(&f->c, token, &who, &err), ERR_AUTH);
	assert_int_equal(user_login(&f->c, "s12", "password-123", "", token, &who, &retry, &err),
			 ERR_AUTH);
	/* a new password works, the old does not */
	assert_int_equal(user_set_password(&f->c, &f->sys, "m12", "another-pass", &err), 0);
	assert_int_equal(user_login(&f->c, "m12", "password-123", "", token, &who, &retry, &err),
			 ERR_AUTH);
	assert_int_equal(user_login(&f->c, "m12", "another-pass", "", token, &who, &retry, &err), 0);
	/* a hash made with other limits (the fast ones here) is made again
	 * with today's at the next login, and the password still works */
	{
		struct user acct;

		assert_int_equal(user_get_by_name(&f->c, "m12", &acct, &err), 0);
		assert_non_null(strstr(acct.pwhash, "$m=8,t=1,"));
		f->c.cfg.pwhash_fast = false;
		assert_int_equal(user_login(&f->c, "m12", "another-pass", "", token, &who, &retry,
					    &err), 0);
		assert_int_equal(user_get_by_name(&f->c, "m12", &acct, &err), 0);
		assert_non_null(strstr(acct.pwhash, "$argon2id$v=19$m=19456,t=2,p=1$"));
		assert_int_equal(user_login(&f->c, "m12", "another-pass", "", token, &who, &retry,
					    &err), 0);
		assert_int_equal(user_login(&f->c, "m12", "password-123", "", token, &who, &retry,
					    &err), ERR_AUTH);
		f->c.cfg.pwhash_fast = true;
	}
}

/* Issue 9: failures throttle the failing address, never the account. */
static void login_throttle(void **state)
{
	struct fx *f = *state;
	char token[SESSION_TOKEN_HEX + 1];
	struct actor who;
	struct err err;
	int64_t retry;
	int i;

	for (i = 0; i < 5; i++)
		assert_int_equal(user_login(&f->c, "op", "wrong-pass", "10.0.0.9", token, &who, &retry,
					    &err), ERR_AUTH);
	/* the failing address waits, even with the right password */
	assert_int_equal(user_login(&f->c, "op", "password-123", "10.0.0.9", token, &who, &retry,
				    &err), ERR_LIMITED);
	assert_int_equal(retry, 2);
	assert_string_equal(token, "");
	/* the throttle is stored: it survives a reopen */
	core_close(&f->c);
	fx_open_path(f, false);
	assert_int_equal(user_login(&f->c, "op", "password-123", "10.0.0.9", token, &who, &retry,
				    &err), ERR_LIMITED);
	/* the delay doubles with each further failure */
	core_set_now(&f->c, FX_T0 + 2);
	assert_int_equal(user_login(&f->c, "op", "wrong-pass", "10.0.0.9", token, &who, &retry,
				    &err), ERR_AUTH);
	core_set_now(&f->c, FX_T0 + 3);
	assert_int_equal(user_login(&f->c, "op", "wrong-pass", "10.0.0.9", token, &who, &retry,
				    &err), ERR_LIMITED);
	assert_int_equal(retry, 3);
	core_set_now(&f->c, FX_T0 + 6);
	assert_int_equal(user_login(&f->c, "op", "wrong-pass", "10.0.0.9", token, &who, &retry,
				    &err), ERR_AUTH);
	assert_int_equal(user_login(&f->c, "op", "password-123", "10.0.0.9", token, &who, &retry,
				    &err), ERR_LIMITED);
	assert_int_equal(retry, 8);
	/* the account is never locked: the right password from elsewhere works */
	assert_int_equal(user_login(&f->c, "op", "password-123", "10.0.0.8", token, &who, &retry,
				    &err), 0);
	assert_int_equal(strlen(token), 64);
	/* after the window the address is free again */
	core_set_now(&f->c, FX_T0 + 15 * 60 + 7);
	assert_int_equal(user_login(&f->c, "op", "password-123", "10.0.0.9", token, &who, &retry,
				    &err), 0);
	/* many usernames from one address count together */
	for (i = 0; i < 5; i++) {
		char name[32];

		snprintf(name, sizeof(name), "ghost%d", i);
		assert_int_equal(user_login(&f->c, name, "x", "10.6.6.6", token, &who, &retry, &err),
				 ERR_AUTH);
	}
	assert_int_equal(user_login(&f->c, "insp", "password-123", "10.6.6.6", token, &who, &retry,
				    &err), ERR_LIMITED);
	assert_int_equal(user_login(&f->c, "insp", "password-123", "10.6.6.7", token, &who, &retry,
				    &err), 0);
	/* an account guessed from many addresses: each guesser gets one free
	 * failure, not five; its owner still signs in from a fresh address */
	for (i = 1; i <= 5; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.1.0.%d", i);
		assert_int_equal(user_login(&f->c, "m12", "guess", addr, token, &who, &retry, &err),
				 ERR_AUTH);
	}
	assert_int_equal(user_login(&f->c, "m12", "guess", "10.1.0.6", token, &who, &retry, &err),
			 ERR_AUTH);
	assert_int_equal(user_login(&f->c, "m12", "guess", "10.1.0.6", token, &who, &retry, &err),
			 ERR_LIMITED);
	assert_int_equal(user_login(&f->c, "m12", "password-123", "10.1.0.7", token, &who, &retry,
				    &err), 0);
}

/* ---- citizens ---- */

static void citizens(void **state)
{
	struct fx *f = *state;
	struct citizen a, b;
	struct err err;

	assert_int_equal(core_begin(&f->c, NULL), 0);
	assert_int_equal(citizen_find_or_add(&f->c, "۰۹۱۲ ۱۲۳ ۴۵۶۷", "", "", &a, &err), 0);
	assert_string_equal(a.mobile, FX_MOBILE);
	/* issue 9: a submission under a known mobile never rewrites who it is */
	assert_int_equal(citizen_find_or_add(&f->c, "+989121234567", "علی", "0499370899", &b, &err),
			 0);
	assert_int_equal(a.id, b.id);
	assert_string_equal(b.name, "");
	assert_string_equal(b.national_id, "");
	assert_int_equal(citizen_find_or_add(&f->c, "0912", "", "", &b, &err), ERR_INVALID);
	assert_int_equal(citizen_find_or_add(&f->c, FX_MOBILE, "", "0499370898", &b, &err),
			 ERR_INVALID);
	core_commit(&f->c, NULL);
	assert_int_equal(citizen_get_by_mobile(&f->c, "00989121234567", &b, &err), 0);
	assert_string_equal(b.national_id, "");
	assert_int_equal(citizen_get_by_mobile(&f->c, "09350000000", &b, &err), ERR_NOTFOUND);
}

/* The operator corrects a caller, audited with a keyed hash of the number;
 * nobody else may, and a bad national id changes nothing. */
static void citizen_correct_audited(void **state)
{
	struct fx *f = *state;
	struct audit_entry *list = NULL;
	char h1[CITIZEN_MOBILE_HASH_HEX + 1], h2[CITIZEN_MOBILE_HASH_HEX + 1];
	struct citizen b;
	struct err err;
	bool changed;
	int64_t total, bad;
	size_t n;

	assert_int_equal(core_begin(&f->c, NULL), 0);
	assert_int_equal(citizen_find_or_add(&f->c, FX_MOBILE, "علی", "", &b, &err), 0);
	assert_int_equal(core_commit(&f->c, NULL), 0);
	assert_int_equal(citizen_correct(&f->c, &f->s12, FX_MOBILE, "حسن", NULL, &changed, &b, &err),
			 ERR_DENIED);
	assert_int_equal(citizen_correct(&f->c, &f->adm, FX_MOBILE, "حسن", NULL, &changed, &b, &err),
			 ERR_DENIED);
	assert_int_equal(citizen_correct(&f->c, &f->op, FX_MOBILE, "حسن", "0499370898", &changed,
					 &b, &err), ERR_INVALID);
	assert_int_equal(citizen_correct(&f->c, &f->op, "09350000000", "حسن", NULL, &changed, &b,
					 &err), ERR_NOTFOUND);
	assert_int_equal(citizen_correct(&f->c, &f->op, "+98 912 123 4567", "حسن", "0499370899",
					 &changed, &b, &err), 0);
	assert_true(changed);
	assert_string_equal(b.name, "حسن");
	assert_int_equal(citizen_get_by_mobile(&f->c, FX_MOBILE, &b, &err), 0);
	assert_string_equal(b.national_id, "0499370899");
	assert_int_equal(citizen_correct(&f->c, &f->op, FX_MOBILE, "حسن", NULL, &changed, &b, &err),
			 0);
	assert_false(changed);
	/* one entry, with the hash and not the number */
	assert_int_equal(audit_verify(&f->c, &total, &bad, &err), 0);
	assert_int_equal(audit_list(&f->c, &f->insp, 0, 1000, &list, &n, &err), 0);
	assert_true(n >= 1);
	assert_string_equal(list[n - 1].action, "citizen.correct");
	assert_null(strstr(list[n - 1].payload, FX_MOBILE));
	assert_non_null(strstr(list[n - 1].payload, "\"fields\":\"name,national_id\""));
	assert_int_equal(citizen_mobile_hash(&f->c, "۰۹۱۲۱۲۳۴۵۶۷", h1, &err), 0);
	assert_int_equal(citizen_mobile_hash(&f->c, FX_MOBILE, h2, &err), 0);
	assert_string_equal(h1, h2);
	assert_non_null(strstr(list[n - 1].payload, h1));
	assert_int_equal(citizen_mobile_hash(&f->c, "09121234568", h2, &err), 0);
	assert_string_not_equal(h1, h2);
	free(list);
	/* the admin's view hides the look-up's payload and its hash */
	assert_int_equal(audit_list(&f->c, &f->adm, 0, 1000, &list, &n, &err), 0);
	assert_string_equal(list[n - 1].payload, "{}");
	assert_string_equal(list[n - 1].hash, "");
	free(list);
}

/* ---- audit ---- */

/* Behind the core's back: drop the audit table's guard trigger `guard`
 * (when not NULL), then run sql. */
static void tamper(struct fx *f, const char *guard, const char *sql)
{
	char drop[128];

	if (guard) {
		/* PostgreSQL's triggers belong to their table */
		snprintf(drop, sizeof(drop), "DROP TRIGGER %s%s", guard, f->pg ? " ON audit" : "");
		assert_int_equal(fx_exec(f, drop), 0);
	}
	assert_int_equal(fx_exec(f, sql), 0);
}

/*
 * Where verify places a change to entry seq of a log of total entries
 * that hamgan wrote (model/audit.h: a hash kept on every AUDIT_HASH_EVERY-th
 * entry and on the tail): from the entry after the last kept hash before
 * seq to the next kept one at or after it.  Verify names that window, says
 * bad_seq is its first entry and counts the entries before it as sound.
 */
static void assert_window(const struct err *err, int64_t count, int64_t bad, int64_t seq,
			  int64_t total)
{
	int64_t a = (seq - 1) / AUDIT_HASH_EVERY * AUDIT_HASH_EVERY + 1;
	int64_t b = (seq + AUDIT_HASH_EVERY - 1) / AUDIT_HASH_EVERY * AUDIT_HASH_EVERY;
	char want[96];

	if (b > total)
		b = total;
	assert_int_equal(bad, a);
	assert_int_equal(count, a - 1);
	if (a == b)
		snprintf(want, sizeof(want), "audit entry %lld: ", (long long)a);
	else
		snprintf(want, sizeof(want), "audit entries %lld to %lld: one of them was changed",
			 (long long)a, (long long)b);
	if (!strstr(err->msg, want))
		fail_msg("'%s' does not say '%s'", err->msg, want);
}

static int64_t audit_total(struct fx *f)
{
	return (int64_t)fx_int(f, "SELECT max(seq) FROM audit");
}

static void audit_chain_and_tamper(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct audit_entry *list;
	struct err err;
	int64_t count, bad, total;
	size_t n;
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
		assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	}
	assert_int_equal(audit_verify(&f->c, &total, &bad, &err), 0);
	assert_true(total > 10);
	assert_int_equal(audit_list(&f->c, &f->sys, 0, 1000, &list, &n, &err), 0);
	assert_int_equal((int64_t)n, total);
	assert_string_equal(list[0].prev_hash,
			    "0000000000000000000000000000000000000000000000000000000000000000");
	assert_string_equal(list[1].prev_hash, list[0].hash);
	assert_string_equal(list[n - 1].action, "msg.refer");
	assert_string_equal(list[n - 1].actor, "op");
	assert_int_equal(list[n - 1].msg_id, m->id);
	free(list);

	/* behind the core's back: drop the guard and edit entry 7's payload */
	tamper(f, "audit_no_update",
		  "UPDATE audit SET payload = '{\"code\":\"forged\"}' WHERE seq = 7;");
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_window(&err, count, bad, 7, total);
	free(m);
}

static void audit_tamper_recomputed_hash_and_delete(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;
	int64_t count, bad;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	{
	struct audit_entry *list;
	char sql[512];
	size_t n;

	/* a forger who rewrites entry 5 and recomputes its hash still breaks
	 * the link at entry 6 */
	assert_int_equal(audit_list(&f->c, &f->sys, 4, 1, &list, &n, &err), 0);
	assert_int_equal(list[0].seq, 5);
	snprintf(list[0].actor, sizeof(list[0].actor), "evil");
	audit_hash(&list[0], list[0].hash);
	/* the hash in its stored form: 32 bytes (SQLite keeps a text as it is) */
	/* (schema 16: the actor is the id of its text in audit_names) */
	snprintf(sql, sizeof(sql), f->pg ?
		 "INSERT INTO audit_names (name) VALUES ('evil'), ('evil2');"
		 "UPDATE audit SET actor_id = (SELECT id FROM audit_names WHERE name = 'evil'),"
		 " hash = decode('%s', 'hex') WHERE seq = 5;" :
		 "INSERT INTO audit_names (name) VALUES ('evil'), ('evil2');"
		 "UPDATE audit SET actor_id = (SELECT id FROM audit_names WHERE name = 'evil'),"
		 " hash = X'%s' WHERE seq = 5;", list[0].hash);
	free(list);
	tamper(f, "audit_no_update", sql);
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_int_equal(bad, 6);
	assert_int_equal(count, 5);
	/* and a careless one who does not, at entry 5 itself: the hash it
	 * stored there is the first kept one, so the change lies in 1 to 5 */
	tamper(f, NULL, "UPDATE audit SET actor_id = (SELECT id FROM audit_names"
	       " WHERE name = 'evil2') WHERE seq = 5;");
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(err.msg, "audit entries 1 to 5: one of them was changed: the hash "
			       "kept at entry 5 does not match"));
	}
	free(m);
}

/* Schema 16 keeps actor and action as ids of audit_names and the payload
 * packed (store/audit_pack.h).  The texts come back as the core wrote them,
 * and a change to any part of the stored form (the payload, the id of
 * actor or action, the text behind an id) or to the order of two entries
 * still breaks the chain at the first entry it touches. */
static void tamper_stored(void **state, const char *guard, const char *sql)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	struct audit_entry *list;
	struct err err;
	int64_t count, bad, first = 0, total;
	size_t n, i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
		assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err),
				 0);
	}
	assert_int_equal(audit_list(&f->c, &f->sys, 0, 1000, &list, &n, &err), 0);
	assert_true(n > 7);
	assert_string_equal(list[n - 1].action, "msg.refer");
	assert_string_equal(list[n - 1].actor, "op");
	assert_non_null(strstr(list[n - 1].payload, ",\"to_state\":\"referred\"}"));
	assert_int_equal(list[n - 1].payload[0], '{');
	/* the first entry by entry 6's actor (for the renamed actor) */
	for (i = 0; i < n && !first; i++)
		if (str_eq(list[i].actor, list[5].actor))
			first = list[i].seq;
	free(list);
	assert_int_equal(audit_verify(&f->c, &total, &bad, &err), 0);
	tamper(f, guard, sql);
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_window(&err, count, bad, strstr(sql, "audit_names SET") ? first : 6, total);
	free(m);
}

static void audit_tamper_packed_payload(void **state)
{
	struct fx *f = *state;

	/* a well-formed packed payload, of "{}" */
	tamper_stored(state, "audit_no_update", f->pg ?
		      "UPDATE audit SET payload = decode('01', 'hex') WHERE seq = 6" :
		      "UPDATE audit SET payload = X'01' WHERE seq = 6");
}

static void audit_tamper_action_id(void **state)
{
	tamper_stored(state, "audit_no_update",
		      "INSERT INTO audit_names (name) VALUES ('msg.forged');"
		      "UPDATE audit SET action_id = (SELECT id FROM audit_names"
		      " WHERE name = 'msg.forged') WHERE seq = 6");
}

static void audit_tamper_name(void **state)
{
	struct fx *f = *state;

	tamper_stored(state, NULL, f->pg ?
		      "DROP TRIGGER audit_names_no_update ON audit_names;"
		      "UPDATE audit_names SET name = 'mallory' WHERE id = (SELECT actor_id"
		      " FROM audit WHERE seq = 6)" :
		      "DROP TRIGGER audit_names_no_update;"
		      "UPDATE audit_names SET name = 'mallory' WHERE id = (SELECT actor_id"
		      " FROM audit WHERE seq = 6)");
}

static void audit_tamper_reorder(void **state)
{
	tamper_stored(state, "audit_no_update",
		      "UPDATE audit SET seq = 1000 WHERE seq = 6; UPDATE audit SET seq = 6"
		      " WHERE seq = 7; UPDATE audit SET seq = 7 WHERE seq = 1000");
}

static void audit_tamper_delete(void **state)
{
	struct fx *f = *state;
	struct err err;
	int64_t count, bad;

	tamper(f, "audit_no_delete", "DELETE FROM audit WHERE seq = 4;");
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_int_equal(bad, 5);
	assert_int_equal(count, 3);
}

/* ---- audit: kept hashes (schema 23) ---- */

/* A log of more than three AUDIT_HASH_EVERY entries whose last is not a
 * kept one: its total. */
static int64_t long_log(struct fx *f)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;
	int64_t total = audit_total(f);

	while (total < 3 * AUDIT_HASH_EVERY + 5 || audit_hash_kept(total)) {
		assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
		if (total % 2)
			assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m,
						   &err), 0);
		total = audit_total(f);
	}
	free(m);
	return total;
}

/* Every entry's hash and prev_hash over the whole chain, from the first,
 * as the core computes them: hashes[i] for entry i + 1. */
static void chain_hashes(struct fx *f, int64_t total, char (*hashes)[AUDIT_HASH_HEX + 1])
{
	struct audit_entry *list;
	char prev[AUDIT_HASH_HEX + 1] =
		"0000000000000000000000000000000000000000000000000000000000000000";
	struct err err;
	size_t n, i;

	assert_int_equal(audit_list(&f->c, &f->sys, 0, (size_t)total, &list, &n, &err), 0);
	assert_int_equal((int64_t)n, total);
	for (i = 0; i < n; i++) {
		assert_int_equal(list[i].seq, (int64_t)i + 1);
		assert_string_equal(list[i].prev_hash, prev);
		list[i].hash[0] = '\0';
		audit_hash(&list[i], hashes[i]);
		snprintf(prev, sizeof(prev), "%s", hashes[i]);
	}
	free(list);
}

/* Only every AUDIT_HASH_EVERY-th entry keeps its hash, and the head the
 * tail's; the chain verifies, and audit_list gives every entry's full hash,
 * the one computed over the whole chain, whatever page it starts on. */
static void audit_kept_hashes(void **state)
{
	static const int64_t afters[] = { 0, 1, 30, 31, 32, 33, 40, 63, 64, 65 };
	struct fx *f = *state;
	char (*hashes)[AUDIT_HASH_HEX + 1];
	struct audit_entry *list;
	struct err err;
	int64_t total = long_log(f), count, bad, after;
	size_t n, i, k;

	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), 0);
	assert_int_equal(count, total);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM audit WHERE length(hash) = 32"),
			 total / AUDIT_HASH_EVERY);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM audit WHERE length(hash) = 0"),
			 total - total / AUDIT_HASH_EVERY);
	assert_int_equal(fx_int(f, "SELECT min(seq) FROM audit WHERE length(hash) = 32"),
			 AUDIT_HASH_EVERY);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM audit WHERE prev_hash IS NOT NULL"), 0);
	assert_int_equal(fx_int(f, "SELECT seq FROM audit_head"), total);
	assert_int_equal(fx_int(f, "SELECT length(hash) FROM audit_head"), 32);

	hashes = calloc((size_t)total, sizeof(*hashes));
	chain_hashes(f, total, hashes);
	for (k = 0; k <= sizeof(afters) / sizeof(afters[0]); k++) {
		after = k < sizeof(afters) / sizeof(afters[0]) ? afters[k] : total - 3;
		assert_int_equal(audit_list(&f->c, &f->insp, after, 3, &list, &n, &err), 0);
		assert_int_equal(n, 3);
		for (i = 0; i < n; i++) {
			assert_int_equal(list[i].seq, after + 1 + (int64_t)i);
			assert_string_equal(list[i].hash, hashes[after + i]);
			assert_string_equal(list[i].prev_hash, after + i ? hashes[after + i - 1] :
					    "0000000000000000000000000000000000000000000000000000"
					    "000000000000");
		}
		free(list);
	}
	/* still none for a reader who does not see identities */
	assert_int_equal(audit_list(&f->c, &f->adm, 40, 2, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].hash, "");
	assert_string_equal(list[1].prev_hash, "");
	free(list);
	free(hashes);
}

/* A change to an entry that keeps no hash breaks the chain at the next kept
 * one, and verify names the entries in between. */
static void audit_tamper_unkept(void **state)
{
	struct fx *f = *state;
	struct err err;
	int64_t total = long_log(f), count, bad;

	tamper(f, "audit_no_update", "UPDATE audit SET at = at + 1 WHERE seq = 40");
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_window(&err, count, bad, 40, total);
	assert_int_equal(bad, AUDIT_HASH_EVERY + 1);
	assert_non_null(strstr(err.msg, "the hash kept at entry 64 does not match"));
	tamper(f, NULL, "UPDATE audit SET at = at - 1 WHERE seq = 40");
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), 0);
	/* the payload of entry 70 */
	tamper(f, NULL, f->pg ? "UPDATE audit SET payload = decode('01', 'hex') WHERE seq = 70" :
	       "UPDATE audit SET payload = X'01' WHERE seq = 70");
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_window(&err, count, bad, 70, total);
	assert_int_equal(bad, 2 * AUDIT_HASH_EVERY + 1);
}

/* After the last kept hash only the head covers an entry: a change there,
 * the tail cut off, or a kept hash taken away is found too. */
static void audit_tamper_after_last_kept(void **state)
{
	struct fx *f = *state;
	struct err err;
	int64_t total = long_log(f), count, bad;
	char sql[128];

	snprintf(sql, sizeof(sql), "UPDATE audit SET at = at + 1 WHERE seq = %lld",
		 (long long)total - 1);
	tamper(f, "audit_no_update", sql);
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_window(&err, count, bad, total - 1, total);
	assert_non_null(strstr(err.msg, "the log's head"));
	snprintf(sql, sizeof(sql), "UPDATE audit SET at = at - 1 WHERE seq = %lld",
		 (long long)total - 1);
	tamper(f, NULL, sql);
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), 0);
	/* the newest entry deleted: the head says it was there */
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE seq = %lld", (long long)total);
	tamper(f, "audit_no_delete", sql);
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_int_equal(bad, total);
	assert_int_equal(count, total - 1);
	assert_non_null(strstr(err.msg, "missing (the log's head is at entry"));
	/* a kept hash taken away */
	tamper(f, NULL, "UPDATE audit SET hash = substr(hash, 1, 0) WHERE seq = 64");
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), ERR_CONFLICT);
	assert_int_equal(bad, 33);
	assert_non_null(strstr(err.msg, "audit entries 33 to 64: one of them was changed: the "
			       "hash it keeps is gone"));
}

/* Migration 23 on a log written before it (every entry keeping its hash,
 * no head): the head is made from the last entry, nothing is rewritten,
 * the chain verifies, and what is appended after keeps hashes the new way. */
static void audit_upgrade_keeps_old_hashes(void **state)
{
	struct fx *f = *state;
	struct buf sql = BUF_INIT(1 << 20);
	char (*hashes)[AUDIT_HASH_HEX + 1];
	struct audit_entry *list;
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;
	int64_t total = long_log(f), now, count, bad, i;
	size_t n;

	/* the log as schema 22 kept it: a hash on every entry, no head */
	hashes = calloc((size_t)total, sizeof(*hashes));
	chain_hashes(f, total, hashes);
	buf_adds(&sql, f->pg ? "DROP TRIGGER audit_no_update ON audit;" :
		 "DROP TRIGGER audit_no_update;");
	for (i = 0; i < total; i++)
		buf_addf(&sql, f->pg ? "UPDATE audit SET hash = decode('%s', 'hex') WHERE seq = %lld;" :
			 "UPDATE audit SET hash = X'%s' WHERE seq = %lld;", hashes[i],
			 (long long)i + 1);
	buf_adds(&sql, "DROP TABLE audit_head;");
	/* and without migration 24's index, which opening makes again */
	buf_adds(&sql, "DROP INDEX units_parent;");
	buf_adds(&sql, f->pg ? "UPDATE hamgan_schema SET version = 22;" :
		 "PRAGMA user_version = 22;");
	assert_false(buf_error(&sql));
	core_close(&f->c);
	assert_int_equal(fx_exec(f, sql.data), 0);
	buf_release(&sql);
	free(hashes);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM audit WHERE length(hash) = 32"), total);
	fx_open_path(f, false);		/* migrates */
	assert_int_equal(fx_int(f, "SELECT count(*) FROM audit WHERE length(hash) = 32"), total);
	assert_int_equal(fx_int(f, "SELECT seq FROM audit_head"), total);
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), 0);
	assert_int_equal(count, total);
	/* appended after: the new way */
	while ((now = audit_total(f)) < total + 2 * AUDIT_HASH_EVERY)
		assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), 0);
	assert_int_equal(count, now);
	assert_int_equal(fx_int(f, "SELECT count(*) FROM audit WHERE length(hash) = 32"),
			 total + now / AUDIT_HASH_EVERY - total / AUDIT_HASH_EVERY);
	assert_int_equal(fx_int(f, "SELECT seq FROM audit_head"), now);
	hashes = calloc((size_t)now, sizeof(*hashes));
	chain_hashes(f, now, hashes);
	assert_int_equal(audit_list(&f->c, &f->insp, total - 1, 40, &list, &n, &err), 0);
	assert_int_equal(n, 40);
	for (i = 0; i < 40; i++)
		assert_string_equal(list[i].hash, hashes[total - 1 + i]);
	free(list);
	free(hashes);
	free(m);
}

/* ---- confidentiality ---- */

static void confidential_identity(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m)), *r = calloc(1, sizeof(*r)), *hist;
	struct msg_text *t = calloc(1, sizeof(*t));
	struct search_query q;
	struct search_result res;
	struct err err;
	long long audits;
	size_t n;

	/* a complaint under staff-conduct is confidential by default */
	assert_int_equal(fx_register(f, FX_MOBILE, KIND_COMPLAINT, f->cat_conduct, m), 0);
	assert_true(m->confidential);
	assert_true(m->identity_hidden);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);

	/* the unit's staff and manager never see who complained */
	assert_int_equal(msg_get(&f->c, &f->s12, m->id, r, t, &err), 0);
	assert_string_equal(t->citizen_name, "");
	assert_string_equal(t->citizen_mobile, "");
	assert_string_equal(t->citizen_national_id, "");
	assert_true(r->identity_hidden);
	assert_int_equal(msg_get_by_code(&f->c, &f->m12, m->code, r, t, &err), 0);
	assert_string_equal(t->citizen_mobile, "");
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "بررسی شد", r, &err), 0);
	assert_int_equal(msg_text_get(&f->c, r, t, &err), 0);
	assert_string_equal(t->citizen_mobile, "");
	assert_string_equal(t->answer, "بررسی شد");
	search_query_init(&q);
	assert_int_equal(msg_search(&f->c, &f->s12, &q, &res, &err), 0);
	assert_int_equal(res.n, 1);
	assert_int_equal(msg_text_get(&f->c, &res.items[0], t, &err), 0);
	assert_string_equal(t->citizen_mobile, "");
	search_result_release(&res);
	/* nor does the admin */
	assert_int_equal(msg_get(&f->c, &f->adm, m->id, r, t, &err), 0);
	assert_string_equal(t->citizen_mobile, "");

	/* the operator and the inspector do, and each read is audited */
	audits = fx_count(f, "audit");
	assert_int_equal(msg_get(&f->c, &f->op, m->id, r, t, &err), 0);
	assert_string_equal(t->citizen_mobile, FX_MOBILE);
	assert_string_equal(t->citizen_name, "مریم رضایی");
	assert_false(r->identity_hidden);
	assert_int_equal(fx_count(f, "audit"), audits + 1);
	assert_int_equal(msg_get(&f->c, &f->insp, m->id, r, t, &err), 0);
	assert_string_equal(t->citizen_mobile, FX_MOBILE);
	assert_int_equal(fx_count(f, "audit"), audits + 2);
	/* the operator's read of the record alone reveals nothing, so it is
	 * not audited, and texts read later for that record stay blank */
	assert_int_equal(msg_get(&f->c, &f->op, m->id, r, NULL, &err), 0);
	assert_true(r->identity_hidden);
	assert_int_equal(fx_count(f, "audit"), audits + 2);
	assert_int_equal(msg_text_get(&f->c, r, t, &err), 0);
	assert_string_equal(t->citizen_mobile, "");
	assert_string_equal(t->citizen_name, "");
	assert_string_equal(t->answer, "بررسی شد");
	/* the staff read added no audit entry and showed nothing */
	assert_int_equal(msg_get(&f->c, &f->s12, m->id, r, t, &err), 0);
	assert_int_equal(fx_count(f, "audit"), audits + 2);
	/* the caller's history is operator-only */
	assert_int_equal(msg_history_by_mobile(&f->c, &f->s12, FX_MOBILE, 10, &hist, &n, &err),
			 ERR_DENIED);
	assert_int_equal(msg_history_by_mobile(&f->c, &f->op, FX_MOBILE, 10, &hist, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(msg_text_get(&f->c, &hist[0], t, &err), 0);
	assert_string_equal(t->citizen_mobile, FX_MOBILE);
	free(hist);
	/* a non-confidential message shows the identity to its unit */
	assert_int_equal(fx_register(f, "09351112233", KIND_CRITICISM, f->cat_roads, m), 0);
	assert_false(m->confidential);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	assert_int_equal(msg_get(&f->c, &f->s12, m->id, r, t, &err), 0);
	assert_string_equal(t->citizen_mobile, "09351112233");
	/* and in a list, whose rows read their texts one at a time */
	search_query_init(&q);
	assert_int_equal(msg_search(&f->c, &f->s12, &q, &res, &err), 0);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.items[0].id, m->id);
	assert_int_equal(msg_text_get(&f->c, &res.items[0], t, &err), 0);
	assert_string_equal(t->citizen_mobile, "09351112233");
	search_result_release(&res);
	free(m);
	free(r);
	free(t);
}

/*
 * Issue 9: after a citizen objects to the answer of a confidential message,
 * nothing a unit or an admin reads ties it to the citizen or to the same
 * citizen's other messages: the reopen hop and the audit entry say
 * "citizen" (no id), an old "citizen:ID" entry is shown to the admin as
 * "citizen" without its hash, a duplicate link to an open message is
 * cleared, searching by citizen is refused, and the outbox hides the number.
 */
static void objection_names_no_citizen(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m)), *open = calloc(1, sizeof(*open));
	struct msg *r = calloc(1, sizeof(*r));
	struct msg_text *t = calloc(1, sizeof(*t));
	struct actor cit, old = actor_system("x");
	struct audit_entry *list = NULL;
	struct referral *hops = NULL;
	struct search_query q;
	struct search_result res;
	struct sms *texts = NULL;
	struct err err;
	int64_t total, bad;
	size_t n, i;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, open), 0);
	assert_int_equal(fx_register(f, FX_MOBILE, KIND_COMPLAINT, f->cat_conduct, m), 0);
	assert_true(m->confidential);
	assert_int_equal(msg_refer(&f->c, &f->op, m->id, 0, f->r12, 0, 0, NULL, m, &err), 0);
	assert_int_equal(msg_answer(&f->c, &f->s12, m->id, 0, "بررسی شد", m, &err), 0);
	assert_int_equal(msg_get(&f->c, &f->sys, m->id, r, NULL, &err), 0);
	cit = actor_citizen(r->citizen_id);
	assert_int_equal(msg_verdict(&f->c, &cit, m->id, 0, VERDICT_OBJECT, 0, m, &err), 0);
	assert_int_equal(m->state, STATE_REOPENED);

	assert_int_equal(msg_referrals(&f->c, &f->s12, m->id, &hops, &n, &err), 0);
	assert_int_equal(hops[n - 1].kind, HOP_REOPEN);
	assert_string_equal(hops[n - 1].actor, "citizen");
	free(hops);
	assert_int_equal(audit_list(&f->c, &f->insp, 0, 1000, &list, &n, &err), 0);
	assert_string_equal(list[n - 1].action, "msg.verdict");
	assert_string_equal(list[n - 1].actor, "citizen");
	free(list);

	/* an entry as an older release wrote it */
	str_copy(old.name, sizeof(old.name), "citizen:77");
	assert_int_equal(core_begin(&f->c, &err), 0);
	assert_int_equal(audit_append(&f->c, &old, "msg.verdict", m->id, "{}", &err), 0);
	assert_int_equal(core_commit(&f->c, &err), 0);
	assert_int_equal(audit_list(&f->c, &f->insp, 0, 1000, &list, &n, &err), 0);
	assert_string_equal(list[n - 1].actor, "citizen:77");
	assert_int_equal(strlen(list[n - 1].hash), AUDIT_HASH_HEX);
	free(list);
	assert_int_equal(audit_list(&f->c, &f->adm, 0, 1000, &list, &n, &err), 0);
	assert_string_equal(list[n - 1].actor, "citizen");
	for (i = 0; i < n; i++) {
		assert_null(strstr(list[i].actor, "citizen:"));
		/* no hash to guess a hidden part back from, on any entry */
		assert_string_equal(list[i].hash, "");
		assert_string_equal(list[i].prev_hash, "");
	}
	free(list);
	assert_int_equal(audit_verify(&f->c, &total, &bad, &err), 0);

	/* the open message rejected as a duplicate of the confidential one */
	assert_int_equal(msg_reject(&f->c, &f->op, open->id, 0, REJECT_DUPLICATE, m->id, NULL, r,
				    &err), 0);
	assert_int_equal(msg_get(&f->c, &f->op, open->id, r, NULL, &err), 0);
	assert_int_equal(r->duplicate_of, m->id);
	assert_int_equal(msg_get(&f->c, &f->adm, open->id, r, t, &err), 0);
	assert_int_equal(r->duplicate_of, 0);
	assert_string_equal(t->citizen_mobile, FX_MOBILE);
	search_query_init(&q);
	assert_int_equal(msg_search(&f->c, &f->adm, &q, &res, &err), 0);
	for (i = 0; i < res.n; i++)
		assert_int_equal(res.items[i].duplicate_of, 0);
	search_result_release(&res);
	assert_int_equal(audit_list(&f->c, &f->adm, 0, 1000, &list, &n, &err), 0);
	assert_string_equal(list[n - 1].action, "msg.reject");
	assert_null(strstr(list[n - 1].payload, "duplicate_of"));
	assert_string_equal(list[n - 1].hash, "");
	free(list);
	assert_int_equal(audit_list(&f->c, &f->insp, 0, 1000, &list, &n, &err), 0);
	assert_non_null(strstr(list[n - 1].payload, "duplicate_of"));
	free(list);

	/* "every message of citizen N" is for the roles that see identities */
	q.citizen_id = cit.citizen_id;
	assert_int_equal(msg_search(&f->c, &f->adm, &q, &res, &err), ERR_DENIED);
	assert_int_equal(msg_search(&f->c, &f->s12, &q, &res, &err), ERR_DENIED);
	assert_int_equal(msg_search(&f->c, &f->insp, &q, &res, &err), 0);
	assert_int_equal(res.n, 2);
	search_result_release(&res);

	/* the outbox: the confidential message's texts have no number */
	assert_int_equal(sms_list(&f->c, &f->adm, 100, &texts, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (texts[i].msg_id == m->id)
			assert_string_equal(texts[i].to, "");
		else
			assert_string_equal(texts[i].to, FX_MOBILE);
	free(texts);
	assert_int_equal(sms_list(&f->c, &f->insp, 100, &texts, &n, &err), 0);
	for (i = 0; i < n; i++)
		assert_string_equal(texts[i].to, FX_MOBILE);
	free(texts);
	free(m);
	free(open);
	free(r);
	free(t);
}

static void citizen_lookup(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m)), *r = calloc(1, sizeof(*r));
	struct msg_text *t = calloc(1, sizeof(*t));
	struct msg_public *p = calloc(1, sizeof(*p));
	struct actor other = actor_citizen(424242);
	struct err err;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_COMPLAINT, f->cat_conduct, m), 0);
	assert_int_equal(msg_get_for_citizen(&f->c, m->code, "+98 912 123 4567", r, &err), 0);
	assert_int_equal(r->id, m->id);
	assert_int_equal(msg_public_get(&f->c, m->code, "+98 912 123 4567", p, &err), 0);
	/* the citizen's own message: its state and texts, the mobile checked */
	assert_int_equal(p->id, m->id);
	assert_int_equal(p->state, m->state);
	assert_int_equal(p->kind, KIND_COMPLAINT);
	assert_int_equal(p->category_id, f->cat_conduct);
	assert_string_equal(p->mobile, FX_MOBILE);
	assert_true(p->subject[0] != '\0');
	assert_int_equal(msg_get_for_citizen(&f->c, m->code, "09121234568", r, &err),
			 ERR_NOTFOUND);
	assert_int_equal(msg_public_get(&f->c, m->code, "09121234568", p, &err), ERR_NOTFOUND);
	/* a wrong number leaves nothing behind */
	assert_int_equal(r->id, 0);
	assert_int_equal(p->id, 0);
	assert_string_equal(p->subject, "");
	assert_int_equal(msg_get_for_citizen(&f->c, "1234", FX_MOBILE, r, &err), ERR_NOTFOUND);
	assert_int_equal(msg_public_get(&f->c, "1234", FX_MOBILE, p, &err), ERR_NOTFOUND);
	assert_int_equal(msg_public_get(&f->c, m->code, "not a mobile", p, &err), ERR_NOTFOUND);
	/* issue 9: out of one's rights reads as not there at all */
	assert_int_equal(msg_get(&f->c, &other, m->id, r, t, &err), ERR_NOTFOUND);
	free(m);
	free(r);
	free(t);
	free(p);
}

/* Every entry point refuses bad input with a clear error and writes nothing. */
static void bad_input_everywhere_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m));
	char before[1024], after[1024], token[SESSION_TOKEN_HEX + 1];
	struct live_session ls;
	struct category cat;
	struct user u;
	struct unit un;
	struct actor who;
	struct err err;
	int64_t retry;
	int what;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	fx_counts(f, before, sizeof(before));

	memset(&un, 0, sizeof(un));
	snprintf(un.code, sizeof(un.code), "bad code");
	snprintf(un.name, sizeof(un.name), "x");
	assert_int_equal(unit_add(&f->c, &f->sys, &un, &err), ERR_INVALID);
	assert_string_equal(err.field, "code");
	snprintf(un.code, sizeof(un.code), "region-12");
	assert_int_equal(unit_add(&f->c, &f->sys, &un, &err), ERR_CONFLICT);
	snprintf(un.code, sizeof(un.code), "orphan");
	un.parent_id = 9999;
	assert_int_equal(unit_add(&f->c, &f->sys, &un, &err), ERR_INVALID);
	un.parent_id = 0;
	un.name[0] = '\0';
	assert_int_equal(unit_add(&f->c, &f->sys, &un, &err), ERR_INVALID);
	assert_int_equal(unit_add(&f->c, &f->s12, &un, &err), ERR_DENIED);

	memset(&cat, 0, sizeof(cat));
	snprintf(cat.code, sizeof(cat.code), "new");
	snprintf(cat.name, sizeof(cat.name), "جدید");
	cat.deadline_hours = 24;
	cat.kinds = 0;
	assert_int_equal(category_add(&f->c, &f->sys, &cat, &err), ERR_INVALID);
	cat.kinds = CATEGORY_ALL_KINDS;
	cat.deadline_hours = CAP_DEADLINE_HOURS + 1;
	assert_int_equal(category_add(&f->c, &f->sys, &cat, &err), ERR_INVALID);

	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "Bad Name");
	u.role = ROLE_OPERATOR;
	assert_int_equal(user_add(&f->c, &f->sys, &u, "password-123", &err), ERR_INVALID);
	snprintf(u.username, sizeof(u.username), "fine");
	u.role = ROLE_SYSTEM;
	assert_int_equal(user_add(&f->c, &f->sys, &u, "password-123", &err), ERR_INVALID);
	u.role = ROLE_OPERATOR;
	u.unit_id = 9999;
	assert_int_equal(user_add(&f->c, &f->sys, &u, "password-123", &err), ERR_INVALID);
	assert_int_equal(user_set_password(&f->c, &f->sys, "nobody", "password-123", &err),
			 ERR_NOTFOUND);
	assert_int_equal(user_disable(&f->c, &f->op, "s12", &err), ERR_DENIED);
	assert_int_equal(session_revoke(&f->c, "not-a-token", &err), ERR_NOTFOUND);
	/* an over-long password is refused before anything is hashed or stored */
	{
		char *big = malloc(CAP_PASSWORD + 2);

		memset(big, 'p', CAP_PASSWORD + 1);
		big[CAP_PASSWORD + 1] = '\0';
		assert_int_equal(user_login(&f->c, "op", big, "", token, &who, &retry, &err), ERR_AUTH);
		free(big);
	}

	memset(&ls, 0, sizeof(ls));
	ls.unit_id = f->r12;
	ls.host_user_id = f->m12.user_id;
	ls.starts_at = FX_T0;
	ls.ends_at = FX_T0 + 3600;
	assert_int_equal(live_create(&f->c, &f->adm, &ls, &err), ERR_INVALID);	/* no title */
	snprintf(ls.title, sizeof(ls.title), "جلسه");
	ls.ends_at = FX_T0 + 48 * 3600;
	assert_int_equal(live_create(&f->c, &f->adm, &ls, &err), ERR_INVALID);

	assert_int_equal(sms_inbound(&f->c, "not a number", "31", &what, m, &err), ERR_INVALID);
	assert_int_equal(sms_inbound(&f->c, FX_MOBILE, "  \n ", &what, m, &err), ERR_INVALID);
	assert_int_equal(msg_get_by_code(&f->c, &f->op, "12345", m, NULL, &err), ERR_INVALID);
	assert_int_equal(msg_get_by_code(&f->c, &f->op, "'; DROP TABLE messages; --", m, NULL,
					 &err), ERR_INVALID);

	fx_counts(f, after, sizeof(after));
	assert_string_equal(before, after);
	free(m);
}

static void code_in_persian_digits(void **state)
{
	struct fx *f = *state;
	struct msg *m = calloc(1, sizeof(*m)), *r = calloc(1, sizeof(*r));
	struct buf b = BUF_INIT(64);
	struct err err;

	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, m), 0);
	fa_digits(m->code, strlen(m->code), DIGITS_PERSIAN, &b);
	assert_int_equal(msg_get_by_code(&f->c, &f->op, b.data, r, NULL, &err), 0);
	assert_int_equal(r->id, m->id);
	assert_int_equal(msg_get_for_citizen(&f->c, b.data, "۰۹۱۲۱۲۳۴۵۶۷", r, &err), 0);
	buf_release(&b);
	free(m);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_reader),
		cmocka_unit_test(csv_cells_are_never_formulas),
		cmocka_unit_test_setup_teardown(unit_import_all_or_nothing, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(unit_tree_depth_capped, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(category_import, setup, teardown),
		cmocka_unit_test_setup_teardown(users_and_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(login_throttle, setup, teardown),
		cmocka_unit_test_setup_teardown(citizens, setup, teardown),
		cmocka_unit_test_setup_teardown(citizen_correct_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_chain_and_tamper, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_tamper_recomputed_hash_and_delete, setup,
						teardown),
		cmocka_unit_test_setup_teardown(audit_tamper_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_tamper_packed_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_tamper_action_id, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_tamper_name, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_tamper_reorder, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_kept_hashes, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_tamper_unkept, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_tamper_after_last_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_upgrade_keeps_old_hashes, setup, teardown),
		cmocka_unit_test_setup_teardown(confidential_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(objection_names_no_citizen, setup, teardown),
		cmocka_unit_test_setup_teardown(citizen_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_input_everywhere_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(code_in_persian_digits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
