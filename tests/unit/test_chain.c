/*
 * Unit tests: lf_chain.
 *
 * The chain of the xen-devel sample (../shared/corpora/headers, whose
 * SOURCE note reads it bottom-up: Gmail, a MessageLabs tower, a symcld.net
 * back end, mail6.bemta25.messagelabs.com, then the list's own servers),
 * with and without the user's servers named, and crafted chains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "corpora.h"
#include "failalloc.h"
#include "lf/chain.h"

struct seen {
	char codes[1024];
};

static void
collect(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;
	size_t len = strlen(s->codes);

	if (strncmp(a->code, "chain.", 6) == 0)
		snprintf(s->codes + len, sizeof(s->codes) - len, "%s ",
		    a->code);
}

static char sample[65536];

static void
build(const char *text, const char *const *trusted, size_t ntrusted,
    struct lf_hblock *b, struct lf_chain *c, struct seen *s)
{
	struct lf_chain_opts o = {trusted, ntrusted};

	memset(s, 0, sizeof(*s));
	assert_int_equal(lf_hblock_parse((const uint8_t *)text, strlen(text),
	                     1000, b, NULL, NULL, NULL),
	    LF_OK);
	assert_int_equal(lf_chain_build(b, &o, c, collect, s, NULL), LF_OK);
}

static void
test_xen_trusted(void **state)
{
	static const char *const mine[] = {"mail.lfdr.de",
	    "LISTS.xenproject.org."};
	static const int64_t delays[] = {259, 38, 1, 0, 0, 1};
	static const bool links[] = {true, true, false, false, false, true};
	struct lf_hblock b;
	struct lf_chain c;
	struct seen s;
	size_t i;

	(void)state;
	corpora_read_headers("symantec-ess-inbound-xen-2019.hdr", sample,
	    sizeof(sample));
	build(sample, mine, 2, &b, &c, &s);
	assert_int_equal(c.count, 7);
	assert_true(c.boundary_named);
	assert_int_equal(c.trusted, 3);
	assert_true(c.hops[2].trusted);
	assert_false(c.hops[3].trusted);
	/* The border: lists.xenproject.org took it from MessageLabs. */
	assert_ptr_equal(lf_chain_border(&c), &c.hops[2]);
	assert_string_equal(c.hops[2].r.ip, "195.245.230.169");
	assert_int_equal(c.hops[2].r.date.utc, 1558434688);
	for (i = 0; i < 6; i++) {
		assert_true(c.hops[i].has_delay);
		assert_int_equal(c.hops[i].delay, delays[i]);
		assert_int_equal(c.hops[i].linked, links[i]);
	}
	assert_false(c.hops[6].has_delay);
	/* The tower hands on to a back end of another name: a note only;
	 * the qmail line names no server. */
	assert_string_equal(s.codes, "chain.gap ");
	lf_chain_release(&c);
	lf_hblock_release(&b);
}

static void
test_xen_default(void **state)
{
	struct lf_hblock b;
	struct lf_chain c;
	struct seen s;

	(void)state;
	corpora_read_headers("symantec-ess-inbound-xen-2019.hdr", sample,
	    sizeof(sample));
	build(sample, NULL, 0, &b, &c, &s);
	assert_false(c.boundary_named);
	assert_int_equal(c.trusted, 1);
	assert_string_equal(lf_chain_border(&c)->r.ip, "192.237.175.120");
	lf_chain_release(&c);
	lf_hblock_release(&b);

	/* Servers named, but not the one on top. */
	static const char *const other[] = {"*.example.org"};
	build(sample, other, 1, &b, &c, &s);
	assert_int_equal(c.trusted, 0);
	assert_null(lf_chain_border(&c));
	assert_string_equal(s.codes, "chain.untrusted-top chain.gap ");
	lf_chain_release(&c);
	lf_hblock_release(&b);
}

static void
test_crafted(void **state)
{
	static const char *const mine[] = {"*.example.net"};
	const char *m =
	    "Received: from relay.example.net ([10.0.0.2]) by "
	    "mx1.example.net; 1 Jan 2024 10:00:00 +0000\n"
	    "Received: from evil.example (evil.example [203.0.113.9]) by "
	    "relay.example.net (10.0.0.2); 1 Jan 2024 10:00:05 +0000\n"
	    "Received: from x by gateway.vendor.example; garbage\n"
	    "Received: from y by z\n"
	    "Subject: s\n\n";
	struct lf_hblock b;
	struct lf_chain c;
	struct seen s;

	(void)state;
	build(m, mine, 1, &b, &c, &s);
	assert_int_equal(c.count, 4);
	assert_int_equal(c.trusted, 2);
	assert_string_equal(lf_chain_border(&c)->r.ip, "203.0.113.9");
	assert_int_equal(c.hops[0].delay, -5);
	assert_true(c.hops[0].linked); /* from = by */
	assert_false(c.hops[1].has_delay);
	assert_false(c.hops[1].linked);
	assert_int_equal(c.hops[3].field, 3);
	assert_string_equal(s.codes,
	    "chain.no-date chain.no-date "
	    "chain.negative-delay chain.gap "
	    "chain.gap ");
	lf_chain_release(&c);
	lf_hblock_release(&b);

	build("Subject: none\n\n", mine, 1, &b, &c, &s);
	assert_int_equal(c.count, 0);
	assert_null(lf_chain_border(&c));
	assert_string_equal(s.codes, "chain.no-received ");
	lf_chain_release(&c);
	lf_hblock_release(&b);
}

static void
test_host_matches(void **state)
{
	(void)state;
	assert_true(lf_host_matches((const uint8_t *)"MX.Example.NET.", 15,
	    "mx.example.net"));
	assert_true(lf_host_matches((const uint8_t *)"a.b.example.net", 15,
	    "*.example.net"));
	assert_false(lf_host_matches((const uint8_t *)"example.net", 11,
	    "*.example.net"));
	assert_false(lf_host_matches((const uint8_t *)"badexample.net", 14,
	    "*.example.net"));
	assert_false(lf_host_matches((const uint8_t *)"", 0, ""));
	assert_false(lf_host_matches((const uint8_t *)"mx.example.net.evil", 19,
	    "mx.example.net"));
}

static void
test_alloc_failure(void **state)
{
	const char *m = "Received: by a; 1 Jan 2024 00:00:00 +0000\n\n";
	struct lf_hblock b;
	struct lf_chain c = {NULL, 9, 9, true};

	(void)state;
	assert_int_equal(lf_hblock_parse((const uint8_t *)m, strlen(m), 10, &b,
	                     NULL, NULL, NULL),
	    LF_OK);
	failalloc_after(0);
	assert_int_equal(lf_chain_build(&b, NULL, &c, NULL, NULL, NULL),
	    LF_E_NOMEM);
	failalloc_off();
	assert_int_equal(c.count, 9); /* untouched */
	assert_int_equal(lf_chain_build(NULL, NULL, &c, NULL, NULL, NULL),
	    LF_E_INVAL);
	lf_hblock_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xen_trusted),
	    cmocka_unit_test(test_xen_default),
	    cmocka_unit_test(test_crafted),
	    cmocka_unit_test(test_host_matches),
	    cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
