/*
 * lf_version.c: version strings.
 */
#include <jansson.h>
#include <magic.h>
#include <openssl/crypto.h>

#include "lf/md5.h"
#include "lf/version.h"

/* libfuzzy has no version call; the build records its package version. */
#ifndef LF_LIBFUZZY_VERSION
#define LF_LIBFUZZY_VERSION "unknown"
#endif

const char *
lf_version_string(void)
{
	return LF_VERSION;
}

int
lf_version_libraries(struct lf_buf *out, struct lf_error *err)
{
	int mv = magic_version();

	return lf_buf_printf(out, err,
	    "%s, libmagic %d.%02d, jansson %s, libfuzzy %s, TLSH (built in), "
	    "MD5 (built in, %s)",
	    OpenSSL_version(OPENSSL_VERSION), mv / 100, mv % 100,
	    jansson_version_str(), LF_LIBFUZZY_VERSION, lf_md5_kernel());
}
