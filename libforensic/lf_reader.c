/*
 * lf_reader.c: streaming input over descriptors, memory and callbacks.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/reader.h"

/* Look-ahead kept for lf_reader_getline; plain reads bypass it. */
#define LINEBUF_SIZE (64 * 1024)

struct lf_reader {
	const struct lf_reader_ops *ops;
	void *ctx;
	uint64_t offset; /* bytes handed to the caller */
	uint8_t *look;   /* read ahead by getline, not yet delivered */
	size_t look_off; /* first undelivered byte in look */
	size_t look_len; /* bytes held in look */
	bool eof;
};

struct fd_source {
	int fd;
	bool owns;
};

struct mem_source {
	const uint8_t *p;
	size_t n;
	size_t off;
};

static long
fd_read(void *ctx, uint8_t *buf, size_t n, struct lf_error *err)
{
	struct fd_source *s = ctx;
	ssize_t got;

	do {
		got = read(s->fd, buf, n);
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return lf_error_sys(err, errno, "read");
	return (long)got;
}

static void
fd_close(void *ctx)
{
	struct fd_source *s = ctx;

	if (s->owns)
		(void)close(s->fd);
	free(s);
}

static long
mem_read(void *ctx, uint8_t *buf, size_t n, struct lf_error *err)
{
	struct mem_source *s = ctx;
	size_t left = s->n - s->off;

	(void)err;
	if (n > left)
		n = left;
	memcpy(buf, s->p + s->off, n);
	s->off += n;
	return (long)n;
}

static const struct lf_reader_ops fd_ops = {fd_read, fd_close};
static const struct lf_reader_ops mem_ops = {mem_read, free};

int
lf_reader_new(const struct lf_reader_ops *ops, void *ctx,
    struct lf_reader **out, struct lf_error *err)
{
	struct lf_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "reader");
	r->ops = ops;
	r->ctx = ctx;
	*out = r;
	return LF_OK;
}

int
lf_reader_from_fd(int fd, bool owns_fd, struct lf_reader **out,
    struct lf_error *err)
{
	struct fd_source *s;
	int rc;

	if ((s = malloc(sizeof(*s))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "reader");
	s->fd = fd;
	s->owns = owns_fd;
	if ((rc = lf_reader_new(&fd_ops, s, out, err)) != LF_OK)
		free(s);
	return rc;
}

int
lf_reader_from_mem(const uint8_t *p, size_t n, struct lf_reader **out,
    struct lf_error *err)
{
	struct mem_source *s;
	int rc;

	if ((s = malloc(sizeof(*s))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "reader");
	s->p = p;
	s->n = n;
	s->off = 0;
	if ((rc = lf_reader_new(&mem_ops, s, out, err)) != LF_OK)
		free(s);
	return rc;
}

long
lf_reader_read(struct lf_reader *r, uint8_t *buf, size_t n,
    struct lf_error *err)
{
	size_t done = 0;
	long got;

	if (n > LONG_MAX)
		n = LONG_MAX;
	if (r->look_len > r->look_off) {
		done = r->look_len - r->look_off;
		if (done > n)
			done = n;
		memcpy(buf, r->look + r->look_off, done);
		r->look_off += done;
		r->offset += done;
		return (long)done;
	}
	if (r->eof || n == 0)
		return 0;
	got = r->ops->read(r->ctx, buf, n, err);
	if (got < 0)
		return got;
	if (got == 0)
		r->eof = true;
	r->offset += (uint64_t)got;
	return got;
}

/* Refill the look-ahead buffer; returns bytes added, 0 at end, or < 0. */
static long
fill_look(struct lf_reader *r, struct lf_error *err)
{
	long got;

	if (r->look == NULL && (r->look = malloc(LINEBUF_SIZE)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "reader line buffer");
	r->look_off = 0;
	r->look_len = 0;
	if (r->eof)
		return 0;
	got = r->ops->read(r->ctx, r->look, LINEBUF_SIZE, err);
	if (got < 0)
		return got;
	if (got == 0)
		r->eof = true;
	r->look_len = (size_t)got;
	return got;
}

int
lf_reader_getline(struct lf_reader *r, struct lf_buf *line, size_t max,
    bool *too_long, struct lf_error *err)
{
	bool any = false;
	const uint8_t *start, *nl;
	size_t avail, take, room;
	long got;
	int rc;

	lf_buf_reset(line);
	*too_long = false;
	for (;;) {
		if (r->look_off >= r->look_len) {
			if ((got = fill_look(r, err)) < 0)
				return (int)got;
			if (got == 0)
				return any ? 1 : 0;
		}
		any = true;
		start = r->look + r->look_off;
		avail = r->look_len - r->look_off;
		nl = memchr(start, '\n', avail);
		take = nl != NULL ? (size_t)(nl - start) : avail;
		room = max > line->len ? max - line->len : 0;
		if (take > room)
			*too_long = true;
		if ((rc = lf_buf_append(line, start, take > room ? room : take,
		         err)) != LF_OK)
			return rc;
		take += nl != NULL ? 1 : 0;
		r->look_off += take;
		r->offset += take;
		if (nl != NULL)
			return 1;
	}
}

uint64_t
lf_reader_offset(const struct lf_reader *r)
{
	return r->offset;
}

void
lf_reader_free(struct lf_reader *r)
{
	if (r == NULL)
		return;
	if (r->ops->close != NULL)
		r->ops->close(r->ctx);
	free(r->look);
	free(r);
}

int
lf_read_file(const char *path, struct lf_buf *out, struct lf_error *err)
{
	uint8_t chunk[16384];
	ssize_t got;
	int fd, rc = LF_OK;

	lf_buf_reset(out);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return lf_error_sys(err, errno, "'%s'", path);
	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = lf_error_sys(err, errno, "'%s'", path);
			break;
		}
		if (got == 0)
			break;
		if ((rc = lf_buf_append(out, chunk, (size_t)got, err)) !=
		    LF_OK) {
			if (rc == LF_E_LIMIT)
				rc = lf_error_set(err, LF_E_LIMIT,
				    "'%s': larger than %zu bytes", path,
				    out->max);
			break;
		}
	}
	(void)close(fd);
	return rc;
}
