/*
 * lf/tsq.h: an RFC 3161 time-stamp query, made offline and sent later
 * (by another program, on another machine) to a time-stamping authority.
 *
 * The query is the DER TimeStampReq that `openssl ts -query -sha512
 * -cert` writes: version 1, a SHA-512 message imprint (algorithm with
 * NULL parameters), no policy, a nonce, certReq true.  The nonce is 64
 * random bits from OpenSSL's generator unless the caller gives one
 * (which is how the same query can be made twice); the reply must carry
 * it back, which `openssl ts -verify -queryfile` checks.
 */
#ifndef LF_TSQ_H
#define LF_TSQ_H

#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/error.h"

#define LF_TSQ_SHA512_LEN 64
#define LF_TSQ_NONCE_LEN 8  /* random nonces: 64 bits, as openssl ts */
#define LF_TSQ_NONCE_MAX 32 /* longest nonce a caller may give */

/*
 * lf_tsq_make: append to out the TimeStampReq for the file whose SHA-512
 * is sha512.  nonce[0..nonce_len) is the nonce as a big-endian unsigned
 * number (1 to LF_TSQ_NONCE_MAX bytes, not all zero), or NULL for a
 * random one.  Returns LF_OK, LF_E_INVAL, LF_E_CRYPTO, LF_E_NOMEM, or an
 * lf_buf_append error.
 */
int lf_tsq_make(const uint8_t sha512[LF_TSQ_SHA512_LEN], const uint8_t *nonce,
    size_t nonce_len, struct lf_buf *out, struct lf_error *err);

#endif
