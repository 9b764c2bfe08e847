/* test_http_jval.c - src/http: the JSON pre-scan, the declarative validator
 * and the rate limiter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "base/caps.h"
#include "base/err.h"
#include "http/jval.h"
#include "http/ratelimit.h"

struct in {
	const char *name;
	const char *note;
	struct jv_int age;
	struct jv_bool ok;
};

static const struct jval_field fields[] = {
	JV_STR(struct in, name, true, 10, 4),
	JV_STR(struct in, note, false, 100, 0),
	JV_INT(struct in, age, false, 1, 120),
	JV_BOOL(struct in, ok, false),
	JV_END,
};

/* Parse text and validate; return the code and leave the field in err. */
static int check(const char *text, struct in *out, struct err *err)
{
	cJSON *j;
	int rc;

	err_clear(err);
	rc = jval_scan(text, strlen(text), err);
	if (rc)
		return rc;
	j = cJSON_Parse(text);
	if (!j)
		return -100;
	rc = jval_object(j, fields, out, err);
	cJSON_Delete(j);
	return rc;
}

static void valid_object(void **state)
{
	struct in in;
	struct err e;
	cJSON *j;

	(void)state;
	j = cJSON_Parse("{\"name\":\"علی\",\"age\":30,\"ok\":true,\"note\":null}");
	assert_non_null(j);
	assert_int_equal(jval_object(j, fields, &in, &e), 0);
	assert_string_equal(in.name, "علی");
	assert_true(in.age.set);
	assert_int_equal(in.age.v, 30);
	assert_true(in.ok.set && in.ok.v);
	assert_null(in.note);
	cJSON_Delete(j);
}

static void refusals(void **state)
{
	struct in in;
	struct err e;

	(void)state;
	assert_int_equal(check("{\"name\":\"a\",\"name\":\"b\"}", &in, &e), ERR_INVALID);
	assert_string_equal(e.field, "name");
	assert_non_null(strstr(e.msg, "twice"));
	assert_int_equal(check("{\"name\":\"a\",\"admin\":true}", &in, &e), ERR_INVALID);
	assert_string_equal(e.field, "admin");
	assert_int_equal(check("{\"name\":5}", &in, &e), ERR_INVALID);
	assert_string_equal(e.field, "name");
	assert_int_equal(check("{\"note\":\"x\"}", &in, &e), ERR_INVALID);
	assert_string_equal(e.field, "name");
	/* 5 code points > 4; 11 bytes > 10 */
	assert_int_equal(check("{\"name\":\"abcde\"}", &in, &e), ERR_INVALID);
	assert_int_equal(check("{\"name\":\"ییییی\"}", &in, &e), ERR_INVALID);
	assert_int_equal(check("{\"name\":\"abcd\"}", &in, &e), 0);
	assert_int_equal(check("{\"name\":\"a\",\"age\":0}", &in, &e), ERR_INVALID);
	assert_string_equal(e.field, "age");
	assert_int_equal(check("{\"name\":\"a\",\"age\":1.5}", &in, &e), ERR_INVALID);
	assert_int_equal(check("{\"name\":\"a\",\"age\":1e300}", &in, &e), ERR_INVALID);
	assert_int_equal(check("{\"name\":\"a\",\"age\":\"30\"}", &in, &e), ERR_INVALID);
	assert_int_equal(check("{\"name\":\"a\",\"ok\":1}", &in, &e), ERR_INVALID);
	assert_int_equal(check("{\"name\":\"a\\u0001\"}", &in, &e), ERR_INVALID);
	assert_int_equal(check("{\"name\":\"a\\u0000b\"}", &in, &e), ERR_INVALID);
	assert_int_equal(check("[1,2]", &in, &e), ERR_INVALID);
}

static void scan(void **state)
{
	struct err e;
	char *deep;
	size_t i, n = 10000;

	(void)state;
	assert_int_equal(jval_scan("{\"a\":\"\xff\"}", 8, &e), ERR_INVALID);
	assert_int_equal(jval_scan("{\"a\":\"\xc0\x80\"}", 9, &e), ERR_INVALID);
	assert_int_equal(jval_scan("{\"a\":\"x\0\"}", 9, &e), ERR_INVALID);
	/* brackets inside strings do not count */
	assert_int_equal(jval_scan("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[\"}", 30, &e), 0);
	/* an escaped quote does not end the string */
	assert_int_equal(jval_scan("{\"a\":\"\\\"[[[[[[[[[[[[[[[[[[[\"}", 29, &e), 0);
	deep = malloc(2 * n + 1);
	for (i = 0; i < n; i++) {
		deep[i] = '[';
		deep[n + i] = ']';
	}
	deep[2 * n] = '\0';
	assert_int_equal(jval_scan(deep, 2 * n, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "nested"));
	/* exactly the cap is fine */
	memset(deep, '[', CAP_JSON_DEPTH);
	memset(deep + CAP_JSON_DEPTH, ']', CAP_JSON_DEPTH);
	assert_int_equal(jval_scan(deep, 2 * CAP_JSON_DEPTH, &e), 0);
	free(deep);
}

static void rate(void **state)
{
	struct ratelimit *rl = ratelimit_new(60, 3);	/* one a second, burst 3 */
	uint64_t t = 1000000;
	char key[32];
	int i;

	(void)state;
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t), 0);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t), 0);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t), 0);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t), 1);
	/* another address has its own bucket */
	assert_int_equal(ratelimit_take(rl, "10.0.0.2", t), 0);
	/* a second later one token is back */
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t + 1000000), 0);
	assert_true(ratelimit_take(rl, "10.0.0.1", t + 1000000) >= 1);
	/* the table stays bounded under many addresses */
	for (i = 0; i < 3 * CAP_RATE_CLIENTS; i++) {
		snprintf(key, sizeof(key), "192.168.%d.%d", i / 256, i % 256);
		assert_int_equal(ratelimit_take(rl, key, t + 2000000 + (uint64_t)i), 0);
	}
	ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_object),
		cmocka_unit_test(refusals),
		cmocka_unit_test(scan),
		cmocka_unit_test(rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
