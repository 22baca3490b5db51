/*
 * lf_dkimverify.c: DKIM verification of a whole message, each signature
 * judged on its own (RFC 6376 6.1, RFC 8301, RFC 8463).
 *
 * The body is canonicalized at most twice (simple, relaxed), whatever the
 * number of signatures, and each canonical stream fans out to the body
 * hashes that need it; signatures that agree on canonicalization, hash
 * and l= share one hash.  The header is hashed at the end, with the keys.
 *
 * Both checks run even when one fails: that a header signature still
 * verifies over a changed body tells an examiner the body was edited
 * after signing and the header was not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "lf/dkim.h"
#include "lf_dkim_impl.h"

#define RSA_MIN_BITS 1024  /* RFC 8301 3.2 */
#define RSA_WEAK_BITS 2048 /* RFC 8301 3.2: SHOULD */
#define RSA_MAX_BITS 8192  /* b= must fit LF_DKIM_B_MAX */
#define KEY_NAME_MAX 600

struct bodyhash {
	enum lf_dkim_canon canon;
	const EVP_MD *md;
	bool limited;
	uint64_t limit;
	uint64_t hashed;
	EVP_MD_CTX *ctx;
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned dlen;
};

struct fanout {
	struct lf_dkim_verify *v;
	enum lf_dkim_canon canon;
};

struct lf_dkim_verify {
	const struct lf_hblock *hb;
	const struct lf_dkim_options *o;
	enum lf_dkim_kind kind;
	const char *field; /* the name of the signature fields */
	lf_anomaly_fn anomaly;
	void *arg;
	struct lf_dkim_result *results;
	size_t count, signatures;
	size_t *which; /* a result's body hash, or SIZE_MAX */
	struct bodyhash *bh;
	size_t nbh;
	struct lf_dkim_body body[2];
	struct fanout fan[2];
	bool used[2];
	bool done;
};

static const char *const hcheck_names[LF_DKIM_HCHECKS] = {"From", "Subject",
    "Date", "To"};

static void
note(struct lf_dkim_verify *v, const char *code, enum lf_severity sev,
    uint64_t off, const char *detail)
{
	struct lf_anomaly a = {code, sev, off, detail};

	if (v->anomaly != NULL)
		v->anomaly(v->arg, &a);
}

const void *
lf_dkim_alg_md(enum lf_dkim_alg alg)
{
	return alg == LF_DKIM_RSA_SHA1 ? EVP_sha1() : EVP_sha256();
}

static const EVP_MD *
alg_md(enum lf_dkim_alg alg)
{
	return lf_dkim_alg_md(alg);
}

/* A field with a colon: a line without one names nothing. */
static bool
real_field(const struct lf_hfield *f)
{
	return f->value > f->name + f->name_len;
}

static bool
field_named(const struct lf_hfield *f, const uint8_t *name, size_t n)
{
	return real_field(f) && f->name_len == n &&
	    strncasecmp((const char *)f->name, (const char *)name, n) == 0;
}

static bool
lenient_only(const struct lf_dkim_sig *s)
{
	return s->status == LF_DKIM_SIG_SYNTAX &&
	    s->reason == lf_dkim_reason_junk;
}

/* Whether the signature is well formed enough to be hashed. */
static bool
checkable(const struct lf_dkim_sig *s)
{
	return s->status == LF_DKIM_PASS || lenient_only(s);
}

/* ---- Body ---- */

static int
fan_sink(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	struct fanout *f = arg;
	struct lf_dkim_verify *v = f->v;
	size_t i;

	for (i = 0; i < v->nbh; i++) {
		struct bodyhash *h = &v->bh[i];
		size_t take = n;

		if (h->canon != f->canon)
			continue;
		if (h->limited && h->limit - h->hashed < take)
			take = (size_t)(h->limit - h->hashed);
		if (take == 0)
			continue;
		if (EVP_DigestUpdate(h->ctx, p, take) != 1)
			return lf_error_set(err, LF_E_CRYPTO,
			    "dkim: body hash");
		h->hashed += take;
	}
	return LF_OK;
}

/* Find or add the body hash signature s needs; SIZE_MAX on failure. */
static size_t
body_hash_for(struct lf_dkim_verify *v, const struct lf_dkim_sig *s,
    struct lf_error *err)
{
	const EVP_MD *md = alg_md(s->alg);
	struct bodyhash *h;
	size_t i;

	for (i = 0; i < v->nbh; i++) {
		h = &v->bh[i];
		if (h->canon == s->bcanon && h->md == md &&
		    h->limited == s->has_length &&
		    (!h->limited || h->limit == s->length))
			return i;
	}
	h = &v->bh[v->nbh];
	memset(h, 0, sizeof(*h));
	h->canon = s->bcanon;
	h->md = md;
	h->limited = s->has_length;
	h->limit = s->length;
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx, md, NULL) != 1) {
		EVP_MD_CTX_free(h->ctx);
		lf_error_set(err, LF_E_CRYPTO, "dkim: body hash");
		return SIZE_MAX;
	}
	v->used[s->bcanon] = true;
	return v->nbh++;
}

/* ---- Setup ---- */

static void
count_fields(struct lf_dkim_verify *v, size_t *sigs)
{
	const struct lf_hblock *hb = v->hb;
	size_t i;

	*sigs = 0;
	for (i = 0; i < hb->count; i++)
		*sigs += field_named(&hb->fields[i], (const uint8_t *)v->field,
		    strlen(v->field));
}

static int
setup(struct lf_dkim_verify *v, struct lf_error *err)
{
	const struct lf_hblock *hb = v->hb;
	size_t i, k = 0, want;
	int rc;

	count_fields(v, &v->signatures);
	want = v->signatures < v->o->max_sigs ? v->signatures : v->o->max_sigs;
	if (want == 0)
		return LF_OK;
	v->results = calloc(want, sizeof(*v->results));
	v->which = calloc(want, sizeof(*v->which));
	v->bh = calloc(want, sizeof(*v->bh));
	if (v->results == NULL || v->which == NULL || v->bh == NULL)
		return lf_error_set(err, LF_E_NOMEM, "dkim");
	for (i = 0; i < hb->count && k < want; i++) {
		const struct lf_hfield *f = &hb->fields[i];
		struct lf_dkim_result *r = &v->results[k];

		if (!field_named(f, (const uint8_t *)v->field,
		        strlen(v->field)))
			continue;
		rc = lf_dkim_sig_parse_kind(f->value, f->value_len, v->o,
		    v->kind, &r->sig, err);
		if (rc != LF_OK)
			return rc;
		v->count = ++k;
		r->field = i;
		r->offset = f->offset;
		v->which[k - 1] = SIZE_MAX;
		if (!checkable(&r->sig))
			continue;
		v->which[k - 1] = body_hash_for(v, &r->sig, err);
		if (v->which[k - 1] == SIZE_MAX)
			return LF_E_CRYPTO;
	}
	for (i = 0; i < 2; i++) {
		v->fan[i].v = v;
		v->fan[i].canon = (enum lf_dkim_canon)i;
		lf_dkim_body_init(&v->body[i], (enum lf_dkim_canon)i, fan_sink,
		    &v->fan[i]);
	}
	return LF_OK;
}

int
lf_dkim_verify_new_kind(const struct lf_hblock *hb,
    const struct lf_dkim_options *o, enum lf_dkim_kind kind,
    lf_anomaly_fn anomaly, void *arg, struct lf_dkim_verify **out,
    struct lf_error *err)
{
	struct lf_dkim_verify *v;
	int rc;

	if (hb == NULL || o == NULL || out == NULL || kind == LF_DKIM_KIND_SEAL)
		return lf_error_set(err, LF_E_INVAL, "dkim: bad call");
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "dkim");
	v->hb = hb;
	v->o = o;
	v->kind = kind;
	v->field = kind == LF_DKIM_KIND_DKIM ? "DKIM-Signature" :
	                                       "ARC-Message-Signature";
	v->anomaly = anomaly;
	v->arg = arg;
	if ((rc = setup(v, err)) != LF_OK) {
		lf_dkim_verify_free(v);
		return rc;
	}
	*out = v;
	return LF_OK;
}

int
lf_dkim_verify_new(const struct lf_hblock *hb, const struct lf_dkim_options *o,
    lf_anomaly_fn anomaly, void *arg, struct lf_dkim_verify **out,
    struct lf_error *err)
{
	return lf_dkim_verify_new_kind(hb, o, LF_DKIM_KIND_DKIM, anomaly, arg,
	    out, err);
}

int
lf_dkim_verify_body(struct lf_dkim_verify *v, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	int rc, i;

	if (v == NULL || v->done || (p == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "dkim: bad call");
	for (i = 0; i < 2; i++)
		if (v->used[i] &&
		    (rc = lf_dkim_body_update(&v->body[i], p, n, err)) != LF_OK)
			return rc;
	return LF_OK;
}

/* ---- Header hash ---- */

static int
md_sink(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	if (EVP_DigestUpdate(arg, p, n) != 1)
		return lf_error_set(err, LF_E_CRYPTO, "dkim: header hash");
	return LF_OK;
}

/*
 * The field h= names at position k: its occurrence number among the
 * names before it picks the instance, counted from the bottom (RFC 6376
 * 5.4.2); the signature itself is never one.  NULL: none, signed as the
 * null string.
 */
static const struct lf_hfield *
select_field(const struct lf_hblock *hb, const struct lf_dkim_sig *s, size_t k,
    size_t self)
{
	const struct lf_dkim_str *h = &s->hnames[k];
	size_t j, nth = 0, i;

	for (j = 0; j < k; j++)
		nth += s->hnames[j].n == h->n &&
		    strncasecmp((const char *)s->hnames[j].p,
		        (const char *)h->p, h->n) == 0;
	for (i = hb->count; i-- > 0;) {
		if (i == self || !field_named(&hb->fields[i], h->p, h->n))
			continue;
		if (nth-- == 0)
			return &hb->fields[i];
	}
	return NULL;
}

static int
header_hash(struct lf_dkim_verify *v, const struct lf_dkim_result *r,
    uint8_t *digest, unsigned *dlen, struct lf_error *err)
{
	const struct lf_dkim_sig *s = &r->sig;
	const struct lf_hfield *self = &v->hb->fields[r->field];
	const uint8_t *cut;
	size_t cut_len, k;
	EVP_MD_CTX *ctx;
	int rc = LF_OK;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, alg_md(s->alg), NULL) != 1) {
		rc = lf_error_set(err, LF_E_CRYPTO, "dkim: header hash");
		goto out;
	}
	for (k = 0; k < s->nh && rc == LF_OK; k++) {
		const struct lf_hfield *f = select_field(v->hb, s, k, r->field);

		if (f != NULL)
			rc = lf_dkim_canon_header(f, s->hcanon, true, NULL, 0,
			    md_sink, ctx, err);
	}
	/* The signature itself, b= emptied, without its line end. */
	lf_dkim_b_cut(self, s, &cut, &cut_len);
	if (rc == LF_OK)
		rc = lf_dkim_canon_header(self, s->hcanon, false, cut, cut_len,
		    md_sink, ctx, err);
	if (rc == LF_OK && EVP_DigestFinal_ex(ctx, digest, dlen) != 1)
		rc = lf_error_set(err, LF_E_CRYPTO, "dkim: header hash");
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

bool
lf_dkim_verify_digest(void *pkey, enum lf_dkim_alg alg, const uint8_t *sig,
    size_t sig_len, const uint8_t *digest, size_t dlen)
{
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *mctx = NULL;
	bool ok = false;

	if (alg == LF_DKIM_ED25519_SHA256) {
		/* RFC 8463: Ed25519 over the SHA-256 of the data. */
		ok = (mctx = EVP_MD_CTX_new()) != NULL &&
		    EVP_DigestVerifyInit(mctx, NULL, NULL, NULL, pkey) == 1 &&
		    EVP_DigestVerify(mctx, sig, sig_len, digest, dlen) == 1;
	} else {
		ok = (pctx = EVP_PKEY_CTX_new(pkey, NULL)) != NULL &&
		    EVP_PKEY_verify_init(pctx) == 1 &&
		    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) ==
		        1 &&
		    EVP_PKEY_CTX_set_signature_md(pctx, alg_md(alg)) == 1 &&
		    EVP_PKEY_verify(pctx, sig, sig_len, digest, dlen) == 1;
	}
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	ERR_clear_error();
	return ok;
}

/* ---- Judging one signature ---- */

struct judgement {
	enum lf_dkim_verdict verdict;
	const char *reason;
};

static void
judge_fail(struct judgement *j, enum lf_dkim_verdict v, const char *reason)
{
	if (j->verdict == LF_DKIM_PASS) {
		j->verdict = v;
		j->reason = reason;
	}
}

/* The key's fitness for s: LF_DKIM_PASS or why not. */
static enum lf_dkim_verdict
key_fits(const struct lf_dkim_key *key, const struct lf_dkim_sig *s,
    const char **reason)
{
	unsigned need = s->alg == LF_DKIM_RSA_SHA1 ? LF_DKIM_HASH_SHA1 :
	                                             LF_DKIM_HASH_SHA256;

	*reason = key->reason;
	if (key->status != LF_DKIM_PASS)
		return key->status;
	*reason = "the key type (k=) does not match a=";
	if ((s->alg == LF_DKIM_ED25519_SHA256) !=
	        (key->type == LF_DKIM_KEY_ED25519) ||
	    key->type == LF_DKIM_KEY_UNKNOWN)
		return LF_DKIM_KEY_MISMATCH;
	*reason = "the key's h= does not allow the hash of a=";
	if ((key->hashes & need) == 0)
		return LF_DKIM_KEY_MISMATCH;
	*reason = "the key's s= does not allow email";
	if (!key->email)
		return LF_DKIM_KEY_MISMATCH;
	*reason = "RSA key under 1024 bits (RFC 8301 3.2)";
	if (key->type == LF_DKIM_KEY_RSA && key->bits < RSA_MIN_BITS)
		return LF_DKIM_KEY_TOO_SMALL;
	*reason = "RSA key over 8192 bits";
	if (key->type == LF_DKIM_KEY_RSA && key->bits > RSA_MAX_BITS)
		return LF_DKIM_UNSUPPORTED;
	/* t=s: i= must be d= itself; ARC's i= is an instance instead. */
	*reason = "the key says t=s and i= is a subdomain of d=";
	if (key->strict && s->i.p != NULL && s->instance == 0) {
		const uint8_t *at = memchr(s->i.p, '@', s->i.n);
		size_t dn = at != NULL ? s->i.n - (size_t)(at + 1 - s->i.p) : 0;

		if (at == NULL || dn != s->d.n ||
		    strncasecmp((const char *)at + 1, (const char *)s->d.p,
		        dn) != 0)
			return LF_DKIM_IDENTITY_MISMATCH;
	}
	*reason = NULL;
	return LF_DKIM_PASS;
}

int
lf_dkim_key_for(const struct lf_dkim_options *o, const struct lf_dkim_sig *s,
    struct lf_dkim_key *key, bool *have, enum lf_dkim_verdict *verdict,
    const char **reason, struct lf_error *err)
{
	char name[KEY_NAME_MAX];
	const uint8_t *txt = NULL;
	size_t len = 0;
	int rc;

	*have = false;
	snprintf(name, sizeof(name), "%.*s._domainkey.%.*s", (int)s->s.n,
	    (const char *)s->s.p, (int)s->d.n, (const char *)s->d.p);
	rc = o->key != NULL ? o->key(o->key_arg, name, &txt, &len) : 0;
	if (rc < 0)
		return lf_error_set(err, rc, "dkim: key lookup for %s", name);
	if (rc == 0) {
		*verdict = LF_DKIM_NO_KEY;
		*reason = "no key record";
		return LF_OK;
	}
	if ((rc = lf_dkim_key_parse(txt, len, key, err)) != LF_OK)
		return rc;
	*have = true;
	*verdict = key_fits(key, s, reason);
	return LF_OK;
}

/* The key record for r: its checks against the signature into j. */
static int
check_key(struct lf_dkim_verify *v, struct lf_dkim_result *r,
    struct lf_dkim_key *key, bool *have, struct judgement *j,
    struct lf_error *err)
{
	enum lf_dkim_verdict verdict;
	const char *reason;
	int rc;

	rc = lf_dkim_key_for(v->o, &r->sig, key, have, &verdict, &reason, err);
	if (rc != LF_OK)
		return rc;
	if (*have) {
		r->key_type = key->type;
		r->key_bits = key->bits;
		if (key->testing) {
			r->flags |= LF_DKIM_F_KEY_TESTING;
			note(v, "dkim.key-testing", LF_SEV_INFO, r->offset,
			    "the key record says t=y (testing)");
		}
		if (verdict == LF_DKIM_PASS && key->type == LF_DKIM_KEY_RSA &&
		    key->bits < RSA_WEAK_BITS) {
			r->flags |= LF_DKIM_F_RSA_SHORT;
			note(v, "dkim.rsa-short-key", LF_SEV_LOW, r->offset,
			    "RSA key under 2048 bits (RFC 8301 3.2)");
		}
	}
	if (verdict != LF_DKIM_PASS)
		judge_fail(j, verdict, reason);
	return LF_OK;
}

static void
judge_time(struct lf_dkim_verify *v, struct lf_dkim_result *r)
{
	const struct lf_dkim_sig *s = &r->sig;
	const struct lf_dkim_options *o = v->o;
	int64_t skew = o->clock_skew > 1000000000000ull ?
	    1000000000000 :
	    (int64_t)o->clock_skew;

	if (!s->has_time && !s->has_expire)
		return;
	if (!o->has_time) {
		r->flags |= LF_DKIM_F_NO_TIME;
		return;
	}
	/* t= and x= have at most 12 digits: no overflow below. */
	if (s->has_expire && o->time > (int64_t)s->expire + skew)
		r->flags |= LF_DKIM_F_EXPIRED;
	if (s->has_time && (int64_t)s->time > o->time + skew)
		r->flags |= LF_DKIM_F_FUTURE;
}

static void
judge_fields(struct lf_dkim_verify *v, struct lf_dkim_result *r)
{
	const struct lf_hblock *hb = v->hb;
	size_t c, i;

	for (c = 0; c < LF_DKIM_HCHECKS; c++) {
		struct lf_dkim_hcheck *hc = &r->hdr[c];
		const char *name = hcheck_names[c];
		size_t n = strlen(name);

		hc->name = name;
		for (i = 0; i < hb->count; i++)
			hc->present += field_named(&hb->fields[i],
			    (const uint8_t *)name, n);
		for (i = 0; i < r->sig.nh; i++)
			hc->listed += r->sig.hnames[i].n == n &&
			    strncasecmp((const char *)r->sig.hnames[i].p, name,
			        n) == 0;
		hc->oversigned = hc->listed > hc->present;
		if (hc->listed > 0 && hc->present > hc->listed) {
			hc->unsigned_count = hc->present - hc->listed;
			r->flags |= LF_DKIM_F_UNSIGNED_HEADER;
			note(v, "dkim.unsigned-header", LF_SEV_HIGH, r->offset,
			    name);
		}
		if (c == 0 ? hc->present != 1 : hc->present > 1)
			r->flags |= LF_DKIM_F_FIELD_COUNT;
	}
}

static int
judge(struct lf_dkim_verify *v, size_t idx, struct lf_error *err)
{
	struct lf_dkim_result *r = &v->results[idx];
	const struct lf_dkim_sig *s = &r->sig;
	struct judgement j = {LF_DKIM_PASS, NULL};
	struct lf_dkim_key key;
	bool have = false;
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;
	int rc;

	judge_fields(v, r);
	if (!checkable(s)) {
		r->verdict = r->lenient = s->status;
		r->reason = s->reason;
		if (s->status == LF_DKIM_LIMIT)
			note(v, "dkim.limit", LF_SEV_MEDIUM, r->offset,
			    s->reason);
		return LF_OK;
	}
	if (s->junk)
		note(v, "dkim.base64-junk", LF_SEV_MEDIUM, r->offset,
		    "bytes after the base64 padding of b= or bh=");
	judge_time(v, r);
	if (s->has_length)
		r->flags |= LF_DKIM_F_LENGTH;
	if (s->junk)
		r->flags |= LF_DKIM_F_JUNK;
	if (s->alg == LF_DKIM_RSA_SHA1) {
		r->flags |= LF_DKIM_F_SHA1;
		note(v, "dkim.rsa-sha1", LF_SEV_MEDIUM, r->offset,
		    "rsa-sha1 (RFC 8301 3.1: must not be used)");
	}
	if (v->which[idx] != SIZE_MAX) {
		const struct bodyhash *h = &v->bh[v->which[idx]];

		r->body_len = v->body[s->bcanon].out;
		r->body = h->dlen == s->bh_len &&
		        memcmp(h->digest, s->bh_raw, h->dlen) == 0 ?
		    LF_DKIM_CHECK_OK :
		    LF_DKIM_CHECK_BAD;
		if (s->has_length && s->length < r->body_len)
			r->body_unsigned = r->body_len - s->length;
		if (s->has_length && s->length > r->body_len)
			r->flags |= LF_DKIM_F_LENGTH_LONG;
	}
	if (s->has_length) {
		note(v, "dkim.body-length", LF_SEV_MEDIUM, r->offset,
		    "l= leaves body bytes past it unsigned");
		if (r->body_unsigned > 0) {
			r->flags |= LF_DKIM_F_UNSIGNED_BODY;
			note(v, "dkim.unsigned-body", LF_SEV_HIGH, r->offset,
			    "body bytes past l=");
		}
	}
	memset(&key, 0, sizeof(key));
	if ((rc = check_key(v, r, &key, &have, &j, err)) != LF_OK)
		goto out;
	if (j.verdict == LF_DKIM_PASS) {
		if ((rc = header_hash(v, r, digest, &dlen, err)) != LF_OK)
			goto out;
		r->header = lf_dkim_verify_digest(key.pkey, s->alg, s->sig,
		                s->sig_len, digest, dlen) ?
		    LF_DKIM_CHECK_OK :
		    LF_DKIM_CHECK_BAD;
	}
	if (r->body == LF_DKIM_CHECK_BAD)
		judge_fail(&j, LF_DKIM_FAIL_BODY_HASH, "body hash mismatch");
	if (r->header == LF_DKIM_CHECK_BAD)
		judge_fail(&j, LF_DKIM_FAIL_SIGNATURE,
		    "the signature does not verify");
	if (j.verdict == LF_DKIM_PASS) {
		if (r->flags & LF_DKIM_F_EXPIRED)
			judge_fail(&j, LF_DKIM_EXPIRED,
			    "x= is past at the time given");
		else if (r->flags & LF_DKIM_F_FUTURE)
			judge_fail(&j, LF_DKIM_FUTURE,
			    "t= is ahead of the time given");
		else if (s->alg == LF_DKIM_RSA_SHA1)
			judge_fail(&j, LF_DKIM_PASS_WEAK,
			    "rsa-sha1 (RFC 8301 3.1)");
	}
	r->lenient = j.verdict;
	r->verdict = j.verdict;
	r->reason = j.reason;
	if (lenient_only(s)) {
		r->verdict = LF_DKIM_SIG_SYNTAX;
		r->reason = s->reason;
	}
out:
	if (have)
		lf_dkim_key_release(&key);
	return rc;
}

/* Once per message: the counts RFC 5322 3.6 sets for the four fields. */
static void
field_counts(struct lf_dkim_verify *v)
{
	const struct lf_hblock *hb = v->hb;
	size_t c, i, seen;

	for (c = 0; c < LF_DKIM_HCHECKS; c++) {
		const char *name = hcheck_names[c];

		seen = 0;
		for (i = 0; i < hb->count; i++) {
			if (!field_named(&hb->fields[i], (const uint8_t *)name,
			        strlen(name)))
				continue;
			if (++seen == 2)
				note(v, "dkim.field-count", LF_SEV_HIGH,
				    hb->fields[i].offset, name);
		}
		if (c == 0 && seen == 0)
			note(v, "dkim.field-count", LF_SEV_HIGH, 0,
			    "no From field");
	}
}

int
lf_dkim_verify_finish(struct lf_dkim_verify *v, struct lf_dkim_report *out,
    struct lf_error *err)
{
	size_t i;
	int rc;

	if (v == NULL || out == NULL || v->done)
		return lf_error_set(err, LF_E_INVAL, "dkim: bad call");
	v->done = true;
	for (i = 0; i < 2; i++)
		if (v->used[i] &&
		    (rc = lf_dkim_body_final(&v->body[i], err)) != LF_OK)
			return rc;
	for (i = 0; i < v->nbh; i++)
		if (EVP_DigestFinal_ex(v->bh[i].ctx, v->bh[i].digest,
		        &v->bh[i].dlen) != 1)
			return lf_error_set(err, LF_E_CRYPTO,
			    "dkim: body hash");
	if (v->signatures > v->count)
		note(v, "dkim.too-many-signatures", LF_SEV_MEDIUM,
		    v->count > 0 ? v->results[v->count - 1].offset : 0,
		    "more DKIM-Signature fields than max_sigs: the rest are "
		    "not checked");
	for (i = 0; i < v->count; i++)
		if ((rc = judge(v, i, err)) != LF_OK)
			return rc;
	if (v->count > 0)
		field_counts(v);
	out->results = v->results;
	out->count = v->count;
	out->signatures = v->signatures;
	v->results = NULL;
	v->count = 0;
	return LF_OK;
}

void
lf_dkim_verify_free(struct lf_dkim_verify *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nbh; i++)
		EVP_MD_CTX_free(v->bh[i].ctx);
	for (i = 0; i < v->count; i++)
		lf_dkim_sig_release(&v->results[i].sig);
	free(v->results);
	free(v->which);
	free(v->bh);
	free(v);
}

void
lf_dkim_report_release(struct lf_dkim_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->count; i++)
		lf_dkim_sig_release(&r->results[i].sig);
	free(r->results);
	memset(r, 0, sizeof(*r));
}
