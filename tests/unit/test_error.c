/*
 * Unit tests: lf_error.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lf/error.h"

static void
set_fills_code_and_message(void **state)
{
	struct lf_error e;

	(void)state;
	assert_int_equal(lf_error_set(&e, LF_E_LIMIT, "part %d: %s", 3, "x"),
	    LF_E_LIMIT);
	assert_int_equal(e.code, LF_E_LIMIT);
	assert_int_equal(e.sys_errno, 0);
	assert_string_equal(e.msg, "part 3: x");
}

static void
null_record_is_allowed(void **state)
{
	(void)state;
	assert_int_equal(lf_error_set(NULL, LF_E_IO, "x"), LF_E_IO);
	assert_int_equal(lf_error_sys(NULL, ENOENT, "x"), LF_E_IO);
	lf_error_prefix(NULL, "x");
	lf_error_clear(NULL);
}

static void
sys_appends_strerror(void **state)
{
	struct lf_error e;

	(void)state;
	assert_int_equal(lf_error_sys(&e, ENOENT, "open '%s'", "a"), LF_E_IO);
	assert_int_equal(e.sys_errno, ENOENT);
	assert_string_equal(e.msg, "open 'a': No such file or directory");
}

static void
prefix_names_the_context(void **state)
{
	struct lf_error e;

	(void)state;
	lf_error_set(&e, LF_E_FORMAT, "invalid length");
	lf_error_prefix(&e, "part %s: base64", "1.3");
	assert_int_equal(e.code, LF_E_FORMAT);
	assert_string_equal(e.msg, "part 1.3: base64: invalid length");
}

static void
long_messages_are_cut_not_overflowed(void **state)
{
	struct lf_error e;
	char big[2 * LF_ERROR_MSG_MAX];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lf_error_set(&e, LF_E_INVAL, "%s", big);
	assert_int_equal(strlen(e.msg), LF_ERROR_MSG_MAX - 1);
	lf_error_prefix(&e, "%s", big);
	assert_int_equal(strlen(e.msg), LF_ERROR_MSG_MAX - 1);
	lf_error_set(&e, LF_E_INVAL, "short");
	lf_error_prefix(&e, "%.*s", LF_ERROR_MSG_MAX - 4, big);
	assert_int_equal(strlen(e.msg), LF_ERROR_MSG_MAX - 1);
	assert_memory_equal(e.msg + LF_ERROR_MSG_MAX - 4, ": s", 3);
}

static void
clear_and_strerror(void **state)
{
	struct lf_error e;
	int c;

	(void)state;
	lf_error_set(&e, LF_E_IO, "x");
	lf_error_clear(&e);
	assert_int_equal(e.code, LF_OK);
	assert_string_equal(e.msg, "");
	for (c = LF_E_CHANGED; c <= LF_OK; c++)
		assert_string_not_equal(lf_strerror(c), "unknown error");
	assert_string_equal(lf_strerror(-1000), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(set_fills_code_and_message),
	    cmocka_unit_test(null_record_is_allowed),
	    cmocka_unit_test(sys_appends_strerror),
	    cmocka_unit_test(prefix_names_the_context),
	    cmocka_unit_test(long_messages_are_cut_not_overflowed),
	    cmocka_unit_test(clear_and_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
