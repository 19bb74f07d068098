/* Reads rule files from a folder. */
#include "store/rules_files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#ifndef LMN_RULES_DIR
#define LMN_RULES_DIR "data/rules"
#endif

#define MAX_RULE_FILE (1 << 20)

const char *rules_files_default_dir(void)
{
	const char *env = getenv("LMN_RULES_DIR");
	return env && *env ? env : LMN_RULES_DIR;
}

static int is_rule_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 6 && strcmp(e->d_name + n - 6, ".rules") == 0;
}

static enum lmn_rc read_file(const char *path, struct buf *b, struct lmn_err *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (!f)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	if (ferror(f) || b->failed) {
		fclose(f);
		return lmn_err_set(err, LMN_EIO, NULL, NULL,
				   "%s: cannot read (or larger than %d bytes)", path,
				   MAX_RULE_FILE);
	}
	fclose(f);
	return LMN_OK;
}

enum lmn_rc rules_files_read(struct params *p, const char *dir, struct lmn_err *err)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, is_rule_file, alphasort);
	enum lmn_rc rc = LMN_OK;

	if (n < 0)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "rule folder %s: %s", dir,
				   strerror(errno));
	if (n == 0)
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL,
				 "rule folder %s has no *.rules file", dir);
	for (int i = 0; i < n; i++) {
		if (rc == LMN_OK) {
			struct buf path, text;
			buf_init(&path, 4096);
			buf_init(&text, MAX_RULE_FILE);
			buf_addf(&path, "%s/%s", dir, list[i]->d_name);
			rc = path.failed ? lmn_err_set(err, LMN_EINVAL, NULL, NULL, "path too long")
					 : read_file(path.data, &text, err);
			if (rc == LMN_OK)
				rc = params_load_text(p, path.data, text.data ? text.data : "",
						      text.len, err);
			buf_release(&path);
			buf_release(&text);
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

enum lmn_rc rules_files_load(struct params *p, const char *dir, struct lmn_err *err)
{
	enum lmn_rc rc = rules_files_read(p, dir, err);

	return rc == LMN_OK ? params_finish(p, err) : rc;
}
