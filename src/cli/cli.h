/*
 * cli.h - the `hamgan` command table and helpers shared by sub-commands.
 *
 * Each sub-command lives in its own cmd_NAME.c and exports
 *	int cmd_NAME(int argc, char **argv);
 * where argv[0] is the sub-command's name.  It returns the process exit code:
 * EXIT_OK (0) success, EXIT_FAIL (1) failure, EXIT_USAGE (2) usage error.
 * Nested commands (`hamgan audit verify`) dispatch through cli_dispatch()
 * with a table of their own.
 */
#ifndef HAMGAN_CLI_CLI_H
#define HAMGAN_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/progress.h"

#define HAMGAN_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;	/* one line for `hamgan --help` */
	const char *usage;	/* full text for `hamgan help NAME` and -h */
};

/* The top-level table (main.c), ended by a NULL name. */
extern const struct cli_cmd cli_commands[];

/*
 * Run the entry of table named argv[0] with (argc, argv); print the table on
 * -h/--help or no name; unknown name is a usage error.  prog is the prefix
 * shown in messages ("hamgan audit").
 */
int cli_dispatch(const char *prog, const struct cli_cmd *table, int argc, char **argv);

/* Print table as "  name   summary" lines to out. */
void cli_list(FILE *out, const struct cli_cmd *table);

/* Print "hamgan: msg" to stderr and return EXIT_USAGE, with a hint to -h. */
int cli_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "hamgan: msg" to stderr and return EXIT_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Long work's progress as "hamgan: CMD: what N%" lines on stderr: prog
 * filled and returned when stderr is a terminal, else NULL (a log or a
 * pipe gets only the result). */
const struct progress *cli_progress(struct progress *prog, const char *cmd);

/* True when arg is -h or --help. */
bool cli_is_help(const char *arg);

/*
 * Minimal option scanner shared by commands: for "--name VALUE" or
 * "--name=VALUE" at argv[*i], store VALUE and advance *i; returns 1 when
 * matched, 0 when argv[*i] is another option, -1 when the value is missing.
 */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value);

#endif
