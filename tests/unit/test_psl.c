/*
 * Unit tests: lf_psl.
 *
 * Every checkPublicSuffix line of the list's own test file, as Debian's
 * publicsuffix package ships it beside the list (test_psl.txt), against
 * the list Debian ships; a small list of our own for the rule kinds; and
 * allocation failure.
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
#include "lf/psl.h"

#define TESTS "/usr/share/doc/publicsuffix/examples/test_psl.txt"

/* The quoted argument at *s ("null" gives NULL); *s moves past it. */
static const char *
argument(char **s)
{
	char *p = *s, *q;

	while (*p == ' ' || *p == '(' || *p == ',')
		p++;
	if (strncmp(p, "null", 4) == 0) {
		*s = p + 4;
		return NULL;
	}
	if (*p != '\'' || (q = strchr(p + 1, '\'')) == NULL)
		fail_msg("cannot read: %s", *s);
	*q = '\0';
	*s = q + 1;
	return p + 1;
}

static void
test_upstream_vectors(void **state)
{
	struct lf_psl *p;
	struct lf_error err;
	char line[1024], out[LF_PSL_DOMAIN_MAX + 1];
	size_t checked = 0, idn_skipped = 0;
	FILE *fp;

	(void)state;
	if (lf_psl_load(LF_PSL_DEFAULT, &p, &err) != LF_OK)
		fail_msg("%s", err.msg);
	if ((fp = fopen(TESTS, "r")) == NULL)
		fail_msg("cannot open %s", TESTS);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *s = line;
		const char *in, *want;
		size_t n;
		if (strncmp(line, "checkPublicSuffix(", 18) != 0)
			continue;
		s += 17;
		in = argument(&s);
		want = argument(&s);
		if (in == NULL) {
			assert_null(want);
			continue;
		}
		/* Punycode against rules written in Unicode needs IDNA,
		 * which this reader does not do: those are counted. */
		if (strstr(in, "xn--") != NULL) {
			idn_skipped++;
			continue;
		}
		n = lf_psl_org_domain(p, in, strlen(in), out);
		if (want == NULL ? n != 0 : strcmp(out, want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", in, out,
			    want != NULL ? want : "(none)");
		checked++;
	}
	fclose(fp);
	lf_psl_free(p);
	print_message("%zu vectors, %zu punycode ones left out\n", checked,
	    idn_skipped);
	assert_true(checked > 60);
}

static void
test_rule_kinds(void **state)
{
	static const char list[] = "// a note\ncom\n*.ck\n!www.ck\nuk\nco.uk\n"
	                           "\n  \nblogspot.com extra words\n";
	char out[LF_PSL_DOMAIN_MAX + 1];
	struct lf_psl *p;

	(void)state;
	assert_int_equal(lf_psl_parse(list, strlen(list), &p, NULL), LF_OK);
	assert_int_equal(lf_psl_org_domain(p, "a.b.Example.COM.", 16, out), 11);
	assert_string_equal(out, "example.com");
	assert_int_equal(lf_psl_org_domain(p, "x.y.blogspot.com", 16, out), 14);
	assert_string_equal(out, "y.blogspot.com");
	assert_int_equal(lf_psl_org_domain(p, "a.b.c.ck", 8, out), 6);
	assert_string_equal(out, "b.c.ck");
	assert_int_equal(lf_psl_org_domain(p, "a.www.ck", 8, out), 6);
	assert_string_equal(out, "www.ck");
	assert_int_equal(lf_psl_org_domain(p, "co.uk", 5, out), 0);
	assert_int_equal(lf_psl_org_domain(p, "mail.bbc.co.uk", 14, out), 9);
	assert_string_equal(out, "bbc.co.uk");
	assert_int_equal(lf_psl_org_domain(p, "a..b.com", 8, out), 0);
	assert_int_equal(lf_psl_org_domain(p, ".com", 4, out), 0);
	assert_int_equal(lf_psl_org_domain(p, "", 0, out), 0);
	assert_int_equal(lf_psl_org_domain(p, "a\0b.com", 7, out), 0);
	/* Unlisted TLD: the rule "*". */
	assert_int_equal(lf_psl_org_domain(p, "x.example.test", 14, out), 12);
	lf_psl_free(p);
	assert_int_equal(lf_psl_parse("// only notes\n", 14, &p, NULL),
	    LF_E_FORMAT);
}

static void
test_alloc_failure(void **state)
{
	static const char list[] = "com\nuk\n";
	struct lf_psl *p = NULL;
	long n;

	(void)state;
	for (n = 0; n < 3; n++) {
		failalloc_after(n);
		assert_int_equal(lf_psl_parse(list, strlen(list), &p, NULL),
		    LF_E_NOMEM);
		failalloc_off();
	}
	assert_int_equal(lf_psl_parse(list, strlen(list), &p, NULL), LF_OK);
	lf_psl_free(p);
	assert_int_equal(lf_psl_load("/nonexistent", &p, NULL), LF_E_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_upstream_vectors),
	    cmocka_unit_test(test_rule_kinds),
	    cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
