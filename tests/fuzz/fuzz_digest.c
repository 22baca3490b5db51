/*
 * tests/fuzz/fuzz_digest.c: every algorithm gives the same digest however
 * the input is cut into updates, and TLSH never reads out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
digest_in_pieces(const uint8_t *p, size_t n, size_t step, struct lf_digest *d,
    struct lf_digest_result *res)
{
	size_t off, k;

	if (lf_digest_reset(d, step % 2 ? n : LF_SIZE_UNKNOWN, NULL) != LF_OK)
		return -1;
	for (off = 0; off < n; off += k) {
		k = n - off < step ? n - off : step;
		if (lf_digest_update(d, p + off, k, NULL) != LF_OK)
			return -1;
	}
	return lf_digest_final(d, res, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_digest_result whole, split;
	struct lf_digest *d;
	size_t step;

	if (size < 1 || lf_digest_new(LF_DIGEST_ALL, &d, NULL) != LF_OK)
		return 0;
	step = 1 + data[0] % 97;
	if (digest_in_pieces(data, size, size, d, &whole) != LF_OK ||
	    digest_in_pieces(data, size, step, d, &split) != LF_OK)
		abort();
	if (memcmp(whole.md5, split.md5, 16) != 0 ||
	    memcmp(whole.sha1, split.sha1, 20) != 0 ||
	    memcmp(whole.sha256, split.sha256, 32) != 0 ||
	    memcmp(whole.sha512, split.sha512, 64) != 0 ||
	    strcmp(whole.ssdeep, split.ssdeep) != 0 ||
	    strcmp(whole.tlsh, split.tlsh) != 0 || whole.size != size)
		abort();
	lf_digest_free(d);
	return 0;
}
