/*
 * Unit tests: lf_bundlew, an evidence bundle written around sealed files.
 *
 * A bundle of two files (in a temporary directory) is written to a
 * temporary file and read back as a verifier does: the strict tar reader
 * and the BagIt validator say it is valid, the signature over the tag
 * manifest verifies with the key, bag-info says what it was given; the
 * same inputs give the same bytes; the id follows from the files and the
 * time; a file shorter than declared, or made again with other bytes,
 * stops the writing.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "lf/bagit.h"
#include "lf/buf.h"
#include "lf/bundlew.h"
#include "lf/limits.h"
#include "lf/reader.h"
#include "lf/sign.h"
#include "lf/sigkey.h"
#include "tmptree.h"

#define EPOCH 1764331200

struct fixture {
	char dir[64];
	int dirfd;
	struct lf_sigkey *key;
	struct lf_bundlew_file files[2];
};

static const char *const contents[2] = {"first sealed file\n",
    "second, a little longer, sealed file\n"};
static const char *const paths[2] = {"data/messages/a.eml.zip",
    "data/samples/b.zip"};
static const uint8_t manifest[] = "{\"format\": \"lf-manifest\"}\n";

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct lf_error err;
	size_t i;

	assert_non_null(f);
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/test_bundlew.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_true(f->dirfd >= 0);
	assert_int_equal(lf_sigkey_generate(&f->key, &err), LF_OK);
	for (i = 0; i < 2; i++) {
		char name[8];
		size_t n = strlen(contents[i]);
		int fd;
		(void)snprintf(name, sizeof(name), "f%zu", i);
		fd = openat(f->dirfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, contents[i], n), (ssize_t)n);
		(void)close(fd);
		f->files[i].path = paths[i];
		f->files[i].dirfd = f->dirfd;
		f->files[i].name = i == 0 ? "f0" : "f1";
		f->files[i].size = n;
		(void)EVP_Digest(contents[i], n, f->files[i].sha256, NULL,
		    EVP_sha256(), NULL);
		(void)EVP_Digest(contents[i], n, f->files[i].sha512, NULL,
		    EVP_sha512(), NULL);
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	(void)close(f->dirfd);
	(void)remove_tree(f->dir);
	lf_sigkey_free(f->key);
	free(f);
	return 0;
}

/* The bundle written to a temporary file, read back whole into out. */
static int
write_bundle(struct fixture *f, const char *id, struct lf_buf *out,
    struct lf_error *err)
{
	struct lf_bundlew_info info;
	FILE *tmp = tmpfile();
	uint8_t chunk[4096];
	size_t got;
	int rc;

	assert_non_null(tmp);
	memset(&info, 0, sizeof(info));
	info.organization = "Example Corp";
	info.case_id = "CASE-1";
	info.n = 1;
	info.total = 1;
	info.packager = "test_bundlew";
	rc = lf_bundlew_write(fileno(tmp), id, EPOCH, f->key, &info, manifest,
	    sizeof(manifest) - 1, f->files, 2, err);
	rewind(tmp);
	lf_buf_init(out, 1 << 20);
	while ((got = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		assert_int_equal(lf_buf_append(out, chunk, got, NULL), LF_OK);
	(void)fclose(tmp);
	return rc;
}

static void
writes_a_valid_signed_bundle(void **state)
{
	static const char *const keep[] = {"tagmanifest-sha512.txt",
	    "signatures/tagmanifest-sha512.txt.sig", "bag-info.txt"};
	struct fixture *f = *state;
	struct lf_buf bundle, kept[3];
	struct lf_reader *in;
	struct lf_bagit *v;
	struct lf_sigcheck chk;
	struct lf_limits limits;
	struct lf_error err;
	char id[LF_BUNDLE_ID_MAX], top[LF_TAR_NAME_MAX + 1];
	size_t i;

	lf_limits_default(&limits);
	lf_bundle_id("lfb", EPOCH, f->files, 2, id);
	assert_int_equal(strlen(id), 37);
	assert_memory_equal(id, "lfb-20251128T120000Z-", 21);
	assert_int_equal(write_bundle(f, id, &bundle, &err), LF_OK);
	for (i = 0; i < 3; i++)
		lf_buf_init(&kept[i], 1 << 20);
	assert_int_equal(lf_reader_from_mem(bundle.data, bundle.len, &in, &err),
	    LF_OK);
	assert_int_equal(lf_bagit_check_tar(in, &limits, keep, kept, 3, NULL,
	                     top, &v, &err),
	    LF_OK);
	assert_string_equal(top, id);
	assert_true(lf_bagit_valid(v));
	assert_int_equal(lf_verify_raw(f->key, NULL, kept[0].data, kept[0].len,
	                     kept[1].data, kept[1].len, &chk, &err),
	    LF_OK);
	assert_int_equal(chk.verdict, LF_SIG_GOOD);
	assert_int_equal(lf_buf_putc(&kept[2], '\0', &err), LF_OK);
	assert_non_null(strstr((char *)kept[2].data,
	    "Source-Organization: Example Corp\nExternal-Identifier: CASE-1\n"
	    "Bagging-Date: 2025-11-28\nBag-Count: 1 of 1\n"));
	assert_non_null(strstr((char *)kept[2].data, "Packager: test_bundlew"));
	lf_bagit_free(v);
	lf_reader_free(in);
	for (i = 0; i < 3; i++)
		lf_buf_release(&kept[i]);
	lf_buf_release(&bundle);
}

static void
same_inputs_same_bytes(void **state)
{
	struct fixture *f = *state;
	struct lf_buf a, b;
	struct lf_error err;
	char id[LF_BUNDLE_ID_MAX], other[LF_BUNDLE_ID_MAX];

	lf_bundle_id("lfb", EPOCH, f->files, 2, id);
	assert_int_equal(write_bundle(f, id, &a, &err), LF_OK);
	assert_int_equal(write_bundle(f, id, &b, &err), LF_OK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* Another file, another id; another time, another id. */
	lf_bundle_id("lfb", EPOCH, f->files, 1, other);
	assert_string_not_equal(id, other);
	lf_bundle_id("lfb", EPOCH + 1, f->files, 2, other);
	assert_string_not_equal(id, other);
	lf_buf_release(&a);
	lf_buf_release(&b);
}

static void
a_short_file_stops_it(void **state)
{
	struct fixture *f = *state;
	struct lf_buf out;
	struct lf_error err;
	char id[LF_BUNDLE_ID_MAX];

	f->files[1].size += 5;
	lf_bundle_id("lfb", EPOCH, f->files, 2, id);
	assert_int_equal(write_bundle(f, id, &out, &err), LF_E_CHANGED);
	assert_non_null(strstr(err.msg, "not the bytes sealed before"));
	lf_buf_release(&out);
}

/* A producer giving the bytes of contents[*arg], or one byte changed. */
static int
produce(void *arg, lf_bundlew_write_fn write, void *warg, struct lf_error *err)
{
	const int *which = arg;
	char copy[64];
	size_t n = strlen(contents[which[0]]);

	memcpy(copy, contents[which[0]], n);
	if (which[1])
		copy[0] ^= 1;
	return write(warg, (const uint8_t *)copy, n, err);
}

static void
produced_bytes_are_held_to_their_digest(void **state)
{
	struct fixture *f = *state;
	struct lf_buf a, b;
	struct lf_error err;
	char id[LF_BUNDLE_ID_MAX];
	int same[2] = {1, 0}, other[2] = {1, 1};

	lf_bundle_id("lfb", EPOCH, f->files, 2, id);
	assert_int_equal(write_bundle(f, id, &a, &err), LF_OK);
	/* Made again, the same bytes: the same bundle. */
	f->files[1].produce = produce;
	f->files[1].arg = same;
	assert_int_equal(write_bundle(f, id, &b, &err), LF_OK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	lf_buf_release(&b);
	/* Made again, other bytes: refused. */
	f->files[1].arg = other;
	assert_int_equal(write_bundle(f, id, &b, &err), LF_E_CHANGED);
	assert_non_null(strstr(err.msg, "data/samples/b.zip"));
	lf_buf_release(&a);
	lf_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(writes_a_valid_signed_bundle, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(same_inputs_same_bytes, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(a_short_file_stops_it, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        produced_bytes_are_held_to_their_digest, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
