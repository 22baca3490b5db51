/*
 * lf_mbox.c: streaming mbox splitter.
 *
 * The splitter sees the mbox in pieces of any size and never holds a
 * message: it passes bytes on as soon as it knows what they are.  It
 * keeps only the head of the current line, when that head decides
 * something (a "From " line is a separator or not, ">From " is unquoted
 * or not, a blank line ends a header block, a Content-Length header), the
 * one blank line that may turn out to be the mbox's rather than the
 * message's, and after a Content-Length body the few bytes that show
 * whether the length was right.  Every decision depends on the bytes
 * alone, never on how they were cut into pieces.
 *
 * Rules, and why:
 *
 * - A separator is a line "From " sender date (a month name, a time and a
 *   4-digit year among the words after the sender), at most FROM_MAX
 *   bytes long, at the start of the file or after an empty line (RFC
 *   4155 section 2 and mbox(5): each message ends with a blank line).
 *   The blank line before it is the mbox's: a message handed on ends with
 *   its own last line end.  The last blank line before the end of the
 *   file is stripped the same way, since writers end every message so.
 *
 * - Writers that leave the date out: after an empty line, "From " and a
 *   single word is a separator too ("From 1844...@xxx"; prose has more
 *   words: "From time to time" stays in the message).  "From -", which
 *   Netscape and Mozilla write (and they quote every "From " of a body),
 *   is a separator even without the empty line, as GMime and MimeKit
 *   read it.  A line at offset 0 that starts with "From " (and is not an
 *   obsolete "From :" header) is always one: nothing else starts an mbox.
 *   "mbox.odd-from-line" records each of these.
 *
 * - Unquoting: ">From " loses its '>' in every variant but cl2; ">>From "
 *   and deeper lose one '>' in mboxrd and in AUTO, not in mboxo and mboxcl
 *   (only mboxrd writes them).
 *
 * - Content-Length (AUTO, CL, CL2): the body is counted in mbox bytes
 *   from just after the empty line that ends the header block.  When the
 *   count runs out the splitter checks, without buffering the body, what
 *   follows: the end of the file, or an optional line end and a From_
 *   line, or any "From " line, since the length and the line start agree
 *   ("From -" with no date: "mbox.odd-from-line").  Then the message ends
 *   exactly there (its last line may lack a line end: the line end that
 *   follows is the mbox's, as MimeKit's offsets also count it).  Anything
 *   else: "mbox.content-length-mismatch", and the message goes on under
 *   the "From " rules, the checked bytes being read again under them.
 *
 * - A separator inside a counted body, before the announced end: bytes
 *   already handed on cannot be taken back, so it is decided on the spot.
 *   With CL or CL2 asked for, or in AUTO once the last message that had a
 *   Content-Length ended exactly by it ("proven"), the length wins and the
 *   line is content ("mbox.separator-in-body").  Otherwise the length is
 *   taken as unreliable and the separator wins
 *   ("mbox.content-length-mismatch").
 *
 * - Inside a counted body "From " lines are content and raise nothing:
 *   mboxcl2 does not quote them.
 *
 * - Bytes before the first separator: a message of their own, offset 0,
 *   empty from_line, "mbox.leading-data"; only blank lines there are
 *   dropped ("mbox.leading-blank-lines"), up to LEAD_MAX bytes of them.
 *
 * - lf_mbox_format_seen: CL when a message ended by its Content-Length
 *   and such a message held a ">+From " line, CL2 when none did; else RD
 *   once a ">>From " line was seen; else O.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <immintrin.h>
#endif

#include "lf/mbox.h"

/* Longest "From " line that may be a separator, without its line end. */
#define FROM_MAX 4096
/* Line head kept: a whole From_ line and its line end. */
#define HEAD_MAX (FROM_MAX + 2)
/* Longest Content-Length header line read. */
#define CLH_MAX 256
/* Leading blank lines held back before they are known to be data. */
#define LEAD_MAX 4096
/* After a counted body: a line end and a From_ line with its line end. */
#define TAIL_MAX (2 + FROM_MAX + 2)

enum line_state {
	L_BOL,  /* at the start of a line */
	L_HEAD, /* keeping the line's head until it decides */
	L_PASS  /* the rest of an ordinary line: passed straight on */
};

enum tail_state {
	T_START, /* right at the announced end */
	T_CR,    /* after a CR there */
	T_LINE   /* in the line that must be a separator */
};

struct lf_mbox {
	struct lf_mbox_handler h;
	void *arg;
	lf_anomaly_fn anomaly;
	void *anomaly_arg;
	enum lf_mbox_format format;

	uint64_t pos; /* mbox offset of the next byte */
	int stopped;  /* what a handler returned to stop, else 0 */
	bool finished;
	bool last_nl; /* the last byte seen was '\n' */

	/* The current message. */
	bool in_msg;     /* begin called, end not yet */
	bool in_headers; /* in the header block of a From_ message */
	bool quoted;     /* a ">+From " line was seen in it */
	int cl_count;    /* Content-Length headers seen */
	bool cl_bad;
	uint64_t cl_value;
	bool cl_body; /* counting the body by its length */
	uint64_t cl_left;

	/* The check after a counted body. */
	bool tail;
	enum tail_state tstate;
	bool tail_mid; /* the body ended inside a line */
	uint64_t tail_off;
	size_t tail_len, tail_line;
	uint8_t tail_buf[TAIL_MAX];

	/* The current line. */
	enum line_state lstate;
	uint64_t line_off;
	bool after_blank; /* the line follows an empty line or the start */
	uint64_t gt;      /* leading '>' of the line, not kept in head */
	size_t head_len;
	uint8_t head[HEAD_MAX];

	/* An empty line that may be the mbox's. */
	bool blank;
	uint8_t blank_len;
	uint64_t blank_off;

	/* Blank lines before anything else. */
	size_t lead_len;
	uint8_t lead[LEAD_MAX];

	/* What was seen. */
	bool cl_proven;
	bool rd_seen;
	bool cl_quoted;
	uint64_t cl_msgs;
};

static const uint8_t gt_run[64] = {'>', '>', '>', '>', '>', '>', '>', '>', '>',
    '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>',
    '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>',
    '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>',
    '>', '>', '>', '>', '>', '>', '>', '>', '>', '>'};

static int mbox_run(struct lf_mbox *m, const uint8_t *p, size_t n);

/* A byte a line of note starts with: a separator, a quoted one, a blank
 * line. */
static bool
notable(uint8_t c)
{
	return c == 'F' || c == '>' || c == '\n' || c == '\r';
}

/*
 * The first line end in p[k..n) followed by a line of note, or by the end
 * of p; NULL when there is none.  Bodies are mostly lines of 76 bytes, so
 * the line ends are found 16 bytes at a time, not with a call a line.
 */
#ifdef __SSE2__
/* The same, 32 bytes at a time, where the processor has AVX2. */
__attribute__((target("avx2"))) static const uint8_t *
notable_end_avx2(const uint8_t *p, size_t n, size_t k)
{
	const __m256i lf = _mm256_set1_epi8('\n');

	for (; n - k >= 32; k += 32) {
		unsigned mask = (unsigned)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(_mm256_loadu_si256(
		                          (const __m256i *)(const void *)(p +
		                              k)),
		        lf));
		for (; mask != 0; mask &= mask - 1) {
			size_t e = k + (size_t)__builtin_ctz(mask);
			if (e + 1 == n || notable(p[e + 1]))
				return p + e;
		}
	}
	for (; k < n; k++) {
		if (p[k] == '\n' && (k + 1 == n || notable(p[k + 1])))
			return p + k;
	}
	return NULL;
}
#endif

static const uint8_t *
notable_end(const uint8_t *p, size_t n, size_t k)
{
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n');

	if (__builtin_cpu_supports("avx2"))
		return notable_end_avx2(p, n, k);

	for (; n - k >= 16; k += 16) {
		unsigned mask = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128(
		                       (const __m128i *)(const void *)(p + k)),
		        lf));
		for (; mask != 0; mask &= mask - 1) {
			size_t e = k + (size_t)__builtin_ctz(mask);
			if (e + 1 == n || notable(p[e + 1]))
				return p + e;
		}
	}
#endif
	for (; k < n; k++) {
		if (p[k] == '\n' && (k + 1 == n || notable(p[k + 1])))
			return p + k;
	}
	return NULL;
}

/*
 * Past the line that ends at p[k - 1], the lines that start with a byte no
 * separator, quoted separator or blank line starts with, in a message's
 * body: line_byte would pass each on unchanged, so they go on with it, in
 * one emit instead of one a line.  Returns the new length, and *nl the
 * last line end it holds (NULL when the last line goes on past p[n - 1]).
 */
static size_t
plain_lines(const uint8_t *p, size_t n, size_t k, const uint8_t **nl)
{
	const uint8_t *e;

	if (k == n || notable(p[k]))
		return k;
	if ((e = notable_end(p, n, k)) == NULL) {
		*nl = NULL;
		return n;
	}
	*nl = e;
	return (size_t)(e - p) + 1;
}

static void
report(struct lf_mbox *m, const char *code, enum lf_severity sev, uint64_t off,
    const char *detail)
{
	struct lf_anomaly a;

	if (m->anomaly == NULL)
		return;
	a.code = code;
	a.severity = sev;
	a.offset = off;
	a.detail = detail;
	m->anomaly(m->anomaly_arg, &a);
}

/* Record a handler's stop value; 0 means go on. */
static int
stop(struct lf_mbox *m, int rc)
{
	if (rc != 0)
		m->stopped = rc;
	return rc;
}

static int
emit(struct lf_mbox *m, const uint8_t *p, size_t n)
{
	if (n == 0 || !m->in_msg || m->h.data == NULL)
		return 0;
	return stop(m, m->h.data(m->arg, p, n));
}

static int
emit_gt(struct lf_mbox *m, uint64_t count)
{
	size_t k;
	int rc;

	while (count > 0) {
		k = count > sizeof(gt_run) ? sizeof(gt_run) : (size_t)count;
		if ((rc = emit(m, gt_run, k)) != 0)
			return rc;
		count -= k;
	}
	return 0;
}

static int
msg_begin(struct lf_mbox *m, uint64_t off, const uint8_t *line, size_t n,
    bool headers)
{
	m->in_msg = true;
	m->in_headers = headers;
	m->quoted = false;
	m->cl_count = 0;
	m->cl_bad = false;
	m->cl_value = 0;
	m->cl_body = false;
	m->cl_left = 0;
	if (m->h.begin == NULL)
		return 0;
	return stop(m, m->h.begin(m->arg, off, line, n));
}

static int
msg_end(struct lf_mbox *m, uint64_t end)
{
	m->in_msg = false;
	m->blank = false;
	if (m->h.end == NULL)
		return 0;
	return stop(m, m->h.end(m->arg, end));
}

/* Hand on the blank line held back: it was the message's after all. */
static int
flush_blank(struct lf_mbox *m)
{
	static const uint8_t crlf[2] = {'\r', '\n'};

	if (!m->blank)
		return 0;
	m->blank = false;
	return emit(m, m->blank_len == 2 ? crlf : crlf + 1, m->blank_len);
}

static bool
prefix_ci(const uint8_t *p, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\0'; i++) {
		uint8_t c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + ('a' - 'A'));
		if (c != (uint8_t)s[i])
			return false;
	}
	return true;
}

static bool
is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* A word is a month abbreviation, in any case. */
static bool
word_is_month(const uint8_t *w, size_t n)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	size_t k;

	if (n != 3)
		return false;
	for (k = 0; k < 36; k += 3)
		if (prefix_ci(w, 3, months + k))
			return true;
	return false;
}

/* H:MM or HH:MM, optionally :SS, in range. */
static bool
word_is_time(const uint8_t *w, size_t n)
{
	size_t h = (n >= 2 && w[1] == ':') ? 1 : 2;

	if (n != h + 3 && n != h + 6)
		return false;
	if (!is_digit(w[0]) || (h == 2 && !is_digit(w[1])) || w[h] != ':' ||
	    !is_digit(w[h + 1]) || !is_digit(w[h + 2]))
		return false;
	if ((h == 2 && (w[0] - '0') * 10 + (w[1] - '0') > 23) || w[h + 1] > '5')
		return false;
	if (n == h + 6 &&
	    (w[h + 3] != ':' || !is_digit(w[h + 4]) || !is_digit(w[h + 5]) ||
	        w[h + 4] > '6'))
		return false;
	return true;
}

static bool
word_is_year(const uint8_t *w, size_t n)
{
	return n == 4 && is_digit(w[0]) && is_digit(w[1]) && is_digit(w[2]) &&
	    is_digit(w[3]);
}

/*
 * Does the line (without its line end) look like a From_ line: "From ",
 * a sender, and among the words after it a month name, a time and a
 * 4-digit year?  The order is free: asctime puts the year last, Gmail
 * puts a zone before it, some tools write RFC 5322 dates.
 */
static bool
looks_like_from(const uint8_t *p, size_t n)
{
	bool month = false, time = false, year = false;
	size_t i = 5, start;

	if (n < 5 || memcmp(p, "From ", 5) != 0 || n > FROM_MAX)
		return false;
	while (i < n && is_space(p[i]))
		i++;
	if (i == n)
		return false;
	while (i < n && !is_space(p[i]))
		i++; /* the sender */
	while (i < n) {
		while (i < n && (is_space(p[i]) || p[i] == ','))
			i++;
		start = i;
		while (i < n && !is_space(p[i]) && p[i] != ',')
			i++;
		if (i == start)
			break;
		month |= word_is_month(p + start, i - start);
		time |= word_is_time(p + start, i - start);
		year |= word_is_year(p + start, i - start);
	}
	return month && time && year;
}

/*
 * "From " and one word, nothing else: a From_ line whose writer left the
 * date out ("From 1844...@xxx"; Netscape's "From - ").  Prose has more
 * words ("From time to time").
 */
static bool
sender_only(const uint8_t *p, size_t n)
{
	size_t i = 5;

	if (n < 6 || memcmp(p, "From ", 5) != 0 || n > FROM_MAX)
		return false;
	if (is_space(p[i]))
		return false;
	while (i < n && !is_space(p[i]))
		i++;
	while (i < n && is_space(p[i]))
		i++;
	return i == n;
}

/* "From - ", with or without a date: what Netscape and Mozilla write,
 * and they quote every "From " of a body. */
static bool
mozilla_from(const uint8_t *p, size_t n)
{
	return n >= 6 && memcmp(p, "From -", 6) == 0 &&
	    (n == 6 || is_space(p[6])) && n <= FROM_MAX;
}

/* "From" WSP* ":" is an obsolete From header, not a From_ line. */
static bool
is_from_header(const uint8_t *p, size_t n)
{
	size_t i = 4;

	while (i < n && is_space(p[i]))
		i++;
	return i < n && p[i] == ':';
}

/* Should a line with gt '>' before "From " lose one? */
static bool
unquote_this(const struct lf_mbox *m, uint64_t gt)
{
	switch (m->format) {
	case LF_MBOX_O:
	case LF_MBOX_CL:
		return gt == 1;
	case LF_MBOX_CL2:
		return false;
	default:
		return true;
	}
}

static bool
cl_applies(const struct lf_mbox *m)
{
	return m->format == LF_MBOX_AUTO || m->format == LF_MBOX_CL ||
	    m->format == LF_MBOX_CL2;
}

static bool
cl_trusted(const struct lf_mbox *m)
{
	return m->format == LF_MBOX_CL || m->format == LF_MBOX_CL2 ||
	    m->cl_proven;
}

/* Read "Content-Length: 123" from a complete header line. */
static void
parse_content_length(struct lf_mbox *m, const uint8_t *p, size_t n, bool whole)
{
	uint64_t v = 0;
	size_t i = 15, digits = 0;

	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	while (i < n && is_space(p[i]))
		i++;
	while (i < n && is_digit(p[i]) && digits < 19) {
		v = v * 10 + (uint64_t)(p[i] - '0');
		digits++;
		i++;
	}
	while (i < n && is_space(p[i]))
		i++;
	m->cl_count++;
	if (!whole || digits == 0 || digits > 18 || i != n) {
		m->cl_bad = true;
		report(m, "mbox.bad-content-length", LF_SEV_LOW, m->line_off,
		    "Content-Length is not a number; ignored");
	} else if (m->cl_count > 1 && v != m->cl_value) {
		m->cl_bad = true;
		report(m, "mbox.bad-content-length", LF_SEV_LOW, m->line_off,
		    "Content-Length given twice with different values; "
		    "ignored");
	} else {
		m->cl_value = v;
	}
}

/* The first content of the file that is not a separator. */
static int
start_leading(struct lf_mbox *m)
{
	int rc;

	report(m, "mbox.leading-data", LF_SEV_MEDIUM, 0,
	    "data before the first From_ line, handed on as a message");
	if ((rc = msg_begin(m, 0, (const uint8_t *)"", 0, false)) != 0)
		return rc;
	rc = emit(m, m->lead, m->lead_len);
	m->lead_len = 0;
	return rc;
}

/*
 * The line's head is ordinary content: hand on the blank line held back,
 * the '>'s (one fewer when unquoting) and the head.
 */
static int
head_content(struct lf_mbox *m, bool quoted_from)
{
	uint64_t gt = m->gt;
	int rc;

	if (!m->in_msg && (rc = start_leading(m)) != 0)
		return rc;
	if ((rc = flush_blank(m)) != 0)
		return rc;
	if (quoted_from) {
		m->quoted = true;
		if (gt >= 2)
			m->rd_seen = true;
		if (unquote_this(m, gt))
			gt--;
	}
	if ((rc = emit_gt(m, gt)) != 0)
		return rc;
	rc = emit(m, m->head, m->head_len);
	m->after_blank = false;
	if (m->head_len > 0 && m->head[m->head_len - 1] == '\n')
		m->lstate = L_BOL;
	else
		m->lstate = L_PASS;
	m->gt = 0;
	m->head_len = 0;
	return rc;
}

static int
blank_line(struct lf_mbox *m, uint8_t len)
{
	int rc;

	m->lstate = L_BOL;
	m->head_len = 0;
	m->gt = 0;
	if (!m->in_msg) {
		if (m->lead_len + len <= sizeof(m->lead)) {
			memcpy(m->lead + m->lead_len, len == 2 ? "\r\n" : "\n",
			    len);
			m->lead_len += len;
			m->after_blank = true;
			return 0;
		}
		/* Too many to hold back: they are data. */
		if ((rc = start_leading(m)) != 0)
			return rc;
	}
	if ((rc = flush_blank(m)) != 0)
		return rc;
	m->blank = true;
	m->blank_len = len;
	m->blank_off = m->line_off;
	m->after_blank = true;
	if (m->in_headers) {
		m->in_headers = false;
		if (cl_applies(m) && m->cl_count > 0 && !m->cl_bad) {
			m->cl_body = true;
			m->cl_left = m->cl_value;
		}
	}
	return 0;
}

/* A complete line starting with "From " (line end stripped) decides. */
static int
from_line(struct lf_mbox *m, const uint8_t *line, size_t n)
{
	bool looks = looks_like_from(line, n);
	bool first =
	    m->line_off == 0 && n <= FROM_MAX && !is_from_header(line, n);
	bool counted = m->in_msg && m->cl_body;
	/* Inside a counted body, only a real From_ line may end it early. */
	bool moz = !counted && mozilla_from(line, n);
	bool odd = !looks && !counted && (sender_only(line, n) || moz);
	bool blank = m->after_blank;
	int rc;

	if (((looks || odd) && blank) || first || moz) {
		if (counted && cl_trusted(m)) {
			report(m, "mbox.separator-in-body", LF_SEV_MEDIUM,
			    m->line_off,
			    "From_ line inside a body counted by "
			    "Content-Length: kept as content");
			return head_content(m, false);
		}
		if (counted)
			report(m, "mbox.content-length-mismatch", LF_SEV_MEDIUM,
			    m->line_off,
			    "a From_ line comes before the end announced by "
			    "Content-Length: split there");
		if (m->in_msg) {
			m->cl_proven = m->cl_proven && !counted;
			if ((rc = msg_end(m,
			         m->blank ? m->blank_off : m->line_off)) != 0)
				return rc;
		} else if (m->lead_len > 0) {
			report(m, "mbox.leading-blank-lines", LF_SEV_INFO, 0,
			    "blank lines before the first From_ line dropped");
			m->lead_len = 0;
		}
		if (!first && (!looks || !blank))
			report(m, "mbox.odd-from-line", LF_SEV_LOW, m->line_off,
			    "a \"From \" line without a date, or without "
			    "the empty line before it: taken as a separator");
		else if (first && !looks)
			report(m, "mbox.odd-from-line", LF_SEV_LOW, 0,
			    "the first line has no date: taken as the "
			    "separator");
		m->lstate = L_BOL;
		m->head_len = 0;
		m->gt = 0;
		m->after_blank = false;
		return msg_begin(m, m->line_off, line, n, true);
	}
	if (!counted) {
		if (looks)
			report(m, "mbox.separator-without-blank", LF_SEV_MEDIUM,
			    m->line_off,
			    "From_ line not after an empty line: kept in the "
			    "message");
		else
			report(m, "mbox.unquoted-from", LF_SEV_INFO,
			    m->line_off,
			    "unquoted \"From \" line kept in the message");
	}
	return head_content(m, false);
}

/*
 * Is s[0..n) a prefix of "From "?  Asked at every line start, so a loop
 * that the first byte usually ends rather than a call to memcmp.
 */
static bool
from_prefix(const uint8_t *s, size_t n)
{
	static const char from[] = "From ";
	size_t i;

	if (n > 5)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] != (uint8_t)from[i])
			return false;
	return true;
}

/*
 * The head has grown by one byte (or the line ended with the file when
 * final): decide what the line is if the head now tells.
 */
static int
head_step(struct lf_mbox *m, bool final)
{
	const uint8_t *h = m->head;
	size_t n = m->head_len, len;
	bool nl = n > 0 && h[n - 1] == '\n';

	if (m->gt > 0) {
		if (n < 5 && from_prefix(h, n) && !final)
			return 0;
		return head_content(m, n >= 5 && memcmp(h, "From ", 5) == 0);
	}
	if (n == 1 && h[0] == '\n')
		return blank_line(m, 1);
	if (n == 2 && h[0] == '\r' && h[1] == '\n')
		return blank_line(m, 2);
	if (n == 1 && h[0] == '\r' && !final)
		return 0;
	if (n >= 5 && memcmp(h, "From ", 5) == 0) {
		if (nl || final) {
			len = n - (nl ? 1 : 0);
			if (len > 0 && h[len - 1] == '\r' && nl)
				len--;
			return from_line(m, h, len);
		}
		/* Wait for the line end, CRLF included, up to FROM_MAX. */
		if (n <= FROM_MAX || (n == FROM_MAX + 1 && h[n - 1] == '\r'))
			return 0;
		if (!(m->in_msg && m->cl_body))
			report(m, "mbox.long-from-line", LF_SEV_LOW,
			    m->line_off,
			    "\"From \" line too long to be a separator");
		return head_content(m, false);
	}
	if (from_prefix(h, n) && !final)
		return 0;
	if (m->in_headers && cl_applies(m)) {
		if (n < 15 && prefix_ci(h, n, "content-length:") && !final)
			return 0;
		if (n >= 15 && prefix_ci(h, 15, "content-length:")) {
			if (!nl && !final && n < CLH_MAX)
				return 0;
			parse_content_length(m, h, n, nl || final);
		}
	}
	return head_content(m, false);
}

static void
enter_tail(struct lf_mbox *m)
{
	m->tail = true;
	m->tstate = T_START;
	m->tail_mid = m->lstate != L_BOL;
	m->tail_off = m->pos;
	m->tail_len = 0;
	m->tail_line = 0;
}

/*
 * The counted body ended and what follows confirms it: finish the line in
 * hand as content, end the message at the announced end and, when a
 * From_ line follows, begin the next.
 */
static int
tail_ok(struct lf_mbox *m, const uint8_t *line, size_t n, uint64_t off)
{
	int rc;

	m->tail = false;
	m->cl_body = false;
	if ((rc = flush_blank(m)) != 0)
		return rc;
	if (m->gt > 0 || m->head_len > 0) {
		bool q = m->head_len >= 5 && memcmp(m->head, "From ", 5) == 0 &&
		    m->gt > 0;
		if ((rc = head_content(m, q)) != 0)
			return rc;
	}
	m->lstate = L_BOL;
	m->after_blank = false;
	m->cl_msgs++;
	m->cl_proven = true;
	if (m->quoted)
		m->cl_quoted = true;
	if ((rc = msg_end(m, m->tail_off)) != 0)
		return rc;
	if (line == NULL)
		return 0;
	return msg_begin(m, off, line, n, true);
}

/* It does not: read the held bytes again as an ordinary message. */
static int
tail_fail(struct lf_mbox *m)
{
	size_t n = m->tail_len;

	report(m, "mbox.content-length-mismatch", LF_SEV_MEDIUM, m->tail_off,
	    "no From_ line where Content-Length says the message ends");
	m->tail = false;
	m->cl_body = false;
	m->cl_proven = false;
	m->pos = m->tail_off;
	/* The ordinary rules never enter the check, so tail_buf stays. */
	return mbox_run(m, m->tail_buf, n);
}

/*
 * The line at the announced end, k bytes without its line end.  A From_
 * line confirms the length; so does any "From " line, as the length and
 * the line start agree, which lets "From -" (Netscape, Thunderbird)
 * separate messages there.
 */
static int
tail_line(struct lf_mbox *m, size_t k)
{
	const uint8_t *line = m->tail_buf + m->tail_line;
	uint64_t off = m->tail_off + m->tail_line;

	if (looks_like_from(line, k))
		return tail_ok(m, line, k, off);
	if (k < 5 || k > FROM_MAX || memcmp(line, "From ", 5) != 0 ||
	    is_from_header(line, k))
		return tail_fail(m);
	report(m, "mbox.odd-from-line", LF_SEV_LOW, off,
	    "\"From \" line without a date, taken as the separator where "
	    "Content-Length says the message ends");
	return tail_ok(m, line, k, off);
}

static int
tail_byte(struct lf_mbox *m, uint8_t b)
{
	size_t k;

	m->tail_buf[m->tail_len++] = b;
	m->pos++;
	switch (m->tstate) {
	case T_START:
		if (b == '\n') {
			m->tstate = T_LINE;
			m->tail_line = m->tail_len;
		} else if (b == '\r') {
			m->tstate = T_CR;
		} else if (b == 'F' && !m->tail_mid) {
			m->tstate = T_LINE;
			m->tail_line = 0;
		} else {
			return tail_fail(m);
		}
		return 0;
	case T_CR:
		if (b != '\n')
			return tail_fail(m);
		m->tstate = T_LINE;
		m->tail_line = m->tail_len;
		return 0;
	case T_LINE:
		k = m->tail_len - m->tail_line;
		if (b == '\n') {
			k--;
			if (k > 0 && m->tail_buf[m->tail_line + k - 1] == '\r')
				k--;
			return tail_line(m, k);
		}
		if (!from_prefix(m->tail_buf + m->tail_line, k) && k <= 5)
			return tail_fail(m);
		if (k > FROM_MAX + 1)
			return tail_fail(m);
		return 0;
	}
	return 0;
}

/* The file ends during the check. */
static int
tail_eof(struct lf_mbox *m)
{
	size_t k = m->tail_len - m->tail_line;

	switch (m->tstate) {
	case T_START:
		return tail_ok(m, NULL, 0, 0);
	case T_CR:
		return tail_fail(m);
	case T_LINE:
		if (k == 0)
			return tail_ok(m, NULL, 0, 0);
		return tail_line(m, k);
	}
	return 0;
}

/* One byte at the start or in the head of a line. */
static int
line_byte(struct lf_mbox *m, uint8_t b)
{
	if (m->lstate == L_BOL) {
		m->lstate = L_HEAD;
		m->line_off = m->pos;
		m->gt = 0;
		m->head_len = 0;
	}
	m->pos++;
	if (m->cl_body)
		m->cl_left--;
	if (b == '>' && m->head_len == 0) {
		m->gt++;
		return 0;
	}
	m->head[m->head_len++] = b;
	return head_step(m, false);
}

static int
mbox_run(struct lf_mbox *m, const uint8_t *p, size_t n)
{
	const uint8_t *nl;
	size_t i = 0, k;
	int rc;

	while (i < n) {
		if (m->tail) {
			if ((rc = tail_byte(m, p[i++])) != 0)
				return rc;
			continue;
		}
		if (m->lstate == L_PASS) {
			k = n - i;
			if (m->cl_body && k > m->cl_left)
				k = (size_t)m->cl_left;
			if ((nl = memchr(p + i, '\n', k)) != NULL)
				k = (size_t)(nl - (p + i)) + 1;
			if (nl != NULL && m->in_msg && !m->in_headers &&
			    !m->cl_body)
				k = plain_lines(p + i, n - i, k, &nl);
			rc = emit(m, p + i, k);
			m->pos += k;
			i += k;
			if (m->cl_body)
				m->cl_left -= k;
			if (nl != NULL) {
				m->lstate = L_BOL;
				m->after_blank = false;
			}
		} else {
			rc = line_byte(m, p[i++]);
		}
		if (rc != 0)
			return rc;
		if (m->cl_body && m->cl_left == 0 && m->in_msg)
			enter_tail(m);
	}
	return 0;
}

int
lf_mbox_new(enum lf_mbox_format format, const struct lf_mbox_handler *handler,
    void *arg, lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_mbox **out,
    struct lf_error *err)
{
	struct lf_mbox *m;

	if (out == NULL || handler == NULL || (int)format < LF_MBOX_AUTO ||
	    (int)format > LF_MBOX_CL2)
		return lf_error_set(err, LF_E_INVAL, "mbox: bad arguments");
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return lf_error_set(err, LF_E_NOMEM,
		    "mbox: cannot allocate the splitter");
	m->h = *handler;
	m->arg = arg;
	m->anomaly = anomaly;
	m->anomaly_arg = anomaly_arg;
	m->format = format;
	m->lstate = L_BOL;
	m->after_blank = true;
	*out = m;
	return LF_OK;
}

int
lf_mbox_feed(struct lf_mbox *m, const uint8_t *p, size_t n)
{
	int rc;

	if (m->stopped != 0)
		return m->stopped;
	if (m->finished || n == 0)
		return LF_OK;
	if ((rc = mbox_run(m, p, n)) != 0)
		return rc;
	m->last_nl = p[n - 1] == '\n';
	return LF_OK;
}

int
lf_mbox_finish(struct lf_mbox *m)
{
	int rc;

	if (m->stopped != 0)
		return m->stopped;
	if (m->finished)
		return LF_OK;
	if (m->tail && (rc = tail_eof(m)) != 0)
		return rc;
	/* A replay after a failed check may have left a line in hand. */
	if (m->lstate == L_HEAD && (rc = head_step(m, true)) != 0)
		return rc;
	if (m->pos > 0 && !m->last_nl)
		report(m, "mbox.no-final-newline", LF_SEV_INFO, m->pos,
		    "the mbox does not end with a line end");
	if (m->in_msg) {
		if (m->cl_body && m->cl_left > 0)
			report(m, "mbox.content-length-mismatch", LF_SEV_MEDIUM,
			    m->pos,
			    "the mbox ends before the end announced by "
			    "Content-Length");
		if ((rc = msg_end(m, m->blank ? m->blank_off : m->pos)) != 0)
			return rc;
	} else if (m->lead_len > 0) {
		report(m, "mbox.leading-blank-lines", LF_SEV_INFO, 0,
		    "the mbox holds only blank lines");
	}
	m->finished = true;
	return LF_OK;
}

enum lf_mbox_format
lf_mbox_format_seen(const struct lf_mbox *m)
{
	if (m->cl_msgs > 0)
		return m->cl_quoted ? LF_MBOX_CL : LF_MBOX_CL2;
	return m->rd_seen ? LF_MBOX_RD : LF_MBOX_O;
}

const char *
lf_mbox_format_name(enum lf_mbox_format f)
{
	switch (f) {
	case LF_MBOX_AUTO:
		return "auto";
	case LF_MBOX_O:
		return "mboxo";
	case LF_MBOX_RD:
		return "mboxrd";
	case LF_MBOX_CL:
		return "mboxcl";
	case LF_MBOX_CL2:
		return "mboxcl2";
	}
	return "?";
}

void
lf_mbox_free(struct lf_mbox *m)
{
	free(m);
}
