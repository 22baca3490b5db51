/*
 * tests/fuzz/fuzz_custody.c: custody log lines and whole logs from
 * hostile bytes.
 *
 * As one line, the input is parsed or refused; a line that parses is in
 * the fixed form, so writing its event again gives the input back.  As a
 * log, it is verified with RFC 8032's test key trusted, once whole and
 * once cut in two at a place the input chooses: both give the same
 * verdict, and a bad verdict names a line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/custody.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rfc_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

static int
verify(const uint8_t *data, size_t size, size_t cut, const struct lf_sigkey *k,
    struct lf_custody_verdict *vd)
{
	struct lf_custody_verifier *v = NULL;
	int rc;

	if ((rc = lf_custody_verifier_new(&v, NULL)) == LF_OK &&
	    (rc = lf_custody_verifier_trust_key(v, k, NULL)) == LF_OK &&
	    (rc = lf_custody_verifier_update(v, data, cut, NULL)) == LF_OK &&
	    (rc = lf_custody_verifier_update(v, data + cut, size - cut,
	         NULL)) == LF_OK)
		rc = lf_custody_verifier_finish(v, vd, NULL);
	lf_custody_verifier_free(v);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_custody_verdict *a = calloc(1, sizeof(*a));
	struct lf_custody_verdict *b = calloc(1, sizeof(*b));
	struct lf_custody_parsed pl;
	struct lf_sigkey *k = NULL;
	struct lf_buf again;
	int ra, rb;

	lf_buf_init(&again, LF_CUSTODY_LINE_MAX + 1);
	if (a == NULL || b == NULL)
		goto done;
	if (lf_custody_parse_line(data, size, &pl, NULL) == LF_OK) {
		if (lf_custody_event_check(&pl.ev, NULL) != LF_OK ||
		    lf_custody_event_line(&pl.ev, &again, NULL) != LF_OK ||
		    again.len != size + 1 ||
		    memcmp(again.data, data, size) != 0)
			abort();
		lf_custody_parsed_release(&pl);
	}
	if (lf_sigkey_load_private((const uint8_t *)rfc_key,
	        sizeof(rfc_key) - 1, NULL, NULL, &k, NULL) != LF_OK)
		abort();
	ra = verify(data, size, size, k, a);
	rb = verify(data, size, size > 0 ? data[0] % (size + 1) : 0, k, b);
	if (ra != rb)
		abort();
	if (ra == LF_OK) {
		if (a->problem != b->problem || a->line != b->line ||
		    a->events != b->events ||
		    strcmp(a->reason, b->reason) != 0 ||
		    memcmp(a->head, b->head, sizeof(a->head)) != 0)
			abort();
		if ((a->problem == LF_CUSTODY_GOOD) != (a->line == 0) ||
		    (a->problem != LF_CUSTODY_GOOD && a->events + 1 != a->line))
			abort();
	}
done:
	lf_buf_release(&again);
	lf_sigkey_free(k);
	free(a);
	free(b);
	return 0;
}
