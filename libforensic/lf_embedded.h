/*
 * lf_embedded.h: find uuencode, yEnc and BinHex blocks inside text.
 * Private to the library (the MIME parser uses it).
 *
 * Before MIME, and in mailers that never learnt it, files travelled
 * pasted into the text of a message.  Few extractors look for them; an
 * attacker knows that.  The scanner reads decoded text as it streams by,
 * line by line, keeping only the start of each line; a block starts at
 * its marker line ("begin 644 name", "=ybegin ...", "(This file must be
 * converted with BinHex 4.0)") and is decoded until its end line.
 */
#ifndef LF_EMBEDDED_H
#define LF_EMBEDDED_H

#include "lf/codec.h"

struct lf_embedded_events {
	/* A block begins at text offset `offset' (its marker line). */
	int (*begin)(void *arg, enum lf_codec codec, uint64_t offset);
	/* Decoded bytes of the block (BinHex's resource fork is dropped:
	 * the data fork is the file people open). */
	int (*data)(void *arg, const uint8_t *p, size_t n);
	/* The block ends at text offset `end' (after its end line, or where
	 * the text ended); info is what its framing said (borrowed). */
	int (*end)(void *arg, const struct lf_decoder_info *info,
	    uint64_t end);
	/* Anomalies of the block's decoder; offsets count text bytes. */
	void (*anomaly)(void *arg, const struct lf_anomaly *a);
};

struct lf_embedded;

/*
 * lf_embedded_new: a scanner calling ev's functions with arg; begin, data
 * and end return 0 to go on, anything else to stop (the scanner then
 * returns it).  Returns LF_OK and the scanner in *out, or LF_E_NOMEM.
 */
int lf_embedded_new(const struct lf_embedded_events *ev, void *arg,
    struct lf_embedded **out, struct lf_error *err);

/*
 * lf_embedded_feed: the next n bytes of text.  Returns 0, a value an event
 * function returned to stop, or LF_E_NOMEM.
 */
int lf_embedded_feed(struct lf_embedded *e, const uint8_t *p, size_t n);

/*
 * lf_embedded_finish: the text is complete; a block still open ends (its
 * decoder reports what is missing).  Returns as _feed.
 */
int lf_embedded_finish(struct lf_embedded *e);

/*
 * lf_embedded_free: NULL is allowed.
 */
void lf_embedded_free(struct lf_embedded *e);

#endif
