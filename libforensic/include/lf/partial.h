/*
 * lf/partial.h: message/partial fragments (RFC 2046 5.2.2), gathered from
 * extraction reports until every fragment of a message is there.  The
 * message is then the fragments' contents, in order of their numbers:
 * the first begins with the headers of the message that was split.
 */
#ifndef LF_PARTIAL_H
#define LF_PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lf/error.h"
#include "lf/limits.h"

struct lf_partials;

/*
 * lf_partials_new: an empty collection, remembering at most
 * limits->mime_parts fragments (which must outlive it).  Returns LF_OK or
 * LF_E_NOMEM.
 */
int lf_partials_new(const struct lf_limits *limits, struct lf_partials **out,
    struct lf_error *err);

/*
 * lf_partials_note: remember the fragments an lf-extract report holds
 * (parts with "partial" and an object).  A fragment given twice counts
 * once.  Returns LF_OK, LF_E_LIMIT (past the limit; later ones are
 * ignored) or LF_E_NOMEM.
 */
int lf_partials_note(struct lf_partials *ps, const json_t *report,
    struct lf_error *err);

/*
 * lf_partials_each_complete: call fn for each message whose fragments
 * 1..total are all known, in the order their ids were first seen, with
 * the SHA-256 of each fragment's content in order.  Stops at and returns
 * the first non-zero value fn returns; else 0.
 */
int lf_partials_each_complete(const struct lf_partials *ps,
    int (*fn)(void *arg, const char *id, const uint8_t (*sha256)[32],
        size_t count),
    void *arg);

/*
 * lf_partials_free: NULL is allowed.
 */
void lf_partials_free(struct lf_partials *ps);

#endif
