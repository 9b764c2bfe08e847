/* cmd_fa.c - `hamgan fa`: placeholder until the Persian library lands. */
#include "cli/cli.h"
#include "cli/cmds.h"

const char cmd_fa_usage[] = "usage: hamgan fa <sub-command> [<args>]\n";

int cmd_fa(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("fa: no sub-commands yet");
}
