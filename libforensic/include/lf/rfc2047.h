/*
 * lf/rfc2047.h: encoded words in header text (RFC 2047), and charsets.
 *
 * Header text arrives as bytes: ASCII, raw 8-bit in some charset, and
 * "=?charset?B|Q?...?=" encoded words in any charset iconv knows
 * (ISO-2022-JP, Shift_JIS, EUC-JP, GB18030, KOI8-R, ...).  The decoded form
 * is always valid UTF-8, for display and matching; callers keep the raw
 * bytes beside it, since decoding is lossy where input is damaged.
 */
#ifndef LF_RFC2047_H
#define LF_RFC2047_H

#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/buf.h"

/*
 * lf_rfc2047_decode: append to out the UTF-8 form of the n bytes of header
 * text at p.  Encoded words are decoded, and the white space between two
 * adjacent encoded words dropped (RFC 2047 section 6.2).  Adjacent encoded
 * words in the same charset are joined before conversion, so a character
 * split across words (common in Japanese mail) survives.  Encoded words
 * inside a quoted string or glued to other text (not allowed, but sent)
 * are decoded too, with an anomaly.  Raw 8-bit text outside encoded words
 * is kept if it is UTF-8, else converted from fallback_charset (NULL:
 * ISO-8859-1) with an anomaly.  Whatever cannot be converted becomes
 * U+FFFD with an anomaly.  Offsets in anomalies count from p.
 * Returns LF_OK, or an error of lf_buf_append (out then holds a prefix).
 */
int lf_rfc2047_decode(const uint8_t *p, size_t n, const char *fallback_charset,
    struct lf_buf *out, lf_anomaly_fn anomaly, void *anomaly_arg,
    struct lf_error *err);

/*
 * lf_charset_to_utf8: append to out the n bytes at p converted from
 * charset (any name iconv knows, any case; "utf8", "latin1", "us-ascii",
 * "unicode-1-1-utf-7" and the usual aliases) to UTF-8.  Bytes that do not
 * convert become U+FFFD.  Returns LF_OK, LF_E_NOTSUP for a charset iconv
 * does not know (out unchanged), or an error of lf_buf_append.
 * *replaced, when not NULL, receives the number of U+FFFD written.
 */
int lf_charset_to_utf8(const char *charset, const uint8_t *p, size_t n,
    struct lf_buf *out, size_t *replaced, struct lf_error *err);

#endif
