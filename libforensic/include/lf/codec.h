/*
 * lf/codec.h: streaming decoders for the encodings mail carries.
 *
 * base64 and quoted-printable (RFC 2045), identity (7bit, 8bit, binary),
 * uuencode (a "begin ... end" block: the x-uuencode transfer encoding, or
 * a block found inside a text body), yEnc ("=ybegin ... =yend") and
 * BinHex 4.0 (RFC 1741).
 *
 * A decoder takes its input in pieces of any size, split anywhere, and
 * gives decoded bytes to the caller's function as it goes; it never holds
 * more than a few lines.  Damage is not an error: each oddity is reported
 * as an anomaly (offsets count the decoder's input bytes) and decoding goes
 * on with what can be recovered.  The decoded bytes are the same however
 * the input is split.
 */
#ifndef LF_CODEC_H
#define LF_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"

enum lf_codec {
	LF_CODEC_IDENTITY,
	LF_CODEC_BASE64,
	LF_CODEC_QP,
	LF_CODEC_UUENCODE,
	LF_CODEC_YENC,
	LF_CODEC_BINHEX,
};

/* Decoded output: stream 0 is the content; BinHex's resource fork is 1. */
#define LF_CODEC_MAIN 0
#define LF_CODEC_RESOURCE 1

/*
 * Receives decoded bytes.  Return 0 to go on; anything else stops the
 * decoder, and lf_decoder_feed/_finish return that value.
 */
typedef int (
    *lf_decoder_out_fn)(void *arg, unsigned stream, const uint8_t *p, size_t n);

/* What the framing of uuencode, yEnc and BinHex says about the content. */
struct lf_decoder_info {
	bool has_name;
	uint8_t name[256]; /* the name given by the framing, raw bytes */
	size_t name_len;
	bool has_mode; /* uuencode's octal mode */
	unsigned mode;
	bool has_size; /* yEnc size=, BinHex data fork length */
	uint64_t size;
	bool has_crc;        /* a checksum was present ... */
	bool crc_ok;         /* ... and matched */
	bool complete;       /* the end marker was seen */
	uint8_t mac_type[4]; /* BinHex file type and creator */
	uint8_t mac_creator[4];
	uint64_t resource_size; /* BinHex resource fork length */
};

struct lf_decoder;

/*
 * lf_decoder_new: a decoder for codec; out receives what it decodes,
 * anomaly (may be NULL) what it finds wrong.  Returns LF_OK and the new
 * decoder in *d, LF_E_INVAL or LF_E_NOMEM.
 */
int lf_decoder_new(enum lf_codec codec, lf_decoder_out_fn out, void *out_arg,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_decoder **d,
    struct lf_error *err);

/*
 * lf_decoder_feed: decode n more input bytes.  Returns LF_OK, or the value
 * out returned to stop; after a stop only _free is allowed.
 */
int lf_decoder_feed(struct lf_decoder *d, const uint8_t *p, size_t n);

/*
 * lf_decoder_finish: the input is complete: decode what is held back and
 * report what is missing (padding, an end marker).  Returns as _feed.
 */
int lf_decoder_finish(struct lf_decoder *d);

/*
 * lf_decoder_info: the framing's details, complete after _finish.
 * Borrowed from d.
 */
const struct lf_decoder_info *lf_decoder_info(const struct lf_decoder *d);

/*
 * lf_decoder_codec: the codec d decodes.
 */
enum lf_codec lf_decoder_codec(const struct lf_decoder *d);

/*
 * lf_decoder_reset: start again on new input, as if just made by
 * lf_decoder_new with the same arguments (a decoder is 4 KiB or more:
 * reusing one spares the allocator).
 */
void lf_decoder_reset(struct lf_decoder *d);

/*
 * lf_decoder_free: NULL is allowed.
 */
void lf_decoder_free(struct lf_decoder *d);

/*
 * lf_codec_from_cte: the codec a Content-Transfer-Encoding value names
 * (any case, surrounding blanks ignored): base64, quoted-printable,
 * 7bit/8bit/binary (identity), x-uuencode/x-uue/uuencode.  *known is set
 * false for anything else, which is decoded as identity.
 */
enum lf_codec lf_codec_from_cte(const uint8_t *p, size_t n, bool *known);

/*
 * lf_codec_name: "identity", "base64", ...
 */
const char *lf_codec_name(enum lf_codec codec);

#endif
