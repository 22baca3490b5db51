/*
 * Unit tests: lf_brands, the brands a display name may borrow.
 *
 * A display name names a brand by whole words in a row, whatever their
 * case and whatever stands between them ("PAYPAL-Service", "Office 365",
 * not "Amazonas" nor "Office  of 365"); the brand's own domains, the
 * domains below them and, for brands with country sites, any domain whose
 * name is the brand's label (paypal.de) are not borrowing it.  A list with
 * a key missing or a word that is not lowercase ASCII is refused, and the
 * shipped list loads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lf/brands.h"

static const char list[] =
    "{\"format\": \"lf-brands\", \"format_version\": 1, \"brands\": ["
    "{\"name\": \"PayPal\", \"words\": [\"paypal\"],"
    " \"domains\": [\"paypal.com\"], \"labels\": [\"paypal\"],"
    " \"source\": \"s\"},"
    "{\"name\": \"Microsoft\", \"words\": [\"microsoft\", \"office 365\"],"
    " \"domains\": [\"microsoft.com\", \"office.com\"], \"source\": \"s\"},"
    "{\"name\": \"Amazon\", \"words\": [\"amazon\"],"
    " \"domains\": [\"amazon.com\"], \"source\": \"s\"}]}";

static struct lf_brands *
parse(const char *json, int want)
{
	struct lf_brands *bs = NULL;
	struct lf_error err;

	if (lf_brands_parse((const uint8_t *)json, strlen(json), &bs, &err) !=
	    want)
		fail_msg("%s: %s", json, err.msg);
	return bs;
}

static const char *
borrowed(const struct lf_brands *bs, const char *display, const char *org)
{
	const struct lf_brand *b = lf_brands_borrowed(bs, display, org);

	return b != NULL ? b->name : NULL;
}

static void
test_match(void **state)
{
	struct lf_brands *bs = parse(list, LF_OK);

	(void)state;
	assert_int_equal(bs->count, 3);
	assert_string_equal(borrowed(bs, "PayPal Security", "evil.example"),
	    "PayPal");
	assert_string_equal(borrowed(bs, "PAYPAL-Service", "evil.example"),
	    "PayPal");
	assert_string_equal(borrowed(bs, "\"Your Office 365 account\"",
	                        "evil.example"),
	    "Microsoft");
	assert_string_equal(borrowed(bs, "Office\t365", "evil.example"),
	    "Microsoft");
	/* Not whole words, or not in a row. */
	assert_null(borrowed(bs, "Amazonas Tours", "evil.example"));
	assert_null(borrowed(bs, "Office of 365 days", "evil.example"));
	assert_null(borrowed(bs, "Paypalooza", "evil.example"));
	assert_null(borrowed(bs, "", "evil.example"));
	/* Letters outside ASCII split words: "Pаypal" with a Cyrillic а is
	 * the mixed-script check's. */
	assert_null(borrowed(bs, "P\xd0\xb0ypal", "evil.example"));
	assert_string_equal(borrowed(bs, "\xc3\xa9quipe PayPal",
	                        "evil.example"),
	    "PayPal");
	/* The brand's own: its domains, below them, its country sites. */
	assert_null(borrowed(bs, "PayPal", "paypal.com"));
	assert_null(borrowed(bs, "PayPal", "paypal.de"));
	assert_null(borrowed(bs, "PayPal", "paypal.co.uk"));
	assert_null(borrowed(bs, "Microsoft 365", "microsoft.com"));
	assert_null(borrowed(bs, "Microsoft", "account.microsoft.com"));
	assert_null(borrowed(bs, "Office 365", "office.com"));
	/* Look-alikes are not: no label list for Microsoft, and a label
	 * must be the whole name. */
	assert_string_equal(borrowed(bs, "Microsoft", "microsoft.de"),
	    "Microsoft");
	assert_string_equal(borrowed(bs, "Microsoft", "evilmicrosoft.com"),
	    "Microsoft");
	assert_string_equal(borrowed(bs, "PayPal", "paypal-secure.com"),
	    "PayPal");
	assert_string_equal(borrowed(bs, "Amazon", "amazon.com.evil.example"),
	    "Amazon");
	/* Two brands named: the one that is not the sender's. */
	assert_string_equal(borrowed(bs, "PayPal for Microsoft", "paypal.com"),
	    "Microsoft");
	assert_null(lf_brands_borrowed(NULL, "PayPal", "evil.example"));
	lf_brands_free(bs);
	lf_brands_free(NULL);
}

static void
test_long_names(void **state)
{
	struct lf_brands *bs = parse(list, LF_OK);
	char name[8192];
	size_t i;

	(void)state;
	/* Many words, and one very long: bounded, no match past them. */
	for (i = 0; i + 2 < sizeof(name); i += 2) {
		name[i] = 'a';
		name[i + 1] = ' ';
	}
	name[i] = '\0';
	assert_null(borrowed(bs, name, "evil.example"));
	memset(name, 'p', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_null(borrowed(bs, name, "evil.example"));
	lf_brands_free(bs);
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
	    "",
	    "[]",
	    "{\"format\": \"lf-gateway-profile\", \"format_version\": 1,"
	    " \"brands\": []}",
	    "{\"format\": \"lf-brands\", \"format_version\": 2, \"brands\": []}",
	    "{\"format\": \"lf-brands\", \"format_version\": 1, \"brands\": {}}",
	    "{\"format\": \"lf-brands\", \"format_version\": 1, \"brands\": ["
	    "{\"name\": \"X\", \"words\": [\"x\"], \"domains\": [\"x.com\"]}]}",
	    "{\"format\": \"lf-brands\", \"format_version\": 1, \"brands\": ["
	    "{\"name\": \"X\", \"words\": [\"X\"], \"domains\": [\"x.com\"],"
	    " \"source\": \"s\"}]}",
	    "{\"format\": \"lf-brands\", \"format_version\": 1, \"brands\": ["
	    "{\"name\": \"X\", \"words\": [], \"domains\": [\"x.com\"],"
	    " \"source\": \"s\"}]}",
	    "{\"format\": \"lf-brands\", \"format_version\": 1, \"brands\": ["
	    "{\"name\": \"X\", \"words\": [\"x\"], \"domains\": [\"x com\"],"
	    " \"source\": \"s\"}]}",
	    "{\"format\": \"lf-brands\", \"format_version\": 1, \"brands\": ["
	    "{\"name\": \"X\", \"words\": [\"x\"], \"domains\": [\"x.com\"],"
	    " \"labels\": [\"x.y\"], \"source\": \"s\"}]}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(parse(bad[i], LF_E_FORMAT));
}

static void
test_shipped(void **state)
{
	const char *top = getenv("LF_TOP");
	struct lf_brands *bs;
	struct lf_error err;
	char path[4096];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/profiles/brands.json",
	    top != NULL ? top : ".");
	if (lf_brands_load(path, &bs, &err) != LF_OK)
		fail_msg("%s", err.msg);
	assert_true(bs->count >= 15);
	assert_string_equal(borrowed(bs, "DocuSign", "evil.example"),
	    "DocuSign");
	assert_null(borrowed(bs, "DocuSign", "docusign.net"));
	lf_brands_free(bs);
	assert_int_equal(lf_brands_load("/nonexistent", &bs, &err), LF_E_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_long_names),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_shipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
