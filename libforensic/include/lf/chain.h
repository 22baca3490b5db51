/*
 * lf/chain.h: the Received chain of a message, hop by hop, and where the
 * user's trust in it ends.
 *
 * Each server that takes a message adds a Received field on top, so the
 * fields read top to bottom go from the last hop back to the first.  Only
 * the fields written by the user's own servers are facts; the topmost of
 * those that received the message from outside (the border) recorded the
 * one thing a sender cannot forge: the address it was delivered from.
 * Everything below the border is a claim.
 */
#ifndef LF_CHAIN_H
#define LF_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"
#include "lf/hblock.h"
#include "lf/received.h"

struct lf_hop {
	size_t field;         /* its index in the header block */
	struct lf_received r; /* spans point into the block's buffer */
	/* Seconds from the hop below (the one before it in time) to this
	 * one, when both dates read: negative when this hop says it came
	 * first (clock skew, or a forged hop). */
	int64_t delay;
	bool has_delay;
	bool trusted; /* written by one of the user's own servers */
	/* The hop below names this hop's server as where it handed the
	 * message on: by host, reverse name, HELO or address agree. */
	bool linked;
};

struct lf_chain {
	struct lf_hop *hops; /* top (newest) to bottom (oldest); owned */
	size_t count;
	/* hops[0 .. trusted) are trusted; hops[trusted - 1] is the border,
	 * when trusted > 0. */
	size_t trusted;
	bool boundary_named; /* the user named trusted servers */
};

/*
 * The user's own servers: names as the "by" clause writes them, matched
 * without regard to case or a final dot; "*.example.net" matches any name
 * under example.net.  None named: only the topmost hop is trusted, and
 * the chain says so (boundary_named false).
 */
struct lf_chain_opts {
	const char *const *trusted_mta;
	size_t ntrusted;
};

/*
 * lf_chain_build: read every Received field of b into *out, top to
 * bottom, and mark the trusted hops: from the top, while the hop's "by"
 * server is one of the user's.  Anomalies (offsets are the fields'
 * offsets in b's buffer), besides each field's own (lf/received.h):
 * "chain.no-received" (none at all; its offset is the block's end), "chain.untrusted-top" (servers are
 * named but the topmost hop is not by one of them: the message did not
 * come through them, or the list is incomplete), "chain.negative-delay"
 * (a hop dated before the hop below it), "chain.gap" (a hop's client is
 * not the server of the hop below), "chain.no-date".
 *
 * Returns LF_OK and fills *out (release with lf_chain_release), or
 * LF_E_NOMEM / LF_E_INVAL with *out untouched.  b must outlive *out.
 */
int lf_chain_build(const struct lf_hblock *b, const struct lf_chain_opts *o,
    struct lf_chain *out, lf_anomaly_fn anomaly, void *arg,
    struct lf_error *err);

void lf_chain_release(struct lf_chain *c);

/*
 * lf_chain_border: the border hop (the lowest trusted one), or NULL when
 * no hop is trusted.
 */
const struct lf_hop *lf_chain_border(const struct lf_chain *c);

/*
 * lf_host_matches: whether host (n bytes, as written) is pattern: equal
 * without regard to ASCII case or a final dot, or under the domain of a
 * "*.domain" pattern.
 */
bool lf_host_matches(const uint8_t *host, size_t n, const char *pattern);

#endif
