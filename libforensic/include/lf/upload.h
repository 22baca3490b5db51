/*
 * lf/upload.h: upload profiles, what a destination accepts (one JSON file
 * a destination in profiles/upload), and whether a sealed object fits.
 *
 *	{"format": "lf-upload-profile", "format_version": 1,
 *	 "name": "symantec-ess",
 *	 "destination": "what and where, for people",
 *	 "sample_limit": 500000000,
 *	 "seal": {"method": "zip-aes256" | "zip-zipcrypto",
 *	          "password": "infected"},
 *	 "cms": "none" | "optional" | "required"}
 *
 * Every key is required and no other is allowed: a misspelt key in a
 * profile must not leave a sample sealed more weakly than its author
 * meant.  sample_limit bounds the sealed file, the one that is uploaded
 * (the sample plus its zip, and CMS, wrapping), in bytes.  cms says
 * whether sealed objects may, must or must not also be encrypted to
 * recipient certificates.
 */
#ifndef LF_UPLOAD_H
#define LF_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

#define LF_UPLOAD_NAME_MAX 64    /* bytes of a profile's name */
#define LF_UPLOAD_FILE_MAX 65536 /* bytes of a profile file */
#define LF_UPLOAD_REASON_MAX 160 /* bytes of an eligibility reason */

enum lf_upload_seal {
	LF_UPLOAD_ZIP_AES256,    /* WinZip AES-256 (AE-2) */
	LF_UPLOAD_ZIP_ZIPCRYPTO, /* traditional PKWARE encryption */
};

enum lf_upload_cms {
	LF_UPLOAD_CMS_NONE,
	LF_UPLOAD_CMS_OPTIONAL,
	LF_UPLOAD_CMS_REQUIRED,
};

struct lf_upload_profile {
	char name[LF_UPLOAD_NAME_MAX + 1];
	char *destination;
	char *password; /* the zip password, printable ASCII */
	uint64_t sample_limit;
	enum lf_upload_seal seal;
	enum lf_upload_cms cms;
};

/*
 * lf_upload_parse: a profile from the n bytes of JSON at p.  Returns LF_OK
 * and a new profile in *out (free with lf_upload_free), LF_E_FORMAT with
 * what is wrong, or LF_E_NOMEM.
 */
int lf_upload_parse(const uint8_t *p, size_t n, struct lf_upload_profile **out,
    struct lf_error *err);

/*
 * lf_upload_load: the profile called name in directory dir (the file
 * dir/name.json, whose "name" must be name), or, when name holds a "/",
 * the file name itself.  A name is lowercase letters, digits and "-".
 * Returns as lf_upload_parse, plus LF_E_INVAL for a bad name and LF_E_IO
 * when the file cannot be read.
 */
int lf_upload_load(const char *dir, const char *name,
    struct lf_upload_profile **out, struct lf_error *err);

/*
 * lf_upload_eligible: may a sealed object of sealed_size bytes, encrypted
 * to recipients or not (cms), go to the profile's destination?  When not,
 * why, in reason (LF_UPLOAD_REASON_MAX bytes, NUL-terminated).
 */
bool lf_upload_eligible(const struct lf_upload_profile *p, uint64_t sealed_size,
    bool cms, char *reason);

/* lf_upload_seal_name, lf_upload_cms_name: the profile's words. */
const char *lf_upload_seal_name(enum lf_upload_seal s);
const char *lf_upload_cms_name(enum lf_upload_cms c);

/* lf_upload_free: NULL is allowed. */
void lf_upload_free(struct lf_upload_profile *p);

#endif
