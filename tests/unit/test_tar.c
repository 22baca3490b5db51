/*
 * Unit tests: lf_tar, the bundle's container.
 *
 * The writer's archives are checked byte for byte where the format fixes
 * them (ustar header fields, sizes, the unpadded end) and for being the
 * same bytes twice; they are read back by the strict reader.  Hostile
 * archives are made here with libarchive's own writer (links, devices,
 * names that climb out, two top directories, names twice or out of
 * order, GNU format, data after the end, truncation): the reader must
 * refuse each with its reason, never crash or read past the input.
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

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "lf/reader.h"
#include "lf/tar.h"

#define MTIME 1700000000

struct mem {
	uint8_t *p;
	size_t n;
};

/* The bytes written to a temporary file descriptor. */
static struct mem
slurp(FILE *f)
{
	struct mem m;
	long n;

	assert_int_equal(fflush(f), 0);
	n = ftell(f);
	assert_true(n >= 0);
	m.n = (size_t)n;
	m.p = malloc(m.n + 1);
	assert_non_null(m.p);
	rewind(f);
	assert_int_equal(fread(m.p, 1, m.n, f), m.n);
	return m;
}

static const char big_seed[] = "lf_tar test data";

static void
fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(big_seed[i % (sizeof(big_seed) - 1)] + i / 7);
}

/* The sample bundle: a top directory, two files and a subdirectory. */
static struct mem
write_sample(int64_t mtime)
{
	static uint8_t big[70000];
	struct lf_tarw *w;
	struct lf_error err;
	FILE *f = tmpfile();
	struct mem m;

	assert_non_null(f);
	fill(big, sizeof(big));
	assert_int_equal(lf_tarw_new(fileno(f), mtime, &w, &err), LF_OK);
	assert_int_equal(lf_tarw_dir(w, "b-1", &err), LF_OK);
	assert_int_equal(lf_tarw_file(w, "b-1/bagit.txt", 6, &err), LF_OK);
	assert_int_equal(lf_tarw_data(w, "hello\n", 6, &err), LF_OK);
	assert_int_equal(lf_tarw_dir(w, "b-1/data", &err), LF_OK);
	assert_int_equal(lf_tarw_file(w, "b-1/data/big", sizeof(big), &err),
	    LF_OK);
	assert_int_equal(lf_tarw_data(w, big, 1000, &err), LF_OK);
	assert_int_equal(lf_tarw_data(w, big + 1000, sizeof(big) - 1000, &err),
	    LF_OK);
	assert_int_equal(lf_tarw_file(w, "b-1/empty", 0, &err), LF_OK);
	assert_int_equal(lf_tarw_finish(w, &err), LF_OK);
	lf_tarw_free(w);
	m = slurp(f);
	fclose(f);
	return m;
}

/* An octal ustar field of the header at h. */
static unsigned long long
octal(const uint8_t *h, size_t off, size_t len)
{
	char field[16];

	assert_true(len < sizeof(field));
	memcpy(field, h + off, len);
	field[len] = '\0';
	return strtoull(field, NULL, 8);
}

static void
test_write_layout(void **state)
{
	struct mem m = write_sample(MTIME);
	/* Five headers, 6 and 70,000 bytes of data in 512-byte blocks, and
	 * the two zero blocks: nothing padded to a 10,240-byte record. */
	size_t want = 5 * 512 + 512 + 70144 + 1024;
	size_t i;

	(void)state;
	assert_int_equal(m.n, want);
	for (i = m.n - 1024; i < m.n; i++)
		assert_int_equal(m.p[i], 0);
	/* The first header: the directory, owner 0:0 without names. */
	assert_string_equal((const char *)m.p, "b-1/");
	assert_int_equal(octal(m.p, 100, 7), 0755);
	assert_int_equal(octal(m.p, 108, 7), 0);
	assert_int_equal(octal(m.p, 116, 7), 0);
	assert_int_equal(octal(m.p, 136, 11), MTIME);
	assert_int_equal(m.p[156], '5');
	assert_memory_equal(m.p + 257, "ustar", 5);
	assert_int_equal(m.p[265], '\0'); /* no user name */
	/* The second: the file, 0644, six bytes, then its data. */
	assert_string_equal((const char *)m.p + 512, "b-1/bagit.txt");
	assert_int_equal(octal(m.p + 512, 100, 7), 0644);
	assert_int_equal(octal(m.p + 512, 124, 11), 6);
	assert_int_equal(m.p[512 + 156], '0');
	assert_memory_equal(m.p + 1024, "hello\n", 6);
	free(m.p);
}

static void
test_write_reproducible(void **state)
{
	struct mem a = write_sample(MTIME), b = write_sample(MTIME);
	struct mem c = write_sample(MTIME + 1);

	(void)state;
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.p, b.p, a.n);
	assert_int_equal(a.n, c.n);
	assert_true(memcmp(a.p, c.p, a.n) != 0);
	free(a.p);
	free(b.p);
	free(c.p);
}

/*
 * An archive of a 5 MiB file (given in uneven pieces) and a small one,
 * to f: with lf_tarw_direct asked for when direct, after skip bytes of
 * something else.  *used says whether direct I/O was on.
 */
static void
write_large(FILE *f, bool direct, size_t skip, bool *used)
{
	static uint8_t big[5 * 1024 * 1024 + 3];
	struct lf_tarw *w;
	struct lf_error err;
	size_t off, k;
	int fd = fileno(f);

	fill(big, sizeof(big));
	for (off = 0; off < skip; off++)
		assert_int_equal(write(fd, "x", 1), 1);
	assert_int_equal(lf_tarw_new(fd, MTIME, &w, &err), LF_OK);
	*used = direct && lf_tarw_direct(w);
	assert_int_equal(lf_tarw_dir(w, "b-1", &err), LF_OK);
	/* Once an entry is written, asking again changes nothing. */
	assert_int_equal(lf_tarw_direct(w), *used);
	assert_int_equal(lf_tarw_file(w, "b-1/big", sizeof(big), &err), LF_OK);
	for (off = 0; off < sizeof(big); off += k) {
		k = sizeof(big) - off < 1000003 ? sizeof(big) - off : 1000003;
		assert_int_equal(lf_tarw_data(w, big + off, k, &err), LF_OK);
	}
	assert_int_equal(lf_tarw_file(w, "b-1/small", 10000, &err), LF_OK);
	assert_int_equal(lf_tarw_data(w, big, 10000, &err), LF_OK);
	assert_int_equal(lf_tarw_finish(w, &err), LF_OK);
	lf_tarw_free(w);
	/* The descriptor's flags are back as they were. */
	assert_int_equal(fcntl(fd, F_GETFL) & O_DIRECT, 0);
}

/* Direct I/O gives the same bytes, and is not used where it cannot be. */
static void
test_write_direct(void **state)
{
	FILE *f1 = tmpfile(), *f2 = tmpfile(), *f3 = tmpfile();
	struct mem a, b, c;
	bool used;

	(void)state;
	assert_non_null(f1);
	assert_non_null(f2);
	assert_non_null(f3);
	write_large(f1, false, 0, &used);
	assert_false(used);
	write_large(f2, true, 0, &used);
	assert_true(used); /* the test's files are on a disk filesystem */
	write_large(f3, true, 1, &used);
	assert_false(used); /* an unaligned start */
	a = slurp(f1);
	b = slurp(f2);
	c = slurp(f3);
	assert_true(a.n > 5 * 1024 * 1024 && a.n % 4096 != 0);
	assert_int_equal(b.n, a.n);
	assert_memory_equal(b.p, a.p, a.n);
	assert_int_equal(c.n, a.n + 1);
	assert_memory_equal(c.p + 1, a.p, a.n);
	free(a.p);
	free(b.p);
	free(c.p);
	fclose(f1);
	fclose(f2);
	fclose(f3);
}

static void
test_write_refuses(void **state)
{
	static const char *const bad[] = {"", "/abs", "a/../b", "a/./b", "a//b",
	    "..", "a/", "a\\b", "caf\xc3\xa9", "tab\there"};
	struct lf_tarw *w;
	struct lf_error err;
	FILE *f = tmpfile();
	size_t i;

	(void)state;
	assert_non_null(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(lf_tarw_new(fileno(f), 0, &w, &err), LF_OK);
		assert_int_equal(lf_tarw_dir(w, bad[i], &err), LF_E_INVAL);
		lf_tarw_free(w);
	}
	/* Out of order, and a name twice. */
	assert_int_equal(lf_tarw_new(fileno(f), 0, &w, &err), LF_OK);
	assert_int_equal(lf_tarw_dir(w, "b", &err), LF_OK);
	assert_int_equal(lf_tarw_dir(w, "a", &err), LF_E_INVAL);
	assert_non_null(strstr(err.msg, "does not sort after"));
	assert_int_equal(lf_tarw_dir(w, "b", &err), LF_E_INVAL);
	lf_tarw_free(w);
	/* More bytes than the size, a new entry or the end too early. */
	assert_int_equal(lf_tarw_new(fileno(f), 0, &w, &err), LF_OK);
	assert_int_equal(lf_tarw_file(w, "a/x", 3, &err), LF_OK);
	assert_int_equal(lf_tarw_data(w, "abcd", 4, &err), LF_E_INVAL);
	assert_int_equal(lf_tarw_data(w, "ab", 2, &err), LF_OK);
	assert_int_equal(lf_tarw_file(w, "a/y", 0, &err), LF_E_INVAL);
	assert_int_equal(lf_tarw_finish(w, &err), LF_E_INVAL);
	assert_non_null(strstr(err.msg, "short of its size"));
	lf_tarw_free(w);
	assert_int_equal(lf_tarw_new(-1, 0, &w, &err), LF_E_INVAL);
	assert_int_equal(lf_tarw_new(fileno(f), -1, &w, &err), LF_E_INVAL);
	fclose(f);
}

/* Read every entry of m; the result of the last lf_tarr_next. */
static int
read_all(const struct mem *m, size_t *entries, struct lf_error *err)
{
	struct lf_reader *in;
	struct lf_tarr *r;
	struct lf_tar_entry e;
	uint8_t buf[4096];
	int rc;

	*entries = 0;
	assert_int_equal(lf_reader_from_mem(m->p, m->n, &in, NULL), LF_OK);
	if ((rc = lf_tarr_new(in, &r, err)) != LF_OK) {
		lf_reader_free(in);
		return rc;
	}
	while ((rc = lf_tarr_next(r, &e, err)) == 1) {
		long got;
		uint64_t total = 0;
		(*entries)++;
		/* Read the odd entries' data, let the others be skipped. */
		if (*entries % 2 == 1)
			while (
			    (got = lf_tarr_read(r, buf, sizeof(buf), err)) > 0)
				total += (uint64_t)got;
		else
			got = 0;
		if (got < 0) {
			rc = (int)got;
			break;
		}
		if (*entries % 2 == 1)
			assert_int_equal(total, e.size);
	}
	lf_tarr_free(r);
	lf_reader_free(in);
	return rc;
}

static void
test_read_back(void **state)
{
	static uint8_t big[70000];
	struct mem m = write_sample(MTIME);
	struct lf_reader *in;
	struct lf_tarr *r;
	struct lf_tar_entry e;
	struct lf_error err;
	uint8_t buf[70001];
	size_t got = 0;
	long n;

	(void)state;
	fill(big, sizeof(big));
	assert_int_equal(lf_reader_from_mem(m.p, m.n, &in, NULL), LF_OK);
	assert_int_equal(lf_tarr_new(in, &r, &err), LF_OK);
	assert_int_equal(lf_tarr_next(r, &e, &err), 1);
	assert_string_equal(e.path, "b-1");
	assert_int_equal(e.type, LF_TAR_DIR);
	assert_string_equal(lf_tarr_top(r), "b-1");
	assert_int_equal(lf_tarr_next(r, &e, &err), 1);
	assert_string_equal(e.path, "b-1/bagit.txt");
	assert_int_equal(e.size, 6);
	/* Skipped unread. */
	assert_int_equal(lf_tarr_next(r, &e, &err), 1);
	assert_string_equal(e.path, "b-1/data");
	assert_int_equal(lf_tarr_next(r, &e, &err), 1);
	assert_string_equal(e.path, "b-1/data/big");
	assert_int_equal(e.type, LF_TAR_FILE);
	assert_int_equal(e.size, sizeof(big));
	while ((n = lf_tarr_read(r, buf + got, 999, &err)) > 0)
		got += (size_t)n;
	assert_int_equal(n, 0);
	assert_int_equal(got, sizeof(big));
	assert_memory_equal(buf, big, sizeof(big));
	assert_int_equal(lf_tarr_next(r, &e, &err), 1);
	assert_string_equal(e.path, "b-1/empty");
	assert_int_equal(e.size, 0);
	assert_int_equal(lf_tarr_next(r, &e, &err), 0);
	lf_tarr_free(r);
	lf_reader_free(in);
	free(m.p);
}

/* ---- hostile archives, made with libarchive's writer ---- */

struct spec {
	const char *path;
	int type;         /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, AE_IFIFO */
	const char *link; /* a hard link's target, or a symlink's */
	const char *data;
};

static struct mem
make_tar(const struct spec *s, size_t n, bool gnu)
{
	struct archive *a = archive_write_new();
	FILE *f = tmpfile();
	struct mem m;
	size_t i;

	assert_non_null(a);
	assert_non_null(f);
	assert_int_equal(gnu ? archive_write_set_format_gnutar(a) :
	                       archive_write_set_format_pax_restricted(a),
	    ARCHIVE_OK);
	assert_int_equal(archive_write_set_bytes_in_last_block(a, 1),
	    ARCHIVE_OK);
	assert_int_equal(archive_write_open_fd(a, fileno(f)), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = s[i].data != NULL ? strlen(s[i].data) : 0;
		archive_entry_set_pathname(e, s[i].path);
		archive_entry_set_filetype(e, (unsigned)s[i].type);
		archive_entry_set_perm(e, 0644);
		if (s[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, s[i].link);
		else if (s[i].link != NULL)
			archive_entry_set_hardlink(e, s[i].link);
		archive_entry_set_size(e, (la_int64_t)len);
		/* WARN: a name libarchive cannot convert, written raw. */
		assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
		if (len > 0)
			assert_int_equal(archive_write_data(a, s[i].data, len),
			    (la_ssize_t)len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	m = slurp(f);
	fclose(f);
	return m;
}

/* The archive of specs is refused, with why in the message. */
static void
refused(const struct spec *s, size_t n, bool gnu, const char *why)
{
	struct mem m = make_tar(s, n, gnu);
	struct lf_error err;
	size_t entries;

	assert_int_equal(read_all(&m, &entries, &err), LF_E_FORMAT);
	if (strstr(err.msg, why) == NULL)
		fail_msg("'%s' does not say '%s'", err.msg, why);
	free(m.p);
}

#define REFUSED(why, gnu, ...)                                     \
	do {                                                       \
		const struct spec s_[] = {__VA_ARGS__};            \
		refused(s_, sizeof(s_) / sizeof(s_[0]), gnu, why); \
	} while (0)

static void
test_read_refuses(void **state)
{
	(void)state;
	REFUSED("a hard link", false, {"b", AE_IFDIR, NULL, NULL},
	    {"b/a", AE_IFREG, NULL, "x"}, {"b/c", AE_IFREG, "b/a", NULL});
	REFUSED("neither a file nor a directory", false,
	    {"b", AE_IFDIR, NULL, NULL},
	    {"b/l", AE_IFLNK, "/etc/passwd", NULL});
	REFUSED("neither a file nor a directory", false,
	    {"b", AE_IFDIR, NULL, NULL}, {"b/d", AE_IFCHR, NULL, NULL});
	REFUSED("neither a file nor a directory", false,
	    {"b", AE_IFDIR, NULL, NULL}, {"b/p", AE_IFIFO, NULL, NULL});
	REFUSED("not a relative name", false, {"b", AE_IFDIR, NULL, NULL},
	    {"b/../../etc/x", AE_IFREG, NULL, "x"});
	REFUSED("not a relative name", false, {"/etc/x", AE_IFREG, NULL, "x"});
	REFUSED("not a relative name", false, {"b", AE_IFDIR, NULL, NULL},
	    {"b/caf\xc3\xa9", AE_IFREG, NULL, "x"});
	REFUSED("one top directory", false, {"b/x", AE_IFREG, NULL, "x"},
	    {"c/x", AE_IFREG, NULL, "y"});
	REFUSED("a file at the top level", false, {"x", AE_IFREG, NULL, "x"});
	REFUSED("a name given twice", false, {"b/x", AE_IFREG, NULL, "x"},
	    {"b/x", AE_IFREG, NULL, "evil"});
	REFUSED("out of order", false, {"b/y", AE_IFREG, NULL, "x"},
	    {"b/x", AE_IFREG, NULL, "y"});
	REFUSED("not a pax or ustar archive", true,
	    {"b/x", AE_IFREG, NULL, "x"});
}

static void
test_read_trailing_and_truncated(void **state)
{
	const struct spec s[] = {{"b", AE_IFDIR, NULL, NULL},
	    {"b/x", AE_IFREG, NULL, "0123456789"}};
	struct mem m = make_tar(s, 2, false);
	struct mem t;
	struct lf_error err;
	size_t entries, cut;

	(void)state;
	assert_int_equal(read_all(&m, &entries, &err), 0);
	assert_int_equal(entries, 2);
	/* Zero bytes after the end are padding; anything else is not. */
	t.n = m.n + 10240;
	t.p = calloc(1, t.n);
	assert_non_null(t.p);
	memcpy(t.p, m.p, m.n);
	assert_int_equal(read_all(&t, &entries, &err), 0);
	t.p[t.n - 1] = 'x';
	assert_int_equal(read_all(&t, &entries, &err), LF_E_FORMAT);
	assert_non_null(strstr(err.msg, "after the end"));
	/* Right after the first zero block, too. */
	memset(t.p + m.n, 0, 10240);
	t.p[m.n - 512] = 'x';
	assert_int_equal(read_all(&t, &entries, &err), LF_E_FORMAT);
	free(t.p);
	/* Every cut of the archive is refused or ends early, never read
	 * past; the data's end and the end blocks are the interesting
	 * ones. */
	for (cut = 0; cut < m.n; cut += cut < 1536 ? 1 : 97) {
		t.p = m.p;
		t.n = cut;
		int rc = read_all(&t, &entries, &err);
		if (cut < 1024 + 512)
			assert_true(rc < 0);
		else
			assert_true(rc <= 0);
	}
	free(m.p);
}

static void
test_read_not_tar(void **state)
{
	static const uint8_t zip[] = "PK\x03\x04 not a tar at all";
	struct mem m = {(uint8_t *)zip, sizeof(zip)};
	struct lf_error err;
	size_t entries;

	(void)state;
	assert_true(read_all(&m, &entries, &err) < 0);
	m.n = 0;
	assert_true(read_all(&m, &entries, &err) <= 0);
	assert_int_equal(entries, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_layout),
	    cmocka_unit_test(test_write_reproducible),
	    cmocka_unit_test(test_write_direct),
	    cmocka_unit_test(test_write_refuses),
	    cmocka_unit_test(test_read_back),
	    cmocka_unit_test(test_read_refuses),
	    cmocka_unit_test(test_read_trailing_and_truncated),
	    cmocka_unit_test(test_read_not_tar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
