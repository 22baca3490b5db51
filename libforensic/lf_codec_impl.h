/*
 * lf_codec_impl.h: what each decoder file provides to lf_codec.c.
 * Private to the library.
 *
 * A decoder is a state struct of its own plus these operations.  The
 * common part (struct lf_decoder in lf_codec.c) counts input offsets and
 * routes output and anomalies; the codec files only decode.
 */
#ifndef LF_CODEC_IMPL_H
#define LF_CODEC_IMPL_H

#include "lf/codec.h"

/* The services a codec calls back into. */
struct lf_codec_sink {
	/* Emit decoded bytes; a non-zero return must be passed back up. */
	int (*emit)(struct lf_codec_sink *s, unsigned stream, const uint8_t *p,
	    size_t n);
	/* Report an anomaly at offset (in the decoder's input). */
	void (*anomaly)(struct lf_codec_sink *s, const char *code,
	    enum lf_severity severity, uint64_t offset, const char *detail);
	struct lf_decoder_info *info; /* the codec fills what it learns */
};

/*
 * A codec's pending output, the *n bytes at out: emit them as the main
 * stream and empty them.  Returns what emit returned.
 */
static inline int
lf_codec_flush(struct lf_codec_sink *sink, const uint8_t *out, size_t *n)
{
	int rc = sink->emit(sink, LF_CODEC_MAIN, out, *n);

	*n = 0;
	return rc;
}

struct lf_codec_ops {
	size_t state_size; /* bytes of state, zeroed before init */
	void (*init)(void *state);
	/*
	 * Decode n bytes at p, which start at input offset `offset'.
	 * Return 0, or what sink->emit returned to stop.
	 */
	int (*feed)(void *state, struct lf_codec_sink *sink, const uint8_t *p,
	    size_t n, uint64_t offset);
	/* End of input at offset `offset': flush, report what is missing. */
	int (*finish)(void *state, struct lf_codec_sink *sink, uint64_t offset);
};

/*
 * The common case, fast (lf_codec_simd.c); both may do nothing, and the
 * codec takes what they leave.
 * lf_b64_blocks: decode whole blocks of 32 characters of the base64
 * alphabet (no padding, no blank) from in[0..n) into out, 24 bytes a
 * block; out must have room for 24 bytes a block plus 8.  Returns the
 * characters decoded, a multiple of 32.
 * lf_qp_run: the length of the prefix of p[0..n) that quoted-printable
 * copies as it is: no '=', CR or LF, and each blank followed by a byte
 * that is none of these nor a blank.
 */
size_t lf_b64_blocks(const uint8_t *in, size_t n, uint8_t *out);
size_t lf_qp_run(const uint8_t *p, size_t n);

extern const struct lf_codec_ops lf_codec_identity_ops;
extern const struct lf_codec_ops lf_codec_base64_ops;
extern const struct lf_codec_ops lf_codec_qp_ops;
extern const struct lf_codec_ops lf_codec_uu_ops;
extern const struct lf_codec_ops lf_codec_yenc_ops;
extern const struct lf_codec_ops lf_codec_binhex_ops;

#endif
