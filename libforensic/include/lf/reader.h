/*
 * lf/reader.h: streaming input.
 *
 * A reader delivers bytes in order from a file descriptor, a memory block,
 * or any source given as callbacks (a decoder wrapping another reader), so
 * that no consumer ever needs a whole input in memory.
 */
#ifndef LF_READER_H
#define LF_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/error.h"

struct lf_reader;

struct lf_reader_ops {
	/*
	 * Read up to n (> 0) bytes into buf.  Return the number read, 0 at
	 * the end of the input, or a negative LF_E_* code with err filled.
	 */
	long (*read)(void *ctx, uint8_t *buf, size_t n, struct lf_error *err);
	/* Release ctx; called once by lf_reader_free.  May be NULL. */
	void (*close)(void *ctx);
};

/*
 * lf_reader_from_fd: a reader over fd.  With owns_fd the reader closes it
 * when freed.  Returns LF_OK and a new reader in *out, or LF_E_NOMEM (fd
 * is then left open whatever owns_fd says).
 */
int lf_reader_from_fd(int fd, bool owns_fd, struct lf_reader **out,
    struct lf_error *err);

/*
 * lf_reader_from_mem: a reader over n bytes at p, which are borrowed and
 * must stay valid until the reader is freed.  Errors as lf_reader_from_fd.
 */
int lf_reader_from_mem(const uint8_t *p, size_t n, struct lf_reader **out,
    struct lf_error *err);

/*
 * lf_reader_new: a reader calling ops on ctx.  The reader takes ownership
 * of ctx only on success; on LF_E_NOMEM the caller still owns it.
 */
int lf_reader_new(const struct lf_reader_ops *ops, void *ctx,
    struct lf_reader **out, struct lf_error *err);

/*
 * lf_reader_read: read up to n bytes.  Returns the number read (less than
 * n only at the end of the input or for a short read of a pipe), 0 at the
 * end, or a negative LF_E_* code.  After an error the reader must only be
 * freed.
 */
long lf_reader_read(struct lf_reader *r, uint8_t *buf, size_t n,
    struct lf_error *err);

/*
 * lf_reader_getline: read one line, without its "\n", into line (which is
 * reset first).  Returns 1 when a line was read, 0 at the end of the input,
 * or a negative LF_E_* code.  A line longer than max bytes is cut at max,
 * the rest of it is skipped, and *too_long is set (else cleared); a final
 * line without "\n" counts as a line.
 */
int lf_reader_getline(struct lf_reader *r, struct lf_buf *line, size_t max,
    bool *too_long, struct lf_error *err);

/*
 * lf_reader_offset: the number of bytes delivered to the caller so far.
 */
uint64_t lf_reader_offset(const struct lf_reader *r);

/*
 * lf_reader_free: close and free.  NULL is allowed.
 */
void lf_reader_free(struct lf_reader *r);

/*
 * lf_read_file: the whole file at path into out (reset first), for the
 * small data files the tools ship (profiles, lists).  Returns LF_OK,
 * LF_E_IO when it cannot be opened or read, LF_E_LIMIT when it holds more
 * than out's cap, or LF_E_NOMEM; the message names the path.
 */
int lf_read_file(const char *path, struct lf_buf *out, struct lf_error *err);

#endif
