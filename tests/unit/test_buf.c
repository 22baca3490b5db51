/*
 * Unit tests: lf_buf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/buf.h"

static void
append_keeps_bytes_and_terminates(void **state)
{
	struct lf_buf b;
	static const uint8_t bytes[] = {'a', 0, 'b'};

	(void)state;
	lf_buf_init(&b, 100);
	assert_null(b.data);
	assert_int_equal(lf_buf_append(&b, bytes, 3, NULL), LF_OK);
	assert_int_equal(lf_buf_putc(&b, 'c', NULL), LF_OK);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "a\0bc", 4);
	assert_int_equal(b.data[4], 0);
	lf_buf_release(&b);
	assert_null(b.data);
	lf_buf_release(&b);
}

static void
cap_is_enforced_and_state_kept(void **state)
{
	struct lf_buf b;
	struct lf_error e;

	(void)state;
	lf_buf_init(&b, 10);
	assert_int_equal(lf_buf_append(&b, "0123456789", 10, &e), LF_OK);
	assert_int_equal(lf_buf_putc(&b, 'x', &e), LF_E_LIMIT);
	assert_int_equal(e.code, LF_E_LIMIT);
	assert_int_equal(b.len, 10);
	assert_string_equal((char *)b.data, "0123456789");
	assert_true(b.cap <= 11);
	assert_int_equal(lf_buf_append(&b, "", 0, &e), LF_OK);
	lf_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(lf_buf_printf(&b, &e, "%s", "01234567890"),
	    LF_E_LIMIT);
	assert_int_equal(lf_buf_printf(&b, &e, "%d-%s", 42, "ok"), LF_OK);
	assert_string_equal((char *)b.data, "42-ok");
	lf_buf_release(&b);
}

static void
huge_append_does_not_overflow(void **state)
{
	struct lf_buf b;

	(void)state;
	lf_buf_init(&b, SIZE_MAX);
	assert_int_equal(lf_buf_putc(&b, 'a', NULL), LF_OK);
	assert_int_equal(lf_buf_append(&b, "x", SIZE_MAX, NULL), LF_E_LIMIT);
	assert_int_equal(lf_buf_append(&b, "x", SIZE_MAX - 1, NULL),
	    LF_E_LIMIT);
	assert_int_equal(b.len, 1);
	lf_buf_release(&b);
}

static void
growth_failure_keeps_contents(void **state)
{
	struct lf_buf b;
	struct lf_error e;
	char big[1000];

	(void)state;
	memset(big, 'z', sizeof(big));
	lf_buf_init(&b, 1 << 20);
	assert_int_equal(lf_buf_append(&b, "keep", 4, &e), LF_OK);
	failalloc_after(0);
	assert_int_equal(lf_buf_append(&b, big, sizeof(big), &e), LF_E_NOMEM);
	failalloc_off();
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "keep", 4);
	lf_buf_release(&b);
}

static void
steal_hands_over(void **state)
{
	struct lf_buf b;
	uint8_t *p;
	size_t len;

	(void)state;
	lf_buf_init(&b, 100);
	assert_null(lf_buf_steal(&b, &len));
	assert_int_equal(len, 0);
	lf_buf_printf(&b, NULL, "abc");
	p = lf_buf_steal(&b, &len);
	assert_int_equal(len, 3);
	assert_string_equal((char *)p, "abc");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(append_keeps_bytes_and_terminates),
	    cmocka_unit_test(cap_is_enforced_and_state_kept),
	    cmocka_unit_test(huge_append_does_not_overflow),
	    cmocka_unit_test(growth_failure_keeps_contents),
	    cmocka_unit_test(steal_hands_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
