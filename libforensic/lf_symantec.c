/*
 * lf_symantec.c: the header fields Symantec's mail gateways write.
 *
 * The small fields (X-Msg-Ref, queue ids, X-StarScan-Version,
 * X-SpamReason) are read strictly: they are machine-written, so anything
 * off the form is either damage or someone else's typing, and the caller
 * learns it from LF_E_FORMAT.
 *
 * The tracker goes through three decoders, each bounded on its own:
 * base64 (at most LF_SYMANTEC_TRACKER_IN_MAX characters, so the buffer is
 * sized by what is there, never by what is declared), zlib (output grown
 * by doubling up to LF_SYMANTEC_TRACKER_OUT_MAX and the ratio, through our
 * own allocator so that allocation failures can be tested), and a
 * protocol buffer reader.  A tracker cut short (as archives and excerpts
 * often cut long header values) still gives its first fields: the gzip
 * stream is inflated as far as it goes, and the last field the data ends
 * in is read as far as it goes, which is how the client address of a
 * tracker cut to 50 characters can still be read.
 *
 * The protocol buffer reader knows no schema.  Whether a length-delimited
 * field is a nested message is decided as protoc --decode_raw decides it:
 * it is when its bytes parse entirely as fields.  Each level is scanned
 * once before it is recorded, so the work is bounded by the data's size
 * times LF_SYMANTEC_PB_DEPTH, and the recursion by LF_SYMANTEC_PB_DEPTH.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <zlib.h>

#include "lf/date.h"
#include "lf/symantec.h"
#include "lf_bytes.h"

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* [*s, *e) without the blanks and line ends around it. */
static void
trim(const uint8_t *v, size_t *s, size_t *e)
{
	while (*s < *e && blank(v[*s]))
		(*s)++;
	while (*e > *s && blank(v[*e - 1]))
		(*e)--;
}

/* 1 to maxd digits at v[*i..e) into *out; advances *i. */
static bool
number(const uint8_t *v, size_t *i, size_t e, size_t maxd, uint64_t *out)
{
	uint64_t x = 0;
	size_t k = *i;

	while (k < e && digit(v[k]) && k - *i < maxd)
		x = x * 10 + (uint64_t)(v[k++] - '0');
	if (k == *i || (k < e && digit(v[k])))
		return false;
	*i = k;
	*out = x;
	return true;
}

static bool
host_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit(c) ||
	    c == '.' || c == '-';
}

/* "server-N.tower-M.messagelabs.com" */
static bool
tower_host(const char *h, long *server, long *tower)
{
	static const char suffix[] = ".messagelabs.com";
	size_t i = 7, n = strlen(h);
	uint64_t a, b;

	if (n < sizeof(suffix) - 1 ||
	    strcasecmp(h + n - (sizeof(suffix) - 1), suffix) != 0)
		return false;
	n -= sizeof(suffix) - 1;
	if (strncasecmp(h, "server-", 7) != 0 ||
	    !number((const uint8_t *)h, &i, n, 9, &a) || i + 7 > n ||
	    strncasecmp(h + i, ".tower-", 7) != 0)
		return false;
	i += 7;
	if (!number((const uint8_t *)h, &i, n, 9, &b) || i != n)
		return false;
	*server = (long)a;
	*tower = (long)b;
	return true;
}

int
lf_symantec_msgref(const uint8_t *v, size_t n, struct lf_symantec_msgref *out)
{
	struct lf_symantec_msgref m;
	size_t s = 0, e = n, i, h;
	uint64_t epoch;

	if (out == NULL || (v == NULL && n > 0))
		return LF_E_INVAL;
	trim(v, &s, &e);
	memset(&m, 0, sizeof(m));
	for (i = s; i < e && v[i] != '!'; i++)
		if (!host_char(v[i]))
			return LF_E_FORMAT;
	h = i - s;
	if (h == 0 || h >= sizeof(m.host) || i >= e)
		return LF_E_FORMAT;
	memcpy(m.host, v + s, h);
	i++;
	if (!number(v, &i, e, 12, &epoch) || i >= e || v[i] != '!')
		return LF_E_FORMAT;
	i++;
	if (!number(v, &i, e, 19, &m.counter))
		return LF_E_FORMAT;
	if (i < e) {
		i++;
		if (v[i - 1] != '!' || !number(v, &i, e, 19, &m.part) || i != e)
			return LF_E_FORMAT;
		m.has_part = true;
	}
	m.epoch = (int64_t)epoch;
	lf_date_rfc3339(m.epoch, m.epoch_rfc3339);
	m.server = m.tower = -1;
	m.tower_form = tower_host(m.host, &m.server, &m.tower);
	*out = m;
	return LF_OK;
}

static bool
hexbyte(const uint8_t *p, uint8_t *out)
{
	int a = hexval(p[0]), b = hexval(p[1]);

	if (a < 0 || b < 0)
		return false;
	*out = (uint8_t)(a << 4 | b);
	return true;
}

int
lf_symantec_queueid(const uint8_t *id, size_t n,
    struct lf_symantec_queueid *out)
{
	struct lf_symantec_queueid q;
	size_t s = 0, e = n, i;
	uint64_t num;
	char sep;
	int k, x;

	if (out == NULL || (id == NULL && n > 0))
		return LF_E_INVAL;
	trim(id, &s, &e);
	memset(&q, 0, sizeof(q));
	/* HH/HH-D-XXXXXXXX: 14 bytes and the number at least. */
	if (e - s < 15 || !hexbyte(id + s, &q.prefix[0]) ||
	    (id[s + 2] != '/' && id[s + 2] != '.') ||
	    !hexbyte(id + s + 3, &q.prefix[1]))
		return LF_E_FORMAT;
	q.form = (char)id[s + 2];
	sep = q.form == '/' ? '-' : '.';
	i = s + 6;
	if (id[s + 5] != sep || !number(id, &i, e, 7, &num) || i >= e ||
	    id[i] != sep || e - i != 9)
		return LF_E_FORMAT;
	q.number = (uint32_t)num;
	for (k = 0; k < 8; k++) {
		if ((x = hexval(id[i + 1 + (size_t)k])) < 0)
			return LF_E_FORMAT;
		q.stamp = q.stamp << 4 | (uint32_t)x;
		q.epoch |= (int64_t)x << (4 * k);
	}
	*out = q;
	return LF_OK;
}

int
lf_symantec_queue_epoch(const uint8_t *id, size_t n, int64_t *epoch)
{
	struct lf_symantec_queueid q;
	int rc;

	if (epoch == NULL)
		return LF_E_INVAL;
	if ((rc = lf_symantec_queueid(id, n, &q)) == LF_OK)
		*epoch = q.epoch;
	return rc;
}

/* Comma-separated items of v[s..e), trimmed, empty ones left out. */
static void
split_list(const uint8_t *v, size_t s, size_t e, struct lf_span *items,
    size_t max, size_t *count, bool *cut, bool keep_empty)
{
	size_t i = s, j, a, b;

	*count = 0;
	*cut = false;
	while (i <= e) {
		for (j = i; j < e && v[j] != ','; j++)
			;
		a = i;
		b = j;
		trim(v, &a, &b);
		if (b > a || keep_empty) {
			if (*count < max) {
				items[*count].p = v + a;
				items[*count].n = b - a;
				(*count)++;
			} else {
				*cut = true;
			}
		}
		i = j + 1;
	}
}

int
lf_symantec_starscan(const uint8_t *v, size_t n,
    struct lf_symantec_starscan *out)
{
	struct lf_symantec_starscan st;
	size_t s = 0, e = n, i, vs;
	uint64_t x;

	if (out == NULL || (v == NULL && n > 0))
		return LF_E_INVAL;
	trim(v, &s, &e);
	memset(&st, 0, sizeof(st));
	i = vs = s;
	for (;;) {
		if (st.nparts == 4 || !number(v, &i, e, 9, &x))
			return LF_E_FORMAT;
		st.part[st.nparts++] = (unsigned long)x;
		if (i >= e || v[i] != '.')
			break;
		i++;
	}
	if (st.nparts < 2)
		return LF_E_FORMAT;
	memcpy(st.version, v + vs, i - vs); /* at most 4 * 10 - 1 bytes */
	if (i < e) {
		if (v[i++] != ';')
			return LF_E_FORMAT;
		while (i < e && blank(v[i]))
			i++;
		if (e - i < 8 || memcmp(v + i, "banners=", 8) != 0)
			return LF_E_FORMAT;
		st.has_banners = true;
		split_list(v, i + 8, e, st.banners, LF_SYMANTEC_BANNERS_MAX,
		    &st.nbanners, &st.banners_cut, true);
	}
	*out = st;
	return LF_OK;
}

/* A decimal number with an optional sign and fraction, in thousandths. */
static bool
thousandths(const uint8_t *v, size_t *i, size_t e, int64_t *out)
{
	uint64_t whole = 0, frac = 0;
	size_t k = *i, d;
	bool neg = false;

	if (k < e && (v[k] == '-' || v[k] == '+'))
		neg = v[k++] == '-';
	if (!number(v, &k, e, 12, &whole))
		return false;
	if (k < e && v[k] == '.') {
		k++;
		for (d = 0; k < e && digit(v[k]); k++, d++)
			if (d < 3)
				frac = frac * 10 + (uint64_t)(v[k] - '0');
		if (d == 0)
			return false;
		for (; d < 3; d++)
			frac *= 10;
	}
	if (k < e && !blank(v[k]))
		return false;
	*out = (int64_t)(whole * 1000 + frac) * (neg ? -1 : 1);
	*i = k;
	return true;
}

static bool
word_is(const uint8_t *v, size_t i, size_t e, const char *w)
{
	size_t n = strlen(w);

	return e - i >= n && strncasecmp((const char *)v + i, w, n) == 0;
}

int
lf_symantec_spamreason(const uint8_t *v, size_t n,
    struct lf_symantec_spamreason *out)
{
	struct lf_symantec_spamreason r;
	size_t s = 0, e = n, i;
	int stage = 0;

	if (out == NULL || (v == NULL && n > 0))
		return LF_E_INVAL;
	trim(v, &s, &e);
	memset(&r, 0, sizeof(r));
	if (word_is(v, s, e, "yes,")) {
		r.yes = true;
		i = s + 4;
	} else if (word_is(v, s, e, "no,")) {
		i = s + 3;
	} else {
		return LF_E_FORMAT;
	}
	for (;;) {
		while (i < e && blank(v[i]))
			i++;
		if (i >= e)
			break;
		if (stage < 1 && word_is(v, i, e, "hits=")) {
			i += 5;
			if (!thousandths(v, &i, e, &r.hits))
				return LF_E_FORMAT;
			r.has_hits = true;
			stage = 1;
		} else if (stage < 2 && word_is(v, i, e, "required=")) {
			i += 9;
			if (!thousandths(v, &i, e, &r.required))
				return LF_E_FORMAT;
			r.has_required = true;
			stage = 2;
		} else if (word_is(v, i, e, "tests=")) {
			split_list(v, i + 6, e, r.tests, LF_SYMANTEC_TESTS_MAX,
			    &r.ntests, &r.tests_cut, false);
			break;
		} else {
			return LF_E_FORMAT;
		}
	}
	*out = r;
	return LF_OK;
}

/* ---- X-Brightmail-Tracker ---- */

struct tctx {
	lf_anomaly_fn anomaly;
	void *arg;
	struct lf_error *err;
};

static void
note(const struct tctx *c, const char *code, enum lf_severity sev, size_t off,
    const char *detail)
{
	struct lf_anomaly a = {code, sev, off, detail};

	if (c->anomaly != NULL)
		c->anomaly(c->arg, &a);
}

/*
 * Unfold and decode base64 into a new buffer.  Returns LF_OK with *out
 * (owned by the caller; NULL when nothing decoded) or LF_E_NOMEM.
 */
static int
unbase64(const struct tctx *c, const uint8_t *v, size_t n, uint8_t **out,
    size_t *outlen)
{
	size_t i, chars = 0, k = 0, stop = n, last = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	bool pad = false;
	uint8_t *b;
	int x;

	*out = NULL;
	*outlen = 0;
	/* The characters that will be decoded, to size the buffer. */
	for (i = 0; i < n; i++) {
		if (blank(v[i]))
			continue;
		if (v[i] == '=' && chars > 0) {
			pad = true;
			continue;
		}
		if (pad || lf_b64_value(v[i]) < 0) {
			note(c, "symantec.tracker-base64", LF_SEV_MEDIUM, i,
			    pad ? "text after the padding" :
			          "a byte base64 cannot hold");
			stop = i;
			break;
		}
		if (chars == LF_SYMANTEC_TRACKER_IN_MAX) {
			note(c, "symantec.tracker-limit", LF_SEV_MEDIUM, i,
			    "more base64 than the tracker limit");
			stop = i;
			break;
		}
		chars++;
		last = i;
	}
	if (chars == 0)
		return LF_OK;
	if ((b = malloc(chars / 4 * 3 + 3)) == NULL)
		return lf_error_set(c->err, LF_E_NOMEM,
		    "tracker: base64: out of memory");
	for (i = 0; i < stop; i++) {
		if ((x = lf_b64_value(v[i])) < 0)
			continue;
		acc = acc << 6 | (uint32_t)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			b[k++] = (uint8_t)(acc >> bits);
		}
	}
	if (chars % 4 == 1)
		note(c, "symantec.tracker-base64-end", LF_SEV_LOW, last,
		    "a last group of one character");
	*out = b;
	*outlen = k;
	return LF_OK;
}

static voidpf
z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	if (size != 0 && items > SIZE_MAX / size)
		return Z_NULL;
	return malloc((size_t)items * size);
}

static void
z_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	free(p);
}

/*
 * Inflate the gzip stream z[0..zn) into a new buffer, within the limits.
 * Returns LF_OK (*out owned by the caller, may be NULL with *outlen 0) or
 * LF_E_NOMEM.
 */
static int
gunzip(const struct tctx *c, const uint8_t *z, size_t zn, uint8_t **out,
    size_t *outlen, bool *complete)
{
	size_t cap = 0, len = 0, limit, ncap, before;
	char detail[160];
	uInt in;
	uint8_t *buf = NULL, *nb;
	z_stream s;
	int zr, rc = LF_OK;

	*complete = false;
	limit = LF_SYMANTEC_TRACKER_OUT_MAX;
	if (zn < (limit - 4096) / LF_SYMANTEC_TRACKER_RATIO)
		limit = 4096 + zn * LF_SYMANTEC_TRACKER_RATIO;
	memset(&s, 0, sizeof(s));
	s.zalloc = z_alloc;
	s.zfree = z_free;
	s.next_in = (Bytef *)(uintptr_t)z;
	s.avail_in = (uInt)zn; /* zn <= IN_MAX * 3 / 4 */
	zr = inflateInit2(&s, 16 + MAX_WBITS);
	if (zr == Z_MEM_ERROR)
		return lf_error_set(c->err, LF_E_NOMEM,
		    "tracker: gzip: out of memory");
	if (zr != Z_OK)
		return lf_error_set(c->err, LF_E_FORMAT,
		    "tracker: gzip: cannot start zlib");
	for (;;) {
		in = s.avail_in;
		if (len == cap) {
			if (cap == limit) {
				note(c, "symantec.tracker-limit", LF_SEV_MEDIUM,
				    0, "inflated data past the tracker limit");
				break;
			}
			ncap = cap == 0 ? 1024 : cap * 2;
			if (ncap > limit)
				ncap = limit;
			if ((nb = realloc(buf, ncap)) == NULL) {
				rc = lf_error_set(c->err, LF_E_NOMEM,
				    "tracker: gzip: out of memory");
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		before = len;
		s.next_out = buf + len;
		s.avail_out = (uInt)(cap - len);
		zr = inflate(&s, Z_NO_FLUSH);
		len = cap - s.avail_out;
		if (zr == Z_STREAM_END) {
			*complete = true;
			if (s.avail_in > 0) {
				snprintf(detail, sizeof(detail),
				    "%u bytes after the gzip stream",
				    (unsigned)s.avail_in);
				note(c, "symantec.tracker-trailing", LF_SEV_LOW,
				    0, detail);
			}
			break;
		}
		if (zr == Z_MEM_ERROR) {
			rc = lf_error_set(c->err, LF_E_NOMEM,
			    "tracker: gzip: out of memory");
			goto out;
		}
		if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT ||
		    zr == Z_STREAM_ERROR) {
			snprintf(detail, sizeof(detail),
			    "at compressed byte %zu: %s", zn - s.avail_in,
			    s.msg != NULL ? s.msg : "damaged data");
			note(c, "symantec.tracker-gzip", LF_SEV_MEDIUM, 0,
			    detail);
			break;
		}
		if ((s.avail_in == 0 || (s.avail_in == in && len == before)) &&
		    s.avail_out > 0) {
			snprintf(detail, sizeof(detail),
			    "the gzip stream stops after %zu bytes (%zu "
			    "inflated)",
			    zn, len);
			note(c, "symantec.tracker-truncated", LF_SEV_MEDIUM, 0,
			    detail);
			break;
		}
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
out:
	inflateEnd(&s);
	free(buf);
	return rc;
}

/* ---- protocol buffer wire format ---- */

enum scan_result { SCAN_OK, SCAN_CUT, SCAN_BAD };

static bool
varint(const uint8_t *p, size_t n, size_t *i, uint64_t *out, bool *cut)
{
	uint64_t x = 0;
	unsigned shift;
	size_t k = *i;

	*cut = false;
	for (shift = 0; shift < 64; shift += 7) {
		if (k >= n) {
			*cut = true;
			return false;
		}
		/* The tenth byte may only hold the top bit. */
		if (shift == 63 && p[k] > 1)
			return false;
		x |= (uint64_t)(p[k] & 0x7f) << shift;
		if ((p[k++] & 0x80) == 0) {
			*i = k;
			*out = x;
			return true;
		}
	}
	return false;
}

struct wire {
	uint32_t number;
	uint8_t type;
	uint64_t value;
	size_t off, len; /* LF_PB_BYTES: bytes present */
	bool partial;
};

/*
 * The field at p[*i..n).  SCAN_OK advances *i; SCAN_CUT means the data
 * ends inside the field (a bytes field then has what is there in w, with
 * partial set, and *i is n); SCAN_BAD is not a field.
 */
static enum scan_result
next_field(const uint8_t *p, size_t n, size_t *i, struct wire *w)
{
	uint64_t key, len;
	size_t k = *i;
	bool cut;

	memset(w, 0, sizeof(*w));
	if (!varint(p, n, &k, &key, &cut))
		return cut ? SCAN_CUT : SCAN_BAD;
	if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff)
		return SCAN_BAD;
	w->number = (uint32_t)(key >> 3);
	w->type = (uint8_t)(key & 7);
	switch (w->type) {
	case LF_PB_VARINT:
		if (!varint(p, n, &k, &w->value, &cut))
			return cut ? SCAN_CUT : SCAN_BAD;
		break;
	case LF_PB_FIXED64:
	case LF_PB_FIXED32:
		len = w->type == LF_PB_FIXED64 ? 8 : 4;
		if (n - k < len)
			return SCAN_CUT;
		for (; len > 0; len--)
			w->value = w->value << 8 | p[k + len - 1];
		k += w->type == LF_PB_FIXED64 ? 8 : 4;
		break;
	case LF_PB_BYTES:
		if (!varint(p, n, &k, &len, &cut))
			return cut ? SCAN_CUT : SCAN_BAD;
		w->off = k;
		if (len > n - k) {
			w->len = n - k;
			w->partial = true;
			*i = n;
			return SCAN_CUT;
		}
		w->len = (size_t)len;
		k += (size_t)len;
		break;
	default: /* groups (3, 4) and the unused 6, 7 */
		return SCAN_BAD;
	}
	*i = k;
	return SCAN_OK;
}

/* Whether p[0..n) is a sequence of fields, maybe cut at the end. */
static enum scan_result
scan(const uint8_t *p, size_t n)
{
	struct wire w;
	size_t i = 0;
	enum scan_result r;

	while (i < n)
		if ((r = next_field(p, n, &i, &w)) != SCAN_OK)
			return r;
	return SCAN_OK;
}

struct pb {
	const struct tctx *c;
	const uint8_t *d;
	struct lf_symantec_pbfield *f;
	size_t nf, cap;
	bool limit;  /* the field limit was reached */
	bool broken; /* the top level stopped on bytes that are no field */
	bool cut;    /* the data ends inside a field */
};

static int
add_field(struct pb *pb, const struct wire *w, size_t base, unsigned depth,
    size_t parent, size_t *index)
{
	struct lf_symantec_pbfield *nf, *f;
	size_t ncap;

	if (pb->nf == LF_SYMANTEC_PB_FIELDS) {
		if (!pb->limit)
			note(pb->c, "symantec.tracker-limit", LF_SEV_MEDIUM, 0,
			    "more protocol buffer fields than the limit");
		pb->limit = true;
		return LF_E_LIMIT;
	}
	if (pb->nf == pb->cap) {
		ncap = pb->cap == 0 ? 64 : pb->cap * 2;
		if (ncap > LF_SYMANTEC_PB_FIELDS)
			ncap = LF_SYMANTEC_PB_FIELDS;
		nf = reallocarray(pb->f, ncap, sizeof(*nf));
		if (nf == NULL)
			return lf_error_set(pb->c->err, LF_E_NOMEM,
			    "tracker: protobuf: out of memory");
		pb->f = nf;
		pb->cap = ncap;
	}
	f = &pb->f[pb->nf];
	memset(f, 0, sizeof(*f));
	f->number = w->number;
	f->wire = w->type;
	f->depth = (uint8_t)depth;
	f->partial = w->partial;
	f->parent = parent;
	f->value = w->value;
	if (w->type == LF_PB_BYTES) {
		f->offset = base + w->off;
		f->len = w->len;
	}
	*index = pb->nf++;
	return LF_OK;
}

/*
 * Record the fields of d[base..base+n) at depth, children of parent.  The
 * caller has scanned them (SCAN_OK, or SCAN_CUT when the last is cut)
 * except at the top, where reading stops at the first bytes that are no
 * field.  Returns LF_OK, LF_E_LIMIT or LF_E_NOMEM.
 */
static int
record(struct pb *pb, size_t base, size_t n, unsigned depth, size_t parent)
{
	const uint8_t *p = pb->d + base;
	enum scan_result r, sub;
	size_t i = 0, at = 0;
	struct wire w;
	int rc;

	while (i < n) {
		r = next_field(p, n, &i, &w);
		if (r == SCAN_BAD) {
			pb->broken = true;
			return LF_OK;
		}
		if (r == SCAN_CUT) {
			pb->cut = true;
			if (!w.partial)
				return LF_OK;
		}
		if ((rc = add_field(pb, &w, base, depth, parent, &at)) != LF_OK)
			return rc;
		if (w.type != LF_PB_BYTES || w.len == 0 ||
		    depth + 1 >= LF_SYMANTEC_PB_DEPTH)
			continue;
		sub = scan(p + w.off, w.len);
		if (sub == SCAN_BAD || (sub == SCAN_CUT && !w.partial))
			continue;
		pb->f[at].message = true;
		rc = record(pb, base + w.off, w.len, depth + 1, at);
		if (rc != LF_OK)
			return rc;
	}
	return LF_OK;
}

/* ---- the layout ---- */

/*
 * The first child of parent numbered number at or after from, or
 * SIZE_MAX.  Fields are in pre-order, so parent's end where the depth
 * comes back to its own.
 */
static size_t
child(const struct lf_symantec_tracker *t, size_t parent, uint32_t number,
    size_t from)
{
	size_t i;

	for (i = from; i < t->nfields; i++) {
		if (parent != SIZE_MAX &&
		    t->fields[i].depth <= t->fields[parent].depth)
			break;
		if (t->fields[i].parent == parent &&
		    t->fields[i].number == number)
			return i;
	}
	return SIZE_MAX;
}

/*
 * The one child of parent numbered number with wire type type, complete;
 * SIZE_MAX when missing or of another type (reported), the first when
 * repeated (reported).
 */
static size_t
single(const struct tctx *c, const struct lf_symantec_tracker *t, size_t parent,
    uint32_t number, uint8_t type, const char *path)
{
	size_t i;
	char detail[96];

	i = child(t, parent, number, parent == SIZE_MAX ? 0 : parent + 1);
	if (i == SIZE_MAX)
		return SIZE_MAX;
	if (child(t, parent, number, i + 1) != SIZE_MAX) {
		snprintf(detail, sizeof(detail), "field %s given twice", path);
		note(c, "symantec.tracker-duplicate", LF_SEV_LOW, 0, detail);
	}
	if (t->fields[i].wire != type) {
		snprintf(detail, sizeof(detail),
		    "field %s of wire type %u, not %u", path, t->fields[i].wire,
		    type);
		note(c, "symantec.tracker-layout", LF_SEV_LOW, 0, detail);
		return SIZE_MAX;
	}
	if (t->fields[i].partial)
		return SIZE_MAX;
	return i;
}

static void
span_of(const struct lf_symantec_tracker *t, size_t i, struct lf_span *s)
{
	if (i == SIZE_MAX)
		return;
	s->p = t->data + t->fields[i].offset;
	s->n = t->fields[i].len;
}

/* An address message ({1: 4 or 16 bytes}) at i into text. */
static void
address(const struct tctx *c, const struct lf_symantec_tracker *t, size_t i,
    const char *path, char out[LF_RECEIVED_IP_MAX], int *family)
{
	const struct lf_symantec_pbfield *f;
	char detail[96];
	size_t a;

	if (i == SIZE_MAX ||
	    (a = single(c, t, i, 1, LF_PB_BYTES, path)) == SIZE_MAX)
		return;
	f = &t->fields[a];
	if (f->len == 4 || f->len == 16) {
		*family = f->len == 4 ? AF_INET : AF_INET6;
		if (inet_ntop(*family, t->data + f->offset, out,
		        LF_RECEIVED_IP_MAX) != NULL)
			return;
	}
	snprintf(detail, sizeof(detail), "field %s holds %zu bytes, no address",
	    path, f->len);
	note(c, "symantec.tracker-layout", LF_SEV_LOW, 0, detail);
	*family = 0;
	out[0] = '\0';
}

/* {1: fixed32, 2: name} at i as a rule set of group g. */
static void
ruleset(const struct tctx *c, struct lf_symantec_tracker *t, size_t i,
    uint32_t g, size_t id)
{
	struct lf_symantec_ruleset *r;
	size_t a, b;

	a = single(c, t, i, 1, LF_PB_FIXED32, "rule set time");
	b = single(c, t, i, 2, LF_PB_BYTES, "rule set name");
	if (a == SIZE_MAX || b == SIZE_MAX)
		return;
	if (t->nrulesets == LF_SYMANTEC_RULESETS_MAX) {
		note(c, "symantec.tracker-limit", LF_SEV_MEDIUM, 0,
		    "more rule sets than the limit");
		return;
	}
	r = &t->rulesets[t->nrulesets++];
	span_of(t, b, &r->name);
	r->stamp = (uint32_t)t->fields[a].value;
	r->group = g;
	if (id != SIZE_MAX) {
		r->has_id = true;
		r->id = t->fields[id].value;
	}
}

static void
layout(const struct tctx *c, struct lf_symantec_tracker *t)
{
	size_t top, rec, i, j, a;
	uint32_t g;
	bool noted = false;

	if ((top = single(c, t, SIZE_MAX, 1, LF_PB_VARINT, "1")) != SIZE_MAX) {
		t->has_version = true;
		t->version = t->fields[top].value;
	}
	span_of(t, single(c, t, SIZE_MAX, 3, LF_PB_BYTES, "3"), &t->signature);
	span_of(t, single(c, t, SIZE_MAX, 4, LF_PB_BYTES, "4"), &t->sig_digest);
	span_of(t, single(c, t, SIZE_MAX, 5, LF_PB_BYTES, "5"),
	    &t->sig_algorithm);
	/* The record may be cut: its complete fields are still read. */
	rec = child(t, SIZE_MAX, 2, 0);
	if (rec == SIZE_MAX)
		return;
	if (!t->fields[rec].message) {
		note(c, "symantec.tracker-layout", LF_SEV_LOW, 0,
		    "field 2 is not a message");
		return;
	}
	if (!t->fields[rec].partial)
		span_of(t, rec, &t->record);
	span_of(t, single(c, t, rec, 3, LF_PB_BYTES, "2.3"), &t->direction);
	i = single(c, t, rec, 4, LF_PB_BYTES, "2.4");
	address(c, t, i, "2.4.1", t->client_ip, &t->client_family);
	if ((i = single(c, t, rec, 5, LF_PB_FIXED32, "2.5")) != SIZE_MAX) {
		t->has_time = true;
		t->time = (int64_t)t->fields[i].value;
		lf_date_rfc3339(t->time, t->time_rfc3339);
	}
	span_of(t, single(c, t, rec, 11, LF_PB_BYTES, "2.11"), &t->action);
	span_of(t, single(c, t, rec, 21, LF_PB_BYTES, "2.21"),
	    &t->scanner_host);
	i = single(c, t, rec, 22, LF_PB_BYTES, "2.22");
	address(c, t, i, "2.22.1", t->scanner_ip, &t->scanner_family);
	for (i = rec + 1; i < t->nfields; i++) {
		g = t->fields[i].number;
		if (t->fields[i].parent != rec ||
		    (g != 24 && g != 25 && g != 26 && g != 29) ||
		    !t->fields[i].message || t->fields[i].partial)
			continue;
		/* 24 and 29: {1: id, 4: set}; 25 and 26: {3: set, ...} */
		j = child(t, i, g == 24 || g == 29 ? 4 : 3, i + 1);
		if (j == SIZE_MAX || !t->fields[j].message ||
		    t->fields[j].partial) {
			if (!noted)
				note(c, "symantec.tracker-layout", LF_SEV_LOW,
				    0, "a rule set entry without its set");
			noted = true;
			continue;
		}
		a = child(t, i, 1, i + 1);
		if (a != SIZE_MAX && t->fields[a].wire != LF_PB_VARINT)
			a = SIZE_MAX;
		ruleset(c, t, j, g, g == 24 || g == 29 ? a : SIZE_MAX);
	}
}

int
lf_symantec_tracker(const uint8_t *v, size_t n, struct lf_symantec_tracker *out,
    lf_anomaly_fn anomaly, void *arg, struct lf_error *err)
{
	struct tctx c = {anomaly, arg, err};
	struct lf_symantec_tracker t;
	struct pb pb;
	uint8_t *z = NULL;
	size_t zn;
	char detail[96];
	int rc;

	if (out == NULL || (v == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "tracker: no value");
	memset(&t, 0, sizeof(t));
	memset(&pb, 0, sizeof(pb));
	if ((rc = unbase64(&c, v, n, &z, &zn)) != LF_OK)
		return rc;
	if (zn < 2 || z[0] != 0x1f || z[1] != 0x8b) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "tracker: not base64 of a gzip stream");
		goto out;
	}
	t.compressed_len = zn;
	rc = gunzip(&c, z, zn, &t.data, &t.len, &t.gzip_complete);
	if (rc != LF_OK)
		goto out;
	pb.c = &c;
	pb.d = t.data;
	rc = record(&pb, 0, t.len, 0, SIZE_MAX);
	if (rc == LF_E_NOMEM)
		goto out;
	rc = LF_OK;
	t.fields = pb.f;
	t.nfields = pb.nf;
	pb.f = NULL;
	if (pb.broken) {
		snprintf(detail, sizeof(detail),
		    "bytes that are no field after %zu fields", t.nfields);
		note(&c, "symantec.tracker-protobuf", LF_SEV_MEDIUM, 0, detail);
	} else if (pb.cut && t.gzip_complete) {
		note(&c, "symantec.tracker-protobuf", LF_SEV_MEDIUM, 0,
		    "the data ends inside a field");
	}
	t.complete = t.gzip_complete && !pb.broken && !pb.cut && !pb.limit;
	layout(&c, &t);
	*out = t;
	t.data = NULL;
	t.fields = NULL;
out:
	free(pb.f);
	free(t.fields);
	free(t.data);
	free(z);
	return rc;
}

void
lf_symantec_tracker_release(struct lf_symantec_tracker *t)
{
	if (t == NULL)
		return;
	free(t->fields);
	free(t->data);
	memset(t, 0, sizeof(*t));
}
