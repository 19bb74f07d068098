/* Subcommands of the lmn binary. Each returns the process exit code; only main exits. */
#ifndef LMN_CLI_H
#define LMN_CLI_H

#include "rules/params.h"
#include "util/rc.h"

#define EXIT_USAGE 2

int cmd_calendar(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_governance(int argc, char **argv);
int cmd_store(int argc, char **argv);

/* Loads the rule files from dir (NULL: the default folder); prints the error on failure. */
LMN_MUST_USE enum lmn_rc cli_load_rules(struct params *p, const char *dir);
/* The same, plus the rule versions of the change log in the database at db_path (NULL: files only). */
LMN_MUST_USE enum lmn_rc cli_load_rules_db(struct params *p, const char *dir, const char *db_path);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
