/*
 * lf_object.c: the object record in JSON.
 */
#include <string.h>

#include "lf/json.h"
#include "lf/object.h"

static int
set_new(json_t *obj, const char *key, json_t *v, struct lf_error *err)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		return lf_error_set(err, LF_E_NOMEM, "JSON: %s", key);
	return LF_OK;
}

int
lf_object_to_json(json_t *obj, const struct lf_digest_result *d,
    const struct lf_magic_result *magic, struct lf_error *err)
{
	char text[LF_DIGEST_TEXT_MAX];
	json_t *m;
	int a, rc;

	if ((rc = set_new(obj, "size", json_integer((json_int_t)d->size),
	         err)) != LF_OK)
		return rc;
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (!(d->algs & LF_DIGEST_BIT(a)))
			continue;
		if (lf_digest_text(d, a, text))
			rc = set_new(obj, lf_digest_alg_name(a),
			    json_string(text), err);
		else
			rc = set_new(obj, lf_digest_alg_name(a), json_null(),
			    err);
		if (rc != LF_OK)
			return rc;
	}
	if (magic == NULL)
		return LF_OK;
	if ((m = json_object()) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "JSON: magic");
	if ((rc = set_new(obj, "magic", m, err)) != LF_OK)
		return rc;
	if ((rc = lf_json_set_name(m, "description",
	         (const uint8_t *)magic->description,
	         strlen(magic->description), err)) != LF_OK)
		return rc;
	if ((rc = lf_json_set_name(m, "mime", (const uint8_t *)magic->mime,
	         strlen(magic->mime), err)) != LF_OK)
		return rc;
	if (magic->builtin_only)
		rc = set_new(m, "database", json_false(), err);
	return rc;
}
