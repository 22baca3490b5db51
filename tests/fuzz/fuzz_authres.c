/*
 * tests/fuzz/fuzz_authres.c: Authentication-Results and
 * ARC-Authentication-Results values from hostile bytes.
 *
 * Properties: any bytes give LF_OK or LF_E_FORMAT, never another error;
 * LF_E_FORMAT leaves the result pointer alone; every string lies inside
 * the arena, ends with a NUL there and is valid UTF-8; names are
 * lowercase keywords; the limits hold; every result's evidence span and
 * every property's offset lie inside the input; properties belong to
 * their result; lookups find what is there; and every anomaly has a
 * code and an offset inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/authres.h"
#include "lf/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_anomaly(void *arg, const struct lf_anomaly *a)
{
	size_t size = *(const size_t *)arg;

	if (a->code == NULL || strncmp(a->code, "authres.", 8) != 0 ||
	    a->offset > size || a->severity > LF_SEV_HIGH)
		abort();
}

static void
check_str(const struct lf_authres *ar, const char *s)
{
	const char *lo = (const char *)ar->strings.data;
	size_t len;

	if (s == NULL || lo == NULL || s < lo ||
	    (size_t)(s - lo) >= ar->strings.len)
		abort();
	len = strnlen(s, ar->strings.len - (size_t)(s - lo));
	if ((size_t)(s - lo) + len >= ar->strings.len ||
	    !lf_utf8_valid((const uint8_t *)s, len))
		abort();
}

static void
check_name(const struct lf_authres *ar, const char *s, bool may_be_empty)
{
	check_str(ar, s);
	if (*s == '\0' && !may_be_empty)
		abort();
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		        *s == '-' || *s == '_'))
			abort();
	}
}

static void
check(const struct lf_authres *ar, size_t size)
{
	size_t i, k, total = 0;

	if (ar->authserv_id != NULL)
		check_str(ar, ar->authserv_id);
	if (ar->authserv_id == NULL && !ar->no_result && ar->nresults == 0)
		abort();
	if (ar->nresults > LF_AUTHRES_MAX_RESULTS ||
	    (ar->nresults > 0) != (ar->results != NULL) ||
	    (ar->nprops > 0) != (ar->props != NULL) ||
	    ar->strings.len > 8 * size + 64)
		abort();
	for (i = 0; i < ar->nresults; i++) {
		const struct lf_authres_result *r = &ar->results[i];

		check_name(ar, r->method, false);
		check_name(ar, r->result, true);
		if (r->reason != NULL)
			check_str(ar, r->reason);
		if (r->comment != NULL) {
			check_str(ar, r->comment);
			if (r->comment[0] == '\0')
				abort();
		}
		if (r->offset >= size || r->length == 0 ||
		    r->length > size - r->offset ||
		    r->nprops > LF_AUTHRES_MAX_PROPS ||
		    (r->nprops > 0) != (r->props != NULL) ||
		    (r->nprops > 0 &&
		        (r->props != ar->props + total ||
		            total + r->nprops > ar->nprops)))
			abort();
		for (k = 0; k < r->nprops; k++) {
			const struct lf_authres_prop *pr = &r->props[k];

			check_name(ar, pr->ptype, true);
			check_name(ar, pr->property, false);
			check_str(ar, pr->value);
			if (pr->offset < r->offset ||
			    pr->offset >= r->offset + r->length ||
			    lf_authres_prop(r, pr->ptype, pr->property) == NULL)
				abort();
		}
		total += r->nprops;
	}
	if (total != ar->nprops)
		abort();
}

static void
run(const uint8_t *data, size_t size, bool arc)
{
	struct lf_authres *ar, sentinel;
	struct lf_error e;
	int rc;

	ar = &sentinel;
	rc = (arc ? lf_authres_parse_arc : lf_authres_parse)(data, size, &ar,
	    check_anomaly, &size, &e);
	if (rc == LF_E_FORMAT) {
		if (ar != &sentinel || e.code != LF_E_FORMAT)
			abort();
		return;
	}
	if (rc != LF_OK || ar == &sentinel)
		abort();
	check(ar, size);
	lf_authres_free(ar);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, false);
	run(data, size, true);
	return 0;
}
