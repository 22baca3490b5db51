/*
 * lf_yenc.c: yEnc (draft 1.3), the encoding of binary Usenet posts: an
 * "=ybegin" line, for one part of a split file an "=ypart" line, lines of
 * bytes each written as (byte + 42) mod 256 with '=' and byte + 64 for
 * the few that would break a line, then an "=yend" line with the size and
 * a CRC-32.
 *
 * Data lines are decoded as they stream past; only lines that start with
 * "=y" (the keyword lines) are held, and only their first YENC_LINE bytes.
 * CR and LF both end a line: the draft says line breaks carry nothing, and
 * a bare CR in a data line would have been escaped by any encoder.
 *
 * A line that starts with "=y" is a keyword line even in the data: "=y"
 * could also be an escaped 0x0f, but no encoder escapes that byte and the
 * draft reserves "=y" at the start of a line for keywords.
 *
 * Anomalies:
 *   yenc.text-before      info    non-blank text before "=ybegin"
 *   yenc.no-begin         low     no "=ybegin" line in the input
 *   yenc.bad-header       low     a keyword line lacks a value it needs,
 *                                 or has one that cannot be read
 *   yenc.long-line        low     a keyword line longer than YENC_LINE;
 *                                 what follows is ignored
 *   yenc.long-name        low     name= longer than 255 bytes; cut
 *   yenc.unknown-line     medium  an "=y" line unknown or out of place;
 *                                 ignored
 *   yenc.trailing-escape  medium  '=' at the end of a line or of the
 *                                 input; dropped
 *   yenc.size-mismatch    medium  the decoded size is not what the
 *                                 framing says
 *   yenc.bad-crc          medium  crc32= or pcrc32= does not match
 *   yenc.no-end           low     the input ended before "=yend"
 *   yenc.text-after       info    non-blank text after "=yend"; ignored
 *   yenc.second-block     medium  another "=ybegin" after "=yend"; ignored
 */
#include <string.h>

#include "lf_codec_impl.h"

#define YENC_LINE 1024 /* keyword lines are far shorter */
#define YENC_OUT 4096
#define YENC_NAME_MAX 255 /* as BinHex's; info->name has room for a NUL */

enum yenc_phase { YENC_BEFORE, YENC_BODY, YENC_AFTER };

/* Where in the current line we are. */
enum yenc_where {
	YW_BOL,     /* nothing of the line read yet */
	YW_BOL_EQ,  /* the line starts with '=' */
	YW_KEYWORD, /* the line starts with "=y": held in line[] */
	YW_DATA,    /* a data line */
	YW_TEXT,    /* a line of text outside the block */
};

struct yenc {
	enum yenc_phase phase;
	enum yenc_where where;
	bool esc; /* a data line's '=' awaits its byte */
	uint64_t esc_off;
	uint8_t line[YENC_LINE];
	size_t len;
	bool overlong;
	uint64_t line_start;
	bool multipart;    /* =ybegin has part= */
	bool part_line;    /* =ypart read */
	bool have_part;    /* ... with a valid range */
	uint64_t part_len; /* end - begin + 1 */
	uint64_t ndecoded;
	uint32_t crc; /* CRC-32 of the decoded bytes, not yet inverted */
	bool reported_before, reported_after, reported_escape;
	bool reported_no_part;
	uint8_t out[YENC_OUT];
	size_t nout;
};

/*
 * CRC-32 (ISO-HDLC, as zlib's crc32()) four bits at a time: a table of 16
 * instead of 256, and no dependency on zlib for 30 lines.
 */
static const uint32_t crc32_nibble[16] = {0x00000000, 0x1db71064, 0x3b6e20c8,
    0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c, 0xedb88320,
    0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278,
    0xbdbdf21c};

static uint32_t
crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		crc = crc >> 4 ^ crc32_nibble[crc & 15];
		crc = crc >> 4 ^ crc32_nibble[crc & 15];
	}
	return crc;
}

static void
yenc_init(void *state)
{
	struct yenc *y = state;

	y->crc = 0xffffffff;
}

static int
yenc_flush(struct yenc *y, struct lf_codec_sink *sink)
{
	int rc;

	y->crc = crc32_update(y->crc, y->out, y->nout);
	rc = lf_codec_flush(sink, y->out, &y->nout);
	return rc;
}

static int
yenc_put(struct yenc *y, struct lf_codec_sink *sink, uint8_t c)
{
	int rc;

	if (y->nout == YENC_OUT && (rc = yenc_flush(y, sink)) != 0)
		return rc;
	y->out[y->nout++] = c;
	y->ndecoded++;
	return 0;
}

static bool
is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Does the keyword line start with kw, followed by a blank or its end? */
static bool
keyword_is(const struct yenc *y, const char *kw)
{
	size_t n = strlen(kw);

	return y->len >= n && memcmp(y->line, kw, n) == 0 &&
	    (y->len == n || is_blank(y->line[n]));
}

/*
 * The value of "key=" in the keyword line, into *v and *vn.  Values are
 * separated by blanks, except that name= runs to the end of the line, so
 * that nothing after it is a key.  Returns false if key is not there.
 */
static bool
yenc_param(const struct yenc *y, const char *key, const uint8_t **v, size_t *vn)
{
	const uint8_t *p = y->line;
	size_t n = y->len, klen = strlen(key), i = 0, t;

	while (i < n && !is_blank(p[i])) /* the keyword */
		i++;
	for (;;) {
		while (i < n && is_blank(p[i]))
			i++;
		if (i == n)
			return false;
		t = i;
		if (n - t >= 5 && memcmp(p + t, "name=", 5) == 0) {
			if (strcmp(key, "name") != 0)
				return false;
			*v = p + t + 5;
			*vn = n - t - 5;
			return true;
		}
		while (i < n && !is_blank(p[i]))
			i++;
		if (i - t > klen && memcmp(p + t, key, klen) == 0 &&
		    p[t + klen] == '=') {
			*v = p + t + klen + 1;
			*vn = i - t - klen - 1;
			return true;
		}
	}
}

/* A decimal number; false if it is empty, not digits, or too large. */
static bool
parse_dec(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)p[i] - '0';
		if (d > 9 || v > UINT64_MAX / 10 ||
		    (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* 1 to 8 hex digits, any case. */
static bool
parse_hex32(const uint8_t *p, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0 || n > 8)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			v = v << 4 | (uint32_t)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			v = v << 4 | (uint32_t)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			v = v << 4 | (uint32_t)(p[i] - 'A' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

/* A number parameter: 1 if read, 0 if absent, -1 if not a number. */
static int
number_param(const struct yenc *y, const char *key, uint64_t *out)
{
	const uint8_t *v;
	size_t vn;

	if (!yenc_param(y, key, &v, &vn))
		return 0;
	return parse_dec(v, vn, out) ? 1 : -1;
}

static void
bad_header(const struct yenc *y, struct lf_codec_sink *sink, const char *why)
{
	sink->anomaly(sink, "yenc.bad-header", LF_SEV_LOW, y->line_start, why);
}

static void
yenc_begin(struct yenc *y, struct lf_codec_sink *sink)
{
	struct lf_decoder_info *info = sink->info;
	const uint8_t *v;
	size_t vn;
	uint64_t num;
	int has;

	if (number_param(y, "size", &num) > 0) {
		info->has_size = true;
		info->size = num;
	} else {
		bad_header(y, sink, "=ybegin without a valid size=");
	}
	if ((has = number_param(y, "part", &num)) != 0)
		y->multipart = true;
	if (has < 0)
		bad_header(y, sink, "=ybegin part= is not a number");
	if (yenc_param(y, "name", &v, &vn)) {
		if (vn > YENC_NAME_MAX) {
			sink->anomaly(sink, "yenc.long-name", LF_SEV_LOW,
			    y->line_start, NULL);
			vn = YENC_NAME_MAX;
		}
		memcpy(info->name, v, vn);
		info->name_len = vn;
		info->has_name = true;
	} else {
		bad_header(y, sink, "=ybegin without name=");
	}
	y->phase = YENC_BODY;
}

static void
yenc_part(struct yenc *y, struct lf_codec_sink *sink)
{
	uint64_t begin, end;

	if (y->part_line || y->ndecoded > 0) {
		sink->anomaly(sink, "yenc.unknown-line", LF_SEV_MEDIUM,
		    y->line_start, "=ypart out of place");
		return;
	}
	y->part_line = true;
	if (!y->multipart)
		bad_header(y, sink, "=ypart without part= in =ybegin");
	y->multipart = true;
	if (number_param(y, "begin", &begin) <= 0 ||
	    number_param(y, "end", &end) <= 0 || begin == 0 || end < begin ||
	    (sink->info->has_size && end > sink->info->size)) {
		bad_header(y, sink, "=ypart without a valid begin= and end=");
		return;
	}
	y->have_part = true;
	y->part_len = end - begin + 1;
}

/*
 * Check one CRC parameter against the data; *checked and *ok collect the
 * verdicts.
 */
static void
check_crc(struct yenc *y, struct lf_codec_sink *sink, const char *key,
    bool *checked, bool *ok)
{
	const uint8_t *v;
	size_t vn;
	uint32_t want;

	if (!yenc_param(y, key, &v, &vn))
		return;
	if (!parse_hex32(v, vn, &want)) {
		bad_header(y, sink, "a CRC that cannot be read");
		return;
	}
	*checked = true;
	if (want != (y->crc ^ 0xffffffff)) {
		*ok = false;
		sink->anomaly(sink, "yenc.bad-crc", LF_SEV_MEDIUM,
		    y->line_start, key);
	}
}

/* The sizes the framing gives, against what was decoded. */
static void
check_size(struct yenc *y, struct lf_codec_sink *sink, uint64_t off,
    bool has_end_size, uint64_t end_size)
{
	const struct lf_decoder_info *info = sink->info;
	const char *why = NULL;

	if (has_end_size && end_size != y->ndecoded)
		why = "=yend size=";
	else if (y->have_part && y->part_len != y->ndecoded)
		why = "=ypart begin= to end=";
	else if (!y->multipart && info->has_size && info->size != y->ndecoded)
		why = "=ybegin size=";
	if (why != NULL)
		sink->anomaly(sink, "yenc.size-mismatch", LF_SEV_MEDIUM, off,
		    why);
}

static int
yenc_end(struct yenc *y, struct lf_codec_sink *sink)
{
	struct lf_decoder_info *info = sink->info;
	bool checked = false, ok = true;
	uint64_t size = 0;
	int has, rc;

	/* The CRC needs every byte so far. */
	if ((rc = yenc_flush(y, sink)) != 0)
		return rc;
	if ((has = number_param(y, "size", &size)) <= 0)
		bad_header(y, sink, "=yend without a valid size=");
	check_size(y, sink, y->line_start, has > 0, size);
	/*
	 * In a part, crc32= is the whole file's, which one part cannot
	 * check; pcrc32= is the part's.  A single part may carry both.
	 */
	check_crc(y, sink, "pcrc32", &checked, &ok);
	if (!y->multipart)
		check_crc(y, sink, "crc32", &checked, &ok);
	info->has_crc = checked;
	info->crc_ok = checked && ok;
	info->complete = true;
	y->phase = YENC_AFTER;
	return 0;
}

static void
yenc_text(struct yenc *y, struct lf_codec_sink *sink, uint8_t c, uint64_t off)
{
	bool *done;

	if (is_blank(c))
		return;
	done =
	    y->phase == YENC_BEFORE ? &y->reported_before : &y->reported_after;
	if (!*done)
		sink->anomaly(sink,
		    y->phase == YENC_BEFORE ? "yenc.text-before" :
		                              "yenc.text-after",
		    LF_SEV_INFO, off, NULL);
	*done = true;
}

static int
yenc_keyword(struct yenc *y, struct lf_codec_sink *sink)
{
	if (y->overlong)
		sink->anomaly(sink, "yenc.long-line", LF_SEV_LOW, y->line_start,
		    NULL);
	switch (y->phase) {
	case YENC_BEFORE:
		if (keyword_is(y, "=ybegin"))
			yenc_begin(y, sink);
		else
			yenc_text(y, sink, '=', y->line_start);
		return 0;
	case YENC_BODY:
		if (keyword_is(y, "=yend"))
			return yenc_end(y, sink);
		if (keyword_is(y, "=ypart"))
			yenc_part(y, sink);
		else
			sink->anomaly(sink, "yenc.unknown-line", LF_SEV_MEDIUM,
			    y->line_start,
			    keyword_is(y, "=ybegin") ?
			        "=ybegin inside a block" :
			        NULL);
		return 0;
	case YENC_AFTER:
		/* Readers that go on would decode a second file. */
		if (keyword_is(y, "=ybegin"))
			sink->anomaly(sink, "yenc.second-block", LF_SEV_MEDIUM,
			    y->line_start, NULL);
		else
			yenc_text(y, sink, '=', y->line_start);
		return 0;
	}
	return 0;
}

/* The line ended after '=': drop it, as nothing follows to escape. */
static void
yenc_bad_escape(struct yenc *y, struct lf_codec_sink *sink)
{
	if (!y->reported_escape)
		sink->anomaly(sink, "yenc.trailing-escape", LF_SEV_MEDIUM,
		    y->esc_off, NULL);
	y->reported_escape = true;
	y->esc = false;
}

/* A byte of a data line; line breaks are dealt with by the caller. */
static int
yenc_data(struct yenc *y, struct lf_codec_sink *sink, uint8_t c, uint64_t off)
{
	if (y->esc) {
		y->esc = false;
		return yenc_put(y, sink, (uint8_t)(c - 64 - 42));
	}
	if (c == '=') {
		y->esc = true;
		y->esc_off = off;
		return 0;
	}
	return yenc_put(y, sink, (uint8_t)(c - 42));
}

static void
yenc_data_line(struct yenc *y, struct lf_codec_sink *sink, uint64_t off)
{
	if (y->multipart && !y->part_line && !y->reported_no_part) {
		sink->anomaly(sink, "yenc.bad-header", LF_SEV_LOW, off,
		    "part= without =ypart");
		y->reported_no_part = true;
	}
	y->where = YW_DATA;
}

static int
yenc_byte(struct yenc *y, struct lf_codec_sink *sink, uint8_t c, uint64_t off)
{
	bool eol = c == '\r' || c == '\n';

	switch (y->where) {
	case YW_BOL:
		if (eol)
			return 0;
		if (c == '=') {
			y->where = YW_BOL_EQ;
			y->line_start = off;
			return 0;
		}
		if (y->phase == YENC_BODY) {
			yenc_data_line(y, sink, off);
			return yenc_data(y, sink, c, off);
		}
		y->where = YW_TEXT;
		yenc_text(y, sink, c, off);
		return 0;
	case YW_BOL_EQ:
		if (c == 'y') {
			y->where = YW_KEYWORD;
			y->line[0] = '=';
			y->line[1] = 'y';
			y->len = 2;
			y->overlong = false;
			return 0;
		}
		if (y->phase == YENC_BODY) {
			yenc_data_line(y, sink, y->line_start);
			y->esc = true;
			y->esc_off = y->line_start;
			if (!eol)
				return yenc_data(y, sink, c, off);
			yenc_bad_escape(y, sink);
			y->where = YW_BOL;
			return 0;
		}
		yenc_text(y, sink, '=', y->line_start);
		y->where = eol ? YW_BOL : YW_TEXT;
		return 0;
	case YW_KEYWORD:
		if (eol) {
			y->where = YW_BOL;
			return yenc_keyword(y, sink);
		}
		if (y->len < YENC_LINE)
			y->line[y->len++] = c;
		else
			y->overlong = true;
		return 0;
	case YW_DATA:
		if (eol) {
			if (y->esc)
				yenc_bad_escape(y, sink);
			y->where = YW_BOL;
			return 0;
		}
		return yenc_data(y, sink, c, off);
	case YW_TEXT:
		if (eol)
			y->where = YW_BOL;
		else
			yenc_text(y, sink, c, off);
		return 0;
	}
	return 0;
}

static int
yenc_feed(void *state, struct lf_codec_sink *sink, const uint8_t *p, size_t n,
    uint64_t offset)
{
	struct yenc *y = state;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = yenc_byte(y, sink, p[i], offset + i)) != 0)
			return rc;
	}
	return yenc_flush(y, sink);
}

static int
yenc_finish(void *state, struct lf_codec_sink *sink, uint64_t offset)
{
	struct yenc *y = state;
	int rc;

	/* A last line without a line break ends here. */
	if ((rc = yenc_byte(y, sink, '\n', offset)) != 0)
		return rc;
	if ((rc = yenc_flush(y, sink)) != 0)
		return rc;
	if (y->phase == YENC_BEFORE) {
		sink->anomaly(sink, "yenc.no-begin", LF_SEV_LOW, offset, NULL);
	} else if (y->phase == YENC_BODY) {
		sink->anomaly(sink, "yenc.no-end", LF_SEV_LOW, offset, NULL);
		check_size(y, sink, offset, false, 0);
	}
	return 0;
}

const struct lf_codec_ops lf_codec_yenc_ops = {sizeof(struct yenc), yenc_init,
    yenc_feed, yenc_finish};
