/*
 * lf/source.h: bytes that can be read at any offset: a buffer in memory
 * or an open file.
 *
 * Container formats (compound files, zip central directories) are read by
 * offset; an object to open is either still in memory or spooled to a
 * file, and readers take either the same way.
 */
#ifndef LF_SOURCE_H
#define LF_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

struct lf_source {
	uint64_t size;
	const uint8_t *mem; /* the bytes, when in memory; else NULL */
	int fd;             /* else a file read with pread(2) */
};

/*
 * lf_source_memory / lf_source_file: a source over n bytes at p, or over
 * the first size bytes of the file open as fd.  Neither is copied or
 * owned: they must outlive the source.
 */
void lf_source_memory(struct lf_source *s, const uint8_t *p, size_t n);
void lf_source_file(struct lf_source *s, int fd, uint64_t size);

/*
 * lf_source_read: exactly n bytes at offset into buf.  Returns LF_OK,
 * LF_E_FORMAT when the range goes past the end (nothing is read then), or
 * LF_E_IO.
 */
int lf_source_read(const struct lf_source *s, uint64_t offset, void *buf,
    size_t n, struct lf_error *err);

#endif
