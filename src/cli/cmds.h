/* cmds.h - every top-level sub-command's entry point (see cli.h). */
#ifndef HAMGAN_CLI_CMDS_H
#define HAMGAN_CLI_CMDS_H

int cmd_fa(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_serve(int argc, char **argv);

extern const char cmd_fa_usage[];
extern const char cmd_serve_usage[];

#endif
