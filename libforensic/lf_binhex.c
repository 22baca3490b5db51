/*
 * lf_binhex.c: BinHex 4.0 (RFC 1741), the Macintosh's way to mail a file
 * with both its forks.
 *
 * Three layers, each decoded as the bytes stream past:
 *   - text: after the line "(This file must be converted with BinHex
 *     4.0)", the characters between two ':' each carry 6 bits; line breaks
 *     and blanks carry nothing;
 *   - run-length: 0x90 n repeats the byte before it n - 1 more times, and
 *     0x90 0x00 is a 0x90;
 *   - the file: name length (1 byte), name, version (1), type (4), creator
 *     (4), Finder flags (2), data fork length (4, big-endian), resource
 *     fork length (4), header CRC (2), the data fork and its CRC (2), the
 *     resource fork and its CRC (2).
 *
 * The marker matched is only "(This file must be converted", because
 * macutils' binhex(1) writes "(This file must be converted; you knew that
 * already.)".  The CRCs are CRC-16/XMODEM: the original code shifts the
 * bytes and two zero bytes through a register, which gives the same value.
 *
 * The fork lengths come from the input, so nothing is sized by them: the
 * forks are passed on as they arrive, on LF_CODEC_MAIN (data) and
 * LF_CODEC_RESOURCE.
 *
 * Anomalies:
 *   binhex.text-before  info    non-blank text before the marker line
 *   binhex.no-header    low     no marker line in the input
 *   binhex.bad-char     medium  a character outside the alphabet; skipped
 *   binhex.bad-rle      low     a run with no byte before it, or a run
 *                               marker at the end; ignored
 *   binhex.bad-crc      medium  a CRC (header, data or resource fork)
 *                               does not match
 *   binhex.truncated    medium  the data ended before the forks did
 *   binhex.excess-data  medium  bytes after the resource fork's CRC, other
 *                               than the zero padding encoders add;
 *                               ignored
 *   binhex.no-end       low     the input ended before the closing ':'
 *   binhex.text-after   info    non-blank text after the closing ':'
 */
#include <string.h>

#include "lf_codec_impl.h"

#define BH_OUT 4096
#define BH_FIXED 19 /* version, type, creator, flags, two lengths */
#define BH_HDR_MAX (1 + 255 + BH_FIXED)
#define BH_RUN 0x90
#define BH_PAD_MAX 2 /* zero bytes that fill the last 3-byte group */

static const char bh_marker[] = "(This file must be converted";
static const char bh_alphabet[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

enum bh_phase {
	BH_SEARCH, /* looking for the marker */
	BH_START,  /* looking for the opening ':' */
	BH_BODY,   /* between the two ':' */
	BH_AFTER,
};

/* Which part of the file the next decoded byte belongs to. */
enum bh_part {
	BP_HEADER,
	BP_HEADER_CRC,
	BP_DATA,
	BP_DATA_CRC,
	BP_RSRC,
	BP_RSRC_CRC,
	BP_DONE,
};

struct binhex {
	uint8_t value[256]; /* a character's 6 bits plus one, 0 if none */
	enum bh_phase phase;
	size_t matched; /* bytes of bh_marker matched so far */
	bool text_before;
	uint64_t text_off;
	uint32_t bits; /* 6-bit groups not yet made into bytes */
	unsigned nbits;
	bool have_prev, run; /* a byte to repeat; BH_RUN read */
	uint8_t prev;
	enum bh_part part;
	uint8_t hdr[BH_HDR_MAX];
	size_t hlen;
	uint64_t left; /* bytes of the fork still to come */
	uint16_t crc;
	uint8_t crcbuf[2];
	unsigned ncrc;
	unsigned crc_good, crc_bad;
	uint64_t excess;
	bool reported_bad, reported_rle, reported_excess, reported_after;
	unsigned stream; /* of what out holds */
	uint8_t out[BH_OUT];
	size_t nout;
};

/* CRC-16/XMODEM (polynomial 0x1021, from 0) four bits at a time. */
static const uint16_t crc16_nibble[16] = {0x0000, 0x1021, 0x2042, 0x3063,
    0x4084, 0x50a5, 0x60c6, 0x70e7, 0x8108, 0x9129, 0xa14a, 0xb16b, 0xc18c,
    0xd1ad, 0xe1ce, 0xf1ef};

static uint16_t
crc16_byte(uint16_t crc, uint8_t c)
{
	crc = (uint16_t)(crc << 4 ^ crc16_nibble[(crc >> 12 ^ c >> 4) & 15]);
	crc = (uint16_t)(crc << 4 ^ crc16_nibble[(crc >> 12 ^ c) & 15]);
	return crc;
}

static void
bh_init(void *state)
{
	struct binhex *b = state;
	unsigned i;

	/* Per decoder, so that the library keeps no global state. */
	for (i = 0; i < 64; i++)
		b->value[(uint8_t)bh_alphabet[i]] = (uint8_t)(i + 1);
	b->stream = LF_CODEC_MAIN;
}

static bool
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
bh_flush(struct binhex *b, struct lf_codec_sink *sink)
{
	int rc = sink->emit(sink, b->stream, b->out, b->nout);

	b->nout = 0;
	return rc;
}

static int
bh_put(struct binhex *b, struct lf_codec_sink *sink, unsigned stream, uint8_t c)
{
	int rc;

	if ((stream != b->stream && b->nout > 0) || b->nout == BH_OUT) {
		if ((rc = bh_flush(b, sink)) != 0)
			return rc;
	}
	b->stream = stream;
	b->out[b->nout++] = c;
	return 0;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The header is read: tell what it says. */
static void
bh_header(struct binhex *b, struct lf_codec_sink *sink)
{
	struct lf_decoder_info *info = sink->info;
	size_t n = b->hdr[0];
	const uint8_t *f = b->hdr + 1 + n;

	memcpy(info->name, b->hdr + 1, n);
	info->name_len = n;
	info->has_name = n > 0;
	memcpy(info->mac_type, f + 1, 4);
	memcpy(info->mac_creator, f + 5, 4);
	info->has_size = true;
	info->size = be32(f + 11);
	info->resource_size = be32(f + 15);
}

/* Enter part, skipping an empty fork's bytes. */
static void
bh_enter(struct binhex *b, enum bh_part part, uint64_t left)
{
	b->part = part;
	b->left = left;
	b->crc = 0;
	b->ncrc = 0;
	if ((part == BP_DATA || part == BP_RSRC) && left == 0)
		b->part = part + 1;
}

static void
bh_check_crc(struct binhex *b, struct lf_codec_sink *sink, uint64_t off,
    const char *what)
{
	uint16_t want = (uint16_t)(b->crcbuf[0] << 8 | b->crcbuf[1]);

	if (want == b->crc) {
		b->crc_good++;
	} else {
		b->crc_bad++;
		sink->anomaly(sink, "binhex.bad-crc", LF_SEV_MEDIUM, off, what);
	}
	sink->info->has_crc = true;
	sink->info->crc_ok = b->crc_bad == 0 && b->crc_good == 3;
}

/* One byte of the file, after run-length decoding. */
static int
bh_file_byte(struct binhex *b, struct lf_codec_sink *sink, uint8_t c,
    uint64_t off)
{
	int rc;

	switch (b->part) {
	case BP_HEADER:
		b->hdr[b->hlen++] = c;
		b->crc = crc16_byte(b->crc, c);
		if (b->hlen == 1 + (size_t)b->hdr[0] + BH_FIXED) {
			bh_header(b, sink);
			b->part = BP_HEADER_CRC;
		}
		return 0;
	case BP_DATA:
	case BP_RSRC:
		rc = bh_put(b, sink,
		    b->part == BP_DATA ? LF_CODEC_MAIN : LF_CODEC_RESOURCE, c);
		b->crc = crc16_byte(b->crc, c);
		if (--b->left == 0)
			b->part++;
		return rc;
	case BP_HEADER_CRC:
	case BP_DATA_CRC:
	case BP_RSRC_CRC:
		b->crcbuf[b->ncrc++] = c;
		if (b->ncrc < 2)
			return 0;
		if (b->part == BP_HEADER_CRC) {
			bh_check_crc(b, sink, off, "header");
			bh_enter(b, BP_DATA, sink->info->size);
		} else if (b->part == BP_DATA_CRC) {
			bh_check_crc(b, sink, off, "data fork");
			bh_enter(b, BP_RSRC, sink->info->resource_size);
		} else {
			bh_check_crc(b, sink, off, "resource fork");
			b->part = BP_DONE;
		}
		return 0;
	case BP_DONE:
		/* Encoders fill the last 3-byte group with zeros. */
		if (++b->excess <= BH_PAD_MAX && c == 0)
			return 0;
		if (!b->reported_excess)
			sink->anomaly(sink, "binhex.excess-data", LF_SEV_MEDIUM,
			    off, NULL);
		b->reported_excess = true;
		return 0;
	}
	return 0;
}

static void
bh_bad_rle(struct binhex *b, struct lf_codec_sink *sink, uint64_t off)
{
	if (!b->reported_rle)
		sink->anomaly(sink, "binhex.bad-rle", LF_SEV_LOW, off, NULL);
	b->reported_rle = true;
}

/* One byte of the run-length layer. */
static int
bh_rle_byte(struct binhex *b, struct lf_codec_sink *sink, uint8_t c,
    uint64_t off)
{
	unsigned i;
	int rc;

	if (!b->run) {
		if (c == BH_RUN) {
			b->run = true;
			return 0;
		}
		b->prev = c;
		b->have_prev = true;
		return bh_file_byte(b, sink, c, off);
	}
	b->run = false;
	if (c == 0) {
		b->prev = BH_RUN;
		b->have_prev = true;
		return bh_file_byte(b, sink, BH_RUN, off);
	}
	if (!b->have_prev) {
		bh_bad_rle(b, sink, off);
		return 0;
	}
	for (i = 1; i < c; i++) {
		if ((rc = bh_file_byte(b, sink, b->prev, off)) != 0)
			return rc;
	}
	return 0;
}

/* The closing ':' (or the end of the input, at_end). */
static void
bh_close(struct binhex *b, struct lf_codec_sink *sink, uint64_t off,
    bool at_end)
{
	static const char *const missing[] = {
	    [BP_HEADER] = "in the header",
	    [BP_HEADER_CRC] = "in the header CRC",
	    [BP_DATA] = "in the data fork",
	    [BP_DATA_CRC] = "in the data fork CRC",
	    [BP_RSRC] = "in the resource fork",
	    [BP_RSRC_CRC] = "in the resource fork CRC",
	};

	/*
	 * Fewer than 8 bits left over only fill the last character: nothing
	 * is lost with them.
	 */
	if (b->run)
		bh_bad_rle(b, sink, off);
	if (b->part != BP_DONE)
		sink->anomaly(sink, "binhex.truncated", LF_SEV_MEDIUM, off,
		    missing[b->part]);
	sink->info->complete = !at_end && b->part == BP_DONE;
	b->phase = BH_AFTER;
}

static void
bh_search(struct binhex *b, struct lf_codec_sink *sink, uint8_t c, uint64_t off)
{
	if ((uint8_t)bh_marker[b->matched] == c) {
		if (b->matched == 0 && !b->text_before)
			b->text_off = off;
		if (++b->matched < sizeof(bh_marker) - 1)
			return;
		if (b->text_before)
			sink->anomaly(sink, "binhex.text-before", LF_SEV_INFO,
			    b->text_off, NULL);
		b->phase = BH_START;
		return;
	}
	/* '(' occurs once in the marker: a failed match starts no other. */
	if (b->matched > 0)
		b->text_before = true;
	b->matched = 0;
	if (c == (uint8_t)bh_marker[0]) {
		b->matched = 1; /* text_before was set just above */
	} else if (!is_space(c) && !b->text_before) {
		b->text_before = true;
		b->text_off = off;
	}
}

static int
bh_byte(struct binhex *b, struct lf_codec_sink *sink, uint8_t c, uint64_t off)
{
	uint8_t v;

	switch (b->phase) {
	case BH_SEARCH:
		bh_search(b, sink, c, off);
		return 0;
	case BH_START:
		if (c == ':')
			b->phase = BH_BODY;
		return 0;
	case BH_BODY:
		break;
	case BH_AFTER:
		if (!is_space(c) && !b->reported_after) {
			sink->anomaly(sink, "binhex.text-after", LF_SEV_INFO,
			    off, NULL);
			b->reported_after = true;
		}
		return 0;
	}
	if (c == ':') {
		bh_close(b, sink, off, false);
		return 0;
	}
	if ((v = b->value[c]) == 0) {
		if (!is_space(c) && !b->reported_bad) {
			sink->anomaly(sink, "binhex.bad-char", LF_SEV_MEDIUM,
			    off, NULL);
			b->reported_bad = true;
		}
		return 0;
	}
	b->bits = (b->bits << 6 | (uint32_t)(v - 1)) & 0xfff;
	b->nbits += 6;
	if (b->nbits < 8)
		return 0;
	b->nbits -= 8;
	return bh_rle_byte(b, sink, (uint8_t)(b->bits >> b->nbits), off);
}

static int
bh_feed(void *state, struct lf_codec_sink *sink, const uint8_t *p, size_t n,
    uint64_t offset)
{
	struct binhex *b = state;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = bh_byte(b, sink, p[i], offset + i)) != 0)
			return rc;
	}
	return bh_flush(b, sink);
}

static int
bh_finish(void *state, struct lf_codec_sink *sink, uint64_t offset)
{
	struct binhex *b = state;

	switch (b->phase) {
	case BH_SEARCH:
		sink->anomaly(sink, "binhex.no-header", LF_SEV_LOW, offset,
		    NULL);
		break;
	case BH_START:
	case BH_BODY:
		sink->anomaly(sink, "binhex.no-end", LF_SEV_LOW, offset, NULL);
		bh_close(b, sink, offset, true);
		break;
	case BH_AFTER:
		break;
	}
	return bh_flush(b, sink);
}

const struct lf_codec_ops lf_codec_binhex_ops = {sizeof(struct binhex), bh_init,
    bh_feed, bh_finish};
