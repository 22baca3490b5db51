/*
 * Unit tests: lf_version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lf/md5.h"
#include "lf/version.h"

static void
versions_are_reported(void **state)
{
	struct lf_buf b;

	(void)state;
	assert_string_equal(lf_version_string(), LF_VERSION);
	lf_buf_init(&b, 4096);
	assert_int_equal(lf_version_libraries(&b, NULL), LF_OK);
	assert_non_null(strstr((char *)b.data, "OpenSSL 3."));
	assert_non_null(strstr((char *)b.data, "libmagic 5."));
	assert_non_null(strstr((char *)b.data, "jansson 2."));
	assert_non_null(strstr((char *)b.data, lf_md5_kernel()));
	lf_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(versions_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
