/*
 * Unit tests: lf_object (the object record).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lf/object.h"

static void
record_has_every_computed_member(void **state)
{
	struct lf_digest_result res;
	struct lf_magic_result mg;
	struct lf_digest *d;
	json_t *obj = json_object();

	(void)state;
	assert_int_equal(lf_digest_new(LF_DIGEST_ALL, &d, NULL), LF_OK);
	assert_int_equal(lf_digest_update(d, "abc", 3, NULL), LF_OK);
	assert_int_equal(lf_digest_final(d, &res, NULL), LF_OK);
	snprintf(mg.description, sizeof(mg.description), "ASCII text");
	snprintf(mg.mime, sizeof(mg.mime), "text/plain");
	mg.builtin_only = false;
	assert_int_equal(lf_object_to_json(obj, &res, &mg, NULL), LF_OK);
	assert_int_equal(json_integer_value(json_object_get(obj, "size")), 3);
	assert_string_equal(json_string_value(json_object_get(obj, "md5")),
	    "900150983cd24fb0d6963f7d28e17f72");
	assert_int_equal(strlen(
	                     json_string_value(json_object_get(obj, "sha512"))),
	    128);
	/* `printf abc | ssdeep -s` */
	assert_string_equal(json_string_value(json_object_get(obj, "ssdeep")),
	    "3:uG:uG");
	assert_true(json_is_null(json_object_get(obj, "tlsh")));
	assert_string_equal(json_string_value(
	                        json_object_get(json_object_get(obj, "magic"),
	                            "mime")),
	    "text/plain");
	assert_null(json_object_get(json_object_get(obj, "magic"), "database"));
	json_decref(obj);
	/* A type from libmagic's built-in tests alone says so. */
	obj = json_object();
	mg.builtin_only = true;
	assert_int_equal(lf_object_to_json(obj, &res, &mg, NULL), LF_OK);
	assert_true(json_is_false(
	    json_object_get(json_object_get(obj, "magic"), "database")));
	json_decref(obj);
	/* Only what was computed appears. */
	obj = json_object();
	res.algs = LF_DIGEST_BIT(LF_SHA1);
	assert_int_equal(lf_object_to_json(obj, &res, NULL, NULL), LF_OK);
	assert_null(json_object_get(obj, "md5"));
	assert_null(json_object_get(obj, "magic"));
	assert_non_null(json_object_get(obj, "sha1"));
	json_decref(obj);
	lf_digest_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(record_has_every_computed_member),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
