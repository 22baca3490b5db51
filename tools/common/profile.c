/*
 * tools/common/profile.c: the upload profile named by --profile.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "profile.h"

struct lf_upload_profile *
cli_upload_profile(const char *name)
{
	char buf[4096];
	const char *dir = cli_data_path("LF_UPLOAD_PROFILES", "profiles/upload",
	    true, buf, sizeof(buf));
	struct lf_upload_profile *p;
	struct lf_error err;

	if (dir == NULL && strchr(name, '/') == NULL) {
		cli_warn(
		    "no upload profiles found (LF_UPLOAD_PROFILES, or give "
		    "--profile a file)");
		exit(CLI_EXIT_FAILURE);
	}
	if (lf_upload_load(dir != NULL ? dir : ".", name, &p, &err) != LF_OK) {
		cli_warn("--profile: %s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	return p;
}
