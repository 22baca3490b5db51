/*
 * lf_sigtext.h (private): the text framing minisign and signify files
 * share: lines ended by LF (or CRLF) and strict base64.  The signature
 * and key modules use it.
 *
 * Strict means one spelling per value: the standard alphabet, "="
 * padding present exactly where it belongs, no blanks inside, and unused
 * bits zero, so that two different files can never carry the same key or
 * signature unnoticed.
 */
#ifndef LF_SIGTEXT_H
#define LF_SIGTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/error.h"

/*
 * lf_sigtext_line: the line that starts at *off in p[0..n), at most max
 * bytes with its terminator.  On success *line and *len give its text
 * without the LF or CRLF, and *off moves past it.  Returns LF_OK, or
 * LF_E_FORMAT ("what: ..." in err) when the input ends before a LF, the
 * line is longer than max, or holds a NUL or a CR other than the last.
 */
int lf_sigtext_line(const uint8_t *p, size_t n, size_t *off, size_t max,
    const char *what, const uint8_t **line, size_t *len,
    struct lf_error *err);

/*
 * lf_sigtext_b64_decode: decode s[0..slen) strictly into out, which must
 * come out exactly want bytes long.  Returns LF_OK or LF_E_FORMAT ("what:
 * ..." naming a bad character, bad padding, or the length found).
 */
int lf_sigtext_b64_decode(const uint8_t *s, size_t slen, uint8_t *out,
    size_t want, const char *what, struct lf_error *err);

/*
 * lf_sigtext_b64_line: append base64 of p[0..n) and a LF to out.
 * Errors as lf_buf_append.
 */
int lf_sigtext_b64_line(struct lf_buf *out, const uint8_t *p, size_t n,
    struct lf_error *err);

#endif
