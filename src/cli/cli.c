/* cli.c - sub-command dispatch and shared CLI helpers; see cli.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/str.h"
#include "cli/cli.h"

bool cli_is_help(const char *arg)
{
	return str_eq(arg, "-h") || str_eq(arg, "--help");
}

void cli_list(FILE *out, const struct cli_cmd *table)
{
	for (; table->name; table++)
		fprintf(out, "  %-14s %s\n", table->name, table->summary);
}

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fputs("hamgan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nsee '%s -h'\n", prog);
	return EXIT_USAGE;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("hamgan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

static void show_progress(void *ctx, int pct, const char *what)
{
	fprintf(stderr, "hamgan: %s: %s %d%%\n", (const char *)ctx, what, pct);
}

const struct progress *cli_progress(struct progress *prog, const char *cmd)
{
	if (!isatty(STDERR_FILENO))
		return NULL;
	prog->fn = show_progress;
	prog->ctx = (void *)cmd;
	return prog;
}

int cli_dispatch(const char *prog, const struct cli_cmd *table, int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 1 || cli_is_help(argv[0])) {
		FILE *out = argc < 1 ? stderr : stdout;

		fprintf(out, "usage: %s <command> [<args>]\n\ncommands:\n", prog);
		cli_list(out, table);
		return argc < 1 ? EXIT_USAGE : EXIT_OK;
	}
	for (c = table; c->name; c++)
		if (str_eq(c->name, argv[0]))
			break;
	if (!c->name)
		return cli_usage_error(prog, "'%s' is not a command", argv[0]);
	if (argc > 1 && cli_is_help(argv[1]) && c->usage) {
		fputs(c->usage, stdout);
		return EXIT_OK;
	}
	return c->fn(argc, argv);
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*value = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*i += 1;
	*value = argv[*i];
	return 1;
}
