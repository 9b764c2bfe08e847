/* cmds.h - every top-level sub-command's entry point (see cli.h). */
#ifndef HAMGAN_CLI_CMDS_H
#define HAMGAN_CLI_CMDS_H

int cmd_demo(int argc, char **argv);
int cmd_fa(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);

extern const char cmd_demo_usage[];
extern const char cmd_fa_usage[];
extern const char cmd_report_usage[];
extern const char cmd_serve_usage[];

int cmd_init(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_unit(int argc, char **argv);
int cmd_category(int argc, char **argv);
int cmd_message(int argc, char **argv);
int cmd_overdue(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_sms(int argc, char **argv);
extern const char cmd_init_usage[], cmd_user_usage[], cmd_unit_usage[], cmd_category_usage[],
	cmd_message_usage[], cmd_overdue_usage[], cmd_audit_usage[], cmd_sms_usage[];

int cmd_db(int argc, char **argv);
extern const char cmd_db_usage[];

int cmd_apikey(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
extern const char cmd_apikey_usage[], cmd_import_usage[], cmd_export_usage[];

int cmd_migrate(int argc, char **argv);
extern const char cmd_migrate_usage[];

#endif
