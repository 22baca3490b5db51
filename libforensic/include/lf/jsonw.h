/*
 * lf/jsonw.h: JSON written straight into a buffer, for reports made many
 * thousand times a second, where building a tree of objects and dumping
 * it would cost more than the work the report describes.
 *
 * The writer puts the commas and colons; the caller opens and closes
 * objects and arrays in order and names each member before its value.
 * Strings are any bytes: valid UTF-8 is written as is with JSON's
 * escapes; anything else is first made visible as lf_escape_visible does
 * (\xNN), so the document is always valid JSON.  A failure (the buffer's
 * cap, memory, a misuse) is remembered and returned by lf_jsonw_finish.
 */
#ifndef LF_JSONW_H
#define LF_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/error.h"

#define LF_JSONW_DEPTH 32

struct lf_jsonw {
	struct lf_buf *out;
	unsigned depth;
	bool first[LF_JSONW_DEPTH]; /* nothing written yet at this depth */
	char close[LF_JSONW_DEPTH]; /* what ends it: '}' or ']' */
	bool after_key;
	int rc; /* the first failure, or LF_OK */
};

/* lf_jsonw_init: write into out, after what it holds. */
void lf_jsonw_init(struct lf_jsonw *w, struct lf_buf *out);

void lf_jsonw_object(struct lf_jsonw *w);
void lf_jsonw_array(struct lf_jsonw *w);
void lf_jsonw_end(struct lf_jsonw *w); /* the innermost open one */
void lf_jsonw_key(struct lf_jsonw *w, const char *key); /* plain ASCII */
/* A key of any bytes, escaped as lf_jsonw_string escapes. */
void lf_jsonw_keyn(struct lf_jsonw *w, const void *p, size_t n);
void lf_jsonw_string(struct lf_jsonw *w, const void *p, size_t n);
void lf_jsonw_cstr(struct lf_jsonw *w, const char *s); /* NULL: null */
void lf_jsonw_int(struct lf_jsonw *w, int64_t v);
void lf_jsonw_bool(struct lf_jsonw *w, bool v);
void lf_jsonw_null(struct lf_jsonw *w);
/* A value already written as JSON (n bytes at p), put in as it is. */
void lf_jsonw_raw(struct lf_jsonw *w, const void *p, size_t n);

/*
 * lf_jsonw_finish: LF_OK when all was written and everything opened was
 * closed; else the first error (LF_E_LIMIT, LF_E_NOMEM, LF_E_INVAL),
 * with err filled.
 */
int lf_jsonw_finish(const struct lf_jsonw *w, struct lf_error *err);

#endif
