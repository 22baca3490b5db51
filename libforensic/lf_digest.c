/*
 * lf_digest.c: one-pass multi-digest over OpenSSL EVP, libfuzzy and TLSH.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fuzzy.h>
#include <openssl/evp.h>

#include "lf/digest.h"
#include "lf/md5.h"
#include "lf/text.h"

_Static_assert(LF_SSDEEP_MAX >= FUZZY_MAX_RESULT, "ssdeep result size");

static const struct {
	const char *name;
	const char *evp_name; /* NULL: not an EVP digest */
	size_t raw_len;
} algs_info[LF_DIGEST_NALGS] = {
    [LF_MD5] = {"md5", "MD5", 16},
    [LF_SHA1] = {"sha1", "SHA1", 20},
    [LF_SHA256] = {"sha256", "SHA256", 32},
    [LF_SHA512] = {"sha512", "SHA512", 64},
    [LF_SSDEEP] = {"ssdeep", NULL, 0},
    [LF_TLSH] = {"tlsh", NULL, 0},
};

struct lf_digest {
	unsigned algs;
	uint64_t expected; /* LF_SIZE_UNKNOWN or the announced size */
	uint64_t fed[LF_DIGEST_NALGS];
	EVP_MD *md[LF_DIGEST_NALGS]; /* fetched once: implicit fetches
					       cost more than small objects */
	EVP_MD_CTX *ctx[LF_DIGEST_NALGS];
	struct lf_md5 md5;
	struct fuzzy_state *fuzzy;
	struct lf_tlsh tlsh;
};

static bool
has(const struct lf_digest *d, enum lf_digest_alg a)
{
	return (d->algs & LF_DIGEST_BIT(a)) != 0;
}

void
lf_digest_free(struct lf_digest *d)
{
	int a;

	if (d == NULL)
		return;
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		EVP_MD_CTX_free(d->ctx[a]);
		EVP_MD_free(d->md[a]);
	}
	if (d->fuzzy != NULL)
		fuzzy_free(d->fuzzy);
	free(d);
}

int
lf_digest_new(unsigned algs, struct lf_digest **out, struct lf_error *err)
{
	struct lf_digest *d;
	int a, rc;

	if (algs == 0 || (algs & ~LF_DIGEST_ALL) != 0)
		return lf_error_set(err, LF_E_INVAL, "bad algorithm set %#x",
		    algs);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "digest");
	d->algs = algs;
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (!has(d, a) || algs_info[a].evp_name == NULL)
			continue;
		d->md[a] = EVP_MD_fetch(NULL, algs_info[a].evp_name, NULL);
		d->ctx[a] = EVP_MD_CTX_new();
		if (d->md[a] == NULL || d->ctx[a] == NULL) {
			rc = lf_error_set(err, LF_E_CRYPTO,
			    "%s: not available from OpenSSL",
			    algs_info[a].name);
			goto fail;
		}
	}
	if ((rc = lf_digest_reset(d, LF_SIZE_UNKNOWN, err)) != LF_OK)
		goto fail;
	*out = d;
	return LF_OK;
fail:
	lf_digest_free(d);
	return rc;
}

unsigned
lf_digest_algs(const struct lf_digest *d)
{
	return d->algs;
}

int
lf_digest_reset(struct lf_digest *d, uint64_t expected_size,
    struct lf_error *err)
{
	int a;

	d->expected = expected_size;
	memset(d->fed, 0, sizeof(d->fed));
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (d->ctx[a] != NULL &&
		    EVP_DigestInit_ex2(d->ctx[a], d->md[a], NULL) != 1)
			return lf_error_set(err, LF_E_CRYPTO,
			    "%s: cannot start", algs_info[a].name);
	}
	if (has(d, LF_SSDEEP)) {
		if (d->fuzzy != NULL)
			fuzzy_free(d->fuzzy);
		if ((d->fuzzy = fuzzy_new()) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "ssdeep");
		if (expected_size != LF_SIZE_UNKNOWN &&
		    fuzzy_set_total_input_length(d->fuzzy, expected_size) != 0)
			return lf_error_set(err, LF_E_NOTSUP,
			    "ssdeep: size %llu is too large",
			    (unsigned long long)expected_size);
	}
	if (has(d, LF_MD5))
		lf_md5_init(&d->md5);
	if (has(d, LF_TLSH))
		lf_tlsh_init(&d->tlsh);
	return LF_OK;
}

int
lf_digest_update_one(struct lf_digest *d, enum lf_digest_alg alg, const void *p,
    size_t n, struct lf_error *err)
{
	if ((unsigned)alg >= LF_DIGEST_NALGS || !has(d, alg))
		return lf_error_set(err, LF_E_INVAL,
		    "algorithm %d not in this digest", (int)alg);
	if (d->expected != LF_SIZE_UNKNOWN &&
	    (n > d->expected || d->fed[alg] > d->expected - n))
		return lf_error_set(err, LF_E_CHANGED,
		    "more than the %llu bytes expected",
		    (unsigned long long)d->expected);
	switch (alg) {
	case LF_MD5:
		lf_md5_update(&d->md5, p, n);
		break;
	case LF_SSDEEP:
		if (fuzzy_update(d->fuzzy, p, n) != 0)
			return lf_error_set(err, LF_E_CHANGED,
			    "ssdeep: input longer than announced");
		break;
	case LF_TLSH:
		lf_tlsh_update(&d->tlsh, p, n);
		break;
	default:
		if (EVP_DigestUpdate(d->ctx[alg], p, n) != 1)
			return lf_error_set(err, LF_E_CRYPTO, "%s: update",
			    algs_info[alg].name);
		break;
	}
	d->fed[alg] += n;
	return LF_OK;
}

int
lf_digest_update(struct lf_digest *d, const void *p, size_t n,
    struct lf_error *err)
{
	int a, rc;

	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (has(d, a) &&
		    (rc = lf_digest_update_one(d, a, p, n, err)) != LF_OK)
			return rc;
	}
	return LF_OK;
}

/* MD5's pieces pass through here to be counted against the sizes. */
struct counted {
	struct lf_digest *const *ds;
	lf_digest_piece_fn piece;
	void *arg;
	int rc;
	struct lf_error *err;
};

static bool
counted_piece(void *arg, size_t stream, const uint8_t **p, size_t *n)
{
	struct counted *c = arg;
	struct lf_digest *d = c->ds[stream];

	if (!c->piece(c->arg, stream, p, n))
		return false;
	if (d->expected != LF_SIZE_UNKNOWN &&
	    (*n > d->expected || d->fed[LF_MD5] > d->expected - *n)) {
		if (c->rc == LF_OK)
			c->rc = lf_error_set(c->err, LF_E_CHANGED,
			    "more than the %llu bytes expected",
			    (unsigned long long)d->expected);
		return false;
	}
	d->fed[LF_MD5] += *n;
	return true;
}

int
lf_digest_update_streams(struct lf_digest *const ds[], size_t count,
    enum lf_digest_alg alg, lf_digest_piece_fn piece, void *arg,
    struct lf_error *err)
{
	struct lf_md5 *ms[LF_DIGEST_MAX_STREAMS];
	struct counted c = {ds, piece, arg, LF_OK, err};
	const uint8_t *p;
	size_t i, n;
	int rc;

	if (alg != LF_MD5) {
		for (i = 0; i < count; i++) {
			while (piece(arg, i, &p, &n)) {
				rc =
				    lf_digest_update_one(ds[i], alg, p, n, err);
				if (rc != LF_OK)
					return rc;
			}
		}
		return LF_OK;
	}
	if (count > sizeof(ms) / sizeof(ms[0]))
		return lf_error_set(err, LF_E_INVAL, "too many streams");
	for (i = 0; i < count; i++) {
		if (!has(ds[i], LF_MD5))
			return lf_error_set(err, LF_E_INVAL,
			    "md5 not in this digest");
		ms[i] = &ds[i]->md5;
	}
	lf_md5_update_streams(ms, count, counted_piece, &c);
	return c.rc;
}

int
lf_digest_final(struct lf_digest *d, struct lf_digest_result *res,
    struct lf_error *err)
{
	struct lf_digest_result r;
	uint64_t size = LF_SIZE_UNKNOWN;
	unsigned int len;
	int a;

	memset(&r, 0, sizeof(r));
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (!has(d, a))
			continue;
		if (size != LF_SIZE_UNKNOWN && d->fed[a] != size)
			return lf_error_set(err, LF_E_INVAL,
			    "algorithms were fed different lengths");
		size = d->fed[a];
	}
	if (d->expected != LF_SIZE_UNKNOWN && size != d->expected)
		return lf_error_set(err, LF_E_CHANGED,
		    "%llu bytes instead of the %llu expected",
		    (unsigned long long)size, (unsigned long long)d->expected);
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (d->ctx[a] == NULL)
			continue;
		if (EVP_DigestFinal_ex(d->ctx[a],
		        (unsigned char *)lf_digest_raw(&r, a), &len) != 1 ||
		    len != algs_info[a].raw_len)
			return lf_error_set(err, LF_E_CRYPTO, "%s: final",
			    algs_info[a].name);
	}
	if (has(d, LF_MD5))
		lf_md5_final(&d->md5, r.md5);
	if (has(d, LF_SSDEEP) && fuzzy_digest(d->fuzzy, r.ssdeep, 0) != 0)
		return lf_error_set(err, LF_E_CHANGED, "ssdeep: cannot finish");
	if (has(d, LF_TLSH))
		(void)lf_tlsh_final(&d->tlsh, r.tlsh);
	r.algs = d->algs;
	r.size = size;
	*res = r;
	return LF_OK;
}

const char *
lf_digest_alg_name(enum lf_digest_alg alg)
{
	if ((unsigned)alg >= LF_DIGEST_NALGS)
		return "?";
	return algs_info[alg].name;
}

int
lf_digest_alg_from_name(const char *name, size_t n)
{
	int a;

	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (strlen(algs_info[a].name) == n &&
		    strncasecmp(algs_info[a].name, name, n) == 0)
			return a;
	}
	return -1;
}

int
lf_digest_parse_algs(const char *list, unsigned *algs, struct lf_error *err)
{
	unsigned set = 0;
	const char *p = list, *comma;
	size_t n;
	int a;

	for (;;) {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if ((a = lf_digest_alg_from_name(p, n)) < 0)
			return lf_error_set(err, LF_E_INVAL,
			    "unknown algorithm '%.*s' (known: md5, sha1, "
			    "sha256, sha512, ssdeep, tlsh)",
			    (int)(n > 32 ? 32 : n), p);
		set |= LF_DIGEST_BIT(a);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*algs = set;
	return LF_OK;
}

size_t
lf_digest_raw_len(enum lf_digest_alg alg)
{
	if ((unsigned)alg >= LF_DIGEST_NALGS)
		return 0;
	return algs_info[alg].raw_len;
}

const uint8_t *
lf_digest_raw(const struct lf_digest_result *res, enum lf_digest_alg alg)
{
	switch (alg) {
	case LF_MD5:
		return res->md5;
	case LF_SHA1:
		return res->sha1;
	case LF_SHA256:
		return res->sha256;
	case LF_SHA512:
		return res->sha512;
	default:
		return NULL;
	}
}

bool
lf_digest_text(const struct lf_digest_result *res, enum lf_digest_alg alg,
    char out[LF_DIGEST_TEXT_MAX])
{
	const uint8_t *raw;

	out[0] = '\0';
	if ((unsigned)alg >= LF_DIGEST_NALGS ||
	    (res->algs & LF_DIGEST_BIT(alg)) == 0)
		return false;
	if ((raw = lf_digest_raw(res, alg)) != NULL) {
		lf_hex(out, raw, algs_info[alg].raw_len);
		return true;
	}
	if (alg == LF_SSDEEP) {
		memcpy(out, res->ssdeep, sizeof(res->ssdeep));
		return true;
	}
	memcpy(out, res->tlsh, sizeof(res->tlsh));
	return out[0] != '\0';
}
