/*
 * lf_upload.c: upload profiles.
 *
 * Read strictly, because a profile decides how strongly a live sample is
 * sealed: a key that is not known, or one missing, is an error rather
 * than a default.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lf/reader.h"
#include "lf/upload.h"

static const char *const seal_names[] = {"zip-aes256", "zip-zipcrypto"};
static const char *const cms_names[] = {"none", "optional", "required"};
static const char *const keys[] = {"format", "format_version", "name",
    "destination", "sample_limit", "seal", "cms"};

const char *
lf_upload_seal_name(enum lf_upload_seal s)
{
	return seal_names[s];
}

const char *
lf_upload_cms_name(enum lf_upload_cms c)
{
	return cms_names[c];
}

static bool
name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > LF_UPLOAD_NAME_MAX || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* The index of s among n words, or -1. */
static int
word(const char *s, const char *const *words, int n)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return -1;
}

static int
bad(struct lf_error *err, const char *what)
{
	return lf_error_set(err, LF_E_FORMAT, "upload profile: %s", what);
}

/* Only the keys a profile has, and "seal" only "method" and "password". */
static int
check_keys(json_t *doc, json_t *seal, struct lf_error *err)
{
	const char *k;
	json_t *v;

	json_object_foreach(doc, k, v)
	{
		if (word(k, keys, (int)(sizeof(keys) / sizeof(keys[0]))) < 0)
			return lf_error_set(err, LF_E_FORMAT,
			    "upload profile: unknown key \"%.64s\"", k);
	}
	json_object_foreach(seal, k, v)
	{
		if (strcmp(k, "method") != 0 && strcmp(k, "password") != 0)
			return lf_error_set(err, LF_E_FORMAT,
			    "upload profile: unknown key \"seal.%.64s\"", k);
	}
	return LF_OK;
}

static int
parse_doc(json_t *doc, struct lf_upload_profile *p, struct lf_error *err)
{
	json_t *seal = json_object_get(doc, "seal");
	json_t *limit = json_object_get(doc, "sample_limit");
	const char *format = json_string_value(json_object_get(doc, "format"));
	const char *name = json_string_value(json_object_get(doc, "name"));
	const char *dest =
	    json_string_value(json_object_get(doc, "destination"));
	const char *method = json_string_value(json_object_get(seal, "method"));
	const char *password =
	    json_string_value(json_object_get(seal, "password"));
	int s, c;

	if (!json_is_object(doc) || !json_is_object(seal))
		return bad(err, "not an object with a \"seal\" object");
	if (check_keys(doc, seal, err) != LF_OK)
		return LF_E_FORMAT;
	if (format == NULL || strcmp(format, "lf-upload-profile") != 0)
		return bad(err, "\"format\" is not \"lf-upload-profile\"");
	if (!json_is_integer(json_object_get(doc, "format_version")) ||
	    json_integer_value(json_object_get(doc, "format_version")) != 1)
		return bad(err, "\"format_version\" is not 1");
	if (name == NULL || !name_ok(name))
		return bad(err,
		    "\"name\" is not lowercase letters, digits "
		    "and \"-\"");
	if (dest == NULL || dest[0] == '\0')
		return bad(err, "\"destination\" is not a string");
	if (!json_is_integer(limit) || json_integer_value(limit) <= 0)
		return bad(err, "\"sample_limit\" is not a positive integer");
	if ((s = word(method, seal_names, 2)) < 0)
		return bad(err,
		    "\"seal.method\" is not \"zip-aes256\" or "
		    "\"zip-zipcrypto\"");
	if (password == NULL || password[0] == '\0' || !printable(password))
		return bad(err, "\"seal.password\" is not printable ASCII");
	if ((c = word(json_string_value(json_object_get(doc, "cms")), cms_names,
	         3)) < 0)
		return bad(err,
		    "\"cms\" is not \"none\", \"optional\" or "
		    "\"required\"");
	memcpy(p->name, name, strlen(name) + 1);
	p->sample_limit = (uint64_t)json_integer_value(limit);
	p->seal = (enum lf_upload_seal)s;
	p->cms = (enum lf_upload_cms)c;
	if ((p->destination = strdup(dest)) == NULL ||
	    (p->password = strdup(password)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "upload profile");
	return LF_OK;
}

int
lf_upload_parse(const uint8_t *p, size_t n, struct lf_upload_profile **out,
    struct lf_error *err)
{
	struct lf_upload_profile *up;
	json_error_t je;
	json_t *doc;
	int rc;

	if (n > LF_UPLOAD_FILE_MAX)
		return bad(err, "larger than 64 KiB");
	if ((doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES,
	         &je)) == NULL)
		return json_error_code(&je) == json_error_out_of_memory ?
		    lf_error_set(err, LF_E_NOMEM, "upload profile") :
		    lf_error_set(err, LF_E_FORMAT,
		        "upload profile: line %d: %s", je.line, je.text);
	if ((up = calloc(1, sizeof(*up))) == NULL)
		rc = lf_error_set(err, LF_E_NOMEM, "upload profile");
	else
		rc = parse_doc(doc, up, err);
	json_decref(doc);
	if (rc != LF_OK) {
		lf_upload_free(up);
		return rc;
	}
	*out = up;
	return LF_OK;
}

int
lf_upload_load(const char *dir, const char *name,
    struct lf_upload_profile **out, struct lf_error *err)
{
	char path[4096];
	struct lf_upload_profile *p;
	struct lf_buf b;
	bool by_path = strchr(name, '/') != NULL;
	int rc;

	if (!by_path && !name_ok(name))
		return lf_error_set(err, LF_E_INVAL,
		    "'%.64s' is not a profile name", name);
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s%s", by_path ? "" : dir,
	        by_path ? "" : "/", name,
	        by_path ? "" : ".json") >= sizeof(path))
		return lf_error_set(err, LF_E_INVAL, "profile path too long");
	lf_buf_init(&b, LF_UPLOAD_FILE_MAX);
	if ((rc = lf_read_file(path, &b, err)) == LF_OK &&
	    (rc = lf_upload_parse(b.data, b.len, &p, err)) != LF_OK)
		lf_error_prefix(err, "'%s'", path);
	lf_buf_release(&b);
	if (rc != LF_OK)
		return rc == LF_E_LIMIT ? LF_E_FORMAT : rc;
	if (!by_path && strcmp(p->name, name) != 0) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "upload profile '%s': it calls itself \"%s\"", path,
		    p->name);
		lf_upload_free(p);
		return rc;
	}
	*out = p;
	return LF_OK;
}

bool
lf_upload_eligible(const struct lf_upload_profile *p, uint64_t sealed_size,
    bool cms, char *reason)
{
	reason[0] = '\0';
	if (sealed_size > p->sample_limit) {
		(void)snprintf(reason, LF_UPLOAD_REASON_MAX,
		    "sealed size %" PRIu64 " bytes is over the %s limit of "
		    "%" PRIu64,
		    sealed_size, p->name, p->sample_limit);
		return false;
	}
	if (cms && p->cms == LF_UPLOAD_CMS_NONE) {
		(void)snprintf(reason, LF_UPLOAD_REASON_MAX,
		    "%s takes no CMS-encrypted objects", p->name);
		return false;
	}
	if (!cms && p->cms == LF_UPLOAD_CMS_REQUIRED) {
		(void)snprintf(reason, LF_UPLOAD_REASON_MAX,
		    "%s requires objects encrypted to a recipient (CMS)",
		    p->name);
		return false;
	}
	return true;
}

void
lf_upload_free(struct lf_upload_profile *p)
{
	if (p == NULL)
		return;
	/* A profile's own password may be one the user keeps to themself. */
	if (p->password != NULL)
		explicit_bzero(p->password, strlen(p->password));
	free(p->password);
	free(p->destination);
	free(p);
}
