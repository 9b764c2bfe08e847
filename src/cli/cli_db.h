/*
 * cli_db.h - helpers for the commands that work on a database: option
 * parsing, opening the core (--db, default hamgan.db), reading passwords and
 * files, formatting times.
 */
#ifndef HAMGAN_CLI_CLI_DB_H
#define HAMGAN_CLI_CLI_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/core.h"

#define CLI_DB_DEFAULT "hamgan.db"

/* One option: "--name VALUE" (value != NULL) or a flag "--name" (flag != NULL). */
struct cli_opt {
	const char *name;
	const char **value;
	bool *flag;
};

/*
 * Parse argv[1..] into opts (NULL-name terminated) and positional
 * arguments (at most max_pos into pos[], at least min_pos).  Returns
 * EXIT_OK, or EXIT_USAGE after printing why.  "--" ends the options.
 */
int cli_parse(const char *prog, int argc, char **argv, const struct cli_opt *opts,
	      const char **pos, int min_pos, int max_pos, int *npos);

/* Open the database (creating it when create); on failure print and
 * return EXIT_FAIL, else EXIT_OK.  HAMGAN_NOW=SECONDS in the environment
 * fixes the core's clock (tests and demo data). */
int cli_core_open(struct core *c, const char *db, bool create);

/* Read a password: one line from standard input (from_stdin) or a prompt
 * on the terminal with echo off (twice when confirm).  EXIT_OK or EXIT_FAIL. */
int cli_read_password(bool from_stdin, bool confirm, char *out, size_t outsz);

/* Read a whole file of at most cap bytes (malloc'd, NUL-terminated). */
int cli_read_file(const char *path, size_t cap, char **data, size_t *len);

/*
 * `hamgan unit import` and `hamgan category import`: parse "FILE [--db
 * PATH]" for prog, read the file (capped), run import as the CLI's system
 * actor in one transaction and print "imported N NOUN".  Exit code.
 */
typedef int cli_import_fn(struct core *c, const struct actor *a, const char *data, size_t len,
			  size_t *count, struct err *err);
int cli_import_csv(const char *prog, int argc, char **argv, cli_import_fn *import,
		   const char *noun);

/* "2024-03-20T08:30:00Z (1403-01-01)" - UTC and the Jalali day in Tehran;
 * "-" for 0. */
const char *cli_time(int64_t t, char *buf, size_t bufsz);

#endif
