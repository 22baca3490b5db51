/*
 * lf_buf.c: bounded growable buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf/buf.h"

void
lf_buf_init(struct lf_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
lf_buf_release(struct lf_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
lf_buf_reset(struct lf_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for need more bytes plus the terminating NUL. */
static int
buf_reserve(struct lf_buf *b, size_t need, struct lf_error *err)
{
	size_t want, ncap;
	uint8_t *p;

	/* len + need + 1 (the NUL) must fit the cap and size_t alike. */
	if (need > b->max || b->len > b->max - need ||
	    need >= SIZE_MAX - b->len)
		return lf_error_set(err, LF_E_LIMIT,
		    "buffer would exceed its limit of %zu bytes", b->max);
	want = b->len + need + 1;
	if (want <= b->cap)
		return LF_OK;
	ncap = b->cap < 64 ? 64 : b->cap;
	while (ncap < want)
		ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
	/* Never allocate much past the cap: it is a promise about memory. */
	if (b->max < SIZE_MAX && ncap > b->max + 1)
		ncap = b->max + 1;
	p = realloc(b->data, ncap);
	if (p == NULL)
		return lf_error_set(err, LF_E_NOMEM,
		    "cannot grow a buffer to %zu bytes", ncap);
	b->data = p;
	b->cap = ncap;
	return LF_OK;
}

int
lf_buf_append(struct lf_buf *b, const void *p, size_t len, struct lf_error *err)
{
	int rc;

	if ((rc = buf_reserve(b, len, err)) != LF_OK)
		return rc;
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return LF_OK;
}

int
lf_buf_putc(struct lf_buf *b, uint8_t c, struct lf_error *err)
{
	return lf_buf_append(b, &c, 1, err);
}

int
lf_buf_printf(struct lf_buf *b, struct lf_error *err, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return lf_error_set(err, LF_E_INVAL, "bad format string");
	if ((rc = buf_reserve(b, (size_t)n, err)) != LF_OK)
		return rc;
	va_start(ap, fmt);
	(void)vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return LF_OK;
}

uint8_t *
lf_buf_steal(struct lf_buf *b, size_t *lenp)
{
	uint8_t *p = b->data;

	if (lenp != NULL)
		*lenp = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
