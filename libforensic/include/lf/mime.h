/*
 * lf/mime.h: a streaming, event-based MIME parser (RFC 2045-2049, RFC 5322).
 *
 * The message is fed in pieces of any size; the parser reports each part
 * as it is found, the decoded content of each part as it arrives, each
 * header field as written, and each anomaly.  It never holds a whole
 * message or a whole part: at most a header block (limits.header_bytes)
 * and the start of one line.  However damaged the input, every byte of it
 * ends up in some part, and every oddity is reported.
 *
 * Parts are numbered as IMAP numbers them (RFC 3501 6.4.5): the body of a
 * message that is not multipart is part 1 of it; the parts of a multipart
 * are 1, 2, ... below it ("2.1"); an attached message takes the number of
 * its part, and its body is numbered below it ("3.1").  The top-level
 * message itself is "".  What IMAP does not number is named after its
 * parent: "2:preamble", "2:epilogue", "1:uuencode:1" (a block found
 * inside text part 1), "yenc", "binhex" likewise.
 */
#ifndef LF_MIME_H
#define LF_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/codec.h"
#include "lf/limits.h"
#include "lf/mimeparam.h"

enum lf_mime_kind {
	LF_MIME_MESSAGE,   /* a message: the top level, or attached */
	LF_MIME_MULTIPART, /* a multipart part below a message */
	LF_MIME_LEAF,      /* content: a body, an attachment */
	LF_MIME_PREAMBLE,  /* text before a multipart's first boundary */
	LF_MIME_EPILOGUE,  /* text after a multipart's close boundary */
	LF_MIME_EMBEDDED,  /* uuencode, yEnc or BinHex found in a text part */
};

#define LF_MIME_PATH_MAX 1024

struct lf_mime_part {
	enum lf_mime_kind kind;
	char path[LF_MIME_PATH_MAX];       /* as described above */
	unsigned depth;                    /* 0 for the top-level message */
	const struct lf_mime_part *parent; /* NULL for the top level */
	uint64_t offset;      /* where the part starts in the message: its
				 headers, or its first byte of content */
	uint64_t body_offset; /* where its body starts */
	uint64_t end_offset;  /* where it ends: valid at its end event; the
				 line end before a boundary is the
				 boundary's */

	/* From its own headers (messages, multiparts, leaves). */
	struct lf_mime_field type; /* Content-Type, or the default */
	bool type_declared;        /* false: the RFC 2045 default was used */
	bool type_malformed; /* declared, but not as a clean type/subtype */
	struct lf_mime_field disposition; /* type "" when there was none */
	enum lf_codec codec;              /* from Content-Transfer-Encoding */
	bool codec_known;                 /* the encoding was one we know */
	char cte[32];     /* Content-Transfer-Encoding as declared, lowercased,
			 "" when there was none */
	bool after_close; /* a part after its multipart's close boundary */

	/* The name: filename= of Content-Disposition, else name= of
	 * Content-Type, else what an embedded block's framing says. */
	const uint8_t *name_raw; /* borrowed, NULL when there is none */
	size_t name_raw_len;
	const uint8_t *name; /* decoded UTF-8, borrowed */
	size_t name_len;

	/* Embedded blocks and leaves: what the decoder learned (valid at
	 * the end event).  Borrowed. */
	const struct lf_decoder_info *decoded;
};

struct lf_mime_handler {
	/*
	 * A header field of part (raw: name without the colon, value as
	 * written, folding included); offset is where the field starts.
	 */
	int (*header)(void *arg, const struct lf_mime_part *part,
	    const uint8_t *name, size_t name_len, const uint8_t *value,
	    size_t value_len, uint64_t offset);
	/* A part begins (for entities: its headers are all read). */
	int (*begin)(void *arg, const struct lf_mime_part *part);
	/* Decoded content of a leaf, preamble, epilogue or embedded block. */
	int (*data)(void *arg, const struct lf_mime_part *part,
	    const uint8_t *p, size_t n);
	/* A part ends; its children have ended before it. */
	int (*end)(void *arg, const struct lf_mime_part *part);
	/* An anomaly in part; offsets count message bytes, except within an
	 * embedded block, where they count the containing part's content. */
	void (*anomaly)(void *arg, const struct lf_mime_part *part,
	    const struct lf_anomaly *a);
};

struct lf_mime_parser;

/*
 * lf_mime_parser_new: a parser for one message, bounded by limits (which
 * must outlive it), calling handler's functions (any may be NULL) with arg.
 * Every function but anomaly returns 0 to go on or anything else to stop:
 * lf_mime_feed/_finish then return that value.  Returns LF_OK and the
 * parser in *out, or LF_E_NOMEM.
 */
int lf_mime_parser_new(const struct lf_limits *limits,
    const struct lf_mime_handler *handler, void *arg,
    struct lf_mime_parser **out, struct lf_error *err);

/*
 * lf_mime_feed: the next n bytes of the message.  Returns LF_OK, the value
 * a handler function returned to stop, or LF_E_NOMEM.
 */
int lf_mime_feed(struct lf_mime_parser *mp, const uint8_t *p, size_t n);

/*
 * lf_mime_finish: the message is complete: every open part ends (with
 * anomalies for what was missing).  Returns as lf_mime_feed.
 */
int lf_mime_finish(struct lf_mime_parser *mp);

/*
 * lf_mime_parser_reset: ready for a new message, with the same limits and
 * handler, reusing what the parser has allocated.  Returns LF_OK or
 * LF_E_NOMEM (then only _free is allowed).
 */
int lf_mime_parser_reset(struct lf_mime_parser *mp, struct lf_error *err);

/*
 * lf_mime_parser_free: NULL is allowed.
 */
void lf_mime_parser_free(struct lf_mime_parser *mp);

#endif
