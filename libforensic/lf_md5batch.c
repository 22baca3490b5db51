/*
 * lf_md5batch.c: MD5s that wait for company.
 *
 * Waiting bytes are copied into one fixed space, in the order they come,
 * and each object keeps the list of its pieces there (a piece grows while
 * the same object's bytes come one after another).  Objects with waiting
 * bytes, or closed, are on the live list; a flush runs every live
 * object's pieces through lf_md5_update_streams, finishes the closed ones
 * and empties the space.  Nothing is allocated after lf_md5_batch_new but
 * the objects themselves, which are kept for reuse.
 */
#include <stdlib.h>
#include <string.h>

#include "lf/md5.h"
#include "lf/md5batch.h"

#define NONE UINT32_MAX
#define MIN_SPACE (64 * 1024)
#define MAX_SPACE (1u << 30)
#define BYTES_PER_PIECE 64 /* pieces the space can hold, at the least */

struct piece {
	uint32_t off, len;
	uint32_t next; /* the object's next piece, or NONE */
};

struct lf_md5_object {
	struct lf_md5 m;
	lf_md5_done_fn done;
	void *arg;
	uint32_t head, tail; /* waiting pieces, or NONE */
	size_t waiting;      /* their bytes */
	bool listed;         /* on the live list */
	bool closed;
	bool dropped;
	struct lf_md5_object *next; /* on the live or the free list */
	struct lf_md5_object *all;  /* every object the batch made */
};

struct lf_md5_batch {
	uint8_t *space;
	size_t cap, used;
	struct piece *pieces;
	size_t npieces, piece_cap;
	struct lf_md5_object *live, *live_tail, *free_list, *all;
	bool closed_waiting;
	/* A flush's streams: at most one per piece. */
	struct lf_md5 **ms;
	struct lf_md5_object **order;
};

int
lf_md5_batch_new(size_t space, struct lf_md5_batch **out, struct lf_error *err)
{
	struct lf_md5_batch *b;

	if (out == NULL || space < MIN_SPACE || space > MAX_SPACE)
		return lf_error_set(err, LF_E_INVAL, "md5 batch: bad size");
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "md5 batch");
	b->cap = space;
	b->piece_cap = space / BYTES_PER_PIECE;
	b->space = malloc(space);
	b->pieces = calloc(b->piece_cap, sizeof(*b->pieces));
	b->ms = calloc(b->piece_cap, sizeof(*b->ms));
	b->order = calloc(b->piece_cap, sizeof(*b->order));
	if (b->space == NULL || b->pieces == NULL || b->ms == NULL ||
	    b->order == NULL) {
		lf_md5_batch_free(b);
		return lf_error_set(err, LF_E_NOMEM, "md5 batch");
	}
	*out = b;
	return LF_OK;
}

void
lf_md5_batch_free(struct lf_md5_batch *b)
{
	struct lf_md5_object *o, *next;

	if (b == NULL)
		return;
	for (o = b->all; o != NULL; o = next) {
		next = o->all;
		free(o);
	}
	free(b->space);
	free(b->pieces);
	free(b->ms);
	free(b->order);
	free(b);
}

int
lf_md5_batch_open(struct lf_md5_batch *b, struct lf_md5_object **out,
    struct lf_error *err)
{
	struct lf_md5_object *o = b->free_list, *all;

	if (o != NULL) {
		b->free_list = o->next;
		all = o->all;
	} else if ((o = malloc(sizeof(*o))) == NULL) {
		return lf_error_set(err, LF_E_NOMEM, "md5 batch");
	} else {
		all = b->all;
		b->all = o;
	}
	memset(o, 0, sizeof(*o));
	o->all = all;
	lf_md5_init(&o->m);
	o->head = o->tail = NONE;
	*out = o;
	return LF_OK;
}

static void
recycle(struct lf_md5_batch *b, struct lf_md5_object *o)
{
	o->next = b->free_list;
	b->free_list = o;
}

static void
list(struct lf_md5_batch *b, struct lf_md5_object *o)
{
	if (o->listed)
		return;
	o->listed = true;
	o->next = NULL;
	if (b->live_tail != NULL)
		b->live_tail->next = o;
	else
		b->live = o;
	b->live_tail = o;
}

void
lf_md5_batch_add(struct lf_md5_batch *b, struct lf_md5_object *o,
    const uint8_t *p, size_t n)
{
	struct piece *t;
	size_t k;

	while (n > 0) {
		t = o->tail != NONE ? &b->pieces[o->tail] : NULL;
		if (b->used == b->cap ||
		    ((t == NULL || t->off + t->len != b->used) &&
		        b->npieces == b->piece_cap)) {
			lf_md5_batch_flush(b);
			continue;
		}
		k = b->cap - b->used < n ? b->cap - b->used : n;
		memcpy(b->space + b->used, p, k);
		if (t != NULL && t->off + t->len == b->used) {
			t->len += (uint32_t)k;
		} else {
			t = &b->pieces[b->npieces];
			t->off = (uint32_t)b->used;
			t->len = (uint32_t)k;
			t->next = NONE;
			if (o->tail != NONE)
				b->pieces[o->tail].next = (uint32_t)b->npieces;
			else
				o->head = (uint32_t)b->npieces;
			o->tail = (uint32_t)b->npieces++;
		}
		list(b, o);
		o->waiting += k;
		b->used += k;
		p += k;
		n -= k;
	}
}

void
lf_md5_batch_close(struct lf_md5_batch *b, struct lf_md5_object *o,
    lf_md5_done_fn done, void *arg)
{
	o->done = done;
	o->arg = arg;
	o->closed = true;
	b->closed_waiting = true;
	list(b, o);
}

void
lf_md5_batch_drop(struct lf_md5_batch *b, struct lf_md5_object *o)
{
	if (o == NULL)
		return;
	if (o->listed)
		o->dropped = true; /* the flush recycles it */
	else
		recycle(b, o);
}

bool
lf_md5_batch_waiting(const struct lf_md5_batch *b)
{
	return b->closed_waiting;
}

/* The next waiting piece of the flush's stream i. */
static bool
next_piece(void *arg, size_t i, const uint8_t **p, size_t *n)
{
	struct lf_md5_batch *b = arg;
	struct lf_md5_object *o = b->order[i];
	const struct piece *t;

	if (o->head == NONE)
		return false;
	t = &b->pieces[o->head];
	*p = b->space + t->off;
	*n = t->len;
	o->head = t->next;
	return true;
}

/* Longest first: the short streams then fill the lanes to the end. */
static int
by_waiting(const void *a, const void *b)
{
	const struct lf_md5_object *x = *(struct lf_md5_object *const *)a;
	const struct lf_md5_object *y = *(struct lf_md5_object *const *)b;

	return (x->waiting < y->waiting) - (x->waiting > y->waiting);
}

void
lf_md5_batch_flush(struct lf_md5_batch *b)
{
	struct lf_md5_object *o, *next;
	uint8_t md5[16];
	size_t count = 0, i;

	for (o = b->live; o != NULL; o = o->next) {
		if (!o->dropped && o->head != NONE)
			b->order[count++] = o;
	}
	qsort(b->order, count, sizeof(*b->order), by_waiting);
	for (i = 0; i < count; i++)
		b->ms[i] = &b->order[i]->m;
	lf_md5_update_streams(b->ms, count, next_piece, b);
	for (o = b->live; o != NULL; o = next) {
		next = o->next;
		o->listed = false;
		o->head = o->tail = NONE;
		o->waiting = 0;
		if (o->dropped) {
			recycle(b, o);
		} else if (o->closed) {
			lf_md5_final(&o->m, md5);
			o->done(o->arg, md5);
			recycle(b, o);
		}
	}
	b->live = b->live_tail = NULL;
	b->used = 0;
	b->npieces = 0;
	b->closed_waiting = false;
}
