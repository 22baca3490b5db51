/*
 * tests/fuzz/fuzz_brands.c: display names, as hostile as a sender makes
 * them, against a brand list; and the list parser on hostile bytes.
 *
 * Properties: the parser returns LF_OK, LF_E_FORMAT or LF_E_NOMEM; a
 * brand found is one of the list's and is found again for the same name;
 * a name is never found borrowing a brand from that brand's own domain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/brands.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char list[] =
    "{\"format\": \"lf-brands\", \"format_version\": 1, \"brands\": ["
    "{\"name\": \"PayPal\", \"words\": [\"paypal\"],"
    " \"domains\": [\"paypal.com\"], \"labels\": [\"paypal\"],"
    " \"source\": \"s\"},"
    "{\"name\": \"Microsoft\", \"words\": [\"microsoft\", \"office 365\","
    " \"microsoft 365 security\"],"
    " \"domains\": [\"microsoft.com\"], \"source\": \"s\"}]}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lf_brands *bs;
	struct lf_brands *other;
	const struct lf_brand *b;
	char name[1024];
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	int rc;

	if (bs == NULL &&
	    lf_brands_parse((const uint8_t *)list, strlen(list), &bs, NULL) !=
	        LF_OK)
		abort();
	memcpy(name, data, n);
	name[n] = '\0';
	b = lf_brands_borrowed(bs, name, "evil.example");
	if (b != NULL) {
		if (b < bs->b || b >= bs->b + bs->count ||
		    lf_brands_borrowed(bs, name, "evil.example") != b ||
		    lf_brands_borrowed(bs, name, b->domains[0]) == b)
			abort();
	}
	rc = lf_brands_parse(data, size, &other, NULL);
	if (rc == LF_OK)
		lf_brands_free(other);
	else if (rc != LF_E_FORMAT && rc != LF_E_NOMEM)
		abort();
	return 0;
}
