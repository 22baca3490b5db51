/*
 * lf/tar.h: the bundle's container, a tar archive, written reproducibly
 * and read strictly.
 *
 * The writer makes a POSIX pax archive (libarchive) whose bytes depend on
 * the entries alone: every entry gets the same owner (0:0, no names), the
 * same mode (0644 files, 0755 directories) and the one mtime the caller
 * gives; no atime, ctime or extended attributes are written, and the last
 * block is not padded out to a 10,240-byte record, so the archive ends
 * with its two zero blocks whether it goes to a file or a pipe.  Names
 * must be ASCII and are taken in the order given: sorting them is the
 * caller's part of reproducibility, and the writer refuses a name that
 * does not sort after the one before (bytewise), so a caller cannot get it
 * wrong silently.
 *
 * The reader accepts only what a bundle may hold, and says what else it
 * found (each an LF_E_FORMAT error with the entry named in the message):
 *   - tar formats only (ustar, pax; no compression filter);
 *   - regular files and directories: no links, devices, FIFOs, sockets or
 *     sparse files;
 *   - relative names without "." or ".." components, empty components,
 *     backslashes or control bytes, all under one top directory;
 *   - a file's data exactly as long as its header says;
 *   - nothing but zero bytes after the end of the archive.
 *   - names in bytewise order, as the writer puts them (which also rules
 *     out a name given twice);
 *   - every file below the top directory.
 * It keeps two names and a 64 KiB buffer, never a file's contents.
 */
#ifndef LF_TAR_H
#define LF_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"
#include "lf/reader.h"

#define LF_TAR_NAME_MAX 1024 /* bytes in an entry's name */

struct lf_tarw;

/*
 * lf_tarw_new: a writer of a new archive to fd (borrowed: not closed),
 * every entry dated mtime (seconds since the epoch, >= 0).  Returns LF_OK
 * and a writer in *out, LF_E_INVAL, or LF_E_NOMEM.
 */
int
lf_tarw_new(int fd, int64_t mtime, struct lf_tarw **out, struct lf_error *err);

/*
 * lf_tarw_direct: before the first entry, have the writer gather its
 * output into aligned 4 MiB blocks and write them with O_DIRECT, around
 * the page cache, when fd is at an aligned offset of a file that allows
 * it.  For an archive written once, large, and synced at the end, the
 * kernel's copy into the cache is the costliest part of writing it.  The
 * bytes are the same either way; a filesystem that refuses a direct write
 * gets the rest through the cache, and the last part block always goes
 * through the cache.  fd's status flags are restored by lf_tarw_finish or
 * lf_tarw_free.  Returns true when direct I/O is on.
 */
bool lf_tarw_direct(struct lf_tarw *w);

/*
 * lf_tarw_dir: a directory entry named path (no trailing "/").
 * lf_tarw_file: a regular file of size bytes named path; its bytes
 * follow through lf_tarw_data, exactly size of them before the next
 * entry or lf_tarw_finish.
 * Both return LF_OK; LF_E_INVAL for a name that is empty, too long, not
 * printable ASCII, not sorted after the previous one, or an entry begun
 * before the last file's bytes were all given; LF_E_IO when writing
 * fails.  After an error the writer must only be freed.
 */
int lf_tarw_dir(struct lf_tarw *w, const char *path, struct lf_error *err);
int lf_tarw_file(struct lf_tarw *w, const char *path, uint64_t size,
    struct lf_error *err);

/*
 * lf_tarw_data: n more bytes of the current file.  Returns LF_OK, LF_E_INVAL
 * when that would pass its size, or LF_E_IO.
 */
int
lf_tarw_data(struct lf_tarw *w, const void *p, size_t n, struct lf_error *err);

/*
 * lf_tarw_finish: write the end of the archive.  Returns LF_OK, LF_E_INVAL
 * when the last file is short of its size, or LF_E_IO.  The caller still
 * syncs and closes fd.
 */
int lf_tarw_finish(struct lf_tarw *w, struct lf_error *err);

/* lf_tarw_free: free the writer (an unfinished archive stays unfinished). */
void lf_tarw_free(struct lf_tarw *w);

struct lf_tarr;

enum lf_tar_type {
	LF_TAR_FILE,
	LF_TAR_DIR,
};

struct lf_tar_entry {
	const char *path; /* NUL-terminated; borrowed until the next call */
	enum lf_tar_type type;
	uint64_t size; /* 0 for a directory */
};

/*
 * lf_tarr_new: a strict reader of the archive in in (borrowed).  Returns
 * LF_OK and a reader in *out, LF_E_NOMEM, or the input's error.
 */
int
lf_tarr_new(struct lf_reader *in, struct lf_tarr **out, struct lf_error *err);

/*
 * lf_tarr_next: the next entry in *e.  Returns 1 with *e filled, 0 at the
 * end of a sound archive, LF_E_FORMAT when the archive is not one a bundle
 * may be (the message says why and names the entry), or the input's
 * error.  A file's bytes not read through
 * lf_tarr_read are skipped (and still checked for their length).  After an
 * error the reader must only be freed.
 */
int
lf_tarr_next(struct lf_tarr *r, struct lf_tar_entry *e, struct lf_error *err);

/*
 * lf_tarr_read: up to n bytes of the current file's data.  Returns the
 * number read, 0 at its end, or a negative LF_E_* code (LF_E_FORMAT when
 * the archive ends inside the data).
 */
long lf_tarr_read(struct lf_tarr *r, void *buf, size_t n, struct lf_error *err);

/* lf_tarr_top: the one top directory's name, once an entry was read. */
const char *lf_tarr_top(const struct lf_tarr *r);

/* lf_tarr_free: free the reader (not its input).  NULL is allowed. */
void lf_tarr_free(struct lf_tarr *r);

#endif
