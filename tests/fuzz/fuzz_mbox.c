/*
 * tests/fuzz/fuzz_mbox.c: the mbox splitter on hostile bytes.
 *
 * Properties, for every variant: feeding the input whole, one byte at a
 * time and in uneven pieces gives the same messages, offsets, anomalies
 * and variant seen; offsets grow; no message holds more bytes than the
 * mbox span it came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/mbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct rec {
	uint8_t *t; /* transcript */
	size_t tn, tcap;
	uint8_t *m; /* the current message */
	size_t mn, mcap;
	uint64_t off;
	uint64_t last_end;
	size_t from_len;
	int messages;
	int open;
};

static void
put(struct rec *r, const void *p, size_t n)
{
	uint8_t *q;

	if (n == 0)
		return;
	if (r->tn + n > r->tcap) {
		r->tcap = 2 * (r->tn + n);
		if ((q = realloc(r->t, r->tcap)) == NULL)
			abort();
		r->t = q;
	}
	memcpy(r->t + r->tn, p, n);
	r->tn += n;
}

static int
on_begin(void *arg, uint64_t off, const uint8_t *line, size_t n)
{
	struct rec *r = arg;

	if (r->open || (r->messages > 0 && off < r->last_end) ||
	    (n == 0 && off != 0))
		abort();
	r->open = 1;
	r->off = off;
	r->from_len = n;
	r->mn = 0;
	put(r, "B", 1);
	put(r, &off, sizeof(off));
	put(r, &n, sizeof(n));
	put(r, line, n);
	return 0;
}

static int
on_data(void *arg, const uint8_t *p, size_t n)
{
	struct rec *r = arg;
	uint8_t *q;

	if (!r->open || n == 0)
		abort();
	if (r->mn + n > r->mcap) {
		r->mcap = 2 * (r->mn + n);
		if ((q = realloc(r->m, r->mcap)) == NULL)
			abort();
		r->m = q;
	}
	memcpy(r->m + r->mn, p, n);
	r->mn += n;
	return 0;
}

static int
on_end(void *arg, uint64_t end)
{
	struct rec *r = arg;

	if (!r->open || end < r->off + r->from_len ||
	    r->mn > end - r->off - r->from_len)
		abort();
	r->open = 0;
	r->messages++;
	r->last_end = end;
	put(r, "E", 1);
	put(r, &end, sizeof(end));
	put(r, &r->mn, sizeof(r->mn));
	put(r, r->m, r->mn);
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct rec *r = arg;

	put(r, "A", 1);
	put(r, a->code, strlen(a->code) + 1);
	put(r, &a->offset, sizeof(a->offset));
}

/* mode 0: whole; 1: a byte at a time; 2: pieces sized by the input. */
static void
split(const uint8_t *data, size_t size, enum lf_mbox_format fmt, int mode,
    struct rec *r)
{
	static const struct lf_mbox_handler h = {on_begin, on_data, on_end};
	struct lf_mbox *m;
	enum lf_mbox_format seen;
	size_t i = 0, k;

	memset(r, 0, sizeof(*r));
	if (lf_mbox_new(fmt, &h, r, on_anomaly, r, &m, NULL) != LF_OK)
		abort();
	while (i < size) {
		if (mode == 0)
			k = size;
		else if (mode == 1)
			k = 1;
		else
			k = 1 + (size_t)(data[i] % 23);
		if (k > size - i)
			k = size - i;
		if (lf_mbox_feed(m, data + i, k) != LF_OK)
			abort();
		i += k;
	}
	if (lf_mbox_finish(m) != LF_OK || r->open)
		abort();
	seen = lf_mbox_format_seen(m);
	put(r, "S", 1);
	put(r, &seen, sizeof(seen));
	lf_mbox_free(m);
	free(r->m);
	r->m = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec a, b;
	int fmt, mode;

	for (fmt = LF_MBOX_AUTO; fmt <= LF_MBOX_CL2; fmt++) {
		split(data, size, (enum lf_mbox_format)fmt, 0, &a);
		for (mode = 1; mode <= 2; mode++) {
			split(data, size, (enum lf_mbox_format)fmt, mode, &b);
			if (a.tn != b.tn ||
			    (a.tn > 0 && memcmp(a.t, b.t, a.tn) != 0))
				abort();
			free(b.t);
		}
		free(a.t);
	}
	return 0;
}
