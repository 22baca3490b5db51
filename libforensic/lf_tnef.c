/*
 * lf_tnef.c: TNEF streams (MS-OXTNEF) read into container events.
 *
 * A TNEF stream is a signature, a legacy key and a run of attributes:
 * a level byte (1 message, 2 attachment), a 32-bit id whose high half is
 * a type, a 32-bit length, the data and a 16-bit checksum (the sum of the
 * data bytes).  Three attributes hold MAPI property lists (attMsgProps,
 * attAttachment, attRecipTable); an attached message is a whole TNEF
 * stream inside the PidTagAttachDataObject property of its attachment.
 *
 * Everything is read by offset from the source, nothing is held in
 * proportion to a declared length: an attachment's data is remembered as
 * a place in the source and streamed when the attachment is reported,
 * which is once all its attributes are known (its name may come after
 * its data), and an attached message is parsed in place.  Only
 * decompressed RTF needs to be whole, and it is bounded by rtf-bytes.
 *
 * Anomaly codes (offsets are in the source):
 *
 *   tnef.bad-checksum        low     an attribute's checksum is wrong;
 *                                    its data is used anyway, as readers
 *                                    do
 *   tnef.truncated           medium  an attribute or a MAPI value runs
 *                                    past the end of the stream (or its
 *                                    enclosing value): the rest is lost
 *   tnef.garbage-at-end      low     bytes after the last attribute too
 *                                    few to be one
 *   tnef.bad-level           low     a level byte neither 1 nor 2
 *   tnef.bad-length          low     an attribute whose length does not
 *                                    fit its kind (a date not 14 bytes)
 *   tnef.too-long            info    a string attribute or property too
 *                                    long to be kept (the first bytes
 *                                    are used)
 *   tnef.bad-mapi            medium  a MAPI list whose count, type or
 *                                    value cannot be right; the list is
 *                                    read up to there
 *   tnef.out-of-order        medium  an attachment attribute before any
 *                                    attAttachRendData, or a message
 *                                    attribute among the attachments
 *   tnef.duplicate           medium  a second body, attachment data or
 *                                    name of the same kind: the first
 *                                    is used, readers may pick the other
 *   tnef.bad-string          low     text not valid in its character set
 *                                    (U+FFFD in properties, no UTF-8 name)
 *   tnef.unknown-codepage    low     an OEM code page iconv does not
 *                                    know; CP1252 is used
 *   tnef.bad-date            low     a date with impossible fields
 *   tnef.bad-embedded        medium  an attached message whose data is
 *                                    not a TNEF stream; reported as file
 *   tnef.too-deep            medium  attached messages nested past
 *                                    container_depth: no contents read
 *   tnef.too-many-entries    medium  more attributes than
 *                                    container_entries, or more
 *                                    recipients; the rest skipped
 *   tnef.recipient-type      low     a recipient without
 *                                    PR_RECIPIENT_TYPE (taken as To), or
 *                                    with one that is not To, Cc or Bcc
 *                                    (not reported)
 *   tnef.bad-rtf             medium  PR_RTF_COMPRESSED that is not
 *                                    compressed RTF at all
 *   tnef.rtf-too-large       medium  compressed RTF past rtf-bytes
 *   rtf.*                            from lf_rtfcp_decompress, offsets
 *                                    moved into the source
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf/buf.h"
#include "lf/date.h"
#include "lf/rtfcp.h"
#include "lf/tnef.h"
#include "lf_bytes.h"

#define CHUNK (64 * 1024)     /* data() pieces, and reads */
#define SMALL_MAX (64 * 1024) /* string attributes and properties kept */
#define NAME_MAX_BYTES 4096   /* a raw attachment name kept */
#define CONV_OUT 4096         /* iconv output per call */

/* Attribute ids: the low half of the 32-bit id (MS-OXTNEF 2.1.3.3). */
enum {
	ATT_FROM = 0x8000,
	ATT_SUBJECT = 0x8004,
	ATT_DATE_SENT = 0x8005,
	ATT_MESSAGE_CLASS = 0x8008,
	ATT_MESSAGE_ID = 0x8009,
	ATT_BODY = 0x800c,
	ATT_ATTACH_DATA = 0x800f,
	ATT_ATTACH_TITLE = 0x8010,
	ATT_ATTACH_REND_DATA = 0x9002,
	ATT_MSG_PROPS = 0x9003,
	ATT_RECIP_TABLE = 0x9004,
	ATT_ATTACHMENT = 0x9005,
	ATT_OEM_CODEPAGE = 0x9007,
};

/* MAPI property types and ids (MS-OXCDATA 2.11.1, MS-OXPROPS). */
enum {
	PT_I2 = 0x0002,
	PT_LONG = 0x0003,
	PT_R4 = 0x0004,
	PT_DOUBLE = 0x0005,
	PT_CURRENCY = 0x0006,
	PT_APPTIME = 0x0007,
	PT_ERROR = 0x000a,
	PT_BOOLEAN = 0x000b,
	PT_OBJECT = 0x000d,
	PT_I8 = 0x0014,
	PT_STRING8 = 0x001e,
	PT_UNICODE = 0x001f,
	PT_SYSTIME = 0x0040,
	PT_CLSID = 0x0048,
	PT_BINARY = 0x0102,
	MV_FLAG = 0x1000,

	PR_MESSAGE_CLASS = 0x001a,
	PR_SUBJECT = 0x0037,
	PR_CLIENT_SUBMIT_TIME = 0x0039,
	PR_SENT_REPRESENTING_NAME = 0x0042,
	PR_SENT_REPRESENTING_EMAIL = 0x0065,
	PR_TRANSPORT_HEADERS = 0x007d,
	PR_RECIPIENT_TYPE = 0x0c15,
	PR_SENDER_NAME = 0x0c1a,
	PR_SENDER_EMAIL = 0x0c1f,
	PR_BODY = 0x1000,
	PR_RTF_COMPRESSED = 0x1009,
	PR_BODY_HTML = 0x1013,
	PR_INTERNET_MESSAGE_ID = 0x1035,
	PR_DISPLAY_NAME = 0x3001,
	PR_EMAIL_ADDRESS = 0x3003,
	PR_SMTP_ADDRESS = 0x39fe,
	PR_TRANSMITABLE_DISPLAY_NAME = 0x3a20,
	PR_ATTACH_DATA_OBJ = 0x3701,
	PR_ATTACH_FILENAME = 0x3704,
	PR_ATTACH_METHOD = 0x3705,
	PR_ATTACH_LONG_FILENAME = 0x3707,
	PR_ATTACH_MIME_TAG = 0x370e,
	PR_SENDER_SMTP = 0x5d01,

	ATTACH_EMBEDDED_MSG = 5,
	ATTACH_OLE = 6,
};

/* IID_IMessage {00020307-0000-0000-C000-000000000046}, as stored. */
static const uint8_t iid_imessage[16] = {0x07, 0x03, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};

enum enc {
	ENC_RAW,   /* bytes */
	ENC_CP,    /* 8-bit text in the message's OEM code page */
	ENC_UTF16, /* UTF-16LE */
};

/* A run of bytes in the source. */
struct loc {
	bool have;
	enum enc enc;
	uint64_t off;
	uint64_t len;
};

/* A name as stored, bounded. */
struct name {
	uint8_t *raw;
	size_t len;
	enum enc enc;
	bool have;
};

/* The attachment being read: reported when the next one starts. */
struct attach {
	bool active;
	uint64_t off; /* of the attribute that started it */
	struct name title, longname, filename, display;
	char *mime; /* UTF-8, or NULL */
	long method;
	struct loc data; /* attAttachData */
	struct loc obj;  /* PR_ATTACH_DATA_OBJ, after the IID of an object */
	bool obj_is_object;
	uint8_t iid[16];
};

/* What identifies a value already reported, per property name. */
struct seen {
	uint64_t hash;
	size_t len;
	bool have;
};

enum prop_name {
	P_SUBJECT,
	P_FROM,
	P_DATE,
	P_MSGID,
	P_CLASS,
	P_HEADERS,
	NPROP
};

static const char *const prop_names[NPROP] = {"subject", "from", "date",
    "message-id", "message-class", "transport-headers"};

/* One message: the top one or an attached one. */
struct msg {
	const struct lf_entry *self; /* NULL for the top message */
	unsigned depth;
	unsigned codepage;
	unsigned nattach;
	bool attachments_seen;
	struct loc att_body, pr_body, html, rtf;
	struct attach at;
	struct seen seen[NPROP];
	/*
	 * PR_CLIENT_SUBMIT_TIME, reported as "date" only when there is no
	 * attDateSent: the tnef tool and MimeKit show attDateSent.
	 */
	uint64_t submit_time;
	bool have_submit_time, have_date_sent;
	/* Sender parts from MAPI, joined into "from" after the list. */
	struct lf_buf sender_name, sender_addr, repr_name, repr_addr;
	/* The recipient row being read: display name (or its transmittable
	 * twin), SMTP address, address of its own type, recipient type. */
	struct lf_buf rcpt_name, rcpt_alt, rcpt_smtp, rcpt_addr;
	uint32_t rcpt_type;
	bool have_rcpt_type;
	uint64_t nrcpt;
};

struct tnef {
	const struct lf_source *src;
	const struct lf_limits *l;
	const struct lf_container_events *ev;
	void *arg;
	struct lf_error *err;
	uint8_t *in;  /* CHUNK bytes read from the source */
	uint8_t *out; /* CHUNK bytes of converted text */
	struct lf_buf small;
	struct lf_buf conv;
	iconv_t cd_cp;
	unsigned cd_cp_page; /* 0: cd_cp not open */
	iconv_t cd_utf16;
	bool cd_utf16_open;
};

static void
anomaly(struct tnef *t, const struct lf_entry *e, const char *code,
    enum lf_severity sev, uint64_t off, const char *detail)
{
	struct lf_anomaly a = {code, sev, off, detail};

	if (t->ev->anomaly != NULL)
		t->ev->anomaly(t->arg, e, &a);
}

static int
src_read(struct tnef *t, uint64_t off, void *buf, size_t n)
{
	int rc;

	if ((rc = lf_source_read(t->src, off, buf, n, t->err)) != LF_OK)
		lf_error_prefix(t->err, "tnef");
	return rc;
}

/* Read len (at most SMALL_MAX) bytes at off into t->small. */
static int
read_small(struct tnef *t, uint64_t off, size_t len)
{
	int rc;

	lf_buf_reset(&t->small);
	if ((rc = lf_buf_append(&t->small, "", 0, t->err)) != LF_OK)
		return rc;
	while (t->small.len < len) {
		size_t k = len - t->small.len;

		if (k > CHUNK)
			k = CHUNK;
		if ((rc = src_read(t, off + t->small.len, t->in, k)) != LF_OK)
			return rc;
		if ((rc = lf_buf_append(&t->small, t->in, k, t->err)) != LF_OK)
			return rc == LF_E_LIMIT ? LF_E_NOMEM : rc;
	}
	return LF_OK;
}

/* Sum of len bytes at off, modulo 2^16: the attribute checksum. */
static int
checksum(struct tnef *t, uint64_t off, uint64_t len, uint16_t *sum)
{
	uint32_t s = 0;
	size_t k, i;
	int rc;

	while (len > 0) {
		k = len > CHUNK ? CHUNK : (size_t)len;
		if ((rc = src_read(t, off, t->in, k)) != LF_OK)
			return rc;
		for (i = 0; i < k; i++)
			s += t->in[i];
		off += k;
		len -= k;
	}
	*sum = (uint16_t)s;
	return LF_OK;
}

/*
 * The iconv name of a Windows code page.  Most are "CP<n>" in glibc; the
 * others mail carries are spelled out.
 */
static void
codepage_name(unsigned cp, char out[32])
{
	static const struct {
		unsigned cp;
		const char *name;
	} names[] = {
	    {65001, "UTF-8"},
	    {20127, "ASCII"},
	    {1200, "UTF-16LE"},
	    {10000, "MACINTOSH"},
	    {20866, "KOI8-R"},
	    {21866, "KOI8-U"},
	    {20932, "EUC-JP"},
	    {51932, "EUC-JP"},
	    {50220, "ISO-2022-JP"},
	    {50221, "ISO-2022-JP"},
	    {50222, "ISO-2022-JP"},
	    {51936, "GB2312"},
	    {51949, "EUC-KR"},
	    {52936, "HZ"},
	    {54936, "GB18030"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].cp == cp) {
			snprintf(out, 32, "%s", names[i].name);
			return;
		}
	}
	if (cp >= 28591 && cp <= 28605)
		snprintf(out, 32, "ISO-8859-%u", cp - 28590);
	else
		snprintf(out, 32, "CP%u", cp);
}

/*
 * The converter for enc in message m, opened on first use.  Returns
 * LF_OK with *cd, or LF_E_NOMEM.  A code page iconv does not know falls
 * back to CP1252 (anomaly).
 */
static int
converter(struct tnef *t, struct msg *m, enum enc enc, iconv_t *cd)
{
	char name[32];
	unsigned cp;

	if (enc == ENC_UTF16) {
		if (!t->cd_utf16_open) {
			t->cd_utf16 = iconv_open("UTF-8", "UTF-16LE");
			if (t->cd_utf16 == (iconv_t)-1)
				return lf_error_set(t->err, LF_E_NOMEM,
				    "tnef: iconv_open UTF-16LE failed");
			t->cd_utf16_open = true;
		}
		*cd = t->cd_utf16;
		return LF_OK;
	}
	cp = m->codepage;
	if (t->cd_cp_page != cp) {
		if (t->cd_cp_page != 0)
			(void)iconv_close(t->cd_cp);
		t->cd_cp_page = 0;
		codepage_name(cp, name);
		t->cd_cp = iconv_open("UTF-8", name);
		if (t->cd_cp == (iconv_t)-1 && errno == EINVAL) {
			anomaly(t, m->self, "tnef.unknown-codepage", LF_SEV_LOW,
			    0, name);
			m->codepage = cp = 1252;
			t->cd_cp = iconv_open("UTF-8", "CP1252");
		}
		if (t->cd_cp == (iconv_t)-1)
			return lf_error_set(t->err, LF_E_NOMEM,
			    "tnef: iconv_open %s failed", name);
		t->cd_cp_page = cp;
	}
	*cd = t->cd_cp;
	return LF_OK;
}

/*
 * Convert n bytes at p to UTF-8, appended to out.  Bytes not valid in
 * the character set become U+FFFD and set *bad.  Returns LF_OK,
 * LF_E_NOMEM, or LF_E_LIMIT when out is full (what fit is kept).
 */
static int
convert(struct tnef *t, iconv_t cd, enum enc enc, const uint8_t *p, size_t n,
    struct lf_buf *out, bool *bad)
{
	char tmp[CONV_OUT];
	char *ip = (char *)(uintptr_t)p, *op;
	size_t il = n, ol, r;
	int rc;

	(void)iconv(cd, NULL, NULL, NULL, NULL);
	while (il > 0) {
		op = tmp;
		ol = sizeof(tmp);
		r = iconv(cd, &ip, &il, &op, &ol);
		if ((rc = lf_buf_append(out, tmp, sizeof(tmp) - ol, t->err)) !=
		    LF_OK)
			return rc;
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ, or EINVAL at the end: replace one unit. */
		*bad = true;
		if ((rc = lf_buf_append(out, "\xef\xbf\xbd", 3, t->err)) !=
		    LF_OK)
			return rc;
		r = enc == ENC_UTF16 ? 2 : 1;
		if (r > il)
			r = il;
		ip += r;
		il -= r;
	}
	return LF_OK;
}

/* n without the trailing NUL characters of text in enc. */
static size_t
trim_nul(const uint8_t *p, size_t n, enum enc enc)
{
	if (enc == ENC_UTF16) {
		n &= ~(size_t)1;
		while (n >= 2 && p[n - 1] == 0 && p[n - 2] == 0)
			n -= 2;
	} else if (enc == ENC_CP) {
		while (n > 0 && p[n - 1] == 0)
			n--;
	}
	return n;
}

/*
 * Text in enc to UTF-8 in t->conv (NUL-terminated).  Returns LF_OK,
 * LF_E_NOMEM; *bad tells whether anything was replaced.
 */
static int
to_utf8(struct tnef *t, struct msg *m, enum enc enc, const uint8_t *p, size_t n,
    bool *bad)
{
	iconv_t cd;
	int rc;

	*bad = false;
	lf_buf_reset(&t->conv);
	n = trim_nul(p, n, enc);
	if (enc == ENC_RAW)
		return lf_buf_append(&t->conv, p, n, t->err);
	if ((rc = converter(t, m, enc, &cd)) != LF_OK)
		return rc;
	rc = convert(t, cd, enc, p, n, &t->conv, bad);
	/* conv's cap is past anything SMALL_MAX bytes convert to. */
	if (rc == LF_OK && t->conv.data == NULL)
		rc = lf_buf_append(&t->conv, "", 0, t->err);
	return rc == LF_E_LIMIT ? LF_E_NOMEM : rc;
}

static uint64_t
fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (uint8_t)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Report a property unless the same value was reported under its name. */
static int
property(struct tnef *t, struct msg *m, enum prop_name which, const char *v,
    size_t n)
{
	struct seen *s = &m->seen[which];
	uint64_t h = fnv1a(v, n);

	if (s->have && s->hash == h && s->len == n)
		return 0;
	if (!s->have) {
		s->have = true;
		s->hash = h;
		s->len = n;
	}
	if (t->ev->property == NULL)
		return 0;
	return t->ev->property(t->arg, m->self, prop_names[which], v, n);
}

/* A text property, converted from the n bytes at p. */
static int
text_property(struct tnef *t, struct msg *m, enum prop_name which, enum enc enc,
    const uint8_t *p, size_t n, uint64_t off)
{
	bool bad;
	int rc;

	if ((rc = to_utf8(t, m, enc, p, n, &bad)) != LF_OK)
		return rc;
	if (bad)
		anomaly(t, m->self, "tnef.bad-string", LF_SEV_LOW, off,
		    prop_names[which]);
	return property(t, m, which, (const char *)t->conv.data, t->conv.len);
}

/*
 * attDateSent: year, month, day, hour, minute, second, weekday as 16-bit
 * words (MS-OXTNEF 2.1.3.3.2 "Date"), with no zone.  They are reported
 * as written, marked UTC, as the tnef tool and MimeKit show them;
 * Outlook writes its local time there, so PR_CLIENT_SUBMIT_TIME (UTC)
 * may differ by the sender's offset.
 */
static int
date_attribute(struct tnef *t, struct msg *m, const uint8_t *p, size_t n,
    uint64_t off)
{
	unsigned y, mo, d, h, mi, s;
	char out[32];

	if (n != 14) {
		anomaly(t, m->self, "tnef.bad-length", LF_SEV_LOW, off,
		    "attDateSent");
		if (n < 12)
			return 0;
	}
	y = lf_le16(p);
	mo = lf_le16(p + 2);
	d = lf_le16(p + 4);
	h = lf_le16(p + 6);
	mi = lf_le16(p + 8);
	s = lf_le16(p + 10);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    s > 60) {
		anomaly(t, m->self, "tnef.bad-date", LF_SEV_LOW, off,
		    "attDateSent");
		return 0;
	}
	lf_date_rfc3339(lf_date_days_from_civil(y, (int)mo, (int)d) * 86400 +
	        h * 3600 + mi * 60 + s,
	    out);
	m->have_date_sent = true;
	return property(t, m, P_DATE, out, strlen(out));
}

/* A FILETIME (100 ns since 1601, UTC) as a "date" property. */
static int
filetime_property(struct tnef *t, struct msg *m, uint64_t ft)
{
	char out[32];

	lf_date_rfc3339((int64_t)(ft / 10000000u) - 11644473600ll, out);
	return property(t, m, P_DATE, out, strlen(out));
}

/*
 * attFrom: a TRP header (id, size, cch, cb), the display name (cch
 * bytes) and the address ("SMTP:a@b", cb bytes), both NUL-terminated
 * (MS-OXTNEF 2.1.3.3.1).  Reported as "Name <a@b>".
 */
static int
from_attribute(struct tnef *t, struct msg *m, const uint8_t *p, size_t n,
    uint64_t off)
{
	struct lf_buf v;
	size_t cch, cb, nl, al;
	const uint8_t *nm, *ad;
	bool bad = false;
	int rc;

	if (n < 8 || (cch = lf_le16(p + 4)) > n - 8 ||
	    (cb = lf_le16(p + 6)) > n - 8 - cch) {
		anomaly(t, m->self, "tnef.bad-length", LF_SEV_LOW, off,
		    "attFrom");
		return 0;
	}
	nm = p + 8;
	ad = nm + cch;
	nl = strnlen((const char *)nm, cch);
	al = strnlen((const char *)ad, cb);
	if (al >= 5 && memcmp(ad, "SMTP:", 5) == 0) {
		ad += 5;
		al -= 5;
	}
	/* An Exchange address ("EX:/o=...") is no mail address. */
	if (memchr(ad, '@', al) == NULL)
		al = 0;
	lf_buf_init(&v, 3 * SMALL_MAX + 8);
	if ((rc = to_utf8(t, m, ENC_CP, nm, nl, &bad)) != LF_OK ||
	    (rc = lf_buf_append(&v, t->conv.data, t->conv.len, t->err)) !=
	        LF_OK)
		goto out;
	if (al > 0) {
		if ((rc = to_utf8(t, m, ENC_CP, ad, al, &bad)) != LF_OK ||
		    (rc = lf_buf_append(&v, nl > 0 ? " <" : "<", nl > 0 ? 2 : 1,
		         t->err)) != LF_OK ||
		    (rc = lf_buf_append(&v, t->conv.data, t->conv.len,
		         t->err)) != LF_OK ||
		    (rc = lf_buf_append(&v, ">", 1, t->err)) != LF_OK)
			goto out;
	}
	if (bad)
		anomaly(t, m->self, "tnef.bad-string", LF_SEV_LOW, off, "from");
	if (v.len > 0)
		rc = property(t, m, P_FROM, (const char *)v.data, v.len);
out:
	lf_buf_release(&v);
	return rc == LF_E_LIMIT ? LF_E_NOMEM : rc;
}

/* Keep a copy of a name (at most NAME_MAX_BYTES). */
static int
keep_name(struct tnef *t, struct msg *m, struct name *nm, enum enc enc,
    const uint8_t *p, size_t n, uint64_t off)
{
	uint8_t *c;

	n = trim_nul(p, n, enc);
	if (n > NAME_MAX_BYTES) {
		anomaly(t, m->self, "tnef.too-long", LF_SEV_INFO, off,
		    "attachment name");
		n = NAME_MAX_BYTES;
	}
	if (nm->have) {
		anomaly(t, m->self, "tnef.duplicate", LF_SEV_MEDIUM, off,
		    "attachment name");
		return LF_OK;
	}
	if ((c = malloc(n + 1)) == NULL)
		return lf_error_set(t->err, LF_E_NOMEM, "tnef: name");
	memcpy(c, p, n);
	c[n] = 0;
	nm->raw = c;
	nm->len = n;
	nm->enc = enc;
	nm->have = true;
	return LF_OK;
}

static void
attach_clear(struct attach *a)
{
	free(a->title.raw);
	free(a->longname.raw);
	free(a->filename.raw);
	free(a->display.raw);
	free(a->mime);
	memset(a, 0, sizeof(*a));
	a->method = -1;
}

/* Send len bytes at off to data(), in CHUNK pieces. */
static int
stream_raw(struct tnef *t, const struct lf_entry *e, uint64_t off, uint64_t len)
{
	size_t k;
	int rc;

	while (len > 0) {
		k = len > CHUNK ? CHUNK : (size_t)len;
		if ((rc = src_read(t, off, t->in, k)) != LF_OK)
			return rc;
		if (t->ev->data != NULL &&
		    (rc = t->ev->data(t->arg, e, t->in, k)) != 0)
			return rc;
		off += k;
		len -= k;
	}
	return LF_OK;
}

/*
 * Send text at l to data() as UTF-8, converting piece by piece: a
 * character cut by a piece's end is carried to the next.
 */
static int
stream_text(struct tnef *t, struct msg *m, const struct lf_entry *e,
    const struct loc *l)
{
	uint64_t off = l->off, len = l->len;
	size_t carry = 0, k, il, ol, r;
	char *ip, *op;
	uint8_t tail[64];
	bool bad = false;
	iconv_t cd;
	int rc;

	if (l->enc == ENC_RAW)
		return stream_raw(t, e, off, len);
	/* Leave out the terminating NULs. */
	k = len > sizeof(tail) ? sizeof(tail) : (size_t)len;
	if ((rc = src_read(t, off + len - k, tail, k)) != LF_OK)
		return rc;
	len -= k - trim_nul(tail, k, l->enc);
	if ((rc = converter(t, m, l->enc, &cd)) != LF_OK)
		return rc;
	(void)iconv(cd, NULL, NULL, NULL, NULL);
	while (len > 0 || carry > 0) {
		k = len > CHUNK / 2 - carry ? CHUNK / 2 - carry : (size_t)len;
		if (k > 0 && (rc = src_read(t, off, t->in + carry, k)) != LF_OK)
			return rc;
		off += k;
		len -= k;
		ip = (char *)t->in;
		il = carry + k;
		op = (char *)t->out;
		ol = CHUNK;
		while (il > 0) {
			r = iconv(cd, &ip, &il, &op, &ol);
			if (r != (size_t)-1)
				break;
			if (errno == EINVAL && len > 0)
				break; /* the rest comes with the next piece */
			if (errno == E2BIG || ol < 3) {
				if (t->ev->data != NULL &&
				    (rc = t->ev->data(t->arg, e, t->out,
				         CHUNK - ol)) != 0)
					return rc;
				op = (char *)t->out;
				ol = CHUNK;
				continue;
			}
			bad = true;
			memcpy(op, "\xef\xbf\xbd", 3);
			op += 3;
			ol -= 3;
			r = l->enc == ENC_UTF16 ? 2 : 1;
			if (r > il)
				r = il;
			ip += r;
			il -= r;
		}
		if (ol < CHUNK && t->ev->data != NULL &&
		    (rc = t->ev->data(t->arg, e, t->out, CHUNK - ol)) != 0)
			return rc;
		carry = il;
		memmove(t->in, ip, carry);
		if (len == 0 && carry > 0 && k == 0)
			break; /* cannot happen: iconv consumed or replaced */
	}
	if (bad)
		anomaly(t, e, "tnef.bad-string", LF_SEV_LOW, l->off, e->path);
	return LF_OK;
}

static bool
make_path(char out[LF_ENTRY_PATH_MAX], const struct msg *m, const char *tail)
{
	int k;

	k = snprintf(out, LF_ENTRY_PATH_MAX, "%s%s%s",
	    m->self != NULL ? m->self->path : "", m->self != NULL ? "/" : "",
	    tail);
	return k > 0 && k < LF_ENTRY_PATH_MAX;
}

struct rtf_arg {
	struct tnef *t;
	const struct lf_entry *e;
	uint64_t base;
};

static void
rtf_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct rtf_arg *r = arg;
	struct lf_anomaly b = *a;

	b.offset += r->base;
	if (r->t->ev->anomaly != NULL)
		r->t->ev->anomaly(r->t->arg, r->e, &b);
}

static int
emit_begin(struct tnef *t, const struct lf_entry *e)
{
	return t->ev->begin != NULL ? t->ev->begin(t->arg, e) : 0;
}

static int
emit_end(struct tnef *t, const struct lf_entry *e)
{
	return t->ev->end != NULL ? t->ev->end(t->arg, e) : 0;
}

/* PR_RTF_COMPRESSED, decompressed, as body/rtf. */
static int
body_rtf(struct tnef *t, struct msg *m, struct lf_entry *e)
{
	struct lf_buf in, out;
	struct rtf_arg ra = {t, e, m->rtf.off};
	size_t i, k;
	int rc;

	if (m->rtf.len > t->l->rtf_bytes || m->rtf.len > SIZE_MAX / 2) {
		anomaly(t, m->self, "tnef.rtf-too-large", LF_SEV_MEDIUM,
		    m->rtf.off, NULL);
		return LF_OK;
	}
	lf_buf_init(&in, (size_t)m->rtf.len + 1);
	lf_buf_init(&out,
	    t->l->rtf_bytes > SIZE_MAX / 2 ? SIZE_MAX / 2 :
	                                     (size_t)t->l->rtf_bytes);
	rc = LF_OK;
	for (i = 0; i < m->rtf.len && rc == LF_OK; i += k) {
		k = m->rtf.len - i > CHUNK ? CHUNK : (size_t)(m->rtf.len - i);
		if ((rc = src_read(t, m->rtf.off + i, t->in, k)) == LF_OK)
			rc = lf_buf_append(&in, t->in, k, t->err);
	}
	if (rc != LF_OK)
		goto out;
	rc = lf_rtfcp_decompress(in.data, in.len, &out, rtf_anomaly, &ra,
	    t->err);
	if (rc == LF_E_FORMAT) {
		anomaly(t, m->self, "tnef.bad-rtf", LF_SEV_MEDIUM, m->rtf.off,
		    NULL);
		rc = LF_OK;
		goto out;
	}
	if (rc != LF_OK)
		goto out;
	if ((rc = emit_begin(t, e)) != 0)
		goto out;
	for (i = 0; i < out.len; i += k) {
		k = out.len - i > CHUNK ? CHUNK : out.len - i;
		if (t->ev->data != NULL &&
		    (rc = t->ev->data(t->arg, e, out.data + i, k)) != 0)
			goto out;
	}
	rc = emit_end(t, e);
out:
	lf_buf_release(&in);
	lf_buf_release(&out);
	return rc;
}

/* The message's bodies, once all its attributes are read. */
static int
bodies(struct tnef *t, struct msg *m)
{
	struct lf_entry e;
	const struct loc *plain;
	int rc;

	memset(&e, 0, sizeof(e));
	e.kind = LF_ENTRY_BODY;
	e.parent = m->self;
	e.declared_size = UINT64_MAX;
	plain = m->att_body.have ? &m->att_body : &m->pr_body;
	if (plain->have && make_path(e.path, m, "body/plain")) {
		e.role = "body.plain";
		e.mime_type = "text/plain";
		if ((rc = emit_begin(t, &e)) != 0 ||
		    (rc = stream_text(t, m, &e, plain)) != 0 ||
		    (rc = emit_end(t, &e)) != 0)
			return rc;
	}
	if (m->html.have && make_path(e.path, m, "body/html")) {
		e.role = "body.html";
		e.mime_type = "text/html";
		if ((rc = emit_begin(t, &e)) != 0 ||
		    (rc = stream_text(t, m, &e, &m->html)) != 0 ||
		    (rc = emit_end(t, &e)) != 0)
			return rc;
	}
	if (m->rtf.have && make_path(e.path, m, "body/rtf")) {
		e.role = "body.rtf";
		e.mime_type = "application/rtf";
		if ((rc = body_rtf(t, m, &e)) != 0)
			return rc;
	}
	return LF_OK;
}

static int tnef_message(struct tnef *t, uint64_t start, uint64_t end,
    const struct lf_entry *self, unsigned depth);

/* Report the attachment being read, if any, and forget it. */
static int
attach_finish(struct tnef *t, struct msg *m)
{
	struct attach *a = &m->at;
	const struct name *nm = NULL;
	const struct loc *data = NULL;
	struct lf_entry e;
	uint8_t sig[4];
	bool bad = false, nested = false;
	char *name = NULL, tail[32];
	int rc = LF_OK;

	if (!a->active)
		return LF_OK;
	memset(&e, 0, sizeof(e));
	m->nattach++;
	snprintf(tail, sizeof(tail), "attach/%u", m->nattach);
	if (!make_path(e.path, m, tail)) {
		anomaly(t, m->self, "tnef.too-deep", LF_SEV_MEDIUM, a->off,
		    "path too long");
		goto out;
	}
	e.kind = LF_ENTRY_FILE;
	e.parent = m->self;
	e.role = a->method == ATTACH_OLE ? "ole-object" : "attachment";
	e.mime_type = a->mime;
	/*
	 * The name readers show: PR_ATTACH_LONG_FILENAME, then
	 * PR_ATTACH_FILENAME, attAttachTitle, PR_DISPLAY_NAME (MS-OXTNEF
	 * 2.1.3.3.2: attAttachTitle maps to PidTagAttachFilename, the 8.3
	 * name; the long one is only in the property list).
	 */
	if (a->longname.have)
		nm = &a->longname;
	else if (a->filename.have)
		nm = &a->filename;
	else if (a->title.have)
		nm = &a->title;
	else if (a->display.have)
		nm = &a->display;
	if (nm != NULL) {
		e.name_raw = nm->raw;
		e.name_raw_len = nm->len;
		if ((rc = to_utf8(t, m, nm->enc, nm->raw, nm->len, &bad)) !=
		    LF_OK)
			goto out;
		if (bad) {
			anomaly(t, m->self, "tnef.bad-string", LF_SEV_LOW,
			    a->off, "attachment name");
		} else {
			/* The name may hold NULs: copied by its length. */
			if ((name = malloc(t->conv.len + 1)) == NULL) {
				rc = lf_error_set(t->err, LF_E_NOMEM,
				    "tnef: name");
				goto out;
			}
			memcpy(name, t->conv.data, t->conv.len + 1);
			e.name = name;
			e.name_len = t->conv.len;
		}
	}
	/* An attached message: IID_IMessage and a TNEF stream. */
	if (a->obj.have && a->obj_is_object &&
	    memcmp(a->iid, iid_imessage, 16) == 0) {
		if (a->obj.len >= 6 &&
		    (rc = src_read(t, a->obj.off, sig, 4)) != LF_OK)
			goto out;
		if (a->obj.len >= 6 && lf_le32(sig) == LF_TNEF_SIGNATURE)
			nested = true;
		else
			anomaly(t, m->self, "tnef.bad-embedded", LF_SEV_MEDIUM,
			    a->obj.off, NULL);
	} else if (a->method == ATTACH_EMBEDDED_MSG) {
		anomaly(t, m->self, "tnef.bad-embedded", LF_SEV_MEDIUM, a->off,
		    "attach method 5 without IID_IMessage");
	}
	if (nested) {
		e.kind = LF_ENTRY_MESSAGE;
		e.role = "message";
		data = &a->obj;
	} else if (a->data.have) {
		data = &a->data;
		if (a->obj.have && a->obj.len > 0 && a->data.len == 0)
			data = &a->obj;
	} else if (a->obj.have) {
		data = &a->obj;
	}
	e.declared_size = data != NULL ? data->len : UINT64_MAX;
	if ((rc = emit_begin(t, &e)) != 0)
		goto out;
	if (data != NULL && (rc = stream_raw(t, &e, data->off, data->len)) != 0)
		goto out;
	if (nested) {
		if (m->depth + 1 > t->l->container_depth)
			anomaly(t, &e, "tnef.too-deep", LF_SEV_MEDIUM,
			    data->off, NULL);
		else if ((rc = tnef_message(t, data->off, data->off + data->len,
		              &e, m->depth + 1)) != 0)
			goto out;
	}
	rc = emit_end(t, &e);
out:
	free(name);
	attach_clear(a);
	return rc;
}

/* A run of bytes of the source being read in order. */
struct cur {
	uint64_t off;
	uint64_t end;
};

static int
cur_u32(struct tnef *t, struct cur *c, uint32_t *v)
{
	uint8_t b[4];
	int rc;

	if (c->end - c->off < 4)
		return LF_E_FORMAT;
	if ((rc = src_read(t, c->off, b, 4)) != LF_OK)
		return rc;
	c->off += 4;
	*v = lf_le32(b);
	return LF_OK;
}

/* Skip n bytes and the padding to 4 after them. */
static bool
cur_skip(struct cur *c, uint64_t n)
{
	uint64_t pad = (4 - (n & 3)) & 3;

	if (n > c->end - c->off)
		return false;
	c->off += n;
	if (pad > c->end - c->off)
		pad =
		    c->end - c->off; /* missing padding at the end: harmless */
	c->off += pad;
	return true;
}

static uint64_t
fixed_size(uint16_t type)
{
	switch (type) {
	case PT_I2:
	case PT_LONG:
	case PT_R4:
	case PT_ERROR:
	case PT_BOOLEAN:
		return 4; /* each padded to 4 bytes */
	case PT_DOUBLE:
	case PT_CURRENCY:
	case PT_APPTIME:
	case PT_I8:
	case PT_SYSTIME:
		return 8;
	case PT_CLSID:
		return 16;
	default:
		return 0;
	}
}

enum list_kind { LIST_MSG, LIST_ATTACH, LIST_RECIP };

/* One property of a list, with the place of its first value. */
struct prop {
	uint16_t type;
	uint16_t id;
	bool named;
	uint64_t off; /* of the property */
	struct loc v; /* first value: data only */
};

/* Read a string value (at most SMALL_MAX bytes) into t->small. */
static int
prop_text(struct tnef *t, struct msg *m, const struct prop *p)
{
	size_t n = (size_t)p->v.len;

	if (p->v.len > SMALL_MAX) {
		anomaly(t, m->self, "tnef.too-long", LF_SEV_INFO, p->off, NULL);
		n = SMALL_MAX;
	}
	return read_small(t, p->v.off, n);
}

static enum enc
type_enc(uint16_t type)
{
	return type == PT_UNICODE ? ENC_UTF16 :
	    type == PT_STRING8    ? ENC_CP :
	                            ENC_RAW;
}

static bool
is_text(uint16_t type)
{
	return type == PT_STRING8 || type == PT_UNICODE;
}

/* Keep a sender part as UTF-8. */
static int
keep_sender(struct tnef *t, struct msg *m, struct lf_buf *b,
    const struct prop *p)
{
	bool bad;
	int rc;

	if (b->len > 0 || !is_text(p->type))
		return LF_OK;
	if ((rc = prop_text(t, m, p)) != LF_OK ||
	    (rc = to_utf8(t, m, type_enc(p->type), t->small.data, t->small.len,
	         &bad)) != LF_OK)
		return rc;
	rc = lf_buf_append(b, t->conv.data, t->conv.len, t->err);
	return rc == LF_E_LIMIT ? LF_OK : rc;
}

static void
keep_loc(struct tnef *t, struct msg *m, struct loc *l, const struct prop *p)
{
	if (l->have) {
		anomaly(t, m->self, "tnef.duplicate", LF_SEV_MEDIUM, p->off,
		    "body");
		return;
	}
	*l = p->v;
	l->enc = type_enc(p->type);
}

static int
msg_prop(struct tnef *t, struct msg *m, const struct prop *p)
{
	static const struct {
		uint16_t id;
		enum prop_name which;
	} texts[] = {
	    {PR_SUBJECT, P_SUBJECT},
	    {PR_MESSAGE_CLASS, P_CLASS},
	    {PR_INTERNET_MESSAGE_ID, P_MSGID},
	    {PR_TRANSPORT_HEADERS, P_HEADERS},
	};
	uint8_t b[8];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (p->id != texts[i].id || !is_text(p->type))
			continue;
		if ((rc = prop_text(t, m, p)) != LF_OK)
			return rc;
		return text_property(t, m, texts[i].which, type_enc(p->type),
		    t->small.data, t->small.len, p->off);
	}
	switch (p->id) {
	case PR_CLIENT_SUBMIT_TIME:
		if (p->type != PT_SYSTIME)
			return LF_OK;
		if ((rc = src_read(t, p->v.off, b, 8)) != LF_OK)
			return rc;
		m->submit_time = (uint64_t)lf_le32(b + 4) << 32 | lf_le32(b);
		m->have_submit_time = true;
		return LF_OK;
	case PR_SENDER_NAME:
		return keep_sender(t, m, &m->sender_name, p);
	case PR_SENDER_EMAIL:
	case PR_SENDER_SMTP:
		if (p->id == PR_SENDER_SMTP)
			lf_buf_reset(&m->sender_addr);
		return keep_sender(t, m, &m->sender_addr, p);
	case PR_SENT_REPRESENTING_NAME:
		return keep_sender(t, m, &m->repr_name, p);
	case PR_SENT_REPRESENTING_EMAIL:
		return keep_sender(t, m, &m->repr_addr, p);
	case PR_BODY:
		if (is_text(p->type))
			keep_loc(t, m, &m->pr_body, p);
		return LF_OK;
	case PR_BODY_HTML:
		if (is_text(p->type) || p->type == PT_BINARY)
			keep_loc(t, m, &m->html, p);
		return LF_OK;
	case PR_RTF_COMPRESSED:
		if (p->type == PT_BINARY)
			keep_loc(t, m, &m->rtf, p);
		return LF_OK;
	default:
		return LF_OK;
	}
}

static int
attach_prop(struct tnef *t, struct msg *m, const struct prop *p)
{
	struct attach *a = &m->at;
	struct name *nm;
	uint8_t b[4];
	bool bad;
	int rc;

	switch (p->id) {
	case PR_ATTACH_LONG_FILENAME:
		nm = &a->longname;
		break;
	case PR_ATTACH_FILENAME:
		nm = &a->filename;
		break;
	case PR_DISPLAY_NAME:
		nm = &a->display;
		break;
	case PR_ATTACH_MIME_TAG:
		if (!is_text(p->type) || a->mime != NULL)
			return LF_OK;
		if ((rc = prop_text(t, m, p)) != LF_OK ||
		    (rc = to_utf8(t, m, type_enc(p->type), t->small.data,
		         t->small.len, &bad)) != LF_OK)
			return rc;
		if (bad || t->conv.len == 0)
			return LF_OK;
		if ((a->mime = strdup((const char *)t->conv.data)) == NULL)
			return lf_error_set(t->err, LF_E_NOMEM, "tnef: mime");
		return LF_OK;
	case PR_ATTACH_METHOD:
		if (p->type != PT_LONG)
			return LF_OK;
		if ((rc = src_read(t, p->v.off, b, 4)) != LF_OK)
			return rc;
		a->method = (long)lf_le32(b);
		return LF_OK;
	case PR_ATTACH_DATA_OBJ:
		if (p->type != PT_BINARY && p->type != PT_OBJECT)
			return LF_OK;
		if (a->obj.have) {
			anomaly(t, m->self, "tnef.duplicate", LF_SEV_MEDIUM,
			    p->off, "PR_ATTACH_DATA_OBJ");
			return LF_OK;
		}
		a->obj = p->v;
		a->obj.enc = ENC_RAW;
		if (p->type == PT_OBJECT) {
			/* The object's IID comes first (MS-OXTNEF 2.1.3.4). */
			if (p->v.len < 16) {
				anomaly(t, m->self, "tnef.bad-mapi",
				    LF_SEV_MEDIUM, p->off, "PT_OBJECT");
				a->obj.have = false;
				return LF_OK;
			}
			if ((rc = src_read(t, p->v.off, a->iid, 16)) != LF_OK)
				return rc;
			a->obj.off += 16;
			a->obj.len -= 16;
			a->obj_is_object = true;
		}
		return LF_OK;
	default:
		return LF_OK;
	}
	if (!is_text(p->type))
		return LF_OK;
	if ((rc = prop_text(t, m, p)) != LF_OK)
		return rc;
	return keep_name(t, m, nm, type_enc(p->type), t->small.data,
	    t->small.len, p->off);
}

static int
recip_prop(struct tnef *t, struct msg *m, const struct prop *p)
{
	uint8_t b[4];
	int rc;

	switch (p->id) {
	case PR_DISPLAY_NAME:
		return keep_sender(t, m, &m->rcpt_name, p);
	case PR_TRANSMITABLE_DISPLAY_NAME:
		return keep_sender(t, m, &m->rcpt_alt, p);
	case PR_SMTP_ADDRESS:
		return keep_sender(t, m, &m->rcpt_smtp, p);
	case PR_EMAIL_ADDRESS:
		return keep_sender(t, m, &m->rcpt_addr, p);
	case PR_RECIPIENT_TYPE:
		if (p->type != PT_LONG || m->have_rcpt_type)
			return LF_OK;
		if ((rc = src_read(t, p->v.off, b, 4)) != LF_OK)
			return rc;
		m->rcpt_type = lf_le32(b);
		m->have_rcpt_type = true;
		return LF_OK;
	default:
		return LF_OK;
	}
}

/*
 * One MAPI property list (MS-OXTNEF 2.1.3.4): a count, then each
 * property's type, id, name (for ids from 0x8000) and values.  Counts
 * and sizes are checked against the bytes left; what does not fit ends
 * the list with an anomaly.  *c is left after the list.
 */
static int
mapi_list(struct tnef *t, struct msg *m, struct cur *c, enum list_kind kind)
{
	uint32_t count, i, nvals, j, w, size;
	uint16_t base;
	struct prop p;
	uint64_t fsz;
	const char *why = NULL;
	int rc;

	if ((rc = cur_u32(t, c, &count)) != LF_OK) {
		why = "no property count";
		goto bad;
	}
	for (i = 0; i < count; i++) {
		memset(&p, 0, sizeof(p));
		p.off = c->off;
		if ((rc = cur_u32(t, c, &w)) != LF_OK) {
			why = "property count past the bytes left";
			goto bad;
		}
		p.type = (uint16_t)(w & 0xffff);
		p.id = (uint16_t)(w >> 16);
		base = p.type & (uint16_t)~MV_FLAG;
		if (p.id >= 0x8000) {
			/* A named property: GUID, kind, id or name. */
			p.named = true;
			if (!cur_skip(c, 16) || (rc = cur_u32(t, c, &w)) != 0) {
				why = "named property cut short";
				goto bad;
			}
			if (w == 0) {
				if ((rc = cur_u32(t, c, &w)) != LF_OK) {
					why = "named property cut short";
					goto bad;
				}
			} else if (w == 1) {
				if ((rc = cur_u32(t, c, &size)) != LF_OK ||
				    !cur_skip(c, size)) {
					why = "property name past the end";
					goto bad;
				}
			} else {
				why = "named property of unknown kind";
				goto bad;
			}
		}
		fsz = fixed_size(base);
		if (fsz != 0 && !(p.type & MV_FLAG)) {
			if (fsz > c->end - c->off) {
				why = "value past the end";
				goto bad;
			}
			p.v.have = true;
			p.v.off = c->off;
			p.v.len = fsz;
			c->off += fsz;
		} else if (fsz != 0 || base == PT_STRING8 ||
		    base == PT_UNICODE || base == PT_BINARY ||
		    base == PT_OBJECT) {
			if ((rc = cur_u32(t, c, &nvals)) != LF_OK) {
				why = "no value count";
				goto bad;
			}
			if (nvals > (c->end - c->off) / 4) {
				why = "value count past the bytes left";
				goto bad;
			}
			for (j = 0; j < nvals; j++) {
				if (fsz != 0) {
					size = (uint32_t)fsz;
				} else if ((rc = cur_u32(t, c, &size)) !=
				    LF_OK) {
					why = "value past the end";
					goto bad;
				}
				if (size > c->end - c->off) {
					why = "value length past the end";
					goto bad;
				}
				if (j == 0) {
					p.v.have = true;
					p.v.off = c->off;
					p.v.len = size;
				}
				(void)cur_skip(c, size);
			}
		} else {
			why = "unknown property type";
			goto bad;
		}
		if (rc != LF_OK)
			return rc;
		if (!p.v.have || p.named || (p.type & MV_FLAG))
			continue;
		if (kind == LIST_MSG)
			rc = msg_prop(t, m, &p);
		else if (kind == LIST_ATTACH)
			rc = attach_prop(t, m, &p);
		else
			rc = recip_prop(t, m, &p);
		if (rc != LF_OK)
			return rc;
	}
	return LF_OK;
bad:
	if (rc != LF_OK && rc != LF_E_FORMAT)
		return rc;
	anomaly(t, m->self, "tnef.bad-mapi", LF_SEV_MEDIUM, c->off, why);
	c->off = c->end;
	return LF_OK;
}

/* "from" out of the MAPI sender properties, when they gave one. */
static int
mapi_from(struct tnef *t, struct msg *m)
{
	struct lf_buf *nm = &m->sender_name, *ad = &m->sender_addr;
	struct lf_buf v;
	int rc;

	if (nm->len == 0 && ad->len == 0) {
		nm = &m->repr_name;
		ad = &m->repr_addr;
	}
	if (nm->len == 0 && ad->len == 0)
		return LF_OK;
	/* An Exchange (X.500) address is no mail address. */
	if (ad->len > 0 && memchr(ad->data, '@', ad->len) == NULL)
		ad = NULL;
	lf_buf_init(&v, 4 * SMALL_MAX);
	rc = lf_buf_append(&v, nm->data, nm->len, t->err);
	if (rc == LF_OK && ad != NULL && ad->len > 0) {
		if (nm->len > 0)
			rc = lf_buf_append(&v, " ", 1, t->err);
		if (rc == LF_OK)
			rc = lf_buf_printf(&v, t->err, "<%.*s>", (int)ad->len,
			    (const char *)ad->data);
	}
	if (rc == LF_OK && v.len > 0)
		rc = property(t, m, P_FROM, (const char *)v.data, v.len);
	lf_buf_release(&v);
	lf_buf_reset(&m->sender_name);
	lf_buf_reset(&m->sender_addr);
	lf_buf_reset(&m->repr_name);
	lf_buf_reset(&m->repr_addr);
	return rc == LF_E_LIMIT ? LF_E_NOMEM : rc;
}

static void
recip_clear(struct msg *m)
{
	lf_buf_reset(&m->rcpt_name);
	lf_buf_reset(&m->rcpt_alt);
	lf_buf_reset(&m->rcpt_smtp);
	lf_buf_reset(&m->rcpt_addr);
	m->have_rcpt_type = false;
	m->rcpt_type = 0;
}

/*
 * The recipient row just read, as "to", "cc" or "bcc": "Name <address>"
 * as an Outlook .msg's recipients are, the SMTP address preferred to
 * one of another type (an Exchange X.500 address, say).
 */
static int
recipient(struct tnef *t, struct msg *m, uint64_t off)
{
	const struct lf_buf *nm = &m->rcpt_name, *ad = &m->rcpt_smtp;
	const char *what = "to";
	struct lf_buf v;
	int rc;

	if (nm->len == 0)
		nm = &m->rcpt_alt;
	if (ad->len == 0)
		ad = &m->rcpt_addr;
	if (!m->have_rcpt_type) {
		anomaly(t, m->self, "tnef.recipient-type", LF_SEV_LOW, off,
		    "missing");
	} else {
		/* The high bit marks a recipient already sent to. */
		switch (m->rcpt_type & 0x0fffffff) {
		case 1:
			break;
		case 2:
			what = "cc";
			break;
		case 3:
			what = "bcc";
			break;
		default:
			anomaly(t, m->self, "tnef.recipient-type", LF_SEV_LOW,
			    off, "unknown");
			return LF_OK;
		}
	}
	if (nm->len == 0 && ad->len == 0)
		return LF_OK;
	lf_buf_init(&v, 8 * SMALL_MAX);
	if (nm->len > 0 && ad->len > 0 &&
	    (nm->len != ad->len || memcmp(nm->data, ad->data, nm->len) != 0))
		rc = lf_buf_printf(&v, t->err, "%.*s <%.*s>", (int)nm->len,
		    (const char *)nm->data, (int)ad->len,
		    (const char *)ad->data);
	else if (nm->len > 0)
		rc = lf_buf_append(&v, nm->data, nm->len, t->err);
	else
		rc = lf_buf_append(&v, ad->data, ad->len, t->err);
	if (rc == LF_OK && t->ev->property != NULL)
		rc = t->ev->property(t->arg, m->self, what,
		    (const char *)v.data, v.len);
	lf_buf_release(&v);
	return rc == LF_E_LIMIT ? LF_E_NOMEM : rc;
}

/* attRecipTable: a row count, then a property list per row. */
static int
recip_table(struct tnef *t, struct msg *m, struct cur *c)
{
	uint32_t rows, i;
	uint64_t off;
	int rc;

	if ((rc = cur_u32(t, c, &rows)) != LF_OK ||
	    rows > (c->end - c->off) / 4) {
		if (rc != LF_OK && rc != LF_E_FORMAT)
			return rc;
		anomaly(t, m->self, "tnef.bad-mapi", LF_SEV_MEDIUM, c->off,
		    "recipient rows past the bytes left");
		return LF_OK;
	}
	for (i = 0; i < rows && c->off < c->end; i++) {
		if (++m->nrcpt > t->l->container_entries) {
			anomaly(t, m->self, "tnef.too-many-entries",
			    LF_SEV_MEDIUM, c->off, "recipients");
			c->off = c->end;
			break;
		}
		off = c->off;
		recip_clear(m);
		if ((rc = mapi_list(t, m, c, LIST_RECIP)) != LF_OK ||
		    (rc = recipient(t, m, off)) != LF_OK)
			return rc;
	}
	recip_clear(m);
	return LF_OK;
}

/* A property list attribute; bytes after the list are an anomaly. */
static int
props_attribute(struct tnef *t, struct msg *m, uint64_t off, uint64_t len,
    enum list_kind kind)
{
	struct cur c = {off, off + len};
	int rc;

	if (kind == LIST_RECIP)
		rc = recip_table(t, m, &c);
	else
		rc = mapi_list(t, m, &c, kind);
	if (rc != LF_OK)
		return rc;
	if (c.off < c.end)
		anomaly(t, m->self, "tnef.bad-mapi", LF_SEV_LOW, c.off,
		    "bytes after the property list");
	if (kind == LIST_MSG)
		return mapi_from(t, m);
	return LF_OK;
}

static void
msg_release(struct msg *m)
{
	attach_clear(&m->at);
	lf_buf_release(&m->sender_name);
	lf_buf_release(&m->sender_addr);
	lf_buf_release(&m->repr_name);
	lf_buf_release(&m->repr_addr);
	lf_buf_release(&m->rcpt_name);
	lf_buf_release(&m->rcpt_alt);
	lf_buf_release(&m->rcpt_smtp);
	lf_buf_release(&m->rcpt_addr);
}

/* Attributes of the attachment level; a new attachment if none is open. */
static int
attach_attribute(struct tnef *t, struct msg *m, uint16_t id, uint64_t off,
    uint64_t doff, uint64_t len)
{
	struct attach *a = &m->at;
	int rc;

	if (id == ATT_ATTACH_REND_DATA) {
		if ((rc = attach_finish(t, m)) != LF_OK)
			return rc;
	} else if (!a->active) {
		anomaly(t, m->self, "tnef.out-of-order", LF_SEV_MEDIUM, off,
		    "attachment attribute before attAttachRendData");
	}
	if (!a->active) {
		attach_clear(a);
		a->active = true;
		a->off = off;
		m->attachments_seen = true;
	}
	switch (id) {
	case ATT_ATTACH_TITLE:
		if ((rc = read_small(t, doff,
		         len > SMALL_MAX ? SMALL_MAX : (size_t)len)) != LF_OK)
			return rc;
		return keep_name(t, m, &a->title, ENC_CP, t->small.data,
		    t->small.len, off);
	case ATT_ATTACH_DATA:
		if (a->data.have) {
			anomaly(t, m->self, "tnef.duplicate", LF_SEV_MEDIUM,
			    off, "attAttachData");
			return LF_OK;
		}
		a->data.have = true;
		a->data.enc = ENC_RAW;
		a->data.off = doff;
		a->data.len = len;
		return LF_OK;
	case ATT_ATTACHMENT:
		return props_attribute(t, m, doff, len, LIST_ATTACH);
	default:
		return LF_OK;
	}
}

static int
msg_attribute(struct tnef *t, struct msg *m, uint16_t id, uint64_t off,
    uint64_t doff, uint64_t len)
{
	static const struct {
		uint16_t id;
		enum prop_name which;
	} texts[] = {
	    {ATT_SUBJECT, P_SUBJECT},
	    {ATT_MESSAGE_ID, P_MSGID},
	    {ATT_MESSAGE_CLASS, P_CLASS},
	};
	size_t i, n = len > SMALL_MAX ? SMALL_MAX : (size_t)len;
	int rc;

	if (m->attachments_seen && id != ATT_MSG_PROPS && id != ATT_RECIP_TABLE)
		anomaly(t, m->self, "tnef.out-of-order", LF_SEV_MEDIUM, off,
		    "message attribute after the attachments");
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (id != texts[i].id)
			continue;
		if (len > SMALL_MAX)
			anomaly(t, m->self, "tnef.too-long", LF_SEV_INFO, off,
			    NULL);
		if ((rc = read_small(t, doff, n)) != LF_OK)
			return rc;
		return text_property(t, m, texts[i].which, ENC_CP,
		    t->small.data, t->small.len, off);
	}
	switch (id) {
	case ATT_FROM:
	case ATT_DATE_SENT:
	case ATT_OEM_CODEPAGE:
		if ((rc = read_small(t, doff, n)) != LF_OK)
			return rc;
		if (id == ATT_FROM)
			return from_attribute(t, m, t->small.data, t->small.len,
			    off);
		if (id == ATT_DATE_SENT)
			return date_attribute(t, m, t->small.data, t->small.len,
			    off);
		if (t->small.len < 4) {
			anomaly(t, m->self, "tnef.bad-length", LF_SEV_LOW, off,
			    "attOemCodepage");
			return LF_OK;
		}
		m->codepage = lf_le32(t->small.data);
		if (m->codepage == 0 || m->codepage > 65535) {
			anomaly(t, m->self, "tnef.unknown-codepage", LF_SEV_LOW,
			    off, NULL);
			m->codepage = 1252;
		}
		return LF_OK;
	case ATT_BODY:
		if (m->att_body.have) {
			anomaly(t, m->self, "tnef.duplicate", LF_SEV_MEDIUM,
			    off, "attBody");
			return LF_OK;
		}
		m->att_body.have = true;
		m->att_body.enc = ENC_CP;
		m->att_body.off = doff;
		m->att_body.len = len;
		return LF_OK;
	case ATT_MSG_PROPS:
		return props_attribute(t, m, doff, len, LIST_MSG);
	case ATT_RECIP_TABLE:
		return props_attribute(t, m, doff, len, LIST_RECIP);
	default:
		return LF_OK;
	}
}

/*
 * The message whose TNEF stream is [start, end) of the source, the
 * signature checked by the caller: its attributes, then its last
 * attachment and its bodies.
 */
static int
tnef_message(struct tnef *t, uint64_t start, uint64_t end,
    const struct lf_entry *self, unsigned depth)
{
	struct msg m;
	uint8_t h[9], ck[2];
	uint64_t off = start + 6, len, count = 0;
	uint16_t sum, id;
	uint8_t level;
	int rc = LF_OK;

	memset(&m, 0, sizeof(m));
	m.self = self;
	m.depth = depth;
	m.codepage = 1252;
	m.at.method = -1;
	lf_buf_init(&m.sender_name, SMALL_MAX * 3);
	lf_buf_init(&m.sender_addr, SMALL_MAX * 3);
	lf_buf_init(&m.repr_name, SMALL_MAX * 3);
	lf_buf_init(&m.repr_addr, SMALL_MAX * 3);
	lf_buf_init(&m.rcpt_name, SMALL_MAX * 3);
	lf_buf_init(&m.rcpt_alt, SMALL_MAX * 3);
	lf_buf_init(&m.rcpt_smtp, SMALL_MAX * 3);
	lf_buf_init(&m.rcpt_addr, SMALL_MAX * 3);
	while (off < end) {
		if (end - off < sizeof(h) + 2) {
			anomaly(t, self, "tnef.garbage-at-end", LF_SEV_LOW, off,
			    NULL);
			break;
		}
		if (++count > t->l->container_entries) {
			anomaly(t, self, "tnef.too-many-entries", LF_SEV_MEDIUM,
			    off, NULL);
			break;
		}
		if ((rc = src_read(t, off, h, sizeof(h))) != LF_OK)
			goto out;
		level = h[0];
		id = (uint16_t)(lf_le32(h + 1) & 0xffff);
		len = lf_le32(h + 5);
		if (len > end - off - sizeof(h) - 2) {
			anomaly(t, self, "tnef.truncated", LF_SEV_MEDIUM, off,
			    "attribute past the end of the stream");
			break;
		}
		if ((rc = checksum(t, off + sizeof(h), len, &sum)) != LF_OK ||
		    (rc = src_read(t, off + sizeof(h) + len, ck, 2)) != LF_OK)
			goto out;
		if (sum != lf_le16(ck))
			anomaly(t, self, "tnef.bad-checksum", LF_SEV_LOW, off,
			    NULL);
		if (level != 1 && level != 2) {
			anomaly(t, self, "tnef.bad-level", LF_SEV_LOW, off,
			    NULL);
			/* The id tells which it is meant to be. */
			level = id == ATT_ATTACH_REND_DATA ||
			        id == ATT_ATTACH_DATA ||
			        id == ATT_ATTACH_TITLE || id == ATT_ATTACHMENT ?
			    2 :
			    1;
		}
		if (level == 2)
			rc = attach_attribute(t, &m, id, off, off + sizeof(h),
			    len);
		else
			rc =
			    msg_attribute(t, &m, id, off, off + sizeof(h), len);
		if (rc != LF_OK)
			goto out;
		off += sizeof(h) + len + 2;
	}
	if ((rc = attach_finish(t, &m)) != LF_OK)
		goto out;
	if (m.have_submit_time && !m.have_date_sent &&
	    (rc = filetime_property(t, &m, m.submit_time)) != LF_OK)
		goto out;
	rc = bodies(t, &m);
out:
	msg_release(&m);
	return rc;
}

int
lf_tnef_read(const struct lf_source *src, const struct lf_limits *l,
    const struct lf_container_events *ev, void *arg, struct lf_error *err)
{
	struct tnef t;
	uint8_t sig[4];
	int rc;

	memset(&t, 0, sizeof(t));
	if (src->size < 6)
		return lf_error_set(err, LF_E_FORMAT, "tnef: too short");
	if ((rc = lf_source_read(src, 0, sig, 4, err)) != LF_OK)
		return rc;
	if (lf_le32(sig) != LF_TNEF_SIGNATURE)
		return lf_error_set(err, LF_E_FORMAT, "tnef: no signature");
	t.src = src;
	t.l = l;
	t.ev = ev;
	t.arg = arg;
	t.err = err;
	lf_buf_init(&t.small, SMALL_MAX + 1);
	/* UTF-8 from SMALL_MAX bytes of UTF-16 or a code page, and U+FFFD. */
	lf_buf_init(&t.conv, 3 * SMALL_MAX + 16);
	t.in = malloc(CHUNK);
	t.out = malloc(CHUNK);
	if (t.in == NULL || t.out == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "tnef: buffers");
		goto out;
	}
	rc = tnef_message(&t, 0, src->size, NULL, 0);
out:
	free(t.in);
	free(t.out);
	lf_buf_release(&t.small);
	lf_buf_release(&t.conv);
	if (t.cd_cp_page != 0)
		(void)iconv_close(t.cd_cp);
	if (t.cd_utf16_open)
		(void)iconv_close(t.cd_utf16);
	return rc;
}
