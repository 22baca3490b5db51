/*
 * lf/sealcms.h: the optional second layer of a sealed object, CMS
 * AuthEnvelopedData (RFC 5083) with AES-256-GCM (RFC 5084) to one or
 * more recipient certificates (RSA: key transport; EC: ECDH key
 * agreement), so that only a holder of a recipient's private key can
 * even reach the encrypted zip inside.
 *
 * Both directions stream: the writer is OpenSSL's streaming CMS encoder
 * (BER with indefinite lengths and 4,096-byte content pieces, as
 * `openssl cms -encrypt -stream -outform DER` writes, which `openssl cms
 * -decrypt -inform DER` reads); the reader walks the BER itself up to the
 * encrypted content, hands the RecipientInfos to OpenSSL to unwrap the
 * content key, and decrypts the content as it arrives, checking the GCM
 * tag at the end.  Neither holds the content in memory.
 *
 * This layer is not reproducible: each run draws a fresh content key and
 * nonce (and, for EC recipients, a fresh ephemeral key), as CMS requires.
 * The zip inside stays reproducible; a bundle records that the CMS layer
 * is not.
 */
#ifndef LF_SEALCMS_H
#define LF_SEALCMS_H

#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"
#include "lf/reader.h"
#include "lf/seal.h"

#define LF_SEALCMS_RECIPIENTS_MAX 64
#define LF_SEALCMS_HEADER_MAX (64 * 1024) /* bytes before the content */

/* A certificate or key, PEM or DER, borrowed. */
struct lf_sealcms_blob {
	const uint8_t *p;
	size_t n;
};

struct lf_sealcms;

/*
 * lf_sealcms_new: start a CMS AuthEnvelopedData (AES-256-GCM) to the n
 * recipient certificates (1 to LF_SEALCMS_RECIPIENTS_MAX), written
 * through write(arg).  Returns LF_OK and a new writer in *out;
 * LF_E_INVAL for a certificate that cannot be read or used; LF_E_NOMEM;
 * LF_E_CRYPTO; or write's error.
 */
int lf_sealcms_new(const struct lf_sealcms_blob *certs, size_t n,
    lf_seal_write_fn write, void *arg, struct lf_sealcms **out,
    struct lf_error *err);

/*
 * lf_sealcms_update: n more bytes of content.  lf_sealcms_write is the
 * same as an lf_seal_write_fn (arg: the struct lf_sealcms), so that a
 * sealing zip can write straight into it.  Both return LF_OK, LF_E_CRYPTO
 * or write's error; after an error the writer must only be freed.
 */
int lf_sealcms_update(struct lf_sealcms *c, const void *p, size_t n,
    struct lf_error *err);
int
lf_sealcms_write(void *arg, const uint8_t *p, size_t n, struct lf_error *err);

/*
 * lf_sealcms_finish: write the GCM tag and the end of the structure.
 * Returns LF_OK, LF_E_CRYPTO, or write's error.
 */
int lf_sealcms_finish(struct lf_sealcms *c, struct lf_error *err);

/* lf_sealcms_free: free (the key material is OpenSSL's to wipe). */
void lf_sealcms_free(struct lf_sealcms *c);

/*
 * lf_unseal_cms: decrypt the CMS AuthEnvelopedData read from in
 * (borrowed) with the recipient's private key and certificate, and open
 * the sealed zip inside as lf_unseal_zip does (password, expected, data,
 * arg, info: the same meanings).  The content given to data is
 * authenticated, by GCM and by the zip, only when the call returns LF_OK.
 *
 * Returns what lf_unseal_zip returns, plus: LF_E_FORMAT with
 * info->fault LF_UNSEAL_NOT_CMS (not an AuthEnvelopedData this reader
 * takes: other content types, authenticated attributes, nested
 * constructed pieces), LF_UNSEAL_RECIPIENT (the key opens none of its
 * RecipientInfos), LF_UNSEAL_AUTH (the GCM tag differs: reported in
 * place of whatever the damaged zip inside showed) or
 * LF_UNSEAL_TRUNCATED; LF_E_INVAL for a key or certificate that cannot
 * be read.
 */
int lf_unseal_cms(struct lf_reader *in, struct lf_sealcms_blob key,
    struct lf_sealcms_blob cert, const char *password, const char *expected,
    lf_unseal_data_fn data, void *arg, struct lf_unseal_info *info,
    struct lf_error *err);

#endif
