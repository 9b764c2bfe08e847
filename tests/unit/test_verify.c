/*
 * test_verify.c - verification codes (core/verify.h, issue 9 point 4): a
 * public web submission with a mobile needs the code texted to it; wrong
 * tries count and burn the code; codes expire; limits per number and per
 * address; only a hash is stored.  On a real SQLite file; the codes are read
 * from the SMS outbox as a citizen would read their phone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core_fixture.h"
#include "core/sms.h"
#include "core/verify.h"

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

/* The code in the newest SMS to `to` (ASCII digits after the colon). */
static void last_code(struct fx *f, const char *to, char code[CAP_VERIFY_DIGITS + 1])
{
	struct sms *list = NULL;
	struct err err;
	size_t n = 0, i;
	const char *p;

	code[0] = '\0';
	assert_int_equal(sms_list(&f->c, &f->sys, 100, &list, &n, &err), 0);
	for (i = 0; i < n; i++) {
		if (!str_eq(list[i].to, to) || !strstr(list[i].body, "کد تأیید همگان: "))
			continue;
		p = strstr(list[i].body, ": ") + 2;
		memcpy(code, p, CAP_VERIFY_DIGITS);
		code[CAP_VERIFY_DIGITS] = '\0';
		break;
	}
	free(list);
	assert_int_equal(strlen(code), CAP_VERIFY_DIGITS);
}

static void web_new(struct msg_new *in, const char *mobile)
{
	memset(in, 0, sizeof(*in));
	in->channel = CHANNEL_WEB;
	in->kind = KIND_COMPLAINT;
	in->subject = "چراغ خاموش";
	in->body = "چراغ کوچه سه شب است خاموش است";
	in->mobile = mobile;
	in->anonymous = mobile == NULL;
}

/* A code that is not `code` (the next one, wrapping). */
static void other_code(const char *code, char out[CAP_VERIFY_DIGITS + 1])
{
	memcpy(out, code, CAP_VERIFY_DIGITS + 1);
	out[0] = (char)('0' + (code[0] - '0' + 1) % 10);
}

static long long code_tries(struct fx *f)
{
	return fx_int(f, "SELECT tries FROM verify_codes ORDER BY id DESC LIMIT 1");
}

static void code_proves_the_mobile(void **state)
{
	struct fx *f = *state;
	struct actor cit = actor_citizen(0);
	struct msg_new in;
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;
	char code[CAP_VERIFY_DIGITS + 1], wrong[CAP_VERIFY_DIGITS + 1], fa[64], before[512],
		after[512];
	int64_t retry;
	size_t i, o;

	assert_int_equal(verify_request(&f->c, "+98 912 123 4567", "10.0.0.1", &retry, &err), 0);
	last_code(f, FX_MOBILE, code);
	assert_int_equal(fx_count(f, "verify_codes"), 1);
	/* only a salted hash is kept */
	{
		char sql[160];

		/* instr is strpos in PostgreSQL */
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM verify_codes WHERE %s(mobile ||"
			 " addr || salt || hash, '%s') > 0", f->pg ? "strpos" : "instr", code);
		assert_int_equal(fx_int(f, sql), 0);
	}
	assert_int_equal(verify_request(&f->c, "0912", "10.0.0.1", &retry, &err), ERR_INVALID);
	assert_string_equal(err.field, "mobile");

	/* no code, a malformed one: refused, nothing changes, no try counted */
	web_new(&in, FX_MOBILE);
	fx_counts(f, before, sizeof(before));
	assert_int_equal(verify_register(&f->c, &cit, &in, NULL, m, &err), ERR_INVALID);
	assert_string_equal(err.field, "verification_code");
	assert_int_equal(verify_register(&f->c, &cit, &in, "1234", m, &err), ERR_INVALID);
	assert_int_equal(verify_register(&f->c, &cit, &in, "12a45", m, &err), ERR_INVALID);
	fx_counts(f, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(code_tries(f), 0);

	/* a wrong code counts a try and registers nothing */
	other_code(code, wrong);
	assert_int_equal(verify_register(&f->c, &cit, &in, wrong, m, &err), ERR_INVALID);
	assert_string_equal(err.field, "verification_code");
	assert_int_equal(code_tries(f), 1);
	assert_int_equal(fx_count(f, "messages"), 0);

	/* the right code, but a bad submission: refused and the code stays good */
	in.subject = "";
	assert_int_equal(verify_register(&f->c, &cit, &in, code, m, &err), ERR_INVALID);
	assert_int_equal(fx_count(f, "messages"), 0);
	in.subject = "چراغ خاموش";

	/* the right code in Persian digits registers, and is used up */
	for (i = 0, o = 0; code[i]; i++) {
		static const char *const d[] = { "۰", "۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹" };

		memcpy(fa + o, d[code[i] - '0'], 2);
		o += 2;
	}
	fa[o] = '\0';
	assert_int_equal(verify_register(&f->c, &cit, &in, fa, m, &err), 0);
	assert_int_equal(m->channel, CHANNEL_WEB);
	assert_int_equal(fx_count(f, "messages"), 1);
	assert_int_equal(verify_register(&f->c, &cit, &in, code, m, &err), ERR_INVALID);
	assert_int_equal(fx_count(f, "messages"), 1);

	/* anonymous submissions carry no number and need no code */
	web_new(&in, NULL);
	assert_int_equal(verify_register(&f->c, &cit, &in, NULL, m, &err), 0);
	assert_int_equal(fx_count(f, "messages"), 2);
	free(m);
}

static void tries_expiry_and_newest(void **state)
{
	struct fx *f = *state;
	struct actor cit = actor_citizen(0);
	struct msg_new in;
	struct msg *m = calloc(1, sizeof(*m));
	struct err err;
	char code[CAP_VERIFY_DIGITS + 1], first[CAP_VERIFY_DIGITS + 1],
		wrong[CAP_VERIFY_DIGITS + 1];
	int64_t retry;
	int i;

	web_new(&in, FX_MOBILE);
	/* five wrong tries burn the code: the right one is refused after */
	assert_int_equal(verify_request(&f->c, FX_MOBILE, "10.0.0.1", &retry, &err), 0);
	last_code(f, FX_MOBILE, code);
	other_code(code, wrong);
	for (i = 0; i < CAP_VERIFY_TRIES; i++)
		assert_int_equal(verify_register(&f->c, &cit, &in, wrong, m, &err), ERR_INVALID);
	assert_int_equal(code_tries(f), CAP_VERIFY_TRIES);
	assert_int_equal(verify_register(&f->c, &cit, &in, code, m, &err), ERR_INVALID);
	assert_int_equal(fx_count(f, "messages"), 0);

	/* a code is good for five minutes */
	core_set_now(&f->c, FX_T0 + 10);
	assert_int_equal(verify_request(&f->c, FX_MOBILE, "10.0.0.1", &retry, &err), 0);
	last_code(f, FX_MOBILE, code);
	core_set_now(&f->c, FX_T0 + 10 + CAP_VERIFY_TTL);
	assert_int_equal(verify_register(&f->c, &cit, &in, code, m, &err), ERR_INVALID);

	/* only the newest code of a number counts */
	core_set_now(&f->c, FX_T0 + 1000);
	assert_int_equal(verify_request(&f->c, FX_MOBILE, "10.0.0.1", &retry, &err), 0);
	last_code(f, FX_MOBILE, first);
	core_set_now(&f->c, FX_T0 + 1001);
	assert_int_equal(verify_request(&f->c, FX_MOBILE, "10.0.0.1", &retry, &err), 0);
	last_code(f, FX_MOBILE, code);
	if (!str_eq(first, code))
		assert_int_equal(verify_register(&f->c, &cit, &in, first, m, &err), ERR_INVALID);
	assert_int_equal(verify_register(&f->c, &cit, &in, code, m, &err), 0);
	assert_int_equal(fx_count(f, "messages"), 1);
	free(m);
}

static void limits_per_number_and_address(void **state)
{
	struct fx *f = *state;
	struct err err;
	int64_t retry;
	char mobile[16];
	long long sms_before;
	int i;

	/* three codes per number in 15 minutes */
	for (i = 0; i < CAP_VERIFY_PER_NUMBER; i++)
		assert_int_equal(verify_request(&f->c, FX_MOBILE, "10.0.0.1", &retry, &err), 0);
	sms_before = fx_count(f, "sms_outbox");
	core_set_now(&f->c, FX_T0 + 60);
	assert_int_equal(verify_request(&f->c, FX_MOBILE, "10.0.0.2", &retry, &err), ERR_LIMITED);
	assert_int_equal(retry, CAP_VERIFY_NUMBER_WINDOW - 60);
	assert_int_equal(fx_count(f, "sms_outbox"), sms_before);
	core_set_now(&f->c, FX_T0 + CAP_VERIFY_NUMBER_WINDOW + 1);
	assert_int_equal(verify_request(&f->c, FX_MOBILE, "10.0.0.2", &retry, &err), 0);

	/* ten a day, however they are spread */
	for (i = 0; i < CAP_VERIFY_PER_NUMBER_DAY; i++) {
		core_set_now(&f->c, FX_T0 + 30 * 24 * 3600 + i * CAP_VERIFY_NUMBER_WINDOW);
		assert_int_equal(verify_request(&f->c, "09351112233", "10.0.0.3", &retry, &err), 0);
	}
	core_set_now(&f->c, FX_T0 + 30 * 24 * 3600 + 10 * CAP_VERIFY_NUMBER_WINDOW);
	assert_int_equal(verify_request(&f->c, "09351112233", "10.0.0.3", &retry, &err),
			 ERR_LIMITED);
	assert_true(retry > 10 * 3600);

	/* one address texts at most CAP_VERIFY_PER_ADDR numbers an hour */
	core_set_now(&f->c, FX_T0 + 60 * 24 * 3600);
	for (i = 0; i < CAP_VERIFY_PER_ADDR; i++) {
		snprintf(mobile, sizeof(mobile), "0912%07d", 100 + i);
		assert_int_equal(verify_request(&f->c, mobile, "10.9.9.9", &retry, &err), 0);
	}
	assert_int_equal(verify_request(&f->c, "09129999999", "10.9.9.9", &retry, &err),
			 ERR_LIMITED);
	assert_int_equal(retry, CAP_VERIFY_ADDR_WINDOW);
	assert_int_equal(verify_request(&f->c, "09129999999", "10.9.9.8", &retry, &err), 0);
	/* codes older than a day are deleted as new ones come */
	assert_int_equal(fx_count(f, "verify_codes"), CAP_VERIFY_PER_ADDR + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(code_proves_the_mobile, setup, teardown),
		cmocka_unit_test_setup_teardown(tries_expiry_and_newest, setup, teardown),
		cmocka_unit_test_setup_teardown(limits_per_number_and_address, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
