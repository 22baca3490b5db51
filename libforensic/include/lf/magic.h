/*
 * lf/magic.h: the real type of an object, from libmagic.
 *
 * The compiled magic database is mapped once (struct lf_magic_db) and
 * shared read-only by the handles.  A handle is not thread-safe, so each
 * thread creates its own at its start and keeps it.  Each call costs
 * 0.2-2 ms whatever the number of bytes, so callers type an object on its
 * first bytes only (limits.magic_bytes), and a content once: the database
 * remembers the types of recent contents for all its handles
 * (lf_magic_cached, lf_magic_remember).
 */
#ifndef LF_MAGIC_H
#define LF_MAGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/digest.h"
#include "lf/error.h"

#define LF_MAGIC_TEXT_MAX 256 /* longer descriptions are cut */

struct lf_magic_db;
struct lf_magic;

struct lf_magic_result {
	char description[LF_MAGIC_TEXT_MAX]; /* "PDF document, version 1.4" */
	char mime[LF_MAGIC_TEXT_MAX];        /* "application/pdf" */
	bool builtin_only; /* from libmagic's built-in tests, not its
			      database (lf_magic_text) */
};

/*
 * lf_magic_db_open: map the compiled databases that libmagic would load
 * (the MAGIC environment variable, else its default path; each "NAME"
 * there is read as "NAME.mgc", and uncompiled text magic is not used).
 * Returns LF_OK and a new database in *out, LF_E_NOMEM, or LF_E_IO when
 * none can be mapped.
 */
int lf_magic_db_open(struct lf_magic_db **out, struct lf_error *err);

/*
 * lf_magic_db_close: unmap.  Every handle made from it must be freed
 * first.  NULL is allowed.
 */
void lf_magic_db_close(struct lf_magic_db *db);

/*
 * lf_magic_new: a handle for the calling thread over db, which must
 * outlive it.  Returns LF_OK and the handle in *out, LF_E_NOMEM, or
 * LF_E_FORMAT when libmagic rejects the database.
 */
int lf_magic_new(struct lf_magic_db *db, struct lf_magic **out,
    struct lf_error *err);

/*
 * lf_magic_free: free the handle.  NULL is allowed.
 */
void lf_magic_free(struct lf_magic *m);

/*
 * lf_magic_buffer: type the n bytes at p (the first bytes of an object, or
 * all of it): libmagic's description and MIME type, the answers file(1)
 * and file --mime-type give.  Returns LF_OK and fills *res, or
 * LF_E_FORMAT when libmagic fails on these bytes (res then says
 * "unknown").  libmagic escapes what is not printable, but the text still
 * comes partly from the input: escape it before display.
 */
int lf_magic_buffer(struct lf_magic *m, const uint8_t *p, size_t n,
    struct lf_magic_result *res, struct lf_error *err);

/*
 * lf_magic_text: type n bytes at p that should be plain text with
 * libmagic's built-in tests (encodings, line ends; 0.01 ms), its database
 * of formats searching only their first 256 bytes (a quarter of the cost
 * of searching 4 KiB of text).  Returns true, with *res filled and
 * builtin_only set, when the built-in tests call the bytes text and the
 * database knows no format in their first bytes; false, and *res
 * undefined, when the bytes need lf_magic_buffer.
 */
bool lf_magic_text(struct lf_magic *m, const uint8_t *p, size_t n,
    struct lf_magic_result *res);

/*
 * lf_magic_cached: true, with *res filled, when a content with the digests
 * d (its SHA-256, else its SHA-512, and its size) was remembered by a
 * handle of the same database.  False when it was not, or d has neither:
 * MD5 and SHA-1 collide on demand, so they identify nothing.  Thread-safe.
 */
bool lf_magic_cached(struct lf_magic *m, const struct lf_digest_result *d,
    struct lf_magic_result *res);

/*
 * lf_magic_remember: remember res as the type of the content d; the
 * database keeps up to 8192 of them, newer ones taking the place of
 * older ones.  Thread-safe.
 */
void lf_magic_remember(struct lf_magic *m, const struct lf_digest_result *d,
    const struct lf_magic_result *res);

#endif
