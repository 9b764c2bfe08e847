/* fuzz_csv_import.c - the CSV importers through the real core on a SQLite
 * database: the first byte picks units (unit_import_csv), categories
 * (category_import_csv) or NYC-style 311 history (od_import_311, times in
 * America/New_York); the rest is the file.  Each input starts from the same
 * database (a copy of a seeded template: units tehran, region-12, region-03
 * and the category roads).  Properties: a refusal names why and leaves the
 * units and categories as they were (all or nothing); an accepted units or
 * categories file counts no more rows than it has lines, and every code it
 * names can be read back; the 311 counts add up (imported + imported before
 * + skipped = rows). */
#include "fuzz_common.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/str.h"
#include "core/actor.h"
#include "core/category.h"
#include "core/core.h"
#include "core/csv.h"
#include "core/opendata.h"
#include "core/unit.h"
#include "fa/tehran.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[256], tmpl[300], work[300];
static struct tz *nyc;

static void die(const char *what, const struct err *e)
{
	fprintf(stderr, "fuzz csv import: %s: %s\n", what, e ? e->msg : "");
	abort();
}

static void rm_db(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	char p[320];
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		unlink(p);
	}
}

static void cleanup(void)
{
	rm_db(tmpl);
	rm_db(work);
	rmdir(dir);
	tz_free(nyc);
}

static void copy_file(const char *from, const char *to)
{
	char b[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n;

	if (in < 0 || out < 0)
		die("copy the template", NULL);
	while ((n = read(in, b, sizeof(b))) > 0)
		if (write(out, b, (size_t)n) != n)
			die("copy the template", NULL);
	close(in);
	close(out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char units[] = "code,name,kind,parent_code\n"
		"tehran,شهرداری تهران,organisation,\n"
		"region-12,منطقه ۱۲,region,tehran\nregion-03,منطقه ۳,region,tehran\n";
	static const char cats[] = "code,name,parent_code,deadline_hours,kinds,confidential,"
		"service_code\nroads,معابر و آسفالت,,72,all,0,roads\n";
	const char *tmp = getenv("TMPDIR");
	struct actor sys = actor_system("fuzz");
	struct core c;
	struct err e;
	size_t n;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/hamgan-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("make a temporary directory", NULL);
	snprintf(tmpl, sizeof(tmpl), "%s/template.db", dir);
	snprintf(work, sizeof(work), "%s/work.db", dir);
	atexit(cleanup);
	if (core_open_flags(&c, tmpl, CORE_CREATE, NULL, &e) < 0)
		die("create the template", &e);
	if (unit_import_csv(&c, &sys, units, strlen(units), &n, &e) < 0 ||
	    category_import_csv(&c, &sys, cats, strlen(cats), &n, &e) < 0)
		die("seed the template", &e);
	core_close(&c);
	if (tz_load("America/New_York", &nyc) < 0)
		die("load America/New_York", NULL);
	return 0;
}

/* How many units and categories there are. */
static void census(struct core *c, size_t *units, size_t *cats)
{
	struct unit *u = NULL;
	struct category *k = NULL;
	struct err e;

	if (unit_list(c, &u, units, &e) < 0 || category_list(c, &k, cats, &e) < 0)
		die("list", &e);
	free(u);
	free(k);
}

/* Every first field of the data records names a unit (or category). */
static void codes_readable(struct core *c, const char *data, size_t len, bool unit)
{
	struct csv r;
	struct err e;
	int rc = csv_init(&r, data, len, &e);

	if (rc == 0)
		rc = csv_next(&r, &e);	/* the header */
	while (rc >= 0) {
		rc = csv_next(&r, &e);
		if (rc != 1)
			break;
		if (unit) {
			struct unit u;

			FUZZ_ASSERT(unit_get_by_code(c, r.fields[0], &u, &e) == 0);
		} else {
			struct category k;

			FUZZ_ASSERT(category_get_by_code(c, r.fields[0], &k, &e) == 0);
		}
	}
	FUZZ_ASSERT(rc == 0);
	csv_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct actor sys = actor_system("fuzz");
	struct od_import_stats st;
	struct core c;
	struct err e;
	size_t n = 0, lines = 1, i, u0, k0, u1, k1;
	const char *csv = (const char *)data + 1;
	int which, rc;

	if (size < 1)
		return 0;
	which = data[0] % 3;
	size--;
	for (i = 0; i < size; i++)
		lines += csv[i] == '\n' || csv[i] == '\r';
	copy_file(tmpl, work);
	rm_db(work);	/* no -wal or -shm of the input before */
	copy_file(tmpl, work);
	if (core_open(&c, work, &e) < 0)
		die("open the copy", &e);
	census(&c, &u0, &k0);
	err_clear(&e);
	if (which == 0)
		rc = unit_import_csv(&c, &sys, csv, size, &n, &e);
	else if (which == 1)
		rc = category_import_csv(&c, &sys, csv, size, &n, &e);
	else
		rc = od_import_311(&c, &sys, csv, size, nyc, NULL, NULL, &st, &e);
	if (rc < 0) {
		FUZZ_ASSERT(e.msg[0] != '\0');
		if (which < 2) {
			census(&c, &u1, &k1);
			FUZZ_ASSERT(u1 == u0 && k1 == k0);
		}
	} else if (which < 2) {
		FUZZ_ASSERT(n < lines);
		codes_readable(&c, csv, size, which == 0);
	} else {
		FUZZ_ASSERT(st.imported + st.already + st.skipped == st.rows);
		FUZZ_ASSERT(st.rows < lines);
		FUZZ_ASSERT(st.warnings <= st.rows);
	}
	core_close(&c);
	return 0;
}
