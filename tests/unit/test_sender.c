/*
 * Unit tests: lf_sender.
 *
 * Mailboxes as readers show them, and hostile values: every prefix of a
 * field read without going past it (ASan), no address, unclosed quotes
 * and comments.
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
	    cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
