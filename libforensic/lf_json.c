/*
 * lf_json.c: JSON helpers over jansson.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lf/json.h"
#include "lf/text.h"
#include "lf/version.h"

/* Room for "<key>_hex": keys are short literals chosen by the library. */
#define KEY_MAX 64

json_t *
lf_json_doc_new(const char *format, int format_version, const char *tool_name)
{
	json_t *doc, *tool;

	if ((doc = json_object()) == NULL)
		return NULL;
	tool = json_pack("{s:s, s:s}", "name", tool_name, "version",
	    lf_version_string());
	if (tool == NULL ||
	    json_object_set_new(doc, "format", json_string(format)) != 0 ||
	    json_object_set_new(doc, "format_version",
	        json_integer(format_version)) != 0) {
		json_decref(tool);
		json_decref(doc);
		return NULL;
	}
	if (json_object_set_new(doc, "tool", tool) != 0) { /* takes tool */
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The readable form: bytes that are not UTF-8 become U+FFFD. */
static int
readable_utf8(struct lf_buf *out, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	static const uint8_t replacement[] = {0xef, 0xbf, 0xbd};
	size_t i = 0, k;
	uint32_t cp;
	int rc;

	while (i < n) {
		k = lf_utf8_decode(p + i, n - i, &cp);
		if (k == 0)
			rc = lf_buf_append(out, replacement, 3, err);
		else
			rc = lf_buf_append(out, p + i, k, err);
		if (rc != LF_OK)
			return rc;
		i += k == 0 ? 1 : k;
	}
	return LF_OK;
}

static int
hex_key(char *dst, const char *key, struct lf_error *err)
{
	size_t klen = strlen(key);

	if (klen + sizeof("_hex") > KEY_MAX)
		return lf_error_set(err, LF_E_INVAL, "JSON key too long");
	memcpy(dst, key, klen);
	memcpy(dst + klen, "_hex", sizeof("_hex"));
	return LF_OK;
}

int
lf_json_set_name(json_t *obj, const char *key, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	struct lf_buf readable;
	char hkey[KEY_MAX];
	int rc;

	if ((rc = hex_key(hkey, key, err)) != LF_OK)
		return rc;
	if (lf_utf8_valid(p, n)) {
		if (json_object_set_new(obj, key,
		        json_stringn((const char *)p, n)) != 0)
			return lf_error_set(err, LF_E_NOMEM, "JSON: %s", key);
		(void)json_object_del(obj, hkey);
		return LF_OK;
	}
	/* Each input byte yields at most 3 readable bytes. */
	lf_buf_init(&readable, n > SIZE_MAX / 3 ? SIZE_MAX : 3 * n);
	if ((rc = readable_utf8(&readable, p, n, err)) != LF_OK)
		goto out;
	if (json_object_set_new(obj, key,
	        json_stringn((const char *)readable.data, readable.len)) != 0) {
		rc = lf_error_set(err, LF_E_NOMEM, "JSON: %s", key);
		goto out;
	}
	rc = lf_json_set_hex(obj, hkey, p, n, err);
out:
	lf_buf_release(&readable);
	return rc;
}

int
lf_json_get_name(const json_t *obj, const char *key, struct lf_buf *out,
    struct lf_error *err)
{
	char hkey[KEY_MAX];
	const json_t *v;
	const char *s;
	size_t slen;
	uint8_t *bytes;
	long n;
	int rc;

	if ((rc = hex_key(hkey, key, err)) != LF_OK)
		return rc;
	if ((v = json_object_get(obj, hkey)) != NULL) {
		if (!json_is_string(v))
			return lf_error_set(err, LF_E_FORMAT,
			    "\"%s\" is not a string", hkey);
		s = json_string_value(v);
		slen = json_string_length(v);
		if ((bytes = malloc(slen / 2 + 1)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "%s", hkey);
		n = lf_hex_decode(s, slen, bytes, slen / 2);
		if (n < 0)
			rc = lf_error_set(err, LF_E_FORMAT, "\"%s\" is not hex",
			    hkey);
		else
			rc = lf_buf_append(out, bytes, (size_t)n, err);
		free(bytes);
		return rc;
	}
	if ((v = json_object_get(obj, key)) == NULL || !json_is_string(v))
		return lf_error_set(err, LF_E_FORMAT,
		    "\"%s\" is missing or not a string", key);
	return lf_buf_append(out, json_string_value(v), json_string_length(v),
	    err);
}

int
lf_json_set_hex(json_t *obj, const char *key, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	char *hex;
	int rc = LF_OK;

	if (n > (SIZE_MAX - 1) / 2 || (hex = malloc(2 * n + 1)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "JSON: %s", key);
	lf_hex(hex, p, n);
	if (json_object_set_new(obj, key, json_stringn(hex, 2 * n)) != 0)
		rc = lf_error_set(err, LF_E_NOMEM, "JSON: %s", key);
	free(hex);
	return rc;
}

int
lf_json_write_line(const json_t *obj, FILE *fp, struct lf_error *err)
{
	char *s;
	int rc = LF_OK;

	/* JSON_COMPACT keeps one document per line; order is insertion. */
	if ((s = json_dumps(obj, JSON_COMPACT)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "cannot encode JSON");
	if (fputs(s, fp) == EOF || putc('\n', fp) == EOF)
		rc = lf_error_sys(err, errno, "cannot write JSON");
	free(s);
	return rc;
}
