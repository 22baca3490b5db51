/*
 * lf_headsrc.c: the header block of a stored message, .eml or .msg.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lf/container.h"
#include "lf/headsrc.h"
#include "lf/msg.h"
#include "lf/source.h"

#define CHUNK 16384

static const uint8_t cfb_magic[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a,
    0xe1};

/* The .msg's events: only its own transport headers are wanted. */
static int
ignore_entry(void *arg, const struct lf_entry *e)
{
	(void)arg;
	(void)e;
	return 0;
}

static int
ignore_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)e;
	(void)p;
	(void)n;
	return 0;
}

static int
keep_headers(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	struct lf_buf *out = arg;

	if (e == NULL && strcmp(name, "transport-headers") == 0 &&
	    out->len == 0)
		(void)lf_buf_append(out, value, n < out->max ? n : out->max,
		    NULL);
	return 0;
}

static void
ignore_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	(void)arg;
	(void)e;
	(void)a;
}

/* Where the header block ends in p[0..n): after its empty line, or 0. */
static size_t
block_end(const uint8_t *p, size_t n, size_t from)
{
	size_t i;

	for (i = from; i < n; i++)
		if (p[i] == '\n' &&
		    (i == 0 || p[i - 1] == '\n' ||
		        (p[i - 1] == '\r' && (i == 1 || p[i - 2] == '\n'))))
			return i + 1;
	return 0;
}

int
lf_headsrc_file(int fd, const struct lf_limits *limits, struct lf_buf *out,
    bool *outlook, struct lf_error *err)
{
	static const struct lf_container_events ev = {ignore_entry, ignore_data,
	    ignore_entry, keep_headers, ignore_anomaly};
	struct lf_source src;
	struct stat st;
	uint8_t chunk[CHUNK];
	size_t end = 0, room;
	ssize_t got;
	int rc;

	lf_buf_reset(out);
	*outlook = false;
	if (fstat(fd, &st) != 0 || lseek(fd, 0, SEEK_SET) < 0)
		return lf_error_sys(err, errno, "header block");
	while (end == 0 && out->len < limits->header_bytes) {
		room = (size_t)limits->header_bytes - out->len;
		got = read(fd, chunk,
		    room < sizeof(chunk) ? room : sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return lf_error_sys(err, errno, "header block");
		if (got == 0)
			break;
		if (out->len == 0 && (size_t)got >= sizeof(cfb_magic) &&
		    memcmp(chunk, cfb_magic, sizeof(cfb_magic)) == 0) {
			*outlook = true;
			lf_source_file(&src, fd, (uint64_t)st.st_size);
			rc = lf_msg_read(&src, limits, &ev, out, err);
			return rc;
		}
		if ((rc = lf_buf_append(out, chunk, (size_t)got, err)) != LF_OK)
			return rc;
		end = block_end(out->data, out->len,
		    out->len - (size_t)got > 2 ? out->len - (size_t)got - 2 :
		                                 0);
	}
	if (end > 0)
		out->len = end;
	return LF_OK;
}
