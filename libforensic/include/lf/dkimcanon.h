/*
 * lf/dkimcanon.h: DKIM canonicalization (RFC 6376 section 3.4), for DKIM
 * and ARC verification.
 *
 * Stored mail often has bare LF line ends where the message travelled
 * with CRLF.  Both canonicalizations here treat a bare LF as CRLF, as
 * dkimpy and OpenDKIM do when they read such files, so that a message
 * signed in transit still verifies from its stored copy.  A CR not
 * followed by LF is an ordinary byte.
 *
 * Canonical bytes go to a sink in pieces, so that nothing is held whole:
 * the body of a 300 MiB message streams through in one pass.
 */
#ifndef LF_DKIMCANON_H
#define LF_DKIMCANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"
#include "lf/hblock.h"

enum lf_dkim_canon {
	LF_DKIM_SIMPLE, /* RFC 6376 3.4.1 and 3.4.3 */
	LF_DKIM_RELAXED /* RFC 6376 3.4.2 and 3.4.4 */
};

/*
 * Receives canonical bytes: p[0..n) is borrowed for the call.  Returns
 * LF_OK, or an LF_E_* code (err filled) that stops the canonicalizer and
 * is returned by it.
 */
typedef int (*lf_dkim_sink_fn)(void *arg, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * lf_dkim_canon_header: canonicalize one header field f (as split by
 * lf_hblock_parse) into sink.
 *
 * simple: the field's bytes as written, bare LF turned into CRLF.
 * relaxed: the name lowercased, ":", the value unfolded, runs of blanks
 * made one space, blanks at its start and end removed.
 * The field ends with CRLF when crlf is true; without, as the signature
 * field itself is hashed (RFC 6376 3.7).  cut, when not NULL, is a span
 * of cut_len bytes inside f->value left out, as the b= value of the
 * signature being verified is.
 *
 * Returns LF_OK, LF_E_INVAL (a cut outside the value), or what the sink
 * returned.
 */
int lf_dkim_canon_header(const struct lf_hfield *f, enum lf_dkim_canon c,
    bool crlf, const uint8_t *cut, size_t cut_len, lf_dkim_sink_fn sink,
    void *arg, struct lf_error *err);

#define LF_DKIM_BODY_STAGE 4096

/*
 * A body canonicalizer: caller-owned storage, nothing allocated.  Fields
 * are private but for out, the canonical bytes given to the sink so far.
 */
struct lf_dkim_body {
	enum lf_dkim_canon canon;
	lf_dkim_sink_fn sink;
	void *arg;
	uint64_t out;   /* canonical bytes emitted so far */
	uint64_t crlfs; /* line ends held back: they may be trailing */
	bool cr;        /* a CR held back: is it a line end? */
	bool wsp;       /* relaxed: blanks held back */
	bool any;       /* some content went out */
	size_t staged;
	uint8_t stage[LF_DKIM_BODY_STAGE];
};

/*
 * lf_dkim_body_init: start a body, canonicalized with c, into sink.
 */
void lf_dkim_body_init(struct lf_dkim_body *b, enum lf_dkim_canon c,
    lf_dkim_sink_fn sink, void *arg);

/*
 * lf_dkim_body_update: the next n bytes of the body (after the empty line
 * that ends the header), split anywhere.  Returns LF_OK or what the sink
 * returned; after an error the canonicalizer must not be used again.
 */
int lf_dkim_body_update(struct lf_dkim_body *b, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * lf_dkim_body_final: the end of the body: trailing empty lines dropped,
 * a missing last line end added, an empty body "CRLF" (simple) or nothing
 * (relaxed).  Returns LF_OK or what the sink returned.
 */
int lf_dkim_body_final(struct lf_dkim_body *b, struct lf_error *err);

#endif
