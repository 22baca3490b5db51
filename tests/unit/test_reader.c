/*
 * Unit tests: lf_reader.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/reader.h"

static void
mem_reader_delivers_in_pieces(void **state)
{
	struct lf_reader *r;
	uint8_t buf[4];
	long n;

	(void)state;
	assert_int_equal(lf_reader_from_mem((const uint8_t *)"abcdefghij", 10,
	                     &r, NULL),
	    LF_OK);
	assert_int_equal(lf_reader_read(r, buf, 4, NULL), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(lf_reader_read(r, buf, 4, NULL), 4);
	n = lf_reader_read(r, buf, 4, NULL);
	assert_int_equal(n, 2);
	assert_memory_equal(buf, "ij", 2);
	assert_int_equal(lf_reader_read(r, buf, 4, NULL), 0);
	assert_int_equal(lf_reader_offset(r), 10);
	lf_reader_free(r);
	lf_reader_free(NULL);
}

static void
getline_splits_and_bounds(void **state)
{
	static const char text[] = "one\r\n\nthree is long\nlast";
	struct lf_reader *r;
	struct lf_buf line;
	bool too_long;

	(void)state;
	lf_buf_init(&line, 100);
	assert_int_equal(lf_reader_from_mem((const uint8_t *)text,
	                     sizeof(text) - 1, &r, NULL),
	    LF_OK);
	assert_int_equal(lf_reader_getline(r, &line, 8, &too_long, NULL), 1);
	assert_int_equal(line.len, 4);
	assert_memory_equal(line.data, "one\r", 4); /* CR is data */
	assert_false(too_long);
	assert_int_equal(lf_reader_getline(r, &line, 8, &too_long, NULL), 1);
	assert_int_equal(line.len, 0);
	assert_int_equal(lf_reader_getline(r, &line, 8, &too_long, NULL), 1);
	assert_true(too_long);
	assert_string_equal((char *)line.data, "three is");
	assert_int_equal(lf_reader_getline(r, &line, 8, &too_long, NULL), 1);
	assert_false(too_long);
	assert_string_equal((char *)line.data, "last");
	assert_int_equal(lf_reader_getline(r, &line, 8, &too_long, NULL), 0);
	assert_int_equal(lf_reader_offset(r), sizeof(text) - 1);
	lf_reader_free(r);
	lf_buf_release(&line);
}

static void
getline_then_read_continues_exactly(void **state)
{
	struct lf_reader *r;
	struct lf_buf line;
	uint8_t buf[16];
	bool too_long;

	(void)state;
	lf_buf_init(&line, 100);
	assert_int_equal(lf_reader_from_mem((const uint8_t *)"head\nbody", 9,
	                     &r, NULL),
	    LF_OK);
	assert_int_equal(lf_reader_getline(r, &line, 50, &too_long, NULL), 1);
	assert_int_equal(lf_reader_read(r, buf, sizeof(buf), NULL), 4);
	assert_memory_equal(buf, "body", 4);
	lf_reader_free(r);
	lf_buf_release(&line);
}

static void
fd_reader_over_a_pipe(void **state)
{
	struct lf_reader *r;
	uint8_t buf[64];
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "piped", 5), 5);
	close(fds[1]);
	assert_int_equal(lf_reader_from_fd(fds[0], true, &r, NULL), LF_OK);
	assert_int_equal(lf_reader_read(r, buf, sizeof(buf), NULL), 5);
	assert_int_equal(lf_reader_read(r, buf, sizeof(buf), NULL), 0);
	lf_reader_free(r); /* closes fds[0] */
	assert_int_equal(close(fds[0]), -1);
	assert_int_equal(errno, EBADF);
}

static void
fd_reader_reports_errors(void **state)
{
	struct lf_reader *r;
	struct lf_error e;
	uint8_t buf[8];

	(void)state;
	assert_int_equal(lf_reader_from_fd(-1, false, &r, NULL), LF_OK);
	assert_int_equal(lf_reader_read(r, buf, sizeof(buf), &e), LF_E_IO);
	assert_int_equal(e.sys_errno, EBADF);
	lf_reader_free(r);
}

struct failing {
	int calls;
};

static long
failing_read(void *ctx, uint8_t *buf, size_t n, struct lf_error *err)
{
	struct failing *f = ctx;

	(void)n;
	if (f->calls++ == 0) {
		buf[0] = 'x';
		return 1;
	}
	return lf_error_set(err, LF_E_FORMAT, "decoder: bad input");
}

static void
custom_reader_passes_errors_on(void **state)
{
	static const struct lf_reader_ops ops = {failing_read, NULL};
	struct failing f = {0};
	struct lf_reader *r;
	struct lf_buf line;
	struct lf_error e;
	bool too_long;

	(void)state;
	lf_buf_init(&line, 100);
	assert_int_equal(lf_reader_new(&ops, &f, &r, NULL), LF_OK);
	assert_int_equal(lf_reader_getline(r, &line, 50, &too_long, &e),
	    LF_E_FORMAT);
	assert_string_equal(e.msg, "decoder: bad input");
	lf_reader_free(r);
	lf_buf_release(&line);
}

static void
allocation_failures_are_reported(void **state)
{
	struct lf_reader *r = NULL;
	struct lf_buf line;
	bool too_long;
	long n;
	int rc;

	(void)state;
	for (n = 0; n < 3; n++) {
		failalloc_after(n);
		rc = lf_reader_from_mem((const uint8_t *)"a\n", 2, &r, NULL);
		failalloc_off();
		if (rc != LF_OK) {
			assert_int_equal(rc, LF_E_NOMEM);
			continue;
		}
		lf_buf_init(&line, 10);
		failalloc_after(0);
		rc = lf_reader_getline(r, &line, 5, &too_long, NULL);
		failalloc_off();
		assert_int_equal(rc, LF_E_NOMEM);
		lf_reader_free(r);
		lf_buf_release(&line);
	}
}

/* A small file whole, up to the buffer's cap; a larger one refused. */
static void
read_file_bounded(void **state)
{
	char path[] = "/tmp/test_reader.XXXXXX";
	struct lf_buf b;
	struct lf_error err;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	lf_buf_init(&b, 10);
	assert_int_equal(lf_read_file(path, &b, &err), LF_OK);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "0123456789", 10);
	/* Read again: the buffer starts over. */
	assert_int_equal(lf_read_file(path, &b, &err), LF_OK);
	assert_int_equal(b.len, 10);
	lf_buf_release(&b);
	lf_buf_init(&b, 9);
	assert_int_equal(lf_read_file(path, &b, &err), LF_E_LIMIT);
	assert_non_null(strstr(err.msg, "larger than 9 bytes"));
	lf_buf_release(&b);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(lf_read_file(path, &b, &err), LF_E_IO);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_int_equal(lf_read_file("/", &b, &err), LF_E_IO);
	lf_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(mem_reader_delivers_in_pieces),
	    cmocka_unit_test(getline_splits_and_bounds),
	    cmocka_unit_test(getline_then_read_continues_exactly),
	    cmocka_unit_test(fd_reader_over_a_pipe),
	    cmocka_unit_test(fd_reader_reports_errors),
	    cmocka_unit_test(custom_reader_passes_errors_on),
	    cmocka_unit_test(allocation_failures_are_reported),
	    cmocka_unit_test(read_file_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
