/*
 * lf_uu.c: uuencode, the "begin MODE NAME ... end" block that predates
 * MIME: the x-uuencode transfer encoding, and blocks pasted into text.
 *
 * Each line starts with its decoded length (a character 32 + n, where '`'
 * also means 0) and carries 4 characters per 3 bytes.  Encoders padded
 * short lines with spaces, and some mailers strip trailing spaces: a line
 * shorter than its length says is decoded as if the missing characters
 * were spaces (zero), which is what the original holds, rather than cut
 * (GMime cuts, and a real 251,141-byte zip came out as 61,704 bytes).
 *
 * Anomalies:
 *   uu.no-begin      low     no "begin" line before the end of input
 *   uu.text-before   info    non-blank text before "begin"
 *   uu.short-line    low     a line shorter than its length byte says
 *   uu.long-line     low     a line longer than any uuencode line can be
 *   uu.bad-char      medium  a character outside the uuencode range
 *   uu.no-end        low     input ended before "end"
 *   uu.text-after    info    non-blank text after "end"
 */
#include <string.h>

#include "lf_codec_impl.h"

#define LINE_MAX_UU 512 /* a uuencode line is at most 61 characters */
#define UU_OUT 4096

enum uu_phase { UU_BEFORE, UU_BODY, UU_AFTER };

struct uu {
	enum uu_phase phase;
	uint8_t line[LINE_MAX_UU];
	size_t len;
	bool overlong;       /* the current line passed LINE_MAX_UU */
	uint64_t line_start; /* input offset of the current line */
	bool reported_before, reported_short, reported_bad, reported_after;
	uint8_t out[UU_OUT];
	size_t nout;
};

static void
uu_init(void *state)
{
	(void)state;
}

static bool
blank(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	}
	return true;
}

/* "begin 644 name": the mode in octal, then the name to the line end. */
static bool
parse_begin(struct uu *u, struct lf_codec_sink *sink)
{
	const uint8_t *p = u->line;
	size_t n = u->len, i = 6, name_start;
	unsigned mode = 0;
	bool digits = false;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n < 6 || memcmp(p, "begin ", 6) != 0)
		return false;
	while (i < n && p[i] >= '0' && p[i] <= '7') {
		mode = (mode << 3 | (unsigned)(p[i] - '0')) & 07777;
		digits = true;
		i++;
	}
	if (!digits || i >= n || p[i] != ' ')
		return false;
	name_start = i + 1;
	sink->info->has_mode = true;
	sink->info->mode = mode;
	sink->info->name_len = n - name_start < sizeof(sink->info->name) ?
	    n - name_start :
	    sizeof(sink->info->name);
	memcpy(sink->info->name, p + name_start, sink->info->name_len);
	sink->info->has_name = true;
	return true;
}

static uint8_t
uu_value(struct uu *u, struct lf_codec_sink *sink, uint8_t c, uint64_t off)
{
	if (c < 32 || c > 96) {
		if (!u->reported_bad)
			sink->anomaly(sink, "uu.bad-char", LF_SEV_MEDIUM, off,
			    NULL);
		u->reported_bad = true;
		return 0;
	}
	return (uint8_t)((c - 32) & 63);
}

static int
uu_body_line(struct uu *u, struct lf_codec_sink *sink)
{
	const uint8_t *p = u->line;
	size_t n = u->len, want, i, got = 0;
	uint8_t v[4];
	int k, rc;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n >= 3 && memcmp(p, "end", 3) == 0 && blank(p + 3, n - 3)) {
		u->phase = UU_AFTER;
		sink->info->complete = true;
		return 0;
	}
	if (n == 0)
		return 0;
	want = uu_value(u, sink, p[0], u->line_start);
	if (want == 0)
		return 0;
	/* 4 characters per 3 bytes; missing ones read as spaces (0). */
	if (1 + (want + 2) / 3 * 4 > n && !u->reported_short) {
		sink->anomaly(sink, "uu.short-line", LF_SEV_LOW, u->line_start,
		    NULL);
		u->reported_short = true;
	}
	for (i = 1; got < want; i += 4) {
		for (k = 0; k < 4; k++)
			v[k] = i + (size_t)k < n ?
			    uu_value(u, sink, p[i + (size_t)k],
			        u->line_start + i + (size_t)k) :
			    0;
		uint8_t b[3] = {(uint8_t)(v[0] << 2 | v[1] >> 4),
		    (uint8_t)(v[1] << 4 | v[2] >> 2),
		    (uint8_t)(v[2] << 6 | v[3])};
		for (k = 0; k < 3 && got < want; k++, got++)
			u->out[u->nout++] = b[k];
	}
	if (u->nout > UU_OUT - 64) {
		rc = lf_codec_flush(sink, u->out, &u->nout);
		return rc;
	}
	return 0;
}

static int
uu_line(struct uu *u, struct lf_codec_sink *sink)
{
	if (u->overlong) {
		if (u->phase == UU_BODY)
			sink->anomaly(sink, "uu.long-line", LF_SEV_LOW,
			    u->line_start, NULL);
		return 0;
	}
	switch (u->phase) {
	case UU_BEFORE:
		if (parse_begin(u, sink)) {
			u->phase = UU_BODY;
		} else if (!blank(u->line, u->len) && !u->reported_before) {
			sink->anomaly(sink, "uu.text-before", LF_SEV_INFO,
			    u->line_start, NULL);
			u->reported_before = true;
		}
		return 0;
	case UU_BODY:
		return uu_body_line(u, sink);
	case UU_AFTER:
		if (!blank(u->line, u->len) && !u->reported_after) {
			sink->anomaly(sink, "uu.text-after", LF_SEV_INFO,
			    u->line_start, NULL);
			u->reported_after = true;
		}
		return 0;
	}
	return 0;
}

static int
uu_feed(void *state, struct lf_codec_sink *sink, const uint8_t *p, size_t n,
    uint64_t offset)
{
	struct uu *u = state;
	const uint8_t *nl;
	size_t i = 0, take;
	int rc;

	while (i < n) {
		nl = memchr(p + i, '\n', n - i);
		take = nl != NULL ? (size_t)(nl - (p + i)) : n - i;
		if (u->len + take > LINE_MAX_UU)
			u->overlong = true;
		else
			memcpy(u->line + u->len, p + i, take);
		u->len = u->overlong ? 0 : u->len + take;
		i += take;
		if (nl == NULL)
			break;
		if ((rc = uu_line(u, sink)) != 0)
			return rc;
		i++;
		u->len = 0;
		u->overlong = false;
		u->line_start = offset + i;
	}
	rc = lf_codec_flush(sink, u->out, &u->nout);
	return rc;
}

static int
uu_finish(void *state, struct lf_codec_sink *sink, uint64_t offset)
{
	struct uu *u = state;
	int rc = 0;

	if (u->len > 0 || u->overlong)
		rc = uu_line(u, sink);
	u->len = 0;
	if (rc == 0)
		rc = sink->emit(sink, LF_CODEC_MAIN, u->out, u->nout);
	u->nout = 0;
	if (u->phase == UU_BEFORE)
		sink->anomaly(sink, "uu.no-begin", LF_SEV_LOW, offset, NULL);
	else if (u->phase == UU_BODY)
		sink->anomaly(sink, "uu.no-end", LF_SEV_LOW, offset, NULL);
	return rc;
}

const struct lf_codec_ops lf_codec_uu_ops = {sizeof(struct uu), uu_init,
    uu_feed, uu_finish};
