/*
 * lf/text.h: UTF-8, hex, and escaping untrusted text for display.
 *
 * Names and header values come from attackers.  They are kept as bytes;
 * these helpers check them, encode them exactly (hex), and escape them
 * visibly before they reach a terminal.
 */
#ifndef LF_TEXT_H
#define LF_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"

/*
 * lf_utf8_decode: decode one UTF-8 sequence at p (n > 0 bytes available).
 * Returns its length (1 to 4) and stores the code point in *cp, or returns
 * 0 when the bytes are not well-formed UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF).
 */
size_t lf_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);

/*
 * lf_utf8_valid: true when all n bytes are well-formed UTF-8.
 */
bool lf_utf8_valid(const uint8_t *p, size_t n);

/*
 * lf_char_is_deceptive: true for code points that display as nothing or
 * reorder text: bidi controls, zero-width characters, line and paragraph
 * separators, tag characters, byte order mark.  These are how names lie.
 */
bool lf_char_is_deceptive(uint32_t cp);

/*
 * lf_hex: write 2*n lowercase hex digits and a NUL to out, which must hold
 * 2*n+1 bytes.
 */
void lf_hex(char *out, const uint8_t *p, size_t n);

/*
 * lf_hex_decode: decode hex digits (either case) from s[0..slen) into out.
 * Returns the number of bytes written, or -1 when slen is odd, a character
 * is not a hex digit, or the result would not fit in outcap bytes.
 */
long lf_hex_decode(const char *s, size_t slen, uint8_t *out, size_t outcap);

/* Leave backslashes alone: for text that may hold escapes already. */
#define LF_ESC_KEEP_BACKSLASH 0x1

/*
 * lf_escape_visible: append to out a form of p[0..n) that is safe to show
 * on a terminal and shows exactly what the bytes are: printable text as is
 * (valid UTF-8 included), backslash as \\ (unless LF_ESC_KEEP_BACKSLASH is
 * in flags), \n \r \t as themselves, other control bytes and bytes that
 * are not UTF-8 as \xNN, and deceptive characters (see
 * lf_char_is_deceptive) as \u{XXXX}.
 * Errors as lf_buf_append; out is then partly appended.
 */
int lf_escape_visible(struct lf_buf *out, const uint8_t *p, size_t n,
    unsigned flags, struct lf_error *err);

/*
 * lf_escape_needed: true when lf_escape_visible would change p[0..n).
 */
bool lf_escape_needed(const uint8_t *p, size_t n);

#endif
