/*
 * lf_dkim_impl.h: what lf_dkim.c shares with lf_dkimverify.c.  Private to
 * the library.
 */
#ifndef LF_DKIM_IMPL_H
#define LF_DKIM_IMPL_H

#include "lf/dkim.h"

/* The fields that carry DKIM-style signatures. */
enum lf_dkim_kind {
	LF_DKIM_KIND_DKIM, /* DKIM-Signature (RFC 6376) */
	LF_DKIM_KIND_AMS,  /* ARC-Message-Signature (RFC 8617 4.1.2) */
	LF_DKIM_KIND_SEAL  /* ARC-Seal (RFC 8617 4.1.3) */
};

/*
 * lf_dkim_sig_parse_kind: lf_dkim_sig_parse for a field of that kind:
 * ARC fields have no v=, an instance in i=, and the seal no h= or bh=.
 */
int lf_dkim_sig_parse_kind(const uint8_t *p, size_t n,
    const struct lf_dkim_options *o, enum lf_dkim_kind kind,
    struct lf_dkim_sig *out, struct lf_error *err);

/*
 * lf_dkim_verify_new_kind: lf_dkim_verify_new over the fields of that
 * kind (DKIM or AMS).
 */
int lf_dkim_verify_new_kind(const struct lf_hblock *hb,
    const struct lf_dkim_options *o, enum lf_dkim_kind kind,
    lf_anomaly_fn anomaly, void *arg, struct lf_dkim_verify **out,
    struct lf_error *err);

/*
 * lf_dkim_key_for: look up and parse the key of s into *key, judged
 * against s's a= (type, h=, s=, RSA size, t=s): *verdict is LF_DKIM_PASS
 * or why not, with *reason.  *have tells whether *key must be released.
 * Returns LF_OK, or an error (lookup, memory).
 */
int lf_dkim_key_for(const struct lf_dkim_options *o,
    const struct lf_dkim_sig *s, struct lf_dkim_key *key, bool *have,
    enum lf_dkim_verdict *verdict, const char **reason,
    struct lf_error *err);

/*
 * lf_dkim_verify_digest: whether sig verifies digest under the EVP_PKEY
 * pkey with alg; OpenSSL errors count as "no".
 */
bool lf_dkim_verify_digest(void *pkey, enum lf_dkim_alg alg,
    const uint8_t *sig, size_t sig_len, const uint8_t *digest, size_t dlen);

/*
 * lf_dkim_b_cut: the bytes of field f (whose value s was parsed from) to
 * leave out when hashing it: the value of b= with all the whitespace
 * around it (RFC 6376 3.7), from after "=" to the next ";" or the end.
 */
void lf_dkim_b_cut(const struct lf_hfield *f, const struct lf_dkim_sig *s,
    const uint8_t **cut, size_t *len);

/*
 * lf_dkim_alg_md: the EVP_MD of alg's hash (const EVP_MD *).
 */
const void *lf_dkim_alg_md(enum lf_dkim_alg alg);

/* The reason lf_dkim_sig_parse gives when the only fault is base64 junk
 * after the padding of b= or bh=; compared by address. */
extern const char lf_dkim_reason_junk[];

#endif
