/*
 * Unit tests: lf_cfb, the compound file reader.
 *
 * The real .msg files of ../shared/corpora/mail/msg-extractor are read
 * and every stream's path, size and SHA-256 compared with what Debian's
 * python3-olefile says of the same file.  Crafted files (tests/unit/
 * cfbwriter.h) are damaged on purpose: each damage must end in its
 * anomaly and LF_OK, without a crash, and failed allocations in
 * LF_E_NOMEM without a leak.
 */
#include <dirent.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "cfbwriter.h"
#include "failalloc.h"
#include "lf/cfb.h"
#include "lf/limits.h"
#include "corpora.h"

void *__real_realloc(void *p, size_t n);

static void *
xrealloc(void *p, size_t n)
{
	void *q = __real_realloc(p, n == 0 ? 1 : n);

	if (q == NULL)
		abort();
	return q;
}

struct anoms {
	char codes[64][40];
	int n;
	int total;
};

static void
on_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct anoms *an = arg;

	if (an->n < 64)
		snprintf(an->codes[an->n++], sizeof(an->codes[0]), "%s",
		    a->code);
	an->total++;
}

static bool
has(const struct anoms *an, const char *code)
{
	int i;

	for (i = 0; i < an->n; i++)
		if (strcmp(an->codes[i], code) == 0)
			return true;
	return false;
}

struct sink {
	uint8_t *p;
	size_t n;
	EVP_MD_CTX *md;
};

static int
to_sink(void *arg, const uint8_t *p, size_t n)
{
	struct sink *s = arg;

	if (s->md != NULL)
		EVP_DigestUpdate(s->md, p, n);
	else {
		s->p = xrealloc(s->p, s->n + n);
		memcpy(s->p + s->n, p, n);
	}
	s->n += n;
	return 0;
}

/* Open and read every stream reachable; returns the first error. */
static int
read_everything(const uint8_t *p, size_t n, const struct lf_limits *l,
    struct anoms *an)
{
	struct lf_source src;
	struct lf_cfb *c = NULL;
	uint32_t i;
	int rc;

	lf_source_memory(&src, p, n);
	if ((rc = lf_cfb_open(&src, l, on_anomaly, an, &c, NULL)) != LF_OK)
		return rc;
	for (i = 0; i < lf_cfb_count(c); i++) {
		struct sink s = {NULL, 0, NULL};

		if (lf_cfb_entry(c, i)->type != LF_CFB_STREAM)
			continue;
		rc = lf_cfb_read(c, i, UINT64_MAX, to_sink, &s, NULL);
		free(s.p);
		if (rc != LF_OK)
			break;
	}
	lf_cfb_free(c);
	return rc;
}

/* ---- the real corpus, against olefile ---- */

static uint8_t *
slurp(const char *path, size_t *n)
{
	uint8_t *buf;
	FILE *f;
	long len;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open corpus file %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = xrealloc(NULL, (size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

struct lines {
	char **v;
	size_t n;
};

static void
lines_add(struct lines *ls, const char *s)
{
	size_t k = strlen(s);

	ls->v = xrealloc(ls->v, (ls->n + 1) * sizeof(char *));
	ls->v[ls->n] = xrealloc(NULL, k + 1);
	memcpy(ls->v[ls->n++], s, k + 1);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
lines_free(struct lines *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		free(ls->v[i]);
	free(ls->v);
}

/* path/of/stream TAB size TAB sha256, for every stream below id. */
static void
list_streams(struct lf_cfb *c, uint32_t id, const char *prefix,
    struct lines *out, int depth)
{
	const struct lf_cfb_entry *e;
	uint32_t k;

	assert_true(depth < 64);
	for (k = lf_cfb_entry(c, id)->first_child; k != LF_CFB_NOENTRY;
	     k = e->next_sibling) {
		char path[1024], line[1300], hex[65];
		unsigned char md[32];
		unsigned int mdlen;
		int i;

		e = lf_cfb_entry(c, k);
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix ? "/" : "", e->name);
		if (e->type == LF_CFB_STREAM) {
			struct sink s = {NULL, 0, EVP_MD_CTX_new()};

			EVP_DigestInit_ex(s.md, EVP_sha256(), NULL);
			assert_int_equal(lf_cfb_read(c, k, UINT64_MAX, to_sink,
			                     &s, NULL),
			    LF_OK);
			EVP_DigestFinal_ex(s.md, md, &mdlen);
			EVP_MD_CTX_free(s.md);
			for (i = 0; i < 32; i++)
				snprintf(hex + 2 * i, 3, "%02x", md[i]);
			snprintf(line, sizeof(line), "%s\t%zu\t%s", path, s.n,
			    hex);
			lines_add(out, line);
		} else {
			list_streams(c, k, path, out, depth + 1);
		}
	}
}

static const char olefile_script[] =
    "import sys, hashlib, olefile\n"
    "o = olefile.OleFileIO(sys.argv[1])\n"
    "for p in o.listdir(streams=True, storages=False):\n"
    "    d = o.openstream(p).read()\n"
    "    print('%s\\t%d\\t%s' % ('/'.join(p), len(d),"
    " hashlib.sha256(d).hexdigest()))\n";

static void
olefile_list(const char *path, struct lines *out)
{
	char cmd[4096], line[1300];
	FILE *f;
	const char *py = "/usr/bin/python3";

	/* Debian's olefile is in the system Python, not in any other one
	 * that may come first on PATH. */
	if (access(py, X_OK) != 0)
		py = "python3";
	snprintf(cmd, sizeof(cmd), "%s -c \"$LF_OLEFILE_SCRIPT\" '%s'", py,
	    path);
	setenv("LF_OLEFILE_SCRIPT", olefile_script, 1);
	if ((f = popen(cmd, "r")) == NULL)
		fail_msg("cannot run %s", py);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		lines_add(out, line);
	}
	if (pclose(f) != 0)
		fail_msg("olefile failed on %s (is python3-olefile "
		         "installed?)",
		    path);
}

static void
corpus_against_olefile(void **state)
{
	char dir[1200], path[2400];
	struct dirent *de;
	DIR *d;
	int files = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/mail/msg-extractor/aux", corpora_dir());
	if ((d = opendir(dir)) == NULL)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		struct lines ours = {NULL, 0}, theirs = {NULL, 0};
		struct lf_limits l;
		struct lf_source src;
		struct lf_cfb *c;
		struct anoms an = {.n = 0};
		uint8_t *buf;
		size_t n, i;
		size_t k = strlen(de->d_name);

		if (k < 4 || strcmp(de->d_name + k - 4, ".msg") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = slurp(path, &n);
		lf_limits_default(&l);
		lf_source_memory(&src, buf, n);
		assert_int_equal(lf_cfb_open(&src, &l, on_anomaly, &an, &c,
		                     NULL),
		    LF_OK);
		list_streams(c, 0, "", &ours, 0);
		lf_cfb_free(c);
		free(buf);
		if (an.total != 0)
			fail_msg("%s: anomaly %s", path, an.codes[0]);
		olefile_list(path, &theirs);
		assert_true(theirs.n > 10);
		qsort(ours.v, ours.n, sizeof(char *), cmp_str);
		qsort(theirs.v, theirs.n, sizeof(char *), cmp_str);
		assert_int_equal(ours.n, theirs.n);
		for (i = 0; i < ours.n; i++)
			assert_string_equal(ours.v[i], theirs.v[i]);
		lines_free(&ours);
		lines_free(&theirs);
		files++;
	}
	closedir(d);
	assert_true(files >= 4);
}

/* ---- crafted files ---- */

static uint8_t big[6000];
static const uint8_t small[] = "a small stream in the mini stream";

/* Root: "small" (mini), "big" (regular), "st" storage with "inner". */
static void
build_basic(struct cw *w)
{
	uint32_t st;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	cw_init(w);
	cw_add(w, 0, "small", 2, small, sizeof(small));
	cw_add(w, 0, "big", 2, big, sizeof(big));
	st = cw_add(w, 0, "st", 1, NULL, 0);
	cw_add(w, st, "inner", 2, small, 10);
	cw_build(w);
}

static void
crafted_roundtrip(void **state)
{
	struct cw w;
	struct lf_source src;
	struct lf_limits l;
	struct lf_cfb *c;
	struct anoms an = {.n = 0};
	struct sink s = {NULL, 0, NULL};
	uint32_t st, id;

	(void)state;
	build_basic(&w);
	lf_limits_default(&l);
	lf_source_memory(&src, w.buf, w.len);
	assert_int_equal(lf_cfb_open(&src, &l, on_anomaly, &an, &c, NULL),
	    LF_OK);
	assert_int_equal(an.total, 0);
	id = lf_cfb_find(c, 0, "BIG");
	assert_int_not_equal(id, LF_CFB_NOENTRY);
	assert_int_equal(lf_cfb_read(c, id, UINT64_MAX, to_sink, &s, NULL),
	    LF_OK);
	assert_int_equal(s.n, sizeof(big));
	assert_memory_equal(s.p, big, sizeof(big));
	free(s.p);
	memset(&s, 0, sizeof(s));
	id = lf_cfb_find(c, 0, "small");
	assert_int_equal(lf_cfb_read(c, id, 5, to_sink, &s, NULL), LF_OK);
	assert_int_equal(s.n, 5);
	free(s.p);
	memset(&s, 0, sizeof(s));
	st = lf_cfb_find(c, 0, "st");
	assert_int_equal(lf_cfb_entry(c, st)->type, LF_CFB_STORAGE);
	id = lf_cfb_find(c, st, "inner");
	assert_int_equal(lf_cfb_entry(c, id)->parent, st);
	assert_int_equal(lf_cfb_read(c, id, UINT64_MAX, to_sink, &s, NULL),
	    LF_OK);
	assert_int_equal(s.n, 10);
	assert_memory_equal(s.p, small, 10);
	free(s.p);
	assert_int_equal(lf_cfb_read(c, st, 1, to_sink, &s, NULL), LF_E_INVAL);
	assert_int_equal(an.total, 0);
	lf_cfb_free(c);
	lf_cfb_free(NULL);
	cw_free(&w);
}

static void
expect(struct cw *w, const char *code)
{
	struct lf_limits l;
	struct anoms an = {.n = 0};

	lf_limits_default(&l);
	assert_int_equal(read_everything(w->buf, w->len, &l, &an), LF_OK);
	if (!has(&an, code))
		fail_msg("expected anomaly %s, got %d others (first %s)", code,
		    an.total, an.n ? an.codes[0] : "none");
}

static uint32_t
big_start(struct cw *w)
{
	return w->e[2].start;
}

static void
fat_loop(void **state)
{
	struct cw w;

	(void)state;
	build_basic(&w);
	cw_set_fat(&w, big_start(&w) + 3, big_start(&w) + 1);
	expect(&w, "cfb.chain-cycle");
	cw_free(&w);
}

static void
chain_into_free(void **state)
{
	struct cw w;

	(void)state;
	build_basic(&w);
	/* Past the last sector of the file every FAT entry is free. */
	cw_set_fat(&w, big_start(&w) + 2, 127);
	expect(&w, "cfb.chain-bad-sector");
	cw_free(&w);
}

static void
sector_out_of_range(void **state)
{
	struct cw w;

	(void)state;
	build_basic(&w);
	cw_set_fat(&w, big_start(&w), 0x00FFFFF0u);
	expect(&w, "cfb.chain-bad-sector");
	/* The directory's first sector out of range: nothing to read. */
	cw_put32(w.buf + 48, 0x7FFFFFF0u);
	expect(&w, "cfb.chain-bad-sector");
	/* A FAT sector out of range in the DIFAT. */
	cw_put32(w.buf + 76, 0x7FFFFFF0u);
	expect(&w, "cfb.fat-bad-sector");
	cw_free(&w);
}

static void
dir_cycle(void **state)
{
	struct cw w;

	(void)state;
	build_basic(&w);
	/* "inner" (4) gets the root's first child, then the storage. */
	cw_put32(cw_dirent(&w, 4) + 76, 3);
	cw_put32(cw_dirent(&w, 4) + 68, 1);
	cw_dirent(&w, 4)[66] = 1;
	expect(&w, "cfb.dir-cycle");
	cw_free(&w);
	/* A left link to itself. */
	build_basic(&w);
	cw_put32(cw_dirent(&w, 2) + 68, 2);
	expect(&w, "cfb.dir-cycle");
	/* A link out of range. */
	cw_put32(cw_dirent(&w, 2) + 68, 4000);
	expect(&w, "cfb.dir-bad-link");
	cw_free(&w);
}

static void
size_past_end(void **state)
{
	struct cw w;

	(void)state;
	build_basic(&w);
	cw_put32(cw_dirent(&w, 2) + 120, 50000000);
	expect(&w, "cfb.size-past-end");
	expect(&w, "cfb.chain-short");
	cw_put32(cw_dirent(&w, 2) + 120, 0xFFFFFFFFu);
	expect(&w, "cfb.size-past-end");
	/* Version 3 ignores the high bits. */
	cw_put32(cw_dirent(&w, 2) + 124, 0xFFFFFFFFu);
	expect(&w, "cfb.size-high-bits");
	cw_free(&w);
}

static void
mini_stream_past_end(void **state)
{
	struct cw w;

	(void)state;
	build_basic(&w);
	/* The root says its mini stream is huge; then the mini sector of
	 * "small" points far beyond it. */
	cw_put32(cw_dirent(&w, 0) + 120, 0x7FFFFFFFu);
	expect(&w, "cfb.size-past-end");
	cw_free(&w);
	build_basic(&w);
	cw_put32(cw_dirent(&w, 1) + 116, 100000);
	expect(&w, "cfb.chain-bad-sector");
	cw_free(&w);
}

static void
truncated_everywhere(void **state)
{
	struct cw w;
	struct lf_limits l;
	size_t cut;

	(void)state;
	build_basic(&w);
	lf_limits_default(&l);
	for (cut = 0; cut <= w.len; cut += 512) {
		struct anoms an = {.n = 0};
		int rc = read_everything(w.buf, cut, &l, &an);

		if (cut < 512)
			assert_int_equal(rc, LF_E_FORMAT);
		else
			assert_int_equal(rc, LF_OK);
		if (cut > 512 && cut < w.len)
			assert_true(an.total > 0);
	}
	for (cut = 1; cut < w.len; cut += 97) {
		struct anoms an = {.n = 0};
		int rc = read_everything(w.buf, cut, &l, &an);

		assert_true(rc == LF_OK || (cut < 512 && rc == LF_E_FORMAT));
	}
	cw_free(&w);
}

static void
not_cfb(void **state)
{
	static const uint8_t zeros[1024];
	struct lf_limits l;
	struct anoms an = {.n = 0};
	struct lf_source src;
	struct lf_cfb *c = (struct lf_cfb *)1;
	struct lf_error err;

	(void)state;
	lf_limits_default(&l);
	lf_source_memory(&src, zeros, sizeof(zeros));
	assert_int_equal(lf_cfb_open(&src, &l, on_anomaly, &an, &c, &err),
	    LF_E_FORMAT);
	assert_ptr_equal(c, (struct lf_cfb *)1);
	assert_non_null(strstr(err.msg, "not a compound file"));
}

static void
bad_header_fields(void **state)
{
	struct cw w;

	(void)state;
	build_basic(&w);
	w.buf[28] = 0;
	w.buf[26] = 4; /* version 4 with 512-byte sectors */
	w.buf[32] = 7;
	expect(&w, "cfb.bad-header");
	cw_free(&w);
}

static void
too_many_entries(void **state)
{
	struct cw w;
	struct lf_limits l;
	struct anoms an = {.n = 0};
	int i;

	(void)state;
	cw_init(&w);
	for (i = 0; i < 100; i++)
		cw_add(&w, 0, "s", 2, small, 4);
	cw_build(&w);
	lf_limits_default(&l);
	l.container_entries = 10;
	assert_int_equal(read_everything(w.buf, w.len, &l, &an), LF_OK);
	assert_true(has(&an, "cfb.too-many-entries"));
	cw_free(&w);
}

/*
 * Bytes the heap has handed out.  main() turns off glibc's thread cache
 * and fast bins, which would otherwise count freed blocks as in use.
 */
static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
nomem(void **state)
{
	struct cw w;
	struct lf_limits l;
	long k;
	int rc;

	(void)state;
	build_basic(&w);
	lf_limits_default(&l);
	for (k = 0; k < 40; k++) {
		struct anoms an = {.n = 0};
		size_t before;

		/* A clean run first: the C library allocates for itself
		 * once (stdio, locale), which is not a leak. */
		assert_int_equal(read_everything(w.buf, w.len, &l, &an), LF_OK);
		before = heap_in_use();

		failalloc_after(k);
		rc = read_everything(w.buf, w.len, &l, &an);
		failalloc_off();
		assert_true(rc == LF_OK || rc == LF_E_NOMEM);
		if (heap_in_use() != before)
			fail_msg("leak at k=%ld rc=%d", k, rc);
		if (rc == LF_OK)
			break;
	}
	assert_true(k > 3 && k < 40);
	cw_free(&w);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(crafted_roundtrip),
	    cmocka_unit_test(fat_loop),
	    cmocka_unit_test(chain_into_free),
	    cmocka_unit_test(sector_out_of_range),
	    cmocka_unit_test(dir_cycle),
	    cmocka_unit_test(size_past_end),
	    cmocka_unit_test(mini_stream_past_end),
	    cmocka_unit_test(truncated_everywhere),
	    cmocka_unit_test(not_cfb),
	    cmocka_unit_test(bad_header_fields),
	    cmocka_unit_test(too_many_entries),
	    cmocka_unit_test(nomem),
	    cmocka_unit_test(corpus_against_olefile),
	};

	(void)argc;
	if (getenv("GLIBC_TUNABLES") == NULL) {
		setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
		execv("/proc/self/exe", argv);
	}
	mallopt(M_MXFAST, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
