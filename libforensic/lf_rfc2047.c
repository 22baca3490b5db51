/*
 * lf_rfc2047.c: encoded words in header text (RFC 2047, with the
 * "*language" suffix of RFC 2231 section 5), and charsets to UTF-8 through
 * iconv.
 *
 * The decoded text is for display and matching; callers keep the raw bytes
 * beside it.  So decoding is lenient where readers are (words glued to
 * text or inside quoted strings, missing base64 padding) and reports each
 * departure, and what cannot be decoded stays visible as literal text or
 * U+FFFD rather than vanishing.
 *
 * Anomaly codes (offsets count from the start of the header text):
 *
 *   rfc2047.bad-encoding     low     "=?cs?X?" with X not B or Q; the word
 *                                    is kept as literal text
 *   rfc2047.unterminated     low     an encoded word without its "?="
 *                                    (end, line break or a byte encoded
 *                                    text cannot hold); kept literally
 *   rfc2047.bad-base64       medium  B text outside the alphabet, data
 *                                    after padding, or an impossible
 *                                    length; kept literally
 *   rfc2047.base64-padding   low     B text with its "=" padding missing
 *                                    or miscounted; decoded anyway
 *   rfc2047.bad-q-escape     low     "=" in Q text not followed by two hex
 *                                    digits; the "=" is kept
 *   rfc2047.space-in-word    medium  SP or HTAB inside encoded text:
 *                                    decoded, but strict readers show the
 *                                    word literally
 *   rfc2047.long-word        info    an encoded word longer than 75 bytes
 *   rfc2047.not-delimited    medium  an encoded word glued to other text;
 *                                    decoded, as most readers do
 *   rfc2047.in-quoted-string low     an encoded word inside a quoted
 *                                    string; decoded, as most readers do
 *   rfc2047.control-char     medium  a decoded word holds a control
 *                                    character (C0 but HTAB, DEL, C1):
 *                                    NUL cuts names short in C readers,
 *                                    CR LF fakes header lines
 *   rfc2047.raw-8bit         medium  8-bit text outside encoded words that
 *                                    is not UTF-8: converted from the
 *                                    fallback charset, which readers guess
 *                                    differently
 *   charset.unknown          medium  a charset iconv does not know: text
 *                                    that is UTF-8 is kept, else bytes
 *                                    above 0x7f become U+FFFD
 *   charset.invalid-bytes    medium  bytes that are not valid in their
 *                                    charset became U+FFFD
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lf/rfc2047.h"
#include "lf/text.h"
#include "lf_bytes.h"

#define CS_MAX 64        /* charset names, with the NUL */
#define CONV_CHUNK 1024  /* iconv output per call */
#define NCACHE 4         /* converters kept open during one call */
#define WORD_MAX 75      /* RFC 2047 section 2 */
#define CS_TOKEN_MAX 128 /* longer is not a charset, just text */

static const uint8_t replacement[3] = {0xef, 0xbf, 0xbd}; /* U+FFFD */

/*
 * Names mail carries that iconv does not know, and names whose iconv
 * charset is narrower than what senders really use: the superset decodes
 * every byte the narrow one does, the same way, and the rest instead of
 * U+FFFD (as WHATWG and mail readers do).
 */
static const struct {
	const char *alias; /* lowercase */
	const char *name;  /* for iconv, or our own UTF-8 and US-ASCII */
} aliases[] = {
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"unicode-1-1-utf-8", "UTF-8"},
    {"unicode-1-1-utf-7", "UTF-7"},
    {"utf7", "UTF-7"},
    {"csunicode11utf7", "UTF-7"},
    {"us-ascii", "US-ASCII"},
    {"ascii", "US-ASCII"},
    {"ansi_x3.4-1968", "US-ASCII"},
    {"iso646-us", "US-ASCII"},
    {"us", "US-ASCII"},
    {"csascii", "US-ASCII"},
    /* Windows senders label CP932 (NEC and IBM rows) as Shift_JIS. */
    {"shift_jis", "CP932"},
    {"shift-jis", "CP932"},
    {"x-sjis", "CP932"},
    {"sjis", "CP932"},
    {"ms_kanji", "CP932"},
    {"csshiftjis", "CP932"},
    {"windows-31j", "CP932"},
    /* glibc's ISO-2022-JP passes JIS X 0201 katakana and JIS X 0212
     * escapes through as text; -2 decodes them. */
    {"iso-2022-jp", "ISO-2022-JP-2"},
    {"csiso2022jp", "ISO-2022-JP-2"},
    {"ks_c_5601-1987", "CP949"},
    {"ks_c_5601-1989", "CP949"},
    {"ks_c_5601", "CP949"},
    {"ksc_5601", "CP949"},
    {"ksc5601", "CP949"},
    {"euc-kr", "CP949"},
    {"cseuckr", "CP949"},
    {"windows-949", "CP949"},
    {"korean", "CP949"},
    {"gb2312", "GB18030"},
    {"csgb2312", "GB18030"},
    {"gb_2312-80", "GB18030"},
    {"euc-cn", "GB18030"},
    {"gbk", "GB18030"},
    {"x-gbk", "GB18030"},
    {"cp936", "GB18030"},
    {"windows-936", "GB18030"},
    {"chinese", "GB18030"},
    {"big5", "BIG5-HKSCS"},
    {"x-x-big5", "BIG5-HKSCS"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"iso-8859-8-e", "ISO-8859-8"},
    {"iso-8859-6-i", "ISO-8859-6"},
    {"iso-8859-6-e", "ISO-8859-6"},
    {"windows-874", "CP874"},
    {"tis-620", "CP874"},
    {"iso-8859-11", "CP874"},
    {"x-mac-roman", "MACINTOSH"},
    {"x-mac", "MACINTOSH"},
};

#define NALIASES (sizeof(aliases) / sizeof(aliases[0]))

/* Converters opened during one call, and the names iconv refused. */
struct conv {
	char name[CS_MAX]; /* "" for a free slot */
	iconv_t cd;
	bool known;
};

struct conv_cache {
	struct conv slot[NCACHE];
	unsigned next;
};

static void
cache_init(struct conv_cache *c)
{
	memset(c, 0, sizeof(*c));
}

static void
cache_release(struct conv_cache *c)
{
	unsigned i;

	for (i = 0; i < NCACHE; i++) {
		if (c->slot[i].name[0] != '\0' && c->slot[i].known)
			(void)iconv_close(c->slot[i].cd);
		c->slot[i].name[0] = '\0';
	}
}

static bool
is_cs_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == ':' || c == '+';
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

static uint8_t
upper(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c;
}

/*
 * The name to give iconv for a charset as written.  Only letters, digits
 * and "-_.:+" pass, so iconv's own syntax ("//IGNORE", "/" paths to gconv
 * modules) is out of the input's reach.  Returns false for a name that
 * cannot be a charset.
 */
static bool
charset_resolve(const uint8_t *s, size_t len, char out[CS_MAX])
{
	char low[CS_MAX];
	size_t i;

	while (len > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= CS_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (!is_cs_char(s[i]))
			return false;
		low[i] = (char)lower(s[i]);
	}
	low[len] = '\0';
	for (i = 0; i < NALIASES; i++) {
		if (strcmp(low, aliases[i].alias) == 0) {
			(void)snprintf(out, CS_MAX, "%s", aliases[i].name);
			return true;
		}
	}
	/* "cp-850" and the like: iconv spells them "CP850". */
	if (len > 3 && memcmp(low, "cp-", 3) == 0) {
		memmove(low + 2, low + 3, len - 2);
		len--;
	}
	for (i = 0; i < len; i++)
		out[i] = (char)upper((uint8_t)low[i]);
	out[len] = '\0';
	return true;
}

/*
 * Append p[0..n) as UTF-8, each byte that is not part of a well-formed
 * sequence (or, for ascii_only, each byte above 0x7f) as U+FFFD.
 */
static int
put_utf8(struct lf_buf *out, const uint8_t *p, size_t n, bool ascii_only,
    size_t *replaced, struct lf_error *err)
{
	size_t i = 0, run = 0, k;
	uint32_t cp;
	int rc;

	if (n == 0)
		return LF_OK;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = ascii_only ? 0 : lf_utf8_decode(p + i, n - i, &cp);
		if (k > 0) {
			i += k;
			continue;
		}
		if ((rc = lf_buf_append(out, p + run, i - run, err)) != LF_OK ||
		    (rc = lf_buf_append(out, replacement, sizeof(replacement),
		         err)) != LF_OK)
			return rc;
		(*replaced)++;
		run = ++i;
	}
	return lf_buf_append(out, p + run, n - run, err);
}

/*
 * Append what iconv wrote.  Its output should be UTF-8 already; checking
 * is cheap and makes the promise of valid UTF-8 ours, not each module's.
 */
static int
put_converted(struct lf_buf *out, const char *p, size_t n, size_t *replaced,
    struct lf_error *err)
{
	const uint8_t *u = (const uint8_t *)p;

	if (lf_utf8_valid(u, n))
		return lf_buf_append(out, u, n, err);
	return put_utf8(out, u, n, false, replaced, err);
}

static int
conv_iconv(iconv_t cd, const uint8_t *p, size_t n, struct lf_buf *out,
    size_t *replaced, struct lf_error *err)
{
	char chunk[CONV_CHUNK], *o;
	/* iconv's prototype is not const, but it only reads the input. */
	char *in = (char *)(uintptr_t)p;
	size_t inleft = n, oleft, r;
	int rc, e;

	while (inleft > 0) {
		o = chunk;
		oleft = sizeof(chunk);
		r = iconv(cd, &in, &inleft, &o, &oleft);
		e = errno;
		if ((rc = put_converted(out, chunk, (size_t)(o - chunk),
		         replaced, err)) != LF_OK)
			return rc;
		if (r != (size_t)-1)
			break;
		if (e == E2BIG && o != chunk)
			continue;
		/*
		 * EILSEQ: skip one byte and go on.  EINVAL: the input ends
		 * inside a sequence.  Anything else would loop: give up on
		 * one byte the same way.
		 */
		if ((rc = lf_buf_append(out, replacement, sizeof(replacement),
		         err)) != LF_OK)
			return rc;
		(*replaced)++;
		/* glibc's ISO-2022-CN-EXT can fail with all input taken. */
		if (e == EINVAL || inleft == 0)
			break;
		in++;
		inleft--;
	}
	/* Stateful charsets may have output pending at the end. */
	o = chunk;
	oleft = sizeof(chunk);
	(void)iconv(cd, NULL, NULL, &o, &oleft);
	return put_converted(out, chunk, (size_t)(o - chunk), replaced, err);
}

/*
 * A converter from name (resolved) to UTF-8, from the cache or opened.
 * Returns LF_OK, LF_E_NOTSUP (err untouched: the decoder goes on) or
 * LF_E_NOMEM.
 */
static int
cache_get(struct conv_cache *c, const char *name, iconv_t *cdp,
    struct lf_error *err)
{
	struct conv *s;
	unsigned i;
	iconv_t cd;

	for (i = 0; i < NCACHE; i++) {
		s = &c->slot[i];
		if (strcmp(s->name, name) != 0)
			continue;
		if (!s->known)
			return LF_E_NOTSUP;
		(void)iconv(s->cd, NULL, NULL, NULL, NULL);
		*cdp = s->cd;
		return LF_OK;
	}
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1 && errno == ENOMEM)
		return lf_error_set(err, LF_E_NOMEM,
		    "charset %s: cannot open a converter", name);
	s = &c->slot[c->next];
	c->next = (c->next + 1) % NCACHE;
	if (s->name[0] != '\0' && s->known)
		(void)iconv_close(s->cd);
	(void)snprintf(s->name, sizeof(s->name), "%s", name);
	s->known = cd != (iconv_t)-1;
	s->cd = cd;
	if (!s->known)
		return LF_E_NOTSUP;
	*cdp = cd;
	return LF_OK;
}

/*
 * Convert from a resolved name.  Returns as lf_charset_to_utf8; out is
 * unchanged on LF_E_NOTSUP.
 */
static int
convert(struct conv_cache *c, const char *name, const uint8_t *p, size_t n,
    struct lf_buf *out, size_t *replaced, struct lf_error *err)
{
	iconv_t cd = (iconv_t)-1;
	int rc;

	if (strcmp(name, "UTF-8") == 0)
		return put_utf8(out, p, n, false, replaced, err);
	if (strcmp(name, "US-ASCII") == 0)
		return put_utf8(out, p, n, true, replaced, err);
	if ((rc = cache_get(c, name, &cd, err)) != LF_OK)
		return rc;
	return conv_iconv(cd, p, n, out, replaced, err);
}

int
lf_charset_to_utf8(const char *charset, const uint8_t *p, size_t n,
    struct lf_buf *out, size_t *replaced, struct lf_error *err)
{
	struct conv_cache cache;
	char name[CS_MAX];
	size_t nrep = 0;
	int rc;

	if (charset == NULL ||
	    !charset_resolve((const uint8_t *)charset, strlen(charset), name))
		return lf_error_set(err, LF_E_NOTSUP,
		    "charset name is not valid");
	cache_init(&cache);
	rc = convert(&cache, name, p, n, out, &nrep, err);
	cache_release(&cache);
	if (rc == LF_E_NOTSUP)
		return lf_error_set(err, rc, "charset %s: not supported", name);
	if (rc == LF_OK && replaced != NULL)
		*replaced = nrep;
	return rc;
}

/* One "=?charset?enc?text?=" found in the input. */
struct word {
	size_t start, end; /* of "=?" and past "?=" */
	size_t cs, cslen;  /* charset, without "*language" */
	size_t text, textlen;
	uint8_t enc; /* 'B' or 'Q' */
	bool space;  /* SP or HTAB inside the text */
};

enum word_kind {
	W_NONE, /* not an encoded word: plain text */
	W_OK,
	W_BAD_ENCODING,
	W_UNTERMINATED
};

struct dec {
	const uint8_t *p;
	size_t n;
	struct lf_buf *out;
	lf_anomaly_fn anomaly;
	void *anomaly_arg;
	struct lf_error *err;
	struct conv_cache cache;
	const char *fallback;
	struct lf_buf wbuf;   /* one word's decoded bytes */
	struct lf_buf pend;   /* adjacent words in one charset, not converted */
	char pend_cs[CS_MAX]; /* its key: a resolved name or "!" */
	size_t pend_off;
	bool have_pend;
};

static void
report(struct dec *d, const char *code, enum lf_severity sev, size_t off,
    const char *detail)
{
	struct lf_anomaly a;

	if (d->anomaly == NULL)
		return;
	a.code = code;
	a.severity = sev;
	a.offset = off;
	a.detail = detail;
	d->anomaly(d->anomaly_arg, &a);
}

/* RFC 2045 token characters, with "." and ":" (charset names use them). */
static bool
is_token_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;\\\"/[]?=", c) == NULL;
}

/* p[i] is '=' and p[i + 1] is '?'. */
static enum word_kind
parse_word(const uint8_t *p, size_t n, size_t i, struct word *w)
{
	size_t j = i + 2, star = 0;

	memset(w, 0, sizeof(*w));
	w->start = i;
	w->cs = j;
	while (j < n && is_token_char(p[j]) && j - w->cs < CS_TOKEN_MAX) {
		if (p[j] == '*' && star == 0)
			star = j;
		j++;
	}
	if (j == w->cs || j >= n || p[j] != '?')
		return W_NONE;
	w->cslen = (star != 0 ? star : j) - w->cs;
	j++;
	if (j + 1 >= n)
		return W_UNTERMINATED;
	if (p[j + 1] != '?')
		return W_BAD_ENCODING;
	w->enc = upper(p[j]);
	if (w->enc != 'B' && w->enc != 'Q')
		return W_BAD_ENCODING;
	j += 2;
	w->text = j;
	for (; j < n && p[j] != '?'; j++) {
		if (p[j] == ' ' || p[j] == '\t')
			w->space = true;
		else if (p[j] < 0x21 || p[j] > 0x7e)
			return W_UNTERMINATED;
	}
	if (j + 1 >= n || p[j + 1] != '=')
		return W_UNTERMINATED;
	w->textlen = j - w->text;
	w->end = j + 2;
	return W_OK;
}

/*
 * Decode B text into d->wbuf.  *ok is false when the text is not base64
 * (the word then stays literal); *unpadded when the padding is missing.
 */
static int
decode_b(struct dec *d, const uint8_t *t, size_t n, bool *ok, bool *unpadded)
{
	uint32_t acc = 0;
	size_t i, ndata = 0, npad = 0;
	int v, rc;

	*ok = false;
	*unpadded = false;
	for (i = 0; i < n; i++) {
		if (t[i] == ' ' || t[i] == '\t')
			continue;
		if (t[i] == '=') {
			npad++;
			continue;
		}
		if (npad > 0 || (v = lf_b64_value(t[i])) < 0)
			return LF_OK;
		acc = acc << 6 | (uint32_t)v;
		if (++ndata % 4 == 0) {
			uint8_t b[3] = {(uint8_t)(acc >> 16),
			    (uint8_t)(acc >> 8), (uint8_t)acc};
			if ((rc = lf_buf_append(&d->wbuf, b, 3, d->err)) !=
			    LF_OK)
				return rc;
			acc = 0;
		}
	}
	switch (ndata % 4) {
	case 1:
		return LF_OK; /* six bits cannot make a byte */
	case 2:
		rc = lf_buf_putc(&d->wbuf, (uint8_t)(acc >> 4), d->err);
		break;
	case 3: {
		uint8_t b[2] = {(uint8_t)(acc >> 10), (uint8_t)(acc >> 2)};
		rc = lf_buf_append(&d->wbuf, b, 2, d->err);
		break;
	}
	default:
		rc = LF_OK;
		break;
	}
	if (rc != LF_OK || npad > 2)
		return rc;
	/* Missing or miscounted padding: every reader decodes the data. */
	*unpadded = (ndata + npad) % 4 != 0;
	*ok = true;
	return LF_OK;
}

/* Decode Q text into d->wbuf; *badesc when an "=" was not an escape. */
static int
decode_q(struct dec *d, const uint8_t *t, size_t n, bool *badesc)
{
	size_t i, run = 0;
	uint8_t c;
	int rc;

	*badesc = false;
	for (i = 0; i < n; i++) {
		if (t[i] != '_' && t[i] != '=')
			continue;
		if ((rc = lf_buf_append(&d->wbuf, t + run, i - run, d->err)) !=
		    LF_OK)
			return rc;
		run = i + 1;
		if (t[i] == '_') {
			c = ' ';
		} else if (i + 2 < n &&
		    lf_hex_decode((const char *)t + i + 1, 2, &c, 1) == 1) {
			i += 2;
			run = i + 1;
		} else {
			*badesc = true;
			c = '=';
		}
		if ((rc = lf_buf_putc(&d->wbuf, c, d->err)) != LF_OK)
			return rc;
	}
	return lf_buf_append(&d->wbuf, t + run, n - run, d->err);
}

static bool
has_control(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return true;
		/* C1 controls are U+0080..U+009F: 0xc2 0x80..0x9f. */
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return true;
	}
	return false;
}

/*
 * Text in a charset that is unknown: keep it if it is UTF-8 (what such
 * labels most often hide), else show the ASCII and U+FFFD for the rest.
 */
static int
put_unknown(struct lf_buf *out, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	size_t nrep = 0;

	return put_utf8(out, p, n, !lf_utf8_valid(p, n), &nrep, err);
}

/* Convert the pending words to out. */
static int
flush_pend(struct dec *d)
{
	size_t before = d->out->len, nrep = 0;
	int rc;

	if (!d->have_pend)
		return LF_OK;
	d->have_pend = false;
	if (d->pend_cs[0] == '!')
		rc = LF_E_NOTSUP;
	else
		rc = convert(&d->cache, d->pend_cs, d->pend.data, d->pend.len,
		    d->out, &nrep, d->err);
	if (rc == LF_E_NOTSUP) {
		report(d, "charset.unknown", LF_SEV_MEDIUM, d->pend_off,
		    "encoded word in a charset that cannot be converted");
		rc = put_unknown(d->out, d->pend.data, d->pend.len, d->err);
	} else if (rc == LF_OK && nrep > 0) {
		report(d, "charset.invalid-bytes", LF_SEV_MEDIUM, d->pend_off,
		    "encoded word has bytes invalid in its charset");
	}
	if (rc != LF_OK)
		return rc;
	if (d->out->len > before &&
	    has_control(d->out->data + before, d->out->len - before))
		report(d, "rfc2047.control-char", LF_SEV_MEDIUM, d->pend_off,
		    "decoded text holds control characters");
	lf_buf_reset(&d->pend);
	return LF_OK;
}

/* Append the text p[a..b) outside encoded words. */
static int
put_literal(struct dec *d, size_t a, size_t b)
{
	const uint8_t *s;
	size_t n = b - a, i, nrep = 0;
	char name[CS_MAX];
	int rc;

	if (n == 0)
		return LF_OK;
	s = d->p + a;
	if (lf_utf8_valid(s, n))
		return lf_buf_append(d->out, s, n, d->err);
	for (i = 0; s[i] < 0x80; i++)
		continue;
	report(d, "rfc2047.raw-8bit", LF_SEV_MEDIUM, a + i,
	    "8-bit header text that is not UTF-8");
	if (!charset_resolve((const uint8_t *)d->fallback, strlen(d->fallback),
	        name))
		rc = LF_E_NOTSUP;
	else
		rc = convert(&d->cache, name, s, n, d->out, &nrep, d->err);
	if (rc == LF_E_NOTSUP) {
		report(d, "charset.unknown", LF_SEV_MEDIUM, a + i,
		    "the fallback charset cannot be converted");
		rc = put_utf8(d->out, s, n, true, &nrep, d->err);
	}
	return rc;
}

static bool
is_lwsp(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
all_lwsp(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_lwsp(p[i]))
			return false;
	}
	return true;
}

/*
 * Decode a well-formed word's text into d->wbuf.  *ok false: the text is
 * not what its encoding says, and the word stays literal.
 */
static int
decode_word(struct dec *d, const struct word *w, bool *ok)
{
	const uint8_t *t = d->p + w->text;
	bool unpadded, badesc;
	int rc;

	lf_buf_reset(&d->wbuf);
	if (w->enc == 'B') {
		if ((rc = decode_b(d, t, w->textlen, ok, &unpadded)) != LF_OK)
			return rc;
		if (!*ok)
			report(d, "rfc2047.bad-base64", LF_SEV_MEDIUM, w->start,
			    "B encoded text is not base64");
		else if (unpadded)
			report(d, "rfc2047.base64-padding", LF_SEV_LOW,
			    w->start, "B encoded text without padding");
		return LF_OK;
	}
	if ((rc = decode_q(d, t, w->textlen, &badesc)) != LF_OK)
		return rc;
	if (badesc)
		report(d, "rfc2047.bad-q-escape", LF_SEV_LOW, w->start,
		    "\"=\" in Q encoded text is not an escape");
	*ok = true;
	return LF_OK;
}

/* Anomalies about where a word sits: in quotes, glued to text. */
static void
check_place(struct dec *d, const struct word *w, bool inq, size_t prev_end)
{
	const uint8_t *p = d->p;
	bool before, after;

	if (inq)
		report(d, "rfc2047.in-quoted-string", LF_SEV_LOW, w->start,
		    "encoded word inside a quoted string");
	before = w->start == 0 || w->start == prev_end ||
	    is_lwsp(p[w->start - 1]) || p[w->start - 1] == '(' ||
	    (inq && p[w->start - 1] == '"');
	after = w->end == d->n || is_lwsp(p[w->end]) || p[w->end] == ')' ||
	    (inq && p[w->end] == '"') ||
	    (p[w->end] == '=' && w->end + 1 < d->n && p[w->end + 1] == '?');
	if (!before || !after)
		report(d, "rfc2047.not-delimited", LF_SEV_MEDIUM, w->start,
		    "encoded word glued to other text");
}

/*
 * Take the decoded word in d->wbuf: join it to the pending words, or
 * flush those and the literal text before it.  lit is where the literal
 * text starts, prev_end where the last decoded word ended.
 */
static int
take_word(struct dec *d, const struct word *w, size_t lit, size_t prev_end)
{
	char key[CS_MAX];
	bool adjacent;
	int rc;

	if (!charset_resolve(d->p + w->cs, w->cslen, key))
		(void)snprintf(key, sizeof(key), "!");
	adjacent = d->have_pend && lit == prev_end &&
	    all_lwsp(d->p + lit, w->start - lit);
	if (!adjacent || strcmp(key, d->pend_cs) != 0 || key[0] == '!') {
		if ((rc = flush_pend(d)) != LF_OK)
			return rc;
		if (!adjacent && (rc = put_literal(d, lit, w->start)) != LF_OK)
			return rc;
		(void)snprintf(d->pend_cs, sizeof(d->pend_cs), "%s", key);
		d->pend_off = w->start;
		d->have_pend = true;
	}
	return lf_buf_append(&d->pend, d->wbuf.data, d->wbuf.len, d->err);
}

int
lf_rfc2047_decode(const uint8_t *p, size_t n, const char *fallback_charset,
    struct lf_buf *out, lf_anomaly_fn anomaly, void *anomaly_arg,
    struct lf_error *err)
{
	struct dec d;
	struct word w;
	enum word_kind kind;
	size_t i = 0, lit = 0, prev_end = SIZE_MAX;
	bool inq = false, ok;
	int rc = LF_OK;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.n = n;
	d.out = out;
	d.anomaly = anomaly;
	d.anomaly_arg = anomaly_arg;
	d.err = err;
	d.fallback = fallback_charset != NULL ? fallback_charset : "ISO-8859-1";
	cache_init(&d.cache);
	/* Decoded text is never longer than the text it came from. */
	lf_buf_init(&d.wbuf, n);
	lf_buf_init(&d.pend, n);

	while (i < n) {
		if (p[i] != '=' || i + 1 >= n || p[i + 1] != '?') {
			/* Quotes matter only for the anomaly; "\" escapes. */
			if (p[i] == '"')
				inq = !inq;
			else if (p[i] == '\\' && inq)
				i++;
			i++;
			continue;
		}
		kind = parse_word(p, n, i, &w);
		if (kind == W_BAD_ENCODING)
			report(&d, "rfc2047.bad-encoding", LF_SEV_LOW, i,
			    "encoded word with an encoding other than B or Q");
		else if (kind == W_UNTERMINATED)
			report(&d, "rfc2047.unterminated", LF_SEV_LOW, i,
			    "encoded word without its \"?=\"");
		if (kind != W_OK) {
			i += 2;
			continue;
		}
		if ((rc = decode_word(&d, &w, &ok)) != LF_OK)
			goto out;
		if (!ok) {
			i = w.end;
			continue;
		}
		if (w.space)
			report(&d, "rfc2047.space-in-word", LF_SEV_MEDIUM,
			    w.start, "white space inside encoded text");
		if (w.end - w.start > WORD_MAX)
			report(&d, "rfc2047.long-word", LF_SEV_INFO, w.start,
			    "encoded word longer than 75 bytes");
		check_place(&d, &w, inq, prev_end);
		if ((rc = take_word(&d, &w, lit, prev_end)) != LF_OK)
			goto out;
		i = lit = prev_end = w.end;
	}
	if ((rc = flush_pend(&d)) != LF_OK)
		goto out;
	rc = put_literal(&d, lit, n);
out:
	cache_release(&d.cache);
	lf_buf_release(&d.wbuf);
	lf_buf_release(&d.pend);
	return rc;
}
