/*
 * lf/brands.h: brands a display name may borrow, and the domains that
 * are really theirs (profiles/brands.json), so that
 * "PayPal Security" <alerts@example.net> can be told from mail PayPal
 * sends.
 *
 *	{"format": "lf-brands", "format_version": 1,
 *	 "brands": [{"name": "PayPal", "words": ["paypal"],
 *	             "domains": ["paypal.com"], "labels": ["paypal"],
 *	             "source": "..."}]}
 *
 * "words" are what a display name says, lowercase ASCII, one or more
 * words each ("bank of america"); a display name names the brand when
 * its words, read lowercase with anything but ASCII letters and digits
 * between them, hold one of them in a row.  An organizational domain is
 * the brand's when it is one of "domains", or when its name (its first
 * label, the public suffix after it) is one of "labels": the brand's
 * country domains (paypal.de, amazon.co.uk).
 */
#ifndef LF_BRANDS_H
#define LF_BRANDS_H

#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

#define LF_BRANDS_FILE_MAX (1024 * 1024) /* bytes of the list */

struct lf_brand {
	char *name;
	char **words, **domains, **labels;
	size_t nwords, ndomains, nlabels;
	char *source;
};

struct lf_brands {
	struct lf_brand *b;
	size_t count;
};

/*
 * lf_brands_parse: the list from the n bytes of JSON at p.  Returns LF_OK
 * and a new list in *out (free with lf_brands_free), LF_E_FORMAT saying
 * what is wrong, or LF_E_NOMEM.
 */
int lf_brands_parse(const uint8_t *p, size_t n, struct lf_brands **out,
    struct lf_error *err);

/*
 * lf_brands_load: the list in the file at path.  Errors as
 * lf_brands_parse, and LF_E_IO when it cannot be read.
 */
int
lf_brands_load(const char *path, struct lf_brands **out, struct lf_error *err);

/*
 * lf_brands_borrowed: the first brand that display (UTF-8) names while
 * org (an organizational domain, lowercase) is not one of its own, or
 * NULL.  The brand is borrowed from bs.
 */
const struct lf_brand *lf_brands_borrowed(const struct lf_brands *bs,
    const char *display, const char *org);

/* lf_brands_free: NULL is allowed. */
void lf_brands_free(struct lf_brands *bs);

#endif
