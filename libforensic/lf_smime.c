/*
 * lf_smime.c: the content of S/MIME objects, through OpenSSL's CMS reader
 * (which takes BER, indefinite lengths included).
 */
#include <limits.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "lf/smime.h"

int
lf_smime_inspect(const uint8_t *der, size_t n, enum lf_smime_kind *kind,
    struct lf_buf *content, struct lf_error *err)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms;
	ASN1_OCTET_STRING **pos;
	int rc = LF_OK;

	*kind = LF_SMIME_NOT_CMS;
	if (n > LONG_MAX ||
	    (cms = d2i_CMS_ContentInfo(NULL, &p, (long)n)) == NULL) {
		ERR_clear_error();
		return LF_OK;
	}
	switch (OBJ_obj2nid(CMS_get0_type(cms))) {
	case NID_pkcs7_signed:
		*kind = LF_SMIME_SIGNED;
		pos = CMS_get0_content(cms);
		if (pos != NULL && *pos != NULL)
			rc = lf_buf_append(content, ASN1_STRING_get0_data(*pos),
			    (size_t)ASN1_STRING_length(*pos), err);
		break;
	case NID_pkcs7_enveloped:
	case NID_id_smime_ct_authEnvelopedData:
	case NID_pkcs7_encrypted:
		*kind = LF_SMIME_ENVELOPED;
		break;
	case NID_id_smime_ct_compressedData:
		*kind = LF_SMIME_COMPRESSED;
		break;
	default:
		*kind = LF_SMIME_OTHER;
		break;
	}
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

const char *
lf_smime_kind_name(enum lf_smime_kind kind)
{
	static const char *const names[] = {"not-cms", "signed-data",
	    "enveloped-data", "compressed-data", "other"};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] :
	                                                           "other";
}
