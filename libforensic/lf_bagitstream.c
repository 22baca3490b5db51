/*
 * lf_bagitstream.c: one file of a bag hashed as it is read, by whichever
 * source reads it (a directory or a tar), and shown to the caller's tap
 * on the way: the tap reads through a reader that hashes what it hands
 * out, so every byte is read once whoever asks for it first.
 */
#include <string.h>

#include "lf/buf.h"
#include "lf/reader.h"
#include "lf_bagit_impl.h"

struct tee {
	struct lf_reader *in;
	struct lf_bagit_hash *h;
	struct lf_buf *keep;
};

static long
tee_read(void *ctx, uint8_t *buf, size_t n, struct lf_error *err)
{
	struct tee *t = ctx;
	long got = lf_reader_read(t->in, buf, n, err);
	int rc;

	if (got <= 0)
		return got;
	if (t->keep != NULL &&
	    (rc = lf_buf_append(t->keep, buf, (size_t)got, err)) != LF_OK)
		return rc;
	if ((rc = lf_bagit_hash_update(t->h, buf, (size_t)got, err)) != LF_OK)
		return rc;
	return got;
}

static const struct lf_reader_ops tee_ops = {tee_read, NULL};

int
lf_bagit_stream(struct lf_bagit *v, const char *path, size_t n,
    struct lf_reader *in, struct lf_bagit_hash *h, struct lf_buf *keep,
    uint8_t *chunk, const struct lf_bagit_tap *tap, struct lf_error *err)
{
	struct tee t = {in, h, keep};
	struct lf_reader *r = NULL;
	struct lf_bagit_digests d;
	long got;
	int rc;

	if ((rc = lf_reader_new(&tee_ops, &t, &r, err)) != LF_OK)
		return rc;
	if (tap != NULL && tap->file != NULL)
		rc = tap->file(tap->arg, path, n, r, err);
	while (rc == LF_OK &&
	    (got = lf_reader_read(r, chunk, READ_SIZE, err)) != 0)
		if (got < 0)
			rc = (int)got;
	lf_reader_free(r);
	if (rc == LF_OK)
		rc = lf_bagit_hash_final(h, &d, err);
	if (rc == LF_OK)
		rc = lf_bagit_file(v, path, n, &d, err);
	if (rc == LF_OK && tap != NULL && tap->done != NULL)
		rc = tap->done(tap->arg, path, n, &d, err);
	return rc;
}
