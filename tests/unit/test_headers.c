/*
 * Unit tests: lf_headers.
 *
 * The report of a crafted block, its worst severity, and allocation
 * failure at every step, jansson's included (the report is complete or
 * not made at all).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/headers.h"

static const char block[] =
    "Received: from relay.example.net (relay.example.net [192.0.2.1])\n"
    "\tby mx.example.net; Mon, 1 Jan 2024 10:00:05 +0000\n"
    "Authentication-Results: mx.example.net; dkim=pass header.d=a.example\n"
    "Received: from x (y [198.51.100.1]) by relay.example.net;\n"
    " Mon, 1 Jan 2024 10:00:00 +0000\n"
    "From: a@a.example\nFrom: b@b.example\n"
    "Date: Mon, 1 Jan 2024 12:00:00 +0000\n\nbody\n";

static const char *const mta[] = {"mx.example.net", "relay.example.net"};
static const char *const authserv[] = {"mx.example.net"};

/* jansson's allocations through the test's (wrapped) malloc. */
static void *
json_malloc(size_t n)
{
	return malloc(n);
}

static void
json_free(void *p)
{
	free(p);
}

static int
analyze(json_t **r, int *worst)
{
	struct lf_headers_opts o = {.trusted_mta = mta,
	    .ntrusted_mta = 2,
	    .trusted_authserv = authserv,
	    .ntrusted_authserv = 1,
	    .max_fields = 100,
	    .tool = "test"};

	return lf_headers_analyze((const uint8_t *)block, strlen(block), &o, r,
	    worst, NULL);
}

static void
test_report(void **state)
{
	json_t *r, *f;
	int worst;
	size_t i;
	char ids[512] = "";

	(void)state;
	assert_int_equal(analyze(&r, &worst), LF_OK);
	assert_int_equal(worst, LF_SEV_HIGH);
	assert_string_equal(json_string_value(
	                        json_object_get(json_object_get(r, "trust"),
	                            "delivery_ip")),
	    "198.51.100.1");
	assert_true(json_is_true(
	    json_object_get(json_array_get(json_object_get(r, "authentication"),
	                        0),
	        "trusted")));
	json_array_foreach(json_object_get(r, "findings"), i, f)
	{
		size_t len = strlen(ids);
		snprintf(ids + len, sizeof(ids) - len, "%s ",
		    json_string_value(json_object_get(f, "id")));
	}
	assert_string_equal(ids, "header.duplicate-from date.future ");
	assert_int_equal(json_integer_value(
	                     json_object_get(json_object_get(r, "originator"),
	                         "From")),
	    2);
	json_decref(r);
}

static void
test_alloc_failure(void **state)
{
	json_t *r = NULL;
	int worst = 7, rc;
	long n;

	(void)state;
	for (n = 0;; n++) {
		failalloc_after(n);
		rc = analyze(&r, &worst);
		failalloc_off();
		if (rc == LF_OK)
			break;
		assert_int_equal(rc, LF_E_NOMEM);
		assert_null(r);
		assert_int_equal(worst, 7);
	}
	assert_true(n > 100); /* jansson's allocations failed too */
	json_decref(r);
	assert_int_equal(lf_headers_analyze(NULL, 1, NULL, &r, &worst, NULL),
	    LF_E_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report),
	    cmocka_unit_test(test_alloc_failure),
	};

	json_set_alloc_funcs(json_malloc, json_free);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
