/*
 * lf_expool.c: the ordered pool of extraction workers.
 *
 * Messages are jobs in a ring of SLOTS, handed to workers in order.  Each
 * job has a queue of filled buffers that the caller appends to and its
 * worker takes from; buffers come from one free list of NBUF.  The caller
 * fills only the newest job, and workers claim the oldest jobs first, so
 * whatever the caller waits for, some worker can make progress: every
 * job but the newest is complete, and the newest one's worker empties its
 * queue.  One mutex guards everything; the bytes are copied once, into a
 * buffer, outside it.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lf/expool.h"

#define BUF_SIZE (256 * 1024)
#define QUEUE 4 /* filled buffers a job may have waiting */
/*
 * A worker holds back up to BATCH_JOBS reports whose MD5s wait in its
 * batch (lf/md5batch.h), which holds up to BATCH_SPACE bytes: enough
 * objects to fill the vector lanes.  It flushes the batch when it holds
 * that many, and always before it waits for work, so a report is never
 * held back for want of a message the caller cannot hand on.
 */
#define BATCH_JOBS 16
#define BATCH_SPACE (2 * 1024 * 1024)

struct buffer {
	struct buffer *next;
	size_t len;
	uint8_t data[BUF_SIZE];
};

struct job {
	char *source;
	uint64_t mbox_offset;
	struct buffer *queue[QUEUE]; /* filled, in order */
	size_t head, count;
	bool ended;   /* the caller has given all of it */
	bool claimed; /* a worker has it */
	bool done;    /* report or err is set, and complete */
	json_t *report;
	struct lf_error err;
};

struct lf_expool {
	struct lf_expool_opts o;
	pthread_mutex_t mu;
	pthread_cond_t work;  /* a job to claim, or bytes for a job */
	pthread_cond_t space; /* buffers or a queue place freed */
	pthread_cond_t done;  /* a job is done */
	pthread_t *threads;
	unsigned nthreads;
	bool stopping;

	struct job *jobs; /* ring */
	size_t slots;
	uint64_t first; /* oldest job not yet emitted */
	uint64_t next;  /* the number the next job gets */
	uint64_t claim; /* the next job a worker takes */
	struct buffer *free_list;
	size_t nbuf, nfree;
	/*
	 * What the caller sleeps for: want_free buffers free (0: not that),
	 * or room in the newest job's queue.  Workers wake it only once
	 * there is plenty, not at each buffer: each wake-up costs a context
	 * switch, and the caller would be back asleep after one buffer.
	 */
	size_t want_free;
	bool want_queue;
	struct buffer *fill; /* the caller's buffer for the newest job */

	int init_rc; /* a worker's setup error */
	struct lf_error init_err;
	unsigned ready;
};

static struct job *
job_at(struct lf_expool *p, uint64_t n)
{
	return &p->jobs[n % p->slots];
}

/* Worker: take the next buffer of job j, or NULL at its end. */
static struct buffer *
take(struct lf_expool *p, struct job *j)
{
	struct buffer *b;

	while (j->count == 0 && !j->ended)
		pthread_cond_wait(&p->work, &p->mu);
	if (j->count == 0)
		return NULL;
	b = j->queue[j->head];
	j->head = (j->head + 1) % QUEUE;
	j->count--;
	if (p->want_queue && j->count <= QUEUE / 2)
		pthread_cond_signal(&p->space);
	return b;
}

static void
give_back(struct lf_expool *p, struct buffer *b)
{
	b->next = p->free_list;
	p->free_list = b;
	p->nfree++;
	if (p->want_free != 0 && p->nfree >= p->want_free)
		pthread_cond_signal(&p->space);
}

/*
 * Run job j; returns false when its report is held back for the MD5s in
 * batch (NULL: none).
 */
static bool
run_job(struct lf_expool *p, struct lf_extract *x, struct lf_md5_batch *batch,
    struct job *j)
{
	struct lf_error err;
	struct buffer *b;
	json_t *report = NULL;
	int rc;

	/* Only this worker reads source and mbox_offset now. */
	pthread_mutex_unlock(&p->mu);
	rc = lf_extract_begin(x, (const uint8_t *)j->source, strlen(j->source),
	    j->mbox_offset, &err);
	pthread_mutex_lock(&p->mu);
	while ((b = take(p, j)) != NULL) {
		pthread_mutex_unlock(&p->mu);
		if (rc == LF_OK)
			rc = lf_extract_feed(x, b->data, b->len, &err);
		pthread_mutex_lock(&p->mu);
		give_back(p, b);
	}
	pthread_mutex_unlock(&p->mu);
	if (rc == LF_OK)
		rc = lf_extract_end(x, &report, &err);
	pthread_mutex_lock(&p->mu);
	j->report = rc == LF_OK ? report : NULL;
	if (rc != LF_OK)
		j->err = err;
	if (rc == LF_OK && batch != NULL && lf_md5_batch_waiting(batch))
		return false;
	j->done = true;
	pthread_cond_broadcast(&p->done);
	return true;
}

/* Worker, locked: complete the reports held back. */
static void
release_held(struct lf_expool *p, struct lf_md5_batch *batch, struct job **held,
    size_t *nheld)
{
	size_t i;

	pthread_mutex_unlock(&p->mu);
	lf_md5_batch_flush(batch);
	pthread_mutex_lock(&p->mu);
	for (i = 0; i < *nheld; i++)
		held[i]->done = true;
	*nheld = 0;
	pthread_cond_broadcast(&p->done);
}

static void *
worker(void *arg)
{
	struct lf_expool *p = arg;
	struct lf_extract_opts xo = p->o.x;
	struct lf_extract *x = NULL;
	struct lf_magic *magic = NULL;
	struct lf_md5_batch *batch = NULL;
	struct job *held[BATCH_JOBS];
	size_t nheld = 0;
	struct lf_error err;
	int rc = LF_OK;

	if (p->o.magic_db != NULL)
		rc = lf_magic_new(p->o.magic_db, &magic, &err);
	xo.magic = magic;
	if (rc == LF_OK && (xo.algs & LF_DIGEST_BIT(LF_MD5)))
		rc = lf_md5_batch_new(BATCH_SPACE, &batch, &err);
	xo.md5_batch = batch;
	if (rc == LF_OK)
		rc = lf_extract_new(&xo, &x, &err);
	pthread_mutex_lock(&p->mu);
	if (rc != LF_OK && p->init_rc == LF_OK) {
		p->init_rc = rc;
		p->init_err = err;
	}
	p->ready++;
	pthread_cond_broadcast(&p->done);
	while (rc == LF_OK) {
		if (nheld > 0 && (p->claim == p->next || nheld == BATCH_JOBS)) {
			release_held(p, batch, held, &nheld);
			continue;
		}
		while (!p->stopping && p->claim == p->next)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->claim == p->next)
			break; /* stopping, and nothing left */
		struct job *j = job_at(p, p->claim++);
		j->claimed = true;
		if (!run_job(p, x, batch, j))
			held[nheld++] = j;
	}
	pthread_mutex_unlock(&p->mu);
	/* What a failed message left waiting only needs its memory back. */
	if (batch != NULL)
		lf_md5_batch_flush(batch);
	lf_extract_free(x);
	lf_md5_batch_free(batch);
	lf_magic_free(magic);
	return NULL;
}

/* Caller, locked: hand on the reports of the jobs done, in order. */
static void
emit_done(struct lf_expool *p)
{
	struct job *j;

	while (p->first < p->next && (j = job_at(p, p->first))->done) {
		char *source = j->source;
		json_t *report = j->report;
		struct lf_error err = j->err;
		p->first++;
		memset(j, 0, sizeof(*j));
		pthread_mutex_unlock(&p->mu);
		p->o.emit(p->o.arg, source, report,
		    report == NULL ? &err : NULL);
		json_decref(report);
		free(source);
		pthread_mutex_lock(&p->mu);
	}
}

int
lf_expool_new(const struct lf_expool_opts *opts, struct lf_expool **out,
    struct lf_error *err)
{
	struct lf_expool *p;
	unsigned i, nbuf;

	if (opts->workers == 0 || opts->emit == NULL)
		return lf_error_set(err, LF_E_INVAL, "expool: bad options");
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "expool");
	p->o = *opts;
	p->slots = (3 * BATCH_JOBS + 2) * (size_t)opts->workers + 2;
	nbuf = 4 * opts->workers + 4;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->space, NULL);
	pthread_cond_init(&p->done, NULL);
	if ((p->jobs = calloc(p->slots, sizeof(*p->jobs))) == NULL ||
	    (p->threads = calloc(opts->workers, sizeof(*p->threads))) == NULL) {
		lf_expool_free(p);
		return lf_error_set(err, LF_E_NOMEM, "expool");
	}
	for (i = 0; i < nbuf; i++) {
		struct buffer *b = malloc(sizeof(*b));
		if (b == NULL) {
			lf_expool_free(p);
			return lf_error_set(err, LF_E_NOMEM, "expool");
		}
		b->next = p->free_list;
		p->free_list = b;
		p->nbuf++;
		p->nfree++;
	}
	for (i = 0; i < opts->workers; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	pthread_mutex_lock(&p->mu);
	while (p->ready < p->nthreads)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	if (p->init_rc != LF_OK) {
		int rc = p->init_rc;
		if (err != NULL)
			*err = p->init_err;
		lf_expool_free(p);
		return rc;
	}
	if (p->nthreads == 0) { /* fewer threads than asked is fine */
		lf_expool_free(p);
		return lf_error_set(err, LF_E_NOMEM, "expool: no thread");
	}
	*out = p;
	return LF_OK;
}

int
lf_expool_begin(struct lf_expool *p, const char *source, uint64_t mbox_offset,
    struct lf_error *err)
{
	char *copy = strdup(source);
	struct job *j;

	if (copy == NULL)
		return lf_error_set(err, LF_E_NOMEM, "expool");
	pthread_mutex_lock(&p->mu);
	emit_done(p);
	while (p->next - p->first == p->slots) {
		pthread_cond_wait(&p->done, &p->mu);
		emit_done(p);
	}
	j = job_at(p, p->next);
	memset(j, 0, sizeof(*j));
	j->source = copy;
	j->mbox_offset = mbox_offset;
	p->next++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	return LF_OK;
}

/* Caller, locked: queue the buffer being filled for the newest job. */
static void
push_fill(struct lf_expool *p)
{
	struct job *j = job_at(p, p->next - 1);

	while (j->count == QUEUE) {
		p->want_queue = true;
		pthread_cond_wait(&p->space, &p->mu);
		p->want_queue = false;
		emit_done(p);
	}
	j->queue[(j->head + j->count) % QUEUE] = p->fill;
	j->count++;
	p->fill = NULL;
	pthread_cond_broadcast(&p->work);
}

int
lf_expool_feed(struct lf_expool *p, const uint8_t *data, size_t n)
{
	size_t k;

	while (n > 0) {
		if (p->fill == NULL) {
			pthread_mutex_lock(&p->mu);
			while (p->free_list == NULL) {
				/* Every buffer comes back: the jobs that
				 * hold them are ended but the newest, whose
				 * worker takes what it is given. */
				p->want_free =
				    p->nbuf / 2 > 0 ? p->nbuf / 2 : 1;
				pthread_cond_wait(&p->space, &p->mu);
				p->want_free = 0;
				emit_done(p);
			}
			p->fill = p->free_list;
			p->free_list = p->fill->next;
			p->nfree--;
			pthread_mutex_unlock(&p->mu);
			p->fill->len = 0;
		}
		k = BUF_SIZE - p->fill->len < n ? BUF_SIZE - p->fill->len : n;
		memcpy(p->fill->data + p->fill->len, data, k);
		p->fill->len += k;
		data += k;
		n -= k;
		if (p->fill->len == BUF_SIZE) {
			pthread_mutex_lock(&p->mu);
			push_fill(p);
			pthread_mutex_unlock(&p->mu);
		}
	}
	return LF_OK;
}

void
lf_expool_end(struct lf_expool *p)
{
	pthread_mutex_lock(&p->mu);
	if (p->fill != NULL)
		push_fill(p);
	job_at(p, p->next - 1)->ended = true;
	pthread_cond_broadcast(&p->work);
	emit_done(p);
	pthread_mutex_unlock(&p->mu);
}

void
lf_expool_drain(struct lf_expool *p)
{
	pthread_mutex_lock(&p->mu);
	emit_done(p);
	while (p->first < p->next) {
		pthread_cond_wait(&p->done, &p->mu);
		emit_done(p);
	}
	pthread_mutex_unlock(&p->mu);
}

void
lf_expool_free(struct lf_expool *p)
{
	struct buffer *b;
	unsigned i;

	if (p == NULL)
		return;
	if (p->nthreads > 0)
		lf_expool_drain(p);
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	while ((b = p->free_list) != NULL) {
		p->free_list = b->next;
		free(b);
	}
	free(p->fill);
	free(p->jobs);
	free(p->threads);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->space);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
