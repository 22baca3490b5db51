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
#include "lf/brands.h"
#include "lf/error.h"
#include "lf/dkimkeys.h"
#include "lf/gateway.h"
#include "lf/psl.h"

struct lf_headers_opts {
	/* The user's own border servers (lf/chain.h). */
	const char *const *trusted_mta;
	size_t ntrusted_mta;
	/* The authserv-ids whose Authentication-Results the user believes
	 * when written above the trust boundary. */
	const char *const *trusted_authserv;
	size_t ntrusted_authserv;
	/* The Public Suffix List for organizational domains (NULL: whole
	 * domains are compared). */
	const struct lf_psl *psl;
	/* DKIM and ARC keys (NULL: signatures are not verified). */
	const struct lf_dkimkeys *dkim_keys;
	/* The gateways to judge transit through (NULL: none). */
	const struct lf_gateways *gateways;
	/* Brands a display name may borrow (NULL: not checked). */
	const struct lf_brands *brands;
	size_t max_fields; /* header fields split, at most */
	const char *tool;  /* the tool's name, for the report */
};

/*
 * Reading messages one after another: lf_headers_new, then for each
 * message lf_headers_block with its header block (the bytes up to the
 * empty line that ends it, which must stay valid until lf_headers_end),
 * lf_headers_body with the body in pieces (needed only to verify DKIM and
 * ARC: dropped when opts->dkim_keys is NULL), lf_headers_source if the
 * report is to name where the message came from, and lf_headers_end for
 * the report.  Signatures are judged at the receipt time the border hop
 * records.  opts is borrowed until lf_headers_free.
 *
 * lf_headers_end gives the report as one JSON document (compact, no line
 * end) in *json, *len bytes, borrowed until the next lf_headers_block or
 * lf_headers_free: "format", "format_version", "tool", then "source",
 * "mbox_offset" and "container" when given, "header", "trust", "hops",
 * "gateways" (a verdict for each gateway, with its evidence),
 * "authentication", "dkim" and "arc" (null without keys), "originator",
 * "sender" (the From, Reply-To, Sender and Return-Path mailboxes) and
 * "findings" (each with "id", "severity", "offset", the field's index and
 * its raw text, escaped).  *worst is the highest severity among the
 * findings, or -1 when there is none.  It is written straight into a
 * buffer, not built as a tree: the report is made for every message.
 *
 * Each returns LF_OK, or LF_E_NOMEM / LF_E_LIMIT / LF_E_INVAL /
 * LF_E_CRYPTO; after an error the message's report is lost, and the next
 * lf_headers_block starts over.
 */
struct lf_headers;

int lf_headers_new(const struct lf_headers_opts *opts, struct lf_headers **out,
    struct lf_error *err);
int lf_headers_block(struct lf_headers *h, const uint8_t *p, size_t n,
    struct lf_error *err);
int lf_headers_body(struct lf_headers *h, const uint8_t *p, size_t n,
    struct lf_error *err);
/* source (borrowed until lf_headers_end), mbox_offset (UINT64_MAX: none),
 * container (NULL: none; "outlook-msg"). */
void lf_headers_source(struct lf_headers *h, const char *source,
    uint64_t mbox_offset, const char *container);
int lf_headers_end(struct lf_headers *h, const char **json, size_t *len,
    int *worst, struct lf_error *err);
void lf_headers_free(struct lf_headers *h);

/*
 * lf_headers_analyze: the same for one whole message at p[0..n) (the
 * body is what follows the header block), the report as a new JSON tree
 * in *out.  *out untouched on error.
 */
int
lf_headers_analyze(const uint8_t *p, size_t n, const struct lf_headers_opts *o,
    json_t **out, int *worst, struct lf_error *err);

#endif
