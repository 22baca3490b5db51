/*
 * lf_rtfcp.c: compressed RTF (MS-OXRTFCP).
 *
 * An LZ77 variant: a 4 KiB ring dictionary that starts with a fixed RTF
 * prologue, a control byte before each run of eight tokens, a token being
 * a literal byte or a 12-bit dictionary offset and a 4-bit length; the
 * reference whose offset is the write position ends the stream.  The
 * output grows only as bytes are produced, whatever the header declares.
 */
#include <stdbool.h>
#include <string.h>

#include "lf/rtfcp.h"
#include "lf_bytes.h"

#define HEADER 16
#define DICT 4096
#define COMPRESSED 0x75465a4cu   /* "LZFu" */
#define UNCOMPRESSED 0x414c454du /* "MELA" */

/* MS-OXRTFCP 3.1.1.1.1: what the dictionary holds at the start. */
static const char prologue[] =
    "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman "
    "\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes "
    "New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    "\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

struct out {
	struct lf_buf *buf;
	uint8_t chunk[4096];
	size_t n;
	uint64_t total;
	bool full; /* out->max reached: the rest is counted, not kept */
	struct lf_error *err;
};

/* CRC-32 (reflected 0xEDB88320) from 0 and without the final inversion. */
static uint32_t
crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
	int k;

	while (n-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return crc;
}

static void
report(lf_anomaly_fn fn, void *arg, const char *code, enum lf_severity sev,
    uint64_t offset, const char *detail)
{
	struct lf_anomaly a = {code, sev, offset, detail};

	if (fn != NULL)
		fn(arg, &a);
}

static int
out_flush(struct out *o)
{
	size_t room = o->buf->max - o->buf->len, k = o->n;

	if (k > room) {
		k = room;
		o->full = true;
	}
	o->n = 0;
	if (k > 0 && lf_buf_append(o->buf, o->chunk, k, NULL) != LF_OK)
		return lf_error_set(o->err, LF_E_NOMEM, "rtf: out of memory");
	return LF_OK;
}

static int
out_byte(struct out *o, uint8_t b)
{
	o->total++;
	if (o->full)
		return LF_OK;
	o->chunk[o->n++] = b;
	return o->n == sizeof(o->chunk) ? out_flush(o) : LF_OK;
}

/*
 * Decode the tokens in p[0..n); *ended says whether the end reference was
 * met.
 */
static int
decode(const uint8_t *p, size_t n, struct out *o, bool *ended)
{
	uint8_t dict[DICT];
	size_t wpos = sizeof(prologue) - 1, i = 0;
	unsigned bit, off, len, k;
	uint8_t control, b;
	int rc;

	memset(dict, 0, sizeof(dict));
	memcpy(dict, prologue, sizeof(prologue) - 1);
	*ended = false;
	while (i < n) {
		control = p[i++];
		for (bit = 0; bit < 8; bit++) {
			if (!(control & (1u << bit))) {
				if (i >= n)
					return LF_OK;
				b = p[i++];
				dict[wpos] = b;
				wpos = (wpos + 1) % DICT;
				if ((rc = out_byte(o, b)) != LF_OK)
					return rc;
				continue;
			}
			if (n - i < 2)
				return LF_OK;
			off = (unsigned)p[i] << 4 | p[i + 1] >> 4;
			len = (p[i + 1] & 0x0fu) + 2;
			i += 2;
			if (off == wpos) {
				*ended = true;
				return LF_OK;
			}
			for (k = 0; k < len; k++) {
				b = dict[(off + k) % DICT];
				dict[wpos] = b;
				wpos = (wpos + 1) % DICT;
				if ((rc = out_byte(o, b)) != LF_OK)
					return rc;
			}
		}
	}
	return LF_OK;
}

int
lf_rtfcp_decompress(const uint8_t *in, size_t n, struct lf_buf *out,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_error *err)
{
	struct out o = {out, {0}, 0, 0, false, err};
	uint32_t compsize, rawsize, type, crc;
	size_t end;
	bool ended = true;
	int rc;

	if (n < HEADER)
		return lf_error_set(err, LF_E_FORMAT,
		    "rtf: %zu bytes, shorter than the header", n);
	compsize = lf_le32(in);
	rawsize = lf_le32(in + 4);
	type = lf_le32(in + 8);
	crc = lf_le32(in + 12);
	if (type != COMPRESSED && type != UNCOMPRESSED)
		return lf_error_set(err, LF_E_FORMAT,
		    "rtf: not compressed RTF (type 0x%08x)", (unsigned)type);
	/* COMPSIZE counts what follows it. */
	end = n;
	if ((uint64_t)compsize + 4 < HEADER) {
		report(anomaly, anomaly_arg, "rtf.size-mismatch", LF_SEV_LOW, 0,
		    "compressed size smaller than the header");
	} else if ((uint64_t)compsize + 4 > n) {
		report(anomaly, anomaly_arg, "rtf.truncated", LF_SEV_MEDIUM, n,
		    "the stream ends before its declared compressed size");
	} else {
		end = (size_t)compsize + 4;
	}
	if (type == UNCOMPRESSED) {
		size_t k = end - HEADER;
		if (rawsize < k)
			k = rawsize;
		else if (rawsize > k)
			report(anomaly, anomaly_arg, "rtf.truncated",
			    LF_SEV_MEDIUM, end,
			    "fewer bytes than the declared size");
		for (size_t i = 0; i < k; i++)
			if ((rc = out_byte(&o, in[HEADER + i])) != LF_OK)
				return rc;
	} else {
		if (crc_update(0, in + HEADER, end - HEADER) != crc)
			report(anomaly, anomaly_arg, "rtf.bad-crc", LF_SEV_LOW,
			    12, "CRC of the compressed data does not match");
		if ((rc = decode(in + HEADER, end - HEADER, &o, &ended)) !=
		    LF_OK)
			return rc;
		if (!ended)
			report(anomaly, anomaly_arg, "rtf.truncated",
			    LF_SEV_MEDIUM, end, "no end-of-stream reference");
		if (o.total != rawsize)
			report(anomaly, anomaly_arg, "rtf.size-mismatch",
			    LF_SEV_LOW, 4,
			    "decompressed size differs from the declared size");
	}
	if ((rc = out_flush(&o)) != LF_OK)
		return rc;
	if (o.full)
		report(anomaly, anomaly_arg, "rtf.too-large", LF_SEV_MEDIUM, 0,
		    "decompressed RTF cut at the output limit");
	return LF_OK;
}
