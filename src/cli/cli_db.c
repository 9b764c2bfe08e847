/* cli_db.c - shared helpers of the database commands; see cli_db.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "fa/jalali.h"
#include "fa/tehran.h"

int cli_parse(const char *prog, int argc, char **argv, const struct cli_opt *opts,
	      const char **pos, int min_pos, int max_pos, int *npos)
{
	bool only_pos = false;
	int i, r;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const struct cli_opt *o;
		const char *a = argv[i];

		if (!only_pos && str_eq(a, "--")) {
			only_pos = true;
			continue;
		}
		if (!only_pos && a[0] == '-' && a[1] != '\0') {
			for (o = opts; o && o->name; o++) {
				if (o->flag && str_eq(a, o->name)) {
					*o->flag = true;
					break;
				}
				if (o->value) {
					r = cli_opt_value(argc, argv, &i, o->name, o->value);
					if (r < 0)
						return cli_usage_error(prog, "'%s' needs a value",
								       o->name);
					if (r == 1)
						break;
				}
			}
			if (!o || !o->name)
				return cli_usage_error(prog, "unknown option '%s'", a);
			continue;
		}
		if (*npos >= max_pos)
			return cli_usage_error(prog, "too many arguments");
		pos[(*npos)++] = a;
	}
	if (*npos < min_pos)
		return cli_usage_error(prog, "missing argument");
	return EXIT_OK;
}

int cli_core_open(struct core *c, const char *db, bool create)
{
	struct err err;
	struct progress prog;
	char shown[CAP_DSN_SHOWN];
	const char *now = getenv("HAMGAN_NOW");
	int64_t t = 0;

	err_clear(&err);
	if (now && *now && num_parse(now, 1, INT64_MAX, &t) < 0)
		return cli_fail("HAMGAN_NOW must be seconds since 1970, not '%.32s'", now);
	/* an upgrade's migrations and recount show their progress on a
	 * terminal, under the database's name (a URI without its password) */
	db = db ? db : CLI_DB_DEFAULT;
	core_dsn_safe(db, shown, sizeof(shown));
	if (core_open_flags(c, db, create ? CORE_CREATE : 0, cli_progress(&prog, shown), &err) < 0)
		return cli_fail("%s", err.msg);
	if (now && *now)
		core_set_now(c, t);
	return EXIT_OK;
}

static int read_line(FILE *fp, char *out, size_t outsz)
{
	size_t len;

	if (!fgets(out, (int)outsz, fp))
		return -1;
	len = strlen(out);
	if (len && out[len - 1] == '\n')
		out[--len] = '\0';
	else if (!feof(fp))
		return -2;	/* longer than the buffer */
	if (len && out[len - 1] == '\r')
		out[--len] = '\0';
	return 0;
}

static int prompt(FILE *tty, const char *label, char *out, size_t outsz)
{
	struct termios old, quiet;
	int fd = fileno(tty), rc;

	fputs(label, tty);
	fflush(tty);
	if (tcgetattr(fd, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	rc = read_line(tty, out, outsz);
	tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', tty);
	return rc;
}

int cli_read_password(bool from_stdin, bool confirm, char *out, size_t outsz)
{
	char again[CAP_PASSWORD + 2];	/* a password, its newline, the NUL */
	FILE *tty;
	int rc;

	if (from_stdin) {
		rc = read_line(stdin, out, outsz);
		if (rc == -2)
			return cli_fail("the password is too long");
		if (rc < 0)
			return cli_fail("no password on standard input");
		return EXIT_OK;
	}
	tty = fopen("/dev/tty", "r+");
	if (!tty)
		return cli_fail("no terminal to ask for the password: use --password-stdin");
	rc = prompt(tty, "password: ", out, outsz);
	if (rc == 0 && confirm) {
		rc = prompt(tty, "again: ", again, sizeof(again));
		if (rc == 0 && !str_eq(out, again)) {
			fclose(tty);
			return cli_fail("the passwords differ");
		}
	}
	fclose(tty);
	if (rc == -2)
		return cli_fail("the password is too long");
	if (rc < 0)
		return cli_fail("cannot read the password");
	return EXIT_OK;
}

int cli_read_file(const char *path, size_t cap, char **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct stat sb;
	size_t want = cap, n;
	char *buf;

	*data = NULL;
	*len = 0;
	if (!fp)
		return cli_fail("cannot open '%s': %s", path, strerror(errno));
	/* allocate what the file holds, not the cap (a cap may be a GiB) */
	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode)) {
		if ((uint64_t)sb.st_size > cap) {
			fclose(fp);
			return cli_fail("'%s' is larger than %zu bytes", path, cap);
		}
		want = (size_t)sb.st_size;
	}
	buf = xmalloc(want + 2);
	n = fread(buf, 1, want + 1, fp);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return cli_fail("cannot read '%s'", path);
	}
	fclose(fp);
	if (n > want) {
		free(buf);
		return want < cap ? cli_fail("'%s' changed while being read", path)
				  : cli_fail("'%s' is larger than %zu bytes", path, cap);
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return EXIT_OK;
}

int cli_import_csv(const char *prog, int argc, char **argv, cli_import_fn *import,
		   const char *noun)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	struct actor sys = actor_system("cli");
	struct core c;
	struct err err;
	char *data;
	size_t len, count = 0;
	int rc, npos;

	rc = cli_parse(prog, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_read_file(pos[0], CAP_CSV_FILE, &data, &len);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc == EXIT_OK) {
		err_clear(&err);
		if (import(&c, &sys, data, len, &count, &err) < 0)
			rc = cli_fail("'%s': %s", pos[0], err.msg);
		core_close(&c);
	}
	free(data);
	if (rc == EXIT_OK)
		printf("imported %zu %s\n", count, noun);
	return rc;
}

const char *cli_time(int64_t t, char *buf, size_t bufsz)
{
	struct jdate j;
	char jd[JALALI_FMT_MAX], utc[32];

	if (!t) {
		str_copy(buf, bufsz, "-");
		return buf;
	}
	iso_utc_format(t, utc, sizeof(utc));
	jd[0] = '\0';
	if (tehran_day_of(t, &j) == 0)
		jalali_format(&j, jd, sizeof(jd));
	snprintf(buf, bufsz, "%s%s%s%s", utc, jd[0] ? " (" : "", jd, jd[0] ? ")" : "");
	return buf;
}
