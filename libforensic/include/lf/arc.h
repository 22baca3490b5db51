/*
 * lf/arc.h: offline ARC chain validation (RFC 8617).
 *
 * An ARC set is three fields with one instance number i=:
 * ARC-Authentication-Results, ARC-Message-Signature (a DKIM signature
 * over the message as the intermediary saw it) and ARC-Seal (a signature
 * over the ARC fields of sets 1 to i).  The chain validates (cv=pass)
 * when the sets are numbered 1 to N without gap or duplicate, the newest
 * ARC-Message-Signature verifies, every ARC-Seal verifies, the first
 * seal says cv=none and the others cv=pass (RFC 8617 5.2).
 *
 * Like lf/dkim.h: the header as a struct lf_hblock, the body fed in
 * pieces, keys from the options' lookup function; lines ending in a bare
 * LF are read as CRLF.  What the chain says of the message is evidence
 * only as far as the sealers are trusted: a chain a sender made himself
 * validates too.
 *
 * Anomaly codes (offset: the field concerned):
 *
 *   arc.bad-instance       medium  an ARC field without a valid i= (1 to
 *                                  50): the chain fails
 *   arc.limit              medium  more than 150 ARC fields: the chain
 *                                  is not checked (cv=fail, limit)
 */
#ifndef LF_ARC_H
#define LF_ARC_H

#include <stddef.h>
#include <stdint.h>

#include "lf/dkim.h"

#define LF_ARC_MAX_SETS 50 /* RFC 8617 4.2.1 */

enum lf_arc_cv {
	LF_ARC_NONE, /* no ARC fields */
	LF_ARC_PASS,
	LF_ARC_FAIL
};

struct lf_arc_set {
	unsigned instance;
	size_t aar, ams, seal; /* field indexes in the hblock */
	enum lf_arc_cv cv;     /* what the seal's cv= says */
	enum lf_dkim_verdict ams_verdict, seal_verdict;
	const char *ams_reason, *seal_reason; /* static; NULL for pass */
	struct lf_dkim_str ams_d, ams_s, seal_d, seal_s; /* borrowed */
};

struct lf_arc_report {
	enum lf_arc_cv cv;       /* the chain's validation */
	const char *reason;      /* static words when it fails, else NULL */
	unsigned failed;         /* the instance the failure is about, or 0 */
	struct lf_arc_set *sets; /* by instance, 1 first; owned; only
				    when the sets are complete */
	size_t nsets;
};

struct lf_arc_verify;

/*
 * lf_arc_verify_new: start validating the ARC chain of the message whose
 * header is hb.  hb, its buffer and o are borrowed until
 * lf_arc_verify_free; o's max_sigs does not apply (a chain may have 50
 * sets), its key lookup, max_tags and max_h do.  anomaly may be NULL.
 * Returns LF_OK and a new validator in *out, or LF_E_INVAL / LF_E_NOMEM
 * / LF_E_CRYPTO with *out untouched.
 */
int lf_arc_verify_new(const struct lf_hblock *hb,
    const struct lf_dkim_options *o, lf_anomaly_fn anomaly, void *arg,
    struct lf_arc_verify **out, struct lf_error *err);

/*
 * lf_arc_verify_body: the next n bytes of the body, as
 * lf_dkim_verify_body.
 */
int lf_arc_verify_body(struct lf_arc_verify *v, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * lf_arc_verify_finish: end of the body; validate the chain into *out
 * (release with lf_arc_report_release).  Returns LF_OK, LF_E_INVAL
 * (called twice), LF_E_NOMEM, LF_E_CRYPTO or the key lookup's error;
 * *out is untouched on error.
 */
int lf_arc_verify_finish(struct lf_arc_verify *v, struct lf_arc_report *out,
    struct lf_error *err);

/*
 * lf_arc_verify_free: free the validator.  NULL is allowed.
 */
void lf_arc_verify_free(struct lf_arc_verify *v);

/*
 * lf_arc_report_release: free what r holds; r is empty afterwards.
 */
void lf_arc_report_release(struct lf_arc_report *r);

/*
 * lf_arc_cv_name: "none", "pass", "fail".
 */
const char *lf_arc_cv_name(enum lf_arc_cv cv);

#endif
