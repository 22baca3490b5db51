/*
 * lf_embedded.c: uuencode, yEnc and BinHex blocks found in text.
 *
 * Outside a block, only the first MARK_MAX bytes of each line are looked
 * at.  Inside one, every byte goes to the block's decoder, which handles
 * the framing itself; the scanner only needs to know where the block
 * ends: the "end" line (uuencode), the "=yend" line (yEnc), the line that
 * closes the data with ':' (BinHex).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lf_embedded.h"

#define MARK_MAX 64 /* enough of a line to tell a marker */
#define BINHEX_MARK "(This file must be converted" /* macutils: "; you knew" */

enum binhex_phase { BH_BEFORE_DATA, BH_IN_DATA };

struct lf_embedded {
	struct lf_embedded_events ev;
	void *arg;
	uint64_t offset;         /* text bytes seen */
	uint8_t start[MARK_MAX]; /* the start of the current line */
	size_t nstart;
	uint64_t line_offset;
	bool line_spilled;      /* the line was longer than MARK_MAX */
	struct lf_decoder *dec; /* the block being decoded, or NULL */
	enum lf_codec codec;
	enum binhex_phase bh;
	uint64_t block_offset;
	uint8_t last_nonblank; /* the last non-blank byte of the line */
	bool scanned;          /* the line is known not to be a marker */
	int stopped;
};

static int
dec_out(void *arg, unsigned stream, const uint8_t *p, size_t n)
{
	struct lf_embedded *e = arg;

	if (stream != LF_CODEC_MAIN)
		return 0;
	return e->ev.data(e->arg, p, n);
}

static void
dec_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct lf_embedded *e = arg;
	struct lf_anomaly b = *a;

	b.offset += e->block_offset;
	if (e->ev.anomaly != NULL)
		e->ev.anomaly(e->arg, &b);
}

int
lf_embedded_new(const struct lf_embedded_events *ev, void *arg,
    struct lf_embedded **out, struct lf_error *err)
{
	struct lf_embedded *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "embedded scanner");
	e->ev = *ev;
	e->arg = arg;
	*out = e;
	return LF_OK;
}

static bool
starts(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(p, s, k) == 0;
}

static int
open_block(struct lf_embedded *e, enum lf_codec codec)
{
	struct lf_error err;
	int rc;

	if (lf_decoder_new(codec, dec_out, e, dec_anomaly, e, &e->dec, &err) !=
	    LF_OK)
		return LF_E_NOMEM;
	e->codec = codec;
	e->bh = BH_BEFORE_DATA;
	e->block_offset = e->line_offset;
	if ((rc = e->ev.begin(e->arg, codec, e->line_offset)) != 0)
		return rc;
	/* What there is of the marker line is the decoder's first input. */
	return lf_decoder_feed(e->dec, e->start, e->nstart);
}

static int
close_block(struct lf_embedded *e)
{
	int rc = lf_decoder_finish(e->dec);

	if (rc == 0)
		rc = e->ev.end(e->arg, lf_decoder_info(e->dec), e->offset);
	lf_decoder_free(e->dec);
	e->dec = NULL;
	return rc;
}

/* Is the line that just ended the block's last? */
static bool
block_ends(struct lf_embedded *e)
{
	const uint8_t *p = e->start;
	size_t n = e->nstart;

	while (n > 0 &&
	    (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' ||
	        p[n - 1] == '\t'))
		n--;
	switch (e->codec) {
	case LF_CODEC_UUENCODE:
		return !e->line_spilled && n == 3 && memcmp(p, "end", 3) == 0;
	case LF_CODEC_YENC:
		return starts(p, n, "=yend");
	case LF_CODEC_BINHEX:
		if (e->bh == BH_BEFORE_DATA) {
			if (n == 0 || p[0] != ':')
				return false;
			e->bh = BH_IN_DATA;
			/* ":...:" on one line: data and end together */
			return e->last_nonblank == ':' &&
			    (e->line_spilled || n > 1);
		}
		return e->last_nonblank == ':';
	default:
		return false;
	}
}

/*
 * Is the line begun in e->start a marker?  1: yes (e->codec says which),
 * 0: no, -1: not known yet.
 */
static int
marker(struct lf_embedded *e, bool line_done)
{
	const uint8_t *p = e->start;
	size_t n = e->nstart, i;

	if (n == 0)
		return line_done ? 0 : -1;
	if (p[0] == 'b') {
		if (n < 6)
			return line_done || memcmp(p, "begin ", n) ? 0 : -1;
		if (memcmp(p, "begin ", 6) != 0)
			return 0;
		for (i = 6; i < n && p[i] >= '0' && p[i] <= '7'; i++)
			;
		if (i == n)
			return line_done || n == MARK_MAX ? 0 : -1;
		e->codec = LF_CODEC_UUENCODE;
		return i > 6 && p[i] == ' ';
	}
	if (p[0] == '=') {
		if (n < 8)
			return line_done || memcmp(p, "=ybegin ", n) ? 0 : -1;
		e->codec = LF_CODEC_YENC;
		return memcmp(p, "=ybegin ", 8) == 0;
	}
	if (p[0] == '(') {
		size_t k = strlen(BINHEX_MARK);
		if (n < k)
			return line_done || memcmp(p, BINHEX_MARK, n) ? 0 : -1;
		e->codec = LF_CODEC_BINHEX;
		return memcmp(p, BINHEX_MARK, k) == 0;
	}
	return 0;
}

/*
 * Outside a block, a line's start is held until it is known to be a
 * marker or not; once it is one, the block opens and the line, and what
 * follows, goes to its decoder as it comes.
 */
int
lf_embedded_feed(struct lf_embedded *e, const uint8_t *p, size_t n)
{
	const uint8_t *nl;
	size_t take, keep, i;
	int rc, m;

	while (n > 0 && e->stopped == 0) {
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) + 1 : n;
		if (e->nstart == 0 && !e->line_spilled)
			e->line_offset = e->offset;
		keep =
		    MARK_MAX - e->nstart < take ? MARK_MAX - e->nstart : take;
		memcpy(e->start + e->nstart, p, keep);
		e->nstart += keep;
		if (keep < take)
			e->line_spilled = true;
		for (i = take; i > 0; i--) {
			if (p[i - 1] != ' ' && p[i - 1] != '\t' &&
			    p[i - 1] != '\r' && p[i - 1] != '\n') {
				e->last_nonblank = p[i - 1];
				break;
			}
		}
		if (e->dec != NULL) {
			if ((rc = lf_decoder_feed(e->dec, p, take)) != 0)
				return e->stopped = rc;
		} else if (!e->scanned && (m = marker(e, nl != NULL)) >= 0) {
			e->scanned = true;
			if (m == 1) {
				/* The marker so far, then the rest of the
				 * piece's line, go to the new block. */
				if ((rc = open_block(e, e->codec)) != 0)
					return e->stopped = rc;
				if (take > keep &&
				    (rc = lf_decoder_feed(e->dec, p + keep,
				         take - keep)) != 0)
					return e->stopped = rc;
			}
		}
		e->offset += take;
		p += take;
		n -= take;
		if (nl != NULL) {
			if (e->dec != NULL &&
			    e->line_offset != e->block_offset &&
			    block_ends(e) && (rc = close_block(e)) != 0)
				return e->stopped = rc;
			e->nstart = 0;
			e->line_spilled = false;
			e->scanned = false;
			e->last_nonblank = 0;
		}
	}
	return e->stopped;
}

int
lf_embedded_finish(struct lf_embedded *e)
{
	int rc;

	if (e->stopped != 0)
		return e->stopped;
	if (e->dec != NULL && (rc = close_block(e)) != 0)
		return e->stopped = rc;
	return 0;
}

void
lf_embedded_free(struct lf_embedded *e)
{
	if (e == NULL)
		return;
	lf_decoder_free(e->dec);
	free(e);
}
