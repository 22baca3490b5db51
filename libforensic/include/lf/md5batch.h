/*
 * lf/md5batch.h: the MD5s of many objects, computed side by side, later.
 *
 * One MD5 stream keeps a fraction of a core busy (lf/md5.h), and the
 * objects of a message arrive one after another, so their MD5s can only
 * run side by side if they wait.  A batch copies each object's bytes
 * aside until it holds enough, from enough objects, to fill the vector
 * lanes; lf_md5_batch_flush then hashes them all at once and hands each
 * closed object's digest to its callback.  A flush happens by itself
 * when the space for waiting bytes is full.
 *
 * A batch belongs to one thread.
 */
#ifndef LF_MD5BATCH_H
#define LF_MD5BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

/* A closed object's MD5, handed over by the flush that computed it. */
typedef void (*lf_md5_done_fn)(void *arg, const uint8_t md5[16]);

struct lf_md5_batch;
struct lf_md5_object;

/*
 * lf_md5_batch_new: a batch that holds up to `space' bytes waiting
 * (at least 64 KiB).  Returns LF_OK, LF_E_INVAL or LF_E_NOMEM.
 */
int
lf_md5_batch_new(size_t space, struct lf_md5_batch **out, struct lf_error *err);

/*
 * lf_md5_batch_free: free the batch and every object it made, without
 * calling anything back.
 * NULL is allowed.
 */
void lf_md5_batch_free(struct lf_md5_batch *b);

/*
 * lf_md5_batch_open: a new object.  Returns LF_OK or LF_E_NOMEM.
 */
int lf_md5_batch_open(struct lf_md5_batch *b, struct lf_md5_object **out,
    struct lf_error *err);

/*
 * lf_md5_batch_add: the object's next n bytes (copied).
 */
void lf_md5_batch_add(struct lf_md5_batch *b, struct lf_md5_object *o,
    const uint8_t *p, size_t n);

/*
 * lf_md5_batch_close: the object is complete; the next flush hands its
 * digest to done(arg, md5).  o is not to be used again.
 */
void lf_md5_batch_close(struct lf_md5_batch *b, struct lf_md5_object *o,
    lf_md5_done_fn done, void *arg);

/*
 * lf_md5_batch_drop: forget an object, open or closed, without a
 * callback.  NULL is allowed.
 */
void lf_md5_batch_drop(struct lf_md5_batch *b, struct lf_md5_object *o);

/*
 * lf_md5_batch_waiting: are closed objects waiting for their callback?
 */
bool lf_md5_batch_waiting(const struct lf_md5_batch *b);

/*
 * lf_md5_batch_flush: hash every byte waiting and call back every closed
 * object.  Objects still open stay open.
 */
void lf_md5_batch_flush(struct lf_md5_batch *b);

#endif
