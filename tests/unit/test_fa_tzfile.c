/* test_fa_tzfile.c - src/fa/tehran's TZif reader on damaged and odd files.
 * The zone is loaded once per process, so each case runs in a child. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/err.h"
#include "fa/tehran.h"

static unsigned char real[70000];
static size_t real_len;

static void load_real(void)
{
	FILE *fp = fopen(TEHRAN_TZFILE_DEFAULT, "rb");

	assert_non_null(fp);
	real_len = fread(real, 1, sizeof(real), fp);
	fclose(fp);
	assert_true(real_len > 100);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* In a child: load path, then ask the offset at t; the exit status says
 * whether the rc (and, when 0, the offset) were as wanted. */
static void expect(const char *path, int64_t t, int want_rc, int want_off)
{
	pid_t pid = fork();
	int status = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		int off = -1, rc;

		if (tehran_set_tzfile(path) != 0)
			_exit(3);
		rc = tehran_offset(t, &off);
		_exit(rc == want_rc && (rc != 0 || off == want_off) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s: wanted rc %d offset %d", path, want_rc, want_off);
}

static char tmpdir[] = "/tmp/hamgan-tz.XXXXXX";

static void damaged_files(void **state)
{
	char path[256];
	unsigned char *big;
	size_t cut;
	const int64_t summer2019 = 1559390400;	/* 2019-06-01 12:00 UTC */

	(void)state;
	load_real();
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/ok", tmpdir);
	write_file(path, real, real_len);
	expect(path, summer2019, 0, 16200);
	expect("/nonexistent/zone", summer2019, ERR_IO, 0);
	/* every truncation inside the header and data is refused */
	for (cut = 0; cut + 20 < real_len; cut += 7) {
		snprintf(path, sizeof(path), "%s/cut", tmpdir);
		write_file(path, real, cut);
		/* cuts inside the footer still load; below it they must fail */
		if (cut < real_len - 15)
			expect(path, summer2019, ERR_IO, 0);
	}
	/* bad magic, version 1 only */
	memcpy(real, "TZix", 4);
	snprintf(path, sizeof(path), "%s/magic", tmpdir);
	write_file(path, real, real_len);
	expect(path, summer2019, ERR_IO, 0);
	memcpy(real, "TZif", 4);
	real[4] = 0;
	write_file(path, real, real_len);
	expect(path, summer2019, ERR_IO, 0);
	real[4] = '2';
	/* a huge count in the header */
	real[32] = 0x7f;
	write_file(path, real, real_len);
	expect(path, summer2019, ERR_IO, 0);
	load_real();
	/* a file over the size cap */
	big = calloc(1, 70 * 1024);
	assert_non_null(big);
	memcpy(big, real, real_len);
	write_file(path, big, 70 * 1024);
	expect(path, summer2019, ERR_IO, 0);
	free(big);
}

static void footer_handling(void **state)
{
	char path[256];
	size_t len;
	const int64_t y2100 = 4115880000;	/* 2100-06-05 UTC */

	(void)state;
	load_real();
	/* without its footer, the last transition's offset holds */
	for (len = real_len - 1; len > 0 && real[len - 1] != '\n'; len--)
		;
	len--;	/* drop the "\n" opening the footer too */
	snprintf(path, sizeof(path), "%s/nofooter", tmpdir);
	write_file(path, real, len);
	expect(path, y2100, 0, 12600);
	expect(path, 1559390400, 0, 16200);
	remove(path);
	snprintf(path, sizeof(path), "%s/ok", tmpdir);
	remove(path);
	snprintf(path, sizeof(path), "%s/cut", tmpdir);
	remove(path);
	snprintf(path, sizeof(path), "%s/magic", tmpdir);
	remove(path);
	rmdir(tmpdir);
}

static void in_memory(void **state)
{
	int off = 0;
	size_t cut;

	(void)state;
	load_real();
	assert_int_equal(tehran_tzif_offset(real, real_len, 1559390400, &off), 0);
	assert_int_equal(off, 16200);
	assert_int_equal(tehran_tzif_offset(real, real_len, -5000000000, &off), 0);
	assert_int_equal(off, 12344);		/* local mean time, +03:25:44 */
	for (cut = 0; cut < real_len - 15; cut++)
		assert_int_equal(tehran_tzif_offset(real, cut, 0, &off), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_memory),
		cmocka_unit_test(damaged_files),
		cmocka_unit_test(footer_handling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
