/*
 * lf/object.h: the object record, the one description of a piece of
 * content that every tool writes (schemas/object.schema.json, $defs
 * "object"): size, md5, sha1, sha256, sha512, ssdeep, tlsh, and the
 * libmagic description and MIME type.
 */
#ifndef LF_OBJECT_H
#define LF_OBJECT_H

#include <jansson.h>

#include "lf/digest.h"
#include "lf/magic.h"

/*
 * lf_object_to_json: add to obj the members of the object record for d
 * ("size" and one member per algorithm computed; "tlsh" is null when TLSH
 * is not defined for the content) and, when magic is not NULL, "magic"
 * {"description", "mime"}.  Returns LF_OK or LF_E_NOMEM (obj may then hold
 * some of the members).
 */
int lf_object_to_json(json_t *obj, const struct lf_digest_result *d,
    const struct lf_magic_result *magic, struct lf_error *err);

#endif
