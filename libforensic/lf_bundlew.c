/*
 * lf_bundlew.c: an evidence bundle's bag, signatures and tar around files
 * already sealed (lf/bundlew.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lf/bagit.h"
#include "lf/buf.h"
#include "lf/bundlew.h"
#include "lf/date.h"
#include "lf/sign.h"
#include "lf/tar.h"
#include "lf/text.h"
#include "lf/tsq.h"

#define MANIFEST_PATH "data/manifest.json"
#define NSIGS 5
#define COPY_CHUNK (256 * 1024)

/* "20261128T120000Z" */
static void
compact_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	(void)gmtime_r(&tt, &tm);
	(void)strftime(out, 32, "%Y%m%dT%H%M%SZ", &tm);
}

void
lf_bundle_id(const char *prefix, int64_t epoch,
    const struct lf_bundlew_file *files, size_t n, char id[LF_BUNDLE_ID_MAX])
{
	uint8_t md[32];
	char hex[129], day[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	size_t i;

	(void)EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	for (i = 0; i < n; i++) {
		lf_hex(hex, files[i].sha512, 64);
		(void)EVP_DigestUpdate(c, hex, 128);
		(void)EVP_DigestUpdate(c, "  ", 2);
		(void)EVP_DigestUpdate(c, files[i].path, strlen(files[i].path));
		(void)EVP_DigestUpdate(c, "\n", 1);
	}
	(void)EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	lf_hex(hex, md, 8);
	compact_time(epoch, day);
	(void)snprintf(id, LF_BUNDLE_ID_MAX, "%s-%.16s-%.16s", prefix, day,
	    hex);
}

/* A file of the bundle made in memory. */
struct memfile {
	const char *name;
	uint8_t *data;
	size_t len;
};

static void
info_add(struct lf_bagit_info *info, size_t *n, const char *label,
    const char *value)
{
	if (value == NULL)
		return;
	info[*n].label = label;
	info[*n].value = value;
	(*n)++;
}

/*
 * bag-info.txt's elements, in the order docs/bundle-format.md gives; the
 * values made here are written into buf (cap bytes).
 */
static size_t
bag_info(int64_t epoch, const struct lf_sigkey *key,
    const struct lf_bundlew_info *bi, struct lf_bagit_info *info, char *buf,
    size_t cap)
{
	char t[32], fpr[LF_SIGKEY_FPR_HEX];
	char *day = buf, *time = buf + 16, *keyhex = buf + 48,
	     *count = buf + 128;
	size_t n = 0;

	(void)cap;
	lf_date_rfc3339(epoch, t);
	lf_sigkey_fingerprint_hex(key, fpr);
	(void)snprintf(day, 16, "%.10s", t);
	(void)snprintf(time, 32, "%s", t);
	(void)snprintf(keyhex, 80, "%s", fpr);
	(void)snprintf(count, 64, "%zu of %zu", bi->n, bi->total);
	info_add(info, &n, "Source-Organization", bi->organization);
	info_add(info, &n, "Contact-Name", bi->examiner);
	info_add(info, &n, "Contact-Email", bi->contact);
	info_add(info, &n, "External-Identifier", bi->case_id);
	info_add(info, &n, "External-Description", bi->evidence);
	info_add(info, &n, "Bagging-Date", day);
	info_add(info, &n, "Bag-Group-Identifier", bi->group);
	info_add(info, &n, "Bag-Count", count);
	info_add(info, &n, "Bundle-Format", "libforensic-bundle 1");
	info_add(info, &n, "Packaging-Time", time);
	info_add(info, &n, "Signer-Key-SHA256", keyhex);
	info_add(info, &n, "Packager", bi->packager);
	return n;
}

/* Move what b holds into f. */
static void
take(struct memfile *f, const char *name, struct lf_buf *b)
{
	f->name = name;
	f->len = b->len;
	f->data = lf_buf_steal(b, NULL);
}

/* The files of signatures/, over tagmanifest-sha512.txt, in tar order. */
static int
sign_files(const struct lf_sigkey *key, const char *id, int64_t epoch,
    const struct memfile *tagm, struct memfile out[NSIGS], struct lf_error *err)
{
	uint8_t sig[LF_ED25519_SIG_LEN], md[64], nonce[8];
	char trusted[256];
	struct lf_buf b;
	int rc;

	lf_buf_init(&b, 1024 * 1024);
	if ((rc = lf_sigkey_minisign_pub(key, &b, err)) != LF_OK)
		return rc;
	take(&out[0], "signatures/signer.minisign.pub", &b);
	if ((rc = lf_sigkey_public_pem(key, &b, err)) != LF_OK)
		return rc;
	take(&out[1], "signatures/signer.pub.pem", &b);
	(void)snprintf(trusted, sizeof(trusted),
	    "timestamp:%" PRId64 "\tfile:tagmanifest-sha512.txt\tbundle:%s",
	    epoch, id);
	if ((rc = lf_minisig_sign(key, tagm->data, tagm->len, 0,
	         "signature from lf-pack", trusted, &b, err)) != LF_OK)
		return rc;
	take(&out[2], "signatures/tagmanifest-sha512.txt.minisig", &b);
	if ((rc = lf_sign_raw(key, tagm->data, tagm->len, sig, err)) != LF_OK ||
	    (rc = lf_buf_append(&b, sig, sizeof(sig), err)) != LF_OK)
		return rc;
	take(&out[3], "signatures/tagmanifest-sha512.txt.sig", &b);
	/* The query's nonce comes from the signature: the same bundle gives
	 * the same query, and nobody without the key foretells it. */
	(void)EVP_Digest(tagm->data, tagm->len, md, NULL, EVP_sha512(), NULL);
	memcpy(nonce, sig, sizeof(nonce));
	nonce[0] |= 0x01;
	if ((rc = lf_tsq_make(md, nonce, sizeof(nonce), &b, err)) != LF_OK)
		return rc;
	take(&out[4], "signatures/tagmanifest-sha512.txt.tsq", &b);
	return LF_OK;
}

/* One entry of the tar: a directory, a file in memory, or a sealed file. */
struct entry {
	char path[LF_TAR_NAME_MAX + 1];
	bool dir;
	const uint8_t *data;
	const struct lf_bundlew_file *sealed;
	uint64_t size;
};

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
	    ((const struct entry *)b)->path);
}

/* A sealed file's bytes on their way into the tar, checked. */
struct into_tar {
	struct lf_tarw *w;
	EVP_MD_CTX *md;
	uint64_t size, left;
};

static int
into_tar(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	struct into_tar *t = arg;

	if (n > t->left)
		return lf_error_set(err, LF_E_CHANGED,
		    "more bytes than the %llu sealed before",
		    (unsigned long long)t->size);
	if (EVP_DigestUpdate(t->md, p, n) != 1)
		return lf_error_set(err, LF_E_CRYPTO, "sha256");
	t->left -= n;
	return lf_tarw_data(t->w, p, n, err);
}

/* Read the sealed file f from its directory into the tar. */
static int
read_sealed(const struct lf_bundlew_file *f, struct into_tar *t, uint8_t *buf,
    struct lf_error *err)
{
	ssize_t got;
	int fd, rc = LF_OK;

	if ((fd = openat(f->dirfd, f->name, O_RDONLY | O_CLOEXEC)) < 0)
		return lf_error_sys(err, errno, "'%s'", f->name);
	while (rc == LF_OK && (got = read(fd, buf, COPY_CHUNK)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = lf_error_sys(err, errno, "'%s'", f->name);
		else
			rc = into_tar(t, buf, (size_t)got, err);
	}
	(void)close(fd);
	return rc;
}

/*
 * The sealed file f into the tar, read or produced again, and held to the
 * size and SHA-256 that named the bundle: a sealing that did not give the
 * same bytes twice must not give a bundle whose manifests lie.
 */
static int
copy_sealed(struct lf_tarw *w, const struct lf_bundlew_file *f, uint8_t *buf,
    struct lf_error *err)
{
	struct into_tar t = {w, EVP_MD_CTX_new(), f->size, f->size};
	uint8_t md[32];
	int rc;

	if (t.md == NULL || EVP_DigestInit_ex(t.md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(t.md);
		return lf_error_set(err, LF_E_CRYPTO, "sha256");
	}
	rc = f->produce != NULL ? f->produce(f->arg, into_tar, &t, err) :
	                          read_sealed(f, &t, buf, err);
	if (rc == LF_OK && EVP_DigestFinal_ex(t.md, md, NULL) != 1)
		rc = lf_error_set(err, LF_E_CRYPTO, "sha256");
	if (rc == LF_OK && (t.left != 0 || memcmp(md, f->sha256, 32) != 0))
		rc = lf_error_set(err, LF_E_CHANGED,
		    "'%s': not the bytes sealed before (%llu of %llu bytes, "
		    "or another SHA-256)",
		    f->path, (unsigned long long)(f->size - t.left),
		    (unsigned long long)f->size);
	else if (rc != LF_OK)
		lf_error_prefix(err, "'%s'", f->path);
	EVP_MD_CTX_free(t.md);
	return rc;
}

static int
write_tar(int fd, int64_t epoch, struct entry *e, size_t n,
    struct lf_error *err)
{
	struct lf_tarw *w = NULL;
	uint8_t *buf;
	size_t i;
	int rc;

	if ((buf = malloc(COPY_CHUNK)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	qsort(e, n, sizeof(*e), by_path);
	rc = lf_tarw_new(fd, epoch, &w, err);
	if (rc == LF_OK) /* a bundle is written once and synced */
		(void)lf_tarw_direct(w);
	for (i = 0; rc == LF_OK && i < n; i++) {
		if (e[i].dir)
			rc = lf_tarw_dir(w, e[i].path, err);
		else if ((rc = lf_tarw_file(w, e[i].path, e[i].size, err)) !=
		    LF_OK)
			break;
		else if (e[i].sealed != NULL)
			rc = copy_sealed(w, e[i].sealed, buf, err);
		else if (e[i].size > 0)
			rc = lf_tarw_data(w, e[i].data, e[i].size, err);
	}
	if (rc == LF_OK)
		rc = lf_tarw_finish(w, err);
	lf_tarw_free(w);
	free(buf);
	return rc;
}

/* Each directory a path lies in, once: "data", "data/samples". */
static int
add_dirs(struct entry *e, size_t *n, size_t cap, const char *id,
    const char *path)
{
	const char *slash;
	size_t k;

	for (slash = strchr(path, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		char dir[LF_TAR_NAME_MAX + 1];
		(void)snprintf(dir, sizeof(dir), "%s/%.*s", id,
		    (int)(slash - path), path);
		for (k = 0; k < *n; k++)
			if (e[k].dir && strcmp(e[k].path, dir) == 0)
				break;
		if (k < *n)
			continue;
		if (*n == cap)
			return -1;
		memcpy(e[*n].path, dir, strlen(dir) + 1);
		e[(*n)++].dir = true;
	}
	return 0;
}

int
lf_bundlew_write(int fd, const char *id, int64_t epoch,
    const struct lf_sigkey *key, const struct lf_bundlew_info *info,
    const uint8_t *manifest, size_t mlen, const struct lf_bundlew_file *files,
    size_t nfiles, struct lf_error *err)
{
	struct lf_bagit_entry *payload = NULL;
	struct lf_bagit_info bi[16];
	struct lf_bagit_out out = {0};
	struct memfile sigs[NSIGS], tagm = {0};
	struct entry *e = NULL;
	char infobuf[256];
	size_t i, n = 0, cap = 4 * nfiles + 32, ninfo;
	int rc;

	memset(sigs, 0, sizeof(sigs));
	if ((payload = calloc(nfiles + 1, sizeof(*payload))) == NULL ||
	    (e = calloc(cap, sizeof(*e))) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "out of memory");
		goto done;
	}
	payload[0].path = MANIFEST_PATH;
	payload[0].size = mlen;
	(void)EVP_Digest(manifest, mlen, payload[0].sha256, NULL, EVP_sha256(),
	    NULL);
	(void)EVP_Digest(manifest, mlen, payload[0].sha512, NULL, EVP_sha512(),
	    NULL);
	for (i = 0; i < nfiles; i++) {
		payload[i + 1].path = files[i].path;
		payload[i + 1].size = files[i].size;
		memcpy(payload[i + 1].sha256, files[i].sha256, 32);
		memcpy(payload[i + 1].sha512, files[i].sha512, 64);
	}
	ninfo = bag_info(epoch, key, info, bi, infobuf, sizeof(infobuf));
	if ((rc = lf_bagit_write(payload, nfiles + 1, bi, ninfo, NULL, 0, &out,
	         err)) != LF_OK)
		goto done;
	for (i = 0; i < out.n; i++)
		if (strcmp(out.files[i].name, "tagmanifest-sha512.txt") == 0) {
			tagm.data = out.files[i].data;
			tagm.len = out.files[i].len;
		}
	if ((rc = sign_files(key, id, epoch, &tagm, sigs, err)) != LF_OK)
		goto done;
	/* Every entry of the tar: sorted when written. */
	(void)snprintf(e[n].path, sizeof(e[n].path), "%s", id);
	e[n++].dir = true;
	(void)add_dirs(e, &n, cap, id, sigs[0].name);
	(void)add_dirs(e, &n, cap, id, MANIFEST_PATH);
	(void)snprintf(e[n].path, sizeof(e[n].path), "%s/%s", id,
	    MANIFEST_PATH);
	e[n].data = manifest;
	e[n++].size = mlen;
	for (i = 0; i < nfiles; i++) {
		if (add_dirs(e, &n, cap, id, files[i].path) != 0) {
			rc = lf_error_set(err, LF_E_INVAL,
			    "'%s': too many directories", files[i].path);
			goto done;
		}
		(void)snprintf(e[n].path, sizeof(e[n].path), "%s/%s", id,
		    files[i].path);
		e[n].sealed = &files[i];
		e[n++].size = files[i].size;
	}
	for (i = 0; i < out.n; i++) {
		(void)snprintf(e[n].path, sizeof(e[n].path), "%s/%s", id,
		    out.files[i].name);
		e[n].data = out.files[i].data;
		e[n++].size = out.files[i].len;
	}
	for (i = 0; i < NSIGS; i++) {
		(void)snprintf(e[n].path, sizeof(e[n].path), "%s/%s", id,
		    sigs[i].name);
		e[n].data = sigs[i].data;
		e[n++].size = sigs[i].len;
	}
	rc = write_tar(fd, epoch, e, n, err);
done:
	for (i = 0; i < NSIGS; i++)
		free(sigs[i].data);
	lf_bagit_out_release(&out);
	free(payload);
	free(e);
	return rc;
}
