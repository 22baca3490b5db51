/*
 * lf_bagittar.c: a bag checked straight from a tar archive, as a bundle
 * is: one pass, nothing written anywhere, no file held but the small ones
 * that must be parsed (tag files) or that the caller keeps (signatures).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lf/bagit.h"
#include "lf/buf.h"
#include "lf/tar.h"
#include "lf_bagit_impl.h"

/* The index in keep of rel, or -1. */
static long
kept_index(const char *const *keep, size_t nkeep, const char *rel)
{
	size_t i;

	for (i = 0; i < nkeep; i++)
		if (strcmp(keep[i], rel) == 0)
			return (long)i;
	return -1;
}

/* A parsed tag file's bytes: into tag, and into keep when asked. */
static int
read_tag(struct lf_tarr *r, uint8_t *chunk, struct lf_buf *tag,
    struct lf_buf *keep, struct lf_error *err)
{
	long got;
	int rc;

	while ((got = lf_tarr_read(r, chunk, READ_SIZE, err)) > 0) {
		if ((rc = lf_buf_append(tag, chunk, (size_t)got, err)) != LF_OK)
			return rc;
		if (keep != NULL &&
		    (rc = lf_buf_append(keep, chunk, (size_t)got, err)) !=
		        LF_OK)
			return rc;
	}
	return got < 0 ? (int)got : LF_OK;
}

/* The current entry's data as a reader, for lf_bagit_stream. */
static long
entry_read(void *ctx, uint8_t *buf, size_t n, struct lf_error *err)
{
	return lf_tarr_read(ctx, buf, n, err);
}

static const struct lf_reader_ops entry_ops = {entry_read, NULL};

static int
check_entries(struct lf_tarr *r, struct lf_bagit *v,
    const struct lf_limits *limits, const char *const *keep,
    struct lf_buf *kept, size_t nkeep, const struct lf_bagit_tap *tap,
    struct lf_error *err)
{
	struct lf_bagit_hash *h = NULL;
	struct lf_reader *entry;
	struct lf_tar_entry e;
	struct lf_buf tag;
	uint8_t *chunk;
	int rc, more;

	if ((chunk = malloc(READ_SIZE)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "bag");
	lf_buf_init(&tag, (size_t)limits->bag_tag_bytes);
	if ((rc = lf_bagit_hash_new(LF_BAGIT_BIT(LF_BAGIT_SHA256) |
	             LF_BAGIT_BIT(LF_BAGIT_SHA512),
	         &h, err)) != LF_OK)
		goto out;
	while ((more = lf_tarr_next(r, &e, err)) == 1) {
		const char *slash = strchr(e.path, '/');
		const char *rel = slash != NULL ? slash + 1 : "";
		size_t n = strlen(rel);
		long k = kept_index(keep, nkeep, rel);
		bool parsed = lf_bagit_is_parsed_tag(rel, n);

		if (e.type == LF_TAR_DIR) {
			if (n > 0)
				lf_bagit_dir(v, rel, n);
			continue;
		}
		if (k >= 0)
			lf_buf_reset(&kept[k]);
		lf_buf_reset(&tag);
		if (parsed)
			rc = read_tag(r, chunk, &tag, k >= 0 ? &kept[k] : NULL,
			    err);
		/* A reader ends for good at its end: one for each file. */
		else if ((rc = lf_reader_new(&entry_ops, r, &entry, err)) ==
		    LF_OK) {
			rc = lf_bagit_stream(v, rel, n, entry, h,
			    k >= 0 ? &kept[k] : NULL, chunk, tap, err);
			lf_reader_free(entry);
		}
		if (rc == LF_E_LIMIT && (parsed || k >= 0))
			rc = lf_error_set(err, LF_E_LIMIT,
			    "'%s': larger than %s allows", rel,
			    parsed ? "bag-tag-bytes" : "this file's use");
		if (rc == LF_OK && parsed)
			rc = lf_bagit_tag(v, rel, n, tag.data, tag.len, err);
		if (rc != LF_OK)
			break;
	}
	if (more == 0)
		rc = LF_OK;
	else if (more < 0)
		rc = more;
	/*
	 * An archive no bundle may be is the bag's first problem: what was
	 * read before it is still checked, and nothing after it is trusted.
	 */
	if (rc == LF_E_FORMAT)
		rc = lf_bagit_note(v, LF_BAGIT_INVALID, "container.invalid", "",
		    0, err->msg, err);
out:
	lf_bagit_hash_free(h);
	lf_buf_release(&tag);
	free(chunk);
	return rc;
}

int
lf_bagit_check_tar(struct lf_reader *in, const struct lf_limits *limits,
    const char *const *keep, struct lf_buf *kept, size_t nkeep,
    const struct lf_bagit_tap *tap, char top[LF_TAR_NAME_MAX + 1],
    struct lf_bagit **out, struct lf_error *err)
{
	struct lf_bagit *v = NULL;
	struct lf_tarr *r = NULL;
	int rc;

	top[0] = '\0';
	if ((rc = lf_bagit_new(limits, &v, err)) != LF_OK)
		goto done;
	if ((rc = lf_tarr_new(in, &r, err)) == LF_OK) {
		rc = check_entries(r, v, limits, keep, kept, nkeep, tap, err);
		memcpy(top, lf_tarr_top(r), strlen(lf_tarr_top(r)) + 1);
	} else if (rc == LF_E_FORMAT) {
		rc = lf_bagit_note(v, LF_BAGIT_INVALID, "container.invalid", "",
		    0, err->msg, err);
	}
	if (rc == LF_OK)
		rc = lf_bagit_finish(v, err);
done:
	lf_tarr_free(r);
	if (rc != LF_OK) {
		lf_bagit_free(v);
		return rc;
	}
	*out = v;
	return LF_OK;
}
