/*
 * lf_dkim.c: DKIM tag lists, DKIM-Signature fields and key records
 * (RFC 6376 3.2, 3.5, 3.6.1; RFC 8301; RFC 8463).
 *
 * Every value is judged where it is parsed, so that the verifier
 * (lf_dkimverify.c) only compares hashes and checks keys.  Nothing here
 * allocates in proportion to what the input declares: b=, bh= and p= are
 * decoded into fixed buffers sized for the largest key we accept, and h=
 * is split into at most max_h names, counted before anything is
 * allocated.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lf/dkim.h"
#include "lf_bytes.h"
#include "lf_dkim_impl.h"

#define KEY_DER_MAX 2600 /* SubjectPublicKeyInfo of a 16384-bit key */
#define NAME_MAX_LEN 253 /* of a domain name, no trailing dot */
#define LABEL_MAX 63

static const char *const verdict_names[LF_DKIM_NVERDICTS] = {
    "pass",
    "pass-weak",
    "fail-body-hash",
    "fail-signature",
    "no-key",
    "key-revoked",
    "key-syntax",
    "key-mismatch",
    "key-too-small",
    "sig-syntax",
    "identity-mismatch",
    "unsupported",
    "expired",
    "future",
    "limit",
};

/* Shared with lf_dkimverify.c through its address: the one reason the
 * lenient verdict looks past. */
const char lf_dkim_reason_junk[] = "bytes after the base64 padding";

const char *
lf_dkim_verdict_name(enum lf_dkim_verdict v)
{
	if ((unsigned)v >= LF_DKIM_NVERDICTS)
		return "unknown";
	return verdict_names[v];
}

void
lf_dkim_options_default(struct lf_dkim_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_sigs = 16;
	o->max_tags = 64;
	o->max_h = 64;
	o->clock_skew = 300;
}

static bool
is_wsp(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/* VALCHAR (%x21-3A / %x3C-7E), and UTF-8 bytes (RFC 8616). */
static bool
is_valchar(uint8_t c)
{
	return (c >= 0x21 && c <= 0x7e && c != ';') || c >= 0x80;
}

static bool
span_eq_ci(const uint8_t *p, size_t n, const char *s)
{
	size_t i;

	if (strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(p[i]) != lower((uint8_t)s[i]))
			return false;
	return true;
}

/* ---- Tag lists ---- */

static size_t
skip_wsp(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && is_wsp(p[i]))
		i++;
	return i;
}

int
lf_dkim_tags_parse(const uint8_t *p, size_t n, size_t max_tags,
    struct lf_dkim_taglist *out, struct lf_error *err)
{
	struct lf_dkim_taglist t = {NULL, 0, LF_DKIM_TAGS_OK, 0};
	size_t cap = 0, i = 0, j;

	if (out == NULL || (p == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "dkim tags: bad call");
	for (;;) {
		struct lf_dkim_tag tag;
		size_t vend;

		i = skip_wsp(p, n, i);
		if (i == n)
			break; /* the end, or a trailing ";" */
		memset(&tag, 0, sizeof(tag));
		tag.offset = i;
		tag.name = p + i;
		if (!is_alpha(p[i]))
			goto syntax;
		while (
		    i < n && (is_alpha(p[i]) || is_digit(p[i]) || p[i] == '_'))
			i++;
		tag.name_len = (size_t)(p + i - tag.name);
		i = skip_wsp(p, n, i);
		if (i == n || p[i] != '=')
			goto syntax;
		tag.eq = p + i;
		i = skip_wsp(p, n, i + 1);
		tag.value = p + i;
		vend = i;
		while (i < n && p[i] != ';') {
			if (is_valchar(p[i]))
				vend = i + 1;
			else if (!is_wsp(p[i]))
				goto syntax;
			i++;
		}
		tag.value_len = vend - (size_t)(tag.value - p);
		for (j = 0; j < t.count; j++) {
			if (t.tags[j].name_len == tag.name_len &&
			    memcmp(t.tags[j].name, tag.name, tag.name_len) ==
			        0) {
				t.status = LF_DKIM_TAGS_DUPLICATE;
				t.error_offset = tag.offset;
				goto done;
			}
		}
		if (t.count >= max_tags) {
			t.status = LF_DKIM_TAGS_LIMIT;
			t.error_offset = tag.offset;
			goto done;
		}
		if (t.count == cap) {
			size_t ncap = cap == 0 ? 16 : cap * 2;
			struct lf_dkim_tag *nt;

			if (ncap > max_tags)
				ncap = max_tags;
			nt = reallocarray(t.tags, ncap, sizeof(*nt));
			if (nt == NULL) {
				free(t.tags);
				return lf_error_set(err, LF_E_NOMEM,
				    "dkim tags");
			}
			t.tags = nt;
			cap = ncap;
		}
		t.tags[t.count++] = tag;
		if (i == n)
			break;
		i++; /* the ";" */
	}
	goto done;
syntax:
	t.status = LF_DKIM_TAGS_SYNTAX;
	t.error_offset = i;
done:
	*out = t;
	return LF_OK;
}

const struct lf_dkim_tag *
lf_dkim_tags_get(const struct lf_dkim_taglist *t, const char *name)
{
	size_t i, n = strlen(name);

	if (t == NULL)
		return NULL;
	for (i = 0; i < t->count; i++)
		if (t->tags[i].name_len == n &&
		    memcmp(t->tags[i].name, name, n) == 0)
			return &t->tags[i];
	return NULL;
}

void
lf_dkim_tags_release(struct lf_dkim_taglist *t)
{
	if (t == NULL)
		return;
	free(t->tags);
	memset(t, 0, sizeof(*t));
}

/* ---- Base64 with FWS (RFC 6376 2.4) ---- */

enum b64 { B64_OK, B64_JUNK, B64_BAD, B64_LONG };

/*
 * Decode p[0..n) into out (at most cap bytes).  Blanks and line ends may
 * be anywhere; the last quantum must be padded.  B64_JUNK: well formed up
 * to the padding, bytes after it (decoded up to the padding).
 */
static enum b64
b64_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	uint32_t acc = 0;
	size_t i, k = 0, len = 0, pad = 0;
	int v;

	for (i = 0; i < n; i++) {
		if (is_wsp(p[i]))
			continue;
		if (p[i] == '=') {
			if (k < 2 || ++pad > 2)
				return B64_BAD;
			k++;
			if (k == 4)
				break;
			continue;
		}
		if (pad > 0 || (v = lf_b64_value(p[i])) < 0)
			return B64_BAD;
		acc = acc << 6 | (uint32_t)v;
		if (++k == 4) {
			if (cap - len < 3)
				return B64_LONG;
			out[len++] = (uint8_t)(acc >> 16);
			out[len++] = (uint8_t)(acc >> 8);
			out[len++] = (uint8_t)acc;
			acc = 0;
			k = 0;
		}
	}
	if (pad > 0) {
		if (k != 4)
			return B64_BAD;
		acc <<= 6 * pad;
		if (cap - len < 3 - pad)
			return B64_LONG;
		out[len++] = (uint8_t)(acc >> 16);
		if (pad == 1)
			out[len++] = (uint8_t)(acc >> 8);
		*outlen = len;
		for (i++; i < n; i++)
			if (!is_wsp(p[i]))
				return B64_JUNK;
		return B64_OK;
	}
	if (k != 0)
		return B64_BAD;
	*outlen = len;
	return B64_OK;
}

/* ---- Names ---- */

/* A domain name (RFC 6376 3.5 d=): LDH labels; underscore too for a
 * selector, as DNS allows it and selectors use it. */
static bool
valid_name(const uint8_t *p, size_t n, bool selector)
{
	size_t i, label = 0;

	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == '.') {
			if (label == 0 || p[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-' &&
		    !(selector && c == '_'))
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > LABEL_MAX)
			return false;
	}
	return label > 0 && p[n - 1] != '-';
}

/* Whether domain dom is d or under it (ASCII, any case). */
static bool
under_domain(const uint8_t *dom, size_t dn, const uint8_t *d, size_t n)
{
	size_t i;

	if (dn < n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(dom[dn - n + i]) != lower(d[i]))
			return false;
	return dn == n || dom[dn - n - 1] == '.';
}

/* ---- Signatures ---- */

static void
sig_fail(struct lf_dkim_sig *s, enum lf_dkim_verdict v, const char *reason)
{
	if (s->status == LF_DKIM_PASS) {
		s->status = v;
		s->reason = reason;
	}
}

static struct lf_dkim_str
tag_str(const struct lf_dkim_taglist *t, const char *name)
{
	const struct lf_dkim_tag *tag = lf_dkim_tags_get(t, name);
	struct lf_dkim_str s = {NULL, 0};

	if (tag != NULL) {
		s.p = tag->value;
		s.n = tag->value_len;
	}
	return s;
}

/* A decimal of 1 to maxdigits digits; saturates at UINT64_MAX. */
static bool
parse_number(struct lf_dkim_str s, size_t maxdigits, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.n == 0 || s.n > maxdigits)
		return false;
	for (i = 0; i < s.n; i++) {
		if (!is_digit(s.p[i]))
			return false;
		if (v > (UINT64_MAX - 9) / 10)
			v = UINT64_MAX;
		else
			v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	*out = v;
	return true;
}

static bool
parse_canon(const uint8_t *p, size_t n, enum lf_dkim_canon *c)
{
	if (span_eq_ci(p, n, "simple"))
		*c = LF_DKIM_SIMPLE;
	else if (span_eq_ci(p, n, "relaxed"))
		*c = LF_DKIM_RELAXED;
	else
		return false;
	return true;
}

/* Trim FWS around p[0..*n). */
static const uint8_t *
trim(const uint8_t *p, size_t *n)
{
	while (*n > 0 && is_wsp(p[0])) {
		p++;
		(*n)--;
	}
	while (*n > 0 && is_wsp(p[*n - 1]))
		(*n)--;
	return p;
}

/* Whether the colon-separated list p[0..n) holds item (any case). */
static bool
list_has(const uint8_t *p, size_t n, const char *item)
{
	size_t i = 0;

	while (i <= n) {
		const uint8_t *e = memchr(p + i, ':', n - i);
		size_t len = e != NULL ? (size_t)(e - p) - i : n - i;
		const uint8_t *s = trim(p + i, &len);

		if (span_eq_ci(s, len, item))
			return true;
		if (e == NULL)
			break;
		i = (size_t)(e - p) + 1;
	}
	return false;
}

/* h=: names, each 1*ftext, separated by ":" with FWS around. */
static void
split_h(struct lf_dkim_sig *s, size_t max_h, bool need_from, int *rc,
    struct lf_error *err)
{
	size_t i, count = 1, k = 0, start = 0;
	bool from = false;

	*rc = LF_OK;
	for (i = 0; i < s->h.n; i++)
		count += s->h.p[i] == ':';
	if (count > max_h) {
		sig_fail(s, LF_DKIM_LIMIT, "h= names more fields than allowed");
		return;
	}
	s->hnames = calloc(count, sizeof(*s->hnames));
	if (s->hnames == NULL) {
		*rc = lf_error_set(err, LF_E_NOMEM, "dkim h=");
		return;
	}
	for (i = 0; i <= s->h.n; i++) {
		const uint8_t *name;
		size_t len, j;

		if (i < s->h.n && s->h.p[i] != ':')
			continue;
		len = i - start;
		name = trim(s->h.p + start, &len);
		start = i + 1;
		for (j = 0; j < len; j++)
			if (name[j] < 0x21 || name[j] > 0x7e)
				break;
		if (len == 0 || j < len) {
			sig_fail(s, LF_DKIM_SIG_SYNTAX,
			    "h= holds an empty or malformed name");
			continue;
		}
		from = from || span_eq_ci(name, len, "from");
		s->hnames[k].p = name;
		s->hnames[k].n = len;
		k++;
	}
	s->nh = k;
	if (need_from && !from)
		sig_fail(s, LF_DKIM_SIG_SYNTAX, "h= does not list From");
}

static void
sig_alg(struct lf_dkim_sig *s)
{
	const uint8_t *c;
	const uint8_t *slash;
	size_t n;

	if (span_eq_ci(s->a.p, s->a.n, "rsa-sha256"))
		s->alg = LF_DKIM_RSA_SHA256;
	else if (span_eq_ci(s->a.p, s->a.n, "rsa-sha1"))
		s->alg = LF_DKIM_RSA_SHA1;
	else if (span_eq_ci(s->a.p, s->a.n, "ed25519-sha256"))
		s->alg = LF_DKIM_ED25519_SHA256;
	else
		sig_fail(s, LF_DKIM_UNSUPPORTED, "unknown a= algorithm");
	s->hcanon = LF_DKIM_SIMPLE;
	s->bcanon = LF_DKIM_SIMPLE;
	if (s->c.p == NULL)
		return;
	c = s->c.p;
	n = s->c.n;
	slash = memchr(c, '/', n);
	if (slash == NULL) {
		if (!parse_canon(c, n, &s->hcanon))
			sig_fail(s, LF_DKIM_UNSUPPORTED,
			    "unknown c= canonicalization");
		return;
	}
	if (!parse_canon(c, (size_t)(slash - c), &s->hcanon) ||
	    !parse_canon(slash + 1, n - (size_t)(slash - c) - 1, &s->bcanon))
		sig_fail(s, LF_DKIM_UNSUPPORTED, "unknown c= canonicalization");
}

static void
sig_numbers(struct lf_dkim_sig *s)
{
	if (s->l.p != NULL) {
		s->has_length = parse_number(s->l, 76, &s->length);
		if (!s->has_length)
			sig_fail(s, LF_DKIM_SIG_SYNTAX, "l= is not a number");
	}
	if (s->t.p != NULL) {
		s->has_time = parse_number(s->t, 12, &s->time);
		if (!s->has_time)
			sig_fail(s, LF_DKIM_SIG_SYNTAX, "t= is not a number");
	}
	if (s->x.p != NULL) {
		s->has_expire = parse_number(s->x, 12, &s->expire);
		if (!s->has_expire)
			sig_fail(s, LF_DKIM_SIG_SYNTAX, "x= is not a number");
	}
	if (s->has_time && s->has_expire && s->expire <= s->time)
		sig_fail(s, LF_DKIM_SIG_SYNTAX, "x= is not after t=");
}

static void
sig_base64(struct lf_dkim_sig *s, bool body)
{
	enum b64 r;

	r = b64_decode(s->b.p, s->b.n, s->sig, sizeof(s->sig), &s->sig_len);
	if (r == B64_LONG)
		sig_fail(s, LF_DKIM_LIMIT, "b= is longer than any key we take");
	else if (r == B64_BAD)
		sig_fail(s, LF_DKIM_SIG_SYNTAX, "b= is not base64");
	s->junk = r == B64_JUNK;
	if (!body)
		return;
	r = b64_decode(s->bh.p, s->bh.n, s->bh_raw, sizeof(s->bh_raw),
	    &s->bh_len);
	if (r == B64_LONG || r == B64_BAD)
		sig_fail(s, LF_DKIM_SIG_SYNTAX, "bh= is not a base64 hash");
	s->junk = s->junk || r == B64_JUNK;
}

static void
sig_identity(struct lf_dkim_sig *s)
{
	const uint8_t *at = NULL;
	size_t i, dn;

	if (s->i.p == NULL)
		return;
	for (i = 0; i < s->i.n; i++)
		if (s->i.p[i] == '@')
			at = s->i.p + i;
	if (at == NULL) {
		sig_fail(s, LF_DKIM_SIG_SYNTAX, "i= has no \"@\"");
		return;
	}
	dn = s->i.n - (size_t)(at + 1 - s->i.p);
	if (!valid_name(at + 1, dn, false))
		sig_fail(s, LF_DKIM_SIG_SYNTAX,
		    "i= domain is not a domain name");
	else if (!under_domain(at + 1, dn, s->d.p, s->d.n))
		sig_fail(s, LF_DKIM_IDENTITY_MISMATCH,
		    "i= is not d= or a subdomain of it");
}

static bool
h_lists(const struct lf_dkim_sig *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nh; i++)
		if (span_eq_ci(s->hnames[i].p, s->hnames[i].n, name))
			return true;
	return false;
}

/* ARC's i=: an instance number from 1 to 50 (RFC 8617 4.2.1). */
static void
sig_instance(struct lf_dkim_sig *s)
{
	uint64_t v;

	if (!parse_number(s->i, 2, &v) || v < 1 || v > 50)
		sig_fail(s, LF_DKIM_SIG_SYNTAX, "i= is not an instance (1-50)");
	else
		s->instance = (unsigned)v;
}

/* The tags each kind of field requires. */
static bool
sig_required(const struct lf_dkim_sig *s, enum lf_dkim_kind kind)
{
	if (s->a.p == NULL || s->b.p == NULL || s->d.p == NULL ||
	    s->s.p == NULL)
		return false;
	if (kind == LF_DKIM_KIND_SEAL)
		return s->i.p != NULL && s->cv.p != NULL;
	if (s->bh.p == NULL || s->h.p == NULL)
		return false;
	return kind == LF_DKIM_KIND_DKIM || s->i.p != NULL;
}

int
lf_dkim_sig_parse_kind(const uint8_t *p, size_t n,
    const struct lf_dkim_options *o, enum lf_dkim_kind kind,
    struct lf_dkim_sig *out, struct lf_error *err)
{
	struct lf_dkim_sig sig, *s = &sig;
	struct lf_dkim_taglist tags;
	int rc;

	if (out == NULL || o == NULL)
		return lf_error_set(err, LF_E_INVAL,
		    "dkim signature: bad call");
	if ((rc = lf_dkim_tags_parse(p, n, o->max_tags, &tags, err)) != LF_OK)
		return rc;
	memset(s, 0, sizeof(*s));
	s->tags = tags;
	if (tags.status == LF_DKIM_TAGS_LIMIT) {
		sig_fail(s, LF_DKIM_LIMIT, "more tags than allowed");
		goto done;
	}
	if (tags.status != LF_DKIM_TAGS_OK) {
		sig_fail(s, LF_DKIM_SIG_SYNTAX,
		    tags.status == LF_DKIM_TAGS_DUPLICATE ?
		        "a tag is given twice" :
		        "not a tag-list");
		goto done;
	}
	s->v = tag_str(&tags, "v");
	s->a = tag_str(&tags, "a");
	s->b = tag_str(&tags, "b");
	s->bh = tag_str(&tags, "bh");
	s->c = tag_str(&tags, "c");
	s->cv = tag_str(&tags, "cv");
	s->d = tag_str(&tags, "d");
	s->h = tag_str(&tags, "h");
	s->i = tag_str(&tags, "i");
	s->l = tag_str(&tags, "l");
	s->q = tag_str(&tags, "q");
	s->s = tag_str(&tags, "s");
	s->t = tag_str(&tags, "t");
	s->x = tag_str(&tags, "x");
	s->z = tag_str(&tags, "z");
	if (kind == LF_DKIM_KIND_DKIM) {
		if (s->v.p == NULL)
			sig_fail(s, LF_DKIM_SIG_SYNTAX, "no v=");
		else if (!span_eq_ci(s->v.p, s->v.n, "1"))
			sig_fail(s, LF_DKIM_SIG_SYNTAX, "v= is not 1");
	}
	if (!sig_required(s, kind)) {
		sig_fail(s, LF_DKIM_SIG_SYNTAX,
		    kind == LF_DKIM_KIND_DKIM ?
		        "a required tag (a, b, bh, d, h, s) is missing" :
		        kind == LF_DKIM_KIND_AMS ?
		        "a required tag (i, a, b, bh, d, h, s) is missing" :
		        "a required tag (i, a, b, cv, d, s) is missing");
		goto done;
	}
	sig_alg(s);
	if (kind == LF_DKIM_KIND_SEAL) /* RFC 8617 4.1.3: relaxed only */
		s->hcanon = s->bcanon = LF_DKIM_RELAXED;
	if (s->q.p != NULL && !list_has(s->q.p, s->q.n, "dns/txt"))
		sig_fail(s, LF_DKIM_UNSUPPORTED, "q= does not offer dns/txt");
	if (!valid_name(s->d.p, s->d.n, false))
		sig_fail(s, LF_DKIM_SIG_SYNTAX, "d= is not a domain name");
	if (!valid_name(s->s.p, s->s.n, true))
		sig_fail(s, LF_DKIM_SIG_SYNTAX, "s= is not a selector");
	if (kind != LF_DKIM_KIND_DKIM)
		sig_instance(s);
	if (kind == LF_DKIM_KIND_SEAL) {
		if (s->h.p != NULL)
			sig_fail(s, LF_DKIM_SIG_SYNTAX,
			    "h= in an ARC-Seal (RFC 8617 4.1.3)");
	} else {
		split_h(s, o->max_h, kind == LF_DKIM_KIND_DKIM, &rc, err);
		if (rc != LF_OK) {
			lf_dkim_sig_release(s);
			return rc;
		}
		if (kind == LF_DKIM_KIND_AMS && s->hnames != NULL &&
		    h_lists(s, "arc-seal"))
			sig_fail(s, LF_DKIM_SIG_SYNTAX,
			    "h= lists ARC-Seal (RFC 8617 4.1.2)");
	}
	sig_numbers(s);
	sig_base64(s, kind != LF_DKIM_KIND_SEAL);
	if (s->status == LF_DKIM_PASS && kind == LF_DKIM_KIND_DKIM)
		sig_identity(s);
	if (s->junk)
		sig_fail(s, LF_DKIM_SIG_SYNTAX, lf_dkim_reason_junk);
done:
	*out = sig;
	return LF_OK;
}

int
lf_dkim_sig_parse(const uint8_t *p, size_t n, const struct lf_dkim_options *o,
    struct lf_dkim_sig *out, struct lf_error *err)
{
	return lf_dkim_sig_parse_kind(p, n, o, LF_DKIM_KIND_DKIM, out, err);
}

void
lf_dkim_b_cut(const struct lf_hfield *f, const struct lf_dkim_sig *s,
    const uint8_t **cut, size_t *len)
{
	const struct lf_dkim_tag *b = lf_dkim_tags_get(&s->tags, "b");
	const uint8_t *end = b->value + b->value_len;
	const uint8_t *vend = f->value + f->value_len;

	while (end < vend && is_wsp(*end))
		end++;
	*cut = b->eq + 1;
	*len = (size_t)(end - *cut);
}

void
lf_dkim_sig_release(struct lf_dkim_sig *sig)
{
	if (sig == NULL)
		return;
	lf_dkim_tags_release(&sig->tags);
	free(sig->hnames);
	sig->hnames = NULL;
	sig->nh = 0;
}

/* ---- Key records ---- */

static void
key_fail(struct lf_dkim_key *k, enum lf_dkim_verdict v, const char *reason)
{
	if (k->status == LF_DKIM_PASS) {
		k->status = v;
		k->reason = reason;
	}
}

/* The flags of a colon-separated list into k. */
static void
key_lists(struct lf_dkim_key *k, const struct lf_dkim_taglist *t)
{
	struct lf_dkim_str h = tag_str(t, "h"), s = tag_str(t, "s");
	struct lf_dkim_str f = tag_str(t, "t");

	k->hashes = LF_DKIM_HASH_SHA1 | LF_DKIM_HASH_SHA256;
	if (h.p != NULL) {
		k->hashes = 0;
		if (list_has(h.p, h.n, "sha1"))
			k->hashes |= LF_DKIM_HASH_SHA1;
		if (list_has(h.p, h.n, "sha256"))
			k->hashes |= LF_DKIM_HASH_SHA256;
	}
	k->email = s.p == NULL || list_has(s.p, s.n, "*") ||
	    list_has(s.p, s.n, "email");
	if (f.p != NULL) {
		k->testing = list_has(f.p, f.n, "y");
		k->strict = list_has(f.p, f.n, "s");
	}
}

static EVP_PKEY *
rsa_from_der(const uint8_t *der, size_t len)
{
	const unsigned char *q = der;
	EVP_PKEY *pk;

	pk = d2i_PUBKEY(NULL, &q, (long)len);
	if (pk != NULL) {
		if (q == der + len && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA)
			return pk;
		EVP_PKEY_free(pk);
		return NULL;
	}
	q = der;
	pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, (long)len);
	if (pk != NULL && q != der + len) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	return pk;
}

static void
key_material(struct lf_dkim_key *k, struct lf_dkim_str p)
{
	uint8_t der[KEY_DER_MAX];
	size_t len = 0;
	EVP_PKEY *pk = NULL;
	enum b64 r;

	r = b64_decode(p.p, p.n, der, sizeof(der), &len);
	if (r == B64_LONG) {
		key_fail(k, LF_DKIM_KEY_SYNTAX, "p= is longer than any key");
		return;
	}
	if (r != B64_OK) {
		key_fail(k, LF_DKIM_KEY_SYNTAX, "p= is not base64");
		return;
	}
	if (len == 0) {
		key_fail(k, LF_DKIM_KEY_REVOKED, "p= is empty: key revoked");
		return;
	}
	if (k->type == LF_DKIM_KEY_RSA) {
		pk = rsa_from_der(der, len);
		if (pk == NULL)
			key_fail(k, LF_DKIM_KEY_SYNTAX,
			    "p= is not a DER RSA public key");
	} else if (k->type == LF_DKIM_KEY_ED25519) {
		if (len != 32)
			key_fail(k, LF_DKIM_KEY_SYNTAX,
			    "p= is not a 32-byte Ed25519 key");
		else if ((pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519,
		              NULL, der, len)) == NULL)
			key_fail(k, LF_DKIM_KEY_SYNTAX,
			    "p= is not an Ed25519 key");
	}
	ERR_clear_error();
	if (pk != NULL) {
		k->pkey = pk;
		k->bits = (unsigned)EVP_PKEY_get_bits(pk);
	}
}

int
lf_dkim_key_parse(const uint8_t *p, size_t n, struct lf_dkim_key *out,
    struct lf_error *err)
{
	struct lf_dkim_key k;
	struct lf_dkim_taglist t;
	struct lf_dkim_str v, type, pub;
	int rc;

	if (out == NULL)
		return lf_error_set(err, LF_E_INVAL, "dkim key: bad call");
	if ((rc = lf_dkim_tags_parse(p, n, 64, &t, err)) != LF_OK)
		return rc;
	memset(&k, 0, sizeof(k));
	k.type = LF_DKIM_KEY_RSA;
	if (t.status != LF_DKIM_TAGS_OK) {
		key_fail(&k, LF_DKIM_KEY_SYNTAX,
		    "the record is not a tag-list");
		goto done;
	}
	v = tag_str(&t, "v");
	if (v.p != NULL &&
	    (t.tags[0].value != v.p ||
	        !(v.n == 5 && memcmp(v.p, "DKIM1", 5) == 0))) {
		key_fail(&k, LF_DKIM_KEY_SYNTAX,
		    "v= is not DKIM1 first: record discarded");
		goto done;
	}
	type = tag_str(&t, "k");
	if (type.p != NULL) {
		if (span_eq_ci(type.p, type.n, "rsa"))
			k.type = LF_DKIM_KEY_RSA;
		else if (span_eq_ci(type.p, type.n, "ed25519"))
			k.type = LF_DKIM_KEY_ED25519;
		else
			k.type = LF_DKIM_KEY_UNKNOWN;
	}
	key_lists(&k, &t);
	pub = tag_str(&t, "p");
	if (pub.p == NULL) {
		key_fail(&k, LF_DKIM_KEY_SYNTAX, "no p=");
		goto done;
	}
	key_material(&k, pub);
done:
	lf_dkim_tags_release(&t);
	*out = k;
	return LF_OK;
}

void
lf_dkim_key_release(struct lf_dkim_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
}
