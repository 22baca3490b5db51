/*
 * tools/common/profile.h: the upload profile a tool is told to use (--profile),
 * found where cli_data_path finds shipped data.
 */
#ifndef CLI_PROFILE_H
#define CLI_PROFILE_H

#include "lf/upload.h"

/*
 * cli_upload_profile: the profile called name in the upload profiles
 * directory (LF_UPLOAD_PROFILES, or profiles/upload as installed or
 * built), or the file name when it holds a "/".  Says why and exits with
 * CLI_EXIT_FAILURE when there is none.
 */
struct lf_upload_profile *cli_upload_profile(const char *name);

#endif
