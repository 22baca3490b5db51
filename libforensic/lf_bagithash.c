/*
 * lf_bagithash.c: a file's size and digests for a bag (lf/bagit.h), with
 * SHA-512 on a second thread beside the others.
 *
 * SHA-512 has no instructions on the processors this runs on and costs
 * twice SHA-256 with them (SHA-NI): hashing a chunk with both on one
 * thread takes their sum, on two the larger.  So when SHA-512 and another
 * algorithm are asked for, and there is more than one processor, a helper
 * thread takes SHA-512 of each large chunk while the caller's thread does
 * the rest.  The helper hashes its own copy of the chunk, so the caller
 * goes on (reads the next chunk, hashes it with the others) while SHA-512
 * of the last one is still running: the next update, or the final, waits
 * for it.  The copy costs a memcpy, far less than what it overlaps.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lf/bagit.h"

/* Chunks smaller than this are hashed on one thread: the hand-over would
 * cost more than it saves; larger than HELP_MAX, they are given in
 * pieces. */
#define HELP_MIN (64 * 1024)
#define HELP_MAX (1024 * 1024)

struct helper {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	EVP_MD_CTX *ctx; /* SHA-512's, borrowed from the hash */
	uint8_t *buf;    /* HELP_MAX bytes: the copy of the chunk */
	size_t n;        /* bytes of it to hash */
	bool busy;       /* a chunk was given and is not done */
	bool quit;
	bool failed; /* EVP_DigestUpdate failed */
};

struct lf_bagit_hash {
	unsigned algs;
	uint64_t size;
	EVP_MD_CTX *ctx[LF_BAGIT_NALGS];
	struct helper *helper; /* NULL: one thread */
};

static const EVP_MD *
alg_md(int a)
{
	switch (a) {
	case LF_BAGIT_MD5:
		return EVP_md5();
	case LF_BAGIT_SHA1:
		return EVP_sha1();
	case LF_BAGIT_SHA224:
		return EVP_sha224();
	case LF_BAGIT_SHA256:
		return EVP_sha256();
	case LF_BAGIT_SHA384:
		return EVP_sha384();
	default:
		return EVP_sha512();
	}
}

static void *
help(void *arg)
{
	struct helper *hp = arg;

	(void)pthread_mutex_lock(&hp->mu);
	for (;;) {
		while (!hp->quit && !hp->busy)
			(void)pthread_cond_wait(&hp->cv, &hp->mu);
		if (hp->quit)
			break;
		(void)pthread_mutex_unlock(&hp->mu);
		if (EVP_DigestUpdate(hp->ctx, hp->buf, hp->n) != 1)
			hp->failed = true;
		(void)pthread_mutex_lock(&hp->mu);
		hp->busy = false;
		(void)pthread_cond_broadcast(&hp->cv);
	}
	(void)pthread_mutex_unlock(&hp->mu);
	return NULL;
}

/* A helper for SHA-512, or NULL when one thread is as good or it cannot
 * be had (the hash then works on one thread). */
static struct helper *
helper_new(struct lf_bagit_hash *h)
{
	unsigned others = h->algs & ~LF_BAGIT_BIT(LF_BAGIT_SHA512);
	struct helper *hp;

	if ((h->algs & LF_BAGIT_BIT(LF_BAGIT_SHA512)) == 0 || others == 0 ||
	    sysconf(_SC_NPROCESSORS_ONLN) < 2 ||
	    (hp = calloc(1, sizeof(*hp))) == NULL)
		return NULL;
	hp->ctx = h->ctx[LF_BAGIT_SHA512];
	if ((hp->buf = malloc(HELP_MAX)) == NULL)
		goto fail_buf;
	if (pthread_mutex_init(&hp->mu, NULL) != 0)
		goto fail_mutex;
	if (pthread_cond_init(&hp->cv, NULL) != 0)
		goto fail_cond;
	if (pthread_create(&hp->thread, NULL, help, hp) != 0)
		goto fail_thread;
	return hp;
fail_thread:
	(void)pthread_cond_destroy(&hp->cv);
fail_cond:
	(void)pthread_mutex_destroy(&hp->mu);
fail_mutex:
	free(hp->buf);
fail_buf:
	free(hp);
	return NULL;
}

static void
helper_free(struct helper *hp)
{
	if (hp == NULL)
		return;
	(void)pthread_mutex_lock(&hp->mu);
	hp->quit = true;
	(void)pthread_cond_broadcast(&hp->cv);
	(void)pthread_mutex_unlock(&hp->mu);
	(void)pthread_join(hp->thread, NULL);
	(void)pthread_cond_destroy(&hp->cv);
	(void)pthread_mutex_destroy(&hp->mu);
	free(hp->buf);
	free(hp);
}

/* Wait for the chunk the helper is hashing; false when it failed. */
static bool
helper_wait(struct helper *hp)
{
	bool ok;

	(void)pthread_mutex_lock(&hp->mu);
	while (hp->busy)
		(void)pthread_cond_wait(&hp->cv, &hp->mu);
	ok = !hp->failed;
	(void)pthread_mutex_unlock(&hp->mu);
	return ok;
}

static int
hash_start(struct lf_bagit_hash *h, struct lf_error *err)
{
	int a;

	h->size = 0;
	for (a = 0; a < LF_BAGIT_NALGS; a++)
		if ((h->algs & LF_BAGIT_BIT(a)) != 0 &&
		    EVP_DigestInit_ex(h->ctx[a], alg_md(a), NULL) != 1)
			return lf_error_set(err, LF_E_CRYPTO,
			    "%s: EVP_DigestInit_ex failed",
			    lf_bagit_alg_name(a));
	return LF_OK;
}

int
lf_bagit_hash_new(unsigned which, struct lf_bagit_hash **out,
    struct lf_error *err)
{
	struct lf_bagit_hash *h;
	int a, rc;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	h->algs = which & LF_BAGIT_ALL;
	for (a = 0; a < LF_BAGIT_NALGS; a++) {
		if ((h->algs & LF_BAGIT_BIT(a)) == 0)
			continue;
		if ((h->ctx[a] = EVP_MD_CTX_new()) == NULL) {
			lf_bagit_hash_free(h);
			return lf_error_set(err, LF_E_NOMEM, "out of memory");
		}
	}
	if ((rc = hash_start(h, err)) != LF_OK) {
		lf_bagit_hash_free(h);
		return rc;
	}
	h->helper = helper_new(h);
	*out = h;
	return LF_OK;
}

/* Hash p[0..n) with every algorithm but SHA-512 when skip512. */
static int
update_here(struct lf_bagit_hash *h, const void *p, size_t n, bool skip512,
    struct lf_error *err)
{
	int a;

	for (a = 0; a < LF_BAGIT_NALGS; a++)
		if ((h->algs & LF_BAGIT_BIT(a)) != 0 &&
		    (!skip512 || a != LF_BAGIT_SHA512) &&
		    EVP_DigestUpdate(h->ctx[a], p, n) != 1)
			return lf_error_set(err, LF_E_CRYPTO,
			    "%s: EVP_DigestUpdate failed",
			    lf_bagit_alg_name(a));
	return LF_OK;
}

int
lf_bagit_hash_update(struct lf_bagit_hash *h, const void *p, size_t n,
    struct lf_error *err)
{
	struct helper *hp = h->helper;
	const uint8_t *b = p;
	size_t k;
	int rc;

	if (hp == NULL || n < HELP_MIN) {
		if (hp != NULL && !helper_wait(hp))
			return lf_error_set(err, LF_E_CRYPTO,
			    "sha512: EVP_DigestUpdate failed");
		if ((rc = update_here(h, p, n, false, err)) == LF_OK)
			h->size += n;
		return rc;
	}
	for (; n > 0; b += k, n -= k) {
		k = n < HELP_MAX ? n : HELP_MAX;
		if (!helper_wait(hp))
			return lf_error_set(err, LF_E_CRYPTO,
			    "sha512: EVP_DigestUpdate failed");
		memcpy(hp->buf, b, k);
		(void)pthread_mutex_lock(&hp->mu);
		hp->n = k;
		hp->busy = true;
		(void)pthread_cond_broadcast(&hp->cv);
		(void)pthread_mutex_unlock(&hp->mu);
		if ((rc = update_here(h, b, k, true, err)) != LF_OK)
			return rc;
		h->size += k;
	}
	return LF_OK;
}

int
lf_bagit_hash_final(struct lf_bagit_hash *h, struct lf_bagit_digests *out,
    struct lf_error *err)
{
	struct lf_bagit_digests d;
	int a;

	if (h->helper != NULL && !helper_wait(h->helper))
		return lf_error_set(err, LF_E_CRYPTO,
		    "sha512: EVP_DigestUpdate failed");
	memset(&d, 0, sizeof(d));
	d.algs = h->algs;
	d.size = h->size;
	for (a = 0; a < LF_BAGIT_NALGS; a++)
		if ((h->algs & LF_BAGIT_BIT(a)) != 0 &&
		    EVP_DigestFinal_ex(h->ctx[a], d.d[a], NULL) != 1)
			return lf_error_set(err, LF_E_CRYPTO,
			    "%s: EVP_DigestFinal_ex failed",
			    lf_bagit_alg_name(a));
	*out = d;
	return hash_start(h, err);
}

void
lf_bagit_hash_free(struct lf_bagit_hash *h)
{
	int a;

	if (h == NULL)
		return;
	helper_free(h->helper);
	for (a = 0; a < LF_BAGIT_NALGS; a++)
		EVP_MD_CTX_free(h->ctx[a]);
	free(h);
}
