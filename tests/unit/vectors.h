/*
 * tests/unit/vectors.h: deterministic test input shared by the digest
 * tests.  The expected TLSH and ssdeep values of these bytes come from
 * Debian's tlsh (3.4.4) and ssdeep (2.14.1) tools, run on the same bytes.
 */
#ifndef LF_TEST_VECTORS_H
#define LF_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

/* n bytes of a 32-bit LCG (x = x * 1103515245 + 12345, byte x >> 16). */
static inline void
lcg_bytes(uint8_t *p, size_t n)
{
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

#endif
