/*
 * lf/store.h: the quarantine store, content-addressed.
 *
 * An object lives at objects/<first 2 hex digits>/<sha256>, mode 0400,
 * under the store directory.  Every file is created relative to the
 * store's directory descriptor with O_EXCL and O_NOFOLLOW: no name from
 * the input ever becomes a path, and a link planted in the store cannot
 * redirect a write.  An object gets its name only once complete (an
 * unnamed O_TMPFILE file linked into place, or where the filesystem cannot,
 * a file in tmp/ renamed into place), so a crash never leaves a part of an
 * object under an object's name; one syncfs() at the end makes the store
 * durable.  An object already there is never written again nor replaced,
 * and when it was small enough to stay in memory, no file is made for it.
 * The environment variable LF_STORE_NAMED (any value) makes a store use
 * tmp/ even where it could do without, to test that path.
 */
#ifndef LF_STORE_H
#define LF_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

#define LF_STORE_PATH_MAX 80 /* "objects/ab/" + 64 hex + NUL */

struct lf_store;
struct lf_store_writer;

/*
 * lf_store_open: open (and create, mode 0700, when missing) the store at
 * dir, with its objects/ and tmp/.  dir itself must not be a symbolic
 * link.  Returns LF_OK and the store in *out, LF_E_IO or LF_E_NOMEM.
 */
int lf_store_open(const char *dir, struct lf_store **out, struct lf_error *err);

/*
 * lf_store_begin: start writing a new object.  Returns LF_OK and a writer
 * in *w, LF_E_IO or LF_E_NOMEM.  The writer must end in _commit or _abort.
 * Writers of one store may be used from different threads at once.
 */
int lf_store_begin(struct lf_store *s, struct lf_store_writer **w,
    struct lf_error *err);

/*
 * lf_store_write: append n bytes.  Returns LF_OK or LF_E_IO (the writer
 * must then be aborted).
 */
int lf_store_write(struct lf_store_writer *w, const void *p, size_t n,
    struct lf_error *err);

/*
 * lf_store_commit: the object is complete and its SHA-256 is sha256: put
 * it in place, read-only.  *existed, when not NULL, says it was there
 * already (the new copy is dropped).  Frees the writer whatever happens.
 * Returns LF_OK or LF_E_IO.
 */
int lf_store_commit(struct lf_store_writer *w, const uint8_t sha256[32],
    bool *existed, struct lf_error *err);

/*
 * lf_store_abort: drop the object being written and free the writer.
 * NULL is allowed.
 */
void lf_store_abort(struct lf_store_writer *w);

/*
 * lf_store_relpath: "objects/ab/ab12...": where an object is, relative to
 * the store directory.
 */
void lf_store_relpath(const uint8_t sha256[32], char out[LF_STORE_PATH_MAX]);

/*
 * lf_store_read_object: open the stored object named sha256 for reading
 * (never following a link).  Returns LF_OK and the descriptor in *fd, or
 * LF_E_IO (sys_errno ENOENT: there is no such object).
 */
int lf_store_read_object(struct lf_store *s, const uint8_t sha256[32], int *fd,
    struct lf_error *err);

/*
 * lf_store_sync: write everything committed to the disk (syncfs).
 * Returns LF_OK or LF_E_IO.
 */
int lf_store_sync(struct lf_store *s, struct lf_error *err);

/*
 * lf_store_close: NULL is allowed.  Writers must be finished first.
 */
void lf_store_close(struct lf_store *s);

#endif
