/*
 * lf/buf.h: a growable byte buffer with a hard cap.
 *
 * Every buffer that input can grow has a cap, so that hostile input can
 * never make the library allocate without bound.  The storage belongs to
 * the caller-owned struct (lifecycle _init/_release); data is always
 * NUL-terminated one byte past len, so text can be passed to C string
 * functions, but it may also contain NUL bytes of its own.
 */
#ifndef LF_BUF_H
#define LF_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

struct lf_buf {
	uint8_t *data; /* NULL until the first append; owned by the buffer */
	size_t len;    /* bytes in use, not counting the terminating NUL */
	size_t cap;    /* bytes allocated */
	size_t max;    /* most bytes len may ever reach */
};

/*
 * lf_buf_init: an empty buffer that will refuse to grow past max bytes.
 * It allocates nothing.
 */
void lf_buf_init(struct lf_buf *b, size_t max);

/*
 * lf_buf_release: free the storage; the buffer is left empty and may be
 * used again with the same cap.  Safe on a released buffer.
 */
void lf_buf_release(struct lf_buf *b);

/*
 * lf_buf_reset: forget the contents but keep the storage for reuse.
 */
void lf_buf_reset(struct lf_buf *b);

/*
 * lf_buf_append: add len bytes.  Returns LF_OK, LF_E_LIMIT when the result
 * would exceed the cap, or LF_E_NOMEM.  After an error the buffer holds
 * exactly what it held before.
 */
int lf_buf_append(struct lf_buf *b, const void *p, size_t len,
    struct lf_error *err);

/*
 * lf_buf_putc: append one byte; errors as lf_buf_append.
 */
int lf_buf_putc(struct lf_buf *b, uint8_t c, struct lf_error *err);

/*
 * lf_buf_printf: append formatted text; errors as lf_buf_append.
 */
int lf_buf_printf(struct lf_buf *b, struct lf_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * lf_buf_steal: hand the storage to the caller (who frees it with free())
 * and leave the buffer empty.  *lenp, when not NULL, receives the length.
 * Returns NULL for a buffer that never allocated.
 */
uint8_t *lf_buf_steal(struct lf_buf *b, size_t *lenp);

#endif
