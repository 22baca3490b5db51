/*
 * lf/digest.h: any set of MD5, SHA-1, SHA-256, SHA-512, ssdeep and TLSH in
 * one pass over the data.
 *
 * A struct lf_digest is reusable: _reset starts a new object without
 * allocating again.  Each algorithm can also be fed on its own
 * (lf_digest_update_one), so that the algorithms of one large object can
 * run on different threads; they must all be fed the same bytes.
 */
#ifndef LF_DIGEST_H
#define LF_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"
#include "lf/tlsh.h"

enum lf_digest_alg {
	LF_MD5,
	LF_SHA1,
	LF_SHA256,
	LF_SHA512,
	LF_SSDEEP,
	LF_TLSH,
	LF_DIGEST_NALGS
};

#define LF_DIGEST_BIT(a) (1u << (a))
#define LF_DIGEST_ALL ((1u << LF_DIGEST_NALGS) - 1)
#define LF_DIGEST_DEFAULT                                 \
	(LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA1) | \
	    LF_DIGEST_BIT(LF_SHA256))

#define LF_SIZE_UNKNOWN UINT64_MAX
#define LF_SSDEEP_MAX 148      /* FUZZY_MAX_RESULT, NUL included */
#define LF_DIGEST_TEXT_MAX 160 /* longest text form, NUL included */

struct lf_digest_result {
	unsigned algs; /* LF_DIGEST_BIT()s that were computed */
	uint64_t size; /* bytes digested */
	uint8_t md5[16];
	uint8_t sha1[20];
	uint8_t sha256[32];
	uint8_t sha512[64];
	char ssdeep[LF_SSDEEP_MAX];    /* "blocksize:hash:hash" */
	char tlsh[LF_TLSH_HEXLEN + 1]; /* "" when TLSH is not defined */
};

struct lf_digest;

/*
 * lf_digest_new: a digest context for the algorithms in algs (a non-empty
 * set of LF_DIGEST_BIT()s), ready for the first object.  Returns LF_OK and
 * a new context in *out, LF_E_INVAL, LF_E_NOMEM or LF_E_CRYPTO.
 */
int lf_digest_new(unsigned algs, struct lf_digest **out, struct lf_error *err);

/*
 * lf_digest_free: free the context.  NULL is allowed.
 */
void lf_digest_free(struct lf_digest *d);

/*
 * lf_digest_algs: the set the context computes.
 */
unsigned lf_digest_algs(const struct lf_digest *d);

/*
 * lf_digest_reset: start a new object.  expected_size, when not
 * LF_SIZE_UNKNOWN, lets ssdeep pick its block size up front (20-30%
 * faster); an object that then turns out longer or shorter fails with
 * LF_E_CHANGED.  Returns LF_OK, LF_E_NOMEM or LF_E_CRYPTO; after an error
 * the context must be reset again or freed.
 */
int lf_digest_reset(struct lf_digest *d, uint64_t expected_size,
    struct lf_error *err);

/*
 * lf_digest_update: feed n bytes to every algorithm.  Returns LF_OK,
 * LF_E_CRYPTO, or LF_E_CHANGED (more bytes than expected_size).  After an
 * error only _reset and _free are allowed.
 */
int lf_digest_update(struct lf_digest *d, const void *p, size_t n,
    struct lf_error *err);

/*
 * lf_digest_update_one: feed n bytes to one algorithm of the set; errors
 * as lf_digest_update.  Different algorithms may be fed from different
 * threads at the same time; one algorithm from one thread at a time.
 */
int lf_digest_update_one(struct lf_digest *d, enum lf_digest_alg alg,
    const void *p, size_t n, struct lf_error *err);

/*
 * The caller's source of data for lf_digest_update_streams: set *p and *n
 * to the next piece of stream number `stream' and return true, or return
 * false when it has no more.
 */
typedef bool (*lf_digest_piece_fn)(void *arg, size_t stream, const uint8_t **p,
    size_t *n);

#define LF_DIGEST_MAX_STREAMS 64 /* most contexts one call feeds */

/*
 * lf_digest_update_streams: feed algorithm alg of each ds[i], i below
 * count (at most LF_DIGEST_MAX_STREAMS, distinct contexts), the pieces
 * piece() gives for stream i.  For MD5 the streams run side by side (lf_md5_update_streams),
 * several times faster than one by one.  Errors as lf_digest_update, for
 * the first failure; the streams may then have been fed in part.
 */
int lf_digest_update_streams(struct lf_digest *const ds[], size_t count,
    enum lf_digest_alg alg, lf_digest_piece_fn piece, void *arg,
    struct lf_error *err);

/*
 * lf_digest_final: finish the object into *res.  Returns LF_OK,
 * LF_E_CRYPTO, LF_E_CHANGED (fewer bytes than expected_size), or
 * LF_E_INVAL when the algorithms were fed different numbers of bytes.
 * *res is written only on success.  Reset before the next object.
 */
int lf_digest_final(struct lf_digest *d, struct lf_digest_result *res,
    struct lf_error *err);

/*
 * lf_digest_alg_name: "md5", "sha1", "sha256", "sha512", "ssdeep", "tlsh".
 */
const char *lf_digest_alg_name(enum lf_digest_alg alg);

/*
 * lf_digest_alg_from_name: the algorithm called name (n bytes, any case),
 * or -1.
 */
int lf_digest_alg_from_name(const char *name, size_t n);

/*
 * lf_digest_parse_algs: parse a comma-separated list such as
 * "md5,sha256" into a set.  Returns LF_OK or LF_E_INVAL (unknown or empty
 * name); *algs is written only on success.
 */
int
lf_digest_parse_algs(const char *list, unsigned *algs, struct lf_error *err);

/*
 * lf_digest_raw_len: the length in bytes of a cryptographic digest, 0 for
 * ssdeep and TLSH.
 */
size_t lf_digest_raw_len(enum lf_digest_alg alg);

/*
 * lf_digest_raw: the bytes of a cryptographic digest in res, NULL for
 * ssdeep and TLSH.  Borrowed from res.
 */
const uint8_t *
lf_digest_raw(const struct lf_digest_result *res, enum lf_digest_alg alg);

/*
 * lf_digest_text: the text form of alg in res (lowercase hex, the ssdeep
 * string, the TLSH string) into out (LF_DIGEST_TEXT_MAX bytes).  Returns
 * false and writes "" when res lacks it or TLSH is not defined.
 */
bool lf_digest_text(const struct lf_digest_result *res, enum lf_digest_alg alg,
    char out[LF_DIGEST_TEXT_MAX]);

#endif
