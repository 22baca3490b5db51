/*
 * lf_source.c: reading a source by offset.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lf/source.h"

void
lf_source_memory(struct lf_source *s, const uint8_t *p, size_t n)
{
	s->size = n;
	s->mem = p;
	s->fd = -1;
}

void
lf_source_file(struct lf_source *s, int fd, uint64_t size)
{
	s->size = size;
	s->mem = NULL;
	s->fd = fd;
}

int
lf_source_read(const struct lf_source *s, uint64_t offset, void *buf, size_t n,
    struct lf_error *err)
{
	uint8_t *out = buf;
	ssize_t got;

	if (offset > s->size || n > s->size - offset)
		return lf_error_set(err, LF_E_FORMAT,
		    "%zu bytes at offset %llu: past the end (%llu bytes)", n,
		    (unsigned long long)offset, (unsigned long long)s->size);
	if (s->mem != NULL) {
		memcpy(out, s->mem + offset, n);
		return LF_OK;
	}
	while (n > 0) {
		got = pread(s->fd, out, n, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return lf_error_sys(err, errno, "read");
		if (got == 0)
			return lf_error_set(err, LF_E_IO,
			    "read: the file ended early");
		out += got;
		offset += (uint64_t)got;
		n -= (size_t)got;
	}
	return LF_OK;
}
