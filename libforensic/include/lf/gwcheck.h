/*
 * lf/gwcheck.h: a gateway's own stamps checked against each other and
 * against the Received chain.  They never decide transit (a sender can
 * copy them; see lf/gateway.h): they show whether a message's stamps hang
 * together, and tell an analyst where they do not.
 */
#ifndef LF_GWCHECK_H
#define LF_GWCHECK_H

#include <stddef.h>

#include "lf/chain.h"
#include "lf/gateway.h"
#include "lf/hblock.h"

enum lf_check_result {
	LF_CHECK_INFO, /* a fact read, nothing to compare */
	LF_CHECK_PASS, /* the two agree */
	LF_CHECK_FAIL  /* the two disagree */
};

struct lf_gw_check {
	const char *id; /* stable: "msgref-vs-tower-hop" ... static */
	enum lf_check_result result;
	long field; /* the field it reads, or -1 */
	char detail[200];
};

#define LF_GW_CHECKS_MAX 16
#define LF_GW_SKEW 120 /* seconds two clocks of one gateway may differ */

/*
 * lf_symantec_checks: the checks of Symantec Email Security.cloud's
 * stamps (X-Msg-Ref, the symcld.net queue id, X-Originating-IP,
 * X-Brightmail-Tracker, X-StarScan-Version and its date against the
 * profile g's version sightings, the direction, and the order of the
 * stamps: one block, below a hop that names a Symantec host) for the
 * message whose header block is b and chain c, into out; returns how
 * many (0: none of its stamps are there).  Never fails: a tracker that
 * cannot be decoded for want of memory is reported so.
 */
size_t lf_symantec_checks(const struct lf_hblock *b, const struct lf_chain *c,
    const struct lf_gateway *g, struct lf_gw_check out[LF_GW_CHECKS_MAX]);

/*
 * lf_mimecast_checks: X-MC-Unique against the queue id of the Mimecast
 * relay's Received hop (the id ends in "-" and the X-MC-Unique value).
 */
size_t lf_mimecast_checks(const struct lf_hblock *b, const struct lf_chain *c,
    const struct lf_gateway *g, struct lf_gw_check out[LF_GW_CHECKS_MAX]);

const char *lf_check_result_name(enum lf_check_result r);

#endif
