/*
 * Unit tests: lf_sender.
 *
 * Mailboxes as readers show them, and hostile values: every prefix of a
 * field read without going past it (ASan), no address, unclosed quotes
 * and comments.  Domains in punycode read back into Unicode, and labels
 * that are not valid A-labels refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lf/sender.h"

static void
mailbox(const char *v, const char *address, const char *domain,
    const char *display)
{
	struct lf_mailbox m;
	bool ok = lf_mailbox_read((const uint8_t *)v, strlen(v), NULL, &m);

	if (address == NULL) {
		if (ok)
			fail_msg("%s: read \"%s\"", v, m.address);
		return;
	}
	if (!ok || strcmp(m.address, address) != 0 ||
	    strcmp(m.domain, domain) != 0 || strcmp(m.display, display) != 0)
		fail_msg("%s: \"%s\" \"%s\" \"%s\"", v, m.address, m.domain,
		    m.display);
}

static void
test_forms(void **state)
{
	(void)state;
	mailbox(" a@Example.COM", "a@Example.COM", "example.com", "");
	mailbox(" \"Doe, John\" <j@x.org>, b@y.org", "j@x.org", "x.org",
	    "Doe, John");
	mailbox(" John (the <boss>) <j@x.org>", "j@x.org", "x.org", "John");
	mailbox(" =?utf-8?Q?Jos=C3=A9?= <j@x.org>", "j@x.org", "x.org",
	    "Jos\xc3\xa9");
	mailbox(" a@b.example (comment), c@d", "a@b.example", "b.example", "");
	mailbox(" \"q@evil\"@real.example", "q@evil@real.example",
	    "real.example", "");
	mailbox(" <>", NULL, NULL, NULL);
	mailbox(" undisclosed-recipients:;", NULL, NULL, NULL);
	mailbox(" \"unclosed <a@b.c>", NULL, NULL, NULL);
	mailbox(" (unclosed <a@b.c>", NULL, NULL, NULL);
	mailbox("", NULL, NULL, NULL);
}

static void
test_display_address(void **state)
{
	char d[LF_PSL_DOMAIN_MAX + 1];

	(void)state;
	assert_true(lf_display_names_address("service@PayPal.com.", d));
	assert_string_equal(d, "paypal.com");
	assert_true(lf_display_names_address("Bank <x@bank.example>", d));
	assert_string_equal(d, "bank.example");
	assert_false(lf_display_names_address("@home", d));
	assert_false(lf_display_names_address("me@localhost", d));
	assert_false(lf_display_names_address("no address", d));
}

static void
test_mixed_script(void **state)
{
	(void)state;
	assert_true(lf_mixed_script("p\xd0\xb0ypal"));        /* Cyrillic a */
	assert_true(lf_mixed_script("Support \xce\x91pple")); /* Greek A */
	assert_false(lf_mixed_script("paypal.com"));
	assert_false(lf_mixed_script("\xd0\x9f\xd1\x80\xd0\xb8 paypal"));
	assert_false(lf_mixed_script("caf\xc3\xa9 au lait"));
	assert_false(lf_mixed_script("a-1 \xd0\xb0-2"));
	assert_false(lf_mixed_script("\xff\xfe"));
	assert_false(lf_mixed_script(""));
}

/* d read into Unicode: the state, and the text when decoded. */
static void
idn(const char *d, enum lf_idn want, const char *text)
{
	char out[LF_SENDER_UDOMAIN_MAX + 1];
	enum lf_idn got;

	if (lf_domain_unicode(d, out, &got) != LF_OK)
		fail_msg("%s: failed", d);
	if (got != want)
		fail_msg("%s: state %d, want %d", d, (int)got, (int)want);
	if (text != NULL && strcmp(out, text) != 0)
		fail_msg("%s: read \"%s\", want \"%s\"", d, out, text);
}

static void
test_domain_unicode(void **state)
{
	char out[LF_SENDER_UDOMAIN_MAX + 1], longer[LF_PSL_DOMAIN_MAX + 2];
	enum lf_idn st;

	(void)state;
	idn("example.com", LF_IDN_NONE, "example.com");
	idn("", LF_IDN_NONE, "");
	/* "apple" in Cyrillic letters, the 2017 demonstration of
	 * whole-script look-alikes (xn--80ak6aa92e.com): decoded, but no
	 * word mixes scripts. */
	idn("xn--80ak6aa92e.com", LF_IDN_DECODED,
	    "\xd0\xb0\xd1\x80\xd1\x80\xd3\x8f\xd0\xb5.com");
	idn("a.xn--mnchen-3ya.de", LF_IDN_DECODED, "a.m\xc3\xbcnchen.de");
	assert_int_equal(lf_domain_unicode("xn--pypal-4ve.example", out, &st),
	    LF_OK);
	assert_int_equal(st, LF_IDN_DECODED);
	assert_string_equal(out, "p\xd0\xb0ypal.example");
	assert_true(lf_mixed_script(out));
	assert_int_equal(lf_domain_unicode("xn--80ak6aa92e.com", out, &st),
	    LF_OK);
	assert_false(lf_mixed_script(out));
	/* The ASCII form's case is no part of the name. */
	idn("XN--PYPAL-4VE.example", LF_IDN_DECODED, NULL);
	/* Not A-labels: bad digits, a label that decodes to nothing or to
	 * ASCII only, an overflowing delta, a symbol IDNA2008 disallows,
	 * one longer than 63 bytes; the whole domain is then refused. */
	idn("xn--zz.com", LF_IDN_INVALID, "");
	idn("xn--.com", LF_IDN_INVALID, "");
	idn("xn--a.com", LF_IDN_INVALID, "");
	idn("xn--abc-.com", LF_IDN_INVALID, "");
	idn("xn--99999999999999999999999.com", LF_IDN_INVALID, "");
	idn("xn--n3h.com", LF_IDN_INVALID, "");
	idn("ok.xn--pypal-4ve.xn--zz", LF_IDN_INVALID, "");
	idn("xn--pypal-4ve"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
	    LF_IDN_INVALID, "");
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(lf_domain_unicode(longer, out, &st), LF_E_LIMIT);
	assert_int_equal(st, LF_IDN_NONE);
}

static void
test_prefixes(void **state)
{
	static const char v[] = " \"A (b) \\\"c\" (d (e)) <x@y.example>, "
	                        "=?utf-8?B?YUBiLmM=?= <z@w.example>";
	struct lf_mailbox m;
	size_t i;

	(void)state;
	for (i = 0; i <= sizeof(v) - 1; i++) {
		uint8_t *copy = malloc(i + 1);
		assert_non_null(copy);
		memcpy(copy, v, i);
		(void)lf_mailbox_read(copy, i, NULL, &m);
		free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_display_address),
	    cmocka_unit_test(test_mixed_script),
	    cmocka_unit_test(test_domain_unicode),
	    cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
