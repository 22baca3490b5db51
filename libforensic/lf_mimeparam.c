/*
 * lf_mimeparam.c: Content-Type and Content-Disposition values (RFC 2045,
 * RFC 2183), RFC 2231 parameters, and the RFC 2047 words in them.
 *
 * Parsing is in two passes.  The first reads the field into pieces (one
 * per "name=value" as written, unquoted, in a scratch buffer), which is
 * where RFC 5322 comments, folding and the leniency mailers need live.
 * The second groups the pieces by name (RFC 2231 sections may come in any
 * order), picks what counts, and writes each parameter's raw and decoded
 * value to the arena.  Offsets into the arena become pointers only at the
 * end, since the arena moves when it grows.
 *
 * Anomaly codes (offsets count from the start of the field value):
 *
 *   param.missing-type          medium  no type at all
 *   param.missing-subtype       medium  a Content-Type without "/subtype"
 *   param.bad-type              medium  bytes a token cannot hold after
 *                                       the type ("text/plain>"), or a
 *                                       subtype on a disposition; skipped
 *                                       to the next ";"
 *   param.space-in-type         info    white space or a comment around
 *                                       "/" ("text / plain"): legal, rare
 *   param.long-type             low     a type or subtype cut to 127 bytes
 *   param.missing-semicolon     low     a parameter not preceded by ";"
 *   param.bad-name              low     bytes where a parameter name
 *                                       should be; skipped to the next ";"
 *   param.long-name             low     a name cut to 79 bytes
 *   param.no-value              low     a parameter without "=": kept with
 *                                       an empty value
 *   param.empty-value           low     "name=" with nothing after it
 *   param.unquoted-tspecials    medium  an unquoted value with white space
 *                                       or tspecials: taken up to ";" and
 *                                       trimmed, as most readers do
 *   param.unterminated-quote    medium  a quoted value without its closing
 *                                       quote: taken to the end
 *   param.junk-after-value      medium  bytes between a quoted value and
 *                                       the next ";": ignored
 *   param.unterminated-comment  low     a comment without ")": to the end
 *   param.duplicate             medium  a parameter (or RFC 2231 section)
 *                                       given twice: the first counts
 *   param.plain-and-extended    medium  both "name" and "name*" forms with
 *                                       different values: the RFC 2231
 *                                       one counts (info when they agree)
 *   param.continuation-gap      medium  RFC 2231 sections with numbers
 *                                       missing: the others are joined
 *   param.continuation-order    low     sections not in numeric order
 *   param.bad-section           low     "name*01", a number too large, or
 *                                       a "*" suffix that is not RFC 2231
 *                                       (then the name is taken as is)
 *   param.bad-extended          medium  an encoded value without
 *                                       "charset'language'"
 *   param.quoted-extended       low     an encoded value in quotes
 *   param.bad-percent           low     "%" not followed by two hex digits
 *   param.raw-8bit              medium  RFC 2231 bytes without a charset
 *                                       that are not UTF-8: ISO-8859-1
 *   param.rfc2047-in-param      info    RFC 2047 encoded words in a value
 *                                       (not allowed there, common)
 *   param.nul                   high    a decoded value holds NUL: C
 *                                       readers cut the name there
 *   param.limit-count           medium  more than limits->mime_params
 *                                       parameters: the rest is ignored
 *   param.limit-bytes           medium  the values would pass
 *                                       limits->header_bytes: this
 *                                       parameter and the rest are dropped
 *
 * Decoding a value also reports the rfc2047.* and charset.* codes of
 * lf_rfc2047.c, and charset.unknown and charset.invalid-bytes for RFC 2231
 * charsets; their offset is where the value starts, plus the offset in
 * the unquoted value when decoding reports one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf/mimeparam.h"
#include "lf/rfc2047.h"
#include "lf/text.h"

#define NAME_MAX_LEN 79
#define SECTION_MAX 9999 /* RFC 2231 section numbers we believe */

/* One "name=value" as written. */
struct piece {
	char base[NAME_MAX_LEN + 1]; /* lowercased, "*N*" removed */
	long section;                /* -1 without "*N" */
	bool encoded;                /* a trailing "*" */
	bool quoted;
	size_t off, len; /* unquoted value in the scratch buffer */
	size_t at;       /* value (or name) in the input */
	size_t index;    /* order in the input */
};

struct parser {
	const uint8_t *p;
	size_t n;
	bool content_type;
	const struct lf_limits *limits;
	lf_anomaly_fn anomaly;
	void *anomaly_arg;
	struct lf_error *err;
	bool comment_reported;
	struct piece *pieces;
	size_t npieces, cap;
	struct lf_buf scratch; /* unquoted values, as written */
	struct lf_buf joined;  /* one parameter's raw value */
	struct lf_buf bytes;   /* one parameter's decoded bytes */
};

/* Where a parameter's raw and value sit in the arena. */
struct span {
	size_t raw, raw_len, val, val_len;
};

static void
report(struct parser *ps, const char *code, enum lf_severity sev, size_t off,
    const char *detail)
{
	struct lf_anomaly a;

	if (ps->anomaly == NULL)
		return;
	a.code = code;
	a.severity = sev;
	a.offset = off;
	a.detail = detail;
	ps->anomaly(ps->anomaly_arg, &a);
}

static bool
is_wsp(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 2045 token characters. */
static bool
is_token(uint8_t c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Unquoted values: tokens, and the raw UTF-8 RFC 6532 allows. */
static bool
is_value(uint8_t c)
{
	return is_token(c) || c >= 0x80;
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/* Skip folding white space and (nested, escaped) comments. */
static size_t
skip_cfws(struct parser *ps, size_t i)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, depth, start;

	while (i < n) {
		if (is_wsp(p[i])) {
			i++;
			continue;
		}
		if (p[i] != '(')
			break;
		start = i;
		depth = 0;
		while (i < n) {
			if (p[i] == '\\' && i + 1 < n)
				i++;
			else if (p[i] == '(')
				depth++;
			else if (p[i] == ')' && --depth == 0)
				break;
			i++;
		}
		if (i >= n) {
			if (!ps->comment_reported)
				report(ps, "param.unterminated-comment",
				    LF_SEV_LOW, start, "comment without \")\"");
			ps->comment_reported = true;
			return n;
		}
		i++;
	}
	return i;
}

static size_t
skip_token(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && is_token(p[i]))
		i++;
	return i;
}

static size_t
next_semicolon(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && p[i] != ';')
		i++;
	return i;
}

/* At i, "name =" with optional comments: a parameter, ";" or not. */
static bool
looks_like_param(struct parser *ps, size_t i)
{
	size_t j = skip_token(ps->p, ps->n, i);

	if (j == i)
		return false;
	j = skip_cfws(ps, j);
	return j < ps->n && ps->p[j] == '=';
}

/* Copy a lowercased token to dst (cap bytes with the NUL); true if cut. */
static bool
copy_lower(char *dst, size_t cap, const uint8_t *s, size_t len)
{
	size_t i, k = len < cap - 1 ? len : cap - 1;

	for (i = 0; i < k; i++)
		dst[i] = (char)lower(s[i]);
	dst[k] = '\0';
	return k < len;
}

/* The type and subtype; returns where parameters may start. */
static size_t
parse_type(struct parser *ps, struct lf_mime_field *f)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i, t, j, k, t0;
	bool cut;

	i = skip_cfws(ps, 0);
	t = t0 = i;
	i = skip_token(p, n, i);
	if (i > t && looks_like_param(ps, t)) {
		report(ps, "param.missing-type", LF_SEV_MEDIUM, t,
		    "a parameter where the type should be");
		return t;
	}
	if (i == t) {
		report(ps, "param.missing-type", LF_SEV_MEDIUM, t,
		    "no type before the parameters");
		if (i < n && p[i] != ';' && !looks_like_param(ps, i)) {
			report(ps, "param.bad-type", LF_SEV_MEDIUM, i,
			    "not a token where the type should be");
			i = next_semicolon(p, n, i);
		}
		return i;
	}
	cut = copy_lower(f->type, sizeof(f->type), p + t, i - t);
	j = skip_cfws(ps, i);
	if (j < n && p[j] == '/') {
		k = skip_cfws(ps, j + 1);
		if (j > i || k > j + 1)
			report(ps, "param.space-in-type", LF_SEV_INFO, i,
			    "white space or comment around \"/\"");
		t = k;
		i = skip_token(p, n, k);
		if (!ps->content_type)
			report(ps, "param.bad-type", LF_SEV_MEDIUM, j,
			    "a disposition with a subtype");
		else if (i == t)
			report(ps, "param.missing-subtype", LF_SEV_MEDIUM, t,
			    "\"/\" without a subtype");
		else
			cut |= copy_lower(f->subtype, sizeof(f->subtype), p + t,
			    i - t);
	} else if (ps->content_type) {
		report(ps, "param.missing-subtype", LF_SEV_MEDIUM, i,
		    "type without \"/subtype\"");
	}
	if (cut)
		report(ps, "param.long-type", LF_SEV_LOW, t0,
		    "type or subtype cut to 127 bytes");
	j = skip_cfws(ps, i);
	if (j < n && p[j] != ';' && !looks_like_param(ps, j)) {
		report(ps, "param.bad-type", LF_SEV_MEDIUM, j,
		    "bytes after the type that a token cannot hold");
		return next_semicolon(p, n, j);
	}
	return j;
}

/*
 * Split a name as written into base name, section and the encoded mark.
 * A suffix that is not RFC 2231 leaves the whole name as the base.
 */
static void
parse_name(struct parser *ps, struct piece *pc, size_t i, size_t end)
{
	const uint8_t *p = ps->p;
	size_t star = i, k;
	long section = 0;

	while (star < end && p[star] != '*')
		star++;
	pc->section = -1;
	pc->encoded = false;
	if (star == i) {
		report(ps, "param.bad-section", LF_SEV_LOW, i,
		    "parameter name that starts with \"*\"");
		star = end;
	} else if (star < end) {
		k = star + 1;
		while (k < end && p[k] >= '0' && p[k] <= '9' &&
		    section <= SECTION_MAX) {
			section = section * 10 + (p[k] - '0');
			k++;
		}
		if (k == star + 1 && k == end) {
			pc->encoded = true; /* "name*" */
		} else if (k > star + 1 && section <= SECTION_MAX &&
		    (k == end || (k + 1 == end && p[k] == '*'))) {
			pc->section = section;
			pc->encoded = k + 1 == end;
			if (p[star + 1] == '0' && k > star + 2)
				report(ps, "param.bad-section", LF_SEV_LOW, i,
				    "RFC 2231 section with a leading zero");
		} else {
			report(ps, "param.bad-section", LF_SEV_LOW, i,
			    "parameter name with a \"*\" that is not RFC 2231");
			star = end;
		}
	}
	if (copy_lower(pc->base, sizeof(pc->base), p + i, star - i))
		report(ps, "param.long-name", LF_SEV_LOW, i,
		    "parameter name cut to 79 bytes");
}

/* Unquote the quoted string at p[i] == '"' into the scratch buffer. */
static int
take_quoted(struct parser *ps, size_t *ip)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i = *ip + 1, run = i;
	int rc;

	for (; i < n && p[i] != '"'; i++) {
		if (p[i] != '\\' && p[i] != '\r' && p[i] != '\n')
			continue;
		if ((rc = lf_buf_append(&ps->scratch, p + run, i - run,
		         ps->err)) != LF_OK)
			return rc;
		/* Folding is removed; "\x" is x. */
		if (p[i] == '\\' && i + 1 < n)
			i++;
		run = p[i] == '\r' || p[i] == '\n' ? i + 1 : i;
	}
	if ((rc = lf_buf_append(&ps->scratch, p + run, i - run, ps->err)) !=
	    LF_OK)
		return rc;
	if (i >= n) {
		report(ps, "param.unterminated-quote", LF_SEV_MEDIUM, *ip,
		    "quoted value without its closing quote");
		*ip = n;
		return LF_OK;
	}
	i = skip_cfws(ps, i + 1);
	if (i < n && p[i] != ';' && !looks_like_param(ps, i)) {
		report(ps, "param.junk-after-value", LF_SEV_MEDIUM, i,
		    "bytes after a quoted value");
		i = next_semicolon(p, n, i);
	}
	*ip = i;
	return LF_OK;
}

/* The unquoted value at p[i]; lenient where mailers are. */
static int
take_unquoted(struct parser *ps, size_t *ip)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i = *ip, end, j;

	end = i;
	while (end < n && is_value(p[end]))
		end++;
	j = skip_cfws(ps, end);
	if (end == i && (j >= n || p[j] == ';'))
		report(ps, "param.empty-value", LF_SEV_LOW, i,
		    "\"=\" without a value");
	if (j < n && p[j] != ';' && (j == end || !looks_like_param(ps, j))) {
		/* "name=my file.pdf": up to ";", as readers take it. */
		report(ps, "param.unquoted-tspecials", LF_SEV_MEDIUM, i,
		    "unquoted value with spaces or special characters");
		j = next_semicolon(p, n, end);
		end = j;
		while (end > i && is_wsp(p[end - 1]))
			end--;
	}
	*ip = j;
	return lf_buf_append(&ps->scratch, p + i, end - i, ps->err);
}

static int
add_piece(struct parser *ps, struct piece **pcp)
{
	struct piece *np;
	size_t ncap;

	if (ps->npieces == ps->cap) {
		ncap = ps->cap == 0 ? 8 : ps->cap * 2;
		if (ncap > ps->limits->mime_params)
			ncap = (size_t)ps->limits->mime_params;
		np = reallocarray(ps->pieces, ncap, sizeof(*np));
		if (np == NULL)
			return lf_error_set(ps->err, LF_E_NOMEM,
			    "mime parameters: out of memory");
		ps->pieces = np;
		ps->cap = ncap;
	}
	*pcp = &ps->pieces[ps->npieces];
	memset(*pcp, 0, sizeof(**pcp));
	(*pcp)->index = ps->npieces++;
	return LF_OK;
}

/*
 * One parameter at p[*ip] (a token char).  *ip receives where the next
 * one may start.
 */
static int
parse_param(struct parser *ps, size_t *ip)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i = *ip, end;
	struct piece *pc = NULL;
	int rc;

	end = skip_token(p, n, i);
	if ((rc = add_piece(ps, &pc)) != LF_OK)
		return rc;
	parse_name(ps, pc, i, end);
	pc->at = i;
	pc->off = ps->scratch.len;
	i = skip_cfws(ps, end);
	if (i >= n || p[i] != '=') {
		report(ps, "param.no-value", LF_SEV_LOW, pc->at,
		    "parameter without \"=\"");
		*ip = i;
		return LF_OK;
	}
	i = skip_cfws(ps, i + 1);
	pc->at = i;
	if (i < n && p[i] == '"') {
		pc->quoted = true;
		pc->at = i + 1;
		rc = take_quoted(ps, &i);
	} else {
		rc = take_unquoted(ps, &i);
	}
	pc->len = ps->scratch.len - pc->off;
	*ip = i;
	return rc;
}

/* First pass: the type and every parameter as written. */
static int
parse_pieces(struct parser *ps, struct lf_mime_field *f)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i;
	bool sep = false;
	int rc;

	i = parse_type(ps, f);
	for (;;) {
		i = skip_cfws(ps, i);
		if (i >= n)
			break;
		if (p[i] == ';') {
			sep = true;
			i++;
			continue;
		}
		if (!is_token(p[i])) {
			report(ps, "param.bad-name", LF_SEV_LOW, i,
			    "not a parameter name");
			i = next_semicolon(p, n, i);
			continue;
		}
		if (!sep)
			report(ps, "param.missing-semicolon", LF_SEV_LOW, i,
			    "parameter not preceded by \";\"");
		if (ps->npieces >= ps->limits->mime_params) {
			report(ps, "param.limit-count", LF_SEV_MEDIUM, i,
			    "too many parameters; the rest is ignored");
			break;
		}
		if ((rc = parse_param(ps, &i)) != LF_OK)
			return rc;
		sep = false;
	}
	return LF_OK;
}

/* 0: name=, 1: name*=, 2: name*N= and name*N*=. */
static int
piece_form(const struct piece *pc)
{
	if (pc->section >= 0)
		return 2;
	return pc->encoded ? 1 : 0;
}

/* The pieces of one name together, by form, section, then input order. */
static int
piece_cmp(const void *a, const void *b)
{
	const struct piece *x = *(const struct piece *const *)a;
	const struct piece *y = *(const struct piece *const *)b;
	int c;

	if ((c = strcmp(x->base, y->base)) != 0)
		return c;
	if ((c = piece_form(x) - piece_form(y)) != 0)
		return c;
	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The pieces of one name: v[start..start+count), first seen at first. */
struct group {
	size_t start, count, first;
};

static int
group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Forward a decoder's anomalies with offsets in the field. */
struct fwd {
	struct parser *ps;
	size_t base;
};

static void
fwd_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct fwd *fw = arg;
	struct lf_anomaly b = *a;

	b.offset = fw->base;
	if (a->offset < fw->ps->n - fw->base)
		b.offset += a->offset;
	fw->ps->anomaly(fw->ps->anomaly_arg, &b);
}

/*
 * Append ps->bytes in charset to the arena; "" is no charset: UTF-8 if
 * it is, else ISO-8859-1.
 */
static int
put_charset(struct parser *ps, struct lf_buf *arena, const char *charset,
    size_t at)
{
	const uint8_t *b = ps->bytes.data;
	size_t len = ps->bytes.len, nrep = 0;
	struct lf_error e;
	int rc;

	if (len == 0)
		return LF_OK;
	if (charset[0] == '\0') {
		if (lf_utf8_valid(b, len))
			return lf_buf_append(arena, b, len, ps->err);
		report(ps, "param.raw-8bit", LF_SEV_MEDIUM, at,
		    "RFC 2231 value without a charset is not UTF-8");
		charset = "ISO-8859-1";
	}
	/* A charset iconv does not know is an anomaly, not an error. */
	rc = lf_charset_to_utf8(charset, b, len, arena, &nrep, &e);
	if (rc == LF_E_NOTSUP) {
		report(ps, "charset.unknown", LF_SEV_MEDIUM, at,
		    "RFC 2231 charset that cannot be converted");
		if (lf_utf8_valid(b, len))
			return lf_buf_append(arena, b, len, ps->err);
		rc = lf_charset_to_utf8("US-ASCII", b, len, arena, &nrep, &e);
	} else if (rc == LF_OK && nrep > 0) {
		report(ps, "charset.invalid-bytes", LF_SEV_MEDIUM, at,
		    "RFC 2231 value has bytes invalid in its charset");
	}
	if (rc != LF_OK && ps->err != NULL)
		*ps->err = e;
	return rc;
}

/* Append s[0..len) percent-decoded to ps->bytes. */
static int
put_percent(struct parser *ps, const uint8_t *s, size_t len, size_t at)
{
	size_t i, run = 0;
	bool bad = false;
	uint8_t c;
	int rc;

	for (i = 0; i < len; i++) {
		if (s[i] != '%')
			continue;
		if ((rc = lf_buf_append(&ps->bytes, s + run, i - run,
		         ps->err)) != LF_OK)
			return rc;
		if (i + 2 < len &&
		    lf_hex_decode((const char *)s + i + 1, 2, &c, 1) == 1) {
			i += 2;
		} else {
			c = '%';
			bad = true;
		}
		if ((rc = lf_buf_putc(&ps->bytes, c, ps->err)) != LF_OK)
			return rc;
		run = i + 1;
	}
	if (bad)
		report(ps, "param.bad-percent", LF_SEV_LOW, at,
		    "\"%\" not followed by two hex digits");
	return lf_buf_append(&ps->bytes, s + run, len - run, ps->err);
}

/* Charset and language as C strings: visible ASCII, the rest as '?'. */
static void
copy_label(char *dst, size_t cap, const uint8_t *s, size_t len)
{
	size_t i, k = len < cap - 1 ? len : cap - 1;

	for (i = 0; i < k; i++)
		dst[i] = s[i] > 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	dst[k] = '\0';
}

/* Split "charset'language'" off the first encoded section. */
static void
take_labels(struct parser *ps, const struct piece *pc, const uint8_t **sp,
    size_t *lenp, struct lf_mime_param *mp)
{
	const uint8_t *s = *sp;
	size_t len = *lenp, q1, q2;

	q1 = 0;
	while (q1 < len && s[q1] != '\'')
		q1++;
	q2 = q1 + 1;
	while (q2 < len && s[q2] != '\'')
		q2++;
	if (q2 >= len) {
		report(ps, "param.bad-extended", LF_SEV_MEDIUM, pc->at,
		    "RFC 2231 value without charset'language'");
		return;
	}
	copy_label(mp->charset, sizeof(mp->charset), s, q1);
	copy_label(mp->language, sizeof(mp->language), s + q1 + 1, q2 - q1 - 1);
	*sp = s + q2 + 1;
	*lenp = len - q2 - 1;
}

/*
 * The RFC 2231 form of one name, v[0..nv): one "name*" or sections
 * sorted by number.  Joins the raw value in ps->joined and the
 * percent-decoded bytes in ps->bytes; *encoded tells whether any section
 * was encoded.
 */
static int
join_extended(struct parser *ps, struct piece *const *v, size_t nv,
    struct lf_mime_param *mp, bool *encoded)
{
	const uint8_t *s;
	size_t i, len, expect = 0, prev_index = 0;
	bool first = true, gap = false, order = false;
	int rc;

	*encoded = false;
	for (i = 0; i < nv; i++) {
		if (i > 0 && v[i]->section == v[i - 1]->section) {
			report(ps, "param.duplicate", LF_SEV_MEDIUM, v[i]->at,
			    "RFC 2231 section given twice");
			continue;
		}
		if (v[i]->section >= 0) {
			if ((size_t)v[i]->section != expect)
				gap = true;
			expect = (size_t)v[i]->section + 1;
		}
		if (!first && v[i]->index < prev_index)
			order = true;
		prev_index = v[i]->index;
		s = ps->scratch.data + v[i]->off;
		len = v[i]->len;
		if ((rc = lf_buf_append(&ps->joined, s, len, ps->err)) != LF_OK)
			return rc;
		if (v[i]->encoded) {
			*encoded = true;
			if (v[i]->quoted)
				report(ps, "param.quoted-extended", LF_SEV_LOW,
				    v[i]->at, "RFC 2231 encoded value quoted");
			/* Only the first section (0, or "name*") has them. */
			if (first && v[i]->section <= 0)
				take_labels(ps, v[i], &s, &len, mp);
			rc = put_percent(ps, s, len, v[i]->at);
		} else {
			rc = lf_buf_append(&ps->bytes, s, len, ps->err);
		}
		if (rc != LF_OK)
			return rc;
		first = false;
	}
	if (gap)
		report(ps, "param.continuation-gap", LF_SEV_MEDIUM, v[0]->at,
		    "RFC 2231 sections with numbers missing");
	if (order)
		report(ps, "param.continuation-order", LF_SEV_LOW, v[0]->at,
		    "RFC 2231 sections out of order");
	return LF_OK;
}

/* Duplicates of one form, v[0..nv) in input order: the first counts. */
static void
report_duplicates(struct parser *ps, struct piece *const *v, size_t nv)
{
	size_t i;

	for (i = 1; i < nv; i++)
		report(ps, "param.duplicate", LF_SEV_MEDIUM, v[i]->at,
		    "parameter given twice; the first counts");
}

/*
 * Write the parameter made of the pieces v[0..nv) (one name, sorted by
 * piece_cmp) to the arena.  Returns LF_OK, LF_E_LIMIT (the arena as it
 * was) or LF_E_NOMEM.
 */
static int
build_param(struct parser *ps, struct lf_buf *arena, struct piece *const *v,
    size_t nv, struct lf_mime_param *mp, struct span *sp)
{
	size_t nplain = 0, nsingle = 0, ncont, i, start = arena->len, at;
	struct piece *const *ext = NULL;
	size_t next = 0, cfirst;
	bool encoded = false;
	struct fwd fw;
	int rc;

	memset(mp, 0, sizeof(*mp));
	(void)snprintf(mp->name, sizeof(mp->name), "%s", v[0]->base);
	lf_buf_reset(&ps->joined);
	lf_buf_reset(&ps->bytes);
	while (nplain < nv && piece_form(v[nplain]) == 0)
		nplain++;
	while (nplain + nsingle < nv && piece_form(v[nplain + nsingle]) == 1)
		nsingle++;
	ncont = nv - nplain - nsingle;
	report_duplicates(ps, v, nplain);
	report_duplicates(ps, v + nplain, nsingle);
	cfirst = SIZE_MAX;
	for (i = nplain + nsingle; i < nv; i++) {
		if (v[i]->index < cfirst)
			cfirst = v[i]->index;
	}
	/* "name*" beside "name*0": the form seen first counts. */
	if (nsingle > 0 && ncont > 0)
		report(ps, "param.duplicate", LF_SEV_MEDIUM, v[nplain]->at,
		    "both name* and name*0 forms; the first counts");
	if (nsingle > 0 && v[nplain]->index < cfirst) {
		ext = v + nplain;
		next = 1;
	} else if (ncont > 0) {
		ext = v + nplain + nsingle;
		next = ncont;
	}
	if (ext != NULL) {
		mp->extended = true;
		if ((rc = join_extended(ps, ext, next, mp, &encoded)) != LF_OK)
			return rc;
		at = ext[0]->at;
	} else {
		if ((rc = lf_buf_append(&ps->joined,
		         ps->scratch.data + v[0]->off, v[0]->len, ps->err)) !=
		    LF_OK)
			return rc;
		at = v[0]->at;
	}

	/* Both followed by a NUL, so that either is a C string too. */
	sp->raw = arena->len;
	sp->raw_len = ps->joined.len;
	if ((rc = lf_buf_append(arena, ps->joined.data, ps->joined.len,
	         ps->err)) != LF_OK ||
	    (rc = lf_buf_putc(arena, '\0', ps->err)) != LF_OK)
		goto fail;
	sp->val = arena->len;
	if (encoded) {
		rc = put_charset(ps, arena, mp->charset, at);
	} else {
		fw.ps = ps;
		fw.base = at;
		rc = lf_rfc2047_decode(ps->joined.data, ps->joined.len, NULL,
		    arena, ps->anomaly != NULL ? fwd_anomaly : NULL, &fw,
		    ps->err);
	}
	if (rc != LF_OK)
		goto fail;
	sp->val_len = arena->len - sp->val;
	if ((rc = lf_buf_putc(arena, '\0', ps->err)) != LF_OK)
		goto fail;
	if (!encoded && memmem(ps->joined.data, ps->joined.len, "=?", 2) &&
	    (sp->val_len != sp->raw_len ||
	        memcmp(arena->data + sp->val, arena->data + sp->raw,
	            sp->raw_len) != 0))
		report(ps, "param.rfc2047-in-param", LF_SEV_INFO, at,
		    "RFC 2047 encoded words in a parameter value");
	if (memchr(arena->data + sp->val, 0, sp->val_len) != NULL)
		report(ps, "param.nul", LF_SEV_HIGH, at,
		    "decoded value holds a NUL byte");
	if (ext != NULL && nplain > 0) {
		bool same = v[0]->len == sp->val_len &&
		    memcmp(ps->scratch.data + v[0]->off, arena->data + sp->val,
		        sp->val_len) == 0;
		report(ps, "param.plain-and-extended",
		    same ? LF_SEV_INFO : LF_SEV_MEDIUM, v[0]->at,
		    "both name and name* forms; name* counts");
	}
	return LF_OK;
fail:
	arena->len = start;
	if (arena->data != NULL)
		arena->data[start] = '\0';
	return rc;
}

/*
 * Second pass: group the pieces by name and write each parameter to
 * f->arena, in the order names first appear.
 */
static int
build_params(struct parser *ps, struct lf_mime_field *f)
{
	struct piece **v = NULL;
	struct group *g = NULL;
	struct span *spans = NULL;
	struct lf_mime_param *params = NULL;
	size_t np = ps->npieces, ng = 0, i, j, kept;
	int rc = LF_OK;

	if (np == 0)
		return LF_OK;
	/* Storage now, so that no data pointer below is NULL. */
	if ((rc = lf_buf_append(&ps->scratch, "", 0, ps->err)) != LF_OK ||
	    (rc = lf_buf_append(&ps->joined, "", 0, ps->err)) != LF_OK ||
	    (rc = lf_buf_append(&ps->bytes, "", 0, ps->err)) != LF_OK ||
	    (rc = lf_buf_append(&f->arena, "", 0, ps->err)) != LF_OK)
		return rc;
	v = reallocarray(NULL, np, sizeof(*v));
	g = reallocarray(NULL, np, sizeof(*g));
	spans = reallocarray(NULL, np, sizeof(*spans));
	params = reallocarray(NULL, np, sizeof(*params));
	if (v == NULL || g == NULL || spans == NULL || params == NULL) {
		rc = lf_error_set(ps->err, LF_E_NOMEM,
		    "mime parameters: out of memory");
		goto out;
	}
	for (i = 0; i < np; i++)
		v[i] = &ps->pieces[i];
	qsort(v, np, sizeof(*v), piece_cmp);
	for (i = 0; i < np; i = j) {
		g[ng].start = i;
		g[ng].first = v[i]->index;
		for (j = i + 1; j < np && strcmp(v[j]->base, v[i]->base) == 0;
		     j++) {
			if (v[j]->index < g[ng].first)
				g[ng].first = v[j]->index;
		}
		g[ng++].count = j - i;
	}
	qsort(g, ng, sizeof(*g), group_cmp);
	for (kept = 0; kept < ng; kept++) {
		rc = build_param(ps, &f->arena, v + g[kept].start,
		    g[kept].count, &params[kept], &spans[kept]);
		if (rc == LF_E_LIMIT) {
			report(ps, "param.limit-bytes", LF_SEV_MEDIUM,
			    v[g[kept].start]->at,
			    "parameter values past the header size limit; "
			    "this one and the rest are dropped");
			rc = LF_OK;
			break;
		}
		if (rc != LF_OK)
			goto out;
	}
	/* The arena stopped moving: offsets become pointers. */
	for (i = 0; i < kept; i++) {
		params[i].raw = f->arena.data + spans[i].raw;
		params[i].raw_len = spans[i].raw_len;
		params[i].value = f->arena.data + spans[i].val;
		params[i].value_len = spans[i].val_len;
	}
	if (kept > 0) {
		f->params = params;
		f->nparams = kept;
		params = NULL;
	}
out:
	free(v);
	free(g);
	free(spans);
	free(params);
	return rc;
}

int
lf_mime_field_parse(const uint8_t *p, size_t n, bool content_type,
    const struct lf_limits *limits, struct lf_mime_field *f,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_error *err)
{
	struct lf_limits dflt;
	struct lf_mime_field nf;
	struct parser ps;
	int rc;

	if (limits == NULL) {
		lf_limits_default(&dflt);
		limits = &dflt;
	}
	memset(&nf, 0, sizeof(nf));
	lf_buf_init(&nf.arena,
	    limits->header_bytes < SIZE_MAX ? (size_t)limits->header_bytes :
	                                      SIZE_MAX);
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.n = n;
	ps.content_type = content_type;
	ps.limits = limits;
	ps.anomaly = anomaly;
	ps.anomaly_arg = anomaly_arg;
	ps.err = err;
	/* Unquoted values are never longer than the field. */
	lf_buf_init(&ps.scratch, n);
	lf_buf_init(&ps.joined, n);
	lf_buf_init(&ps.bytes, n);
	if ((rc = parse_pieces(&ps, &nf)) == LF_OK)
		rc = build_params(&ps, &nf);
	free(ps.pieces);
	lf_buf_release(&ps.scratch);
	lf_buf_release(&ps.joined);
	lf_buf_release(&ps.bytes);
	if (rc != LF_OK) {
		lf_mime_field_release(&nf);
		return rc;
	}
	*f = nf;
	return LF_OK;
}

const struct lf_mime_param *
lf_mime_field_param(const struct lf_mime_field *f, const char *name)
{
	size_t i;

	if (f == NULL || name == NULL)
		return NULL;
	for (i = 0; i < f->nparams; i++) {
		if (strcmp(f->params[i].name, name) == 0)
			return &f->params[i];
	}
	return NULL;
}

void
lf_mime_field_release(struct lf_mime_field *f)
{
	if (f == NULL)
		return;
	free(f->params);
	f->params = NULL;
	f->nparams = 0;
	f->type[0] = '\0';
	f->subtype[0] = '\0';
	lf_buf_release(&f->arena);
}
