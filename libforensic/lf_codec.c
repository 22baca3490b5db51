/*
 * lf_codec.c: the decoder front end, and the identity, base64 and
 * quoted-printable decoders.
 *
 * base64 is decoded as tolerantly as the readers people use (RFC 2045
 * section 6.8 says to ignore characters outside the alphabet), but every
 * departure is reported, because a decoder that differs from the victim's
 * mail client on damaged input is how attachments get past scanners.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf_codec_impl.h"

struct lf_decoder {
	enum lf_codec codec;
	const struct lf_codec_ops *ops;
	struct lf_codec_sink sink;
	lf_decoder_out_fn out;
	void *out_arg;
	lf_anomaly_fn anomaly;
	void *anomaly_arg;
	uint64_t offset; /* input bytes fed so far */
	int stopped;     /* the value out returned to stop, or 0 */
	bool finished;
	struct lf_decoder_info info;
	void *state; /* ops->state_size bytes, after this struct */
};

static const struct {
	const char *name;
	const struct lf_codec_ops *ops;
} codecs[] = {
    [LF_CODEC_IDENTITY] = {"identity", &lf_codec_identity_ops},
    [LF_CODEC_BASE64] = {"base64", &lf_codec_base64_ops},
    [LF_CODEC_QP] = {"quoted-printable", &lf_codec_qp_ops},
    [LF_CODEC_UUENCODE] = {"uuencode", &lf_codec_uu_ops},
    [LF_CODEC_YENC] = {"yenc", &lf_codec_yenc_ops},
    [LF_CODEC_BINHEX] = {"binhex", &lf_codec_binhex_ops},
};

#define NCODECS (sizeof(codecs) / sizeof(codecs[0]))

static int
sink_emit(struct lf_codec_sink *s, unsigned stream, const uint8_t *p, size_t n)
{
	struct lf_decoder *d = (struct lf_decoder *)(void *)((char *)s -
	    offsetof(struct lf_decoder, sink));
	int rc;

	if (n == 0)
		return 0;
	if ((rc = d->out(d->out_arg, stream, p, n)) != 0)
		d->stopped = rc;
	return rc;
}

static void
sink_anomaly(struct lf_codec_sink *s, const char *code,
    enum lf_severity severity, uint64_t offset, const char *detail)
{
	struct lf_decoder *d = (struct lf_decoder *)(void *)((char *)s -
	    offsetof(struct lf_decoder, sink));
	struct lf_anomaly a = {code, severity, offset, detail};

	if (d->anomaly != NULL)
		d->anomaly(d->anomaly_arg, &a);
}

int
lf_decoder_new(enum lf_codec codec, lf_decoder_out_fn out, void *out_arg,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_decoder **dp,
    struct lf_error *err)
{
	const struct lf_codec_ops *ops;
	struct lf_decoder *d;

	if ((unsigned)codec >= NCODECS || out == NULL)
		return lf_error_set(err, LF_E_INVAL, "no such codec %d",
		    (int)codec);
	ops = codecs[codec].ops;
	if ((d = calloc(1, sizeof(*d) + ops->state_size)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "decoder");
	d->codec = codec;
	d->ops = ops;
	d->out = out;
	d->out_arg = out_arg;
	d->anomaly = anomaly;
	d->anomaly_arg = anomaly_arg;
	d->state = d + 1;
	d->sink.emit = sink_emit;
	d->sink.anomaly = sink_anomaly;
	d->sink.info = &d->info;
	if (ops->init != NULL)
		ops->init(d->state);
	*dp = d;
	return LF_OK;
}

int
lf_decoder_feed(struct lf_decoder *d, const uint8_t *p, size_t n)
{
	int rc;

	if (d->stopped != 0)
		return d->stopped;
	if (n == 0 || d->finished)
		return LF_OK;
	rc = d->ops->feed(d->state, &d->sink, p, n, d->offset);
	d->offset += n;
	return rc;
}

int
lf_decoder_finish(struct lf_decoder *d)
{
	if (d->stopped != 0)
		return d->stopped;
	if (d->finished)
		return LF_OK;
	d->finished = true;
	return d->ops->finish(d->state, &d->sink, d->offset);
}

const struct lf_decoder_info *
lf_decoder_info(const struct lf_decoder *d)
{
	return &d->info;
}

enum lf_codec
lf_decoder_codec(const struct lf_decoder *d)
{
	return d->codec;
}

void
lf_decoder_reset(struct lf_decoder *d)
{
	memset(d->state, 0, d->ops->state_size);
	if (d->ops->init != NULL)
		d->ops->init(d->state);
	memset(&d->info, 0, sizeof(d->info));
	d->offset = 0;
	d->stopped = 0;
	d->finished = false;
}

void
lf_decoder_free(struct lf_decoder *d)
{
	free(d);
}

enum lf_codec
lf_codec_from_cte(const uint8_t *p, size_t n, bool *known)
{
	static const struct {
		const char *name;
		enum lf_codec codec;
	} names[] = {
	    {"base64", LF_CODEC_BASE64},
	    {"quoted-printable", LF_CODEC_QP},
	    {"7bit", LF_CODEC_IDENTITY},
	    {"8bit", LF_CODEC_IDENTITY},
	    {"binary", LF_CODEC_IDENTITY},
	    {"x-uuencode", LF_CODEC_UUENCODE},
	    {"x-uue", LF_CODEC_UUENCODE},
	    {"uuencode", LF_CODEC_UUENCODE},
	};
	size_t i;

	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		n--;
	}
	while (n > 0 &&
	    (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' ||
	        p[n - 1] == '\n'))
		n--;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == n &&
		    strncasecmp(names[i].name, (const char *)p, n) == 0) {
			*known = true;
			return names[i].codec;
		}
	}
	*known = false;
	return LF_CODEC_IDENTITY;
}

const char *
lf_codec_name(enum lf_codec codec)
{
	return (unsigned)codec < NCODECS ? codecs[codec].name : "?";
}

/* identity: 7bit, 8bit, binary, and what is not known. */

static int
identity_feed(void *state, struct lf_codec_sink *sink, const uint8_t *p,
    size_t n, uint64_t offset)
{
	(void)state;
	(void)offset;
	return sink->emit(sink, LF_CODEC_MAIN, p, n);
}

static int
identity_finish(void *state, struct lf_codec_sink *sink, uint64_t offset)
{
	(void)state;
	(void)sink;
	(void)offset;
	return 0;
}

const struct lf_codec_ops lf_codec_identity_ops = {0, NULL, identity_feed,
    identity_finish};

/* base64 */

#define B64_OUT 4096
#define B64_INVALID 0
#define B64_PAD 65
#define B64_SPACE 66

struct b64 {
	uint32_t acc; /* sextets of the quantum being read */
	unsigned nacc;
	bool padded;        /* a quantum ended with '=' */
	unsigned pads_left; /* '=' still expected after it */
	bool reported_bad, reported_after, reported_pad;
	uint8_t out[B64_OUT];
	size_t nout;
};

/* The sextet value plus one; 0 for bytes outside the alphabet. */
static uint8_t b64_code[256];
static pthread_once_t b64_once = PTHREAD_ONCE_INIT;

static void
b64_build(void)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int i;

	for (i = 0; i < 64; i++)
		b64_code[(uint8_t)alphabet[i]] = (uint8_t)(i + 1);
	b64_code['='] = B64_PAD;
	b64_code[' '] = b64_code['\t'] = b64_code['\r'] = b64_code['\n'] =
	    B64_SPACE;
}

static void
b64_init(void *state)
{
	(void)state;
	(void)pthread_once(&b64_once, b64_build);
}

/* Emit what a quantum of 2 or 3 sextets holds (1 holds nothing). */
static void
b64_partial(struct b64 *b)
{
	if (b->nacc == 2) {
		b->out[b->nout++] = (uint8_t)(b->acc >> 4);
	} else if (b->nacc == 3) {
		b->out[b->nout++] = (uint8_t)(b->acc >> 10);
		b->out[b->nout++] = (uint8_t)(b->acc >> 2);
	}
	b->acc = 0;
	b->nacc = 0;
}

/*
 * Report once; what was decoded before goes out first, so that events
 * come in the same order however the input was cut.
 */
static int
b64_report_once(struct b64 *b, struct lf_codec_sink *sink, bool *done,
    const char *code, enum lf_severity sev, uint64_t off)
{
	int rc = 0;

	if (*done)
		return 0;
	*done = true;
	if (b->nout > 0) {
		rc = lf_codec_flush(sink, b->out, &b->nout);
	}
	sink->anomaly(sink, code, sev, off, NULL);
	return rc;
}

static int
b64_feed(void *state, struct lf_codec_sink *sink, const uint8_t *p, size_t n,
    uint64_t offset)
{
	struct b64 *b = state;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		/* Most of a line is whole blocks of the alphabet (tried where
		 * a run of it starts, not at each byte of garbage). */
		if (b->nacc == 0 && !b->padded && n - i >= 32 &&
		    b64_code[p[i]] - 1u < 64) {
			size_t room, k;
			if (B64_OUT - b->nout < 32 + 8 &&
			    (rc = lf_codec_flush(sink, b->out, &b->nout)) != 0)
				return rc;
			room = (B64_OUT - b->nout - 8) / 24 * 32;
			k = lf_b64_blocks(p + i, n - i < room ? n - i : room,
			    b->out + b->nout);
			b->nout += k / 32 * 24;
			i += k;
		}
		/* The rest of it: four at once. */
		while (b->nacc == 0 && !b->padded && n - i >= 4 &&
		    b->nout <= B64_OUT - 3) {
			uint32_t c0 = b64_code[p[i]], c1 = b64_code[p[i + 1]],
			         c2 = b64_code[p[i + 2]],
			         c3 = b64_code[p[i + 3]];
			/* Outside 1..64 (invalid 0 wraps round) stops it. */
			if (((c0 - 1) | (c1 - 1) | (c2 - 1) | (c3 - 1)) > 63)
				break;
			uint32_t v = (c0 - 1) << 18 | (c1 - 1) << 12 |
			    (c2 - 1) << 6 | (c3 - 1);
			b->out[b->nout++] = (uint8_t)(v >> 16);
			b->out[b->nout++] = (uint8_t)(v >> 8);
			b->out[b->nout++] = (uint8_t)v;
			i += 4;
		}
		if (i == n)
			break;
		uint8_t c = b64_code[p[i]];
		if (b->nout > B64_OUT - 3) {
			if ((rc = lf_codec_flush(sink, b->out, &b->nout)) != 0)
				return rc;
		}
		if (c >= 1 && c <= 64) {
			if (b->padded) {
				/* "QQ==QUJD": readers that go on decode the
				 * rest; so do we, and say so. */
				if ((rc = b64_report_once(b, sink,
				         &b->reported_after,
				         "base64.data-after-padding",
				         LF_SEV_MEDIUM, offset + i)) != 0)
					return rc;
				b->padded = false;
			}
			b->acc = b->acc << 6 | (uint32_t)(c - 1);
			if (++b->nacc == 4) {
				b->out[b->nout++] = (uint8_t)(b->acc >> 16);
				b->out[b->nout++] = (uint8_t)(b->acc >> 8);
				b->out[b->nout++] = (uint8_t)b->acc;
				b->acc = 0;
				b->nacc = 0;
			}
		} else if (c == B64_PAD) {
			if (b->padded && b->pads_left > 0) {
				b->pads_left--;
			} else if (b->padded || b->nacc < 2) {
				if ((rc = b64_report_once(b, sink,
				         &b->reported_pad,
				         "base64.misplaced-padding", LF_SEV_LOW,
				         offset + i)) != 0)
					return rc;
			} else {
				b->pads_left = b->nacc == 2 ? 1 : 0;
				b64_partial(b);
				b->padded = true;
			}
		} else if (c == B64_INVALID) {
			/* RFC 2045 6.8: ignored; a scanner should know. */
			if ((rc = b64_report_once(b, sink, &b->reported_bad,
			         "base64.bad-char", LF_SEV_MEDIUM,
			         offset + i)) != 0)
				return rc;
		}
	}
	rc = lf_codec_flush(sink, b->out, &b->nout);
	return rc;
}

static int
b64_finish(void *state, struct lf_codec_sink *sink, uint64_t offset)
{
	struct b64 *b = state;
	int rc;

	if (b->nacc == 1) {
		sink->anomaly(sink, "base64.truncated", LF_SEV_LOW, offset,
		    "a lone character at the end was dropped");
		b->nacc = 0;
	} else if (b->nacc > 1 || (b->padded && b->pads_left > 0)) {
		sink->anomaly(sink, "base64.missing-padding", LF_SEV_LOW,
		    offset, NULL);
		b64_partial(b);
	}
	rc = lf_codec_flush(sink, b->out, &b->nout);
	return rc;
}

const struct lf_codec_ops lf_codec_base64_ops = {sizeof(struct b64), b64_init,
    b64_feed, b64_finish};

/*
 * quoted-printable (RFC 2045 6.7): "=XX" is a byte; "=" then optional
 * blanks then a line break is a soft break; blanks at the end of a line
 * were possibly added in transport and are dropped.  A hard line break,
 * CRLF or a bare LF, decodes as CRLF: that is its canonical form (rule 4),
 * so a message stored with either line end gives the same bytes (mime4j
 * does the same; Python's email keeps the LF).  A "=" that starts none of
 * these is kept as it is, as the common readers do.
 */

#define QP_OUT 4096
#define QP_HELD 256

enum qp_state {
	QP_TEXT,   /* ordinary text; blanks may be held */
	QP_CR,     /* a CR is held: line break or data */
	QP_EQ,     /* "=" held */
	QP_EQ_HEX, /* "=" and a hex digit held */
	QP_EQ_WS,  /* "=" and blanks held: a soft break if a line break
		      follows */
	QP_EQ_CR,  /* "=", maybe blanks, and a CR held */
};

struct qp {
	enum qp_state state;
	uint8_t held[QP_HELD]; /* blanks, or the escape being read */
	size_t nheld;
	bool reported_bad, reported_blanks;
	uint8_t out[QP_OUT];
	size_t nout;
};

static int
qp_out(struct qp *q, struct lf_codec_sink *sink, const uint8_t *p, size_t n)
{
	size_t k;
	int rc;

	while (n > 0) {
		if (q->nout == QP_OUT) {
			if ((rc = lf_codec_flush(sink, q->out, &q->nout)) != 0)
				return rc;
		}
		k = n < QP_OUT - q->nout ? n : QP_OUT - q->nout;
		memcpy(q->out + q->nout, p, k);
		q->nout += k;
		p += k;
		n -= k;
	}
	return 0;
}

/* An anomaly, after what was decoded before it (see b64_report_once). */
static int
qp_report(struct qp *q, struct lf_codec_sink *sink, const char *code,
    enum lf_severity sev, uint64_t off)
{
	int rc = 0;

	if (q->nout > 0) {
		rc = lf_codec_flush(sink, q->out, &q->nout);
	}
	sink->anomaly(sink, code, sev, off, NULL);
	return rc;
}

/* Let the held bytes through as data. */
static int
qp_release(struct qp *q, struct lf_codec_sink *sink)
{
	int rc = qp_out(q, sink, q->held, q->nheld);

	q->nheld = 0;
	return rc;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
qp_init(void *state)
{
	(void)state;
}

static int
qp_bad_escape(struct qp *q, struct lf_codec_sink *sink, uint64_t off)
{
	int rc = 0;

	if (!q->reported_bad)
		rc = qp_report(q, sink, "qp.bad-escape", LF_SEV_LOW, off);
	q->reported_bad = true;
	q->state = QP_TEXT;
	return rc != 0 ? rc : qp_release(q, sink);
}

static int
qp_byte(struct qp *q, struct lf_codec_sink *sink, uint8_t c, uint64_t off)
{
	static const uint8_t crlf[] = "\r\n";
	int rc;

	switch (q->state) {
	case QP_TEXT:
		break;
	case QP_CR:
		if (c == '\n') {
			if (q->nheld > 1 && !q->reported_blanks) {
				q->reported_blanks = true;
				if ((rc = qp_report(q, sink,
				         "qp.trailing-blanks", LF_SEV_INFO,
				         off)) != 0)
					return rc;
			}
			q->nheld = 0;
			q->state = QP_TEXT;
			return qp_out(q, sink, crlf, 2);
		}
		q->state = QP_TEXT; /* a bare CR is data */
		if ((rc = qp_release(q, sink)) != 0)
			return rc;
		break;
	case QP_EQ:
		if (hexval(c) >= 0) {
			q->held[q->nheld++] = c;
			q->state = QP_EQ_HEX;
			return 0;
		}
		if (c == ' ' || c == '\t') {
			q->held[q->nheld++] = c;
			q->state = QP_EQ_WS;
			return 0;
		}
		if (c == '\r') {
			q->held[q->nheld++] = c;
			q->state = QP_EQ_CR;
			return 0;
		}
		if (c == '\n') { /* soft break */
			q->nheld = 0;
			q->state = QP_TEXT;
			return 0;
		}
		if ((rc = qp_bad_escape(q, sink, off)) != 0)
			return rc;
		break;
	case QP_EQ_HEX:
		if (hexval(c) >= 0) {
			uint8_t v =
			    (uint8_t)(hexval(q->held[1]) << 4 | hexval(c));
			q->nheld = 0;
			q->state = QP_TEXT;
			return qp_out(q, sink, &v, 1);
		}
		if ((rc = qp_bad_escape(q, sink, off)) != 0)
			return rc;
		break;
	case QP_EQ_WS:
		if ((c == ' ' || c == '\t') && q->nheld < QP_HELD) {
			q->held[q->nheld++] = c;
			return 0;
		}
		if (c == '\r' && q->nheld < QP_HELD) {
			q->held[q->nheld++] = c;
			q->state = QP_EQ_CR;
			return 0;
		}
		if (c == '\n') {
			q->nheld = 0;
			q->state = QP_TEXT;
			return 0;
		}
		if ((rc = qp_bad_escape(q, sink, off)) != 0)
			return rc;
		break;
	case QP_EQ_CR:
		if (c == '\n') {
			q->nheld = 0;
			q->state = QP_TEXT;
			return 0;
		}
		if ((rc = qp_bad_escape(q, sink, off)) != 0)
			return rc;
		break;
	}
	/* QP_TEXT */
	switch (c) {
	case '=':
		if ((rc = qp_release(q, sink)) != 0)
			return rc;
		q->held[q->nheld++] = c;
		q->state = QP_EQ;
		return 0;
	case ' ':
	case '\t':
		if (q->nheld == QP_HELD && (rc = qp_release(q, sink)) != 0)
			return rc;
		q->held[q->nheld++] = c;
		return 0;
	case '\r':
		if (q->nheld == QP_HELD && (rc = qp_release(q, sink)) != 0)
			return rc;
		q->held[q->nheld++] = c;
		q->state = QP_CR;
		return 0;
	case '\n':
		if (q->nheld > 0 && !q->reported_blanks) {
			q->reported_blanks = true;
			if ((rc = qp_report(q, sink, "qp.trailing-blanks",
			         LF_SEV_INFO, off)) != 0)
				return rc;
		}
		q->nheld = 0;
		return qp_out(q, sink, crlf, 2);
	default:
		if ((rc = qp_release(q, sink)) != 0)
			return rc;
		return qp_out(q, sink, &c, 1);
	}
}

/*
 * How many bytes from p decode as themselves with nothing held: neither
 * '=' nor a line end, and blanks only where a literal follows them in p
 * (a blank before a line end may be transport padding, so qp_byte judges
 * it).  The rest goes through qp_byte one at a time.
 */
/* A byte that stands for itself wherever it is. */
static bool
qp_plain(uint8_t c)
{
	return c != '=' && c != '\r' && c != '\n' && c != ' ' && c != '\t';
}

static size_t
qp_literal_run(const struct qp *q, const uint8_t *p, size_t n)
{
	size_t j;

	if (q->state != QP_TEXT || q->nheld > 0)
		return 0;
	for (j = lf_qp_run(p, n); j < n; j++) {
		if (qp_plain(p[j]))
			continue;
		if ((p[j] == ' ' || p[j] == '\t') && j + 1 < n &&
		    qp_plain(p[j + 1]))
			continue;
		break;
	}
	return j;
}

static int
qp_feed(void *state, struct lf_codec_sink *sink, const uint8_t *p, size_t n,
    uint64_t offset)
{
	struct qp *q = state;
	size_t i;
	int rc;

	for (i = 0; i < n;) {
		size_t run = qp_literal_run(q, p + i, n - i);

		if (run > 0) {
			if ((rc = qp_out(q, sink, p + i, run)) != 0)
				return rc;
			i += run;
			continue;
		}
		if ((rc = qp_byte(q, sink, p[i], offset + i)) != 0)
			return rc;
		i++;
	}
	rc = lf_codec_flush(sink, q->out, &q->nout);
	return rc;
}

static int
qp_finish(void *state, struct lf_codec_sink *sink, uint64_t offset)
{
	struct qp *q = state;
	int rc = 0;

	switch (q->state) {
	case QP_TEXT: /* trailing blanks at the very end: dropped */
	case QP_EQ:   /* "=" at the very end: a soft break */
	case QP_EQ_WS:
		break;
	case QP_CR: /* a final bare CR is data */
		rc = qp_out(q, sink, (const uint8_t *)"\r", 1);
		break;
	case QP_EQ_HEX:
	case QP_EQ_CR:
		rc = qp_bad_escape(q, sink, offset);
		break;
	}
	q->nheld = 0;
	q->state = QP_TEXT;
	if (rc == 0)
		rc = sink->emit(sink, LF_CODEC_MAIN, q->out, q->nout);
	q->nout = 0;
	return rc;
}

const struct lf_codec_ops lf_codec_qp_ops = {sizeof(struct qp), qp_init,
    qp_feed, qp_finish};
