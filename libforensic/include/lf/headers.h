/*
 * lf/headers.h: a message's header block read like an expert: the
 * Received chain and where trust ends, the Authentication-Results worth
 * believing, and the structure of the originator fields, each finding
 * with its evidence (schemas/headers.schema.json).
 */
#ifndef LF_HEADERS_H
#define LF_HEADERS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lf/anomaly.h"
#include "lf/error.h"
#include "lf/gateway.h"

struct lf_headers_opts {
	/* The user's own border servers (lf/chain.h). */
	const char *const *trusted_mta;
	size_t ntrusted_mta;
	/* The authserv-ids whose Authentication-Results the user believes
	 * when written above the trust boundary. */
	const char *const *trusted_authserv;
	size_t ntrusted_authserv;
	/* The gateways to judge transit through (NULL: none). */
	const struct lf_gateways *gateways;
	size_t max_fields; /* header fields split, at most */
	const char *tool;  /* the tool's name, for the report */
};

/*
 * lf_headers_analyze: read the header block at the start of p[0..n) (the
 * body, if any follows, is not read) and return the report as a new JSON
 * document in *out: "header", "trust", "hops", "gateways" (a verdict for
 * each gateway, with its evidence), "authentication", "originator" and
 * "findings" (each with "id", "severity", "offset", the
 * field's index and its raw text, escaped).  *worst is set to the highest
 * severity among the findings, or -1 when there is none.
 *
 * Returns LF_OK, or LF_E_NOMEM / LF_E_INVAL with *out untouched.
 */
int
lf_headers_analyze(const uint8_t *p, size_t n, const struct lf_headers_opts *o,
    json_t **out, int *worst, struct lf_error *err);

#endif
