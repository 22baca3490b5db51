/*
 * lf/error.h: error codes and the error record every public function fills.
 *
 * Public functions return LF_OK (0) or a negative LF_E_* code.  When they
 * fail they also fill the optional struct lf_error the caller passed, with a
 * message that names its context ("sha256: EVP_DigestUpdate failed").
 * Passing NULL for the error record is always allowed.
 *
 * Malformed evidence is not an error: parsers record anomalies and go on.
 * Errors are for what stops the work: memory, I/O, a misuse of the API, a
 * limit of the tool itself.
 */
#ifndef LF_ERROR_H
#define LF_ERROR_H

#include <stdarg.h>

#define LF_OK 0
#define LF_E_NOMEM (-1)   /* out of memory */
#define LF_E_IO (-2)      /* a system call failed; sys_errno says which */
#define LF_E_INVAL (-3)   /* invalid argument or API misuse */
#define LF_E_LIMIT (-4)   /* a limit in struct lf_limits was reached */
#define LF_E_FORMAT (-5)  /* input cannot be read at all in this format */
#define LF_E_CRYPTO (-6)  /* OpenSSL reported a failure */
#define LF_E_NOTSUP (-7)  /* not supported (algorithm, file type) */
#define LF_E_CHANGED (-8) /* input changed while it was being read */

#define LF_ERROR_MSG_MAX 512

struct lf_error {
	int code;      /* the LF_E_* code, LF_OK when nothing happened */
	int sys_errno; /* errno for LF_E_IO, else 0 */
	char msg[LF_ERROR_MSG_MAX]; /* NUL-terminated, may be truncated */
};

/*
 * lf_error_clear: set err (may be NULL) to LF_OK with an empty message.
 */
void lf_error_clear(struct lf_error *err);

/*
 * lf_error_set: fill err (may be NULL) with code and a printf-style message.
 * Returns code, so that callers can write `return lf_error_set(...)`.
 * The message is truncated to fit; it never fails.
 */
int lf_error_set(struct lf_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * lf_error_sys: as lf_error_set with LF_E_IO, recording errnum and
 * appending ": <strerror(errnum)>" to the message.
 */
int lf_error_sys(struct lf_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * lf_error_prefix: prepend "<context>: " to an error already filled in, so
 * that callers can name where an error happened without losing its cause.
 * Does nothing when err is NULL.
 */
void lf_error_prefix(struct lf_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * lf_strerror: a short static description of an LF_E_* code.
 */
const char *lf_strerror(int code);

#endif
