/*
 * lf_msg.c: Outlook .msg files (MS-OXMSG) over compound files.
 *
 * Why it is built this way:
 *
 * - Property values are streams named "__substg1.0_TTTTYYYY" (tag, type)
 *   and fixed-size values sit in "__properties_version1.0" after a header
 *   whose size depends on where the storage is (MS-OXMSG 2.4): 32 bytes
 *   for the message, 24 for an embedded one, 8 for recipients and
 *   attachments.
 *
 * - Text is converted with iconv in pieces as the compound file gives
 *   them, so that a body or an attachment is never held whole.  Bytes
 *   iconv rejects become U+FFFD and one anomaly per value: evidence is
 *   shown, not dropped.  A piece that ends inside a character waits in a
 *   few bytes of carry for the next.
 *
 * - Embedded messages are read by recursion, bounded by container_depth
 *   and by the length of an entry path (LF_ENTRY_PATH_MAX), whichever
 *   comes first, so the stack stays small whatever the limits say.  The
 *   compound file reader gives each storage one parent, so a storage
 *   cannot be reached (and expanded) twice.
 *
 * - Compressed RTF must be whole to be decompressed (lf_rtfcp.h): its
 *   input and its output are each bounded by rtf-bytes.
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/buf.h"
#include "lf/cfb.h"
#include "lf/date.h"
#include "lf/msg.h"
#include "lf/rtfcp.h"
#include "lf_bytes.h"

#define PROPS "__properties_version1.0"
#define RECIP_PREFIX "__recip_version1.0_#"
#define ATTACH_PREFIX "__attach_version1.0_#"

#define PT_LONG 0x0003
#define PT_SYSTIME 0x0040
#define PT_STRING8 0x001E
#define PT_UNICODE 0x001F
#define PT_BINARY 0x0102
#define PT_OBJECT 0x000D

#define TAG_SUBJECT 0x0037
#define TAG_SUBMIT_TIME 0x0039
#define TAG_CLASS 0x001A
#define TAG_TRANSPORT 0x007D
#define TAG_RECIP_TYPE 0x0C15
#define TAG_SENDER_NAME 0x0C1A
#define TAG_SENDER_EMAIL 0x0C1F
#define TAG_DELIVERY_TIME 0x0E06
#define TAG_BODY 0x1000
#define TAG_RTF 0x1009
#define TAG_HTML 0x1013
#define TAG_MESSAGE_ID 0x1035
#define TAG_DISPLAY_NAME 0x3001
#define TAG_EMAIL 0x3003
#define TAG_ATTACH_DATA 0x3701
#define TAG_ATTACH_FILENAME 0x3704
#define TAG_ATTACH_METHOD 0x3705
#define TAG_ATTACH_LONG_FILENAME 0x3707
#define TAG_ATTACH_MIME 0x370E
#define TAG_SMTP_ADDRESS 0x39FE
#define TAG_INTERNET_CODEPAGE 0x3FDE
#define TAG_MESSAGE_CODEPAGE 0x3FFD
#define TAG_SENDER_SMTP 0x5D01

#define CHUNK 4096     /* the largest piece the compound file gives */
#define CARRY 8        /* bytes of an unfinished character */
#define NAME_MAX 4096  /* bytes of a name or address kept */
#define OLE_HEAD 65536 /* bytes of an Ole10Native header looked at */

static const char replacement[] = "\xEF\xBF\xBD";

struct ctx {
	struct lf_cfb *cfb;
	const struct lf_limits *l;
	const struct lf_container_events *ev;
	void *arg;
	struct lf_error *err;
	const struct lf_entry *cur; /* where anomalies are, NULL: the file */
};

/* The fixed-size properties of one storage. */
struct props {
	struct lf_buf buf;
	size_t header;
};

static void
report(struct ctx *x, const char *code, enum lf_severity sev,
    const char *detail)
{
	struct lf_anomaly a = {code, sev, 0, detail};

	x->ev->anomaly(x->arg, x->cur, &a);
}

static void
on_cfb_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct ctx *x = arg;

	x->ev->anomaly(x->arg, x->cur, a);
}

/* ---- text conversion in pieces ---- */

typedef int (*emit_fn)(void *arg, const uint8_t *p, size_t n);

struct conv {
	iconv_t cd;
	size_t unit; /* bytes skipped at an invalid sequence */
	uint8_t in[CARRY + CHUNK];
	size_t carry;
	char out[4 * CHUNK];
	unsigned bad;
	emit_fn emit;
	void *emit_arg;
};

static const char *
codepage_name(unsigned cp, char *tmp, size_t n)
{
	switch (cp) {
	case 1200:
		return "UTF-16LE";
	case 20127:
		return "ASCII";
	case 65001:
		return "UTF-8";
	case 20866:
		return "KOI8-R";
	case 21866:
		return "KOI8-U";
	case 50220:
	case 50221:
	case 50222:
		return "ISO-2022-JP";
	case 51932:
		return "EUC-JP";
	case 51949:
		return "EUC-KR";
	case 54936:
		return "GB18030";
	case 10000:
		return "MACINTOSH";
	}
	if (cp >= 28591 && cp <= 28606) {
		snprintf(tmp, n, "ISO-8859-%u", cp - 28590);
		return tmp;
	}
	snprintf(tmp, n, "CP%u", cp);
	return tmp;
}

/*
 * Start a conversion to UTF-8 from type (PT_UNICODE: UTF-16LE) or code
 * page cp.  A code page iconv does not know falls back to windows-1252.
 */
static int
conv_open(struct ctx *x, struct conv *c, int type, unsigned cp, emit_fn emit,
    void *emit_arg)
{
	char tmp[32];
	const char *from;

	c->carry = 0;
	c->bad = 0;
	c->emit = emit;
	c->emit_arg = emit_arg;
	from = type == PT_UNICODE ? "UTF-16LE" :
	                            codepage_name(cp, tmp, sizeof(tmp));
	c->unit = type == PT_UNICODE || cp == 1200 ? 2 : 1;
	c->cd = iconv_open("UTF-8", from);
	if (c->cd == (iconv_t)-1 && errno == EINVAL) {
		report(x, "msg.unknown-codepage", LF_SEV_LOW, from);
		c->unit = 1;
		c->cd = iconv_open("UTF-8", "CP1252");
	}
	if (c->cd == (iconv_t)-1)
		return lf_error_set(x->err,
		    errno == ENOMEM ? LF_E_NOMEM : LF_E_IO, "msg: iconv_open");
	return LF_OK;
}

static void
conv_close(struct conv *c)
{
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	c->cd = (iconv_t)-1;
}

/* Convert what is in c->in[0..n); keep an unfinished tail unless last. */
static int
conv_run(struct conv *c, size_t n, bool last)
{
	char *ip = (char *)c->in, *op;
	size_t il = n, ol, r;
	int rc;

	while (il > 0) {
		op = c->out;
		ol = sizeof(c->out);
		r = iconv(c->cd, &ip, &il, &op, &ol);
		if (op > c->out &&
		    (rc = c->emit(c->emit_arg, (const uint8_t *)c->out,
		         (size_t)(op - c->out))) != 0)
			return rc;
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !last && il < CARRY) {
			memmove(c->in, ip, il);
			c->carry = il;
			return 0;
		}
		/* EILSEQ, or a character cut by the end of the value. */
		c->bad++;
		if ((rc = c->emit(c->emit_arg, (const uint8_t *)replacement,
		         3)) != 0)
			return rc;
		r = il < c->unit ? il : c->unit;
		ip += r;
		il -= r;
	}
	c->carry = 0;
	return 0;
}

static int
conv_feed(void *arg, const uint8_t *p, size_t n)
{
	struct conv *c = arg;
	size_t k;
	int rc;

	while (n > 0) {
		k = n < CHUNK ? n : CHUNK;
		memcpy(c->in + c->carry, p, k);
		if ((rc = conv_run(c, c->carry + k, false)) != 0)
			return rc;
		p += k;
		n -= k;
	}
	return 0;
}

static int
conv_finish(struct conv *c)
{
	return c->carry > 0 ? conv_run(c, c->carry, true) : 0;
}

/* ---- property streams ---- */

static uint32_t
find_prop(struct ctx *x, uint32_t storage, unsigned tag, unsigned type)
{
	char name[32];

	snprintf(name, sizeof(name), "__substg1.0_%04X%04X", tag, type);
	return lf_cfb_find(x->cfb, storage, name);
}

struct bufsink {
	struct lf_buf *b;
	bool cut;
	struct ctx *x;
};

static int
to_buf(void *arg, const uint8_t *p, size_t n)
{
	struct bufsink *s = arg;
	size_t room = s->b->max - s->b->len;
	int rc;

	if (n > room) {
		s->cut = true;
		n = room;
	}
	if (n > 0 && (rc = lf_buf_append(s->b, p, n, s->x->err)) != LF_OK)
		return rc;
	return 0;
}

/*
 * to_buf for converted text: a value cut at its cap ends on a whole
 * character (the converter emits whole ones) and takes nothing after the
 * cut, so that it stays valid UTF-8.
 */
static int
to_text(void *arg, const uint8_t *p, size_t n)
{
	struct bufsink *s = arg;
	size_t room = s->b->max - s->b->len;

	if (s->cut)
		return 0;
	if (n > room) {
		s->cut = true;
		n = room;
		while (n > 0 && (p[n] & 0xC0) == 0x80)
			n--;
	}
	return to_buf(arg, p, n);
}

/* Load stream id, at most b->max bytes, into b (reset first). */
static int
load_stream(struct ctx *x, uint32_t id, struct lf_buf *b, bool *cut)
{
	struct bufsink s = {b, false, x};
	int rc;

	lf_buf_reset(b);
	rc = lf_cfb_read(x->cfb, id, (uint64_t)b->max + 1, to_buf, &s, x->err);
	if (cut != NULL)
		*cut = s.cut;
	return rc;
}

/*
 * The string property tag of storage, as UTF-8 in out (at most
 * header_bytes), and its raw bytes in raw when not NULL.  *found says
 * whether it exists; *bad counts invalid sequences.
 */
static int
load_string(struct ctx *x, uint32_t storage, unsigned tag, unsigned cp,
    size_t max, struct lf_buf *out, struct lf_buf *raw, bool *found,
    unsigned *bad)
{
	struct lf_buf tmp;
	struct bufsink s = {out, false, x};
	struct conv *c = NULL;
	uint32_t id;
	int type = PT_UNICODE, rc;
	bool cut = false;

	*found = false;
	lf_buf_reset(out);
	if ((id = find_prop(x, storage, tag, PT_UNICODE)) == LF_CFB_NOENTRY) {
		type = PT_STRING8;
		if ((id = find_prop(x, storage, tag, PT_STRING8)) ==
		    LF_CFB_NOENTRY)
			return LF_OK;
	}
	if (lf_cfb_entry(x->cfb, id)->type != LF_CFB_STREAM)
		return LF_OK;
	*found = true;
	lf_buf_init(&tmp, max);
	if ((rc = load_stream(x, id, &tmp, &cut)) != LF_OK)
		goto out;
	/* The terminating NUL is not part of the value. */
	while (tmp.len >= (size_t)(type == PT_UNICODE ? 2 : 1) &&
	    tmp.data[tmp.len - 1] == 0 &&
	    (type != PT_UNICODE || tmp.data[tmp.len - 2] == 0))
		tmp.len -= type == PT_UNICODE ? 2 : 1;
	if (type == PT_UNICODE && tmp.len % 2 != 0) {
		tmp.len--;
		report(x, "msg.bad-string", LF_SEV_MEDIUM,
		    "odd number of UTF-16 bytes");
	}
	if (raw != NULL) {
		lf_buf_reset(raw);
		if (tmp.len > 0 &&
		    (rc = lf_buf_append(raw, tmp.data, tmp.len, x->err)) !=
		        LF_OK)
			goto out;
	}
	if ((c = malloc(sizeof(*c))) == NULL) {
		rc = lf_error_set(x->err, LF_E_NOMEM, "msg: string");
		goto out;
	}
	c->cd = (iconv_t)-1;
	if ((rc = conv_open(x, c, type, cp, to_text, &s)) != LF_OK)
		goto out;
	if (tmp.len > 0 && (rc = conv_feed(c, tmp.data, tmp.len)) != 0)
		goto out;
	if ((rc = conv_finish(c)) != 0)
		goto out;
	if (c->bad > 0)
		report(x, "msg.bad-string", LF_SEV_MEDIUM, NULL);
	if (bad != NULL)
		*bad = c->bad;
	if (cut || s.cut)
		report(x, "msg.value-too-large", LF_SEV_MEDIUM, NULL);
out:
	if (c != NULL)
		conv_close(c);
	free(c);
	lf_buf_release(&tmp);
	return rc;
}

static int
load_props(struct ctx *x, uint32_t storage, size_t header, struct props *p)
{
	uint32_t id;
	int rc;

	p->header = header;
	lf_buf_reset(&p->buf);
	id = lf_cfb_find(x->cfb, storage, PROPS);
	if (id == LF_CFB_NOENTRY ||
	    lf_cfb_entry(x->cfb, id)->type != LF_CFB_STREAM) {
		report(x, "msg.no-properties", LF_SEV_MEDIUM, NULL);
		return LF_OK;
	}
	if ((rc = load_stream(x, id, &p->buf, NULL)) != LF_OK)
		return rc;
	if (p->buf.len < header || (p->buf.len - header) % 16 != 0)
		report(x, "msg.bad-properties", LF_SEV_LOW, NULL);
	return LF_OK;
}

/* The 8 value bytes of fixed property tag/type, or NULL. */
static const uint8_t *
fixed(const struct props *p, unsigned tag, unsigned type)
{
	size_t o;
	uint32_t want = (uint32_t)tag << 16 | type;

	for (o = p->header; o + 16 <= p->buf.len; o += 16)
		if (lf_le32(p->buf.data + o) == want)
			return p->buf.data + o + 8;
	return NULL;
}

static bool
fixed_long(const struct props *p, unsigned tag, uint32_t *v)
{
	const uint8_t *q = fixed(p, tag, PT_LONG);

	if (q == NULL)
		return false;
	*v = lf_le32(q);
	return true;
}

/* ---- events ---- */

static int
prop(struct ctx *x, const struct lf_entry *e, const char *name,
    const struct lf_buf *v)
{
	return x->ev->property(x->arg, e, name,
	    v->len > 0 ? (const char *)v->data : "", v->len);
}

static int
prop_string(struct ctx *x, const struct lf_entry *self, uint32_t storage,
    unsigned cp, unsigned tag, const char *name, struct lf_buf *v)
{
	bool found;
	int rc;

	if ((rc = load_string(x, storage, tag, cp, x->l->header_bytes, v, NULL,
	         &found, NULL)) != LF_OK)
		return rc;
	return found ? prop(x, self, name, v) : 0;
}

static int
prop_date(struct ctx *x, const struct lf_entry *self, const uint8_t *q,
    const char *name)
{
	uint64_t ft;
	int64_t t;
	char out[32];

	if (q == NULL)
		return 0;
	ft = (uint64_t)lf_le32(q) | (uint64_t)lf_le32(q + 4) << 32;
	/* FILETIME: 100 ns since 1601; RFC 3339 shows years 0 to 9999. */
	t = (int64_t)(ft / 10000000) - 11644473600LL;
	if (t < -62135596800LL || t > 253402300799LL) {
		report(x, "msg.bad-date", LF_SEV_LOW, name);
		return 0;
	}
	lf_date_rfc3339(t, out);
	return x->ev->property(x->arg, self, name, out, strlen(out));
}

/* "Name <addr>", or whichever exists (the address alone when the name is
 * the address), into v. */
static int
name_addr(struct ctx *x, struct lf_buf *v, const struct lf_buf *name,
    const struct lf_buf *addr)
{
	lf_buf_reset(v);
	if (name->len > 0 && addr->len > 0 &&
	    (name->len != addr->len ||
	        memcmp(name->data, addr->data, name->len) != 0))
		return lf_buf_printf(v, x->err, "%.*s <%.*s>", (int)name->len,
		    (const char *)name->data, (int)addr->len,
		    (const char *)addr->data);
	if (name->len > 0)
		return lf_buf_append(v, name->data, name->len, x->err);
	if (addr->len > 0)
		return lf_buf_append(v, addr->data, addr->len, x->err);
	return LF_OK;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static int
buf_rc(int rc)
{
	/* A value cut at its cap was reported already. */
	return rc == LF_E_LIMIT ? LF_OK : rc;
}

static int
recipients(struct ctx *x, const struct lf_entry *self, uint32_t storage,
    unsigned cp)
{
	struct lf_buf name, addr, v;
	struct props p;
	const struct lf_cfb_entry *e;
	uint32_t k, type;
	uint64_t count = 0;
	bool found;
	int rc = LF_OK;
	const char *what;

	lf_buf_init(&name, NAME_MAX);
	lf_buf_init(&addr, NAME_MAX);
	lf_buf_init(&v, 2 * NAME_MAX + 4);
	lf_buf_init(&p.buf, 16 * (size_t)x->l->container_entries + 32);
	for (k = lf_cfb_entry(x->cfb, storage)->first_child;
	     k != LF_CFB_NOENTRY; k = e->next_sibling) {
		e = lf_cfb_entry(x->cfb, k);
		if (e->type != LF_CFB_STORAGE ||
		    !has_prefix(e->name, RECIP_PREFIX))
			continue;
		if (++count > x->l->container_entries) {
			report(x, "msg.too-many-entries", LF_SEV_MEDIUM,
			    "recipients");
			break;
		}
		if ((rc = load_props(x, k, 8, &p)) != LF_OK)
			goto out;
		if ((rc = load_string(x, k, TAG_DISPLAY_NAME, cp, NAME_MAX,
		         &name, NULL, &found, NULL)) != LF_OK)
			goto out;
		if ((rc = load_string(x, k, TAG_SMTP_ADDRESS, cp, NAME_MAX,
		         &addr, NULL, &found, NULL)) != LF_OK)
			goto out;
		if (!found &&
		    (rc = load_string(x, k, TAG_EMAIL, cp, NAME_MAX, &addr,
		         NULL, &found, NULL)) != LF_OK)
			goto out;
		what = "to";
		if (!fixed_long(&p, TAG_RECIP_TYPE, &type)) {
			report(x, "msg.recipient-type", LF_SEV_LOW, "missing");
		} else {
			/* The high bit marks a recipient already sent to. */
			switch (type & 0x0FFFFFFF) {
			case 1:
				break;
			case 2:
				what = "cc";
				break;
			case 3:
				what = "bcc";
				break;
			default:
				report(x, "msg.recipient-type", LF_SEV_LOW,
				    "unknown");
				continue;
			}
		}
		if ((rc = buf_rc(name_addr(x, &v, &name, &addr))) != LF_OK)
			goto out;
		if ((rc = prop(x, self, what, &v)) != 0)
			goto out;
	}
out:
	lf_buf_release(&name);
	lf_buf_release(&addr);
	lf_buf_release(&v);
	lf_buf_release(&p.buf);
	return rc;
}

static int
properties(struct ctx *x, const struct lf_entry *self, uint32_t storage,
    const struct props *p, unsigned cp)
{
	struct lf_buf name, addr, v;
	const uint8_t *q;
	bool found;
	int rc;

	lf_buf_init(&name, NAME_MAX);
	lf_buf_init(&addr, NAME_MAX);
	lf_buf_init(&v,
	    x->l->header_bytes > 2 * NAME_MAX + 4 ? x->l->header_bytes :
	                                            2 * NAME_MAX + 4);
	if ((rc = prop_string(x, self, storage, cp, TAG_SUBJECT, "subject",
	         &v)) != 0)
		goto out;
	if ((rc = load_string(x, storage, TAG_SENDER_NAME, cp, NAME_MAX, &name,
	         NULL, &found, NULL)) != LF_OK)
		goto out;
	if ((rc = load_string(x, storage, TAG_SENDER_SMTP, cp, NAME_MAX, &addr,
	         NULL, &found, NULL)) != LF_OK)
		goto out;
	if (!found &&
	    (rc = load_string(x, storage, TAG_SENDER_EMAIL, cp, NAME_MAX, &addr,
	         NULL, &found, NULL)) != LF_OK)
		goto out;
	if ((rc = buf_rc(name_addr(x, &v, &name, &addr))) != LF_OK)
		goto out;
	if (v.len > 0 && (rc = prop(x, self, "from", &v)) != 0)
		goto out;
	if ((rc = recipients(x, self, storage, cp)) != 0)
		goto out;
	q = fixed(p, TAG_SUBMIT_TIME, PT_SYSTIME);
	if (q == NULL)
		q = fixed(p, TAG_DELIVERY_TIME, PT_SYSTIME);
	if ((rc = prop_date(x, self, q, "date")) != 0)
		goto out;
	if ((rc = prop_date(x, self, fixed(p, TAG_DELIVERY_TIME, PT_SYSTIME),
	         "delivery-date")) != 0)
		goto out;
	if ((rc = prop_string(x, self, storage, cp, TAG_MESSAGE_ID,
	         "message-id", &v)) != 0)
		goto out;
	if ((rc = prop_string(x, self, storage, cp, TAG_CLASS, "message-class",
	         &v)) != 0)
		goto out;
	rc = prop_string(x, self, storage, cp, TAG_TRANSPORT,
	    "transport-headers", &v);
out:
	lf_buf_release(&name);
	lf_buf_release(&addr);
	lf_buf_release(&v);
	return rc;
}

/* ---- entries ---- */

struct entry_sink {
	struct ctx *x;
	const struct lf_entry *e;
	size_t nuls;   /* NUL bytes held back: a text's terminator */
	bool text;     /* hold trailing NULs back */
	uint64_t skip; /* bytes not to pass on, then at most left */
	uint64_t left;
};

static const uint8_t zeros[64];

static int
to_entry(void *arg, const uint8_t *p, size_t n)
{
	struct entry_sink *s = arg;
	size_t k, z;
	int rc;

	if (s->skip > 0) {
		k = s->skip < n ? (size_t)s->skip : n;
		p += k;
		n -= k;
		s->skip -= k;
	}
	if (n > s->left)
		n = (size_t)s->left;
	s->left -= n;
	if (n == 0)
		return 0;
	if (!s->text)
		return s->x->ev->data(s->x->arg, s->e, p, n);
	for (z = 0; z < n && p[n - 1 - z] == 0; z++)
		;
	if (z == n) {
		s->nuls += n;
		return 0;
	}
	while (s->nuls > 0) {
		k = s->nuls < sizeof(zeros) ? s->nuls : sizeof(zeros);
		if ((rc = s->x->ev->data(s->x->arg, s->e, zeros, k)) != 0)
			return rc;
		s->nuls -= k;
	}
	s->nuls = z;
	return s->x->ev->data(s->x->arg, s->e, p, n - z);
}

static int
make_path(struct ctx *x, struct lf_entry *e, const char *prefix,
    const char *what)
{
	int n = snprintf(e->path, sizeof(e->path), "%s%s", prefix, what);

	if (n < 0 || (size_t)n >= sizeof(e->path)) {
		report(x, "msg.too-deep", LF_SEV_MEDIUM, "entry path too long");
		return -1;
	}
	return 0;
}

/* Stream id (a text of type, or binary when type is PT_BINARY) as a
 * body entry. */
static int
body(struct ctx *x, const struct lf_entry *self, const char *prefix,
    uint32_t id, int type, unsigned cp, const char *what, const char *role,
    const char *mime)
{
	struct lf_entry e;
	struct entry_sink s;
	struct conv *c = NULL;
	const struct lf_entry *saved = x->cur;
	int rc;

	memset(&e, 0, sizeof(e));
	e.kind = LF_ENTRY_BODY;
	if (make_path(x, &e, prefix, what) != 0)
		return LF_OK;
	e.parent = self;
	e.role = role;
	e.mime_type = mime;
	e.declared_size = lf_cfb_entry(x->cfb, id)->size;
	memset(&s, 0, sizeof(s));
	s.x = x;
	s.e = &e;
	s.text = type != PT_BINARY;
	s.left = UINT64_MAX;
	if ((rc = x->ev->begin(x->arg, &e)) != 0)
		return rc;
	x->cur = &e;
	if (type == PT_BINARY) {
		rc = lf_cfb_read(x->cfb, id, UINT64_MAX, to_entry, &s, x->err);
	} else {
		if ((c = malloc(sizeof(*c))) == NULL) {
			rc = lf_error_set(x->err, LF_E_NOMEM, "msg: body");
			goto out;
		}
		c->cd = (iconv_t)-1;
		if ((rc = conv_open(x, c, type, cp, to_entry, &s)) != LF_OK)
			goto out;
		if ((rc = lf_cfb_read(x->cfb, id, UINT64_MAX, conv_feed, c,
		         x->err)) != 0)
			goto out;
		if ((rc = conv_finish(c)) != 0)
			goto out;
		if (c->bad > 0)
			report(x, "msg.bad-string", LF_SEV_MEDIUM, what);
	}
	if (rc == 0)
		rc = x->ev->end(x->arg, &e);
out:
	x->cur = saved;
	if (c != NULL)
		conv_close(c);
	free(c);
	return rc;
}

static void
rtf_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct ctx *x = arg;

	x->ev->anomaly(x->arg, x->cur, a);
}

static int
body_rtf(struct ctx *x, const struct lf_entry *self, const char *prefix,
    uint32_t id)
{
	struct lf_entry e;
	struct lf_buf in, out;
	struct lf_error rerr;
	const struct lf_entry *saved = x->cur;
	bool cut;
	int rc;

	memset(&e, 0, sizeof(e));
	e.kind = LF_ENTRY_BODY;
	if (make_path(x, &e, prefix, "body/rtf") != 0)
		return LF_OK;
	e.parent = self;
	e.role = "body.rtf";
	e.mime_type = "text/rtf";
	e.declared_size = UINT64_MAX;
	lf_buf_init(&in,
	    x->l->rtf_bytes > SIZE_MAX - 1 ? SIZE_MAX - 1 :
	                                     (size_t)x->l->rtf_bytes);
	lf_buf_init(&out,
	    x->l->rtf_bytes > SIZE_MAX - 1 ? SIZE_MAX - 1 :
	                                     (size_t)x->l->rtf_bytes);
	if ((rc = x->ev->begin(x->arg, &e)) != 0)
		goto out;
	x->cur = &e;
	if ((rc = load_stream(x, id, &in, &cut)) != LF_OK)
		goto out;
	if (cut)
		report(x, "msg.value-too-large", LF_SEV_MEDIUM, "body/rtf");
	rc = lf_rtfcp_decompress(in.data != NULL ? in.data : zeros, in.len,
	    &out, rtf_anomaly, x, &rerr);
	if (rc == LF_E_FORMAT) {
		report(x, "msg.rtf-bad", LF_SEV_MEDIUM, rerr.msg);
		rc = LF_OK;
	} else if (rc != LF_OK) {
		if (x->err != NULL)
			*x->err = rerr;
		goto out;
	}
	if (out.len > 0 &&
	    (rc = x->ev->data(x->arg, &e, out.data, out.len)) != 0)
		goto out;
	rc = x->ev->end(x->arg, &e);
out:
	x->cur = saved;
	lf_buf_release(&in);
	lf_buf_release(&out);
	return rc;
}

static int
bodies(struct ctx *x, const struct lf_entry *self, const char *prefix,
    uint32_t storage, const struct props *p, unsigned cp)
{
	uint32_t id, icp;
	int type, rc;

	type = PT_UNICODE;
	if ((id = find_prop(x, storage, TAG_BODY, PT_UNICODE)) ==
	    LF_CFB_NOENTRY) {
		type = PT_STRING8;
		id = find_prop(x, storage, TAG_BODY, PT_STRING8);
	}
	if (id != LF_CFB_NOENTRY &&
	    lf_cfb_entry(x->cfb, id)->type == LF_CFB_STREAM &&
	    (rc = body(x, self, prefix, id, type, cp, "body/plain",
	         "body.plain", "text/plain")) != 0)
		return rc;
	/* HTML is often binary, in the internet code page when one is set. */
	type = PT_BINARY;
	if ((id = find_prop(x, storage, TAG_HTML, PT_BINARY)) !=
	    LF_CFB_NOENTRY) {
		if (fixed_long(p, TAG_INTERNET_CODEPAGE, &icp) &&
		    icp != 65001) {
			type = PT_STRING8;
			cp = icp;
		}
	} else if ((id = find_prop(x, storage, TAG_HTML, PT_UNICODE)) !=
	    LF_CFB_NOENTRY) {
		type = PT_UNICODE;
	} else if ((id = find_prop(x, storage, TAG_HTML, PT_STRING8)) !=
	    LF_CFB_NOENTRY) {
		type = PT_STRING8;
	}
	if (id != LF_CFB_NOENTRY &&
	    lf_cfb_entry(x->cfb, id)->type == LF_CFB_STREAM &&
	    (rc = body(x, self, prefix, id, type, cp, "body/html", "body.html",
	         "text/html")) != 0)
		return rc;
	id = find_prop(x, storage, TAG_RTF, PT_BINARY);
	if (id != LF_CFB_NOENTRY &&
	    lf_cfb_entry(x->cfb, id)->type == LF_CFB_STREAM &&
	    (rc = body_rtf(x, self, prefix, id)) != 0)
		return rc;
	return LF_OK;
}

static int
read_message(struct ctx *x, uint32_t storage, const struct lf_entry *self,
    const char *prefix, size_t header, unsigned cp, uint64_t depth);

/* Stream id, from skip for at most len bytes, as e's data. */
static int
entry_stream(struct ctx *x, struct lf_entry *e, uint32_t id, uint64_t skip,
    uint64_t len)
{
	struct entry_sink s;

	memset(&s, 0, sizeof(s));
	s.x = x;
	s.e = e;
	s.skip = skip;
	s.left = len;
	return lf_cfb_read(x->cfb, id,
	    skip + len < skip ? UINT64_MAX : skip + len, to_entry, &s, x->err);
}

/*
 * An OLE Package's Ole10Native stream: size, flags, a label, the file's
 * path (both NUL-terminated, in the ANSI code page), 4 bytes, a temporary
 * path with its length, then the data with its length.  The label is the
 * file's name.  Returns false when it does not parse.
 */
static bool
parse_ole10(const struct lf_buf *b, size_t *label_off, size_t *label_len,
    uint64_t *data_off, uint64_t *data_len)
{
	const uint8_t *p = b->data, *z;
	size_t o = 6, n = b->len;
	uint32_t k;

	if (p == NULL || n < 6)
		return false;
	if ((z = memchr(p + o, 0, n - o)) == NULL)
		return false;
	*label_off = o;
	*label_len = (size_t)(z - (p + o));
	o = (size_t)(z - p) + 1;
	if ((z = memchr(p + o, 0, n - o)) == NULL)
		return false;
	o = (size_t)(z - p) + 1;
	if (n - o < 8)
		return false;
	o += 4;
	k = lf_le32(p + o);
	o += 4;
	if (k > n - o || n - o - k < 4)
		return false;
	o += k;
	*data_len = lf_le32(p + o);
	*data_off = o + 4;
	return true;
}

static int
attach_ole(struct ctx *x, struct lf_entry *e, uint32_t obj, unsigned cp,
    struct lf_buf *name_raw, struct lf_buf *name, bool *named)
{
	struct lf_buf head;
	struct bufsink s = {NULL, false, x};
	struct conv *c = NULL;
	uint32_t id;
	size_t loff = 0, llen = 0;
	uint64_t doff = 0, dlen = 0, size;
	int rc;

	lf_buf_init(&head, OLE_HEAD);
	id = lf_cfb_find(x->cfb, obj, "\001Ole10Native");
	if (id != LF_CFB_NOENTRY &&
	    lf_cfb_entry(x->cfb, id)->type == LF_CFB_STREAM) {
		size = lf_cfb_entry(x->cfb, id)->size;
		if ((rc = load_stream(x, id, &head, NULL)) != LF_OK)
			goto out;
		if (!parse_ole10(&head, &loff, &llen, &doff, &dlen)) {
			report(x, "msg.ole-bad-native", LF_SEV_MEDIUM, NULL);
			doff = 0;
			dlen = size;
		} else {
			if (doff > size || dlen > size - doff) {
				report(x, "msg.ole-bad-native", LF_SEV_MEDIUM,
				    "data past the end of the stream");
				dlen = doff > size ? 0 : size - doff;
			}
			if (llen > 0) {
				/* The package's own name for its file. */
				lf_buf_reset(name_raw);
				lf_buf_reset(name);
				if ((rc = buf_rc(lf_buf_append(name_raw,
				         head.data + loff, llen, x->err))) !=
				    LF_OK)
					goto out;
				if ((c = malloc(sizeof(*c))) == NULL) {
					rc = lf_error_set(x->err, LF_E_NOMEM,
					    "msg: OLE name");
					goto out;
				}
				c->cd = (iconv_t)-1;
				s.b = name;
				if ((rc = conv_open(x, c, PT_STRING8, cp,
				         to_text, &s)) != LF_OK)
					goto out;
				if ((rc = conv_feed(c, name_raw->data,
				         name_raw->len)) != 0 ||
				    (rc = conv_finish(c)) != 0)
					goto out;
				*named = c->bad == 0;
			}
			e->declared_size = dlen;
		}
		lf_buf_release(&head);
		e->name_raw = name_raw->data;
		e->name_raw_len = name_raw->len;
		e->name = *named ? (const char *)name->data : NULL;
		e->name_len = *named ? name->len : 0;
		if ((rc = x->ev->begin(x->arg, e)) != 0)
			goto out;
		rc = entry_stream(x, e, id, doff, dlen);
		goto out;
	}
	if ((id = lf_cfb_find(x->cfb, obj, "CONTENTS")) == LF_CFB_NOENTRY ||
	    lf_cfb_entry(x->cfb, id)->type != LF_CFB_STREAM)
		id = lf_cfb_find(x->cfb, obj, "Package");
	if (id != LF_CFB_NOENTRY &&
	    lf_cfb_entry(x->cfb, id)->type == LF_CFB_STREAM)
		e->declared_size = lf_cfb_entry(x->cfb, id)->size;
	else {
		report(x, "msg.attach-no-data", LF_SEV_MEDIUM,
		    "OLE object without a known stream");
		id = LF_CFB_NOENTRY;
	}
	if ((rc = x->ev->begin(x->arg, e)) != 0)
		goto out;
	if (id != LF_CFB_NOENTRY)
		rc = entry_stream(x, e, id, 0, UINT64_MAX);
out:
	if (c != NULL)
		conv_close(c);
	free(c);
	lf_buf_release(&head);
	return rc;
}

static int
attachment(struct ctx *x, const struct lf_entry *self, const char *prefix,
    uint32_t storage, unsigned cp, uint64_t n, uint64_t depth)
{
	struct lf_entry e;
	struct lf_buf name_raw, name, mime;
	struct props p;
	const struct lf_entry *saved = x->cur;
	const struct lf_cfb_entry *data;
	char what[32], sub[LF_ENTRY_PATH_MAX + 2];
	static const unsigned name_tags[] = {TAG_ATTACH_LONG_FILENAME,
	    TAG_ATTACH_FILENAME, TAG_DISPLAY_NAME};
	uint32_t method = 0, id;
	unsigned bad = 0;
	bool found = false, named = false, mime_found;
	size_t i;
	int rc;

	memset(&e, 0, sizeof(e));
	snprintf(what, sizeof(what), "attach/%llu", (unsigned long long)n);
	if (make_path(x, &e, prefix, what) != 0)
		return LF_OK;
	e.kind = LF_ENTRY_FILE;
	e.parent = self;
	e.role = "attachment";
	e.declared_size = UINT64_MAX;
	lf_buf_init(&name_raw, NAME_MAX);
	lf_buf_init(&name, 3 * NAME_MAX);
	lf_buf_init(&mime, NAME_MAX);
	lf_buf_init(&p.buf, 16 * (size_t)x->l->container_entries + 32);
	if ((rc = load_props(x, storage, 8, &p)) != LF_OK)
		goto out;
	if (!fixed_long(&p, TAG_ATTACH_METHOD, &method))
		method = 1;
	for (i = 0; i < sizeof(name_tags) / sizeof(name_tags[0]) && !found; i++)
		if ((rc = load_string(x, storage, name_tags[i], cp,
		         3 * NAME_MAX, &name, &name_raw, &found, &bad)) !=
		    LF_OK)
			goto out;
	if (found) {
		named = bad == 0;
		e.name_raw =
		    name_raw.data != NULL ? name_raw.data : (const uint8_t *)"";
		e.name_raw_len = name_raw.len;
		e.name = named ?
		    (name.data != NULL ? (const char *)name.data : "") :
		    NULL;
		e.name_len = named ? name.len : 0;
	}
	if ((rc = load_string(x, storage, TAG_ATTACH_MIME, cp, NAME_MAX, &mime,
	         NULL, &mime_found, NULL)) != LF_OK)
		goto out;
	if (mime_found && mime.len > 0)
		e.mime_type = (const char *)mime.data;
	id = find_prop(x, storage, TAG_ATTACH_DATA, PT_OBJECT);
	data = id != LF_CFB_NOENTRY ? lf_cfb_entry(x->cfb, id) : NULL;
	if (data != NULL && data->type != LF_CFB_STORAGE)
		data = NULL;
	if (method == 5 && data != NULL) {
		e.kind = LF_ENTRY_MESSAGE;
		e.role = "message";
		if ((rc = x->ev->begin(x->arg, &e)) != 0)
			goto out;
		x->cur = &e;
		if (depth + 1 > x->l->container_depth) {
			report(x, "msg.too-deep", LF_SEV_MEDIUM, NULL);
		} else {
			snprintf(sub, sizeof(sub), "%s/", e.path);
			if ((rc = read_message(x, data->id, &e, sub, 24, cp,
			         depth + 1)) != 0)
				goto out;
		}
		rc = x->ev->end(x->arg, &e);
		goto out;
	}
	if (method == 6 && data != NULL) {
		e.role = "ole-object";
		x->cur = &e;
		if ((rc = attach_ole(x, &e, data->id, cp, &name_raw, &name,
		         &named)) != 0)
			goto out;
		rc = x->ev->end(x->arg, &e);
		goto out;
	}
	x->cur = &e;
	if (method != 1)
		report(x, "msg.attach-method", LF_SEV_MEDIUM,
		    method == 5 || method == 6 ? "object storage missing" :
		                                 "unusual method");
	id = find_prop(x, storage, TAG_ATTACH_DATA, PT_BINARY);
	if (id != LF_CFB_NOENTRY &&
	    lf_cfb_entry(x->cfb, id)->type == LF_CFB_STREAM)
		e.declared_size = lf_cfb_entry(x->cfb, id)->size;
	else {
		id = LF_CFB_NOENTRY;
		if (method == 1 || method == 5 || method == 6)
			report(x, "msg.attach-no-data", LF_SEV_MEDIUM, NULL);
	}
	if ((rc = x->ev->begin(x->arg, &e)) != 0)
		goto out;
	if (id != LF_CFB_NOENTRY &&
	    (rc = entry_stream(x, &e, id, 0, UINT64_MAX)) != 0)
		goto out;
	rc = x->ev->end(x->arg, &e);
out:
	x->cur = saved;
	lf_buf_release(&name_raw);
	lf_buf_release(&name);
	lf_buf_release(&mime);
	lf_buf_release(&p.buf);
	return rc;
}

static int
read_message(struct ctx *x, uint32_t storage, const struct lf_entry *self,
    const char *prefix, size_t header, unsigned cp, uint64_t depth)
{
	struct props p;
	const struct lf_cfb_entry *e;
	uint32_t k, v;
	uint64_t n = 0;
	int rc;

	lf_buf_init(&p.buf, 16 * (size_t)x->l->container_entries + header);
	if ((rc = load_props(x, storage, header, &p)) != LF_OK)
		goto out;
	/* 8-bit strings: the message's code page, else the internet one. */
	if (fixed_long(&p, TAG_MESSAGE_CODEPAGE, &v) ||
	    fixed_long(&p, TAG_INTERNET_CODEPAGE, &v))
		cp = v;
	if ((rc = properties(x, self, storage, &p, cp)) != 0)
		goto out;
	if ((rc = bodies(x, self, prefix, storage, &p, cp)) != 0)
		goto out;
	for (k = lf_cfb_entry(x->cfb, storage)->first_child;
	     k != LF_CFB_NOENTRY; k = e->next_sibling) {
		e = lf_cfb_entry(x->cfb, k);
		if (e->type != LF_CFB_STORAGE ||
		    !has_prefix(e->name, ATTACH_PREFIX))
			continue;
		if (++n > x->l->container_entries) {
			report(x, "msg.too-many-entries", LF_SEV_MEDIUM,
			    "attachments");
			break;
		}
		if ((rc = attachment(x, self, prefix, k, cp, n, depth)) != 0)
			goto out;
	}
out:
	lf_buf_release(&p.buf);
	return rc;
}

int
lf_msg_read(const struct lf_source *src, const struct lf_limits *l,
    const struct lf_container_events *ev, void *arg, struct lf_error *err)
{
	struct ctx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.l = l;
	x.ev = ev;
	x.arg = arg;
	x.err = err;
	if ((rc = lf_cfb_open(src, l, on_cfb_anomaly, &x, &x.cfb, err)) !=
	    LF_OK)
		return rc;
	if (lf_cfb_count(x.cfb) > 0)
		rc = read_message(&x, 0, NULL, "", 32, 1252, 0);
	lf_cfb_free(x.cfb);
	return rc;
}
