/*
 * Unit tests: lf_hblock.
 *
 * The invariant every case checks: the fields' raw spans, end to end, are
 * the block as written, so no byte is lost or moved by the split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/hblock.h"

struct seen {
	char codes[512];
};

static void
collect(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;
	size_t len = strlen(s->codes);

	snprintf(s->codes + len, sizeof(s->codes) - len, "%s@%llu ", a->code,
	    (unsigned long long)a->offset);
}

static void
parse(const char *text, size_t max, struct lf_hblock *b, struct seen *s)
{
	size_t n = strlen(text), i, at = 0;

	memset(s, 0, sizeof(*s));
	assert_int_equal(lf_hblock_parse((const uint8_t *)text, n, max, b,
	                     collect, s, NULL),
	    LF_OK);
	for (i = 0; i < b->count; i++) {
		assert_int_equal(b->fields[i].offset, at);
		assert_ptr_equal(b->fields[i].raw, (const uint8_t *)text + at);
		at += b->fields[i].raw_len;
	}
	if (b->complete)
		assert_true(b->body_offset > at);
	else
		assert_int_equal(at, n);
}

static void
field_is(const struct lf_hfield *f, const char *name, const char *value)
{
	if (f->name_len != strlen(name) ||
	    memcmp(f->name, name, f->name_len) != 0)
		fail_msg("name \"%.*s\", want \"%s\"", (int)f->name_len,
		    (const char *)f->name, name);
	if (f->value_len != strlen(value) ||
	    memcmp(f->value, value, f->value_len) != 0)
		fail_msg("value \"%.*s\", want \"%s\"", (int)f->value_len,
		    (const char *)f->value, value);
}

static void
test_fields_and_body(void **state)
{
	const char *m = "Received: from a\r\n\tby b; Tue, 1 Jan 2019\r\n"
	                "Subject: hi\r\nsubject: again\n"
	                "X-Empty:\r\n\r\nbody\r\n";
	struct lf_hblock b;
	struct seen s;

	(void)state;
	parse(m, 100, &b, &s);
	assert_true(b.complete);
	assert_int_equal(b.count, 4);
	field_is(&b.fields[0], "Received",
	    " from a\r\n\tby b; Tue, 1 Jan 2019");
	assert_int_equal(b.fields[0].raw_len,
	    strlen("Received: from a\r\n"
	           "\tby b; Tue, 1 Jan 2019\r\n"));
	field_is(&b.fields[1], "Subject", " hi");
	field_is(&b.fields[2], "subject", " again");
	assert_int_equal(b.fields[2].raw_len, strlen("subject: again\n"));
	field_is(&b.fields[3], "X-Empty", "");
	assert_string_equal(m + b.body_offset, "body\r\n");
	assert_int_equal(lf_hblock_count(&b, "SUBJECT"), 2);
	assert_true(lf_hfield_is(&b.fields[0], "received"));
	assert_false(lf_hfield_is(&b.fields[0], "receive"));
	assert_string_equal(s.codes, "");
	lf_hblock_release(&b);
	assert_null(b.fields);
}

static void
test_no_body(void **state)
{
	struct lf_hblock b;
	struct seen s;

	(void)state;
	parse("From: a\nTo: b", 100, &b, &s);
	assert_false(b.complete);
	assert_int_equal(b.count, 2);
	field_is(&b.fields[1], "To", " b");
	assert_int_equal(b.body_offset, strlen("From: a\nTo: b"));
	lf_hblock_release(&b);

	parse("", 100, &b, &s);
	assert_int_equal(b.count, 0);
	assert_false(b.complete);
	lf_hblock_release(&b);

	parse("\r\nbody", 100, &b, &s);
	assert_true(b.complete);
	assert_int_equal(b.count, 0);
	assert_int_equal(b.body_offset, 2);
	lf_hblock_release(&b);
}

static void
test_malformed(void **state)
{
	struct lf_hblock b;
	struct seen s;

	(void)state;
	parse(" folded first\nSubject : x\nnot a field\n\tcont\nA:1\n\n", 100,
	    &b, &s);
	assert_int_equal(b.count, 4);
	field_is(&b.fields[0], "", " folded first");
	field_is(&b.fields[1], "Subject", " x");
	assert_true(lf_hfield_is(&b.fields[1], "subject"));
	field_is(&b.fields[2], "not a field", "\n\tcont");
	field_is(&b.fields[3], "A", "1");
	assert_string_equal(s.codes,
	    "header.leading-fold@0 "
	    "header.space-before-colon@14 "
	    "header.no-colon@26 ");
	lf_hblock_release(&b);
}

static void
test_nul_and_cr(void **state)
{
	static const uint8_t m[] = "A: x\0y\r\nB:\rz\n\n";
	struct lf_hblock b;

	(void)state;
	assert_int_equal(lf_hblock_parse(m, sizeof(m) - 1, 10, &b, NULL, NULL,
	                     NULL),
	    LF_OK);
	assert_int_equal(b.count, 2);
	assert_int_equal(b.fields[0].value_len, 4);
	assert_memory_equal(b.fields[0].value, " x\0y", 4);
	/* A lone CR is not a line end. */
	assert_int_equal(b.fields[1].value_len, 2);
	assert_int_equal(b.body_offset, sizeof(m) - 1);
	lf_hblock_release(&b);
}

static void
test_too_many(void **state)
{
	struct lf_hblock b;
	struct seen s;

	(void)state;
	parse("A: 1\nB: 2\nC: 3\n\tc\nD: 4\n\nbody", 2, &b, &s);
	assert_int_equal(b.count, 3);
	field_is(&b.fields[1], "B", " 2");
	field_is(&b.fields[2], "", "C: 3\n\tc\nD: 4");
	assert_string_equal(s.codes, "header.too-many-fields@10 ");
	assert_true(b.complete);
	lf_hblock_release(&b);
}

static void
test_alloc_failure(void **state)
{
	char m[4096] = "";
	struct lf_hblock b = {NULL, 7, 7, true};
	struct lf_error err;
	int i;

	(void)state;
	for (i = 0; i < 200; i++)
		memcpy(m + 5 * i, "X: y\n", 5);
	failalloc_after(1);
	assert_int_equal(lf_hblock_parse((const uint8_t *)m, strlen(m), 1000,
	                     &b, NULL, NULL, &err),
	    LF_E_NOMEM);
	failalloc_off();
	assert_int_equal(b.count, 7); /* untouched */
	assert_int_equal(lf_hblock_parse(NULL, 1, 10, &b, NULL, NULL, &err),
	    LF_E_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields_and_body),
	    cmocka_unit_test(test_no_body),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_nul_and_cr),
	    cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
