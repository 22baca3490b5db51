/*
 * Unit tests: lf_filehash, against lf_digest on one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lf/filehash.h"
#include "tmptree.h"
#include "vectors.h"

#define MIB (1024 * 1024)

static char root[] = "/tmp/lf-filehash-XXXXXX";

/* Sizes around the chunk and split thresholds, and some large ones. */
static const size_t sizes[] = {0, 1, 63, 64, 65, 1000, 262143, 262144, 262145,
    3 * MIB + 17, 8 * MIB - 1, 8 * MIB, 9 * MIB + 5, 21 * MIB};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

struct collected {
	int next; /* the index expected next */
	int out_of_order;
	int n;
	struct lf_filehash_result res[512];
};

static void
file_path(char *p, size_t n, size_t i)
{
	snprintf(p, n, "%s/f%03zu", root, i);
}

static int
setup(void **state)
{
	uint8_t *data = malloc(21 * MIB + 4096);
	char p[256];
	size_t i;
	FILE *f;

	(void)state;
	if (data == NULL || mkdtemp(root) == NULL)
		return -1;
	lcg_bytes(data, 21 * MIB + 4096);
	for (i = 0; i < NSIZES; i++) {
		file_path(p, sizeof(p), i);
		if ((f = fopen(p, "wb")) == NULL)
			return -1;
		/* Offset by i so that files differ, not only in length. */
		if (fwrite(data + i, 1, sizes[i], f) != sizes[i])
			return -1;
		fclose(f);
	}
	free(data);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return remove_tree(root);
}

static void
collect(void *arg, void *token, const struct lf_filehash_result *res)
{
	struct collected *c = arg;
	int idx = (int)(intptr_t)token;

	if (idx != c->next)
		c->out_of_order++;
	c->next = idx + 1;
	c->res[c->n++] = *res;
}

static void
reference(size_t i, unsigned algs, struct lf_digest_result *out)
{
	struct lf_digest *d;
	uint8_t buf[65536];
	char p[256];
	ssize_t n;
	int fd;

	file_path(p, sizeof(p), i);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(lf_digest_new(algs, &d, NULL), LF_OK);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		assert_int_equal(lf_digest_update(d, buf, (size_t)n, NULL),
		    LF_OK);
	close(fd);
	assert_int_equal(lf_digest_final(d, out, NULL), LF_OK);
	lf_digest_free(d);
}

static void
add_file(struct lf_filehash *fh, size_t i, int token)
{
	char p[256];
	struct stat st;
	int fd;

	file_path(p, sizeof(p), i);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(lf_filehash_add(fh, fd, (uint64_t)st.st_size,
	                     (void *)(intptr_t)token, NULL),
	    LF_OK);
}

static void
run_and_compare(unsigned algs, unsigned threads, int rounds)
{
	struct lf_filehash_opts o = {algs, threads, false, NULL};
	struct lf_digest_result want[NSIZES];
	struct collected *c = calloc(1, sizeof(*c));
	struct lf_filehash *fh;
	struct lf_limits l;
	int r, k = 0;
	size_t i;

	lf_limits_default(&l);
	o.limits = &l;
	for (i = 0; i < NSIZES; i++)
		reference(i, algs, &want[i]);
	assert_int_equal(lf_filehash_new(&o, collect, c, &fh, NULL), LF_OK);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < NSIZES; i++)
			add_file(fh, i, k++);
	assert_int_equal(lf_filehash_finish(fh, NULL), LF_OK);
	assert_int_equal(c->n, k);
	assert_int_equal(c->out_of_order, 0);
	for (r = 0; r < k; r++) {
		const struct lf_digest_result *got = &c->res[r].digest;
		const struct lf_digest_result *w = &want[(size_t)r % NSIZES];
		assert_int_equal(c->res[r].status, LF_OK);
		assert_int_equal(got->size, w->size);
		assert_memory_equal(got->md5, w->md5, 16);
		assert_memory_equal(got->sha1, w->sha1, 20);
		assert_memory_equal(got->sha256, w->sha256, 32);
		assert_memory_equal(got->sha512, w->sha512, 64);
		assert_string_equal(got->ssdeep, w->ssdeep);
		assert_string_equal(got->tlsh, w->tlsh);
	}
	lf_filehash_free(fh);
	free(c);
}

static void
default_set_any_threads(void **state)
{
	(void)state;
	run_and_compare(LF_DIGEST_DEFAULT, 1, 1);
	run_and_compare(LF_DIGEST_DEFAULT, 2, 3);
	run_and_compare(LF_DIGEST_DEFAULT, 5, 2);
}

static void
every_algorithm(void **state)
{
	(void)state;
	run_and_compare(LF_DIGEST_ALL, 3, 1);
	run_and_compare(LF_DIGEST_BIT(LF_SHA256), 2, 1);
	run_and_compare(LF_DIGEST_BIT(LF_MD5), 4, 1);
}

struct writer {
	int fd;
	size_t n;
};

static void *
write_stream(void *arg)
{
	struct writer *w = arg;
	uint8_t *data = malloc(w->n);
	size_t off = 0;
	ssize_t k;

	lcg_bytes(data, w->n);
	while (off < w->n) {
		k = write(w->fd, data + off,
		    w->n - off > 4096 ? 4096 : w->n - off);
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	close(w->fd);
	free(data);
	return NULL;
}

static void
streams_and_errors(void **state)
{
	struct lf_filehash_opts o = {LF_DIGEST_DEFAULT, 2, false, NULL};
	struct collected *c = calloc(1, sizeof(*c));
	struct lf_digest_result want;
	struct lf_filehash *fh;
	struct lf_limits l;
	struct lf_digest *d;
	struct writer w;
	pthread_t t;
	uint8_t *data;
	int fds[2], dfd;

	(void)state;
	lf_limits_default(&l);
	o.limits = &l;
	assert_int_equal(lf_filehash_new(&o, collect, c, &fh, NULL), LF_OK);
	/* 0: a pipe of unknown size, 10 MiB written while it is read. */
	assert_int_equal(pipe(fds), 0);
	w.fd = fds[1];
	w.n = 10 * MIB;
	pthread_create(&t, NULL, write_stream, &w);
	assert_int_equal(lf_filehash_add(fh, fds[0], LF_SIZE_UNKNOWN, (void *)0,
	                     NULL),
	    LF_OK);
	/* 1: a directory: reading it fails, the rest goes on. */
	dfd = open(root, O_RDONLY | O_DIRECTORY);
	assert_int_equal(lf_filehash_add(fh, dfd, 4096, (void *)1, NULL),
	    LF_OK);
	/* 2: announced longer than it is: changed while read. */
	add_file(fh, 5, 2);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "short", 5), 5);
	close(fds[1]);
	assert_int_equal(lf_filehash_add(fh, fds[0], 100, (void *)3, NULL),
	    LF_OK);
	assert_int_equal(lf_filehash_finish(fh, NULL), LF_OK);
	pthread_join(t, NULL);
	assert_int_equal(c->n, 4);
	assert_int_equal(c->out_of_order, 0);
	data = malloc(10 * MIB);
	lcg_bytes(data, 10 * MIB);
	assert_int_equal(lf_digest_new(LF_DIGEST_DEFAULT, &d, NULL), LF_OK);
	assert_int_equal(lf_digest_update(d, data, 10 * MIB, NULL), LF_OK);
	assert_int_equal(lf_digest_final(d, &want, NULL), LF_OK);
	assert_int_equal(c->res[0].status, LF_OK);
	assert_memory_equal(c->res[0].digest.sha256, want.sha256, 32);
	assert_int_equal(c->res[1].status, LF_E_IO);
	assert_int_equal(c->res[1].err.sys_errno, EISDIR);
	assert_int_equal(c->res[2].status, LF_OK);
	assert_int_equal(c->res[3].status, LF_E_CHANGED);
	lf_digest_free(d);
	lf_filehash_free(fh);
	free(data);
	free(c);
}

static void
typed_once_per_content(void **state)
{
	struct lf_filehash_opts o = {LF_DIGEST_BIT(LF_SHA256), 2, true, NULL};
	struct collected *c = calloc(1, sizeof(*c));
	struct lf_filehash *fh;
	struct lf_limits l;
	char p[300];
	FILE *f;
	int i;

	(void)state;
	lf_limits_default(&l);
	o.limits = &l;
	snprintf(p, sizeof(p), "%s/doc.pdf", root);
	f = fopen(p, "w");
	fputs("%PDF-1.4\n1 0 obj\n<< >>\nendobj\n", f);
	fclose(f);
	assert_int_equal(lf_filehash_new(&o, collect, c, &fh, NULL), LF_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(lf_filehash_add(fh, open(p, O_RDONLY), 30,
		                     (void *)(intptr_t)i, NULL),
		    LF_OK);
	add_file(fh, 0, 3);
	assert_int_equal(lf_filehash_finish(fh, NULL), LF_OK);
	for (i = 0; i < 3; i++) {
		assert_true(c->res[i].typed);
		assert_string_equal(c->res[i].magic.mime, "application/pdf");
	}
	assert_string_equal(c->res[3].magic.mime, "application/x-empty");
	lf_filehash_free(fh);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_set_any_threads),
	    cmocka_unit_test(every_algorithm),
	    cmocka_unit_test(streams_and_errors),
	    cmocka_unit_test(typed_once_per_content),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
