/*
 * lf/smime.h: what an S/MIME application/pkcs7-mime object holds (RFC 8551
 * 3.2, CMS as RFC 5652 defines it).  Opaque signing wraps a whole MIME
 * entity in a signed-data object: that entity is taken apart in its turn.
 * An enveloped (encrypted) or compressed object can only be kept as it is.
 * Signatures are not checked here: this is about what is inside.
 */
#ifndef LF_SMIME_H
#define LF_SMIME_H

#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/error.h"

enum lf_smime_kind {
	LF_SMIME_NOT_CMS,   /* not a CMS object we could read */
	LF_SMIME_SIGNED,    /* signed-data; its content, if attached */
	LF_SMIME_ENVELOPED, /* enveloped or auth-enveloped: encrypted */
	LF_SMIME_COMPRESSED,
	LF_SMIME_OTHER, /* another CMS content type */
};

/*
 * lf_smime_inspect: read the DER or BER object der[0..n).  Sets *kind; for
 * signed-data with its content attached, appends the content to content
 * (bounded by content's max: LF_E_LIMIT past it).  Returns LF_OK (also
 * for LF_SMIME_NOT_CMS), LF_E_LIMIT or LF_E_NOMEM.
 */
int lf_smime_inspect(const uint8_t *der, size_t n, enum lf_smime_kind *kind,
    struct lf_buf *content, struct lf_error *err);

/*
 * lf_smime_kind_name: "not-cms", "signed-data", "enveloped-data",
 * "compressed-data", "other".
 */
const char *lf_smime_kind_name(enum lf_smime_kind kind);

#endif
