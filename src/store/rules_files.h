/* Loading the rule parameters from the rule files of a folder (data/rules/). */
#ifndef LMN_RULES_FILES_H
#define LMN_RULES_FILES_H

#include "rules/params.h"
#include "util/rc.h"

/* The folder used when none is given: $LMN_RULES_DIR, else the build's data/rules. */
const char *rules_files_default_dir(void);

/* Reads every *.rules file in dir (in name order) into p, without building the rule sets. */
LMN_MUST_USE enum lmn_rc rules_files_read(struct params *p, const char *dir, struct lmn_err *err);
/* Reads every *.rules file in dir (in name order) into p and builds the rule sets. */
LMN_MUST_USE enum lmn_rc rules_files_load(struct params *p, const char *dir, struct lmn_err *err);

#endif
