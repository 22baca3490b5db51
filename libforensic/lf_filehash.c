/*
 * lf_filehash.c: parallel file hashing with ordered results.
 *
 * Why this shape.  Hashing is CPU-bound (page-cache reads run at 10 GB/s
 * and more) and MD5, over half the cost of md5+sha1+sha256, cannot use a
 * whole core on one stream.  So each worker owns a batch of files hashed
 * side by side: a reader fills a ring of slots with the next piece of
 * every file in the batch, and each algorithm (a "lane") digests the slots
 * in order, MD5 for the batch's files 16 at once in vector lanes.
 * Any worker with nothing of its own may read for or take a lane of
 * another's batch: that is how one large file alone uses every core (MD5
 * on one, SHA-1 and SHA-256 on another), and how the last files of a run
 * finish sooner.  A slot is reused once every lane has passed it; a file
 * is finished when every lane has passed its last slot.  One mutex guards
 * the shared state; it is taken a few thousand times a second.
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
#include "lf/md5.h"

/*
 * A batch holds more files than MD5 has vector lanes: a file that has been
 * read whole keeps its place until every lane has digested it, and the
 * lanes must stay full meanwhile.
 */
#define MEMBERS LF_DIGEST_MAX_STREAMS
#define NSLOT 4                       /* ring depth: how far lanes drift */
#define SLOT_BYTES (512 * 1024)       /* shared by the files read into a slot */
#define PIECE_MIN 4096                /* the smallest share of a slot */
#define JOBS_PER_THREAD (4 * MEMBERS) /* files in flight per worker */
#define MAX_THREADS 64

enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct job {
	enum job_state state;
	int fd;
	uint64_t size; /* LF_SIZE_UNKNOWN for a stream */
	off_t start;   /* where reading began: stdin need not be at 0 */
	void *token;
	struct lf_filehash_result res;
};

struct member {
	struct job *job;     /* NULL when the member is free */
	struct lf_digest *d; /* the member's own, reused job after job */
	uint64_t first;      /* the slot of its first piece */
	uint64_t last;       /* the slot of its last piece, or UINT64_MAX */
	uint64_t nread;      /* bytes read */
	bool failed;         /* stop digesting: res holds why */
	bool finishing;      /* being finalized, not yet free */
	uint8_t *window;     /* a stream's first bytes, for libmagic */
	size_t wlen;
};

struct lane {
	enum lf_digest_alg alg;
	uint64_t pos; /* next slot this lane digests */
	bool busy;
};

struct batch {
	struct member m[MEMBERS];
	uint8_t *ring;              /* NSLOT * SLOT_BYTES bytes */
	size_t off[NSLOT][MEMBERS]; /* where each member's bytes start */
	size_t len[NSLOT][MEMBERS]; /* bytes of each member in each slot */
	uint64_t present[NSLOT];    /* members with an entry in the slot */
	uint64_t head;              /* slots read */
	bool reading;
	int active; /* members with a job */
	struct lane lanes[LF_DIGEST_NALGS];
	int nlanes;
};

struct worker {
	struct lf_filehash *fh;
	pthread_t thread;
	struct batch batch;
	struct lf_magic *magic;
	uint8_t *mbuf; /* the first bytes of a file being typed */
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
	uint64_t running;     /* jobs in batches */
	bool stop;
	struct worker *workers;
	unsigned nworkers;
	struct lf_magic_db *magic_db;
	atomic_uint_fast64_t bytes;
};

/*
 * Relative cost per byte, measured here, so that when lanes are level the
 * slowest goes first.  MD5 gets cheaper the more files run side by side.
 */
static int
lane_cost(enum lf_digest_alg alg, int files)
{
	static const int cost[LF_DIGEST_NALGS] = {
	    [LF_MD5] = 131,
	    [LF_SHA1] = 52,
	    [LF_SHA256] = 56,
	    [LF_SHA512] = 118,
	    [LF_SSDEEP] = 470,
	    [LF_TLSH] = 560,
	};

	if (alg == LF_MD5)
		return files <= 1 ? cost[alg] :
		    files <= 4    ? cost[alg] / 2 :
		                    cost[alg] / 5;
	return cost[alg];
}

static struct job *
job_at(struct lf_filehash *fh, uint64_t i)
{
	return &fh->jobs[i % fh->window];
}

static uint8_t *
slot_data(struct batch *b, uint64_t seq, int m)
{
	return b->ring + (size_t)(seq % NSLOT) * SLOT_BYTES +
	    b->off[seq % NSLOT][m];
}

/* Read until n bytes or the end; returns bytes read or -errno. */
static long
read_full(int fd, uint8_t *buf, size_t n)
{
	size_t done = 0;
	ssize_t got;
	int fl;

	while (done < n) {
		got = read(fd, buf + done, n - done);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			/* A stream opened non-blocking: wait for it. */
			if (errno == EAGAIN && (fl = fcntl(fd, F_GETFL)) >= 0 &&
			    (fl & O_NONBLOCK) &&
			    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0)
				continue;
			return -errno;
		}
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (long)done;
}

/*
 * Type a finished file, once per distinct content: from the file itself
 * (read again from the page cache) or, for a stream, the bytes kept.
 */
static void
type_file(struct lf_filehash *fh, struct worker *w, struct member *mb)
{
	struct lf_filehash_result *res = &mb->job->res;
	const uint8_t *p = w->mbuf;
	long n = 0;

	res->typed = true;
	if (lf_magic_cached(w->magic, &res->digest, &res->magic))
		return;
	if (mb->job->size == LF_SIZE_UNKNOWN) {
		p = mb->window;
		n = (long)mb->wlen;
	} else {
		size_t want = mb->job->size < fh->limits.magic_bytes ?
		    (size_t)mb->job->size :
		    (size_t)fh->limits.magic_bytes;
		ssize_t got;
		while ((got = pread(mb->job->fd, w->mbuf + n, want - (size_t)n,
		            mb->job->start + n)) > 0 &&
		    (size_t)(n += got) < want)
			;
	}
	(void)lf_magic_buffer(w->magic, p != NULL ? p : w->mbuf, (size_t)n,
	    &res->magic, NULL);
	lf_magic_remember(w->magic, &res->digest, &res->magic);
}

static void
fail_member(struct member *mb, const struct lf_error *e)
{
	if (!mb->failed) {
		mb->failed = true;
		mb->job->res.status = e->code;
		mb->job->res.err = *e;
	}
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

/*
 * Finish the members whose last slot is seq, now that every lane has
 * passed it.  Called and returns with fh->mu held.
 */
static void
finish_members(struct lf_filehash *fh, struct worker *w, struct batch *b,
    uint64_t seq)
{
	struct lf_filehash_result *res;
	struct member *mb;
	int i, rc;

	for (i = 0; i < MEMBERS; i++) {
		mb = &b->m[i];
		if (mb->job == NULL || mb->finishing || mb->last != seq)
			continue;
		mb->finishing = true;
		pthread_mutex_unlock(&fh->mu);
		res = &mb->job->res;
		if (!mb->failed) {
			rc = lf_digest_final(mb->d, &res->digest, &res->err);
			res->status = rc;
			if (rc == LF_OK && fh->o.magic)
				type_file(fh, w, mb);
		}
		(void)close(mb->job->fd);
		mb->job->fd = -1;
		free(mb->window);
		mb->window = NULL;
		pthread_mutex_lock(&fh->mu);
		job_done(fh, mb->job);
		mb->job = NULL;
		mb->finishing = false;
		b->active--;
		fh->running--;
	}
}

static uint64_t
slowest_lane(const struct batch *b)
{
	uint64_t m = b->head;
	int i;

	for (i = 0; i < b->nlanes; i++) {
		if (b->lanes[i].pos < m)
			m = b->lanes[i].pos;
	}
	return m;
}

/*
 * How many files one batch may hold now: a fair share of the files
 * running and waiting, so that four large files go two and two to two
 * workers rather than four to one.
 */
static int
fair_share(const struct lf_filehash *fh)
{
	uint64_t waiting = fh->tail - fh->next_start;
	uint64_t share =
	    (fh->running + waiting + fh->nworkers - 1) / fh->nworkers;

	return share < 1 ? 1 : share > MEMBERS ? MEMBERS : (int)share;
}

/* Give queued files to free members.  Called with fh->mu held. */
static void
take_jobs(struct lf_filehash *fh, struct batch *b, uint64_t *fresh)
{
	int i, share = fair_share(fh);

	for (i = 0;
	     i < MEMBERS && b->active < share && fh->next_start < fh->tail;
	     i++) {
		struct member *mb = &b->m[i];
		if (mb->job != NULL)
			continue;
		mb->job = job_at(fh, fh->next_start++);
		mb->job->state = JOB_RUNNING;
		mb->first = b->head;
		mb->last = UINT64_MAX;
		mb->nread = 0;
		mb->failed = false;
		mb->wlen = 0;
		*fresh |= 1ULL << i;
		b->active++;
		fh->running++;
	}
}

/*
 * What the reader found for one member, applied under the lock: the reader
 * works without it, and lanes look at `last' and `failed'.
 */
struct outcome {
	bool done;           /* this was its last piece */
	struct lf_error err; /* code LF_OK unless it failed */
};

/* Start a member's job: reset its digest, announce the sequential read. */
static void
start_member(struct lf_filehash *fh, struct member *mb, struct outcome *out)
{
	struct job *j = mb->job;

	if (lf_digest_reset(mb->d, j->size, &out->err) != LF_OK)
		return;
	if (j->size == LF_SIZE_UNKNOWN && fh->o.magic &&
	    (mb->window = malloc(fh->limits.magic_bytes)) == NULL) {
		lf_error_set(&out->err, LF_E_NOMEM, "magic window");
		return;
	}
	if (j->size != LF_SIZE_UNKNOWN) {
		j->start = lseek(j->fd, 0, SEEK_CUR);
		if (j->start < 0)
			j->start = 0;
		if (j->size > SLOT_BYTES)
			(void)posix_fadvise(j->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
}

/*
 * Read one member's next piece, of up to `chunk' bytes, into the slot;
 * nothing when it failed already (skip).
 */
static void
read_member(struct lf_filehash *fh, struct batch *b, int i, uint64_t seq,
    size_t chunk, bool skip, struct outcome *out)
{
	struct member *mb = &b->m[i];
	uint8_t *dst = slot_data(b, seq, i);
	long n = 0;
	size_t keep;

	if (!skip && out->err.code == LF_OK)
		n = read_full(mb->job->fd, dst, chunk);
	if (n < 0) {
		lf_error_sys(&out->err, (int)-n, "read");
		n = 0;
	}
	b->len[seq % NSLOT][i] = (size_t)n;
	mb->nread += (uint64_t)n;
	if (mb->job->size != LF_SIZE_UNKNOWN && mb->nread > mb->job->size)
		lf_error_set(&out->err, LF_E_CHANGED,
		    "grew past its size of %llu bytes",
		    (unsigned long long)mb->job->size);
	if (mb->window != NULL && mb->wlen < fh->limits.magic_bytes) {
		keep = (size_t)fh->limits.magic_bytes - mb->wlen;
		keep = keep < (size_t)n ? keep : (size_t)n;
		memcpy(mb->window + mb->wlen, dst, keep);
		mb->wlen += keep;
	}
	out->done = (size_t)n < chunk || skip || out->err.code != LF_OK;
	atomic_fetch_add(&fh->bytes, (uint64_t)n);
}

/*
 * Read the next slot of a batch: a piece of every member still reading,
 * after giving free members queued files.  Called and returns with fh->mu
 * held; returns false when there is nothing to read now.
 */
static bool
read_slot(struct lf_filehash *fh, struct batch *b)
{
	uint64_t fresh = 0, present = 0, failed = 0, seq = b->head;
	struct outcome out[MEMBERS];
	size_t chunk, off = 0;
	int i, readers = 0;

	if (b->reading || seq - slowest_lane(b) >= NSLOT)
		return false;
	take_jobs(fh, b, &fresh);
	for (i = 0; i < MEMBERS; i++) {
		if (b->m[i].job != NULL && b->m[i].last == UINT64_MAX) {
			present |= 1ULL << i;
			failed |= (uint64_t)b->m[i].failed << i;
			readers++;
		}
	}
	if (present == 0)
		return false;
	/* Fewer files share a slot in bigger pieces: with one large file
	 * alone, the lanes can drift 2 MiB apart. */
	chunk = SLOT_BYTES / (size_t)readers / PIECE_MIN * PIECE_MIN;
	b->reading = true;
	pthread_mutex_unlock(&fh->mu);
	for (i = 0; i < MEMBERS; i++) {
		if (!(present & (1ULL << i)))
			continue;
		lf_error_clear(&out[i].err);
		if (fresh & (1ULL << i))
			start_member(fh, &b->m[i], &out[i]);
		b->off[seq % NSLOT][i] = off;
		read_member(fh, b, i, seq, chunk, (failed >> i) & 1, &out[i]);
		off += chunk;
	}
	pthread_mutex_lock(&fh->mu);
	for (i = 0; i < MEMBERS; i++) {
		if (!(present & (1ULL << i)))
			continue;
		if (out[i].err.code != LF_OK)
			fail_member(&b->m[i], &out[i].err);
		if (out[i].done)
			b->m[i].last = seq;
	}
	b->present[seq % NSLOT] = present;
	b->head++;
	b->reading = false;
	pthread_cond_broadcast(&fh->work);
	return true;
}

/* The pieces of each member in a lane's claimed slots [from, to). */
struct claim {
	struct batch *b;
	uint64_t from, to;
	int who[MEMBERS];       /* stream number -> member */
	uint64_t next[MEMBERS]; /* stream number -> next slot to look at */
};

static bool
next_piece(void *arg, size_t stream, const uint8_t **p, size_t *n)
{
	struct claim *c = arg;
	int i = c->who[stream];
	uint64_t seq;

	for (seq = c->next[stream]; seq < c->to; seq++) {
		size_t len = c->b->len[seq % NSLOT][i];
		if (!(c->b->present[seq % NSLOT] & (1ULL << i)) || len == 0)
			continue;
		c->next[stream] = seq + 1;
		*p = slot_data(c->b, seq, i);
		*n = len;
		return true;
	}
	c->next[stream] = c->to;
	return false;
}

/*
 * Digest, in the lane furthest behind, every slot read and not yet
 * digested in it.  Called and returns with fh->mu held; returns false when
 * no lane can move now.
 */
static bool
lane_step(struct lf_filehash *fh, struct worker *self, struct batch *b)
{
	struct lf_digest *ds[MEMBERS];
	struct lane *best = NULL;
	struct claim c;
	struct lf_error e;
	uint64_t before, after, seq;
	size_t count = 0;
	int i;

	for (i = 0; i < b->nlanes; i++) {
		struct lane *l = &b->lanes[i];
		if (l->busy || l->pos >= b->head)
			continue;
		if (best == NULL || l->pos < best->pos ||
		    (l->pos == best->pos &&
		        lane_cost(l->alg, b->active) >
		            lane_cost(best->alg, b->active)))
			best = l;
	}
	if (best == NULL)
		return false;
	c.b = b;
	c.from = best->pos;
	c.to = b->head;
	for (i = 0; i < MEMBERS; i++) {
		struct member *mb = &b->m[i];
		if (mb->job == NULL || mb->failed || mb->first >= c.to ||
		    (mb->last != UINT64_MAX && mb->last < c.from))
			continue;
		ds[count] = mb->d;
		c.who[count] = i;
		c.next[count] = c.from;
		count++;
	}
	best->busy = true;
	pthread_mutex_unlock(&fh->mu);
	if (count > 0 &&
	    lf_digest_update_streams(ds, count, best->alg, next_piece, &c,
	        &e) != LF_OK) {
		pthread_mutex_lock(&fh->mu);
		for (i = 0; i < (int)count; i++)
			fail_member(&b->m[c.who[i]], &e);
		pthread_mutex_unlock(&fh->mu);
	}
	pthread_mutex_lock(&fh->mu);
	before = slowest_lane(b);
	best->busy = false;
	best->pos = c.to;
	after = slowest_lane(b);
	for (seq = before; seq < after; seq++)
		finish_members(fh, self, b, seq);
	pthread_cond_broadcast(&fh->work);
	return true;
}

/* Any progress on a batch: a read or a lane.  fh->mu held. */
static bool
batch_step(struct lf_filehash *fh, struct worker *self, struct batch *b)
{
	return read_slot(fh, b) || lane_step(fh, self, b);
}

static void *
worker_main(void *p)
{
	struct worker *w = p;
	struct lf_filehash *fh = w->fh;
	unsigned i;
	bool moved;

	pthread_mutex_lock(&fh->mu);
	while (!fh->stop) {
		if (batch_step(fh, w, &w->batch))
			continue;
		/* Nothing of our own to do: help the others. */
		moved = false;
		for (i = 0; i < fh->nworkers && !moved; i++) {
			struct worker *o = &fh->workers[i];
			if (o != w)
				moved = batch_step(fh, w, &o->batch);
		}
		if (!moved)
			pthread_cond_wait(&fh->work, &fh->mu);
	}
	pthread_mutex_unlock(&fh->mu);
	return NULL;
}

static void
worker_release(struct worker *w)
{
	int i;

	for (i = 0; i < MEMBERS; i++) {
		lf_digest_free(w->batch.m[i].d);
		free(w->batch.m[i].window);
	}
	lf_magic_free(w->magic);
	free(w->batch.ring);
	free(w->mbuf);
}

static int
worker_init(struct lf_filehash *fh, struct worker *w, struct lf_error *err)
{
	struct batch *b = &w->batch;
	int a, i, rc;

	w->fh = fh;
	for (i = 0; i < MEMBERS; i++) {
		if ((rc = lf_digest_new(fh->o.algs, &b->m[i].d, err)) != LF_OK)
			return rc;
	}
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (fh->o.algs & LF_DIGEST_BIT(a))
			b->lanes[b->nlanes++].alg = a;
	}
	if (fh->o.magic) {
		if ((rc = lf_magic_new(fh->magic_db, &w->magic, err)) != LF_OK)
			return rc;
		if ((w->mbuf = malloc(fh->limits.magic_bytes)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "magic buffer");
	}
	if ((b->ring = malloc((size_t)NSLOT * SLOT_BYTES)) == NULL)
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
	fh->window = (size_t)nthreads * JOBS_PER_THREAD;
	fh->wake_at = UINT64_MAX;
	pthread_mutex_init(&fh->mu, NULL);
	pthread_cond_init(&fh->work, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&fh->ready, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&fh->bytes, 0);
	fh->jobs = calloc(fh->window, sizeof(*fh->jobs));
	fh->workers = calloc(nthreads, sizeof(*fh->workers));
	if (fh->jobs == NULL || fh->workers == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "filehash");
		goto fail;
	}
	if (opts->magic && (rc = lf_magic_db_open(&fh->magic_db, err)) != LF_OK)
		goto fail;
	/* Every worker is set up before any starts: they look at each other. */
	fh->nworkers = nthreads;
	for (i = 0; i < nthreads; i++) {
		if ((rc = worker_init(fh, &fh->workers[i], err)) != LF_OK)
			goto fail_workers;
	}
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&fh->workers[i].thread, NULL, worker_main,
		        &fh->workers[i]) != 0) {
			rc = lf_error_set(err, LF_E_IO,
			    "cannot start a worker thread");
			pthread_mutex_lock(&fh->mu);
			fh->stop = true;
			pthread_cond_broadcast(&fh->work);
			pthread_mutex_unlock(&fh->mu);
			while (i-- > 0)
				(void)pthread_join(fh->workers[i].thread, NULL);
			goto fail_workers;
		}
	}
	*out = fh;
	return LF_OK;
fail_workers:
	for (i = 0; i < nthreads; i++)
		worker_release(&fh->workers[i]);
	fh->nworkers = 0;
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
	/* Room in the window: members may take what was queued. */
	pthread_cond_broadcast(&fh->work);
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
		if (j->fd >= 0 && j->state != JOB_DONE)
			(void)close(j->fd);
	}
	lf_magic_db_close(fh->magic_db);
	pthread_cond_destroy(&fh->work);
	pthread_cond_destroy(&fh->ready);
	pthread_mutex_destroy(&fh->mu);
	free(fh->jobs);
	free(fh->workers);
	free(fh);
}
