/*
 * Unit tests: lf_magic.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(types_from_first_bytes),
	    cmocka_unit_test(handles_per_thread),
	    cmocka_unit_test(missing_database_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
