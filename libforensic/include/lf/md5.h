/*
 * lf/md5.h: MD5 (RFC 1321), one stream or many at once.
 *
 * One MD5 stream cannot use more than a fraction of a modern core: each
 * step waits for the one before.  lf_md5_update_streams runs up to 16
 * independent streams side by side in the lanes of the vector unit (AVX-512
 * or AVX2 when the processor has them, chosen at run time), which is how
 * hashing many files goes past what one stream per core can do.  Each
 * stream's result is the same as with lf_md5_update.  The environment
 * variable LF_MD5_KERNEL ("avx2", "generic", "scalar") caps the choice, to
 * test and time each kernel.
 *
 * Storage is caller-owned (_init); nothing is allocated.
 */
#ifndef LF_MD5_H
#define LF_MD5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LF_MD5_LANES 16 /* most streams run side by side */

struct lf_md5 {
	uint32_t h[4];
	uint64_t len;    /* bytes fed */
	uint8_t buf[64]; /* a partial block */
	unsigned nbuf;
};

/*
 * lf_md5_init: start a digest.
 */
void lf_md5_init(struct lf_md5 *m);

/*
 * lf_md5_update: add n bytes.
 */
void lf_md5_update(struct lf_md5 *m, const void *p, size_t n);

/*
 * The caller's source of pieces: set *p and *n to the next piece of stream
 * number `stream' and return true, or return false when it has no more.
 */
typedef bool (
    *lf_md5_piece_fn)(void *arg, size_t stream, const uint8_t **p, size_t *n);

/*
 * lf_md5_update_streams: add to each stream ms[i], i below count (any
 * number), the pieces piece() gives for it, in order.  Streams run side by
 * side, and a lane whose stream has no more data takes the next stream, so
 * the vector lanes stay full even when streams differ in length.  The
 * streams must be distinct.
 */
void lf_md5_update_streams(struct lf_md5 *const ms[], size_t count,
    lf_md5_piece_fn piece, void *arg);

/*
 * lf_md5_final: write the 16-byte digest.  The stream must be initialized
 * again before reuse.
 */
void lf_md5_final(struct lf_md5 *m, uint8_t out[16]);

/*
 * lf_md5_kernel: the multi-stream code in use: "avx512", "avx2",
 * "generic" (128-bit vectors) or "scalar".  Static.
 */
const char *lf_md5_kernel(void);

#endif
