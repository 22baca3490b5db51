/*
 * lf_filehash.c: parallel file hashing with ordered results.
 *
 * Why this shape: hashing is CPU-bound (page-cache reads run at 10 GB/s
 * and more), MD5 alone is over half the cost of md5+sha1+sha256, and one
 * digest cannot be split across cores.  So each worker takes whole files;
 * a large file is read in chunks into its owner's ring buffer and each
 * algorithm (a "lane") digests the chunks in order, and any worker that has
 * no file of its own may take a lane.  A chunk slot is reused once every
 * lane has passed it.  One mutex guards all shared state: it is taken a
 * few thousand times a second, far from contention.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lf/filehash.h"

#define CHUNK (256 * 1024)          /* fits L2 while every lane reads it */
#define NCHUNK 8                    /* ring slots per worker */
#define SPLIT_MIN (8 * 1024 * 1024) /* smaller files stay on one thread */
#define WINDOW_PER_THREAD 32        /* files in flight per worker */
#define MAX_THREADS 64
#define CACHE_SLOTS 4096 /* distinct contents typed with libmagic */

enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct lane {
	enum lf_digest_alg alg;
	uint64_t pos; /* next chunk (sequence number) this lane digests */
	bool busy;
};

struct job {
	enum job_state state;
	int fd;
	uint64_t size; /* LF_SIZE_UNKNOWN for a stream */
	void *token;
	struct lf_filehash_result res;

	/* Split execution: lanes on any worker, chunks in the owner's ring. */
	bool split;
	struct lf_digest *digest; /* the owner's */
	uint8_t *ring;            /* the owner's, NCHUNK * CHUNK bytes */
	uint8_t *mbuf;            /* the owner's libmagic window */
	size_t *mlen;
	uint64_t head; /* chunks read */
	bool reading, eof, failed;
	size_t chunk_len[NCHUNK];
	struct lane lanes[LF_DIGEST_NALGS];
	int nlanes;
};

struct worker {
	struct lf_filehash *fh;
	pthread_t thread;
	struct lf_digest *digest;
	struct lf_magic *magic;
	uint8_t *ring;
	uint8_t *mbuf; /* the first bytes of the current file, for libmagic */
	size_t mlen;
};

struct cache_slot {
	bool used;
	uint64_t size;
	uint8_t key[32];
	struct lf_magic_result magic;
};

struct lf_filehash {
	struct lf_filehash_opts o;
	struct lf_limits limits;
	lf_filehash_done_fn done;
	void *arg;
	lf_filehash_tick_fn tick;
	unsigned tick_ms;

	pthread_mutex_t mu;
	pthread_cond_t work;  /* workers wait here */
	pthread_cond_t ready; /* the caller waits here */
	struct job *jobs;     /* window slots, job i at jobs[i % window] */
	size_t window;
	uint64_t head;        /* oldest job not delivered */
	uint64_t tail;        /* next job number to add */
	uint64_t next_start;  /* next queued job to start */
	uint64_t done_prefix; /* jobs before this are all done */
	uint64_t wake_at;     /* the caller wants done_prefix >= this */
	bool stop;
	struct worker *workers;
	unsigned nworkers;
	atomic_uint_fast64_t bytes;

	pthread_mutex_t cache_mu;
	struct cache_slot *cache;
};

/* Relative cost per byte, measured here: the slowest lane goes first. */
static const int lane_cost[LF_DIGEST_NALGS] = {
    [LF_MD5] = 131,
    [LF_SHA1] = 52,
    [LF_SHA256] = 56,
    [LF_SHA512] = 118,
    [LF_SSDEEP] = 470,
    [LF_TLSH] = 560,
};

static struct job *
job_at(struct lf_filehash *fh, uint64_t i)
{
	return &fh->jobs[i % fh->window];
}

/* Keep the first bytes of the file for libmagic. */
static void
keep_magic_bytes(struct lf_filehash *fh, uint8_t *mbuf, size_t *mlen,
    const uint8_t *p, size_t n)
{
	size_t room;

	if (!fh->o.magic || *mlen >= fh->limits.magic_bytes)
		return;
	room = (size_t)fh->limits.magic_bytes - *mlen;
	if (n > room)
		n = room;
	memcpy(mbuf + *mlen, p, n);
	*mlen += n;
}

/* Read until n bytes or the end; returns bytes read or -errno. */
static long
read_full(int fd, uint8_t *buf, size_t n)
{
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = read(fd, buf + done, n - done);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				/* A stream opened non-blocking: wait for it. */
				int fl = fcntl(fd, F_GETFL);
				if (fl >= 0 && (fl & O_NONBLOCK) &&
				    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0)
					continue;
			}
			return -errno;
		}
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (long)done;
}

/*
 * The identity of a content for the libmagic cache: its strongest
 * cryptographic digest (at most 32 bytes of it) and its size.  With only
 * fuzzy hashes there is none, and every file is typed.
 */
static const uint8_t *
cache_key(const struct lf_digest_result *d, size_t *klen)
{
	static const enum lf_digest_alg pref[] = {LF_SHA256, LF_SHA512, LF_SHA1,
	    LF_MD5};
	size_t i;

	for (i = 0; i < sizeof(pref) / sizeof(pref[0]); i++) {
		if (d->algs & LF_DIGEST_BIT(pref[i])) {
			*klen = lf_digest_raw_len(pref[i]);
			if (*klen > 32)
				*klen = 32;
			return lf_digest_raw(d, pref[i]);
		}
	}
	return NULL;
}

/* Type the file once per distinct content. */
static void
type_object(struct lf_filehash *fh, struct worker *w,
    struct lf_filehash_result *res)
{
	struct cache_slot *s = NULL;
	const uint8_t *key;
	size_t klen = 0, i, probe;
	uint32_t h;

	if ((key = cache_key(&res->digest, &klen)) != NULL) {
		memcpy(&h, key, sizeof(h));
		i = h % CACHE_SLOTS;
		pthread_mutex_lock(&fh->cache_mu);
		for (probe = 0; probe < 8; probe++) {
			s = &fh->cache[(i + probe) % CACHE_SLOTS];
			if (!s->used)
				break;
			if (s->size == res->digest.size &&
			    memcmp(s->key, key, klen) == 0) {
				res->magic = s->magic;
				res->typed = true;
				pthread_mutex_unlock(&fh->cache_mu);
				return;
			}
			s = NULL;
		}
		pthread_mutex_unlock(&fh->cache_mu);
	}
	(void)lf_magic_buffer(w->magic, w->mbuf, w->mlen, &res->magic, NULL);
	res->typed = true;
	if (s == NULL)
		return;
	pthread_mutex_lock(&fh->cache_mu);
	if (!s->used) {
		s->used = true;
		s->size = res->digest.size;
		memset(s->key, 0, sizeof(s->key));
		memcpy(s->key, key, klen);
		s->magic = res->magic;
	}
	pthread_mutex_unlock(&fh->cache_mu);
}

static void
finish_result(struct lf_filehash *fh, struct worker *w, struct job *j,
    struct lf_digest *d, int rc)
{
	struct lf_filehash_result *res = &j->res;

	if (rc == LF_OK)
		rc = lf_digest_final(d, &res->digest, &res->err);
	res->status = rc;
	if (rc == LF_OK && fh->o.magic)
		type_object(fh, w, res);
}

/* One thread does the whole file. */
static void
run_direct(struct lf_filehash *fh, struct worker *w, struct job *j)
{
	int rc;
	long n;

	w->mlen = 0;
	rc = lf_digest_reset(w->digest, j->size, &j->res.err);
	if (rc == LF_OK && j->size > CHUNK)
		(void)posix_fadvise(j->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (rc == LF_OK) {
		n = read_full(j->fd, w->ring, CHUNK);
		if (n < 0) {
			rc = lf_error_sys(&j->res.err, (int)-n, "read");
			break;
		}
		if (n == 0)
			break;
		keep_magic_bytes(fh, w->mbuf, &w->mlen, w->ring, (size_t)n);
		rc = lf_digest_update(w->digest, w->ring, (size_t)n,
		    &j->res.err);
		atomic_fetch_add(&fh->bytes, (uint64_t)n);
	}
	(void)close(j->fd);
	j->fd = -1;
	finish_result(fh, w, j, w->digest, rc);
}

static uint64_t
slowest_lane_pos(const struct job *j)
{
	uint64_t m = j->head;
	int i;

	for (i = 0; i < j->nlanes; i++) {
		if (j->lanes[i].pos < m)
			m = j->lanes[i].pos;
	}
	return m;
}

/*
 * Do one piece of a split job: read the next chunk, or digest one chunk in
 * one lane.  Called and returns with fh->mu held.  Returns false when
 * there is nothing to do for now.
 */
static bool
split_step(struct lf_filehash *fh, struct job *j)
{
	struct lane *best = NULL;
	struct lf_error e;
	size_t slot;
	long n;
	int i, rc;

	if (j->failed)
		return false;
	if (!j->reading && !j->eof && j->head - slowest_lane_pos(j) < NCHUNK) {
		slot = j->head % NCHUNK;
		j->reading = true;
		pthread_mutex_unlock(&fh->mu);
		n = read_full(j->fd, j->ring + slot * CHUNK, CHUNK);
		if (n > 0)
			keep_magic_bytes(fh, j->mbuf, j->mlen,
			    j->ring + slot * CHUNK, (size_t)n);
		pthread_mutex_lock(&fh->mu);
		j->reading = false;
		if (n < 0) {
			j->failed = true;
			j->res.status =
			    lf_error_sys(&j->res.err, (int)-n, "read");
		} else {
			if (n > 0) {
				j->chunk_len[slot] = (size_t)n;
				j->head++;
				atomic_fetch_add(&fh->bytes, (uint64_t)n);
			}
			if (n < CHUNK)
				j->eof = true;
		}
		pthread_cond_broadcast(&fh->work);
		return true;
	}
	for (i = 0; i < j->nlanes; i++) {
		struct lane *l = &j->lanes[i];
		if (l->busy || l->pos >= j->head)
			continue;
		if (best == NULL || l->pos < best->pos ||
		    (l->pos == best->pos &&
		        lane_cost[l->alg] > lane_cost[best->alg]))
			best = l;
	}
	if (best == NULL)
		return false;
	best->busy = true;
	slot = best->pos % NCHUNK;
	pthread_mutex_unlock(&fh->mu);
	rc = lf_digest_update_one(j->digest, best->alg, j->ring + slot * CHUNK,
	    j->chunk_len[slot], &e);
	pthread_mutex_lock(&fh->mu);
	best->busy = false;
	best->pos++;
	if (rc != LF_OK && !j->failed) {
		j->failed = true;
		j->res.status = rc;
		j->res.err = e;
	}
	pthread_cond_broadcast(&fh->work);
	return true;
}

static bool
split_quiet(const struct job *j)
{
	int i;

	if (j->reading)
		return false;
	for (i = 0; i < j->nlanes; i++) {
		if (j->lanes[i].busy)
			return false;
	}
	return true;
}

static bool
split_complete(const struct job *j)
{
	int i;

	if (!split_quiet(j))
		return false;
	if (j->failed)
		return true;
	if (!j->eof)
		return false;
	for (i = 0; i < j->nlanes; i++) {
		if (j->lanes[i].pos != j->head)
			return false;
	}
	return true;
}

/* The owner's side of a split job.  Called and returns with fh->mu held. */
static void
run_split(struct lf_filehash *fh, struct worker *w, struct job *j)
{
	int a, rc;

	w->mlen = 0;
	j->digest = w->digest;
	j->ring = w->ring;
	j->mbuf = w->mbuf;
	j->mlen = &w->mlen;
	j->head = 0;
	j->reading = j->eof = j->failed = false;
	j->nlanes = 0;
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (fh->o.algs & LF_DIGEST_BIT(a)) {
			j->lanes[j->nlanes].alg = a;
			j->lanes[j->nlanes].pos = 0;
			j->lanes[j->nlanes].busy = false;
			j->nlanes++;
		}
	}
	rc = lf_digest_reset(w->digest, j->size, &j->res.err);
	if (rc != LF_OK) {
		j->failed = true;
		j->res.status = rc;
	} else {
		(void)posix_fadvise(j->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		j->split = true; /* others may help from now on */
		pthread_cond_broadcast(&fh->work);
	}
	while (!split_complete(j)) {
		if (!split_step(fh, j))
			pthread_cond_wait(&fh->work, &fh->mu);
	}
	j->split = false;
	pthread_mutex_unlock(&fh->mu);
	(void)close(j->fd);
	j->fd = -1;
	finish_result(fh, w, j, w->digest, j->failed ? j->res.status : LF_OK);
	pthread_mutex_lock(&fh->mu);
}

/* Help any split job of another worker.  Called with fh->mu held. */
static bool
help_split(struct lf_filehash *fh)
{
	uint64_t i;

	for (i = fh->head; i < fh->tail; i++) {
		struct job *j = job_at(fh, i);
		if (j->state == JOB_RUNNING && j->split && split_step(fh, j))
			return true;
	}
	return false;
}

static void
job_done(struct lf_filehash *fh, struct job *j)
{
	j->state = JOB_DONE;
	while (fh->done_prefix < fh->tail &&
	    job_at(fh, fh->done_prefix)->state == JOB_DONE)
		fh->done_prefix++;
	if (fh->done_prefix >= fh->wake_at)
		pthread_cond_signal(&fh->ready);
}

static bool
worth_splitting(const struct lf_filehash *fh, const struct job *j)
{
	unsigned n = (unsigned)__builtin_popcount(fh->o.algs);

	return fh->nworkers > 1 && n > 1 &&
	    (j->size == LF_SIZE_UNKNOWN || j->size >= SPLIT_MIN);
}

static void *
worker_main(void *p)
{
	struct worker *w = p;
	struct lf_filehash *fh = w->fh;
	struct job *j;

	pthread_mutex_lock(&fh->mu);
	while (!fh->stop) {
		if (fh->next_start < fh->tail) {
			j = job_at(fh, fh->next_start++);
			j->state = JOB_RUNNING;
			if (worth_splitting(fh, j)) {
				run_split(fh, w, j);
			} else {
				pthread_mutex_unlock(&fh->mu);
				run_direct(fh, w, j);
				pthread_mutex_lock(&fh->mu);
			}
			job_done(fh, j);
			continue;
		}
		if (!help_split(fh))
			pthread_cond_wait(&fh->work, &fh->mu);
	}
	pthread_mutex_unlock(&fh->mu);
	return NULL;
}

static void
worker_release(struct worker *w)
{
	lf_digest_free(w->digest);
	lf_magic_free(w->magic);
	free(w->ring);
	free(w->mbuf);
}

static int
worker_init(struct lf_filehash *fh, struct worker *w, struct lf_error *err)
{
	int rc;

	w->fh = fh;
	if ((rc = lf_digest_new(fh->o.algs, &w->digest, err)) != LF_OK)
		return rc;
	if (fh->o.magic) {
		if ((rc = lf_magic_new(&w->magic, err)) != LF_OK)
			return rc;
		if ((w->mbuf = malloc(fh->limits.magic_bytes)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "magic buffer");
	}
	if ((w->ring = malloc((size_t)NCHUNK * CHUNK)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "read buffer");
	return LF_OK;
}

static unsigned
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

int
lf_filehash_new(const struct lf_filehash_opts *opts, lf_filehash_done_fn done,
    void *arg, struct lf_filehash **out, struct lf_error *err)
{
	struct lf_filehash *fh;
	pthread_condattr_t ca;
	unsigned i, nthreads;
	int rc;

	if (opts->algs == 0 || (opts->algs & ~LF_DIGEST_ALL) != 0 ||
	    opts->limits == NULL)
		return lf_error_set(err, LF_E_INVAL, "filehash: bad options");
	nthreads = opts->threads ? opts->threads : default_threads();
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if ((fh = calloc(1, sizeof(*fh))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "filehash");
	fh->o = *opts;
	fh->limits = *opts->limits;
	fh->o.limits = &fh->limits;
	fh->done = done;
	fh->arg = arg;
	fh->window = (size_t)nthreads * WINDOW_PER_THREAD;
	pthread_mutex_init(&fh->mu, NULL);
	pthread_mutex_init(&fh->cache_mu, NULL);
	pthread_cond_init(&fh->work, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&fh->ready, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&fh->bytes, 0);
	fh->wake_at = UINT64_MAX;
	fh->jobs = calloc(fh->window, sizeof(*fh->jobs));
	fh->workers = calloc(nthreads, sizeof(*fh->workers));
	if (opts->magic)
		fh->cache = calloc(CACHE_SLOTS, sizeof(*fh->cache));
	if (fh->jobs == NULL || fh->workers == NULL ||
	    (opts->magic && fh->cache == NULL)) {
		rc = lf_error_set(err, LF_E_NOMEM, "filehash");
		goto fail;
	}
	for (i = 0; i < nthreads; i++) {
		if ((rc = worker_init(fh, &fh->workers[i], err)) != LF_OK) {
			worker_release(&fh->workers[i]);
			goto fail;
		}
		if (pthread_create(&fh->workers[i].thread, NULL, worker_main,
		        &fh->workers[i]) != 0) {
			worker_release(&fh->workers[i]);
			if (i > 0)
				break; /* run with the threads we have */
			rc = lf_error_set(err, LF_E_IO,
			    "cannot start a worker thread");
			goto fail;
		}
		fh->nworkers++;
	}
	*out = fh;
	return LF_OK;
fail:
	lf_filehash_free(fh);
	return rc;
}

void
lf_filehash_set_tick(struct lf_filehash *fh, lf_filehash_tick_fn tick,
    unsigned interval_ms)
{
	fh->tick = tick;
	fh->tick_ms = interval_ms;
}

/* Deliver finished jobs in order.  Called and returns with fh->mu held. */
static void
deliver(struct lf_filehash *fh)
{
	struct job *j;

	while (fh->head < fh->done_prefix) {
		j = job_at(fh, fh->head);
		/* Workers never touch a done job: no lock needed to read it. */
		pthread_mutex_unlock(&fh->mu);
		fh->done(fh->arg, j->token, &j->res);
		pthread_mutex_lock(&fh->mu);
		j->state = JOB_FREE;
		fh->head++;
	}
}

/* Wait until done_prefix reaches target, ticking meanwhile. */
static void
wait_done(struct lf_filehash *fh, uint64_t target)
{
	struct timespec ts;

	fh->wake_at = target;
	while (fh->done_prefix < target) {
		if (fh->tick == NULL) {
			pthread_cond_wait(&fh->ready, &fh->mu);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)(fh->tick_ms % 1000) * 1000000L;
		ts.tv_sec += fh->tick_ms / 1000 + ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		if (pthread_cond_timedwait(&fh->ready, &fh->mu, &ts) ==
		    ETIMEDOUT) {
			pthread_mutex_unlock(&fh->mu);
			fh->tick(fh->arg);
			pthread_mutex_lock(&fh->mu);
		}
	}
	fh->wake_at = UINT64_MAX;
}

int
lf_filehash_add(struct lf_filehash *fh, int fd, uint64_t size, void *token,
    struct lf_error *err)
{
	struct job *j;

	(void)err;
	pthread_mutex_lock(&fh->mu);
	deliver(fh);
	if (fh->tail - fh->head == fh->window) {
		/* Full: wait for half the window, then deliver in a batch. */
		wait_done(fh, fh->head + fh->window / 2);
		deliver(fh);
	}
	j = job_at(fh, fh->tail);
	memset(j, 0, sizeof(*j));
	j->state = JOB_QUEUED;
	j->fd = fd;
	j->size = size;
	j->token = token;
	fh->tail++;
	/* Broadcast: a split job's owner may be the only waiter signalled. */
	pthread_cond_broadcast(&fh->work);
	pthread_mutex_unlock(&fh->mu);
	return LF_OK;
}

int
lf_filehash_finish(struct lf_filehash *fh, struct lf_error *err)
{
	(void)err;
	pthread_mutex_lock(&fh->mu);
	wait_done(fh, fh->tail);
	deliver(fh);
	pthread_mutex_unlock(&fh->mu);
	return LF_OK;
}

uint64_t
lf_filehash_bytes(const struct lf_filehash *fh)
{
	return atomic_load(&((struct lf_filehash *)fh)->bytes);
}

void
lf_filehash_free(struct lf_filehash *fh)
{
	unsigned i;
	uint64_t k;

	if (fh == NULL)
		return;
	pthread_mutex_lock(&fh->mu);
	fh->stop = true;
	pthread_cond_broadcast(&fh->work);
	pthread_mutex_unlock(&fh->mu);
	for (i = 0; i < fh->nworkers; i++) {
		(void)pthread_join(fh->workers[i].thread, NULL);
		worker_release(&fh->workers[i]);
	}
	for (k = fh->head; fh->jobs != NULL && k < fh->tail; k++) {
		struct job *j = job_at(fh, k);
		if (j->fd >= 0 && j->state == JOB_QUEUED)
			(void)close(j->fd);
	}
	pthread_cond_destroy(&fh->work);
	pthread_cond_destroy(&fh->ready);
	pthread_mutex_destroy(&fh->mu);
	pthread_mutex_destroy(&fh->cache_mu);
	free(fh->jobs);
	free(fh->workers);
	free(fh->cache);
	free(fh);
}
