/*
 * lf_authres.c: Authentication-Results values (RFC 8601, RFC 7601,
 * RFC 7001) and ARC-Authentication-Results values (RFC 8617).
 *
 * One pass, left to right, without recursion: comments nest, but a
 * counter finds their end.  The only look-ahead is "a name, then
 * comments, then which of = / . ; follows", which is what tells a result
 * from an authserv-id, a property, or the next result written without
 * ";", so that the forms servers really write can be read beside the
 * RFC's.  Results and properties go to arrays capped by the limits of
 * lf/authres.h; strings go to one arena, as offsets until it stops moving.
 *
 * Anomaly codes (offsets count from the start of the field value):
 *
 *   authres.syntax               medium  bytes that fit no production:
 *                                        skipped to the next ";" outside
 *                                        quotes and comments
 *   authres.no-authserv-id       low     the field starts with a result
 *                                        (Exchange Online) or with ";"
 *   authres.no-results           low     an authserv-id with neither
 *                                        "none" nor a result after it
 *   authres.none-with-results    medium  "none" beside results: both kept
 *   authres.extra-semicolon      low     an empty result (";;") or a ";"
 *                                        at the end
 *   authres.missing-semicolon    medium  a result written after another,
 *                                        or after the authserv-id,
 *                                        without ";"
 *   authres.stray-token          low     a word without "=" where a result
 *                                        should be (Exchange writes the
 *                                        recipient's domain there):
 *                                        skipped
 *   authres.bare-property        low     name=value without "ptype." after
 *                                        a result (Exchange's
 *                                        "action=none"): kept, ptype ""
 *   authres.misplaced-reason     low     reason= after the properties
 *   authres.duplicate-reason     low     a second reason=: kept as a
 *                                        property without ptype
 *   authres.empty-value          low     "=" with no value after it
 *   authres.bad-value            low     an unquoted value that is not a
 *                                        token, an addr-spec or "@domain"
 *                                        ("header.b=gfT/i2HB"): kept
 *   authres.unregistered-method  low     a method not in IANA's registry
 *   authres.unregistered-result  low     a result not registered for its
 *                                        method
 *   authres.unregistered-ptype   low     a property type not registered
 *   authres.unknown-version      medium  an authres-version or a method
 *                                        version other than 1: readers
 *                                        that follow the RFC ignore the
 *                                        field (or the result)
 *   authres.arc-instance         medium  an ARC value without "i=N;" at
 *                                        its start, or N outside 1..50
 *   authres.unterminated-comment medium  "(" without ")": the rest of the
 *                                        field is the comment
 *   authres.unterminated-quote   medium  a quote without its closing
 *                                        quote: the rest is the value
 *   authres.deep-comment         medium  comments nested deeper than
 *                                        LF_AUTHRES_MAX_DEPTH
 *   authres.not-utf8             medium  a value or comment that is not
 *                                        UTF-8: escaped visibly
 *   authres.nul                  high    a value or comment that holds
 *                                        NUL: escaped visibly, since C
 *                                        readers would cut it there
 *   authres.too-many-results     medium  more than LF_AUTHRES_MAX_RESULTS:
 *                                        the rest of the field is ignored
 *   authres.too-many-properties  medium  more than LF_AUTHRES_MAX_PROPS in
 *                                        one result: the rest of it is
 *                                        ignored
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lf/authres.h"
#include "lf/text.h"

#define NO_STR SIZE_MAX     /* an absent string in the arena */
#define ARC_MAX_INSTANCE 50 /* RFC 8617 section 4.2.1 */

/*
 * IANA "Email Authentication Result Names": which results each method of
 * "Email Authentication Methods" registers (RFC 8601 section 2.7, RFC
 * 5617, 6212, 6541, 7281, 7293, 7489, 8617, 8904).
 */
enum {
	R_NONE = 1 << 0,
	R_PASS = 1 << 1,
	R_FAIL = 1 << 2,
	R_SOFTFAIL = 1 << 3,
	R_NEUTRAL = 1 << 4,
	R_POLICY = 1 << 5,
	R_TEMPERROR = 1 << 6,
	R_PERMERROR = 1 << 7,
	R_HARDFAIL = 1 << 8, /* RFC 5451, deprecated since RFC 7001 */
	R_UNKNOWN = 1 << 9,
	R_DISCARD = 1 << 10,
	R_NXDOMAIN = 1 << 11
};

static const char *const result_names[] = {"none", "pass", "fail", "softfail",
    "neutral", "policy", "temperror", "permerror", "hardfail", "unknown",
    "discard", "nxdomain"};

#define R_BASIC (R_NONE | R_PASS | R_FAIL | R_TEMPERROR | R_PERMERROR)
#define R_SIG (R_BASIC | R_POLICY | R_NEUTRAL)

static const struct method {
	const char *name;
	unsigned results;
} methods[] = {
    {"arc", R_NONE | R_PASS | R_FAIL},
    {"auth", R_BASIC},
    {"dkim", R_SIG},
    {"dkim-adsp", R_BASIC | R_UNKNOWN | R_DISCARD | R_NXDOMAIN},
    {"dkim-atps", R_BASIC},
    {"dmarc", R_BASIC},
    {"dnswl", R_NONE | R_PASS | R_TEMPERROR | R_PERMERROR},
    {"domainkeys", R_SIG},
    {"iprev", R_PASS | R_FAIL | R_TEMPERROR | R_PERMERROR},
    {"rrvs", R_BASIC | R_UNKNOWN},
    {"sender-id", R_SIG | R_SOFTFAIL | R_HARDFAIL},
    {"smime", R_SIG},
    {"spf", R_SIG | R_SOFTFAIL | R_HARDFAIL},
    {"vbr", R_BASIC},
};

/*
 * Names that start a new result when they appear, followed by "=", where
 * a property should be: the registered methods and the extensions
 * servers write (Microsoft's composite authentication, BIMI).
 */
static const char *const extra_methods[] = {"compauth", "bimi"};

/* IANA "Email Authentication Property Types" (RFC 8601, 8904, DMARCbis). */
static const char *const ptypes[] = {"body", "dns", "header", "policy",
    "polrec", "smtp"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A property, its strings as arena offsets. */
struct prop {
	size_t ptype, property, value;
	bool quoted, registered;
	size_t offset;
};

/* A result, its strings as arena offsets. */
struct result {
	size_t method, result, reason, comment;
	unsigned method_version;
	bool reason_quoted, method_registered, result_registered;
	size_t offset, length;
	size_t prop0, nprops; /* its properties in the parser's array */
};

struct parser {
	const uint8_t *p;
	size_t n;
	lf_anomaly_fn anomaly;
	void *arg;
	struct lf_error *err;
	struct lf_buf strings; /* every string, each followed by NUL */
	struct lf_buf tmp;     /* a value being unquoted */
	struct lf_buf note;    /* a result's comments being joined */
	struct result *res;
	size_t nres, rescap;
	struct prop *props;
	size_t nprops, propcap;
	size_t authserv_id;
	unsigned version, instance;
	bool no_result, full;
	bool said_comment, said_quote, said_deep, said_none;
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
	ps->anomaly(ps->arg, &a);
}

static bool
is_wsp(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(uint8_t c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Keyword (RFC 5321 Ldh-str), and "_", which some servers write. */
static bool
is_name(uint8_t c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

/* RFC 2045 token characters. */
static bool
is_token(uint8_t c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* RFC 5322 atext, and the UTF-8 of RFC 6532. */
static bool
is_atext(uint8_t c)
{
	return is_alnum(c) || c >= 0x80 ||
	    (c > 0x20 && c < 0x7f && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* What an unquoted value is taken as: up to blanks, ";", comments. */
static bool
is_run(uint8_t c)
{
	return c > 0x20 && c != 0x7f && c != ';' && c != '(' && c != ')' &&
	    c != '"';
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

static size_t
name_end(const struct parser *ps, size_t i)
{
	while (i < ps->n && is_name(ps->p[i]))
		i++;
	return i;
}

static size_t
run_end(const struct parser *ps, size_t i)
{
	while (i < ps->n && is_run(ps->p[i]))
		i++;
	return i;
}

/* Whether p[s..e) is word, ASCII case aside. */
static bool
span_is(const struct parser *ps, size_t s, size_t e, const char *word)
{
	size_t i, len = strlen(word);

	if (e - s != len)
		return false;
	for (i = 0; i < len; i++) {
		if (lower(ps->p[s + i]) != (uint8_t)word[i])
			return false;
	}
	return true;
}

static const struct method *
find_method(const struct parser *ps, size_t s, size_t e)
{
	size_t i;

	for (i = 0; i < NELEM(methods); i++) {
		if (span_is(ps, s, e, methods[i].name))
			return &methods[i];
	}
	return NULL;
}

static unsigned
find_result(const struct parser *ps, size_t s, size_t e)
{
	size_t i;

	for (i = 0; i < NELEM(result_names); i++) {
		if (span_is(ps, s, e, result_names[i]))
			return 1u << i;
	}
	return 0;
}

/* A name that, followed by "=", starts a result rather than a property. */
static bool
starts_result(const struct parser *ps, size_t s, size_t e)
{
	size_t i;

	if (find_method(ps, s, e) != NULL)
		return true;
	for (i = 0; i < NELEM(extra_methods); i++) {
		if (span_is(ps, s, e, extra_methods[i]))
			return true;
	}
	return false;
}

/*
 * The end of the comment at p[i] == '(': just past its ")", or n with
 * *closed false.  Nesting is counted, never recursed into.
 */
static size_t
comment_end(struct parser *ps, size_t i, bool *closed)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, depth = 0, start = i;

	for (; i < n; i++) {
		if (p[i] == '\\') {
			i++; /* a quoted-pair; past n ends the loop */
		} else if (p[i] == '(') {
			if (++depth > LF_AUTHRES_MAX_DEPTH && !ps->said_deep) {
				ps->said_deep = true;
				report(ps, "authres.deep-comment",
				    LF_SEV_MEDIUM, i,
				    "comments nested too deep");
			}
		} else if (p[i] == ')' && --depth == 0) {
			*closed = true;
			return i + 1;
		}
	}
	if (!ps->said_comment) {
		ps->said_comment = true;
		report(ps, "authres.unterminated-comment", LF_SEV_MEDIUM, start,
		    "comment without \")\": taken to the end");
	}
	*closed = false;
	return n;
}

/* The closing quote of the quoted string at p[i] == '"', or n. */
static size_t
quote_close(struct parser *ps, size_t i)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, start = i;

	for (i++; i < n; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '"')
			return i;
	}
	if (!ps->said_quote) {
		ps->said_quote = true;
		report(ps, "authres.unterminated-quote", LF_SEV_MEDIUM, start,
		    "quoted string without its closing quote: taken to the "
		    "end");
	}
	return n;
}

static size_t
skip_cfws(struct parser *ps, size_t i)
{
	bool closed;

	while (i < ps->n) {
		if (is_wsp(ps->p[i]))
			i++;
		else if (ps->p[i] == '(')
			i = comment_end(ps, i, &closed);
		else
			break;
	}
	return i;
}

/* Past the next ";" that is outside quotes and comments: at it, or n. */
static size_t
skip_to_semicolon(struct parser *ps, size_t i)
{
	bool closed;
	size_t q;

	while (i < ps->n && ps->p[i] != ';') {
		if (ps->p[i] == '"') {
			q = quote_close(ps, i);
			i = q < ps->n ? q + 1 : q;
		} else if (ps->p[i] == '(') {
			i = comment_end(ps, i, &closed);
		} else {
			i++;
		}
	}
	return i;
}

static size_t
trim_end(const struct parser *ps, size_t s, size_t e)
{
	while (e > s && is_wsp(ps->p[e - 1]))
		e--;
	return e;
}

/*
 * Append p[s..e) to out with quoted-pairs undone.  Line breaks are
 * dropped (folding inside a quoted string); with fold, a run of blanks
 * that holds a line break becomes one space instead (comments, which are
 * for reading).
 */
static int
append_text(struct parser *ps, struct lf_buf *out, size_t s, size_t e,
    bool fold)
{
	const uint8_t *p = ps->p;
	size_t k, base = out->len;
	int rc;

	for (k = s; k < e; k++) {
		uint8_t c = p[k];

		if (c == '\\' && k + 1 < e) {
			c = p[++k];
		} else if (c == '\r' || c == '\n') {
			if (!fold)
				continue;
			while (out->len > base &&
			    (out->data[out->len - 1] == ' ' ||
			        out->data[out->len - 1] == '\t'))
				out->len--;
			while (k + 1 < e && is_wsp(p[k + 1]))
				k++;
			c = ' ';
		}
		if ((rc = lf_buf_putc(out, c, ps->err)) != LF_OK)
			return rc;
	}
	return LF_OK;
}

/*
 * Copy s[0..len) to the arena, NUL-terminated, at *off: as is when it is
 * UTF-8 without NUL, else escaped visibly.
 */
static int
put_str(struct parser *ps, const uint8_t *s, size_t len, size_t at, size_t *off)
{
	bool nul;
	int rc = LF_OK;

	*off = ps->strings.len;
	if (len > 0) {
		nul = memchr(s, 0, len) != NULL;
		if (!nul && lf_utf8_valid(s, len)) {
			rc = lf_buf_append(&ps->strings, s, len, ps->err);
		} else {
			if (nul)
				report(ps, "authres.nul", LF_SEV_HIGH, at,
				    "NUL byte in a value or comment: escaped");
			if (!lf_utf8_valid(s, len))
				report(ps, "authres.not-utf8", LF_SEV_MEDIUM,
				    at,
				    "value or comment is not UTF-8: "
				    "escaped");
			rc =
			    lf_escape_visible(&ps->strings, s, len, 0, ps->err);
		}
	}
	if (rc == LF_OK)
		rc = lf_buf_putc(&ps->strings, '\0', ps->err);
	return rc;
}

/* Copy the name p[s..e), lowercased, to the arena at *off. */
static int
put_name(struct parser *ps, size_t s, size_t e, size_t *off)
{
	size_t k;
	int rc;

	*off = ps->strings.len;
	if (e > s &&
	    (rc = lf_buf_append(&ps->strings, ps->p + s, e - s, ps->err)) !=
	        LF_OK)
		return rc;
	if ((rc = lf_buf_putc(&ps->strings, '\0', ps->err)) != LF_OK)
		return rc;
	for (k = *off; k < ps->strings.len; k++)
		ps->strings.data[k] = lower(ps->strings.data[k]);
	return LF_OK;
}

/* A dot-atom-text, or a domain name's labels (alnum, "-", "_", UTF-8). */
static bool
dotted(const uint8_t *s, size_t len, bool domain)
{
	size_t i;
	bool empty = true;

	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (empty)
				return false;
			empty = true;
		} else if (domain ? is_name(s[i]) || s[i] >= 0x80 :
		                    is_atext(s[i])) {
			empty = false;
		} else {
			return false;
		}
	}
	return !empty;
}

/* An unquoted value as RFC 8601 has it: token / [[local-part] "@"] domain. */
static bool
plain_value(const uint8_t *s, size_t len)
{
	size_t i, at = len;

	for (i = 0; i < len && is_token(s[i]); i++)
		;
	if (i == len)
		return true;
	if (!lf_utf8_valid(s, len))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '@')
			at = i;
	}
	if (at == len)
		return dotted(s, len, true);
	return (at == 0 || dotted(s, at, false)) &&
	    dotted(s + at + 1, len - at - 1, true);
}

/*
 * Whether p[i] starts "name=", "name/" or "ptype.property=": what comes
 * after a value left empty ("smtp.mailfrom= smtp.helo=h"), not a value.
 */
static bool
is_spec_at(struct parser *ps, size_t i)
{
	size_t e = name_end(ps, i), m;

	if (e == i)
		return false;
	m = skip_cfws(ps, e);
	if (m < ps->n && (ps->p[m] == '=' || ps->p[m] == '/'))
		return true;
	if (m >= ps->n || ps->p[m] != '.')
		return false;
	m = skip_cfws(ps, m + 1);
	e = name_end(ps, m);
	if (e == m)
		return false;
	m = skip_cfws(ps, e);
	return m < ps->n && ps->p[m] == '=';
}

/* Where the value after the "=" at p[eq] starts. */
static size_t
value_start(struct parser *ps, size_t eq)
{
	size_t j = skip_cfws(ps, eq + 1);

	return j > eq + 1 && is_spec_at(ps, j) ? eq + 1 : j;
}

/*
 * The value at *ip: a quoted string (an "@domain" right after it makes an
 * addr-spec with a quoted local-part) or an unquoted run.  Unquoted, goes
 * to the arena at *off.
 */
static int
take_value(struct parser *ps, size_t *ip, bool *quoted, size_t *off)
{
	const uint8_t *p = ps->p;
	size_t i = *ip, start = i, e, q;
	int rc;

	lf_buf_reset(&ps->tmp);
	*quoted = false;
	if (i < ps->n && p[i] == '"') {
		*quoted = true;
		q = quote_close(ps, i);
		if ((rc = append_text(ps, &ps->tmp, i + 1, q, false)) != LF_OK)
			return rc;
		i = q < ps->n ? q + 1 : q;
		if (i < ps->n && p[i] == '@') {
			e = run_end(ps, i + 1);
			if ((rc = lf_buf_append(&ps->tmp, p + i, e - i,
			         ps->err)) != LF_OK)
				return rc;
			if (!dotted(p + i + 1, e - i - 1, true))
				report(ps, "authres.bad-value", LF_SEV_LOW, i,
				    "not a domain after a quoted local-part");
			i = e;
		}
	} else {
		e = run_end(ps, i);
		if (e == i)
			report(ps, "authres.empty-value", LF_SEV_LOW, i,
			    "\"=\" without a value");
		else if (!plain_value(p + i, e - i))
			report(ps, "authres.bad-value", LF_SEV_LOW, i,
			    "unquoted value with characters a token cannot "
			    "hold: kept as written");
		if (e > i &&
		    (rc = lf_buf_append(&ps->tmp, p + i, e - i, ps->err)) !=
		        LF_OK)
			return rc;
		i = e;
	}
	*ip = i;
	return put_str(ps, ps->tmp.data, ps->tmp.len, start, off);
}

/*
 * Trim the blanks around the comment text appended to b from s on; drop
 * it, and the space before it at mark, when nothing is left.
 */
static void
trim_piece(struct lf_buf *b, size_t mark, size_t s)
{
	size_t lead = s;

	while (b->len > s && is_wsp(b->data[b->len - 1]))
		b->len--;
	while (lead < b->len && is_wsp(b->data[lead]))
		lead++;
	if (lead > s) {
		memmove(b->data + s, b->data + lead, b->len - lead);
		b->len -= lead - s;
	}
	if (b->len == s)
		b->len = mark;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/*
 * Skip CFWS from *ip; with keep, append the text of each comment to it,
 * trimmed, joined by a space.
 */
static int
skip_keep(struct parser *ps, size_t *ip, struct lf_buf *keep)
{
	size_t i = *ip, e, s, mark;
	bool closed;
	int rc;

	while (i < ps->n) {
		if (is_wsp(ps->p[i])) {
			i++;
			continue;
		}
		if (ps->p[i] != '(')
			break;
		e = comment_end(ps, i, &closed);
		if (keep != NULL) {
			mark = keep->len;
			if (mark > 0 &&
			    (rc = lf_buf_putc(keep, ' ', ps->err)) != LF_OK)
				return rc;
			s = keep->len;
			if ((rc = append_text(ps, keep, i + 1,
			         closed ? e - 1 : e, true)) != LF_OK)
				return rc;
			trim_piece(keep, mark, s);
		}
		i = e;
	}
	*ip = i;
	return LF_OK;
}

/* Digits at p[s..e) as a number, saturated at UINT_MAX. */
static unsigned
number(const struct parser *ps, size_t s, size_t e)
{
	unsigned v = 0;

	for (; s < e; s++) {
		unsigned d = (unsigned)(ps->p[s] - '0');

		if (v > (UINT_MAX - d) / 10)
			return UINT_MAX;
		v = v * 10 + d;
	}
	return v;
}

static size_t
digits_end(const struct parser *ps, size_t i)
{
	while (i < ps->n && is_digit(ps->p[i]))
		i++;
	return i;
}

static int
grow(void **v, size_t *cap, size_t len, size_t size, size_t max,
    struct lf_error *err)
{
	size_t ncap;
	void *nv;

	if (len < *cap)
		return LF_OK;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if (ncap > max)
		ncap = max;
	if ((nv = reallocarray(*v, ncap, size)) == NULL)
		return lf_error_set(err, LF_E_NOMEM,
		    "authentication-results: out of memory");
	*v = nv;
	*cap = ncap;
	return LF_OK;
}

static int
add_prop(struct parser *ps, struct result *r, size_t at, struct prop **pp)
{
	struct prop *pr;
	int rc;

	if ((rc = grow((void **)&ps->props, &ps->propcap, ps->nprops,
	         sizeof(*ps->props),
	         LF_AUTHRES_MAX_RESULTS * LF_AUTHRES_MAX_PROPS, ps->err)) !=
	    LF_OK)
		return rc;
	pr = &ps->props[ps->nprops++];
	memset(pr, 0, sizeof(*pr));
	pr->offset = at;
	r->nprops++;
	*pp = pr;
	return LF_OK;
}

/* "ptype.property=value" at p[i], ptype p[i..pe), "." at p[dot]. */
static int
take_propspec(struct parser *ps, struct result *r, size_t *ip, size_t pe,
    size_t dot)
{
	size_t i = *ip, s, e, j, k;
	struct prop *pr;
	int rc;

	s = skip_cfws(ps, dot + 1);
	e = name_end(ps, s);
	if (e == s) {
		report(ps, "authres.syntax", LF_SEV_MEDIUM, s,
		    "no property name after \".\"");
		*ip = skip_to_semicolon(ps, s);
		return LF_OK;
	}
	j = skip_cfws(ps, e);
	if (j >= ps->n || ps->p[j] != '=') {
		report(ps, "authres.syntax", LF_SEV_MEDIUM, j,
		    "no \"=\" after a property name");
		*ip = skip_to_semicolon(ps, j);
		return LF_OK;
	}
	if ((rc = add_prop(ps, r, i, &pr)) != LF_OK)
		return rc;
	for (k = 0; k < NELEM(ptypes) && !pr->registered; k++)
		pr->registered = span_is(ps, i, pe, ptypes[k]);
	if (!pr->registered)
		report(ps, "authres.unregistered-ptype", LF_SEV_LOW, i,
		    "property type not in IANA's registry");
	if ((rc = put_name(ps, i, pe, &pr->ptype)) != LF_OK ||
	    (rc = put_name(ps, s, e, &pr->property)) != LF_OK)
		return rc;
	j = value_start(ps, j);
	rc = take_value(ps, &j, &pr->quoted, &pr->value);
	*ip = j;
	return rc;
}

/* "name=value" at p[i], name p[i..ne), "=" at p[eq]: no ptype. */
static int
take_bare(struct parser *ps, struct result *r, size_t *ip, size_t ne, size_t eq)
{
	size_t i = *ip, j;
	struct prop *pr;
	int rc;

	if ((rc = add_prop(ps, r, i, &pr)) != LF_OK)
		return rc;
	pr->registered = false;
	if ((rc = put_name(ps, i, i, &pr->ptype)) != LF_OK ||
	    (rc = put_name(ps, i, ne, &pr->property)) != LF_OK)
		return rc;
	j = value_start(ps, eq);
	rc = take_value(ps, &j, &pr->quoted, &pr->value);
	*ip = j;
	return rc;
}

/*
 * After a result: reasonspec, propspecs, and what servers put among them.
 * Stops at the ";" that ends the result, at the end, or at the name of a
 * result that follows without ";".
 */
static int
take_props(struct parser *ps, struct result *r, size_t *ip)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i = *ip, ne, m;
	int rc;

	lf_buf_reset(&ps->note);
	for (;;) {
		if ((rc = skip_keep(ps, &i,
		         r->nprops == 0 ? &ps->note : NULL)) != LF_OK)
			return rc;
		if (i >= n || p[i] == ';')
			break;
		ne = name_end(ps, i);
		m = ne > i ? skip_cfws(ps, ne) : i;
		if (ne == i || m >= n ||
		    (p[m] != '.' && p[m] != '=' && p[m] != '/')) {
			report(ps, "authres.syntax", LF_SEV_MEDIUM, i,
			    "not a property after a result");
			i = skip_to_semicolon(ps, i);
			break;
		}
		if (p[m] == '/' || (p[m] == '=' && starts_result(ps, i, ne)))
			break; /* the next result, without ";" */
		if (r->nprops >= LF_AUTHRES_MAX_PROPS) {
			report(ps, "authres.too-many-properties", LF_SEV_MEDIUM,
			    i,
			    "too many properties; the rest of the result is "
			    "ignored");
			i = skip_to_semicolon(ps, i);
			break;
		}
		if (p[m] == '.') {
			rc = take_propspec(ps, r, &i, ne, m);
		} else if (span_is(ps, i, ne, "reason") &&
		    r->reason == NO_STR) {
			if (r->nprops > 0)
				report(ps, "authres.misplaced-reason",
				    LF_SEV_LOW, i,
				    "reason= after the properties");
			i = value_start(ps, m);
			rc = take_value(ps, &i, &r->reason_quoted, &r->reason);
		} else {
			if (span_is(ps, i, ne, "reason"))
				report(ps, "authres.duplicate-reason",
				    LF_SEV_LOW, i,
				    "a second reason=: kept as a property");
			else
				report(ps, "authres.bare-property", LF_SEV_LOW,
				    i, "name=value without a property type");
			rc = take_bare(ps, r, &i, ne, m);
		}
		if (rc != LF_OK)
			return rc;
	}
	if (ps->note.len > 0 &&
	    (rc = put_str(ps, ps->note.data, ps->note.len, r->offset,
	         &r->comment)) != LF_OK)
		return rc;
	*ip = i;
	return LF_OK;
}

/* A result at p[i]: a name followed by "=" or "/" (after comments). */
static int
take_result(struct parser *ps, size_t *ip)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i = *ip, e, j, d;
	const struct method *m;
	unsigned bit;
	struct result *r;
	int rc;

	if (ps->nres >= LF_AUTHRES_MAX_RESULTS) {
		report(ps, "authres.too-many-results", LF_SEV_MEDIUM, i,
		    "too many results; the rest of the field is ignored");
		ps->full = true;
		*ip = n;
		return LF_OK;
	}
	if ((rc = grow((void **)&ps->res, &ps->rescap, ps->nres,
	         sizeof(*ps->res), LF_AUTHRES_MAX_RESULTS, ps->err)) != LF_OK)
		return rc;
	r = &ps->res[ps->nres++];
	memset(r, 0, sizeof(*r));
	r->result = r->reason = r->comment = NO_STR;
	r->offset = i;
	r->prop0 = ps->nprops;
	e = name_end(ps, i);
	if ((rc = put_name(ps, i, e, &r->method)) != LF_OK)
		return rc;
	m = find_method(ps, i, e);
	r->method_registered = m != NULL;
	if (m == NULL)
		report(ps, "authres.unregistered-method", LF_SEV_LOW, i,
		    "method not in IANA's registry");
	j = skip_cfws(ps, e);
	if (j < n && p[j] == '/') {
		j = skip_cfws(ps, j + 1);
		d = digits_end(ps, j);
		if (d == j) {
			report(ps, "authres.syntax", LF_SEV_MEDIUM, j,
			    "\"/\" without a method version");
			j = skip_to_semicolon(ps, j);
			goto done;
		}
		r->method_version = number(ps, j, d);
		if (r->method_version != 1)
			report(ps, "authres.unknown-version", LF_SEV_MEDIUM, j,
			    "method version other than 1");
		j = skip_cfws(ps, d);
	}
	if (j >= n || p[j] != '=') {
		report(ps, "authres.syntax", LF_SEV_MEDIUM, j,
		    "no \"=\" after the method");
		j = skip_to_semicolon(ps, j);
		goto done;
	}
	j = skip_cfws(ps, j + 1);
	e = name_end(ps, j);
	if ((rc = put_name(ps, j, e, &r->result)) != LF_OK)
		return rc;
	if (e == j) {
		report(ps, "authres.syntax", LF_SEV_MEDIUM, j,
		    "no result after \"=\"");
		j = skip_to_semicolon(ps, j);
		goto done;
	}
	bit = find_result(ps, j, e);
	r->result_registered = m != NULL && (m->results & bit) != 0;
	if (m != NULL && !r->result_registered)
		report(ps, "authres.unregistered-result", LF_SEV_LOW, j,
		    "result not registered for its method");
	else if (m == NULL && bit == 0)
		report(ps, "authres.unregistered-result", LF_SEV_LOW, j,
		    "result not in IANA's registry");
	j = e;
	if ((rc = take_props(ps, r, &j)) != LF_OK)
		return rc;
done:
	if (r->result == NO_STR &&
	    (rc = put_name(ps, j, j, &r->result)) != LF_OK)
		return rc;
	r->length = trim_end(ps, r->offset, j) - r->offset;
	*ip = j;
	return LF_OK;
}

/*
 * One item between ";": a result, "none", a stray word (skipped), or
 * bytes that are none of these.
 */
static int
take_item(struct parser *ps, size_t *ip)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i = *ip, e, j;

	e = name_end(ps, i);
	j = e > i ? skip_cfws(ps, e) : i;
	if (e > i && j < n && (p[j] == '=' || p[j] == '/')) {
		if (ps->no_result && !ps->said_none) {
			ps->said_none = true;
			report(ps, "authres.none-with-results", LF_SEV_MEDIUM,
			    i, "a result after \"none\"");
		}
		return take_result(ps, ip);
	}
	if (e > i && span_is(ps, i, e, "none") && (j >= n || p[j] == ';') &&
	    !ps->no_result) {
		ps->no_result = true;
		if (ps->nres > 0 && !ps->said_none) {
			ps->said_none = true;
			report(ps, "authres.none-with-results", LF_SEV_MEDIUM,
			    i, "\"none\" after a result");
		}
		*ip = j;
		return LF_OK;
	}
	if (p[i] == '"') {
		e = quote_close(ps, i);
		e = e < n ? e + 1 : e;
	} else {
		e = run_end(ps, i);
	}
	j = skip_cfws(ps, e);
	if (e > i && (p[i] == '"' || plain_value(p + i, e - i)) &&
	    (j >= n || p[j] == ';')) {
		report(ps, "authres.stray-token", LF_SEV_LOW, i,
		    "a word without \"=\" where a result should be");
		*ip = j;
		return LF_OK;
	}
	report(ps, "authres.syntax", LF_SEV_MEDIUM, i, "not a result");
	*ip = skip_to_semicolon(ps, i);
	return LF_OK;
}

/*
 * The results from p[i]; sep says whether one may start there without a
 * ";" before it.
 */
static int
take_results(struct parser *ps, size_t i, bool sep)
{
	size_t last = 0;
	bool items = false, said = false;
	int rc;

	for (;;) {
		i = skip_cfws(ps, i);
		if (i >= ps->n || ps->full)
			break;
		if (ps->p[i] == ';') {
			said = sep;
			if (sep)
				report(ps, "authres.extra-semicolon",
				    LF_SEV_LOW, i,
				    "empty result between \";\"");
			sep = true;
			last = i++;
			continue;
		}
		if (!sep)
			report(ps, "authres.missing-semicolon", LF_SEV_MEDIUM,
			    i, "result not preceded by \";\"");
		sep = false;
		items = true;
		if ((rc = take_item(ps, &i)) != LF_OK)
			return rc;
	}
	if (sep && items && !said && !ps->full)
		report(ps, "authres.extra-semicolon", LF_SEV_LOW, last,
		    "\";\" at the end of the field");
	return LF_OK;
}

/* ARC: "i=N;" at the start.  Returns where the payload starts. */
static size_t
take_instance(struct parser *ps)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i, j, d;

	i = skip_cfws(ps, 0);
	if (i < n && (p[i] == 'i' || p[i] == 'I')) {
		j = skip_cfws(ps, i + 1);
		if (j < n && p[j] == '=') {
			j = skip_cfws(ps, j + 1);
			d = digits_end(ps, j);
			i = skip_cfws(ps, d);
			if (d > j && i < n && p[i] == ';') {
				ps->instance = number(ps, j, d);
				if (ps->instance < 1 ||
				    ps->instance > ARC_MAX_INSTANCE)
					report(ps, "authres.arc-instance",
					    LF_SEV_MEDIUM, j,
					    "ARC instance outside 1..50");
				return i + 1;
			}
		}
	}
	report(ps, "authres.arc-instance", LF_SEV_MEDIUM, 0,
	    "no \"i=N;\" at the start of an ARC field");
	return 0;
}

/*
 * The authserv-id and version, or their absence.  Returns where the
 * results start in *ip and whether one may start there without ";".
 */
static int
take_head(struct parser *ps, size_t *ip, bool *sep)
{
	const uint8_t *p = ps->p;
	size_t n = ps->n, i, e, j, d;
	bool quoted;
	int rc;

	*sep = false;
	i = skip_cfws(ps, *ip);
	*ip = i;
	if (i >= n)
		return LF_OK;
	e = name_end(ps, i);
	j = e > i ? skip_cfws(ps, e) : i;
	if (e > i && j < n && (p[j] == '=' || p[j] == '/')) {
		report(ps, "authres.no-authserv-id", LF_SEV_LOW, i,
		    "the field starts with a result, without authserv-id");
		*sep = true;
		return LF_OK;
	}
	if (p[i] == ';') {
		report(ps, "authres.no-authserv-id", LF_SEV_LOW, i,
		    "the field starts with \";\", without authserv-id");
		return LF_OK;
	}
	e = run_end(ps, i);
	if (p[i] != '"' && (e == i || !plain_value(p + i, e - i))) {
		report(ps, "authres.syntax", LF_SEV_MEDIUM, i,
		    "not an authserv-id");
		*ip = skip_to_semicolon(ps, i);
		return LF_OK;
	}
	if ((rc = take_value(ps, &i, &quoted, &ps->authserv_id)) != LF_OK)
		return rc;
	j = skip_cfws(ps, i);
	d = digits_end(ps, j);
	if (d > j && (d >= n || is_wsp(p[d]) || p[d] == '(' || p[d] == ';')) {
		ps->version = number(ps, j, d);
		if (ps->version != 1)
			report(ps, "authres.unknown-version", LF_SEV_MEDIUM, j,
			    "authres-version other than 1");
		j = skip_cfws(ps, d);
	}
	if (j < n && p[j] != ';') {
		e = name_end(ps, j);
		d = e > j ? skip_cfws(ps, e) : j;
		if (!(e > j && d < n && (p[d] == '=' || p[d] == '/'))) {
			report(ps, "authres.syntax", LF_SEV_MEDIUM, j,
			    "bytes after the authserv-id");
			j = skip_to_semicolon(ps, j);
		}
	}
	*ip = j;
	return LF_OK;
}

static const char *
str_at(const struct parser *ps, size_t off)
{
	return off == NO_STR ? NULL : (const char *)ps->strings.data + off;
}

/* The parser's arrays as the public struct, the arena handed over. */
static int
build(struct parser *ps, struct lf_authres **out)
{
	struct lf_authres *ar;
	struct lf_authres_result *rs = NULL;
	struct lf_authres_prop *pp = NULL;
	size_t i;

	ar = calloc(1, sizeof(*ar));
	if (ps->nres > 0)
		rs = calloc(ps->nres, sizeof(*rs));
	if (ps->nprops > 0)
		pp = calloc(ps->nprops, sizeof(*pp));
	if (ar == NULL || (ps->nres > 0 && rs == NULL) ||
	    (ps->nprops > 0 && pp == NULL)) {
		free(ar);
		free(rs);
		free(pp);
		return lf_error_set(ps->err, LF_E_NOMEM,
		    "authentication-results: out of memory");
	}
	for (i = 0; i < ps->nprops; i++) {
		pp[i].ptype = str_at(ps, ps->props[i].ptype);
		pp[i].property = str_at(ps, ps->props[i].property);
		pp[i].value = str_at(ps, ps->props[i].value);
		pp[i].quoted = ps->props[i].quoted;
		pp[i].registered = ps->props[i].registered;
		pp[i].offset = ps->props[i].offset;
	}
	for (i = 0; i < ps->nres; i++) {
		const struct result *r = &ps->res[i];

		rs[i].method = str_at(ps, r->method);
		rs[i].method_version = r->method_version;
		rs[i].result = str_at(ps, r->result);
		rs[i].reason = str_at(ps, r->reason);
		rs[i].reason_quoted = r->reason_quoted;
		rs[i].comment = str_at(ps, r->comment);
		rs[i].props = r->nprops > 0 ? pp + r->prop0 : NULL;
		rs[i].nprops = r->nprops;
		rs[i].method_registered = r->method_registered;
		rs[i].result_registered = r->result_registered;
		rs[i].offset = r->offset;
		rs[i].length = r->length;
	}
	ar->authserv_id = str_at(ps, ps->authserv_id);
	ar->version = ps->version;
	ar->arc_instance = ps->instance;
	ar->no_result = ps->no_result;
	ar->results = rs;
	ar->nresults = ps->nres;
	ar->props = pp;
	ar->nprops = ps->nprops;
	ar->strings = ps->strings;
	lf_buf_init(&ps->strings, 0);
	*out = ar;
	return LF_OK;
}

static int
parse(const uint8_t *value, size_t n, bool arc, struct lf_authres **out,
    lf_anomaly_fn anomaly, void *arg, struct lf_error *err)
{
	const char *what =
	    arc ? "arc-authentication-results" : "authentication-results";
	struct parser ps;
	size_t i = 0;
	bool sep;
	int rc;

	if (out == NULL || (value == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "%s: NULL argument", what);
	/* Escapes write at most 4 bytes a byte; NULs and joins, less
	 * than 4 a byte more. */
	if (n > (SIZE_MAX - 64) / 8)
		return lf_error_set(err, LF_E_INVAL, "%s: field too large",
		    what);
	memset(&ps, 0, sizeof(ps));
	ps.p = value;
	ps.n = n;
	ps.anomaly = anomaly;
	ps.arg = arg;
	ps.err = err;
	ps.authserv_id = NO_STR;
	lf_buf_init(&ps.strings, 8 * n + 64);
	lf_buf_init(&ps.tmp, n + 1);
	lf_buf_init(&ps.note, 2 * n + 1);
	if (arc)
		i = take_instance(&ps);
	if ((rc = take_head(&ps, &i, &sep)) != LF_OK ||
	    (rc = take_results(&ps, i, sep)) != LF_OK)
		goto out;
	if (ps.authserv_id == NO_STR && ps.nres == 0 && !ps.no_result) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "%s: no authserv-id, \"none\" or result in the field",
		    what);
		goto out;
	}
	if (ps.authserv_id != NO_STR && ps.nres == 0 && !ps.no_result)
		report(&ps, "authres.no-results", LF_SEV_LOW, i,
		    "an authserv-id without \"none\" or a result");
	rc = build(&ps, out);
out:
	lf_buf_release(&ps.strings);
	lf_buf_release(&ps.tmp);
	lf_buf_release(&ps.note);
	free(ps.res);
	free(ps.props);
	return rc;
}

int
lf_authres_parse(const uint8_t *value, size_t n, struct lf_authres **out,
    lf_anomaly_fn anomaly, void *arg, struct lf_error *err)
{
	return parse(value, n, false, out, anomaly, arg, err);
}

int
lf_authres_parse_arc(const uint8_t *value, size_t n, struct lf_authres **out,
    lf_anomaly_fn anomaly, void *arg, struct lf_error *err)
{
	return parse(value, n, true, out, anomaly, arg, err);
}

void
lf_authres_free(struct lf_authres *ar)
{
	if (ar == NULL)
		return;
	free(ar->props);
	free(ar->results);
	lf_buf_release(&ar->strings);
	free(ar);
}

const struct lf_authres_prop *
lf_authres_prop(const struct lf_authres_result *r, const char *ptype,
    const char *property)
{
	size_t i;

	if (r == NULL || ptype == NULL || property == NULL)
		return NULL;
	for (i = 0; i < r->nprops; i++) {
		if (strcmp(r->props[i].ptype, ptype) == 0 &&
		    strcmp(r->props[i].property, property) == 0)
			return &r->props[i];
	}
	return NULL;
}
