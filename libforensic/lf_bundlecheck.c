/*
 * lf_bundlecheck.c: an evidence bundle's manifest held against its bag,
 * its sealed files opened in memory, its samples held against a profile
 * (lf/bundlecheck.h).
 *
 * The manifest is read strictly where a verifier relies on it: the keys
 * and types of schemas/manifest.schema.json that name the sealed files,
 * their digests, passwords and entries, and the eligibility of samples.
 * The parts meant for people (names, case details, versions) are not
 * judged here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lf/buf.h"
#include "lf/bundlecheck.h"
#include "lf/seal.h"
#include "lf/text.h"

/* A sealed file the manifest names. */
struct sealed_ref {
	char *file;                       /* "data/samples/<hex>.zip" ... */
	char entry[LF_SEAL_NAME_MAX + 1]; /* the zip's one entry */
	char *password;
	enum lf_upload_seal method;
	uint8_t sealed_sha256[32];
	uint64_t sealed_size;
	uint8_t content_sha256[32]; /* of the sample or message */
	uint64_t content_size;
	bool cms;
	bool sample;
	bool eligible; /* samples only */
	bool seen;
};

struct lf_bundlecheck {
	struct lf_bundlecheck_opts o;
	struct lf_limits limits;
	struct sealed_ref *refs;
	size_t nrefs, caprefs;
	bool parsed;         /* a manifest was given or read */
	bool usable;         /* ... and it is the lf-manifest format */
	bool manifest_given; /* by lf_bundlecheck_manifest */
	bool manifest_seen;  /* the tap saw data/manifest.json */
	uint8_t manifest_sha256[32];
	char bundle_id[96];
	uint8_t signer[32];
	bool has_signer;
	struct lf_buf mbuf;
	struct lf_bagit_hash *h; /* the opened entries' SHA-256 */
	struct lf_bagit_finding *f;
	size_t nf;
	uint64_t count[2];
	struct lf_bundlecheck_summary sum;
};

static int finding(struct lf_bundlecheck *c, enum lf_bagit_severity sev,
    const char *code, const char *file, size_t file_len, struct lf_error *err,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int
finding(struct lf_bundlecheck *c, enum lf_bagit_severity sev, const char *code,
    const char *file, size_t file_len, struct lf_error *err, const char *fmt,
    ...)
{
	struct lf_bagit_finding *f;
	char msg[512];
	va_list ap;

	c->count[sev]++;
	if (c->nf == LF_BAGIT_FINDINGS_MAX)
		return LF_OK;
	if (c->nf % 16 == 0) {
		f = realloc(c->f, (c->nf + 16) * sizeof(*f));
		if (f == NULL)
			return lf_error_set(err, LF_E_NOMEM, "out of memory");
		c->f = f;
	}
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f = &c->f[c->nf];
	f->severity = sev;
	f->code = code;
	f->line = 0;
	f->file_len = file_len;
	f->file = malloc(file_len + 1);
	f->message = strdup(msg);
	if (f->file == NULL || f->message == NULL) {
		free(f->file);
		free(f->message);
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	}
	memcpy(f->file, file, file_len);
	f->file[file_len] = '\0';
	c->nf++;
	return LF_OK;
}

/* A problem of the manifest itself, said of data/manifest.json. */
#define BAD_MANIFEST(c, err, ...)                                             \
	finding((c), LF_BAGIT_INVALID, "manifest.schema", LF_BUNDLE_MANIFEST, \
	    strlen(LF_BUNDLE_MANIFEST), (err), __VA_ARGS__)

/* 64 lowercase hex digits, as the schema's sha256 wants. */
static bool
is_hex64(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 64)
		return false;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool
get_hex32(const json_t *obj, const char *key, uint8_t out[32])
{
	const char *s = json_string_value(json_object_get(obj, key));

	return is_hex64(s) && lf_hex_decode(s, 64, out, 32) == 32;
}

static bool
get_size(const json_t *obj, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

static int
add_ref(struct lf_bundlecheck *c, struct sealed_ref **out, struct lf_error *err)
{
	if (c->nrefs == c->caprefs) {
		size_t ncap = c->caprefs == 0 ? 16 : c->caprefs * 2;
		struct sealed_ref *n = realloc(c->refs, ncap * sizeof(*n));
		if (n == NULL)
			return lf_error_set(err, LF_E_NOMEM, "out of memory");
		c->refs = n;
		c->caprefs = ncap;
	}
	*out = &c->refs[c->nrefs];
	memset(*out, 0, sizeof(**out));
	return LF_OK;
}

/*
 * One "sealed" record (where says which, for messages), of the sample or
 * message whose SHA-256 is content: the file and entry it must have
 * follow from that SHA-256 (docs/bundle-format.md, section 2).  Returns
 * LF_OK with the record added, or with a finding and nothing added.
 */
static int
parse_sealed(struct lf_bundlecheck *c, const json_t *s, const char *where,
    const uint8_t content[32], uint64_t content_size, bool sample,
    bool eligible, struct lf_error *err)
{
	const char *file = json_string_value(json_object_get(s, "file"));
	const char *method = json_string_value(json_object_get(s, "method"));
	const char *password =
	    json_string_value(json_object_get(s, "password"));
	const char *entry = json_string_value(json_object_get(s, "entry"));
	const json_t *certs = json_object_get(s, "cms_recipients");
	char hex[65], want_file[128], want_entry[80];
	enum lf_upload_seal seal;
	struct sealed_ref *r = NULL;
	uint8_t sha[32];
	uint64_t size;
	size_t i;
	int rc;

	if (file == NULL || method == NULL || password == NULL ||
	    entry == NULL || !json_is_array(certs) ||
	    !get_hex32(s, "sha256", sha) || !get_size(s, "size", &size))
		return BAD_MANIFEST(c, err,
		    "%s.sealed: a member missing or of the wrong type "
		    "(file, size, sha256, method, password, entry, "
		    "cms_recipients)",
		    where);
	for (i = 0; i < json_array_size(certs); i++)
		if (!is_hex64(json_string_value(json_array_get(certs, i))))
			return BAD_MANIFEST(c, err,
			    "%s.sealed.cms_recipients[%zu]: not a SHA-256 "
			    "fingerprint",
			    where, i);
	lf_hex(hex, content, 32);
	(void)snprintf(want_entry, sizeof(want_entry), "%s%s", hex,
	    sample ? "" : ".eml");
	(void)snprintf(want_file, sizeof(want_file), "data/%s/%s.zip%s",
	    sample ? "samples" : "messages", want_entry,
	    json_array_size(certs) > 0 ? ".cms" : "");
	if (strcmp(file, want_file) != 0 || strcmp(entry, want_entry) != 0)
		return BAD_MANIFEST(c, err,
		    "%s.sealed: file and entry must be %s and %s, which its "
		    "SHA-256 and recipients give",
		    where, want_file, want_entry);
	if (strlen(password) > LF_SEAL_PASSWORD_MAX)
		return BAD_MANIFEST(c, err, "%s.sealed.password: too long",
		    where);
	if (strcmp(method, "zip-aes256") == 0)
		seal = LF_UPLOAD_ZIP_AES256;
	else if (strcmp(method, "zip-zipcrypto") == 0)
		seal = LF_UPLOAD_ZIP_ZIPCRYPTO;
	else
		return BAD_MANIFEST(c, err,
		    "%s.sealed.method: \"%.40s\" is not a sealing method",
		    where, method);
	if ((rc = add_ref(c, &r, err)) != LF_OK)
		return rc;
	if ((r->file = strdup(file)) == NULL ||
	    (r->password = strdup(password)) == NULL) {
		free(r->file);
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	}
	r->method = seal;
	memcpy(r->entry, want_entry, strlen(want_entry) + 1);
	memcpy(r->sealed_sha256, sha, 32);
	r->sealed_size = size;
	memcpy(r->content_sha256, content, 32);
	r->content_size = content_size;
	r->cms = json_array_size(certs) > 0;
	r->sample = sample;
	r->eligible = eligible;
	c->nrefs++;
	return LF_OK;
}

static int
parse_samples(struct lf_bundlecheck *c, const json_t *arr, struct lf_error *err)
{
	const json_t *s;
	size_t i;
	int rc = LF_OK;

	json_array_foreach(arr, i, s)
	{
		const json_t *obj = json_object_get(s, "object");
		const json_t *el = json_object_get(s, "eligible");
		const json_t *why = json_object_get(s, "reason");
		char where[48];
		uint8_t sha[32];
		uint64_t size;

		(void)snprintf(where, sizeof(where), "samples[%zu]", i);
		if (!get_hex32(obj, "sha256", sha) ||
		    !get_size(obj, "size", &size) || !json_is_boolean(el))
			rc = BAD_MANIFEST(c, err,
			    "%s: object.sha256, object.size or eligible "
			    "missing or of the wrong type",
			    where);
		else if (json_is_true(el) ? !json_is_null(why) :
		                            !json_is_string(why))
			rc = BAD_MANIFEST(c, err,
			    "%s.reason: a string when not eligible, null when "
			    "eligible",
			    where);
		else
			rc = parse_sealed(c, json_object_get(s, "sealed"),
			    where, sha, size, true, json_is_true(el), err);
		if (rc != LF_OK)
			return rc;
		c->sum.samples++;
		c->sum.eligible += json_is_true(el) ? 1 : 0;
	}
	return LF_OK;
}

static int
parse_messages(struct lf_bundlecheck *c, const json_t *arr,
    struct lf_error *err)
{
	const json_t *m;
	size_t i;
	int rc;

	json_array_foreach(arr, i, m)
	{
		char where[48];
		uint8_t sha[32];
		uint64_t size;

		(void)snprintf(where, sizeof(where), "messages[%zu]", i);
		if (!get_hex32(m, "sha256", sha) || !get_size(m, "size", &size))
			rc = BAD_MANIFEST(c, err,
			    "%s: sha256 or size missing or of the wrong type",
			    where);
		else
			rc = parse_sealed(c, json_object_get(m, "sealed"),
			    where, sha, size, false, false, err);
		if (rc != LF_OK)
			return rc;
		c->sum.messages++;
	}
	return LF_OK;
}

static int
by_file(const void *a, const void *b)
{
	return strcmp(((const struct sealed_ref *)a)->file,
	    ((const struct sealed_ref *)b)->file);
}

static int
parse_manifest(struct lf_bundlecheck *c, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	const json_t *bundle, *profile, *samples, *messages;
	json_error_t jerr;
	json_t *doc;
	const char *s;
	size_t i;
	int rc = LF_OK;

	c->parsed = true;
	doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return finding(c, LF_BAGIT_INVALID, "manifest.json",
		    LF_BUNDLE_MANIFEST, strlen(LF_BUNDLE_MANIFEST), err,
		    "not a JSON document: %s (line %d)", jerr.text, jerr.line);
	bundle = json_object_get(doc, "bundle");
	profile = json_object_get(doc, "profile");
	samples = json_object_get(doc, "samples");
	messages = json_object_get(doc, "messages");
	s = json_string_value(json_object_get(doc, "format"));
	if (s == NULL || strcmp(s, "lf-manifest") != 0 ||
	    json_integer_value(json_object_get(doc, "format_version")) != 1) {
		rc = finding(c, LF_BAGIT_INVALID, "manifest.format",
		    LF_BUNDLE_MANIFEST, strlen(LF_BUNDLE_MANIFEST), err,
		    "not an evidence manifest of format 1 (format "
		    "\"lf-manifest\", format_version 1)");
		goto out;
	}
	c->usable = true;
	s = json_string_value(json_object_get(bundle, "id"));
	if (s == NULL || strlen(s) >= sizeof(c->bundle_id))
		rc = BAD_MANIFEST(c, err, "bundle.id: missing or too long");
	else
		memcpy(c->bundle_id, s, strlen(s) + 1);
	c->has_signer =
	    get_hex32(json_object_get(doc, "signer"), "fingerprint", c->signer);
	if (rc == LF_OK && !c->has_signer)
		rc = BAD_MANIFEST(c, err,
		    "signer.fingerprint: missing or not a SHA-256");
	s = json_string_value(json_object_get(profile, "name"));
	if (rc == LF_OK && (s == NULL || strlen(s) > LF_UPLOAD_NAME_MAX))
		rc = BAD_MANIFEST(c, err, "profile.name: missing or too long");
	else if (s != NULL)
		memcpy(c->sum.profile, s, strlen(s) + 1);
	if (rc == LF_OK &&
	    (!json_is_array(samples) || !json_is_array(messages)))
		rc = BAD_MANIFEST(c, err, "samples or messages: not an array");
	if (rc == LF_OK)
		rc = parse_samples(c, samples, err);
	if (rc == LF_OK)
		rc = parse_messages(c, messages, err);
	if (c->nrefs > 1)
		qsort(c->refs, c->nrefs, sizeof(*c->refs), by_file);
	for (i = 1; i < c->nrefs && rc == LF_OK; i++)
		if (strcmp(c->refs[i - 1].file, c->refs[i].file) == 0)
			rc = BAD_MANIFEST(c, err, "%s is named twice",
			    c->refs[i].file);
out:
	json_decref(doc);
	return rc;
}

int
lf_bundlecheck_new(const struct lf_bundlecheck_opts *o,
    struct lf_bundlecheck **out, struct lf_error *err)
{
	struct lf_bundlecheck *c = calloc(1, sizeof(*c));
	int rc;

	if (c == NULL)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	c->o = *o;
	if (o->limits != NULL)
		c->limits = *o->limits;
	else
		lf_limits_default(&c->limits);
	lf_buf_init(&c->mbuf, (size_t)c->limits.bag_tag_bytes);
	if ((rc = lf_bagit_hash_new(LF_BAGIT_BIT(LF_BAGIT_SHA256), &c->h,
	         err)) != LF_OK) {
		free(c);
		return rc;
	}
	*out = c;
	return LF_OK;
}

void
lf_bundlecheck_free(struct lf_bundlecheck *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nrefs; i++) {
		free(c->refs[i].file);
		free(c->refs[i].password);
	}
	free(c->refs);
	for (i = 0; i < c->nf; i++) {
		free(c->f[i].file);
		free(c->f[i].message);
	}
	free(c->f);
	lf_buf_release(&c->mbuf);
	lf_bagit_hash_free(c->h);
	free(c);
}

/* The manifest's own SHA-256, to know the file the bag hashes is it. */
static int
manifest_digest(struct lf_bundlecheck *c, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	struct lf_bagit_digests d;
	int rc;

	if ((rc = lf_bagit_hash_update(c->h, p, n, err)) != LF_OK ||
	    (rc = lf_bagit_hash_final(c->h, &d, err)) != LF_OK)
		return rc;
	memcpy(c->manifest_sha256, d.d[LF_BAGIT_SHA256], 32);
	return LF_OK;
}

int
lf_bundlecheck_manifest(struct lf_bundlecheck *c, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	int rc;

	c->manifest_given = true;
	if ((rc = manifest_digest(c, p, n, err)) != LF_OK)
		return rc;
	return parse_manifest(c, p, n, err);
}

static bool
is_manifest(const char *path, size_t n)
{
	return n == strlen(LF_BUNDLE_MANIFEST) &&
	    memcmp(path, LF_BUNDLE_MANIFEST, n) == 0;
}

static struct sealed_ref *
find_ref(struct lf_bundlecheck *c, const char *path, size_t n)
{
	size_t lo = 0, hi = c->nrefs;

	if (memchr(path, '\0', n) != NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strncmp(c->refs[mid].file, path, n);
		if (cmp == 0 && c->refs[mid].file[n] != '\0')
			cmp = 1;
		if (cmp == 0)
			return &c->refs[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The manifest as it passes in the stream, read whole. */
static int
read_manifest(struct lf_bundlecheck *c, struct lf_reader *in,
    struct lf_error *err)
{
	uint8_t chunk[16384];
	long got;
	int rc;

	lf_buf_reset(&c->mbuf);
	while ((got = lf_reader_read(in, chunk, sizeof(chunk), err)) > 0)
		if ((rc = lf_buf_append(&c->mbuf, chunk, (size_t)got, err)) !=
		    LF_OK) {
			if (rc != LF_E_LIMIT)
				return rc;
			c->parsed = true;
			return finding(c, LF_BAGIT_INVALID, "manifest.size",
			    LF_BUNDLE_MANIFEST, strlen(LF_BUNDLE_MANIFEST), err,
			    "larger than %llu bytes (limit bag-tag-bytes)",
			    (unsigned long long)c->limits.bag_tag_bytes);
		}
	if (got < 0)
		return (int)got;
	if ((rc = manifest_digest(c, c->mbuf.data, c->mbuf.len, err)) != LF_OK)
		return rc;
	rc = parse_manifest(c, c->mbuf.data, c->mbuf.len, err);
	lf_buf_release(&c->mbuf);
	return rc;
}

static int
deep_data(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	return lf_bagit_hash_update(arg, p, n, err);
}

/* Open the sealed zip r names as it passes; compare its one entry. */
static int
open_sealed(struct lf_bundlecheck *c, struct sealed_ref *r,
    struct lf_reader *in, struct lf_error *err)
{
	struct lf_unseal_info info;
	struct lf_bagit_digests d;
	int rc;

	rc = lf_unseal_zip(in, r->password, r->entry, deep_data, c->h, &info,
	    err);
	if (rc == LF_E_FORMAT && info.fault != LF_UNSEAL_OK) {
		/* The hash context holds a part: start the next one clean. */
		(void)lf_bagit_hash_final(c->h, &d, err);
		return finding(c, LF_BAGIT_INVALID, "deep.unseal", r->file,
		    strlen(r->file), err, "does not open (%s): %s",
		    lf_unseal_fault_name(info.fault), err->msg);
	}
	if (rc != LF_OK || (rc = lf_bagit_hash_final(c->h, &d, err)) != LF_OK)
		return rc;
	if (d.size != r->content_size ||
	    memcmp(d.d[LF_BAGIT_SHA256], r->content_sha256, 32) != 0)
		return finding(c, LF_BAGIT_INVALID, "deep.content", r->file,
		    strlen(r->file), err,
		    "its entry is not the %s the manifest says (%llu bytes "
		    "opened, %llu listed, or another SHA-256)",
		    r->sample ? "sample" : "message",
		    (unsigned long long)d.size,
		    (unsigned long long)r->content_size);
	c->sum.opened++;
	return LF_OK;
}

static int
tap_file(void *arg, const char *path, size_t n, struct lf_reader *in,
    struct lf_error *err)
{
	struct lf_bundlecheck *c = arg;
	struct sealed_ref *r;

	if (is_manifest(path, n)) {
		c->manifest_seen = true;
		return c->manifest_given ? LF_OK : read_manifest(c, in, err);
	}
	if (n < 5 || memcmp(path, "data/", 5) != 0 || !c->usable)
		return LF_OK;
	if ((r = find_ref(c, path, n)) == NULL)
		return finding(c, LF_BAGIT_INVALID, "manifest.unlisted", path,
		    n, err, "a payload file data/manifest.json does not name");
	if (!c->o.deep)
		return LF_OK;
	if (r->cms) {
		c->sum.not_opened++;
		return LF_OK;
	}
	return open_sealed(c, r, in, err);
}

static int
tap_done(void *arg, const char *path, size_t n,
    const struct lf_bagit_digests *d, struct lf_error *err)
{
	struct lf_bundlecheck *c = arg;
	bool has256 = (d->algs & LF_BAGIT_BIT(LF_BAGIT_SHA256)) != 0;
	struct sealed_ref *r;

	if (is_manifest(path, n)) {
		if (c->manifest_given && has256 &&
		    memcmp(d->d[LF_BAGIT_SHA256], c->manifest_sha256, 32) != 0)
			return finding(c, LF_BAGIT_INVALID, "manifest.changed",
			    path, n, err,
			    "changed while the bag was being read");
		return LF_OK;
	}
	if (!c->usable || (r = find_ref(c, path, n)) == NULL)
		return LF_OK;
	r->seen = true;
	if (!has256)
		return finding(c, LF_BAGIT_INVALID, "manifest.unchecked", path,
		    n, err,
		    "no SHA-256 computed to compare with the manifest's");
	if (d->size != r->sealed_size ||
	    memcmp(d->d[LF_BAGIT_SHA256], r->sealed_sha256, 32) != 0)
		return finding(c, LF_BAGIT_INVALID, "manifest.mismatch", path,
		    n, err,
		    "not the sealed file data/manifest.json describes (%llu "
		    "bytes, %llu listed, or another SHA-256)",
		    (unsigned long long)d->size,
		    (unsigned long long)r->sealed_size);
	return LF_OK;
}

void
lf_bundlecheck_tap(struct lf_bundlecheck *c, struct lf_bagit_tap *tap)
{
	tap->file = tap_file;
	tap->done = tap_done;
	tap->arg = c;
}

/* Why a sample the manifest calls eligible is not, for the profile. */
static bool
fits_profile(const struct lf_upload_profile *p, const struct sealed_ref *r,
    char reason[LF_UPLOAD_REASON_MAX])
{
	if (r->method != p->seal) {
		(void)snprintf(reason, LF_UPLOAD_REASON_MAX,
		    "sealed with %s; the profile wants %s",
		    lf_upload_seal_name(r->method),
		    lf_upload_seal_name(p->seal));
		return false;
	}
	if (strcmp(r->password, p->password) != 0) {
		(void)snprintf(reason, LF_UPLOAD_REASON_MAX,
		    "its zip password is not the profile's");
		return false;
	}
	return lf_upload_eligible(p, r->sealed_size, r->cms, reason);
}

int
lf_bundlecheck_finish(struct lf_bundlecheck *c, const char *top,
    const uint8_t *signer_fpr, struct lf_error *err)
{
	char reason[LF_UPLOAD_REASON_MAX];
	size_t i;
	int rc = LF_OK;

	c->sum.manifest = c->usable;
	if (!c->parsed || (!c->manifest_seen && !c->manifest_given))
		return finding(c, LF_BAGIT_INVALID, "manifest.missing",
		    LF_BUNDLE_MANIFEST, strlen(LF_BUNDLE_MANIFEST), err,
		    "missing: a bundle describes its samples there");
	if (!c->usable)
		return LF_OK;
	if (top != NULL && top[0] != '\0' && strcmp(top, c->bundle_id) != 0)
		rc = finding(c, LF_BAGIT_INVALID, "manifest.bundle-id",
		    LF_BUNDLE_MANIFEST, strlen(LF_BUNDLE_MANIFEST), err,
		    "bundle.id is not the bundle's top directory, %.100s", top);
	if (rc == LF_OK && signer_fpr != NULL && c->has_signer &&
	    memcmp(signer_fpr, c->signer, 32) != 0)
		rc = finding(c, LF_BAGIT_INVALID, "manifest.signer",
		    LF_BUNDLE_MANIFEST, strlen(LF_BUNDLE_MANIFEST), err,
		    "signer.fingerprint is not the key that signed the "
		    "bundle");
	for (i = 0; i < c->nrefs && rc == LF_OK; i++) {
		struct sealed_ref *r = &c->refs[i];
		if (!r->seen)
			rc = finding(c, LF_BAGIT_INVALID, "manifest.absent",
			    r->file, strlen(r->file), err,
			    "named by data/manifest.json, not in the bag");
		else if (c->o.profile != NULL && r->sample && r->eligible &&
		    !fits_profile(c->o.profile, r, reason))
			rc = finding(c, LF_BAGIT_INVALID,
			    "profile.not-eligible", r->file, strlen(r->file),
			    err, "marked eligible, but not for profile %s: %s",
			    c->o.profile->name, reason);
	}
	return rc;
}

const struct lf_bagit_finding *
lf_bundlecheck_findings(const struct lf_bundlecheck *c, size_t *n)
{
	*n = c->nf;
	return c->f;
}

uint64_t
lf_bundlecheck_count(const struct lf_bundlecheck *c, enum lf_bagit_severity sev)
{
	return c->count[sev];
}

void
lf_bundlecheck_get_summary(const struct lf_bundlecheck *c,
    struct lf_bundlecheck_summary *out)
{
	*out = c->sum;
}
