/*
 * lf/tlsh.h: TLSH, the Trend Micro locality sensitive hash.
 *
 * The digest is the one VirusTotal and MalwareBazaar show: "T1" followed by
 * 70 hex digits (128 buckets, 1-byte checksum), computed as TLSH 4 does.
 * Debian's tlsh tool (3.4.4) prints the same 70 digits without "T1" for
 * inputs of 256 bytes or more; TLSH 4, and so this implementation, also
 * hashes inputs from 50 bytes.  The digest is not defined (the final call
 * returns false) for shorter inputs, for inputs of 4 GiB or more (the
 * reference counts length in 32 bits), and for inputs too uniform to fill
 * more than half of the buckets.
 *
 * Storage is caller-owned (_init); nothing is allocated.
 */
#ifndef LF_TLSH_H
#define LF_TLSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LF_TLSH_HEXLEN 72 /* "T1" + 70 hex digits */

struct lf_tlsh {
	uint32_t bucket[256];
	uint64_t len;      /* bytes seen */
	uint8_t recent[4]; /* the last 4 bytes seen, oldest first */
	uint8_t checksum;
};

/*
 * lf_tlsh_init: start a new digest.
 */
void lf_tlsh_init(struct lf_tlsh *t);

/*
 * lf_tlsh_update: add n bytes.  Any split of the input into updates gives
 * the same digest.
 */
void lf_tlsh_update(struct lf_tlsh *t, const uint8_t *p, size_t n);

/*
 * lf_tlsh_final: write the digest ("T1" + 70 uppercase hex digits and a
 * NUL) to out and return true, or return false and write "" when the digest
 * is not defined for this input.  The state is not changed, so more data
 * may follow.
 */
bool lf_tlsh_final(const struct lf_tlsh *t, char out[LF_TLSH_HEXLEN + 1]);

#endif
