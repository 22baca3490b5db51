/*
 * tests/fuzz/fuzz_rtfcp.c: compressed-RTF decompression on hostile bytes.
 *
 * Properties: it returns LF_OK or LF_E_FORMAT (never LF_E_NOMEM with
 * memory to spare), never writes past the output limit, and an input
 * that decompresses does so the same way twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/rtfcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUT (256 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_buf a, b;
	int rc;

	lf_buf_init(&a, MAX_OUT);
	lf_buf_init(&b, MAX_OUT);
	rc = lf_rtfcp_decompress(data, size, &a, NULL, NULL, NULL);
	if (rc != LF_OK && rc != LF_E_FORMAT)
		abort();
	if (a.len > MAX_OUT)
		abort();
	if (rc == LF_OK) {
		if (lf_rtfcp_decompress(data, size, &b, NULL, NULL, NULL) !=
		        LF_OK ||
		    a.len != b.len ||
		    (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
			abort();
	}
	lf_buf_release(&a);
	lf_buf_release(&b);
	return 0;
}
