/*
 * Unit tests: lf_magic.
 */
#include <dirent.h>
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
#include <magic.h>

#include "lf/digest.h"
#include "lf/magic.h"

static const uint8_t pdf[] = "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n";
/* gzip -n of "abc" */
static const uint8_t gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x03, 0x4b, 0x4c, 0x4a, 0x06, 0x00, 0xc2, 0x41, 0x24, 0x35, 0x03,
    0x00, 0x00, 0x00};

static void
types_from_first_bytes(void **state)
{
	struct lf_magic_result r;
	struct lf_magic_db *db;
	struct lf_magic *m;

	(void)state;
	assert_int_equal(lf_magic_db_open(&db, NULL), LF_OK);
	assert_int_equal(lf_magic_new(db, &m, NULL), LF_OK);
	assert_int_equal(lf_magic_buffer(m, pdf, sizeof(pdf) - 1, &r, NULL),
	    LF_OK);
	assert_string_equal(r.mime, "application/pdf");
	assert_non_null(strstr(r.description, "PDF document"));
	/* Named, never opened: libmagic must not decompress. */
	assert_int_equal(lf_magic_buffer(m, gz, sizeof(gz), &r, NULL), LF_OK);
	assert_string_equal(r.mime, "application/gzip");
	assert_non_null(strstr(r.description, "gzip compressed data"));
	assert_int_equal(lf_magic_buffer(m, (const uint8_t *)"", 0, &r, NULL),
	    LF_OK);
	assert_string_equal(r.mime, "application/x-empty");
	assert_int_equal(lf_magic_buffer(m, (const uint8_t *)"hello, world\n",
	                     13, &r, NULL),
	    LF_OK);
	assert_string_equal(r.mime, "text/plain");
	/* The description and the type alternate on one handle. */
	assert_int_equal(lf_magic_buffer(m, pdf, sizeof(pdf) - 1, &r, NULL),
	    LF_OK);
	assert_non_null(strstr(r.description, "PDF document"));
	assert_string_equal(r.mime, "application/pdf");
	lf_magic_free(m);
	lf_magic_free(NULL);
	lf_magic_db_close(db);
	lf_magic_db_close(NULL);
}

static void
missing_database_is_reported(void **state)
{
	struct lf_magic_db *db = NULL;
	struct lf_error e;

	(void)state;
	setenv("MAGIC", "/nonexistent/magic", 1);
	assert_int_equal(lf_magic_db_open(&db, &e), LF_E_IO);
	assert_non_null(strstr(e.msg, "/nonexistent/magic"));
	unsetenv("MAGIC");
}

/* One handle per thread: several threads typing at once must agree. */
struct typing {
	struct lf_magic_db *db;
	int ok;
};

static void *
typing_thread(void *arg)
{
	struct typing *t = arg;
	struct lf_magic_result r;
	struct lf_magic *m = NULL;
	int i, *ok = &t->ok;

	*ok = lf_magic_new(t->db, &m, NULL) == LF_OK;
	for (i = 0; *ok && i < 200; i++) {
		*ok = lf_magic_buffer(m, pdf, sizeof(pdf) - 1, &r, NULL) ==
		        LF_OK &&
		    strcmp(r.mime, "application/pdf") == 0;
	}
	if (m != NULL)
		lf_magic_free(m);
	return NULL;
}

static void
handles_per_thread(void **state)
{
	struct typing ty[4];
	struct lf_magic_db *db;
	pthread_t t[4];
	int i;

	(void)state;
	assert_int_equal(lf_magic_db_open(&db, NULL), LF_OK);
	for (i = 0; i < 4; i++) {
		ty[i].db = db;
		assert_int_equal(pthread_create(&t[i], NULL, typing_thread,
		                     &ty[i]),
		    0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_true(ty[i].ok);
	}
	lf_magic_db_close(db);
}

/*
 * lf_magic_buffer skips the second full pass when the database matched
 * nothing.  Hold it to file(1)'s two full passes on every file of a few
 * system directories (programs, libraries, scripts, documents, compressed
 * files, text in many languages) and on synthetic inputs.
 */
struct reference {
	magic_t h;
	struct lf_magic *m;
	uint8_t *buf;
	unsigned files, plain; /* compared; where soft magic said nothing */
};

static void
compare_one(struct reference *r, const uint8_t *p, size_t n)
{
	struct lf_magic_result got;
	char desc[LF_MAGIC_TEXT_MAX], bare[LF_MAGIC_TEXT_MAX];
	const char *t;

	(void)lf_magic_buffer(r->m, p, n, &got, NULL);
	(void)magic_setflags(r->h, MAGIC_NO_CHECK_COMPRESS);
	t = magic_buffer(r->h, p, n);
	(void)snprintf(desc, sizeof(desc), "%s", t != NULL ? t : "unknown");
	assert_string_equal(got.description, desc);
	(void)magic_setflags(r->h, MAGIC_NO_CHECK_COMPRESS | MAGIC_MIME_TYPE);
	t = magic_buffer(r->h, p, n);
	assert_string_equal(got.mime,
	    t != NULL ? t : "application/octet-stream");
	(void)magic_setflags(r->h,
	    MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_SOFT);
	t = magic_buffer(r->h, p, n);
	(void)snprintf(bare, sizeof(bare), "%s", t != NULL ? t : "");
	r->files++;
	r->plain += strcmp(desc, bare) == 0;
}

static void
compare_dir(struct reference *r, const char *dir, unsigned most)
{
	struct dirent *e;
	char path[4096];
	unsigned n = 0;
	ssize_t got;
	DIR *d;
	int fd;

	if ((d = opendir(dir)) == NULL)
		return;
	while (n < most && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		        (int)sizeof(path) ||
		    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)) < 0)
			continue;
		got = read(fd, r->buf, 65536);
		(void)close(fd);
		if (got >= 0) {
			compare_one(r, r->buf, (size_t)got);
			n++;
		}
	}
	(void)closedir(d);
}

static void
shortcut_agrees_with_full_passes(void **state)
{
	static const char *const dirs[] = {"/usr/bin", "/usr/sbin",
	    "/usr/lib/x86_64-linux-gnu", "/usr/share/doc/libmagic1",
	    "/usr/share/perl5", "/usr/share/common-licenses",
	    "/usr/share/i18n/charmaps", "/usr/share/i18n/locales",
	    "/usr/share/misc", "/etc", "/etc/ssl/certs", "/usr/include",
	    "/usr/share/zoneinfo", "/usr/share/man/man1"};
	static const char *const texts[] = {"", "x", "hello, world\n",
	    "#!/bin/sh\necho hi\n", "<html><body>hi</body></html>\n",
	    "From: a@b\nSubject: s\n\nbody\n", "{\"a\": 1}\n", "a,b\n1,2\n",
	    "caf\xc3\xa9 cr\xc3\xa8me\r\n", "\xff\xfe\x00\x01binary"};
	struct lf_magic_db *db;
	struct reference r;
	size_t i;

	(void)state;
	assert_int_equal(lf_magic_db_open(&db, NULL), LF_OK);
	assert_int_equal(lf_magic_new(db, &r.m, NULL), LF_OK);
	assert_non_null(r.h = magic_open(MAGIC_NO_CHECK_COMPRESS));
	assert_int_equal(magic_load(r.h, NULL), 0);
	assert_non_null(r.buf = malloc(65536));
	r.files = r.plain = 0;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		compare_one(&r, (const uint8_t *)texts[i], strlen(texts[i]));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		compare_dir(&r, dirs[i], 150);
	print_message("%u inputs, %u where the database matched nothing\n",
	    r.files, r.plain);
	/* Both ways were taken, often. */
	assert_true(r.files >= 300);
	assert_true(r.plain >= 50 && r.files - r.plain >= 50);
	free(r.buf);
	magic_close(r.h);
	lf_magic_free(r.m);
	lf_magic_db_close(db);
}

/* Plain text typed by the built-in tests alone; anything else is not. */
static void
text_by_builtin_tests(void **state)
{
	static const char script[] = "#!/bin/sh\necho hi\n";
	struct lf_magic_result r;
	struct lf_magic_db *db;
	struct lf_magic *m;

	(void)state;
	assert_int_equal(lf_magic_db_open(&db, NULL), LF_OK);
	assert_int_equal(lf_magic_new(db, &m, NULL), LF_OK);
	assert_true(
	    lf_magic_text(m, (const uint8_t *)"caf\xc3\xa9\r\n", 7, &r));
	assert_true(r.builtin_only);
	assert_string_equal(r.mime, "text/plain");
	assert_string_equal(r.description,
	    "Unicode text, UTF-8 text, with CRLF line terminators");
	/* Formats written in text are known by their first bytes. */
	assert_false(
	    lf_magic_text(m, (const uint8_t *)script, sizeof(script) - 1, &r));
	assert_false(lf_magic_text(m, pdf, sizeof(pdf) - 1, &r));
	assert_false(
	    lf_magic_text(m, (const uint8_t *)"{\\rtf1\\ansi x}\n", 14, &r));
	assert_false(lf_magic_text(m, gz, sizeof(gz), &r));
	assert_int_equal(lf_magic_buffer(m, (const uint8_t *)script,
	                     sizeof(script) - 1, &r, NULL),
	    LF_OK);
	assert_false(r.builtin_only);
	assert_non_null(strstr(r.description, "shell script"));
	lf_magic_free(m);
	lf_magic_db_close(db);
}

/* A content typed once is answered for every handle of the database. */
static void
types_are_remembered_by_content(void **state)
{
	struct lf_digest_result a, b, weak;
	struct lf_magic_result r, got;
	struct lf_magic_db *db;
	struct lf_magic *m1, *m2;
	unsigned i;

	(void)state;
	assert_int_equal(lf_magic_db_open(&db, NULL), LF_OK);
	assert_int_equal(lf_magic_new(db, &m1, NULL), LF_OK);
	assert_int_equal(lf_magic_new(db, &m2, NULL), LF_OK);
	memset(&a, 0, sizeof(a));
	a.algs = LF_DIGEST_BIT(LF_SHA256) | LF_DIGEST_BIT(LF_MD5);
	a.size = sizeof(pdf) - 1;
	memset(a.sha256, 0xab, sizeof(a.sha256));
	assert_false(lf_magic_cached(m1, &a, &got));
	assert_int_equal(lf_magic_buffer(m1, pdf, sizeof(pdf) - 1, &r, NULL),
	    LF_OK);
	lf_magic_remember(m1, &a, &r);
	memset(&got, 0, sizeof(got));
	assert_true(lf_magic_cached(m2, &a, &got));
	assert_string_equal(got.mime, "application/pdf");
	assert_string_equal(got.description, r.description);
	/* The same digest with another size is another content. */
	b = a;
	b.size++;
	assert_false(lf_magic_cached(m2, &b, &got));
	/* Digests that collide on demand identify nothing. */
	memset(&weak, 0, sizeof(weak));
	weak.algs = LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA1) |
	    LF_DIGEST_BIT(LF_SSDEEP);
	lf_magic_remember(m1, &weak, &r);
	assert_false(lf_magic_cached(m1, &weak, &got));
	/* Many more contents than slots: the newest are kept, no crash. */
	for (i = 0; i < 20000; i++) {
		b = a;
		memcpy(b.sha256, &i, sizeof(i));
		lf_magic_remember(m1, &b, &r);
	}
	assert_true(lf_magic_cached(m2, &b, &got));
	lf_magic_free(m1);
	lf_magic_free(m2);
	lf_magic_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(types_from_first_bytes),
	    cmocka_unit_test(handles_per_thread),
	    cmocka_unit_test(missing_database_is_reported),
	    cmocka_unit_test(shortcut_agrees_with_full_passes),
	    cmocka_unit_test(types_are_remembered_by_content),
	    cmocka_unit_test(text_by_builtin_tests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
