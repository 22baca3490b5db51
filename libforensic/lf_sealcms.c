/*
 * lf_sealcms.c: CMS AuthEnvelopedData around a sealed zip, streamed both
 * ways (see lf/sealcms.h).
 *
 * Why the reader walks the BER itself: OpenSSL decrypts CMS only once
 * the whole structure is parsed into memory (the command line holds
 * about 2.6 times the file), and a sealed sample may be 500 MB.  So the
 * structure is read up to the encrypted content; the parts OpenSSL needs
 * to unwrap the content key (version, RecipientInfos, content type,
 * algorithm with its GCM nonce) are re-encoded as a small
 * AuthEnvelopedData with detached content, which OpenSSL decrypts with
 * the recipient's key; its CMS_dataInit then gives a decrypting BIO chain
 * that pulls the content pieces from this reader as they arrive.  The
 * GCM tag (the "mac" field) follows the content in the structure, so
 * the small one carries a placeholder, and the real tag is set on the
 * cipher just before the end of the content is signalled, when GCM
 * checks it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lf/sealcms.h"

#define IN_BUF (64 * 1024)
#define MAC_MAX 16
#define MAC_MIN 12
#define DEPTH 5

/* id-ct-authEnvelopedData, 1.2.840.113549.1.9.16.1.23 */
static const uint8_t oid_authenv[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
    0x09, 0x10, 0x01, 0x17};

/* ---- loading keys and certificates ---- */

static X509 *
load_cert(struct lf_sealcms_blob b)
{
	BIO *m;
	X509 *x;

	if (b.p == NULL || b.n == 0 || b.n > INT32_MAX ||
	    (m = BIO_new_mem_buf(b.p, (int)b.n)) == NULL)
		return NULL;
	x = PEM_read_bio_X509(m, NULL, NULL, NULL);
	if (x == NULL) {
		(void)BIO_reset(m);
		x = d2i_X509_bio(m, NULL);
	}
	BIO_free(m);
	ERR_clear_error();
	return x;
}

static EVP_PKEY *
load_key(struct lf_sealcms_blob b)
{
	EVP_PKEY *k;
	BIO *m;

	if (b.p == NULL || b.n == 0 || b.n > INT32_MAX ||
	    (m = BIO_new_mem_buf(b.p, (int)b.n)) == NULL)
		return NULL;
	k = PEM_read_bio_PrivateKey(m, NULL, NULL, NULL);
	if (k == NULL) {
		(void)BIO_reset(m);
		k = d2i_PrivateKey_bio(m, NULL);
	}
	BIO_free(m);
	ERR_clear_error();
	return k;
}

/* ---- writing ---- */

struct lf_sealcms {
	CMS_ContentInfo *cms;
	BIO_METHOD *meth;
	BIO *sink; /* calls write */
	BIO *bio;  /* the encoding chain on top of sink */
	lf_seal_write_fn write;
	void *arg;
	int rc; /* write's error, kept across OpenSSL */
	struct lf_error werr;
	/*
	 * OpenSSL writes each 4,096-byte piece and its 4-byte header
	 * separately: gathered here, they make large writes.
	 */
	size_t out_len;
	uint8_t out[IN_BUF];
};

static int
sink_flush(struct lf_sealcms *c)
{
	if (c->rc == LF_OK && c->out_len > 0)
		c->rc = c->write(c->arg, c->out, c->out_len, &c->werr);
	c->out_len = 0;
	return c->rc;
}

static int
sink_write(BIO *b, const char *p, int n)
{
	struct lf_sealcms *c = BIO_get_data(b);
	size_t k = n > 0 ? (size_t)n : 0;

	if (c->rc != LF_OK)
		return -1;
	if (k > sizeof(c->out) - c->out_len && sink_flush(c) != LF_OK)
		return -1;
	if (k >= sizeof(c->out)) {
		c->rc = c->write(c->arg, (const uint8_t *)p, k, &c->werr);
		return c->rc == LF_OK ? n : -1;
	}
	memcpy(c->out + c->out_len, p, k);
	c->out_len += k;
	return n;
}

static long
sink_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int
cms_fail(struct lf_sealcms *c, struct lf_error *err, const char *what)
{
	ERR_clear_error();
	if (c->rc != LF_OK) {
		if (err != NULL)
			*err = c->werr;
		return c->rc;
	}
	return lf_error_set(err, LF_E_CRYPTO, "cms: %s failed", what);
}

int
lf_sealcms_new(const struct lf_sealcms_blob *certs, size_t n,
    lf_seal_write_fn write, void *arg, struct lf_sealcms **out,
    struct lf_error *err)
{
	struct lf_sealcms *c;
	size_t i;
	int rc;

	if (n == 0 || n > LF_SEALCMS_RECIPIENTS_MAX)
		return lf_error_set(err, LF_E_INVAL, "cms: 1 to %d recipients",
		    LF_SEALCMS_RECIPIENTS_MAX);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "cms");
	c->write = write;
	c->arg = arg;
	if ((c->cms = CMS_AuthEnvelopedData_create(EVP_aes_256_gcm())) ==
	    NULL) {
		rc = cms_fail(c, err, "CMS_AuthEnvelopedData_create");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		X509 *x = load_cert(certs[i]);
		if (x == NULL) {
			rc = lf_error_set(err, LF_E_INVAL,
			    "cms: recipient %zu: not a certificate", i + 1);
			goto fail;
		}
		if (CMS_add1_recipient_cert(c->cms, x, CMS_BINARY) == NULL) {
			X509_free(x);
			ERR_clear_error();
			rc = lf_error_set(err, LF_E_INVAL,
			    "cms: recipient %zu: its key cannot receive "
			    "(RSA or EC keys only)",
			    i + 1);
			goto fail;
		}
		X509_free(x);
	}
	if ((c->meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
	         "lf sealcms sink")) == NULL ||
	    BIO_meth_set_write(c->meth, sink_write) != 1 ||
	    BIO_meth_set_ctrl(c->meth, sink_ctrl) != 1 ||
	    (c->sink = BIO_new(c->meth)) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "cms");
		goto fail;
	}
	BIO_set_data(c->sink, c);
	BIO_set_init(c->sink, 1);
	/* The header goes out here, before any content. */
	if ((c->bio = BIO_new_CMS(c->sink, c->cms)) == NULL) {
		rc = cms_fail(c, err, "BIO_new_CMS");
		goto fail;
	}
	*out = c;
	return LF_OK;
fail:
	lf_sealcms_free(c);
	return rc;
}

int
lf_sealcms_update(struct lf_sealcms *c, const void *p, size_t n,
    struct lf_error *err)
{
	const char *b = p;

	while (n > 0) {
		int k = n > INT32_MAX / 2 ? INT32_MAX / 2 : (int)n;
		int w = BIO_write(c->bio, b, k);
		if (w <= 0)
			return cms_fail(c, err, "encrypting");
		b += w;
		n -= (size_t)w;
	}
	return LF_OK;
}

int
lf_sealcms_write(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	return lf_sealcms_update(arg, p, n, err);
}

int
lf_sealcms_finish(struct lf_sealcms *c, struct lf_error *err)
{
	if (BIO_flush(c->bio) != 1 || sink_flush(c) != LF_OK)
		return cms_fail(c, err, "finishing");
	return LF_OK;
}

void
lf_sealcms_free(struct lf_sealcms *c)
{
	BIO *b;

	if (c == NULL)
		return;
	/* The chain above sink, then sink. */
	b = c->bio;
	while (b != NULL && b != c->sink) {
		BIO *next = BIO_pop(b);
		BIO_free(b);
		b = next;
	}
	BIO_free(c->sink);
	BIO_meth_free(c->meth);
	CMS_ContentInfo_free(c->cms);
	free(c);
}

/* ---- reading ---- */

struct level {
	bool indef;
	uint64_t end; /* of a definite element */
};

struct cmsdec {
	struct lf_reader *in;
	struct lf_error *err;
	int rc; /* the first error, LF_OK until then */
	enum lf_unseal_fault fault;
	uint64_t pos; /* bytes of the input consumed */
	struct level lv[DEPTH];
	int depth;
	/* The encrypted content, as it is streamed. */
	bool pieces;   /* constructed: OCTET STRING pieces */
	uint64_t left; /* bytes left in the current piece */
	bool done;     /* the content and the trailer are read */
	EVP_CIPHER_CTX *cctx;
	BIO_METHOD *meth;
	BIO *src, *chain;
	CMS_ContentInfo *cms;
	uint8_t *hdr; /* the re-encoded small structure */
	size_t hdr_len;
	size_t rpos, rlen;
	uint8_t buf[IN_BUF];
};

static int dfail(struct cmsdec *d, enum lf_unseal_fault f, int code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
dfail(struct cmsdec *d, enum lf_unseal_fault f, int code, const char *fmt, ...)
{
	char msg[LF_ERROR_MSG_MAX];
	va_list ap;

	if (d->rc != LF_OK)
		return d->rc;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->fault = f;
	d->rc = lf_error_set(d->err, code, "cms: %s", msg);
	return d->rc;
}

/* Make n (<= IN_BUF) bytes available; fewer only at the input's end. */
static int
fill(struct cmsdec *d, size_t n)
{
	if (d->rlen - d->rpos >= n)
		return LF_OK;
	memmove(d->buf, d->buf + d->rpos, d->rlen - d->rpos);
	d->rlen -= d->rpos;
	d->rpos = 0;
	while (d->rlen < n) {
		long r = lf_reader_read(d->in, d->buf + d->rlen,
		    sizeof(d->buf) - d->rlen, d->err);
		if (r < 0) {
			d->rc = (int)r;
			return d->rc;
		}
		if (r == 0)
			break;
		d->rlen += (size_t)r;
	}
	return LF_OK;
}

static int
take(struct cmsdec *d, uint8_t *p, size_t n, const char *what)
{
	int rc;

	while (n > 0) {
		size_t k = n < IN_BUF ? n : IN_BUF;
		if ((rc = fill(d, k)) != LF_OK)
			return rc;
		if (d->rlen - d->rpos < k)
			return dfail(d, LF_UNSEAL_TRUNCATED, LF_E_FORMAT,
			    "the input ends inside %s (at byte %llu)", what,
			    (unsigned long long)(d->pos + d->rlen - d->rpos));
		if (p != NULL) {
			memcpy(p, d->buf + d->rpos, k);
			p += k;
		}
		d->rpos += k;
		d->pos += k;
		n -= k;
	}
	return LF_OK;
}

/*
 * An identifier and length.  Only low tag numbers; a definite length
 * must fit in every enclosing definite element.
 */
static int
tl(struct cmsdec *d, uint8_t *tag, uint64_t *len, bool *indef, const char *what)
{
	uint8_t b[9];
	int i, rc;

	if ((rc = take(d, b, 2, what)) != LF_OK)
		return rc;
	*tag = b[0];
	*indef = false;
	if ((b[0] & 0x1f) == 0x1f)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "%s: a high tag number", what);
	if (b[1] < 0x80) {
		*len = b[1];
	} else if (b[1] == 0x80) {
		if ((b[0] & 0x20) == 0)
			return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
			    "%s: an indefinite primitive", what);
		*indef = true;
		*len = 0;
		return LF_OK;
	} else {
		int n = b[1] & 0x7f;
		if (n > 8)
			return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
			    "%s: a length of %d bytes", what, n);
		if ((rc = take(d, b + 1, (size_t)n, what)) != LF_OK)
			return rc;
		*len = 0;
		for (i = 1; i <= n; i++)
			*len = *len << 8 | b[i];
	}
	for (i = 0; i < d->depth; i++)
		if (!d->lv[i].indef &&
		    (d->pos > d->lv[i].end || *len > d->lv[i].end - d->pos))
			return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
			    "%s: runs past its enclosing element", what);
	return LF_OK;
}

static int
push(struct cmsdec *d, bool indef, uint64_t len)
{
	if (d->depth == DEPTH)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT, "too deep");
	d->lv[d->depth].indef = indef;
	d->lv[d->depth].end = d->pos + len;
	d->depth++;
	return LF_OK;
}

/* At the end of the innermost open element? */
static int
at_end(struct cmsdec *d, bool *end)
{
	struct level *l = &d->lv[d->depth - 1];
	int rc;

	if (!l->indef) {
		*end = d->pos == l->end;
		return LF_OK;
	}
	if ((rc = fill(d, 2)) != LF_OK)
		return rc;
	*end = d->rlen - d->rpos >= 2 && d->buf[d->rpos] == 0 &&
	    d->buf[d->rpos + 1] == 0;
	return LF_OK;
}

static int
pop(struct cmsdec *d, const char *what)
{
	bool end;
	int rc;

	if ((rc = at_end(d, &end)) != LF_OK)
		return rc;
	if (!end)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "%s: more than it should hold", what);
	if (d->lv[d->depth - 1].indef && (rc = take(d, NULL, 2, what)) != 0)
		return rc;
	d->depth--;
	return LF_OK;
}

/* The next identifier, without taking it (0 at the input's end). */
static int
peek_tag(struct cmsdec *d, uint8_t *tag)
{
	int rc = fill(d, 1);

	if (rc != LF_OK)
		return rc;
	*tag = d->rlen > d->rpos ? d->buf[d->rpos] : 0;
	return LF_OK;
}

static size_t
der_len(uint8_t *p, size_t n)
{
	size_t k = 0, i;

	if (n < 0x80) {
		if (p != NULL)
			p[0] = (uint8_t)n;
		return 1;
	}
	for (i = n; i > 0; i >>= 8)
		k++;
	if (p != NULL) {
		p[0] = (uint8_t)(0x80 | k);
		for (i = 0; i < k; i++)
			p[1 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
	}
	return 1 + k;
}

/* Append a tag and a DER length for n content bytes. */
static size_t
put_tl(uint8_t *p, uint8_t tag, size_t n)
{
	p[0] = tag;
	return 1 + der_len(p + 1, n);
}

/* Append one element of the header, definite, re-encoded. */
static int
keep(struct cmsdec *d, uint8_t *out, size_t *used, size_t cap, uint8_t tag,
    uint64_t len, const char *what)
{
	size_t h;

	if (len > LF_SEALCMS_HEADER_MAX || cap - *used < 10 + len)
		return dfail(d, LF_UNSEAL_UNSUPPORTED, LF_E_FORMAT,
		    "%s: larger than %d bytes", what, LF_SEALCMS_HEADER_MAX);
	h = put_tl(out + *used, tag, (size_t)len);
	*used += h;
	if (take(d, out + *used, (size_t)len, what) != LF_OK)
		return d->rc;
	*used += (size_t)len;
	return LF_OK;
}

/*
 * Read up to the encrypted content and build, in d->hdr, the same
 * AuthEnvelopedData with detached content and a placeholder tag.
 */
static int
read_header(struct cmsdec *d)
{
	size_t cap = 2 * LF_SEALCMS_HEADER_MAX + 64, used = 0, ei_start, h;
	uint8_t tag, oid[sizeof(oid_authenv)];
	uint8_t *body, *full;
	uint64_t len;
	bool indef;
	int rc;

	if ((body = malloc(cap)) == NULL)
		return dfail(d, LF_UNSEAL_OK, LF_E_NOMEM, "out of memory");
	d->hdr = body;
	if ((rc = tl(d, &tag, &len, &indef, "ContentInfo")) != LF_OK)
		return rc;
	if (tag != 0x30)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "not a CMS ContentInfo");
	if ((rc = push(d, indef, len)) != LF_OK ||
	    (rc = tl(d, &tag, &len, &indef, "content type")) != LF_OK)
		return rc;
	if (tag != 0x06 || len != sizeof(oid))
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "not an AuthEnvelopedData");
	if ((rc = take(d, oid, sizeof(oid), "content type")) != LF_OK)
		return rc;
	if (memcmp(oid, oid_authenv, sizeof(oid)) != 0)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "not an AuthEnvelopedData");
	if ((rc = tl(d, &tag, &len, &indef, "content")) != LF_OK)
		return rc;
	if (tag != 0xa0)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "no [0] content");
	if ((rc = push(d, indef, len)) != LF_OK ||
	    (rc = tl(d, &tag, &len, &indef, "AuthEnvelopedData")) != LF_OK)
		return rc;
	if (tag != 0x30)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "AuthEnvelopedData is not a SEQUENCE");
	if ((rc = push(d, indef, len)) != LF_OK ||
	    (rc = tl(d, &tag, &len, &indef, "version")) != LF_OK)
		return rc;
	if (tag != 0x02 || len != 1)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT, "bad version");
	if ((rc = keep(d, body, &used, cap, tag, len, "version")) != LF_OK ||
	    (rc = tl(d, &tag, &len, &indef, "RecipientInfos")) != LF_OK)
		return rc;
	if (tag == 0xa0) { /* originatorInfo */
		if (indef)
			return dfail(d, LF_UNSEAL_UNSUPPORTED, LF_E_FORMAT,
			    "originatorInfo of indefinite length");
		if ((rc = keep(d, body, &used, cap, tag, len,
		         "originatorInfo")) != LF_OK ||
		    (rc = tl(d, &tag, &len, &indef, "RecipientInfos")) != LF_OK)
			return rc;
	}
	if (tag != 0x31 || indef)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "RecipientInfos is not a SET of definite length");
	if ((rc = keep(d, body, &used, cap, tag, len, "RecipientInfos")) !=
	        LF_OK ||
	    (rc = tl(d, &tag, &len, &indef, "EncryptedContentInfo")) != LF_OK)
		return rc;
	if (tag != 0x30)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "no EncryptedContentInfo");
	if ((rc = push(d, indef, len)) != LF_OK)
		return rc;
	ei_start = used;
	if ((rc = tl(d, &tag, &len, &indef, "content type")) != LF_OK)
		return rc;
	if (tag != 0x06 ||
	    (rc = keep(d, body, &used, cap, tag, len, "content type")) !=
	        LF_OK ||
	    (rc = tl(d, &tag, &len, &indef, "content algorithm")) != LF_OK)
		return rc ? rc :
		            dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		                "bad content type");
	if (tag != 0x30 || indef ||
	    (rc = keep(d, body, &used, cap, tag, len, "content algorithm")) !=
	        LF_OK)
		return rc ? rc :
		            dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		                "bad content algorithm");
	if ((rc = tl(d, &tag, &len, &indef, "encrypted content")) != LF_OK)
		return rc;
	if (tag == 0x80) {
		d->pieces = false;
		d->left = len;
	} else if (tag == 0xa0) {
		d->pieces = true;
		d->left = 0;
		if ((rc = push(d, indef, len)) != LF_OK)
			return rc;
	} else {
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "no encrypted content (detached content is not taken)");
	}

	/* The small structure: wrap what was kept. */
	if ((full = malloc(used + 64 + MAC_MAX)) == NULL)
		return dfail(d, LF_UNSEAL_OK, LF_E_NOMEM, "out of memory");
	{
		size_t ei_len = used - ei_start, inner, aenv, ci0, o = 0;
		inner = used + 1 + der_len(NULL, ei_len) + 2 + MAC_MAX;
		aenv = 1 + der_len(NULL, inner) + inner;
		ci0 = 2 + sizeof(oid_authenv) + 1 + der_len(NULL, aenv) + aenv;
		o += put_tl(full + o, 0x30, ci0);
		o += put_tl(full + o, 0x06, sizeof(oid_authenv));
		memcpy(full + o, oid_authenv, sizeof(oid_authenv));
		o += sizeof(oid_authenv);
		o += put_tl(full + o, 0xa0, aenv);
		o += put_tl(full + o, 0x30, inner);
		memcpy(full + o, body, ei_start);
		o += ei_start;
		o += put_tl(full + o, 0x30, ei_len);
		memcpy(full + o, body + ei_start, ei_len);
		o += ei_len;
		h = put_tl(full + o, 0x04, MAC_MAX);
		o += h;
		memset(full + o, 0, MAC_MAX);
		o += MAC_MAX;
		d->hdr_len = o;
	}
	free(body);
	d->hdr = full;
	return LF_OK;
}

/* After the content: the tag, the ends, nothing more; set the tag. */
static int
read_trailer(struct cmsdec *d)
{
	uint8_t tag, mac[MAC_MAX];
	uint64_t len;
	bool indef;
	int rc;

	if (d->pieces && (rc = pop(d, "encrypted content")) != LF_OK)
		return rc;
	if ((rc = pop(d, "EncryptedContentInfo")) != LF_OK ||
	    (rc = peek_tag(d, &tag)) != LF_OK)
		return rc;
	if (tag == 0xa1)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "authenticated attributes are not taken");
	if ((rc = tl(d, &tag, &len, &indef, "the tag")) != LF_OK)
		return rc;
	if (tag != 0x04 || len < MAC_MIN || len > MAC_MAX)
		return dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "no GCM tag of 12 to 16 bytes after the content");
	if ((rc = take(d, mac, (size_t)len, "the tag")) != LF_OK ||
	    (rc = peek_tag(d, &tag)) != LF_OK)
		return rc;
	if (tag == 0xa2) { /* unauthAttrs: not used, skipped */
		if ((rc = tl(d, &tag, &len, &indef, "unauthAttrs")) != LF_OK)
			return rc;
		if (indef)
			return dfail(d, LF_UNSEAL_UNSUPPORTED, LF_E_FORMAT,
			    "unauthAttrs of indefinite length");
		if ((rc = take(d, NULL, len, "unauthAttrs")) != LF_OK)
			return rc;
	}
	if ((rc = pop(d, "AuthEnvelopedData")) != LF_OK ||
	    (rc = pop(d, "[0]")) != LF_OK ||
	    (rc = pop(d, "ContentInfo")) != LF_OK || (rc = fill(d, 1)) != LF_OK)
		return rc;
	if (d->rlen > d->rpos)
		return dfail(d, LF_UNSEAL_MALFORMED, LF_E_FORMAT,
		    "bytes after the end of the CMS structure (at byte %llu)",
		    (unsigned long long)d->pos);
	if (EVP_CIPHER_CTX_ctrl(d->cctx, EVP_CTRL_AEAD_SET_TAG, (int)len,
	        mac) != 1)
		return dfail(d, LF_UNSEAL_OK, LF_E_CRYPTO,
		    "setting the GCM tag failed");
	return LF_OK;
}

/* The source BIO under OpenSSL's decrypting chain: content bytes. */
static int
src_read(BIO *b, char *out, int outl)
{
	struct cmsdec *d = BIO_get_data(b);
	size_t k;

	BIO_clear_retry_flags(b);
	if (d->rc != LF_OK)
		return -1;
	while (!d->done && d->left == 0) {
		uint8_t tag;
		uint64_t len;
		bool indef, end = true;
		if (d->pieces && at_end(d, &end) != LF_OK)
			return -1;
		if (end) {
			if (read_trailer(d) != LF_OK)
				return -1;
			d->done = true;
			break;
		}
		if (tl(d, &tag, &len, &indef, "an encrypted piece") != LF_OK)
			return -1;
		if (tag != 0x04) {
			(void)dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
			    "an encrypted piece that is not a primitive "
			    "OCTET STRING");
			return -1;
		}
		d->left = len;
	}
	if (d->done || outl <= 0)
		return 0;
	if (fill(d, 1) != LF_OK)
		return -1;
	k = d->rlen - d->rpos;
	if (k == 0) {
		(void)dfail(d, LF_UNSEAL_TRUNCATED, LF_E_FORMAT,
		    "the input ends inside the encrypted content (at byte "
		    "%llu)",
		    (unsigned long long)d->pos);
		return -1;
	}
	if (k > d->left)
		k = (size_t)d->left;
	if (k > (size_t)outl)
		k = (size_t)outl;
	memcpy(out, d->buf + d->rpos, k);
	d->rpos += k;
	d->pos += k;
	d->left -= k;
	return (int)k;
}

static long
src_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

/* The lf_reader the zip is read from: decrypted content. */
static long
dec_read(void *ctx, uint8_t *buf, size_t n, struct lf_error *err)
{
	struct cmsdec *d = ctx;
	int k = n > INT32_MAX / 2 ? INT32_MAX / 2 : (int)n;
	int got;

	(void)err;
	if (d->rc != LF_OK)
		return d->rc;
	got = BIO_read(d->chain, buf, k);
	if (d->rc != LF_OK)
		return d->rc;
	if (got > 0)
		return got;
	if (!d->done)
		return dfail(d, LF_UNSEAL_OK, LF_E_CRYPTO,
		    "decryption stopped early");
	if (BIO_get_cipher_status(d->chain) <= 0) {
		ERR_clear_error();
		return dfail(d, LF_UNSEAL_AUTH, LF_E_FORMAT,
		    "the GCM tag differs: the CMS content was changed");
	}
	return 0;
}

static const struct lf_reader_ops dec_ops = {dec_read, NULL};

static void
dec_release(struct cmsdec *d)
{
	BIO *b = d->chain;

	while (b != NULL && b != d->src) {
		BIO *next = BIO_pop(b);
		BIO_free(b);
		b = next;
	}
	BIO_free(d->src);
	BIO_meth_free(d->meth);
	CMS_ContentInfo_free(d->cms);
	free(d->hdr);
}

/* Everything up to the decrypting chain over the source. */
static int
dec_start(struct cmsdec *d, struct lf_sealcms_blob key,
    struct lf_sealcms_blob cert)
{
	EVP_PKEY *pk = load_key(key);
	X509 *x = load_cert(cert);
	const unsigned char *p;
	BIO *cb;
	int rc = LF_OK;

	if (pk == NULL || x == NULL) {
		rc = lf_error_set(d->err, LF_E_INVAL,
		    "cms: the recipient's %s cannot be read",
		    pk == NULL ? "key" : "certificate");
		goto out;
	}
	if ((rc = read_header(d)) != LF_OK)
		goto out;
	p = d->hdr;
	if ((d->cms = d2i_CMS_ContentInfo(NULL, &p, (long)d->hdr_len)) ==
	    NULL) {
		rc = dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "OpenSSL does not take its RecipientInfos or algorithm");
		goto out;
	}
	if (CMS_decrypt_set1_pkey_and_peer(d->cms, pk, x, NULL) != 1) {
		rc = dfail(d, LF_UNSEAL_RECIPIENT, LF_E_FORMAT,
		    "no RecipientInfo opens with this key and certificate");
		goto out;
	}
	if ((d->meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
	         "lf sealcms source")) == NULL ||
	    BIO_meth_set_read(d->meth, src_read) != 1 ||
	    BIO_meth_set_ctrl(d->meth, src_ctrl) != 1 ||
	    (d->src = BIO_new(d->meth)) == NULL) {
		rc = dfail(d, LF_UNSEAL_OK, LF_E_NOMEM, "out of memory");
		goto out;
	}
	BIO_set_data(d->src, d);
	BIO_set_init(d->src, 1);
	if ((d->chain = CMS_dataInit(d->cms, d->src)) == NULL ||
	    (cb = BIO_find_type(d->chain, BIO_TYPE_CIPHER)) == NULL ||
	    BIO_get_cipher_ctx(cb, &d->cctx) != 1 || d->cctx == NULL) {
		rc = dfail(d, LF_UNSEAL_NOT_CMS, LF_E_FORMAT,
		    "OpenSSL cannot start decrypting it");
		goto out;
	}
out:
	ERR_clear_error();
	EVP_PKEY_free(pk);
	X509_free(x);
	return rc;
}

int
lf_unseal_cms(struct lf_reader *in, struct lf_sealcms_blob key,
    struct lf_sealcms_blob cert, const char *password, const char *expected,
    lf_unseal_data_fn data, void *arg, struct lf_unseal_info *info,
    struct lf_error *err)
{
	struct lf_unseal_info scratch;
	struct lf_reader *zr = NULL;
	struct lf_error zerr;
	struct cmsdec *d;
	int rc;

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "cms");
	d->in = in;
	d->err = err;
	if ((rc = dec_start(d, key, cert)) != LF_OK)
		goto out;
	if ((rc = lf_reader_new(&dec_ops, d, &zr, err)) != LF_OK)
		goto out;
	rc = lf_unseal_zip(zr, password, expected, data, arg, info, &zerr);
	if (rc == LF_OK || d->rc != LF_OK)
		goto out;
	/*
	 * The zip was refused: if the CMS content was changed, say that
	 * instead, which needs the rest of it read (and its tag checked).
	 */
	{
		uint8_t sink[4096];
		long r;
		while ((r = lf_reader_read(zr, sink, sizeof(sink), NULL)) > 0)
			;
	}
	if (d->rc == LF_OK && err != NULL)
		*err = zerr;
out:
	if (d->rc != LF_OK) {
		rc = d->rc;
		info->fault = d->fault;
	}
	lf_reader_free(zr);
	dec_release(d);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
	return rc;
}
