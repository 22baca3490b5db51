/*
 * lf/expool.h: messages taken apart by worker threads, their reports
 * handed back in the order the messages came.
 *
 * One thread (the caller) reads the inputs and hands each message on in
 * pieces; each worker runs an extractor (lf/extract.h) of its own.  The
 * pieces travel through a bounded pool of buffers, so memory stays bounded
 * whatever the size of a message: a message larger than the pool streams
 * through it.  Reports come back through the emit function, always on the
 * caller's thread, in input order, while the caller goes on handing
 * messages on.
 */
#ifndef LF_EXPOOL_H
#define LF_EXPOOL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lf/error.h"
#include "lf/extract.h"
#include "lf/magic.h"

/*
 * What became of one message: its report (borrowed for the call), or
 * NULL and the error that stopped its extraction.
 */
typedef void (*lf_expool_emit_fn)(void *arg, const char *source, json_t *report,
    const struct lf_error *err);

struct lf_expool_opts {
	unsigned workers;             /* threads, at least 1 */
	struct lf_extract_opts x;     /* for each worker's extractor; its
				       magic is ignored: see magic_db */
	struct lf_magic_db *magic_db; /* NULL: no typing; else each worker
					 makes its own handle */
	lf_expool_emit_fn emit;
	void *arg;
};

struct lf_expool;

/*
 * lf_expool_new: start the workers.  opts (and what it points to) must
 * outlive the pool.  Returns LF_OK and the pool in *out, LF_E_NOMEM, or
 * the error of a worker's extractor or magic handle.
 */
int lf_expool_new(const struct lf_expool_opts *opts, struct lf_expool **out,
    struct lf_error *err);

/*
 * lf_expool_begin: a message starts, from source (copied), at mbox_offset
 * (LF_NO_OFFSET when not from an mbox).  May wait for a worker, and emit
 * the reports of earlier messages meanwhile.  Returns LF_OK or LF_E_NOMEM.
 */
int lf_expool_begin(struct lf_expool *pool, const char *source,
    uint64_t mbox_offset, struct lf_error *err);

/*
 * lf_expool_feed: more bytes of the current message.  May wait for
 * buffers to free up.  Returns LF_OK.
 */
int lf_expool_feed(struct lf_expool *pool, const uint8_t *data, size_t n);

/*
 * lf_expool_end: the current message is complete.
 */
void lf_expool_end(struct lf_expool *pool);

/*
 * lf_expool_drain: wait until every message handed on is reported.
 */
void lf_expool_drain(struct lf_expool *pool);

/*
 * lf_expool_free: drain, stop the workers and free.  NULL is allowed.
 */
void lf_expool_free(struct lf_expool *pool);

#endif
