/*
 * lf_dkimcanon.c: DKIM header and body canonicalization (RFC 6376 3.4).
 *
 * The body canonicalizer is a small state machine so that pieces may end
 * anywhere, inside a CRLF or a run of blanks.  Line ends and (relaxed)
 * blanks are held back as counts until a byte of content shows they were
 * not trailing; the canonical bytes are staged and given to the sink in
 * blocks.  A body of a million empty lines costs a counter, not memory.
 */
#include <string.h>

#include "lf/dkimcanon.h"

/* A small staging area in front of a sink, for the header fields. */
struct out {
	lf_dkim_sink_fn sink;
	void *arg;
	struct lf_error *err;
	int rc;
	size_t n;
	uint8_t buf[512];
};

static void
out_flush(struct out *o)
{
	if (o->rc == LF_OK && o->n > 0)
		o->rc = o->sink(o->arg, o->buf, o->n, o->err);
	o->n = 0;
}

static void
out_put(struct out *o, uint8_t c)
{
	if (o->n == sizeof(o->buf))
		out_flush(o);
	o->buf[o->n++] = c;
}

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/* Bytes [s, e) of a field as written, bare LF as CRLF, the cut left out. */
static void
put_simple(struct out *o, const uint8_t *s, const uint8_t *e,
    const uint8_t *cut, const uint8_t *cut_end)
{
	const uint8_t *q;

	for (q = s; q < e; q++) {
		if (cut != NULL && q >= cut && q < cut_end)
			continue;
		if (*q == '\n' && (q == s || q[-1] != '\r'))
			out_put(o, '\r');
		out_put(o, *q);
	}
}

/* The value unfolded, blanks compressed and trimmed, the cut left out. */
static void
put_relaxed_value(struct out *o, const uint8_t *s, const uint8_t *e,
    const uint8_t *cut, const uint8_t *cut_end)
{
	const uint8_t *q;
	bool started = false, pending = false;

	for (q = s; q < e; q++) {
		if (cut != NULL && q >= cut && q < cut_end)
			continue;
		if (*q == '\n')
			continue;
		if (*q == '\r' && q + 1 < e && q[1] == '\n')
			continue;
		if (blank(*q)) {
			pending = started;
			continue;
		}
		if (pending)
			out_put(o, ' ');
		pending = false;
		started = true;
		out_put(o, *q);
	}
}

int
lf_dkim_canon_header(const struct lf_hfield *f, enum lf_dkim_canon c, bool crlf,
    const uint8_t *cut, size_t cut_len, lf_dkim_sink_fn sink, void *arg,
    struct lf_error *err)
{
	struct out o;
	const uint8_t *vend, *cut_end = NULL;
	size_t i;

	if (f == NULL || sink == NULL)
		return lf_error_set(err, LF_E_INVAL, "dkim canon: bad call");
	vend = f->value + f->value_len;
	if (cut != NULL) {
		if (cut < f->value || cut_len > (size_t)(vend - cut))
			return lf_error_set(err, LF_E_INVAL,
			    "dkim canon: cut outside the value");
		cut_end = cut + cut_len;
	}
	o.sink = sink;
	o.arg = arg;
	o.err = err;
	o.rc = LF_OK;
	o.n = 0;
	if (c == LF_DKIM_SIMPLE) {
		/* The closing line end is left for the crlf flag to add. */
		put_simple(&o, f->raw, vend, cut, cut_end);
	} else {
		for (i = 0; i < f->name_len; i++)
			out_put(&o, lower(f->name[i]));
		out_put(&o, ':');
		put_relaxed_value(&o, f->value, vend, cut, cut_end);
	}
	if (crlf) {
		out_put(&o, '\r');
		out_put(&o, '\n');
	}
	out_flush(&o);
	return o.rc;
}

void
lf_dkim_body_init(struct lf_dkim_body *b, enum lf_dkim_canon c,
    lf_dkim_sink_fn sink, void *arg)
{
	memset(b, 0, offsetof(struct lf_dkim_body, stage));
	b->canon = c;
	b->sink = sink;
	b->arg = arg;
}

static int
body_flush(struct lf_dkim_body *b, struct lf_error *err)
{
	int rc = LF_OK;

	if (b->staged > 0)
		rc = b->sink(b->arg, b->stage, b->staged, err);
	b->staged = 0;
	return rc;
}

static int
body_put(struct lf_dkim_body *b, uint8_t c, struct lf_error *err)
{
	int rc;

	if (b->staged == sizeof(b->stage) && (rc = body_flush(b, err)) != LF_OK)
		return rc;
	b->stage[b->staged++] = c;
	b->out++;
	return LF_OK;
}

/* A byte of content: the held-back line ends and blanks were not trailing. */
static int
body_content(struct lf_dkim_body *b, uint8_t c, struct lf_error *err)
{
	int rc;

	for (; b->crlfs > 0; b->crlfs--) {
		if ((rc = body_put(b, '\r', err)) != LF_OK ||
		    (rc = body_put(b, '\n', err)) != LF_OK)
			return rc;
	}
	if (b->wsp && (rc = body_put(b, ' ', err)) != LF_OK)
		return rc;
	b->wsp = false;
	b->any = true;
	return body_put(b, c, err);
}

static void
body_eol(struct lf_dkim_body *b)
{
	b->wsp = false;
	b->crlfs++;
}

int
lf_dkim_body_update(struct lf_dkim_body *b, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (b->cr) {
			b->cr = false;
			if (c == '\n') {
				body_eol(b);
				continue;
			}
			if ((rc = body_content(b, '\r', err)) != LF_OK)
				return rc;
		}
		if (c == '\r') {
			b->cr = true;
		} else if (c == '\n') {
			body_eol(b);
		} else if (b->canon == LF_DKIM_RELAXED && blank(c)) {
			b->wsp = true;
		} else if ((rc = body_content(b, c, err)) != LF_OK) {
			return rc;
		}
	}
	return LF_OK;
}

int
lf_dkim_body_final(struct lf_dkim_body *b, struct lf_error *err)
{
	int rc;

	if (b->cr) {
		b->cr = false;
		if ((rc = body_content(b, '\r', err)) != LF_OK)
			return rc;
	}
	/* One line end closes the last line; empty lines after it go. */
	if (b->any || b->canon == LF_DKIM_SIMPLE) {
		if ((rc = body_put(b, '\r', err)) != LF_OK ||
		    (rc = body_put(b, '\n', err)) != LF_OK)
			return rc;
	}
	b->crlfs = 0;
	b->wsp = false;
	return body_flush(b, err);
}
