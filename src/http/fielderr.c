/* fielderr.c - field errors in Persian; see fielderr.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "http/fielderr.h"

/* Every request field a person fills in a form, with its Persian name. */
static const struct {
	const char *field, *label;
} labels[] = {
	{ "username", "نام کاربری" }, { "password", "گذرواژه" },
	{ "current_password", "گذرواژهٔ کنونی" }, { "new_password", "گذرواژهٔ تازه" },
	{ "kind", "نوع پیام" }, { "category", "موضوع" }, { "subject", "عنوان" },
	{ "body", "متن پیام" }, { "address", "نشانی" }, { "region", "منطقه" },
	{ "mobile", "شمارهٔ همراه" }, { "name", "نام" }, { "national_id", "کد ملی" },
	{ "channel", "راه دریافت" }, { "priority", "اولویت" }, { "unit", "واحد" },
	{ "reason", "دلیل" }, { "note", "یادداشت" }, { "answer", "پاسخ" },
	{ "duplicate_of", "کد پیام اصلی" }, { "grade", "ارزیابی" },
	{ "verdict", "نظر شهروند" }, { "rating", "امتیاز" }, { "code", "کد" },
	{ "deadline_hours", "مهلت پاسخ (ساعت)" }, { "parent", "زیرمجموعهٔ" },
	{ "role", "نقش" }, { "kinds", "انواع پیام" }, { "period", "دوره" },
	{ "version", "نسخه" }, { "q", "جست‌وجو" }, { "state", "وضعیت" },
	{ "from", "از تاریخ" }, { "to", "تا تاریخ" }, { "limit", "تعداد" },
	{ "cursor", "صفحه" }, { "service_code", "کد خدمت" }, { "by", "تفکیک" },
	{ "compare", "مقایسه" }, { "title", "عنوان نشست" }, { "starts_at", "آغاز" },
	{ "ends_at", "پایان" }, { "host", "میزبان" }, { "live_session_id", "نشست" },
	{ "lat", "موقعیت" }, { "lon", "موقعیت" }, { "active", "فعال" },
	{ "confidential", "محرمانه" }, { "anonymous", "بی‌نام" }, { "file", "پرونده" },
	{ "attachment", "پیوست" },
};

/*
 * The rule of a field as the core checks it, for a core error naming it.
 * `has` picks a row by a word in the English message (NULL: any).
 */
static const struct {
	const char *field, *has, *msg;
} rules[] = {
	{ "password", "shorter", "گذرواژه دست‌کم %s نویسه" },
	{ "password", "longer", "گذرواژه بیش از اندازه بلند است" },
	{ "current_password", NULL, "گذرواژهٔ کنونی درست نیست" },
	{ "username", "exists", "این نام کاربری پیش‌تر گرفته شده است" },
	{ "username", NULL, "نام کاربری تنها از حروف کوچک لاتین، رقم و «.»، «_»، «-»" },
	{ "code", "exists", "این کد پیش‌تر ثبت شده است؛ کد دیگری برگزینید" },
	{ "code", "tracking", "کد رهگیری ده رقم است" },
	{ "code", NULL, "کد تنها از حروف کوچک لاتین، رقم و «.»، «_»، «-»" },
	{ "mobile", "unless", "شمارهٔ همراه را وارد کنید یا «بی‌نام» را بزنید" },
	{ "mobile", "anonymous", "پیام بی‌نام شمارهٔ همراه ندارد" },
	{ "mobile", NULL, "شمارهٔ همراه یازده رقم است و با ۰۹ آغاز می‌شود" },
	{ "national_id", NULL, "کد ملی ده رقم است و رقم کنترل آن باید درست باشد" },
	{ "deadline_hours", NULL, "مهلت پاسخ از ۱ تا ۸٬۷۸۴ ساعت (یک سال)" },
	{ "kinds", NULL, "دست‌کم یک نوع پیام را برگزینید" },
	{ "category", "kind", "این موضوع برای این نوع پیام نیست" },
	{ "category", NULL, "موضوع را از فهرست برگزینید (موضوعی فعال و بی‌زیرشاخه)" },
	{ "kind", "category", "این موضوع برای این نوع پیام نیست" },
	{ "kind", NULL, "نوع پیام را برگزینید" },
	{ "region", NULL, "منطقه را از فهرست مناطق شهر برگزینید" },
	{ "unit", "belongs", "کارمند و مدیر واحد باید واحدی داشته باشند" },
	{ "unit", NULL, "واحد را از فهرست برگزینید" },
	{ "parent", "deeper", "درخت بیش از اندازه ژرف می‌شود" },
	{ "parent", NULL, "زیرمجموعه را از فهرست برگزینید" },
	{ "role", NULL, "نقش را از فهرست برگزینید" },
	{ "reason", NULL, "دلیل را از فهرست برگزینید" },
	{ "duplicate_of", NULL, "پیام اصلی را از فهرست برگزینید" },
	{ "ends_at", NULL, "پایان نشست باید پس از آغاز آن و در همان شبانه‌روز باشد" },
	{ "host", NULL, "میزبان باید مدیر فعال همین واحد باشد" },
	{ "unit", "session", "نشست از آنِ این واحد نیست" },
	{ "rating", NULL, "امتیاز از ۱ تا ۵" },
	{ "verdict", NULL, "«می‌پذیرم» یا «اعتراض دارم» را برگزینید" },
	{ "grade", NULL, "ارزیابی «پذیرفتنی» یا «ناپذیرفتنی» است" },
	{ "lat", NULL, "موقعیت روی نقشه درست نیست" },
	{ "live_session_id", NULL, "نشست ارتباط مستقیم را از فهرست برگزینید" },
	{ "service_code", NULL, "کد خدمت تنها از حروف کوچک لاتین، رقم و «.»، «_»، «-»" },
	{ "state", NULL, "این کار در وضعیت کنونی پیام شدنی نیست" },
	{ "version", NULL, "پیام در این فاصله تغییر کرده است؛ صفحه را تازه کنید" },
};

const char *fe_label(const char *field)
{
	size_t i;

	if (!field)
		return NULL;
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (str_eq(labels[i].field, field))
			return labels[i].label;
	return NULL;
}

void fe_num(int64_t n, char *out, size_t outsz)
{
	static const char *const d[] = { "۰", "۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹" };
	char ascii[24];
	size_t i, o = 0, len;

	snprintf(ascii, sizeof(ascii), "%lld", (long long)n);
	len = strlen(ascii);
	for (i = 0; i < len && o + 4 < outsz; i++) {
		const char *p = ascii[i] == '-' ? "-" : d[ascii[i] - '0'];

		/* the Persian thousands separator «٬» every three digits */
		if (i > 0 && ascii[i - 1] != '-' && (len - i) % 3 == 0 && o + 6 < outsz) {
			memcpy(out + o, "٬", 2);
			o += 2;
		}
		memcpy(out + o, p, strlen(p));
		o += strlen(p);
	}
	out[o] = '\0';
}

void fe_add(struct field_errs *fe, const char *field, const char *fmt, ...)
{
	struct field_err *x;
	va_list ap;
	int i;

	if (!fe || fe->n >= CAP_FIELD_ERRORS)
		return;
	for (i = 0; i < fe->n; i++)
		if (str_eq(fe->e[i].field, field ? field : ""))
			return;	/* one message a field: the first rule broken */
	x = &fe->e[fe->n++];
	str_copy(x->field, sizeof(x->field), field ? field : "");
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
	str_utf8_trim_partial(x->msg);
}

/* «نام» or, for a field without a Persian name, «name». */
static const char *label_or(const char *field)
{
	const char *l = fe_label(field);

	return l ? l : field;
}

void fe_add_required(struct field_errs *fe, const char *field)
{
	fe_add(fe, field, "%s را پر کنید", label_or(field));
}

void fe_add_too_long(struct field_errs *fe, const char *field, size_t max_chars)
{
	char n[32];

	fe_num((int64_t)max_chars, n, sizeof(n));
	fe_add(fe, field, "%s حداکثر %s نویسه", label_or(field), n);
}

void fe_add_range(struct field_errs *fe, const char *field, int64_t lo, int64_t hi)
{
	char a[32], b[32];

	fe_num(lo, a, sizeof(a));
	fe_num(hi, b, sizeof(b));
	fe_add(fe, field, "%s عددی از %s تا %s", label_or(field), a, b);
}

void fe_add_bad(struct field_errs *fe, const char *field, const char *rule)
{
	fe_add(fe, field, "%s %s", label_or(field), rule);
}

/* The first number in s, or -1. */
static int64_t first_number(const char *s)
{
	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			return strtoll(s, NULL, 10);
	return -1;
}

void fe_from_err(struct field_errs *fe, const struct err *err)
{
	size_t i;

	if (!err->field[0])
		return;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (!str_eq(rules[i].field, err->field))
			continue;
		if (rules[i].has && !strstr(err->msg, rules[i].has))
			continue;
		if (strstr(rules[i].msg, "%s")) {
			const char *at = strstr(rules[i].msg, "%s");
			char n[32];

			fe_num(first_number(err->msg), n, sizeof(n));
			fe_add(fe, err->field, "%.*s%s%s", (int)(at - rules[i].msg), rules[i].msg, n,
			       at + 2);
		} else {
			fe_add(fe, err->field, "%s", rules[i].msg);
		}
		return;
	}
	if (strstr(err->msg, "required"))
		fe_add_required(fe, err->field);
	else if (strstr(err->msg, "longer than"))
		fe_add(fe, err->field, "%s بیش از اندازه بلند است", label_or(err->field));
	else
		fe_add(fe, err->field, "%s درست نیست", label_or(err->field));
}
