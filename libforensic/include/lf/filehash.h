/*
 * lf/filehash.h: hash many files on all cores, results in order.
 *
 * Each worker thread hashes a batch of files side by side, MD5 for up to
 * 16 of them at once in the vector unit (lf_md5_update_streams); a thread
 * with nothing of its own takes algorithms of another's batch, so that a
 * single large file still uses every core (MD5 on one, SHA-1 and SHA-256
 * on another).  Results are delivered in the order the files were added,
 * whatever the threads, by calling the caller's function from the caller's
 * own thread, inside lf_filehash_add and lf_filehash_finish.
 *
 * Memory is bounded whatever the file sizes: each worker owns a fixed read
 * ring (2 MiB), and at most a fixed window of files is in flight.
 */
#ifndef LF_FILEHASH_H
#define LF_FILEHASH_H

#include <stdbool.h>
#include <stdint.h>

#include "lf/digest.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/magic.h"

struct lf_filehash;

struct lf_filehash_opts {
	unsigned algs;    /* LF_DIGEST_BIT()s, not empty */
	unsigned threads; /* workers; 0 for one per online CPU */
	bool magic;       /* also type each file with libmagic */
	const struct lf_limits *limits;
};

struct lf_filehash_result {
	int status;          /* LF_OK or the LF_E_* that stopped it */
	struct lf_error err; /* when status is not LF_OK */
	struct lf_digest_result digest; /* when status is LF_OK */
	bool typed;                     /* magic was asked and is filled */
	struct lf_magic_result magic;
};

/*
 * Called once per added file, in the order added, on the thread that calls
 * lf_filehash_add/_finish.  The result is borrowed for the call.
 */
typedef void (*lf_filehash_done_fn)(void *arg, void *token,
    const struct lf_filehash_result *res);

/*
 * Called about every interval while the caller's thread waits, so that it
 * can show progress.
 */
typedef void (*lf_filehash_tick_fn)(void *arg);

/*
 * lf_filehash_new: start the worker threads.  Returns LF_OK and a new
 * engine in *out, or LF_E_INVAL, LF_E_NOMEM, LF_E_CRYPTO, LF_E_IO (thread
 * or libmagic set-up).
 */
int
lf_filehash_new(const struct lf_filehash_opts *opts, lf_filehash_done_fn done,
    void *arg, struct lf_filehash **out, struct lf_error *err);

/*
 * lf_filehash_set_tick: call tick(arg) every interval_ms while waiting.
 */
void lf_filehash_set_tick(struct lf_filehash *fh, lf_filehash_tick_fn tick,
    unsigned interval_ms);

/*
 * lf_filehash_add: queue the open descriptor fd, whose ownership passes to
 * the engine (it is closed when read, whatever happens), with size the
 * file's size or LF_SIZE_UNKNOWN (a pipe), and the caller's token.  May
 * wait for room, delivering earlier results meanwhile.  Returns LF_OK or
 * LF_E_NOMEM (fd closed).
 */
int lf_filehash_add(struct lf_filehash *fh, int fd, uint64_t size, void *token,
    struct lf_error *err);

/*
 * lf_filehash_finish: wait for every file added and deliver the results.
 * The engine may be used again afterwards.  Returns LF_OK.
 */
int lf_filehash_finish(struct lf_filehash *fh, struct lf_error *err);

/*
 * lf_filehash_bytes: bytes hashed so far (read by any thread).
 */
uint64_t lf_filehash_bytes(const struct lf_filehash *fh);

/*
 * lf_filehash_free: stop the workers and free everything.  Files added but
 * not finished are abandoned unreported.  NULL is allowed.
 */
void lf_filehash_free(struct lf_filehash *fh);

#endif
