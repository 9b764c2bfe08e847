/*
 * demo.c - the demo database generator (demo.h).
 *
 * Plan first, then play.  The plan decides every message up front from the
 * seed: when it was created (days weighted by weekday, month, Nowruz and
 * holidays, a few snow-storm days; hours by the call centre's day), its
 * channel, kind, region, category, citizen, whether it is rejected, bounced,
 * transferred, answered, and what the citizen and the inspectors say.  Region
 * 12's messages in the first nine months of 1398 and 1399 get exact quotas
 * (docs/demo.md).  Then the play: a min-heap of (time, message) replays every
 * transition in historical order through the real core functions with the
 * clock set to that time, in batches of DEMO_BATCH core calls per store
 * transaction, each message held in memory (struct live, core/bulk.h)
 * from its registration until its last step writes it.  Delays are drawn
 * from each message's own random stream, so nothing depends on the order
 * the heap hands messages out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"
#include "core/actor.h"
#include "core/batch.h"
#include "core/bulk.h"
#include "core/category.h"
#include "core/core.h"
#include "base/units.h"
#include "demo/demo.h"
#include "demo/demo_int.h"
#include "demo/demo_sms.h"
#include "core/flow.h"
#include "core/live.h"
#include "core/msg.h"
#include "core/unit.h"
#include "core/user.h"
#include "fa/ids.h"
#include "fa/jalali.h"
#include "fa/tehran.h"

#define DEMO_BATCH 20000		/* core calls per store transaction */

/* ---- random numbers: splitmix64 streams ---- */

static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A stream of its own for (seed, purpose, index). */
static uint64_t rnd_stream(uint64_t seed, uint64_t purpose, uint64_t index)
{
	uint64_t s = seed ^ (purpose * 0xd1342543de82ef95ULL);

	s = rnd_next(&s) ^ index;
	(void)rnd_next(&s);
	return s;
}

static double rnd_unit(uint64_t *s)
{
	return (double)(rnd_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static int rnd_int(uint64_t *s, int n)
{
	return (int)(rnd_unit(s) * n);
}

static bool rnd_chance(uint64_t *s, double p)
{
	return rnd_unit(s) < p;
}

static double rnd_normal(uint64_t *s)
{
	double u = rnd_unit(s), v = rnd_unit(s);

	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Seconds, lognormal around median, clamped to [lo, hi]. */
static int64_t rnd_delay(uint64_t *s, double median, double sigma, int64_t lo, int64_t hi)
{
	double d = median * exp(sigma * rnd_normal(s));

	if (d < (double)lo)
		return lo;
	if (d > (double)hi)
		return hi;
	return (int64_t)d;
}

static int rnd_pick(uint64_t *s, const double *w, int n)
{
	double sum = 0, x;
	int i;

	for (i = 0; i < n; i++)
		sum += w[i];
	x = rnd_unit(s) * sum;
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

static void shuffle(uint64_t *s, int32_t *a, size_t n)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = (size_t)(rnd_unit(s) * (double)i);
		int32_t t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* ---- Persian text helpers ---- */

/* Append v in Persian digits. */
static void add_fa_num(struct buf *b, long v)
{
	char ascii[24];
	int i, n = snprintf(ascii, sizeof(ascii), "%ld", v);

	for (i = 0; i < n; i++) {
		if (ascii[i] >= '0' && ascii[i] <= '9') {
			char fa[3] = { (char)0xdb, (char)(0xb0 + (ascii[i] - '0')), 0 };

			buf_adds(b, fa);
		} else {
			buf_addc(b, ascii[i]);
		}
	}
}

/* Template substitution: {s} street, {p} place, {n} a number, {r} region
 * name, {c} category name, {u} unit name, {t} subject. */
struct subst {
	const char *street, *place, *region, *cat, *unit, *subject;
	long num;
};

static void add_template(struct buf *b, const char *t, const struct subst *v)
{
	while (*t) {
		const char *open = strchr(t, '{');

		if (!open || !open[1] || open[2] != '}') {
			buf_adds(b, t);
			return;
		}
		buf_add(b, t, (size_t)(open - t));
		switch (open[1]) {
		case 's': buf_adds(b, v->street); break;
		case 'p': buf_adds(b, v->place); break;
		case 'r': buf_adds(b, v->region); break;
		case 'c': buf_adds(b, v->cat); break;
		case 'u': buf_adds(b, v->unit); break;
		case 't': buf_adds(b, v->subject); break;
		case 'n': add_fa_num(b, v->num); break;
		default: buf_add(b, open, 3); break;
		}
		t = open + 3;
	}
}

/* ---- the city ---- */

struct region_info {
	int districts;
	double weight;		/* share of messages (population, plus the centre's pull) */
	double slowness;	/* how long its answers take, relative */
	const char *streets[6];
};

static const struct region_info regions[DEMO_REGIONS] = {
	{ 10, 490, 0.9, { "خیابان دربند", "میدان تجریش", "خیابان نیاوران", "بلوار اندرزگو", "خیابان فرمانیه", "خیابان الهیه" } },
	{ 9, 700, 1.0, { "بلوار فرحزادی", "خیابان سعادت‌آباد", "بلوار ایوانک", "خیابان گیشا", "خیابان مرزداران", "خیابان طرشت" } },
	{ 6, 330, 0.9, { "خیابان ونک", "خیابان میرداماد", "خیابان ملاصدرا", "خیابان ظفر", "خیابان جردن", "محله دروس" } },
	{ 9, 920, 1.1, { "خیابان نارمک", "خیابان تهرانپارس", "خیابان مجیدیه", "خیابان حکیمیه", "خیابان شمیران‌نو", "خیابان لویزان" } },
	{ 7, 860, 1.0, { "بلوار جنت‌آباد", "خیابان پونک", "خیابان شهران", "بلوار فردوس", "شهرک اکباتان", "خیابان سازمان برنامه" } },
	{ 6, 330, 0.8, { "خیابان کریمخان", "خیابان فاطمی", "خیابان انقلاب", "خیابان طالقانی", "خیابان ولیعصر", "خیابان یوسف‌آباد" } },
	{ 5, 330, 1.0, { "خیابان شریعتی", "خیابان مطهری", "خیابان سهروردی", "خیابان بهار", "خیابان نظام‌آباد", "خیابان سبلان" } },
	{ 4, 420, 1.0, { "خیابان وحیدیه", "خیابان دردشت", "خیابان تسلیحات", "فلکه دوم تهرانپارس", "خیابان گلبرگ", "خیابان استخر" } },
	{ 4, 180, 1.1, { "خیابان مهرآباد", "خیابان شمشیری", "خیابان دستغیب", "خیابان فتح", "خیابان هاشمی", "خیابان امام خمینی" } },
	{ 3, 330, 1.2, { "خیابان سلسبیل", "خیابان هاشمی", "خیابان زنجان جنوبی", "خیابان قزوین", "خیابان کمیل", "خیابان دامپزشکی" } },
	{ 4, 330, 1.1, { "خیابان جمهوری", "خیابان منیریه", "خیابان امیریه", "میدان راه‌آهن", "خیابان کارگر جنوبی", "خیابان مختاری" } },
	{ 6, 480, 1.2, { "خیابان ناصرخسرو", "خیابان خیام", "خیابان پانزده خرداد", "خیابان مولوی", "خیابان لاله‌زار", "خیابان امیرکبیر" } },
	{ 4, 260, 1.0, { "خیابان پیروزی", "خیابان دماوند", "خیابان تهران‌نو", "خیابان زرکش", "خیابان شهید مدنی", "خیابان نیروی هوایی" } },
	{ 6, 500, 1.1, { "خیابان شکوفه", "خیابان نبرد", "بزرگراه محلاتی", "خیابان پرستار", "خیابان خاوران", "خیابان ابوذر" } },
	{ 7, 660, 1.3, { "خیابان افسریه", "خیابان مسعودیه", "خیابان مشیریه", "خیابان کیان‌شهر", "جاده خاوران", "خیابان اتابک" } },
	{ 6, 280, 1.2, { "خیابان نازی‌آباد", "خیابان یاخچی‌آباد", "خیابان جوادیه", "خیابان خزانه", "خیابان بهمنیار", "خیابان رجایی" } },
	{ 3, 270, 1.2, { "خیابان ابوذر", "خیابان زمزم", "خیابان گلچین", "خیابان آذری", "خیابان قلعه مرغی", "خیابان وصفنارد" } },
	{ 5, 420, 1.3, { "خیابان یافت‌آباد", "خیابان شادآباد", "بلوار معلم", "خیابان صالح‌آباد", "خیابان ولیعصر یافت‌آباد", "شهرک ولیعصر" } },
	{ 5, 270, 1.3, { "شهرک شریعتی", "خیابان اسفندیاری", "خیابان خانی‌آباد نو", "خیابان نعمت‌آباد", "بلوار دهکده", "خیابان بهاران" } },
	{ 5, 370, 1.2, { "خیابان شهرری", "خیابان دولت‌آباد", "خیابان ابن‌بابویه", "میدان نماز", "خیابان فدائیان اسلام", "خیابان جوانمرد قصاب" } },
	{ 3, 190, 1.0, { "بلوار تهرانسر", "شهرک دانشگاه", "بلوار چیتگر", "شهرک استقلال", "خیابان گلستان", "بلوار کاج" } },
	{ 4, 190, 0.9, { "بلوار دریاچه", "شهرک گلستان", "دهکده المپیک", "بلوار کوهک", "شهرک راه‌آهن", "بزرگراه همت" } },
};

#define R12 11			/* index of Region 12 */

static const char *const places[] = {
	"نزدیک ایستگاه اتوبوس", "روبه‌روی مدرسه", "کنار مسجد محل", "جنب پارک محله",
	"سر کوچه", "نزدیک ایستگاه مترو", "روبه‌روی درمانگاه", "کنار بانک",
	"نزدیک میدان", "پشت بازارچه", "جنب نانوایی", "مقابل پاساژ",
};

/* Deputies, companies and the oversight office under the municipality. */
enum dept {
	DEPT_SERVICES = 0, DEPT_TRANSPORT, DEPT_URBAN, DEPT_SOCIAL, DEPT_BUS, DEPT_METRO,
	DEPT_TAXI, DEPT_INSPECTION, DEPT_COUNT
};

static const struct {
	const char *code, *name;
	int parent;		/* a dept, or -1 for the municipality */
} depts[DEPT_COUNT] = {
	{ "deputy-services", "معاونت خدمات شهری و محیط زیست", -1 },
	{ "deputy-transport", "معاونت حمل‌ونقل و ترافیک", -1 },
	{ "deputy-urban", "معاونت معماری و شهرسازی", -1 },
	{ "deputy-social", "معاونت امور اجتماعی و فرهنگی", -1 },
	{ "bus-company", "شرکت واحد اتوبوس‌رانی تهران", DEPT_TRANSPORT },
	{ "metro-company", "شرکت بهره‌برداری متروی تهران", DEPT_TRANSPORT },
	{ "taxi-organisation", "سازمان مدیریت و نظارت بر تاکسیرانی", DEPT_TRANSPORT },
	{ "inspection", "سازمان بازرسی شهرداری تهران", -1 },
};

/* ---- the categories ---- */

enum route { ROUTE_REGION = 0, ROUTE_DISTRICT, ROUTE_DEPT };

struct cat_info {
	const char *code, *name;
	int root;		/* index of its root in cat_roots */
	int hours;
	bool confidential;
	const char *service;
	enum route route;
	int dept;		/* ROUTE_DEPT */
	double season[4];	/* weight in spring, summer, autumn, winter */
	double appr, sugg;	/* weight for appreciations and suggestions */
	unsigned kinds;		/* 0: all */
	const char *subject[2], *body[2];
};

static const struct {
	const char *code, *name, *answer;
} cat_roots[] = {
	{ "cleaning", "خدمات شهری و نظافت",
	  "با سلام و احترام؛ گزارش شما درباره «{t}» به واحد خدمات شهری {u} ارجاع شد. اکیپ خدمات شهری در محل حاضر شد و موضوع برطرف گردید. از همراهی شما سپاسگزاریم." },
	{ "roads", "معابر و آسفالت",
	  "با سلام؛ موضوع «{t}» توسط کارشناس فنی {u} بازدید شد و عملیات ترمیم در برنامه اجرایی قرار گرفت و انجام شد. در صورت نیاز با ۱۸۸۸ تماس بگیرید." },
	{ "traffic", "حمل‌ونقل و ترافیک",
	  "با سلام و احترام؛ گزارش شما درباره «{t}» بررسی شد و دستور لازم به {u} داده شد. نتیجه اقدام: رفع مشکل و پایش مستمر." },
	{ "green", "فضای سبز و محیط زیست",
	  "با سلام؛ درخواست شما درباره «{t}» به اداره فضای سبز {u} ارجاع و اقدام لازم انجام شد." },
	{ "building", "شهرسازی و تخلفات ساختمانی",
	  "با سلام؛ گزارش «{t}» توسط ناظر شهرسازی {u} بررسی شد. برای ملک مورد نظر اخطار صادر و پرونده به کمیسیون ماده ۱۰۰ ارسال شد." },
	{ "conduct", "رفتار و عملکرد کارکنان",
	  "با سلام و احترام؛ گزارش شما درباره «{t}» در حراست و واحد بازرسی {u} بررسی شد و با فرد یا پیمانکار مربوط برابر مقررات برخورد شد." },
	{ "trade", "سد معبر و مشاغل",
	  "با سلام؛ موضوع «{t}» توسط واحد رفع سد معبر {u} پیگیری و برطرف شد." },
	{ "social", "خدمات اجتماعی و فرهنگی",
	  "با سلام؛ گزارش شما درباره «{t}» به {u} ارجاع و پیگیری شد. از توجه شما سپاسگزاریم." },
	{ "safety", "ایمنی و حوادث",
	  "با سلام؛ پس از گزارش «{t}»، گروه ایمنی {u} بلافاصله در محل حاضر و خطر برطرف شد." },
	{ "other", "سایر موضوعات",
	  "با سلام و احترام؛ پیام شما درباره «{t}» در {u} بررسی و نتیجه به اطلاع رسید. از همراهی شما سپاسگزاریم." },
};
#define CAT_ROOTS (sizeof(cat_roots) / sizeof(cat_roots[0]))

#define K(k) (1u << (k))
#define KIND_MAIN (K(KIND_CRITICISM) | K(KIND_COMPLAINT) | K(KIND_REQUEST))

static const struct cat_info cats[] = {
	{ "cleaning.waste", "جمع‌آوری پسماند و زباله", 0, 24, false, "waste-collection", ROUTE_DISTRICT, 0,
	  { 8, 9, 8, 7 }, 1, 1, 0,
	  { "انباشت زباله در {s}", "جمع‌آوری نشدن زباله {p}" },
	  { "سلام. چند روز است که زباله‌ها در {s}، {p}، جمع‌آوری نشده و بوی بد و حشرات مزاحم اهالی شده‌اند. لطفاً رسیدگی کنید.",
	    "مخزن زباله {p} در {s} پر شده و زباله‌ها کنار خیابان ریخته است. پلاک {n}." } },
	{ "cleaning.street", "رفت‌وروب و نظافت معابر", 0, 48, false, "street-cleaning", ROUTE_DISTRICT, 0,
	  { 5, 5, 7, 5 }, 2, 0.5, 0,
	  { "نظافت نشدن {s}", "برگ و خاک جمع‌شده در جوی {s}" },
	  { "پیاده‌رو و جوی آب {s} {p} مدتی است رفت‌وروب نشده است.",
	    "جوی آب {s} پر از برگ و خاک شده و آب سرریز می‌شود؛ لطفاً لایروبی شود." } },
	{ "cleaning.snow", "برف‌روبی و یخ‌زدایی", 0, 12, false, "snow-removal", ROUTE_DISTRICT, 0,
	  { 0.2, 0, 0.6, 9 }, 0.3, 0.2, 0,
	  { "برف‌روبی نشدن {s}", "یخ‌زدگی معبر {p}" },
	  { "برف {s} از صبح روبیده نشده و خودروها و عابران گرفتار شده‌اند. لطفاً اکیپ برف‌روبی اعزام شود.",
	    "معبر {s} {p} یخ زده و چند نفر زمین خورده‌اند. نمک‌پاشی انجام نشده است." } },
	{ "cleaning.animals", "حیوانات بلاصاحب و جانوران موذی", 0, 72, false, "stray-animals", ROUTE_REGION, 0,
	  { 2, 2.5, 2, 1.5 }, 0, 0.2, 0,
	  { "سگ‌های بلاصاحب در {s}", "موش در جوی‌های {s}" },
	  { "چند سگ بلاصاحب شب‌ها در {s} {p} پرسه می‌زنند و برای کودکان خطرناک است.",
	    "در جوی‌های {s} موش زیاد شده است؛ لطفاً طعمه‌گذاری شود." } },
	{ "cleaning.debris", "نخاله و مصالح ساختمانی رهاشده", 0, 72, false, "debris", ROUTE_DISTRICT, 0,
	  { 4, 4, 3, 2 }, 0, 0.2, 0,
	  { "تخلیه نخاله در {s}", "رهاشدن مصالح ساختمانی {p}" },
	  { "شب گذشته یک کامیون نخاله ساختمانی در {s} {p} تخلیه کرده است.",
	    "مصالح ساختمانی پلاک {n} {s} یک هفته است پیاده‌رو را بسته است." } },
	{ "roads.pothole", "چاله و ترمیم آسفالت", 1, 72, false, "pothole", ROUTE_REGION, 0,
	  { 6, 3, 4, 10 }, 0.5, 0.5, 0,
	  { "چاله بزرگ در {s}", "آسفالت خراب {s}" },
	  { "در {s} {p} چاله عمیقی ایجاد شده که به خودروها آسیب می‌زند.",
	    "آسفالت {s} پس از بارندگی کاملاً خراب شده و نیاز به لکه‌گیری دارد." } },
	{ "roads.sidewalk", "پیاده‌رو و جدول", 1, 120, false, "sidewalk", ROUTE_DISTRICT, 0,
	  { 4, 4, 4, 3 }, 0.5, 1, 0,
	  { "خرابی پیاده‌رو {s}", "جدول شکسته {p}" },
	  { "سنگ‌فرش پیاده‌رو {s} {p} کنده شده و عبور سالمندان دشوار است.",
	    "جدول کنار {s} پلاک {n} شکسته و خطرناک است." } },
	{ "roads.lighting", "روشنایی معابر", 1, 48, false, "street-light", ROUTE_DISTRICT, 0,
	  { 4, 3, 5, 6 }, 0.3, 0.5, 0,
	  { "خاموشی چراغ‌های {s}", "تیر چراغ برق آسیب‌دیده {p}" },
	  { "چراغ‌های روشنایی {s} {p} چند شب است خاموش است و محل ناامن شده است.",
	    "تیر چراغ {s} کج شده و سیم‌های آن بیرون زده است." } },
	{ "roads.drainage", "آب‌گرفتگی و آب‌های سطحی", 1, 24, false, "flooding", ROUTE_REGION, 0,
	  { 5, 1, 4, 4 }, 0.2, 0.3, 0,
	  { "آب‌گرفتگی {s}", "گرفتگی دهانه کانال {p}" },
	  { "با هر بارندگی {s} {p} آب‌گرفته می‌شود و عبور ممکن نیست.",
	    "دهانه کانال آب‌های سطحی {s} گرفته و آب به خانه‌ها می‌رود." } },
	{ "roads.digging", "حفاری و ترمیم نشدن ترانشه", 1, 96, false, "road-digging", ROUTE_REGION, 0,
	  { 3, 4, 3, 2 }, 0, 0.3, 0,
	  { "ترمیم نشدن حفاری {s}", "حفاری بدون مجوز {p}" },
	  { "پس از حفاری شرکت گاز در {s}، ترانشه ترمیم نشده و خاک در خیابان مانده است.",
	    "در {s} {p} حفاری بدون علائم هشدار انجام شده است." } },
	{ "traffic.signals", "چراغ راهنمایی و علائم", 2, 24, false, "traffic-signal", ROUTE_REGION, 0,
	  { 3, 3, 3, 3 }, 0.2, 1, 0,
	  { "خرابی چراغ راهنمایی {s}", "نبود خط‌کشی عابر {p}" },
	  { "چراغ راهنمایی تقاطع {s} چشمک‌زن مانده و ترافیک سنگین شده است.",
	    "خط‌کشی عابر پیاده {s} {p} پاک شده است." } },
	{ "traffic.parking", "پارک غیرمجاز و سد معبر خودرو", 2, 48, false, "illegal-parking", ROUTE_REGION, 0,
	  { 5, 5, 5, 5 }, 0, 0.5, 0,
	  { "پارک دوبله در {s}", "سد معبر خودرو {p}" },
	  { "خودروها در {s} {p} دوبله پارک می‌کنند و خیابان بسته می‌شود.",
	    "یک خودروی رهاشده ماه‌هاست در {s} پلاک {n} مانده است." } },
	{ "traffic.bus", "اتوبوس‌رانی", 2, 72, false, "bus", ROUTE_DEPT, DEPT_BUS,
	  { 3, 3, 3, 3 }, 1, 1, 0,
	  { "تأخیر اتوبوس‌های خط {s}", "رفتار راننده اتوبوس" },
	  { "اتوبوس‌های خط {s} بیش از نیم ساعت تأخیر دارند و ایستگاه {p} شلوغ است.",
	    "راننده اتوبوس در ایستگاه {s} توقف نکرد." } },
	{ "traffic.metro", "مترو", 2, 72, false, "metro", ROUTE_DEPT, DEPT_METRO,
	  { 2, 2, 2, 2.5 }, 0.5, 1, 0,
	  { "ازدحام ایستگاه مترو {s}", "خرابی پله برقی مترو" },
	  { "در ساعات اوج، ایستگاه مترو {s} بسیار شلوغ است و فاصله قطارها زیاد است.",
	    "پله برقی ایستگاه مترو {s} چند روز است کار نمی‌کند." } },
	{ "traffic.taxi", "تاکسیرانی", 2, 72, false, "taxi", ROUTE_DEPT, DEPT_TAXI,
	  { 2, 2, 2, 2 }, 0.5, 0.5, 0,
	  { "دریافت کرایه اضافه تاکسی", "رفتار راننده تاکسی در {s}" },
	  { "راننده تاکسی خط {s} بیش از نرخ مصوب کرایه گرفت. شماره تاکسی {n}.",
	    "راننده تاکسی در {s} مسافر را در میانه مسیر پیاده کرد." } },
	{ "traffic.congestion", "طرح ترافیک و گره‌های ترافیکی", 2, 168, false, "traffic-plan", ROUTE_DEPT, DEPT_TRANSPORT,
	  { 2, 2, 3, 3 }, 0, 2, 0,
	  { "گره ترافیکی {s}", "مشکل طرح ترافیک" },
	  { "تقاطع {s} هر روز عصر قفل می‌شود؛ زمان‌بندی چراغ‌ها اصلاح شود.",
	    "سامانه طرح ترافیک مبلغ را دو بار از حساب کسر کرده است." } },
	{ "green.trees", "قطع و هرس درختان", 3, 72, false, "trees", ROUTE_DISTRICT, 0,
	  { 4, 3, 4, 2 }, 0.5, 0.5, 0,
	  { "قطع درخت در {s}", "شاخه‌های خشک درختان {p}" },
	  { "درختان چنار {s} {p} را شبانه قطع می‌کنند؛ لطفاً جلوگیری شود.",
	    "شاخه‌های خشک درختان {s} روی سیم برق افتاده و خطرناک است." } },
	{ "green.parks", "پارک‌ها و بوستان‌ها", 3, 96, false, "parks", ROUTE_DISTRICT, 0,
	  { 4, 5, 3, 2 }, 2, 2, 0,
	  { "خرابی وسایل بازی پارک {s}", "نظافت نشدن بوستان {p}" },
	  { "وسایل بازی کودکان در پارک {s} شکسته و خطرناک است.",
	    "سرویس بهداشتی بوستان {s} کثیف و بدون آب است." } },
	{ "green.irrigation", "آبیاری فضای سبز", 3, 48, false, "irrigation", ROUTE_DISTRICT, 0,
	  { 2, 6, 2, 0.3 }, 0, 0.5, 0,
	  { "آبیاری نشدن فضای سبز {s}", "هدررفت آب در {p}" },
	  { "چمن و درختان {s} از تشنگی خشک شده‌اند.",
	    "شیر آب فضای سبز {s} {p} از دیشب باز مانده است." } },
	{ "green.pollution", "آلودگی هوا و صوتی", 3, 168, false, "pollution", ROUTE_DEPT, DEPT_SERVICES,
	  { 1, 1, 3, 5 }, 0, 1, 0,
	  { "آلودگی صوتی {s}", "دود کارگاه در {p}" },
	  { "سروصدای کارگاه {s} تا نیمه‌شب ادامه دارد.",
	    "دودکش یک کارگاه در {s} آلودگی شدید ایجاد کرده است." } },
	{ "building.violation", "ساخت‌وساز غیرمجاز", 4, 168, false, "building-violation", ROUTE_REGION, 0,
	  { 5, 5, 5, 4 }, 0, 0.3, 0,
	  { "ساخت‌وساز غیرمجاز در {s}", "اضافه‌بنا پلاک {n} {s}" },
	  { "ساختمان پلاک {n} {s} بدون پروانه در حال اضافه کردن طبقه است.",
	    "در {s} {p} بالکن و پیش‌آمدگی غیرمجاز ساخته شده است." } },
	{ "building.permit", "پروانه و پایان‌کار", 4, 240, false, "building-permit", ROUTE_REGION, 0,
	  { 3, 3, 3, 3 }, 0.5, 1, 0,
	  { "تأخیر در صدور پروانه", "پیگیری پایان‌کار" },
	  { "پرونده پروانه ساختمانی من در {r} چند ماه است بلاتکلیف مانده است.",
	    "برای گرفتن پایان‌کار پلاک {n} {s} چند بار مراجعه کرده‌ام و پاسخی نگرفته‌ام." } },
	{ "building.unsafe", "ساختمان ناایمن و فرسوده", 4, 72, false, "unsafe-building", ROUTE_REGION, 0,
	  { 2, 2, 2, 3 }, 0, 0.3, 0,
	  { "ساختمان ناایمن در {s}", "خطر ریزش دیوار {p}" },
	  { "دیوار ساختمان قدیمی {s} {p} ترک برداشته و ممکن است فرو بریزد.",
	    "یک ساختمان متروکه در {s} محل تجمع معتادان و خطرناک است." } },
	{ "building.site", "مزاحمت کارگاه ساختمانی", 4, 72, false, "construction-nuisance", ROUTE_REGION, 0,
	  { 3, 4, 3, 2 }, 0, 0.2, 0,
	  { "مزاحمت کارگاه ساختمانی {s}", "کار شبانه کارگاه {p}" },
	  { "کارگاه ساختمانی پلاک {n} {s} پیاده‌رو را اشغال کرده است.",
	    "کارگاه {s} تا نیمه‌شب کار می‌کند و خاک و سروصدا دارد." } },
	{ "conduct.staff", "رفتار نامناسب کارکنان", 5, 168, true, "staff-conduct", ROUTE_REGION, 0,
	  { 3, 3, 3, 3 }, 4, 0.5, K(KIND_COMPLAINT) | K(KIND_CRITICISM) | K(KIND_APPRECIATION),
	  { "رفتار نامناسب مأمور {r}", "برخورد کارمند شهرداری" },
	  { "مأمور شهرداری در {s} با من برخورد توهین‌آمیز داشت.",
	    "کارمند دفتر خدمات الکترونیک {r} پاسخ‌گو نبود و با مراجعان بدرفتاری کرد." } },
	{ "conduct.corruption", "تخلف اداری و مالی", 5, 240, true, "misconduct", ROUTE_REGION, 0,
	  { 1, 1, 1, 1 }, 0, 0, K(KIND_COMPLAINT) | K(KIND_CRITICISM),
	  { "درخواست وجه از سوی مأمور", "تخلف در صدور مجوز" },
	  { "مأمور {r} برای نادیده گرفتن تخلف {s} درخواست پول کرد.",
	    "در صدور مجوز کسب در {s} تبعیض و تخلف شده است." } },
	{ "conduct.contractor", "عملکرد پیمانکاران", 5, 168, false, "contractor", ROUTE_REGION, 0,
	  { 2, 2, 2, 2 }, 0.5, 0.5, 0,
	  { "کم‌کاری پیمانکار خدمات شهری {s}", "عملکرد پیمانکار فضای سبز" },
	  { "پیمانکار خدمات شهری {s} کار را نیمه‌کاره رها کرده است.",
	    "کارگران پیمانکار فضای سبز {s} حقوق نگرفته‌اند و کار تعطیل است." } },
	{ "trade.vendors", "دست‌فروشی و سد معبر", 6, 48, false, "street-vendors", ROUTE_REGION, 0,
	  { 3, 3, 3, 5 }, 0, 0.5, 0,
	  { "سد معبر دست‌فروشان {s}", "اشغال پیاده‌رو {p}" },
	  { "دست‌فروشان پیاده‌رو {s} را کاملاً بسته‌اند.",
	    "مغازه‌های {s} اجناس را در پیاده‌رو چیده‌اند و عبور ممکن نیست." } },
	{ "trade.shops", "مشاغل مزاحم و صنوف", 6, 120, false, "nuisance-business", ROUTE_REGION, 0,
	  { 3, 3, 3, 3 }, 0.3, 0.3, 0,
	  { "مزاحمت تعمیرگاه در {s}", "کسب بدون مجوز {p}" },
	  { "تعمیرگاه خودرو {s} در پیاده‌رو کار می‌کند و روغن در جوی می‌ریزد.",
	    "انبار مواد شیمیایی در محله مسکونی {s} خطرناک است." } },
	{ "social.homeless", "کارتن‌خوابی و تکدی", 7, 48, false, "homeless", ROUTE_REGION, 0,
	  { 1, 1, 2, 4 }, 0.3, 0.3, 0,
	  { "کارتن‌خواب در {s}", "تکدی‌گری {p}" },
	  { "چند کارتن‌خواب در سرما {p} در {s} مانده‌اند؛ لطفاً به گرمخانه منتقل شوند.",
	    "کودکان کار {s} را رها نکنید و به مراکز حمایتی معرفی کنید." } },
	{ "social.culture", "فرهنگسراها و برنامه‌های فرهنگی", 7, 240, false, "culture", ROUTE_DEPT, DEPT_SOCIAL,
	  { 1, 1, 1, 1 }, 2, 2, 0,
	  { "برنامه‌های فرهنگسرای {r}", "کلاس‌های فرهنگسرا" },
	  { "شهریه کلاس‌های فرهنگسرا گران است و برنامه‌ها اطلاع‌رسانی نمی‌شود.",
	    "برای سالمندان {r} برنامه فرهنگی کافی نیست." } },
	{ "social.sports", "اماکن ورزشی", 7, 168, false, "sports", ROUTE_REGION, 0,
	  { 1, 1.5, 1, 1 }, 0.5, 1, 0,
	  { "خرابی وسایل ورزشی پارک {s}", "ساعت کار سالن ورزشی" },
	  { "دستگاه‌های ورزشی پارک {s} شکسته است.",
	    "سالن ورزشی محله {s} ساعت کار مناسبی برای بانوان ندارد." } },
	{ "safety.hazard", "خطر و حادثه", 8, 12, false, "hazard", ROUTE_REGION, 0,
	  { 1, 1, 1, 2 }, 0.5, 0.2, 0,
	  { "خطر سقوط در {s}", "درپوش باز چاه {p}" },
	  { "درپوش چاه {s} {p} برداشته شده و خطر سقوط دارد.",
	    "تابلوی بزرگ تبلیغاتی {s} در باد لق شده و ممکن است بیفتد." } },
	{ "other.general", "سایر موارد", 9, 120, false, "general", ROUTE_REGION, 0,
	  { 4, 4, 4, 4 }, 1, 1, 0,
	  { "درخواست پیگیری در {r}", "مشکل شهری در {s}" },
	  { "لطفاً مشکل {s} {p} را پیگیری کنید؛ چند بار گزارش داده‌ام.",
	    "درباره وضعیت {s} پرسشی دارم و پاسخ روشنی نگرفته‌ام." } },
	{ "other.appreciation", "قدردانی از خدمات", 9, 240, false, "appreciation", ROUTE_REGION, 0,
	  { 0, 0, 0, 0 }, 8, 0, K(KIND_APPRECIATION),
	  { "تقدیر از کارکنان {r}", "تشکر از پاکبانان {s}" },
	  { "از زحمات پاکبانان و کارکنان {r} در {s} صمیمانه تشکر می‌کنم.",
	    "رسیدگی سریع شهرداری به گزارش من درباره {s} شایسته تقدیر است." } },
	{ "other.suggestion", "پیشنهادهای شهری", 9, 240, false, "suggestion", ROUTE_REGION, 0,
	  { 0, 0, 0, 0 }, 0, 8, K(KIND_SUGGESTION) | K(KIND_CRITICISM),
	  { "پیشنهاد برای {s}", "پیشنهاد ساخت پارک محله‌ای" },
	  { "پیشنهاد می‌کنم در {s} {p} مسیر دوچرخه و نیمکت ساخته شود.",
	    "زمین بایر {s} را می‌توان به پارک محله تبدیل کرد." } },
};
#define NCATS ((int)(sizeof(cats) / sizeof(cats[0])))

static const char *const first_names[] = {
	"علی", "محمد", "حسین", "رضا", "مهدی", "زهرا", "فاطمه", "مریم", "سارا", "نرگس",
	"امیر", "حمید", "مجید", "سعید", "لیلا", "شیرین", "پریسا", "کاوه", "بهرام", "نازنین",
	"محسن", "الهام", "مینا", "جواد", "هادی", "سمیرا", "فرهاد", "اکرم", "یوسف", "طاهره",
};
static const char *const last_names[] = {
	"محمدی", "حسینی", "احمدی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی", "قاسمی", "رحیمی",
	"هاشمی", "نوری", "اکبری", "کاظمی", "طاهری", "عباسی", "شریفی", "مرادی", "یزدانی", "تهرانی",
	"فراهانی", "قزوینی", "اصفهانی", "نجفی", "زمانی", "سلطانی", "باقری", "امینی", "فتحی", "ملکی",
};
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- the generator's state ---- */

enum phase {
	PH_REGISTER = 0, PH_REJECT, PH_REFER, PH_RETURN, PH_REREFER, PH_START, PH_TRANSFER,
	PH_ANSWER, PH_AFTER, PH_DONE
};

/* Region 12 quota paths (docs/demo.md); QP_FREE for every other message. */
enum qpath {
	QP_FREE = 0, QP_UNANSWERED, QP_NONE, QP_V_OK, QP_V_OBJ_OK, QP_G_OK, QP_G_BAD,
	QP_OBJ_OPEN	/* answered, objected to, reopened, not answered again */
};

enum { W_NONE = 0, W_1398, W_1399 };	/* the two shaped windows */

enum mflag {
	F_BOUNCE = 1 << 0,	/* first referred to the wrong unit, returned */
	F_START = 1 << 1,	/* marked in progress before the answer */
	F_ANSWER = 1 << 2,	/* answered at all */
	F_REANSWER = 1 << 3,	/* answered again after a reopen */
	F_REANSWER2 = 1 << 4,	/* and after a second one */
	F_POINT = 1 << 5,	/* has a map point */
	F_STORM = 1 << 6,	/* created on a snow-storm day */
	F_CLASSIFY_LATE = 1 << 7,	/* category given at referral (SMS) */
};

/* grade plan */
enum { GP_NONE = 0, GP_OK, GP_BAD, GP_BAD_REOPEN };

struct dm {
	int64_t created, id, at, ref_at, ans_at;
	int64_t t_v, t_g, t_c;		/* pending after the answer; 0 none */
	uint64_t rng;
	int32_t citizen;		/* pool index, -1 anonymous */
	int32_t dup_of;			/* message index, -1 */
	int32_t session;		/* -1 */
	int32_t slot;			/* its record in gen.live while held, -1 */
	int16_t first, target, cur, transfer_to;	/* unit indexes, -1 none */
	uint16_t day, flags;
	uint8_t region, cat, kind, channel, phase, window, qpath, reject;
	uint8_t v1, v2, r1, r2, grade, round, state, prio;
};

struct gunit {
	int64_t id;
	int region;		/* 0..21 for regions and districts, -1 */
	int staff;		/* index in gen.staff */
	char name[CAP_NAME];
};

struct sess {
	int64_t starts, ends, create_at, id;
	int region;		/* -1: the mayor's */
	int calls;
};

/* A message between its registration and its last step: the core's record
 * of it (core/bulk.h) and the texts its steps change. */
struct live {
	struct msg m;
	char *answer, *note;		/* malloc'd, NULL: empty */
	char mobile[12];		/* the citizen's, "" anonymous */
};

#define NOPS 6
#define NINSP 2
#define NSTAFF (DEMO_REGIONS + DEPT_COUNT)

struct gen {
	struct core *c;
	const struct demo_opts *o;
	struct demo_result *res;
	uint64_t seed;
	uint64_t code_rng;	/* the tracking codes' own stream */
	struct err *err;

	struct gunit *units;
	int nunits;
	int u_root, u_centre, u_region[DEMO_REGIONS], u_district[DEMO_REGIONS], u_dept[DEPT_COUNT];
	int64_t cat_id[NCATS];

	struct user admin, mayor, ops[NOPS], insp[NINSP], staff[NSTAFF], mgr[DEMO_REGIONS];
	struct actor sys;

	int ndays;
	int64_t day0;		/* day number of 1398-01-01 */
	int64_t *day_start;	/* ndays + 1 instants */
	double *day_w;
	bool *storm;
	int64_t end;		/* 1401-01-01 00:00 Tehran */
	int w_from[3], w_to[3];	/* window day ranges [from, to) */

	struct dm *m;
	size_t n;
	struct sess *s;
	size_t ns;
	size_t npool;		/* citizens */

	int32_t *heap;
	size_t nheap;
	struct live *live;	/* records held, reused through free_slot */
	size_t nlive, live_cap;
	int32_t *free_slot;
	size_t nfree;
	struct msg_text *tx;	/* the texts handed to the held transitions */
	long ops_in_batch;
	struct demo_sender sender;
	long registered_step;
};

static int fail(struct gen *g, int rc, const char *what, const struct dm *m)
{
	char msgtxt[ERR_MSG_MAX];
	char date[JALALI_FMT_MAX] = "";
	struct jdate jd;

	str_copy(msgtxt, sizeof(msgtxt), g->err ? g->err->msg : "");
	if (m && tehran_day_of(m->at, &jd) == 0)
		jalali_format(&jd, date, sizeof(date));
	return err_set(g->err, rc, "", "demo: %s%s%s: %s", what, *date ? " on " : "", date,
		       msgtxt);
}

/* ---- setup: units, categories, users ---- */

static int add_unit(struct gen *g, const char *code, const char *name, enum unit_kind kind,
		    int parent, int region)
{
	struct unit u;
	struct gunit *gu;
	int rc;

	memset(&u, 0, sizeof(u));
	str_copy(u.code, sizeof(u.code), code);
	str_copy(u.name, sizeof(u.name), name);
	u.kind = kind;
	u.parent_id = parent >= 0 ? g->units[parent].id : 0;
	u.active = true;
	rc = unit_add(g->c, &g->sys, &u, g->err);
	if (rc < 0)
		return fail(g, rc, "adding a unit", NULL);
	gu = &g->units[g->nunits];
	gu->id = u.id;
	gu->region = region;
	gu->staff = -1;
	str_copy(gu->name, sizeof(gu->name), name);
	g->res->units++;
	return g->nunits++;
}

static int setup_units(struct gen *g)
{
	int total = 2 + DEMO_REGIONS + DEPT_COUNT, r, d, rc;

	for (r = 0; r < DEMO_REGIONS; r++)
		total += regions[r].districts;
	g->units = xcalloc((size_t)total, sizeof(*g->units));

	rc = add_unit(g, "tehran", "شهرداری تهران", UNIT_ORGANISATION, -1, -1);
	if (rc < 0)
		return rc;
	g->u_root = rc;
	rc = add_unit(g, "centre-1888", "مرکز نظارت همگانی ۱۸۸۸", UNIT_CENTRE, g->u_root,
	      -1);
	if (rc < 0)
		return rc;
	g->u_centre = rc;
	for (d = 0; d < DEPT_COUNT; d++) {
		int parent = depts[d].parent < 0 ? g->u_root : g->u_dept[depts[d].parent];

		rc = add_unit(g, depts[d].code, depts[d].name, UNIT_DEPARTMENT, parent, -1);
		if (rc < 0)
			return rc;
		g->u_dept[d] = rc;
		g->units[rc].staff = DEMO_REGIONS + d;
	}
	for (r = 0; r < DEMO_REGIONS; r++) {
		char code[CAP_CODE];
		struct buf name;

		buf_init(&name, CAP_NAME - 1);
		buf_adds(&name, "منطقه ");
		add_fa_num(&name, r + 1);
		snprintf(code, sizeof(code), "region-%02d", r + 1);
		rc = add_unit(g, code, name.data, UNIT_REGION, g->u_root, r);
		buf_release(&name);
		if (rc < 0)
			return rc;
		g->u_region[r] = rc;
		g->units[rc].staff = r;
		for (d = 0; d < regions[r].districts; d++) {
			buf_init(&name, CAP_NAME - 1);
			buf_adds(&name, "ناحیه ");
			add_fa_num(&name, d + 1);
			buf_adds(&name, " منطقه ");
			add_fa_num(&name, r + 1);
			snprintf(code, sizeof(code), "region-%02d-district-%02d", r + 1, d + 1);
			rc = add_unit(g, code, name.data, UNIT_DISTRICT, g->u_region[r], r);
			buf_release(&name);
			if (rc < 0)
				return rc;
			g->units[rc].staff = r;
			if (d == 0)
				g->u_district[r] = rc;
		}
	}
	return 0;
}

static int setup_categories(struct gen *g)
{
	int64_t root_id[CAT_ROOTS];
	size_t r;
	int i, rc;

	for (r = 0; r < CAT_ROOTS; r++) {
		struct category cat;

		memset(&cat, 0, sizeof(cat));
		str_copy(cat.code, sizeof(cat.code), cat_roots[r].code);
		str_copy(cat.name, sizeof(cat.name), cat_roots[r].name);
		cat.deadline_hours = 168;
		cat.kinds = CATEGORY_ALL_KINDS;
		cat.confidential = r == 5;
		cat.active = true;
		rc = category_add(g->c, &g->sys, &cat, g->err);
		if (rc < 0)
			return fail(g, rc, "adding a category", NULL);
		root_id[r] = cat.id;
		g->res->categories++;
	}
	for (i = 0; i < NCATS; i++) {
		struct category cat;

		memset(&cat, 0, sizeof(cat));
		str_copy(cat.code, sizeof(cat.code), cats[i].code);
		str_copy(cat.name, sizeof(cat.name), cats[i].name);
		cat.parent_id = root_id[cats[i].root];
		cat.deadline_hours = cats[i].hours;
		cat.kinds = cats[i].kinds ? cats[i].kinds : CATEGORY_ALL_KINDS;
		cat.confidential = cats[i].confidential;
		str_copy(cat.service_code, sizeof(cat.service_code), cats[i].service);
		cat.active = true;
		rc = category_add(g->c, &g->sys, &cat, g->err);
		if (rc < 0)
			return fail(g, rc, "adding a category", NULL);
		g->cat_id[i] = cat.id;
		g->res->categories++;
	}
	return 0;
}

static void random_password(char *out, size_t len)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof(alphabet) - 1))];
	out[len] = '\0';
}

/* Add a user; printed ones get a strong hash and are listed in res. */
static int add_user(struct gen *g, struct user *u, const char *username, const char *name,
		    enum role role, int unit, bool printed)
{
	char password[32];
	bool fast = g->c->cfg.pwhash_fast;
	int rc;

	memset(u, 0, sizeof(*u));
	str_copy(u->username, sizeof(u->username), username);
	str_copy(u->name, sizeof(u->name), name);
	u->role = role;
	u->unit_id = unit >= 0 ? g->units[unit].id : 0;
	u->active = true;
	random_password(password, printed ? DEMO_PASSWORD_LEN : 24);
	/* Accounts nobody is told the password of only sign the history: the
	 * cheap hash keeps the demo fast without weakening a usable login. */
	if (!printed)
		g->c->cfg.pwhash_fast = true;
	rc = user_add(g->c, &g->sys, u, password, g->err);
	g->c->cfg.pwhash_fast = fast;
	if (rc < 0)
		return fail(g, rc, "adding a user", NULL);
	g->res->users++;
	if (printed && g->res->nlogins < DEMO_LOGINS) {
		struct demo_login *l = &g->res->logins[g->res->nlogins++];

		str_copy(l->username, sizeof(l->username), username);
		str_copy(l->password, sizeof(l->password), password);
		l->role = role;
		str_copy(l->name, sizeof(l->name), name);
		if (unit >= 0) {
			struct unit un;

			if (unit_get(g->c, u->unit_id, &un, NULL) == 0)
				str_copy(l->unit_code, sizeof(l->unit_code), un.code);
		}
	}
	sodium_memzero(password, sizeof(password));
	return 0;
}

static int setup_users(struct gen *g)
{
	char uname[CAP_CODE];
	int i, rc;

	static const struct {
		const char *username, *name;
		enum role role;
	} printed[] = {
		{ "admin", "مدیر سامانه", ROLE_ADMIN },
		{ "operator", "کارشناس مرکز ۱۸۸۸", ROLE_OPERATOR },
		{ "inspector", "بازرس سازمان بازرسی", ROLE_INSPECTOR },
		{ "mayor", "شهردار تهران", ROLE_MANAGER },
		{ "manager12", "شهردار منطقه ۱۲", ROLE_MANAGER },
		{ "staff12", "کارشناس پاسخگویی منطقه ۱۲", ROLE_STAFF },
	};
	struct user *who[] = { &g->admin, &g->ops[0], &g->insp[0], &g->mayor, &g->mgr[R12],
			       &g->staff[R12] };
	const int unit[] = { -1, g->u_centre, g->u_dept[DEPT_INSPECTION], g->u_root,
			     g->u_region[R12], g->u_region[R12] };

	for (i = 0; i < DEMO_LOGINS; i++) {
		rc = add_user(g, who[i], printed[i].username, printed[i].name, printed[i].role,
			      unit[i], true);
		if (rc < 0)
			return rc;
	}
	for (i = 1; i < NOPS; i++) {
		snprintf(uname, sizeof(uname), "operator%d", i + 1);
		rc = add_user(g, &g->ops[i], uname, "کارشناس مرکز ۱۸۸۸", ROLE_OPERATOR,
	      g->u_centre, false);
		if (rc < 0)
			return rc;
	}
	for (i = 1; i < NINSP; i++) {
		snprintf(uname, sizeof(uname), "inspector%d", i + 1);
		rc = add_user(g, &g->insp[i], uname, "بازرس سازمان بازرسی", ROLE_INSPECTOR,
	      g->u_dept[DEPT_INSPECTION], false);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < DEMO_REGIONS; i++) {
		if (i == R12)
			continue;
		snprintf(uname, sizeof(uname), "staff-region-%02d", i + 1);
		rc = add_user(g, &g->staff[i], uname, "کارشناس پاسخگویی منطقه", ROLE_STAFF,
	      g->u_region[i], false);
		if (rc < 0)
			return rc;
		snprintf(uname, sizeof(uname), "manager-region-%02d", i + 1);
		rc = add_user(g, &g->mgr[i], uname, "شهردار منطقه", ROLE_MANAGER,
	      g->u_region[i], false);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < DEPT_COUNT; i++) {
		snprintf(uname, sizeof(uname), "staff-%s", depts[i].code);
		rc = add_user(g, &g->staff[DEMO_REGIONS + i], uname, depts[i].name,
	      ROLE_STAFF, g->u_dept[i], false);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- the plan ---- */

static int jday_index(const struct gen *g, int y, int mo, int d)
{
	struct jdate j = { y, mo, d };

	return (int)(jalali_to_days(&j) - g->day0);
}

static int setup_days(struct gen *g)
{
	static const double weekday_w[7] = { 1.15, 1.1, 1.05, 1.05, 1.0, 0.75, 0.45 };
	static const double month_w[12] = { 0.8, 0.95, 0.95, 0.95, 0.95, 0.95,
					    1.0, 1.05, 1.1, 1.25, 1.25, 1.15 };
	/* Fixed holidays (month, day) and Tasua/Ashura of 1398..1400. */
	static const int holidays[][2] = { { 1, 12 }, { 1, 13 }, { 3, 14 }, { 3, 15 },
					   { 11, 22 }, { 12, 29 } };
	static const int lunar[][3] = { { 1398, 6, 18 }, { 1398, 6, 19 }, { 1399, 6, 8 },
					{ 1399, 6, 9 }, { 1400, 5, 27 }, { 1400, 5, 28 } };
	struct jdate j0 = { 1398, 1, 1 }, j1 = { 1401, 1, 1 };
	uint64_t rs = rnd_stream(g->seed, 7, 0);
	int i, y;

	g->day0 = jalali_to_days(&j0);
	g->ndays = (int)(jalali_to_days(&j1) - g->day0);
	g->day_start = xcalloc((size_t)g->ndays + 1, sizeof(int64_t));
	g->day_w = xcalloc((size_t)g->ndays, sizeof(double));
	g->storm = xcalloc((size_t)g->ndays, sizeof(bool));
	for (i = 0; i <= g->ndays; i++) {
		if (tehran_local_midnight(g->day0 + i, &g->day_start[i]) < 0)
			return err_set(g->err, ERR_IO, "", "demo: cannot read the Asia/Tehran zone");
	}
	g->end = g->day_start[g->ndays];
	/* three snow storms each winter, in Dey or Bahman */
	for (y = 1398; y <= 1400; y++) {
		int k;

		for (k = 0; k < 3; k++) {
			int d = jday_index(g, y, 10, 1) + rnd_int(&rs, 60);

			g->storm[d] = true;
			if (d + 1 < g->ndays)
				g->storm[d + 1] = true;
		}
	}
	for (i = 0; i < g->ndays; i++) {
		struct jdate jd;
		double w;
		size_t h;

		jalali_from_days(g->day0 + i, &jd);
		w = weekday_w[jalali_weekday(&jd)] * month_w[jd.m - 1];
		w *= 1.0 + 0.04 * (jd.y - 1398);
		if (jd.m == 1 && jd.d <= 4)
			w *= 0.35;
		else if (jd.m == 1 && jd.d <= 13)
			w *= 0.55;
		for (h = 0; h < sizeof(holidays) / sizeof(holidays[0]); h++)
			if (jd.m == holidays[h][0] && jd.d == holidays[h][1])
				w *= 0.5;
		for (h = 0; h < sizeof(lunar) / sizeof(lunar[0]); h++)
			if (jd.y == lunar[h][0] && jd.m == lunar[h][1] && jd.d == lunar[h][2])
				w *= 0.5;
		if (g->storm[i])
			w *= 2.2;
		g->day_w[i] = w;
	}
	g->w_from[W_1398] = jday_index(g, 1398, 1, 1);
	g->w_to[W_1398] = jday_index(g, 1398, 10, 1);
	g->w_from[W_1399] = jday_index(g, 1399, 1, 1);
	g->w_to[W_1399] = jday_index(g, 1399, 10, 1);
	return 0;
}

/* Split total into n parts proportional to w (largest remainder). */
static void apportion(const double *w, size_t n, long total, long *out)
{
	double sum = 0;
	long given = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += w[i];
	for (i = 0; i < n; i++) {
		out[i] = sum > 0 ? (long)floor((double)total * w[i] / sum) : 0;
		given += out[i];
	}
	while (given < total) {
		size_t best = 0;
		double best_rem = -1;

		for (i = 0; i < n; i++) {
			double rem = (double)total * w[i] / sum - (double)out[i];

			if (rem > best_rem) {
				best_rem = rem;
				best = i;
			}
		}
		out[best]++;
		given++;
	}
}

/* Direct-connection sessions: the mayor's every Tuesday 10:00-12:00 (not in
 * the Nowruz holidays), and a region's mayor on the first Monday of each
 * month 16:00-18:00, the regions taking turns. */
static void plan_sessions(struct gen *g)
{
	int i, turn = 0, cap = g->ndays / 7 + 40;

	g->s = xcalloc((size_t)cap, sizeof(*g->s));
	for (i = 0; i < g->ndays && g->ns < (size_t)cap; i++) {
		struct jdate jd;
		int wd;

		jalali_from_days(g->day0 + i, &jd);
		wd = jalali_weekday(&jd);
		if (jd.m == 1 && jd.d <= 13)
			continue;
		if (wd == 3) {
			struct sess *s = &g->s[g->ns++];

			s->starts = g->day_start[i] + 10 * HOUR;
			s->ends = s->starts + 2 * HOUR;
			s->region = -1;
		} else if (wd == 2 && jd.d <= 7) {
			struct sess *s = &g->s[g->ns++];

			s->starts = g->day_start[i] + 16 * HOUR;
			s->ends = s->starts + 2 * HOUR;
			/* Region 12's turns fall outside the shaped windows by
			 * accident of the calendar, which is fine either way:
			 * their calls join the quotas like any other. */
			s->region = (turn++ * 5) % DEMO_REGIONS;
		}
	}
	for (i = 0; i < (int)g->ns; i++)
		g->s[i].create_at = g->s[i].starts - 2 * DAY;
}

static int cmp_dm(const void *a, const void *b)
{
	const struct dm *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	/* ties: the plan order, kept in rng's low bits below */
	return x->id < y->id ? -1 : x->id > y->id;
}

static int day_of(const struct gen *g, int64_t t)
{
	int lo = 0, hi = g->ndays;	/* day_start[lo] <= t < day_start[hi] */

	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (g->day_start[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void plan_times(struct gen *g)
{
	static const double hour_w[24] = { 0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.5, 2.0,
					   2.0, 1.9, 1.7, 1.5, 1.5, 1.6, 1.6, 1.5, 1.4, 1.3,
					   1.1, 0.9, 0.6, 0.4 };
	long live = (long)floor(0.02 * (double)g->n + 0.5), other, *per_day, *per_sess;
	double *sw;
	uint64_t rs = rnd_stream(g->seed, 2, 0);
	size_t i, k = 0;
	int d;

	if ((size_t)live > g->ns * 20)
		live = (long)g->ns * 20;
	other = (long)g->n - live;
	per_day = xcalloc((size_t)g->ndays, sizeof(long));
	apportion(g->day_w, (size_t)g->ndays, other, per_day);
	for (d = 0; d < g->ndays; d++) {
		int64_t len = g->day_start[d + 1] - g->day_start[d];
		long j;

		for (j = 0; j < per_day[d]; j++) {
			struct dm *m = &g->m[k];
			int h = rnd_pick(&rs, hour_w, 24);
			int64_t off = (int64_t)h * HOUR + rnd_int(&rs, HOUR);

			if (off > len - 2 * HOUR)	/* a 23-hour day, or the last minutes */
				off = len - 2 * HOUR - rnd_int(&rs, HOUR);
			m->created = g->day_start[d] + off;
			m->session = -1;
			m->id = (int64_t)k;
			k++;
		}
	}
	free(per_day);
	per_sess = xcalloc(g->ns ? g->ns : 1, sizeof(long));
	sw = xcalloc(g->ns ? g->ns : 1, sizeof(double));
	for (i = 0; i < g->ns; i++)
		sw[i] = 0.6 + rnd_unit(&rs);
	apportion(sw, g->ns, live, per_sess);
	for (i = 0; i < g->ns; i++) {
		long j;

		g->s[i].calls = (int)per_sess[i];
		for (j = 0; j < per_sess[i]; j++) {
			struct dm *m = &g->m[k];

			m->created = g->s[i].starts + 60 + rnd_int(&rs, 2 * HOUR - 120);
			m->session = (int32_t)i;
			m->id = (int64_t)k;
			k++;
		}
	}
	free(per_sess);
	free(sw);
	qsort(g->m, g->n, sizeof(*g->m), cmp_dm);
	for (i = 0; i < g->n; i++) {
		g->m[i].id = 0;
		g->m[i].day = (uint16_t)day_of(g, g->m[i].created);
	}
}

static int pick_region(uint64_t *rs, bool not12)
{
	double w[DEMO_REGIONS];
	int r;

	for (r = 0; r < DEMO_REGIONS; r++)
		w[r] = (not12 && r == R12) ? 0 : regions[r].weight;
	return rnd_pick(rs, w, DEMO_REGIONS);
}

static int window_of(const struct gen *g, int day)
{
	int w;

	for (w = W_1398; w <= W_1399; w++)
		if (day >= g->w_from[w] && day < g->w_to[w])
			return w;
	return W_NONE;
}

/* Channel, kind, citizen, rejection and region of every message. */
static void plan_basics(struct gen *g)
{
	static const double kind_w[KIND_COUNT] = { 0.18, 0.34, 0.08, 0.07, 0.33 };
	static const double reject_w[REJECT_COUNT] = { 0, 0.35, 0.30, 0.25, 0.10 };
	size_t i;

	g->npool = g->n / 3 + 10;
	for (i = 0; i < g->n; i++) {
		struct dm *m = &g->m[i];
		uint64_t *rs = &m->rng;
		struct jdate jd;

		m->rng = rnd_stream(g->seed, 1, i);
		jalali_from_days(g->day0 + m->day, &jd);
		m->dup_of = -1;
		m->first = m->target = m->cur = m->transfer_to = -1;
		m->window = (uint8_t)window_of(g, m->day);
		if (g->storm[m->day])
			m->flags |= F_STORM;
		if (m->session >= 0) {
			m->channel = CHANNEL_LIVE;
		} else {
			/* the web and Open311 grow year by year */
			double shift = 0.04 * (jd.y - 1398);
			double ch_w[CHANNEL_COUNT] = { 0.62 - 2 * shift, 0.18 + shift, 0.15,
						       0.05 + shift, 0 };

			m->channel = (uint8_t)rnd_pick(rs, ch_w, CHANNEL_COUNT);
		}
		m->kind = (uint8_t)rnd_pick(rs, kind_w, KIND_COUNT);
		if ((m->channel == CHANNEL_WEB || m->channel == CHANNEL_OPEN311) &&
		    rnd_chance(rs, 0.3)) {
			m->citizen = -1;
		} else {
			double u = rnd_unit(rs);

			/* some callers call often */
			m->citizen = (int32_t)(u * u * (double)g->npool);
		}
		if (m->session < 0 && rnd_chance(rs, 0.2))
			m->reject = (uint8_t)rnd_pick(rs, reject_w, REJECT_COUNT);
		if (m->session >= 0 && g->s[m->session].region >= 0)
			m->region = (uint8_t)g->s[m->session].region;
		else
			m->region = (uint8_t)pick_region(rs, false);
		if (m->channel == CHANNEL_WEB || m->channel == CHANNEL_OPEN311 ||
		    m->channel == CHANNEL_LIVE)
			m->flags |= rnd_chance(rs, 0.7) ? F_POINT : 0;
		else if (m->channel == CHANNEL_PHONE)
			m->flags |= rnd_chance(rs, 0.2) ? F_POINT : 0;
		if (m->channel == CHANNEL_SMS)
			m->flags |= F_CLASSIFY_LATE;
	}
}

/*
 * Region 12 in the two windows: exactly n1398 and n1399 = round(1.08 *
 * n1398) referred messages, by moving messages between Region 12 and the
 * other regions inside each window.
 */
static void plan_region12_counts(struct gen *g, long target[3])
{
	int w;
	double share = regions[R12].weight, sum = 0;
	int r;

	for (r = 0; r < DEMO_REGIONS; r++)
		sum += regions[r].weight;
	share /= sum;
	for (w = W_1398; w <= W_1399; w++) {
		int32_t *in12 = xcalloc(g->n, sizeof(int32_t)), *out12 = xcalloc(g->n, sizeof(int32_t));
		size_t n_in = 0, n_out = 0, i;
		uint64_t rs = rnd_stream(g->seed, 3, (uint64_t)w);
		long referred = 0;

		for (i = 0; i < g->n; i++) {
			const struct dm *m = &g->m[i];

			if (m->window != w || m->reject)
				continue;
			referred++;
			/* calls of a Region 12 session stay put */
			if (m->session >= 0 && g->s[m->session].region >= 0)
				continue;
			if (m->region == R12)
				in12[n_in++] = (int32_t)i;
			else
				out12[n_out++] = (int32_t)i;
		}
		if (w == W_1398)
			target[w] = (long)floor((double)referred * share + 0.5);
		else
			target[w] = (long)floor((double)target[W_1398] * 1.08 + 0.5);
		{
			long have = 0;

			for (i = 0; i < g->n; i++)
				if (g->m[i].window == w && !g->m[i].reject && g->m[i].region == R12)
					have++;
			shuffle(&rs, in12, n_in);
			shuffle(&rs, out12, n_out);
			for (i = 0; have > target[w] && i < n_in; i++, have--)
				g->m[in12[i]].region = (uint8_t)pick_region(&rs, true);
			for (i = 0; have < target[w] && i < n_out; i++, have++)
				g->m[out12[i]].region = R12;
			target[w] = have;
		}
		free(in12);
		free(out12);
	}
}

/* The rates each window is shaped to (docs/demo.md).  acceptable is the
 * positive share of the window's own messages' judgements, set 0.7 points
 * above the figure wanted: the report counts every judgement given in the
 * window, also those on messages referred before it (judged more harshly),
 * and loses those given after it. */
static const struct {
	double answered, acceptable, evaluated, graded, speed;
} shape[3] = {
	{ 0, 0, 0, 0, 1 },
	{ 0.85, 0.887, 0.62, 0.3, 1.0 },	/* 1398-01..1398-09 */
	{ 0.90, 0.937, 0.62, 0.3, 0.7 },	/* 1399-01..1399-09 */
};

static long round_l(double x)
{
	return (long)floor(x + 0.5);
}

/* Give each Region 12 message of window w its exact path. */
static void plan_region12_paths(struct gen *g, int w)
{
	int32_t *set = xcalloc(g->n, sizeof(int32_t)), *ident, *anon;
	size_t n = 0, i, a, e_ans, r, o, e, bad, bad_ans, graded, voted, ni = 0, nz = 0, k;
	uint64_t rs = rnd_stream(g->seed, 4, (uint64_t)w);

	for (i = 0; i < g->n; i++)
		if (g->m[i].window == w && !g->m[i].reject && g->m[i].region == R12)
			set[n++] = (int32_t)i;
	shuffle(&rs, set, n);
	a = (size_t)round_l(shape[w].answered * (double)n);
	/* Quotas (docs/demo.md): e judged messages = e_ans among the answered
	 * plus r unanswered ones whose answer the citizen objected to
	 * (reopened, never answered again); o of the judged answers are
	 * objected to, answered again and accepted (two judgements).  Of the
	 * e + o judgements, neg = (e + o) - round(acceptable * (e + o)) are
	 * negative: the r and o objections, the rest inspector grades. */
	e_ans = (size_t)round_l(shape[w].evaluated * (double)a);
	r = (size_t)round_l(0.3 * (1.0 - shape[w].acceptable) * (double)e_ans);
	o = (size_t)round_l(0.05 * (double)e_ans);
	for (;;) {
		size_t idents = 0;

		for (i = a; i < n; i++)
			idents += g->m[set[i]].citizen >= 0;
		if (r > idents)
			r = idents;
		e = e_ans + r;
		bad = (e + o) - (size_t)round_l(shape[w].acceptable * (double)(e + o));
		if (r + o <= bad)
			break;
		if (o)
			o--;
		else
			r = bad;
	}
	bad_ans = bad - r - o;
	for (i = a, k = 0; i < n; i++) {
		struct dm *m = &g->m[set[i]];

		m->qpath = (k < r && m->citizen >= 0) ? QP_OBJ_OPEN : QP_UNANSWERED;
		k += m->qpath == QP_OBJ_OPEN;
	}
	ident = xcalloc(a + 1, sizeof(int32_t));
	anon = xcalloc(a + 1, sizeof(int32_t));
	for (i = 0; i < a; i++) {
		if (g->m[set[i]].citizen >= 0)
			ident[ni++] = set[i];
		else
			anon[nz++] = set[i];
	}
	graded = (size_t)round_l(shape[w].graded * (double)e_ans);
	if (graded < bad_ans)
		graded = bad_ans;
	voted = e_ans - graded;
	if (voted > ni) {
		graded += voted - ni;
		voted = ni;
	}
	/* verdicts from identified citizens; grades from the rest, the
	 * anonymous first; the others are answered and never evaluated */
	if (o > voted) {	/* too few identified citizens: grades instead */
		bad_ans += o - voted;
		o = voted;
	}
	for (k = 0; k < voted; k++)
		g->m[ident[k]].qpath = k < o ? QP_V_OBJ_OK : QP_V_OK;
	for (k = 0; k < graded; k++) {
		int32_t idx = k < nz ? anon[k] : ident[voted + (k - nz)];

		g->m[idx].qpath = k < bad_ans ? QP_G_BAD : QP_G_OK;
	}
	for (k = graded < nz ? graded : nz; k < nz; k++)
		g->m[anon[k]].qpath = QP_NONE;
	for (k = voted + (graded > nz ? graded - nz : 0); k < ni; k++)
		g->m[ident[k]].qpath = QP_NONE;
	free(ident);
	free(anon);
	free(set);
}

static int season_of(int month)
{
	return (month - 1) / 3;
}

static int pick_category(uint64_t *rs, int kind, int month, bool storm, bool region_only)
{
	double w[NCATS];
	int i, s = season_of(month);

	for (i = 0; i < NCATS; i++) {
		const struct cat_info *ci = &cats[i];

		if (ci->kinds && !(ci->kinds & K(kind))) {
			w[i] = 0;
			continue;
		}
		if (region_only && ci->route == ROUTE_DEPT) {
			w[i] = 0;
			continue;
		}
		if (kind == KIND_APPRECIATION)
			w[i] = ci->appr;
		else if (kind == KIND_SUGGESTION)
			w[i] = ci->sugg;
		else
			w[i] = ci->season[s];
		if (storm && str_eq(ci->code, "cleaning.snow"))
			w[i] *= 10;
	}
	return rnd_pick(rs, w, NCATS);
}

static int district_of(uint64_t *rs, const struct gen *g, int region)
{
	return g->u_district[region] + rnd_int(rs, regions[region].districts);
}

static int pick_verdict(uint64_t *rs, double p_accept, uint8_t *v, uint8_t *rating)
{
	bool accept = rnd_chance(rs, p_accept);

	*v = accept ? VERDICT_ACCEPT : VERDICT_OBJECT;
	*rating = 0;
	if (rnd_chance(rs, 0.4)) {
		static const double acc_w[3] = { 1, 3, 5 };

		*rating = (uint8_t)(accept ? 3 + rnd_pick(rs, acc_w, 3) : 1 + rnd_int(rs, 2));
	}
	return 0;
}

/* Category, route, and what happens to each message. */
static void plan_flow(struct gen *g)
{
	size_t i;
	int32_t *last_of = xcalloc(g->npool, sizeof(int32_t));

	for (i = 0; i < g->npool; i++)
		last_of[i] = -1;
	for (i = 0; i < g->n; i++) {
		struct dm *m = &g->m[i];
		uint64_t *rs = &m->rng;
		struct jdate jd;
		const struct cat_info *ci;
		bool quota = m->qpath != QP_FREE;

		jalali_from_days(g->day0 + m->day, &jd);
		if (m->reject == REJECT_DUPLICATE) {
			int32_t orig = m->citizen >= 0 ? last_of[m->citizen] : -1;

			if (orig < 0 && i > 0)
				orig = (int32_t)(i - 1 - (size_t)rnd_int(rs, i < 300 ? (int)i : 300));
			if (orig < 0) {
				m->reject = REJECT_INCOMPLETE;
			} else {
				m->dup_of = orig;
				m->region = g->m[orig].region;
				m->kind = g->m[orig].kind;
			}
		}
		if (m->dup_of >= 0)
			m->cat = g->m[m->dup_of].cat;
		else
			m->cat = (uint8_t)pick_category(rs, m->kind, jd.m, m->flags & F_STORM, quota);
		if (m->citizen >= 0)
			last_of[m->citizen] = (int32_t)i;
		ci = &cats[m->cat];
		m->prio = PRIORITY_NORMAL;
		if (str_eq(ci->code, "safety.hazard"))
			m->prio = PRIORITY_URGENT;
		else if ((m->flags & F_STORM) && str_eq(ci->code, "cleaning.snow"))
			m->prio = PRIORITY_HIGH;
		else if (rnd_chance(rs, 0.02))
			m->prio = PRIORITY_HIGH;
		if (m->reject)
			continue;

		/* where it goes */
		if (ci->route == ROUTE_DEPT)
			m->target = (int16_t)g->u_dept[ci->dept];
		else if (ci->route == ROUTE_DISTRICT && rnd_chance(rs, 0.3))
			m->target = (int16_t)district_of(rs, g, m->region);
		else
			m->target = (int16_t)g->u_region[m->region];
		m->first = m->target;
		if (!quota && m->session < 0 && rnd_chance(rs, ci->route == ROUTE_DEPT ? 0.12 : 0.06)) {
			int wrong;

			if (ci->route == ROUTE_DEPT) {
				wrong = m->region;	/* the region says: the bus company's */
			} else {
				wrong = (m->region + 1 + rnd_int(rs, 3)) % DEMO_REGIONS;
			}
			if (m->window != W_NONE && wrong == R12)
				wrong = (R12 + 1) % DEMO_REGIONS;
			m->first = (int16_t)g->u_region[wrong];
			m->flags |= F_BOUNCE;
		}
		if (rnd_chance(rs, 0.85))
			m->flags |= F_START;
		if (m->target == g->u_region[m->region] && rnd_chance(rs, 0.12))
			m->transfer_to = (int16_t)district_of(rs, g, m->region);

		if (quota) {
			m->grade = GP_NONE;
			switch (m->qpath) {
			case QP_UNANSWERED:
				break;
			case QP_NONE:
				m->flags |= F_ANSWER;
				break;
			case QP_V_OK:
				m->flags |= F_ANSWER;
				pick_verdict(rs, 1.0, &m->v1, &m->r1);
				break;
			case QP_V_OBJ_OK:
				m->flags |= F_ANSWER | F_REANSWER;
				pick_verdict(rs, 0.0, &m->v1, &m->r1);
				pick_verdict(rs, 1.0, &m->v2, &m->r2);
				break;
			case QP_G_OK:
				m->flags |= F_ANSWER;
				m->grade = GP_OK;
				break;
			case QP_G_BAD:
				m->flags |= F_ANSWER;
				m->grade = GP_BAD;
				break;
			case QP_OBJ_OPEN:
				m->flags |= F_ANSWER;
				pick_verdict(rs, 0.0, &m->v1, &m->r1);
				break;
			default:
				break;
			}
			continue;
		}
		if (rnd_chance(rs, 0.96))
			m->flags |= F_ANSWER;
		if (m->citizen >= 0 && rnd_chance(rs, 0.5)) {
			pick_verdict(rs, 0.78, &m->v1, &m->r1);
			if (m->v1 == VERDICT_OBJECT && rnd_chance(rs, 0.95)) {
				m->flags |= F_REANSWER;
				if (rnd_chance(rs, 0.5)) {
					pick_verdict(rs, 0.7, &m->v2, &m->r2);
					if (m->v2 == VERDICT_OBJECT && rnd_chance(rs, 0.8))
						m->flags |= F_REANSWER2;
				}
			}
		}
		if (rnd_chance(rs, 0.08)) {
			if (rnd_chance(rs, 0.82))
				m->grade = GP_OK;
			else
				m->grade = rnd_chance(rs, 0.5) ? GP_BAD_REOPEN : GP_BAD;
		}
	}
	free(last_of);
}

/* ---- the play ---- */

static bool heap_less(const struct gen *g, int32_t a, int32_t b)
{
	const struct dm *x = &g->m[a], *y = &g->m[b];

	if (x->at != y->at)
		return x->at < y->at;
	return a < b;
}

static void heap_down(struct gen *g, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i;
		int32_t t;

		if (l < g->nheap && heap_less(g, g->heap[l], g->heap[best]))
			best = l;
		if (r < g->nheap && heap_less(g, g->heap[r], g->heap[best]))
			best = r;
		if (best == i)
			return;
		t = g->heap[i];
		g->heap[i] = g->heap[best];
		g->heap[best] = t;
		i = best;
	}
}

static const struct user *staff_for(const struct gen *g, int unit)
{
	return &g->staff[g->units[unit].staff];
}

/* A time strictly after t and before the message's answer when it has one. */
static int64_t between(uint64_t *rs, int64_t t, int64_t until, double lo, double hi)
{
	double f = lo + (hi - lo) * rnd_unit(rs);
	int64_t x = t + (int64_t)((double)(until - t) * f);

	return x > t ? x : t + 1;
}

/* After the final referral at t: when will it be answered, and the steps
 * before. */
static void schedule_work(struct gen *g, struct dm *m, int64_t t)
{
	uint64_t *rs = &m->rng;
	const struct cat_info *ci = &cats[m->cat];
	double median = ci->hours * 0.5 * HOUR * regions[m->region].slowness;

	(void)g;
	if (m->region == R12)
		median *= m->window != W_NONE ? shape[m->window].speed : 0.75;
	/* Region 12's shaped messages spread less, so that 1399's shorter
	 * median shows in the mean for any seed */
	if (m->qpath != QP_FREE)
		m->ans_at = t + rnd_delay(rs, median, 0.6, 20 * 60, 30 * DAY);
	else
		m->ans_at = t + rnd_delay(rs, median, 0.9, 20 * 60, 60 * DAY);
	if (m->flags & F_START) {
		m->phase = PH_START;
		m->at = between(rs, t, m->ans_at, 0.05, 0.4);
	} else if (m->transfer_to >= 0) {
		m->phase = PH_TRANSFER;
		m->at = between(rs, t, m->ans_at, 0.05, 0.5);
	} else if (m->flags & F_ANSWER) {
		m->phase = PH_ANSWER;
		m->at = m->ans_at;
	} else {
		m->phase = PH_DONE;
	}
}

/* After an answer in round m->round at t: the citizen's verdict, the
 * inspector's grade and the automatic close, whichever come. */
static void schedule_after(struct gen *g, struct dm *m, int64_t t)
{
	uint64_t *rs = &m->rng;
	uint8_t v = m->round == 1 ? m->v1 : m->round == 2 ? m->v2 : 0;

	(void)g;
	m->t_v = v ? t + rnd_delay(rs, 20 * HOUR, 1.0, 15 * 60, 6 * DAY) : 0;
	m->t_g = m->grade ? t + 5 * DAY + rnd_int(rs, 35 * DAY) : 0;
	m->t_c = t + 10 * DAY;
	m->phase = PH_AFTER;
}

static void next_after(struct dm *m)
{
	int64_t best = 0;

	if (m->t_v && (!best || m->t_v < best))
		best = m->t_v;
	if (m->t_g && (!best || m->t_g < best))
		best = m->t_g;
	if (m->t_c && (!best || m->t_c < best))
		best = m->t_c;
	if (best)
		m->at = best;
	else
		m->phase = PH_DONE;
}

static void reopen_then(struct dm *m, int64_t t, bool reanswer)
{
	uint64_t *rs = &m->rng;

	m->state = STATE_REOPENED;
	m->t_v = m->t_c = 0;
	if (reanswer) {
		m->phase = PH_ANSWER;
		m->at = t + rnd_delay(rs, 2 * DAY, 0.7, 2 * HOUR, 20 * DAY);
	} else {
		m->phase = PH_DONE;
	}
}

static void make_text(struct gen *g, const struct dm *m, struct buf *subject, struct buf *body,
		      struct buf *address)
{
	uint64_t rs = rnd_stream(g->seed, 5, (uint64_t)(m - g->m));
	const struct cat_info *ci = &cats[m->cat];
	const struct region_info *ri = &regions[m->region];
	struct subst v;
	int variant = rnd_int(&rs, 2);
	char region_name[64];
	struct buf rn;

	if (m->dup_of >= 0)	/* the same complaint again, same words */
		rs = rnd_stream(g->seed, 5, (uint64_t)m->dup_of), variant = rnd_int(&rs, 2);
	buf_init(&rn, sizeof(region_name) - 1);
	buf_adds(&rn, "منطقه ");
	add_fa_num(&rn, m->region + 1);
	str_copy(region_name, sizeof(region_name), rn.data);
	buf_release(&rn);
	v.street = ri->streets[rnd_int(&rs, 6)];
	v.place = places[rnd_int(&rs, NELEM(places))];
	v.num = 1 + rnd_int(&rs, 240);
	v.region = region_name;
	v.cat = ci->name;
	v.unit = region_name;
	v.subject = "";
	if (m->kind == KIND_APPRECIATION && !(ci->kinds & K(KIND_APPRECIATION))) {
		add_template(subject, "تقدیر بابت {c}", &v);
		add_template(body, "از رسیدگی خوب همکاران {r} به موضوع {c} در {s} صمیمانه سپاسگزارم.", &v);
	} else if (m->kind == KIND_SUGGESTION && !(ci->kinds & K(KIND_SUGGESTION))) {
		add_template(subject, "پیشنهاد درباره {c} در {s}", &v);
		add_template(body, "پیشنهاد می‌کنم برای بهبود وضعیت {c} در {s} {p} برنامه منظمی اجرا شود.", &v);
	} else {
		add_template(subject, ci->subject[variant], &v);
		add_template(body, ci->body[variant], &v);
	}
	add_template(address, "تهران، {r}، {s}، {p}، پلاک {n}", &v);
}

static void citizen_of(const struct gen *g, int32_t idx, char mobile[12], char *name,
		       size_t namesz, char national[11])
{
	static const char *const prefixes[] = { "12", "13", "19", "35", "36", "39", "01",
						"02", "03", "10", "30", "33", "90", "91", "21", "22" };
	uint64_t rs = rnd_stream(g->seed, 6, (uint64_t)idx);
	int i;

	snprintf(mobile, 12, "09%s%07d", prefixes[rnd_int(&rs, NELEM(prefixes))],
		 rnd_int(&rs, 10000000));
	name[0] = '\0';
	national[0] = '\0';
	if (rnd_chance(&rs, 0.6))
		snprintf(name, namesz, "%s %s", first_names[rnd_int(&rs, NELEM(first_names))],
			 last_names[rnd_int(&rs, NELEM(last_names))]);
	if (rnd_chance(&rs, 0.35)) {
		for (i = 0; i < 8; i++) {
			int k, sum = 0, r;

			/* Tehran's issuing offices start 001..008 */
			national[0] = '0';
			national[1] = '0';
			national[2] = (char)('1' + rnd_int(&rs, 8));
			for (k = 3; k < 9; k++)
				national[k] = (char)('0' + rnd_int(&rs, 10));
			for (k = 0; k < 9; k++)
				sum += (national[k] - '0') * (10 - k);
			r = sum % 11;
			national[9] = (char)('0' + (r < 2 ? r : 11 - r));
			national[10] = '\0';
			if (fa_national_id_check(national) == 0)
				break;
			national[0] = '\0';
		}
	}
}

/* Keep the record of message m, registered as reg, in a slot of g->live. */
static void hold_new(struct gen *g, struct dm *m, const struct msg *reg, const char *mobile)
{
	struct live *l;

	if (g->nfree) {
		m->slot = g->free_slot[--g->nfree];
	} else {
		if (g->nlive == g->live_cap) {
			g->live_cap = g->live_cap ? 2 * g->live_cap : 4096;
			g->live = xrealloc(g->live, g->live_cap * sizeof(*g->live));
			g->free_slot = xrealloc(g->free_slot, g->live_cap * sizeof(*g->free_slot));
		}
		m->slot = (int32_t)g->nlive++;
	}
	l = &g->live[m->slot];
	l->m = *reg;
	l->m.identity_hidden = false;
	l->answer = l->note = NULL;
	str_copy(l->mobile, sizeof(l->mobile), mobile);
}

/* Write message m's record (its last step is done) and free its slot. */
static int save_held(struct gen *g, struct dm *m)
{
	struct live *l = &g->live[m->slot];
	int rc;

	str_copy(g->tx->answer, sizeof(g->tx->answer), l->answer ? l->answer : "");
	str_copy(g->tx->grade_note, sizeof(g->tx->grade_note), l->note ? l->note : "");
	rc = bulk_save(g->c, &l->m, g->tx, g->err);
	free(l->answer);
	free(l->note);
	l->answer = l->note = NULL;
	g->free_slot[g->nfree++] = m->slot;
	m->slot = -1;
	if (rc < 0)
		return fail(g, rc, "saving a message", m);
	return 0;
}

static char *dup_or_null(const char *s)
{
	return *s ? xstrdup(s) : NULL;
}

static int do_register(struct gen *g, struct dm *m)
{
	struct buf subject, body, address;
	struct msg_new in;
	struct msg reg;
	struct actor a;
	char mobile[12] = "", name[CAP_NAME] = "", national[11] = "";
	uint64_t *rs = &m->rng;
	int rc;

	buf_init(&subject, CAP_MSG_SUBJECT);
	buf_init(&body, CAP_MSG_BODY);
	buf_init(&address, CAP_MSG_ADDRESS);
	make_text(g, m, &subject, &body, &address);
	memset(&in, 0, sizeof(in));
	in.channel = m->channel;
	in.kind = m->kind;
	in.category_id = (m->flags & F_CLASSIFY_LATE) ? 0 : g->cat_id[m->cat];
	in.subject = subject.data;
	in.body = body.data;
	in.address = address.data;
	if (m->flags & F_POINT) {
		const double *p = demo_points[m->region][rnd_int(rs, DEMO_POINTS)];

		in.has_point = true;
		in.lat = p[0];
		in.lon = p[1];
	}
	in.region_id = g->units[g->u_region[m->region]].id;
	in.no_route = true;	/* the demo refers each message itself */
	if (m->citizen < 0) {
		in.anonymous = true;
	} else {
		citizen_of(g, m->citizen, mobile, name, sizeof(name), national);
		in.mobile = mobile;
		in.citizen_name = name;
		in.national_id = national;
	}
	in.confidential = cats[m->cat].confidential && m->kind == KIND_COMPLAINT;
	in.priority = m->prio;
	switch (m->channel) {
	case CHANNEL_PHONE:
		a = user_actor(&g->ops[rnd_int(rs, NOPS)]);
		break;
	case CHANNEL_WEB:
	case CHANNEL_OPEN311:
		a = actor_citizen(0);
		break;
	case CHANNEL_LIVE: {
		const struct sess *s = &g->s[m->session];

		in.live_session_id = s->id;
		a = user_actor(s->region >= 0 ? &g->mgr[s->region] : &g->mayor);
		break;
	}
	default:
		a = actor_system("sms");
		break;
	}
	rc = msg_register(g->c, &a, &in, &reg, g->err);
	buf_release(&subject);
	buf_release(&body);
	buf_release(&address);
	if (rc < 0)
		return fail(g, rc, "registering a message", m);
	m->id = reg.id;
	hold_new(g, m, &reg, mobile);
	m->state = STATE_REGISTERED;
	g->res->registered++;
	if (m->reject) {
		m->phase = PH_REJECT;
		m->at = m->created + rnd_delay(rs, 40 * 60, 0.8, 5 * 60, 4 * HOUR);
	} else {
		int64_t from = m->session >= 0 ? g->s[m->session].ends : m->created;
		int64_t day_end = g->day_start[m->day + 1] - 1;

		m->phase = PH_REFER;
		m->at = from + rnd_delay(rs, 40 * 60, 0.9, 3 * 60, 6 * HOUR);
		/* the first referral falls on the day of the call (reports
		 * bucket by it) */
		if (m->at > day_end)
			m->at = day_end;
		if (m->at <= m->created)
			m->at = m->created + 1;
	}
	return 0;
}

static const char *const reject_notes[REJECT_COUNT] = {
	"", "اطلاعات پیام برای پیگیری کافی نیست", "پیام تکراری است",
	"موضوع در حیطه وظایف شهرداری نیست", "پیام حاوی الفاظ نامناسب است",
};

static int step(struct gen *g, struct dm *m)
{
	uint64_t *rs = &m->rng;
	int64_t t = m->at;
	struct actor a;
	int rc = 0;

	switch (m->phase) {
	case PH_REGISTER:
		return do_register(g, m);
	case PH_REJECT:
		a = user_actor(&g->ops[rnd_int(rs, NOPS)]);
		rc = msg_reject(g->c, &a, m->id, 0, (enum reject_reason)m->reject,
				m->dup_of >= 0 ? g->m[m->dup_of].id : 0, reject_notes[m->reject],
				NULL, g->err);
		if (rc < 0)
			return fail(g, rc, "rejecting a message", m);
		m->state = STATE_REJECTED;
		g->res->rejected++;
		m->phase = PH_DONE;
		return 0;
	case PH_REFER:
	case PH_REREFER: {
		int to = m->phase == PH_REFER ? m->first : m->target;
		int64_t cat = (m->flags & F_CLASSIFY_LATE) && m->phase == PH_REFER ?
			g->cat_id[m->cat] : 0;

		a = user_actor(&g->ops[rnd_int(rs, NOPS)]);
		rc = msg_refer(g->c, &a, m->id, 0, g->units[to].id, cat, 0,
	       "ارجاع جهت رسیدگی", NULL, g->err);
		if (rc < 0)
			return fail(g, rc, "referring a message", m);
		m->state = STATE_REFERRED;
		m->cur = (int16_t)to;
		g->res->referred++;
		if (m->phase == PH_REFER)
			m->ref_at = t;
		if (m->phase == PH_REFER && (m->flags & F_BOUNCE)) {
			m->phase = PH_RETURN;
			m->at = t + rnd_delay(rs, DAY, 1.0, HOUR, 6 * DAY);
			/* a wrong referral is always sent back before the data ends:
			 * no unit's inbox keeps another region's message */
			if (m->at >= g->end)
				m->at = t + (g->end - t) / 2;
		} else {
			schedule_work(g, m, t);
		}
		return 0;
	}
	case PH_RETURN: {
		enum return_reason why = cats[m->cat].route == ROUTE_DEPT ? RETURN_NOT_OURS :
			RETURN_WRONG_REGION;

		a = user_actor(staff_for(g, m->cur));
		rc = msg_return(g->c, &a, m->id, 0, why, "موضوع در محدوده این واحد نیست", NULL,
				g->err);
		if (rc < 0)
			return fail(g, rc, "returning a message", m);
		m->state = STATE_RETURNED;
		g->res->returned++;
		m->phase = PH_REREFER;
		m->at = t + rnd_delay(rs, 3 * HOUR, 1.0, 10 * 60, 2 * DAY);
		return 0;
	}
	case PH_START:
		a = user_actor(staff_for(g, m->cur));
		rc = msg_start(g->c, &a, m->id, 0, NULL, g->err);
		if (rc < 0)
			return fail(g, rc, "starting work on a message", m);
		m->state = STATE_IN_PROGRESS;
		if (m->transfer_to >= 0) {
			m->phase = PH_TRANSFER;
			m->at = between(rs, t, m->ans_at, 0.05, 0.5);
		} else if (m->flags & F_ANSWER) {
			m->phase = PH_ANSWER;
			m->at = m->ans_at;
		} else {
			m->phase = PH_DONE;
		}
		return 0;
	case PH_TRANSFER:
		a = user_actor(staff_for(g, m->cur));
		rc = msg_transfer(g->c, &a, m->id, 0, g->units[m->transfer_to].id,
		  "واگذاری به ناحیه", NULL, g->err);
		if (rc < 0)
			return fail(g, rc, "transferring a message", m);
		m->state = STATE_REFERRED;
		m->cur = m->transfer_to;
		m->transfer_to = -1;
		g->res->transferred++;
		if (m->flags & F_ANSWER) {
			m->phase = PH_ANSWER;
			m->at = m->ans_at;
		} else {
			m->phase = PH_DONE;
		}
		return 0;
	case PH_ANSWER: {
		struct buf text, subj, b2, addr;
		struct subst v;
		const char *rounds[] = { "", "", " (پاسخ تکمیلی پس از بازبینی)",
					 " (پاسخ نهایی)" };

		buf_init(&subj, CAP_MSG_SUBJECT);
		buf_init(&b2, CAP_MSG_BODY);
		buf_init(&addr, CAP_MSG_ADDRESS);
		make_text(g, m, &subj, &b2, &addr);
		memset(&v, 0, sizeof(v));
		v.subject = subj.data;
		v.unit = g->units[m->cur].name;
		v.street = v.place = v.region = v.cat = "";
		buf_init(&text, CAP_MSG_ANSWER);
		add_template(&text, cat_roots[cats[m->cat].root].answer, &v);
		buf_adds(&text, rounds[m->round < 3 ? m->round + 1 : 3]);
		a = user_actor(staff_for(g, m->cur));
		rc = msg_answer(g->c, &a, m->id, 0, text.data, NULL, g->err);
		buf_release(&text);
		buf_release(&subj);
		buf_release(&b2);
		buf_release(&addr);
		if (rc < 0)
			return fail(g, rc, "answering a message", m);
		m->state = STATE_ANSWERED;
		m->round++;
		g->res->answered++;
		schedule_after(g, m, t);
		next_after(m);
		return 0;
	}
	case PH_AFTER:
		if (m->t_v == t) {
			uint8_t v = m->round == 1 ? m->v1 : m->v2;
			uint8_t r = m->round == 1 ? m->r1 : m->r2;

			m->t_v = 0;
			a = rnd_chance(rs, 0.7) ? actor_system("sms") :
				user_actor(&g->ops[rnd_int(rs, NOPS)]);
			rc = msg_verdict(g->c, &a, m->id, 0, (enum verdict)v, r, NULL, g->err);
			if (rc < 0)
				return fail(g, rc, "recording a verdict", m);
			g->res->verdicts++;
			if (v == VERDICT_ACCEPT) {
				m->state = STATE_CLOSED;
				m->t_c = 0;
			} else {
				bool again = m->round == 1 ? (m->flags & F_REANSWER) :
					(m->flags & F_REANSWER2);

				g->res->reopened++;
				if (m->t_g)
					m->t_g = 0;	/* graded after the next answer */
				reopen_then(m, t, again);
				return 0;
			}
		} else if (m->t_g == t) {
			static const char *const notes[] = { "", "پاسخ دقیق و کامل است",
							     "پاسخ کلی است و اقدام انجام‌شده مستند نیست",
							     "پاسخ نادرست است؛ بازبینی شود" };
			enum grade gr = m->grade == GP_OK ? GRADE_ACCEPTABLE : GRADE_UNACCEPTABLE;
			bool reopen = m->grade == GP_BAD_REOPEN;

			m->t_g = 0;
			a = user_actor(&g->insp[rnd_int(rs, NINSP)]);
			rc = msg_grade(g->c, &a, m->id, 0, gr, notes[m->grade], reopen, NULL, g->err);
			if (rc < 0)
				return fail(g, rc, "grading a message", m);
			m->grade = GP_NONE;
			g->res->grades++;
			if (reopen) {
				g->res->reopened++;
				reopen_then(m, t, rnd_chance(rs, 0.95));
				return 0;
			}
		} else if (m->t_c == t) {
			m->t_c = 0;
			if (m->state == STATE_ANSWERED) {
				a = actor_system("auto-close");
				rc = msg_close(g->c, &a, m->id, 0, NULL, g->err);
				if (rc < 0)
					return fail(g, rc, "closing a message", m);
				m->state = STATE_CLOSED;
				g->res->closed++;
			}
		}
		next_after(m);
		return 0;
	default:
		m->phase = PH_DONE;
		return 0;
	}
}

/* One step of message m: a registration makes its record, the others work
 * on it held (core/bulk.h), the last writes it. */
static int step_held(struct gen *g, struct dm *m)
{
	struct live *l;
	int rc;

	if (m->phase == PH_REGISTER) {
		rc = step(g, m);
	} else {
		l = &g->live[m->slot];
		str_copy(g->tx->answer, sizeof(g->tx->answer), l->answer ? l->answer : "");
		str_copy(g->tx->grade_note, sizeof(g->tx->grade_note), l->note ? l->note : "");
		str_copy(g->tx->citizen_mobile, sizeof(g->tx->citizen_mobile), l->mobile);
		bulk_hold(g->c, &l->m, g->tx);
		rc = step(g, m);
		bulk_unhold(g->c);
		if (rc == 0 && (l->m.answered_at || l->m.graded_at)) {
			free(l->answer);
			free(l->note);
			l->answer = dup_or_null(g->tx->answer);
			l->note = dup_or_null(g->tx->grade_note);
		}
	}
	if (rc == 0 && m->phase == PH_DONE && m->slot >= 0)
		rc = save_held(g, m);
	return rc;
}

static int batch_tick(struct gen *g)
{
	int rc;

	if (++g->ops_in_batch < DEMO_BATCH)
		return 0;
	g->ops_in_batch = 0;
	rc = core_batch_commit(g->c, g->err);
	if (rc < 0)
		return fail(g, rc, "committing a batch", NULL);
	rc = core_batch_begin(g->c, g->err);
	if (rc < 0)
		return fail(g, rc, "starting a batch", NULL);
	return 0;
}

static void progress(struct gen *g, int pct, const char *what)
{
	if (g->o->progress)
		g->o->progress(g->o->progress_ctx, pct, what);
}

static int create_session(struct gen *g, struct sess *s, size_t idx)
{
	struct live_session ls;
	struct actor a;
	struct buf title;
	int rc;

	memset(&ls, 0, sizeof(ls));
	buf_init(&title, CAP_NAME - 1);
	if (s->region >= 0) {
		ls.unit_id = g->units[g->u_region[s->region]].id;
		ls.host_user_id = g->mgr[s->region].id;
		buf_adds(&title, "ارتباط مستقیم شهردار منطقه ");
		add_fa_num(&title, s->region + 1);
		buf_adds(&title, " با شهروندان");
		a = user_actor(&g->mgr[s->region]);
	} else {
		ls.unit_id = g->units[g->u_root].id;
		ls.host_user_id = g->mayor.id;
		buf_adds(&title, "ارتباط مستقیم شهردار تهران با شهروندان، جلسه ");
		add_fa_num(&title, (long)idx + 1);
		a = user_actor(&g->mayor);
	}
	str_copy(ls.title, sizeof(ls.title), title.data);
	buf_release(&title);
	ls.starts_at = s->starts;
	ls.ends_at = s->ends;
	rc = live_create(g->c, &a, &ls, g->err);
	if (rc < 0)
		return fail(g, rc, "creating a direct-connection session", NULL);
	s->id = ls.id;
	g->res->sessions++;
	return 0;
}

static int play(struct gen *g)
{
	size_t i, next_sess = 0;
	long done_pct = 0;
	int rc;

	g->heap = xcalloc(g->n ? g->n : 1, sizeof(int32_t));
	for (i = 0; i < g->n; i++) {
		g->m[i].phase = PH_REGISTER;
		g->m[i].slot = -1;
		g->m[i].at = g->m[i].created;
		g->heap[g->nheap++] = (int32_t)i;	/* already in time order: a heap */
	}
	while (g->nheap > 0 || next_sess < g->ns) {
		struct dm *m = g->nheap ? &g->m[g->heap[0]] : NULL;

		if (next_sess < g->ns && (!m || g->s[next_sess].create_at <= m->at)) {
			core_set_now(g->c, g->s[next_sess].create_at);
			rc = create_session(g, &g->s[next_sess], next_sess);
			if (rc < 0)
				return rc;
			next_sess++;
			rc = batch_tick(g);
			if (rc < 0)
				return rc;
			continue;
		}
		if (m->at >= g->end)
			break;	/* the rest happens after the data ends */
		core_set_now(g->c, m->at);
		rc = step_held(g, m);
		if (rc < 0)
			return rc;
		if (m->phase == PH_DONE)
			g->heap[0] = g->heap[--g->nheap];
		heap_down(g, 0);
		rc = demo_sms_tick(g->c, &g->sender, &g->sys, false, g->err);
		if (rc < 0)
			return fail(g, rc, "sending the texts", NULL);
		rc = batch_tick(g);
		if (rc < 0)
			return rc;
		if (g->res->registered * 10 / (long)g->n > done_pct) {
			done_pct = g->res->registered * 10 / (long)g->n;
			progress(g, (int)(done_pct * 10), "messages");
		}
	}
	/* the messages still open when the data ends */
	for (i = 0; i < g->n; i++) {
		if (g->m[i].slot >= 0) {
			rc = save_held(g, &g->m[i]);
			if (rc < 0)
				return rc;
		}
	}
	/* the sender's last round when the data ends */
	core_set_now(g->c, g->end);
	rc = demo_sms_tick(g->c, &g->sender, &g->sys, true, g->err);
	if (rc < 0)
		return fail(g, rc, "sending the texts", NULL);
	g->res->sms_sent = g->sender.sent;
	g->res->sms_pruned = g->sender.pruned;
	for (i = 0; i < g->n; i++) {
		uint8_t st = g->m[i].state;

		if (g->m[i].id && !msg_state_done((enum msg_state)st))
			g->res->open_at_end++;
	}
	return 0;
}

int demo_span(int64_t *from, int64_t *to, struct err *err)
{
	struct jdate a = { 1398, 1, 1 }, b = { 1401, 1, 1 };

	if (tehran_day_start(&a, from) < 0 || tehran_day_start(&b, to) < 0)
		return err_set(err, ERR_IO, "", "demo: cannot read the Asia/Tehran zone");
	return 0;
}

/* Tracking codes from the seed, so that a seed makes the same database. */
static int demo_code_new(void *ctx, char out[11])
{
	struct gen *g = ctx;

	tracking_code_from(rnd_next(&g->code_rng), out);
	return 0;
}

int demo_generate(struct core *c, const struct demo_opts *o, struct demo_result *res,
		  struct err *err)
{
	struct gen g;
	long target[3] = { 0, 0, 0 };
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	if (o->messages < DEMO_MIN_MESSAGES || o->messages > DEMO_MAX_MESSAGES)
		return err_set(err, ERR_INVALID, "messages", "messages must be %d..%d",
			       DEMO_MIN_MESSAGES, DEMO_MAX_MESSAGES);
	if (sodium_init() < 0)
		return err_set(err, ERR_IO, "", "demo: libsodium cannot start");
	memset(&g, 0, sizeof(g));
	g.c = c;
	g.o = o;
	g.res = res;
	g.seed = o->seed;
	g.err = err;
	g.code_rng = rnd_stream(g.seed, 11, 0);
	c->code_new = demo_code_new;
	c->code_ctx = &g;
	g.sys = actor_system("demo");
	g.n = (size_t)o->messages;
	g.m = xcalloc(g.n, sizeof(*g.m));
	g.tx = xcalloc(1, sizeof(*g.tx));

	rc = setup_days(&g);
	if (rc < 0)
		goto out;
	rc = core_batch_bulk(c, true, err);
	if (rc < 0)
		goto out;
	/* the organisation exists a month before the first message */
	core_set_now(c, g.day_start[0] - 30 * DAY);
	progress(&g, 0, "units, categories and users");
	rc = core_batch_begin(c, err);
	if (rc < 0)
		goto out;
	rc = setup_units(&g);
	if (rc == 0)
		rc = setup_categories(&g);
	if (rc == 0)
		rc = setup_users(&g);
	if (rc < 0)
		goto rollback;
	rc = core_batch_commit(c, err);
	if (rc < 0)
		goto rollback;

	plan_sessions(&g);
	plan_times(&g);
	plan_basics(&g);
	plan_region12_counts(&g, target);
	plan_region12_paths(&g, W_1398);
	plan_region12_paths(&g, W_1399);
	plan_flow(&g);

	rc = core_batch_begin(c, err);
	if (rc < 0)
		goto out;
	rc = play(&g);
	if (rc < 0)
		goto rollback;
	rc = core_batch_commit(c, err);
	if (rc < 0)
		goto rollback;
	rc = 0;
	/* the recount of the report aggregates and the search index, made
	 * once when bulk mode ends (a tenth of the time or more), show their
	 * own progress */
	c->progress.fn = g.o->progress;
	c->progress.ctx = g.o->progress_ctx;
	goto out;
rollback:
	core_batch_rollback(c);
out:
	if (core_batch_bulk(c, false, rc < 0 ? NULL : err) < 0 && rc == 0)
		rc = ERR_STORE;
	c->progress.fn = NULL;
	core_set_now(c, 0);
	c->code_new = NULL;
	c->code_ctx = NULL;
	free(g.units);
	free(g.day_start);
	free(g.day_w);
	free(g.storm);
	free(g.m);
	free(g.s);
	free(g.heap);
	for (i = 0; i < g.nlive; i++) {
		free(g.live[i].answer);
		free(g.live[i].note);
	}
	free(g.live);
	free(g.free_slot);
	free(g.tx);
	return rc;
}
