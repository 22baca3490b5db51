/*
 * lf_spool.c: bytes kept in memory, then in an unnamed file.
 *
 * The file is opened with O_TMPFILE, so it has no name to leak or to be
 * raced for and disappears with the process; where the filesystem cannot,
 * a named one is unlinked at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lf/spool.h"

static int
unnamed_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	(void)snprintf(path, sizeof(path), "%s/lf-spool-XXXXXX", dir);
	if ((fd = mkostemp(path, O_CLOEXEC)) >= 0)
		(void)unlink(path);
	return fd;
}

static bool
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

void
lf_spool_init(struct lf_spool *s, size_t mem_max, uint64_t max)
{
	lf_buf_init(&s->mem, mem_max);
	s->fd = -1;
	s->size = 0;
	s->max = max;
	s->over = false;
	s->write_errno = 0;
}

void
lf_spool_write(struct lf_spool *s, const uint8_t *p, size_t n)
{
	if (s->over || s->write_errno != 0 || n == 0)
		return;
	if (n > s->max - s->size) {
		s->over = true;
		return;
	}
	s->size += n;
	if (s->fd < 0 && lf_buf_append(&s->mem, p, n, NULL) == LF_OK)
		return;
	if (s->fd < 0) {
		errno = 0;
		if ((s->fd = unnamed_file()) < 0 ||
		    !write_all(s->fd, s->mem.data, s->mem.len)) {
			s->write_errno = errno != 0 ? errno : EIO;
			return;
		}
		lf_buf_release(&s->mem);
	}
	errno = 0;
	if (!write_all(s->fd, p, n))
		s->write_errno = errno != 0 ? errno : EIO;
}

bool
lf_spool_source(const struct lf_spool *s, struct lf_source *src)
{
	if (s->over || s->write_errno != 0)
		return false;
	if (s->fd >= 0)
		lf_source_file(src, s->fd, s->size);
	else
		lf_source_memory(src, s->mem.data, s->mem.len);
	return true;
}

void
lf_spool_release(struct lf_spool *s)
{
	if (s->fd >= 0)
		(void)close(s->fd);
	s->fd = -1;
	lf_buf_release(&s->mem);
	s->size = 0;
}
