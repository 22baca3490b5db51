/*
 * lf/json.h: JSON documents through jansson, with names kept exactly.
 *
 * A name (file name, attachment name, header value) is a byte string.  In
 * JSON it is written as a string when it is valid UTF-8; otherwise the
 * string holds a readable form (each byte that is not UTF-8 replaced by
 * U+FFFD) and a sibling member "<key>_hex" holds the exact bytes in hex.
 * Readers take "<key>_hex" when it is present, so every name survives a
 * round trip exactly.  NUL bytes survive too (as \u0000).
 *
 * Every document the tools write starts with "format", "format_version"
 * and "tool" {"name", "version"}.
 */
#ifndef LF_JSON_H
#define LF_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "lf/buf.h"

/*
 * lf_json_doc_new: a new object holding the format header.  Returns a new
 * reference (json_decref it), or NULL when out of memory.
 */
json_t *
lf_json_doc_new(const char *format, int format_version, const char *tool_name);

/*
 * lf_json_set_name: set obj[key] (and obj["<key>_hex"] when needed) from
 * the n bytes at p, as described above.  Returns LF_OK or LF_E_NOMEM
 * (obj may then hold the readable member without the hex one).
 */
int lf_json_set_name(json_t *obj, const char *key, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * lf_json_get_name: the exact bytes of a name written by lf_json_set_name,
 * appended to out.  Returns LF_OK, LF_E_FORMAT when the member is missing
 * or malformed, or an error of lf_buf_append.
 */
int lf_json_get_name(const json_t *obj, const char *key, struct lf_buf *out,
    struct lf_error *err);

/*
 * lf_json_set_hex: set obj[key] to the lowercase hex of n bytes.
 * Returns LF_OK or LF_E_NOMEM.
 */
int lf_json_set_hex(json_t *obj, const char *key, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * lf_json_write_line: write obj compactly on one line followed by "\n"
 * (JSON Lines).  Returns LF_OK, LF_E_NOMEM or LF_E_IO.
 */
int lf_json_write_line(const json_t *obj, FILE *fp, struct lf_error *err);

#endif
