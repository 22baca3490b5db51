/*
 * lf/version.h: the library's version and the versions it was built with.
 */
#ifndef LF_VERSION_H
#define LF_VERSION_H

#include "lf/buf.h"

#define LF_VERSION "0.1.0"

/*
 * lf_version_string: the library version, "MAJOR.MINOR.PATCH".  Static.
 */
const char *lf_version_string(void);

/*
 * lf_version_libraries: append to out one line naming each library in use
 * and its version as reported at run time ("OpenSSL 3.0.19, libmagic 5.44,
 * ...").  Errors as lf_buf_append.
 */
int lf_version_libraries(struct lf_buf *out, struct lf_error *err);

#endif
